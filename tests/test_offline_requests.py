"""浏览器测试的拦截器本身有效：外部请求和 CSP 违规都会被记录（每个页面的检查在 test_every_page.py）。"""
from __future__ import annotations

import pytest


@pytest.mark.allow_offsite_requests("确认拦截器本身有效")
@pytest.mark.allow_console_errors("被拦下的请求在控制台报加载失败")
def test_request_log_catches_offsite_requests(site_url, page_factory):
    """确认拦截器本身有效：关掉 CSP 后，故意请求外部主机的请求发不出去，并且被记录下来。"""
    page, log = page_factory(site_url, bypass_csp=True)
    page.goto(site_url)
    outcome = page.evaluate("""() => new Promise(done => {
      const img = new Image();
      img.onload = () => done('loaded');
      img.onerror = () => done('failed');
      img.src = 'https://cdn.example.com/x.png';
    })""")
    assert outcome == "failed", "外部主机的请求应当发不出去"
    assert any("cdn.example.com" in url for url in log.offsite)
    assert log.problems(console=False)


@pytest.mark.allow_console_errors("确认 CSP 违规会被记录")
def test_csp_violations_are_recorded(site_url, page_factory):
    """确认 CSP 违规的记录有效：生产安全响应头拦下外部图片，测试能看到这次违规。"""
    page, log = page_factory(site_url)
    page.goto(site_url)
    page.evaluate("() => { const img = new Image(); img.src = 'https://cdn.example.com/x.png'; }")
    page.wait_for_function("() => true")
    page.wait_for_timeout(300)
    assert any(v.startswith("img-src https://cdn.example.com/x.png") for v in log.csp_violations), log.csp_violations
    assert log.problems(offsite=False)
