"""判断树的数据与渲染：data/decision_tree.yml 的校验（每条分支都停在存在的页面上），宏输出的 HTML。

坏数据的用例都在 tmp_path 下的副本里改，原文件不动；每个错误都要指明 data/decision_tree.yml 和行号。
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from macros import datafiles, tree, tree_data
from macros.datafiles import DataError

DATA = "data/decision_tree.yml"


# ---------------------------------------------------------------- 工具

@pytest.fixture
def project(tmp_path) -> Path:
    """data/ 与 docs/ 的副本：改坏它不影响真正的项目。"""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("assets"))
    return tmp_path


def text_of(project: Path) -> str:
    return (project / DATA).read_text(encoding="utf-8")


def replace(project: Path, old: str, new: str, after: str | None = None) -> int:
    """把 old 换成 new（after 给出时，取它后面第一处）；返回 new 的第一行在文件中的行号。"""
    text = text_of(project)
    base = text.index(after) if after else 0
    position = text.index(old, base)
    text = text[:position] + new + text[position + len(old):]
    (project / DATA).write_text(text, encoding="utf-8")
    return text.count("\n", 0, position) + 1


def line_of(project: Path, needle: str, after: str | None = None) -> int:
    text = text_of(project)
    base = text.index(after) if after else 0
    return text.count("\n", 0, text.index(needle, base)) + 1


def error(project: Path) -> str:
    with pytest.raises(DataError) as caught:
        tree_data.load_decision_tree(project)
    return str(caught.value)


def all_paths(data: dict) -> list[list[str]]:
    """从 start 到每个结论的全部路径（节点键的列表）。"""
    nodes = data["nodes"]
    paths = []

    def walk(node_id: str, trail: list[str]) -> None:
        trail = trail + [node_id]
        assert len(trail) < 50, f"疑似循环：{trail}"
        node = nodes[node_id]
        if "answers" in node:
            for answer in node["answers"]:
                walk(answer["next"], trail)
        else:
            paths.append(trail)

    walk(data["start"], [])
    return paths


# ---------------------------------------------------------------- 真实数据

def test_loader_is_registered_for_the_data_file():
    assert datafiles.LOADERS["decision_tree.yml"] is tree_data.load_decision_tree


def test_real_tree_is_valid_and_every_branch_ends_at_an_existing_page():
    trees = tree_data.load_decision_tree(ROOT)
    data = trees["not_found"]
    paths = all_paths(data)
    assert len(paths) >= 10
    leaves = set()
    for path in paths:
        leaf = data["nodes"][path[-1]]
        assert (ROOT / "docs" / leaf["page"]).is_file(), path
        questions = len(path) - 1
        assert 1 <= questions <= tree_data.MAX_QUESTIONS, path
        leaves.add(path[-1])
    # 每个结论都能走到；每个处置方向都出现
    assert leaves == {key for key, node in data["nodes"].items() if "page" in node}
    pages = {data["nodes"][leaf]["page"] for leaf in leaves}
    assert {"incident/overload.md", "incident/database.md", "incident/network.md",
            "incident/version-mismatch.md", "incident/human-error.md", "incident/technical-failure.md",
            "incident/data-recovery.md", "service/affected-users.md"} <= pages
    # 第一个问题先分清范围：是不是全局性问题
    assert "很多用户" in data["nodes"][data["start"]]["question"]


def test_copy_of_real_file_passes(project):
    assert "not_found" in tree_data.load_decision_tree(project)


# ---------------------------------------------------------------- 坏数据：文件名 + 行号

def test_next_pointing_nowhere_fails_with_line(project):
    line = replace(project, "next: official", "next: nowhere")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "nowhere" in message and "scope" in message


def test_missing_page_fails_with_line(project):
    line = replace(project, "page: incident/overload.md", "page: incident/overlaod.md")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "docs/incident/overlaod.md" in message


def test_page_outside_docs_fails(project):
    line = replace(project, "page: incident/overload.md", "page: ../README.md")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message


def test_missing_start_fails_with_line(project):
    line = replace(project, "start: scope", "start: begin")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:") and "begin" in message, message


def test_cycle_fails_with_line(project):
    # sync_time 多一个答案，指回 place：place → client_version → sync_time → place
    line = replace(project, "          - label: 主库、从库都没有\n",
                   "          - label: 说不清\n            next: place\n"
                   "          - label: 主库、从库都没有\n", after="      sync_time:")
    message = error(project)
    assert message.startswith(f"{DATA}:{line + 1}:"), message
    assert "循环" in message and "sync_time → place" in message


def test_self_loop_fails(project):
    line = replace(project, "next: wait_sync", "next: sync_time")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:") and "循环" in message, message


def test_unreachable_node_fails_with_line(project):
    (project / DATA).write_text(text_of(project) + (
        "      orphan:\n"
        "        question: 没有任何答案指向这里？\n"
        "        answers:\n"
        "          - label: 是\n            next: overload\n"
        "          - label: 否\n            next: network\n"), encoding="utf-8")
    message = error(project)
    assert message.startswith(f"{DATA}:{line_of(project, '没有任何答案指向这里')}:"), message
    assert "orphan" in message and "走不到" in message


def test_unreachable_leaf_fails(project):
    # 把指向 crash 的答案改指 overload，crash 就没人指向了
    replace(project, "next: crash", "next: overload")
    message = error(project)
    text = text_of(project)
    crash = text.index("      crash:", text.index("    nodes:"))
    assert message.startswith(f"{DATA}:{line_of(project, 'title:', after=text[crash:crash + 40])}:"), message
    assert "crash" in message


def test_bad_anchor_fails_with_line(project):
    line = replace(project, "        page: incident/overload.md\n",
                   "        page: incident/overload.md\n        anchor: 不存在的标题\n")
    message = error(project)
    assert message.startswith(f"{DATA}:{line + 1}:"), message
    assert "#不存在的标题" in message and "docs/incident/overload.md" in message


def test_existing_anchor_passes(project):
    page = project / "docs/incident/overload.md"
    replace(project, "        page: incident/overload.md\n",
            "        page: incident/overload.md\n        anchor: 测试专用小节\n", after="    nodes:")
    assert "测试专用小节" in error(project)
    page.write_text(page.read_text(encoding="utf-8") + "\n## 测试专用小节\n\n1. 报告。\n", encoding="utf-8")
    assert tree_data.load_decision_tree(project)["not_found"]["nodes"]["overload"]["anchor"] == "测试专用小节"


def test_question_with_one_answer_fails(project):
    replace(project, "          - label: 是，官方已公告\n            next: wait_official\n", "",
                   after="      official:")
    message = error(project)
    assert "至少要有两个答案" in message, message
    assert message.startswith(f"{DATA}:{line_of(project, 'answers:', after='      official:')}:")


def test_node_that_is_neither_question_nor_leaf_fails(project):
    line = replace(project, "        title: 服务器负载过高\n", "        name: 服务器负载过高\n")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message


def test_unknown_fact_in_help_fails(project):
    line = replace(project, "{fact:hotline_tax}", "{fact:no_such_fact}", after="    nodes:")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:") and "no_such_fact" in message, message
    assert "official 的 help" in message


def test_unknown_reference_in_first_five_fails(project):
    line = replace(project, "{contact:ops_oncall}", "{contact:night_pager}")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "first_five" in message and "data/contacts.yml" in message and "night_pager" in message


def chain(depth: int) -> str:
    """一棵只有一条长分支的树：q1 → q2 → …… → q{depth} → end。"""
    lines = ["trees:", "  deep:", "    title: 太深的树", "    start: q1", "    nodes:"]
    for number in range(1, depth + 1):
        nxt = f"q{number + 1}" if number < depth else "end"
        lines += [f"      q{number}:", f"        question: 第 {number} 问？", "        answers:",
                  f"          - label: 继续\n            next: {nxt}",
                  "          - label: 停\n            next: end"]
    lines += ["      end:", "        title: 服务器负载过高", "        page: incident/overload.md",
              "        cause: load", "        summary: 测试用。",
              "    causes:", "      load:", "        name: 服务器负载过高", "        signs: [很多人同时变慢]",
              "        level: p2", "        page: incident/overload.md"]
    return "\n".join(lines) + "\n"


def test_too_many_questions_on_one_branch_fails(project):
    (project / DATA).write_text(chain(tree_data.MAX_QUESTIONS), encoding="utf-8")
    assert tree_data.load_decision_tree(project)["deep"]["start"] == "q1"
    depth = tree_data.MAX_QUESTIONS + 1
    (project / DATA).write_text(chain(depth), encoding="utf-8")
    message = error(project)
    assert message.startswith(f"{DATA}:7:"), message
    assert f"有 {depth} 个问题" in message and "q1 → q2" in message


def test_yaml_syntax_error_has_line(project):
    replace(project, "    start: scope", "    start: [scope")
    message = error(project)
    assert re.match(rf"{re.escape(DATA)}:\d+: ", message), message


# ---------------------------------------------------------------- 锚点的计算

def test_page_anchors_follow_toc_slugs(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: x\n---\n\n# 服务器负载过高\n\n## 先做这几件事\n\n## 判断 CPU Load\n\n"
                    "```\n## 代码里的标题\n```\n\n## 处置 {#handle}\n\n## 记录\n\n### 记录\n", encoding="utf-8")
    anchors = tree_data.page_anchors(page)
    assert {"服务器负载过高", "先做这几件事", "判断-cpu-load", "handle", "记录", "记录_1"} <= anchors
    assert "代码里的标题" not in anchors and "处置" not in anchors


# ---------------------------------------------------------------- 渲染（宏输出）

def test_links_are_relative_to_the_calling_page():
    assert tree.relative_link("incident/triage.md", "incident/overload.md") == "overload.md"
    assert tree.relative_link("incident/triage.md", "service/affected-users.md") == "../service/affected-users.md"
    assert tree.relative_link("index.md", "incident/overload.md", "先做这几件事") == "incident/overload.md#先做这几件事"
    assert tree.relative_link("a/b/c.md", "reference/severity.md") == "../../reference/severity.md"


def test_render_lists_every_question_answer_and_leaf():
    trees = tree_data.load_decision_tree(ROOT)
    data = trees["not_found"]
    html = tree.render_tree("not_found", data, "incident/triage.md", datafiles.load_facts(ROOT),
                            datafiles.load_contacts(ROOT))
    assert html.startswith("\n\n<div class=\"dt\"") and html.endswith("</div>\n\n")
    for key, node in data["nodes"].items():
        assert f'data-dt-node="{key}"' in html
        if "question" in node:
            assert node["question"] in html
            for answer in node["answers"]:
                assert answer["label"] in html
        else:
            link = tree.relative_link("incident/triage.md", node["page"], node.get("anchor"))
            assert f"[{node['title']}]({link})" in html
    # 没有缩进（否则 Markdown 当成代码块），事实由宏填入
    assert not re.search(r"^ {4}", html, re.M)
    assert "纳税缴费服务热线 12366" in html and "{fact:" not in html and "{contact:" not in html


def test_render_escapes_data_values():
    data = {"title": "T<script>", "start": "q", "nodes": {
        "q": {"question": "<b>问</b>？", "help": "a & b", "answers": [
            {"label": "<i>是</i>", "next": "end"}, {"label": "否", "next": "end"}]},
        "end": {"title": "[负载](x) *强调*", "page": "incident/overload.md", "summary": "<img src=x>"}}}
    html = tree.render_tree("t", data, "incident/triage.md", {})
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html and "<img" not in html
    assert "&lt;b&gt;问&lt;/b&gt;" in html and "a &amp; b" in html
    assert r"[\[负载\](x) \*强调\*](overload.md)" in html


# ---------------------------------------------------------------- 一个分流来源：结论、原因表、前五分钟

def nodes_after(project: Path, key: str) -> str:
    """nodes: 之后某个节点的起始文字（causes 里可能有同名的键）。"""
    text = text_of(project)
    return text[text.index(f"      {key}:", text.index("    nodes:")):][:60]


def test_every_leaf_has_a_cause_row_on_the_same_page():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    causes = data["causes"]
    used = set()
    for key, node in data["nodes"].items():
        if "page" in node:
            assert node["cause"] in causes, key
            assert causes[node["cause"]]["page"] == node["page"], key
            used.add(node["cause"])
    assert used == set(causes), "每个原因行都要有结论用到"


def test_one_symptom_goes_to_one_runbook():
    """“主库有、从库没有”和升级缺陷各只转到一份处置手册（原来分别转到三份和两份）。"""
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    signs: dict[str, set[str]] = {}
    for cause in data["causes"].values():
        for sign in cause["signs"]:
            signs.setdefault(sign, set()).add(cause["page"])
    assert all(len(pages) == 1 for pages in signs.values())
    assert signs["主库有、从库没有"] == {"incident/data-recovery.md"}
    upgrade = [c for c in data["causes"].values() if "升级" in c["name"] and "缺陷" in c["name"]]
    assert [c["page"] for c in upgrade] == ["operations/rollback.md"]
    # 判断树里提到“主库有、从库没有”的答案也都转到同一份手册
    for node in data["nodes"].values():
        for answer in node.get("answers", []):
            if "主库有、从库没有" in answer["label"]:
                assert data["nodes"][answer["next"]]["page"] == "incident/data-recovery.md"


def test_leaf_on_a_different_page_than_its_cause_fails_with_line(project):
    line = replace(project, "        page: incident/network.md\n", "        page: incident/overload.md\n",
                   after="    nodes:")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "两条路线不一致" in message and "nodes.network" in message and "causes.network" in message


def test_leaf_without_cause_fails_with_line(project):
    replace(project, "        cause: network\n", "", after="    nodes:")
    message = error(project)
    assert message.startswith(f"{DATA}:{line_of(project, 'title:', after=nodes_after(project, 'network'))}:"), \
        message
    assert "nodes.network" in message and "缺少字段 cause" in message


def test_leaf_with_unknown_cause_fails_with_line(project):
    line = replace(project, "        cause: network\n", "        cause: wifi\n", after="    nodes:")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "没有对应的原因行" in message and "wifi" in message


def test_cause_row_that_no_leaf_uses_fails_with_line(project):
    line = replace(project, "    causes:\n", "    causes:\n      printer:\n        name: 打印机没纸\n"
                   "        signs: [打印不出来]\n        level: p4\n        page: incident/overload.md\n")
    message = error(project)
    assert message.startswith(f"{DATA}:{line + 2}:"), message  # 条目的第一个字段 name 所在的行
    assert "causes.printer" in message and "没有任何结论用到" in message


def test_same_sign_in_two_rows_with_different_runbooks_fails_with_line(project):
    line = replace(project, "          - 慢查询告警，查询越来越慢\n", "          - 主库有、从库没有\n")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "两条路线不一致" in message and "主库有、从库没有" in message
    assert "docs/incident/data-recovery.md" in message and "docs/incident/database.md" in message


def test_unknown_starting_level_fails_with_line(project):
    line = replace(project, "        level: p1\n", "        level: p0\n")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "p0" in message and "data/severity.yml" in message


def test_first_five_link_to_missing_anchor_fails_with_line(project):
    line = replace(project, "anchor: 事件记录, title", "anchor: 没有这一节, title")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:"), message
    assert "first_five" in message and "#没有这一节" in message


# ---------------------------------------------------------------- 判断树的逻辑

def answer_to(data: dict, target: str) -> list[tuple[str, str]]:
    """指向 target 的 (问题, 答案)。"""
    return [(key, answer["label"]) for key, node in data["nodes"].items()
            for answer in node.get("answers", []) if answer["next"] == target]


def test_no_announcement_keeps_the_platform_as_a_possibility():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    nodes = data["nodes"]
    official = nodes[nodes[data["start"]]["answers"][0]["next"]]
    assert "公告" in official["question"]
    assert "12366" in tree.expand_facts(official["help"], datafiles.load_facts(ROOT))
    assert "夜间" in official["help"] and "技术联系人" in official["help"]
    no = [a for a in official["answers"] if "没有公告" in a["label"]]
    assert len(no) == 1 and "不等于" in no[0]["label"]
    follow = nodes[no[0]["next"]]
    assert "question" in follow, "没有公告后还要再判断，不能直接下结论"
    causes = {nodes[a["next"]].get("cause") for a in follow["answers"]}
    assert "platform_suspected" in causes, "没有公告时，平台仍然是一种可能"


def test_unreachable_issuer_is_not_evidence_of_human_error():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    for path in all_paths(data):
        leaf = data["nodes"][path[-1]]
        labels = [answer["label"] for here, nxt in zip(path, path[1:])
                  for answer in data["nodes"][here]["answers"] if answer["next"] == nxt]
        if any("联系不上" in label or "无法确认" in label or "说不清" in label for label in labels):
            assert leaf["page"] != "incident/human-error.md", path


def test_cheap_checks_come_before_expensive_ones():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    nodes = data["nodes"]
    single = nodes[data["start"]]["answers"][1]["next"]
    first = nodes[single]
    assert "发票号码" in first["help"] and "开票日期" in first["help"] and "价税合计" in first["help"]
    assert nodes[first["answers"][0]["next"]].get("cause") == "wrong_query"
    place = nodes[first["answers"][1]["next"]]
    assert "税务数字账户" in place["help"] and "查验平台" in place["help"]
    for path in all_paths(data):
        if path[1] != single:
            continue
        texts = [nodes[key].get("question", "") + nodes[key].get("help", "") for key in path[:-1]]
        expensive = [i for i, text in enumerate(texts) if "主库" in text]
        version = [i for i, text in enumerate(texts) if "版本" in text]
        if expensive:
            assert version and version[0] < expensive[0], path


def test_not_uploaded_only_in_tax_device_or_direct_connection_models():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    leaves = [key for key, node in data["nodes"].items() if node.get("cause") == "not_uploaded"]
    assert leaves
    for leaf in leaves:
        for _, label in answer_to(data, leaf):
            assert "税控设备" in label and "乐企" in label, label
    note = data["causes"]["not_uploaded"]
    assert "税控设备" in note["name"] and "电子发票服务平台" in note["note"]


def test_new_causes_from_the_facts_are_in_the_table():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    text = " ".join(c["name"] + " ".join(c["signs"]) + c.get("note", "") for c in data["causes"].values())
    text = tree.expand_facts(text, datafiles.load_facts(ROOT))
    for word in ("人脸识别", "授信额度", "已红冲", "异常凭证", "外省", "次日"):
        assert word in text, word


# ---------------------------------------------------------------- 原因表与前五分钟的渲染

def render_args():
    from macros import incident
    return datafiles.load_facts(ROOT), datafiles.load_contacts(ROOT), incident.load_severity(ROOT)


def test_triage_table_has_one_row_per_cause_linking_to_its_runbook():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    facts, contacts, levels = render_args()
    table = tree.render_triage_table(data, "incident/triage.md", ROOT, levels, facts, contacts)
    rows = table.splitlines()[2:]
    assert len(rows) == len(data["causes"])
    for row, cause in zip(rows, data["causes"].values()):
        link = tree.relative_link("incident/triage.md", cause["page"], cause.get("anchor"))
        assert f"]({link})" in row and cause["name"] in row
        level = levels[cause["level"]]
        assert f"{level['label']} {level['name']}" in row


def test_first_five_is_the_same_list_on_every_page():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    facts, contacts, _ = render_args()
    outputs = {src: tree.render_first_five(data, src, ROOT, facts, contacts)
               for src in ("index.md", "incident/index.md", "incident/triage.md")}
    strip = {src: re.sub(r"\]\([^)]*\)", "]()", text) for src, text in outputs.items()}
    assert len(set(strip.values())) == 1, "只有链接的相对路径可以不同"
    text = outputs["incident/triage.md"]
    assert text.count("\n") == len(data["first_five"]) - 1 and text.startswith("1. **")
    assert "12366" in text and "示例" in text and "{" not in text
    assert "](templates.md#事件记录)" in text and "](incident/templates.md#事件记录)" in outputs["index.md"]


def test_runbook_table_sends_every_sign_where_the_tree_sends_it():
    data = tree_data.load_decision_tree(ROOT)["not_found"]
    table = tree.render_runbook_table(data, "incident/index.md", ROOT)
    rows = table.splitlines()[2:]
    pages_in_order = list(dict.fromkeys(cause["page"] for cause in data["causes"].values()))
    assert len(rows) == len(pages_in_order), "每份处置手册一行"
    for row, page in zip(rows, pages_in_order):
        assert row.endswith(f"]({tree.relative_link('incident/index.md', page)}) |")
    for cause in data["causes"].values():
        for sign in cause["signs"]:
            holding = [row for row in rows if f"· {tree_data.clean(sign)}" in row.split(" | [")[0].split("<br>")
                       or f"| · {tree_data.clean(sign)}" in row.split(" | [")[0].split("<br>")]
            assert holding == [rows[pages_in_order.index(cause["page"])]], sign
    upgrade = next(row for row in rows if "升级、配置修改或数据迁移" in row)
    assert "](../operations/rollback.md)" in upgrade


def test_incident_index_uses_the_generated_runbook_table():
    text = (ROOT / "docs/incident/index.md").read_text(encoding="utf-8")
    assert '{{ runbook_table("not_found") }}' in text
    assert "升级或变更后开始出错" not in text


def test_our_upload_failure_is_p3_and_the_issuers_own_is_p4():
    causes = tree_data.load_decision_tree(ROOT)["not_found"]["causes"]
    assert causes["own_upload_failed"]["level"] == "p3" and "本单位" in causes["own_upload_failed"]["name"]
    assert causes["not_uploaded"]["level"] == "p4" and "开票方自己" in causes["not_uploaded"]["name"]
    from macros import incident
    levels = incident.load_severity(ROOT)
    assert any("本单位负责报送" in line for line in levels["p3"]["criteria"])
    assert any("开票方自己" in line for line in levels["p4"]["criteria"])
