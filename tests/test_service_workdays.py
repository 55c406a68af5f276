"""投诉调查期限计算器：JS 逻辑的单元测试（node --test）、缺下一年放假安排的提醒（构建与 review-report），
以及构建后页面里的真实浏览器测试（今天按钮、刷新后保留、受理回执、没有脚本时）。"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html
from playwright.sync_api import expect

from conftest import run_build
from test_a11y import SCHEMES, describe, open_page, run_axe
from macros import datafiles, service
from tools import review_report

ROOT = Path(__file__).resolve().parent.parent
JS_TEST = ROOT / "tests" / "js" / "workdays.test.js"
WORKDAYS_JS = ROOT / "docs" / "assets" / "javascripts" / "workdays.js"
BASE = ROOT / "tests" / "scenarios" / "_base"
PAGE = "service/complaints/"
PAGE_ID = "service/complaints"
PERIOD_KEY = "complaint_investigation"
STORE_KEY = f"handbook:workdays:v1:{PAGE_ID}:{PERIOD_KEY}"
BACKUP_KEY = f"handbook:workdays:backup:{PAGE_ID}:{PERIOD_KEY}"


def node() -> str:
    path = shutil.which("node")
    if not path:
        pytest.fail("找不到 node（需要 Node.js 20 或更高版本）")
    return path


def years() -> dict:
    return service.load_holidays(ROOT)


def widget_text() -> dict:
    return datafiles.load_widget_text(ROOT)["workdays"]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    """计算器用的日历与文字，导出成 JSON（与页面 data-calendar、data-text 属性同样的函数生成）。"""
    path = tmp_path_factory.mktemp("workdays") / "workdays.json"
    path.write_text(json.dumps({"calendar": service.holiday_calendar(years()), "text": widget_text()},
                               ensure_ascii=False), encoding="utf-8")
    return path


def run_node(script: str, data: Path) -> str:
    """在 node 里加载 workdays.js 运行一小段脚本，返回它打印的 JSON。"""
    program = (
        f"const w = require({json.dumps(str(WORKDAYS_JS))});\n"
        f"const data = JSON.parse(require('fs').readFileSync({json.dumps(str(data))}, 'utf8'));\n"
        f"const cal = w.makeCalendar(data.calendar);\n"
        f"const opts = {{provisionalFrom: data.text.provisional_from}};\n"
        f"{script}\n"
    )
    result = subprocess.run([node(), "-e", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def expected(received: str, data: Path) -> dict:
    period = service.working_day_period(datafiles.load_facts(ROOT), PERIOD_KEY)
    return json.loads(run_node(
        f"console.log(JSON.stringify(w.dueDate({json.dumps(received)}, {period}, cal, opts)))", data))


def test_workdays_logic_with_node(data_file):
    """计数、年份两端、暂定规则、文字和回执的用例全部通过（tests/js/workdays.test.js）。"""
    result = subprocess.run(
        [node(), "--test", str(JS_TEST)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "WORKDAYS_DATA": str(data_file)},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    failed = re.search(r"^# fail (\d+)$", output, re.M)
    assert passed and int(passed.group(1)) >= 30, output
    assert failed and failed.group(1) == "0", output


def test_node_test_fails_without_data(tmp_path):
    """读不到日历时 JS 测试不会悄悄通过。"""
    result = subprocess.run(
        [node(), "--test", str(JS_TEST)], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "WORKDAYS_DATA": str(tmp_path / "missing.json")},
    )
    assert result.returncode != 0


# ---------------------------------------------------------------- 缺下一年放假安排的提醒


def test_notice_starts_on_first_of_november_of_the_last_year():
    last = max(years())
    assert service.holiday_notice_warning(years(), dt.date(last, 10, 31)) is None
    for today in (dt.date(last, 11, 1), dt.date(last, 12, 1), dt.date(last, 12, 31)):
        message = service.holiday_notice_warning(years(), today)
        assert message and f"只收录到 {last} 年" in message and f"{last + 1} 年" in message, today
        assert "data/holidays.yml" in message
    later = service.holiday_notice_warning(years(), dt.date(last + 1, 3, 1))
    assert f"今天所在的 {last + 1} 年也不在手册里" in later


def test_notice_stops_once_next_year_is_added():
    last = max(years())
    extended = dict(years())
    extended[last + 1] = extended[last]
    assert service.holiday_notice_warning(extended, dt.date(last, 12, 1)) is None
    assert service.holiday_notice_warning(extended, dt.date(last + 1, 11, 1)) is not None


def test_notice_names_the_provisional_cutoff():
    last = max(years())
    cutoff = service.provisional_cutoff(years(), widget_text()["provisional_from"])
    assert cutoff.year == last
    assert cutoff.isoformat() in service.holiday_notice_warning(years(), dt.date(last, 11, 1), cutoff)


def test_check_date_is_injectable():
    assert service.holiday_check_date({"HANDBOOK_TODAY": "2026-11-01"}) == dt.date(2026, 11, 1)
    assert service.holiday_check_date({"HANDBOOK_TODAY": " "}) == service.release.build_date()
    with pytest.raises(ValueError, match="HANDBOOK_TODAY"):
        service.holiday_check_date({"HANDBOOK_TODAY": "2026-13-01"})


def test_build_notice_is_info_not_warning(caplog):
    """INFO 级：strict 构建只因 WARNING 失败，提醒不能让发布停下。"""
    last = max(years())
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        assert service.log_holiday_notice(years(), dt.date(last, 11, 1))
        assert service.log_holiday_notice(years(), dt.date(last, 10, 31)) is None
    records = [r for r in caplog.records if "放假安排" in r.getMessage()]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO and records[0].name.startswith("mkdocs.")


def test_review_report_warns_with_injected_date(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    last = max(years())
    assert review_report.main(["--docs", str(docs), "--today", f"{last}-10-31"]) == 0
    assert "放假安排" not in capsys.readouterr().out
    assert review_report.main(["--docs", str(docs), "--today", f"{last}-11-01", "--fail"]) == 0
    lines = capsys.readouterr().out.splitlines()
    warning = [line for line in lines if line.startswith("警告\t")]
    assert len(warning) == 1 and f"还没有 {last + 1} 年" in warning[0], lines
    assert lines.index(warning[0]) == 1, "警告紧跟在报告标题后面"


def test_build_prints_notice_without_failing(tmp_path):
    """真实构建（strict）：从 11 月 1 日起输出里有提醒，构建照样成功；10 月 31 日没有。"""
    project = tmp_path / "project"
    shutil.copytree(BASE, project, ignore=shutil.ignore_patterns("README.md"))
    (project / "macros").symlink_to(ROOT / "macros", target_is_directory=True)
    last = max(service.load_holidays(project))
    on = run_build(project, project / "site", HANDBOOK_TODAY=f"{last}-11-01")
    assert on.returncode == 0, on.stdout + on.stderr
    lines = [line for line in (on.stdout + on.stderr).splitlines() if "放假安排：" in line]
    assert len(lines) == 1 and lines[0].startswith("INFO") and f"还没有 {last + 1} 年" in lines[0], lines
    off = run_build(project, project / "site", HANDBOOK_TODAY=f"{last}-10-31")
    assert off.returncode == 0, off.stdout + off.stderr
    assert "放假安排：" not in off.stdout + off.stderr


def test_adding_next_year_is_one_edit(tmp_path):
    """收录下一年只需在 data/holidays.yml 的 years 下加一段：提醒消失，暂定的起点移到新的最后一年，
    跨年的期限算得出来。这里加的一年是虚构的（只有一天放假），只在临时副本里，不是对下一年的推测。"""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / "holidays.yml"
    text = path.read_text(encoding="utf-8")
    last = max(years())
    head = text[text.index(f"  {last}:\n"):]
    head = head[:head.index("    holidays:\n")]        # 最后一年的来源、网址、核对日期等字段，照样写一份
    block = head.replace(str(last), str(last + 1)) + (
        "    holidays:\n"
        f"      - name: 元旦\n        days_off: {{from: {last + 1}-01-01, to: {last + 1}-01-01}}\n"
        "        makeup_days: []\n")
    path.write_text(text.rstrip("\n") + "\n" + block, encoding="utf-8")

    extended = service.load_holidays(tmp_path)
    assert sorted(extended)[-1] == last + 1
    assert service.holiday_notice_warning(extended, dt.date(last, 12, 1)) is None
    cutoff = service.provisional_cutoff(extended, widget_text()["provisional_from"])
    assert cutoff.year == last + 1
    data = tmp_path / "workdays.json"
    data.write_text(json.dumps({"calendar": service.holiday_calendar(extended), "text": widget_text()}),
                    encoding="utf-8")
    across = expected(f"{last}-12-23", data)
    assert across["status"] == "ok" and not across["provisional"]
    assert across["due"].startswith(f"{last + 1}-01-")


# ---------------------------------------------------------------- 构建后的页面


def _calculator(built_site: Path):
    tree = html.parse(str(built_site / PAGE / "index.html"))
    nodes = tree.xpath('//div[contains(@class, "hb-workdays")][@data-calendar]')
    assert len(nodes) == 1, "投诉与申诉页应当有且只有一个期限计算器"
    return tree, nodes[0]


def test_calculator_markup_uses_data(built_site):
    """期限长度来自 data/facts.yml，日历来自 data/holidays.yml，文字与暂定起点来自 data/widget_text.yml。"""
    _, node_ = _calculator(built_site)
    period = service.working_day_period(datafiles.load_facts(ROOT), PERIOD_KEY)
    assert node_.get("data-period") == str(period)
    assert node_.get("data-key") == PERIOD_KEY
    assert json.loads(node_.get("data-calendar")) == service.holiday_calendar(years())
    assert json.loads(node_.get("data-text")) == json.loads(json.dumps(widget_text()))
    form = node_.xpath('.//form[contains(@class, "hb-workdays__form")]')[0]
    assert form.get("hidden") is not None, "没有脚本时表单应当隐藏"
    assert not node_.xpath(".//button"), "按钮由脚本生成"
    label = node_.xpath(".//label")[0]
    assert node_.xpath(f'.//input[@type="date"][@id="{label.get("for")}"]'), "日期输入框要有对应的 label"
    rule = " ".join(node_.xpath('.//p[contains(@class, "hb-workdays__rule")]//text()'))
    cutoff = service.provisional_cutoff(years(), widget_text()["provisional_from"])
    assert cutoff.isoformat() in rule and "暂定" in rule and f"{cutoff.year + 1} 年" in rule


def _receipt(tree):
    nodes = tree.xpath(f'//div[contains(@class, "hb-workdays-receipt")][@data-for="{PERIOD_KEY}"]')
    assert len(nodes) == 1, "投诉与申诉页应当有一份受理回执"
    return nodes[0]


def test_page_reads_without_javascript(built_site):
    """不运行脚本也能手工计算：页面写明计数规则，并列出数据文件里的每个放假日和调休上班日；回执留着空白。"""
    tree, _ = _calculator(built_site)
    text = " ".join(tree.xpath('//article//text()'))
    assert "受理当天不计" in text and "调休上班" in text
    table_text = " ".join(tree.xpath("//article//table//text()"))
    for year, entry in years().items():
        assert f"{year} 年" in text
        for item in entry["holidays"]:
            assert item["name"] in table_text
            assert item["days_off"]["from"].isoformat() in table_text
            assert item["days_off"]["to"].isoformat() in table_text
            for day in item["makeup_days"]:
                assert day.isoformat() in table_text
    assert not tree.xpath("//script[not(@src) and (not(@type) or @type='text/javascript')]"
                          "[contains(., 'hb-workdays')]"), "不能有内联脚本"
    receipt = _receipt(tree)
    assert receipt.xpath('.//*[@data-fill="received"]')[0].text_content() == "【受理日期】"
    assert receipt.xpath('.//*[@data-fill="due"]')[0].text_content() == "【截止日】"
    fact = datafiles.load_facts(ROOT)[PERIOD_KEY]
    assert f"{fact['value']} {fact['unit']}" in receipt.text_content()


def _open(page_factory, site_url, **options):
    page, log = page_factory(site_url, **options)
    page.goto(site_url + PAGE)
    page.locator(".hb-workdays__input").wait_for(state="visible")
    return page, log


def test_calculator_in_browser(page_factory, site_url, data_file):
    """在真实浏览器里输入受理日期，页面显示的截止日与 workdays.js 按数据算出的一致。"""
    page, log = _open(page_factory, site_url)
    box = page.locator(".hb-workdays__input")
    assert page.locator(".hb-workdays__nojs").is_hidden()
    for received in ("2026-02-13", "2026-09-29", "2026-10-10"):
        want = expected(received, data_file)
        assert want["status"] == "ok" and not want["provisional"]
        box.fill(received)
        expect(page.locator(".hb-workdays__result .hb-workdays__date")).to_have_text(re.compile(
            "^" + want["due"] + "（星期"))
        assert f"受理日 {received}" in page.locator(".hb-workdays__trace").inner_text()
        assert page.locator(".hb-workdays__badge").count() == 0

    # 春节前受理：02-14 调休上班，在计算过程里标明
    box.fill("2026-02-13")
    expect(page.locator(".hb-workdays__trace")).to_contain_text("02-14（调休上班）")
    assert log.offsite == []
    assert log.console_errors == []


def test_calculator_messages_outside_covered_years(page_factory, site_url):
    """超出已收录的年份：三种情形各有说明，不显示日期；2030 年不说“会进入 2027 年”。"""
    covered = sorted(years())
    first, last = covered[0], covered[-1]
    page, log = _open(page_factory, site_url)
    box = page.locator(".hb-workdays__input")
    result = page.locator(".hb-workdays__result")
    warning = result.locator(".hb-workdays__warning")

    box.fill(f"{last}-12-31")
    expect(warning).to_contain_text(f"{last + 1} 年")
    expect(warning).to_contain_text("不要自行推算")
    assert result.locator(".hb-workdays__date").count() == 0

    box.fill(f"{last + 4}-05-06")
    expect(warning).to_contain_text(f"手册只收录到 {last} 年")
    expect(warning).to_contain_text(f"{last + 4} 年的放假通知不在手册里")
    assert "会进入" not in warning.inner_text() and f"{last + 1}" not in warning.inner_text()
    assert result.locator(".hb-workdays__date").count() == 0

    box.fill(f"{first - 1}-06-01")
    expect(warning).to_contain_text("早于")
    assert result.locator(".hb-workdays__date").count() == 0

    box.fill(f"{first}-03-06")
    result.locator(".hb-workdays__date").wait_for()
    assert warning.count() == 0
    assert log.console_errors == []


def test_provisional_deadline_shows_date_and_reason(page_factory, site_url, data_file):
    """截止日落在最后一年的暂定起点及以后：照样显示日期，旁边标“暂定”，并说明原因。"""
    last = max(years())
    page, _ = _open(page_factory, site_url)
    want = expected(f"{last}-12-22", data_file)
    assert want["status"] == "ok" and want["provisional"]
    page.locator(".hb-workdays__input").fill(f"{last}-12-22")
    expect(page.locator(".hb-workdays__date")).to_contain_text(want["due"])
    expect(page.locator(".hb-workdays__badge")).to_have_text("暂定")
    reason = page.locator(".hb-workdays__provisional")
    expect(reason).to_contain_text(want["cutoff"])
    expect(reason).to_contain_text(f"{last + 1} 年")


def test_today_button_fills_todays_date(page_factory, site_url, data_file):
    """“今天”按钮填入本地的今天（时钟固定在 2026-12-01 09:30 北京时间）。"""
    page, log = page_factory(site_url, timezone_id="Asia/Shanghai")
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.timezone.utc))
    page.goto(site_url + PAGE)
    button = page.get_by_role("button", name=widget_text()["today"], exact=True)
    button.click()
    expect(page.locator(".hb-workdays__input")).to_have_value("2026-12-01")
    want = expected("2026-12-01", data_file)
    expect(page.locator(".hb-workdays__date")).to_contain_text(want["due"])
    assert log.console_errors == []


def test_entered_date_survives_reload(page_factory, site_url):
    page, log = _open(page_factory, site_url)
    page.locator(".hb-workdays__input").fill("2026-03-06")
    expect(page.locator(".hb-workdays__date")).to_contain_text("2026-03-17")
    assert json.loads(page.evaluate(f"localStorage.getItem({json.dumps(STORE_KEY)})")) == {
        "v": 1, "received": "2026-03-06"}
    page.reload()
    expect(page.locator(".hb-workdays__input")).to_have_value("2026-03-06")
    expect(page.locator(".hb-workdays__date")).to_contain_text("2026-03-17")
    expect(page.locator('.hb-workdays-receipt [data-fill="due"]')).to_have_text("2026-03-17")
    # 清空后刷新：不再恢复
    page.locator(".hb-workdays__input").fill("")
    assert page.evaluate(f"localStorage.getItem({json.dumps(STORE_KEY)})") is None
    page.reload()
    expect(page.locator(".hb-workdays__input")).to_have_value("")
    assert log.console_errors == []


@pytest.mark.parametrize("garbage", ["garbage{", "42", "null", '{"v":1,"received":"2026-02-30"}',
                                     '{"v":9,"received":"2026-03-06"}'])
def test_corrupt_stored_date_does_not_throw(page_factory, site_url, garbage):
    page, log = _open(page_factory, site_url)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [STORE_KEY, garbage])
    page.reload()
    page.locator(".hb-workdays[data-hb-workdays-ready]").wait_for()
    expect(page.locator(".hb-workdays__input")).to_have_value("")
    assert page.evaluate(f"localStorage.getItem({json.dumps(BACKUP_KEY)})") == garbage
    assert page.evaluate(f"localStorage.getItem({json.dumps(STORE_KEY)})") is None
    page.locator(".hb-workdays__input").fill("2026-03-06")
    expect(page.locator(".hb-workdays__date")).to_contain_text("2026-03-17")
    assert log.console_errors == []


def test_receipt_is_filled_from_the_calculator(page_factory, site_url):
    """受理回执：能算出时填日期；暂定时填日期并标暂定、附注原因；算不出时截止日留空并附注；清空后恢复空白。"""
    last = max(years())
    page, log = _open(page_factory, site_url)
    box = page.locator(".hb-workdays__input")
    receipt = page.locator(".hb-workdays-receipt")
    received = receipt.locator('[data-fill="received"]')
    due = receipt.locator('[data-fill="due"]')
    note = receipt.locator(".hb-workdays-receipt__note")
    expect(receipt).to_have_attribute("data-hb-receipt-ready", "1")

    box.fill("2026-03-06")
    expect(received).to_have_text("2026-03-06")
    expect(due).to_have_text("2026-03-17")
    expect(note).to_be_hidden()

    box.fill(f"{last}-12-22")
    expect(due).to_contain_text(f"{last}-12-31")
    expect(due).to_contain_text("暂定")
    expect(note).to_be_visible()
    expect(note).to_contain_text("暂定")

    box.fill(f"{last}-12-23")
    expect(received).to_have_text(f"{last}-12-23")
    expect(due).to_have_text("【截止日】")
    expect(note).to_contain_text("无法计算")

    box.fill(f"{last + 4}-05-06")
    expect(due).to_have_text("【截止日】")
    expect(note).to_contain_text(f"{last + 4} 年")

    box.fill("")
    expect(received).to_have_text("【受理日期】")
    expect(due).to_have_text("【截止日】")
    expect(note).to_be_hidden()
    assert log.console_errors == []


@pytest.mark.parametrize("color_scheme", SCHEMES)
def test_filled_calculator_and_receipt_have_no_axe_violations(page_factory, site_url, color_scheme):
    """页面静止时的 axe 检查在 test_every_page.py；这里检查填了暂定日期之后的结果、标记、附注和回执。"""
    last = max(years())
    page, log = open_page(page_factory, site_url, PAGE, color_scheme)
    page.locator(".hb-workdays__input").fill(f"{last}-12-22")
    expect(page.locator(".hb-workdays-receipt__note")).to_be_visible()
    for context in (".hb-workdays", ".hb-workdays-receipt"):
        result = run_axe(page, context)
        assert not result["violations"], describe(result["violations"], f"{context}（{color_scheme}）")
    page.locator(".hb-workdays__input").fill(f"{last}-12-23")
    expect(page.locator(".hb-workdays__warning")).to_be_visible()
    result = run_axe(page, ".hb-workdays")
    assert not result["violations"], describe(result["violations"], f"警告（{color_scheme}）")
    assert not log.console_errors


def test_calculator_without_javascript(page_factory, site_url):
    """浏览器不运行脚本时：说明文字可见，无法使用的表单隐藏，回执留着横线空白，没有按钮。"""
    page, _ = page_factory(site_url, java_script_enabled=False)
    page.goto(site_url + PAGE)
    assert page.locator(".hb-workdays__nojs").is_visible()
    assert page.locator(".hb-workdays__form").is_hidden()
    assert page.locator(".hb-workdays__rule").is_visible()
    assert page.locator("article table").first.is_visible()
    blank = page.locator('.hb-workdays-receipt [data-fill="due"]')
    expect(blank).to_have_text("【截止日】")
    assert blank.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"
    assert page.locator(".hb-workdays button, .hb-workdays-receipt button").count() == 0
