"""读取 data/ 下的 YAML 数据文件，并在出错时指明文件与行号。

每个数据文件都有一个校验函数；校验失败抛出 DataError，信息形如
``data/facts.yml:12: facts.hotline_tax 缺少字段 value``。构建钩子与测试共用这些函数。
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

ROOT = Path(__file__).resolve().parent.parent


class DataError(ValueError):
    """数据文件不合格：信息里总有文件名，能给出时也有行号。"""


class Mapping(dict):
    """记住自己在 YAML 文件里起始行号的 dict。"""

    line: int = 0


class Sequence(list):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise DataError(
                f"{loader.name}:{key_node.start_mark.line + 1}: 重复的键 {key!r}"
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise DataError(f"{loader.name}:{node.start_mark.line + 1}: 日期无效 {node.value!r}（{exc}）") from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_yaml(path: Path, root: Path = ROOT) -> Any:
    """读取一个 YAML 文件；文件缺失或语法错误时抛出带文件名和行号的 DataError。"""
    name = rel(path, root)
    if not path.is_file():
        raise DataError(f"{name}: 数据文件不存在")
    text = path.read_text(encoding="utf-8")
    loader = _LineLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise DataError(f"{name}{line}: YAML 格式错误：{exc.problem or exc}") from None
    finally:
        loader.dispose()


@dataclass
class Where:
    """出错位置的描述：文件名加上当前条目的行号。"""

    file: str

    def at(self, node: Any, message: str) -> DataError:
        line = getattr(node, "line", 0)
        return DataError(f"{self.file}:{line}: {message}" if line else f"{self.file}: {message}")


def require_mapping(where: Where, node: Any, label: str) -> Mapping:
    if not isinstance(node, dict):
        raise where.at(node, f"{label} 应当是键值表")
    return node


def require_fields(where: Where, node: Any, label: str, fields: dict[str, Callable[[Any], bool]],
                   optional: dict[str, Callable[[Any], bool]] | None = None) -> Mapping:
    """检查条目有且只有规定的字段，且每个字段的值通过检查。"""
    node = require_mapping(where, node, label)
    optional = optional or {}
    for key, check in fields.items():
        if key not in node or node[key] in (None, ""):
            raise where.at(node, f"{label} 缺少字段 {key}")
        if not check(node[key]):
            raise where.at(node, f"{label} 的字段 {key} 取值无效：{node[key]!r}")
    for key, value in node.items():
        if key in fields:
            continue
        if key not in optional:
            allowed = "、".join([*fields, *optional])
            raise where.at(node, f"{label} 有未知字段 {key}（允许：{allowed}）")
        if not optional[key](value):
            raise where.at(node, f"{label} 的字段 {key} 取值无效：{value!r}")
    return node


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


KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def keyed_entries(where: Where, doc: Any, top: str) -> Mapping:
    """文件顶层必须是 {top: {key: 条目}}，键由小写字母、数字和下划线组成。"""
    doc = require_mapping(where, doc, "文件顶层")
    if set(doc) != {top}:
        raise where.at(doc, f"文件顶层应当只有 {top}，实际为 {sorted(doc)}")
    entries = require_mapping(where, doc[top], top)
    if not entries:
        raise where.at(entries, f"{top} 不能为空")
    for key in entries:
        if not isinstance(key, str) or not KEY.match(key):
            raise where.at(entries, f"{top} 的键 {key!r} 只能用小写字母、数字和下划线")
    return entries


# ---------------------------------------------------------------- 各数据文件

#: data/ 下每个文件名对应一个校验并读取它的函数；测试要求每个数据文件都在这里登记。
LOADERS: dict[str, Callable[[Path], Any]] = {}


def datafile(name: str):
    def register(func):
        LOADERS[name] = func
        return func
    return register


FACT_KINDS = {"phone", "duration", "text"}
CONTACT_KINDS = {"phone", "email", "text"}


@datafile("facts.yml")
def load_facts(root: Path = ROOT) -> Mapping:
    path = root / "data" / "facts.yml"
    where = Where(rel(path, root))
    entries = keyed_entries(where, load_yaml(path, root), "facts")
    for key, entry in entries.items():
        require_fields(
            where, entry, f"facts.{key}",
            {"name": is_text, "value": is_scalar, "kind": lambda v: v in FACT_KINDS,
             "source": is_text, "verified": is_date},
            {"unit": is_text, "url": is_https, "note": is_text},
        )
        if entry["kind"] == "phone" and not re.fullmatch(r"\d{5,}", str(entry["value"])):
            raise where.at(entry, f"facts.{key} 的电话号码应当是纯数字字符串：{entry['value']!r}")
        if entry["kind"] == "duration" and "unit" not in entry:
            raise where.at(entry, f"facts.{key} 是期限，必须写 unit")
    return entries


@datafile("contacts.yml")
def load_contacts(root: Path = ROOT) -> Mapping:
    path = root / "data" / "contacts.yml"
    where = Where(rel(path, root))
    entries = keyed_entries(where, load_yaml(path, root), "contacts")
    for key, entry in entries.items():
        require_fields(
            where, entry, f"contacts.{key}",
            {"role": is_text, "value": is_scalar, "kind": lambda v: v in CONTACT_KINDS},
            {"example": is_bool, "note": is_text},
        )
    return entries


@datafile("external_domains.yml")
def load_external_domains(root: Path = ROOT) -> list[str]:
    path = root / "data" / "external_domains.yml"
    where = Where(rel(path, root))
    doc = require_mapping(where, load_yaml(path, root), "文件顶层")
    domains = doc.get("domains")
    if not isinstance(domains, list) or not domains:
        raise where.at(doc, "domains 应当是非空列表")
    for item in domains:
        if not isinstance(item, str) or not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", item):
            raise where.at(domains, f"domains 中的 {item!r} 不是域名")
    return list(domains)


WIDGET_TEXT_SECTIONS = {"checklist", "drill", "workdays"}


@datafile("widget_text.yml")
def load_widget_text(root: Path = ROOT) -> Mapping:
    """读取并校验 data/widget_text.yml：页面脚本显示的文字（检查单模式、复盘问题、计算器警告）。"""
    path = root / "data" / "widget_text.yml"
    where = Where(rel(path, root))
    doc = require_mapping(where, load_yaml(path, root), "文件顶层")
    if set(doc) != WIDGET_TEXT_SECTIONS:
        raise where.at(doc, f"文件顶层应当是 {'、'.join(sorted(WIDGET_TEXT_SECTIONS))}，实际为 {'、'.join(sorted(doc))}")
    modes = require_mapping(where, require_fields(where, doc["checklist"], "checklist", {"modes": dict})["modes"],
                            "checklist.modes")
    if list(modes) != ["read-do", "do-confirm"]:
        raise where.at(modes, f"checklist.modes 的键应当依次为 read-do、do-confirm，实际为 {'、'.join(map(str, modes))}")
    for key, mode in modes.items():
        require_fields(where, mode, f"checklist.modes.{key}", {"label": is_text, "help": is_text})
    drill = require_fields(where, doc["drill"], "drill", {"review_questions": lambda v: isinstance(v, list)})
    if not drill["review_questions"] or not all(is_text(q) for q in drill["review_questions"]):
        raise where.at(drill, "drill.review_questions 应当是非空的文字列表")
    require_fields(where, doc["workdays"], "workdays", {
        key: is_text for key in ("invalid", "before_title", "before", "beyond_title", "beyond", "unavailable_title")})
    return doc


def example_values(root: Path = ROOT) -> list[str]:
    """列出 data/ 里所有标着 ``example: true`` 的条目，每条形如
    ``data/contacts.yml:12: contacts.ops_oncall = 分机 8001``。"""
    found: list[str] = []

    def walk(node: Any, path: str, file: str) -> None:
        if isinstance(node, dict):
            if node.get("example") is True:
                value = node.get("value", "")
                found.append(f"{file}:{getattr(node, 'line', 0)}: {path} = {value}".rstrip(" ="))
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else str(key), file)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{path}[{index}]", file)

    for path in sorted((root / "data").glob("*.yml")):
        walk(load_yaml(path, root), "", rel(path, root))
    return found
