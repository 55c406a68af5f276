"""页面类型的规则：某类页面必须有哪些二级标题、按什么顺序。

处置手册（type: runbook）在压力下从上往下读：适用情形 → 先做这几件事 → 判断 → 处置 → 何时上报 →
记录 → 相关页面。事件响应的分流页（发票查询不到）也是 runbook，但它是起始页，有自己固定的结构。
构建钩子对每个页面检查这些规则，不合格时指明文件和行号。
"""
from __future__ import annotations

import re

RUNBOOK = ("适用情形", "先做这几件事", "判断", "处置", "何时上报", "记录", "相关页面")
TRIAGE = ("前五分钟", "谁会受影响", "可能的原因", "逐步判断", "预防", "记录", "相关页面")

#: 页面类型 → {结构名称: 二级标题的顺序}；第一个是该类型的标准结构。
LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "runbook": {"处置手册": RUNBOOK, "分流页": TRIAGE},
}

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_H2 = re.compile(r"^##[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ATTR = re.compile(r"\s*\{[^}]*\}\s*$")


def h2_headings(markdown: str) -> list[tuple[int, str]]:
    """正文中的二级标题：(行号, 标题文字)，跳过代码块，去掉 {#锚点} 之类的属性。"""
    found = []
    fence = None
    for number, line in enumerate(markdown.splitlines(), start=1):
        marker = _FENCE.match(line)
        if marker:
            char = marker.group(1)[0]
            if fence is None:
                fence = char
            elif char == fence:
                fence = None
            continue
        if fence is None:
            match = _H2.match(line)
            if match:
                found.append((number, _ATTR.sub("", match.group(1)).strip()))
    return found


def problems(meta: dict, markdown: str) -> list[tuple[int, str]]:
    """页面违反的类型规则：(正文中的行号, 说明)；没有问题时返回空列表。"""
    layouts = LAYOUTS.get(meta.get("type"))
    if not layouts:
        return []
    headings = h2_headings(markdown)
    texts = tuple(text for _, text in headings)
    if texts in layouts.values():
        return []
    # 按第一个标题选最接近的结构，选不出时按标准结构报告
    name, expected = next(((n, e) for n, e in layouts.items() if texts[:1] == e[:1]), next(iter(layouts.items())))
    order = " → ".join(expected)
    last_line = len(markdown.splitlines()) or 1
    for index, wanted in enumerate(expected):
        if index >= len(headings):
            return [(last_line, f"{name}（type: {meta['type']}）缺少二级标题“{wanted}”；应当依次为：{order}")]
        line, text = headings[index]
        if text == wanted:
            continue
        if wanted not in texts:
            return [(line, f"{name}（type: {meta['type']}）缺少二级标题“{wanted}”（应当在“{text}”之前）；"
                           f"应当依次为：{order}")]
        return [(line, f"{name}（type: {meta['type']}）的二级标题“{text}”位置不对，这里应当是“{wanted}”；"
                       f"应当依次为：{order}")]
    line, text = headings[len(expected)]
    return [(line, f"{name}（type: {meta['type']}）多出二级标题“{text}”；应当依次为：{order}")]
