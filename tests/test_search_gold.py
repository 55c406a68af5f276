"""搜索的金标准：工作人员真会输入的查询（tests/search_gold.yml），在真实 Chromium 里用 Material 的搜索框逐条搜，
每条的应有页面都要排进前 3 个页面结果（recall@3 = 100 %）；无意义的查询和单个汉字没有结果，空结果时给出分流页和联系方式。

一个工作进程只开一个浏览器页面：所有查询在同一个搜索框里清空、再输入。
输入、等结果、读结果的做法与 make bench 相同（bench/search.py）。
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.search import TOP, doc_to_path, href_to_doc, load_gold, rank, search, warm_up
from conftest import ROOT, SharedPage
from macros.hooks import search as hook

GOLD = load_gold()
QUERIES = GOLD["queries"]
EMPTY = GOLD["nothing"] + GOLD["single_chars"]

#: 问题单里点名的查询，金标准必须包含
ISSUE_EXAMPLES = ["客户说找不到发票", "客户要求补打", "顾客", "登不上", "入门", "定级", "开不了票", "P1", "发票查不到",
                  "升级回滚", "开票失败", "报错", "断网"]
KINDS = {"issue", "sentence", "colloquial", "abbreviation", "hotline", "term", "role"}

#: 本进程里已经搜过的查询 → 页面结果（汇总测试先用它，缺的再搜）
SEEN: dict[str, list[str]] = {}


# ---------------------------------------------------------------- 金标准本身（不用浏览器）


def test_gold_set_is_complete_and_points_at_real_pages():
    assert len(QUERIES) >= 80, f"金标准只有 {len(QUERIES)} 条"
    queries = [entry["query"] for entry in QUERIES]
    assert len(queries) == len(set(queries)), "金标准有重复的查询"
    for example in ISSUE_EXAMPLES:
        assert example in queries, f"金标准缺少问题单里的例子“{example}”"
    for entry in QUERIES:
        assert set(entry) <= {"query", "page", "anchor", "kind", "why"}, entry
        assert entry["kind"] in KINDS, entry
        assert entry.get("why"), f"“{entry['query']}”没有写为什么是这一页"
        assert (ROOT / "docs" / entry["page"]).is_file(), f"“{entry['query']}”指向不存在的页面 {entry['page']}"
    kinds = {entry["kind"] for entry in QUERIES}
    assert kinds == KINDS, f"缺少这些类型的查询：{KINDS - kinds}"
    assert len(GOLD["nothing"]) >= 6 and "量子纠缠火锅店" in GOLD["nothing"]
    assert {"不", "票"} <= set(GOLD["single_chars"])
    assert all(len(char) == 1 for char in GOLD["single_chars"])


def test_gold_anchors_exist(built_site):
    """写了小节的，小节必须在构建后的页面里（搜索索引里有这个位置）。"""
    locations = {doc["location"] for doc in hook.docs_of(hook.read_index(built_site)[1])}
    missing = [f"{entry['query']} → {doc_to_path(entry['page'])}#{entry['anchor']}" for entry in QUERIES
               if entry.get("anchor") and f"{doc_to_path(entry['page'])}#{entry['anchor']}" not in locations]
    assert not missing, "金标准里的小节不存在：\n" + "\n".join(missing)


# ---------------------------------------------------------------- 在浏览器里逐条搜


@pytest.fixture(scope="module")
def gold_page(browser, site_url):
    """本进程共用的页面：打开首页，之后所有查询都在它的搜索框里做。"""
    shared = SharedPage(browser, site_url)
    shared.page.goto(site_url, wait_until="load")
    warm_up(shared.page, site_url)     # 等 Worker 建好索引，逐条的计时和结果才不受第一次加载影响
    yield shared
    shared.close()


def run(shared: SharedPage, site_url: str, query: str) -> list[str]:
    shared.reset()
    pages = search(shared.page, query, site_url)["pages"]
    SEEN[query] = pages
    assert not shared.log.problems(), f"搜索“{query}”时：{shared.log.problems()}"
    return pages


@pytest.mark.parametrize("entry", QUERIES, ids=[entry["query"] for entry in QUERIES])
def test_query_finds_the_page_in_the_top_3(gold_page, site_url, entry):
    pages = run(gold_page, site_url, entry["query"])
    assert entry["page"] in pages[:TOP], (
        f"搜索“{entry['query']}”，{entry['page']} 应排进前 {TOP}（{entry['why']}），"
        f"实际排第 {rank(pages, entry['page']) or '——（不在结果里）'}；前 {TOP}：{pages[:TOP]}")


@pytest.mark.parametrize("query", EMPTY)
def test_nonsense_and_single_characters_find_nothing(gold_page, site_url, query):
    pages = run(gold_page, site_url, query)
    assert pages == [], f"“{query}”应当没有结果，实际有 {len(pages)} 个页面：{pages[:5]}"


def test_recall_at_3_is_100_percent(gold_page, site_url):
    """汇总：recall@3 和 MRR，列出所有没排进前 3 的查询（逐条的测试已经搜过的不再搜）。"""
    ranks = {}
    for entry in QUERIES:
        pages = SEEN.get(entry["query"])
        if pages is None:
            pages = run(gold_page, site_url, entry["query"])
        ranks[entry["query"]] = rank(pages, entry["page"])
    hits = [q for q, r in ranks.items() if r is not None and r <= TOP]
    mrr = sum(1 / r for r in ranks.values() if r) / len(ranks)
    misses = [f"{q}（{'第 %d' % r if r else '没有'}）" for q, r in ranks.items() if q not in hits]
    assert not misses, (f"recall@{TOP} = {len(hits)}/{len(ranks)} = {len(hits) / len(ranks):.1%}，MRR = {mrr:.3f}；"
                        f"没排进前 {TOP} 的 {len(misses)} 条：" + "、".join(misses))


def test_empty_state_offers_triage_and_contacts(gold_page, site_url):
    """没有结果时，搜索框下面给出“发票查询不到：分流”和“本单位联系方式”的链接。"""
    pages = run(gold_page, site_url, "量子纠缠火锅店")
    assert pages == []
    links = gold_page.page.eval_on_selector_all(
        ".md-search__inner a[href]",
        "els => els.filter(e => e.offsetParent !== null).map(e => e.href)")
    found = {href_to_doc(href, site_url) for href in links}
    assert "incident/triage.md" in found, f"空结果没有给出分流页的链接：{links}"
    assert "reference/contacts.md" in found, f"空结果没有给出本单位联系方式的链接：{links}"


# ---------------------------------------------------------------- 高亮与离线包


def _page_share(index: dict) -> "callable":
    """一个词出现在多少比例的页面里（按字面找，与落地页的 ?h= 高亮一样）。"""
    pages: dict[str, str] = {}
    for doc in hook.docs_of(index):
        key = doc["location"].split("#", 1)[0]
        pages[key] = pages.get(key, "") + " " + re.sub(r"<[^>]+>|\u200b", "", doc["title"] + " " + doc["text"])
    return lambda word: sum(word.lower() in text.lower() for text in pages.values()) / len(pages)


def test_landing_page_highlights_words_not_single_characters(page_factory, site_url, built_site):
    """搜“发票查不到”，打开第一个结果：没有只高亮一个字的，也不高亮出现在一半以上页面里的词（“发票”处处都有，
    高亮它没有帮助），而“查不到”（或它的规范说法“查询不到”）确实高亮了。"""
    share = _page_share(hook.read_index(built_site)[1])
    assert share("发票") > 0.5 >= share("查不到")  # 前提：一个是常见词，一个是有区分度的词
    page, log = page_factory(site_url)
    page.goto(site_url, wait_until="load")
    warm_up(page, site_url)
    pages = search(page, "发票查不到", site_url)["pages"]
    assert pages and pages[0] == "incident/triage.md", pages[:TOP]
    page.locator(".md-search-result__item").first.locator(":scope > a").click()
    page.wait_for_url(f"{site_url}{doc_to_path('incident/triage.md')}**")
    page.wait_for_load_state("load")
    # 即时导航先换地址、再换正文并高亮：等分流页的正文和第一处高亮出现
    page.locator("article h1[id]", has_text="发票查询不到").wait_for(timeout=10_000)
    page.locator(".md-content article mark").first.wait_for(timeout=10_000)
    marks = [mark.strip() for mark in page.eval_on_selector_all(".md-content article mark", "els => els.map(e => e.textContent)")]
    single = [mark for mark in marks if len(mark) <= 1]
    assert not single, f"高亮了单个字：{single}"
    common = sorted({mark for mark in marks if share(mark) > 0.5})
    assert not common, f"高亮了出现在一半以上页面里的词：{common}（共 {len(marks)} 处）"
    assert {"查不到", "查询不到"} & set(marks), f"没有高亮查询里有区分度的词“查不到”：{marks}"
    assert log.offsite == []


OFFLINE_QUERIES = [("补打", "service/reprint.md"), ("客户要求补打", "service/reprint.md"),
                   ("发票查不到", "incident/triage.md"), ("P1", "reference/severity.md")]


def test_offline_bundle_search_works_from_a_folder(bundle, page_factory):
    """离线包（zip 解开后从 file:// 打开）：同样的查询找到同样的页面，无意义的查询没有结果，不请求文件夹以外的地址。"""
    from tools.dist import SITE_FOLDER
    index = bundle / SITE_FOLDER / "index.html"
    base = (bundle / SITE_FOLDER).as_uri() + "/"
    page, log = page_factory(index.as_uri())
    page.goto(index.as_uri(), wait_until="load")
    warm_up(page, base)
    for query, expected in OFFLINE_QUERIES:
        pages = search(page, query, base)["pages"]
        assert expected in pages[:TOP], f"离线包搜“{query}”：{expected} 不在前 {TOP}：{pages[:TOP]}"
    assert search(page, "量子纠缠火锅店", base)["pages"] == []
    outside = [url for url in log.requests
               if not url.startswith(bundle.as_uri()) and not url.startswith(("data:", "blob:", "about:"))]
    assert outside == [], f"离线包请求了文件夹以外的地址：{outside}"


def test_offline_links_resolve_to_docs():
    """离线包的结果链接（x/y.html）换算回 docs/ 下的文件。"""
    base = Path("/tmp/handbook").as_uri() + "/"
    assert href_to_doc(base + "incident/triage.html", base) == "incident/triage.md"
    assert href_to_doc(base + "incident/index.html", base) == "incident/index.md"
    assert href_to_doc(base + "index.html?h=x", base) == "index.md"
