"""自测题在真实 Chromium 里的表现：提交前看不到答案、焦点、成绩单导出，讲师页的导入与全班汇总。"""
from __future__ import annotations

import json
import re

import jsonschema
import pytest
from playwright.sync_api import expect

from conftest import LOCAL_STORAGE_UNAVAILABLE, ROOT
from macros import datafiles, training
from macros import quiz as quiz_macros

QUIZ = "training/quiz/"
RESULTS = "training/results/"
SCHEMA = json.loads((ROOT / "data" / "schemas" / "quiz-slip.schema.json").read_text(encoding="utf-8"))
TEXT = datafiles.load_widget_text(ROOT)["quiz"]
RTEXT = TEXT["results"]


@pytest.fixture(scope="module")
def quizzes():
    return training.load_quiz(ROOT)


def fill(template: str, **params) -> str:
    return re.sub(r"\{([a-z_]+)\}", lambda m: str(params.get(m.group(1), m.group(0))), template)


def open_page(page_factory, base, path, init=None):
    page, log = page_factory(base, timezone_id="Asia/Shanghai", accept_downloads=True)
    if init:
        page.add_init_script(init)
    page.goto(base + path)
    return page, log


def question(page, qid):
    return page.locator(f".hb-quiz__question[data-question={qid}]")


def choose(page, qid, letters):
    for letter in letters:
        question(page, qid).locator(f"input[value={letter}]").check()
    question(page, qid).locator(".hb-quiz__submit").click()


def wrong_letter(q: dict) -> str:
    letters = training.answer_letters(q)
    return next(letter for letter in training.LETTERS[: len(q["options"])] if letter not in letters)


def download(page, locator):
    with page.expect_download() as info:
        locator.click()
    value = info.value
    return value.suggested_filename, open(value.path(), encoding="utf-8-sig").read()


def ready(page):
    expect(page.locator(".hb-quiz-toolbar.hb-quiz-toolbar--ready")).to_have_count(1)


# ---------------------------------------------------------------- 学员页


