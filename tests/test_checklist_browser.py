"""检查单在真实 Chromium 中的行为：勾选保存、换页、两个标签页（勾选即时同步、正在输入的文字不被覆盖）、
损坏与不可用的存储、导出（单张与整页，按 data/schemas/ 校验）、发给事件记录的动作、清空、
用户输入不当 HTML、键盘与读屏。主要行为在目录式网址（http）和离线版（file://）上各测一次。

检查单的写法（与 docs/assets/javascripts/checklist.js 开头的说明一致），见下面 FIXTURE_SECTION。
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import LOCAL_STORAGE_UNAVAILABLE, ROOT, STORAGE_QUOTA_FULL, goto_with_instant_navigation, run_build, serve_directory
from test_checklist_core import errors as schema_errors

TZ = dt.timezone(dt.timedelta(hours=8))
CONTEXT = {"timezone_id": "Asia/Shanghai"}
UPGRADE = "operations/upgrade"
MAINTENANCE = "operations/maintenance"
KEY = "handbook:checklist:v2:operations/upgrade:before"
XSS = "<img src=x onerror=alert(1)>"


# ---------------------------------------------------------------- 站点


#: 构建手册需要的文件（复制项目时只复制这些）
#: 小项目从手册借用的部分（主题、宏和钩子与手册相同）；数据取构建失败场景共用的最小数据
PROJECT_PARTS = ("macros", "overrides", "includes", "VERSION")
SMALL_DATA = ROOT / "tests" / "scenarios" / "_base" / "data"
EDIT_PAGE = "operations/backup-restore-test.md"
EDIT_PAGE_HEAD = """---
title: 备份恢复测试
description: 改检查单条目后重新构建的测试页
owner: 运维主管
reviewed: 2026-11-28
review_every: 6
audience: [运维]
type: checklist
---

# 备份恢复测试
"""


def small_project(dest: Path) -> Path:
    """构建失败场景的最小项目加一页检查单：配置取自手册的 mkdocs.yml，只换掉导航。

    改页面后重新构建的测试用它，不必每次重建整本手册。"""
    dest.mkdir(parents=True)
    for name in PROJECT_PARTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(SMALL_DATA, dest / "data")
    shutil.copy2(ROOT / "data" / "jieba_userdict.txt", dest / "data" / "jieba_userdict.txt")
    shutil.copytree(SMALL_DATA.parent / "docs", dest / "docs")
    shutil.copytree(ROOT / "docs" / "assets", dest / "docs" / "assets")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("\nnav:")] + (
        f"\nnav:\n  - 首页: index.md\n  - 处置手册: runbook.md\n  - 备份恢复测试: {EDIT_PAGE}\n")
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


@dataclass
class Site:
    base: str
    offline: bool

    def url(self, page: str) -> str:
        return self.base + (f"{page}.html" if self.offline else f"{page}/")


@pytest.fixture(params=["http", "file"])
def site(request) -> Site:
    """内网版（目录式网址、即时导航）和离线包（file://，x/y.html），都是会话共用的构建。"""
    if request.param == "http":
        return Site(request.getfixturevalue("site_url"), offline=False)
    return Site(request.getfixturevalue("offline_url"), offline=True)


# ---------------------------------------------------------------- 小工具


def open_page(page_factory, site: Site, page_path: str = UPGRADE, **options):
    page, log = new_page(page_factory, site.base, **options)
    page.goto(site.url(page_path))
    ready(page)
    return page, log


def ready(page, cid: str | None = None):
    """等检查单由脚本接管；换页（即时导航）后要写明等哪一张，否则旧页面上的检查单也算数。"""
    page.wait_for_selector(f'.hb-checklist--ready[data-checklist="{cid}"]' if cid else ".hb-checklist--ready")


def checklist(page, cid: str = "before"):
    return page.locator(f'.hb-checklist[data-checklist="{cid}"]')


def boxes(page, cid: str = "before"):
    return checklist(page, cid).locator("input[type=checkbox]")


def stored(page, key: str = KEY):
    return page.evaluate("k => localStorage.getItem(k)", key)


def item_texts(page, cid: str = "before") -> list[str]:
    """条目文字（不含数据文件示例值后面的“示例”标记），与导出的 text 一致。"""
    return checklist(page, cid).locator(".hb-checklist__text").evaluate_all(
        "els => els.map(e => { const c = e.cloneNode(true); c.querySelectorAll('.hb-example')"
        ".forEach(x => x.remove()); return c.textContent.replace(/\\s+/g, ' ').trim(); })")


def download_text(page, button) -> tuple[str, str]:
    with page.expect_download() as info:
        button.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def new_page(page_factory, base: str, **options):
    """page_factory 加上对本脚本异常的记录（带调用栈，才能看出异常来自 checklist.js）。"""
    page, log = page_factory(base, **{**CONTEXT, **options})
    log.engine_errors = []

    def record(exc):
        text = f"{exc}\n{getattr(exc, 'stack', '') or ''}"
        if "checklist.js" in text or "检查单" in text:
            log.engine_errors.append(text)

    page.on("pageerror", record)
    page.on("console", lambda msg: msg.type in ("error", "warning") and (
        "checklist.js" in (msg.location or {}).get("url", "") or "检查单" in msg.text)
        and log.engine_errors.append(msg.text))
    return page, log


def footer_stamp(page) -> dict:
    """页脚的构建标记（每份导出的 handbook 字段应与它相同）。"""
    return page.evaluate("() => { const d = document.querySelector('.hb-build').dataset;"
                         " return {version: d.version || '', commit: d.commit || '', build_date: d.buildDate || ''}; }")


def no_errors(log):
    assert not log.offsite, log.offsite
    assert not log.engine_errors, log.engine_errors


