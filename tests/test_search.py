"""中文搜索：构建时用 jieba 和本手册的领域词典分词；浏览器里输入中文能找到对应页面。"""
from __future__ import annotations

import pytest

from conftest import ROOT, material_search
from macros.hooks import search as hook

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
    """(search_index.json 的内容, 构建时建好的索引)。"""
    return hook.read_index(built_site)


def test_search_index_is_configured_for_chinese(search_index):
    config = search_index[0]["config"]
    assert config["lang"] == ["zh"]
    assert "\\u200b" in config["separator"]


def test_domain_terms_stay_whole_in_the_index(search_index):
    """jieba 按领域词典在词语之间插入零宽空格，构建时按它切词。领域词典生效时，出现在页面里的领域词基本都是
    索引里的完整的词（如“负载均衡”而不是“负载”“均衡”）；个别与相邻字组成别的词的情况（如“任一回滚”切成
    “任/一回/滚”）是分词固有的歧义，允许少数。"""
    compact = search_index[1]
    words = set(compact["words"])
    text = "\n".join(doc[1] + " " + doc[2] for doc in compact["docs"])
    present = [term for term in user_terms() if term in text]
    whole = [term for term in present if term.lower() in words]
    for term in REQUIRED_TERMS:
        assert term in whole, f"领域词“{term}”在索引里不是一个完整的词"
    assert len(present) >= 10, "索引里应至少出现 10 个领域词"
    assert len(whole) >= 0.9 * len(present), sorted(set(present) - set(whole))


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