def test_answers_stay_hidden_until_submitted_and_focus_moves_to_the_result(page_factory, site_url, quizzes):
    page, log = open_page(page_factory, site_url, QUIZ)
    ready(page)
    page.evaluate("window.__actions = []; document.addEventListener('handbook:action', e => __actions.push(e.detail))")
    basics = quizzes["basics"]["questions"]
    total = sum(len(q["questions"]) for q in quizzes.values())
    right, wrong, multi = basics[0], basics[1], next(q for q in basics if q["type"] == "multi")

    # 学员页没有“显示全部答案”，也没有打印答案的按钮；题目和页面源码里都没有答案和解释
    expect(page.get_by_role("button", name=re.compile("显示全部答案|打印题目和答案"))).to_have_count(0)
    html = page.content()
    assert quiz_macros.plain(right["explanation"])[:20] not in html
    assert "答案：" not in page.locator("article").inner_text()
    expect(question(page, right["id"]).locator(".hb-quiz__explain")).to_be_hidden()
    expect(page.locator(".hb-quiz__option--correct")).to_have_count(0)
    expect(page.locator(".hb-quiz__mark:not(:empty)")).to_have_count(0)

    choose(page, right["id"], training.answer_letters(right))
    feedback = question(page, right["id"]).locator(".hb-quiz__feedback")
    expect(feedback).to_have_text(TEXT["right"])
    expect(feedback).to_be_focused()
    explain = question(page, right["id"]).locator(".hb-quiz__explain")
    expect(explain).to_be_visible()
    expect(explain).to_contain_text(quiz_macros.plain(right["explanation"])[:20])
    page_path = right["page"].split("#")[0].removesuffix(".md")
    expect(explain.locator("a")).to_have_attribute("href", re.compile(rf"(^\.\./\.\./|/){page_path}/#"))
    # Tab 从结果接着走到解释里的链接，不回到页首
    page.keyboard.press("Tab")
    expect(explain.locator("a")).to_be_focused()
    # 别的题仍然看不到答案
    expect(question(page, wrong["id"]).locator(".hb-quiz__explain")).to_be_hidden()

    choose(page, wrong["id"], [wrong_letter(wrong)])
    answer = "、".join(training.answer_letters(wrong))
    expect(question(page, wrong["id"]).locator(".hb-quiz__feedback")).to_have_text(fill(TEXT["wrong"], answer=answer))
    expect(question(page, wrong["id"]).locator(".hb-quiz__feedback")).to_be_focused()
    correct_option = question(page, wrong["id"]).locator(f"li[data-option={training.answer_letters(wrong)[0]}]")
    expect(correct_option).to_contain_text(TEXT["mark_correct"])

    # 多选题少选一项也算错
    choose(page, multi["id"], training.answer_letters(multi)[:-1])
    expect(question(page, multi["id"]).locator(".hb-quiz__feedback")).to_contain_text("回答错误")

    actions = page.evaluate("window.__actions")
    assert [a["widget"] for a in actions] == ["quiz"] * 3 and {a["kind"] for a in actions} == {"submit"}
    assert "第 1 题" in actions[0]["text"] and actions[0]["page"] == "training/quiz"

    score = page.locator(".hb-quiz[data-quiz=basics] .hb-quiz__score")
    expected = f"{quizzes['basics']['title']}：已答 3 题，共 {len(basics)} 题；答对 1 题"
    expect(score).to_have_text(expected)
    expect(page.locator(".hb-quiz-toolbar__total")).to_have_text(f"全部题组：已答 3 题，共 {total} 题；答对 1 题")

    page.reload()
    expect(score).to_have_text(expected)
    expect(question(page, right["id"]).locator(".hb-quiz__feedback")).to_have_text(TEXT["right"])
    expect(question(page, wrong["id"]).locator(f"input[value={wrong_letter(wrong)}]")).to_be_checked()
    expect(question(page, wrong["id"]).locator("input").first).to_be_disabled()
    expect(question(page, wrong["id"]).locator(".hb-quiz__submit")).to_be_hidden()

    # 重做本组：得分清零，答案重新藏起来
    page.locator(".hb-quiz[data-quiz=basics] .hb-quiz__reset").click()
    expect(score).to_contain_text("已答 0 题")
    expect(question(page, right["id"]).locator(".hb-quiz__explain")).to_be_hidden()
    expect(question(page, right["id"]).locator("input").first).to_be_enabled()
    assert log.offsite == [] and log.console_errors == []


def test_unanswered_question_cannot_be_submitted_and_focus_stays(page_factory, site_url, quizzes):
    page, log = open_page(page_factory, site_url, QUIZ)
    ready(page)
    first = quizzes["basics"]["questions"][0]
    submit = question(page, first["id"]).locator(".hb-quiz__submit")
    submit.focus()
    page.keyboard.press("Enter")
    expect(question(page, first["id"]).locator(".hb-quiz__feedback")).to_have_text(TEXT["choose_one"])
    expect(submit).to_be_focused()
    expect(question(page, first["id"]).locator(".hb-quiz__explain")).to_be_hidden()
    expect(page.locator(".hb-quiz[data-quiz=basics] .hb-quiz__score")).to_contain_text("已答 0 题")

    # 直接打印：只有题目，没有作答痕迹、姓名和按钮
    page.emulate_media(media="print")
    expect(question(page, first["id"]).locator("legend")).to_be_visible()
    expect(page.locator(".hb-quiz-toolbar")).to_be_hidden()
    expect(submit).to_be_hidden()
    assert log.console_errors == []


def export_slip(page, name, quizzes):
    """以 name 作答三题（两对一错），导出 JSON 成绩单；返回 (文件名, 解析后的成绩单)。"""
    basics = quizzes["basics"]["questions"]
    page.get_by_label(TEXT["name_label"]).fill(name)
    choose(page, basics[0]["id"], training.answer_letters(basics[0]))
    choose(page, basics[1]["id"], [wrong_letter(basics[1])])
    ops = quizzes["operations"]["questions"][0]
    choose(page, ops["id"], training.answer_letters(ops))
    filename, text = download(page, page.get_by_role("button", name=TEXT["export_json"]))
    return filename, json.loads(text)


