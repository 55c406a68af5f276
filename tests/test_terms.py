"""用语规范（data/terms.yml）：数据校验、查找规则，以及数据文件里的用语。页面由构建检查（macros/hooks/checks.py）。"""
from __future__ import annotations

import pytest

from conftest import ROOT
from macros import terms
from macros.schema import DataError

#: 术语表要列出旧说法，告诉读者不要再用；用语规范本身也要写出它们。
LISTS_AVOIDED_WORDS = {"glossary.yml", "terms.yml"}
DATA = sorted(p for p in (ROOT / "data").glob("*.yml") if p.name not in LISTS_AVOIDED_WORDS)


def compiled():
    return terms.patterns(terms.load_terms(ROOT))


def test_finds_avoided_words_with_line_and_preferred_term():
    text = "第一行\n开错了就冲红，再核对开具日期。\n销售方信息一栏照抄。\n请联系销售方。\n"
    found = [(f.line, f.text, f.term) for f in terms.find(text, compiled())]
    assert found == [(2, "冲红", "红冲"), (2, "开具日期", "开票日期"), (4, "销售方", "开票方")]


def test_reports_the_longest_match_once():
    found = terms.find("避开月末、季末申报高峰。", compiled())
    assert [f.text for f in found] == ["月末、季末申报高峰"]


def test_exception_words_do_not_match_but_their_neighbours_do():
    pats = terms.patterns({"x": {"term": "开票方", "avoid": ["销售方"], "except": ["销售方信息", "本销售方"]}})
    assert [f.text for f in terms.find("销售方信息；本销售方；销售方。", pats)] == ["销售方"]


def _write(tmp_path, body):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "terms.yml").write_text(body, encoding="utf-8")
    return tmp_path


def test_schema_reports_every_problem_with_line(tmp_path):
    root = _write(tmp_path, (
        "terms:\n"
        "  a:\n    term: 红冲\n    avoid: [冲红]\n"
        "  b:\n    term: 冲红\n    avoid: [红冲, 冲红]\n"
        "  c:\n    term: 开票方\n    avoid: [销售方]\n    except: [购买方]\n"
        "  d:\n    avoid: [x]\n"
    ))
    with pytest.raises(DataError) as info:
        terms.load_terms(root)
    message = str(info.value)
    assert "data/terms.yml:6: terms.b: “冲红”已在 terms.a 中列出" in message
    assert "data/terms.yml:9: terms.c: except 中的“购买方”不含任何要避免的说法" in message
    assert "data/terms.yml:13: terms.d: 缺少字段 term" in message
    assert "“红冲”也是 terms.a 的规范说法" in message


@pytest.mark.parametrize("path", DATA, ids=lambda p: p.name)
def test_data_files_use_preferred_terms(path):
    findings = terms.find(path.read_text(encoding="utf-8"), compiled())
    assert not findings, "\n".join(
        f"data/{path.name}:{f.line}: “{f.text}”请改为“{f.term}”（data/terms.yml 的 {f.key}）" for f in findings)
