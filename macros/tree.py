"""分流的唯一来源：data/decision_tree.yml 的校验，以及由它生成页面内容的宏。

- ``decision_tree("not_found")``：交互式判断树；
- ``triage_table("not_found")``：“可能的原因”表（原因 → 常见迹象 → 起始级别 → 处置手册）；
- ``first_five("not_found")``：“前五分钟”清单（编号列表；放进提示框时写 ``| indent(4)``）；
- ``cause_levels("not_found")``：事件分级页上“常见原因的起始级别”表；
- ``runbook_table("not_found")``：事件响应首页的处置手册表（每份处置手册一行，列出转到它的迹象）。

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

宏输出的 HTML 不依赖 JavaScript 也能读：一个嵌套列表（问题 → 答案 → 下一个问题 → 处置手册链接）。
链接用 Markdown 写成相对于调用页面的 .md 路径，由 MkDocs 校验并改写，目录式网址和离线构建都正确。
decision-tree.js 再把它变成一次只问一个问题的逐步向导。
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from macros import datafiles, incident, pages
from macros.render import attr_json, example_badge, md_text, relative_link
from macros.schema import Record, Where, is_mapping, is_text, is_text_list

FILE = "decision_tree.yml"

#: 从第一个问题到结论，最多经过几个问题。值班时更深的树没人走得完。
MAX_QUESTIONS = 6

#: 文字里可以写 {fact:键} 引用 data/facts.yml 中的事实（显示为“名称 值”），写 {contact:键} 引用
#: data/contacts.yml 中本单位的值（带“示例”标记），号码不必手写。
_REF = re.compile(r"\{(fact|contact):([a-z][a-z0-9_]*)\}")
_FACT_REF = re.compile(r"\{fact:([a-z][a-z0-9_]*)\}")
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


def _check_refs(where: Where, name: str, node: dict, refs: dict, lines: list[str]) -> None:
    """{fact:键}、{contact:键} 必须在 data/facts.yml、data/contacts.yml 中存在。"""
    for field in _REF_FIELDS:
        for kind, ref in _REF.findall(str(node.get(field, ""))):
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
        elif _is_question(node):
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
        if not isinstance(node, dict) or _is_question(node) or not isinstance(node.get("cause"), str):
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
    refs = {"fact": datafiles.load_facts(root), "contact": datafiles.load_contacts(root),
            "level": incident.load_severity(root)}
    lines = (root / "data" / FILE).read_text(encoding="utf-8").splitlines()
    for key, tree in trees.items():
        _check_tree(where, key, tree, root, refs, lines)
    where.done()
    return trees


# ---------------------------------------------------------------- 渲染

class UnknownTree(LookupError):
    pass


def expand_facts(text: str, facts: dict) -> str:
    """把 {fact:键} 换成事实的名称与值，如“纳税缴费服务热线 12366”（纯文字）。"""
    from macros.facts import format_fact
    return _FACT_REF.sub(lambda m: f"{facts[m.group(1)]['name']} {format_fact(facts[m.group(1)])}", text)


def render_refs(text: str, facts: dict, contacts: dict | None = None, markdown: bool = False) -> str:
    """数据里的一段文字放进页面：其余部分转义（HTML，或 markdown=True 时按 Markdown 转义），
    {fact:键} 换成“名称 值”（Markdown 中值加粗；未核实的带标记），{contact:键} 换成本单位的值和“示例”标记。"""
    from macros.facts import fact_badge, format_fact
    text = clean(text)
    plain = md_text if markdown else (lambda s: escape(s, quote=False))
    out, last = [], 0
    for match in _REF.finditer(text):
        out.append(plain(text[last:match.start()]))
        kind, key = match.groups()
        if kind == "fact":
            entry = facts[key]
            value = escape(format_fact(entry))
            out.append(f"{escape(entry['name'])} **{value}**" if markdown else f"{escape(entry['name'])} {value}")
            out.append(fact_badge(entry))
        else:
            entry = (contacts or {})[key]
            out.append(escape(str(entry["value"])) + (example_badge() if entry.get("example") else ""))
        last = match.end()
    out.append(plain(text[last:]))
    return "".join(out)


def render_tree(key: str, tree: dict, src_uri: str, facts: dict | None = None,
                contacts: dict | None = None, text: dict | None = None) -> str:
    """生成嵌套列表形式的 HTML（md_in_html）；只有处置手册链接交给 Markdown 处理。
    text 是 data/widget_text.yml 的 tree 部分，放进 data-dt-text 交给 decision-tree.js。"""
    nodes = tree["nodes"]
    prefix = f"dt-{key.replace('_', '-')}"
    out: list[str] = []

    def node_html(node_id: str) -> None:
        node = nodes[node_id]
        if _is_question(node):
            out.append(f'<li class="dt-node dt-question" data-dt-node="{escape(node_id)}" markdown="1">')
            out.append(f'<p class="dt-question-text"><strong>{escape(node["question"])}</strong></p>')
            if node.get("help"):
                help_text = render_refs(node["help"], facts or {}, contacts)
                out.append(f'<p class="dt-help">{help_text}</p>')
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
            out.append(f'<p class="dt-summary">{render_refs(node["summary"], facts or {}, contacts)}</p>')
            out.append("</li>")

    out.append(f'<div class="dt" id="{prefix}" data-dt-tree="{escape(key)}" '
               f'data-dt-start="{escape(tree["start"])}" data-dt-title="{escape(tree["title"])}"'
               + (f' data-dt-text="{attr_json(text)}"' if text else "") + ' markdown="1">')
    out.append(f'<p class="dt-static-title"><strong>{escape(tree["title"])}</strong>'
               f'（逐条列出全部分支；从第一个问题往下读，直到“处置手册”）</p>')
    out.append(f'<ul class="dt-static" id="{prefix}-all" markdown="1">')
    node_html(tree["start"])
    out.append("</ul>")
    out.append("</div>")
    # 前后空行：让 Markdown 把它当作独立的 HTML 块
    return "\n\n" + "\n".join(out) + "\n\n"


def _target(src_uri: str, page: str, anchor: str | None, root: Path) -> str:
    """到处置手册（某一节）的 Markdown 链接，文字是页面标题（和小节标题）。"""
    title, anchors = pages.page_info(root / "docs" / page)
    text = f"{title}：{anchors[anchor]}" if anchor else title
    return f"[{md_text(text)}]({relative_link(src_uri, page, anchor)})"


def render_first_five(tree: dict, src_uri: str, root: Path, facts: dict, contacts: dict) -> str:
    """前五分钟清单：编号列表，每步“**动作**：说明”，可带一个链接。不以空行开头或结尾，
    放进提示框时用 ``| indent(4)``。"""
    items = []
    for number, step in enumerate(tree["first_five"], start=1):
        line = f"{number}. **{md_text(clean(step['do']))}**"
        if step.get("text"):
            line += "：" + render_refs(step["text"], facts, contacts, markdown=True)
        if step.get("link"):
            link = step["link"]
            href = relative_link(src_uri, link["page"], link.get("anchor"))
            line += f"见[{md_text(clean(link['title']))}]({href})。"
        items.append(line)
    return "\n".join(items)


def render_triage_table(tree: dict, src_uri: str, root: Path, levels: dict,
                        facts: dict, contacts: dict) -> str:
    """“可能的原因”表：原因、常见迹象、起始级别、处置手册；每行来自 causes，顺序与数据相同。"""
    rows = ["| 原因 | 常见迹象 | 起始级别 | 处置手册 |", "|---|---|---|---|"]
    for cause in tree["causes"].values():
        name = f"**{md_text(clean(cause['name']))}**"
        if cause.get("note"):
            name += "<br>" + render_refs(cause["note"], facts, contacts, markdown=True)
        signs = "<br>".join(f"· {md_text(clean(sign))}" for sign in cause["signs"])
        level = levels[cause["level"]]
        rows.append(f"| {name} | {signs} | {md_text(level['label'] + ' ' + level['name'])} "
                    f"| {_target(src_uri, cause['page'], cause.get('anchor'), root)} |")
    return "\n".join(rows)


def render_runbook_table(tree: dict, src_uri: str, root: Path) -> str:
    """处置手册表：每个目标页面一行（按原因表中第一次出现的顺序），“现象”列是转到这一页的各原因的迹象。
    与分流页的原因表出自同一份数据，所以两处不会把同一个迹象转到不同的处置手册。"""
    order: dict[str, list[str]] = {}
    for cause in tree["causes"].values():
        signs = order.setdefault(cause["page"], [])
        for sign in cause["signs"]:
            text = md_text(clean(sign))
            if text not in signs:
                signs.append(text)
    rows = ["| 现象 | 处置手册 |", "|---|---|"]
    for page, signs in order.items():
        title, _ = pages.page_info(root / "docs" / page)
        rows.append(f"| {'<br>'.join('· ' + sign for sign in signs)} "
                    f"| [{md_text(title)}]({relative_link(src_uri, page)}) |")
    return "\n".join(rows)


def render_cause_levels(tree: dict, src_uri: str, root: Path, levels: dict) -> str:
    """事件分级页用：每一级下列出起始于这一级的常见原因（链接到处置手册）。"""
    rows = ["| 级别 | 从这一级起步的常见原因 |", "|---|---|"]
    for key, level in levels.items():
        causes = [cause for cause in tree["causes"].values() if cause["level"] == key]
        if not causes:
            continue
        names = "<br>".join(
            f"· [{md_text(clean(cause['name']))}]({relative_link(src_uri, cause['page'], cause.get('anchor'))})"
            for cause in causes)
        rows.append(f"| **{md_text(level['label'] + ' ' + level['name'])}** | {names} |")
    return "\n".join(rows)


def register(env, root) -> None:
    trees = load_decision_tree(root)
    facts = datafiles.load_facts(root)
    contacts = datafiles.load_contacts(root)
    levels = incident.load_severity(root)

    def lookup(key: str) -> dict:
        if key not in trees:
            raise UnknownTree(f"data/{FILE} 中没有判断树 {key!r}；可用的键：{', '.join(sorted(trees))}")
        return trees[key]

    def calling_page() -> str:
        page = getattr(env, "page", None)
        return page.file.src_uri if page is not None and getattr(page, "file", None) else "index.md"

    @env.macro
    def decision_tree(key: str) -> str:
        """交互式判断树：无脚本时是嵌套列表，有脚本时是逐步向导。"""
        return render_tree(key, lookup(key), calling_page(), facts, contacts,
                           datafiles.load_widget_text(root)["tree"])

    @env.macro
    def triage_table(key: str) -> str:
        """“可能的原因”表，与判断树的结论出自同一份数据。"""
        return render_triage_table(lookup(key), calling_page(), root, levels, facts, contacts)

    @env.macro
    def first_five(key: str) -> str:
        """“前五分钟”清单（编号列表）。放进提示框：``{{ first_five("not_found") | indent(4) }}``。"""
        tree = lookup(key)
        if not tree.get("first_five"):
            raise UnknownTree(f"data/{FILE} 中的判断树 {key!r} 没有 first_five")
        return render_first_five(tree, calling_page(), root, facts, contacts)

    @env.macro
    def runbook_table(key: str) -> str:
        """处置手册表：每份处置手册一行，列出转到它的迹象（与原因表同源）。"""
        return render_runbook_table(lookup(key), calling_page(), root)

    @env.macro
    def cause_levels(key: str) -> str:
        """各级别下起步的常见原因，供事件分级页使用。"""
        return render_cause_levels(lookup(key), calling_page(), root, levels)
