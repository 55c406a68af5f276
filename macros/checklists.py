"""检查单页面的数据与宏：升级的暂停与回滚条件、预防性维护与恢复测试用到的阈值。

阈值是本单位自定的数值，只写在数据文件里，页面通过宏显示：

- ``upgrade_triggers("pause")`` / ``upgrade_triggers("rollback")``：暂停或回滚条件表
  （data/upgrade_thresholds.yml）；``upgrade_trigger("key")``：一条条件的一句话。
- ``limit("key")``：维护阈值的一句话条件，如 “高于 80%”（data/maintenance_thresholds.yml）；
  ``limit_table()``：全部维护阈值。

检查单本身的交互（勾选保存、执行记录、导出、两个标签页的同步）由 docs/assets/javascripts/checklist*.js 完成，
写法见该文件开头的说明。
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from macros import datafiles
from macros.render import cell, example_badge, number

from macros.schema import (
    Record,
    Where,
    is_bool,
    is_mapping,
    is_number,
    is_text,
    keyed_entries,
)

OPS = {"gt": "高于", "ge": "达到或高于", "lt": "低于", "le": "不超过"}
ACTIONS = {"pause": "暂停", "rollback": "回滚"}
TRIGGER_UNITS = ("秒", "分钟", "小时", "%", "起", "项", "张", "条", "次")
LIMIT_UNITS = ("秒", "分钟", "小时", "天", "%", "张", "条", "次", "倍")
HOLD_UNITS = ("秒", "分钟", "小时")


HOLD = Record({"value": lambda v: is_number(v) and v > 0, "unit": lambda v: v in HOLD_UNITS})
TRIGGER = Record(
    {"action": lambda v: v in ACTIONS, "symptom": is_text, "metric": is_text, "where": is_text, "decides": is_text},
    {"op": lambda v: v in OPS, "value": is_number, "unit": is_text, "hold": is_mapping, "example": is_bool},
)
LIMIT = Record(
    {"name": is_text, "value": is_number, "unit": is_text, "example": is_bool},
    {"op": lambda v: v in OPS, "hold": is_mapping, "note": is_text},
)


def _check_threshold(where: Where, node: Any, label: str, units: tuple[str, ...]) -> None:
    """阈值的公共部分：op 可选，value 与 unit 必须成对，hold 是 {value, unit}。"""
    if ("value" in node) != ("unit" in node):
        where.add(node, f"{label} 的 value 和 unit 要一起写")
    if "op" in node and "value" not in node:
        where.add(node, f"{label} 写了 op，还要写 value 和 unit")
    if "unit" in node and node["unit"] not in units:
        where.add(node, f"{label} 的 unit 只能取 {'、'.join(units)}：{node['unit']!r}")
    if "hold" in node:
        HOLD.check(where, node["hold"], f"{label}.hold")


@datafiles.datafile("upgrade_thresholds.yml")
def load_upgrade_thresholds(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    """读取并校验 data/upgrade_thresholds.yml；出错时抛出带文件名和行号的 DataError。"""
    doc, where = datafiles.open_file(root, "upgrade_thresholds.yml")
    triggers = keyed_entries(where, doc, "triggers")
    for key, entry in triggers.items():
        label = f"triggers.{key}"
        if not TRIGGER.check(where, entry, label):
            continue
        _check_threshold(where, entry, label, TRIGGER_UNITS)
        if "value" in entry and "example" not in entry:
            where.add(entry, f"{label} 有阈值，须写 example（示例值写 true，本单位批准的值写 false）")
    for action in ACTIONS:
        if not any(isinstance(entry, dict) and entry.get("action") == action for entry in triggers.values()):
            where.add(triggers, f"triggers 中至少要有一条 action: {action}")
    where.done()
    return triggers


@datafiles.datafile("maintenance_thresholds.yml")
def load_maintenance_thresholds(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    """读取并校验 data/maintenance_thresholds.yml。"""
    doc, where = datafiles.open_file(root, "maintenance_thresholds.yml")
    limits = keyed_entries(where, doc, "limits")
    for key, entry in limits.items():
        label = f"limits.{key}"
        if LIMIT.check(where, entry, label):
            _check_threshold(where, entry, label, LIMIT_UNITS)
    where.done()
    return limits


# ---------------------------------------------------------------- 显示


class UnknownKey(LookupError):
    pass


def _get(entries: dict, key: str, file: str) -> dict:
    if key not in entries:
        raise UnknownKey(f"data/{file} 中没有 {key!r}；可用的键：{', '.join(entries)}")
    return entries[key]


def _amount(value: Any, unit: str) -> str:
    return f"{number(value)}{unit}" if unit == "%" else f"{number(value)} {unit}"


def format_condition(entry: dict, file: str, otherwise: str = "出现即触发") -> str:
    """“高于 2 秒，持续 5 分钟”；没有数值时为 otherwise。示例值后带“示例”标记。"""
    if "value" not in entry:
        return f"<strong>{escape(otherwise)}</strong>"
    text = _amount(entry["value"], entry["unit"])
    if "op" in entry:
        text = f"{OPS[entry['op']]} {text}"
    if "hold" in entry:
        text += f"，持续 {_amount(entry['hold']['value'], entry['hold']['unit'])}"
    text = f"<strong>{escape(text)}</strong>"
    return text + example_badge(file) if entry.get("example") else text


def triggers_table(triggers: dict, action: str) -> str:
    if action not in ACTIONS:
        raise UnknownKey(f"action 只能是 {', '.join(ACTIONS)}：{action!r}")
    rows = [
        f"| 症状 | 看什么 | 在哪里看 | {ACTIONS[action]}条件 | 谁决定 |",
        "|---|---|---|---|---|",
    ]
    for entry in triggers.values():
        if entry["action"] != action:
            continue
        rows.append(
            f"| **{cell(entry['symptom'])}** | {cell(entry['metric'])} | {cell(entry['where'])} "
            f"| {format_condition(entry, 'upgrade_thresholds.yml', '出现即' + ACTIONS[action])} "
            f"| {cell(entry['decides'])} |"
        )
    return "\n".join(rows)


def limits_table(limits: dict) -> str:
    rows = ["| 项目 | 阈值 | 说明 |", "|---|---|---|"]
    for entry in limits.values():
        rows.append(
            f"| {cell(entry['name'])} | {format_condition(entry, 'maintenance_thresholds.yml')} "
            f"| {cell(entry.get('note', ''))} |"
        )
    return "\n".join(rows)


def register(env, root) -> None:
    triggers = load_upgrade_thresholds(root)
    limits = load_maintenance_thresholds(root)

    @env.macro
    def upgrade_triggers(action: str) -> str:
        """升级的暂停（pause）或回滚（rollback）条件表。"""
        return triggers_table(triggers, action)

    @env.macro
    def upgrade_trigger(key: str) -> str:
        """一条升级条件的一句话，如 “核心接口错误率高于 1%，持续 3 分钟”。"""
        entry = _get(triggers, key, "upgrade_thresholds.yml")
        otherwise = "出现即" + ACTIONS[entry["action"]]
        return f"{escape(entry['metric'])}{format_condition(entry, 'upgrade_thresholds.yml', otherwise)}"

    @env.macro
    def limit(key: str) -> str:
        """维护阈值的条件，如 “高于 80%”（带示例标记）。"""
        return format_condition(_get(limits, key, "maintenance_thresholds.yml"), "maintenance_thresholds.yml")

    @env.macro
    def limit_table() -> str:
        return limits_table(limits)
