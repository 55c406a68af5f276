"""“业务”分区：税务日历的数据文件、征期表与冻结规则的宏、生产构建列出未填写的月份。

坏数据都在 tmp_path 下的副本里改，原文件不动。
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from macros import business, datafiles
from macros.datafiles import DataError

CALENDAR = "data/tax_calendar.yml"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def write(project: Path, text: str) -> None:
    (project / CALENDAR).write_text(text, encoding="utf-8")


def error(project: Path) -> str:
    with pytest.raises(DataError) as caught:
        business.load_tax_calendar(project)
    return str(caught.value)


def months(filled: dict[int, str] | None = None) -> str:
    filled = filled or {}
    return "".join(f"      {m}: {filled.get(m, '{example: true}')}\n" for m in range(1, 13))


HEAD = """freeze:
  month_end:
    name: 月末不做变更的工作日数
    value: 3
    unit: 个工作日
    example: true
years:
  2026:
    check_at: [https://www.chinatax.gov.cn/]
"""


# ---------------------------------------------------------------- 真实数据


def test_loader_is_registered():
    assert datafiles.LOADERS["tax_calendar.yml"] is business.load_tax_calendar


def test_real_calendar_has_every_month_and_guesses_no_date():
    doc = business.load_tax_calendar(ROOT)
    assert 2026 in doc["years"]
    for year, entry in doc["years"].items():
        assert list(entry["months"]) == list(range(1, 13))
        if "source" not in entry:
            # 没有官方来源就没有日期：每个月都待填写，不推算
            for month, item in entry["months"].items():
                assert item == {"example": True}, f"{year} 年 {month} 月没有官方来源，不应当有截止日"
        for url in entry["check_at"]:
            assert url.startswith("https://")
    assert {"https://www.chinatax.gov.cn/", "https://beijing.chinatax.gov.cn/"} <= set(doc["years"][2026]["check_at"])


def test_production_listing_includes_every_unfilled_month():
    listed = "\n".join(datafiles.example_values(ROOT))
    doc = business.load_tax_calendar(ROOT)
    for year in doc["years"]:
        for month in range(1, 13):
            assert f": years.{year}.months.{month}\n" in listed + "\n", f"{year} 年 {month} 月没有列入生产构建的拒绝清单"
    assert "tax_calendar.yml" in listed and "freeze.month_end = 3" in listed
    assert len(business.unfilled_months(ROOT)) == 12 * len(doc["years"])


def test_production_listing_gives_file_and_line_of_each_month():
    text = (ROOT / CALENDAR).read_text(encoding="utf-8").splitlines()
    listed = [line for line in datafiles.example_values(ROOT) if "tax_calendar.yml" in line and ".months." in line]
    for entry in listed:
        line = int(entry.split(":")[1])
        month = entry.rsplit(".", 1)[1]
        assert text[line - 1].strip().startswith(f"{month}:"), entry


# ---------------------------------------------------------------- 宏


def test_calendar_table_marks_unfilled_months():
    table = business.calendar_table(business.load_tax_calendar(ROOT), 2026)
    rows = [row for row in table.splitlines() if row.startswith("| ") and " 月 |" in row]
    assert len(rows) == 12
    assert all("待填写" in row for row in rows)
    assert "https://beijing.chinatax.gov.cn/" in table
    assert "月度、季度" in rows[0] and "月度、季度" in rows[3] and "月度、季度" not in rows[1]


def test_calendar_table_shows_a_filled_month(project):
    write(project, HEAD + "    source: 某年申报日历\n    verified: 2026-11-28\n    months:\n"
          + months(filled={1: "{ends: 2026-01-20}"}))
    table = business.calendar_table(business.load_tax_calendar(project), 2026)
    first = next(row for row in table.splitlines() if row.startswith("| 1 月"))
    assert "1 月 20 日（周二）" in first and "待填写" not in first
    assert "依据：某年申报日历，2026-11-28 核对。" in table


def test_freeze_rules_use_the_data_value():
    rules = business.freeze_rules(business.load_tax_calendar(ROOT))
    assert "3 个工作日" in rules and "hb-example" in rules
    assert "征期" in rules and "演练" in rules and "恢复测试" in rules and "压力测试" in rules
    assert "](../operations/upgrade.md)" in rules


# ---------------------------------------------------------------- 坏数据：文件:行号


def test_month_without_date_and_not_example_is_rejected(project):
    write(project, HEAD + "    months:\n" + months(filled={3: "{note: 忘了填}"}))
    assert "data/tax_calendar.yml:13: years.2026.months.3 没有填写 ends" in error(project)


def test_date_outside_its_month_or_before_the_15th_is_rejected(project):
    write(project, HEAD + "    source: x\n    verified: 2026-11-28\n    months:\n"
          + months(filled={2: "{ends: 2026-03-15}", 5: "{ends: 2026-05-10}"}))
    text = error(project)
    assert "data/tax_calendar.yml:14: years.2026.months.2 的截止日 2026-03-15 应当在 2026-02-15 到 2026-02-28 之间" in text
    assert "data/tax_calendar.yml:17: years.2026.months.5 的截止日 2026-05-10" in text


def test_missing_month_unknown_field_and_foreign_link_are_all_reported(project):
    body = months().replace("      7: {example: true}\n", "")
    write(project, HEAD.replace("https://www.chinatax.gov.cn/", "https://example.com/")
          + "    months:\n" + body.replace("1: {example: true}", "1: {example: true, due: 15}"))
    text = error(project)
    assert "data/tax_calendar.yml:9: years.2026 的链接 https://example.com/ 不在 data/external_domains.yml" in text
    assert "data/tax_calendar.yml:11: years.2026.months 应当依次是 1 到 12 月：缺少 7 月" in text
    assert "data/tax_calendar.yml:11: years.2026.months.1 有未知字段 due" in text


def test_filled_month_needs_source_and_verified(project):
    write(project, HEAD + "    months:\n" + months(filled={1: "{ends: 2026-01-15}"}))
    text = error(project)
    assert "data/tax_calendar.yml:9: years.2026 已有填写的月份，必须写 source" in text
    assert "data/tax_calendar.yml:9: years.2026 已有填写的月份，必须写 verified" in text


def test_bad_freeze_value_is_rejected(project):
    write(project, HEAD.replace("value: 3", "value: 0").replace("unit: 个工作日", "unit: 周") + "    months:\n" + months())
    text = error(project)
    assert "data/tax_calendar.yml:3: freeze.month_end 的字段 value 取值无效：0" in text
    assert "data/tax_calendar.yml:3: freeze.month_end 的字段 unit 取值无效：'周'" in text