# ---------------------------------------------------------------- 保存与同步


def test_tick_survives_reload(page_factory, site):
    page, log = open_page(page_factory, site)
    first, third = boxes(page).nth(0), boxes(page).nth(2)
    first.click()
    checklist(page).locator(".hb-checklist__text").nth(2).click()  # 点条目文字也能勾选
    assert first.is_checked() and third.is_checked()
    assert checklist(page).locator(".hb-checklist__time time").count() == 2
    page.reload()
    ready(page)
    assert first.is_checked() and third.is_checked()
    assert not boxes(page).nth(1).is_checked()
    total = boxes(page).count()
    assert checklist(page).get_by_role("status").inner_text() == f"已完成 2 项，共 {total} 项"
    assert checklist(page).locator(".hb-checklist__time time").count() == 2
    assert checklist(page).locator(".hb-checklist__warning").is_hidden()
    state = json.loads(stored(page))
    assert state["v"] == 2 and len(state["items"]) == 2
    no_errors(log)


def test_navigate_away_and_back(page_factory, site):
    page, log = open_page(page_factory, site)
    boxes(page).nth(1).click()
    page.locator(".md-content a", has_text="预防性维护").first.click()
    page.wait_for_url(re.compile("maintenance"))
    ready(page, "daily")
    assert not boxes(page, "daily").nth(0).is_checked()
    boxes(page, "daily").nth(0).click()
    page.go_back()
    ready(page, "before")
    assert boxes(page).nth(1).is_checked()
    assert not boxes(page).nth(0).is_checked()
    page.locator(".md-content a", has_text="预防性维护").first.click()
    ready(page, "daily")
    assert boxes(page, "daily").nth(0).is_checked()
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('handbook:checklist:v2:')).sort()")
    assert keys == ["handbook:checklist:v2:operations/maintenance:daily", KEY]
    no_errors(log)


def test_two_tabs_stay_in_step(page_factory, site):
    first, log = open_page(page_factory, site)
    second = first.context.new_page()
    second.goto(site.url(UPGRADE))
    ready(second)
    boxes(first).nth(0).click()
    second.wait_for_function(
        "() => document.querySelector('.hb-checklist[data-checklist=before] input[type=checkbox]').checked")
    assert second.locator('.hb-checklist[data-checklist="before"] .hb-checklist__time time').count() == 1
    checklist(first).get_by_label("执行人").fill("值班工程师甲")
    expect_value(second, "执行人", "值班工程师甲")
    boxes(second).nth(0).uncheck()
    boxes(second).nth(3).check()
    first.wait_for_function(
        "() => { const b = document.querySelectorAll('.hb-checklist[data-checklist=before] input[type=checkbox]');"
        " return !b[0].checked && b[3].checked; }")
    assert checklist(first).get_by_role("status").inner_text().startswith("已完成 1 项")
    no_errors(log)


def expect_value(page, label: str, value: str):
    field = checklist(page).get_by_label(label, exact=True)
    page.wait_for_function("([el, v]) => el.value === v", arg=[field.element_handle(), value])


def test_corrupt_storage_is_backed_up_and_the_list_stays_usable(page_factory, site):
    page, log = open_page(page_factory, site)
    page.evaluate("k => localStorage.setItem(k, '{\"v\":2,\"items\":{not json')", KEY)
    page.reload()
    ready(page)
    warning = checklist(page).locator(".hb-checklist__warning")
    assert warning.is_visible()
    assert "已损坏" in warning.inner_text() and "不会恢复" in warning.inner_text()
    assert warning.get_attribute("role") == "alert"
    assert checklist(page, "plan").locator(".hb-checklist__warning").is_hidden(), "其他检查单不受影响"
    assert stored(page, "handbook:checklist:backup:operations/upgrade:before") == '{"v":2,"items":{not json'
    boxes(page).nth(2).click()
    assert boxes(page).nth(2).is_checked()
    page.reload()
    ready(page)
    assert boxes(page).nth(2).is_checked()
    assert checklist(page).locator(".hb-checklist__warning").is_hidden()
    no_errors(log)


def test_older_version_is_migrated(page_factory, site):
    page, log = open_page(page_factory, site)
    texts = item_texts(page)
    old = {"done": [texts[1].replace("，", ","), "一条已经删掉的旧条目"], "operator": "值班工程师乙",
           "ticket": "CHG-1", "notes": "旧备注"}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  ["handbook-checklist:operations/upgrade#before", json.dumps(old, ensure_ascii=False)])
    page.reload()
    ready(page)
    assert [b.is_checked() for b in boxes(page).all()][:3] == [False, True, False]
    assert checklist(page).locator(".hb-checklist__time").nth(1).inner_text() == "勾选时间未知"
    assert checklist(page).get_by_label("执行人").input_value() == "值班工程师乙"
    assert checklist(page).get_by_label("备注").input_value() == "旧备注"
    assert stored(page, "handbook-checklist:operations/upgrade#before") is None
    state = json.loads(stored(page))
    assert list(state["items"]) == [boxes(page).nth(1).get_attribute("data-item-id")]
    no_errors(log)


