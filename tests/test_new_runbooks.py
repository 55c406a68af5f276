"""安全事件、上游平台、网点断网、恢复和回滚五份处置手册，以及网点断网的纸质登记表。

- 五份手册都按处置手册的七个二级标题排列，彼此链接，对外报告的时限和渠道标为未核实。
- 登记表在 375 px 宽的屏幕上不横向滚动（连表格自己的滚动也没有）；打印成 A4 横向正好一页，
  只印表格，空白处是线和方格，没有输入框，也就没有“年/月/日”之类的格式提示。
"""
from __future__ import annotations

import re
import subprocess

import pytest

from conftest import ROOT
from macros import pagetypes

DOCS = ROOT / "docs"
RUNBOOKS = [
    "incident/security.md",
    "incident/upstream-platform.md",
    "incident/branch-offline.md",
    "operations/restore.md",
    "operations/rollback.md",
]
FORM = "incident/branch-offline-form.md"
FORM_URL = "incident/branch-offline-form/"
PHONE = {"width": 375, "height": 740}


def read(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def meta_and_body(page: str) -> tuple[dict, str]:
    import yaml
    _, head, body = read(page).split("---\n", 2)
    return yaml.safe_load(head), body


@pytest.mark.parametrize("page", RUNBOOKS)
def test_runbook_sections_in_order(page):
    meta, body = meta_and_body(page)
    assert meta["type"] == "runbook"
    assert [text for _, text in pagetypes.h2_headings(body)] == list(pagetypes.RUNBOOK)


def test_pages_are_in_the_navigation():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in [*RUNBOOKS, FORM]:
        assert f": {page}\n" in config, f"mkdocs.yml 的 nav 里没有 {page}"
    assert "assets/stylesheets/forms.css" in config


def test_security_page_marks_the_reporting_line_unverified():
    _, body = meta_and_body("incident/security.md")
    assert "报告时限和渠道尚未经人工核实：以国家互联网信息办公室现行规定为准，由安全负责人核实后填写" in body
    after = body.split('fact("hotline_cyber_incident")', 1)[1]
    assert "尚未核实" in after[:40], "报告电话旁边应当注明尚未核实（宏本身也会加“未核实”标记）"
    for role in ("事件负责人", "安全负责人", "法务", 'contact_role("management")'):
        assert role in body
    assert 'severity_name("p1")' in body


def test_upstream_page_queries_before_resubmitting():
    _, body = meta_and_body("incident/upstream-platform.md")
    assert "请求号" in body and "红冲" in body and "《红字发票信息确认单》" in body
    assert "抖动" in body and "上限" in body
    assert "affected-users.md" in body
    assert "没有公告不等于问题在本单位" in body


def test_rollback_shows_the_thresholds_through_macros():
    _, body = meta_and_body("operations/rollback.md")
    assert '{{ upgrade_triggers("rollback") }}' in body
    assert '{{ upgrade_triggers("pause") }}' in body
    assert "](restore.md)" in body


def test_restore_uses_the_recovery_point_objective_term():
    _, body = meta_and_body("operations/restore.md")
    assert "恢复点目标" in body
    assert "数据丢失目标" not in body
    assert 'limit("data_loss_window")' in body and 'limit("sample_invoices")' in body


ON_CALL = ("incident_lead", "ops_oncall", "dba_oncall", "network_oncall", "management", "service_desk_lead",
           "security_lead", "legal")


@pytest.mark.parametrize("page", ["incident/security.md", "incident/data-recovery.md", "incident/upstream-platform.md",
                                  "incident/branch-offline.md", "incident/technical-failure.md"])
def test_every_call_gives_the_mobile_too(page):
    """夜间和节假日在家时分机打不通：叫人的地方，分机后面跟着手机或寻呼。"""
    text = read(page)
    for key in ON_CALL:
        for match in re.finditer(r'\{\{ contact\("%s"\) \}\}' % key, text):
            after = text[match.end():match.end() + 80]
            assert f'contact("{key}_mobile")' in after, f"{page}: {key} 后面没有 {key}_mobile"
    assert "尚未列入" not in text


def test_security_lead_and_legal_have_contacts():
    text = read("incident/security.md")
    for key in ("security_lead", "security_lead_mobile", "legal", "legal_mobile"):
        assert f'contact("{key}")' in text, key


def test_form_has_no_inputs_and_the_listed_fields():
    text = read(FORM)
    assert "<input" not in text and "<textarea" not in text
    for field in ("时间", "客户姓名", "联系电话", "发票号码", "开票日期", "价税合计", "开票方名称", "办理事项", "经办人", "跟进状态"):
        assert f'<th scope="col">{field}' in text, field


# ---------------------------------------------------------------- 浏览器


SIDEWAYS = """() => {
  const root = document.scrollingElement;
  const form = document.querySelector('.hb-form');
  const wide = [...form.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > root.clientWidth + 1);
  const scrollers = [...document.querySelectorAll('.md-content .md-typeset__table, .md-content .md-typeset__scrollwrap')]
    .filter(e => e.contains(form) || form.contains(e)).filter(e => e.scrollWidth > e.clientWidth + 1);
  return {page: root.scrollWidth - root.clientWidth, wide: wide.length, scrollers: scrollers.length};
}"""


def test_form_fits_a_phone_screen(page_factory, site_url):
    page, _ = page_factory(site_url, viewport=PHONE)
    page.goto(site_url + FORM_URL, wait_until="load")
    assert page.evaluate(SIDEWAYS) == {"page": 0, "wide": 0, "scrollers": 0}
    assert page.locator(".hb-form__row:visible").count() == 2


@pytest.mark.parametrize("path", ["incident/security/", "incident/upstream-platform/", "incident/branch-offline/",
                                  "operations/restore/", "operations/rollback/"])
def test_runbooks_fit_a_phone_screen(page_factory, site_url, path):
    page, _ = page_factory(site_url, viewport=PHONE)
    page.goto(site_url + path, wait_until="load")
    assert page.evaluate("() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth") == 0


def test_form_prints_on_one_a4_landscape_page(page_factory, site_url, tmp_path):
    page, _ = page_factory(site_url)
    page.goto(site_url + FORM_URL, wait_until="load")
    page.emulate_media(media="print")
    shown = page.evaluate("""() => ({
      rows: [...document.querySelectorAll('.hb-form__row')].filter(e => e.getClientRects().length).length,
      all: document.querySelectorAll('.hb-form__row').length,
      h1: document.querySelector('.md-content h1').getClientRects().length,
      review: document.querySelector('.hb-review').getClientRects().length,
      boxes: getComputedStyle(document.querySelector('.hb-form__box')).borderTopStyle,
    })""")
    assert shown["rows"] == shown["all"] >= 8, shown
    assert shown["h1"] == 0 and shown["review"] == 0, "打印时只印表格"
    assert shown["boxes"] == "solid"
    pdf = tmp_path / "form.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (842, 595), f"应当是 A4 横向：{width} x {height}"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "服务网点断网登记表" in text and "跟进状态" in text
    assert "打印" not in text.split("服务网点断网登记表", 1)[0], "表格之前不应当印出页面说明"
    for placeholder in ("mm/dd", "yyyy", "年/月/日"):
        assert placeholder not in text.lower()
