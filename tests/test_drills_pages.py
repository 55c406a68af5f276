"""演练与培训页面的构建结果：内容覆盖、宏生成的结构、缩写悬停说明，以及 JS 纯逻辑（node --test）。"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html

from conftest import ROOT, run_node_tests
from macros import drills, training


def page(built_site: Path, path: str):
    return html.parse(str(built_site / path / "index.html")).getroot()


def article_text(doc) -> str:
    return doc.xpath("//article")[0].text_content()


# ---------------------------------------------------------------- 演练计划页


def test_programme_page_covers_why_how_often_roles_and_rules(built_site):
    doc = page(built_site, "drills")
    text = article_text(doc)
    # 内容要求：定期举行；检验预案、训练人员；覆盖从第一次报告到完全恢复；每个人知道自己的角色
    for phrase in ("定期举行", "检验预案", "训练人员", "从第一次报告", "完全恢复", "人人知道自己的角色"):
        assert phrase in text, phrase
    for role in ("主持人", "参演人员", "观察员", "安全员"):
        assert role in text, role
    assert "未经书面批准，绝不触碰生产环境" in text
    word = drills.load_drill_calendar(ROOT)["code_word"]["value"]
    assert f"“{word}”" in text
    # 中止口令是示例值，页面上带“示例”标记
    assert doc.xpath("//article//span[@class='hb-example']")
    # 结果回到手册：复盘、改页面、跟踪
    assert doc.xpath("//article//a[contains(@href, 'review/')]")
    assert doc.xpath("//article//a[contains(@href, 'operations/improvement/')]")


def test_calendar_table_lists_every_entry_with_a_scenario_link(built_site):
    doc = page(built_site, "drills")
    calendar = drills.load_drill_calendar(ROOT)["calendar"]
    rows = doc.xpath("//h2[@id='全年日历']/following-sibling::table[1]/tbody/tr")
    assert len(rows) == len(calendar)
    for row, entry in zip(rows, calendar):
        assert row.xpath("string(td[1])").startswith(f"{entry['month']} 月")
        link = row.xpath("td[3]//a/@href")[0]
        assert link == f"scenarios/#{entry['scenario']}"


# ---------------------------------------------------------------- 场景库


def test_every_scenario_is_rendered_with_all_parts(built_site):
    doc = page(built_site, "drills/scenarios")
    scenarios = drills.load_drill_scenarios(ROOT)
    for key, sc in scenarios.items():
        heading = doc.xpath(f"//h2[@id='{key}']")
        assert heading, key
        # 这个场景的内容：从它的标题到下一个二级标题
        section = []
        for node in heading[0].itersiblings():
            if node.tag == "h2":
                break
            section.append(node)
        text = "".join(n.text_content() for n in section)
        for label in ("目标", "参加人员", "起始情况", "情景注入", "期望的处置", "成功标准", "评估检查单"):
            assert label in text, (key, label)
        tables = [n for n in section if n.tag == "table"]
        injects = tables[0].xpath("tbody/tr")
        assert [r.xpath("string(td[1])") for r in injects] == [drills.format_offset(i["at"]) for i in sc["injects"]]
        actions = tables[1].xpath("tbody/tr")
        assert len(actions) == len(sc["actions"])
        for row in actions:
            href = row.xpath("td[3]//a/@href")[0]
            assert href.startswith("../../") and ".md" not in href and ".html" not in href, href
        # 评估项只供阅读和打印：普通列表，没有（没有标签的）勾选框
        paper = [n for n in section if n.tag == "div" and "hb-paper-checks" in (n.get("class") or "")]
        assert len(paper) == 1, key
        assert [li.text_content().strip() for li in paper[0].xpath("ul/li")] == sc["evaluation"], key
        assert not paper[0].xpath(".//input"), key


def test_run_page_has_console_data_and_one_evaluation_checklist_per_scenario(built_site):
    doc = page(built_site, "drills/run")
    scenarios = drills.load_drill_scenarios(ROOT)
    console = doc.xpath("//div[@data-drill-console]")
    assert len(console) == 1
    assert console[0].xpath(".//p[@class='hb-drill__nojs']")
    data = json.loads(console[0].get("data-drill"))
    assert [s["id"] for s in data["scenarios"]] == list(scenarios)
    assert data["code_word"] == drills.load_drill_calendar(ROOT)["code_word"]["value"]
    for sc in data["scenarios"]:
        assert [i["at"] for i in sc["injects"]] == [i["at"] for i in scenarios[sc["id"]]["injects"]]
    for key, sc in scenarios.items():
        checklist = doc.xpath(f"//div[@data-drill-eval='{key}']/div[@class='hb-checklist']")
        assert checklist, key
        assert checklist[0].get("data-checklist") == f"eval-{key}"
        assert checklist[0].get("data-mode") == "do-confirm"
        assert len(checklist[0].xpath(".//li[contains(@class, 'task-list-item')]")) == len(sc["evaluation"])


def test_review_page_has_template_and_findings_with_owner_and_date(built_site):
    text = article_text(page(built_site, "drills/review"))
    for phrase in ("本来期望发生什么", "实际发生了什么", "为什么有差异", "下次怎么做",
                   "负责角色", "完成日期", "改哪一页哪一节", "不追究个人"):
        assert phrase in text, phrase


# ---------------------------------------------------------------- 培训


def test_learning_paths_cover_four_roles_and_the_totals_add_up():
    source = (ROOT / "docs" / "training" / "paths.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", source, flags=re.M)[1:]
    found = {}
    for section in sections:
        title = section.splitlines()[0].strip()
        minutes = [int(m) for m in re.findall(r"\| (\d+) 分钟 \|$", section, flags=re.M)]
        total = re.search(r"\*\*合计\*\*：约 (\d+) 分钟", section)
        if total:
            assert sum(minutes) == int(total.group(1)), title
            summary = re.search(rf"\| \[{title}\]\(#[^)]+\) \| 约 (\d+) 分钟 \|", source)
            assert summary and int(summary.group(1)) == sum(minutes), title
            assert "../drills/scenarios.md#" in section, title
            assert "quiz.md#quiz-" in section, title
            found[title] = sum(minutes)
    assert set(found) == {"运维", "客服与服务网点", "财务", "新任事件负责人"}


def test_trainer_guide_has_a_timed_plan_and_exercises(built_site):
    doc = page(built_site, "training/trainer-guide")
    text = article_text(doc)
    assert "60 分钟" in text and "90 分钟" in text
    assert len(doc.xpath("//h3[starts-with(normalize-space(), '练习')]")) >= 4
    assert doc.xpath("//article//a[contains(@href, 'reference/glossary/')]")


def test_invoice_business_module_has_cards_with_answers_revealed_on_demand(built_site):
    doc = page(built_site, "training/invoice-business")
    cards = training.load_exercises(ROOT)["invoice"]["cards"]
    for key, card in cards.items():
        assert doc.xpath(f"//h3[@id='{key}']"), key
        block = doc.xpath(f"//div[@data-exercise='{key}']")
        assert block, key
        assert card["situation"] in block[0].text_content(), key
        details = block[0].xpath(".//details[contains(@class, 'hb-exercise__answer')]")
        # 参考答案默认收起，没有脚本也能展开
        assert details and details[0].get("open") is None, key
        assert len(details[0].xpath(".//ol/li")) == len(card["answer"]), key
        assert details[0].xpath(".//a/@href"), key
    assert doc.xpath("//article//a[contains(@href, 'quiz/#quiz-invoice')]")
    # 学习路径和讲师指南都指向本模块
    for source in ("training/paths", "training/trainer-guide", "training"):
        assert page(built_site, source).xpath("//article//a[contains(@href, 'invoice-business/')]"), source


def test_glossary_terms_have_anchors_and_links(built_site):
    doc = page(built_site, "reference/glossary")
    groups = training.load_glossary(ROOT)
    for group in groups.values():
        for term in group["terms"]:
            dt = doc.xpath(f"//dt[normalize-space()='{term['term']}']")
            assert dt and dt[0].get("id"), term["term"]
            if "page" in term:
                assert dt[0].getnext().xpath(".//a/@href"), term["term"]
    # 别名和不再使用的说法写在首选术语的解释里
    dt = doc.xpath("//dt[normalize-space()='数电发票']")[0]
    assert "又称：数电票、全电发票" in dt.getnext().text_content()
    dt = doc.xpath("//dt[normalize-space()='红冲']")[0]
    assert "不用：冲红" in dt.getnext().text_content()
    # 缩写表里的每个缩写在本页都带悬停说明
    titles = {a.text: a.get("title") for a in doc.xpath("//abbr")}
    for term, meaning in training.load_abbreviations(ROOT):
        assert titles.get(term) == meaning, term


# ---------------------------------------------------------------- 全站缩写（auto_append）


@pytest.fixture(scope="module")
def site_with_auto_append(built_site) -> Path:
    """mkdocs.yml 给 pymdownx.snippets 配了 auto_append（缩写表附在每页末尾）：看缩写是否全站生效。"""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"\n  - pymdownx\.snippets:\n(\s+.*\n)*?\s+auto_append:\n\s+- includes/abbreviations\.md\n", config), \
        "mkdocs.yml 的 pymdownx.snippets 没有 auto_append: includes/abbreviations.md"
    return built_site


def test_abbreviations_get_tooltips_on_other_pages(site_with_auto_append):
    doc = html.parse(str(site_with_auto_append / "incident" / "overload" / "index.html")).getroot()
    abbrs = doc.xpath("//article//abbr[text()='CPU']")
    assert abbrs and "中央处理器" in abbrs[0].get("title")
    # 演练控制台的数据（属性里的 JSON）不受影响
    run = html.parse(str(site_with_auto_append / "drills" / "run" / "index.html")).getroot()
    data = json.loads(run.xpath("//div[@data-drill-console]")[0].get("data-drill"))
    assert "<abbr" not in json.dumps(data, ensure_ascii=False)


# ---------------------------------------------------------------- JS 纯逻辑


def test_drill_and_quiz_logic_with_node():
    run_node_tests(ROOT / "tests" / "js" / "drills.test.js", 19)
