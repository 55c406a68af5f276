"""服务台与法律资源的宏：投诉期限计算器、放假安排表、法律法规清单和咨询渠道。

数据文件：
- data/holidays.yml：各年的放假与调休上班日（计算器和放假安排表共用）；
- data/statutes.yml：法律法规与咨询渠道。

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
    check_keys,
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


# ---------------------------------------------------------------- 法律法规与渠道

STATUTE_KINDS = ("法律", "行政法规", "部门规章", "规范性文件")
TOPICS = {
    "invoice_effect": "发票的法律效力",
    "reprint_rights": "补打发票与消费者权益",
    "responsibilities": "开票方与税务机关的责任",
    "tax_periods": "纳税申报与期限",
    "data_protection": "应急预案与个人信息",
}
ARTICLE = re.compile(r"第\s*[0-9零一二三四五六七八九十百千]+\s*[条款项章节]")
ARTICLE_NUMBER = re.compile(r"第[零一二三四五六七八九十百千]+条")
LONG_NUMBER = re.compile(r"\d{5,}")
CHANGE_EVENTS = ("修改", "修订", "通过", "发布")


def _check_text(where: Where, node: Any, label: str, text: str, phones: set[str]) -> None:
    """文字里不能有条文序号，也不能有 data/facts.yml 以外的电话号码。"""
    match = ARTICLE.search(text)
    if match:
        where.add(node, f"{label} 写了条文序号 {match.group(0)!r}：条文序号只写在 article 字段里，"
                        "且只写来源可靠的条文")
    for number in LONG_NUMBER.findall(text):
        if number not in phones:
            where.add(node, f"{label} 含有号码 {number}：电话号码只能来自 data/facts.yml")


def _is_change(value: Any) -> bool:
    return isinstance(value, dict)


STATUTE = Record(
    {"title": is_text, "issuer": is_text, "kind": lambda v: v in STATUTE_KINDS,
     "scope": is_text, "topics": lambda v: isinstance(v, list) and bool(v) and set(v) <= set(TOPICS),
     "source": is_text, "check_at": is_https},
    {"number": is_text, "change": _is_change, "article": _is_change, "verified": lambda v: True,
     "confidence": lambda v: v in datafiles.CONFIDENCE, "note": is_text},
)
#: 最近一次修改（或新法的通过、新文件的发布）：event 必填，其余知道才写
CHANGE = Record({"event": lambda v: v in CHANGE_EVENTS},
                {"date": is_date, "by": is_text, "in_force": is_date})
#: 条文：只给来源可靠、可信度高的具体条文；number 形如“第三条”，says 用自己的话概括
ARTICLE_ENTRY = Record({"number": lambda v: isinstance(v, str) and bool(ARTICLE_NUMBER.fullmatch(v)), "says": is_text})
HOTLINE_CHANNEL = Record({"hotline": is_text, "use": is_text})
WEB_CHANNEL = Record({"name": is_text, "operator": is_text, "use": is_text, "url": is_https},
                     {"verified": lambda v: True})


@datafiles.datafile("statutes.yml")
def load_statutes(root: Path = ROOT) -> Mapping:
    """读取并校验 data/statutes.yml，返回 {"statutes": ..., "channels": ...}。"""
    doc, where = datafiles.open_file(root, "statutes.yml")
    domains = datafiles.load_external_domains(root)
    facts = datafiles.load_facts(root)
    phones = {str(f["value"]) for f in facts.values() if f["kind"] == "phone"}
    doc = require_mapping(where, doc, "文件顶层")
    if set(doc) != {"statutes", "channels"}:
        raise where.fatal(doc, f"文件顶层应当只有 statutes 和 channels，实际为 {sorted(doc)}")
    for top in ("statutes", "channels"):
        entries = require_mapping(where, doc[top], top)
        if not entries:
            raise where.fatal(entries, f"{top} 不能为空")
        check_keys(where, entries, top)
    titles: set[str] = set()
    for key, entry in doc["statutes"].items():
        label = f"statutes.{key}"
        datafiles.check_verified(where, entry, label)
        if not STATUTE.check(where, entry, label):
            continue
        if re.search(r"[《》〈〉\s]", entry["title"]):
            where.add(entry, f"{label}.title 只写标题原文，不带书名号和空格：{entry['title']!r}")
        if entry["title"] in titles:
            where.add(entry, f"{label}.title 与其他条目重复：{entry['title']}")
        titles.add(entry["title"])
        for field in ("title", "issuer", "scope", "source", "note"):
            if field in entry:
                _check_text(where, entry, f"{label}.{field}", entry[field], phones)
        if "change" in entry and CHANGE.check(where, entry["change"], f"{label}.change"):
            change = entry["change"]
            if "in_force" in change and "date" in change and change["in_force"] < change["date"]:
                where.add(change, f"{label}.change 的施行日期 {change['in_force']} 早于{change['event']}日期 "
                                  f"{change['date']}")
        if "article" in entry:
            ARTICLE_ENTRY.check(where, entry["article"], f"{label}.article")
        _check_url(where, entry, f"{label}.check_at", entry["check_at"], domains)
    for key, entry in doc["channels"].items():
        label = f"channels.{key}"
        if isinstance(entry, dict) and "hotline" in entry:
            if not HOTLINE_CHANNEL.check(where, entry, label):
                continue
            fact = facts.get(entry["hotline"])
            if fact is None or fact["kind"] != "phone":
                where.add(entry, f"{label}.hotline 应当是 data/facts.yml 中的电话号码键：{entry['hotline']!r}")
        else:
            datafiles.check_verified(where, entry, label)
            if not WEB_CHANNEL.check(where, entry, label):
                continue
            _check_url(where, entry, label, entry["url"], domains)
            for field in ("name", "operator"):
                _check_text(where, entry, f"{label}.{field}", entry[field], phones)
        _check_text(where, entry, f"{label}.use", entry["use"], phones)
    where.done()
    return doc


def statute_anchor(key: str) -> str:
    return "statute-" + key.replace("_", "-")


# ---------------------------------------------------------------- 宏


def register(env, root) -> None:
    facts = datafiles.load_facts(root)
    years = load_holidays(root)
    legal = load_statutes(root)

    def change_text(change: dict) -> str:
        """最近一次修改，如“2023-07-20 国务院令第764号修改，2024-03-01 起施行”。"""
        text = " ".join(p for p in (change["date"].isoformat() if "date" in change else "",
                                     md_folded(change.get("by", ""))) if p)
        if text:
            text += (" " if text[-1].isdigit() else "") + change["event"]
        else:
            text = change["event"]
        if "in_force" in change:
            text += f"，{change['in_force'].isoformat()} 起施行"
        return text

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

    @env.macro
    def statutes_list() -> str:
        """法律法规清单：每部一个小节，含制定机关、最近修改、与本服务的关系、官方来源和核实状态。"""
        blocks = []
        for key, entry in legal["statutes"].items():
            topics = "、".join(TOPICS[t] for t in entry["topics"])
            number = f"（{md_folded(entry['number'])}）" if "number" in entry else ""
            lines = [
                f"### 《{md_folded(entry['title'])}》 {{#{statute_anchor(key)}}}",
                "",
                "制定机关",
                f":   {md_folded(entry['issuer'])}（{md_folded(entry['kind'])}）{number}",
                "",
            ]
            if "change" in entry:
                lines += ["最近修改", f":   {change_text(entry['change'])}", ""]
            lines += ["与本服务的关系", f":   {md_folded(entry['scope'])}", ""]
            if "article" in entry:
                lines += ["相关条文", f":   {md_folded(entry['article']['number'])}：{md_folded(entry['article']['says'])}", ""]
            lines += [
                "涉及的问题",
                f":   {topics}",
                "",
                "官方来源",
                f":   [{md_folded(entry['source'])}]({entry['check_at']})，打开后按标题检索现行文本",
                "",
                "核实",
                f":   {verification(entry, entry['check_at'])}"
                + (f"（可信度{datafiles.CONFIDENCE[entry['confidence']]}）" if "confidence" in entry else ""),
            ]
            if "note" in entry:
                lines += ["", "说明", f":   {md_folded(entry['note'])}"]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    @env.macro
    def statutes_for(topic: str) -> str:
        """某个问题涉及的法规，列成指向清单小节的链接。"""
        if topic not in TOPICS:
            raise KeyError(f"未知的问题 {topic!r}；可用：{', '.join(TOPICS)}")
        items = [
            f"- [《{md_folded(e['title'])}》](#{statute_anchor(k)})（{md_folded(e['issuer'])}）"
            for k, e in legal["statutes"].items() if topic in e["topics"]
        ]
        if not items:
            raise KeyError(f"data/statutes.yml 中没有涉及 {topic} 的法规")
        return "\n".join(items)

    @env.macro
    def legal_channels() -> str:
        """法律咨询与投诉的官方渠道表：网站与热线，每行注明核实状态。"""
        hotline = env.macros["hotline"]
        rows = ["| 渠道 | 主办 | 用途 | 核实 |", "|---|---|---|---|"]
        for entry in legal["channels"].values():
            if "hotline" in entry:
                fact = facts[entry["hotline"]]
                rows.append(
                    f"| {hotline(entry['hotline'], badge=False)} | {md_folded(fact['source'])} "
                    f"| {md_folded(entry['use'])} | {verification(fact, fact.get('check_at'))} |"
                )
            else:
                rows.append(
                    f"| [{md_folded(entry['name'])}]({entry['url']}) | {md_folded(entry['operator'])} "
                    f"| {md_folded(entry['use'])} | {verification(entry, entry['url'])} |"
                )
        return "\n".join(rows)

    @env.macro
    def channel(key: str) -> str:
        """一个官方网站渠道的 Markdown 链接。"""
        entry = legal["channels"].get(key)
        if entry is None or "url" not in entry:
            raise KeyError(f"data/statutes.yml 的 channels 中没有网站 {key!r}")
        return f"[{md_folded(entry['name'])}]({entry['url']})"

    @env.macro
    def legal_unverified_count() -> int:
        """法律资源数据中还没有人到官方来源核对过的条目数（法规与网站渠道）。"""
        entries = [*legal["statutes"].values(), *(e for e in legal["channels"].values() if "url" in e)]
        return sum(not datafiles.is_verified(e) for e in entries)

    @env.macro
    def legal_last_verified() -> str:
        """法律资源数据的核实情况：全部核实时给出最早的核实日期，否则说明有几条未核实。"""
        entries = [*legal["statutes"].values(), *(e for e in legal["channels"].values() if "url" in e)]
        missing = sum(not datafiles.is_verified(e) for e in entries)
        if missing:
            return f"{len(entries)} 条中有 {missing} 条还没有人到官方来源核对过，标着“未核实”"
        return f"全部核对过，最早的核实日期是 {min(e['verified']['date'] for e in entries).isoformat()}"
