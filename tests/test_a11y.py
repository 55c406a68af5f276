"""无障碍：axe-core 的辅助函数，以及搜索对话框和悬停状态的检查（每个页面的检查在 test_every_page.py）。

axe-core 的脚本来自它的 npm 包（tests/vendor/axe-core/，版本见 VERSION）。页面在生产安全响应头下打开
（CSP 照常生效）：axe 由会话的测试服务器以本站地址 /__axe__.js 提供（conftest.TEST_FILES），作为同源脚本加载。
不关闭任何规则，也不降低任何规则的级别；另外打开 axe 默认关闭的 target-size（WCAG 2.2 AA 2.5.8，
点击目标至少 24 × 24 px），因为 Lighthouse 的无障碍评分用到它。
"""
from __future__ import annotations

import pytest

from conftest import TEST_FILES, material_search
from tools.browser import PAGE_TYPES

AXE, _ = TEST_FILES["/__axe__.js"]
AXE_PATH = "__axe__.js"
#: 浏览器的配色偏好 → Material 据 mkdocs.yml 的 palette 选用的方案
SCHEMES = {"light": "default", "dark": "slate"}

#: 与配色有关的 axe 规则：深色方案只改颜色，其他规则的结果两种方案相同，所以深色方案只跑这些
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

RUN_AXE = """async ([context, rules]) => {
  const result = await axe.run(context || document, rules
    ? {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']}
    : {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}});
  return {
    version: axe.version,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
    })),
  };
}"""


def check_scheme(page, path: str, color_scheme: str) -> None:
    scheme = page.get_attribute("body", "data-md-color-scheme")
    assert scheme == SCHEMES[color_scheme], f"{path}：配色偏好 {color_scheme} 应当选用 {SCHEMES[color_scheme]}，实际 {scheme}"


def open_page(page_factory, site_url: str, path: str, color_scheme: str):
    page, log = page_factory(site_url, color_scheme=color_scheme)
    page.goto(site_url + path, wait_until="load")
    check_scheme(page, path, color_scheme)
    return page, log


def run_axe(page, context: str | None = None, rules: list[str] | None = None) -> dict:
    """在页面上运行 axe；rules 为空时运行全部默认规则并加上 target-size。"""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url=page.evaluate("() => location.origin") + "/" + AXE_PATH)
    return page.evaluate(RUN_AXE, [context, rules])


def describe(violations: list[dict], where: str) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']} — {v['help']}")
        for node in v["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}  {summary}")
    return "\n".join(lines)


def test_vendored_axe_is_the_npm_build():
    text = AXE.read_text(encoding="utf-8")
    version = (AXE.parent / "VERSION").read_text(encoding="utf-8").split()[1]
    assert text.startswith(f"/*! axe v{version}"), "axe.min.js 与 VERSION 不一致"
    assert (AXE.parent / "LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License")


@pytest.mark.parametrize("color_scheme", SCHEMES)
def test_search_dialog_with_results_has_no_axe_violations(page_factory, site_url, color_scheme):
    page, log = open_page(page_factory, site_url, "incident/overload/", color_scheme)
    assert material_search(page, "补打"), "搜索没有结果"
    dialog = page.locator(".md-search[role=dialog]")
    assert dialog.get_attribute("aria-label"), "搜索对话框没有名称"
    result = run_axe(page)
    assert not result["violations"], describe(result["violations"], f"搜索结果（{color_scheme}）")
    assert not log.offsite, log.offsite


@pytest.mark.parametrize("color_scheme", SCHEMES)
@pytest.mark.parametrize("selector", [
    ".md-content .md-typeset p a[href]:not(.md-button)",   # 正文链接
    ".md-content .md-typeset a.md-button:not(.md-button--primary), "
    ".md-content .md-typeset button.md-button:not(.md-button--primary)",  # 描边按钮
])
def test_hover_colours_keep_aa_contrast(page_factory, site_url, color_scheme, selector):
    """悬停时文字换成强调色：这个状态的对比度同样要达到 AA（axe 只看页面的静止状态）。"""
    page, _ = open_page(page_factory, site_url, PAGE_TYPES["checklist"], color_scheme)
    target = page.locator(selector).first
    target.scroll_into_view_if_needed()
    before = target.evaluate("el => getComputedStyle(el).color")
    target.hover()
    page.wait_for_timeout(400)   # Material 的颜色过渡是 125–250 ms
    after = target.evaluate("el => getComputedStyle(el).color")
    assert before != after, f"{selector} 悬停后颜色没有变化（{before}），这项检查没有测到悬停状态"
    target.evaluate("el => el.setAttribute('data-a11y-hover', '')")
    result = run_axe(page, "[data-a11y-hover]", ["color-contrast"])
    assert not result["violations"], describe(result["violations"], f"悬停 {selector}（{color_scheme}）")


def test_a11y_stylesheet_is_loaded(built_site):
    """修正写在 a11y.css 里：它必须在 mkdocs.yml 的 extra_css 中，每页都加载。"""
    html = (built_site / "incident" / "overload" / "index.html").read_text(encoding="utf-8")
    assert "assets/stylesheets/a11y.css" in html
