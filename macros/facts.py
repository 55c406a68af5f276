"""事实与联系方式的宏：页面通过它们显示 data/facts.yml 与 data/contacts.yml 中的值。"""
from __future__ import annotations

from html import escape

from macros import datafiles
from macros.render import example_badge


class UnknownValue(LookupError):
    """页面引用了数据文件里不存在的键。"""


def _lookup(entries: dict, key: str, file: str) -> dict:
    if key not in entries:
        raise UnknownValue(f"{file} 中没有 {key!r}；可用的键：{', '.join(sorted(entries))}")
    return entries[key]


def format_fact(entry: dict) -> str:
    unit = entry.get("unit")
    return f"{entry['value']} {unit}" if unit else str(entry["value"])


def register(env, root) -> None:
    facts = datafiles.load_facts(root)
    contacts = datafiles.load_contacts(root)

    @env.macro
    def fact(key: str) -> str:
        """事实的值（带单位），如 “12366”“7 个工作日”。"""
        return format_fact(_lookup(facts, key, "data/facts.yml"))

    @env.macro
    def fact_name(key: str) -> str:
        return _lookup(facts, key, "data/facts.yml")["name"]

    @env.macro
    def hotline(key: str) -> str:
        """热线的名称与号码，如 “纳税缴费服务热线 12366”。"""
        entry = _lookup(facts, key, "data/facts.yml")
        if entry["kind"] != "phone":
            raise UnknownValue(f"data/facts.yml 中的 {key!r} 不是电话号码")
        return f"{entry['name']} **{entry['value']}**"

    @env.macro
    def contact(key: str) -> str:
        """本单位联系方式；示例值后面带“示例”标记。"""
        entry = _lookup(contacts, key, "data/contacts.yml")
        text = escape(str(entry["value"]))
        return f"{text}{example_badge()}" if entry.get("example") else text

    @env.macro
    def contact_role(key: str) -> str:
        return _lookup(contacts, key, "data/contacts.yml")["role"]

    @env.macro
    def facts_table() -> str:
        rows = ["| 名称 | 值 | 负责机构 / 来源 | 核实日期 | 说明 |", "|---|---|---|---|---|"]
        for entry in facts.values():
            source = escape(entry["source"])
            if entry.get("url"):
                source = f"[{source}]({entry['url']})"
            rows.append(
                f"| {escape(entry['name'])} | **{escape(format_fact(entry))}** | {source} "
                f"| {entry['verified'].isoformat()} | {escape(entry.get('note', ''))} |"
            )
        return "\n".join(rows)

    @env.macro
    def contacts_table() -> str:
        rows = ["| 用途 | 联系方式 | 说明 |", "|---|---|---|"]
        for entry in contacts.values():
            value = escape(str(entry["value"]))
            if entry.get("example"):
                value += example_badge()
            rows.append(f"| {escape(entry['role'])} | {value} | {escape(entry.get('note', ''))} |")
        return "\n".join(rows)
