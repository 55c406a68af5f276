"""检查单引擎的纯逻辑（Node 单元测试）与检查单页面用到的数据文件、宏。"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, run_node_tests
from macros import checklists, datafiles

NODE = shutil.which("node") or "/usr/bin/node"
ENGINE = ROOT / "docs" / "assets" / "javascripts" / "checklist-state.js"
SCRIPTS = sorted((ROOT / "docs" / "assets" / "javascripts").glob("*.js"))
#: 检查单纯逻辑与它依赖的 core.js（存储、文字、启动登记）的 Node 测试 → 至少应通过的测试数
NODE_TESTS = {ROOT / "tests" / "js" / "checklist.test.js": 30, ROOT / "tests" / "js" / "core.test.js": 15}


def run_node(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, TZ="Asia/Shanghai")
    return subprocess.run([NODE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("node_tests", list(NODE_TESTS), ids=lambda p: p.name)
def test_node_unit_tests_pass(node_tests):
    run_node_tests(node_tests, NODE_TESTS[node_tests])


def fnv1a(text: str) -> str:
    """独立的 32 位 FNV-1a 参考实现（UTF-8 字节）。"""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def test_item_ids_match_an_independent_implementation():
    texts = ["确认回滚方案已演练", "abc", "备份全部关键数据和配置并抽取一份恢复成功"]
    script = (
        "const c = require(process.argv[1]);"
        "console.log(JSON.stringify(JSON.parse(process.argv[2]).map(t => c.deriveItemId(t))));"
    )
    result = run_node("-e", script, str(ENGINE), json.dumps(texts))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [f"t-{fnv1a(t)}" for t in texts]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_engine_has_no_network_or_html_injection(script):
    source = script.read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "fetch(",
                      "XMLHttpRequest", "eval(", "new Function"):
        assert forbidden not in source, f"{script.name}: {forbidden}"


# ---------------------------------------------------------------- 数据文件


def test_threshold_files_load_and_are_listed_as_examples():
    triggers = checklists.load_upgrade_thresholds(ROOT)
    assert {entry["action"] for entry in triggers.values()} == {"pause", "rollback"}
    limits = checklists.load_maintenance_thresholds(ROOT)
    listed = "\n".join(datafiles.example_values(ROOT))
    for key, entry in triggers.items():
        if entry.get("example"):
            assert f"triggers.{key} = {entry['value']}" in listed
    for key in limits:
        assert f"limits.{key} =" in listed
    assert "upgrade_thresholds.yml" in datafiles.LOADERS
    assert "maintenance_thresholds.yml" in datafiles.LOADERS


def _project_with(tmp_path, name: str, text: str):
    (tmp_path / "data").mkdir()
    for source in (ROOT / "data").glob("*.yml"):
        shutil.copy(source, tmp_path / "data" / source.name)
    (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    return tmp_path


BROKEN_TRIGGERS = [
    ("triggers:\n  a:\n    action: stop\n    symptom: x\n    metric: x\n    where: x\n    decides: x\n",
     "data/upgrade_thresholds.yml:3: triggers.a 的字段 action 取值无效"),
    ("triggers:\n  a:\n    action: pause\n    symptom: x\n    metric: x\n    where: x\n",
     "data/upgrade_thresholds.yml:3: triggers.a 缺少字段 decides"),
    ("triggers:\n  a:\n    action: pause\n    symptom: x\n    metric: x\n    where: x\n    decides: x\n"
     "    value: 3\n    unit: 秒\n", "triggers.a 有阈值，须写 example"),
    ("triggers:\n  a:\n    action: pause\n    symptom: x\n    metric: x\n    where: x\n    decides: x\n"
     "    value: 3\n    unit: 年\n    example: true\n", "triggers.a 的 unit 只能取"),
    ("triggers:\n  a:\n    action: pause\n    symptom: x\n    metric: x\n    where: x\n    decides: x\n"
     "    op: gt\n", "triggers.a 写了 op，还要写 value 和 unit"),
    ("triggers:\n  a:\n    action: pause\n    symptom: x\n    metric: x\n    where: x\n    decides: x\n",
     "triggers 中至少要有一条 action: rollback"),
]


@pytest.mark.parametrize("text, message", BROKEN_TRIGGERS)
def test_broken_upgrade_thresholds_stop_with_file_and_line(tmp_path, text, message):
    root = _project_with(tmp_path, "upgrade_thresholds.yml", text)
    with pytest.raises(datafiles.DataError) as caught:
        checklists.load_upgrade_thresholds(root)
    assert message in str(caught.value)
    assert str(caught.value).startswith("data/upgrade_thresholds.yml")


def test_broken_maintenance_threshold_names_file_and_line(tmp_path):
    text = "limits:\n  disk:\n    name: 磁盘\n    value: 80\n    unit: '%'\n    example: true\n" \
           "  cert:\n    name: 证书\n    value: -1\n    unit: 天\n    example: true\n"
    root = _project_with(tmp_path, "maintenance_thresholds.yml", text)
    with pytest.raises(datafiles.DataError, match=r"^data/maintenance_thresholds.yml:8: limits.cert 的字段 value"):
        checklists.load_maintenance_thresholds(root)


def test_conditions_are_worded_and_escaped():
    entry = {"op": "gt", "value": 1, "unit": "%", "hold": {"value": 3, "unit": "分钟"}, "example": True}
    text = checklists.format_condition(entry, "upgrade_thresholds.yml")
    assert text.startswith("<strong>高于 1%，持续 3 分钟</strong>")
    assert 'class="hb-example"' in text and "data/upgrade_thresholds.yml" in text
    assert checklists.format_condition({"value": 1.5, "unit": "倍", "op": "lt", "example": False}, "x") \
        == "<strong>低于 1.5 倍</strong>"
    assert checklists.format_condition({}, "x", "出现即暂停") == "<strong>出现即暂停</strong>"
    table = checklists.triggers_table(
        {"a": {"action": "pause", "symptom": "<b>|x", "metric": "m", "where": "w", "decides": "d"}}, "pause")
    assert "&lt;b&gt;&#124;x" in table and "<b>" not in table
    with pytest.raises(checklists.UnknownKey):
        checklists.triggers_table({}, "stop")


def test_every_node_test_file_is_run_by_pytest():
    """tests/js/ 下的每个 .test.js 都由某个 pytest 测试运行，否则 make test 不会发现它失败。"""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    missing = [p.name for p in sorted((ROOT / "tests" / "js").glob("*.test.js")) if f'"{p.name}"' not in sources]
    assert not missing, f"这些 Node 测试没有 pytest 测试运行它们：{missing}"


# ---------------------------------------------------------------- 导出格式的 JSON Schema

SCHEMAS = ROOT / "data" / "schemas"
#: 检查单的两种导出格式 → 格式说明（data/schemas/ 下），真实导出另在 tests/test_checklist_browser.py 中校验
EXPORT_SCHEMAS = ("checklist.schema.json", "checklist-page.schema.json")


def schema_validator(name: str):
    """data/schemas/<name> 的校验器；$ref 指向同目录的其他格式说明（如整页导出引用单张检查单）。"""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.schema.json")}
    registry = Registry().with_resources((n, Resource.from_contents(s)) for n, s in schemas.items())
    return Draft202012Validator(schemas[name], registry=registry)


def errors(name: str, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in schema_validator(name).iter_errors(data)]


NODE_BUNDLE = """
const path = require("path");
const js = path.join(process.cwd(), "docs", "assets", "javascripts");
const S = require(path.join(js, "checklist-state.js"));
const E = require(path.join(js, "checklist-export.js"));
const stamp = { version: "2026.11", commit: "abc1234", build_date: "2026-11-27" };
const page = { path: "operations/upgrade", title: "系统升级", url: "file:///x/operations/upgrade.html" };
const now = new Date("2026-11-28T02:30:00Z");
const one = S.buildRecord({ title: "升级前检查单", mode: "do-confirm", modes: { "do-confirm": { label: "执行后核对" } },
  checklist: "before", page, handbook: stamp, now,
  items: [{ id: "t-0a1b2c3d", text: "确认", level: 0, checked: true, at: "2026-11-28T01:05:00Z" },
          { id: "backup-restored", text: "子项", level: 1, checked: false, at: null }],
  record: { operator: "值班工程师", ticket: "", start: "2026-11-28T09:00", notes: "多行\\n备注" } });
