"""法律资源的宏：法律法规清单（含最近修改、条文、核实状态）和法律咨询与投诉的官方渠道。

数据文件：data/statutes.yml。链接只指向 data/external_domains.yml 允许的官方域名。
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from macros import datafiles
from macros.datafiles import Mapping
from macros.render import md_folded, verification
from macros.schema import Record, Where, check_keys, is_date, is_https, is_text, require_mapping
from macros.service import _check_url

ROOT = datafiles.ROOT

# ---------------------------------------------------------------- 法律法规与渠道

STATUTE_KINDS = ("法律", "行政法规", "部门规章", "规范性文件")
TOPICS = {
    "invoice_effect": "发票的法律效力",
    "reprint_rights": "补打发票与消费者权益",
    "responsibilities": "开票方与税务机关的责任",
    "tax_periods": "纳税申报与期限",
    "data_protection": "应急预案与个人信息",
}
ARTICLE = re.compile(r"第\s*[0-9零一二三四五六七八九十百千]+\s*[条款项章节]")
ARTICLE_NUMBER = re.compile(r"第[零一二三四五六七八九十百千]+条")
LONG_NUMBER = re.compile(r"\d{5,}")
CHANGE_EVENTS = ("修改", "修订", "通过", "发布")


def _check_text(where: Where, node: Any, label: str, text: str, phones: set[str]) -> None:
    """文字里不能有条文序号，也不能有 data/facts.yml 以外的电话号码。"""
    match = ARTICLE.search(text)
    if match:
        where.add(node, f"{label} 写了条文序号 {match.group(0)!r}：条文序号只写在 article 字段里，"
                        "且只写来源可靠的条文")
    for number in LONG_NUMBER.findall(text):
        if number not in phones:
            where.add(node, f"{label} 含有号码 {number}：电话号码只能来自 data/facts.yml")


def _is_change(value: Any) -> bool:
    return isinstance(value, dict)


STATUTE = Record(
    {"title": is_text, "issuer": is_text, "kind": lambda v: v in STATUTE_KINDS,
     "scope": is_text, "topics": lambda v: isinstance(v, list) and bool(v) and set(v) <= set(TOPICS),
     "source": is_text, "check_at": is_https},
    {"number": is_text, "change": _is_change, "article": _is_change, "verified": lambda v: True,
     "confidence": lambda v: v in datafiles.CONFIDENCE, "note": is_text},
)
#: 最近一次修改（或新法的通过、新文件的发布）：event 必填，其余知道才写
CHANGE = Record({"event": lambda v: v in CHANGE_EVENTS},
                {"date": is_date, "by": is_text, "in_force": is_date})
#: 条文：只给来源可靠、可信度高的具体条文；number 形如“第三条”，says 用自己的话概括
ARTICLE_ENTRY = Record({"number": lambda v: isinstance(v, str) and bool(ARTICLE_NUMBER.fullmatch(v)), "says": is_text})
HOTLINE_CHANNEL = Record({"hotline": is_text, "use": is_text})
WEB_CHANNEL = Record({"name": is_text, "operator": is_text, "use": is_text, "url": is_https},
                     {"verified": lambda v: True})


@datafiles.datafile("statutes.yml")
def load_statutes(root: Path = ROOT) -> Mapping:
    """读取并校验 data/statutes.yml，返回 {"statutes": ..., "channels": ...}。"""
    doc, where = datafiles.open_file(root, "statutes.yml")
    domains = datafiles.load_external_domains(root)
    facts = datafiles.load_facts(root)
    phones = {str(f["value"]) for f in facts.values() if f["kind"] == "phone"}
    doc = require_mapping(where, doc, "文件顶层")
    if set(doc) != {"statutes", "channels"}:
        raise where.fatal(doc, f"文件顶层应当只有 statutes 和 channels，实际为 {sorted(doc)}")
    for top in ("statutes", "channels"):
        entries = require_mapping(where, doc[top], top)
        if not entries:
            raise where.fatal(entries, f"{top} 不能为空")
        check_keys(where, entries, top)
    titles: set[str] = set()
    for key, entry in doc["statutes"].items():
        label = f"statutes.{key}"
        datafiles.check_verified(where, entry, label)
        if not STATUTE.check(where, entry, label):
            continue
        if re.search(r"[《》〈〉\s]", entry["title"]):
            where.add(entry, f"{label}.title 只写标题原文，不带书名号和空格：{entry['title']!r}")
        if entry["title"] in titles:
            where.add(entry, f"{label}.title 与其他条目重复：{entry['title']}")
        titles.add(entry["title"])
        for field in ("title", "issuer", "scope", "source", "note"):
            if field in entry:
                _check_text(where, entry, f"{label}.{field}", entry[field], phones)
        if "change" in entry and CHANGE.check(where, entry["change"], f"{label}.change"):
            change = entry["change"]
            if "in_force" in change and "date" in change and change["in_force"] < change["date"]:
                where.add(change, f"{label}.change 的施行日期 {change['in_force']} 早于{change['event']}日期 "
                                  f"{change['date']}")
        if "article" in entry:
            ARTICLE_ENTRY.check(where, entry["article"], f"{label}.article")
        _check_url(where, entry, f"{label}.check_at", entry["check_at"], domains)
    for key, entry in doc["channels"].items():
        label = f"channels.{key}"
        if isinstance(entry, dict) and "hotline" in entry:
            if not HOTLINE_CHANNEL.check(where, entry, label):
                continue
            fact = facts.get(entry["hotline"])
            if fact is None or fact["kind"] != "phone":
                where.add(entry, f"{label}.hotline 应当是 data/facts.yml 中的电话号码键：{entry['hotline']!r}")
        else:
            datafiles.check_verified(where, entry, label)
            if not WEB_CHANNEL.check(where, entry, label):
                continue
            _check_url(where, entry, label, entry["url"], domains)
            for field in ("name", "operator"):
                _check_text(where, entry, f"{label}.{field}", entry[field], phones)
        _check_text(where, entry, f"{label}.use", entry["use"], phones)
    where.done()
    return doc


def statute_anchor(key: str) -> str:
    return "statute-" + key.replace("_", "-")


# ---------------------------------------------------------------- 宏


def register(env, root) -> None:
    facts = datafiles.load_facts(root)
    legal = load_statutes(root)

    def change_text(change: dict) -> str:
        """最近一次修改，如“2023-07-20 国务院令第764号修改，2024-03-01 起施行”。"""
        text = " ".join(p for p in (change["date"].isoformat() if "date" in change else "",
                                     md_folded(change.get("by", ""))) if p)
        if text:
            text += (" " if text[-1].isdigit() else "") + change["event"]
        else:
            text = change["event"]
        if "in_force" in change:
            text += f"，{change['in_force'].isoformat()} 起施行"
        return text

    @env.macro
    def statutes_list() -> str:
        """法律法规清单：每部一个小节，含制定机关、最近修改、与本服务的关系、官方来源和核实状态。"""
        blocks = []
        for key, entry in legal["statutes"].items():
            topics = "、".join(TOPICS[t] for t in entry["topics"])
            number = f"（{md_folded(entry['number'])}）" if "number" in entry else ""
            lines = [
                f"### 《{md_folded(entry['title'])}》 {{#{statute_anchor(key)}}}",
                "",
                "制定机关",
                f":   {md_folded(entry['issuer'])}（{md_folded(entry['kind'])}）{number}",
                "",
            ]
            if "change" in entry:
                lines += ["最近修改", f":   {change_text(entry['change'])}", ""]
            lines += ["与本服务的关系", f":   {md_folded(entry['scope'])}", ""]
            if "article" in entry:
                lines += ["相关条文", f":   {md_folded(entry['article']['number'])}：{md_folded(entry['article']['says'])}", ""]
            lines += [
                "涉及的问题",
                f":   {topics}",
                "",
                "官方来源",
                f":   [{md_folded(entry['source'])}]({entry['check_at']})，打开后按标题检索现行文本",
                "",
                "核实",
                f":   {verification(entry, entry['check_at'])}"
                + (f"（可信度{datafiles.CONFIDENCE[entry['confidence']]}）" if "confidence" in entry else ""),
            ]
            if "note" in entry:
                lines += ["", "说明", f":   {md_folded(entry['note'])}"]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    @env.macro
    def statutes_for(topic: str) -> str:
        """某个问题涉及的法规，列成指向清单小节的链接。"""
        if topic not in TOPICS:
            raise KeyError(f"未知的问题 {topic!r}；可用：{', '.join(TOPICS)}")
        items = [
            f"- [《{md_folded(e['title'])}》](#{statute_anchor(k)})（{md_folded(e['issuer'])}）"
            for k, e in legal["statutes"].items() if topic in e["topics"]
        ]
        if not items:
            raise KeyError(f"data/statutes.yml 中没有涉及 {topic} 的法规")
        return "\n".join(items)

    @env.macro
    def legal_channels() -> str:
        """法律咨询与投诉的官方渠道表：网站与热线，每行注明核实状态。"""
        hotline = env.macros["hotline"]
        rows = ["| 渠道 | 主办 | 用途 | 核实 |", "|---|---|---|---|"]
        for entry in legal["channels"].values():
            if "hotline" in entry:
                fact = facts[entry["hotline"]]
                rows.append(
                    f"| {hotline(entry['hotline'], badge=False)} | {md_folded(fact['source'])} "
                    f"| {md_folded(entry['use'])} | {verification(fact, fact.get('check_at'))} |"
                )
            else:
                rows.append(
                    f"| [{md_folded(entry['name'])}]({entry['url']}) | {md_folded(entry['operator'])} "
                    f"| {md_folded(entry['use'])} | {verification(entry, entry['url'])} |"
                )
        return "\n".join(rows)

    @env.macro
    def channel(key: str) -> str:
        """一个官方网站渠道的 Markdown 链接。"""
        entry = legal["channels"].get(key)
        if entry is None or "url" not in entry:
            raise KeyError(f"data/statutes.yml 的 channels 中没有网站 {key!r}")
        return f"[{md_folded(entry['name'])}]({entry['url']})"

    @env.macro
    def legal_unverified_count() -> int:
        """法律资源数据中还没有人到官方来源核对过的条目数（法规与网站渠道）。"""
        entries = [*legal["statutes"].values(), *(e for e in legal["channels"].values() if "url" in e)]
        return sum(not datafiles.is_verified(e) for e in entries)

    @env.macro
    def legal_last_verified() -> str:
        """法律资源数据的核实情况：全部核实时给出最早的核实日期，否则说明有几条未核实。"""
        entries = [*legal["statutes"].values(), *(e for e in legal["channels"].values() if "url" in e)]
        missing = sum(not datafiles.is_verified(e) for e in entries)
        if missing:
            return f"{len(entries)} 条中有 {missing} 条还没有人到官方来源核对过，标着“未核实”"
        return f"全部核对过，最早的核实日期是 {min(e['verified']['date'] for e in entries).isoformat()}"
