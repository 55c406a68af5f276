"""页面脚本用仓库里的 eslint 配置（eslint.config.js，版本锁定在 package-lock.json）检查，任何问题都算失败。"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT

ESLINT = ROOT / "node_modules" / ".bin" / "eslint"


def test_javascript_passes_eslint():
    if not ESLINT.exists():
        pytest.fail(f"找不到 {ESLINT.relative_to(ROOT)}：请先在仓库根目录运行 npm ci（安装 package-lock.json 锁定的 eslint）")
    node = shutil.which("node")
    if not node:
        pytest.fail("找不到 node：请先安装 Node.js（apt-get install -y nodejs）")
    # vendor/ 与 material/（第三方原样代码）由 eslint.config.js 的 ignores 排除
    result = subprocess.run(
        [node, str(ESLINT), "--max-warnings", "0", "docs/assets/javascripts", "tests/js", "eslint.config.js"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"eslint 发现问题：\n{result.stdout}{result.stderr}"


def test_lint_config_covers_every_script():
    """每个页面脚本都被检查（没有被 ignores 漏掉），第三方目录不被检查。"""
    node = shutil.which("node")
    if not ESLINT.exists() or not node:
        pytest.fail("找不到 eslint 或 node：请先运行 npm ci")
    scripts = sorted((ROOT / "docs" / "assets" / "javascripts").glob("*.js"))
    assert scripts
    for script in scripts:
        result = subprocess.run([node, str(ESLINT), "--print-config", str(script)], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and '"no-var"' in result.stdout, f"{script.name} 没有用仓库的 eslint 配置"
