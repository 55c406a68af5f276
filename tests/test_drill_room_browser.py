"""演练控制台用于一屋子人：带场景的链接、加入链接和输入的开始时间（各设备同一个演练时间）、
可撤销的结束、焦点留在按钮上、投屏视图、发给事件记录的动作、导出格式（data/schemas/drill-log.schema.json）。

都在真实 Chromium 里用 Playwright 的模拟时钟（page.clock）驱动，包括存储被禁用和链接参数有误的情形。
"""
from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from playwright.sync_api import expect

from conftest import LISTEN_ACTIONS, ROOT, STORAGE_BLOCKED, goto_with_instant_navigation
from macros import drills

RUN = "drills/run/"
CST = dt.timezone(dt.timedelta(hours=8))
INSTALLED = dt.datetime(2026, 11, 28, 9, 0, 0, tzinfo=CST)
START = dt.datetime(2026, 11, 28, 10, 0, 0, tzinfo=CST)
SCENARIO = "month_end_overload"
OTHER = "database_restore"
SCHEMA = ROOT / "data" / "schemas" / "drill-log.schema.json"


@pytest.fixture(scope="module")
def scenarios():
    return drills.load_drill_scenarios(ROOT)


def open_console(page_factory, base, path, *, installed=INSTALLED, at=START, script=None):
    page, log = page_factory(base, timezone_id="Asia/Shanghai", accept_downloads=True)
    if script:
        page.add_init_script(script)
    page.clock.install(time=installed)
    page.goto(base + path)
    page.clock.pause_at(at)
    expect(page.locator(".hb-drill")).to_have_class(re.compile("hb-drill--ready"))
    return page, log


def focused_class(page) -> str:
    return page.evaluate("document.activeElement.className")


def query(page) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def export_json(page) -> dict:
    with page.expect_download() as info:
        page.locator(".hb-drill__exports").get_by_role("button", name="导出 JSON").click()
    return json.loads(open(info.value.path(), encoding="utf-8").read())


def widget_errors(log) -> list[str]:
    return [e for e in log.console_errors if "演练控制台" in e or "drill-" in e]


# ---------------------------------------------------------------- 链接


def test_a_link_opens_the_console_with_the_scenario_selected(page_factory, site_url, scenarios):
    page, log = open_console(page_factory, site_url, RUN + "?scenario=" + OTHER)
    expect(page.locator(".hb-drill select[name=scenario]")).to_have_value(OTHER)
    expect(page.locator(f".hb-drill-eval[data-drill-eval={OTHER}]")).to_be_visible()
    expect(page.locator(".hb-drill__notice")).to_be_hidden()
    # 换场景时地址跟着换：复制地址栏就是这个场景的链接
    page.select_option(".hb-drill select[name=scenario]", SCENARIO)
    assert query(page) == {"scenario": SCENARIO}
    page.reload()
    expect(page.locator(".hb-drill select[name=scenario]")).to_have_value(SCENARIO)
    assert log.offsite == [] and log.console_errors == []


