"""分流的数据：data/decision_tree.yml 的读取与校验（页面内容由 macros/tree.py 生成）。

判断树的每个结论都写明它的原因行（cause），原因行写明处置手册和起始级别，所以树、原因表和分级
不会各说各的：两条路线转到不同的处置手册、结论没有原因行、原因行没有结论用到、同一条迹象出现在
两个原因行里，构建都会失败并写明 data/decision_tree.yml 的行号。

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
            cause: overload              # 原因行的键，页面与原因行的 page 必须相同
            summary: 一句话说明为什么转到这里、先做什么
        causes:                     # “可能的原因”表，每行一个原因
          overload:
            name: 服务器负载过高
            signs: [很多人同时变慢、超时]
            level: p2               # 起始级别：data/severity.yml 的键
            page: incident/overload.md
        first_five:                 # “前五分钟”清单
          - do: 分清范围
            text: 是一个用户，还是很多人？
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from macros import datafiles, incident, pages
from macros.schema import Record, Where, is_mapping, is_text, is_text_list

FILE = "decision_tree.yml"

#: 从第一个问题到结论，最多经过几个问题。值班时更深的树没人走得完。
MAX_QUESTIONS = 6

#: 文字里可以写 {fact:键} 引用 data/facts.yml 中的事实（显示为“名称 值”），写 {contact:键} 引用
#: data/contacts.yml 中本单位的值（带“示例”标记），号码不必手写。
REF = re.compile(r"\{(fact|contact):([a-z][a-z0-9_]*)\}")
FACT_REF = re.compile(r"\{fact:([a-z][a-z0-9_]*)\}")
#: YAML 折叠多行文字时中文之间多出的空格
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")

TREE = Record({"title": is_text, "start": is_text, "nodes": is_mapping, "causes": is_mapping},
              {"first_five": lambda v: isinstance(v, list) and bool(v)})
QUESTION = Record({"question": is_text, "answers": lambda v: isinstance(v, list)}, {"help": is_text})
LEAF = Record({"title": is_text, "page": is_text, "summary": is_text, "cause": is_text}, {"anchor": is_text})
ANSWER = Record({"label": is_text, "next": is_text})
CAUSE = Record({"name": is_text, "signs": is_text_list, "level": is_text, "page": is_text},
               {"anchor": is_text, "note": is_text})
STEP = Record({"do": is_text}, {"text": is_text, "link": is_mapping})
LINK = Record({"page": is_text, "title": is_text}, {"anchor": is_text})

#: 可以引用事实和联系方式的字段
_REF_FIELDS = ("help", "summary", "text", "note")


def clean(text: str) -> str:
    """合并空白，去掉 YAML 折行在中文之间留下的空格。"""
    return _CJK_GAP.sub("", " ".join(str(text).split()))

_PAGE = re.compile(r"^(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.md$")


# ---------------------------------------------------------------- 目标页面的锚点

page_anchors = pages.page_anchors


# ---------------------------------------------------------------- 数据校验

def is_question(node: dict) -> bool:
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


def _check_refs(where: Where, name: str, node: dict, refs: dict, lines: list[str]) -> None:
    """{fact:键}、{contact:键} 必须在 data/facts.yml、data/contacts.yml 中存在。"""
    for field in _REF_FIELDS:
        for kind, ref in REF.findall(str(node.get(field, ""))):
            if ref not in refs[kind]:
                file = "facts.yml" if kind == "fact" else "contacts.yml"
                where.add(_text_at(lines, node, f"{{{kind}:{ref}}}"),
                          f"{name} 的 {field} 引用了 data/{file} 中不存在的 {{{kind}:{ref}}}")


def _check_tree(where: Where, key: str, tree: Any, root: Path, refs: dict, lines: list[str]) -> None:
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
        elif is_question(node):
            if not QUESTION.check(where, node, f"{name}（问题）"):
                ok = False
                continue
            _check_refs(where, name, node, refs, lines)
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
                _check_refs(where, name, node, refs, lines)
        else:
            ok = False
            where.add(node, f"{name} 既不是问题（question、answers），"
                            f"也不是结论（title、page、summary）")
    if ok:
        _check_paths(where, label, tree["start"], nodes, lines)
    _check_causes(where, label, tree, root, refs, lines)
    for index, step in enumerate(tree.get("first_five") or [], start=1):
        name = f"{label}.first_five 的第 {index} 步"
        if STEP.check(where, step, name):
            _check_refs(where, name, step, refs, lines)
            if "link" in step and LINK.check(where, step["link"], f"{name}的 link"):
                _check_leaf(where, f"{name}的 link", step["link"], root, lines)


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


def _check_causes(where: Where, label: str, tree: dict, root: Path, refs: dict, lines: list[str]) -> None:
    """原因表与判断树是同一条路线：结论 → 原因行 → 处置手册，两处写的页面必须相同。"""
    causes = tree["causes"]
    levels = refs["level"]
    good: dict[str, dict] = {}
    seen_signs: dict[str, tuple[str, dict]] = {}
    for cause_id, cause in causes.items():
        name = f"{label}.causes.{cause_id}"
        if not isinstance(cause_id, str) or not datafiles.KEY.match(cause_id):
            where.add(causes, f"{label}.causes 的键 {cause_id!r} 只能用小写字母、数字和下划线")
        if not CAUSE.check(where, cause, name):
            continue
        good[cause_id] = cause
        _check_leaf(where, name, cause, root, lines)
        _check_refs(where, name, cause, refs, lines)
        if cause["level"] not in levels:
            where.add(_field(lines, cause, "level"),
                      f"{name} 的起始级别 {cause['level']!r} 不在 data/severity.yml 中（可用：{'、'.join(levels)}）")
        for sign in cause["signs"]:
            if sign in seen_signs:
                other_id, other = seen_signs[sign]
                if other["page"] != cause["page"]:
                    text = (f"两条路线不一致：迹象“{sign}”在 {label}.causes.{other_id} 转到 docs/{other['page']}"
                            f"（第 {getattr(other, 'line', 0)} 行），在 {name} 转到 docs/{cause['page']}")
                else:
                    text = f"迹象“{sign}”同时写在 {label}.causes.{other_id} 和 {name} 里：只写在一处"
                where.add(_text_at(lines, cause, sign), text)
            else:
                seen_signs[sign] = (cause_id, cause)
    used: set[str] = set()
    for node_id, node in tree["nodes"].items():
        if not isinstance(node, dict) or is_question(node) or not isinstance(node.get("cause"), str):
            continue
        name = f"{label}.nodes.{node_id}"
        cause_id = node["cause"]
        if cause_id not in causes:
            where.add(_field(lines, node, "cause"),
                      f"{name} 的 cause {cause_id!r} 没有对应的原因行：请在 {label}.causes 中加上这一行"
                      f"（可用：{'、'.join(causes)}）")
            continue
        used.add(cause_id)
        cause = good.get(cause_id)
        if cause is not None and node.get("page") != cause["page"]:
            where.add(_field(lines, node, "page"),
                      f"两条路线不一致：{name} 转到 docs/{node.get('page')}，它的原因行 {label}.causes.{cause_id}"
                      f"（第 {getattr(cause, 'line', 0)} 行）转到 docs/{cause['page']}")
    for cause_id, cause in causes.items():
        if cause_id not in used:
            where.add(cause, f"{label}.causes.{cause_id} 没有任何结论用到（没有结论的 cause 指向它）："
                             f"原因表里的这一行在判断树里走不到")


def _text_at(lines: list[str], node: Any, text: str) -> _Lines:
    """条目里某段文字所在的行（找不到时用条目的起始行）。"""
    start = getattr(node, "line", 0)
    if start:
        for number in range(start, min(len(lines), start + 60) + 1):
            if text in lines[number - 1]:
                return _Lines(number)
    return _Lines(start)


def _check_paths(where: Where, label: str, start: str, nodes: dict, lines: list[str]) -> None:
    """从 start 出发深度优先：不能有环，不能有走不到的节点，一条分支上的问题不能太多。"""
    state: dict[str, str] = {}
    longest: dict[str, list[str]] = {}   # 从该节点往下、问题最多的一条路径

    def visit(node_id: str, trail: list[str]) -> None:
        state[node_id] = "open"
        node = nodes[node_id]
        longest[node_id] = [node_id]
        if is_question(node):
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
    refs = {"fact": datafiles.load_facts(root), "contact": datafiles.load_contacts(root),
            "level": incident.load_severity(root)}
    lines = (root / "data" / FILE).read_text(encoding="utf-8").splitlines()
    for key, tree in trees.items():
        _check_tree(where, key, tree, root, refs, lines)
    where.done()
    return trees
