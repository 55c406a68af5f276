"""应急演练的数据与宏：演练计划、场景库、演练控制台（自测题和术语表在 training.py）。

数据文件（每个都有校验函数，出错时指明文件、行号和条目，如
``data/drill_scenarios.yml:57: scenarios.month_end_overload.injects[2]: ……``）：

- data/drill_calendar.yml：演练形式、角色、中止口令、复盘时限、演练时段（避开征期和月末开票高峰）、全年日历；
- data/drill_scenarios.yml：场景库（目标、参加人员、起始情况、情景注入、期望处置、成功标准、评估检查单）；

数据里指向手册的链接写成 docs 下的相对路径（可带锚点），校验时确认页面和锚点都存在；
宏输出 Markdown 链接，由 MkDocs 改写成目录式或离线版网址。

页面交互在 docs/assets/javascripts/ 下：演练时钟、情景注入、观察记录与导出在 drill-run.js（纯逻辑）
和 drill-console.js；存储、下载和 Markdown 都用 core.js。

链接校验（check_link、md_link）和小工具也供 training.py 使用。
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from macros import datafiles, pages
from macros.datafiles import Mapping
from macros.render import attr_json, cell, example_badge, md_text, relative_link
from macros.schema import (
    Record,
    Where,
    is_bool,
    is_text,
    keyed_entries,
    require_mapping,
)

ROOT = datafiles.ROOT

KINDS = ("tabletop", "functional", "full_scale")
ROLES = ("facilitator", "player", "observer", "safety_officer")
DEADLINE_UNITS = ("个工作日", "天")


# ---------------------------------------------------------------- 手册页面与锚点

page_info = pages.page_info


def check_link(where: Where, node: Any, label: str, target: Any, root: Path) -> None:
    """target 形如 incident/overload.md#先做这几件事：页面必须存在，锚点必须是该页的标题。"""
    if not is_text(target):
        where.add(node, f"{label}: 链接应当是 docs 下的页面路径，实际为 {target!r}")
        return
    path, _, anchor = str(target).partition("#")
    if path.startswith("/") or not path.endswith(".md") or ".." in path.split("/"):
        where.add(node, f"{label}: 链接 {target!r} 应当写成 docs 下的相对路径，如 incident/overload.md")
        return
    file = root / "docs" / path
    if not file.is_file():
        where.add(node, f"{label}: 链接 {target} 指向的页面 docs/{path} 不存在")
        return
    if anchor:
        _, anchors = page_info(file)
        if anchor not in anchors:
            known = "、".join(anchors) or "（无）"
            where.add(node, f"{label}: 链接 {target} 的锚点 #{anchor} 不在 docs/{path} 中（可用：{known}）")


def link_label(target: str, root: Path) -> str:
    """链接文字：页面标题，带锚点时加上小节标题，如“服务器负载过高 · 先做这几件事”。"""
    path, _, anchor = target.partition("#")
    title, anchors = page_info(root / "docs" / path)
    return f"{title} · {anchors[anchor]}" if anchor else title


def md_link(target: str, from_src_uri: str, root: Path, text: str | None = None) -> str:
    return f"[{md_text(text or link_label(target, root))}]({relative_link(from_src_uri, target)})"


# ---------------------------------------------------------------- 校验小工具


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(is_text(item) for item in value)


def _is_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value)


