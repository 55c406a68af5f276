"""浏览器不运行脚本时：没有任何条目看起来已勾选，也没有点了没反应的按钮（组件的按钮都由脚本生成）。"""
from __future__ import annotations

import pytest

#: 每种组件各一页
PAGES = ["operations/upgrade/", "drills/run/", "training/quiz/", "incident/triage/", "service/complaints/",
         "reference/changelog/"]

VISIBLE_CONTROLS = """() => {
  const shown = (e) => {
    const s = getComputedStyle(e);
    return e.getClientRects().length > 0 && s.visibility !== "hidden" && Number(s.opacity) > 0;
  };
  const content = document.querySelector("article.md-content__inner");
  return {
    buttons: [...content.querySelectorAll("button, input[type=submit], input[type=button], [role=button]")]
      .filter(shown).map((e) => e.outerHTML.slice(0, 120)),
    inputs: [...content.querySelectorAll("input:not([disabled]), select, textarea")].filter(shown)
      .map((e) => e.outerHTML.slice(0, 120)),
    ticked: [...content.querySelectorAll("input:checked, [aria-checked=true], .hb-checklist__item--done")]
      .map((e) => e.outerHTML.slice(0, 120)),
  };
}"""


@pytest.mark.parametrize("path", PAGES)
def test_without_javascript_nothing_is_ticked_and_no_dead_button(page_factory, site_url, path):
    page, log = page_factory(site_url, java_script_enabled=False)
    page.goto(site_url + path)
    found = page.evaluate(VISIBLE_CONTROLS)
    assert found["ticked"] == [], f"{path}: 没有脚本时不应有已勾选的条目"
    assert found["buttons"] == [], f"{path}: 没有脚本时正文里不应有按钮"
    assert found["inputs"] == [], f"{path}: 没有脚本时正文里不应有可填写的控件"
    # 组件都留下了没有脚本时的说明或静态内容
    assert page.locator("article.md-content__inner").inner_text().strip()
    assert log.offsite == []