@pytest.mark.parametrize("script", [
    # 存储整个不可用时，Material 主题自己的脚本读 localStorage 会抛错（不是检查单的错误，检查单的错误由 no_errors 检查）
    pytest.param(LOCAL_STORAGE_UNAVAILABLE, marks=pytest.mark.allow_console_errors("Material 读不到 localStorage 时抛错"),
                 id="unavailable"),
    pytest.param(STORAGE_QUOTA_FULL, id="quota"),
])
def test_storage_that_cannot_be_used_leaves_the_list_usable(page_factory, site_url, script):
    page, log = new_page(page_factory, site_url)
    page.add_init_script(script)
    page.goto(site_url + "operations/upgrade/")
    ready(page)
    warning = checklist(page).locator(".hb-checklist__warning")
    assert warning.is_visible()
    assert "刷新本页为止" in warning.inner_text() and "导出" in warning.inner_text()
    boxes(page).nth(0).click()
    checklist(page).get_by_label("执行人").fill("值班工程师丙")
    assert boxes(page).nth(0).is_checked()
    assert checklist(page).get_by_role("status").inner_text().startswith("已完成 1 项")
    _, text = download_text(page, checklist(page).get_by_role("button", name="导出 JSON"))
    assert json.loads(text)["record"]["operator"] == "值班工程师丙"
    _, text = download_text(page, page.get_by_role("button", name="导出本页全部检查单（JSON）"))
    assert json.loads(text)["checklists"][1]["record"]["operator"] == "值班工程师丙"
    page.reload()
    ready(page)
    assert not boxes(page).nth(0).is_checked(), "不能保存时，刷新后勾选不保留（页面已提示）"
    no_errors(log)


# ---------------------------------------------------------------- 导出、打印、清空


def test_export_markdown_and_json_field_by_field(page_factory, site):
    page, log = new_page(page_factory, site.base)
    page.clock.set_fixed_time(dt.datetime(2026, 11, 28, 9, 5, 0, tzinfo=TZ))
    page.goto(site.url(UPGRADE))
    ready(page)
    box = checklist(page)
    boxes(page).nth(0).click()
    boxes(page).nth(4).click()  # 带固定编号 backup-restored 的条目
    page.clock.set_fixed_time(dt.datetime(2026, 11, 28, 9, 40, 0, tzinfo=TZ))
    box.get_by_label("执行人").fill("值班工程师甲")
    box.get_by_label("变更或事件编号").fill("CHG-2026-118")
    box.get_by_label("备注").fill("第一行\n第二行 *不是强调*")
    page.clock.set_fixed_time(dt.datetime(2026, 11, 28, 10, 30, 0, tzinfo=TZ))
    texts = item_texts(page)
    ids = [b.get_attribute("data-item-id") for b in boxes(page).all()]
    assert ids[4] == "backup-restored"

    name, md = download_text(page, box.get_by_role("button", name="导出 Markdown"))
    assert name == "operations-upgrade-before-20261128-1030.md"
    lines = md.split("\n")
    assert lines[0] == "# 执行记录：升级前检查单"
    assert lines[2] == "- 页面：系统升级（operations/upgrade）"
    assert lines[3] == "- 检查单：升级前检查单（before，执行后核对）"
    assert lines[4] == "- 执行人：值班工程师甲"
    assert lines[5] == "- 变更或事件编号：CHG-2026-118"
    assert lines[6] == "- 开始时间：2026-11-28 09:05"  # 第一次勾选的时间
    assert lines[7] == "- 导出时间：2026-11-28 10:30"
    assert lines[8] == f"- 进度：已完成 2 项，共 {len(texts)} 项"
    stamp = footer_stamp(page)
    assert stamp["version"] and stamp["commit"] and stamp["build_date"]
    assert lines[9] == f"- 手册版本：{stamp['version']}（提交 {stamp['commit']}，构建于 {stamp['build_date']}）"
    items = lines[lines.index("## 检查项") + 2: lines.index("## 备注") - 1]
    assert len(items) == len(texts)
    for index, (line, text) in enumerate(zip(items, texts)):
        if index in (0, 4):
            assert line == f"- [x] {text}（勾选于 2026-11-28 09:05）"
        else:
            assert line == f"- [ ] {text}"
    assert md.endswith("## 备注\n\n```text\n第一行\n第二行 *不是强调*\n```\n")

    name, raw = download_text(page, box.get_by_role("button", name="导出 JSON"))
    assert name == "operations-upgrade-before-20261128-1030.json"
    data = json.loads(raw)
    assert schema_errors("checklist.schema.json", data) == []
    assert data["format"] == "handbook-checklist-record" and data["schema"] == 2
    assert data["handbook"] == stamp
    assert data["title"] == "升级前检查单"
    assert data["mode"] == "执行后核对"
    assert data["checklist"] == "before"
    assert data["page"]["path"] == "operations/upgrade"
    assert data["page"]["title"] == "系统升级"
    assert data["page"]["url"] == site.url(UPGRADE)
    assert data["exported_at"] == "2026-11-28T10:30:00+08:00"
    assert data["progress"] == {"done": 2, "total": len(texts)}
    assert data["record"] == {"operator": "值班工程师甲", "ticket": "CHG-2026-118",
                              "start": "2026-11-28T09:05:00+08:00", "notes": "第一行\n第二行 *不是强调*"}
    assert [i["id"] for i in data["items"]] == ids
    assert [i["text"] for i in data["items"]] == texts
    assert [i["checked"] for i in data["items"]] == [i in (0, 4) for i in range(len(texts))]
    assert [i["checked_at"] for i in data["items"]] == [
        "2026-11-28T09:05:00+08:00" if i in (0, 4) else None for i in range(len(texts))]
    no_errors(log)


