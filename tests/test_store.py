"""数据仓库：每次构建每个数据文件只解析一次，构建钩子与宏共用；校验一次列出一个文件的全部问题。"""
from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

import macros
from conftest import ROOT
from macros import datafiles, pagetypes, store
from macros.hooks import checks, config
from macros.schema import DataError


class FakeEnv:
    """define_env 需要的 mkdocs-macros 环境：项目目录和登记宏的装饰器。"""

    def __init__(self, root: Path):
        self.project_dir = str(root)
        self.macros: dict = {}
        self.page = None

    def macro(self, func):
        self.macros[func.__name__] = func
        return func


def test_each_data_file_is_parsed_once_per_build():
    """构建时：检查钩子、配置钩子和全部宏模块加在一起，每个 data/*.yml 只解析一次。"""
    store._parsed.clear()
    mkdocs_config = SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), extra={},
                                    plugins={}, theme={"features": []}, use_directory_urls=True)
    checks.on_config(mkdocs_config)
    config.on_config(mkdocs_config)
    env = FakeEnv(ROOT)
    macros.define_env(env)
    try:
        parses = store.for_root(ROOT).parses
        on_disk = {f"data/{p.name}" for p in (ROOT / "data").glob("*.yml")}
        assert set(parses) == on_disk
        assert all(count == 1 for count in parses.values()), dict(parses)
        assert "facts_table" in env.macros and "navigation.instant" in mkdocs_config.theme["features"]
    finally:
        checks.on_post_build(mkdocs_config)


def test_unchanged_files_are_not_parsed_again_but_edited_ones_are(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "includes", tmp_path / "includes")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    data = store.for_root(tmp_path)
    assert data.validate_all() == []
    assert all(count == 1 for count in data.parses.values())
    datafiles.load_facts(tmp_path)
    assert data.parses["data/facts.yml"] == 1
    path = tmp_path / "data" / "facts.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('value: "12366"', 'value: "12399"'), encoding="utf-8")
    assert datafiles.load_facts(tmp_path)["hotline_tax"]["value"] == "12399"
    assert data.parses["data/facts.yml"] == 2


def test_every_problem_in_a_file_is_reported_with_its_line(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "contacts.yml").write_text(
        "contacts:\n"
        "  ops_oncall:\n"
        "    role: 运维值班电话\n"
        "    kind: phone\n"
        "  lead:\n"
        "    role: 事件负责人\n"
        "    value: 分机 8002\n"
        "    kind: fax\n"
        "    colour: 红\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        datafiles.load_contacts(tmp_path)
    assert str(caught.value).splitlines() == [
        "data/contacts.yml:3: contacts.ops_oncall 缺少字段 value",
        "data/contacts.yml:6: contacts.lead 的字段 kind 取值无效：'fax'",
        "data/contacts.yml:6: contacts.lead 有未知字段 colour（允许：role、value、kind、example、note）",
    ]


def test_compatibility_entries_still_work():
    """datafiles.datafile 和 datafiles.load_yaml 仍可直接使用。"""
    assert datafiles.load_yaml(ROOT / "data" / "facts.yml")["facts"]["hotline_tax"]["value"] == "12366"
    assert datafiles.LOADERS["facts.yml"] is datafiles.load_facts


@pytest.mark.parametrize("path", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_type_rules_hold_for_every_page(path):
    text = path.read_text(encoding="utf-8")
    meta, body = {}, text
    if text.startswith("---\n"):
        import yaml
        head, body = text[4:].split("\n---\n", 1)
        meta = yaml.safe_load(head)
    assert pagetypes.problems(meta, body) == []


def test_runbook_layout_matches_the_design():
    assert pagetypes.RUNBOOK == ("适用情形", "先做这几件事", "判断", "处置", "何时上报", "记录", "相关页面")
    missing = "## 适用情形\n\n## 先做这几件事\n\n## 处置\n\n## 何时上报\n\n## 记录\n\n## 相关页面\n"
    [(line, message)] = pagetypes.problems({"type": "runbook"}, missing)
    assert line == 5 and "缺少二级标题“判断”" in message


@pytest.mark.parametrize("text, key", [
    ("复制延迟超过 300 秒就上报", "sync_alerts.replica_lag_crit"),
    ("磁盘使用率高于 80% 时清理", "maintenance_thresholds.disk_usage"),
    ("每 60 分钟对内通报一次", "severity.p2.update"),
    ("请在合同约定的支持电话报修", "contacts.vendor_support"),
    ("写信到 support@invoice.example", "contacts.support_email"),
])
def test_hand_typed_check_covers_every_data_backed_value(text, key):
    from macros import handtyped
    assert key in [f.key for f in handtyped.find(text, handtyped.data_patterns(ROOT))]


@pytest.mark.parametrize("text", ["| 2 | 分流 | 先判断 | 15 分钟 |", "### 60 分钟", "0–5 分钟：开场"])
def test_durations_without_a_limit_are_not_flagged(text):
    """阅读时间、培训日程里的“15 分钟”不是数据里的时限。"""
    from macros import handtyped
    assert handtyped.find(text, handtyped.data_patterns(ROOT)) == []
