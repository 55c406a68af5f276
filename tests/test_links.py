"""构建结果的链接检查：内部链接、锚点、资源、外部请求、可达性，以及检查器本身能发现问题。"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from macros.datafiles import load_external_domains
from tools.linkcheck import check_site, css_urls


@pytest.fixture(scope="module")
def report(built_site, site_url):
    return check_site(built_site, allowed_domains=load_external_domains(), site_url=site_url,
                      docs_dir=ROOT / "docs")


def test_built_site_has_no_link_problems(report):
    assert report.ok, "构建结果中有问题：\n" + report.format()


def test_every_page_was_crawled(report, built_site):
    sources = sorted(p for p in (ROOT / "docs").rglob("*.md"))
    # 每个 Markdown 页面都对应一个 HTML 文件，并被检查器读过
    assert len(report.pages) >= len(sources)
    assert "index.html" in report.pages


def test_external_links_are_inventoried_and_allowed(report):
    domains = load_external_domains()
    for url, pages in report.external_links.items():
        assert pages, url
        host = url.split("/")[2]
        assert any(host == d or host.endswith("." + d) for d in domains), url


# ---------------------------------------------------------------- 检查器自身

def write(root: Path, relative: str, html: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><body>{html}</body></html>", encoding="utf-8")


def make_site(tmp_path: Path, page_html: str) -> Path:
    site = tmp_path / "site"
    write(site, "index.html", '<a href="a/">A</a>')
    write(site, "a/index.html", page_html)
    write(site, "b/index.html", '<h2 id="先做这几件事">先做这几件事</h2><a href="../">home</a>')
    return site


def problems(tmp_path, page_html, **kwargs):
    site = make_site(tmp_path, page_html + '<a href="../b/">B</a>')
    return check_site(site, allowed_domains=["gov.example"], **kwargs).format()


def test_raw_and_percent_encoded_chinese_fragments_resolve(tmp_path):
    html = ('<a href="../b/#先做这几件事">raw</a>'
            '<a href="../b/#%E5%85%88%E5%81%9A%E8%BF%99%E5%87%A0%E4%BB%B6%E4%BA%8B">encoded</a>')
    assert problems(tmp_path, html) == ""


def test_missing_anchor_is_reported_with_page(tmp_path):
    text = problems(tmp_path, '<a href="../b/#%E4%B8%8D%E5%AD%98%E5%9C%A8">x</a>')
    assert "a/index.html" in text and "#不存在" in text


def test_missing_file_and_asset_are_reported(tmp_path):
    text = problems(tmp_path, '<a href="../nowhere/">x</a><img src="../img/none.png" alt="">')
    assert "../nowhere/" in text and "none.png" in text


def test_external_script_and_stylesheet_are_reported(tmp_path):
    text = problems(tmp_path, '<script src="https://cdn.example.com/x.js"></script>'
                              '<link rel="stylesheet" href="//fonts.example.com/a.css">'
                              '<div style="background:url(https://img.example.com/a.png)"></div>')
    assert "cdn.example.com" in text and "fonts.example.com" in text and "img.example.com" in text


def test_external_link_outside_allow_list_is_reported(tmp_path):
    text = problems(tmp_path, '<a href="https://www.gov.example/ok">ok</a><a href="https://evil.example/">no</a>')
    assert "evil.example" in text and "www.gov.example" not in text


def test_unreachable_page_is_reported(tmp_path):
    site = make_site(tmp_path, '<a href="../b/">B</a>')
    write(site, "orphan/index.html", "<p>orphan</p>")
    assert "orphan/index.html" in check_site(site, allowed_domains=[]).format()


def test_stylesheet_urls_are_checked(tmp_path):
    site = make_site(tmp_path, '<a href="../b/">B</a>')
    (site / "assets").mkdir()
    (site / "assets" / "x.css").write_text(
        '@import "https://fonts.example.com/f.css"; .a{background:url("missing.png")}'
        '.b{background:url("data:image/svg+xml;charset=utf-8,<svg xmlns=\'http://www.w3.org/2000/svg\'/>")}',
        encoding="utf-8")
    text = check_site(site, allowed_domains=[]).format()
    assert "fonts.example.com" in text and "missing.png" in text and "w3.org" not in text


def test_css_url_parser():
    assert css_urls("a{b:url( 'x.png' )} c{d:url(y.svg)} @import \"z.css\";") == ["x.png", "y.svg", "z.css"]


#: 没有渲染的 Markdown、按键写法和 Jinja：正文（代码以外）出现这些就是写法没有生效
UNRENDERED = {
    "++": "按键写法 ++key++（pymdownx.keys 没有启用，请写 <kbd>）",
    "{{": "Jinja 变量", "}}": "Jinja 变量", "{%": "Jinja 语句", "%}": "Jinja 语句",
    "{##": "Jinja 注释", "{:": "属性写法", "](": "Markdown 链接", "[TOC]": "目录标记",
    "!!! ": "提示框写法", "???": "折叠块写法", "**": "加粗写法", "__": "加粗写法", "- [ ]": "任务列表写法",
}


def visible_text(path: Path) -> str:
    """页面正文中读者看得到的文字（去掉代码、脚本和样式）。"""
    import lxml.html
    doc = lxml.html.fromstring(path.read_bytes())
    for node in doc.xpath("//pre | //code | //script | //style | //template"):
        node.drop_tree()
    article = doc.xpath("//article") or [doc]
    return article[0].text_content()


def test_no_page_shows_unrendered_markup(built_site):
    problems = []
    for path in sorted(built_site.rglob("*.html")):
        text = visible_text(path)
        for mark, what in UNRENDERED.items():
            if mark in text:
                at = text.index(mark)
                problems.append(f"{path.relative_to(built_site)}：{what} “{text[max(0, at - 15):at + 15].strip()}”")
    assert not problems, "页面里有没有渲染的写法：\n" + "\n".join(problems)


def test_unrendered_markup_is_found(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<article><p>按 ++slash++ 搜索，{{ fact('x') }}</p><pre>{{ 代码里可以 }}</pre></article>",
                    encoding="utf-8")
    text = visible_text(page)
    assert "++" in text and "{{" in text and "代码里可以" not in text
