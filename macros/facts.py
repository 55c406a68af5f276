"""事实与本单位数据的宏：页面通过它们显示 data/facts.yml、data/contacts.yml 和 data/organisation.yml 中的值。

- 公开事实（写了 check_at）还没有人到官方来源核对过时，值后面带“未核实”标记；
- 本单位的示例值（example: true）后面带“示例”标记。
"""
from __future__ import annotations

import re
from html import escape

from macros import datafiles
from macros.render import cell, example_badge, unverified_badge, verification


class UnknownValue(LookupError):
    """页面引用了数据文件里不存在的键。"""


def _lookup(entries: dict, key: str, file: str) -> dict:
    if key not in entries:
        raise UnknownValue(f"{file} 中没有 {key!r}；可用的键：{', '.join(sorted(entries))}")
    return entries[key]


def format_fact(entry: dict) -> str:
    unit = entry.get("unit")
    return f"{entry['value']} {unit}" if unit else str(entry["value"])


def fact_badge(entry: dict, file: str = "facts.yml") -> str:
    """事实后面的标记：示例值是“示例”，未核实的公开事实是“未核实”，核实过的没有标记。"""
    if entry.get("example"):
        return example_badge(file)
    if "check_at" in entry and not datafiles.is_verified(entry):
        return unverified_badge(entry["check_at"])
    return ""


_DIALABLE = re.compile(r"^\+?\d[\d-]*\d$")


def dial_number(value) -> str | None:
    """电话号码里可以拨打的部分（末尾的数字，去掉空格和横线），如 “分机 8001” → 8001；
    不是号码（如示例值 “手机 示例-0001”）时返回 None。"""
    digits: list[str] = []
    for part in reversed(str(value).split()):
        if not re.fullmatch(r"\+?[\d-]+", part):
            break
        digits.insert(0, part)
    number = "".join(digits)
    return number.replace("-", "") if _DIALABLE.match(number) else None


def tel_link(value, shown: str) -> str:
    """电话号码做成 tel: 链接（手机上点一下就拨）；拨不了的值原样显示。shown 是已转义的 HTML。"""
    number = dial_number(value)
    return f'<a class="hb-tel" href="tel:{number}">{shown}</a>' if number else shown


def contact_text(entry: dict) -> str:
    """本单位的值；电话是 tel: 链接；网址只显示为文字（示例网址不是真实网站，不做成链接）。"""
    value = escape(format_fact(entry))
    if entry["kind"] == "url":
        value = f"<code>{value}</code>"
    elif entry["kind"] == "phone":
        value = tel_link(entry["value"], value)
    return value + (example_badge() if entry.get("example") else "")


