"""演练控制台和自测题在真实 Chromium 里的表现。

演练用 Playwright 的模拟时钟（page.clock）驱动：先装上时钟并停在固定时刻，
再用 fast_forward / run_for 推进，断言的时间都由模拟时钟决定，与机器快慢无关。
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from conftest import ROOT, goto_with_instant_navigation
from macros import drills, training

RUN = "drills/run/"
QUIZ = "training/quiz/"
CST = dt.timezone(dt.timedelta(hours=8))
INSTALLED = dt.datetime(2026, 11, 28, 9, 0, 0, tzinfo=CST)
START = dt.datetime(2026, 11, 28, 10, 0, 0, tzinfo=CST)
SCENARIO = "month_end_overload"


@pytest.fixture(scope="module")
def scenario():
    return drills.load_drill_scenarios(ROOT)[SCENARIO]


@pytest.fixture(scope="module")
def quizzes():
    return training.load_quiz(ROOT)


def open_page(page_factory, site_url, path, clock=True):
    page, log = page_factory(site_url, timezone_id="Asia/Shanghai", accept_downloads=True)
    if clock:
        page.clock.install(time=INSTALLED)
    page.goto(site_url + path)
    if clock:
        page.clock.pause_at(START)
    return page, log


def shown_injects(page):
    return page.locator(".hb-drill__inject")


def export(page, label):
    with page.expect_download() as info:
        page.locator(".hb-drill__exports").get_by_role("button", name=label).click()
    download = info.value
    return download.suggested_filename, open(download.path(), encoding="utf-8").read()


def test_drill_run_with_simulated_clock_and_export(page_factory, site_url, scenario):
    page, log = open_page(page_factory, site_url, RUN)
    console = page.locator(".hb-drill")
    expect(console).to_have_class(re.compile("hb-drill--ready"))
    expect(page.locator(".hb-drill__nojs")).to_be_hidden()
    page.select_option(".hb-drill select[name=scenario]", SCENARIO)
    # 只显示所选场景的评估检查单
    expect(page.locator(f".hb-drill-eval[data-drill-eval={SCENARIO}]")).to_be_visible()
    expect(page.locator(".hb-drill-eval[data-drill-eval=database_restore]")).to_be_hidden()

    page.locator(".hb-drill__start").click()
    expect(page.locator(".hb-drill__clock")).to_have_text("T+00:00")
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    expect(shown_injects(page)).to_have_count(1)
    expect(shown_injects(page).first).to_contain_text(scenario["injects"][0]["text"])
    expect(page.locator(".hb-drill__next")).to_have_text("下一条情景注入：T+05:00（还有 05:00）")
    expect(page.locator(".hb-drill select[name=scenario]")).to_be_disabled()

    # 差一秒不到时间：第二条情景注入还没出现
    page.clock.fast_forward("04:59")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+04:59")
    expect(shown_injects(page)).to_have_count(1)
    page.clock.run_for(1000)
    expect(page.locator(".hb-drill__clock")).to_have_text("T+05:00")
    expect(shown_injects(page)).to_have_count(2)
    expect(shown_injects(page).nth(1)).to_contain_text(scenario["injects"][1]["text"])
    expect(page.locator(".hb-drill__announce")).to_contain_text("新的情景注入：T+05:00")

    # 任何人都可以记一条观察，自动带演练时间；文字原样显示，不当作 HTML
    page.select_option(".hb-drill select[name=role]", "观察员")
    page.fill(".hb-drill input[name=observation]", "服务台报告了运维值班 <b>已定级</b> | P2")
    page.press(".hb-drill input[name=observation]", "Enter")
    observation = page.locator(".hb-drill__entry--observation")
    expect(observation).to_have_count(1)
    expect(observation.locator(".hb-drill__offset")).to_have_text("T+05:00")
    expect(observation.locator(".hb-drill__text")).to_have_text("服务台报告了运维值班 <b>已定级</b> | P2")
    expect(page.locator(".hb-drill input[name=observation]")).to_have_value("")

    page.clock.run_for("10:00")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+15:00")
    expect(shown_injects(page)).to_have_count(3)

    # 刷新后演练接着走，记录都还在
    page.reload()
    expect(page.locator(".hb-drill__clock")).to_have_text("T+15:00")
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    expect(shown_injects(page)).to_have_count(3)
    expect(page.locator(".hb-drill__entry--observation")).to_have_count(1)
    expect(page.locator(".hb-drill select[name=scenario]")).to_have_value(SCENARIO)

    # 观察员在评估检查单上勾一项（检查单引擎负责保存）
    evaluation = page.locator(f".hb-drill-eval[data-drill-eval={SCENARIO}] .hb-checklist")
    evaluation.locator("input[type=checkbox]").first.check(force=True)
    expect(evaluation.locator(".hb-checklist__count")).to_contain_text("已完成 1 项")

    # 真实事件：用中止口令停止
    page.clock.fast_forward("02:30")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+17:30")
    page.locator(".hb-drill__stop").click()
    expect(page.locator(".hb-drill__state")).to_have_text("已用中止口令停止")
    expect(page.locator(".hb-drill__aborted")).to_be_visible()
    # 链接由 MkDocs 改写（即时导航时 Material 再把它变成绝对地址）
    expect(page.locator(".hb-drill__aborted a").first).to_have_attribute("href", re.compile(r"(^\.\./\.\./|/)incident/$"))
    expect(page.locator(".hb-drill__start")).to_be_hidden()
    page.clock.run_for("05:00")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+17:30")
    expect(shown_injects(page)).to_have_count(3)

    name, text = export(page, "导出 JSON")
    assert re.fullmatch(rf"drill-{SCENARIO}-20261128-\d{{4}}\.json", name), name
    data = json.loads(text)
    assert data["format"] == "handbook-drill-log"
    assert data["scenario"]["id"] == SCENARIO
    assert data["status"] == "aborted" and data["code_word_used"] is True
    assert data["started_at"] == "2026-11-28T10:00:00+08:00"
    assert data["elapsed"] == "T+17:30"
    assert data["injects"] == {"shown": 3, "total": len(scenario["injects"])}
    assert [(e["offset"], e["type"]) for e in data["entries"]] == [
        ("T+00:00", "control"), ("T+00:00", "inject"), ("T+05:00", "inject"),
        ("T+05:00", "observation"), ("T+15:00", "inject"), ("T+17:30", "control"),
    ]
    observation = data["entries"][3]
    assert observation["role"] == "观察员"
    assert observation["text"] == "服务台报告了运维值班 <b>已定级</b> | P2"
    assert observation["at"] == "2026-11-28T10:05:00+08:00"
    word = drills.load_drill_calendar(ROOT)["code_word"]["value"]
    assert word in data["entries"][-1]["text"]
    assert data["evaluation"]["checklist"] == f"eval-{SCENARIO}"
    assert data["evaluation"]["progress"] == {"done": 1, "total": len(scenario["evaluation"])}

    name, text = export(page, "导出 Markdown")
    assert name.endswith(".md")
    assert text.startswith(f"# 演练记录：{scenario['title']}\n")
    assert "- 状态：已用中止口令停止" in text
    assert "| T+05:00 | 10:05:00 | 观察 | 观察员 | 服务台报告了运维值班 \\<b\\>已定级\\</b\\> \\| P2 |" in text
    assert "| T+15:00 | 10:15:00 | 情景注入 |" in text
    assert f"- [x] {scenario['evaluation'][0]}（勾选于 2026-11-28 10:15）" in text
    assert log.offsite == [] and log.console_errors == []


def test_pause_holds_the_clock_and_clear_starts_over(page_factory, site_url, scenario):
    page, log = open_page(page_factory, site_url, RUN)
    page.select_option(".hb-drill select[name=scenario]", SCENARIO)
    page.locator(".hb-drill__start").click()
    page.clock.run_for("01:00")
    page.locator(".hb-drill__pause").click()
    expect(page.locator(".hb-drill__state")).to_have_text("已暂停")
    page.clock.run_for("10:00")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+01:00")
    expect(shown_injects(page)).to_have_count(1)
    page.locator(".hb-drill__resume").click()
    page.clock.run_for("04:00")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+05:00")
    expect(shown_injects(page)).to_have_count(2)
    page.locator(".hb-drill__end").click()
    expect(page.locator(".hb-drill__state")).to_have_text("已结束")
    expect(page.locator(".hb-drill__aborted")).to_be_hidden()
    # 清空要确认；取消时记录还在
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(".hb-drill__clear").click()
    expect(page.locator(".hb-drill__state")).to_have_text("已结束")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".hb-drill__clear").click()
    expect(page.locator(".hb-drill__state")).to_have_text("未开始")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+00:00")
    expect(page.locator(".hb-drill select[name=scenario]")).to_be_enabled()
    expect(page.locator(".hb-drill__entry")).to_have_count(0)
    assert log.offsite == [] and log.console_errors == []


def test_corrupt_saved_drill_is_backed_up_and_console_still_works(page_factory, site_url):
    page, log = open_page(page_factory, site_url, RUN)
    page.evaluate("localStorage.setItem('handbook:drill:v1:drills/run', '{不是 JSON')")
    page.reload()
    warning = page.locator(".hb-drill__warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("已损坏")
    assert page.evaluate("localStorage.getItem('handbook:drill:backup:drills/run')") == "{不是 JSON"
    page.locator(".hb-drill__start").click()
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    assert json.loads(page.evaluate("localStorage.getItem('handbook:drill:v1:drills/run')"))["status"] == "running"
    assert log.offsite == [] and log.console_errors == []


def test_without_javascript_questions_and_answers_are_readable(page_factory, site_url):
    page, log = page_factory(site_url, java_script_enabled=False)
    page.goto(site_url + RUN)
    expect(page.locator(".hb-drill__nojs")).to_be_visible()
    assert log.offsite == []



# ---------------------------------------------------------------- 即时导航与离线包


def test_console_and_quiz_start_after_instant_navigation(page_factory, site_url):
    """内网版开启了即时导航：换页不重新加载脚本，控制台和自测题要在 document$ 换页时初始化。"""
    page, log = page_factory(site_url)
    goto_with_instant_navigation(page, site_url + "drills/")
    page.evaluate("window.__sameDocument = true")
    page.locator("article a[href$='run/']").first.click()
    page.wait_for_url(re.compile(r"/drills/run/$"))
    expect(page.locator(".hb-drill")).to_have_class(re.compile("hb-drill--ready"))
    assert page.evaluate("window.__sameDocument === true"), "这次换页应当是即时导航（没有重新加载页面）"
    expect(page.locator(".hb-drill select[name=scenario] option")).to_have_count(
        len(drills.load_drill_scenarios(ROOT)))
    assert page.locator(".hb-drill__setup").count() == 1
    page.locator(".hb-drill__start").click()
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")

    page.locator(".md-content a", has_text="演练场景库").first.click()
    page.wait_for_url(re.compile(r"/drills/scenarios/$"))
    # 地址先变、内容后换：等场景库的内容真正换上，再后退（否则后退时旧控制台还在页面上）
    expect(page.locator("article h1")).to_contain_text("演练场景库")
    expect(page.locator(".hb-drill")).to_have_count(0)
    page.go_back()
    page.wait_for_url(re.compile(r"/drills/run/$"))
    expect(page.locator(".hb-drill")).to_have_class(re.compile("hb-drill--ready"))
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator(".hb-drill__setup")).to_have_count(1)
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    assert page.evaluate("HandbookDrills.consoles().length") == 1

    goto_with_instant_navigation(page, site_url + "training/")
    page.evaluate("window.__sameDocument = true")
    page.locator("article a[href$='quiz/']").first.click()
    page.wait_for_url(re.compile(r"/training/quiz/$"))
    expect(page.locator(".hb-quiz").first).to_have_class(re.compile("hb-quiz--ready"))
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator(".hb-quiz-toolbar__total")).to_contain_text("已答 0 题")
    assert page.locator(".hb-quiz-toolbar__actions").count() == 1
    assert log.offsite == [] and log.console_errors == []


def test_drill_and_quiz_work_from_the_offline_package(page_factory, offline_url, scenario):
    url = offline_url
    page, log = page_factory(url, timezone_id="Asia/Shanghai", accept_downloads=True)
    page.clock.install(time=INSTALLED)
    page.goto(url + "drills/run.html")
    page.clock.pause_at(START)
    page.select_option(".hb-drill select[name=scenario]", SCENARIO)
    page.locator(".hb-drill__start").click()
    page.clock.run_for("05:00")
    expect(shown_injects(page)).to_have_count(2)
    page.reload()
    expect(page.locator(".hb-drill__clock")).to_have_text("T+05:00")
    _, text = export(page, "导出 JSON")
    data = json.loads(text)
    assert data["page"]["path"] == "drills/run"
    assert [e["offset"] for e in data["entries"] if e["type"] == "inject"] == ["T+00:00", "T+05:00"]
    assert log.offsite == [] and log.console_errors == []
