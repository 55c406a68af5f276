"""打印包（PDF）：按 data/print_packs.yml 把离线构建中的页面合成一份份带封面和目录的文档，
用无头 Chromium 打印成 PDF，页脚带页码。每个打印包一份 PDF（应急文件夹、服务台与网点、系统升级……）。

    python -m tools.binder OFFLINE_SITE_DIR OUTPUT.pdf [--pack emergency_folder]
    python -m tools.binder OFFLINE_SITE_DIR OUTPUT_DIR --pack all

OFFLINE_SITE_DIR 是 HANDBOOK_OFFLINE=true 的构建结果（页面是 x/y.html）。目录里的页码分两遍得到：
先打印一遍，用 pdftotext 找出每一节从第几页开始，再把页码填进目录重新打印。

纸面上的改动：填写框（日期、时间、文字）印成空白横线；检查单加上标题和“执行记录”的空白栏；
期限计算器换成手工计算的说明；判断树的嵌套列表换成一页横向的流程图（macros/flowchart.py）；
打印包里写了 one_page 的小节另起一页，放不下一页时报错。
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

import lxml.etree
import lxml.html

from tools.browser import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
HANDBOOK = "发票系统运维与应急手册"
#: 没有指定时生成的打印包（应急文件夹）
DEFAULT_PACK = "emergency_folder"
PARSER = lxml.html.HTMLParser(encoding="utf-8")

#: 印成空白横线的填写框
BLANK_INPUTS = ("date", "time", "datetime-local", "month", "week", "text", "number", "email", "tel", "search", "url")
#: 纸面上检查单的“执行记录”栏（与网页上检查单的执行记录相同）
RECORD_FIELDS = (("执行人", ""), ("变更或事件编号", ""), ("开始时间", "date"))
#: 打印纸的可用高度（A4 纵向，减去上下页边距 16 mm 与 18 mm）：one_page 的小节不能超过它
PRINTABLE_HEIGHT_MM = 297 - 16 - 18
PRINTABLE_WIDTH_MM = 210 - 14 - 14
CALCULATOR_NOTE = "打印件上没有计算器：按上面的规则，对照下面的放假安排表手工数工作日。"


class BinderError(RuntimeError):
    pass


# ---------------------------------------------------------------- 页面


def load_packs(root: Path = ROOT) -> dict:
    """data/print_packs.yml（校验过）。"""
    from macros import printpacks
    return printpacks.load_print_packs(root)


def checklist_modes(root: Path = ROOT) -> dict[str, str]:
    from macros import datafiles
    modes = datafiles.load_widget_text(root)["checklist"]["modes"]
    return {key: value["label"] for key, value in modes.items()}


def slug(page: str) -> str:
    return "p-" + re.sub(r"[^a-z0-9]+", "-", page[:-3].lower()).strip("-")


def _blank(kind: str = "") -> lxml.html.HtmlElement:
    span = lxml.html.Element("span")
    span.set("class", f"binder-blank binder-blank--{kind}" if kind else "binder-blank")
    return span


def _date_blank() -> list:
    """“____ 年 __ 月 __ 日 __:__”的空白栏。"""
    parts = []
    for kind, unit in (("year", "年"), ("short", "月"), ("short", "日"), ("short", ":"), ("short", "")):
        blank = _blank(kind)
        blank.tail = unit
        parts.append(blank)
    return parts


def blank_fields(article) -> None:
    """填写框印成空白横线：不印出浏览器的占位文字（年/月/日、mm/dd/yyyy），也不印空框。"""
    for field in list(article.iter("input")):
        kind = (field.get("type") or "text").lower()
        if kind not in BLANK_INPUTS:
            continue
        replacement = _blank("date" if kind in ("date", "datetime-local", "month", "week") else "")
        replacement.tail = field.tail
        field.getparent().replace(field, replacement)
    for field in list(article.iter("textarea", "select")):
        replacement = _blank("area")
        replacement.tail = field.tail
        field.getparent().replace(field, replacement)


def paper_checklists(article, modes: dict[str, str]) -> None:
    """网页上由脚本加上的检查单标题和“执行记录”，在纸上印成标题和空白栏。"""
    for checklist in article.find_class("hb-checklist"):
        title = checklist.get("data-title") or ""
        mode = modes.get(checklist.get("data-mode") or "", "")
        if title:
            head = lxml.html.Element("p")
            head.set("class", "binder-checklist__title")
            head.text = f"{title}（{mode}）" if mode else title
            checklist.insert(0, head)
        record = lxml.html.Element("div")
        record.set("class", "binder-record")
        for label, kind in RECORD_FIELDS:
            field = lxml.etree.SubElement(record, "span")
            field.set("class", "binder-record__field")
            field.text = label + " "
            if kind == "date":
                for part in _date_blank():
                    field.append(part)
            else:
                field.append(_blank("long"))
        notes = lxml.etree.SubElement(record, "span")
        notes.set("class", "binder-record__field binder-record__field--notes")
        notes.text = "备注 "
        notes.append(_blank("full"))
        for _ in range(2):
            notes.append(_blank("line"))
        checklist.append(record)


def paper_calculators(article) -> None:
    """期限计算器在纸上不能用：去掉表单，换成手工计算的说明；受理回执的空白照常印成横线。"""
    for calculator in article.find_class("hb-workdays"):
        for element in calculator.xpath(".//form | .//*[contains(@class,'hb-workdays__nojs')]"):
            element.drop_tree()
        note = lxml.html.Element("p")
        note.set("class", "binder-note")
        note.text = CALCULATOR_NOTE
        calculator.insert(0, note)


def paper_flowcharts(article) -> bool:
    """有一页流程图的页面：展开流程图，去掉逐条列出的嵌套列表。返回页面上有没有流程图。"""
    charts = article.xpath(".//details[contains(concat(' ', @class, ' '), ' hb-flowchart ')]")
    for chart in charts:
        chart.tag = "div"   # 纸上不折叠：改成普通的块，去掉“展开”的标题
        for summary in chart.findall("summary"):
            summary.drop_tree()
    if charts:
        for tree in article.xpath(".//div[contains(concat(' ', @class, ' '), ' dt ')]"):
            tree.drop_tree()
    return bool(charts)


def one_page_blocks(article, anchors: list[str], prefix: str, page: str, title: str = "") -> list[str]:
    """把每个 one_page 小节（二级标题到下一个二级标题之前）包进一个另起一页、不拆开的块，
    块的开头写上所在页面的标题（这张纸单独拿出来也知道是哪一页的）。"""
    ids = []
    for anchor in anchors:
        heading = article.xpath(".//h2[@id=$id]", id=anchor)
        if not heading:
            raise BinderError(f"{page} 中没有二级标题 #{anchor}（data/print_packs.yml 的 one_page）")
        heading = heading[0]
        block = lxml.html.Element("div")
        block.set("class", "binder-one-page")
        block.set("id", f"{prefix}--one-page--{anchor}")
        heading.addprevious(block)
        if title:
            source = lxml.etree.SubElement(block, "p")
            source.set("class", "binder-one-page__from")
            source.text = title
        node = heading
        while node is not None:
            following = node.getnext()
            block.append(node)
            node = following
            if node is not None and isinstance(node.tag, str) and node.tag in ("h1", "h2"):
                break
        ids.append(block.get("id"))
    return ids


def collect(site: Path, pages: list[str], one_page: dict[str, list[str]] | None = None,
            root: Path = ROOT) -> list[dict]:
    one_page = one_page or {}
    modes = checklist_modes(root)
    sections = []
    included = {page: slug(page) for page in pages}
    for page in pages:
        html_path = site / (page[:-3] + ".html")
        if not html_path.is_file():
            raise BinderError(f"离线构建中没有 {page} 的页面 {html_path}（先用 HANDBOOK_OFFLINE=true 构建）")
        tree = lxml.html.fromstring(html_path.read_bytes(), parser=PARSER)
        article = tree.find_class("md-content__inner")[0]
        article = copy.deepcopy(article)
        for bad in article.xpath(".//a[contains(@class,'headerlink')] | .//script | .//*[contains(@class,'md-source-file')]"
                                 " | .//aside[contains(@class,'hb-review')] | .//button"
                                 " | .//*[contains(@class,'hb-widget-text')]"):
            bad.drop_tree()
        paper_calculators(article)
        blank_fields(article)
        paper_checklists(article, modes)
        flowchart = paper_flowcharts(article)
        prefix = included[page]
        title_el = article.find(".//h1")
        title = title_el.text_content().strip() if title_el is not None else page
        blocks = one_page_blocks(article, one_page.get(page, []), prefix, page, title)
        for element in article.iter():
            if isinstance(element.tag, str) and element.get("id") and not element.get("id").startswith(prefix + "--"):
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
        headings = [(h.get("id"), h.text_content().strip()) for h in article.iter("h2") if h.get("id")]
        sections.append({"page": page, "id": prefix, "title": title, "headings": headings, "one_page": blocks,
                         "flowchart": flowchart, "html": lxml.html.tostring(article, encoding="unicode")})
    return sections


# ---------------------------------------------------------------- 文档


def render(sections: list[dict], stamp: dict, numbers: dict[str, int] | None, pack: dict | None = None) -> str:
    numbers = numbers or {}
    pack = pack or {"title": "应急文件夹", "description": "处置手册 · 检查单 · 参考资料", "roles": ""}
    toc = []
    for section in sections:
        # 页码先用同样宽的占位，第二遍填进真实页码时目录的版式不变
        number = numbers.get(section["id"], "000" if not numbers else "")
        toc.append(f'<li><a href="#{section["id"]}"><span>{escape(section["title"])}</span>'
                   f'<span class="binder-toc__page">{number}</span></a></li>')
    body = "\n".join(f'<section class="binder-page" id="{s["id"]}" data-title="{escape(s["title"])}">{s["html"]}</section>'
                     for s in sections)
    roles = f'<p class="binder-cover__roles">使用者：{escape(pack["roles"])}</p>' if pack.get("roles") else ""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{HANDBOOK}（打印版）：{escape(pack['title'])}</title>
<link rel="stylesheet" href="assets/stylesheets/binder.css">
</head><body class="binder">
<section class="binder-cover">
  <h1>{HANDBOOK}</h1>
  <p class="binder-cover__pack">{escape(pack['title'])}</p>
  <p class="binder-cover__subtitle">{escape(pack['description'])}</p>
  {roles}
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


def pdf_pages(pdf: Path) -> list[str]:
    """PDF 每一页的文字（pdftotext -layout）；最后一个换页符之后的空串不算一页。"""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def page_numbers(pdf: Path | list[str], sections: list[dict]) -> dict[str, int]:
    """每一节的标题第一次出现在目录之后的第几页（pdf 是 PDF 文件，或已取出的每页文字）。"""
    pages = pdf_pages(pdf) if isinstance(pdf, Path) else pdf
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


def blank_pages(pdf: Path | list[str]) -> list[int]:
    """没有任何正文的页（只剩页脚）：页码从 1 起。"""
    found = []
    for index, text in enumerate(pdf_pages(pdf) if isinstance(pdf, Path) else pdf, start=1):
        lines = [line for line in text.splitlines() if line.strip() and HANDBOOK not in line]
        if not lines:
            found.append(index)
    return found


def cjk_font() -> str:
    """系统里用于简体中文的字体；没有时报错，以免打印出方框。"""
    result = subprocess.run(["fc-match", "-f", "%{family}", "sans-serif:lang=zh-cn"], capture_output=True, text=True)
    family = result.stdout.strip()
    if result.returncode != 0 or "CJK" not in family and "SC" not in family:
        raise RuntimeError(f"没有找到中文字体（fc-match 返回 {family!r}）：请先运行 apt-get install -y fonts-noto-cjk")
    return family


def check_system() -> str:
    cjk_font()
    if not shutil.which("pdftotext"):
        raise RuntimeError("缺少 pdftotext：请先运行 apt-get install -y poppler-utils")
    chromium = chromium_path()
    if not chromium:
        raise RuntimeError("找不到 chromium：请先运行 apt-get install -y chromium")
    return chromium


def footer(stamp: dict, pack: dict) -> str:
    return ('<div style="font-size:8px;width:100%;text-align:center;color:#333">'
            f'{HANDBOOK} · {escape(pack["title"])} ' + escape(stamp["version"]) +
            ' · 第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>')


def _too_tall(page, sections: list[dict]) -> list[str]:
    """按打印的版面量一量 one_page 小节：比一页高的列出来。"""
    problems = []
    limit = page.evaluate(f"() => {{ const d = document.createElement('div'); d.style.height = '{PRINTABLE_HEIGHT_MM}mm';"
                          " document.body.appendChild(d); const h = d.getBoundingClientRect().height; d.remove(); return h; }")
    for section in sections:
        for block_id in section["one_page"]:
            height = page.evaluate("id => document.getElementById(id).getBoundingClientRect().height", block_id)
            if height > limit:
                problems.append(f"{section['page']} 的 #{block_id.rsplit('--', 1)[-1]} 高 {height / limit:.2f} 页，"
                                "放不进一页（data/print_packs.yml 的 one_page）")
    return problems


def print_pack(browser, site: Path, key: str, pack: dict, output: Path, stamp: dict, root: Path = ROOT) -> dict:
    """用已启动的浏览器生成一个打印包。"""
    from macros import printpacks
    entries = printpacks.pack_pages(pack)
    pages = [page for page, _ in entries]
    sections = collect(site, pages, {page: anchors for page, anchors in entries if anchors}, root)
    html_file = site / f"binder-{key}.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    width_px = PRINTABLE_WIDTH_MM / 25.4 * 96
    page = browser.new_page(viewport={"width": round(width_px), "height": 1000})
    page.emulate_media(media="print")
    margin = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}
    try:
        # 第一遍只为找出每一节的页码：不印页脚和背景（页脚在页边距里，不影响分页），快一些
        html_file.write_text(render(sections, stamp, None, pack), encoding="utf-8")
        page.goto(html_file.as_uri())
        problems = _too_tall(page, sections)
        if problems:
            raise BinderError(f"打印包 {key}：" + "；".join(problems))
        page.pdf(path=str(output), format="A4", margin=margin)
        numbers = page_numbers(output, sections)
        # 第二遍把页码填进目录（页码占位与数字同宽，版式不变）
        html_file.write_text(render(sections, stamp, numbers, pack), encoding="utf-8")
        page.goto(html_file.as_uri())
        page.pdf(path=str(output), format="A4", print_background=True, display_header_footer=True,
                 header_template="<span></span>", footer_template=footer(stamp, pack), margin=margin)
    finally:
        page.close()
        html_file.unlink(missing_ok=True)
    text = pdf_pages(output)
    if page_numbers(text, sections) != numbers:
        raise BinderError(f"打印包 {key}：填进页码后分页变了，目录的页码不可靠")
    blank = blank_pages(text)
    if blank:
        raise BinderError(f"打印包 {key} 有空白页：第 {'、'.join(map(str, blank))} 页")
    return {"key": key, "title": pack["title"], "file": output.name, "path": output,
            "pages": pages, "titles": [s["title"] for s in sections], "numbers": numbers,
            "page_count": len(text)}


class _Session:
    """一次启动浏览器、复制样式表，生成一个或几个打印包。"""

    def __init__(self, site: Path, root: Path):
        self.site, self.root = site, root

    def __enter__(self):
        from playwright.sync_api import sync_playwright
        chromium = check_system()
        self.css = self.site / "assets" / "stylesheets" / "binder.css"
        shutil.copyfile(ROOT / "tools" / "binder.css", self.css)
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        return self

    def __exit__(self, *exc):
        self.browser.close()
        self.playwright.stop()
        self.css.unlink(missing_ok=True)


def build_pdf(site: Path, output: Path, config_file: Path = ROOT / "mkdocs.yml", pack: str = DEFAULT_PACK) -> dict:
    """生成一个打印包（默认应急文件夹）到 output。"""
    from macros.release import build_stamp
    root = config_file.parent
    packs = load_packs(root)
    if pack not in packs:
        raise BinderError(f"data/print_packs.yml 中没有打印包 {pack!r}；可用：{'、'.join(packs)}")
    with _Session(site, root) as session:
        return print_pack(session.browser, site, pack, packs[pack], output, build_stamp(root), root)


def build_packs(site: Path, out_dir: Path, config_file: Path = ROOT / "mkdocs.yml",
                keys: list[str] | None = None) -> dict:
    """生成 data/print_packs.yml 中的全部（或 keys 指定的）打印包，文件名按数据中的 file，写到 out_dir。

    返回 {"pages": 各打印包收录的页面（去重，按出现顺序）, "packs": {键: 打印包的结果}}。"""
    from macros import printpacks
    from macros.release import build_stamp
    root = config_file.parent
    packs = load_packs(root)
    unknown = [key for key in keys or [] if key not in packs]
    if unknown:
        raise BinderError(f"data/print_packs.yml 中没有打印包 {'、'.join(unknown)}；可用：{'、'.join(packs)}")
    stamp = build_stamp(root)
    results = {}
    with _Session(site, root) as session:
        for key in keys or list(packs):
            output = out_dir / printpacks.pack_file(packs[key], stamp["version"])
            results[key] = print_pack(session.browser, site, key, packs[key], output, stamp, root)
    pages = list(dict.fromkeys(page for result in results.values() for page in result["pages"]))
    return {"pages": pages, "packs": results}


def main(argv: list[str] | None = None) -> int:
    from macros.schema import DataError
    parser = argparse.ArgumentParser(description="生成打印包 PDF（data/print_packs.yml）")
    parser.add_argument("site", type=Path, help="离线构建的站点目录")
    parser.add_argument("output", type=Path, help="PDF 文件；--pack all 时是目录")
    parser.add_argument("--pack", default=DEFAULT_PACK, help=f"打印包的键，默认 {DEFAULT_PACK}；all 生成全部")
    args = parser.parse_args(argv)
    try:
        if args.pack == "all":
            result = build_packs(args.site.resolve(), args.output.resolve())
            for pack in result["packs"].values():
                print(f"打印包 {pack['title']}：{pack['path']}（{len(pack['pages'])} 个页面，{pack['page_count']} 页）")
            return 0
        result = build_pdf(args.site.resolve(), args.output.resolve(), pack=args.pack)
    except (RuntimeError, DataError) as exc:
        print(f"打印版失败：{exc}", file=sys.stderr)
        return 2
    print(f"打印包 {result['title']}：{args.output}（{len(result['pages'])} 个页面，{result['page_count']} 页）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
