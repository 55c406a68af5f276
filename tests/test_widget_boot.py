"""组件的启动：构建生成的标记坏了时大声报错（控制台错误写明组件和页面），而且不影响其他组件。"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

BROKEN = """() => {
  const host = document.querySelector("article.md-content__inner");
  const add = (html) => { const d = document.createElement("div"); d.innerHTML = html; host.appendChild(d); };
  add('<div class="hb-workdays" data-period="7" data-calendar="{}"><p>没有表单</p></div>');
  add('<div class="hb-drill" data-drill-console="1" data-drill="{不是 JSON"></div>');
  add('<div class="hb-quiz" data-quiz="broken"><p>没有题目</p></div>');
  add('<div class="hb-checklist" data-checklist="added" data-title="补上的检查单"><ul class="task-list">'
    + '<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled>'
    + '<span class="task-list-indicator"></span></label> 确认补上的条目</li></ul></div>');
  return HandbookCore.mountAll(document);
}"""


@pytest.mark.allow_console_errors("本测试有意弄坏三个组件的标记，检查它们各报一条错误")
def test_broken_markup_is_reported_by_name_and_page_and_others_still_mount(page_factory, site_url):
    page, log = page_factory(site_url)
    page.goto(site_url + "service/complaints/")
    expect(page.locator(".hb-workdays__form")).to_be_visible()
    mounted = page.evaluate(BROKEN)
    assert mounted == 1, "坏掉的三个组件没有挂上，好的检查单照常挂上"
    expect(page.locator('.hb-checklist[data-checklist="added"].hb-checklist--ready')).to_have_count(1)
    errors = log.console_errors
    for name in ("工作日计算器", "演练控制台", "自测题"):
        matching = [e for e in errors if f"组件“{name}”" in e]
        assert matching, f"{name} 的标记坏了却没有报错：{errors}"
        assert all("service/complaints" in e for e in matching), matching
    assert len(errors) == 3, errors
    # 原有的计算器不受影响
    page.locator(".hb-workdays__input").first.fill("2026-03-06")
    expect(page.locator(".hb-workdays__result .hb-workdays__date").first).to_be_visible()
