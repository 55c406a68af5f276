"""data/holidays.yml 与 data/statutes.yml 的校验：真实数据通过；每种错误都报出文件和行号。"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from macros import datafiles, service
from macros.datafiles import DataError

ROOT = Path(__file__).resolve().parent.parent
HOLIDAYS = "data/holidays.yml"
STATUTES = "data/statutes.yml"


@pytest.fixture
def data_root(tmp_path):
    """tmp_path 下一份 data/ 的副本，测试在副本上制造错误。"""
    (tmp_path / "data").mkdir()
    for name in ("facts.yml", "external_domains.yml", "holidays.yml", "statutes.yml"):
        shutil.copy(ROOT / "data" / name, tmp_path / "data" / name)
    return tmp_path


def edit(root: Path, name: str, old: str, new: str, count: int = 1) -> str:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"测试数据里找不到 {old!r}"
    text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"找不到 {needle!r}")


def error_of(loader, root: Path) -> tuple[str, int, str]:
    with pytest.raises(DataError) as info:
        loader(root)
    match = re.match(r"^(data/[\w.]+):(\d+): (.+)$", str(info.value), re.S)
    assert match, f"错误信息应当以 文件:行号: 开头：{info.value}"
    return match.group(1), int(match.group(2)), match.group(3)


def test_loaders_are_registered():
    assert datafiles.LOADERS["holidays.yml"] is service.load_holidays
    assert datafiles.LOADERS["statutes.yml"] is service.load_statutes


# ---------------------------------------------------------------- holidays.yml


def test_real_holidays_are_valid():
    years = service.load_holidays(ROOT)
    assert 2026 in years
    for entry in years.values():
        assert entry["source"] and entry["verified"] and entry["url"].startswith("https://")


def test_2026_matches_the_official_notice():
    """2026 年的数据与国务院办公厅通知（/work/shared/facts/holidays-2026.md 的摘录）一致。"""
    calendar = service.holiday_calendar(service.load_holidays(ROOT))["years"]["2026"]
    expected_off = []
    for start, end in [("01-01", "01-03"), ("02-15", "02-23"), ("04-04", "04-06"), ("05-01", "05-05"),
                       ("06-19", "06-21"), ("09-25", "09-27"), ("10-01", "10-07")]:
        day = dt.date.fromisoformat(f"2026-{start}")
        while day <= dt.date.fromisoformat(f"2026-{end}"):
            expected_off.append(day.isoformat())
            day += dt.timedelta(days=1)
    assert calendar["off"] == expected_off
    assert calendar["workdays"] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                    "2026-09-20", "2026-10-10"]


@pytest.mark.parametrize("old, new, needle, message", [
    ("to: 2026-01-03}", "to: 2027-01-03}", "to: 2027-01-03}", "不在所属年份 2026 内"),
    ("days_off: {from: 2026-04-04, to: 2026-04-06}", "days_off: {from: 2026-04-06, to: 2026-04-04}",
     "from: 2026-04-06", "起止日颠倒"),
    ("days_off: {from: 2026-06-19", "days_off: {from: 2026-04-06", "from: 2026-04-06, to: 2026-06-21",
     "按日期先后排列"),
    ("makeup_days: [2026-05-09]", "makeup_days: [2026-05-08]", "2026-05-08", "只能是周六或周日"),
    ("makeup_days: [2026-09-20, 2026-10-10]", "makeup_days: [2026-09-20, 2026-10-03]", "2026-10-03",
     "同时是国庆节的放假日"),
    ("makeup_days: [2026-01-04]", "makeup_days: [2025-12-28]", "2025-12-28", "不在所属年份 2026 内"),
    ("makeup_days: [2026-02-14, 2026-02-28]", "makeup_days: [2026-02-14, 2026-02-14]",
     "[2026-02-14, 2026-02-14]", "重复"),
    # 年份一级的错误报在该年条目的第一行
    ("url: https://www.gov.cn/zhengce/", "url: https://holidays.example.com/", "source: 国务院办公厅",
     "不在 data/external_domains.yml"),
    ("days_off: {from: 2026-01-01", "days_off: {from: 2026-13-01", "2026-13-01", "日期无效 '2026-13-01'"),
    ("days_off: {from: 2026-01-01", "days_off: {from: 2026-1-1x", "2026-1-1x", "from 取值无效"),
])
def test_holiday_errors_name_file_and_line(data_root, old, new, needle, message):
    text = edit(data_root, HOLIDAYS, old, new)
    file, line, detail = error_of(service.load_holidays, data_root)
    assert file == HOLIDAYS
    assert message in detail
    assert line == line_of(text, needle)


@pytest.mark.parametrize("field", ["source", "verified"])
def test_holiday_year_needs_source_and_verified(data_root, field):
    text = (data_root / HOLIDAYS).read_text(encoding="utf-8")
    removed = next(line for line in text.splitlines() if line.startswith(f"    {field}:"))
    text = edit(data_root, HOLIDAYS, removed + "\n", "")
    file, line, detail = error_of(service.load_holidays, data_root)
    assert (file, detail) == (HOLIDAYS, f"years.2026 缺少字段 {field}")
    assert line == line_of(text, "2026:") + 1  # 报在 2026 年条目的第一行


def test_holiday_years_must_be_contiguous(data_root):
    path = data_root / HOLIDAYS
    text = path.read_text(encoding="utf-8")
    block = text[text.index("  2026:"):]
    path.write_text(text + block.replace("2026", "2028"), encoding="utf-8")
    file, line, detail = error_of(service.load_holidays, data_root)
    assert file == HOLIDAYS and "必须连续" in detail
    assert line == line_of(text, "  2026:")


NEXT_YEAR = """  2027:
    source: 国务院办公厅关于2027年部分节假日安排的通知
    url: https://www.gov.cn/zhengce/
    verified: 2026-11-28
    holidays:
      - name: 元旦
        days_off: {from: 2027-01-01, to: 2027-01-03}
        makeup_days: MAKEUP
