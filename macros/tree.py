"""交互式判断树：data/decision_tree.yml 的校验与 ``decision_tree()`` 宏。

数据形如::

    trees:
      not_found:                    # 树的键，页面里写 {{ decision_tree("not_found") }}
        title: 发票查询不到：逐步判断
        start: scope                # 第一个问题的节点键
        nodes:
          scope:                    # 问题节点
            question: 是不是很多用户同时查询不到？
            help: 怎样判断（可选）
            answers:
              - label: 是
                next: official      # 下一个节点的键（问题或结论）
          overload:                 # 结论节点：每条分支都必须停在一份处置手册上
            title: 服务器负载过高
            page: incident/overload.md   # 相对 docs/ 的路径
            anchor: 先做这几件事          # 可选，目标页中的标题锚点
            summary: 一句话说明为什么转到这里、先做什么

宏输出的 HTML 不依赖 JavaScript 也能读：一个嵌套列表（问题 → 答案 → 下一个问题 → 处置手册链接）。
链接用 Markdown 写成相对于调用页面的 .md 路径，由 MkDocs 校验并改写，目录式网址和离线构建都正确。
decision-tree.js 再把它变成一次只问一个问题的逐步向导。
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from macros import datafiles, pages
from macros.render import md_text, relative_link
from macros.schema import Record, Where, is_text

FILE = "decision_tree.yml"

#: 从第一个问题到结论，最多经过几个问题。值班时更深的树没人走得完。
MAX_QUESTIONS = 6

#: help 里可以写 {fact:键} 引用 data/facts.yml 中的事实（显示为“名称 值”），号码不必手写。
_FACT_REF = re.compile(r"\{fact:([a-z][a-z0-9_]*)\}")

TREE = Record({"title": is_text, "start": is_text, "nodes": lambda v: isinstance(v, dict)})
QUESTION = Record({"question": is_text, "answers": lambda v: isinstance(v, list)}, {"help": is_text})
LEAF = Record({"title": is_text, "page": is_text, "summary": is_text}, {"anchor": is_text})
ANSWER = Record({"label": is_text, "next": is_text})

_PAGE = re.compile(r"^(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.md$")


# ---------------------------------------------------------------- 目标页面的锚点

page_anchors = pages.page_anchors


# ---------------------------------------------------------------- 数据校验

def _is_question(node: dict) -> bool:
    return "question" in node or "answers" in node


class _Lines:
    """给 Where.at 用的位置：某个条目里某个字段所在的行（找不到时用条目的起始行）。"""

    def __init__(self, line: int):
        self.line = line


def _field(lines: list[str], node: Any, field: str) -> _Lines:
    start = getattr(node, "line", 0)
    pattern = re.compile(rf"(?:^|[\s{{,]){re.escape(field)}\s*:")
    if start:
        for number in range(start, min(len(lines), start + 40) + 1):
            if pattern.search(lines[number - 1]):
                return _Lines(number)
    return _Lines(start)


def _check_tree(where: Where, key: str, tree: Any, root: Path, facts: dict, lines: list[str]) -> None:
    label = f"trees.{key}"
    if not TREE.check(where, tree, label):
        return
    nodes = tree["nodes"]
    ok = True
    if tree["start"] not in nodes:
        where.add(_field(lines, tree, "start"), f"{label} 的 start 指向不存在的节点 {tree['start']!r}")
        ok = False
    for node_id, node in nodes.items():
        name = f"{label}.nodes.{node_id}"
        if not isinstance(node_id, str) or not datafiles.KEY.match(node_id):
            where.add(nodes, f"{label}.nodes 的键 {node_id!r} 只能用小写字母、数字和下划线")
        if not isinstance(node, dict):
            where.add(node, f"{name} 应当是键值表")
            ok = False
        elif _is_question(node):
            if not QUESTION.check(where, node, f"{name}（问题）"):
                ok = False
                continue
            for ref in _FACT_REF.findall(node.get("help", "")):
                if ref not in facts:
                    where.add(_field(lines, node, "help"),
                              f"{name} 的 help 引用了 data/facts.yml 中不存在的 {{fact:{ref}}}")
            answers = node["answers"]
            if len(answers) < 2:
                where.add(_field(lines, node, "answers"), f"{name} 至少要有两个答案")
            labels = set()
            for index, answer in enumerate(answers, start=1):
                if not ANSWER.check(where, answer, f"{name} 的第 {index} 个答案"):
                    ok = False
                    continue
                if answer["label"] in labels:
                    where.add(answer, f"{name} 有重复的答案 {answer['label']!r}")
                labels.add(answer["label"])
                if answer["next"] not in nodes:
                    ok = False
                    where.add(_field(lines, answer, "next"),
                              f"{name} 的答案 {answer['label']!r} 指向不存在的节点 "
                              f"{answer['next']!r}：每条分支都必须停在一份处置手册上")
        elif "title" in node or "page" in node:
            if LEAF.check(where, node, f"{name}（结论）"):
                _check_leaf(where, name, node, root, lines)
        else:
            ok = False
            where.add(node, f"{name} 既不是问题（question、answers），"
                            f"也不是结论（title、page、summary）")
    if ok:
        _check_paths(where, label, tree["start"], nodes, lines)


def _check_leaf(where: Where, name: str, node: dict, root: Path, lines: list[str]) -> None:
    page = node["page"]
    if not _PAGE.match(page) or ".." in page.split("/"):
        where.add(_field(lines, node, "page"),
                  f"{name} 的 page 应当是相对 docs/ 的 .md 路径，如 incident/overload.md：{page!r}")
        return
    target = root / "docs" / page
    if not target.is_file():
        where.add(_field(lines, node, "page"), f"{name} 指向的页面 docs/{page} 不存在")
        return
    anchor = node.get("anchor")
    if anchor is not None:
        anchor = anchor.lstrip("#")
        if anchor not in page_anchors(target):
            where.add(_field(lines, node, "anchor"), f"{name} 的锚点 #{anchor} 在 docs/{page} 的标题中不存在")


def _check_paths(where: Where, label: str, start: str, nodes: dict, lines: list[str]) -> None:
    """从 start 出发深度优先：不能有环，不能有走不到的节点，一条分支上的问题不能太多。"""
    state: dict[str, str] = {}
    longest: dict[str, list[str]] = {}   # 从该节点往下、问题最多的一条路径

    def visit(node_id: str, trail: list[str]) -> None:
        state[node_id] = "open"
        node = nodes[node_id]
        longest[node_id] = [node_id]
        if _is_question(node):
            for answer in node["answers"]:
                nxt = answer["next"]
                if state.get(nxt) == "open":
                    loop = trail[trail.index(nxt):] if nxt in trail else []
                    raise where.fatal(_field(lines, answer, "next"),
                                      f"{label} 有循环：{' → '.join(loop + [node_id, nxt])}")
                if nxt not in state:
                    visit(nxt, trail + [node_id])
                if len(longest[nxt]) + 1 > len(longest[node_id]):
                    longest[node_id] = [node_id, *longest[nxt]]
        state[node_id] = "done"

    visit(start, [])
    for node_id, node in nodes.items():
        if node_id not in state:
            where.add(node, f"{label}.nodes.{node_id} 从 start（{start}）出发走不到")
    deepest = longest[start]
    if len(deepest) - 1 > MAX_QUESTIONS:
        where.add(_field(lines, nodes[deepest[0]], "question"),
                  f"{label} 的分支 {' → '.join(deepest)} 有 {len(deepest) - 1} 个问题，"
                  f"最多 {MAX_QUESTIONS} 个：请合并或拆分问题")


@datafiles.datafile(FILE)
def load_decision_tree(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    doc, where = datafiles.open_file(root, FILE)
    trees = datafiles.keyed_entries(where, doc, "trees")
    facts = datafiles.load_facts(root)
    lines = (root / "data" / FILE).read_text(encoding="utf-8").splitlines()
    for key, tree in trees.items():
        _check_tree(where, key, tree, root, facts, lines)
    where.done()
    return trees


# ---------------------------------------------------------------- 渲染

class UnknownTree(LookupError):
    pass


def expand_facts(text: str, facts: dict) -> str:
    """把 {fact:键} 换成事实的名称与值，如“纳税缴费服务热线 12366”。"""
    from macros.facts import format_fact
    return _FACT_REF.sub(lambda m: f"{facts[m.group(1)]['name']} {format_fact(facts[m.group(1)])}", text)


def render_tree(key: str, tree: dict, src_uri: str, facts: dict | None = None) -> str:
    """生成嵌套列表形式的 HTML（md_in_html）；只有处置手册链接交给 Markdown 处理。"""
    nodes = tree["nodes"]
    prefix = f"dt-{key.replace('_', '-')}"
    out: list[str] = []

    def node_html(node_id: str) -> None:
        node = nodes[node_id]
        if _is_question(node):
            out.append(f'<li class="dt-node dt-question" data-dt-node="{escape(node_id)}" markdown="1">')
            out.append(f'<p class="dt-question-text"><strong>{escape(node["question"])}</strong></p>')
            if node.get("help"):
                help_text = expand_facts(node["help"], facts or {})
                out.append(f'<p class="dt-help">{escape(help_text)}</p>')
            out.append('<ul class="dt-answers" markdown="1">')
            for answer in node["answers"]:
                out.append(f'<li class="dt-answer" data-dt-next="{escape(answer["next"])}" markdown="1">')
                out.append(f'<p class="dt-answer-label">{escape(answer["label"])}</p>')
                out.append('<ul class="dt-branch" markdown="1">')
                node_html(answer["next"])
                out.append("</ul>")
                out.append("</li>")
            out.append("</ul>")
            out.append("</li>")
        else:
            link = relative_link(src_uri, node["page"], node.get("anchor"))
            out.append(f'<li class="dt-node dt-leaf" data-dt-node="{escape(node_id)}" markdown="1">')
            out.append(f'<p class="dt-leaf-link" markdown="span">→ 处置手册：[{md_text(node["title"])}]({link})</p>')
            out.append(f'<p class="dt-summary">{escape(node["summary"])}</p>')
            out.append("</li>")

    out.append(f'<div class="dt" id="{prefix}" data-dt-tree="{escape(key)}" '
               f'data-dt-start="{escape(tree["start"])}" data-dt-title="{escape(tree["title"])}" markdown="1">')
    out.append(f'<p class="dt-static-title"><strong>{escape(tree["title"])}</strong>'
               f'（逐条列出全部分支；从第一个问题往下读，直到“处置手册”）</p>')
    out.append(f'<ul class="dt-static" id="{prefix}-all" markdown="1">')
    node_html(tree["start"])
    out.append("</ul>")
    out.append("</div>")
    # 前后空行：让 Markdown 把它当作独立的 HTML 块
    return "\n\n" + "\n".join(out) + "\n\n"


def register(env, root) -> None:
    trees = load_decision_tree(root)
    facts = datafiles.load_facts(root)

    @env.macro
    def decision_tree(key: str) -> str:
        """交互式判断树：无脚本时是嵌套列表，有脚本时是逐步向导。"""
        if key not in trees:
            raise UnknownTree(f"data/{FILE} 中没有判断树 {key!r}；可用的键：{', '.join(sorted(trees))}")
        page = getattr(env, "page", None)
        src_uri = page.file.src_uri if page is not None and getattr(page, "file", None) else "index.md"
        return render_tree(key, trees[key], src_uri, facts)