@pytest.mark.parametrize("search, message", [
    ("?scenario=no_such_drill", "不在场景库里"),
    ("?scenario=%3Cb%3Ex%3C%2Fb%3E", "不在场景库里"),
    (f"?scenario={SCENARIO}&start=garbage", "无法识别"),
    (f"?scenario={SCENARIO}&start=2026-11-28T03:00:00Z", "晚于本机的当前时间"),
    (f"?scenario={SCENARIO}&start=2026-11-26T02:00:00Z", "24 小时以前"),
])
def test_bad_link_parameters_explain_and_start_from_the_beginning(page_factory, site_url, search, message):
    page, log = open_console(page_factory, site_url, RUN + search)
    notice = page.locator(".hb-drill__notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(message)
    expect(page.locator(".hb-drill__state")).to_have_text("未开始")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+00:00")
    assert "start" not in query(page)
    if "no_such" in search or "%3C" in search:
        assert "scenario" not in query(page)
        expect(notice.locator("b")).to_have_count(0)  # 链接里的文字不当作 HTML
    # 控制台照常可用
    page.locator(".hb-drill__start").click()
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    assert log.offsite == [] and log.console_errors == []


# ---------------------------------------------------------------- 同一个演练时间


def test_join_link_sets_every_observer_clock_to_the_facilitators_start(page_factory, site_url, scenarios):
    host, host_log = open_console(page_factory, site_url, RUN + "?scenario=" + SCENARIO)
    host.locator(".hb-drill__start").click()
    host.clock.run_for("01:00")
    host.locator(".hb-drill__pause").click()
    host.clock.run_for("01:00")
    host.locator(".hb-drill__resume").click()
    host.clock.run_for("02:00")
    expect(host.locator(".hb-drill__clock")).to_have_text("T+03:00")
    host.locator(".hb-drill__share summary").click()
    expect(host.locator(".hb-drill__started")).to_have_text("开始时间：10:00:00")
    link = host.locator(".hb-drill__link").input_value()
    params = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
    assert params == {"scenario": SCENARIO, "start": "2026-11-28T02:00:00.000Z", "paused": "60"}

    # 观察员在开始 4 分钟后（主持人暂停过 1 分钟）才打开链接（另一台设备：另一个浏览器上下文，没有共用的存储）
    later = START + dt.timedelta(minutes=4)
    guest, guest_log = open_console(page_factory, site_url, link[len(site_url):],
                                    installed=later - dt.timedelta(seconds=10), at=later)
    for page in (host, guest):
        expect(page.locator(".hb-drill__clock")).to_have_text("T+03:00")
        expect(page.locator(".hb-drill__state")).to_have_text("进行中")
        expect(page.locator(".hb-drill__inject")).to_have_count(1)
    expect(guest.locator(".hb-drill select[name=scenario]")).to_have_value(SCENARIO)
    expect(guest.locator(".hb-drill__announce")).to_contain_text("已按主持人的开始时间 10:00:00 加入")
    assert query(guest) == {"scenario": SCENARIO}, "加入参数用过就从地址里去掉，刷新不再重复加入"
    for page in (host, guest):
        page.clock.run_for("02:00")
        expect(page.locator(".hb-drill__clock")).to_have_text("T+05:00")
        expect(page.locator(".hb-drill__inject")).to_have_count(2)
    guest.reload()
    expect(guest.locator(".hb-drill__clock")).to_have_text("T+05:00")
    texts = [e["text"] for e in export_json(guest)["entries"] if e["type"] == "control"]
    assert texts == ["演练开始", "按主持人的开始时间加入演练"]
    assert host_log.console_errors == [] and guest_log.console_errors == []


def test_a_typed_start_time_sets_the_clock_and_focus_stays_in_the_box(page_factory, site_url):
    page, log = open_console(page_factory, site_url, RUN + "?scenario=" + SCENARIO,
                             at=START + dt.timedelta(minutes=2, seconds=30))
    page.locator(".hb-drill__share summary").click()
    box = page.locator(".hb-drill__join-time")
    box.fill("25:00")
    box.press("Enter")
    expect(page.locator(".hb-drill__notice")).to_contain_text("无法识别")
    assert "hb-drill__join-time" in focused_class(page)
    expect(page.locator(".hb-drill__state")).to_have_text("未开始")
    box.fill("10:00")
    box.press("Enter")
    expect(page.locator(".hb-drill__notice")).to_be_hidden()
    expect(page.locator(".hb-drill__clock")).to_have_text("T+02:30")
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    assert "hb-drill__join-time" in focused_class(page)
    # 本机早开始了：再输入一次就校准
    box.fill("10:01:00")
    box.press("Enter")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+01:30")
    expect(page.locator(".hb-drill__announce")).to_contain_text("校准")
    assert log.offsite == [] and log.console_errors == []


# ---------------------------------------------------------------- 焦点与撤销结束


def test_keyboard_focus_stays_on_the_control_and_ending_can_be_undone(page_factory, site_url):
    page, log = open_console(page_factory, site_url, RUN + "?scenario=" + SCENARIO)
    page.locator(".hb-drill__start").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    assert "hb-drill__pause" in focused_class(page)
    page.keyboard.press("Enter")
    expect(page.locator(".hb-drill__state")).to_have_text("已暂停")
    assert "hb-drill__resume" in focused_class(page)
    page.keyboard.press("Space")
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    assert "hb-drill__pause" in focused_class(page)
    assert page.evaluate("scrollY") > 0, "焦点没有跳到页面顶端"

    page.clock.run_for("02:00")
    page.locator(".hb-drill__end").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".hb-drill__state")).to_have_text("已结束")
    expect(page.locator(".hb-drill__ended-hint")).to_be_visible()
    assert "hb-drill__undo" in focused_class(page)
    page.clock.run_for("00:30")
    expect(page.locator(".hb-drill__clock")).to_have_text("T+02:00")
    page.keyboard.press("Enter")
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    assert "hb-drill__pause" in focused_class(page)
    # 结束到撤销之间的时间照算：房间里的演练没有停
    expect(page.locator(".hb-drill__clock")).to_have_text("T+02:30")
    expect(page.locator(".hb-drill__undo")).to_be_hidden()
    expect(page.locator(".hb-drill__entry--control .hb-drill__text")).to_have_text(
        ["演练开始", "演练暂停", "演练继续", "演练结束", "撤销结束，演练继续"])
    # 撤销信息保存在本机：刷新后仍可撤销
    page.locator(".hb-drill__end").click()
    page.reload()
    expect(page.locator(".hb-drill__undo")).to_be_visible()
    assert log.offsite == [] and log.console_errors == []


