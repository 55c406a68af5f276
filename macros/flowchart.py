"""判断树的一页流程图：构建时由 data/decision_tree.yml 画成内嵌 SVG，不用脚本。

``{{ decision_flowchart("not_found") }}`` 输出一个可折叠的块（``<details class="hb-flowchart">``）：
屏幕上默认收起；打印时（浏览器打印和打印包）展开，单独占一张横向 A4，代替嵌套列表。

版式：每个问题一张卡片（带编号），卡片里每个答案一行；答案通向处置手册的，行的右侧是粗框的结论
（处置手册名和起始级别）；通向下一个问题的，右侧写“转 N”，并画一条线连到第 N 张卡片。
问题按深度分列，第一个问题在最左边。文字按宽度折行：中文和全角符号按 1 个字宽，拉丁字母和数字按
0.6 个字宽估算；``layout`` 返回每行文字和它所在框的宽度，测试据此检查文字不出框。
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from macros import incident, tree, tree_data

#: 整张图的宽度（SVG 单位）。打印时图宽约 277 mm，1 个单位约 0.26 mm。
WIDTH = 1080
#: 字号（SVG 单位）：问题、答案、结论
FS_QUESTION = 11.5
FS_ANSWER = 10.5
FS_LEAF = 10.5
LINE = 1.25          # 行高（字号的倍数）
PAD = 5              # 框内边距
GAP = 34             # 列间距（连线走在这里）
START_WIDTH = 118    # 第一列（第一个问题）的宽度
RIGHT = 96           # 卡片里结论框的宽度
LINK = 34            # “转 N”的宽度
CARD_GAP = 10        # 同一列上下两张卡片的间距
BADGE = 8            # 编号圆圈的半径

_FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'

#: 不能放在行首的标点、不能放在行尾的标点
_NO_START = set("，。、；：？！）》」』”’…%,.;:?!)")
_NO_END = set("（《「『“‘(")
#: 中文字体里按全角排的符号（码位在中文之前）
_FULL = set("“”‘’…—·×")
_TOKEN = re.compile(r"[A-Za-z0-9.%/+\-]+|\s+|.", re.S)


def char_width(ch: str) -> float:
    """估算的字宽（以字号为 1）：拉丁字母、数字和半角符号 0.6，空格 0.3，其余（中文、全角标点、中文引号）1。"""
    if ch == " ":
        return 0.3
    if ch in _FULL:
        return 1.0
    return 0.6 if ord(ch) < 0x2E80 else 1.0


def text_width(text: str, size: float) -> float:
    return sum(char_width(ch) for ch in text) * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """按宽度折行：拉丁字母和数字连在一起不拆开；避头尾标点。每行的估算宽度不超过 width。"""
    tokens = _TOKEN.findall(tree_data.clean(text))
    lines: list[str] = []
    line = ""
    for token in tokens:
        if token.isspace():
            token = " "
            if not line:
                continue
        if line and text_width(line + token, size) > width:
            carry = ""
            # 行首不能是收尾的标点：把上一行最后的字一起带下来；行尾不能是开头的标点
            while len(line) > 1 and ((carry or token)[0] in _NO_START or line[-1] in _NO_END):
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + token.lstrip()
        else:
            line += token
        while text_width(line, size) > width and len(line) > 1:   # 单个记号比一行还宽：硬拆
            cut = len(line) - 1
            while cut > 1 and text_width(line[:cut], size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


# ---------------------------------------------------------------- 版式


@dataclass
class Text:
    x: float
    y: float
    text: str
    size: float
    box: float               # 这一行所在框的可用宽度
    anchor: str = "start"
    bold: bool = False


@dataclass
class Row:
    answer: dict
    label: list[str]
    leaf: dict | None = None
    leaf_lines: list[str] = field(default_factory=list)
    level: str = ""
    target: str | None = None
    height: float = 0
    y: float = 0


@dataclass
class Card:
    node_id: str
    number: int
    column: int
    width: float
    question: list[str]
    rows: list[Row]
    header: float = 0
    height: float = 0
    x: float = 0
    y: float = 0


@dataclass
class Layout:
    width: float
    height: float
    cards: dict[str, Card]
    texts: list[Text]
    shapes: list[str]
    min_font: float


def _line_height(size: float) -> float:
    return size * LINE


def _card(node_id: str, node: dict, number: int, column: int, width: float, nodes: dict, causes: dict,
          levels: dict) -> Card:
    inner = width - 2 * PAD
    question = wrap(node["question"], inner - 2 * BADGE - 4, FS_QUESTION)
    rows = []
    for answer in node["answers"]:
        target = nodes[answer["next"]]
        right_width = LINK if tree_data.is_question(target) else RIGHT
        label = wrap(answer["label"], inner - right_width - PAD, FS_ANSWER)
        row = Row(answer=answer, label=label)
        if tree_data.is_question(target):
            row.target = answer["next"]
            right = _line_height(FS_ANSWER)
        else:
            row.leaf = target
            cause = causes.get(target["cause"], {})
            level = levels.get(cause.get("level"), {})
            row.level = f"{level['label']} 起" if level else ""
            row.leaf_lines = leaf_lines(target["title"], row.level)
            right = len(row.leaf_lines) * _line_height(FS_LEAF) + 2 * PAD - 2
        row.height = max(len(label) * _line_height(FS_ANSWER), right) + 2 * PAD
        rows.append(row)
    header = len(question) * _line_height(FS_QUESTION) + 2 * PAD + 2
    card = Card(node_id, number, column, width, question, rows, header=header)
    card.height = header + sum(row.height for row in rows)
    return card


def leaf_lines(title: str, level: str) -> list[str]:
    """结论框里的文字：处置手册名折行，起始级别接在最后一行后面，放不下时另起一行。"""
    lines = wrap(title, RIGHT - 2 * PAD, FS_LEAF)
    if level:
        joined = f"{lines[-1]} {level}"
        if text_width(joined, FS_LEAF) <= RIGHT - 2 * PAD:
            lines[-1] = joined
        else:
            lines.append(level)
    return lines


def layout(data: dict, levels: dict) -> Layout:
    """按深度分列排好每张问题卡片；返回坐标、每行文字和所在框的宽度。"""
    nodes, causes = data["nodes"], data["causes"]
    # 深度优先给问题编号，按深度分列（同一个问题有两个上级时，取最浅的一列）
    order: list[str] = []
    depth: dict[str, int] = {}
    parent_row: dict[str, tuple[str, int]] = {}

    def visit(node_id: str, level: int) -> None:
        if node_id in depth:
            depth[node_id] = min(depth[node_id], level)
            return
        depth[node_id] = level
        order.append(node_id)
        for index, answer in enumerate(nodes[node_id]["answers"]):
            nxt = answer["next"]
            if tree_data.is_question(nodes[nxt]):
                parent_row.setdefault(nxt, (node_id, index))
                visit(nxt, level + 1)

    visit(data["start"], 0)
    columns = max(depth.values())
    # 答案多的列宽一些（按答案数的平方根分配），文字折行少，整张图不至于太高
    answers = [0] * (columns + 1)
    for node_id in order:
        answers[depth[node_id]] += len(nodes[node_id]["answers"])
    weights = [answers[c] ** 0.5 for c in range(1, columns + 1)]
    free = WIDTH - START_WIDTH - columns * GAP
    widths = [START_WIDTH, *(free * w / sum(weights) for w in weights)]
    lefts = [0.0]
    for column in range(1, columns + 1):
        lefts.append(lefts[-1] + widths[column - 1] + GAP)
    cards: dict[str, Card] = {}
    for number, node_id in enumerate(order, start=1):
        column = depth[node_id]
        card = _card(node_id, nodes[node_id], number, column, widths[column], nodes, causes, levels)
        card.x = lefts[column]
        cards[node_id] = card

    def place_rows(card: Card) -> None:
        y = card.y + card.header
        for row in card.rows:
            row.y = y
            y += row.height

    # 从上到下放卡片：尽量和通向它的那一行对齐，不和同列的上一张重叠，也不让图比最满的一列更高
    below: dict[str, float] = {}
    stacked = [0.0] * (columns + 1)
    for node_id in reversed(order):
        card = cards[node_id]
        below[node_id] = stacked[card.column]
        stacked[card.column] += card.height + CARD_GAP
    natural = max(stacked[1:] or stacked) - CARD_GAP
    cursor = [0.0] * (columns + 1)
    for node_id in order:
        card = cards[node_id]
        wanted = 0.0
        if node_id in parent_row:
            parent, index = parent_row[node_id]
            source = cards[parent]
            if source.column == card.column - 1 and source.column > 0:
                row = source.rows[index]
                wanted = row.y + row.height / 2 - card.header / 2
        card.y = max(cursor[card.column], min(wanted, natural - below[node_id] - card.height))
        cursor[card.column] = card.y + card.height + CARD_GAP
        place_rows(card)
    height = max(cursor) - CARD_GAP
    start = cards[data["start"]]
    start.y = max(0.0, (height - start.height) / 2)
    place_rows(start)

    texts: list[Text] = []
    shapes: list[str] = []
    connectors: dict[int, list[tuple[float, float, float, float]]] = {}
    for card in cards.values():
        _draw_card(card, cards, texts, shapes, connectors)
    for lines in connectors.values():
        lines.sort(key=lambda c: (c[1], c[3]))
        for index, (x1, y1, x2, y2) in enumerate(lines):
            xm = x1 + GAP * (index + 1) / (len(lines) + 1)
            points = f"{x1:.1f},{y1:.1f} {xm:.1f},{y1:.1f} {xm:.1f},{y2:.1f} {x2 - 1:.1f},{y2:.1f}"
            shapes.append(f'<polyline points="{points}" class="hb-fc__line" fill="none" stroke="currentColor" '
                          f'stroke-width="1.2" marker-end="url(#hb-fc-arrow)"/>')
    return Layout(WIDTH, height, cards, texts, shapes, min(FS_ANSWER, FS_LEAF, FS_QUESTION))


def _draw_card(card: Card, cards: dict[str, Card], texts: list[Text], shapes: list[str],
               connectors: dict[int, list]) -> None:
    x, y, w = card.x, card.y, card.width
    shapes.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{card.height:.1f}" class="hb-fc__card" '
                  f'fill="none" stroke="currentColor" stroke-width="1"/>')
    shapes.append(f'<line x1="{x:.1f}" y1="{y + card.header:.1f}" x2="{x + w:.1f}" y2="{y + card.header:.1f}" '
                  f'stroke="currentColor" stroke-width="1"/>')
    cx, cy = x + PAD + BADGE, y + PAD + BADGE
    shapes.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{BADGE}" fill="none" stroke="currentColor" stroke-width="1.2"/>')
    shapes.append(f'<text x="{cx:.1f}" y="{cy + 3.6:.1f}" text-anchor="middle" font-size="10" font-weight="700" '
                  f'class="hb-fc__badge">{card.number}</text>')
    lh = _line_height(FS_QUESTION)
    qx = x + PAD + 2 * BADGE + 4
    for index, line in enumerate(card.question):
        texts.append(Text(qx, y + PAD + 1 + lh * index + FS_QUESTION, line, FS_QUESTION,
                          w - 2 * PAD - 2 * BADGE - 4, bold=True))
    for index, row in enumerate(card.rows):
        if index:
            shapes.append(f'<line x1="{x + PAD:.1f}" y1="{row.y:.1f}" x2="{x + w - PAD:.1f}" y2="{row.y:.1f}" '
                          f'stroke="currentColor" stroke-width="0.5" stroke-dasharray="2 2"/>')
        la = _line_height(FS_ANSWER)
        top = row.y + row.height / 2 - len(row.label) * la / 2
        for number, line in enumerate(row.label):
            right = RIGHT if row.leaf is not None else LINK
            texts.append(Text(x + PAD, top + la * number + FS_ANSWER * 0.9, line, FS_ANSWER, w - 3 * PAD - right))
        rx = x + w - PAD - RIGHT
        if row.leaf is not None:
            lines = row.leaf_lines
            lf = _line_height(FS_LEAF)
            box_h = len(lines) * lf + 2 * PAD - 2
            by = row.y + (row.height - box_h) / 2
            shapes.append(f'<rect x="{rx:.1f}" y="{by:.1f}" width="{RIGHT}" height="{box_h:.1f}" rx="7" '
                          f'class="hb-fc__leaf" fill="none" stroke="currentColor" stroke-width="2.2"/>')
            for number, line in enumerate(lines):
                texts.append(Text(rx + RIGHT / 2, by + PAD - 1 + lf * number + FS_LEAF * 0.95, line, FS_LEAF,
                                  RIGHT - 2 * PAD, anchor="middle", bold=True))
        else:
            target = cards[row.target]
            label = f"转 {target.number}"
            texts.append(Text(x + w - PAD, row.y + row.height / 2 + FS_ANSWER * 0.35, label, FS_ANSWER, LINK,
                              anchor="end", bold=True))
            if target.column == card.column + 1:
                connectors.setdefault(card.column, []).append(
                    (x + w, row.y + row.height / 2, target.x, target.y + min(target.header / 2, 14)))


def svg(key: str, data: dict, levels: dict) -> str:
    """整张流程图的 SVG（合格的 XML，颜色都用 currentColor，没有脚本和内联样式）。"""
    result = layout(data, levels)
    parts = list(result.shapes)
    for text in result.texts:
        weight = ' font-weight="700"' if text.bold else ""
        anchor = "" if text.anchor == "start" else f' text-anchor="{text.anchor}"'
        parts.append(f'<text x="{text.x:.1f}" y="{text.y:.1f}" font-size="{text.size:g}"{anchor}{weight} '
                     f'data-box="{text.box:.1f}">{escape(text.text)}</text>')
    ident = f"hb-fc-{key.replace('_', '-')}"
    questions = "；".join(f"{card.number}. {tree_data.clean(data['nodes'][card.node_id]['question'])}"
                         for card in sorted(result.cards.values(), key=lambda c: c.number))
    desc = (f"{tree_data.clean(data['title'])}的全部分支，共 {len(result.cards)} 个问题：{questions}。"
            "每个答案通向下一个问题或一份处置手册；同样的内容见本页的逐步判断。")
    defs = ('<defs><marker id="hb-fc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
            'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/>'
            "</marker></defs>")
    height = result.height + 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1 -1 {result.width + 2:g} {height:.0f}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" class="hb-flowchart__svg" font-family=\'{_FONT}\' '
            f'fill="currentColor" stroke="none">'
            f'<title id="{ident}-title">{escape(tree_data.clean(data["title"]))}：一页流程图</title>'
            f'<desc id="{ident}-desc">{escape(desc)}</desc>{defs}{"".join(parts)}</svg>')


LEGEND = ("方框是问题，左上角是编号，从 1 开始；每行是一个答案。右侧粗框是要打开的处置手册和起始级别；"
          "“转 N”表示接着回答第 N 个问题。")


def figure(key: str, data: dict, levels: dict) -> str:
    title = escape(tree_data.clean(data["title"]))
    return (f'<details class="hb-flowchart" data-search-exclude id="hb-flowchart-{escape(key.replace("_", "-"))}">'
            f'<summary>一页流程图：全部分支（适合打印）</summary>'
            f'<figure class="hb-flowchart__figure">'
            f'<figcaption class="hb-flowchart__caption"><strong>{title}</strong> {escape(LEGEND)}</figcaption>'
            f'{svg(key, data, levels)}</figure></details>')


def register(env, root) -> None:
    trees = tree_data.load_decision_tree(root)
    levels = incident.load_severity(root)

    @env.macro
    def decision_flowchart(key: str) -> str:
        """判断树的一页流程图（构建时画成内嵌 SVG）：屏幕上收起，打印时单独占一张横向 A4。"""
        if key not in trees:
            raise tree.UnknownTree(f"data/{tree_data.FILE} 中没有判断树 {key!r}；可用的键：{', '.join(sorted(trees))}")
        return "\n\n" + figure(key, trees[key], levels) + "\n\n"