def test_print_shows_boxes_and_record_without_navigation(page_factory, site_url):
    page, log = new_page(page_factory, site_url)
    page.add_init_script("""
      window.print = () => {
        window.__printed = {
          body: document.body.className,
          shown: [...document.querySelectorAll('.hb-checklist')]
            .filter(e => getComputedStyle(e).display !== 'none').map(e => e.dataset.checklist),
          nav: getComputedStyle(document.querySelector('.md-sidebar--primary')).display,
          header: getComputedStyle(document.querySelector('.md-header')).display,
        };
      };
    """)
    page.goto(site_url + "operations/upgrade/")
    ready(page)
    boxes(page).nth(0).click()
    checklist(page).get_by_label("备注").fill("打印的备注\n第二行")
    page.emulate_media(media="print")
    # 打印样式下按钮本身隐藏，所以直接派发点击事件
    checklist(page).locator(".hb-checklist__actions button", has_text="打印本检查单").dispatch_event("click")
    printed = page.evaluate("window.__printed")
    assert "hb-print-one" in printed["body"]
    assert printed["shown"] == ["before"]
    assert printed["nav"] == "none" and printed["header"] == "none"
    assert "hb-print-one" not in page.evaluate("document.body.className"), "打印后恢复原样"
    box = checklist(page)
    assert box.locator(".hb-checklist__actions").is_hidden()
    assert box.get_by_label("备注").is_hidden()
    notes = box.locator(".hb-checklist__print-notes")
    assert notes.is_visible() and notes.inner_text() == "打印的备注\n第二行"
    assert boxes(page).nth(0).is_visible() and boxes(page).nth(0).is_checked()
    assert box.get_by_label("执行人").is_visible()
    no_errors(log)


def test_reset_asks_first_and_offers_export(page_factory, site):
    page, log = open_page(page_factory, site)
    box = checklist(page)
    boxes(page).nth(0).click()
    boxes(page).nth(1).click()
    box.get_by_label("执行人").fill("值班工程师甲")
    box.get_by_label("备注").fill("备注")
    box.get_by_role("button", name="清空重来").click()
    dialog = page.get_by_role("dialog", name="清空“升级前检查单”？")
    assert dialog.is_visible()
    assert "不能恢复" in dialog.inner_text()
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert boxes(page).nth(0).is_checked(), "取消后不清空"

    box.get_by_role("button", name="清空重来").click()
    dialog.get_by_role("button", name="取消").click()
    assert boxes(page).nth(1).is_checked()

    box.get_by_role("button", name="清空重来").click()
    _, md = download_text(page, dialog.get_by_role("button", name="先导出 Markdown"))
    assert "- 执行人：值班工程师甲" in md and md.count("- [x] ") == 2
    _, raw = download_text(page, dialog.get_by_role("button", name="先导出 JSON"))
    assert json.loads(raw)["progress"]["done"] == 2
    assert dialog.is_visible(), "导出后对话框仍在，等用户确认"
    dialog.get_by_role("button", name="清空", exact=True).click()
    assert dialog.is_hidden()
    assert not any(b.is_checked() for b in boxes(page).all())
    assert box.get_by_label("执行人").input_value() == ""
    assert box.get_by_label("备注").input_value() == ""
    assert box.locator(".hb-checklist__time time").count() == 0
    assert stored(page) is None
    assert checklist(page, "plan").locator(".hb-checklist__record").count() == 1
    page.reload()
    ready(page)
    assert not any(b.is_checked() for b in boxes(page).all())
    no_errors(log)


def test_user_text_is_never_html(page_factory, site):
    page, log = open_page(page_factory, site)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    box = checklist(page)
    box.get_by_label("执行人").fill(XSS)
    box.get_by_label("变更或事件编号").fill(XSS)
    box.get_by_label("备注").fill(f"前 {XSS} 后")
    boxes(page).nth(0).click()
    second = page.context.new_page()
    second.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    second.goto(site.url(UPGRADE))
    ready(second)
    page.reload()
    ready(page)
    box = checklist(page)
    box.get_by_label("备注").fill(f"再改 {XSS}")  # 经 storage 事件送到第二个标签页
    expect_value(second, "备注", f"再改 {XSS}")
    for tab in (page, second):
        assert tab.locator("img[src=x]").count() == 0
        assert checklist(tab).get_by_label("执行人").input_value() == XSS
        assert checklist(tab).locator(".hb-checklist__print-notes").text_content() == f"再改 {XSS}"
    _, md = download_text(page, box.get_by_role("button", name="导出 Markdown"))
    assert "- 执行人：\\<img src=x onerror=alert(1)\\>" in md
    assert f"```text\n再改 {XSS}\n```" in md
    assert dialogs == []
    no_errors(log)


# ---------------------------------------------------------------- 无障碍


def test_boxes_have_labels_and_keyboard_works(page_factory, site_url):
    page, log = new_page(page_factory, site_url)
    page.goto(site_url + "operations/upgrade/")
    ready(page)
    for cid in ("plan", "before", "during", "after"):
        # 可访问名称就是条目的全部文字（含“示例”标记）
        labels = checklist(page, cid).locator(".hb-checklist__text").evaluate_all(
            "els => els.map(e => e.textContent.replace(/\\s+/g, ' ').trim())")
        assert labels and all(labels) and len(labels) == boxes(page, cid).count()
        for text in labels:
            name = re.compile(r"^\s*" + r"\s*".join(map(re.escape, text.replace(" ", ""))) + r"\s*$")
            assert checklist(page, cid).get_by_role("checkbox", name=name).count() == 1, text
        group = checklist(page, cid)
        assert group.get_attribute("role") == "group"
        assert group.get_by_role("status").count() == 1
        for label in ("执行人", "变更或事件编号", "开始时间", "备注"):
            assert group.get_by_label(label, exact=True).count() == 1
    first = boxes(page).nth(0)
    first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.itemId") == first.get_attribute("data-item-id")
    outline = first.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "键盘聚焦时有可见的焦点框"
    page.keyboard.press("Space")
    assert first.is_checked()
    assert checklist(page).get_by_role("status").inner_text().startswith("已完成 1 项")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert boxes(page).nth(1).is_checked()
    size = first.bounding_box()
    assert size["width"] >= 16 and size["height"] >= 16, "复选框有真实的可点击大小"
    assert page.locator(".hb-checklist .task-list-indicator").count() == 0
    no_errors(log)


