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


# ---------------------------------------------------------------- 核实状态

#: 公开事实的核实状态：省略或 false 表示未核实；有人到 check_at 所指的官方来源核对过，写
#: ``verified: {date: 核对日期, by: 核对人的角色}``。生产构建遇到未核实的事实会停止并逐条列出。
VERIFIED = Record({"date": is_date, "by": is_text}, {"note": is_text})
CONFIDENCE = {"high": "高", "medium-high": "较高", "medium": "中"}


def is_verified(entry: Any) -> bool:
    """条目是否已由人到官方来源核对过。"""
    return isinstance(entry, dict) and isinstance(entry.get("verified"), dict)


def check_verified(where: Where, entry: Any, label: str) -> None:
    """verified 只能省略、写 false，或写 {date: 日期, by: 角色}。"""
    value = entry.get("verified", False) if isinstance(entry, dict) else False
    if value is False:
        return
    if isinstance(value, dict):
        if True in value:
            where.add(value, f"{label}.verified 写 date，不要写 on（YAML 把 on 读成 true）")
            return
        VERIFIED.check(where, value, f"{label}.verified")
        return
    where.add(entry, f"{label} 的字段 verified 取值无效：{value!r}（未核实写 false；"
                     "有人在官方来源核对过，写 {date: 核对日期, by: 角色}）")


def check_official(where: Where, entry: dict, label: str, field: str, url: str, domains: list[str]) -> None:
    """核对处必须是 data/external_domains.yml 允许的官方域名。"""
    from urllib.parse import urlsplit
    host = (urlsplit(url).hostname or "").lower()
    if not any(host == d or host.endswith("." + d) for d in domains):
        where.add(entry, f"{label} 的 {field} {url} 不在 data/external_domains.yml 允许的官方域名内")


# ---------------------------------------------------------------- 事实与联系方式

FACT_KINDS = {"phone", "duration", "text"}
CONTACT_KINDS = {"phone", "email", "text", "url", "duration"}

FACT = Record(
    {"name": is_text, "value": is_scalar, "kind": lambda v: v in FACT_KINDS, "source": is_text},
    {"unit": is_text, "check_at": is_https, "verified": lambda v: True, "example": is_bool,
     "confidence": lambda v: v in CONFIDENCE, "note": is_text},
)
CONTACT = Record(
    {"role": is_text, "value": is_scalar, "kind": lambda v: v in CONTACT_KINDS},
    {"example": is_bool, "note": is_text},
)


@datafile("facts.yml")
def load_facts(root: Path = ROOT) -> Mapping:
    doc, where = open_file(root, "facts.yml")
    domains = load_external_domains(root)
    entries = keyed_entries(where, doc, "facts")
    for key, entry in entries.items():
        label = f"facts.{key}"
        check_verified(where, entry, label)
        if not FACT.check(where, entry, label):
            continue
        if "check_at" in entry and "example" in entry:
            where.add(entry, f"{label} 同时写了 check_at 和 example：公开事实写 check_at，本单位自定的值写 example")
        elif "check_at" in entry:
            check_official(where, entry, label, "check_at", entry["check_at"], domains)
        elif "example" in entry:
            if "verified" in entry:
                where.add(entry, f"{label} 是本单位自定的值（example），不写 verified")
        else:
            where.add(entry, f"{label} 缺少字段 check_at：公开事实写明到哪个官方网址核对；"
                             "本单位自定的值写 example（示例值写 true，本单位批准的值写 false）")
        if entry["kind"] == "phone" and not re.fullmatch(r"\d{5,}", str(entry["value"])):
            where.add(entry, f"{label} 的电话号码应当是纯数字字符串：{entry['value']!r}")
        if entry["kind"] == "duration" and "unit" not in entry:
            where.add(entry, f"{label} 是期限，必须写 unit")
    where.done()
    return entries


@datafile("contacts.yml")
def load_contacts(root: Path = ROOT) -> Mapping:
    doc, where = open_file(root, "contacts.yml")
    entries = keyed_entries(where, doc, "contacts")
    for key, entry in entries.items():
        label = f"contacts.{key}"
        if not CONTACT.check(where, entry, label):
            continue
        if entry["kind"] == "url" and not is_https(entry["value"]):
            where.add(entry, f"{label} 是网址，应当以 https:// 开头：{entry['value']!r}")
    where.done()
    return entries


ONCALL = Record({"extension": is_text, "mobile": is_text, "hours": is_text}, {"example": is_bool, "note": is_text})
SERVICE = Record({"name": is_text, "hosts": is_text_list, "purpose": is_text, "owner": is_text},
                 {"example": is_bool, "note": is_text})
SERVICE_POINT = Record({"name": is_text, "address": is_text, "hours": is_text, "phone": is_text},
                       {"example": is_bool, "note": is_text})
ORGANISATION_LISTS = {"oncall": ONCALL, "services": SERVICE, "service_points": SERVICE_POINT}


@datafile("organisation.yml")
def load_organisation(root: Path = ROOT) -> Mapping:
    """本单位的清单：值班角色、服务与服务器、服务网点。值班的分机和手机引用 data/contacts.yml 的键。"""
    doc, where = open_file(root, "organisation.yml")
    contacts = load_contacts(root)
    doc = require_mapping(where, doc, "文件顶层")
    if set(doc) != set(ORGANISATION_LISTS):
        raise where.fatal(doc, f"文件顶层应当只有 {'、'.join(ORGANISATION_LISTS)}，实际为 {sorted(doc)}")
    for top, record in ORGANISATION_LISTS.items():
        items = doc[top]
        if not isinstance(items, list) or not items:
            where.add(doc, f"{top} 应当是非空列表")
            continue
        for index, item in enumerate(items):
            label = f"{top}[{index}]"
            if record.check(where, item, label) and top == "oncall":
                for field in ("extension", "mobile"):
                    if item[field] not in contacts:
                        where.add(item, f"{label}.{field} 应当是 data/contacts.yml 中的键：{item[field]!r}")
    where.done()
    return doc


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