def _is_minute(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 60


def _is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _unique_texts(where: Where, items: list, label: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            where.add(items, f"{label}: 条目重复：{item!r}")
        seen.add(item)


# ---------------------------------------------------------------- 场景库


SCENARIO = Record(
    {"title": is_text, "summary": is_text,
     "kinds": lambda v: _is_list(v) and all(k in KINDS for k in v) and len(set(v)) == len(v),
     "duration": _is_positive_int, "objectives": _is_text_list, "participants": _is_text_list,
     "situation": is_text, "injects": _is_list, "actions": _is_list, "success": _is_text_list,
     "evaluation": _is_text_list},
)
INJECT = Record({"at": _is_minute, "from": is_text, "text": is_text}, {"to": is_text, "expect": is_text, "page": is_text})
ACTION = Record({"role": is_text, "do": is_text, "page": is_text})


@datafiles.datafile("drill_scenarios.yml")
def load_drill_scenarios(root: Path = ROOT) -> Mapping:
    """读取并校验 data/drill_scenarios.yml。"""
    doc, where = datafiles.open_file(root, "drill_scenarios.yml")
    scenarios = keyed_entries(where, doc, "scenarios")
    for key, entry in scenarios.items():
        label = f"scenarios.{key}"
        if not SCENARIO.check(where, entry, f"{label}:"):
            continue
        _unique_texts(where, entry["evaluation"], f"{label}.evaluation")
        previous = None
        for index, inject in enumerate(entry["injects"]):
            item = f"{label}.injects[{index}]"
            if not INJECT.check(where, inject, f"{item}:"):
                continue
            if previous is not None and inject["at"] < previous:
                where.add(
                    inject,
                    f"{item}: 时间 {inject['at']} 分钟早于前一条 injects[{index - 1}] 的 {previous} 分钟；"
                    f"情景注入要按时间先后排列",
                )
            if inject["at"] > entry["duration"]:
                where.add(
                    inject, f"{item}: 时间 {inject['at']} 分钟超出了演练时长 duration（{entry['duration']} 分钟）"
                )
            previous = inject["at"]
            if "page" in inject:
                check_link(where, inject, item, inject["page"], root)
        for index, action in enumerate(entry["actions"]):
            item = f"{label}.actions[{index}]"
            if ACTION.check(where, action, f"{item}:"):
                check_link(where, action, item, action["page"], root)
    where.done()
    return scenarios


# ---------------------------------------------------------------- 演练计划


KIND = Record({"name": is_text, "what": is_text, "systems": is_text, "who": is_text})
ROLE = Record({"name": is_text, "duty": is_text, "not": is_text})
CODE_WORD = Record({"value": is_text, "example": is_bool}, {"note": is_text})
DEADLINE = Record({"name": is_text, "value": _is_positive_int, "unit": lambda v: v in DEADLINE_UNITS,
                   "example": is_bool})
WINDOW = Record({"value": is_text, "avoid": _is_text_list, "example": is_bool}, {"note": is_text})
CALENDAR_ENTRY = Record(
    {"month": lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 12,
     "kind": lambda v: v in KINDS, "scenario": is_text, "example": is_bool},
    {"note": is_text},
)


@datafiles.datafile("drill_calendar.yml")
def load_drill_calendar(root: Path = ROOT) -> Mapping:
    """读取并校验 data/drill_calendar.yml；日历里的场景必须在场景库中，且适合该演练形式。"""
    doc, where = datafiles.open_file(root, "drill_calendar.yml")
    doc = require_mapping(where, doc, "文件顶层")
    expected = {"kinds", "roles", "code_word", "deadlines", "window", "calendar"}
    if set(doc) != expected:
        raise where.fatal(doc, f"文件顶层应当是 {'、'.join(sorted(expected))}，实际为 {'、'.join(sorted(doc))}")

    kinds = require_mapping(where, doc["kinds"], "kinds")
    if list(kinds) != list(KINDS):
        raise where.fatal(kinds, f"kinds 的键应当依次为 {'、'.join(KINDS)}，实际为 {'、'.join(map(str, kinds))}")
    for key, kind in kinds.items():
        KIND.check(where, kind, f"kinds.{key}:")

    roles = require_mapping(where, doc["roles"], "roles")
    if list(roles) != list(ROLES):
        where.add(roles, f"roles 的键应当依次为 {'、'.join(ROLES)}，实际为 {'、'.join(map(str, roles))}")
    for key, role in roles.items():
        ROLE.check(where, role, f"roles.{key}:")

    CODE_WORD.check(where, doc["code_word"], "code_word:")

    WINDOW.check(where, doc["window"], "window:")

    deadlines = require_mapping(where, doc["deadlines"], "deadlines")
    for key, deadline in deadlines.items():
        DEADLINE.check(where, deadline, f"deadlines.{key}:")

    calendar = doc["calendar"]
    if not _is_list(calendar):
        raise where.fatal(doc, "calendar 应当是非空列表")
    scenarios = load_drill_scenarios(root)
    previous = 0
    for index, entry in enumerate(calendar):
        item = f"calendar[{index}]"
        if not CALENDAR_ENTRY.check(where, entry, f"{item}:"):
            continue
        if entry["month"] < previous:
            where.add(entry, f"{item}: {entry['month']} 月排在了 {previous} 月之后；日历要按月份排列")
        previous = entry["month"]
        if entry["scenario"] not in scenarios:
            where.add(entry, f"{item}: 场景 {entry['scenario']!r} 不在 data/drill_scenarios.yml 中"
                             f"（可用：{'、'.join(scenarios)}）")
            continue
        allowed = scenarios[entry["scenario"]]["kinds"]
        if entry["kind"] not in allowed:
            where.add(entry, f"{item}: 场景 {entry['scenario']} 不适合 {entry['kind']}"
                             f"（它的 kinds 是 {'、'.join(allowed)}）")
    for kind in KINDS:
        if not any(isinstance(entry, dict) and entry.get("kind") == kind for entry in calendar):
            name = kinds[kind]["name"] if isinstance(kinds[kind], dict) else kind
            where.add(calendar, f"calendar 中全年至少要有一次 {kind}（{name}）")
    where.done()
    return doc


# ---------------------------------------------------------------- 显示


def format_offset(minutes: int) -> str:
    """情景注入的时间，如 T+05:00、T+1:30:00（与 drill-run.js 的 formatOffset 一致）。"""
    hours, mins = divmod(int(minutes), 60)
    return f"T+{hours}:{mins:02d}:00" if hours else f"T+{mins:02d}:00"


class UnknownKey(LookupError):
    pass


def _get(entries: dict, key: str, file: str) -> dict:
    if key not in entries:
        raise UnknownKey(f"data/{file} 中没有 {key!r}；可用的键：{', '.join(entries)}")
    return entries[key]


def _src_uri(env) -> str:
    page = getattr(env, "page", None)
    return page.file.src_uri if page is not None and getattr(page, "file", None) else "index.md"


def render_scenario(key: str, sc: dict, calendar: dict, src: str, root: Path) -> str:
    kinds = calendar["kinds"]
    out = [f"## {md_text(sc['title'])} {{#{key}}}", ""]
    kind_names = "、".join(kinds[k]["name"] for k in sc["kinds"])
    months = [str(e["month"]) for e in calendar["calendar"] if e["scenario"] == key]
    planned = f"；日历安排：{'、'.join(months)} 月" if months else ""
    out += [f"*{md_text(sc['summary'])}*", "",
            f"适合：{md_text(kind_names)}；时长：{sc['duration']} 分钟；情景注入 {len(sc['injects'])} 条{planned}。", ""]
    out += ["**目标**", ""] + [f"- {md_text(t)}" for t in sc["objectives"]] + [""]
    out += ["**参加人员**：" + "、".join(md_text(p) for p in sc["participants"]) + "。", ""]
    out += ["**起始情况**", "", md_text(sc["situation"]), ""]
    out += ["**情景注入**（主持人按时间给出；“期待的处置”只给主持人和观察员看）", "",
            "| 时间 | 来源 → 交给 | 情况 | 期待的处置 |", "|---|---|---|---|"]
    for inject in sc["injects"]:
        route = cell(inject["from"]) + (f" → {cell(inject['to'])}" if inject.get("to") else "")
        expect = cell(inject.get("expect", ""))
        if inject.get("page"):
            expect += ("<br>" if expect else "") + "依据：" + md_link(inject["page"], src, root)
        out.append(f"| {format_offset(inject['at'])} | {route} | {cell(inject['text'])} | {expect} |")
    out += ["", "**期望的处置**", "", "| 角色 | 做什么 | 依据 |", "|---|---|---|"]
    for action in sc["actions"]:
        out.append(f"| {cell(action['role'])} | {cell(action['do'])} | {md_link(action['page'], src, root)} |")
    out += ["", "**成功标准**", ""] + [f"- {md_text(t)}" for t in sc["success"]] + [""]
    # ?scenario=场景键：演练控制台打开时选好这个场景（drill-share.js）
    run_link = relative_link(src, "drills/run.md").replace("run.md", f"run.md?scenario={key}", 1) + "#演练控制台"
    out += [f"**评估检查单**（演练时[在演练控制台打开这个场景]({run_link})，逐项勾选并导出）", ""]
    # 场景库里只供阅读和打印，不是可勾选的检查单：普通列表，由 CSS 画出纸面上打勾用的方框
    out += ['<div class="hb-paper-checks" markdown="1">', ""]
    out += [f"- {md_text(t)}" for t in sc["evaluation"]] + ["", "</div>", ""]
    return "\n".join(out)


def console_data(scenarios: dict, calendar: dict, text: dict | None = None) -> dict:
    """演练控制台需要的数据（页面里的 JSON）；text 是 data/widget_text.yml 的 drill 部分。"""
    kinds = calendar["kinds"]
    return {
        "code_word": calendar["code_word"]["value"],
        "roles": [calendar["roles"][k]["name"] for k in ("observer", "facilitator", "safety_officer", "player")],
        "facilitator": calendar["roles"]["facilitator"]["name"],
        "review_questions": list((text or {}).get("review_questions", [])),
        "text": {"console": dict((text or {}).get("console", {})), "run": dict((text or {}).get("run", {}))},
        "scenarios": [
            {"id": key, "title": sc["title"], "kinds": [kinds[k]["name"] for k in sc["kinds"]],
             "duration": sc["duration"],
             "injects": [{"at": i["at"], "from": i["from"], "to": i.get("to", ""), "text": i["text"],
                          "expect": i.get("expect", "")} for i in sc["injects"]]}
            for key, sc in scenarios.items()
        ],
    }


def register(env, root) -> None:
    scenarios = load_drill_scenarios(root)
    calendar = load_drill_calendar(root)
    kinds = calendar["kinds"]

    # ---- 演练计划

    @env.macro
    def drill_code_word() -> str:
        """中止口令，加粗，示例值带“示例”标记。"""
        word = calendar["code_word"]
        text = f"<strong>“{escape(word['value'])}”</strong>"
        return text + example_badge("drill_calendar.yml") if word["example"] else text

    @env.macro
    def drill_deadline(key: str) -> str:
        """演练后的时限，如“5 个工作日”（示例值带标记）。"""
        entry = _get(calendar["deadlines"], key, "drill_calendar.yml")
        text = escape(f"{entry['value']} {entry['unit']}")
        return text + example_badge("drill_calendar.yml") if entry["example"] else text

    @env.macro
    def drill_window() -> str:
        """每月安排演练的时段和要避开的时段（列表），示例值带标记。"""
        window = calendar["window"]
        badge = example_badge("drill_calendar.yml") if window["example"] else ""
        lines = [f"每月的演练安排在**{md_text(window['value'])}**{badge}，避开：", ""]
        lines += [f"- {md_text(item)}" for item in window["avoid"]]
        if window.get("note"):
            lines += ["", md_text(window["note"])]
        return "\n\n" + "\n".join(lines) + "\n\n"

    @env.macro
    def drill_frequency() -> str:
        """全年演练次数的一句话，由日历算出。"""
        entries = calendar["calendar"]
        parts = [f"{kinds[k]['name']} {sum(e['kind'] == k for e in entries)} 次" for k in KINDS]
        text = f"全年 {len(entries)} 次：" + "、".join(parts)
        return escape(text) + (example_badge("drill_calendar.yml") if any(e["example"] for e in entries) else "")

    @env.macro
    def drill_kinds() -> str:
        rows = ["| 形式 | 怎么做 | 系统 | 谁参加 | 全年 |", "|---|---|---|---|---|"]
        for key in KINDS:
            kind = kinds[key]
            count = sum(e["kind"] == key for e in calendar["calendar"])
            rows.append(f"| **{cell(kind['name'])}** | {cell(kind['what'])} | {cell(kind['systems'])} "
                        f"| {cell(kind['who'])} | {count} 次 |")
        return "\n".join(rows)

    @env.macro
    def drill_calendar() -> str:
        src = _src_uri(env)
        rows = ["| 月份 | 形式 | 场景 | 说明 |", "|---|---|---|---|"]
        for entry in calendar["calendar"]:
            sc = scenarios[entry["scenario"]]
            link = md_link(f"drills/scenarios.md#{entry['scenario']}", src, root, sc["title"])
            month = f"{entry['month']} 月" + (example_badge("drill_calendar.yml") if entry["example"] else "")
            rows.append(f"| {month} | {cell(kinds[entry['kind']]['name'])} | {link} "
                        f"| {cell(entry.get('note', ''))} |")
        return "\n".join(rows)

    @env.macro
    def drill_roles() -> str:
        rows = ["| 角色 | 做什么 | 不做什么 |", "|---|---|---|"]
        for role in calendar["roles"].values():
            rows.append(f"| **{cell(role['name'])}** | {cell(role['duty'])} | {cell(role['not'])} |")
        return "\n".join(rows)

    # ---- 场景

    @env.macro
    def drill_scenario_index() -> str:
        src = _src_uri(env)
        rows = ["| 场景 | 适合的形式 | 时长 | 情景注入 | 日历安排 |", "|---|---|---|---|---|"]
        for key, sc in scenarios.items():
            months = "、".join(f"{e['month']} 月" for e in calendar["calendar"] if e["scenario"] == key) or "—"
            link = md_link(f"drills/scenarios.md#{key}", src, root, sc["title"])
            rows.append(f"| {link} | {cell('、'.join(kinds[k]['name'] for k in sc['kinds']))} "
                        f"| {sc['duration']} 分钟 | {len(sc['injects'])} 条 | {months} |")
        return "\n".join(rows)

    @env.macro
    def drill_scenarios() -> str:
        """场景库全文：每个场景一个二级标题（锚点是场景键）。"""
        src = _src_uri(env)
        return "\n\n".join(render_scenario(key, sc, calendar, src, root) for key, sc in scenarios.items())

    @env.macro
    def drill_console() -> str:
        """演练控制台：没有脚本时是一段说明；场景数据放在 data-drill 属性里交给 drill-console.js。"""
        src = _src_uri(env)
        incident = relative_link(src, "incident/index.md")
        severity = relative_link(src, "reference/severity.md#怎么定级")
        library = relative_link(src, "drills/scenarios.md")
        word = escape(calendar["code_word"]["value"])
        return "\n\n".join([
            f'<div class="hb-drill" data-drill-console="1" '
            f'data-drill="{attr_json(console_data(scenarios, calendar, datafiles.load_widget_text(root)["drill"]))}" '
            f'markdown="1">',
            f'<p class="hb-drill__nojs" markdown="span">演练控制台需要浏览器启用 JavaScript。不能使用时，打印[场景库]({library})'
            f'中的场景，由主持人用钟表计时、按时念出情景注入，观察员在纸上记下时间和观察。</p>',
            f'<div class="hb-drill__aborted" role="alert" hidden markdown="1">\n\n'
            f'**演练已用中止口令“{word}”停止，转入真实处置。**从[事件响应]({incident})开始，'
            f'按[事件分级]({severity})定级；演练记录先导出保存。\n\n</div>',
            "</div>",
        ]) + "\n\n"

    @env.macro
    def drill_evaluations() -> str:
        """每个场景一张评估检查单（检查单引擎的写法），演练控制台只显示所选场景的那一张。"""
        out = []
        for key, sc in scenarios.items():
            out += [
                f'<div class="hb-drill-eval" data-drill-eval="{escape(key)}" markdown="1">',
                "",
                f'<div class="hb-checklist" data-checklist="eval-{escape(key)}" '
                f'data-title="评估检查单：{escape(sc["title"])}" data-mode="do-confirm" markdown="1">',
                "",
            ]
            out += [f"- [ ] {md_text(item)}" for item in sc["evaluation"]]
            out += ["", "</div>", "", "</div>", ""]
        return "\n\n" + "\n".join(out) + "\n"
