"""找出页面里手写的数据值，它们应当由宏从 data/ 引用。

检查的值：data/facts.yml 的电话号码和期限，data/contacts.yml 的电话和邮箱，以及其他数据文件里的
期限与阈值（事件分级的时限、同步告警、升级与维护阈值、演练时限），见 ``data_patterns``。
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Finding:
    line: int
    key: str
    text: str


def _value_pattern(value: str) -> str:
    """把值变成正则：空白可有可无，数字两侧不能再接数字。"""
    parts = [re.escape(p) for p in str(value).split()]
    body = r"\s*".join(parts)
    if str(value)[:1].isdigit():
        body = r"(?<!\d)" + body
    if str(value)[-1:].isdigit():
        body = body + r"(?!\d)"
    return body


def patterns(facts: dict, contacts: dict) -> list[tuple[str, re.Pattern]]:
    """每个可能被手写的值对应一个正则。

    电话号码、邮箱和文字按值本身匹配；期限按“值 + 单位”匹配（单独一个 7 不算）。
    """
    result = []
    for key, fact in facts.items():
        if fact["kind"] == "duration":
            value = _value_pattern(fact["value"])
            unit = r"\s*".join(re.escape(ch) for ch in fact["unit"].replace(" ", ""))
            result.append((f"facts.{key}", re.compile(value + r"\s*" + unit)))
        else:
            result.append((f"facts.{key}", re.compile(_value_pattern(fact["value"]))))
    for key, contact in contacts.items():
        result.append((f"contacts.{key}", re.compile(_value_pattern(contact["value"]))))
    return result


#: 时长单位。“15 分钟”这样的时长在页面里很常见（阅读时间、培训日程），只有带着比较或时限的说法
#: （超过 300 秒、每 30 分钟、15 分钟内）才算手写了数据里的时限或阈值。
TIME_UNITS = ("秒", "分钟", "小时", "天", "个工作日")
_BEFORE = r"(?:超过|高于|低于|达到|不超过|不到|大于|小于|每|持续)\s*"
_AFTER = r"(?=\s*(?:内|以内|之内))"


def _amount(key: str, value, unit: str) -> tuple[str, re.Pattern]:
    """“值 + 单位”的正则，如 300 秒、80%；时长要带比较或时限的说法。"""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    unit_pattern = r"\s*".join(re.escape(ch) for ch in str(unit).replace(" ", ""))
    body = _value_pattern(text) + r"\s*" + unit_pattern
    if unit in TIME_UNITS:
        body = f"(?:{_BEFORE}{body}|{body}{_AFTER})"
    return key, re.compile(body)


def _thresholds(prefix: str, entries: dict) -> list[tuple[str, re.Pattern]]:
    result = []
    for key, entry in entries.items():
        if "value" in entry and "unit" in entry:
            result.append(_amount(f"{prefix}.{key}", entry["value"], entry["unit"]))
        if "hold" in entry:
            hold = entry["hold"]
            result.append(_amount(f"{prefix}.{key}.hold", hold["value"], hold["unit"]))
    return result


def data_patterns(root) -> list[tuple[str, re.Pattern]]:
    """全部由数据文件提供、页面不得手写的值：事实、联系方式、时限与阈值。"""
    from macros import checklists, datafiles, drills, incident

    result = patterns(datafiles.load_facts(root), datafiles.load_contacts(root))
    for key, level in incident.load_severity(root).items():
        for field in incident.TIME_FIELDS:
            if field in level:
                result.append(_amount(f"severity.{key}.{field}", level[field]["value"], level[field]["unit"]))
    result += _thresholds("sync_alerts", incident.load_sync_alerts(root))
    result += _thresholds("upgrade_thresholds", checklists.load_upgrade_thresholds(root))
    result += _thresholds("maintenance_thresholds", checklists.load_maintenance_thresholds(root))
    result += _thresholds("drill_calendar.deadlines", drills.load_drill_calendar(root)["deadlines"])
    return result


_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=None)
def _hint(pattern: re.Pattern) -> str:
    """正则匹配时必然原样出现的一串数字（值里最长的一段），用来跳过不可能匹配的页面。"""
    return max(_DIGITS.findall(pattern.pattern), key=len, default="")


def find(markdown: str, compiled: Iterable[tuple[str, re.Pattern]]) -> list[Finding]:
    """页面里手写的值，按行号排列（同一行里按 compiled 的顺序）。

    每个正则在整页上搜一次（页面里连值里的数字都没有时直接跳过），再由位置算出行号。"""
    findings = []
    for key, pattern in compiled:
        hint = _hint(pattern)
        if hint and hint not in markdown:
            continue
        for match in pattern.finditer(markdown):
            if "\n" in match.group(0):
                continue  # 与逐行检查相同：值不跨行
            line = markdown.count("\n", 0, match.start()) + 1
            findings.append(Finding(line, key, match.group(0)))
    findings.sort(key=lambda finding: finding.line)
    return findings