def test_task_lists_outside_checklists_stay_read_only(page_factory, site_url):
    page, _ = new_page(page_factory, site_url)
    page.goto(site_url + "operations/upgrade/")
    ready(page)
    page.evaluate("""() => {
      const div = document.createElement('div');
      div.innerHTML = '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
        + '<input type="checkbox" disabled><span class="task-list-indicator"></span></label> 只读</li></ul>';
      document.querySelector('.md-content__inner').appendChild(div);
      HandbookChecklist.enhance(document);
    }""")
    assert page.locator(".md-content__inner > div:last-child input").is_disabled()
    assert len(page.evaluate("HandbookChecklist.instances().map(i => i.id)")) == 4


# ---------------------------------------------------------------- 改过的检查单、即时导航

# 小项目里检查单页的正文：一张检查单，改条目后重新构建。
FIXTURE_SECTION = """

## 测试用检查单

<div class="hb-checklist" data-checklist="demo" data-title="示例检查单" data-mode="read-do" markdown="1">

{items}

</div>
"""
BEFORE_EDIT = [
    "- [ ] 确认备份作业成功",
    "- [ ] 核对记录数与备份报告一致",
    "- [ ] 抽查二十张发票",
    '- [ ] <span data-item="restore-env">准备隔离的恢复环境</span>',
    "- [ ] 删除恢复环境里的数据",
]
AFTER_EDIT = [
    "- [ ] 核对记录数，与备份报告一致。",  # 换了位置、改了标点：仍是同一条
    "- [ ] 确认 备份作业 成功",  # 只改空格：仍是同一条
    "- [ ] 抽查三十张发票",  # 改了意思：新条目
    '- [ ] <span data-item="restore-env">准备与生产隔离的恢复环境</span>',  # 固定编号：保留
    "- [ ] 记下恢复耗时",  # 新加的条目
]


@pytest.fixture(params=["http", "file"])
def editable(request, tmp_path):
    """小项目：内网版（按实际提供的地址构建）或离线包（HANDBOOK_OFFLINE=true），改页面后重新构建。"""
    offline = request.param == "file"
    project = small_project(tmp_path / "project")
    page_file = project / "docs" / EDIT_PAGE
    page_file.parent.mkdir(parents=True, exist_ok=True)
    original = EDIT_PAGE_HEAD
    site = tmp_path / "site"
    site.mkdir()
    server = None
    if offline:
        env, base = {"HANDBOOK_OFFLINE": "true"}, site.as_uri() + "/"
    else:
        server, base = serve_directory(site)
        env = {"HANDBOOK_SITE_URL": base}

    def write(items):
        page_file.write_text(original + FIXTURE_SECTION.format(items="\n".join(items)), encoding="utf-8")
        result = run_build(project, site, **env)
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"

    write(BEFORE_EDIT)
    yield Site(base, offline=offline), write
    if server:
        server.shutdown()


def test_edited_checklist_keeps_unrelated_ticks_and_drops_the_changed_one(page_factory, editable):
    site, write = editable
    page, log = new_page(page_factory, site.base)
    page.goto(site.url("operations/backup-restore-test"))
    ready(page)
    ids = [b.get_attribute("data-item-id") for b in boxes(page, "demo").all()]
    assert ids[3] == "restore-env"
    for index in range(4):
        boxes(page, "demo").nth(index).click()
    old_changed = ids[2]

    write(AFTER_EDIT)
    page.reload()
    ready(page)
    assert item_texts(page, "demo") == ["核对记录数，与备份报告一致。", "确认 备份作业 成功", "抽查三十张发票",
                                        "准备与生产隔离的恢复环境", "记下恢复耗时"]
    assert [b.is_checked() for b in boxes(page, "demo").all()] == [True, True, False, True, False]
    new_ids = [b.get_attribute("data-item-id") for b in boxes(page, "demo").all()]
    assert new_ids[:2] == [ids[1], ids[0]] and new_ids[3] == "restore-env"
    assert old_changed not in new_ids
    assert checklist(page, "demo").get_by_role("status").inner_text() == "已完成 3 项，共 5 项"
    _, raw = download_text(page, checklist(page, "demo").get_by_role("button", name="导出 JSON"))
    assert [i["id"] for i in json.loads(raw)["items"]] == new_ids
    boxes(page, "demo").nth(4).click()
    state = json.loads(stored(page, "handbook:checklist:v2:operations/backup-restore-test:demo"))
    assert sorted(state["items"]) == sorted([ids[0], ids[1], "restore-env", new_ids[4]])
    no_errors(log)


def test_instant_navigation_reinitialises_once_per_page(page_factory, site_url):
    page, log = new_page(page_factory, site_url)
    goto_with_instant_navigation(page, site_url + "operations/upgrade/")
    ready(page)
    page.evaluate("window.__sameDocument = true")
    boxes(page).nth(0).click()
    page.locator(".md-content a", has_text="预防性维护").first.click()
    page.wait_for_url(re.compile("maintenance"))
    ready(page, "daily")
    assert page.evaluate("window.__sameDocument") is True, "即时导航没有重新加载页面"
    boxes(page, "daily").nth(0).click()
    page.locator(".md-content a", has_text="系统升级").first.click()
    page.wait_for_url(re.compile("upgrade"))
    page.wait_for_selector('.hb-checklist--ready[data-checklist="before"]')
    assert page.evaluate("window.__sameDocument") is True
    assert boxes(page).nth(0).is_checked()
    assert checklist(page).locator(".hb-checklist__head").count() == 1
    assert checklist(page).locator(".hb-checklist__record").count() == 1
    assert page.locator(".hb-checklist-page").count() == 1, "整页导出一栏只有一个"
    assert page.evaluate("HandbookChecklist.instances().map(i => i.page + ':' + i.id)") == [
        "operations/upgrade:plan", "operations/upgrade:before", "operations/upgrade:during",
        "operations/upgrade:after"]
    boxes(page).nth(1).click()
    assert boxes(page).nth(1).is_checked()
    keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('handbook:checklist:v2:')).sort()")
    assert keys == ["handbook:checklist:v2:operations/maintenance:daily", KEY]
    assert len(json.loads(stored(page))["items"]) == 2
    no_errors(log)


