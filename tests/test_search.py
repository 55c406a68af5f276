"""中文搜索：构建时用 jieba 和本手册的领域词典分词；浏览器里输入中文能找到对应页面。"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, material_search

REQUIRED_TERMS = ("补打", "数电票", "红冲", "负载均衡")


def user_terms():
    lines = (ROOT / "data" / "jieba_userdict.txt").read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip()]


def test_user_dictionary_has_the_domain_terms():
    terms = user_terms()
    assert len(terms) == len(set(terms)), "领域词典有重复词条"
    for term in REQUIRED_TERMS:
        assert term in terms


@pytest.fixture(scope="module")
def search_index(built_site):
    return json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_search_index_is_configured_for_chinese(search_index):
    assert search_index["config"]["lang"] == ["zh"]
    assert "\\u200b" in search_index["config"]["separator"]


def test_domain_terms_stay_whole_in_the_index(search_index):
    """jieba 在词语之间插入零宽空格。领域词典生效时，领域词基本保持完整（如“负载均衡”而不是“负载​均衡”）；
    个别与相邻字组成别的词的情况（如“任一回滚”切成“任/一回/滚”）是分词固有的歧义，允许少数。"""
    text = "\n".join(doc["text"] + doc["title"] for doc in search_index["docs"])
    checked = 0
    for term in user_terms():
        splits = sum(text.count(term[:cut] + "\u200b" + term[cut:]) for cut in range(1, len(term)))
        whole = text.count(term)
        if whole + splits == 0:
            continue
        checked += 1
        if term in REQUIRED_TERMS:
            assert splits == 0, f"领域词“{term}”在索引中被切开了 {splits} 次"
        assert whole > splits * 4, f"领域词“{term}”多数时候被切开（完整 {whole} 次，切开 {splits} 次）"
    assert checked >= 10, "索引里应至少出现 10 个领域词"


QUERIES = [
    ("补打", "service/reprint/"),
    ("投诉", "service/complaints/"),
    ("负载均衡", "incident/overload/"),
    ("数据库", "incident/database/"),
    ("热线", "reference/facts/"),
    ("升级", "operations/upgrade/"),
]


@pytest.mark.parametrize("query, expected", QUERIES)
def test_chinese_query_finds_the_page(page_factory, site_url, query, expected):
    page, log = page_factory(site_url)
    page.goto(site_url)
    hrefs = material_search(page, query)
    assert any(expected in (href or "") for href in hrefs), f"搜索“{query}”没有找到 {expected}：{hrefs}"
    assert log.offsite == []
