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
_NOT_A_DIGIT = re.compile(r"\(\?<!\\d\)|\(\?!\\d\)")
_LITERAL = re.compile(r"(?:\\[^A-Za-z0-9]|[^\\.^$*+?{}\[\]()|])+")


@functools.lru_cache(maxsize=None)
def _hint(pattern: re.Pattern) -> str:
    """正则匹配时必然原样出现的一段文字，用来跳过不可能匹配的页面和行。

    带选择（|）的是“值 + 单位”的时长和阈值，各分支都含有值：取值里最长的一串数字。
    其余的按值本身匹配（空白可有可无）：取最长的一段字面文字（“前后不接数字”的断言不占位置，去掉；
    后面跟着 *、?、{ 的一段最后一个字符可以不出现，整段不用）。"""
    source = pattern.pattern
    if "|" in source:
        return max(_DIGITS.findall(source), key=len, default="")
    source = _NOT_A_DIGIT.sub("", source)
    runs = [re.sub(r"\\(.)", r"\1", match.group(0)) for match in _LITERAL.finditer(source)
            if source[match.end():match.end() + 1] not in ("*", "?", "{")]
    return max(runs, key=len, default="")


#: 匹配到行尾之后还往后看的字符数（正则末尾的前瞻，如“内”“以内”，可以隔着空白和换行）
LOOKAHEAD = 80


def find(markdown: str, compiled: Iterable[tuple[str, re.Pattern]]) -> list[Finding]:
    """页面里手写的值，按行号排列（同一行里按 compiled 的顺序）。值不跨行。

    正则只在含有它的数字串（_hint）的那些行上运行：页面里大多数行不含某个值的数字，
    不必让几十个正则各自扫一遍整页。没有数字的值在每一行上匹配。"""
    findings = []
    for key, pattern in compiled:
        hint = _hint(pattern)
        if hint not in markdown:
            continue
        for start, end in _lines_with(markdown, hint):
            # 往后多看一点：“15 分钟”和后面的“内”之间可以有换行（Markdown 里仍是同一段）
            for match in pattern.finditer(markdown, start, end + LOOKAHEAD):
                if match.start() > end:
                    break
                if "\n" in match.group(0):
                    continue  # 值本身不跨行
                line = markdown.count("\n", 0, match.start()) + 1
                findings.append(Finding(line, key, match.group(0)))
    findings.sort(key=lambda finding: finding.line)
    return findings


def _lines_with(markdown: str, text: str) -> Iterable[tuple[int, int]]:
    """含有 text 的每一行的（起点, 终点）；text 为空时是每一行。"""
    at = markdown.find(text)
    while at >= 0:
        start = markdown.rfind("\n", 0, at) + 1
        end = markdown.find("\n", at)
        if end < 0:
            end = len(markdown)
        yield start, end
        if end == len(markdown):
            return
        at = markdown.find(text, end + 1) if text else end + 1
