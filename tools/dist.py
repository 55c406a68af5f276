"""发布包：一条命令生成内网站点、离线包（zip）和打印版 PDF。

    python -m tools.dist [--out dist]

版本号取自 VERSION；data/changelog.yml 里没有这个版本的记录时拒绝生成。
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from macros import datafiles, release
from tools.browser import chromium_path

ROOT = Path(__file__).resolve().parent.parent

#: 打印版用到的系统程序 → 提供它的 Debian 软件包
SYSTEM_TOOLS = {"pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "fc-match": "fontconfig"}

README = """发票系统运维与应急手册 离线包（版本 {version}，构建于 {date}）

用法：解压后用浏览器打开本文件夹中的 index.html。不需要网络，也不需要服务器。
检查单的勾选记录保存在这台电脑的浏览器里；换电脑或清除浏览器数据后不会保留，请及时导出记录。
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
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env)
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
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, Path(folder.name) / path.relative_to(folder))


def make_dist(out: Path, build=mkdocs_build) -> dict:
    """build(site_dir, **env) 构建一份站点；默认在子进程里运行 mkdocs build。"""
    version = release.read_version(ROOT)
    if not release.has_entry(ROOT, version):
        raise DistError(f"VERSION 中的版本 {version} 在 data/changelog.yml 里没有记录：先写版本记录再发布")
    check_system()
    stamp = release.build_stamp(ROOT)
    out.mkdir(parents=True, exist_ok=True)
    site = out / "site"
    print(f"1/3 内网站点 → {site}")
    build(site)
    check_links(site)

    from tools.binder import build_packs
    with tempfile.TemporaryDirectory() as tmp:
        offline = Path(tmp) / f"handbook-{version}"
        print(f"2/3 离线包 → {out}/handbook-offline-{version}.zip")
        build(offline, HANDBOOK_OFFLINE="true")
        check_links(offline)
        pdf = out / f"handbook-{version}.pdf"
        print(f"3/3 打印版 → {pdf}")
        result = build_packs(offline, out)
        (offline / "使用说明.txt").write_text(README.format(**stamp), encoding="utf-8")
        archive = out / f"handbook-offline-{version}.zip"
        zip_folder(offline, archive)
    return {"site": site, "zip": archive, "pdf": pdf, "version": version, "printed": result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成内网站点、离线包和打印版")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        result = make_dist(args.out.resolve())
    except (DistError, datafiles.DataError) as exc:
        print(f"make dist 失败：{exc}", file=sys.stderr)
        return 2
    print(f"完成：版本 {result['version']}，打印版收录 {len(result['printed']['pages'])} 页")
    return 0


if __name__ == "__main__":
    sys.exit(main())
