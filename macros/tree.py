"""分流的宏：由 data/decision_tree.yml（读取与校验在 macros/tree_data.py）生成页面内容。

- ``decision_tree("not_found")``：交互式判断树；
- ``triage_table("not_found")``：“可能的原因”表（原因 → 常见迹象 → 起始级别 → 处置手册）；
- ``first_five("not_found")``：“前五分钟”清单（编号列表；放进提示框时写 ``| indent(4)``）；
- ``cause_levels("not_found")``：事件分级页上“常见原因的起始级别”表；
- ``runbook_table("not_found")``：事件响应首页的处置手册表（每份处置手册一行，列出转到它的迹象）。

宏输出的 HTML 不依赖 JavaScript 也能读：一个嵌套列表（问题 → 答案 → 下一个问题 → 处置手册链接）。
链接用 Markdown 写成相对于调用页面的 .md 路径，由 MkDocs 校验并改写，目录式网址和离线构建都正确。
decision-tree.js 再把它变成一次只问一个问题的逐步向导。
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from macros import datafiles, incident, pages
from macros.render import attr_json, example_badge, md_text, relative_link
from macros.tree_data import FACT_REF, FILE, REF, clean, is_question, load_decision_tree


class UnknownTree(LookupError):
    pass


def expand_facts(text: str, facts: dict) -> str:
    """把 {fact:键} 换成事实的名称与值，如“纳税缴费服务热线 12366”（纯文字）。"""
    from macros.facts import format_fact
    return FACT_REF.sub(lambda m: f"{facts[m.group(1)]['name']} {format_fact(facts[m.group(1)])}", text)


def render_refs(text: str, facts: dict, contacts: dict | None = None, markdown: bool = False) -> str:
    """数据里的一段文字放进页面：其余部分转义（HTML，或 markdown=True 时按 Markdown 转义），
    {fact:键} 换成“名称 值”（Markdown 中值加粗；未核实的带标记），{contact:键} 换成本单位的值和“示例”标记。"""
    from macros.facts import fact_badge, format_fact
    text = clean(text)
    plain = md_text if markdown else (lambda s: escape(s, quote=False))
    out, last = [], 0
    for match in REF.finditer(text):
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
        if is_question(node):
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
