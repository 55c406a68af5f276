"""打印包（data/print_packs.yml → tools/binder.py）：每个打印包一份 PDF，有封面、带页码的目录和各自的页面；
应急文件夹收了服务台的三页；升级中检查单和暂停、回滚条件在同一页；判断树是一张横向的流程图；
没有空白页，填写框印成横线而不是浏览器的日期占位。数据文件写错时构建失败，写明文件和行号。
"""
from __future__ import annotations

import functools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from macros import flowchart, incident, printpacks, release, tree_data
from macros.schema import DataError

SVG = "{http://www.w3.org/2000/svg}"
PLACEHOLDERS = ("mm/dd/yyyy", "yyyy", "年/月/日", "--:--")


# ---------------------------------------------------------------- 生成一次（几个进程共用）


@pytest.fixture(scope="module")
def packs(dist) -> Path:
    """make dist 生成的全部打印包（会话共用的发布包，见 tests/conftest.py 的 dist）。"""
    return dist / "downloads"


def test_printing_leaves_no_temporary_files_in_the_offline_bundle(dist):
    """打印时在离线站点里临时写的页面和样式不能进离线包。"""
    names = zipfile.ZipFile(next((dist / "downloads").glob("handbook-offline-*.zip"))).namelist()
    leftovers = [name for name in names if re.search(r"/binder[^/]*\.html$|/binder\.css$", name)]
    assert names and not leftovers, leftovers


