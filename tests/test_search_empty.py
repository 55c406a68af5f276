"""搜索没有结果时的提示：查询不为空且零条结果时，搜索框下面显示提示和两个入口；有结果或清空时隐藏。

提示的文字和链接由构建写进搜索框（overrides/partials/search.html，来自 data/widget_text.yml 的 search），
search-empty.js 只负责显示和隐藏。"""
from __future__ import annotations

from urllib.parse import urljoin

from conftest import material_search

NONSENSE = "zqxjvw"


def type_query(page, query: str) -> None:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")


def test_empty_state_offers_triage_and_contacts_and_hides_again(page_factory, site_url):
    page, _ = page_factory(site_url)
    page.goto(site_url + "operations/upgrade/", wait_until="load")
    empty = page.locator(".hb-search-empty")
    assert empty.is_hidden(), "打开页面时不应显示“没有找到”"

    page.keyboard.press("/")
    type_query(page, NONSENSE)
    empty.wait_for(state="visible", timeout=10_000)
    assert page.locator(".md-search-result__item").count() == 0
    assert "没有找到相关内容" in empty.inner_text()
    links = empty.locator("a")
    assert links.count() == 2
    hrefs = [urljoin(page.url, links.nth(i).get_attribute("href")) for i in range(2)]
    assert hrefs == [site_url + "incident/triage/", site_url + "reference/contacts/"]

    results = material_search(page, "回滚")
    assert results, "有结果的查询应当列出结果"
    assert empty.is_hidden(), "有结果时提示应当隐藏"

    type_query(page, NONSENSE)
    empty.wait_for(state="visible", timeout=10_000)
    page.locator(".md-search__form button[type=reset]").click()
    assert empty.is_hidden(), "清空查询后提示应当隐藏"


def test_empty_state_link_opens_the_triage_page(page_factory, site_url):
    page, _ = page_factory(site_url)
    page.goto(site_url, wait_until="load")
    page.keyboard.press("/")
    type_query(page, NONSENSE)
    link = page.locator(".hb-search-empty a").first
    link.wait_for(state="visible", timeout=10_000)
    link.click()
    page.wait_for_url(site_url + "incident/triage/")
    # 即时导航先换地址、再换正文：等正文换成分流页
    page.locator("article h1[id]", has_text="发票查询不到").wait_for(timeout=10_000)
