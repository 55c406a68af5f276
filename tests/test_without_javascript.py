"""脚本关闭时（或脚本没能加载）：带小部件的页面上没有看起来已勾选的东西，也没有点了不起作用的按钮。

小部件（检查单、任务列表、判断树、期限计算器、演练控制台、自测题）的按钮和状态都由脚本生成；
没有脚本时读者看到的是可读的静态内容。
"""
from __future__ import annotations

from conftest import page_paths

#: 页面里有这些标记就算带小部件
WIDGET_MARKS = ("hb-checklist", "task-list", "data-dt-tree", "hb-workdays", "hb-drill", "hb-quiz")

FIND = """() => {
  const shown = e => {
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
  };
  const describe = e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\\s+/).join('.') : '')
    + ' “' + e.textContent.trim().slice(0, 20) + '”';
  const buttons = [...document.querySelectorAll(
    'button, input[type=button], input[type=submit], input[type=reset], [role=button]')].filter(shown);
  const ticked = [...document.querySelectorAll(
    '.md-content input:checked, .md-content [aria-checked=true], .md-content [aria-pressed=true]')];
  const inputs = [...document.querySelectorAll(
    '.md-content input:not([disabled]), .md-content select, .md-content textarea')].filter(shown);
  return {buttons: buttons.map(describe), ticked: ticked.map(describe), inputs: inputs.map(describe)};
}"""


def widget_pages(site) -> list[str]:
    pages = []
    for path in page_paths():
        html = (site / path / "index.html").read_text(encoding="utf-8")
        if any(mark in html for mark in WIDGET_MARKS):
            pages.append(path)
    return pages


def test_nothing_looks_ticked_and_no_button_does_nothing(built_site, site_url, page_factory):
    pages = widget_pages(built_site)
    for expected in ("operations/upgrade/", "incident/triage/", "service/complaints/", "drills/run/", "training/quiz/"):
        assert expected in pages, f"{expected} 应当带小部件"
    page, log = page_factory(site_url, java_script_enabled=False)
    problems = []
    for path in pages:
        page.goto(site_url + path, wait_until="load")
        found = page.evaluate(FIND)
        if found["ticked"]:
            problems.append(f"/{path} 看起来已勾选：{found['ticked']}")
        if found["buttons"]:
            problems.append(f"/{path} 有不起作用的按钮：{found['buttons']}")
        if found["inputs"]:
            problems.append(f"/{path} 有填了也不起作用的控件：{found['inputs']}")
        if not page.locator("article.md-content__inner").inner_text().strip():
            problems.append(f"/{path} 没有脚本时正文是空的")
    assert not problems, "脚本关闭时：\n" + "\n".join(problems)


def test_the_check_finds_ticks_and_buttons(site_url, page_factory):
    page, _ = page_factory(site_url, java_script_enabled=False)
    page.goto(site_url + "operations/upgrade/", wait_until="load")
    page.evaluate("""() => {
      document.querySelector('.md-content input[type=checkbox]').checked = true;
      const b = document.createElement('button'); b.textContent = '导出';
      document.querySelector('.md-content article, .md-content').appendChild(b);
      const i = document.createElement('input');
      document.querySelector('.md-content article, .md-content').appendChild(i);
    }""")
    found = page.evaluate(FIND)
    assert found["ticked"] and any("导出" in b for b in found["buttons"]) and found["inputs"]
