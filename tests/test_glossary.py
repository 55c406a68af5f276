"""术语表：解释在 data/glossary.yml，术语、同义词（又称）和不再使用的说法（不用）只在 data/terms.yml。

坏数据都在 tmp_path 下的副本里改，原文件不动；错误信息给出“文件:行号: 条目: 问题”。
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import html

from conftest import ROOT
from macros import glossary, terms, training
from macros.schema import DataError

GLOSSARY = "data/glossary.yml"
TERMS = "data/terms.yml"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("assets"))
    shutil.copytree(ROOT / "includes", tmp_path / "includes")
    return tmp_path


def edit(project: Path, file: str, old: str, new: str) -> int:
    """把 file 中第一处 old 换成 new；返回替换处所在的行号。"""
    path = project / file
    text = path.read_text(encoding="utf-8")
    position = text.index(old)
    path.write_text(text[:position] + new + text[position + len(old):], encoding="utf-8")
    return text.count("\n", 0, position) + 1


def error(loader, project: Path) -> str:
    with pytest.raises(DataError) as caught:
        loader(project)
    return str(caught.value)


def by_term() -> dict[str, dict]:
    return {t["term"]: t for group in glossary.load_glossary(ROOT).values() for t in group["terms"]}


# ---------------------------------------------------------------- 一张术语表


def test_every_glossary_term_is_a_term_in_the_term_list():
    known = terms.by_term(terms.load_terms(ROOT))
    assert set(by_term()) <= set(known)


def test_glossary_file_holds_only_definitions():
    text = (ROOT / GLOSSARY).read_text(encoding="utf-8")
    for field in ("aliases:", "deprecated:", "avoid:", "search_only:", "- term:"):
        assert field not in text, field


def test_synonyms_and_deprecated_words_come_from_the_term_list():
    entries = terms.by_term(terms.load_terms(ROOT))
    for name, item in by_term().items():
        assert item.get("aliases", []) == entries[name].get("aliases", []), name
        assert item.get("deprecated", []) == entries[name].get("avoid", []), name
    found = by_term()
    assert found["数电发票"]["aliases"][:2] == ["数电票", "全电发票"]
    assert found["恢复点目标"]["aliases"] == ["RPO"]
    assert found["红冲"]["deprecated"] == ["冲红"]


def test_search_only_words_are_not_synonyms():
    """作废 → 红冲 只用于搜索（电子发票不能作废，搜“作废”的人要找红冲）：术语表不说红冲“又称作废”。"""
    entries = terms.load_terms(ROOT)
    assert "作废" in entries["red_letter"]["search_only"]
    assert terms.synonyms(entries)["作废"] == "红冲"
    found = by_term()
    assert "作废" not in found["红冲"].get("aliases", [])
    assert "作废" in found  # 纸质发票的作废是另一个术语


def test_a_word_of_another_concept_is_allowed_only_as_search_only(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "terms.yml").write_text(
        "terms:\n"
        "  red:\n    term: 红冲\n    search_only: [作废]\n"      # 2
        "  void:\n    term: 作废\n"                              # 5
        "  paper:\n    term: 纸质发票\n    aliases: [红冲]\n"     # 7
        "  again:\n    term: 红冲\n    avoid: [冲红]\n",          # 10
        encoding="utf-8")
    with pytest.raises(DataError) as caught:
        terms.load_terms(tmp_path)
    message = str(caught.value)
    assert "terms.red:" not in message
    assert "data/terms.yml:8: terms.paper: “红冲”也是 terms.red 的规范说法" in message
    assert "data/terms.yml:11: terms.again: 规范说法“红冲”已由 terms.red 定义" in message


# ---------------------------------------------------------------- 构建失败：文件和行号


def test_glossary_entry_without_a_term_in_the_term_list_fails_with_line(project):
    line = edit(project, GLOSSARY, "      蓝字发票:\n", "      蓝票:\n")
    message = error(glossary.load_glossary, project)
    assert message.startswith(f"{GLOSSARY}:{line + 1}: groups.invoice.terms.蓝票:"), message
    assert "不是 data/terms.yml 中的术语" in message


def test_term_defined_twice_in_one_group_fails_with_line(project):
    line = edit(project, GLOSSARY, "      作废:\n", "      红冲:\n")
    message = error(glossary.load_glossary, project)
    assert message.startswith(f"{GLOSSARY}:{line}:"), message
    assert "红冲" in message and "重复" in message


def test_term_defined_twice_in_two_groups_fails_with_line(project):
    line = edit(project, GLOSSARY, "      负载均衡:\n", "      红冲:\n")
    message = error(glossary.load_glossary, project)
    assert message.startswith(f"{GLOSSARY}:{line + 1}: groups.operations.terms.红冲:"), message
    assert "已在 groups.invoice.terms.红冲 解释过" in message


def test_definition_is_required(project):
    line = edit(project, GLOSSARY, "        definition: 正常开具的发票，与红字发票相对。\n", "")
    message = error(glossary.load_glossary, project)
    assert message.startswith(f"{GLOSSARY}:{line}: groups.invoice.terms.蓝字发票:"), message
    assert "definition" in message


def test_see_must_point_to_a_glossary_term(project):
    edit(project, GLOSSARY, "see: [健康检查]", "see: [心跳检查]")
    message = error(glossary.load_glossary, project)
    assert "心跳检查" in message and "groups.operations.terms.负载均衡" in message


def test_synonyms_are_no_longer_accepted_in_the_glossary(project):
    edit(project, GLOSSARY, "        definition: 正常开具的发票", "        aliases: [蓝票]\n        definition: 正常开具的发票")
    message = error(glossary.load_glossary, project)
    assert "未知字段 aliases" in message


def test_training_module_still_offers_the_glossary_loader():
    assert training.load_glossary is glossary.load_glossary
    assert training.deprecated_terms(glossary.load_glossary(ROOT))["冲红"] == "红冲"


# ---------------------------------------------------------------- 术语表页面


def test_glossary_page_shows_synonyms_and_not_search_only_words(built_site):
    doc = html.fromstring((built_site / "reference" / "glossary" / "index.html").read_text(encoding="utf-8"))

    def definition(term: str) -> str:
        return doc.xpath(f"//dt[normalize-space()='{term}']")[0].getnext().text_content()

    assert "又称：数电票、全电发票" in definition("数电发票")
    assert "又称：申报期。" in definition("征期")
    assert "不用：冲红。" in definition("红冲")
    assert "又称" not in definition("红冲")  # 作废只用于搜索，不是红冲的同义词
    assert "不用：READ-DO、read-do 模式。" in definition("逐项执行")  # 大小写不同的同一说法只列一次
    assert "报税期" not in definition("征期")
    for term in by_term():
        assert doc.xpath(f"//dt[normalize-space()='{term}']/@id"), term
