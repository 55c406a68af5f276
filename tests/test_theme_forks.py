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