# ---------------------------------------------------------------- 投屏视图


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
def test_projector_view_shows_a_large_clock_and_the_current_inject(page_factory, site_url, scenarios, size):
    width, height = size
    page, log = open_console(page_factory, site_url, RUN + "?scenario=" + SCENARIO)
    page.set_viewport_size({"width": width, "height": height})
    page.locator(".hb-drill__notes-toggle input").check()
    page.locator(".hb-drill__start").click()
    page.clock.run_for("05:00")
    opener = page.locator(".hb-drill__projector-open")
    opener.click()
    view = page.locator(".hb-drill-projector")
    expect(view).to_be_visible()
    assert "hb-drill-projector__exit" in focused_class(page)
    expect(view.locator(".hb-drill-projector__clock")).to_have_text("T+05:00")
    inject = scenarios[SCENARIO]["injects"][1]
    expect(view.locator(".hb-drill-projector__text")).to_have_text(inject["text"])
    expect(view.locator(".hb-drill-projector__title")).to_have_text(scenarios[SCENARIO]["title"])
    expect(view).not_to_contain_text("期待的处置")  # 主持人备注不上投屏
    box = view.bounding_box()
    assert box == {"x": 0, "y": 0, "width": width, "height": height}
    sizes = view.evaluate("""v => ({
        clock: parseFloat(getComputedStyle(v.querySelector('.hb-drill-projector__clock')).fontSize),
        text: parseFloat(getComputedStyle(v.querySelector('.hb-drill-projector__text')).fontSize),
        overflow: v.scrollHeight > v.clientHeight || v.scrollWidth > v.clientWidth,
        clockRight: v.querySelector('.hb-drill-projector__clock').getBoundingClientRect().right,
        nextBottom: v.querySelector('.hb-drill-projector__next').getBoundingClientRect().bottom,
    })""")
    assert sizes["clock"] >= height * 0.15, sizes
    assert sizes["text"] >= 28, sizes
    assert not sizes["overflow"] and sizes["clockRight"] <= width and sizes["nextBottom"] <= height, sizes
    page.clock.run_for("00:05")
    expect(view.locator(".hb-drill-projector__clock")).to_have_text("T+05:05")
    page.keyboard.press("Tab")
    assert "hb-drill-projector__exit" in focused_class(page), "焦点留在投屏视图里"
    page.keyboard.press("Escape")
    expect(view).to_be_hidden()
    assert "hb-drill__projector-open" in focused_class(page)
    assert opener.get_attribute("aria-expanded") == "false"
    assert log.offsite == [] and log.console_errors == []


def test_leaving_the_page_by_instant_navigation_while_projecting_leaves_the_next_page_scrollable(
        page_factory, site_url):
    page, log = page_factory(site_url, timezone_id="Asia/Shanghai")
    page.clock.install(time=INSTALLED)
    goto_with_instant_navigation(page, site_url + RUN + "?scenario=" + SCENARIO)
    page.clock.pause_at(START)
    page.evaluate("window.__sameDocument = true")
    page.locator(".hb-drill__start").click()
    page.locator(".hb-drill__projector-open").click()
    expect(page.locator(".hb-drill-projector")).to_be_visible()
    page.evaluate("document.querySelector('article a[href*=\"scenarios/\"]').click()")
    page.wait_for_url(re.compile(r"/drills/scenarios/"))
    expect(page.locator(".hb-drill")).to_have_count(0)
    page.clock.run_for(2000)
    assert page.evaluate("window.__sameDocument === true")
    assert page.evaluate("document.documentElement.classList.contains('hb-drill-projecting')") is False
    assert log.offsite == [] and log.console_errors == []


# ---------------------------------------------------------------- 事件记录与导出