"""


def test_next_year_can_be_added(data_root):
    """下一年的通知发布后照同样格式加一年：日历随之延长。"""
    path = data_root / HOLIDAYS
    path.write_text(path.read_text(encoding="utf-8") + NEXT_YEAR.replace("MAKEUP", "[]"), encoding="utf-8")
    years = service.load_holidays(data_root)
    assert sorted(years) == [2026, 2027]
    assert "2027-01-01" in service.holiday_calendar(years)["years"]["2027"]["off"]
    assert service.years_label(years) == "2026–2027 年"


def test_next_year_date_in_wrong_year(data_root):
    """跨年的调休日要写在它所在的年份下：写错年份时报在那一行。"""
    path = data_root / HOLIDAYS
    text = path.read_text(encoding="utf-8") + NEXT_YEAR.replace("MAKEUP", "[2026-12-26]")
    path.write_text(text, encoding="utf-8")
    file, line, detail = error_of(service.load_holidays, data_root)
    assert "不在所属年份 2027 内" in detail
    assert line == line_of(text, "[2026-12-26]")


# ---------------------------------------------------------------- statutes.yml


def test_real_statutes_are_valid():
    legal = service.load_statutes(ROOT)
    domains = datafiles.load_external_domains(ROOT)
    titles = {e["title"] for e in legal["statutes"].values()}
    # 《内容简介》第 11 节列出的法规全部收录，标题为官方全称
    assert {
        "中华人民共和国发票管理办法", "中华人民共和国发票管理办法实施细则", "中华人民共和国税收征收管理法",
        "中华人民共和国消费者权益保护法", "中华人民共和国电子签名法", "会计档案管理办法",
        "中华人民共和国网络安全法", "中华人民共和国数据安全法", "中华人民共和国个人信息保护法",
    } <= titles
    for entry in [*legal["statutes"].values(), *legal["channels"].values()]:
        if "url" in entry:
            host = urlsplit(entry["url"]).hostname
            assert any(host == d or host.endswith("." + d) for d in domains), entry["url"]
            assert isinstance(entry["verified"], dt.date)
    for entry in legal["statutes"].values():
        assert entry["issuer"] and entry["scope"] and entry["topics"]
        assert not re.search(r"第\s*\S{1,4}\s*条", entry["scope"])


STATUTE_CASES = [
    ("url: https://www.gov.cn/zhengce/\n    verified", "url: https://www.mof.gov.cn/\n    verified",
     "title: 会计档案管理办法", "不在 data/external_domains.yml"),
    ("事件响应和演练以此为背景。", "事件响应依据第二十五条。", "title: 中华人民共和国网络安全法", "条文序号"),
    ("use: 在线提交消费投诉和举报。", "use: 在线投诉，或拨打 95123。", "name: 全国 12315 平台", "电话号码只能来自"),
    ("title: 中华人民共和国电子签名法", "title: 《中华人民共和国电子签名法》", "《中华人民共和国电子签名法》",
     "不带书名号"),
    ("topics: [data_protection]\n    source: 国家法律法规数据库\n    url: https://flk.npc.gov.cn/\n"
     "    verified: 2026-11-28\n  data_security",
     "topics: [privacy]\n    source: 国家法律法规数据库\n    url: https://flk.npc.gov.cn/\n"
     "    verified: 2026-11-28\n  data_security", "title: 中华人民共和国网络安全法", "topics 取值无效"),
    ("hotline: hotline_legal", "hotline: hotline_lawyer", "hotline: hotline_lawyer", "电话号码键"),
    ("kind: 部门规章", "kind: 通知", "title: 中华人民共和国发票管理办法实施细则", "kind 取值无效"),
]


@pytest.mark.parametrize("old, new, needle, message", STATUTE_CASES)
def test_statute_errors_name_file_and_line(data_root, old, new, needle, message):
    text = edit(data_root, STATUTES, old, new)
    file, line, detail = error_of(service.load_statutes, data_root)
    assert file == STATUTES
    assert message in detail.replace("的字段 ", "").replace(" 的字段", "")
    assert line == line_of(text, needle)


def test_statute_needs_verified(data_root):
    text = edit(data_root, STATUTES, "    verified: 2026-11-28\n  tax_collection:", "  tax_collection:")
    file, line, detail = error_of(service.load_statutes, data_root)
    assert detail == "statutes.invoice_rules 缺少字段 verified"
    assert line == line_of(text, "title: 中华人民共和国发票管理办法实施细则")


def test_statute_phone_number_from_facts_is_allowed(data_root):
    """官方名称里含有 data/facts.yml 中的号码（如“全国 12315 平台”）是允许的。"""
    assert "12315" in (data_root / STATUTES).read_text(encoding="utf-8")
    service.load_statutes(data_root)