def register(env, root) -> None:
    facts = datafiles.load_facts(root)
    contacts = datafiles.load_contacts(root)
    organisation = datafiles.load_organisation(root)

    def contact_entry(key: str) -> dict:
        return _lookup(contacts, key, "data/contacts.yml")

    @env.macro
    def fact(key: str) -> str:
        """事实的值（带单位），如 “12366”“7 个工作日”；未核实或示例值后面带标记。"""
        entry = _lookup(facts, key, "data/facts.yml")
        return escape(format_fact(entry)) + fact_badge(entry)

    @env.macro
    def fact_name(key: str) -> str:
        return _lookup(facts, key, "data/facts.yml")["name"]

    @env.macro
    def fact_check_at(key: str) -> str:
        """到哪里核对这项事实：官方网址的 Markdown 链接。"""
        entry = _lookup(facts, key, "data/facts.yml")
        if "check_at" not in entry:
            raise UnknownValue(f"data/facts.yml 中的 {key!r} 是本单位的值，没有官方核对处")
        return f"[{entry['source']}]({entry['check_at']})"

    @env.macro
    def fact_link(key: str) -> str:
        """公开事实的名称，链接到它的官方网址（如查验平台）；未核实时后面带标记。"""
        entry = _lookup(facts, key, "data/facts.yml")
        if "check_at" not in entry:
            raise UnknownValue(f"data/facts.yml 中的 {key!r} 是本单位的值，没有官方网址")
        return f"[{escape(entry['name'])}]({entry['check_at']}){fact_badge(entry)}"

    @env.macro
    def hotline(key: str, badge: bool = True) -> str:
        """热线的名称与号码，如 “纳税缴费服务热线 12366”，号码是 tel: 链接；未核实时后面带标记。"""
        entry = _lookup(facts, key, "data/facts.yml")
        if entry["kind"] != "phone":
            raise UnknownValue(f"data/facts.yml 中的 {key!r} 不是电话号码")
        number = tel_link(entry["value"], f"<strong>{escape(str(entry['value']))}</strong>")
        return f"{entry['name']} {number}" + (fact_badge(entry) if badge else "")

    @env.macro
    def contact(key: str) -> str:
        """本单位的值；示例值后面带“示例”标记。"""
        return contact_text(contact_entry(key))

    @env.macro
    def contact_role(key: str) -> str:
        return contact_entry(key)["role"]

    @env.macro
    def facts_table() -> str:
        rows = ["| 名称 | 值 | 负责机构 / 核对处 | 核实 | 说明 |", "|---|---|---|---|---|"]
        for entry in facts.values():
            source = cell(entry["source"])
            if "check_at" in entry:
                source = f"[{source}]({entry['check_at']})"
                state = verification(entry, entry["check_at"])
                if "confidence" in entry:
                    state += f"（可信度{datafiles.CONFIDENCE[entry['confidence']]}）"
            else:
                state = "本单位的值" + (example_badge("facts.yml") if entry.get("example") else "")
            value = f"<strong>{cell(format_fact(entry))}</strong>"
            value = tel_link(entry["value"], value) if entry["kind"] == "phone" else value
            rows.append(f"| {cell(entry['name'])} | {value} | {source} "
                        f"| {state} | {cell(entry.get('note', ''))} |")
        return "\n".join(rows)

    @env.macro
    def contacts_table(keys: list | None = None) -> str:
        """本单位的值列表；keys 给出时只列这些键（按给出的顺序）。"""
        chosen = [contact_entry(k) for k in keys] if keys else list(contacts.values())
        rows = ["| 用途 | 值 | 说明 |", "|---|---|---|"]
        for entry in chosen:
            rows.append(f"| {cell(entry['role'])} | {contact_text(entry)} | {cell(entry.get('note', ''))} |")
        return "\n".join(rows)

    @env.macro
    def oncall_table() -> str:
        """值班表：每个值班角色的分机、手机或寻呼、值班时段和排班表位置。"""
        rows = ["| 值班角色 | 分机（在单位） | 手机或寻呼（不在单位） | 值班时段 |", "|---|---|---|---|"]
        for entry in organisation["oncall"]:
            hours = cell(entry["hours"]) + (example_badge("organisation.yml") if entry.get("example") else "")
            rows.append(f"| {cell(contact_entry(entry['extension'])['role'])} | {contact(entry['extension'])} "
                        f"| {contact(entry['mobile'])} | {hours} |")
        return "\n".join(rows)

    @env.macro
    def inventory_table() -> str:
        """服务与服务器清单：服务名、主机、用途、负责角色。"""
        rows = ["| 服务 | 主机 | 用途 | 负责 |", "|---|---|---|---|"]
        for entry in organisation["services"]:
            hosts = "、".join(f"<code>{escape(h)}</code>" for h in entry["hosts"])
            badge = example_badge("organisation.yml") if entry.get("example") else ""
            rows.append(f"| {cell(entry['name'])}{badge} | {hosts} | {cell(entry['purpose'])} "
                        f"| {cell(entry['owner'])} |")
        return "\n".join(rows)

    @env.macro
    def service_points() -> str:
        """服务网点：名称、地址、开放时间、电话。"""
        rows = ["| 网点 | 地址 | 开放时间 | 电话 |", "|---|---|---|---|"]
        for entry in organisation["service_points"]:
            badge = example_badge("organisation.yml") if entry.get("example") else ""
            rows.append(f"| {cell(entry['name'])}{badge} | {cell(entry['address'])} | {cell(entry['hours'])} "
                        f"| {tel_link(entry['phone'], cell(entry['phone']))} |")
        return "\n".join(rows)
