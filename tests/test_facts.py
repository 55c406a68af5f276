"""事实与联系方式只有一个来源：数据文件校验、参考页列出全部事实、页面不得手写这些值。"""
from __future__ import annotations

import pytest

from conftest import ROOT
import macros  # noqa: F401  导入即登记全部数据文件
from macros import datafiles, handtyped, store

PAGES = sorted((ROOT / "docs").rglob("*.md"))


def test_every_data_file_has_a_registered_loader():
    assert store.for_root(ROOT).validate_all() == []
    on_disk = {p.name for p in (ROOT / "data").glob("*.yml")}
    assert on_disk == set(datafiles.LOADERS), "每个 data/*.yml 都要有校验函数（@datafiles.datafile）"


def test_reference_page_lists_every_fact(built_site):
    html = (built_site / "reference" / "facts" / "index.html").read_text(encoding="utf-8")
    for key, fact in datafiles.load_facts(ROOT).items():
        assert str(fact["value"]) in html, key
        assert fact["name"] in html, key


def test_contacts_page_marks_every_example_value(built_site):
    html = (built_site / "reference" / "contacts" / "index.html").read_text(encoding="utf-8")
    contacts = datafiles.load_contacts(ROOT)
    examples = [c for c in contacts.values() if c.get("example")]
    assert html.count('class="hb-example"') >= len(examples)
    oncall_mobiles = {item["mobile"] for item in datafiles.load_organisation(ROOT)["oncall"]}
    for key, contact in contacts.items():
        if key not in oncall_mobiles:  # 值班手机在值班表里按角色一行显示
            assert contact["role"] in html, key


@pytest.fixture(scope="module")
def compiled():
    return handtyped.patterns(datafiles.load_facts(ROOT), datafiles.load_contacts(ROOT))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_fact_is_typed_by_hand(path, compiled):
    findings = handtyped.find(path.read_text(encoding="utf-8"), compiled)
    assert not findings, "\n".join(
        f"{path.relative_to(ROOT)}:{f.line}: 手写了 {f.text!r}，应改用宏引用 {f.key}" for f in findings)


@pytest.mark.parametrize("text, key", [
    ("请拨打 12366 咨询", "facts.hotline_tax"),
    ("拨打12348。", "facts.hotline_legal"),
    ("在 7个工作日内答复", "facts.complaint_investigation"),
    ("每 6 或 12 个月复盘", "facts.improvement_review"),
    ("打分机 8001", "contacts.ops_oncall"),
])
def test_hand_typed_values_are_found(text, key, compiled):
    assert [f.key for f in handtyped.find(text, compiled)] == [key]


@pytest.mark.parametrize("text", ["发票号码 123660 不是热线", "第 7 步", "{{ hotline(\"hotline_tax\") }}"])
def test_other_numbers_are_not_flagged(text, compiled):
    assert handtyped.find(text, compiled) == []


def _find_by_scanning_every_page(markdown, compiled):
    """参照：每个正则在整页上搜一遍（handtyped.find 只在含有提示文字的行上搜，结果必须一样）。"""
    found = []
    for key, pattern in compiled:
        for match in pattern.finditer(markdown):
            if "\n" not in match.group(0):
                found.append((markdown.count("\n", 0, match.start()) + 1, key, match.group(0)))
    return sorted(found, key=lambda item: item[0])


def test_searching_only_lines_with_the_hint_finds_what_a_whole_page_scan_finds():
    compiled = handtyped.data_patterns(ROOT)
    assert all(handtyped._hint(pattern) for _, pattern in compiled), "每个值都应当有一段必然出现的文字"
    texts = [path.read_text(encoding="utf-8") for path in PAGES] + [
        "限时 15 分钟\n内完成", "限时 15 分钟\n\n  以内", "15\n分钟内", "XML文件是数电发票的法定原件",
        "数电发票的 XML 文件是数电发票的法定原件\n", "每 30 分钟一次，每 30 分钟", "12366\n12366", "", "\n\n"]
    for text in texts:
        expected = _find_by_scanning_every_page(text, compiled)
        assert [(f.line, f.key, f.text) for f in handtyped.find(text, compiled)] == expected, text[:60]
    assert any(_find_by_scanning_every_page(text, compiled) for text in texts[-9:]), "参照样例里应当有手写的值"


# ---------------------------------------------------------------- 核实状态与本单位的值

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

from macros.datafiles import DataError  # noqa: E402


@pytest.fixture
def data_root(tmp_path) -> Path:
    (tmp_path / "data").mkdir()
    for name in ("facts.yml", "external_domains.yml", "contacts.yml", "organisation.yml"):
        shutil.copy(ROOT / "data" / name, tmp_path / "data" / name)
    return tmp_path


def edit(root: Path, name: str, old: str, new: str) -> str:
    path = root / "data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_every_public_fact_says_where_to_check_it_and_none_claims_verification():
    facts = datafiles.load_facts(ROOT)
    for key, fact in facts.items():
        assert "check_at" in fact or "example" in fact, key
        assert not datafiles.is_verified(fact), f"{key}：没有人到官方网站核对过，不能写成已核实"


