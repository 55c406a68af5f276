"""发布包：make dist 先生成离线包和打印版，写下载清单，再带着清单构建内网站点（下载页列出真实的文件）；
离线包打开后是一个显眼的“打开手册.html”和 Windows 能读的“说明.txt”，在压缩包里直接打开页面时显示
“请先解压”；没有版本记录的版本拒绝发布。"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from conftest import ROOT, material_search, run_build
from macros import release
from tools import dist as dist_tool
from tools.linkcheck import check_site

VERSION = release.read_version(ROOT)
TOP = f"handbook-{VERSION}/"



@pytest.fixture(scope="session")
def manifest(dist) -> dict:
    return json.loads((dist / "downloads" / "manifest.json").read_text(encoding="utf-8"))


def page_titles(page_type: str) -> list[str]:
    titles = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        if meta["type"] == page_type:
            titles.append(meta["title"])
    return titles


# ---------------------------------------------------------------- 离线包的结构


def test_zip_opens_to_one_obvious_file(archive):
    names = zipfile.ZipFile(archive).namelist()
    top = {name[len(TOP):].split("/")[0] for name in names if name.startswith(TOP)}
    assert all(name.startswith(TOP) for name in names), "压缩包里应当只有一个最上层文件夹"
    assert top == {dist_tool.OPEN_FILE, dist_tool.README_FILE, dist_tool.SITE_FOLDER}, top
    site = TOP + dist_tool.SITE_FOLDER + "/"
    for required in ("index.html", "incident/overload.html", "search/search_index.js", "reference/downloads.html",
                     "assets/stylesheets/bundle.css", "assets/javascripts/bundle-open.js",
                     "assets/vendor/iframe-worker/shim.js", "assets/vendor/iframe-worker/LICENSE"):
        assert site + required in names, required
    assert not [n for n in names if n.endswith("binder.html")]


def test_readme_is_readable_on_windows(archive):
    """说明.txt：UTF-8 带 BOM（记事本认出编码），每一行以 CRLF 结尾。"""
    data = zipfile.ZipFile(archive).read(TOP + dist_tool.README_FILE)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") and b"\r\r" not in data
    text = data.decode("utf-8-sig")
    assert f"版本 {VERSION}" in text and "打开手册.html" in text and "请先解压" in text


def test_windows_text_converts_any_line_ending():
    assert dist_tool.windows_text("一\n二\r\n三") == "一\r\n二\r\n三\r\n".encode("utf-8-sig")


# ---------------------------------------------------------------- 下载清单与内网站点


def test_manifest_lists_zip_and_pdfs_with_real_size_and_sha256(dist, manifest):
    import jsonschema
    schema = json.loads((ROOT / "data" / "schemas" / "downloads.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)
    assert manifest["handbook"]["version"] == manifest["version"] == VERSION
    files = {entry["name"]: entry for entry in manifest["files"]}
    assert f"handbook-offline-{VERSION}.zip" in files
    assert sorted(p.name for p in (dist / "downloads").glob("*.pdf")) == sorted(
        name for name, entry in files.items() if entry["kind"] == "pdf")
    for name, entry in files.items():
        path = dist / "downloads" / name
        assert entry["size"] == path.stat().st_size
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["version"] == VERSION and entry["date"] == manifest["date"]
        # 内网站点的 downloads/ 中是同一个文件
        assert (dist / "site" / "downloads" / name).read_bytes() == path.read_bytes()


def test_dist_records_the_release_urls(dist, shared):
    recorded = yaml.safe_load((Path(shared["base"]) / "dist" / "published_urls.yml").read_text(encoding="utf-8"))
    entry = next(r for r in recorded["releases"] if r["version"] == VERSION)
    from macros.urls import built_urls
    assert set(built_urls(dist / "site")) <= set(entry["urls"])
    before = yaml.safe_load(dist_tool.URLS_FILE.read_text(encoding="utf-8"))
    for old in before["releases"]:
        new = next(r for r in recorded["releases"] if r["version"] == old["version"])
        assert set(old["urls"]) <= set(new["urls"]), "记下网址时不能丢掉已经发布过的"


def test_pdf_has_cover_toc_page_numbers_and_every_runbook(dist):
    pdf = dist / "downloads" / f"handbook-{VERSION}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert "发票系统运维与应急手册" in pages[0] and VERSION in pages[0] and "构建日期" in pages[0]
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


def test_plain_build_says_downloads_come_with_the_release(built_site):
    """普通构建没有下载文件：下载页说明它们随正式发布提供，没有指向不存在文件的链接；首页链接到下载页。"""
    html = (built_site / "reference" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "make dist" in html and "随正式发布一起生成" in html and "downloads/handbook" not in html
    assert 'href="reference/downloads/"' in (built_site / "index.html").read_text(encoding="utf-8")
    assert "hb-unzip" not in (built_site / "index.html").read_text(encoding="utf-8"), "内网版不显示“请先解压”"


# ---------------------------------------------------------------- 下载页在小项目里真的构建一次


def downloads_project(tmp_path: Path) -> Path:
    """最小项目加一页下载页（与手册的写法相同）。"""
    from test_scenarios import BASE
    project = tmp_path / "project"
    shutil.copytree(BASE, project, ignore=shutil.ignore_patterns("README.md"))
    (project / "macros").symlink_to(ROOT / "macros", target_is_directory=True)
    (project / "docs" / "reference").mkdir()
    shutil.copyfile(ROOT / "docs" / "reference" / "downloads.md", project / "docs" / "reference" / "downloads.md")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - 下载: reference/downloads.md\n", encoding="utf-8")
    (project / "docs" / "index.md").write_text(
        (project / "docs" / "index.md").read_text(encoding="utf-8") + "\n[下载](reference/downloads.md)\n",
        encoding="utf-8")
    return project


def fake_artefacts(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "handbook-offline-9.9.9.zip").write_bytes(b"PK" + bytes(3000))
    (folder / "handbook-9.9.9.pdf").write_bytes(b"%PDF-1.7\n" + bytes(1500))
    stamp = {"version": "9.9.9", "date": "2026-12-01", "commit": "abc"}
    return dist_tool.write_manifest(folder, [(folder / "handbook-offline-9.9.9.zip", "离线包", "zip"),
                                             (folder / "handbook-9.9.9.pdf", "应急文件夹", "pdf")], stamp)


def test_downloads_page_lists_the_manifest_files(tmp_path):
    project = downloads_project(tmp_path)
    manifest = fake_artefacts(tmp_path / "artefacts")
    result = run_build(project, project / "site", HANDBOOK_DOWNLOADS=str(manifest))
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    html = (site / "reference" / "downloads" / "index.html").read_text(encoding="utf-8")
    for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
        assert (site / "downloads" / entry["name"]).read_bytes() == (manifest.parent / entry["name"]).read_bytes()
        assert f'href="../../downloads/{entry["name"]}"' in html
        assert entry["sha256"] in html and entry["title"] in html
    assert "2.9 KB" in html and "1.5 KB" in html and "9.9.9" in html and "2026-12-01" in html
    from macros.datafiles import load_external_domains
    report = check_site(site, allowed_domains=load_external_domains(project), docs_dir=project / "docs")
    assert report.ok, report.format()


def test_downloads_page_without_artefacts_has_no_links(tmp_path):
    project = downloads_project(tmp_path)
    result = run_build(project, project / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project / "site" / "reference" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "随正式发布一起生成" in html and "downloads/handbook" not in html
    assert not (project / "site" / "downloads").exists()


def test_manifest_that_does_not_match_its_files_fails_the_build(tmp_path):
    project = downloads_project(tmp_path)
    manifest = fake_artefacts(tmp_path / "artefacts")
    (manifest.parent / "handbook-9.9.9.pdf").write_bytes(b"%PDF-1.7\n")
    result = run_build(project, project / "site", HANDBOOK_DOWNLOADS=str(manifest))
    assert result.returncode != 0
    assert "handbook-9.9.9.pdf 不存在，或大小与清单不符" in result.stdout + result.stderr


# ---------------------------------------------------------------- 在浏览器里打开离线包


def test_offline_bundle_works_from_a_folder(bundle, page_factory):
    index = bundle / dist_tool.SITE_FOLDER / "index.html"
    page, log = page_factory(index.as_uri())
    page.goto(index.as_uri())
    assert page.locator(".hb-unzip").count() == 1 and not page.locator(".hb-unzip").is_visible()
    hrefs = material_search(page, "补打")
    assert any("service/reprint.html" in (h or "") for h in hrefs), hrefs
    page.goto((bundle / dist_tool.SITE_FOLDER / "operations" / "upgrade.html").as_uri())
    box = page.locator(".task-list-item input[type=checkbox]").first
    box.check()
    page.reload()
    assert page.locator(".task-list-item input[type=checkbox]").first.is_checked()
    folder = bundle.as_uri()
    outside = [url for url in log.requests if not url.startswith(folder) and not url.startswith(("data:", "blob:", "about:"))]
    assert outside == [], f"离线包请求了文件夹以外的地址：{outside}"
    assert log.offsite == []


def test_open_file_leads_into_the_handbook(bundle, page_factory):
    """解压后打开“打开手册.html”：直接进入手册首页。"""
    start = bundle / dist_tool.OPEN_FILE
    page, _log = page_factory(start.as_uri())
    page.goto(start.as_uri())
    page.wait_for_url(lambda url: unquote(url).endswith(f"/{dist_tool.SITE_FOLDER}/index.html"))
    page.locator(".md-header").wait_for()
    assert not page.locator(".hb-unzip").is_visible()
    assert page.locator("h1").first.inner_text().startswith("发票系统运维与应急手册")


@pytest.mark.allow_console_errors("在压缩包里单独打开一个文件：样式表和脚本都不在，浏览器报告加载失败")
@pytest.mark.parametrize("member", [dist_tool.OPEN_FILE, f"{dist_tool.SITE_FOLDER}/index.html"])
def test_single_file_from_the_zip_says_unzip_first(member, archive, tmp_path, page_factory):
    """Windows 在压缩包里双击一个页面时只解压这一个文件：页面显示“请先解压”，图标不会撑满整屏。"""
    alone = tmp_path / "只有这一个文件" / Path(member).name
    alone.parent.mkdir()
    alone.write_bytes(zipfile.ZipFile(archive).read(TOP + member))
    page, log = page_factory(alone.as_uri(), viewport={"width": 1280, "height": 800})
    page.goto(alone.as_uri())
    page.wait_for_timeout(300)
    assert unquote(page.url) == unquote(alone.as_uri()), "不应跳到不存在的文件"
    notice = page.locator(".hb-unzip")
    assert notice.is_visible() and "请先解压" in notice.inner_text()
    assert notice.bounding_box()["y"] < 800, "“请先解压”应当在第一屏"
    sizes = page.eval_on_selector_all("svg", "els => els.map(e => [e.getBoundingClientRect().width, "
                                             "e.getBoundingClientRect().height])")
    assert all(w <= 48 and h <= 48 for w, h in sizes), f"图标没有写明宽高，会撑满整屏：{sizes}"
    assert not [url for url in log.requests if not url.startswith("file:")]


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
    base = (bundle / dist_tool.SITE_FOLDER).as_uri() + "/"
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
