"""事件响应的数据与宏：事件分级（data/severity.yml）与同步告警规则（data/sync_alerts.yml）。

页面里的响应时限、通报间隔和告警阈值都从这两个文件来，页面只写宏：

- ``severity_table()``：分级总表；``severity("p1")``：一句话说明某一级；
  ``severity_time("p2", "escalate_after")``：某一级的某个时限；``severity_name("p2")``：如 “P2 严重”。
- ``sync_alert_table()``：告警规则表；``sync_alert("replica_lag_crit")``：一句话的触发条件。
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from macros import datafiles
from macros.render import cell, example_badge, number

from macros.schema import Record, is_bool, is_mapping, is_number, is_text, keyed_entries

TIME_UNITS = ("分钟", "小时", "个工作日")
HOLD_UNITS = ("秒", "分钟", "小时")
ALERT_UNITS = ("秒", "分钟", "小时", "条", "次", "个")
OPS = {"gt": "高于", "ge": "达到或高于", "lt": "低于"}
LEVEL_KEY = re.compile(r"^p[1-9]$")
TIME_FIELDS = {"respond": "响应", "update": "通报间隔", "escalate_after": "未恢复则升级"}


def is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(is_text(item) for item in value)


def _span(units: tuple[str, ...], example: bool) -> Record:
    return Record({"value": lambda v: is_number(v) and v > 0, "unit": lambda v: v in units},
                  {"example": is_bool} if example else {})


SPAN = _span(TIME_UNITS, example=True)
HOLD = _span(HOLD_UNITS, example=False)
LEVEL_OPTIONAL = {"examples": is_text_list, "update": is_mapping, "escalate_after": is_mapping}


def _rule(levels: dict) -> Record:
    return Record(
        {"name": is_text, "metric": is_text, "where": is_text, "op": lambda v: v in OPS,
         "value": is_number, "unit": lambda v: v in ALERT_UNITS, "severity": lambda v: v in levels,
         "action": is_text, "example": is_bool},
        {"hold": is_mapping},
    )


def _level(key: str) -> Record:
    return Record(
        {"label": lambda v: v == key.upper(), "name": is_text, "criteria": is_text_list,
         "call": is_text_list, "staff": is_text, "respond": is_mapping, "review": is_text},
        LEVEL_OPTIONAL,
    )


@datafiles.datafile("severity.yml")
def load_severity(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    """读取并校验 data/severity.yml；出错时抛出带文件名和行号的 DataError。"""
    doc, where = datafiles.open_file(root, "severity.yml")
    levels = keyed_entries(where, doc, "levels")
    contacts = datafiles.load_contacts(root)
    expected = [f"p{n}" for n in range(1, len(levels) + 1)]
    if list(levels) != expected:
        raise where.fatal(levels, f"levels 的键应当依次为 {'、'.join(expected)}，实际为 {'、'.join(levels)}")
    for key, entry in levels.items():
        label = f"levels.{key}"
        if not _level(key).check(where, entry, label):
            continue
        for contact in entry["call"]:
            if contact not in contacts:
                where.add(
                    entry["call"],
                    f"{label}.call 中的 {contact!r} 不在 data/contacts.yml 中"
                    f"（可用：{'、'.join(contacts)}）",
                )
        for field in TIME_FIELDS:
            if field in entry:
                SPAN.check(where, entry[field], f"{label}.{field}")
    for key in list(levels)[:-1]:
        if isinstance(levels[key], dict) and "update" not in levels[key]:
            where.add(levels[key], f"levels.{key} 缺少字段 update（只有最低一级可以不写）")
    if isinstance(levels["p1"], dict) and "escalate_after" in levels["p1"]:
        where.add(levels["p1"]["escalate_after"], "levels.p1 是最高级，不能再写 escalate_after")
    for key in list(levels)[1:]:
        if isinstance(levels[key], dict) and "escalate_after" not in levels[key]:
            where.add(levels[key], f"levels.{key} 缺少字段 escalate_after")
    where.done()
    return levels


@datafiles.datafile("sync_alerts.yml")
def load_sync_alerts(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    """读取并校验 data/sync_alerts.yml；级别必须是 data/severity.yml 中的键。"""
    doc, where = datafiles.open_file(root, "sync_alerts.yml")
    rules = keyed_entries(where, doc, "rules")
    levels = load_severity(root)
    rule_schema = _rule(levels)
    for key, rule in rules.items():
        label = f"rules.{key}"
        if not rule_schema.check(where, rule, label):
            continue
        if "hold" in rule:
            HOLD.check(where, rule["hold"], f"{label}.hold")
    where.done()
    return rules


# ---------------------------------------------------------------- 显示


def format_span(span: dict, file: str = "severity.yml") -> str:
    text = escape(f"{number(span['value'])} {span['unit']}")
    return text + example_badge(file) if span.get("example") else text


def format_condition(rule: dict) -> str:
    """如 “高于 30 秒，持续 5 分钟”（示例值带“示例”标记）。"""
    text = f"{OPS[rule['op']]} {number(rule['value'])} {rule['unit']}"
    if "hold" in rule:
        text += f"，持续 {number(rule['hold']['value'])} {rule['hold']['unit']}"
    text = escape(text)
    return text + example_badge("sync_alerts.yml") if rule.get("example") else text


class UnknownKey(LookupError):
    pass


def _get(entries: dict, key: str, file: str) -> dict:
    if key not in entries:
        raise UnknownKey(f"data/{file} 中没有 {key!r}；可用的键：{', '.join(entries)}")
    return entries[key]


def register(env, root) -> None:
    levels = load_severity(root)
    rules = load_sync_alerts(root)
    contacts = datafiles.load_contacts(root)

    def level_name(key: str) -> str:
        entry = _get(levels, key, "severity.yml")
        return f"{entry['label']} {entry['name']}"

    def callee(key: str) -> str:
        entry = contacts[key]
        value = escape(str(entry["value"]))
        if entry.get("example"):
            value += example_badge("contacts.yml")
        return f"{escape(entry['role'])}：{value}"

    @env.macro
    def severity_name(key: str) -> str:
        """级别代号与名称，如 “P2 严重”。"""
        return escape(level_name(key))

    @env.macro
    def severity_time(key: str, field: str = "respond") -> str:
        """某一级的某个时限（respond / update / escalate_after），带示例标记。"""
        entry = _get(levels, key, "severity.yml")
        if field not in TIME_FIELDS:
            raise UnknownKey(f"时限字段只能是 {', '.join(TIME_FIELDS)}：{field!r}")
        if field not in entry:
            raise UnknownKey(f"data/severity.yml 中 {key} 没有 {field}")
        return format_span(entry[field])

    @env.macro
    def severity(key: str) -> str:
        """一句话说明某一级：名称、响应时限、通报间隔。"""
        entry = _get(levels, key, "severity.yml")
        parts = [f"接报后 {format_span(entry['respond'])} 内响应"]
        if "update" in entry:
            parts.append(f"每 {format_span(entry['update'])} 对内通报一次")
        else:
            parts.append("结案时通报一次")
        return f"**{escape(level_name(key))}**：" + "，".join(parts)

    @env.macro
    def escalation_rule() -> str:
        """升级规则一句话：各级临时缓解后多久仍未恢复就升一级（从低到高）。"""
        parts = [
            f"{escape(level_name(key))} 超过 {format_span(entry['escalate_after'])}"
            for key, entry in reversed(list(levels.items())) if "escalate_after" in entry
        ]
        return "临时缓解后仍未恢复：" + "、".join(parts) + "，升一级"

    @env.macro
    def severity_table() -> str:
        """分级总表：每级一行，四栏（级别、判定条件、通知与到位、时限与复盘）。"""
        rows = [
            "| 级别 | 满足任意一条即为该级 | 立即通知 / 需要到位的角色 | 时限与复盘 |",
            "|---|---|---|---|",
        ]
        for key, entry in levels.items():
            criteria = "<br>".join(f"· {cell(item)}" for item in entry["criteria"])
            if entry.get("examples"):
                criteria += "<br>例：" + "；".join(cell(item) for item in entry["examples"])
            call = "<br>".join(callee(contact) for contact in entry["call"])
            call += f"<br>到位：{cell(entry['staff'])}"
            update = f"每 {format_span(entry['update'])}" if "update" in entry else "结案时一次"
            escalate = format_span(entry["escalate_after"]) if "escalate_after" in entry else "已是最高级"
            times = (f"响应：{format_span(entry['respond'])}<br>对内通报：{update}"
                     f"<br>未恢复则升级：{escalate}<br>复盘：{cell(entry['review'])}")
            rows.append(f"| **{cell(level_name(key))}** | {criteria} | {call} | {times} |")
        return "\n".join(rows)

    @env.macro
    def sync_alert(key: str) -> str:
        """一句话的触发条件，如 “从库落后主库的时间高于 300 秒，持续 5 分钟”。"""
        rule = _get(rules, key, "sync_alerts.yml")
        return f"{escape(rule['metric'])}{format_condition(rule)}"

    @env.macro
    def sync_alert_table() -> str:
        rows = [
            "| 规则 | 指标（在哪里看） | 触发条件 | 起始级别 | 告警后先做什么 |",
            "|---|---|---|---|---|",
        ]
        for rule in rules.values():
            rows.append(
                f"| **{cell(rule['name'])}** | {cell(rule['metric'])}<br>（{cell(rule['where'])}） "
                f"| {format_condition(rule)} | {cell(level_name(rule['severity']))} "
                f"| {cell(rule['action'])} |"
            )
        return "\n".join(rows)
