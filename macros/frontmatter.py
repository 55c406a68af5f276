"""页面元数据（front matter）的规则：每页必须写明标题、说明、负责角色、复核日期与周期、读者和页面类型。"""
from __future__ import annotations

import datetime as dt
from typing import Any

AUDIENCES = ("运维", "客服", "财务", "管理", "培训")
PAGE_TYPES = ("runbook", "checklist", "guide", "reference", "drill", "legal")
REQUIRED = ("title", "description", "owner", "reviewed", "review_every", "audience", "type")
OPTIONAL = ("hide", "search", "status", "template", "tags", "render_macros", "checklist")


def problems(meta: dict[str, Any]) -> list[str]:
    """返回元数据的全部问题（中文描述）；没有问题时返回空列表。"""
    found = []
    for field in REQUIRED:
        if field not in meta or meta[field] in (None, "", []):
            found.append(f"缺少字段 {field}")
    for field in meta:
        if field not in REQUIRED and field not in OPTIONAL:
            found.append(f"未知字段 {field}（允许：{'、'.join(REQUIRED + OPTIONAL)}）")
    for field in ("title", "description", "owner"):
        if field in meta and meta[field] not in (None, "") and not isinstance(meta[field], str):
            found.append(f"{field} 应当是文字")
    reviewed = meta.get("reviewed")
    if reviewed not in (None, ""):
        if not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
            found.append(f"reviewed 应当是 YYYY-MM-DD 格式的日期：{reviewed!r}")
        elif reviewed > dt.date.today():
            found.append(f"reviewed 不能晚于今天：{reviewed}")
    every = meta.get("review_every")
    if every not in (None, ""):
        if not isinstance(every, int) or isinstance(every, bool) or not 1 <= every <= 24:
            found.append(f"review_every 应当是 1 到 24 之间的月数：{every!r}")
    audience = meta.get("audience")
    if audience not in (None, "", []):
        items = audience if isinstance(audience, list) else [audience]
        bad = [a for a in items if a not in AUDIENCES]
        if bad:
            found.append(f"audience 只能取 {'、'.join(AUDIENCES)}：{bad}")
    page_type = meta.get("type")
    if page_type not in (None, "") and page_type not in PAGE_TYPES:
        found.append(f"type 只能取 {'、'.join(PAGE_TYPES)}：{page_type!r}")
    return found
