"""坏输入必须让构建或检查失败，且信息里写明出问题的文件。

每个用例把项目复制到临时目录，只弄坏一处，再构建（并检查构建结果）。
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SITE_URL, run_build
from tools.linkcheck import check_site

IGNORE = shutil.ignore_patterns(".venv", "site", "dist", ".git", "__pycache__", ".pytest_cache", "bench", "node_modules")


@pytest.fixture
def project(tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    return copy


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} 中找不到要替换的 {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_fails(project: Path, *names: str, **env: str) -> str:
    result = run_build(project, project / "site", **env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"构建本应失败，却成功了：\n{output}"
    for name in names:
        assert name in output, f"错误信息里没有写明 {name}：\n{output}"
    return output


def checks_fail(project: Path, *names: str) -> str:
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    from macros.datafiles import load_external_domains
    report = check_site(project / "site", allowed_domains=load_external_domains(project),
                        site_url=SITE_URL, docs_dir=project / "docs")
    assert not report.ok, "检查本应发现问题"
    text = report.format()
    for name in names:
        assert name in text, f"检查结果里没有写明 {name}：\n{text}"
    return text


def test_unbroken_copy_builds(project):
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stdout + result.stderr


def test_broken_markdown_link(project):
    append(project / "docs/service/index.md", "\n[没有这个页面](no-such-page.md)\n")
    build_fails(project, "service/index.md", "no-such-page.md")


def test_missing_anchor(project):
    append(project / "docs/service/index.md", "\n[不存在的小节](../incident/index.md#没有这一节)\n")
    build_fails(project, "service/index.md", "没有这一节")


def test_broken_link_in_raw_html(project):
    append(project / "docs/service/index.md", '\n<p><a href="../no-such-dir/">坏链接</a></p>\n')
    checks_fail(project, "docs/service/index.md", "no-such-dir")


def test_missing_anchor_in_raw_html(project):
    append(project / "docs/service/index.md", '\n<p><a href="../incident/#%E6%B2%A1%E6%9C%89">坏锚点</a></p>\n')
    checks_fail(project, "docs/service/index.md", "#没有")


def test_missing_asset(project):
    append(project / "docs/service/index.md", '\n<img src="../assets/images/none.png" alt="缺失的图片">\n')
    checks_fail(project, "docs/service/index.md", "none.png")


def test_undefined_macro_variable(project):
    append(project / "docs/service/index.md", "\n{{ no_such_value }}\n")
    build_fails(project, "service/index.md", "no_such_value")


def test_unknown_fact_key(project):
    append(project / "docs/service/index.md", '\n{{ fact("no_such_fact") }}\n')
    build_fails(project, "service/index.md", "no_such_fact")


def test_malformed_data_file(project):
    append(project / "data/facts.yml", "\n  broken: [unclosed\n")
    build_fails(project, "data/facts.yml:")


def test_data_entry_missing_field(project):
    replace(project / "data/facts.yml", '    value: "12366"\n', "")
    output = build_fails(project, "data/facts.yml:", "hotline_tax", "value")
    lines = (project / "data/facts.yml").read_text(encoding="utf-8").splitlines()
    key_line = lines.index("  hotline_tax:") + 1
    assert f"data/facts.yml:{key_line}:" in output or f"data/facts.yml:{key_line + 1}:" in output, output


def test_missing_front_matter_field(project):
    replace(project / "docs/service/index.md", "owner: 服务台主管\n", "")
    build_fails(project, "docs/service/index.md", "缺少字段 owner")


def test_invalid_front_matter_value(project):
    replace(project / "docs/service/index.md", "review_every: 6", "review_every: 半年")
    build_fails(project, "docs/service/index.md:6:", "review_every")


def test_page_left_out_of_navigation(project):
    (project / "docs/service/orphan.md").write_text(
        (project / "docs/service/index.md").read_text(encoding="utf-8"), encoding="utf-8")
    build_fails(project, "service/orphan.md")


def test_external_script_tag(project):
    append(project / "docs/service/index.md", '\n<script src="https://cdn.example.com/lib.js"></script>\n')
    checks_fail(project, "docs/service/index.md", "cdn.example.com")


def test_external_link_not_on_allow_list(project):
    append(project / "docs/service/index.md", "\n[外部网站](https://www.example.com/)\n")
    checks_fail(project, "docs/service/index.md", "www.example.com")


def test_hand_typed_hotline(project):
    append(project / "docs/service/index.md", "\n请拨打 12366 咨询。\n")
    build_fails(project, "docs/service/index.md", "12366", "hotline_tax")


def test_production_build_lists_every_example_value(project):
    from macros.datafiles import example_values
    examples = example_values(project)
    assert examples, "示例数据里应当有示例值"
    output = build_fails(project, "示例值", HANDBOOK_ENV="production")
    for entry in examples:
        assert entry in output, f"没有列出示例值 {entry}"


def test_production_build_passes_once_examples_are_replaced(project):
    for path in (project / "data").glob("*.yml"):
        path.write_text(path.read_text(encoding="utf-8").replace("example: true", "example: false"),
                        encoding="utf-8")
    result = run_build(project, project / "site", HANDBOOK_ENV="production")
    assert result.returncode == 0, result.stdout + result.stderr
