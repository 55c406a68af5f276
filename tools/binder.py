"""打印版应急手册（PDF）：把离线构建中的处置手册、检查单和参考页合成一份带封面和目录的文档，
用无头 Chromium 打印成 PDF，页脚带页码。

    python -m tools.binder OFFLINE_SITE_DIR OUTPUT.pdf

OFFLINE_SITE_DIR 是 HANDBOOK_OFFLINE=true 的构建结果（页面是 x/y.html）。目录里的页码分两遍得到：
先打印一遍，用 pdftotext 找出每一节从第几页开始，再把页码填进目录重新打印。
"""
from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import lxml.html

from tools.browser import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent

#: 收进打印版的页面类型：处置手册、检查单和参考资料
PRINTED_TYPES = ("runbook", "checklist", "reference")
PARSER = lxml.html.HTMLParser(encoding="utf-8")


def nav_pages(config_file: Path) -> list[str]:
    """按导航顺序列出页面（docs 内的 .md 路径）。"""
    from mkdocs.config import load_config
    config = load_config(str(config_file))
    pages: list[str] = []

    def walk(items):
        for item in items:
            value = list(item.values())[0] if isinstance(item, dict) else item
            if isinstance(value, list):
                walk(value)
            elif isinstance(value, str) and value.endswith(".md"):
                pages.append(value)
    walk(config["nav"])
    return pages


def page_type(docs: Path, page: str) -> str | None:
    import yaml
    text = (docs / page).read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return None
    return (yaml.safe_load(text.split("---\n", 2)[1]) or {}).get("type")


def slug(page: str) -> str:
    return "p-" + re.sub(r"[^a-z0-9]+", "-", page[:-3].lower()).strip("-")


def collect(site: Path, docs: Path, pages: list[str]) -> list[dict]:
    sections = []
    included = {page: slug(page) for page in pages}
    for page in pages:
        html_path = site / (page[:-3] + ".html")
        tree = lxml.html.fromstring(html_path.read_bytes(), parser=PARSER)
        article = tree.find_class("md-content__inner")[0]
        article = copy.deepcopy(article)
        for bad in article.xpath(".//a[contains(@class,'headerlink')] | .//script | .//*[contains(@class,'md-source-file')]"
                                 " | .//aside[contains(@class,'hb-review')] | .//button"):
            bad.drop_tree()
        prefix = included[page]
        for element in article.iter():
            if isinstance(element.tag, str) and element.get("id"):
                element.set("id", f"{prefix}--{element.get('id')}")
        base = PurePosixPath(page[:-3] + ".html").parent
        for link in article.iter("a"):
            href = link.get("href")
            if not href:
                continue
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = (base / unquote(parts.path)).as_posix() if parts.path else page[:-3] + ".html"
            target = os.path.normpath(target)
            source = target[:-5] + ".md" if target.endswith(".html") else None
            if source in included:
                fragment = unquote(parts.fragment)
                link.set("href", f"#{included[source]}--{fragment}" if fragment else f"#{included[source]}")
            else:
                link.attrib.pop("href")  # 打印件里指向未收录页面的链接只保留文字
        title_el = article.find(".//h1")
        title = title_el.text_content().strip() if title_el is not None else page
        headings = [(h.get("id"), h.text_content().strip()) for h in article.iter("h2") if h.get("id")]
        sections.append({"page": page, "id": prefix, "title": title, "headings": headings,
                         "html": lxml.html.tostring(article, encoding="unicode")})
    return sections


def render(sections: list[dict], stamp: dict, numbers: dict[str, int] | None) -> str:
    numbers = numbers or {}
    toc = []
    for section in sections:
        number = numbers.get(section["id"], "")
        toc.append(f'<li><a href="#{section["id"]}"><span>{escape(section["title"])}</span>'
                   f'<span class="binder-toc__page">{number}</span></a></li>')
    body = "\n".join(f'<section class="binder-page" id="{s["id"]}" data-title="{escape(s["title"])}">{s["html"]}</section>'
                     for s in sections)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>发票系统运维与应急手册（打印版）</title>
