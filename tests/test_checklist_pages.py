"""检查单页面的写法：每张检查单有编号、名称和方式，条目少而精，阈值只来自数据文件。"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import ROOT
from macros import checklists

PAGES = sorted((ROOT / "docs").rglob("*.md"))
OPEN = re.compile(r'^<div class="hb-checklist"(?P<attrs>[^>]*)>\s*$')
ATTR = re.compile(r'([a-z-]+)="([^"]*)"')

REQUIRED = {
    "operations/upgrade.md": ["plan", "before", "during", "after"],
    "operations/maintenance.md": ["daily", "weekly", "monthly", "quarterly"],
    "operations/backup-restore-test.md": ["prepare", "restore", "close"],
}


def checklists_in(path):
    """源文件中的检查单：[(行号, 属性, [条目行])]。"""
    found = []
    lines = path.read_text(encoding="utf-8").splitlines()
    current = None
    for number, line in enumerate(lines, start=1):
        match = OPEN.match(line)
        if match:
            current = (number, dict(ATTR.findall(match.group("attrs"))), [])
            found.append(current)
        elif current and line.strip() == "</div>":
            current = None
        elif current and re.match(r"^\s*- \[[ xX]\]", line):
            current[2].append(line)
    return found


ALL = [(p, c) for p in PAGES for c in checklists_in(p)]


def test_required_checklists_exist():
    for page, ids in REQUIRED.items():
        found = [attrs["data-checklist"] for _, attrs, _ in checklists_in(ROOT / "docs" / page)]
        assert found == ids, page


@pytest.mark.parametrize("path, checklist", ALL,
                         ids=[f"{p.relative_to(ROOT / 'docs')}:{c[0]}" for p, c in ALL])
def test_checklist_markup(path, checklist):
    line, attrs, items = checklist
    where = f"{path.relative_to(ROOT)}:{line}"
    assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*", attrs.get("data-checklist", "")), where
    assert attrs.get("data-title", "").strip(), f"{where}: 缺少 data-title"
    assert attrs.get("data-mode") in ("read-do", "do-confirm"), f"{where}: data-mode 只能是 read-do 或 do-confirm"
    assert attrs.get("markdown") == "1", where
    assert 3 <= len(items) <= 9, f"{where}: 检查单只列关键项（3 到 9 项），现有 {len(items)} 项"
    for item in items:
        assert item.lstrip().startswith("- [ ] "), f"{where}: 条目应写成未勾选：{item}"


def test_checklist_ids_are_unique_per_page():
    for path in PAGES:
        ids = [attrs.get("data-checklist") for _, attrs, _ in checklists_in(path)]
        assert len(ids) == len(set(ids)), path


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.checklists: list[dict] = []
        self.depth = 0
        self.inside = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            self.depth += 1
            if "hb-checklist" in (attrs.get("class") or "").split():
                self.checklists.append({"id": attrs.get("data-checklist"), "items": 0, "disabled": 0})
                self.inside = self.depth
        if self.inside and tag == "li" and "task-list-item" in (attrs.get("class") or ""):
            self.checklists[-1]["items"] += 1
        if self.inside and tag == "input" and attrs.get("type") == "checkbox" and "disabled" in attrs:
            self.checklists[-1]["disabled"] += 1

    def handle_endtag(self, tag):
        if tag == "div":
            if self.depth == self.inside:
                self.inside = 0
            self.depth -= 1


@pytest.mark.parametrize("page", sorted(REQUIRED))
def test_built_checklists_contain_their_task_lists(built_site, page):
    html = (built_site / page.replace(".md", "") / "index.html").read_text(encoding="utf-8")
    collector = _Collector()
    collector.feed(html)
    assert [c["id"] for c in collector.checklists] == REQUIRED[page]
    sources = {attrs["data-checklist"]: items for _, attrs, items in checklists_in(ROOT / "docs" / page)}
    for found in collector.checklists:
        assert found["items"] == len(sources[found["id"]]) > 0, found
        # 构建出的复选框是只读的，由 checklist.js 在浏览器里启用
        assert found["disabled"] == found["items"]


def test_upgrade_triggers_come_from_the_data_file(built_site):
    html = (built_site / "operations" / "upgrade" / "index.html").read_text(encoding="utf-8")
    source = (ROOT / "docs" / "operations" / "upgrade.md").read_text(encoding="utf-8")
    triggers = checklists.load_upgrade_thresholds(ROOT)
    for key, entry in triggers.items():
        condition = checklists.format_condition(entry, "upgrade_thresholds.yml",
                                                "出现即" + checklists.ACTIONS[entry["action"]])
        assert condition in html, key
        assert entry["symptom"] in html and entry["decides"] in html, key
        assert entry["symptom"] not in source, f"{key}：症状应由宏从数据文件显示"
    assert 'upgrade_triggers("pause")' in source and 'upgrade_triggers("rollback")' in source
    for heading in ("暂停条件", "回滚条件"):
        assert f'id="{heading}"' in html


def test_maintenance_limits_come_from_the_data_file(built_site):
    pages = {
        "operations/maintenance.md": ["disk_usage", "slow_queries", "disk_days_left", "backup_size_change",
                                      "expiry_days_left", "cpu_peak", "peak_headroom"],
        "operations/backup-restore-test.md": ["restore_time", "data_loss_window", "sample_invoices"],
    }
    limits = checklists.load_maintenance_thresholds(ROOT)
    for page, keys in pages.items():
        source = (ROOT / "docs" / page).read_text(encoding="utf-8")
        html = (built_site / page.replace(".md", "") / "index.html").read_text(encoding="utf-8")
        for key in keys:
            assert f'limit("{key}")' in source, (page, key)
            assert checklists.format_condition(limits[key], "maintenance_thresholds.yml") in html, (page, key)
    body = (ROOT / "docs" / "operations" / "maintenance.md").read_text(encoding="utf-8")
    assert re.search(r"\d+\s*%", body) is None, "百分比阈值不要手写"


def test_operations_index_links_every_operations_page(built_site):
    html = (built_site / "operations" / "index.html").read_text(encoding="utf-8")
    for target in ("upgrade/", "maintenance/", "backup-restore-test/", "improvement/"):
        assert f'href="{target}"' in html, target


#: 运维页面和阈值数据里不再用的说法：高峰要分清开票高峰（月末）和申报高峰（征期），维护不放在征期里。
OUTDATED = [
    ("申报高峰前", "月末是开票高峰，申报高峰是征期"),
    ("季末申报", "月末、季末是开票高峰，申报高峰是征期"),
    ("每月第一个工作日", "每月第一个工作日在征期里，维护放在征期结束后、月末之前"),
    ("冲红", "写“红冲”"),
    ("数据丢失目标", "写“恢复点目标”"),
    ("开票单位", "写“开票方”"),
    ("READ-DO", "写“逐项执行”"),
    ("DO-CONFIRM", "写“执行后核对”"),
]
OWN_FILES = [*sorted((ROOT / "docs" / "operations").glob("*.md")),
             *(ROOT / "data" / name for name in ("maintenance_thresholds.yml", "upgrade_thresholds.yml",
                                                  "sync_alerts.yml"))]


@pytest.mark.parametrize("path", OWN_FILES, ids=[p.name for p in OWN_FILES])
def test_operations_use_current_terms(path):
    text = path.read_text(encoding="utf-8")
    for word, hint in OUTDATED:
        assert word not in text, f"{path.relative_to(ROOT)} 写了“{word}”：{hint}"


def test_reworded_items_keep_their_ids():
    """改了文字的条目用 data-item 保留原来的编号（由旧文字算出的 t-xxxxxxxx），已有的勾选不丢。"""
    for path in sorted((ROOT / "docs").rglob("*.md")):
        for line, _attrs, items in checklists_in(path):
            ids = [m.group(1) for item in items for m in [re.search(r'data-item="([^"]*)"', item)] if m]
            where = f"{path.relative_to(ROOT)}:{line}"
            assert len(ids) == len(set(ids)), f"{where}: data-item 重复"
            for item_id in ids:
                assert re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", item_id), f"{where}: 编号写法不对：{item_id}"
