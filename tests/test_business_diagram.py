"""“系统与业务概览”的示意图：构建时画成内嵌 SVG，合格的 XML，有标题和说明，不引用任何外部资源，
黑白打印和深色方案都靠 currentColor 与样式表，不靠写死的颜色；图中每个“查不到”的地方在页面上有一节。
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from conftest import ROOT
from macros import business

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_svg_is_valid_xml_with_title_desc_and_accessible_name():
    svg = parse(business.flow_svg())
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for _number, name, *_ in business.LOOKUP_PLACES:
        assert name in desc.text, f"图的说明没有提到 {name}"


def test_svg_has_no_external_reference_script_or_inline_style():
    markup = business.flow_svg()
    svg = parse(markup)
    for element in svg.iter():
        tag = element.tag.removeprefix(SVG)
        assert tag not in ("script", "image", "foreignObject", "style", "use"), f"图里不应当有 <{tag}>"
        assert "style" not in element.attrib, "内容安全策略不允许 style 属性"
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#"), f"图里引用了外部资源：{value}"
            assert "http:" not in value or name == "xmlns", f"{tag} 的 {name} 引用了外部地址：{value}"
            assert not re.match(r"^on", name), f"图里有事件属性 {name}"
    assert "url(" not in markup.replace("url(#hb-flow-arrow)", ""), "只允许引用图内的箭头"


def test_svg_draws_with_current_color_and_scales():
    svg = parse(business.flow_svg())
    assert svg.get("viewBox", "").startswith("0 0 360 ")
    assert "width" not in svg.attrib and "height" not in svg.attrib, "图的大小由样式表决定，窄屏时随容器缩小"
    for element in svg.iter():
        for name in ("fill", "stroke"):
            value = element.get(name)
            assert value in (None, "none", "currentColor"), f"{element.tag} 写死了颜色 {name}={value}"
    assert "sans-serif" in svg.get("font-family") and "Noto Sans CJK SC" in svg.get("font-family")
    css = (ROOT / "docs/assets/stylesheets/business.css").read_text(encoding="utf-8")
    assert "max-width: 100%" in css and "var(--md-default-bg-color)" in css
    assert "assets/stylesheets/business.css" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_each_lookup_place_has_a_section_on_the_page():
    page = (ROOT / "docs/business/overview.md").read_text(encoding="utf-8")
    assert "{{ invoice_flow_diagram() }}" in page and "{{ lookup_places_list() }}" in page
    headings = set(re.findall(r"^### (.+)$", page, flags=re.M))
    for number, name, _note, anchor, _shown in business.LOOKUP_PLACES:
        assert anchor in headings, f"图中的 {number}（{name}）在页面上没有小节“{anchor}”"


def test_built_page_contains_the_inline_svg(built_site):
    html = (built_site / "business/overview/index.html").read_text(encoding="utf-8")
    start = html.index('<figure class="hb-flow">')
    figure = html[start:html.index("</figure>", start) + len("</figure>")]
    svg = parse(figure[figure.index("<svg"):figure.index("</svg>") + len("</svg>")])
    assert svg.find(f"{SVG}title") is not None
    for _number, _name, _note, anchor, _shown in business.LOOKUP_PLACES:
        assert f'id="{anchor}"' in html
