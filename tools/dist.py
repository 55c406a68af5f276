"""发布包：一条命令生成离线包（zip）、打印版 PDF 和带下载页的内网站点。

    python -m tools.dist [--out dist]

顺序：先构建离线版并检查链接，用它打印 PDF、打成离线包；再写下载清单 downloads/manifest.json
（名称、标题、大小、SHA-256、日期、版本），带着清单构建内网站点，下载页列出这些文件，文件复制进
站点的 downloads/；最后把这个版本的网址记进 data/published_urls.yml（请随版本提交）。

    dist/site/                       内网站点（含 downloads/）
    dist/downloads/                  离线包、PDF 和 manifest.json

离线包的结构：打开后只有一个显眼的文件“打开手册.html”，旁边是 Windows 记事本能读的“说明.txt”
（UTF-8 带 BOM、CRLF 换行），手册本身在“手册”文件夹里。

版本号取自 VERSION；data/changelog.yml 里没有这个版本的记录时拒绝生成。
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from html import escape
from pathlib import Path

import yaml

from macros import datafiles, downloads, release, urls
from tools.browser import chromium_path

ROOT = Path(__file__).resolve().parent.parent
URLS_FILE = ROOT / "data" / "published_urls.yml"

#: 打印版用到的系统程序 → 提供它的 Debian 软件包
SYSTEM_TOOLS = {"pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "fc-match": "fontconfig"}

#: 离线包里的文件名
OPEN_FILE = "打开手册.html"
README_FILE = "说明.txt"
SITE_FOLDER = "手册"

README = """发票系统运维与应急手册 离线包
版本 {version}，构建于 {date}（提交 {commit}）

怎么打开
1. 先解压：在压缩包上点右键，选“全部解压缩”，解压到本机的一个文件夹。
   在压缩包里直接打开页面，只会看到“请先解压”。
2. 打开解压后文件夹里的“打开手册.html”。不需要网络，也不需要服务器。

注意
- 检查单的勾选记录保存在这台电脑的浏览器里；换电脑或清除浏览器数据后不会保留，请及时导出记录。
- 离线包可能已经过时：网络恢复后以内网手册为准。新版本发布后，请换用新的离线包。
- “手册”文件夹里是手册的全部文件，不要单独移动或删除其中的文件。
"""

OPEN_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>打开手册 · 发票系统运维与应急手册 {version}</title>
<link rel="stylesheet" href="{folder}/assets/stylesheets/bundle.css">
<script src="{folder}/assets/javascripts/bundle-open.js" defer></script>
</head>
<body>
<h1>发票系统运维与应急手册</h1>
<p>离线包，版本 {version}，构建于 {date}。</p>
<div class="hb-unzip" role="alert">
<p><strong>请先解压。</strong>这个文件是在压缩包里直接打开的：手册的其他文件没有一起打开。</p>
<p>在压缩包上点右键，选“全部解压缩”，解压到一个文件夹，再打开文件夹里的“打开手册.html”。</p>
</div>
<p><a class="hb-open" href="{folder}/index.html">打开手册</a></p>
</body>
</html>
"""

URLS_HEADER = """# 每个版本发布的内网网址（相对站点根目录，目录式网址），新版本在前。
# 由 make dist（tools/dist.py）从构建结果写入：发布后请把这个文件随版本提交。
# 告警、打印件和二维码指向这些网址，它们必须一直能打开：页面还在，或者 data/redirects.yml 里有重定向；
# 否则构建失败，并指出打不开的网址和版本（macros/urls.py）。
"""


class DistError(RuntimeError):
    pass


def check_system() -> None:
    """开始之前确认系统软件包都在：缺了就用一句话说明要装什么，不等到打印时才出错。"""
    missing = [] if chromium_path() else ["chromium"]
    missing += [package for tool, package in SYSTEM_TOOLS.items() if not shutil.which(tool) and package not in missing]
    if missing:
        raise DistError(f"缺少系统软件包，请先运行：apt-get install -y {' '.join(missing)}")
    from tools.binder import cjk_font
    try:
        cjk_font()
    except RuntimeError:
        raise DistError("没有中文字体，打印版会是方框，请先运行：apt-get install -y fonts-noto-cjk") from None


def mkdocs_build(site_dir: Path, **env: str) -> None:
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", **env)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(site_dir)],
                            cwd=ROOT, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise DistError(f"构建失败：\n{result.stdout}{result.stderr}")


def check_links(site_dir: Path) -> None:
    from tools.linkcheck import check_site
    report = check_site(site_dir, allowed_domains=datafiles.load_external_domains(ROOT), docs_dir=ROOT / "docs")
    if not report.ok:
        raise DistError(f"{site_dir.name} 的链接检查没有通过：\n{report.format()}")


def zip_folder(folder: Path, archive: Path) -> None:
    """folder 打进 archive，压缩包里的最上层是 folder 这个文件夹；文件名按 UTF-8 记录。"""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, (Path(folder.name) / path.relative_to(folder)).as_posix())


def windows_text(text: str) -> bytes:
    """Windows 记事本能直接读的文字：UTF-8 带 BOM，CRLF 换行。"""
    return "\r\n".join(text.splitlines()).encode("utf-8-sig") + b"\r\n"


