"""检查单页面的数据与宏：升级的暂停与回滚条件、预防性维护与恢复测试用到的阈值。

阈值是本单位自定的数值，只写在数据文件里，页面通过宏显示：

- ``upgrade_triggers("pause")`` / ``upgrade_triggers("rollback")``：暂停或回滚条件表
  （data/upgrade_thresholds.yml）；``upgrade_trigger("key")``：一条条件的一句话。
- ``limit("key")``：维护阈值的一句话条件，如 “高于 80%”（data/maintenance_thresholds.yml）；
  ``limit_table()``：全部维护阈值。

检查单本身的交互（勾选保存、执行记录、导出）由 docs/assets/javascripts/checklist.js 完成，
写法见该文件开头的说明。
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from macros import datafiles
from macros.datafiles import Where, is_bool, is_text, keyed_entries, load_yaml, rel, require_fields

OPS = {"gt": "高于", "ge": "达到或高于", "lt": "低于", "le": "不超过"}
ACTIONS = {"pause": "暂停", "rollback": "回滚"}
TRIGGER_UNITS = ("秒", "分钟", "小时", "%", "起", "项", "张", "条", "次")
LIMIT_UNITS = ("秒", "分钟", "小时", "天", "%", "张", "条", "次", "倍")
HOLD_UNITS = ("秒", "分钟", "小时")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _check_threshold(where: Where, node: Any, label: str, units: tuple[str, ...]) -> None:
    """阈值的公共部分：op 可选，value 与 unit 必须成对，hold 是 {value, unit}。"""
    if ("value" in node) != ("unit" in node):
        raise where.at(node, f"{label} 的 value 和 unit 要一起写")
    if "op" in node and "value" not in node:
        raise where.at(node, f"{label} 写了 op，还要写 value 和 unit")
    if "unit" in node and node["unit"] not in units:
        raise where.at(node, f"{label} 的 unit 只能取 {'、'.join(units)}：{node['unit']!r}")
    if "hold" in node:
        require_fields(
            where, node["hold"], f"{label}.hold",
            {"value": lambda v: is_number(v) and v > 0, "unit": lambda v: v in HOLD_UNITS},
        )


@datafiles.datafile("upgrade_thresholds.yml")
def load_upgrade_thresholds(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    """读取并校验 data/upgrade_thresholds.yml；出错时抛出带文件名和行号的 DataError。"""
    path = root / "data" / "upgrade_thresholds.yml"
    where = Where(rel(path, root))
    triggers = keyed_entries(where, load_yaml(path, root), "triggers")
    for key, entry in triggers.items():
        label = f"triggers.{key}"
        require_fields(
            where, entry, label,
            {"action": lambda v: v in ACTIONS, "symptom": is_text, "metric": is_text,
             "where": is_text, "decides": is_text},
            {"op": lambda v: v in OPS, "value": is_number, "unit": is_text,
             "hold": lambda v: isinstance(v, dict), "example": is_bool},
        )
        _check_threshold(where, entry, label, TRIGGER_UNITS)
        if "value" in entry and "example" not in entry:
            raise where.at(entry, f"{label} 有阈值，须写 example（示例值写 true，本单位批准的值写 false）")
    for action in ACTIONS:
        if not any(entry["action"] == action for entry in triggers.values()):
            raise where.at(triggers, f"triggers 中至少要有一条 action: {action}")
    return triggers


@datafiles.datafile("maintenance_thresholds.yml")
def load_maintenance_thresholds(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    """读取并校验 data/maintenance_thresholds.yml。"""
    path = root / "data" / "maintenance_thresholds.yml"
    where = Where(rel(path, root))
    limits = keyed_entries(where, load_yaml(path, root), "limits")
    for key, entry in limits.items():
        label = f"limits.{key}"
        require_fields(
            where, entry, label,
            {"name": is_text, "value": is_number, "unit": is_text, "example": is_bool},
            {"op": lambda v: v in OPS, "hold": lambda v: isinstance(v, dict), "note": is_text},
        )
        _check_threshold(where, entry, label, LIMIT_UNITS)
    return limits


# ---------------------------------------------------------------- 显示


class UnknownKey(LookupError):
    pass


def _get(entries: dict, key: str, file: str) -> dict:
    if key not in entries:
        raise UnknownKey(f"data/{file} 中没有 {key!r}；可用的键：{', '.join(entries)}")
    return entries[key]


def badge(file: str) -> str:
    return f'<span class="hb-example" title="示例值：部署前在 data/{file} 中替换">示例</span>'


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _amount(value: Any, unit: str) -> str:
    return f"{_number(value)}{unit}" if unit == "%" else f"{_number(value)} {unit}"


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
    return text + badge(file) if entry.get("example") else text


def _cell(text: str) -> str:
    return escape(text).replace("|", "&#124;").replace("\n", " ")


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
            f"| **{_cell(entry['symptom'])}** | {_cell(entry['metric'])} | {_cell(entry['where'])} "
            f"| {format_condition(entry, 'upgrade_thresholds.yml', '出现即' + ACTIONS[action])} "
            f"| {_cell(entry['decides'])} |"
        )
    return "\n".join(rows)


def limits_table(limits: dict) -> str:
    rows = ["| 项目 | 阈值 | 说明 |", "|---|---|---|"]
    for entry in limits.values():
        rows.append(
            f"| {_cell(entry['name'])} | {format_condition(entry, 'maintenance_thresholds.yml')} "
            f"| {_cell(entry.get('note', ''))} |"
        )
    return "\n".join(rows)


def register(env, root) -> None:
    triggers = load_upgrade_thresholds(root)
    limits = load_maintenance_thresholds(root)
    # 检查单是作者手写的 div，没有宏：模式名称等文字经 config.extra 交给 overrides/main.html，
    # 由它在每页写成 .hb-widget-text 的 data-hb-text 属性（checklist.js 读取）
    env.conf["extra"]["widget_text"] = {"checklist": datafiles.load_widget_text(root)["checklist"]}

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