@functools.lru_cache(maxsize=None)
def pdf_text(pdf: Path) -> tuple[str, ...]:
    """每页的文字（每个打印包只取一次，几个测试共用）。"""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return tuple(pages[:-1] if pages and not pages[-1].strip() else pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@functools.lru_cache(maxsize=None)
def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def page_title(page: str) -> str:
    meta = yaml.safe_load((ROOT / "docs" / page).read_text(encoding="utf-8").split("---\n", 2)[1])
    return meta["title"]


def pack_pdf(packs: Path, key: str) -> Path:
    data = printpacks.load_print_packs(ROOT)
    return packs / printpacks.pack_file(data[key], release.read_version(ROOT))


PACK_KEYS = list(printpacks.load_print_packs(ROOT))


# ---------------------------------------------------------------- 每个打印包


@pytest.mark.parametrize("key", PACK_KEYS)
def test_pack_has_cover_toc_with_page_numbers_and_its_pages(packs, key):
    pack = printpacks.load_print_packs(ROOT)[key]
    pdf = pack_pdf(packs, key)
    pages = pdf_text(pdf)
    version = release.read_version(ROOT)
    cover = squeeze(pages[0])
    assert "发票系统运维与应急手册" in cover and squeeze(pack["title"]) in cover and version in cover
    toc = [page for page in pages[1:4] if "目录" in page]
    assert toc, "封面之后应当是目录"
    toc_text = "\n".join(toc)
    for page, _anchors in printpacks.pack_pages(pack):
        title = page_title(page)
        line = next((line for line in toc_text.splitlines() if squeeze(title) in squeeze(line)), None)
        assert line, f"{pdf.name} 的目录中没有 {title}"
        number = int(re.findall(r"(\d+)\s*$", line)[0])
        head = [squeeze(text) for text in pages[number - 1].splitlines() if text.strip()][:3]
        assert squeeze(title) in head, f"{pdf.name}：目录说 {title} 在第 {number} 页，那一页开头是 {head}"
    assert f"第 3 页 / 共 {len(pages)} 页" in pages[2], "页脚应当有页码和总页数"


@pytest.mark.parametrize("key", PACK_KEYS)
def test_no_blank_pages_and_no_date_placeholders(packs, key):
    pdf = pack_pdf(packs, key)
    pages = pdf_text(pdf)
    assert len(pages) == len(page_sizes(pdf)), "pdftotext 与 pdfinfo 的页数应当一致"
    for number, text in enumerate(pages, start=1):
        body = [line for line in text.splitlines() if line.strip() and "发票系统运维与应急手册 ·" not in line]
        assert body, f"{pdf.name} 第 {number} 页是空白页（只有页脚）"
    flat = "\n".join(pages)
    for placeholder in PLACEHOLDERS:
        assert placeholder not in flat, f"{pdf.name} 印出了填写框的占位文字 {placeholder!r}"
    assert "浏览器未运行脚本" not in flat, "纸上不应当说“浏览器未运行脚本”"


def test_emergency_folder_has_the_service_pages_with_holiday_table(packs):
    pages = pdf_text(pack_pdf(packs, "emergency_folder"))
    toc = squeeze("\n".join(page for page in pages[1:4] if "目录" in page))
    for title in ("发票补打", "告知受影响的用户", "投诉与申诉"):
        assert title in toc, f"应急文件夹的目录中没有 {title}"
    flat = squeeze("\n".join(pages))
    assert "放假与调休安排" in flat and "打印件上没有计算器" in flat
    # 放假安排表（data/holidays.yml）印在投诉与申诉那一节里
    holidays = yaml.safe_load((ROOT / "data" / "holidays.yml").read_text(encoding="utf-8"))["years"]
    first = holidays[sorted(holidays)[0]]["holidays"][0]
    assert first["name"] in flat and str(first["days_off"]["from"]) in flat


def test_service_desk_pack_is_for_the_desk_and_branches(packs):
    pack = printpacks.load_print_packs(ROOT)["service_desk"]
    pages = [page for page, _ in printpacks.pack_pages(pack)]
    for page in ("service/answers.md", "service/reprint.md", "service/affected-users.md", "service/complaints.md",
                 "incident/branch-offline.md", "incident/branch-offline-form.md", "reference/contacts.md"):
        assert page in pages
    assert "客服" in pack["audience"]
    flat = squeeze("\n".join(pdf_text(pack_pdf(packs, "service_desk"))))
    assert squeeze("网点断网登记表") in flat


def test_upgrade_sheet_has_pause_and_rollback_conditions_on_the_checklist_page(packs):
    pages = [squeeze(page) for page in pdf_text(pack_pdf(packs, "upgrade_sheet"))]
    triggers = yaml.safe_load((ROOT / "data" / "upgrade_thresholds.yml").read_text(encoding="utf-8"))["triggers"]
    sheet = [page for page in pages if "暂停条件" in page and "回滚条件" in page and "升级中检查单" in page]
    assert len(sheet) == 1, "暂停条件、回滚条件和升级中检查单应当在同一页"
    page = sheet[0]
    for trigger in triggers.values():
        assert squeeze(trigger["symptom"])[:12] in page, f"条件“{trigger['symptom']}”不在检查单那一页"
    assert "宣布结束" in page and "执行人" in page and "开始时间" in page, "检查单的最后一项和执行记录也在这一页"


@pytest.mark.parametrize("key", ["emergency_folder", "service_desk"])
def test_decision_tree_prints_as_one_landscape_flowchart(packs, key):
    pdf = pack_pdf(packs, key)
    sizes = page_sizes(pdf)
    landscape = [index for index, (width, height) in enumerate(sizes) if width > height]
    assert len(landscape) == 1, f"{pdf.name} 应当正好有一张横向的流程图页：{landscape}"
    pages = pdf_text(pdf)
    chart = squeeze(pages[landscape[0]])
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    for node in data["nodes"].values():
        if "question" in node:
            assert squeeze(node["question"])[:6] in chart, f"流程图页上没有问题“{node['question']}”"
    assert "转2" in chart
    assert "逐条列出全部分支" not in squeeze("\n".join(pages)), "打印件里不应当再印嵌套列表"


def test_every_pack_file_name_carries_the_version(packs):
    version = release.read_version(ROOT)
    names = sorted(p.name for p in packs.glob("*.pdf"))
    expected = sorted(printpacks.pack_file(p, version) for p in printpacks.load_print_packs(ROOT).values())
    assert names == expected
    assert f"handbook-{version}.pdf" in names, "应急文件夹沿用原来的文件名"


# ---------------------------------------------------------------- 数据文件


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    (tmp_path / "data" / "print_packs.yml").write_text(text, encoding="utf-8")
    return tmp_path


def _error(root: Path) -> str:
    with pytest.raises(DataError) as caught:
        printpacks.load_print_packs.validate(root)
    return str(caught.value)


def _line(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_unknown_page_names_the_file_and_line(tmp_path):
    text = (ROOT / "data" / "print_packs.yml").read_text(encoding="utf-8").replace(
        "      - service/reprint.md\n", "      - service/reprnt.md\n", 1)
    message = _error(_project(tmp_path, text))
    assert f"data/print_packs.yml:{_line(text, 'service/reprnt.md')}:" in message
    assert "service/reprnt.md" in message and "未知页面" in message


def test_duplicate_page_bad_anchor_and_file_name_are_all_reported(tmp_path):
    text = """packs:
  one:
    title: 甲
    file: one-{version}.pdf
    audience: [运维]
    roles: 运维值班负责人
    description: 说明
    pages:
      - incident/overload.md
      - incident/overload.md
      - {page: operations/upgrade.md, one_page: [没有这一节]}
  two:
    title: 乙
    file: one-{version}.pdf
    audience: [保安]
    roles: 服务台主管
    description: 说明
    pages: [service/reprint.md]
"""
    message = _error(_project(tmp_path, text))
    assert "data/print_packs.yml:10:" in message and "重复" in message
    assert "data/print_packs.yml:11:" in message and "#没有这一节" in message
    assert "packs.two 的字段 audience 取值无效" in message
    assert "文件名 one-{version}.pdf 与 packs.one 相同" in message


def test_binder_cli_refuses_an_unknown_pack(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tools.binder", str(tmp_path), str(tmp_path / "x.pdf"),
                             "--pack", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "nope" in result.stderr and "emergency_folder" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------- 流程图（构建时的 SVG）


def _chart() -> tuple[dict, dict]:
    return tree_data.load_decision_tree(ROOT)["not_found"], incident.load_severity(ROOT)


def test_flowchart_text_fits_its_boxes_and_covers_every_node():
    data, levels = _chart()
    result = flowchart.layout(data, levels)
    for text in result.texts:
        assert flowchart.text_width(text.text, text.size) <= text.box + 0.01, f"“{text.text}”超出了框"
    questions = [key for key, node in data["nodes"].items() if "question" in node]
    assert sorted(result.cards) == sorted(questions)
    shown = "".join(t.text for t in result.texts)
    for node in data["nodes"].values():
        if "title" in node:
            assert squeeze(node["title"])[:4] in squeeze(shown)
    # 一张横向 A4：宽高比不小于可用版面（约 269 mm × 165 mm），字印出来不小于 6.5 pt
    scale = min(269 / result.width, 165 / result.height)   # 毫米每单位
    assert result.min_font * scale / 0.3528 >= 6.5, f"流程图缩到一页后字只有 {result.min_font * scale / 0.3528:.1f} pt"
    # 卡片不重叠
    cards = list(result.cards.values())
    for a in cards:
        for b in cards:
            if a is not b and a.column == b.column:
                assert a.y + a.height <= b.y or b.y + b.height <= a.y, f"卡片 {a.number} 与 {b.number} 重叠"


def test_wrap_keeps_latin_words_and_avoids_punctuation_at_line_start():
    lines = flowchart.wrap("开票方在外省（市），本单位系统不收录这类发票", 7 * 10, 10)
    assert all(not line.startswith(("，", "）", "。")) for line in lines), lines
    assert all(not line.endswith("（") for line in lines), lines
    assert "".join(lines) == "开票方在外省（市），本单位系统不收录这类发票"
    lines = flowchart.wrap("起始级别 P2 起", 50, 10)
    assert any("P2" in line for line in lines) and all("P" not in line or "P2" in line for line in lines), lines
    assert flowchart.text_width("“购买方信息”", 10) == 70, "中文引号按全角算"


def test_flowchart_svg_is_static_and_draws_with_current_color():
    data, levels = _chart()
    markup = flowchart.svg("not_found", data, levels)
    svg = ET.fromstring(markup)
    assert svg.get("role") == "img" and svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
    for element in svg.iter():
        tag = element.tag.removeprefix(SVG)
        assert tag not in ("script", "image", "foreignObject", "style", "use")
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        for name in ("fill", "stroke"):
            assert element.get(name) in (None, "none", "currentColor"), f"{tag} 写死了颜色"


def test_triage_page_has_the_flowchart_in_a_collapsible_block(offline_site):
    html = (offline_site / "incident" / "triage.html").read_text(encoding="utf-8")
    start = html.index('<details class="hb-flowchart"')
    block = html[start:html.index("</details>", start)]
    assert "<summary>" in block and "<svg" in block and "<script" not in block
    css = (ROOT / "docs" / "assets" / "stylesheets" / "flowchart.css").read_text(encoding="utf-8")
    assert "size: A4 landscape" in css and "display: none" in css


def test_flowchart_text_fits_when_rendered(offline_url, page_factory):
    """浏览器里实际排出的每行文字都不超过所在框的宽度（中文字体的实际字宽）。"""
    page, _log = page_factory(offline_url)
    page.goto(offline_url + "incident/triage.html")
    page.locator("details.hb-flowchart > summary").click()
    over = page.evaluate("""() => [...document.querySelectorAll('.hb-flowchart__svg text[data-box]')]
        .map(t => [t.textContent, t.getComputedTextLength(), parseFloat(t.dataset.box)])
        .filter(([, width, box]) => width > box + 0.5)""")
    assert over == [], f"文字超出了框：{over}"


@pytest.mark.parametrize("scripts", [True, False], ids=["with-scripts", "without-scripts"])
def test_printing_the_triage_page_from_the_browser(offline_url, page_factory, tmp_path, scripts):
    """在浏览器里打印分流页：有脚本时 Material 打开折叠块，流程图单独占一张横向页，不再印嵌套列表；
    没有脚本时折叠块打不开，照常印嵌套列表，也不留一张空白的横向页。"""
    page, _log = page_factory(offline_url, java_script_enabled=scripts)
    page.goto(offline_url + "incident/triage.html")
    pdf = tmp_path / "triage.pdf"
    page.pdf(path=str(pdf), format="A4")
    landscape = [size for size in page_sizes(pdf) if size[0] > size[1]]
    flat = squeeze("\n".join(pdf_text(pdf)))
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    if scripts:
        assert len(landscape) == 1 and "转2" in flat
        assert "逐条列出全部分支" not in flat
    else:
        assert landscape == [] and "转2" not in flat
        assert squeeze(data["nodes"][data["start"]]["question"]) in flat


@pytest.mark.parametrize("where", ["http", "file"])
def test_blank_date_fields_print_as_blank_lines_from_the_browser(where, site_url, offline_url, page_factory, tmp_path):
    """在浏览器里打印检查单（系统升级页有“开始时间”这类日期时间框）：空的框不印“年/月/日 --:--”占位；
    填了的照常印出。先关掉 print-blanks.js 印一次，证明这台浏览器确实会印出占位（测试能失败）。"""
    base, path = (site_url, "operations/upgrade/") if where == "http" else (offline_url, "operations/upgrade.html")
    page, _log = page_factory(base)
    page.goto(base + path)
    page.wait_for_selector(".hb-checklist--ready input[type=datetime-local]")

    def printed(name: str) -> str:
        pdf = tmp_path / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4")
        return "\n".join(pdf_text(pdf))

    page.evaluate("window.removeEventListener('beforeprint', HandbookPrintBlanks.mark)")
    assert any(p in printed("without") for p in PLACEHOLDERS), "这台浏览器打印空日期框时本应印出占位"
    page.evaluate("window.addEventListener('beforeprint', HandbookPrintBlanks.mark)")
    text = printed("blank")
    assert not [p for p in PLACEHOLDERS if p in text]
    page.locator(".hb-checklist input[type=datetime-local]").first.fill("2026-11-28T09:05")
    assert "2026" in printed("filled")
    assert page.locator("[data-hb-blank]").count() == 0, "打印后去掉标记"
