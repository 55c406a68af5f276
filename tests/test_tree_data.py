"""判断树的数据与渲染：data/decision_tree.yml 的校验（每条分支都停在存在的页面上），宏输出的 HTML。

坏数据的用例都在 tmp_path 下的副本里改，原文件不动；每个错误都要指明 data/decision_tree.yml 和行号。
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from macros import datafiles, tree
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
        tree.load_decision_tree(project)
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
    assert datafiles.LOADERS["decision_tree.yml"] is tree.load_decision_tree


def test_real_tree_is_valid_and_every_branch_ends_at_an_existing_page():
    trees = tree.load_decision_tree(ROOT)
    data = trees["not_found"]
    paths = all_paths(data)
    assert len(paths) >= 10
    leaves = set()
    for path in paths:
        leaf = data["nodes"][path[-1]]
        assert (ROOT / "docs" / leaf["page"]).is_file(), path
        questions = len(path) - 1
        assert 1 <= questions <= tree.MAX_QUESTIONS, path
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
    assert "not_found" in tree.load_decision_tree(project)


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
    # sync_time 多一个答案，指回 uploaded：uploaded → client_version → entry → sync_time → uploaded
    line = replace(project, "          - label: 已超过，仍然查不到\n",
                   "          - label: 说不清\n            next: uploaded\n"
                   "          - label: 已超过，仍然查不到\n", after="      sync_time:")
    message = error(project)
    assert message.startswith(f"{DATA}:{line + 1}:"), message
    assert "循环" in message and "sync_time → uploaded" in message


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
    assert message.startswith(f"{DATA}:{line_of(project, 'title:', after='      crash:')}:"), message
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
            "        page: incident/overload.md\n        anchor: 测试专用小节\n")
    assert "测试专用小节" in error(project)
    page.write_text(page.read_text(encoding="utf-8") + "\n## 测试专用小节\n\n1. 报告。\n", encoding="utf-8")
    assert tree.load_decision_tree(project)["not_found"]["nodes"]["overload"]["anchor"] == "测试专用小节"


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
    line = replace(project, "{fact:hotline_tax}", "{fact:no_such_fact}")
    message = error(project)
    assert message.startswith(f"{DATA}:{line}:") and "no_such_fact" in message, message


def chain(depth: int) -> str:
    """一棵只有一条长分支的树：q1 → q2 → …… → q{depth} → end。"""
    lines = ["trees:", "  deep:", "    title: 太深的树", "    start: q1", "    nodes:"]
    for number in range(1, depth + 1):
        nxt = f"q{number + 1}" if number < depth else "end"
        lines += [f"      q{number}:", f"        question: 第 {number} 问？", "        answers:",
                  f"          - label: 继续\n            next: {nxt}",
                  "          - label: 停\n            next: end"]
    lines += ["      end:", "        title: 服务器负载过高", "        page: incident/overload.md",
              "        summary: 测试用。"]
    return "\n".join(lines) + "\n"


def test_too_many_questions_on_one_branch_fails(project):
    (project / DATA).write_text(chain(tree.MAX_QUESTIONS), encoding="utf-8")
    assert tree.load_decision_tree(project)["deep"]["start"] == "q1"
    depth = tree.MAX_QUESTIONS + 1
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
    anchors = tree.page_anchors(page)
    assert {"服务器负载过高", "先做这几件事", "判断-cpu-load", "handle", "记录", "记录_1"} <= anchors
    assert "代码里的标题" not in anchors and "处置" not in anchors


# ---------------------------------------------------------------- 渲染（宏输出）

def test_links_are_relative_to_the_calling_page():
    assert tree.relative_link("incident/triage.md", "incident/overload.md") == "overload.md"
    assert tree.relative_link("incident/triage.md", "service/affected-users.md") == "../service/affected-users.md"
    assert tree.relative_link("index.md", "incident/overload.md", "先做这几件事") == "incident/overload.md#先做这几件事"
    assert tree.relative_link("a/b/c.md", "reference/severity.md") == "../../reference/severity.md"


def test_render_lists_every_question_answer_and_leaf():
    trees = tree.load_decision_tree(ROOT)
    data = trees["not_found"]
    html = tree.render_tree("not_found", data, "incident/triage.md", datafiles.load_facts(ROOT))
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
    assert "纳税缴费服务热线 12366" in html and "{fact:" not in html


def test_render_escapes_data_values():
    data = {"title": "T<script>", "start": "q", "nodes": {
        "q": {"question": "<b>问</b>？", "help": "a & b", "answers": [
            {"label": "<i>是</i>", "next": "end"}, {"label": "否", "next": "end"}]},
        "end": {"title": "[负载](x) *强调*", "page": "incident/overload.md", "summary": "<img src=x>"}}}
    html = tree.render_tree("t", data, "incident/triage.md", {})
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html and "<img" not in html
    assert "&lt;b&gt;问&lt;/b&gt;" in html and "a &amp; b" in html
    assert r"[\[负载\](x) \*强调\*](overload.md)" in html


def test_unknown_tree_key_stops_the_build(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "site", ".git", "__pycache__",
                                                             ".pytest_cache", "node_modules"))
    page = copy / "docs/incident/triage.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n{{ decision_tree("no_such_tree") }}\n',
                    encoding="utf-8")
    result = run_build(copy, tmp_path / "site")
    assert result.returncode != 0
    assert "no_such_tree" in result.stdout + result.stderr


def test_broken_tree_stops_the_build_with_file_and_line(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "site", ".git", "__pycache__",
                                                             ".pytest_cache", "node_modules"))
    line = replace(copy, "page: incident/network.md", "page: incident/netwrok.md")
    result = run_build(copy, tmp_path / "site")
    assert result.returncode != 0
    assert f"{DATA}:{line}:" in result.stdout + result.stderr