def test_score_slip_export_json_matches_schema_and_text_is_readable(page_factory, site_url, quizzes):
    page, log = open_page(page_factory, site_url, QUIZ)
    ready(page)
    # 没填姓名：不导出，焦点到姓名框
    page.get_by_role("button", name=TEXT["export_json"]).click()
    expect(page.locator(".hb-quiz-toolbar__message")).to_have_text(TEXT["need_name"])
    expect(page.get_by_label(TEXT["name_label"])).to_be_focused()

    filename, slip = export_slip(page, "学员甲", quizzes)
    jsonschema.validate(slip, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert filename.startswith("quiz-slip-学员甲-") and filename.endswith(".json")
    build = page.locator(".hb-build")
    assert slip["handbook"] == {"version": build.get_attribute("data-version"),
                                "commit": build.get_attribute("data-commit"),
                                "build_date": build.get_attribute("data-build-date")}
    assert slip["learner"] == "学员甲" and slip["page"] == "training/quiz"
    total = sum(len(q["questions"]) for q in quizzes.values())
    assert slip["total"] == {"answered": 3, "correct": 2, "total": total}
    results = {q["id"]: q for q in slip["questions"]}
    basics = quizzes["basics"]["questions"]
    assert results[basics[0]["id"]]["result"] == "right"
    assert results[basics[1]["id"]]["result"] == "wrong"
    assert results[basics[1]["id"]]["chosen"] == [wrong_letter(basics[1])]
    assert results[basics[2]["id"]]["result"] == "unanswered"
    assert results[basics[0]["id"]]["rev"] == quiz_macros.question_rev(basics[0])
    expect(page.locator(".hb-quiz-toolbar__message")).to_contain_text(filename)

    name, text = download(page, page.get_by_role("button", name=TEXT["export_text"]))
    assert name.endswith(".md")
    assert text.startswith(f"# {TEXT['slip_title']}\n")
    assert "- 姓名：学员甲" in text and "已答 3 题" in text
    assert f"| {quizzes['basics']['title']} | 2. " in text

    # 姓名记在本机，刷新后不用再填
    page.reload()
    expect(page.get_by_label(TEXT["name_label"])).to_have_value("学员甲")
    assert log.console_errors == []


# ---------------------------------------------------------------- 讲师页


@pytest.fixture
def slips(page_factory, site_url, quizzes, tmp_path):
    """一份真实导出的成绩单，和由它改出来的几份：另一位学员、旧版本、坏文件、别的导出。"""
    page, _ = open_page(page_factory, site_url, QUIZ)
    ready(page)
    _, real = export_slip(page, "学员甲", quizzes)
    page.close()
    basics = quizzes["basics"]["questions"]
    second = json.loads(json.dumps(real))
    second["learner"] = "学员乙"
    for q in second["questions"]:
        if q["id"] == basics[0]["id"]:  # 乙答错了甲答对的第一题
            q["result"], q["chosen"] = "wrong", [wrong_letter(basics[0])]
    old = json.loads(json.dumps(second))
    old["learner"] = "学员丙"
    old["handbook"]["commit"] = "0123abc"
    old["handbook"]["version"] = "0.9.0"
    for q in old["questions"]:
        if q["id"] == basics[1]["id"]:
            q["rev"] = "00000000"  # 这一题后来改过
    files = {
        "a.json": json.dumps(real, ensure_ascii=False),
        "b.json": json.dumps(second, ensure_ascii=False),
        "c-old.json": json.dumps(old, ensure_ascii=False),
        "a-again.json": json.dumps(real, ensure_ascii=False),
        "notes.txt": "这不是成绩单",
        "checklist.json": json.dumps({"schema": 1, "checklist": "before", "items": {}}),
        "future.json": json.dumps(dict(real, schema=9), ensure_ascii=False),
        "huge.json": " " * (1024 * 1024 + 10),
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(content, encoding="utf-8")
    return {"real": real, "paths": paths}


def messages(page):
    return page.locator(".hb-quiz-results__messages li").all_inner_texts()


def test_trainer_imports_many_slips_reports_bad_ones_and_summarises(page_factory, site_url, quizzes, slips):
    page, log = open_page(page_factory, site_url, RESULTS)
    results = page.locator(".hb-quiz-results.hb-quiz-results--ready")
    expect(results).to_have_count(1)
    expect(page.locator(".hb-quiz-results__count")).to_have_text(RTEXT["empty"])
    expect(page.get_by_role("button", name=RTEXT["export_md"])).to_be_disabled()
    paths = slips["paths"]
    file_input = page.get_by_label(RTEXT["import_label"])
    file_input.set_input_files([paths[n] for n in ("a.json", "b.json", "c-old.json", "a-again.json", "notes.txt",
                                                   "checklist.json", "future.json", "huge.json")])
    expect(page.locator(".hb-quiz-results__count")).to_have_text(fill(RTEXT["learners"], count=3))
    found = messages(page)
    assert found[:3] == [fill(RTEXT["imported"], file="a.json", name="学员甲"),
                         fill(RTEXT["imported"], file="b.json", name="学员乙"),
                         fill(RTEXT["imported"], file="c-old.json", name="学员丙")]
    assert found[3] == fill(RTEXT["duplicate"], file="a-again.json", name="学员甲")
    assert found[4] == fill(RTEXT["not_json"], file="notes.txt")
    assert found[5] == fill(RTEXT["foreign"], file="checklist.json")
    assert found[6] == fill(RTEXT["schema"], file="future.json", schema=9, known=1)
    assert found[7] == fill(RTEXT["too_big"], file="huge.json")
    expect(page.locator(".hb-quiz-results__problem")).to_have_count(4)

    # 各题错误率：第一题两人中错一人；丙的成绩单来自旧版本，他那份里改过的第二题不计入
    basics = quizzes["basics"]["questions"]
    rows = page.locator(".hb-quiz-results__questions tbody tr")
    first_row = rows.first.locator("td")
    expect(first_row.nth(0)).to_have_text(f"2. {quiz_macros.plain(basics[1]['question'])}")
    expect(first_row.nth(2)).to_have_text("2")
    expect(first_row.nth(4)).to_have_text("100%")
    row_q1 = rows.filter(has_text=quiz_macros.plain(basics[0]["question"]))
    expect(row_q1.locator("td").nth(2)).to_have_text("3")
    expect(row_q1.locator("td").nth(3)).to_have_text("2")
    expect(row_q1.locator("td").nth(4)).to_have_text("67%")
    learners = page.locator(".hb-quiz-results__learners tbody tr")
    expect(learners).to_have_count(3)
    old_row = learners.filter(has_text="学员丙")
    expect(old_row).to_contain_text("来自手册 0.9.0（0123abc）")
    expect(old_row).to_contain_text(fill(RTEXT["changed"], count=1))
    expect(learners.filter(has_text="学员甲").locator("td").last).to_have_text("—")

    # 题目链接到本页的答案
    link = first_row.nth(0).locator("a")
    expect(link).to_have_attribute("href", f"#key-{basics[1]['id']}")
    # 页内锚点的滚动由浏览器和 Material 的即时导航负责；这里确认链接指向本页实际存在的答案
    target = page.locator(f"#key-{basics[1]['id']}")
    expect(target).to_have_count(1)
    expect(page.locator(f"#key-{basics[1]['id']}")).to_contain_text(quiz_macros.plain(basics[1]["explanation"])[:15])

    # 导出汇总
    name, md = download(page, page.get_by_role("button", name=RTEXT["export_md"]))
    assert name.endswith(".md") and md.startswith(f"# {RTEXT['summary_title']}\n")
    assert fill(RTEXT["learners"], count=3) in md and "| 学员丙 |" in md
    name, csv = download(page, page.get_by_role("button", name=RTEXT["export_csv"]))
    assert name.endswith(".csv")
    lines = csv.splitlines()
    assert lines[0] == ",".join([RTEXT["col_question"], RTEXT["col_group"], RTEXT["col_answered"], RTEXT["col_wrong"],
                                 RTEXT["col_rate"]])
    assert lines[1].endswith(",2,2,100%")

    # 再导入一个坏文件：已导入的都还在；刷新后也在
    file_input.set_input_files([paths["notes.txt"]])
    expect(page.locator(".hb-quiz-results__messages li")).to_have_text(
        [fill(RTEXT["not_json"], file="notes.txt"), RTEXT["nothing_lost"]])
    expect(page.locator(".hb-quiz-results__count")).to_have_text(fill(RTEXT["learners"], count=3))
    page.reload()
    expect(page.locator(".hb-quiz-results__count")).to_have_text(fill(RTEXT["learners"], count=3))

    # 清空要点两次
    clear = page.get_by_role("button", name=RTEXT["clear"])
    clear.click()
    expect(page.locator(".hb-quiz-results__count")).to_have_text(fill(RTEXT["learners"], count=3))
    page.get_by_role("button", name=RTEXT["clear_confirm"]).click()
    expect(page.locator(".hb-quiz-results__count")).to_have_text(RTEXT["empty"])
    assert log.offsite == [] and log.console_errors == []


@pytest.mark.allow_console_errors("Material 读不到 localStorage 时抛错（不是自测题的错误）")
def test_storage_blocked_learner_can_still_export_and_trainer_can_still_import(page_factory, site_url, quizzes,
                                                                              slips):
    page, log = open_page(page_factory, site_url, QUIZ, init=LOCAL_STORAGE_UNAVAILABLE)
    ready(page)
    warning = page.locator(".hb-quiz[data-quiz=basics] .hb-quiz__warning")
    expect(warning).to_have_text(TEXT["warn_unavailable"])
    _, slip = export_slip(page, "学员丁", quizzes)
    jsonschema.validate(slip, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert slip["total"]["answered"] == 3

    page.goto(site_url + RESULTS)
    expect(page.locator(".hb-quiz-results__warning")).to_have_text(RTEXT["warn_unavailable"])
    page.get_by_label(RTEXT["import_label"]).set_input_files([slips["paths"]["a.json"], slips["paths"]["b.json"]])
    expect(page.locator(".hb-quiz-results__count")).to_have_text(fill(RTEXT["learners"], count=2))
    expect(page.locator(".hb-quiz-results__learners tbody tr")).to_have_count(2)
    widget_errors = [e for e in log.console_errors if "组件" in e]
    assert widget_errors == []


def test_corrupt_saved_imports_are_backed_up_and_the_page_still_works(page_factory, site_url, slips):
    page, log = open_page(page_factory, site_url, RESULTS)
    page.evaluate("localStorage.setItem('handbook:quiz-results:v1:training/results', '{坏')")
    page.reload()
    expect(page.locator(".hb-quiz-results__warning")).to_have_text(RTEXT["warn_corrupt"])
    assert page.evaluate("localStorage.getItem('handbook:quiz-results:backup:training/results')") == "{坏"
    page.get_by_label(RTEXT["import_label"]).set_input_files([slips["paths"]["a.json"]])
    expect(page.locator(".hb-quiz-results__count")).to_have_text(fill(RTEXT["learners"], count=1))
    assert log.console_errors == []


def test_answer_key_is_printable_and_import_controls_are_not_printed(page_factory, site_url, quizzes):
    page, log = open_page(page_factory, site_url, RESULTS)
    expect(page.locator(".hb-quiz-results--ready")).to_have_count(1)
    page.emulate_media(media="print")
    expect(page.locator(".hb-quiz-results__import")).to_be_hidden()
    expect(page.locator(".hb-quiz-results__actions")).to_be_hidden()
    items = page.locator(".hb-quiz-key__item")
    expect(items).to_have_count(sum(len(q["questions"]) for q in quizzes.values()))
    expect(items.last).to_be_visible()
    expect(items.first).to_contain_text("答案：")
    assert log.console_errors == []


# ---------------------------------------------------------------- 没有脚本、离线包


def test_without_javascript_learners_see_questions_only_and_trainers_see_the_key(page_factory, site_url, quizzes):
    page, log = page_factory(site_url, java_script_enabled=False)
    page.goto(site_url + QUIZ)
    first = page.locator(".hb-quiz__question").first
    expect(first.locator(".hb-quiz__stem")).to_be_visible()
    expect(first.locator("ol.hb-quiz__options li").first).to_be_visible()
    expect(first.locator(".hb-quiz__reread")).to_be_hidden()
    assert "答案：" not in page.locator("article").inner_text()
    expect(page.locator(".hb-quiz-toolbar__nojs")).to_be_visible()
    page.goto(site_url + RESULTS)
    expect(page.locator(".hb-quiz-results__nojs")).to_have_text(RTEXT["nojs"])
    first_q = quizzes["basics"]["questions"][0]
    expect(page.locator(f"#key-{first_q['id']}")).to_contain_text(f"答案：{'、'.join(training.answer_letters(first_q))}")
    assert log.offsite == []


def test_quiz_and_trainer_page_work_from_the_offline_package(page_factory, offline_url, quizzes, slips):
    page, log = open_page(page_factory, offline_url, "training/quiz.html")
    ready(page)
    first = quizzes["basics"]["questions"][0]
    choose(page, first["id"], training.answer_letters(first))
    expect(question(page, first["id"]).locator(".hb-quiz__feedback")).to_have_text(TEXT["right"])
    expect(question(page, first["id"]).locator(".hb-quiz__explain a")).to_have_attribute(
        "href", re.compile(r"^\.\./incident/triage\.html#"))
    page.get_by_label(TEXT["name_label"]).fill("学员戊")
    _, text = download(page, page.get_by_role("button", name=TEXT["export_json"]))
    jsonschema.validate(json.loads(text), SCHEMA, format_checker=jsonschema.FormatChecker())

    page.goto(offline_url + "training/results.html")
    page.get_by_label(RTEXT["import_label"]).set_input_files([slips["paths"]["a.json"]])
    expect(page.locator(".hb-quiz-results__count")).to_have_text(fill(RTEXT["learners"], count=1))
    assert log.offsite == [] and log.console_errors == []


# ---------------------------------------------------------------- 无障碍：作答后、导入后的状态


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_answered_quiz_and_class_summary_have_no_axe_violations(page_factory, site_url, quizzes, slips, color_scheme):
    from test_a11y import COLOUR_RULES, describe, open_page as open_axe_page, run_axe

    page, log = open_axe_page(page_factory, site_url, QUIZ, color_scheme)
    ready(page)
    basics = quizzes["basics"]["questions"]
    choose(page, basics[0]["id"], training.answer_letters(basics[0]))
    choose(page, basics[1]["id"], [wrong_letter(basics[1])])
    page.get_by_role("button", name=TEXT["export_json"]).click()  # 没填姓名时的提示
    rules = None if color_scheme == "light" else COLOUR_RULES
    result = run_axe(page, ".md-content", rules)
    assert not result["violations"], describe(result["violations"], f"/{QUIZ}（{color_scheme}）")

    page.goto(site_url + RESULTS)
    page.get_by_label(RTEXT["import_label"]).set_input_files([slips["paths"][n] for n in ("a.json", "b.json",
                                                                                          "notes.txt")])
    expect(page.locator(".hb-quiz-results__learners tbody tr")).to_have_count(2)
    result = run_axe(page, ".md-content", rules)
    assert not result["violations"], describe(result["violations"], f"/{RESULTS}（{color_scheme}）")
    assert log.console_errors == []