def test_new_business_facts_are_present():
    facts = datafiles.load_facts(ROOT)
    assert facts["invoice_number_digits"]["value"] == "20 位"
    assert (facts["red_confirm_window"]["value"], facts["red_confirm_window"]["unit"]) == (72, "小时")
    assert facts["red_confirm_window"]["confidence"] == "medium"
    assert facts["hotline_cyber_incident"]["value"] == "12387"
    assert facts["hotline_cyber_incident"]["confidence"] == "medium"
    assert facts["verification_platform"]["check_at"].startswith("https://inv-veri.chinatax.gov.cn")
    assert "15 日" in facts["filing_period"]["value"]
    for key, fact in facts.items():
        if fact.get("confidence") == "medium":
            assert "可信度中" in fact.get("note", ""), f"{key} 的说明要写明可信度中等的依据"


@pytest.mark.parametrize("old, new, needle, message", [
    ("    check_at: https://www.chinatax.gov.cn/\n    verified: false\n    note: >-\n      全国统一",
     "    verified: false\n    note: >-\n      全国统一", "name: 纳税缴费服务热线", "facts.hotline_tax 缺少字段 check_at"),
    ("    check_at: https://www.12315.cn/", "    check_at: https://12315.example.com/", "name: 全国消费者投诉举报热线",
     "不在 data/external_domains.yml"),
    ("    check_at: https://www.12315.cn/\n    verified: false",
     "    check_at: https://www.12315.cn/\n    verified: 2026-11-28", "name: 全国消费者投诉举报热线", "未核实写 false"),
    ("    check_at: https://www.12315.cn/\n    verified: false",
     "    check_at: https://www.12315.cn/\n    verified: {on: 2026-11-28, by: 法务联络人}", "verified: {on:",
     "写 date，不要写 on"),
    ("    source: 本单位服务承诺\n    example: true",
     "    source: 本单位服务承诺\n    example: true\n    check_at: https://www.gov.cn/", "name: 投诉调查期限",
     "同时写了 check_at 和 example"),
    ("    confidence: medium-high\n    note: 数电发票", "    confidence: low\n    note: 数电发票",
     "name: 数电发票号码位数", "confidence 取值无效"),
])
def test_fact_errors_name_file_and_line(data_root, old, new, needle, message):
    text = edit(data_root, "facts.yml", old, new)
    with pytest.raises(DataError) as info:
        datafiles.load_facts(data_root)
    expected = f"data/facts.yml:{line_of(text, needle)}: "
    assert any(line.startswith(expected) and message in line for line in str(info.value).splitlines()), info.value


def test_fact_macro_marks_unverified_and_example_values():
    from macros.facts import fact_badge
    facts = datafiles.load_facts(ROOT)
    assert 'class="hb-unverified"' in fact_badge(facts["hotline_tax"])
    assert facts["hotline_tax"]["check_at"] in fact_badge(facts["hotline_tax"])
    assert 'class="hb-example"' in fact_badge(facts["complaint_investigation"])
    verified = dict(facts["hotline_tax"], verified={"date": __import__("datetime").date(2026, 12, 1), "by": "法务联络人"})
    assert fact_badge(verified) == ""


def test_organisation_values_are_examples_until_filled():
    contacts = datafiles.load_contacts(ROOT)
    for key in ("ops_oncall_mobile", "incident_lead_mobile", "dba_oncall_mobile", "network_oncall_mobile",
                "oncall_rota", "public_hotline", "complaint_form", "tax_tech_contact", "dashboards",
                "log_location", "backup_location", "issuing_model", "client_requirements", "appeal_time_limit"):
        assert contacts[key]["example"] is True, key
    for key, contact in contacts.items():
        value = str(contact["value"])
        if contact["kind"] == "url":
            assert ".example.invalid" in value, f"{key}：示例网址要用 example.invalid"
        assert not __import__("re").search(r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}", value), f"{key} 像真实手机号"
    organisation = datafiles.load_organisation(ROOT)
    assert all(item["example"] for items in organisation.values() for item in items)


def test_oncall_roles_have_a_mobile(data_root):
    edit(data_root, "organisation.yml", "    mobile: dba_oncall_mobile", "    mobile: dba_oncall_pager")
    with pytest.raises(DataError, match=r"data/organisation.yml:\d+: oncall\[2\]\.mobile 应当是 data/contacts.yml 中的键"):
        datafiles.load_organisation(data_root)


def test_contacts_page_shows_every_value(built_site):
    html = (built_site / "reference" / "contacts" / "index.html").read_text(encoding="utf-8")
    from html import escape
    for key, contact in datafiles.load_contacts(ROOT).items():
        assert escape(str(contact["value"]), quote=False) in html, key
    for item in datafiles.load_organisation(ROOT)["service_points"]:
        assert item["address"] in html and item["hours"] in html


def test_page_only_facts_have_data_entries_shown_through_the_macro():
    facts = datafiles.load_facts(ROOT)
    pages_text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    for key in ("invoice_legal_original", "einvoice_no_void", "upload_models"):
        fact = facts[key]
        assert fact["kind"] == "text" and fact["check_at"].startswith("https://") and not fact.get("verified"), key
        assert f'fact("{key}")' in pages_text, key
