"""每个构建出的页面在真实 Chromium 中检查一遍（内网版，带生产安全响应头，即时导航开启）：

- 浅色方案：不向本站以外的主机发请求，没有 CSP 违规和脚本错误，复核状态由脚本填好；axe-core 的全部默认规则
  加上 target-size 没有任何违规；在 375 px 宽的手机屏幕上不横向滚动。
- 深色方案：与配色有关的 axe 规则（对比度、只靠颜色区分的链接）没有违规，同样没有 CSP 违规和脚本错误。

每种方案只开一个浏览器页面，逐页导航。
"""
from __future__ import annotations

import pytest

from conftest import ROOT, SharedPage, built_pages, page_paths
from test_a11y import COLOUR_RULES, SCHEMES, check_scheme, describe, run_axe, serve_axe
from tools.browser import PAGE_TYPES

PAGES = page_paths()
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 720}

SCROLLS_SIDEWAYS = """() => {
  const root = document.scrollingElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.querySelectorAll('.md-content *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(e => !e.closest('.md-typeset__scrollwrap, pre'))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""

NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def test_every_built_page_is_checked(built_site):
    assert len(PAGES) >= len(list((ROOT / "docs").rglob("*.md")))
    assert sorted(built_pages(built_site)) == sorted(PAGES + ["404.html"])
    assert set(PAGE_TYPES.values()) <= set(PAGES)


@pytest.fixture(scope="module", params=list(SCHEMES))
def scheme_page(request, browser, site_url):
    shared = SharedPage(browser, site_url, color_scheme=request.param, viewport=DESKTOP)
    shared.scheme = request.param
    serve_axe(shared.context, site_url)
    yield shared
    shared.close()


@pytest.mark.parametrize("path", PAGES + ["404.html"])
def test_page(scheme_page, site_url, path):
    scheme_page.reset()
    page, log, scheme = scheme_page.page, scheme_page.log, scheme_page.scheme
    response = page.goto(site_url + path, wait_until="load")
    assert response.headers["content-security-policy"].startswith("default-src 'self'"), "没有带上生产安全响应头"
    if path != "404.html":
        page.wait_for_selector(".hb-review[class*='hb-review--']", state="attached")
        assert page.locator(".hb-review").count() == 1, path
    check_scheme(page, path, scheme)
    result = run_axe(page, rules=None if scheme == "light" else COLOUR_RULES)
    where = f"/{path}（{scheme}）"
    assert not result["violations"], f"axe {result['version']}：\n" + describe(result["violations"], where)
    if scheme == "light":
        page.set_viewport_size(PHONE)
        page.evaluate(NEXT_FRAME)
        wide = page.evaluate(SCROLLS_SIDEWAYS)
        page.set_viewport_size(DESKTOP)
        assert wide is None, f"/{path} 在 375 px 宽的屏幕上横向滚动：{wide}"
    assert site_url + path in log.requests
    assert not log.problems(), f"{where}：{log.problems()}"
