"""页面脚本用仓库里的 eslint 配置（eslint.config.js，版本锁定在 package-lock.json）检查，任何问题都算失败。

eslint 只在一个 Node 进程里载入一次：检查全部文件，并问它哪些文件被检查了、哪些被 ignores 排除了
（逐个文件运行 eslint --print-config 要启动几十次 Node）。
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import ROOT

ESLINT = ROOT / "node_modules" / "eslint"
#: 要检查的路径（第三方目录 vendor/ 与 material/ 由 eslint.config.js 的 ignores 排除）
LINTED = ["docs/assets/javascripts", "tests/js", "eslint.config.js"]
#: 第三方代码：必须被 ignores 排除
THIRD_PARTY = ["docs/assets/javascripts/material", "docs/assets/vendor", "tests/vendor"]

LINT = """
const { ESLint } = require("eslint");
const [paths, thirdParty] = JSON.parse(process.argv[1]);
(async () => {
  const eslint = new ESLint();
  const results = await eslint.lintFiles(paths);
  const formatter = await eslint.loadFormatter("stylish");
  const ignored = {};
  for (const path of thirdParty) ignored[path] = await eslint.isPathIgnored(path + "/x.js");
  console.log(JSON.stringify({
    problems: results.reduce((sum, r) => sum + r.errorCount + r.warningCount, 0),
    report: await formatter.format(results),
    linted: results.map(r => r.filePath),
    ignored,
  }));
})().catch(error => { console.error(error); process.exit(2); });
"""


@pytest.fixture(scope="module")
def lint() -> dict:
    node = shutil.which("node")
    if not node:
        pytest.fail("找不到 node：请先安装 Node.js（apt-get install -y nodejs）")
    if not ESLINT.exists():
        pytest.fail(f"找不到 {ESLINT.relative_to(ROOT)}：请先在仓库根目录运行 npm ci（安装 package-lock.json 锁定的 eslint）")
    result = subprocess.run([node, "-e", LINT, json.dumps([LINTED, THIRD_PARTY])],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"eslint 没有运行完：\n{result.stdout}{result.stderr}"
    return json.loads(result.stdout)


def test_javascript_passes_eslint(lint):
    assert lint["problems"] == 0, f"eslint 发现问题：\n{lint['report']}"


def test_lint_config_covers_every_script(lint):
    """每个页面脚本和 Node 测试都被检查（没有被 ignores 漏掉），第三方目录不被检查。"""
    linted = set(lint["linted"])
    scripts = ROOT / "docs" / "assets" / "javascripts"
    own = [path for path in sorted(scripts.rglob("*.js")) if "material" not in path.relative_to(scripts).parts]
    own += sorted((ROOT / "tests" / "js").glob("*.js"))
    assert own
    missed = [str(path.relative_to(ROOT)) for path in own if str(path) not in linted]
    assert missed == [], f"eslint 没有检查这些脚本：{missed}"
    assert all(lint["ignored"].values()), f"第三方代码应当由 eslint.config.js 的 ignores 排除：{lint['ignored']}"
    vendored = [path for path in linted if "/material/" in path or "/vendor/" in path]
    assert vendored == [], vendored
