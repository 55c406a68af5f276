"""下载页：这个版本的离线包（zip）和打印版 PDF，各带大小、日期、版本和 SHA-256。

make dist（tools/dist.py）先生成离线包和 PDF，写好清单 downloads/manifest.json，再带着环境变量
HANDBOOK_DOWNLOADS=清单路径 构建内网站点：清单里的文件由 add_files 放进站点的 downloads/，
页面上的 {{ downloads() }} 列出它们。普通的 mkdocs build 没有这些文件，页面就说明它们随正式发布提供，
不出现指向不存在文件的链接。
"""
from __future__ import annotations

import json
import os
import re
from html import escape
from pathlib import Path

MANIFEST_ENV = "HANDBOOK_DOWNLOADS"
#: 站点里放下载文件的目录（相对站点根目录）
FOLDER = "downloads"
SCHEMA = 1
KINDS = {"zip": "离线包", "pdf": "打印版"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[^\s/\\.<>()\[\]][^\s/\\<>()\[\]]*$")


class ManifestError(ValueError):
    pass


def manifest_path() -> Path | None:
    value = os.environ.get(MANIFEST_ENV, "").strip()
    return Path(value) if value else None


def read_manifest(path: Path) -> dict:
    """读取并检查清单；文件都要在清单旁边，大小一致。"""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{MANIFEST_ENV}={path}：读不出下载清单（{exc}）") from None
    problems = []
    if manifest.get("schema") != SCHEMA or not isinstance(manifest.get("files"), list):
        problems.append(f"schema 应当是 {SCHEMA}，files 应当是列表")
    for index, entry in enumerate(manifest.get("files") or []):
        label = f"files[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{label} 应当是对象")
            continue
        name = entry.get("name", "")
        if not _NAME.match(str(name)):
            problems.append(f"{label}.name 应当是不含空格、斜线和括号的文件名：{name!r}")
            continue
        if entry.get("kind") not in KINDS or not _SHA256.match(str(entry.get("sha256", ""))):
            problems.append(f"{label}（{name}）的 kind 或 sha256 不对")
        file = path.parent / name
        if not file.is_file() or file.stat().st_size != entry.get("size"):
            problems.append(f"{label}：{file} 不存在，或大小与清单不符")
    if problems:
        raise ManifestError(f"下载清单 {path} 有误：\n" + "\n".join(problems))
    return manifest


def add_files(files, config):
    """构建钩子 on_files：把清单和清单里的文件放进站点的 downloads/。"""
    path = manifest_path()
    if path is None:
        return files
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File
    try:
        manifest = read_manifest(path)
    except ManifestError as exc:
        raise PluginError(str(exc)) from None
    for name in [entry["name"] for entry in manifest["files"]] + [path.name]:
        files.append(File.generated(config, f"{FOLDER}/{name}", abs_src_path=str(path.parent / name)))
    return files


def human_size(size: int) -> str:
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= step:
            return f"{size / step:.1f} {unit}"
    return f"{size} 字节"


def render(manifest: dict | None, link_prefix: str) -> str:
    """下载列表的 Markdown；manifest 为 None 时说明文件随正式发布提供。"""
    if manifest is None:
        return ('!!! info "这份构建没有附带下载文件"\n\n'
                "    离线包和打印版随正式发布一起生成（`make dist`），在内网手册的这一页下载。"
                "这一份是预览或离线包里的构建，所以这里没有文件。\n")
    parts = []
    for entry in manifest["files"]:
        kind, name = KINDS[entry["kind"]], escape(entry["name"])
        button = f'{{ .md-button .md-button--primary download="{name}" }}'
        parts.append(
            f'<div class="hb-download" markdown>\n\n'
            f'## {escape(entry["title"])}\n\n'
            f'[下载{kind}（{name}）]({link_prefix}{entry["name"]}){button}\n\n'
            f'- 大小：{human_size(entry["size"])}（{entry["size"]:,} 字节）\n'
            f'- 版本：{escape(entry["version"])}，构建日期：{escape(entry["date"])}\n'
            f'- SHA-256：<code class="hb-download__sha256">{entry["sha256"]}</code>\n\n'
            f'</div>\n')
    return "\n".join(parts)


def register(env, root) -> None:
    @env.macro
    def downloads() -> str:
        """这个版本的下载文件；链接相对当前页面的源文件（MkDocs 会检查它们）。"""
        path = manifest_path()
        manifest = read_manifest(path) if path else None
        page = env.page.file.src_uri
        prefix = "../" * page.count("/") + f"{FOLDER}/"
        return render(manifest, prefix)
