"""坏输入必须让构建或检查失败，且信息里写明出问题的文件（和行号）。

每个用例是 tests/scenarios/ 下的一个目录：在最小项目 _base/ 上覆盖几个文件，只弄坏一处
（或几处），再用手册真实的钩子和宏构建，必要时再检查构建结果。写法见 tests/scenarios/_base/README.md。
"""
from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SITE_URL, run_build
from tools.linkcheck import check_site

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
BASE = SCENARIOS / "_base"
CASES = sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir() and not p.name.startswith("_"))
EXPECTS = ("build-fails", "check-fails", "build-passes")


def make_project(case: str, target: Path) -> tuple[Path, dict]:
    """把 _base 与用例目录合成一个项目，链接真实的 macros 包；返回 (项目目录, 用例说明)。"""
    shutil.copytree(BASE, target, ignore=shutil.ignore_patterns("README.md"))
    overlay = SCENARIOS / case
    shutil.copytree(overlay, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("case.yml"))
    (target / "macros").symlink_to(ROOT / "macros", target_is_directory=True)
    spec = yaml.safe_load((overlay / "case.yml").read_text(encoding="utf-8"))
    for old, new in spec.get("replace", []):
        for path in (target / "data").glob("*.yml"):
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return target, spec


def build(project: Path, **env: str) -> tuple[int, str]:
    result = run_build(project, project / "site", **env)
    return result.returncode, result.stdout + result.stderr


def test_every_case_says_what_it_expects():
    assert CASES, "tests/scenarios/ 下没有用例"
    for case in CASES:
        spec = yaml.safe_load((SCENARIOS / case / "case.yml").read_text(encoding="utf-8"))
        assert spec.get("expect") in EXPECTS, f"{case}/case.yml 的 expect 只能是 {EXPECTS}"
        assert spec.get("messages") or spec["expect"] == "build-passes", f"{case}/case.yml 没有写期望的信息"


def test_base_project_builds(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    (project / "macros").symlink_to(ROOT / "macros", target_is_directory=True)
    code, output = build(project)
    assert code == 0, output
    from macros.datafiles import load_external_domains
    report = check_site(project / "site", allowed_domains=load_external_domains(project),
                        site_url=SITE_URL, docs_dir=project / "docs")
    assert report.ok, report.format()


def run_case(case: str, target: Path) -> tuple[Path, dict, int, str]:
    project, spec = make_project(case, target)
    code, output = build(project, **{k: str(v) for k, v in (spec.get("env") or {}).items()})
    return project, spec, code, output


@pytest.fixture(scope="module")
def results(request, tmp_path_factory) -> dict:
    """本次要跑的用例一起构建，同时跑两个（构建在子进程里，线程只是等待）。

    在 pytest-xdist 的工作进程里不预先构建：各用例自己构建，由 xdist 分配。"""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return {}
    wanted = [item.callspec.params["case"] for item in request.session.items
              if getattr(item, "originalname", "") == "test_scenario" and hasattr(item, "callspec")]
    root = tmp_path_factory.mktemp("scenarios")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {case: pool.submit(run_case, case, root / case) for case in wanted}
    return {case: future.result() for case, future in futures.items()}


@pytest.mark.parametrize("case", CASES)
def test_scenario(case, results, tmp_path):
    project, spec, code, output = results.get(case) or run_case(case, tmp_path / "project")
    if spec["expect"] == "build-fails":
        assert code != 0, f"构建本应失败，却成功了：\n{output}"
        text = output
    else:
        assert code == 0, f"构建本应成功：\n{output}"
        if spec["expect"] == "build-passes":
            return
        from macros.datafiles import load_external_domains
        report = check_site(project / "site", allowed_domains=load_external_domains(project),
                            site_url=SITE_URL, docs_dir=project / "docs")
        assert not report.ok, "检查本应发现问题"
        text = report.format()
    for message in spec["messages"]:
        assert message in text, f"输出里没有 {message!r}：\n{text}"
    if spec.get("every_example_value"):
        from macros.datafiles import example_values
        examples = example_values(project)
        assert examples, "示例数据里应当有示例值"
        for entry in examples:
            assert entry in text, f"没有列出示例值 {entry}"
