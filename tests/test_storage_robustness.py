"""浏览器存储里的坏值：任何一个本站会读的键（主题自己的键也算）装着坏数据或别的程序写的值时，
页面都不抛错、控制台没有错误，组件照常能用。

每个取值都写进全部的键：先打开首页（同源）写好，再逐页打开检查。"""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

#: 坏值：不是 JSON、JSON 但类型不对、对象但字段不对（像是旧版本或别的程序写的）
GARBAGE = {
    "not-json": "garbage{",
    "number": "42",
    "null": "null",
    "array": "[1, \"x\", null]",
    "foreign-object": json.dumps({"v": 2, "index": "a", "items": [], "record": 5, "answers": "x",
                                  "status": "running", "entries": {}, "color": {"media": "(prefers-color-scheme)"}}),
}

#: Material 用 __md_get 读的键（前缀是站点根目录的路径，这里是 /）
THEME_LOCAL = ["/.__palette", "/.__tabs", "/.__consent", "/.__announce"]
THEME_SESSION = ["/.__outdated", "/.__source"]

#: 手册自己的键（格式见各组件文件开头的说明）；自测题的键按页面上的题组另写
HANDBOOK_LOCAL = [
    "handbook:checklist:v2:operations/upgrade:before",
    "handbook-checklist:operations/upgrade#plan",  # 第 1 版的键：读取时迁移
    "handbook:drill:v1:drills/run",
    "handbook:workdays:v1:service/complaints:complaint_investigation",
    "handbook:probe",
    "handbook:incident:v1",          # 事件记录（每页的 incident-log.js 都读）
    "handbook:incident:device",
    "handbook:quiz:learner",
    "handbook:quiz-results:v1:training/results",
]
HANDBOOK_SESSION = [
    "handbook:decision-tree:/incident/triage/:not_found",   # 旧版判断树的键：现在路径在网址里，不再读它
    "handbook:checklist:draft:operations/upgrade:before",   # 两个标签页冲突时暂存的文字
    "handbook:incident:merge:v1",
]

SET_ALL = """([local, session, value]) => {
  for (const key of local) localStorage.setItem(key, value);
  for (const key of session) sessionStorage.setItem(key, value);
}"""


@pytest.fixture(params=sorted(GARBAGE), ids=sorted(GARBAGE))
def garbage_page(request, page_factory, site_url):
    page, log = page_factory(site_url)
    page.goto(site_url)
    page.evaluate(SET_ALL, [THEME_LOCAL + HANDBOOK_LOCAL, THEME_SESSION + HANDBOOK_SESSION,
                            GARBAGE[request.param]])
    return page, log, GARBAGE[request.param]


def quiz_groups(page) -> list[str]:
    return page.eval_on_selector_all(".hb-quiz[data-quiz]", "els => els.map(e => e.getAttribute('data-quiz'))")


def test_every_widget_survives_garbage_in_storage(garbage_page, site_url):
    page, log, value = garbage_page

    # 自测题：每个题组的键都写上坏值，再重新打开
    page.goto(site_url + "training/quiz/")
    groups = quiz_groups(page)
    assert groups, "自测题页面上没有题组"
    page.evaluate(SET_ALL, [[f"handbook:quiz:v1:training/quiz:{g}" for g in groups], [], value])
    page.reload()
    expect(page.locator(".hb-quiz.hb-quiz--ready")).to_have_count(len(groups))
    expect(page.locator(".hb-quiz-toolbar.hb-quiz-toolbar--ready")).to_have_count(1)
    question = page.locator(".hb-quiz__question").first
    question.locator("input").first.check()
    question.locator(".hb-quiz__submit").click()
    expect(question.locator(".hb-quiz__feedback")).to_contain_text("回答")
    saved = page.evaluate(f"JSON.parse(localStorage.getItem('handbook:quiz:v1:training/quiz:{groups[0]}'))")
    assert saved["v"] == 1 and len(saved["answers"]) == 1

    # 检查单：坏值另存后从空白开始，勾选照常保存
    page.goto(site_url + "operations/upgrade/")
    expect(page.locator(".hb-checklist.hb-checklist--ready")).to_have_count(4)
    before = page.locator('.hb-checklist[data-checklist="before"]')
    box = before.locator("input[type=checkbox]").first
    expect(box).not_to_be_checked()
    box.click(force=True)
    expect(box).to_be_checked()
    saved = page.evaluate("JSON.parse(localStorage.getItem('handbook:checklist:v2:operations/upgrade:before'))")
    assert saved["v"] == 2 and len(saved["items"]) == 1

    # 判断树：路径里无效的答案被丢掉（坏值从第一步开始，数组里有效的前几步保留），向导照常可用
    page.goto(site_url + "incident/triage/")
    expect(page.locator(".dt.dt--enhanced")).to_have_count(1)
    expect(page.locator(".dt-card--question .dt-progress")).to_have_text(re.compile(r"^第 [12] 步$"))
    steps = page.locator(".dt-trail-item").count()
    if value != GARBAGE["array"]:
        assert steps == 0, "坏的路径应当从第一步开始"
    page.locator(".dt-choice").first.click()
    expect(page.locator(".dt-trail-item")).to_have_count(steps + 1)

    # 演练控制台：坏记录另存后从空白开始，可以开始演练
    page.goto(site_url + "drills/run/")
    expect(page.locator(".hb-drill.hb-drill--ready")).to_have_count(1)
    page.locator(".hb-drill__start").click()
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")

    # 工作日计算器：存着的受理日期是坏值时另存备份、输入框从空白开始，新输入的日期照常保存
    page.goto(site_url + "service/complaints/")
    expect(page.locator(".hb-workdays[data-hb-workdays-ready]")).to_have_count(1)
    field = page.locator(".hb-workdays__input")
    expect(field).to_have_value("")
    backup = page.evaluate(
        "localStorage.getItem('handbook:workdays:backup:service/complaints:complaint_investigation')")
    assert backup == value
    field.fill("2026-03-06")
    expect(page.locator(".hb-workdays__result .hb-workdays__date")).to_be_visible()
    saved = page.evaluate(
        "JSON.parse(localStorage.getItem('handbook:workdays:v1:service/complaints:complaint_investigation'))")
    assert saved == {"v": 1, "received": "2026-03-06"}

    # 事件记录页与讲师页：坏的记录、设备、导入记录另存后从空白开始，页面照常可用
    page.goto(site_url + "incident/record/")
    expect(page.locator(".hb-record.hb-record--ready")).to_have_count(1)
    expect(page.locator(".hb-record-merge.hb-record-merge--ready")).to_have_count(1)
    page.goto(site_url + "training/results/")
    expect(page.locator(".hb-quiz-results.hb-quiz-results--ready")).to_have_count(1)
    page.goto(site_url + "service/complaints/")
    expect(page.locator(".hb-workdays[data-hb-workdays-ready]")).to_have_count(1)

    # 复核提示与主题的配色：页面照常显示，配色切换可用
    expect(page.locator(".hb-review")).to_have_class(re.compile(r"hb-review--(ok|due-soon|overdue)"))
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme in ("default", "slate")
    page.locator("form[data-md-component=palette] label:not([hidden])").first.click()
    expect(page.locator("body")).not_to_have_attribute("data-md-color-scheme", scheme)

    assert log.console_errors == [], log.console_errors
    assert log.offsite == []
