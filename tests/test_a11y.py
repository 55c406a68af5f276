"""无障碍：每类页面在 Chromium 中用 axe-core 检查，浅色和深色方案都不得有任何违规。

axe-core 的脚本来自它的 npm 包（tests/vendor/axe-core/，版本见 VERSION），由 Playwright 注入页面。
不关闭任何规则，也不降低任何规则的级别；另外打开 axe 默认关闭的 target-size（WCAG 2.2 AA 2.5.8，
点击目标至少 24 × 24 px），因为 Lighthouse 的无障碍评分用到它。
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import material_search

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

from tools.browser import PAGE_TYPES  # noqa: E402
#: 浏览器的配色偏好 → Material 据 mkdocs.yml 的 palette 选用的方案
SCHEMES = {"light": "default", "dark": "slate"}

RUN_AXE = """async (context) => {
  const result = await axe.run(context || document, context
    ? {runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations']}
    : {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}});
  return {
    version: axe.version,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
    })),
  };
}"""


def open_page(page_factory, site_url: str, path: str, color_scheme: str):
    # bypass_csp：注入的 axe 脚本是内联的，不能让站点自己的 CSP 拦下它
    page, log = page_factory(site_url, color_scheme=color_scheme, bypass_csp=True)
    page.goto(site_url + path)
    page.wait_for_load_state("load")
    scheme = page.get_attribute("body", "data-md-color-scheme")
    assert scheme == SCHEMES[color_scheme], f"{path}：配色偏好 {color_scheme} 应当选用 {SCHEMES[color_scheme]}，实际 {scheme}"
    return page, log


def run_axe(page, context: str | None = None) -> dict:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, context)


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
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_type_has_no_axe_violations(page_factory, site_url, page_type, color_scheme):
    path = PAGE_TYPES[page_type]
    page, log = open_page(page_factory, site_url, path, color_scheme)
    result = run_axe(page)
    where = f"{page_type} /{path}（{color_scheme}）"
    assert not result["violations"], f"axe {result['version']}：\n" + describe(result["violations"], where)
    assert not log.offsite, log.offsite


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
    result = run_axe(page, "[data-a11y-hover]")
    assert not result["violations"], describe(result["violations"], f"悬停 {selector}（{color_scheme}）")


def test_a11y_stylesheet_is_loaded(built_site):
    """修正写在 a11y.css 里：它必须在 mkdocs.yml 的 extra_css 中，每页都加载。"""
    html = (built_site / "incident" / "overload" / "index.html").read_text(encoding="utf-8")
    assert "assets/stylesheets/a11y.css" in html