<link rel="stylesheet" href="assets/stylesheets/binder.css">
</head><body class="binder">
<section class="binder-cover">
  <h1>发票系统运维与应急手册</h1>
  <p class="binder-cover__subtitle">应急文件夹打印版：处置手册 · 检查单 · 参考资料</p>
  <dl>
    <dt>版本</dt><dd>{escape(stamp['version'])}</dd>
    <dt>构建日期</dt><dd>{escape(stamp['date'])}</dd>
    <dt>提交</dt><dd>{escape(stamp['commit'])}</dd>
  </dl>
  <p class="binder-cover__note">打印件可能已经过时：网络恢复后以内网版本为准。每次发布新版本后更换文件夹中的打印件。</p>
</section>
<nav class="binder-toc"><h2>目录</h2><ol>{''.join(toc)}</ol></nav>
{body}
</body></html>"""


def page_numbers(pdf: Path, sections: list[dict]) -> dict[str, int]:
    """每一节的标题第一次出现在目录之后的第几页。"""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    numbers = {}
    start = 2  # 封面之后是目录
    for index, page_text in enumerate(pages[1:], start=2):
        if "目录" in page_text:
            start = index + 1
        else:
            break
    cursor = start
    for section in sections:
        for index in range(cursor, len(pages) + 1):
            # 每一节另起一页，标题（h1）是该页最前面的几行之一
            head = [line.strip() for line in pages[index - 1].splitlines() if line.strip()][:3]
            if section["title"] in head:
                numbers[section["id"]] = index
                cursor = index
                break
    return numbers


def cjk_font() -> str:
    """系统里用于简体中文的字体；没有时报错，以免打印出方框。"""
    result = subprocess.run(["fc-match", "-f", "%{family}", "sans-serif:lang=zh-cn"], capture_output=True, text=True)
    family = result.stdout.strip()
    if result.returncode != 0 or "CJK" not in family and "SC" not in family:
        raise RuntimeError(f"没有找到中文字体（fc-match 返回 {family!r}）：请先运行 apt-get install -y fonts-noto-cjk")
    return family


def build_pdf(site: Path, output: Path, config_file: Path = ROOT / "mkdocs.yml") -> dict:
    from macros.release import build_stamp
    from playwright.sync_api import sync_playwright

    cjk_font()
    if not shutil.which("pdftotext"):
        raise RuntimeError("缺少 pdftotext：请先运行 apt-get install -y poppler-utils")
    chromium = chromium_path()
    if not chromium:
        raise RuntimeError("找不到 chromium：请先运行 apt-get install -y chromium")
    docs = config_file.parent / "docs"
    pages = [p for p in nav_pages(config_file) if page_type(docs, p) in PRINTED_TYPES]
    sections = collect(site, docs, pages)
    stamp = build_stamp(config_file.parent)
    css = site / "assets" / "stylesheets" / "binder.css"
    shutil.copyfile(ROOT / "tools" / "binder.css", css)
    html_file = site / "binder.html"
    footer = ('<div style="font-size:8px;width:100%;text-align:center;color:#333">'
              '发票系统运维与应急手册 ' + escape(stamp["version"]) +
              ' · 第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>')
    output.parent.mkdir(parents=True, exist_ok=True)
    numbers = None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for _ in range(2):
            html_file.write_text(render(sections, stamp, numbers), encoding="utf-8")
            page.goto(html_file.as_uri())
            page.pdf(path=str(output), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=footer,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
            numbers = page_numbers(output, sections)
        browser.close()
    html_file.unlink()
    css.unlink()
    return {"pages": [s["page"] for s in sections], "titles": [s["title"] for s in sections], "numbers": numbers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成打印版应急手册 PDF")
    parser.add_argument("site", type=Path, help="离线构建的站点目录")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    try:
        result = build_pdf(args.site.resolve(), args.output.resolve())
    except RuntimeError as exc:
        print(f"打印版失败：{exc}", file=sys.stderr)
        return 2
    print(f"打印版：{args.output}（{len(result['pages'])} 个页面）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