WIDGET_TEXT_SECTIONS = ("checklist", "drill", "tree", "workdays", "search", "incident")
CHECKLIST_MODES = ("read-do", "do-confirm")
WIDGET_TEXT = Record({"checklist": is_mapping, "drill": is_mapping, "tree": is_mapping, "workdays": is_mapping,
                      "search": is_mapping, "incident": is_mapping},
                     {"quiz": is_mapping})  # quiz 部分由 macros/training.py 校验
CHECKLIST_TEXT = Record({"modes": is_mapping, "ui": is_mapping})
MODE_TEXT = Record({"label": is_text, "help": is_text})
DRILL_TEXT = Record({"review_questions": is_text_list, "console": is_mapping, "run": is_mapping})


def _texts(keys: str) -> Record:
    """一组必填的文字键（空格分隔）。"""
    return Record({key: is_text for key in keys.split()})


DRILL_CONSOLE_TEXT = _texts(
    "scenario_label scenario_option clock_label start pause resume end undo_end ended_hint stop notes_toggle "
    "injects_heading observe_heading role_label observe_label observe_placeholder record log_heading export_md "
    "export_json clear clear_confirm cleared empty_ready empty_waiting empty_log new_injects inject_item next_inject "
    "all_shown expect warn_unavailable warn_corrupt unknown_scenario scenario_locked share_heading share_help "
    "share_link_label copy_link copied copy_failed started_at join_heading join_label join_button joined synced "
    "join_invalid join_future join_too_old join_busy projector projector_exit projector_label projector_current "
    "projector_none")
DRILL_RUN_TEXT = Record({key: is_text for key in (
    "started paused resumed ended reopened aborted joined synced unset md_title md_scenario md_page md_status "
    "md_started md_ended md_elapsed md_injects md_observations md_exported md_handbook md_timeline md_evaluation "
    "md_progress md_checked_at md_notes md_review").split()} | {
    "status": is_mapping, "types": is_mapping, "md_columns": is_text_list})
DRILL_STATUS_TEXT = _texts("ready running paused ended aborted")
DRILL_TYPE_TEXT = _texts("inject observation control")
TREE_TEXT = _texts(
    "guide_label trail_label step crumb_label back restart result_progress open_runbook announce_step "
    "announce_result show_all hide_all record_path recorded bad_path answer path path_result path_open")
WORKDAYS_TEXT = Record({key: is_text for key in (
    "rule", "today", "invalid", "before_title", "before", "beyond_title", "beyond", "after_title", "after",
    "provisional_title", "provisional", "unavailable_title", "receipt_provisional", "receipt_note_provisional",
    "receipt_note_unavailable")} | {"provisional_from": lambda value: is_month_day(value)})
SEARCH_TEXT = Record({"empty_title": is_text, "empty_help": is_text, "links": lambda value: isinstance(value, list) and bool(value)})
SEARCH_LINK = Record({"page": is_text, "label": is_text})


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
        for key, text in doc["checklist"]["ui"].items():
            if not is_text(text):
                where.add(doc["checklist"]["ui"], f"checklist.ui.{key} 应当是非空文字")
    if DRILL_TEXT.check(where, doc["drill"], "drill"):
        DRILL_CONSOLE_TEXT.check(where, doc["drill"]["console"], "drill.console")
        run = doc["drill"]["run"]
        if DRILL_RUN_TEXT.check(where, run, "drill.run"):
            DRILL_STATUS_TEXT.check(where, run["status"], "drill.run.status")
            DRILL_TYPE_TEXT.check(where, run["types"], "drill.run.types")
    TREE_TEXT.check(where, doc["tree"], "tree")
    from macros import record  # 事件记录页的文字由 macros/record.py 检查（它也读本文件）
    record.check_text(where, doc["incident"])
    WORKDAYS_TEXT.check(where, doc["workdays"], "workdays")
    if SEARCH_TEXT.check(where, doc["search"], "search"):
        for index, link in enumerate(doc["search"]["links"]):
            label = f"search.links[{index}]"
            if SEARCH_LINK.check(where, link, label) and not (root / "docs" / link["page"]).is_file():
                where.add(link, f"{label}: 页面 docs/{link['page']} 不存在")
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


def unverified_facts(root: Path = ROOT) -> list[str]:
    """列出所有还没有人到官方来源核对过的公开事实，每条形如
    ``data/facts.yml:7: facts.hotline_tax 未核实（核对处 https://www.chinatax.gov.cn/）``。

    公开事实：data/facts.yml 中写了 check_at 的条目、data/statutes.yml 的法规和网站渠道、
    data/holidays.yml 的各年放假安排。"""
    found: list[str] = []

    def add(file: str, path: str, entry: dict, check_at: str) -> None:
        if not is_verified(entry):
            found.append(f"{file}:{getattr(entry, 'line', 0)}: {path} 未核实（核对处 {check_at}）")

    for key, entry in LOADERS["facts.yml"](root).items():
        if "check_at" in entry:
            add("data/facts.yml", f"facts.{key}", entry, entry["check_at"])
    legal = LOADERS["statutes.yml"](root)
    for key, entry in legal["statutes"].items():
        add("data/statutes.yml", f"statutes.{key}", entry, entry["check_at"])
    for key, entry in legal["channels"].items():
        if "url" in entry:
            add("data/statutes.yml", f"channels.{key}", entry, entry["url"])
    for year, entry in LOADERS["holidays.yml"](root).items():
        add("data/holidays.yml", f"years.{year}", entry, entry["url"])
    return found
