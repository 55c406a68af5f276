"""读取 data/ 下的 YAML 数据文件，并在出错时指明文件与行号。

每个数据文件都有一个用 ``@datafile("名称.yml")`` 登记的校验函数；校验收集一个文件的全部问题，
一次抛出 DataError，每个问题一行，形如 ``data/facts.yml:12: facts.hotline_tax 缺少字段 value``。
校验过的数据存在数据仓库（macros/store.py）里，每次构建每个文件只解析、校验一次。
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Callable

from macros import store
from macros.schema import (  # noqa: F401  下面这些名字也从这里导出，供各模块和测试使用
    KEY,
    DataError,
    Record,
    Where,
    check_keys,
    is_bool,
    is_date,
    is_https,
    is_mapping,
    is_scalar,
    is_text,
    is_text_list,
    keyed_entries,
    require_mapping,
)
from macros.store import Mapping, Sequence, rel  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def load_yaml(path: Path, root: Path = ROOT) -> Any:
    """读取一个 YAML 文件（经数据仓库缓存）；文件缺失或语法错误时抛出带文件名和行号的 DataError。"""
    return store.for_root(root).parse(path)


def require_fields(where: Where, node: Any, label: str, fields: dict[str, Callable[[Any], bool]],
                   optional: dict[str, Callable[[Any], bool]] | None = None) -> bool:
    """检查条目有且只有规定的字段，且每个字段的值通过检查；记下全部问题，没有问题时返回 True。"""
    return Record(fields, optional or {}).check(where, node, label)


# ---------------------------------------------------------------- 登记

#: data/ 下每个文件名对应一个读取它的函数（参数是项目根目录）；测试要求每个数据文件都在这里登记。
LOADERS: dict[str, Callable[..., Any]] = {}


def datafile(name: str):
    """登记数据文件的校验函数。返回的函数从数据仓库取值：每次构建只校验一次。"""
    def register(validate):
        store.VALIDATORS[name] = validate

        @functools.wraps(validate)
        def load(root: Path = ROOT) -> Any:
            return store.for_root(root).get(name)

        load.validate = validate
        LOADERS[name] = load
        return load
    return register


def open_file(root: Path, name: str) -> tuple[Any, Where]:
    """数据文件 data/name 的内容与它的问题清单。"""
    path = root / "data" / name
    return load_yaml(path, root), Where(rel(path, root))


# ---------------------------------------------------------------- 事实与联系方式

FACT_KINDS = {"phone", "duration", "text"}
CONTACT_KINDS = {"phone", "email", "text"}

FACT = Record(
    {"name": is_text, "value": is_scalar, "kind": lambda v: v in FACT_KINDS, "source": is_text, "verified": is_date},
    {"unit": is_text, "url": is_https, "note": is_text},
)
CONTACT = Record(
    {"role": is_text, "value": is_scalar, "kind": lambda v: v in CONTACT_KINDS},
    {"example": is_bool, "note": is_text},
)


@datafile("facts.yml")
def load_facts(root: Path = ROOT) -> Mapping:
    doc, where = open_file(root, "facts.yml")
    entries = keyed_entries(where, doc, "facts")
    for key, entry in entries.items():
        if not FACT.check(where, entry, f"facts.{key}"):
            continue
        if entry["kind"] == "phone" and not re.fullmatch(r"\d{5,}", str(entry["value"])):
            where.add(entry, f"facts.{key} 的电话号码应当是纯数字字符串：{entry['value']!r}")
        if entry["kind"] == "duration" and "unit" not in entry:
            where.add(entry, f"facts.{key} 是期限，必须写 unit")
    where.done()
    return entries


@datafile("contacts.yml")
def load_contacts(root: Path = ROOT) -> Mapping:
    doc, where = open_file(root, "contacts.yml")
    entries = keyed_entries(where, doc, "contacts")
    for key, entry in entries.items():
        CONTACT.check(where, entry, f"contacts.{key}")
    where.done()
    return entries


@datafile("external_domains.yml")
def load_external_domains(root: Path = ROOT) -> list[str]:
    doc, where = open_file(root, "external_domains.yml")
    doc = require_mapping(where, doc, "文件顶层")
    domains = doc.get("domains")
    if not isinstance(domains, list) or not domains:
        raise where.fatal(doc, "domains 应当是非空列表")
    for item in domains:
        if not isinstance(item, str) or not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", item):
            where.add(domains, f"domains 中的 {item!r} 不是域名")
    where.done()
    return list(domains)


WIDGET_TEXT_SECTIONS = ("checklist", "drill", "workdays")
CHECKLIST_MODES = ("read-do", "do-confirm")
WIDGET_TEXT = Record({"checklist": is_mapping, "drill": is_mapping, "workdays": is_mapping})
CHECKLIST_TEXT = Record({"modes": is_mapping})
MODE_TEXT = Record({"label": is_text, "help": is_text})
DRILL_TEXT = Record({"review_questions": is_text_list})
WORKDAYS_TEXT = Record({key: is_text for key in (
    "rule", "today", "invalid", "before_title", "before", "beyond_title", "beyond", "after_title", "after",
    "provisional_title", "provisional", "unavailable_title", "receipt_provisional", "receipt_note_provisional",
    "receipt_note_unavailable")} | {"provisional_from": lambda value: is_month_day(value)})


def is_month_day(value: Any) -> bool:
    """“月-日”，如 "12-15"（工作日计算器的暂定起点）；02-29 不是每年都有，不算有效。"""
    import datetime as dt

    if not isinstance(value, str) or not re.fullmatch(r"\d{2}-\d{2}", value):
        return False
    month, day = (int(part) for part in value.split("-"))
    try:
        dt.date(2001, month, day)
    except ValueError:
        return False
    return True


@datafile("widget_text.yml")
def load_widget_text(root: Path = ROOT) -> Mapping:
    """页面脚本显示的文字（检查单模式、复盘问题、计算器警告），由宏以 JSON 属性交给脚本。"""
    doc, where = open_file(root, "widget_text.yml")
    doc = require_mapping(where, doc, "文件顶层")
    if not WIDGET_TEXT.check(where, doc, "文件顶层"):
        raise where.error()
    if CHECKLIST_TEXT.check(where, doc["checklist"], "checklist"):
        modes = doc["checklist"]["modes"]
        if tuple(modes) != CHECKLIST_MODES:
            where.add(modes, f"checklist.modes 的键应当依次为 {'、'.join(CHECKLIST_MODES)}，"
                             f"实际为 {'、'.join(map(str, modes))}")
        for key, mode in modes.items():
            MODE_TEXT.check(where, mode, f"checklist.modes.{key}")
    DRILL_TEXT.check(where, doc["drill"], "drill")
    WORKDAYS_TEXT.check(where, doc["workdays"], "workdays")
    where.done()
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
