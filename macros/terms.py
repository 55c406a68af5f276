"""用语规范（data/terms.yml）：页面里不再使用的说法由构建检查找出，指出行号和应改用的说法。"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from macros import datafiles
from macros.datafiles import ROOT, Mapping, Record, is_text, is_text_list, keyed_entries

TERM = Record(
    {"term": is_text, "avoid": is_text_list},
    {"except": is_text_list, "note": is_text},
)


@dataclass(frozen=True)
class Finding:
    line: int
    key: str
    text: str
    term: str


@datafiles.datafile("terms.yml")
def load_terms(root: Path = ROOT) -> Mapping:
    """读取并校验 data/terms.yml：同一个说法不能既是规范说法又是要避免的说法。"""
    doc, where = datafiles.open_file(root, "terms.yml")
    terms = keyed_entries(where, doc, "terms")
    preferred: dict[str, str] = {}
    avoided: dict[str, str] = {}
    for key, entry in terms.items():
        label = f"terms.{key}"
        if not TERM.check(where, entry, f"{label}:"):
            continue
        preferred[entry["term"]] = label
        for word in entry["avoid"]:
            if word in avoided:
                where.add(entry, f"{label}: “{word}”已在 {avoided[word]} 中列出")
            avoided.setdefault(word, label)
            if word in entry["term"]:
                where.add(entry, f"{label}: 要避免的“{word}”是规范说法“{entry['term']}”的一部分，会误报")
        for word in entry.get("except", []):
            if not any(avoid in word for avoid in entry["avoid"]):
                where.add(entry, f"{label}: except 中的“{word}”不含任何要避免的说法，没有作用")
    for word, label in avoided.items():
        if word in preferred:
            where.add(terms[label.split(".", 1)[1]], f"{label}: “{word}”也是 {preferred[word]} 的规范说法")
    where.done()
    return terms


def patterns(terms: dict) -> list[tuple[str, re.Pattern, str]]:
    """每个要避免的说法一个正则（except 中的词除外），附规范说法。"""
    result = []
    for key, entry in terms.items():
        for word in entry["avoid"]:
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
