"""浏览器加载每个页面时，不向本站以外的任何主机发请求，也不报脚本错误。"""
from __future__ import annotations

from conftest import ROOT


def test_no_page_requests_another_host(built_site, site_url, page_factory):
    pages = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html"))
    assert len(pages) >= len(list((ROOT / "docs").rglob("*.md")))
    page, log = page_factory(site_url)
    errors = {}
    for relative in pages:
        before = len(log.console_errors)
        page.goto(site_url + relative, wait_until="networkidle")
        if len(log.console_errors) > before:
            errors[relative] = log.console_errors[before:]
    assert log.offsite == [], f"页面向外部主机发出了请求：{sorted(set(log.offsite))}"
    assert not errors, f"页面脚本出错：{errors}"
    assert len(log.requests) > len(pages)


def test_request_log_catches_offsite_requests(site_url, page_factory):
    """确认拦截器本身有效：故意请求外部主机会被记录下来。"""
    page, log = page_factory(site_url)
    page.goto(site_url)
    page.evaluate("() => { const img = new Image(); img.src = 'https://cdn.example.com/x.png'; }")
    page.wait_for_timeout(300)
    assert any("cdn.example.com" in url for url in log.offsite)
