"""“业务”分区的宏：发票在哪里的示意图（构建时画成内嵌 SVG）、税务日历与变更冻结规则。

数据文件：
- data/tax_calendar.yml：各年官方申报日历中每月征期的截止日（本单位照官方日历填写）与冻结规则的天数。
  未填写的月份标着 ``example: true``，生产构建会把它们和其他示例值一起列出并停止。

示意图不用脚本、不从外部加载任何东西：文字和线条用 currentColor，底色用 Material 的 CSS 变量
（docs/assets/stylesheets/business.css），浅色、深色和黑白打印都看得清。
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

from macros import datafiles
from macros.datafiles import Mapping
from macros.render import example_badge, md_text, relative_link
from macros.service import domain_allowed
from macros.schema import (
    Record,
    Where,
    is_bool,
    is_date,
    is_https,
    is_positive_int,
    is_text,
    one_of,
    require_mapping,
)

ROOT = datafiles.ROOT
FILE = "tax_calendar.yml"
WEEKDAYS = "一二三四五六日"

#: 季度申报所在的月份（季度终了后的次月）
QUARTER_MONTHS = (1, 4, 7, 10)
#: 征期正常到每月 15 日；节假日只会让它顺延，不会提前
NORMAL_LAST_DAY = 15
FREEZE_KEYS = ("month_end",)
FREEZE_UNITS = ("个工作日",)

FREEZE = Record(
    {"name": is_text, "value": is_positive_int, "unit": one_of(FREEZE_UNITS)},
    {"example": is_bool, "note": is_text},
)
YEAR = Record(
    {"check_at": lambda v: isinstance(v, list) and bool(v) and all(is_https(u) for u in v),
     "months": lambda v: isinstance(v, dict)},
    {"source": is_text, "url": is_https, "verified": is_date, "note": is_text},
)
MONTH = Record({}, {"ends": is_date, "example": is_bool, "note": is_text})


# ---------------------------------------------------------------- 数据


@datafiles.datafile(FILE)
def load_tax_calendar(root: Path = ROOT) -> Mapping:
    """读取并校验 data/tax_calendar.yml：{freeze: {...}, years: {年份: {check_at, months: {1..12: 月}}}}。"""
    doc, where = datafiles.open_file(root, FILE)
    domains = datafiles.load_external_domains(root)
    doc = require_mapping(where, doc, "文件顶层")
    if set(doc) != {"freeze", "years"}:
        raise where.fatal(doc, f"文件顶层应当是 freeze、years，实际为 {'、'.join(map(str, doc))}")

    freeze = require_mapping(where, doc["freeze"], "freeze")
    for key in FREEZE_KEYS:
        if key not in freeze:
            where.add(freeze, f"freeze 缺少 {key}")
    for key, entry in freeze.items():
        if key not in FREEZE_KEYS:
            where.add(freeze, f"freeze 有未知的键 {key}（允许：{'、'.join(FREEZE_KEYS)}）")
            continue
        FREEZE.check(where, entry, f"freeze.{key}")

    years = require_mapping(where, doc["years"], "years")
    if not years:
        raise where.fatal(years, "years 不能为空：至少写上当年，每月标 example: true 待填写")
    for year, entry in years.items():
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            where.add(years, f"years 的键应当是四位年份：{year!r}")
            continue
        _check_year(where, year, entry, domains)
    where.done()
    return doc


def _check_year(where: Where, year: int, entry: Any, domains: list[str]) -> None:
    label = f"years.{year}"
    if not YEAR.check(where, entry, label):
        return
    for url in [*entry["check_at"], *([entry["url"]] if "url" in entry else [])]:
        if not domain_allowed(url, domains):
            where.add(entry, f"{label} 的链接 {url} 不在 data/external_domains.yml 允许的官方域名内")
    months = entry["months"]
    keys = list(months)
    if keys != list(range(1, 13)):
        bad = [k for k in keys if not (isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= 12)]
        missing = [m for m in range(1, 13) if m not in months]
        detail = []
        if missing:
            detail.append(f"缺少 {'、'.join(map(str, missing))} 月")
        if bad:
            detail.append(f"多出 {'、'.join(map(repr, bad))}")
        if not detail:
            detail.append(f"顺序为 {'、'.join(map(str, keys))}")
        where.add(months, f"{label}.months 应当依次是 1 到 12 月：{'；'.join(detail)}")
    filled = False
    for month, item in months.items():
        if not (isinstance(month, int) and 1 <= month <= 12):
            continue
        item_label = f"{label}.months.{month}"
        if item is None:
            item = Mapping()
            item.line = months.line
        if not MONTH.check(where, item, item_label):
            continue
        ends = item.get("ends")
        if ends is None:
            if item.get("example") is not True:
                where.add(item, f"{item_label} 没有填写 ends（{year} 年 {month} 月征期的截止日）："
                                "照官方申报日历填写；还没有官方日历时保留 example: true")
            continue
        last = _calendar.monthrange(year, month)[1]
        if (ends.year, ends.month) != (year, month) or ends.day < NORMAL_LAST_DAY:
            where.add(item, f"{item_label} 的截止日 {ends} 应当在 {year}-{month:02d}-{NORMAL_LAST_DAY} 到 "
                            f"{year}-{month:02d}-{last} 之间：征期正常到 15 日，节假日只会让它顺延")
        if item.get("example") is not True:
            filled = True
    if filled:
        for field, what in (("source", "官方申报日历的标题"), ("verified", "与官方日历核对的日期")):
            if field not in entry:
                where.add(entry, f"{label} 已有填写的月份，必须写 {field}（{what}）")


def unfilled_months(root: Path = ROOT) -> list[str]:
    """还没有照官方日历填写（标着 example: true）的月份，如 ``2026 年 1 月``。"""
    doc = load_tax_calendar(root)
    return [f"{year} 年 {month} 月" for year, entry in doc["years"].items()
            for month, item in entry["months"].items() if not item or item.get("example") is True]


# ---------------------------------------------------------------- 显示：税务日历


def _date(day: dt.date) -> str:
    return f"{day.month} 月 {day.day} 日（周{WEEKDAYS[day.weekday()]}）"


def _unfilled() -> str:
    return (f'<strong class="hb-unfilled" title="待填写：部署前在 data/{FILE} 中照官方申报日历填写">'
            "待填写</strong>")


def _month_row(month: int, item: dict | None, notes: bool) -> str:
    item = item or {}
    kinds = "月度、季度" if month in QUARTER_MONTHS else "月度"
    ends = item.get("ends")
    if ends is None:
        end_text = _unfilled()
    else:
        end_text = _date(ends) + (example_badge(FILE) if item.get("example") else "")
    row = f"| {month} 月 | {kinds} | {end_text} |"
    return row + f" {md_text(item.get('note', ''))} |" if notes else row


def calendar_table(doc: dict, year: int) -> str:
    """一年的征期表：月份、申报种类、征期截止日（征期从当月 1 日起）；有说明时多一列。"""
    entry = doc["years"][year]
    months = entry["months"]
    notes = any((item or {}).get("note") for item in months.values())
    header = "| 月份 | 申报 | 征期截止日 |" + (" 说明 |" if notes else "")
    rule = "|---|---|---|" + ("---|" if notes else "")
    rows = [header, rule, *(_month_row(month, months.get(month), notes) for month in range(1, 13))]
    sources = "、".join(f"<{url}>" for url in entry["check_at"])
    lines = ["\n".join(rows), ""]
    if "source" in entry:
        title = md_text(entry["source"])
        if "url" in entry:
            title = f"[{title}]({entry['url']})"
        lines.append(f"依据：{title}，{entry['verified']} 核对。" if "verified" in entry else f"依据：{title}。")
    lines.append(f"征期从每月 1 日起到截止日止。到这里查官方申报日历：{sources}。")
    return "\n".join(lines)


def freeze_value(doc: dict, key: str) -> str:
    entry = doc["freeze"][key]
    text = f"{entry['value']} {entry['unit']}"
    return escape(text) + (example_badge(FILE) if entry.get("example") else "")


def freeze_rules(doc: dict, src_uri: str = "business/tax-calendar.md") -> str:
    month_end = freeze_value(doc, "month_end")
    upgrade = relative_link(src_uri, "operations/upgrade.md")
    return "\n".join([
        "1. **征期内不做变更。** 每月 1 日到当月征期截止日（见下表），不安排维护、升级、恢复测试、压力测试和演练。"
        "截止日没有填写的月份，先查官方申报日历并填进数据文件，再排计划；不要按 15 日推算。",
        f"2. **月末不做变更。** 每月最后 {month_end}是开票高峰，同样不安排上面这些工作。工作日按国务院办公厅当年的放假通知算，"
        "调休上班的周末算工作日。",
        "3. **季度申报月和年度汇算期间从严。** 1 月、4 月、7 月、10 月的征期同时有季度申报，访问量更大；"
        "压力测试和扩容评估放在这之前完成。",
        "4. **例外要批准。** 征期内或月末必须变更时（如修复正在影响开票的缺陷），由运维主管批准并记下理由，"
        f"按[系统升级]({upgrade})的检查单执行，先备好回滚方案。",
    ])


# ---------------------------------------------------------------- 显示：示意图

#: 示意图里“查不到”的四处：编号、名称、一句说明、页面上对应小节的锚点、图里名称的分行
LOOKUP_PLACES = (
    ("1", "本单位系统", "用户说的“北京系统”", "本单位系统查不到", ("本单位系统",)),
    ("2", "税务数字账户", "受票方在这里收票、查票", "税务数字账户查不到", ("税务数字账户",)),
    ("3", "全国增值税发票查验平台", "新开的票可能次日才可查（未核实）", "查验平台查不到", ("全国增值税发票查验平台",)),
    ("4", "个人手机应用", "消费者的个人票夹", "个人手机应用查不到", ("个人手机应用",)),
)

_FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
_W = 360


#: 文字样式写成 SVG 的表现属性（不用 style 属性：内容安全策略不允许内联样式），没有样式表时也成立
_TEXT_ATTRS = {
    "hb-flow__strong": ' font-weight="700"',
    "hb-flow__note": ' font-size="11.5"',
    "hb-flow__model": ' font-size="12"',
    "hb-flow__badge-text": ' font-size="12" font-weight="700"',
}


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "middle") -> str:
    attr = (f' class="{cls}"' if cls else "") + _TEXT_ATTRS.get(cls, "")
    return f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}"{attr}>{escape(text)}</text>'


def _box(x: float, y: float, w: float, h: float, lines: list[tuple[str, str]], cls: str = "hb-flow__box") -> str:
    parts = [f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="6" class="{cls}" fill="none" stroke="currentColor"/>']
    step = 17
    top = y + h / 2 - (len(lines) - 1) * step / 2 + 5
    for index, (text, text_cls) in enumerate(lines):
        parts.append(_text(x + w / 2, top + index * step, text, text_cls))
    return "".join(parts)


def _arrow(x1: float, y1: float, x2: float, y2: float, dashed: bool = False) -> str:
    cls = "hb-flow__line hb-flow__line--dashed" if dashed else "hb-flow__line"
    return f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" class="{cls}" stroke="currentColor" marker-end="url(#hb-flow-arrow)"/>'


def _marker(x: float, y: float, number: str) -> str:
    return (f'<circle cx="{x:g}" cy="{y:g}" r="10" class="hb-flow__badge" fill="none" stroke="currentColor"/>'
            + _text(x, y + 4.5, number, "hb-flow__badge-text"))


def flow_svg() -> str:
    """发票从开具到被查询的示意图：开票的三种方式 → 电子发票服务平台 → 四个可能“查不到”的地方。"""
    parts: list[str] = []
    # 第一层：开票方与三种开票方式
    parts.append(_box(10, 10, 340, 34, [("开票方开具发票", "hb-flow__strong")]))
    models = (("电子发票服务平台", "开具即入库"), ("乐企直连", "需上传"), ("税控设备", "需上传"))
    for index, (name, note) in enumerate(models):
        x = 10 + index * 116
        dashed = index > 0
        cls = "hb-flow__box hb-flow__box--dashed" if dashed else "hb-flow__box"
        parts.append(_arrow(x + 54, 44, x + 54, 60))
        parts.append(_box(x, 62, 108, 50, [(name, "hb-flow__model"), (note, "hb-flow__note")], cls))
        parts.append(_arrow(x + 54, 112, 180, 138, dashed))
    # 第二层：全国统一的平台
    parts.append(_box(10, 140, 340, 50, [("全国统一的电子发票服务平台", "hb-flow__strong"),
                                         ("国家税务总局；不是北京单独的系统", "hb-flow__note")]))
    # 第三层：四个可能查不到的地方，由左侧的竖线从平台引出，线不穿过任何框
    top, step, box_h = 214, 58, 50
    last_mid = top + (len(LOOKUP_PLACES) - 1) * step + box_h / 2
    parts.append(f'<line x1="22" y1="190" x2="22" y2="{last_mid:g}" class="hb-flow__line" stroke="currentColor"/>')
    for index, (number, _name, note, _anchor, shown) in enumerate(LOOKUP_PLACES):
        y = top + index * step
        parts.append(_arrow(22, y + box_h / 2, 38, y + box_h / 2))
        lines = [*((line, "hb-flow__strong") for line in shown), (note, "hb-flow__note")]
        parts.append(_box(40, y, 310, box_h, lines, "hb-flow__box hb-flow__box--place"))
        parts.append(_marker(56, y + box_h / 2, number))
    # 第四层：使用者
    bottom = top + len(LOOKUP_PLACES) * step
    parts.append(_arrow(195, bottom - step + box_h, 195, bottom + 6))
    parts.append(_box(10, bottom + 8, 340, 34, [("受票方（单位财务）、消费者查询和使用发票", "")]))
    height = bottom + 52
    title = "发票从开具到被查询的示意图"
    desc = ("开票方通过电子发票服务平台、乐企直连或税控设备三种方式之一开具发票；后两种需要上传。"
            "发票进入全国统一的电子发票服务平台后，可能在四个地方被查询，每处都可能“查不到”："
            + "；".join(f"{n}. {name}（{note}）" for n, name, note, _a, _s in LOOKUP_PLACES)
            + "。受票方和消费者从这些地方查询和使用发票。")
    defs = ('<defs><marker id="hb-flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="hb-flow__head"/>'
            "</marker></defs>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" role="img" '
            f'aria-labelledby="hb-flow-title hb-flow-desc" class="hb-flow__svg" font-family=\'{_FONT}\' '
            f'font-size="13" fill="currentColor" stroke="none">'
            f'<title id="hb-flow-title">{escape(title)}</title><desc id="hb-flow-desc">{escape(desc)}</desc>'
            f"{defs}{''.join(parts)}</svg>")


def flow_figure(src_uri: str = "") -> str:
    caption = "虚线框：需要开票方上传的开票方式；带编号的框：可能“查不到”的地方，编号对应下文各节。"
    return (f'<figure class="hb-flow">{flow_svg()}'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


# ---------------------------------------------------------------- 登记


def register(env, root) -> None:
    def tax_calendar() -> dict:
        return load_tax_calendar(root)

    def _src() -> str:
        page = getattr(env, "page", None)
        return page.file.src_uri if page is not None else "business/index.md"

    @env.macro
    def invoice_flow_diagram() -> str:
        """发票在哪里的示意图（内嵌 SVG），四个“查不到”的地方带编号。"""
        return flow_figure(_src())

    @env.macro
    def lookup_places_list() -> str:
        """示意图的编号与本页小节的对应表（Markdown 列表）。"""
        return "\n".join(f"{n}. [{name}](#{anchor})：{note}。" for n, name, note, anchor, _s in LOOKUP_PLACES)

    @env.macro
    def tax_calendar_table(year: int) -> str:
        """一年的征期表：每月的征期和截止日；未填写的月份显示“待填写”。"""
        doc = tax_calendar()
        if year not in doc["years"]:
            raise KeyError(f"data/{FILE} 中没有 {year} 年；已有：{'、'.join(map(str, doc['years']))}")
        return calendar_table(doc, year)

    @env.macro
    def tax_calendar_years() -> list[int]:
        return sorted(tax_calendar()["years"])

    @env.macro
    def freeze_rule_list() -> str:
        """变更冻结规则（编号列表），月末冻结的天数来自数据文件。"""
        return freeze_rules(tax_calendar(), _src())

    @env.macro
    def freeze_days(key: str = "month_end") -> str:
        """冻结规则的天数，如“3 个工作日”；示例值带“示例”标记。"""
        return freeze_value(tax_calendar(), key)
