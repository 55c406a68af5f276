"""用语规范（data/terms.yml）：手册的规范说法、同义词、只用于搜索的说法和不再使用的说法，只写在这一张表里。

- 页面里不再使用的说法由构建检查找出，指出行号和应改用的说法（patterns、find）；
- 站内搜索的同义词：别名、只用于搜索的说法和不再使用的说法 → 规范说法（synonyms）；
- 术语表（macros/glossary.py）：data/glossary.yml 只写解释，键是这里的规范说法；“又称”是 aliases，
  “不用”是 avoid，search_only 不显示。"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from macros import datafiles
from macros.datafiles import ROOT, Mapping, Record, is_text, is_text_list, keyed_entries

TERM = Record(
    {"term": is_text},
    {"avoid": is_text_list, "aliases": is_text_list, "search_only": is_text_list, "search": is_text,
     "except": is_text_list, "note": is_text, "page": is_text},
)
#: 说法的种类 → 报错时的叫法（要避免的说法不加叫法）
KINDS = {"avoid": "", "aliases": "别名", "search_only": "搜索用的说法"}


@dataclass(frozen=True)
class Finding:
    line: int
    key: str
    text: str
    term: str


@datafiles.datafile("terms.yml")
def load_terms(root: Path = ROOT) -> Mapping:
    """读取并校验 data/terms.yml：一个规范说法只有一项；要避免的说法、别名和搜索用的说法各只属于一项，
    前两种也不能是另一项的规范说法（只用于搜索的说法可以：搜“作废”也给出红冲）。"""
    doc, where = datafiles.open_file(root, "terms.yml")
    terms = keyed_entries(where, doc, "terms")
    preferred: dict[str, str] = {}
    listed: dict[str, tuple[str, str]] = {}  # 说法 → (所在条目, 种类)
    for key, entry in terms.items():
        label = f"terms.{key}"
        if not TERM.check(where, entry, f"{label}:"):
            continue
        if entry["term"] in preferred:
            where.add(entry, f"{label}: 规范说法“{entry['term']}”已由 {preferred[entry['term']]} 定义，一个说法只定义一次")
        preferred.setdefault(entry["term"], label)
        avoid = entry.get("avoid", [])
        for kind in KINDS:
            for word in entry.get(kind, []):
                if word in listed:
                    where.add(entry, f"{label}: {KINDS[kind]}“{word}”已在 {listed[word][0]} 中列出")
                listed.setdefault(word, (label, kind))
                if word == entry["term"]:
                    where.add(entry, f"{label}: {KINDS[kind]}“{word}”就是规范说法")
                elif kind == "avoid" and word in entry["term"]:
                    where.add(entry, f"{label}: 要避免的“{word}”是规范说法“{entry['term']}”的一部分，会误报")
                if kind != "avoid" and len(word) < 2:
                    where.add(entry, f"{label}: {KINDS[kind]}“{word}”只有一个字，搜索时单字不参与匹配")
        if "search" in entry and entry["search"] == entry["term"]:
            where.add(entry, f"{label}: search 与 term 相同，不用写")
        for word in entry.get("except", []):
            if not any(word_avoided in word for word_avoided in avoid):
                where.add(entry, f"{label}: except 中的“{word}”不含任何要避免的说法，没有作用")
        if "page" in entry and not (entry["page"].endswith(".md") and (root / "docs" / entry["page"]).is_file()):
            where.add(entry, f"{label}: page “{entry['page']}”不是 docs/ 下的页面（写 docs/ 下的相对路径）")
        if "except" in entry and not avoid:
            where.add(entry, f"{label}: 没有 avoid，except 没有作用")
    for word, (label, kind) in listed.items():
        if kind != "search_only" and word in preferred and preferred[word] != label:
            where.add(terms[label.split(".", 1)[1]], f"{label}: “{word}”也是 {preferred[word]} 的规范说法"
                                                     "（另一个概念的说法只能写进 search_only）")
    where.done()
    return terms


def by_term(terms: dict) -> dict[str, dict]:
    """规范说法 → 条目。"""
    return {entry["term"]: entry for entry in terms.values()}


def variants(entry: dict) -> list[str]:
    """搜索时按这一项查找的其他说法：别名、只用于搜索的说法、要避免的说法。"""
    return [*entry.get("aliases", []), *entry.get("search_only", []), *entry.get("avoid", [])]


def search_term(entry: dict) -> str:
    """搜索时改查的词：search，默认为规范说法。"""
    return entry.get("search", entry["term"])


def normalise(word: str) -> str:
    """与搜索脚本处理输入的方式一致：NFKC、去掉首尾空白、拉丁字母小写。"""
    return unicodedata.normalize("NFKC", word).strip().lower()


def synonyms(terms: dict, extra: dict[str, str] | None = None) -> dict[str, str]:
    """搜索用的同义词：每个别名、只用于搜索的说法和要避免的说法 → 规范说法（search 优先），都按 normalise 处理。
    extra 是另外的对应（如热线号码 → 热线名称），与本表冲突时以本表为准。"""
    result: dict[str, str] = {}
    for variant, target in (extra or {}).items():
        result[normalise(variant)] = normalise(target)
    for entry in terms.values():
        target = normalise(search_term(entry))
        for word in variants(entry):
            variant = normalise(word)
            if variant != target:
                result[variant] = target
    return dict(sorted(result.items()))


def best_bets(terms: dict) -> dict[str, str]:
    """搜索的“首选结果”：写了 page 的条目，它的每个说法（规范说法、别名、搜索用的说法、要避免的说法）→ 那一页
    （docs/ 下的路径）。查询正是这个说法时，那一页排在前面。search 词不算：它常是更宽的词
    （“面向用户的公告”的 search 是“公告”，税务机关的公告也叫公告）。"""
    result: dict[str, str] = {}
    for entry in terms.values():
        if "page" not in entry:
            continue
        for word in [entry["term"], *variants(entry)]:
            result[normalise(word)] = entry["page"]
    return dict(sorted(result.items()))


def patterns(terms: dict) -> list[tuple[str, re.Pattern, str]]:
    """每个要避免的说法一个正则（except 中的词除外），附规范说法。"""
    result = []
    for key, entry in terms.items():
        for word in entry.get("avoid", []):
            exceptions = [w for w in entry.get("except", []) if word in w]
            body = re.escape(word)
            for exception in exceptions:
                start = exception.index(word)
                before, after = exception[:start], exception[start + len(word):]
                if after:
                    body += f"(?!{re.escape(after)})"
                if before:
                    body = f"(?<!{re.escape(before)})" + body
            result.append((key, re.compile(body), entry["term"]))
    return result


def find(markdown: str, compiled) -> list[Finding]:
    """页面里要避免的说法，按行号排列；一处同时命中长短两个说法时只报长的。"""
    spans = []
    for key, pattern, term in compiled:
        for match in pattern.finditer(markdown):
            spans.append((match.start(), match.end(), key, match.group(0), term))
    spans.sort(key=lambda span: (span[0], -span[1]))
    findings, covered = [], -1
    for start, end, key, text, term in spans:
        if end <= covered:
            continue
        covered = max(covered, end)
        findings.append(Finding(markdown.count("\n", 0, start) + 1, key, text, term))
    return findings
