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
    for contact in contacts.values():
        assert contact["role"] in html


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
