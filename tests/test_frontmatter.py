"""每个页面的元数据都符合规则；规则本身能发现缺失和无效的字段。"""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from conftest import ROOT
from macros import frontmatter

PAGES = sorted((ROOT / "docs").rglob("*.md"))


def read_meta(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.relative_to(ROOT)}: 缺少 front matter"
    block = text.split("---\n", 2)[1]
    return yaml.safe_load(block)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_front_matter_is_valid(path):
    found = frontmatter.problems(read_meta(path))
    assert not found, f"{path.relative_to(ROOT)}: " + "；".join(found)


VALID = {
    "title": "标题", "description": "说明", "owner": "运维值班负责人", "reviewed": dt.date(2026, 1, 5),
    "review_every": 6, "audience": ["运维"], "type": "runbook",
}


def test_valid_metadata_has_no_problems():
    assert frontmatter.problems(dict(VALID)) == []


@pytest.mark.parametrize("field", frontmatter.REQUIRED)
def test_each_missing_field_is_reported(field):
    meta = dict(VALID)
    del meta[field]
    assert f"缺少字段 {field}" in frontmatter.problems(meta)


@pytest.mark.parametrize("field, value, words", [
    ("reviewed", "上个月", "reviewed"),
    ("reviewed", dt.date.today() + dt.timedelta(days=3), "不能晚于今天"),
    ("review_every", 0, "review_every"),
    ("review_every", "六", "review_every"),
    ("audience", ["路人"], "audience"),
    ("type", "story", "type"),
    ("owner", ["张三"], "owner"),
    ("colour", "red", "未知字段 colour"),
])
def test_invalid_values_are_reported(field, value, words):
    meta = dict(VALID, **{field: value})
    assert any(words in problem for problem in frontmatter.problems(meta))
