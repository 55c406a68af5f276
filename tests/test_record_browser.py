"""事件记录页（docs/incident/record.md）与合并多台设备的记录。

- 纯逻辑：tests/js/record.test.js（node --test），它生成的导出用 data/schemas/ 的 JSON Schema 检查；
- 导出的 Markdown 与“记录与通报模板”“演练后复盘”页面上的模板栏目一致；
- 真实 Chromium（内网版和离线包 file://）：开始、记录、提醒、其他页面的自动记录和提示、结束、导出、打印；
  两个标签页不覆盖正在输入的内容；存储不可用；导入坏文件时写明文件名和原因、已有的记录不丢。
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml
from playwright.sync_api import expect

from conftest import LOCAL_STORAGE_UNAVAILABLE, ROOT, STORAGE_QUOTA_FULL, run_node_tests

TZ = dt.timezone(dt.timedelta(hours=8))
CONTEXT = {"timezone_id": "Asia/Shanghai"}
RECORD = "incident/record"
KEY = "handbook:incident:v1"
SCHEMAS = ROOT / "data" / "schemas"
TEXT = yaml.safe_load((ROOT / "data" / "widget_text.yml").read_text(encoding="utf-8"))["incident"]


def schema(name: str) -> jsonschema.protocols.Validator:
    data = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return jsonschema.Draft202012Validator(data)


def valid(name: str, data: dict) -> None:
    errors = sorted(schema(name).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


# ---------------------------------------------------------------- 不用浏览器


def test_merge_logic_in_node_and_its_exports_match_the_schemas(tmp_path, monkeypatch):
    monkeypatch.setenv("HB_EXPORT_DIR", str(tmp_path))
    run_node_tests(ROOT / "tests" / "js" / "record.test.js", 12)
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    assert written == ["incident-record.json", "merged-conflict.json", "merged-drill.json", "merged-incident.json"]
    valid("incident-record", json.loads((tmp_path / "incident-record.json").read_text(encoding="utf-8")))
    for name in written[1:]:
        valid("merged-timeline", json.loads((tmp_path / name).read_text(encoding="utf-8")))


def test_schemas_reject_foreign_files():
    with pytest.raises(jsonschema.ValidationError):
        schema("incident-record").validate({"format": "handbook-checklist-record", "schema": 2})
    with pytest.raises(jsonschema.ValidationError):
        schema("merged-timeline").validate({"format": "handbook-merged-timeline", "schema": 2})


def template_labels(page: str, heading: str) -> list[str]:
    """页面上某个小节第一个代码块里每行“栏目：”的栏目名。"""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    return [m.group(1).strip() for m in re.finditer(r"^\s*([^：【\n|]+)：", block, re.M)]


@pytest.mark.parametrize(("page", "heading", "key"), [
    ("incident/templates.md", "事件记录", "record_markdown"),
    ("incident/templates.md", "事后复盘", "review_markdown"),
    ("drills/review.md", "复盘报告模板", "drill_review_markdown"),
])
def test_exports_follow_the_templates_on_the_pages(page, heading, key):
    labels = template_labels(page, heading)
    assert len(labels) >= 5, labels
    missing = [label for label in labels if f"{label}：" not in TEXT[key]]
    assert not missing, f"data/widget_text.yml 的 incident.{key} 缺少 docs/{page}「{heading}」的栏目：{missing}"


# ---------------------------------------------------------------- 浏览器


@dataclass
class Site:
    base: str
    offline: bool

    def url(self, page: str) -> str:
        return self.base + (f"{page}.html" if self.offline else f"{page}/")


@pytest.fixture(params=["http", "file"])
def site(request) -> Site:
    if request.param == "http":
        return Site(request.getfixturevalue("site_url"), offline=False)
    return Site(request.getfixturevalue("offline_url"), offline=True)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 28, hour, minute, 0, tzinfo=TZ)


def open_record(page, url: str):
    page.goto(url)
    page.wait_for_selector(".hb-record--ready")
    page.wait_for_selector(".hb-record-merge--ready")


def record(page):
    return page.locator(".hb-record")


def view(page):
    return page.locator(".hb-record__view")


def start(page, title="部分用户查询发票超时", severity="P2 严重", lead="值班经理", who="记录员甲"):
    box = record(page)
    box.get_by_label(TEXT["field_who"]).fill(who)
    box.get_by_label(TEXT["field_who"]).press("Tab")
    form = box.locator(".hb-record__start")
    form.get_by_label(TEXT["field_title"]).fill(title)
    form.get_by_label(TEXT["field_severity"]).select_option(label=severity)
    form.get_by_label(TEXT["field_lead"]).fill(lead)
    form.get_by_role("button", name=TEXT["start"]).click()
    expect(box.locator(".hb-record__status--open")).to_be_visible()


def add(page, text: str, button: str = TEXT["add_note"]):
    box = record(page)
    box.get_by_label(TEXT["entry_label"]).fill(text)
    box.get_by_role("button", name=button).click()


def log_texts(page) -> list[str]:
    return record(page).locator(".hb-record__log .hb-record__text").all_inner_texts()


def stored(page) -> dict:
    return page.evaluate("k => JSON.parse(localStorage.getItem(k))", KEY)


def download(page, button) -> tuple[str, str]:
    with page.expect_download() as info:
        button.click()
    got = info.value
    return got.suggested_filename, Path(got.path()).read_text(encoding="utf-8")


def test_incident_from_start_to_export(page_factory, site):
    page, _ = page_factory(site.base, **CONTEXT)
    page.clock.set_fixed_time(at(9, 0))
    open_record(page, site.url(RECORD))
    expect(record(page).locator(".hb-record__nojs")).to_be_hidden()
    start(page)
    page.clock.set_fixed_time(at(9, 5))
    add(page, "主库连接数占满")
    add(page, "暂停批量接口", TEXT["add_decision"])
    assert record(page).get_by_label(TEXT["entry_label"]).evaluate("e => e === document.activeElement")
    texts = log_texts(page)
    assert texts[0].startswith("开始事件记录：部分用户查询发票超时，级别 P2 严重")
    assert texts[1:] == ["主库连接数占满", "暂停批量接口"]
    assert record(page).locator(".hb-record__item--decision .hb-record__who").inner_text() == "记录员甲"
    # P2 每 60 分钟通报一次（data/severity.yml），从开始算起
    reminder = record(page).locator(".hb-record__reminder")
    assert reminder.inner_text() == "下次内部进展通报：2026-11-28 10:00（P2 每 60 分钟通报一次）"

    # 别的页面：提示链接到记录页；组件发出的动作自动记进时间线
    page.goto(site.url("operations/upgrade"))
    flag = page.locator(".hb-incident-flag")
    expect(flag).to_be_visible()
    assert flag.inner_text().startswith("事件记录进行中：部分用户查询发票超时（P2）")
    assert "下次进展通报：10:00" in flag.inner_text()
    page.evaluate("() => HandbookCore.announce('checklist', 'tick', '勾选“升级前检查单”：确认备份')")
    flag.get_by_role("link").click()
    page.wait_for_selector(".hb-record--ready")
    assert log_texts(page)[-1] == "勾选“升级前检查单”：确认备份（系统升级）"
    entry = stored(page)["entries"][-1]
    assert (entry["kind"], entry["widget"], entry["action"], entry["page"]) == (
        "action", "checklist", "tick", "operations/upgrade")

    # 过了通报时间：提醒变成已超时；发出通报后从通报时算起
    page.clock.set_fixed_time(at(10, 1))
    page.reload()
    page.wait_for_selector(".hb-record--ready")
    assert reminder.inner_text().startswith("内部进展通报已超时：应在 2026-11-28 10:00 发出")
    record(page).get_by_role("button", name=TEXT["add_update"]).click()
    assert log_texts(page)[-1] == "已发出第 1 次内部进展通报"
    assert reminder.inner_text().startswith("下次内部进展通报：2026-11-28 11:01")

    # 结束要确认
    record(page).get_by_role("button", name=TEXT["close"]).click()
    expect(record(page).get_by_text(TEXT["close_confirm"])).to_be_visible()
    assert stored(page)["status"] == "open"
    record(page).get_by_role("button", name=TEXT["close_yes"]).click()
    expect(record(page).locator(".hb-record__status--closed")).to_be_visible()
    expect(record(page).get_by_role("button", name=TEXT["reopen"])).to_be_focused()
    expect(record(page).get_by_label(TEXT["entry_label"])).to_be_hidden()

    page.clock.set_fixed_time(at(10, 30))
    name, raw = download(page, record(page).get_by_role("button", name=TEXT["export_json"]))
    data = json.loads(raw)
    valid("incident-record", data)
    assert re.fullmatch(r"incident-20261128-1030-d-[0-9a-z]+\.json", name)
    assert data["handbook"]["version"] and data["handbook"]["commit"]
    assert data["device"]["who"] == "记录员甲"
    assert data["incident"]["status"] == "closed"
    assert data["incident"]["closed_at"] == "2026-11-28T10:01:00+08:00"
    assert [e["kind"] for e in data["incident"]["entries"]] == ["open", "note", "decision", "action", "update", "close"]
    _, md = download(page, record(page).get_by_role("button", name=TEXT["export_markdown"]))
    assert "标题：部分用户查询发票超时\n级别：P2 严重\n" in md
    assert "  2026-11-28 09:05【记录员甲】[决定] 暂停批量接口\n" in md
    assert "恢复时间：2026-11-28 10:01\n" in md

    # 结束后：别的页面不再提示，也不再自动记录
    page.goto(site.url("operations/upgrade"))
    page.wait_for_selector(".hb-incident-flag", state="attached")
    expect(page.locator(".hb-incident-flag")).to_be_hidden()
    page.evaluate("() => HandbookCore.announce('checklist', 'tick', '结束以后的勾选')")
    assert len(stored(page)["entries"]) == 6


def test_print_shows_the_record_without_controls(page_factory, site_url):
    page, _ = page_factory(site_url, **CONTEXT)
    open_record(page, site_url + RECORD + "/")
    start(page)
    add(page, "主库连接数占满")
    page.emulate_media(media="print")
    expect(record(page).locator(".hb-record__log")).to_be_visible()
    expect(record(page).get_by_text("主库连接数占满")).to_be_visible()
    for name in (TEXT["add_note"], TEXT["export_json"], TEXT["close"]):
        expect(record(page).get_by_role("button", name=name)).to_be_hidden()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()


def test_two_tabs_merge_entries_and_keep_what_is_being_typed(page_factory, site_url):
    first, _ = page_factory(site_url, **CONTEXT)
    open_record(first, site_url + RECORD + "/")
    start(first)
    second = first.context.new_page()
    open_record(second, site_url + RECORD + "/")
    expect(record(second).locator(".hb-record__status--open")).to_be_visible()

    # 第二个标签页：正在写一条记录，正在改标题，都还没保存
    record(second).get_by_label(TEXT["entry_label"]).fill("第二个标签页正在写")
    title2 = view(second).get_by_label(TEXT["field_title"])
    title2.fill("第二个标签页的标题")
    title2.focus()

    add(first, "第一个标签页记的")
    view(first).get_by_label(TEXT["field_title"]).fill("第一个标签页的标题")
    view(first).get_by_label(TEXT["field_title"]).press("Tab")

    expect(record(second).get_by_text("第一个标签页记的")).to_be_visible()
    expect(record(second).locator(".hb-record__notice")).to_contain_text("另一个标签页改了标题：“第一个标签页的标题”")
    assert title2.input_value() == "第二个标签页的标题"
    assert record(second).get_by_label(TEXT["entry_label"]).input_value() == "第二个标签页正在写"

    title2.press("Tab")  # 离开输入框：以本页输入的为准
    record(second).get_by_role("button", name=TEXT["add_note"]).click()
    expect(record(first).get_by_text("第二个标签页正在写")).to_be_visible()
    expect(view(first).get_by_label(TEXT["field_title"])).to_have_value("第二个标签页的标题")
    data = stored(first)
    assert [e["text"] for e in data["entries"] if e["kind"] == "note"] == ["第一个标签页记的", "第二个标签页正在写"]
    assert [e["kind"] for e in data["entries"]].count("title") == 2


@pytest.mark.parametrize("script", [
    pytest.param(LOCAL_STORAGE_UNAVAILABLE, marks=pytest.mark.allow_console_errors("Material 读不到 localStorage 时抛错"),
                 id="unavailable"),
    pytest.param(STORAGE_QUOTA_FULL, id="quota"),
])
def test_storage_that_cannot_be_used_still_records_and_exports(page_factory, site_url, script):
    page, log = page_factory(site_url, **CONTEXT)
    page.add_init_script(script)
    open_record(page, site_url + RECORD + "/")
    warning = record(page).locator(".hb-record__warning")
    expect(warning).to_be_visible()
    assert warning.inner_text() == TEXT["storage_memory"]
    start(page)
    add(page, "存不进去也能记")
    _, raw = download(page, record(page).get_by_role("button", name=TEXT["export_json"]))
    data = json.loads(raw)
    valid("incident-record", data)
    assert data["incident"]["entries"][-1]["text"] == "存不进去也能记"
    ours = [e for e in log.console_errors if re.search(r"事件记录|记录合并|incident-|record-", e.split(": ", 1)[-1])]
    assert not ours, log.console_errors


def test_corrupt_record_is_backed_up(page_factory, site_url):
    page, _ = page_factory(site_url, **CONTEXT)
    page.goto(site_url)
    page.evaluate("k => localStorage.setItem(k, 'garbage{')", KEY)
    open_record(page, site_url + RECORD + "/")
    expect(record(page).locator(".hb-record__notice")).to_have_text(TEXT["storage_restored"])
    assert page.evaluate("() => localStorage.getItem('handbook:incident:backup')") == "garbage{"
    start(page)


@pytest.mark.parametrize("value", ["garbage{", "42", "null", "[1, \"x\"]",
                                   json.dumps({"v": 1, "id": "x", "status": "open", "entries": {}})])
def test_garbage_in_every_key_never_throws(page_factory, site_url, value):
    page, _ = page_factory(site_url, **CONTEXT)
    page.goto(site_url)
    page.evaluate("""v => { for (const k of ['handbook:incident:v1', 'handbook:incident:device']) localStorage.setItem(k, v);
      sessionStorage.setItem('handbook:incident:merge:v1', v); }""", value)
    page.goto(site_url + "operations/upgrade/")
    page.wait_for_selector(".hb-incident-flag", state="attached")
    expect(page.locator(".hb-incident-flag")).to_be_hidden()
    open_record(page, site_url + RECORD + "/")
    start(page)
    add(page, "坏值之后照常记录")
    assert stored(page)["entries"][-1]["text"] == "坏值之后照常记录"


# ---------------------------------------------------------------- 合并


def checklist_export(operator: str, ticked: dict[str, str | None], exported: str) -> dict:
    """与 checklist-state.js 的 buildRecord 相同的形状（第 2 版）。"""
    items = [{"id": item_id, "text": text, "level": 0, "checked": ticked.get(item_id) is not None,
              "checked_at": ticked.get(item_id)} for item_id, text in (("t-1", "确认备份"), ("t-2", "通知服务台"))]
    return {"format": "handbook-checklist-record", "schema": 2, "title": "升级前检查单", "mode": "执行后核对",
            "checklist": "before", "page": {"path": "operations/upgrade", "title": "系统升级", "url": ""},
            "exported_at": exported, "progress": {"done": sum(i["checked"] for i in items), "total": 2},
            "record": {"operator": operator, "ticket": "", "start": "", "notes": ""}, "items": items}


def write(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_many_files_bad_ones_named_nothing_lost(page_factory, site, tmp_path):
    page, _ = page_factory(site.base, **CONTEXT)
    page.clock.set_fixed_time(at(9, 0))
    open_record(page, site.url(RECORD))
    start(page)
    page.clock.set_fixed_time(at(9, 3))
    add(page, "本设备记的")
    before = stored(page)
    merge = page.locator(".hb-record-merge")

    other = {"format": "handbook-incident-record", "schema": 1, "handbook": {"version": "1", "commit": "c", "build_date": ""},
             "device": {"id": "d-other", "who": "运维处置人乙"}, "exported_at": "2026-11-28T09:30:00+08:00",
             "incident": {"v": 1, "id": before["id"], "title": "同一事件", "severity": "p2", "severity_label": "P2 严重",
                          "lead": "", "status": "open", "opened_at": before["opened_at"], "closed_at": None,
                          "updated": None, "entries": [
                              {"id": "e-other-1", "at": "2026-11-28T09:02:00+08:00", "who": "运维处置人乙",
                               "device": "d-other", "kind": "note", "text": "主库连不上"}]}}
    first = write(tmp_path, "乙的记录.json", other)
    early = write(tmp_path, "甲的检查单.json", checklist_export("甲", {"t-1": "2026-11-28T09:01:00+08:00"},
                                                              "2026-11-28T09:04:00+08:00"))
    bundle = write(tmp_path, "丙的一页检查单.json", {"checklists": [checklist_export("丙", {}, "2026-11-28T09:20:00+08:00")]})
    merge.locator("input[type=file]").set_input_files([first, early, bundle])
    messages = merge.locator(".hb-merge__messages")
    expect(messages).to_contain_text("已导入：乙的记录.json（事件记录，1 条）")
    expect(messages).to_contain_text("已导入：丙的一页检查单.json（检查单，0 条）")
    timeline = merge.locator(".hb-merge__timeline .hb-record__text").all_inner_texts()
    assert timeline == [stored(page)["entries"][0]["text"], "勾选“升级前检查单”：确认备份", "主库连不上", "本设备记的"]
    expect(merge.locator(".hb-merge__timeline")).to_contain_text("运维处置人乙 · d-other")
    late = "丙 导出时（2026-11-28 09:20）未勾选"
    expect(merge.locator(".hb-merge__conflicts")).to_contain_text(
        f"“升级前检查单”的“确认备份”：甲 2026-11-28 09:01 勾选；{late}，以 {late} 为准")

    # 坏文件、别的程序的文件、版本不对、重复的：各自写明文件名和原因；已导入的和本设备的记录都不变
    bad = [write(tmp_path, "坏的.json", "garbage{"),
           write(tmp_path, "别的.json", {"hello": "world"}),
           write(tmp_path, "旧版.json", dict(checklist_export("丁", {}, "2026-11-28T09:00:00+08:00"), schema=1)),
           write(tmp_path, "成绩单.json", {"format": "handbook-quiz-slip", "schema": 1}),
           write(tmp_path, "又一次.json", first.read_text(encoding="utf-8"))]
    merge.locator("input[type=file]").set_input_files(bad)
    expect(messages).to_contain_text("“坏的.json”没有导入：不是 JSON 文件")
    expect(messages).to_contain_text("“别的.json”没有导入：不是本手册导出的记录")
    expect(messages).to_contain_text("“旧版.json”没有导入：格式版本 1 不受支持（检查单 支持第 2 版）")
    expect(messages).to_contain_text("“成绩单.json”是自测成绩单")
    expect(messages).to_contain_text("“又一次.json”与已导入的“乙的记录.json”内容相同")
    expect(merge.locator(".hb-merge__messages .hb-merge__message--error")).to_have_count(3)
    assert merge.locator(".hb-merge__sources li").count() == 4
    assert stored(page) == before, "导入不改本设备的记录"

    # 刷新后已导入的文件仍在（本标签页）
    page.reload()
    page.wait_for_selector(".hb-record-merge--ready")
    assert merge.locator(".hb-merge__timeline .hb-record__item").count() == 4

    page.clock.set_fixed_time(at(10, 0))
    name, raw = download(page, merge.get_by_role("button", name=TEXT["merge"]["export_json"]))
    assert name == "incident-review-20261128-1000.json"
    data = json.loads(raw)
    valid("merged-timeline", data)
    assert [s["file"] for s in data["sources"]] == [TEXT["merge"]["local"], "乙的记录.json", "甲的检查单.json",
                                                    "丙的一页检查单.json"]
    assert len(data["conflicts"]) == 1 and data["conflicts"][0]["resolved"] == "unchecked"
    _, md = download(page, merge.get_by_role("button", name=TEXT["merge"]["export_review"]))
    assert md.startswith("事件复盘：【事件编号】部分用户查询发票超时\n")
    assert "  2026-11-28 09:02【运维处置人乙 · d-other】主库连不上\n" in md

    merge.get_by_role("button", name=TEXT["merge"]["clear"]).click()
    assert merge.locator(".hb-merge__sources li").count() == 1
    assert stored(page) == before


def test_record_page_passes_axe_with_a_record_and_imports(page_factory, site_url, tmp_path):
    from test_a11y import describe, run_axe

    page, _ = page_factory(site_url, **CONTEXT)
    open_record(page, site_url + RECORD + "/")
    start(page)
    add(page, "主库连接数占满")
    page.locator(".hb-record-merge input[type=file]").set_input_files([write(tmp_path, "坏的.json", "garbage{")])
    expect(page.locator(".hb-merge__message--error")).to_have_count(1)
    result = run_axe(page)
    assert not result["violations"], describe(result["violations"], RECORD)
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


def test_a_real_checklist_export_merges(page_factory, site_url, tmp_path):
    """检查单页面上真实导出的 JSON（不是照着格式手写的）导入后进时间线。"""
    page, _ = page_factory(site_url, **CONTEXT)
    page.goto(site_url + "operations/upgrade/")
    box = page.locator('.hb-checklist[data-checklist="before"]')
    page.wait_for_selector(".hb-checklist--ready")
    box.locator("input[type=checkbox]").first.click(force=True)
    box.get_by_label("执行人").fill("运维处置人乙")
    name, raw = download(page, box.get_by_role("button", name="导出 JSON", exact=True))
    exported = write(tmp_path, name, raw)
    open_record(page, site_url + RECORD + "/")
    merge = page.locator(".hb-record-merge")
    merge.locator("input[type=file]").set_input_files([exported])
    expect(merge.locator(".hb-merge__messages")).to_contain_text(f"已导入：{name}（检查单，1 条）")
    item = merge.locator(".hb-merge__timeline .hb-record__item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("勾选“升级前检查单”：")
    expect(item).to_contain_text("运维处置人乙")
