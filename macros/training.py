"""培训的数据与宏：自测题、术语表和缩写。

数据文件（出错时指明文件、行号和条目）：

- data/quiz.yml：自测题（单选、多选、解释、重读的页面）；
- data/exercises.yml：练习卡片（情景、要回答的问题、参考答案、不要这样做、重读的页面）；
- 术语表在 macros/glossary.py（解释在 data/glossary.yml，术语和同义词在 data/terms.yml）；
  缩写的悬停说明在 includes/abbreviations.md（abbr 扩展的写法），由这里校验。

数据里指向手册的链接用 drills.py 的 check_link 校验、md_link 输出。自测题的作答与得分在
docs/assets/javascripts/quiz.js；题目、答案和讲师页的显示在 macros/quiz.py。
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

from macros import datafiles, glossary
from macros import quiz as quiz_macros
from macros.glossary import deprecated_terms, load_glossary  # noqa: F401  术语表原在本模块
from macros.datafiles import Mapping
from macros.drills import _get, _is_list, _is_text_list, _src_uri, _unique_texts, check_link, md_link
from macros.render import cell, md_text
from macros.schema import DataError, Record, Where, is_text, keyed_entries

ROOT = datafiles.ROOT

QUESTION_TYPES = {"single": "单选", "multi": "多选"}
LETTERS = "ABCDEF"
ABBREVIATIONS = "includes/abbreviations.md"


# ---------------------------------------------------------------- 自测题


QUIZ = Record({"title": is_text, "audience": is_text, "questions": _is_list})
QUESTION = Record(
    {"id": lambda v: isinstance(v, str) and bool(datafiles.KEY.match(v)),
     "type": lambda v: v in QUESTION_TYPES, "question": is_text,
     "options": lambda v: _is_text_list(v) and 2 <= len(v) <= len(LETTERS),
     "answer": lambda v: v not in (None, "", []), "explanation": is_text, "page": is_text},
)


@datafiles.datafile("quiz.yml")
def load_quiz(root: Path = ROOT) -> Mapping:
    """读取并校验 data/quiz.yml：每题的答案必须是存在的选项，重读的页面必须存在。"""
    doc, where = datafiles.open_file(root, "quiz.yml")
    quizzes = keyed_entries(where, doc, "quizzes")
    ids: dict[str, str] = {}
    for key, quiz in quizzes.items():
        label = f"quizzes.{key}"
        if not QUIZ.check(where, quiz, f"{label}:"):
            continue
        for index, question in enumerate(quiz["questions"]):
            item = f"{label}.questions[{index}]"
            if not QUESTION.check(where, question, f"{item}:"):
                continue
            qid = question["id"]
            if qid in ids:
                where.add(question, f"{item}: 题目编号 {qid} 与 {ids[qid]} 重复（编号要全站唯一）")
            ids.setdefault(qid, item)
            _unique_texts(where, question["options"], f"{item}.options")
            _check_answer(where, question, item)
            check_link(where, question, item, question["page"], root)
    where.done()
    return quizzes


def answer_letters(question: dict) -> list[str]:
    answer = question["answer"]
    return [answer] if isinstance(answer, str) else list(answer)


def _check_answer(where: Where, question: dict, item: str) -> None:
    answer = question["answer"]
    valid = LETTERS[: len(question["options"])]
    if question["type"] == "single":
        if not isinstance(answer, str):
            where.add(question, f"{item}: 单选题的 answer 只能是一个字母（{'、'.join(valid)} 之一），"
                                f"实际为 {answer!r}")
            return
        letters = [answer]
    else:
        if not isinstance(answer, list) or len(answer) < 2:
            where.add(question, f"{item}: 多选题的 answer 要写成至少两个字母的列表，如 [A, C]；"
                                f"只有一个正确答案的请改成单选题。实际为 {answer!r}")
            return
        letters = answer
        if len(set(letters)) != len(letters):
            where.add(question, f"{item}: answer 中有重复的字母：{answer!r}")
            return
        if len(letters) == len(valid):
            where.add(question, f"{item}: 多选题不能所有选项都正确")
            return
    for letter in letters:
        if not isinstance(letter, str) or letter not in valid:
            where.add(question, f"{item}: 答案 {letter!r} 不是有效的选项"
                                f"（这道题有 {len(valid)} 个选项：{'、'.join(valid)}）")
            return


# ---------------------------------------------------------------- 练习卡片

EXERCISE_GROUP = Record({"title": is_text, "cards": lambda v: isinstance(v, dict) and bool(v)})
CARD = Record(
    {"title": is_text, "audience": is_text, "situation": is_text, "task": is_text,
     "answer": _is_text_list, "page": is_text},
    {"avoid": _is_text_list},
)


@datafiles.datafile("exercises.yml")
def load_exercises(root: Path = ROOT) -> Mapping:
    """读取并校验 data/exercises.yml：卡片编号全站唯一，重读的页面和锚点必须存在。"""
    doc, where = datafiles.open_file(root, "exercises.yml")
    groups = keyed_entries(where, doc, "groups")
    seen: dict[str, str] = {}
    for key, group in groups.items():
        label = f"groups.{key}"
        if not EXERCISE_GROUP.check(where, group, f"{label}:"):
            continue
        for card_key, card in group["cards"].items():
            item = f"{label}.cards.{card_key}"
            if not isinstance(card_key, str) or not datafiles.KEY.match(card_key):
                where.add(card, f"{item}: 卡片编号只能用小写字母、数字和下划线")
            if card_key in seen:
                where.add(card, f"{item}: 卡片编号与 {seen[card_key]} 重复（编号要全站唯一）")
            seen.setdefault(card_key, item)
            if not CARD.check(where, card, f"{item}:"):
                continue
            check_link(where, card, item, card["page"], root)
    where.done()
    return groups


def render_exercises(key: str, group: dict, src: str, root: Path) -> str:
    """一组练习卡片：每张一个三级标题（锚点是卡片键），参考答案在默认收起的 <details> 里。"""
    out = []
    for number, (card_key, card) in enumerate(group["cards"].items(), start=1):
        out += [
            f"### 卡片 {number}：{md_text(card['title'])} {{#{card_key}}}",
            "",
            f'<div class="hb-exercise" data-exercise="{escape(card_key)}" markdown="1">',
            "",
            f"**适合**：{md_text(card['audience'])}",
            "",
            f"**情景**：{md_text(card['situation'])}",
            "",
            f"**要回答**：{md_text(card['task'])}",
            "",
            '<details class="hb-exercise__answer" markdown="1">',
            "<summary>参考答案</summary>",
            "",
        ]
        out += [f"{index}. {md_text(step)}" for index, step in enumerate(card["answer"], start=1)]
        out.append("")
        if card.get("avoid"):
            out += ["**不要**：", ""] + [f"- {md_text(text)}" for text in card["avoid"]] + [""]
        out += [f"重读：{md_link(card['page'], src, root)}", "", "</details>", "", "</div>", ""]
    return "\n\n" + "\n".join(out) + "\n"


# ---------------------------------------------------------------- 术语表与缩写

_ABBR_LINE = re.compile(r"^\*\[([^\]]+)\]:[ \t]*(\S.*)$")
_ABBR_TERM = re.compile(r"^[A-Z][A-Z0-9]*(?:[/-][A-Z0-9]+)*$")


def load_abbreviations(root: Path = ROOT) -> list[tuple[str, str]]:
    """读取并校验 includes/abbreviations.md（abbr 扩展的写法：*[缩写]: 全称与说明）。"""
    path = root / ABBREVIATIONS
    if not path.is_file():
        raise DataError(f"{ABBREVIATIONS}: 缩写文件不存在")
    found: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = _ABBR_LINE.match(line)
        if not match:
            problems.append(f"{ABBREVIATIONS}:{number}: 每行应当写成 *[缩写]: 全称与说明，实际为 {line!r}")
            continue
        term, meaning = match.group(1), match.group(2).strip()
        if not _ABBR_TERM.match(term):
            problems.append(f"{ABBREVIATIONS}:{number}: 缩写 {term!r} 只能用大写字母和数字")
        elif term in seen:
            problems.append(f"{ABBREVIATIONS}:{number}: 缩写 {term} 与第 {seen[term]} 行重复")
        else:
            seen[term] = number
            found.append((term, meaning))
    if not found and not problems:
        problems.append(f"{ABBREVIATIONS}: 没有任何缩写")
    if problems:
        raise DataError("\n".join(problems))
    return found


# ---------------------------------------------------------------- 显示


def register(env, root) -> None:
    quizzes = load_quiz(root)
    exercise_groups = load_exercises(root)

    # ---- 自测题：学员页的题目、讲师页的答案和全班汇总在 macros/quiz.py

    quiz_macros.register(env, root, quizzes)

    @env.macro
    def quiz_index() -> str:
        src = _src_uri(env)
        rows = ["| 题组 | 适合 | 题数 |", "|---|---|---|"]
        for key, item in quizzes.items():
            link = md_link(f"training/quiz.md#quiz-{key}", src, root, item["title"])
            rows.append(f"| {link} | {cell(item['audience'])} | {len(item['questions'])} |")
        return "\n".join(rows)

    # ---- 练习卡片

    @env.macro
    def exercise_cards(key: str) -> str:
        """一组练习卡片，参考答案默认收起（没有脚本也能展开）。"""
        return render_exercises(key, _get(exercise_groups, key, "exercises.yml"), _src_uri(env), root)

    # ---- 术语表（macros/glossary.py）

    glossary.register(env, root)

    @env.macro
    def abbreviations_table() -> str:
        rows = ["| 缩写 | 含义 |", "|---|---|"]
        for term, meaning in load_abbreviations(root):
            rows.append(f"| {cell(term)} | {cell(meaning)} |")
        return "\n".join(rows)