# ---------------------------------------------------------------- 整页导出

def test_one_action_exports_every_checklist_on_the_page(page_factory, site):
    page, log = new_page(page_factory, site.base)
    page.clock.set_fixed_time(dt.datetime(2026, 11, 28, 9, 5, 0, tzinfo=TZ))
    page.goto(site.url(UPGRADE))
    ready(page)
    bar = page.locator(".hb-checklist-page")
    assert bar.count() == 1
    assert page.get_by_role("group", name="本页全部检查单").count() == 1
    assert page.evaluate("() => document.querySelector('.hb-checklist[data-checklist=after]')"
                         ".nextElementSibling.classList.contains('hb-checklist-page')"), "在最后一张检查单下面"
    boxes(page, "plan").nth(0).click()
    boxes(page, "after").nth(1).click()
    checklist(page).get_by_label("执行人").fill("值班工程师甲")
    page.clock.set_fixed_time(dt.datetime(2026, 11, 28, 10, 30, 0, tzinfo=TZ))

    name, raw = download_text(page, bar.get_by_role("button", name="导出本页全部检查单（JSON）"))
    assert name == "operations-upgrade-checklists-20261128-1030.json"
    data = json.loads(raw)
    assert schema_errors("checklist-page.schema.json", data) == []
    assert list(data) == ["schema", "kind", "handbook", "page", "exported_at", "checklists"]
    assert data["schema"] == 1 and data["kind"] == "checklist-page"
    assert data["handbook"] == footer_stamp(page)
    assert data["page"] == {"path": UPGRADE, "title": "系统升级", "url": site.url(UPGRADE)}
    assert data["exported_at"] == "2026-11-28T10:30:00+08:00"
    cids = ["plan", "before", "during", "after"]
    assert [c["checklist"] for c in data["checklists"]] == cids
    assert [c["progress"]["done"] for c in data["checklists"]] == [1, 0, 0, 1]
    for cid, rec in zip(cids, data["checklists"]):  # 与每张检查单自己的“导出 JSON”逐字相同
        _, single = download_text(page, checklist(page, cid).get_by_role("button", name="导出 JSON"))
        assert json.loads(single) == rec
        assert schema_errors("checklist.schema.json", json.loads(single)) == []

    name, md = download_text(page, bar.get_by_role("button", name="导出本页全部检查单（Markdown）"))
    assert name == "operations-upgrade-checklists-20261128-1030.md"
    lines = md.split("\n")
    stamp = footer_stamp(page)
    assert lines[:6] == [
        "# 执行记录：系统升级（本页全部检查单）", "", "- 页面：系统升级（operations/upgrade）",
        "- 导出时间：2026-11-28 10:30",
        f"- 手册版本：{stamp['version']}（提交 {stamp['commit']}，构建于 {stamp['build_date']}）",
        f"- 检查单：共 4 张；已完成 2 项，共 {sum(c['progress']['total'] for c in data['checklists'])} 项"]
    assert [line for line in lines if line.startswith("## ")] == [
        "## 计划检查单", "## 升级前检查单", "## 升级中检查单", "## 升级后检查单"]
    assert "- 执行人：值班工程师甲" in lines and md.count("- [x] ") == 2
    no_errors(log)


def test_pages_with_one_checklist_have_no_page_export(page_factory, site):
    page, log = open_page(page_factory, site, "operations/restore")
    assert page.locator(".hb-checklist--ready").count() == 1
    assert page.locator(".hb-checklist-page").count() == 0
    no_errors(log)


# ---------------------------------------------------------------- 发给事件记录的动作

RECORD_ACTIONS = "window.__actions = []; document.addEventListener('handbook:action', e => window.__actions.push(e.detail));"


def test_ticks_and_notes_are_announced_for_the_incident_record(page_factory, site):
    page, log = new_page(page_factory, site.base)
    page.add_init_script(RECORD_ACTIONS)
    page.goto(site.url(UPGRADE))
    ready(page)
    texts = item_texts(page)
    boxes(page).nth(0).click()
    boxes(page).nth(2).click()
    boxes(page).nth(0).click()
    notes = checklist(page).get_by_label("备注")
    long_note = "09:10 停止写入，" + "很长的备注" * 10
    notes.fill(long_note)
    notes.blur()
    actions = page.evaluate("window.__actions")
    assert [(a["widget"], a["kind"], a["text"]) for a in actions] == [
        ("checklist", "tick", f"升级前检查单：{texts[0]}"),
        ("checklist", "tick", f"升级前检查单：{texts[2]}"),
        ("checklist", "untick", f"升级前检查单：{texts[0]}"),
        ("checklist", "note", "升级前检查单：备注已更新：" + long_note[:40] + "……"),  # 只带前 40 个字
    ]
    assert {a["page"] for a in actions} == {UPGRADE}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", a["at"]) for a in actions)
    no_errors(log)


# ---------------------------------------------------------------- 两个标签页同时输入

