"""数据文件的声明式校验：每种条目用 Record 写明必填字段、可选字段和每个字段的检查。

校验不在第一个问题处停下：Where 收集一个文件里的全部问题，最后按发现的先后一次报出，每条形如
``data/facts.yml:12: facts.hotline_tax 缺少字段 value``。
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

Check = Callable[[Any], bool]


class DataError(ValueError):
    """数据文件不合格：信息里总有文件名，能给出时也有行号；一个文件的多个问题各占一行。"""


KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Where:
    """一个数据文件的问题清单：add 记下问题，done 在有问题时一次抛出全部。"""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[tuple[int, str]] = []

    def message(self, node: Any, text: str) -> str:
        line = getattr(node, "line", 0)
        return f"{self.file}:{line}: {text}" if line else f"{self.file}: {text}"

    def at(self, node: Any, text: str) -> DataError:
        """单个问题的 DataError（供只能报一个问题的地方使用）。"""
        return DataError(self.message(node, text))

    def add(self, node: Any, text: str) -> None:
        self.problems.append((getattr(node, "line", 0), self.message(node, text)))

    def fatal(self, node: Any, text: str) -> DataError:
        """结构错得无法继续检查：连同已记下的问题一起返回，由调用方抛出。"""
        self.add(node, text)
        return self.error()

    def error(self) -> DataError:
        return DataError("\n".join(message for _, message in self.problems))

    @property
    def ok(self) -> bool:
        return not self.problems

    def done(self) -> None:
        if self.problems:
            raise self.error()


# ---------------------------------------------------------------- 字段检查


def is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip() != ""


def is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def is_https(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("https://")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


def is_list(value: Any) -> bool:
    return isinstance(value, list)


def is_nonempty_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value)


def is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(is_text(item) for item in value)


def one_of(choices) -> Check:
    return lambda value: value in choices


# ---------------------------------------------------------------- 条目的描述


@dataclass(frozen=True)
class Record:
    """一种条目：必填字段与可选字段，各带一个检查函数。"""

    required: dict[str, Check]
    optional: dict[str, Check] = field(default_factory=dict)

    def check(self, where: Where, node: Any, label: str) -> bool:
        """记下条目的全部问题（缺字段、取值无效、未知字段）；没有问题时返回 True。"""
        if not isinstance(node, dict):
            where.add(node, f"{label} 应当是键值表")
            return False
        before = len(where.problems)
        for key, check in self.required.items():
            if key not in node or node[key] in (None, ""):
                where.add(node, f"{label} 缺少字段 {key}")
            elif not check(node[key]):
                where.add(node, f"{label} 的字段 {key} 取值无效：{node[key]!r}")
        for key, value in node.items():
            if key in self.required:
                continue
            if key not in self.optional:
                allowed = "、".join([*self.required, *self.optional])
                where.add(node, f"{label} 有未知字段 {key}（允许：{allowed}）")
            elif not self.optional[key](value):
                where.add(node, f"{label} 的字段 {key} 取值无效：{value!r}")
        return len(where.problems) == before


def require_mapping(where: Where, node: Any, label: str) -> dict:
    """结构必须是键值表，否则无法继续检查。"""
    if not isinstance(node, dict):
        raise where.fatal(node, f"{label} 应当是键值表")
    return node


def keyed_entries(where: Where, doc: Any, top: str) -> dict:
    """文件顶层必须是 {top: {key: 条目}}，键由小写字母、数字和下划线组成。"""
    doc = require_mapping(where, doc, "文件顶层")
    if set(doc) != {top}:
        raise where.fatal(doc, f"文件顶层应当只有 {top}，实际为 {sorted(doc)}")
    entries = require_mapping(where, doc[top], top)
    if not entries:
        raise where.fatal(entries, f"{top} 不能为空")
    check_keys(where, entries, top)
    return entries


def check_keys(where: Where, entries: dict, label: str) -> None:
    for key in entries:
        if not isinstance(key, str) or not KEY.match(key):
            where.add(entries, f"{label} 的键 {key!r} 只能用小写字母、数字和下划线")
