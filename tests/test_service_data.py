"""data/holidays.yml 与 data/statutes.yml 的校验：真实数据通过；每种错误都报出文件和行号；
核实状态只能是“未核实”或“谁在哪天核对过”。"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from macros import datafiles, service
from macros.legal import load_statutes
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
    assert datafiles.LOADERS["statutes.yml"] is load_statutes


# ---------------------------------------------------------------- holidays.yml


def test_real_holidays_are_valid():
    years = service.load_holidays(ROOT)
    assert 2026 in years
    for entry in years.values():
        assert entry["source"] and entry["url"].startswith("https://")
        assert entry.get("verified", False) is False or datafiles.is_verified(entry)


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


@pytest.mark.parametrize("field", ["source", "url"])
def test_holiday_year_needs_source_and_url(data_root, field):
    text = (data_root / HOLIDAYS).read_text(encoding="utf-8")
    removed = next(line for line in text.splitlines() if line.startswith(f"    {field}:"))
    text = edit(data_root, HOLIDAYS, removed + "\n", "")
    file, line, detail = error_of(service.load_holidays, data_root)
    assert (file, detail) == (HOLIDAYS, f"years.2026 缺少字段 {field}")
    assert line == line_of(text, "2026:") + 1  # 报在 2026 年条目的第一行


def test_holiday_verified_date_alone_is_rejected(data_root):
    """只写一个日期说不清谁核对过：要写 false，或写 {date, by}。"""
    text = edit(data_root, HOLIDAYS, "    verified: false\n", "    verified: 2026-11-28\n")
    file, line, detail = error_of(service.load_holidays, data_root)
    assert "verified 取值无效" in detail and "未核实写 false" in detail
    assert line == line_of(text, "2026:") + 1


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
    verified: false
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
    legal = load_statutes(ROOT)
    domains = datafiles.load_external_domains(ROOT)
    titles = {e["title"] for e in legal["statutes"].values()}
    # 《内容简介》第 11 节列出的法规全部收录，标题为官方全称
    assert {
        "中华人民共和国发票管理办法", "中华人民共和国发票管理办法实施细则", "中华人民共和国税收征收管理法",
        "中华人民共和国消费者权益保护法", "中华人民共和国电子签名法", "会计档案管理办法",
        "中华人民共和国网络安全法", "中华人民共和国数据安全法", "中华人民共和国个人信息保护法",
    } <= titles
    for entry in [*legal["statutes"].values(), *legal["channels"].values()]:
        url = entry.get("check_at") or entry.get("url")
        if url:
            host = urlsplit(url).hostname
            assert any(host == d or host.endswith("." + d) for d in domains), url
            assert entry.get("verified", False) is False or datafiles.is_verified(entry)
    for entry in legal["statutes"].values():
        assert entry["issuer"] and entry["scope"] and entry["topics"]
        assert not re.search(r"第\s*\S{1,4}\s*条", entry["scope"])


def test_statutes_note_latest_amendments():
    """《发票业务事实》中的修改与施行日期都记在数据里。"""
    statutes = load_statutes(ROOT)["statutes"]
    assert statutes["invoice_measures"]["change"] == {"event": "修改", "date": dt.date(2023, 7, 20),
                                                      "by": "国务院令第764号"}
    assert statutes["invoice_measures"]["article"]["number"] == "第三条"
    assert statutes["invoice_rules"]["change"]["in_force"] == dt.date(2024, 3, 1)
    assert statutes["vat_law"]["change"] == {"event": "通过", "date": dt.date(2024, 12, 25),
                                             "in_force": dt.date(2026, 1, 1)}
    assert statutes["tax_collection_rules"]["article"]["number"] == "第一百零九条"
    assert statutes["cybersecurity"]["change"]["in_force"] == dt.date(2026, 1, 1)
    assert statutes["incident_reporting"]["change"]["in_force"] == dt.date(2025, 11, 1)
    assert statutes["electronic_vouchers"]["number"] == "财会〔2020〕6号"


def test_nothing_claims_verification_nobody_did():
    """没有人打开过官方网站：全部公开事实都是未核实，生产构建会把它们全部列出。"""
    listed = datafiles.unverified_facts(ROOT)
    legal = load_statutes(ROOT)
    public_facts = [f for f in datafiles.load_facts(ROOT).values() if "check_at" in f]
    web_channels = [c for c in legal["channels"].values() if "url" in c]
    expected = (len(public_facts) + len(legal["statutes"]) + len(web_channels)
                + len(service.load_holidays(ROOT)))
    assert len(listed) == expected
    assert all(re.match(r"^data/\w+\.yml:\d+: \S+ 未核实（核对处 https://", line) for line in listed)


STATUTE_CASES = [
    ("check_at: https://www.gov.cn/zhengce/\n    verified", "check_at: https://laws.example.com/\n    verified",
     "title: 会计档案管理办法", "不在 data/external_domains.yml"),
    ("事件响应和演练以此为背景。", "事件响应依据第二十五条。", "title: 中华人民共和国网络安全法", "条文序号"),
    ("use: 在线提交消费投诉和举报。", "use: 在线投诉，或拨打 95123。", "name: 全国 12315 平台", "电话号码只能来自"),
    ("title: 中华人民共和国电子签名法", "title: 《中华人民共和国电子签名法》", "《中华人民共和国电子签名法》",
     "不带书名号"),
    ("topics: [data_protection]\n    source: 国家法律法规数据库\n    check_at: https://flk.npc.gov.cn/\n"
     "    verified: false\n    confidence: medium-high",
     "topics: [privacy]\n    source: 国家法律法规数据库\n    check_at: https://flk.npc.gov.cn/\n"
     "    verified: false\n    confidence: medium-high", "title: 中华人民共和国网络安全法", "topics 取值无效"),
    ("hotline: hotline_legal", "hotline: hotline_lawyer", "hotline: hotline_lawyer", "电话号码键"),
    ("kind: 部门规章", "kind: 通知", "title: 中华人民共和国发票管理办法实施细则", "kind 取值无效"),
    ("      number: 第三条", "      number: 第3条", "number: 第3条", "article number 取值无效"),
    ("{event: 修改, date: 2025-10-28, in_force: 2026-01-01}", "{event: 修改, date: 2026-10-28, in_force: 2026-01-01}",
     "2026-10-28", "早于修改日期"),
    ("{event: 修改, date: 2023-07-20", "{event: 修改, on: 2023-07-20", "on: 2023-07-20", "change 有未知字段 True"),
    ("    verified: false\n    confidence: high\n  consumer_protection:",
     "    verified: {date: 2026-12-01}\n    confidence: high\n  consumer_protection:",
     "verified: {date: 2026-12-01}", "statutes.vat_law.verified 缺少字段 by"),
]


@pytest.mark.parametrize("old, new, needle, message", STATUTE_CASES)
def test_statute_errors_name_file_and_line(data_root, old, new, needle, message):
    text = edit(data_root, STATUTES, old, new)
    file, line, detail = error_of(load_statutes, data_root)
    assert file == STATUTES
    assert message in detail.replace("的字段 ", "").replace(" 的字段", "")
    assert line == line_of(text, needle)


def test_statute_needs_check_at(data_root):
    text = edit(data_root, STATUTES, "    source: 国家税务总局网站\n    check_at: https://www.chinatax.gov.cn/\n",
                "    source: 国家税务总局网站\n")
    file, line, detail = error_of(load_statutes, data_root)
    assert detail == "statutes.invoice_rules 缺少字段 check_at"
    assert line == line_of(text, "title: 中华人民共和国发票管理办法实施细则")


def test_verified_statute_leaves_the_unverified_list(data_root):
    """有人核对过，写上日期和角色：这一条不再列为未核实，页面显示核实日期。"""
    before = datafiles.unverified_facts(data_root)
    edit(data_root, STATUTES, "    kind: 法律\n    change: {event: 通过",
         "    kind: 法律\n    verified: {date: 2026-12-01, by: 法务联络人}\n    change: {event: 通过")
    edit(data_root, STATUTES, "    verified: false\n    confidence: high\n  consumer_protection:",
         "    confidence: high\n  consumer_protection:")
    after = datafiles.unverified_facts(data_root)
    assert [line for line in before if "statutes.vat_law " in line]
    assert not [line for line in after if "statutes.vat_law " in line]
    assert len(after) == len(before) - 1
    from macros.render import verification
    entry = load_statutes(data_root)["statutes"]["vat_law"]
    assert verification(entry) == "2026-12-01 法务联络人核实"


def test_statute_phone_number_from_facts_is_allowed(data_root):
    """官方名称里含有 data/facts.yml 中的号码（如“全国 12315 平台”）是允许的。"""
    assert "12315" in (data_root / STATUTES).read_text(encoding="utf-8")
    load_statutes(data_root)