const two = S.buildRecord({ title: "每日检查", mode: "", checklist: "checklist-2", page, handbook: {}, now,
  items: [], record: {} });
console.log(JSON.stringify({ one, page: E.buildPageBundle({ handbook: stamp, page, records: [one, two], now }) }));
"""


@functools.cache
def _node_exports() -> str:
    result = run_node("-e", NODE_BUNDLE)
    assert result.returncode == 0, result.stderr
    return result.stdout


def node_exports() -> dict:
    return json.loads(_node_exports())


@pytest.mark.parametrize("name", EXPORT_SCHEMAS)
def test_export_schemas_are_valid_json_schemas(name):
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == name


def test_exports_built_by_the_scripts_match_their_schemas():
    data = node_exports()
    assert errors("checklist.schema.json", data["one"]) == []
    assert errors("checklist-page.schema.json", data["page"]) == []


def _without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


@pytest.mark.parametrize("change, message", [
    (lambda d: _without(d, "handbook"), "'handbook' is a required property"),
    (lambda d: {**d, "schema": 3}, "1 was expected"),
    (lambda d: {**d, "kind": "incident"}, "'checklist-page' was expected"),
    (lambda d: {**d, "checklists": []}, "should be non-empty"),
    (lambda d: {**d, "checklists": [_without(d["checklists"][0], "handbook")]}, "'handbook' is a required property"),
    (lambda d: {**d, "checklists": [{**d["checklists"][0], "schema": 1}]}, "2 was expected"),
    (lambda d: {**d, "exported_at": "2026-11-28 10:30"}, "does not match"),
    (lambda d: {**d, "extra": 1}, "Additional properties are not allowed"),
])
def test_page_schema_rejects_broken_or_foreign_files(change, message):
    found = errors("checklist-page.schema.json", change(node_exports()["page"]))
    assert any(message in line for line in found), found
