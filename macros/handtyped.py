"""找出页面里手写的事实值（热线号码、期限、联系方式），它们应当由宏从 data/ 引用。"""
from __future__ import annotations

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

    电话号码和联系方式按值本身匹配；期限按“值 + 单位”匹配（单独一个 7 不算）。
    """
    result = []
    for key, fact in facts.items():
        if fact["kind"] == "phone":
            result.append((f"facts.{key}", re.compile(_value_pattern(fact["value"]))))
        elif fact["kind"] == "duration":
            value = _value_pattern(fact["value"])
            unit = r"\s*".join(re.escape(ch) for ch in fact["unit"].replace(" ", ""))
            result.append((f"facts.{key}", re.compile(value + r"\s*" + unit)))
    for key, contact in contacts.items():
        if contact["kind"] in ("phone", "email"):
            result.append((f"contacts.{key}", re.compile(_value_pattern(contact["value"]))))
    return result


def find(markdown: str, compiled: Iterable[tuple[str, re.Pattern]]) -> list[Finding]:
    findings = []
    compiled = list(compiled)
    for number, line in enumerate(markdown.splitlines(), start=1):
        for key, pattern in compiled:
            match = pattern.search(line)
            if match:
                findings.append(Finding(number, key, match.group(0)))
    return findings