def test_drill_events_are_announced_for_the_incident_record(page_factory, site_url, scenarios):
    page, log = open_console(page_factory, site_url, RUN + "?scenario=" + SCENARIO, script=LISTEN_ACTIONS)
    page.locator(".hb-drill__start").click()
    page.clock.run_for("05:00")
    page.locator(".hb-drill__pause").click()
    page.locator(".hb-drill__resume").click()
    page.locator(".hb-drill__end").click()
    page.locator(".hb-drill__undo").click()
    page.locator(".hb-drill__stop").click()
    actions = page.evaluate("window.__actions")
    assert {a["widget"] for a in actions} == {"drill"}
    assert [a["kind"] for a in actions] == ["start", "inject", "inject", "pause", "resume", "end", "reopen", "abort"]
    title = scenarios[SCENARIO]["title"]
    assert all(a["text"].startswith(title + "：") for a in actions)
    assert actions[0]["text"] == title + "：演练开始"
    assert "T+05:00" in actions[2]["text"] and scenarios[SCENARIO]["injects"][1]["text"] in actions[2]["text"]
    assert all(a["page"] == "drills/run" and a["at"].startswith("2026-11-28T10:") for a in actions)
    assert log.offsite == [] and log.console_errors == []


def test_exported_drill_log_matches_its_schema_and_carries_the_build_stamp(page_factory, site_url):
    page, log = open_console(page_factory, site_url, RUN + "?scenario=" + SCENARIO)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(export_json(page))  # 还没开始
    page.locator(".hb-drill__start").click()
    page.clock.run_for("05:00")
    page.fill(".hb-drill input[name=observation]", "服务台 | 报告 <b>来电</b>")
    page.press(".hb-drill input[name=observation]", "Enter")
    page.locator(".hb-drill__end").click()
    data = export_json(page)
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]
    build = page.locator(".hb-build").evaluate("e => ({...e.dataset})")
    assert data["handbook"] == {"version": build["version"], "commit": build["commit"], "build_date": build["buildDate"]}
    assert data["handbook"]["version"]
    assert data["schema"] == 1 and data["status"] == "ended"
    # 坏的导出不能通过：模式确实在检查
    broken = dict(data, entries=[dict(data["entries"][0], offset="5 分钟")])
    assert list(validator.iter_errors(broken))
    assert list(validator.iter_errors({k: v for k, v in data.items() if k != "handbook"}))
    assert log.offsite == [] and log.console_errors == []


# ---------------------------------------------------------------- 存储被禁用、离线包


@pytest.mark.allow_console_errors("存储被禁用时 Material 主题自己的脚本读 localStorage 会抛错")
def test_console_works_with_storage_blocked(page_factory, site_url):
    page, log = open_console(page_factory, site_url, RUN + "?scenario=" + SCENARIO, script=STORAGE_BLOCKED)
    expect(page.locator(".hb-drill__warning")).to_contain_text("请及时导出")
    expect(page.locator(".hb-drill select[name=scenario]")).to_have_value(SCENARIO)
    page.locator(".hb-drill__start").click()
    page.clock.run_for("05:00")
    page.locator(".hb-drill__end").click()
    page.locator(".hb-drill__undo").click()
    expect(page.locator(".hb-drill__state")).to_have_text("进行中")
    page.locator(".hb-drill__projector-open").click()
    page.keyboard.press("Escape")
    data = export_json(page)
    assert data["injects"]["shown"] == 2
    assert not widget_errors(log), log.console_errors


def test_scenario_and_join_links_work_from_the_offline_package(page_factory, offline_url):
    host, host_log = open_console(page_factory, offline_url, "drills/run.html?scenario=" + OTHER)
    expect(host.locator(".hb-drill select[name=scenario]")).to_have_value(OTHER)
    host.locator(".hb-drill__start").click()
    host.clock.run_for("03:00")
    link = host.locator(".hb-drill__link").input_value()
    assert link.startswith("file://") and "drills/run.html?" in link
    guest, guest_log = open_console(page_factory, offline_url, link[len(offline_url):],
                                    installed=START + dt.timedelta(minutes=2), at=START + dt.timedelta(minutes=3))
    expect(guest.locator(".hb-drill__clock")).to_have_text("T+03:00")
    expect(guest.locator(".hb-drill select[name=scenario]")).to_have_value(OTHER)
    guest.goto(offline_url + "drills/run.html?scenario=nope")
    expect(guest.locator(".hb-drill__notice")).to_contain_text("不在场景库里")
    assert host_log.console_errors == [] and guest_log.console_errors == []
