"""服务台与法律资源页面：法规和渠道来自数据、每条都有核实状态、外链只到官方域名、
条文序号只出现在数据的 article 字段给出的地方。"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html

from macros import datafiles, service
from macros.legal import ARTICLE, load_statutes, statute_anchor

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["service/index.md", "service/reprint.md", "service/complaints.md", "service/user-rights.md",
         "service/affected-users.md", "service/answers.md",
         "legal/index.md", "legal/statutes.md", "legal/consultation.md"]


def parse(built_site: Path, page: str):
    return html.parse(str(built_site / page.removesuffix(".md").removesuffix("index") / "index.html"))


def article(tree):
    return tree.xpath('//article[contains(@class, "md-content__inner")]')[0]


def test_statutes_page_lists_every_entry_from_data(built_site):
    tree = parse(built_site, "legal/statutes.md")
    for key, entry in load_statutes(ROOT)["statutes"].items():
        heading = tree.xpath(f'//h3[@id="{statute_anchor(key)}"]')
        assert heading, f"缺少 {entry['title']} 的小节"
        assert f"《{entry['title']}》" in heading[0].text_content()
        details = heading[0].getnext()
        assert details.tag == "dl"
        terms = dict(zip([dt.text_content() for dt in details.xpath("dt")],
                         [dd for dd in details.xpath("dd")]))
        assert terms["制定机关"].text_content().startswith(entry["issuer"])
        assert terms["核实"].text_content().startswith(verification_text(entry))
        assert terms["官方来源"].xpath("a/@href") == [entry["check_at"]]
        if "change" in entry:
            assert entry["change"]["event"] in terms["最近修改"].text_content()
        if "article" in entry:
            assert terms["相关条文"].text_content().startswith(entry["article"]["number"])
    warning = article(tree).xpath('./div[contains(@class, "admonition")]')[0].text_content()
    assert "以官方现行文本为准" in warning


def verification_text(entry: dict) -> str:
    """核实一栏的文字：未核实，或“日期 角色核实”。"""
    if datafiles.is_verified(entry):
        return f"{entry['verified']['date'].isoformat()} {entry['verified']['by']}核实"
    return "未核实"


def test_topic_lists_link_to_statute_sections(built_site):
    tree = parse(built_site, "legal/statutes.md")
    ids = set(tree.xpath("//h3/@id"))
    links = [h for h in tree.xpath("//article//ul//a/@href") if h.startswith("#statute-")]
    assert len(links) >= len(load_statutes(ROOT)["statutes"])
    assert all(h[1:] in ids for h in links)


def test_consultation_channels_show_verified_dates(built_site):
    tree = parse(built_site, "legal/consultation.md")
    facts = datafiles.load_facts(ROOT)
    legal = load_statutes(ROOT)
    rows = tree.xpath('//h2[@id="官方渠道"]/following-sibling::table[1]//tbody/tr')
    assert len(rows) == len(legal["channels"])
    for row, entry in zip(rows, legal["channels"].values()):
        cells = row.xpath("td")
        if "hotline" in entry:
            fact = facts[entry["hotline"]]
            number = cells[0].xpath("a[starts-with(@href, 'tel:')]/strong")
            assert number and number[0].text == str(fact["value"]), "热线号码应当由 hotline() 宏给出，是可拨打的 tel: 链接"
            assert cells[-1].text_content() == verification_text(fact)
        else:
            assert cells[0].xpath("a/@href") == [entry["url"]]
            assert cells[-1].text_content() == verification_text(entry)


@pytest.mark.parametrize("page", PAGES)
def test_external_links_only_to_allowed_domains(built_site, page):
    domains = datafiles.load_external_domains(ROOT)
    for href in article(parse(built_site, page)).xpath(".//a/@href"):
        parts = urlsplit(href)
        if parts.scheme in ("http", "https"):
            assert service.domain_allowed(href, domains), f"{page} 链接到未允许的域名：{href}"
            assert parts.scheme == "https", f"{page} 的外部链接应当用 https：{href}"


@pytest.mark.parametrize("page", PAGES)
def test_no_article_numbers(built_site, page):
    """条文序号只来自 data/statutes.yml 的 article 字段（只收来源可靠的条文）。"""
    text = article(parse(built_site, page)).text_content()
    for entry in load_statutes(ROOT)["statutes"].values():
        if "article" in entry:
            text = text.replace(entry["article"]["number"], "")
    assert not ARTICLE.search(text), f"{page} 写了条文序号"


def test_domain_allowed_checks_subdomains_only():
    domains = ["gov.cn", "12315.cn"]
    assert service.domain_allowed("https://www.gov.cn/zhengce/", domains)
    assert service.domain_allowed("https://12315.cn/", domains)
    assert not service.domain_allowed("https://evilgov.cn/", domains)
    assert not service.domain_allowed("https://gov.cn.example.com/", domains)


def test_service_index_links_every_service_page(built_site):
    hrefs = set(article(parse(built_site, "service/index.md")).xpath(".//a/@href"))
    for page in ("affected-users/", "answers/", "reprint/", "complaints/", "user-rights/"):
        assert page in hrefs, f"服务台首页缺少 {page} 的链接"


def test_legal_index_links_both_pages(built_site):
    hrefs = set(article(parse(built_site, "legal/index.md")).xpath(".//a/@href"))
    assert {"statutes/", "consultation/"} <= hrefs


def test_pages_pass_copywriting_lint():
    import autocorrect_py as autocorrect

    for page in PAGES:
        path = ROOT / "docs" / page
        result = autocorrect.lint_for(path.read_text(encoding="utf-8"), str(path))
        assert not result.lines, f"{page}: {result.lines}"


#: 数电发票时代不再用的说法，以及术语的统一写法（左边的写法不要出现）。
OUTDATED = [
    ("冲红", "写“红冲”"),
    ("开具日期", "字段名写“开票日期”"),
    ("申报高峰", "月末是开票高峰，申报高峰是征期，写清是哪一个"),
    ("READ-DO", "写“逐项执行”"),
    ("DO-CONFIRM", "写“执行后核对”"),
    ("具有法律效力", "打印件是复制件；只有“同等法律效力”（电子发票与纸质发票）可以写"),
]


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "docs" / "service").glob("*.md")))
def test_service_pages_use_current_terms(page):
    text = (ROOT / "docs" / "service" / page).read_text(encoding="utf-8")
    for word, hint in OUTDATED:
        hits = [line for line in text.splitlines() if word in line and "同等法律效力" not in line]
        assert not hits, f"service/{page} 写了“{word}”：{hint}"