#: 让第二个标签页暂时收不到 storage 事件：模拟两人几乎同时输入（对方的改动还没送到，这边已经在打字）
HOLD_STORAGE_EVENTS = """
window.__hold = false;
window.__held = [];
window.addEventListener('storage', (e) => {
  if (window.__hold) { e.stopImmediatePropagation(); window.__held.push(e.key); }
}, true);
"""
RELEASE = ("() => { window.__hold = false; window.__held.forEach(k => window.dispatchEvent("
           "new StorageEvent('storage', {key: k}))); window.__held = []; }")
DRAFT = "handbook:checklist:draft:operations/upgrade:before"


def conflict(page, field: str):
    return checklist(page).get_by_role("group", name=f"另一个标签页也改了“{field}”")


def stored_record(page) -> dict:
    return json.loads(stored(page))["record"]


def wait_for_stored(page, field: str, value: str) -> None:
    """等到本标签页的 localStorage 里读得到另一个标签页写下的 record[field]。"""
    page.wait_for_function(
        "([key, field, value]) => { try { return JSON.parse(localStorage.getItem(key)).record[field] === value; }"
        " catch (e) { return false; } }", arg=[KEY, field, value])


def test_two_tabs_never_overwrite_text_being_typed(page_factory, site):
    first, log = open_page(page_factory, site)
    second = first.context.new_page()
    second.add_init_script(HOLD_STORAGE_EVENTS)
    second.on("dialog", lambda d: d.accept())  # 有未解决的冲突时，刷新前浏览器会先问
    second.goto(site.url(UPGRADE))
    ready(second)
    notes_a, notes_b = (checklist(tab).get_by_label("备注", exact=True) for tab in (first, second))

    # 一边写完、另一边才接着写：即时同步，接着写的内容接在后面
    notes_a.fill("甲：09:10 停止写入")
    expect_value(second, "备注", "甲：09:10 停止写入")
    notes_b.click()
    notes_b.press("End")
    second.keyboard.type("；乙：09:12 开始备份")
    expect_value(first, "备注", "甲：09:10 停止写入；乙：09:12 开始备份")
    assert conflict(first, "备注").count() == 0 and conflict(second, "备注").count() == 0

    # 两边几乎同时改：第二个标签页还没收到第一个的改动就在打字
    second.evaluate("window.__hold = true")
    mine = "甲：09:10 停止写入；乙：09:12 开始备份\n乙：09:16 抽查恢复"
    theirs = "甲：09:10 停止写入\n甲：09:15 备份完成"
    notes_a.fill(theirs)
    boxes(first).nth(0).click()
    # 两个标签页的 localStorage 不是同步可见的：等第二个标签页读得到第一个写下的值（事件仍被扣住）
    wait_for_stored(second, "notes", theirs)
    notes_b.press("End")
    second.keyboard.type("\n乙：09:16 抽查恢复")
    panel = conflict(second, "备注")
    assert panel.is_visible()
    assert panel.locator(".hb-checklist__conflict-remote").inner_text() == theirs
    assert notes_b.input_value() == mine, "这边输入的文字留在输入框里"
    assert stored_record(second)["notes"] == theirs, "另一个标签页保存的文字没有被覆盖"
    assert notes_a.input_value() == theirs and conflict(first, "备注").count() == 0
    assert json.loads(second.evaluate("k => sessionStorage.getItem(k)", DRAFT)) == {"notes": mine}
    boxes(second).nth(3).click()  # 冲突期间照常勾选，不影响两份文字
    assert stored_record(second)["notes"] == theirs

    second.evaluate(RELEASE)  # 迟到的事件：勾选即时显示，冲突仍在
    second.wait_for_function(
        "() => document.querySelectorAll('.hb-checklist[data-checklist=before] input[type=checkbox]')[0].checked")
    assert panel.is_visible() and notes_b.input_value() == mine

    second.reload()  # 刷新后冲突还在，这边的文字从草稿里恢复
    ready(second)
    assert conflict(second, "备注").is_visible() and notes_b.input_value() == mine
    assert [b.is_checked() for b in boxes(second).all()][:4] == [True, False, False, True]

    conflict(second, "备注").get_by_role("button", name="合并两份").click()
    merged = mine + "\n甲：09:15 备份完成".replace("\n", "\n甲：09:10 停止写入\n", 1)
    assert notes_b.input_value() == merged
    assert conflict(second, "备注").count() == 0
    assert second.evaluate("document.activeElement.name") == "notes"
    assert stored_record(second)["notes"] == merged
    expect_value(first, "备注", merged)
    assert second.evaluate("k => sessionStorage.getItem(k)", DRAFT) is None

    # 另两种选择：改用另一个标签页的文字、保留这里的文字
    operator_a, operator_b = (checklist(tab).get_by_label("执行人", exact=True) for tab in (first, second))
    second.evaluate("window.__hold = true")
    operator_a.fill("值班工程师甲")
    wait_for_stored(second, "operator", "值班工程师甲")
    operator_b.type("值班工程师乙")
    conflict(second, "执行人").get_by_role("button", name="改用另一个标签页的文字").click()
    assert operator_b.input_value() == "值班工程师甲" and stored_record(first)["operator"] == "值班工程师甲"
    operator_a.fill("值班工程师甲、丙")
    wait_for_stored(second, "operator", "值班工程师甲、丙")
    operator_b.press("End")
    operator_b.type("、乙")
    assert conflict(second, "执行人").is_visible()
    conflict(second, "执行人").get_by_role("button", name="保留这里的文字").click()
    second.evaluate(RELEASE)
    wait_for_stored(first, "operator", "值班工程师甲、乙")  # 第一个标签页读得到第二个保留的文字
    expect_value(first, "执行人", "值班工程师甲、乙")
    assert conflict(second, "执行人").count() == 0 and conflict(first, "执行人").count() == 0
    no_errors(log)


