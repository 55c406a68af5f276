"""每个构建出的页面在真实 Chromium 中检查一遍（内网版，带生产安全响应头，即时导航开启）：

- 浅色方案：不向本站以外的主机发请求，没有 CSP 违规和脚本错误，复核状态由脚本填好；axe-core 的全部默认规则
  加上 target-size 没有任何违规；在 375 px 宽的手机屏幕上不横向滚动。
- 深色方案：与配色有关的 axe 规则（对比度、只靠颜色区分的链接）没有违规，同样没有 CSP 违规和脚本错误。

只开一个浏览器页面（配色偏好 light），逐页导航；每页先按浅色方案检查，再像 Material 的切换按钮那样
就地换上 mkdocs.yml 中深色方案的名称（手册自己的样式不用 prefers-color-scheme，颜色只随这个属性变），
不必重新加载页面和 axe。test_a11y.py 的搜索对话框检查在真正的深色偏好下打开页面。
"""
from __future__ import annotations

import pytest

from conftest import ROOT, SharedPage, built_pages, page_paths
from test_a11y import COLOUR_RULES, SCHEMES, check_scheme, describe, run_axe
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


#: 就地换方案前关掉过渡动画的样式（会话的测试服务器提供，见 conftest.TEST_FILES）
NO_TRANSITIONS_PATH = "__no-transitions__.css"
TO_DARK = f"""() => {{
  document.body.setAttribute('data-md-color-scheme', '{SCHEMES["dark"]}');
  return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}}"""


@pytest.fixture(scope="module")
def shared_page(browser, site_url):
    shared = SharedPage(browser, site_url, color_scheme="light", viewport=DESKTOP)
    yield shared
    shared.close()


@pytest.mark.parametrize("path", PAGES + ["404.html"])
def test_page(shared_page, site_url, path):
    shared_page.reset()
    page, log = shared_page.page, shared_page.log
    response = page.goto(site_url + path, wait_until="load")
    assert response.headers["content-security-policy"].startswith("default-src 'self'"), "没有带上生产安全响应头"
    if path != "404.html":
        page.wait_for_selector(".hb-review[class*='hb-review--']", state="attached")
        assert page.locator(".hb-review").count() == 1, path
    check_scheme(page, path, "light")
    result = run_axe(page)
    assert not result["violations"], f"axe {result['version']}：\n" + describe(result["violations"], f"/{path}（light）")
    page.set_viewport_size(PHONE)
    page.evaluate(NEXT_FRAME)
    wide = page.evaluate(SCROLLS_SIDEWAYS)
    page.set_viewport_size(DESKTOP)
    assert wide is None, f"/{path} 在 375 px 宽的屏幕上横向滚动：{wide}"

    page.add_style_tag(url=site_url + NO_TRANSITIONS_PATH)
    page.evaluate(TO_DARK)
    check_scheme(page, path, "dark")
    result = run_axe(page, rules=COLOUR_RULES)
    assert not result["violations"], f"axe {result['version']}：\n" + describe(result["violations"], f"/{path}（dark）")
    assert site_url + path in log.requests
    assert not log.problems(), f"/{path}：{log.problems()}"
