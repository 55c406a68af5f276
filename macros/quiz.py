"""自测题的显示：学员页的题目、讲师页的答案和全班汇总。

数据在 data/quiz.yml（由 training.py 的 load_quiz 读取并校验），脚本显示的文字在 data/widget_text.yml 的 quiz。

- 学员页（宏 quiz）的 HTML 里没有明文答案和解释：每题的答案和解释封在 data-seal 里（按题目编号异或后
  base64），脚本在学员提交后才解开显示；没有脚本时只有题目，可以当纸面练习。
  这只是让答案不出现在页面源码、搜索索引和无脚本的页面上，不是保密：自测不是考试。
- 每题的 data-rev 是题目版本（题干、选项、答案算出的短哈希）；成绩单记下它，讲师页据此识别改过的题。
- 讲师页（宏 quiz_answer_key、quiz_results）：答案和解释在构建时写成静态内容（可以打印，不进搜索索引），
  全班汇总由 quiz-results.js 从学员导出的成绩单算出。
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html import escape
from pathlib import Path

from macros import datafiles
from macros.drills import _get, _src_uri, md_link
from macros.render import attr_json, md_text
from macros.schema import DataError, Record, Where, is_text

LETTERS = "ABCDEF"
QUESTION_TYPES = {"single": "单选", "multi": "多选"}
RESULTS_PAGE = "training/results.md"

_CJK = r"[\u3000-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")

TEXT_KEYS = (
    "submit", "choose_one", "choose_many", "right", "wrong", "answer_line", "mark_correct", "mark_chosen",
    "mark_chosen_correct", "reset", "reset_done", "score", "group_score", "total", "announce", "warn_unavailable",
    "warn_corrupt", "name_label", "export_json", "export_text", "need_name", "exported", "slip_title", "slip_name",
    "slip_date", "slip_version", "slip_total", "slip_question", "slip_group", "slip_result", "slip_chosen",
    "result_right", "result_wrong", "result_unanswered",
)
RESULTS_KEYS = (
    "nojs", "import_label", "imported", "duplicate", "replaced", "older", "not_json", "foreign", "schema", "invalid",
    "too_big", "read_failed", "nothing_lost", "learners", "empty", "other_version", "changed", "unknown",
    "questions_title", "not_answered", "learners_title", "col_question", "col_group", "col_answered", "col_wrong", "col_rate",
    "col_name", "col_date", "col_version", "col_correct", "col_answered_own", "col_total", "col_note", "export_md",
    "export_csv", "clear", "clear_confirm", "cleared", "summary_title", "summary_meta", "warn_unavailable",
    "warn_corrupt",
)
QUIZ_TEXT = Record({key: is_text for key in TEXT_KEYS} | {"results": lambda v: isinstance(v, dict)})
RESULTS_TEXT = Record({key: is_text for key in RESULTS_KEYS})


def quiz_text(root: Path) -> dict:
    """data/widget_text.yml 的 quiz 部分；缺字段、多字段时报出文件、行号和字段。"""
    doc = datafiles.load_widget_text(root)
    where = Where("data/widget_text.yml")
    text = doc.get("quiz")
    if not isinstance(text, dict):
        raise DataError("data/widget_text.yml: 缺少自测题的文字（quiz 部分）")
    if QUIZ_TEXT.check(where, text, "quiz"):
        RESULTS_TEXT.check(where, text["results"], "quiz.results")
    where.done()
    return text


def answer_letters(question: dict) -> list[str]:
    answer = question["answer"]
    return [answer] if isinstance(answer, str) else list(answer)


def plain(text: str) -> str:
    """YAML 折叠的文字：合并空白，去掉中文之间因折行产生的空格。"""
    return _CJK_GAP.sub("", " ".join(str(text).split()))


def question_rev(question: dict) -> str:
    """题目版本：题型、题干、选项或答案改了就变；只改解释或重读的页面不变（成绩照样可比）。"""
    data = [question["type"], plain(question["question"]), [plain(o) for o in question["options"]],
            answer_letters(question)]
    return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


def seal(qid: str, payload: dict) -> str:
    """把答案和解释封起来：UTF-8 的 JSON 按题目编号逐字节异或，再 base64。quiz.js 的 unseal 是它的逆运算。"""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    key = ("hb-quiz:" + qid).encode("utf-8")
    mixed = bytes(b ^ key[i % len(key)] ^ ((i * 31 + 7) & 0xFF) for i, b in enumerate(data))
    return base64.b64encode(mixed).decode("ascii")


def unseal(qid: str, sealed: str) -> dict:
    """seal 的逆运算（测试用）。"""
    data = base64.b64decode(sealed)
    key = ("hb-quiz:" + qid).encode("utf-8")
    return json.loads(bytes(b ^ key[i % len(key)] ^ ((i * 31 + 7) & 0xFF) for i, b in enumerate(data)))


def learner_text(text: dict) -> dict:
    return {key: value for key, value in text.items() if key != "results"}


def render_quiz(key: str, quiz: dict, src: str, root: Path, text: dict) -> str:
    """学员页的一组题：题目和选项；答案与解释封在 data-seal 里，重读的链接在提交前隐藏。"""
    questions = quiz["questions"]
    out = [
        f"## {md_text(quiz['title'])} {{#quiz-{key}}}",
        "",
        f'<div class="hb-quiz" data-quiz="{escape(key)}" data-title="{escape(quiz["title"])}" '
        f'data-text="{attr_json(learner_text(text))}" markdown="1">',
        "",
        f'<p class="hb-quiz__meta">适合：{escape(quiz["audience"])}；共 {len(questions)} 题。</p>',
        "",
    ]
    for number, question in enumerate(questions, start=1):
        qid = question["id"]
        payload = {"a": answer_letters(question), "e": plain(question["explanation"])}
        out += [
            f'<div class="hb-quiz__question" id="q-{escape(qid)}" data-question="{escape(qid)}" '
            f'data-number="{number}" data-type="{question["type"]}" data-rev="{question_rev(question)}" '
            f'data-seal="{seal(qid, payload)}" markdown="1">',
            "",
            f'<p class="hb-quiz__stem"><span class="hb-quiz__number">{number}.</span> '
            f'{escape(question["question"])} <span class="hb-quiz__kind">（{QUESTION_TYPES[question["type"]]}）</span></p>',
            '<ol class="hb-quiz__options" type="A">',
        ]
        out += [f'<li data-option="{letter}">{escape(option)}</li>' for letter, option in zip(LETTERS, question["options"])]
        out += [
            "</ol>",
            "",
            '<div class="hb-quiz__reread" hidden markdown="1">',
            "",
            f"重读：{md_link(question['page'], src, root)}",
            "",
            "</div>",
            "",
            "</div>",
            "",
        ]
    out += ["</div>"]
    return "\n\n" + "\n".join(out) + "\n\n"


def render_toolbar(text: dict) -> str:
    """自测题页顶部：总分、姓名和成绩单导出（由 quiz.js 填充）。"""
    return (f'\n\n<div class="hb-quiz-toolbar" data-quiz-toolbar data-text="{attr_json(learner_text(text))}">'
            '<p class="hb-quiz-toolbar__nojs">没有脚本时只能看题，不能作答和导出成绩单；'
            "可以打印本页做纸面练习，由讲师对照答案批改。</p></div>\n\n")


def render_answer_key(quizzes: dict, src: str, root: Path) -> str:
    """讲师页的答案：每组一个小节，每题题干、选项（标出正确的）、答案、解释和重读的页面。
    每题的块不进搜索索引（data-search-exclude；Material 按标签名配对，
    所以标在不含嵌套 div 的每题上，不标在外层），学员搜不到答案。"""
    out = ['<div class="hb-quiz-key" markdown="1">', ""]
    for key, quiz in quizzes.items():
        out += [f"### {md_text(quiz['title'])} {{#key-{key}}}", ""]
        for number, question in enumerate(quiz["questions"], start=1):
            letters = answer_letters(question)
            kind = QUESTION_TYPES[question["type"]]
            out += [
                f'<div class="hb-quiz-key__item" id="key-{escape(question["id"])}" data-search-exclude="true" markdown="1">',
                "",
                f'<p class="hb-quiz-key__stem">{number}. {escape(question["question"])}（{kind}）</p>',
                '<ol class="hb-quiz-key__options" type="A">',
            ]
            for letter, option in zip(LETTERS, question["options"]):
                right = letter in letters
                mark = ' class="hb-quiz-key__right"' if right else ""
                out.append(f"<li{mark}>{escape(option)}{'（正确）' if right else ''}</li>")
            out += [
                "</ol>",
                "",
                f"答案：**{'、'.join(letters)}**。{md_text(plain(question['explanation']))}",
                "",
                f"重读：{md_link(question['page'], src, root)}",
                "",
                "</div>",
                "",
            ]
    out += ["</div>"]
    return "\n\n" + "\n".join(out) + "\n\n"


def results_data(quizzes: dict, text: dict) -> dict:
    """讲师页汇总要用的数据：每题的编号、所在题组、题号、版本和简短的题干。"""
    questions = []
    for key, quiz in quizzes.items():
        for number, question in enumerate(quiz["questions"], start=1):
            questions.append({"id": question["id"], "quiz": key, "group": quiz["title"], "number": number,
                              "rev": question_rev(question), "stem": plain(question["question"])})
    return {"questions": questions, "text": text["results"]}


def render_results(quizzes: dict, text: dict) -> str:
    return (f'\n\n<div class="hb-quiz-results" data-quiz-results="{attr_json(results_data(quizzes, text))}">'
            f'<p class="hb-quiz-results__nojs">{escape(text["results"]["nojs"])}</p></div>\n\n')


def register(env, root: Path, quizzes: dict) -> None:
    text = quiz_text(root)

    @env.macro
    def quiz(key: str) -> str:
        """一组自测题：提交后才显示对错、答案和解释；没有脚本时只有题目。"""
        return render_quiz(key, _get(quizzes, key, "quiz.yml"), _src_uri(env), root, text)

    @env.macro
    def quiz_toolbar() -> str:
        return render_toolbar(text)

    @env.macro
    def quiz_answer_key() -> str:
        """讲师页：全部题目的答案和解释（静态内容，可以打印）。"""
        return render_answer_key(quizzes, _src_uri(env), root)

    @env.macro
    def quiz_results() -> str:
        """讲师页：导入成绩单、全班汇总（由 quiz-results.js 填充）。"""
        return render_results(quizzes, text)
