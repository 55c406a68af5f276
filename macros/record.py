"""事件记录页（docs/incident/record.md）的宏与数据。

- ``incident_record()``：记录页的组件。没有脚本时是一段说明（链接到事件记录模板）；级别、通报间隔
  （data/severity.yml）、事件角色（最高一级需要到位的角色）和组件文字（data/widget_text.yml 的 incident）
  放在 data-record 属性里交给 incident-record.js。
- ``indicator_data()``：每页“事件记录进行中”提示要用的文字、级别和记录页地址（macros/hooks/config.py 放进
  每页的 .hb-widget-text，incident-log.js 读取）。
- ``check_text()``：data/widget_text.yml 的 incident 一节的字段（macros/datafiles.py 校验该文件时调用）。
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from macros import datafiles
from macros.render import attr_json, md_text, relative_link
from macros.schema import Record, Where, is_mapping, is_text

PAGE = "incident/record.md"
TEMPLATE = "incident/templates.md#事件记录"

_TEXT_KEYS = (
    "nojs", "nojs_link", "storage_memory", "storage_restored", "start_heading", "field_title", "field_title_help",
    "field_severity", "field_lead", "field_lead_help", "field_who", "field_who_help", "start", "start_missing",
    "status_open", "status_closed", "log_heading", "log_empty", "entry_label", "add_note", "add_decision",
    "add_update", "entry_missing", "update_sent", "opened_text", "severity_text", "lead_text", "title_text",
    "closed_text", "reopened_text", "action_text", "unknown", "reminder_none", "reminder_due", "reminder_overdue",
    "close", "close_confirm", "close_yes", "close_no", "reopen", "new_incident", "new_confirm", "new_yes",
    "export_heading", "export_markdown", "export_json", "print", "other_tab", "record_markdown",
    "review_markdown", "drill_review_markdown", "none",
)
_MERGE_KEYS = (
    "heading", "help", "choose", "clear", "none", "local", "imported", "duplicate", "skipped", "error",
    "timeline_heading", "conflicts_heading", "conflict", "conflict_state_ticked", "conflict_state_open",
    "tick_text", "drill_text", "export_review", "export_json", "this_device",
)
KINDS = ("open", "note", "decision", "update", "severity", "lead", "title", "close", "reopen", "action")
PROBLEMS = ("too_big", "not_json", "not_object", "foreign", "schema", "broken", "unreadable")
SOURCE_KINDS = ("incident", "checklist", "drill", "quiz")

TEXT = Record({key: is_text for key in _TEXT_KEYS} | {"indicator": is_mapping, "kinds": is_mapping,
                                                      "merge": is_mapping})
INDICATOR = Record({key: is_text for key in ("label", "link", "next_due", "overdue")})
MERGE = Record({key: is_text for key in _MERGE_KEYS} | {"problems": is_mapping, "kinds": is_mapping})


def _texts(keys: tuple[str, ...]) -> Record:
    return Record({key: is_text for key in keys})


def check_text(where: Where, node: Any) -> None:
    """记下 widget_text.yml 中 incident 一节的全部问题。"""
    if not TEXT.check(where, node, "incident"):
        return
    INDICATOR.check(where, node["indicator"], "incident.indicator")
    _texts(KINDS).check(where, node["kinds"], "incident.kinds")
    if MERGE.check(where, node["merge"], "incident.merge"):
        _texts(PROBLEMS).check(where, node["merge"]["problems"], "incident.merge.problems")
        _texts(SOURCE_KINDS).check(where, node["merge"]["kinds"], "incident.merge.kinds")


def levels(root: Path) -> dict:
    """每一级的代号、名称和通报间隔（data/severity.yml 的 update；最低一级可以没有）。"""
    from macros import incident
    found = {}
    for key, entry in incident.load_severity(root).items():
        update = entry.get("update")
        found[key] = {"label": entry["label"], "name": entry["name"],
                      "update": {"value": update["value"], "unit": update["unit"]} if update else None}
    return found


def roles(root: Path) -> list[str]:
    """事件角色：最高一级需要到位的角色（data/severity.yml 的 staff，以顿号分隔）。"""
    from macros import incident
    top = next(iter(incident.load_severity(root).values()))
    return [part.strip() for part in top["staff"].split("、") if part.strip()]


def indicator_data(root: Path, directory_urls: bool) -> dict:
    """每页的提示：文字、各级代号与通报间隔、记录页相对站点根的地址、自动记录一条的写法。"""
    text = datafiles.load_widget_text(root)["incident"]
    href = PAGE.removesuffix(".md") + ("/" if directory_urls else ".html")
    return dict(text["indicator"], href=href, levels=levels(root), action_text=text["action_text"])


def register(env, root: Path) -> None:
    @env.macro
    def incident_record() -> str:
        """事件记录组件：没有脚本时是一段说明；数据放在 data-record 属性里交给 incident-record.js。"""
        src = env.page.file.src_uri if env.page else PAGE
        text = datafiles.load_widget_text(root)["incident"]
        data = {"text": text, "levels": levels(root), "roles": roles(root)}
        link = f'[{md_text(text["nojs_link"])}]({relative_link(src, TEMPLATE)})'
        nojs = md_text(text["nojs"]).replace("{link}", link)
        return (f'<div class="hb-record" data-record="{attr_json(data)}" markdown="1">\n\n'
                f'<p class="hb-record__nojs" markdown="span">{nojs}</p>\n\n</div>\n\n')

    @env.macro
    def incident_record_merge() -> str:
        """合并区：导入各台设备导出的 JSON；数据放在 data-merge 属性里交给 record-import.js。"""
        text = datafiles.load_widget_text(root)["incident"]
        data = {"text": text, "levels": levels(root)}
        return f'<div class="hb-record-merge" data-merge="{attr_json(data)}"></div>\n\n'
