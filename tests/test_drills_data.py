"""演练与培训的数据文件：真实数据合格；改坏的副本给出“文件:行号: 条目: 问题”的错误。

坏数据都在 tmp_path 下的副本里改，原文件不动。
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from macros import datafiles, drills, training
from macros.datafiles import DataError

SCENARIOS = "data/drill_scenarios.yml"
CALENDAR = "data/drill_calendar.yml"
QUIZ = "data/quiz.yml"
GLOSSARY = "data/glossary.yml"
EXERCISES = "data/exercises.yml"


@pytest.fixture
def project(tmp_path) -> Path:
    """data/、docs/ 与 includes/ 的副本：改坏它不影响真正的项目。"""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("assets"))
    shutil.copytree(ROOT / "includes", tmp_path / "includes")
    return tmp_path


def edit(project: Path, file: str, old: str, new: str, after: str | None = None) -> int:
    """把 file 中（after 之后的）第一处 old 换成 new；返回替换处所在的行号。"""
    path = project / file
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    position = text.index(old, start)
    path.write_text(text[:position] + new + text[position + len(old):], encoding="utf-8")
    return text.count("\n", 0, position) + 1


def line_of(project: Path, file: str, needle: str, after: str | None = None) -> int:
    text = (project / file).read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, start)) + 1


def error(loader, project: Path) -> str:
    with pytest.raises(DataError) as caught:
        loader(project)
    return str(caught.value)


# ---------------------------------------------------------------- 真实数据


def test_loaders_are_registered_for_the_data_files():
    assert datafiles.LOADERS["drill_scenarios.yml"] is drills.load_drill_scenarios
    assert datafiles.LOADERS["drill_calendar.yml"] is drills.load_drill_calendar
    assert datafiles.LOADERS["quiz.yml"] is training.load_quiz
    assert datafiles.LOADERS["glossary.yml"] is training.load_glossary
    assert datafiles.LOADERS["exercises.yml"] is training.load_exercises


def test_scenario_library_covers_the_required_situations():
    scenarios = drills.load_drill_scenarios(ROOT)
    assert len(scenarios) >= 6
    pages = {action["page"].split("#")[0] for sc in scenarios.values() for action in sc["actions"]}
    # 月末过载、数据库恢复、网点断网、升级回滚、同步延迟、投诉潮都有对应的处置手册
    assert {"incident/overload.md", "incident/data-recovery.md", "incident/network.md",
            "operations/upgrade.md", "service/complaints.md"} <= pages
    for key, sc in scenarios.items():
        assert sc["objectives"] and sc["participants"] and sc["situation"], key
        assert len(sc["injects"]) >= 5, key
        assert len(sc["evaluation"]) >= 5, key
        times = [inject["at"] for inject in sc["injects"]]
        assert times == sorted(times), key
        assert times[-1] <= sc["duration"], key


def test_every_scenario_link_resolves_to_a_page_and_heading():
    for key, sc in drills.load_drill_scenarios(ROOT).items():
        links = [a["page"] for a in sc["actions"]] + [i["page"] for i in sc["injects"] if "page" in i]
        for link in links:
            path, _, anchor = link.partition("#")
            assert (ROOT / "docs" / path).is_file(), (key, link)
            if anchor:
                assert anchor in drills.page_info(ROOT / "docs" / path)[1], (key, link)


def test_one_scenario_covers_the_whole_path_from_report_to_recovery():
    scenarios = drills.load_drill_scenarios(ROOT)
    full = [sc for sc in scenarios.values() if "full_scale" in sc["kinds"]]
    assert full
    pages = " ".join(a["page"] for a in full[0]["actions"])
    assert "technical-failure.md#先做这几件事" in pages and "technical-failure.md#恢复与收尾" in pages


def test_calendar_has_all_three_kinds_and_marks_examples():
    calendar = drills.load_drill_calendar(ROOT)
    assert {entry["kind"] for entry in calendar["calendar"]} == set(drills.KINDS)
    assert all(entry["example"] for entry in calendar["calendar"])
    assert calendar["code_word"]["example"] is True
    examples = "\n".join(datafiles.example_values(ROOT))
    assert "data/drill_calendar.yml" in examples and "code_word" in examples


def test_every_quiz_question_has_a_valid_answer_and_page():
    quizzes = training.load_quiz(ROOT)
    assert len(quizzes) >= 5
    types = set()
    for quiz in quizzes.values():
        for question in quiz["questions"]:
            letters = training.answer_letters(question)
            assert all(letter in training.LETTERS[: len(question["options"])] for letter in letters)
            assert (len(letters) == 1) == (question["type"] == "single"), question["id"]
            assert (ROOT / "docs" / question["page"].split("#")[0]).is_file()
            types.add(question["type"])
    assert types == {"single", "multi"}


def test_glossary_has_the_domain_terms_and_real_abbreviations():
    groups = training.load_glossary(ROOT)
    terms = {term["term"] for group in groups.values() for term in group["terms"]}
    assert {"补打", "红冲", "数电发票", "负载均衡", "主备切换", "增量同步", "同步延迟", "慢查询", "回滚"} <= terms
    # 数电发票时代的业务术语各有一个条目
    assert {"电子发票服务平台", "税务数字账户", "乐企", "红字发票信息确认单", "版式文件", "授信额度", "异常凭证",
            "征期", "申报日历", "全国增值税发票查验平台", "恢复点目标", "中止口令", "情景注入",
            "逐项执行", "执行后核对"} <= terms
    by_name = {term["term"]: term for group in groups.values() for term in group["terms"]}
    assert {"数电票", "全电发票"} <= set(by_name["数电发票"]["aliases"])
    assert "RPO" in by_name["恢复点目标"]["aliases"]
    assert training.deprecated_terms(groups) | {"冲红": "红冲", "暗号": "中止口令", "数据丢失目标": "恢复点目标",
                                                 "READ-DO": "逐项执行", "DO-CONFIRM": "执行后核对"} \
        == training.deprecated_terms(groups)
    abbreviations = dict(training.load_abbreviations(ROOT))
    assert {"RTO", "RPO", "CPU", "OCR"} <= set(abbreviations)
    assert not {"P1", "P2", "P3", "P4"} & set(abbreviations)


# 演练、培训的页面和数据由本模块负责：里面不能再出现术语表标为“不用”的说法
OWN_TEXTS = ("docs/drills/*.md", "docs/training/*.md", "docs/reference/glossary.md", "data/quiz.yml",
             "data/exercises.yml", "data/drill_scenarios.yml", "data/drill_calendar.yml",
             "docs/assets/javascripts/drill-*.js")


def test_drill_and_training_texts_use_the_preferred_terms():
    deprecated = training.deprecated_terms(training.load_glossary(ROOT))
    found = []
    for pattern in OWN_TEXTS:
        for path in sorted(ROOT.glob(pattern)):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                found += [f"{path.relative_to(ROOT)}:{number}: 写了“{old}”，应当写“{new}”"
                          for old, new in deprecated.items() if old in line]
    for group in training.load_glossary(ROOT).values():
        for term in group["terms"]:
            found += [f"术语 {term['term']} 的解释写了“{old}”" for old in deprecated if old in term["definition"]]
    text = datafiles.load_widget_text(ROOT)
    labels = [mode["label"] for mode in text["checklist"]["modes"].values()]
    assert labels == ["逐项执行", "执行后核对"]
    assert found == [], "\n".join(found)


def test_invoice_business_quiz_and_exercise_cards():
    quizzes = training.load_quiz(ROOT)
    questions = quizzes["invoice"]["questions"]
    assert len(questions) >= 12
    explanations = " ".join(q["question"] + q["explanation"] for q in questions)
    for phrase in ("20 位", "XML", "红冲", "确认单", "复制件", "不连续", "征期", "次日", "授信额度", "人脸识别",
                   "异常凭证", "乐企"):
        assert phrase in explanations, phrase
    # 自测题不再教错的说法：正确选项和解释里没有（错误选项正是要学员认出来的）
    everything = " ".join(
        " ".join(q["options"][training.LETTERS.index(letter)] for letter in training.answer_letters(q))
        + q["explanation"] for quiz in quizzes.values() for q in quiz["questions"])
    for wrong in ("作废或冲红", "月末、季末申报高峰", "号码在应当连续", "补打的发票具有法律效力"):
        assert wrong not in everything, wrong
    cards = training.load_exercises(ROOT)["invoice"]["cards"]
    assert len(cards) >= 8
    for key, card in cards.items():
        assert card["situation"] and card["answer"], key
        assert card["page"].startswith("training/invoice-business.md#"), key


def test_drill_window_avoids_both_peaks():
    window = drills.load_drill_calendar(ROOT)["window"]
    assert window["example"] is True
    avoid = " ".join(window["avoid"])
    assert "征期" in avoid and "申报日历" in avoid and "月末开票高峰" in avoid
    assert "第一个工作日" not in window["value"]


# ---------------------------------------------------------------- 场景库的错误


def test_injects_out_of_order_name_file_line_and_entry(project):
    # month_end_overload 的第三条情景注入（injects[2]）原本在第 15 分钟，改到第 3 分钟
    line = edit(project, SCENARIOS, "- at: 15", "- at: 3", after="month_end_overload:")
    message = error(drills.load_drill_scenarios, project)
    assert message.startswith(f"{SCENARIOS}:{line}: scenarios.month_end_overload.injects[2]:"), message
    assert "早于前一条" in message and "injects[1]" in message


def test_inject_after_the_end_of_the_drill_is_refused(project):
    line = edit(project, SCENARIOS, "- at: 70", "- at: 95", after="month_end_overload:")
    message = error(drills.load_drill_scenarios, project)
    assert message.startswith(f"{SCENARIOS}:{line}: scenarios.month_end_overload.injects[6]:"), message
    assert "duration" in message


def test_action_link_to_missing_page_is_refused(project):
    edit(project, SCENARIOS, "page: incident/overload.md#请求量超过容量", "page: incident/overlaod.md#请求量超过容量")
    line = line_of(project, SCENARIOS, "- role: 运维处置人\n        do: 暂停批量导出")
    message = error(drills.load_drill_scenarios, project)
    assert message.startswith(f"{SCENARIOS}:{line}: scenarios.month_end_overload.actions[2]:"), message
    assert "docs/incident/overlaod.md 不存在" in message


def test_inject_link_to_missing_heading_is_refused(project):
    edit(project, SCENARIOS, "incident/database.md#慢查询拖慢整个库", "incident/database.md#慢查询")
    line = line_of(project, SCENARIOS, "at: 55", after="month_end_overload:")
    message = error(drills.load_drill_scenarios, project)
    assert message.startswith(f"{SCENARIOS}:{line}: scenarios.month_end_overload.injects[5]:"), message
    assert "#慢查询" in message and "docs/incident/database.md" in message


def test_link_to_a_renamed_heading_in_a_copied_page_is_caught(project):
    # 处置手册的小节改名后，指向旧名的链接立即报错
    page = project / "docs" / "incident" / "overload.md"
    page.write_text(page.read_text(encoding="utf-8").replace("## 先做这几件事", "## 先做的事"), encoding="utf-8")
    message = error(drills.load_drill_scenarios, project)
    assert "scenarios.month_end_overload.actions[0]" in message and "#先做这几件事" in message


def test_scenario_missing_a_field_names_the_entry(project):
    edit(project, SCENARIOS, "    success:\n", "    succes:\n", after="service_point_network:")
    line = line_of(project, SCENARIOS, "    title: 服务网点断网")
    message = error(drills.load_drill_scenarios, project)
    assert message.startswith(f"{SCENARIOS}:{line}: scenarios.service_point_network: 缺少字段 success"), message


def test_unknown_kind_in_scenario_is_refused(project):
    edit(project, SCENARIOS, "kinds: [tabletop]", "kinds: [roleplay]")
    message = error(drills.load_drill_scenarios, project)
    assert "scenarios.complaint_wave:" in message and "kinds" in message


# ---------------------------------------------------------------- 日历的错误


def test_calendar_entry_with_unknown_scenario(project):
    line = edit(project, CALENDAR, "scenario: replication_lag", "scenario: replication_delay")
    message = error(drills.load_drill_calendar, project)
    entry_line = line - 2  # 条目从 “- month:” 那一行开始
    assert message.startswith(f"{CALENDAR}:{entry_line}: calendar[5]:"), message
    assert "replication_delay" in message


def test_calendar_entry_whose_kind_does_not_suit_the_scenario(project):
    edit(project, CALENDAR, "kind: tabletop\n    scenario: complaint_wave", "kind: full_scale\n    scenario: complaint_wave")
    message = error(drills.load_drill_calendar, project)
    assert message.startswith(f"{CALENDAR}:"), message
    assert "calendar[0]" in message and "complaint_wave" in message


def test_calendar_out_of_month_order(project):
    edit(project, CALENDAR, "- month: 4", "- month: 1")
    message = error(drills.load_drill_calendar, project)
    assert "calendar[3]" in message and "按月份排列" in message


def test_calendar_without_a_full_scale_drill_is_refused(project):
    edit(project, CALENDAR, "kind: full_scale\n    scenario: server_failover", "kind: functional\n    scenario: server_failover")
    message = error(drills.load_drill_calendar, project)
    assert "full_scale" in message


def test_code_word_must_say_whether_it_is_an_example(project):
    edit(project, CALENDAR, "  value: 非演练\n  example: true\n", "  value: 非演练\n")
    message = error(drills.load_drill_calendar, project)
    assert message.startswith(f"{CALENDAR}:") and "code_word: 缺少字段 example" in message


# ---------------------------------------------------------------- 自测题的错误


def test_single_choice_answer_outside_the_options(project):
    edit(project, QUIZ, "answer: B", "answer: E", after="id: first_step_global")
    line = line_of(project, QUIZ, "- id: first_step_global")
    message = error(training.load_quiz, project)
    assert message.startswith(f"{QUIZ}:{line}: quizzes.basics.questions[0]:"), message
    assert "'E'" in message and "4 个选项" in message


def test_single_choice_with_two_answers(project):
    edit(project, QUIZ, "answer: C", "answer: [B, C]", after="id: runbook_order")
    line = line_of(project, QUIZ, "- id: runbook_order")
    message = error(training.load_quiz, project)
    assert message.startswith(f"{QUIZ}:{line}: quizzes.basics.questions[1]:"), message
    assert "单选题" in message


def test_multiple_choice_with_one_answer(project):
    edit(project, QUIZ, "answer: [A, B, D]", "answer: [A]", after="id: first_call_steps")
    line = line_of(project, QUIZ, "- id: first_call_steps")
    message = error(training.load_quiz, project)
    assert message.startswith(f"{QUIZ}:{line}: quizzes.basics.questions[4]:"), message
    assert "多选题" in message


def test_duplicate_question_id(project):
    edit(project, QUIZ, "id: first_error", "id: overload_before_restart")
    message = error(training.load_quiz, project)
    assert "quizzes.operations.questions[1]" in message and "quizzes.operations.questions[0]" in message


def test_quiz_page_must_exist(project):
    edit(project, QUIZ, "page: incident/roles.md\n", "page: incident/role.md\n")
    line = line_of(project, QUIZ, "- id: unknown_role")
    message = error(training.load_quiz, project)
    assert message.startswith(f"{QUIZ}:{line}: quizzes.basics.questions[2]:"), message
    assert "docs/incident/role.md" in message


# ---------------------------------------------------------------- 练习卡片的错误


def test_exercise_card_link_to_missing_heading_is_refused(project):
    edit(project, EXERCISES, "page: training/invoice-business.md#异常凭证", "page: training/invoice-business.md#异常发票")
    line = line_of(project, EXERCISES, "      abnormal_voucher:")
    message = error(training.load_exercises, project)
    assert message.startswith(f"{EXERCISES}:{line + 1}: groups.invoice.cards.abnormal_voucher:"), message
    assert "#异常发票" in message


def test_exercise_card_missing_answer_is_refused(project):
    edit(project, EXERCISES, "        answer:\n", "        answers:\n", after="void_request:")
    message = error(training.load_exercises, project)
    assert message.startswith(f"{EXERCISES}:"), message
    assert "groups.invoice.cards.void_request" in message and "answer" in message


# ---------------------------------------------------------------- 缩写的错误（术语表的错误见 test_glossary.py）


def test_malformed_abbreviation_line(project):
    path = project / "includes" / "abbreviations.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "RTO = 恢复时间目标")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = error(training.load_glossary, project)
    assert message.startswith("includes/abbreviations.md:3:"), message


def test_duplicate_abbreviation(project):
    path = project / "includes" / "abbreviations.md"
    path.write_text(path.read_text(encoding="utf-8") + "*[CPU]: 重复\n", encoding="utf-8")
    message = error(training.load_glossary, project)
    assert "缩写 CPU" in message and "重复" in message


# ---------------------------------------------------------------- 宏的输出


def test_offsets_match_the_browser_format():
    assert drills.format_offset(0) == "T+00:00"
    assert drills.format_offset(45) == "T+45:00"
    assert drills.format_offset(130) == "T+2:10:00"


def test_console_json_is_safe_inside_an_attribute():
    from html import unescape
    value = {"text": "</div><script>alert(1)</script> & \"引号\" 'x'"}
    text = drills.attr_json(value)
    assert not set("<>\"'") & set(text)
    assert json.loads(unescape(text)) == value


def test_markdown_text_is_escaped():
    assert drills.md_text("a|b *c* <d>") == r"a\|b \*c\* &lt;d&gt;"
