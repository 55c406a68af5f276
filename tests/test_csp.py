"""生产安全响应头（deploy/security-headers.conf，与 nginx 示例配置相同）。

每个浏览器测试都在这些响应头下运行，测试结束时有 CSP 违规就失败（见 conftest.py）；
这里检查响应头本身足够严格、页面里没有内联脚本，以及搜索和检查单在这些响应头下可用。
"""
from __future__ import annotations

import re

from conftest import material_search, security_headers


def test_headers_are_strict():
    headers = security_headers()
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Robots-Tag"] == "noindex, nofollow"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_executable_script_in_any_page(built_site):
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            if "src=" in attrs:
                continue
            assert 'type="application/json"' in attrs, f"{path.relative_to(built_site)} 有内联脚本：{body[:80]}"
        assert not re.search(r"\son[a-z]+\s*=", re.sub(r"<(script|pre|code)[^>]*>.*?</\1>", "", html, flags=re.S)), \
            f"{path.relative_to(built_site)} 有内联事件处理属性"


def test_test_server_sends_the_production_headers(site_url, page_factory):
    page, log = page_factory(site_url)
    response = page.goto(site_url + "incident/overload/", wait_until="load")
    for name, value in security_headers().items():
        assert response.headers[name.lower()] == value, name


def test_search_works_under_the_policy(site_url, page_factory):
    page, log = page_factory(site_url)
    page.goto(site_url)
    hrefs = material_search(page, "补打")
    assert any("service/reprint/" in h for h in hrefs), hrefs
    assert log.csp_violations == []


def test_checklist_works_under_the_policy(site_url, page_factory):
    page, log = page_factory(site_url)
    page.goto(site_url + "operations/upgrade/")
    box = page.locator(".task-list-item input[type=checkbox]").first
    box.check()
    page.reload()
    assert page.locator(".task-list-item input[type=checkbox]").first.is_checked()
    assert log.csp_violations == []
