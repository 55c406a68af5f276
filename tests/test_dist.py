"""发布包：make dist 生成的离线包从文件夹（file://）打开也能用，打印版 PDF 完整，没有版本记录的版本拒绝发布。"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, material_search, shared_once
from macros import release


#: 在子进程里运行 tools.dist.make_dist（打印版用同步的 Playwright，不能和测试的浏览器在同一线程），
#: 构建这一步换成复制会话共用的构建，并记下 make dist 要求的两次构建。
DIST_FROM_SHARED_BUILDS = """
import json, shutil, sys
from pathlib import Path
from tools import dist
out, served, offline = map(Path, sys.argv[1:4])
calls = []
def build(site_dir, **env):
    calls.append(env)
    source = offline if env.get("HANDBOOK_OFFLINE") == "true" else served
    shutil.copytree(source, site_dir, dirs_exist_ok=True)
dist.make_dist(out, build=build)
print(json.dumps(calls))
"""


@pytest.fixture(scope="session")
def dist(shared, built_site, offline_site):
    """发布包只生成一次（并行运行时几个进程共用）。"""
    def make(folder: Path):
        out = folder / "dist"
        result = subprocess.run(
            [sys.executable, "-c", DIST_FROM_SHARED_BUILDS, str(out), str(built_site), str(offline_site)],
            cwd=ROOT, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return result.stdout + result.stderr
        # 内网站点按默认设置构建，离线包打开离线开关
        calls = json.loads(result.stdout.splitlines()[-1])
        return None if calls == [{}, {"HANDBOOK_OFFLINE": "true"}] else f"make dist 的两次构建不对：{calls}"
    return shared_once(Path(shared["base"]), "dist", make) / "dist"


@pytest.fixture(scope="session")
def bundle(dist, tmp_path_factory):
    version = release.read_version(ROOT)
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(dist / f"handbook-offline-{version}.zip") as archive:
        archive.extractall(target)
    return target / f"handbook-{version}"


def page_titles(page_type: str) -> list[str]:
    titles = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        if meta["type"] == page_type:
            titles.append(meta["title"])
    return titles


def test_dist_writes_site_bundle_and_pdf(dist):
    version = release.read_version(ROOT)
    assert (dist / "site" / "index.html").is_file()
    assert (dist / "site" / "incident" / "overload" / "index.html").is_file()
    names = zipfile.ZipFile(dist / f"handbook-offline-{version}.zip").namelist()
    root = f"handbook-{version}/"
    for required in ("index.html", "incident/overload.html", "search/search_index.js", "使用说明.txt",
                     "assets/vendor/iframe-worker/shim.js", "assets/vendor/iframe-worker/LICENSE"):
        assert root + required in names, required
    assert not [n for n in names if n.endswith("binder.html")]


def test_pdf_has_cover_toc_page_numbers_and_every_runbook(dist):
    version = release.read_version(ROOT)
    pdf = dist / f"handbook-{version}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert "发票系统运维与应急手册" in pages[0] and version in pages[0] and "构建日期" in pages[0]
    assert "目录" in pages[1]
    flat = text.replace(" ", "")
    for title in page_titles("runbook") + page_titles("checklist"):
        assert title in pages[1].replace(" ", "") or title in flat, f"PDF 中没有 {title}"
        assert title in pages[1].replace(" ", ""), f"目录中没有 {title}"
    assert "第 3 页" in text and f"共 {len([p for p in pages if p.strip()])} 页" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), "PDF 中有没嵌入的字体"


def test_binder_requires_a_cjk_font():
    from tools.binder import cjk_font
    assert "CJK" in cjk_font(), "打印版需要中文字体（fonts-noto-cjk）"


def test_offline_bundle_works_from_a_folder(bundle, page_factory):
    index = bundle / "index.html"
    page, log = page_factory(index.as_uri())
    page.goto(index.as_uri())
    hrefs = material_search(page, "补打")
    assert any("service/reprint.html" in (h or "") for h in hrefs), hrefs
    page.goto((bundle / "operations" / "upgrade.html").as_uri())
    box = page.locator(".task-list-item input[type=checkbox]").first
    box.check()
    page.reload()
    assert page.locator(".task-list-item input[type=checkbox]").first.is_checked()
    folder = bundle.as_uri()
    outside = [url for url in log.requests if not url.startswith(folder) and not url.startswith(("data:", "blob:", "about:"))]
    assert outside == [], f"离线包请求了文件夹以外的地址：{outside}"
    assert log.offsite == []


def test_missing_system_tool_is_one_line_naming_the_package(tmp_path):
    """没有 poppler-utils（pdftotext）时，make dist 一句话说明要装什么，没有 Python 调用栈。"""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("chromium", "fc-match", "pdffonts"):
        found = shutil.which(tool)
        assert found, f"测试机器上缺少 {tool}"
        (bin_dir / tool).symlink_to(found)
    env = dict(os.environ, PATH=str(bin_dir), CHROMIUM_PATH=shutil.which("chromium"))
    result = subprocess.run([sys.executable, "-m", "tools.dist", "--out", str(tmp_path / "out")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == "make dist 失败：缺少系统软件包，请先运行：apt-get install -y poppler-utils"
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_dist_refuses_a_version_without_changelog_entry(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "site", "dist", ".git", "__pycache__", "node_modules"))
    (copy / "VERSION").write_text("9.9.9\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tools.dist", "--out", str(tmp_path / "out")], cwd=copy,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "9.9.9" in result.stderr and "data/changelog.yml" in result.stderr
    assert not (tmp_path / "out").exists()


def test_offline_bundle_runs_tree_calculator_and_drills(bundle, page_factory):
    """离线包里的决策树、期限计算器、演练控制台和自测题都由脚本接管，且不报错。"""
    base = bundle.as_uri() + "/"
    page, log = page_factory(base)
    page.goto(base + "incident/triage.html")
    page.locator(".dt-choice").first.click()
    assert "第 2 步" in page.locator(".dt-status").inner_text()
    page.goto(base + "service/complaints.html")
    page.locator(".hb-workdays__input").fill("2026-09-29")
    date = page.locator(".hb-workdays__result .hb-workdays__date")
    date.wait_for()
    assert date.inner_text().startswith("2026-10-")
    page.goto(base + "drills/run.html")
    page.locator(".hb-drill__start").wait_for()
    page.goto(base + "training/quiz.html")
    page.locator(".hb-quiz.hb-quiz--ready").first.wait_for()
    assert log.console_errors == []
    outside = [url for url in log.requests if not url.startswith(bundle.as_uri())]
    assert outside == [], outside
