"""服务台的宏：投诉期限计算器和放假安排表（法律法规与咨询渠道在 macros/legal.py）。

数据文件：data/holidays.yml，各年的放假与调休上班日（计算器和放假安排表共用）。

工作日的计算只在 docs/assets/javascripts/workdays.js 里实现一次；这里只校验数据，
并把日历和期限长度通过 data-* 属性交给页面。
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from macros import datafiles, release
from macros.datafiles import Mapping
from macros.render import attr_json, md_folded, verification
from macros.schema import (
    Record,
    Where,
    is_date,
    is_https,
    is_text,
    require_mapping,
)

ROOT = datafiles.ROOT

WEEKDAYS = "一二三四五六日"

# ---------------------------------------------------------------- 放假安排


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


def domain_allowed(url: str, domains: list[str]) -> bool:
    """URL 的主机是否是允许的域名或其子域名。"""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _check_url(where: Where, node: Any, label: str, url: str, domains: list[str]) -> None:
    if not domain_allowed(url, domains):
        where.add(node, f"{label} 的链接 {url} 不在 data/external_domains.yml 允许的官方域名内")


def _date_in_year(where: Where, node: Any, label: str, value: Any, year: int) -> dt.date | None:
    if not is_date(value):
        where.add(node, f"{label} 应当是 YYYY-MM-DD 格式的日期：{value!r}")
        return None
    if value.year != year:
        where.add(node, f"{label} 的日期 {value} 不在所属年份 {year} 内")
        return None
    return value


def _days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


YEAR = Record(
    {"source": is_text, "url": is_https, "holidays": _is_list},
    {"issued": is_date, "verified": lambda v: True, "note": is_text},
)
HOLIDAY = Record({"name": is_text, "days_off": _is_mapping, "makeup_days": _is_list})
DAYS_OFF = Record({"from": is_date, "to": is_date})


@datafiles.datafile("holidays.yml")
def load_holidays(root: Path = ROOT) -> Mapping:
    """读取并校验 data/holidays.yml，返回 {年份: 当年条目}。"""
    doc, where = datafiles.open_file(root, "holidays.yml")
    domains = datafiles.load_external_domains(root)
    doc = require_mapping(where, doc, "文件顶层")
    if set(doc) != {"years"}:
        raise where.fatal(doc, f"文件顶层应当只有 years，实际为 {sorted(doc)}")
    years = require_mapping(where, doc["years"], "years")
    if not years:
        raise where.fatal(years, "years 不能为空")
    for year in years:
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            raise where.fatal(years, f"years 的键应当是四位年份：{year!r}")
    ordered = sorted(years)
    if ordered != list(range(ordered[0], ordered[-1] + 1)):
        where.add(years, f"收录的年份必须连续，实际为 {ordered}：缺少的年份会让计算器算错")
    for year in ordered:
        _check_year(where, year, years[year], domains)
    where.done()
    return years


def _check_year(where: Where, year: int, entry: Any, domains: list[str]) -> None:
    datafiles.check_verified(where, entry, f"years.{year}")
    if not YEAR.check(where, entry, f"years.{year}"):
        return
    _check_url(where, entry, f"years.{year}", entry["url"], domains)
    if not entry["holidays"]:
        where.add(entry, f"years.{year}.holidays 不能为空")
    off_days: dict[dt.date, str] = {}
    previous: tuple[dt.date, str] | None = None
    items = []
    for item in entry["holidays"]:
        if not HOLIDAY.check(where, item, f"years.{year} 的假日"):
            continue
        label = f"years.{year} 的{item['name']}"
        off = item["days_off"]
        if not DAYS_OFF.check(where, off, f"{label}.days_off"):
            continue
        first = _date_in_year(where, off, f"{label}.days_off.from", off["from"], year)
        last = _date_in_year(where, off, f"{label}.days_off.to", off["to"], year)
        if first is None or last is None:
            continue
        if first > last:
            where.add(off, f"{label} 的放假起止日颠倒：{first} 晚于 {last}")
            continue
        if previous and first <= previous[0]:
            where.add(off, f"{label} 的放假日 {first} 不晚于{previous[1]}的最后一天 {previous[0]}："
                           "假日要按日期先后排列，放假日不能重叠")
        previous = (last, item["name"])
        for day in _days(first, last):
            off_days[day] = item["name"]
        items.append((label, item))
    work_days: dict[dt.date, str] = {}
    for label, item in items:
        makeup = item["makeup_days"]
        for value in makeup:
            day = _date_in_year(where, makeup, f"{label}.makeup_days", value, year)
            if day is None:
                continue
            if day in off_days:
                where.add(makeup, f"{label} 的调休上班日 {day} 同时是{off_days[day]}的放假日")
            elif day.weekday() < 5:
                where.add(makeup, f"{label} 的调休上班日 {day} 是星期{WEEKDAYS[day.weekday()]}，"
                                  "调休上班日只能是周六或周日")
            elif day in work_days:
                where.add(makeup, f"{label} 的调休上班日 {day} 重复（{work_days[day]}中已有）")
            work_days.setdefault(day, item["name"])


def holiday_calendar(years: dict) -> dict:
    """计算器需要的日历：每年一组放假日和调休上班日（ISO 日期字符串）。"""
    result: dict[str, dict[str, list[str]]] = {}
    for year in sorted(years):
        off: list[str] = []
        work: list[str] = []
        for item in years[year]["holidays"]:
            off += [d.isoformat() for d in _days(item["days_off"]["from"], item["days_off"]["to"])]
            work += [d.isoformat() for d in item["makeup_days"]]
        result[str(year)] = {"off": sorted(off), "workdays": sorted(work)}
    return {"years": result}


def working_day_period(facts: dict, key: str) -> int:
    """期限的工作日数：必须是 data/facts.yml 中单位为“个工作日”的整数期限。"""
    if key not in facts:
        raise KeyError(f"data/facts.yml 中没有 {key!r}")
    entry = facts[key]
    value = entry["value"]
    if entry["kind"] != "duration" or entry.get("unit") != "个工作日":
        raise ValueError(f"data/facts.yml 中的 {key} 不是以“个工作日”为单位的期限")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"data/facts.yml 中的 {key} 应当是正整数：{value!r}")
    return value


def years_label(years: dict) -> str:
    """已收录的年份范围，如“2026 年”或“2026–2027 年”（年份连续，由 load_holidays 保证）。"""
    covered = sorted(years)
    if len(covered) == 1:
        return f"{covered[0]} 年"
    return f"{covered[0]}–{covered[-1]} 年"


def fill(template: str, values: dict) -> str:
    """把 {名字} 换成 values 里的值，不认识的原样保留（与 workdays.js 的 fill 相同）。"""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0),
                  str(template))


def provisional_cutoff(years: dict, month_day: str) -> dt.date:
    """暂定的起点：已收录最后一年的 month_day（data/widget_text.yml 的 workdays.provisional_from）。"""
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(max(years), month, day)


# 缺下一年放假安排的提醒：从已收录最后一年的 11 月 1 日起，构建和 make review-report 都提醒。
# 构建里的提醒是 INFO 级日志：在构建输出里看得见，但不会让 strict 构建失败（WARNING 会让整个团队
# 在通知发布前都发布不了）。判断用的日期可以注入：环境变量 HANDBOOK_TODAY=YYYY-MM-DD，
# 否则同构建日期（SOURCE_DATE_EPOCH 或今天）；make review-report 用它的 --today。

#: 从已收录最后一年的这一天（月、日）起，缺下一年的放假安排就提醒。国务院办公厅的通知通常在 10–11 月发布。
NOTICE_EXPECTED_FROM = (11, 1)
TODAY_ENV = "HANDBOOK_TODAY"


def holiday_check_date(environ: dict | None = None) -> dt.date:
    """判断“该收录下一年了没有”用的日期：HANDBOOK_TODAY（YYYY-MM-DD），否则同构建日期。"""
    value = (os.environ if environ is None else environ).get(TODAY_ENV, "").strip()
    if not value:
        return release.build_date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"环境变量 {TODAY_ENV} 应当是 YYYY-MM-DD 格式的日期：{value!r}") from None


def holiday_notice_warning(years: dict, today: dt.date, cutoff: dt.date | None = None) -> str | None:
    """today 已到最后收录年份的 11 月 1 日或更晚、下一年的放假安排还没有收录时，返回提醒；否则返回 None。

    cutoff 是计算器标暂定的起点（provisional_cutoff），给了就写进提醒。"""
    last = max(years)
    month, day = NOTICE_EXPECTED_FROM
    if today < dt.date(last, month, day):
        return None
    nxt = last + 1
    when = f"落在 {cutoff.isoformat()} 及以后" if cutoff else f"落在 {last} 年底几周"
    text = (f"放假安排：今天是 {today.isoformat()}，data/holidays.yml 只收录到 {last} 年，还没有 {nxt} 年。"
            f"国务院办公厅关于 {nxt} 年部分节假日安排的通知发布后，照通知在 data/holidays.yml 的 years 下加上 {nxt} 年；"
            f"在此之前，投诉调查期限计算器把{when}的截止日标为暂定，截止日数进 {nxt} 年的不给日期。")
    if today.year > last:
        text += f"今天所在的 {today.year} 年也不在手册里：今年受理的投诉，计算器都算不出截止日。"
    return text


def log_holiday_notice(years: dict, today: dt.date, cutoff: dt.date | None = None,
                       logger: logging.Logger | None = None) -> str | None:
    """构建时的提醒：INFO 级（strict 构建只因 WARNING 失败），在构建输出里照常显示。"""
    message = holiday_notice_warning(years, today, cutoff)
    if message:
        (logger or logging.getLogger("mkdocs.plugins.handbook")).info(message)
    return message


def _weekday(day: dt.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def register(env, root) -> None:
    facts = datafiles.load_facts(root)
    years = load_holidays(root)

    widget_text = datafiles.load_widget_text(root)["workdays"]
    cutoff = provisional_cutoff(years, widget_text["provisional_from"])
    log_holiday_notice(years, holiday_check_date(), cutoff)

    @env.macro
    def workdays_calculator(key: str = "complaint_investigation") -> str:
        """工作日期限计算器。期限长度与日历都从数据文件读取，经 data-* 属性交给 workdays.js。

        同一页上的受理回执（<div class="hb-workdays-receipt" data-for="期限键">）由脚本填写截止日。"""
        period = working_day_period(facts, key)
        field = f"hb-workdays-{key.replace('_', '-')}"
        name = escape(facts[key]["name"])
        last = max(years)
        rule = fill(widget_text["rule"], {"cutoff": cutoff.isoformat(), "last_year": last, "next_year": last + 1})
        return (
            f'<div class="hb-workdays" data-key="{escape(key)}" data-period="{period}" data-period-name="{name}" '
            f'data-calendar="{attr_json(holiday_calendar(years))}" '
            f'data-text="{attr_json(widget_text)}">\n'
            f'<p class="hb-workdays__nojs">浏览器未运行脚本，计算器不可用。请按上面的规则，'
            f'对照下面的放假安排表手工数工作日（已收录 {years_label(years)}）。</p>\n'
            f'<form class="hb-workdays__form" hidden>\n'
            f'<label class="hb-workdays__label" for="{field}">受理日期</label>\n'
            f'<div class="hb-workdays__row">'
            f'<input class="hb-workdays__input" type="date" id="{field}" name="received" required>'
            f'</div>\n'
            f'<p class="hb-workdays__hint">选择或输入受理日期，立即显示{name}的截止日。</p>\n'
            f'<div class="hb-workdays__result" role="status" aria-live="polite"></div>\n'
            f'</form>\n'
            f'<p class="hb-workdays__rule">{escape(rule)}</p>\n'
            f'</div>'
        )

    @env.macro
    def holiday_years() -> str:
        """已收录放假安排的年份，如“2026 年”或“2026–2027 年”。"""
        return years_label(years)

    @env.macro
    def holiday_next_year() -> int:
        """第一个尚未收录放假安排的年份。"""
        return max(years) + 1

    @env.macro
    def holiday_table() -> str:
        """按年份列出放假和调休上班日，每年注明官方来源与核对日期。"""
        blocks = []
        for year in sorted(years):
            entry = years[year]
            issued = f"，{entry['issued'].isoformat()} 发布" if entry.get("issued") else ""
            rows = [
                f"**{year} 年**：依据《{md_folded(entry['source'])}》{issued}"
                f"（[中国政府网]({entry['url']})，按标题检索），核实：{verification(entry, entry['url'])}。",
                "",
                "| 假日 | 放假（含首尾两天） | 调休上班（周末照常上班） |",
                "|---|---|---|",
            ]
            for item in entry["holidays"]:
                start, end = item["days_off"]["from"], item["days_off"]["to"]
                count = (end - start).days + 1
                off = f"{start.isoformat()} 至 {end.isoformat()}（{count} 天）"
                work = "、".join(f"{d.isoformat()}（{_weekday(d)}）" for d in item["makeup_days"]) or "无"
                rows.append(f"| {md_folded(item['name'])} | {off} | {work} |")
            blocks.append("\n".join(rows))
        return "\n\n".join(blocks)
