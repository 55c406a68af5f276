"""投诉调查期限计算器：JS 逻辑的单元测试（node --test），以及构建后页面里的真实浏览器测试。"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html

from macros import datafiles, service

ROOT = Path(__file__).resolve().parent.parent
JS_TEST = ROOT / "tests" / "js" / "workdays.test.js"
WORKDAYS_JS = ROOT / "docs" / "assets" / "javascripts" / "workdays.js"
PAGE = "service/complaints/"
PERIOD_KEY = "complaint_investigation"


def node() -> str:
    path = shutil.which("node")
    if not path:
        pytest.fail("找不到 node（需要 Node.js 20 或更高版本）")
    return path


@pytest.fixture(scope="module")
def calendar_file(tmp_path_factory) -> Path:
    """把 data/holidays.yml 导出成计算器使用的 JSON（与页面 data-calendar 属性同一个函数生成）。"""
    path = tmp_path_factory.mktemp("workdays") / "calendar.json"
    path.write_text(json.dumps(service.holiday_calendar(service.load_holidays(ROOT))), encoding="utf-8")
    return path


def run_node(script: str, calendar: Path) -> str:
    """在 node 里加载 workdays.js 运行一小段脚本，返回它打印的 JSON。"""
    program = (
        f"const w = require({json.dumps(str(WORKDAYS_JS))});\n"
        f"const cal = w.makeCalendar(JSON.parse(require('fs').readFileSync({json.dumps(str(calendar))}, 'utf8')));\n"
        f"{script}\n"
    )
    result = subprocess.run([node(), "-e", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_workdays_logic_with_node(calendar_file):
    """节假日与调休边界用例全部通过（tests/js/workdays.test.js）。"""
    result = subprocess.run(
        [node(), "--test", str(JS_TEST)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "WORKDAYS_CALENDAR": str(calendar_file)},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    failed = re.search(r"^# fail (\d+)$", output, re.M)
    assert passed and int(passed.group(1)) >= 15, output
    assert failed and failed.group(1) == "0", output


def test_node_test_fails_without_calendar():
    """没有日历时 JS 测试不会悄悄通过。"""
    result = subprocess.run(
        [node(), "--test", str(JS_TEST)], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0


# ---------------------------------------------------------------- 构建后的页面


def _calculator(built_site: Path):
    tree = html.parse(str(built_site / PAGE / "index.html"))
    nodes = tree.xpath('//div[contains(@class, "hb-workdays")][@data-calendar]')
    assert len(nodes) == 1, "投诉与申诉页应当有且只有一个期限计算器"
    return tree, nodes[0]


def test_calculator_markup_uses_data(built_site):
    """期限长度来自 data/facts.yml，日历来自 data/holidays.yml，都经 data-* 属性传给页面。"""
    _, node_ = _calculator(built_site)
    period = service.working_day_period(datafiles.load_facts(ROOT), PERIOD_KEY)
    assert node_.get("data-period") == str(period)
    assert json.loads(node_.get("data-calendar")) == service.holiday_calendar(service.load_holidays(ROOT))
    form = node_.xpath('.//form[contains(@class, "hb-workdays__form")]')[0]
    assert form.get("hidden") is not None, "没有脚本时表单应当隐藏"
    label = node_.xpath(".//label")[0]
    assert node_.xpath(f'.//input[@type="date"][@id="{label.get("for")}"]'), "日期输入框要有对应的 label"


def test_page_reads_without_javascript(built_site):
    """不运行脚本也能手工计算：页面写明计数规则，并列出数据文件里的每个放假日和调休上班日。"""
    tree, _ = _calculator(built_site)
    text = " ".join(tree.xpath('//article//text()'))
    assert "受理当天不计" in text and "调休上班" in text
    table_text = " ".join(tree.xpath("//article//table//text()"))
    for year, entry in service.load_holidays(ROOT).items():
        assert f"{year} 年" in text
        for item in entry["holidays"]:
            assert item["name"] in table_text
            assert item["days_off"]["from"].isoformat() in table_text
            assert item["days_off"]["to"].isoformat() in table_text
            for day in item["makeup_days"]:
                assert day.isoformat() in table_text
    assert not tree.xpath("//script[not(@src) and (not(@type) or @type='text/javascript')]"
                          "[contains(., 'hb-workdays')]"), "不能有内联脚本"


def _open(page_factory, site_url, **options):
    page, log = page_factory(site_url, **options)
    page.goto(site_url + PAGE)
    return page, log


def test_calculator_in_browser(page_factory, site_url, calendar_file):
    """在真实浏览器里输入受理日期，页面显示的截止日与 workdays.js 按数据算出的一致。"""
    page, log = _open(page_factory, site_url)
    box = page.locator(".hb-workdays__input")
    box.wait_for(state="visible")
    assert page.locator(".hb-workdays__nojs").is_hidden()
    period = int(page.locator(".hb-workdays").get_attribute("data-period"))
    assert period == service.working_day_period(datafiles.load_facts(ROOT), PERIOD_KEY)

    for received in ("2026-02-13", "2026-09-29", "2026-10-10"):
        expected = json.loads(run_node(
            f"console.log(JSON.stringify(w.dueDate({json.dumps(received)}, {period}, cal)))", calendar_file))
        assert expected["status"] == "ok"
        box.fill(received)
        date = page.locator(".hb-workdays__result .hb-workdays__date")
        date.wait_for()
        assert date.inner_text().startswith(expected["due"] + "（星期")
        trace = page.locator(".hb-workdays__trace").inner_text()
        assert f"受理日 {received}" in trace

    # 春节前受理：02-14 调休上班，在计算过程里标明
    box.fill("2026-02-13")
    assert "02-14（调休上班）" in page.locator(".hb-workdays__trace").inner_text()
    assert log.offsite == []
    assert log.console_errors == []


def test_calculator_warns_outside_covered_years(page_factory, site_url):
    """受理日期超出已收录的年份：显示警告，不显示日期。"""
    years = sorted(service.load_holidays(ROOT))
    page, log = _open(page_factory, site_url)
    box = page.locator(".hb-workdays__input")
    box.wait_for(state="visible")
    result = page.locator(".hb-workdays__result")

    box.fill(f"{years[-1]}-12-31")
    warning = result.locator(".hb-workdays__warning")
    warning.wait_for()
    assert f"{years[-1] + 1} 年" in warning.inner_text()
    assert "不要自行推算" in warning.inner_text()
    assert result.locator(".hb-workdays__date").count() == 0

    box.fill(f"{years[0] - 1}-06-01")
    assert "早于" in result.locator(".hb-workdays__warning").inner_text()
    assert result.locator(".hb-workdays__date").count() == 0

    box.fill("2026-03-06")
    result.locator(".hb-workdays__date").wait_for()
    assert result.locator(".hb-workdays__warning").count() == 0
    assert log.console_errors == []


def test_calculator_without_javascript(page_factory, site_url):
    """浏览器不运行脚本时：说明文字可见，无法使用的表单隐藏。"""
    page, _ = _open(page_factory, site_url, java_script_enabled=False)
    assert page.locator(".hb-workdays__nojs").is_visible()
    assert page.locator(".hb-workdays__form").is_hidden()
    assert page.locator("article table").first.is_visible()