def make_bundle(site: Path, bundle: Path, stamp: dict) -> None:
    """离线包的最上层：打开手册.html、说明.txt 和手册文件夹（site 移进去）。"""
    bundle.mkdir(parents=True, exist_ok=True)
    shutil.move(str(site), str(bundle / SITE_FOLDER))
    (bundle / README_FILE).write_bytes(windows_text(README.format(**stamp)))
    page = OPEN_PAGE.format(folder=SITE_FOLDER, **{k: escape(v) for k, v in stamp.items()})
    (bundle / OPEN_FILE).write_text(page, encoding="utf-8")


def print_pdfs(site: Path, folder: Path) -> list[tuple[Path, str]]:
    """data/print_packs.yml 中的每个打印包写进 folder；返回 [(PDF, 打印包的标题)]，按数据中的顺序。"""
    from tools import binder
    folder.mkdir(parents=True, exist_ok=True)
    packs = binder.build_packs(site, folder)["packs"]
    if not packs:
        raise DistError(f"打印版没有生成 PDF（{folder}）")
    return [(Path(pack["path"]), pack["title"]) for pack in packs.values()]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, entries: list[tuple[Path, str, str]], stamp: dict) -> Path:
    """folder/manifest.json：每个文件的名称、标题、类型、大小、SHA-256、日期和版本。"""
    files = [{"name": path.name, "title": title, "kind": kind, "size": path.stat().st_size,
              "sha256": sha256(path), "date": stamp["date"], "version": stamp["version"]}
             for path, title, kind in entries]
    manifest = {"schema": downloads.SCHEMA,
                "handbook": {"version": stamp["version"], "commit": stamp["commit"], "build_date": stamp["date"]},
                "version": stamp["version"], "date": stamp["date"], "files": files}
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def record_urls(site: Path, version: str, path: Path = URLS_FILE) -> list[str]:
    """把内网站点的全部页面网址记进 path 中这个版本的条目（与已记下的合并）；返回新增的网址。"""
    built = urls.built_urls(site)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    releases = (doc or {}).get("releases") or []
    entry = next((r for r in releases if r.get("version") == version), None)
    if entry is None:
        entry = {"version": version, "urls": []}
        releases.insert(0, entry)
    added = [u for u in built if u not in entry["urls"]]
    entry["urls"] = sorted(set(entry["urls"]) | set(built))
    lines = [URLS_HEADER.rstrip("\n"), "releases:"]
    for item in releases:
        lines.append(f"  - version: {item['version']}")
        lines.append("    urls:")
        lines += [f"      - {u}" for u in item["urls"]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return added


def make_dist(out: Path, build=mkdocs_build, urls_file: Path = URLS_FILE) -> dict:
    """build(site_dir, **env) 构建一份站点；默认在子进程里运行 mkdocs build。"""
    version = release.read_version(ROOT)
    if not release.has_entry(ROOT, version):
        raise DistError(f"VERSION 中的版本 {version} 在 data/changelog.yml 里没有记录：先写版本记录再发布")
    check_system()
    stamp = release.build_stamp(ROOT)
    out.mkdir(parents=True, exist_ok=True)
    folder = out / downloads.FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    archive = folder / f"handbook-offline-{version}.zip"
    with tempfile.TemporaryDirectory() as tmp:
        offline = Path(tmp) / "offline"
        print(f"1/4 离线版 → {archive}")
        build(offline, HANDBOOK_OFFLINE="true")
        check_links(offline)
        print(f"2/4 打印版 → {folder}")
        pdfs = print_pdfs(offline, Path(tmp) / "print")
        for pdf, _ in pdfs:
            shutil.copyfile(pdf, folder / pdf.name)
        bundle = Path(tmp) / f"handbook-{version}"
        make_bundle(offline, bundle, stamp)
        zip_folder(bundle, archive)
    entries = [(archive, "离线包", "zip")] + [(folder / pdf.name, title, "pdf") for pdf, title in pdfs]
    manifest = write_manifest(folder, entries, stamp)
    site = out / "site"
    print(f"3/4 内网站点（含下载页）→ {site}")
    build(site, HANDBOOK_DOWNLOADS=str(manifest))
    check_links(site)
    missing = [p.name for p, _, _ in entries if not (site / downloads.FOLDER / p.name).is_file()]
    if missing:
        raise DistError(f"内网站点的 {downloads.FOLDER}/ 里缺少：{', '.join(missing)}")
    added = record_urls(site, version, urls_file)
    print(f"4/4 发布的网址 → {urls_file}（新增 {len(added)} 个）")
    return {"site": site, "zip": archive, "pdfs": [folder / pdf.name for pdf, _ in pdfs], "manifest": manifest,
            "version": version, "urls_added": added}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成离线包、打印版和带下载页的内网站点")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        result = make_dist(args.out.resolve())
    except (DistError, datafiles.DataError, downloads.ManifestError) as exc:
        print(f"make dist 失败：{exc}", file=sys.stderr)
        return 2
    print(f"完成：版本 {result['version']}，{len(result['pdfs'])} 份 PDF，下载清单 {result['manifest']}")
    if result["urls_added"]:
        print(f"data/published_urls.yml 新增了 {len(result['urls_added'])} 个网址：请随版本提交")
    return 0


if __name__ == "__main__":
    sys.exit(main())
