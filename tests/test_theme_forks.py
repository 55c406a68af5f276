"""overrides/ 中复制后修改的 Material 模板：已安装的 Material 原文件一变，测试就提醒重新检查对应的副本。

tests/theme-forks.json 记着每个副本复制时 Material 原文件的 SHA-256。
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import material
import pytest

from conftest import ROOT

OVERRIDES = ROOT / "overrides"
MANIFEST = json.loads((ROOT / "tests" / "theme-forks.json").read_text(encoding="utf-8"))
UPSTREAM = Path(material.__file__).resolve().parent / "templates"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_copied_partial_is_in_the_manifest():
    copies = sorted(p.relative_to(OVERRIDES).as_posix() for p in (OVERRIDES / "partials").rglob("*.html"))
    assert copies == sorted(MANIFEST["forks"]), "overrides/partials 中的副本与 tests/theme-forks.json 不一致"
    for name in copies:
        assert (UPSTREAM / name).is_file(), f"overrides/{name} 在 Material 中没有同名模板，不是副本就不要放在 partials/"
        assert MANIFEST["forks"][name]["why"], f"tests/theme-forks.json 没有写明 {name} 改了什么"


@pytest.mark.parametrize("name", sorted(MANIFEST["forks"]))
def test_material_original_is_unchanged(name):
    recorded = MANIFEST["forks"][name]["upstream_sha256"]
    current = sha256(UPSTREAM / name)
    assert current == recorded, (
        f"已安装的 Material {metadata.version('mkdocs-material')} 中的 {name} 与复制时"
        f"（Material {MANIFEST['material']}）不同：请重新检查 overrides/{name}——从新的原文件重新复制，"
        f"保留改动（{MANIFEST['forks'][name]['why']}），再把 tests/theme-forks.json 中的 upstream_sha256 改为 {current}")


def test_the_check_notices_a_change(tmp_path):
    changed = tmp_path / "search.html"
    changed.write_bytes((UPSTREAM / "partials/search.html").read_bytes() + b"\n")
    assert sha256(changed) != MANIFEST["forks"]["partials/search.html"]["upstream_sha256"]


# ---------------------------------------------------------------- 整块改写的模板块

BLOCK = r"\{%\s*block NAME\s*%\}.*?\{%\s*endblock\s*%\}"


def block_text(path: Path, name: str) -> str:
    import re

    match = re.search(BLOCK.replace("NAME", name), path.read_text(encoding="utf-8"), re.S)
    assert match, f"{path} 中没有 {{% block {name} %}}"
    return match.group(0)


@pytest.mark.parametrize("key", sorted(MANIFEST.get("blocks", {})))
def test_material_original_block_is_unchanged(key):
    template, name = key.split("#")
    entry = MANIFEST["blocks"][key]
    current = hashlib.sha256(block_text(UPSTREAM / template, name).encode("utf-8")).hexdigest()
    assert current == entry["upstream_sha256"], (
        f"已安装的 Material {metadata.version('mkdocs-material')} 中 {template} 的 {name} 块与复制时"
        f"（Material {MANIFEST['material']}）不同：请从新的原文件重新复制到 overrides/{entry['override']}，"
        f"保留改动（{entry['why']}），再把 tests/theme-forks.json 中的 upstream_sha256 改为 {current}")


def test_config_block_changes_only_the_search_worker():
    """overrides/main.html 的 config 块与 Material 原块只差搜索脚本的地址和块内重新取得的 lang、features。"""
    ours = block_text(OVERRIDES / "main.html", "config").splitlines()
    upstream = block_text(UPSTREAM / "base.html", "config").splitlines()
    added = [line for line in ours if "import \"partials/language.html\"" in line or "set features =" in line]
    assert len(added) == 2
    ours = [line for line in ours if line not in added]
    assert "handbook-search.js" in "\n".join(ours)
    normalised = [line.strip().replace("handbook-search.js", "search.a7633da7.min.js") for line in ours]
    assert normalised == [line.strip() for line in upstream]