@pytest.mark.parametrize("value", ["garbage{", "42", "null", '[1, "x", null]', '{"notes": 5, "v": 2}'])
def test_a_broken_draft_in_session_storage_is_ignored(page_factory, site_url, value):
    page, log = new_page(page_factory, site_url)
    page.goto(site_url)
    page.evaluate("([k, v]) => sessionStorage.setItem(k, v)", [DRAFT, value])
    page.goto(site_url + "operations/upgrade/")
    ready(page)
    assert page.locator(".hb-checklist__conflict").count() == 0
    checklist(page).get_by_label("备注", exact=True).fill("照常保存")
    assert stored_record(page)["notes"] == "照常保存"
    assert page.evaluate("k => sessionStorage.getItem(k)", DRAFT) is None, "没有冲突时不留草稿"
    no_errors(log)


COMPOSE = """([el, text]) => {
  el.focus();
  el.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true}));
  el.value = el.value + text;
  el.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true}));
}"""
COMMIT = """([el, text]) => {
  el.value = el.value.replace(/[a-z]+$/, text);
  el.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true}));
  el.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: text}));
}"""


def test_typing_with_an_input_method_is_not_cut_off_by_the_other_tab(page_factory, site_url):
    first, log = open_page(page_factory, Site(site_url, offline=False))
    second = first.context.new_page()
    second.goto(site_url + "operations/upgrade/")
    ready(second)
    notes_a, notes_b = (checklist(tab).get_by_label("备注", exact=True) for tab in (first, second))
    notes_a.fill("甲：停止写入")
    expect_value(second, "备注", "甲：停止写入")
    second.evaluate(COMPOSE, [notes_b.element_handle(), "beifen"])  # 拼音还没选字：不保存
    assert stored_record(first)["notes"] == "甲：停止写入"
    notes_a.fill("甲：停止写入，已通知服务台")
    first.wait_for_timeout(300)  # 让 storage 事件送到第二个标签页
    assert notes_b.input_value() == "甲：停止写入beifen", "拼写中的输入框不被换掉"
    second.evaluate(COMMIT, [notes_b.element_handle(), "备份"])
    assert conflict(second, "备注").is_visible()
    assert notes_b.input_value() == "甲：停止写入备份"
    assert stored_record(first)["notes"] == "甲：停止写入，已通知服务台"
    no_errors(log)


def test_page_export_stays_outside_other_widgets_and_skips_hidden_checklists(page_factory, site_url):
    """演练页：评估检查单在演练控制台里，每个场景一张，只显示所选场景的那一张。"""
    page, log = new_page(page_factory, site_url)
    page.goto(site_url + "drills/run/")
    ready(page)
    bar = page.locator(".hb-checklist-page")
    assert bar.count() == 1 and bar.is_visible()
    assert page.evaluate("() => document.querySelector('.hb-checklist-page').parentElement"
                         ".classList.contains('md-content__inner')"), "不放进别的组件里面"
    shown = page.evaluate("() => [...document.querySelectorAll('.hb-checklist--ready')]"
                          ".filter(e => !e.closest('[hidden]')).map(e => e.dataset.checklist)")
    _, raw = download_text(page, bar.get_by_role("button", name="导出本页全部检查单（JSON）"))
    data = json.loads(raw)
    assert [c["checklist"] for c in data["checklists"]] == shown
    assert schema_errors("checklist-page.schema.json", data) == []
    no_errors(log)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_conflict_and_page_export_have_no_axe_violations(page_factory, site_url, scheme):
    from test_a11y import COLOUR_RULES, describe, run_axe

    first, log = new_page(page_factory, site_url, color_scheme=scheme)
    first.goto(site_url + "operations/upgrade/")
    ready(first)
    second = first.context.new_page()
    second.add_init_script(HOLD_STORAGE_EVENTS)
    second.goto(site_url + "operations/upgrade/")
    ready(second)
    second.evaluate("window.__hold = true")
    checklist(first).get_by_label("备注", exact=True).fill("甲的备注")
    checklist(second).get_by_label("备注", exact=True).type("乙的备注")
    assert conflict(second, "备注").is_visible()
    for where in ('.hb-checklist[data-checklist="before"]', ".hb-checklist-page"):
        result = run_axe(second, where, None if scheme == "light" else COLOUR_RULES)
        assert not result["violations"], describe(result["violations"], f"{where}（{scheme}）")
    no_errors(log)


def test_a_tab_that_cannot_save_keeps_its_own_ticks_and_text(page_factory, site_url):
    """第二个标签页存不进 localStorage（配额用尽）：第一个标签页保存时，第二个不丢掉只在它内存里的内容。"""
    first, log = open_page(page_factory, Site(site_url, offline=False))
    second = first.context.new_page()
    second.add_init_script(STORAGE_QUOTA_FULL)
    second.goto(site_url + "operations/upgrade/")
    ready(second)
    assert checklist(second).locator(".hb-checklist__warning").is_visible()
    notes_b = checklist(second).get_by_label("备注", exact=True)
    notes_b.fill("只在本页内存里的备注")
    boxes(second).nth(1).click()
    checklist(first).get_by_label("备注", exact=True).fill("甲的备注")
    boxes(first).nth(0).click()
    first.wait_for_timeout(300)  # 让 storage 事件送到第二个标签页
    assert notes_b.input_value() == "只在本页内存里的备注"
    assert [b.is_checked() for b in boxes(second).all()][:2] == [False, True]
    _, raw = download_text(second, checklist(second).get_by_role("button", name="导出 JSON"))
    assert json.loads(raw)["record"]["notes"] == "只在本页内存里的备注"
    assert stored_record(first)["notes"] == "甲的备注"
    no_errors(log)
