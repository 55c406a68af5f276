"""稳定的网址：每个版本发布过的网址（data/published_urls.yml）在构建结果里都还能打开——页面，或者
data/redirects.yml 生成的跳转页。跳转页没有内联脚本，在生产安全响应头下和离线包（file://）里都能跳到新页面。
移动页面却不写重定向时构建失败、指出旧网址：见 tests/scenarios/published-url-moved-without-redirect。"""
from __future__ import annotations

import re
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from conftest import ROOT, run_build, serve_directory, shared_once
from macros import release, urls
from tools.linkcheck import check_site

REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"')


def published() -> list[tuple[str, str]]:
    return [(r["version"], url) for r in urls.load_published(ROOT) for url in r["urls"]]


def test_each_recorded_release_is_in_the_changelog_and_the_current_one_is_recorded():
    versions = [r["version"] for r in urls.load_published(ROOT)]
    changelog = [r["version"] for r in release.load_changelog(ROOT)]
    assert versions and set(versions) <= set(changelog)
    assert release.read_version(ROOT) in versions, "当前版本的网址要记进 data/published_urls.yml（make dist 会写）"


def test_every_published_url_still_answers(site_url):
    """每个版本发布过的每个网址，在内网版里打开是页面或跳转页；跳转页的目标也能打开。"""
    failures = []
    for version, url in published():
        address = site_url + url.lstrip("/")
        try:
            with urllib.request.urlopen(address, timeout=10) as response:
                html = response.read().decode("utf-8", errors="replace")
            target = REFRESH.search(html)
            if target:
                with urllib.request.urlopen(urljoin(address, target.group(1)), timeout=10) as response:
                    assert response.status == 200
        except Exception as exc:  # noqa: BLE001  逐条收集，一次报出
            failures.append(f"{version} 版发布的 {url}：{exc}")
    assert len(published()) >= 50
    assert failures == []


def test_page_url_matches_directory_urls():
    assert urls.page_url("index.md") == "/"
    assert urls.page_url("incident/index.md") == "/incident/"
    assert urls.page_url("incident/triage.md") == "/incident/triage/"


def write_data(root: Path, published_text: str, redirects_text: str) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "data" / "published_urls.yml").write_text(published_text, encoding="utf-8")
    (root / "data" / "redirects.yml").write_text(redirects_text, encoding="utf-8")
    return root


def test_problems_name_the_old_url_the_release_and_bad_redirects(tmp_path):
    root = write_data(tmp_path, "releases:\n  - version: 1.2.0\n    urls:\n      - /\n      - /a/old/\n"
                                "  - version: 1.0.0\n    urls:\n      - /b/\n",
                      "redirects:\n  b.md: gone.md\n  c.md: index.md\n")
    found = urls.problems(root, ["index.md", "c.md"])
    text = "\n".join(found)
    assert "data/published_urls.yml:5: 1.2.0 版发布过的网址 /a/old/ 打不开" in text
    assert "data/redirects.yml: b.md 重定向到的 gone.md 不存在" in text
    assert "data/redirects.yml: c.md 仍然是一个页面" in text
    assert "/b/" not in text.replace("b.md", ""), "有重定向的网址不算打不开"


def test_data_files_are_checked_with_line_numbers(tmp_path):
    from macros import store
    from macros.datafiles import DataError
    root = write_data(tmp_path, "releases:\n  - version: 1.0\n    urls: [incident/]\n", "redirects:\n  /x.md: y\n")
    with pytest.raises(DataError) as published_error:
        store.for_root(root).get("published_urls.yml")
    assert "data/published_urls.yml:2:" in str(published_error.value)
    with pytest.raises(DataError) as redirects_error:
        store.for_root(root).get("redirects.yml")
    assert "/x.md" in str(redirects_error.value) and "y" in str(redirects_error.value)


# ---------------------------------------------------------------- 跳转页（小项目：runbook 原来叫 old-runbook）


@pytest.fixture(scope="session")
def moved(shared):
    """tests/scenarios/published-url-moved-with-redirect 按内网版和离线包各构建一次（几个进程共用）。"""
    from test_scenarios import make_project

    def build(folder: Path):
        project, _spec = make_project("published-url-moved-with-redirect", folder / "project")
        shutil.copytree(ROOT / "docs" / "assets" / "vendor", project / "docs" / "assets" / "vendor")
        for name, env in (("site", {}), ("offline", {"HANDBOOK_OFFLINE": "true"})):
            result = run_build(project, project / name, **env)
            if result.returncode != 0:
                return result.stdout + result.stderr
        return None
    return shared_once(Path(shared["base"]), "moved", build) / "project"


def test_redirect_page_uses_meta_refresh_without_inline_script(moved):
    html = (moved / "site" / "old-runbook" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<style" not in html and " style=" not in html
    assert REFRESH.search(html).group(1) == "../runbook/"
    assert 'lang="zh-CN"' in html and "本页已移动" in html
    offline = (moved / "offline" / "old-runbook.html").read_text(encoding="utf-8")
    assert REFRESH.search(offline).group(1) == "runbook.html"


def test_link_checker_accepts_redirect_pages_and_checks_their_target(moved, tmp_path):
    from macros.datafiles import load_external_domains
    domains = load_external_domains(moved)
    report = check_site(moved / "site", allowed_domains=domains, docs_dir=moved / "docs")
    assert report.ok, report.format()
    site = shutil.copytree(moved / "site", tmp_path / "site")   # 共用的构建不改
    broken = site / "gone" / "index.html"
    broken.parent.mkdir()
    broken.write_text(urls.REDIRECT_PAGE.format(url="../nowhere/"), encoding="utf-8")
    report = check_site(site, allowed_domains=domains, docs_dir=moved / "docs")
    assert "gone/index.html: 跳转页 <meta refresh> 指向不存在的文件：../nowhere/" in report.format()


@pytest.mark.allow_console_errors("小项目用未改动的 Material 主题，目标页有内联脚本；这里只查跳转页本身")
def test_redirect_works_with_production_headers(moved, page_factory):
    """带生产 CSP 提供：旧网址跳到新页面，跳转页本身没有 CSP 违规。"""
    server, base = serve_directory(moved / "site")
    try:
        page, log = page_factory(base)
        page.goto(base + "old-runbook/")
        page.wait_for_url(base + "runbook/")
        page.locator("h1").wait_for()
    finally:
        server.shutdown()
        server.server_close()
    assert base + "old-runbook/" in log.requests
    assert not [v for v in log.csp_violations + log.console_errors if "old-runbook" in v]


@pytest.mark.allow_console_errors("小项目的目标页用未改动的 Material 主题，在 file:// 下有加载失败；这里只查跳转页本身")
def test_redirect_works_offline_from_file(moved, page_factory):
    start = (moved / "offline" / "old-runbook.html").as_uri()
    page, log = page_factory(start)
    page.goto(start)
    page.wait_for_url(lambda url: unquote(url).endswith("/offline/runbook.html"))
    page.locator("h1").wait_for()
    assert not [v for v in log.csp_violations + log.console_errors if "old-runbook" in v]
