"""Python 代码检查：ruff（配置在 pyproject.toml）检查 macros/、tools/、tests/ 和 bench/，有问题即失败。"""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

SYS_PATH_CHANGE = re.compile(r"sys\.path\.(?:insert|append|extend)\(|sys\.path\s*(?:\[|\+?=)")


def test_ruff_finds_no_problems():
    """没有安装 ruff 时也失败（No module named ruff）：请安装 requirements-test.txt。"""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "macros", "tools", "tests", "bench"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_sys_path_insertions():
    """项目可以直接导入（pytest 的 pythonpath、python -m tools.x），不再改 sys.path。"""
    offenders = []
    for folder in ("macros", "tools", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if "vendor" in path.parts or "node_modules" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if SYS_PATH_CHANGE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
