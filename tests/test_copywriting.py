"""中文文案检查：中英文之间的空格、全角标点（autocorrect）。"""
from __future__ import annotations

import autocorrect_py
import pytest

from conftest import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))


def body(text: str) -> str:
    """去掉 front matter（YAML 不是中文文案），保留空行让行号不变。"""
    lines = text.split("\n")
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        lines[: end + 1] = [""] * (end + 1)
    return "\n".join(lines)


def lint(path):
    text = body(path.read_text(encoding="utf-8"))
    result = autocorrect_py.lint_for(text, str(path.relative_to(ROOT)))
    return [f"{path.relative_to(ROOT)}:{line.line}:{line.col}: {line.old.strip()} → {line.new.strip()}"
            for line in result.lines]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_copywriting(path):
    findings = lint(path)
    assert not findings, "\n".join(findings)


def test_linter_catches_spacing_and_punctuation(tmp_path):
    sample = tmp_path / "sample.md"
    sample.write_text("# 标题\n\n请检查CPU使用率,然后上报。\n", encoding="utf-8")
    result = autocorrect_py.lint_for(sample.read_text(encoding="utf-8"), "sample.md")
    assert [line.line for line in result.lines] == [3]
