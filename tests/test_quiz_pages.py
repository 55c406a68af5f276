"""自测题的构建结果：学员页里没有明文答案、讲师页的答案和汇总数据、文字来自数据，以及 JS 纯逻辑（node --test）。"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html

from conftest import ROOT, run_node_tests
from macros import datafiles, training
from macros import quiz as quiz_macros
from macros.schema import DataError


def page(built_site: Path, path: str):
    return html.parse(str(built_site / path / "index.html")).getroot()


@pytest.fixture(scope="module")
def quizzes():
    return training.load_quiz(ROOT)


def all_questions(quizzes):
    return [q for quiz in quizzes.values() for q in quiz["questions"]]


def test_learner_page_carries_sealed_answers_only(built_site, quizzes):
    doc = page(built_site, "training/quiz")
    source = (built_site / "training" / "quiz" / "index.html").read_text(encoding="utf-8")
    questions = doc.xpath("//div[contains(@class, 'hb-quiz__question')]")
    assert len(questions) == len(all_questions(quizzes))
    by_id = {q["id"]: q for q in all_questions(quizzes)}
    for node in questions:
        qid = node.get("data-question")
        data = by_id[qid]
        assert node.get("data-answer") is None and not node.xpath(".//details"), qid
        assert node.get("data-rev") == quiz_macros.question_rev(data)
        assert quiz_macros.unseal(qid, node.get("data-seal")) == {
            "a": training.answer_letters(data), "e": quiz_macros.plain(data["explanation"])}
        # 重读的链接在页面里（构建检查链接、离线包改写成 .html），提交前隐藏
        reread = node.xpath(".//div[contains(@class, 'hb-quiz__reread')]")
        assert reread and reread[0].get("hidden") is not None and reread[0].xpath(".//a/@href"), qid
        assert quiz_macros.plain(data["explanation"])[:20] not in source, qid
    assert "答案：" not in doc.xpath("//article")[0].text_content()
    for key in quizzes:
        assert doc.xpath(f"//h2[@id='quiz-{key}']"), key
    # 学员页指向讲师页，讲师页和讲师指南互相链接
    assert doc.xpath("//article//a[contains(@href, 'results/')]")
    assert page(built_site, "training/trainer-guide").xpath("//article//a[contains(@href, 'results/')]")


def test_explanations_and_answer_key_stay_out_of_search(built_site, quizzes):
    # 浏览器搜索的是构建时生成的紧凑索引（macros/searchindex.py）：每条是 [位置, 标题, 正文, 权重, 类型, …]
    config = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
    docs = json.loads((built_site / config["handbook"]["index"]).read_text(encoding="utf-8"))["docs"]
    # 解释的句子有的也出现在别的页面上：只看两个自测题页面的条目
    text = "".join(entry[2] for entry in docs if entry[0].startswith(("training/quiz/", "training/results/")))
    for q in all_questions(quizzes):
        assert quiz_macros.plain(q["explanation"])[:12] not in text, q["id"]
    assert any(entry[0] == "training/results/" for entry in docs), "讲师页本身可以搜到"


def test_trainer_page_has_the_full_answer_key_and_the_question_list(built_site, quizzes):
    doc = page(built_site, "training/results")
    for q in all_questions(quizzes):
        item = doc.xpath(f"//div[@id='key-{q['id']}']")
        assert item, q["id"]
        text = item[0].text_content()
        assert f"答案：{'、'.join(training.answer_letters(q))}" in text
        assert item[0].xpath(".//a/@href"), q["id"]
        right = item[0].xpath(".//li[@class='hb-quiz-key__right']")
        assert len(right) == len(training.answer_letters(q)), q["id"]
    widget = doc.xpath("//div[contains(@class, 'hb-quiz-results')][@data-quiz-results]")[0]
    data = json.loads(widget.get("data-quiz-results"))
    assert [q["id"] for q in data["questions"]] == [q["id"] for q in all_questions(quizzes)]
    assert all(q["rev"] == quiz_macros.question_rev(next(x for x in all_questions(quizzes) if x["id"] == q["id"]))
               for q in data["questions"])
    assert data["text"] == datafiles.load_widget_text(ROOT)["quiz"]["results"]
    # 页面上的题目没有答案字段：汇总只需要编号、版本和题干
    assert all(set(q) == {"id", "quiz", "group", "number", "rev", "stem"} for q in data["questions"])


def test_question_rev_changes_with_the_question_not_with_the_explanation(quizzes):
    q = dict(all_questions(quizzes)[0])
    rev = quiz_macros.question_rev(q)
    assert rev == quiz_macros.question_rev(dict(q, explanation="别的解释", page="index.md"))
    assert rev != quiz_macros.question_rev(dict(q, question=q["question"] + "？"))
    assert rev != quiz_macros.question_rev(dict(q, options=list(reversed(q["options"]))))
    assert len(rev) == 8


def test_seal_matches_the_fixture_in_the_node_tests():
    # tests/js/quiz.test.js 用同样的两个值检查 quiz.js 的 unseal
    assert quiz_macros.seal("q1", {"a": ["B"], "e": "解释：先看公告。"}) == \
        "FGYJN8yQmZiscnkcM8n2k2WL54ycenMdAILS/v0nSk9P27W8k1tQc5Xh"
    assert quiz_macros.seal("multi_q", {"a": ["A", "C"], "e": "多选"}) == "FGYJN8yQmZuwR3NrMJjkkvAZfgP/TBFUGut7WA=="


def test_quiz_text_comes_from_widget_text_and_missing_keys_are_reported(tmp_path):
    text = quiz_macros.quiz_text(ROOT)
    assert text["submit"] == "提交" and "import_label" in text["results"]
    data = tmp_path / "data"
    data.mkdir()
    source = (ROOT / "data" / "widget_text.yml").read_text(encoding="utf-8")
    (data / "widget_text.yml").write_text(source.replace("  export_json: 导出成绩单（JSON）\n", ""), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    for link in datafiles.load_widget_text(ROOT)["search"]["links"]:
        target = tmp_path / "docs" / link["page"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("# x\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        quiz_macros.quiz_text(tmp_path)
    assert "data/widget_text.yml" in str(error.value) and "export_json" in str(error.value)


def test_quiz_and_slip_logic_with_node():
    run_node_tests(ROOT / "tests" / "js" / "quiz.test.js", 8)
