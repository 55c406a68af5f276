"""测试共用的夹具：构建一次站点、在 127.0.0.1 上提供它、启动 Debian 的 Chromium。"""
from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tools.browser import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent

#: 测试构建使用的站点地址（mkdocs.yml 的 site_url 取自 HANDBOOK_SITE_URL）。
SITE_URL = "http://127.0.0.1:8000/"


def build_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("HANDBOOK_ENV", None)
    env["HANDBOOK_SITE_URL"] = SITE_URL
    env.update(extra)
    return env


def run_build(project: Path, site_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """在子进程里构建（mkdocs-macros 出错时直接退出进程，不能在测试进程内构建）。"""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(site_dir)],
        cwd=project, env=build_env(**env), capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("built") / "site"
    result = run_build(ROOT, site)
    if result.returncode != 0:
        pytest.fail(f"站点构建失败（退出码 {result.returncode}）：\n{result.stdout}\n{result.stderr}")
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def serve_directory(directory: Path, handler_class=_QuietHandler):
    """在 127.0.0.1 的空闲端口上提供目录；返回 (server, base_url)。"""
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built_site):
    server, url = serve_directory(built_site)
    yield url
    server.shutdown()


def chromium_path() -> str:
    from tools.browser import chromium_path as find
    path = find()
    if not path:
        pytest.fail("找不到 Debian 的 chromium：请先运行 apt-get install -y chromium fonts-noto-cjk")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class RequestLog:
    """记录页面发出的每个请求；指向本站以外主机的请求被拦下并记入 offsite。"""

    def __init__(self, allowed_origin: str | None):
        self.allowed_origin = allowed_origin
        self.requests: list[str] = []
        self.offsite: list[str] = []
        self.console_errors: list[str] = []

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "file"):
            return parts.scheme != "file" or self.allowed_origin is None or self.allowed_origin.startswith("file:")
        origin = f"{parts.scheme}://{parts.netloc}"
        return self.allowed_origin is not None and origin == self.allowed_origin

    def handle(self, route):
        url = route.request.url
        self.requests.append(url)
        if self.is_local(url):
            route.continue_()
        else:
            self.offsite.append(url)
            route.abort()


@pytest.fixture
def page_factory(browser):
    """page_factory(base_url) 打开一个新的浏览器上下文，返回 (page, RequestLog)。"""
    contexts = []

    def make(base_url: str, **context_options):
        parts = urlsplit(base_url)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme.startswith("http") else "file:"
        log = RequestLog(origin)
        context = browser.new_context(locale="zh-CN", **context_options)
        context.route("**/*", log.handle)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and log.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: log.console_errors.append(str(exc)))
        return page, log

    yield make
    for context in contexts:
        context.close()


def material_search(page, query: str):
    """在 Material 的搜索框里输入中文并等结果出现；返回结果链接的 href 列表。

    Playwright 用 insertText 输入中文（没有按键事件），而 Material 在 keyup 时才搜索，
    所以输入后再按一下 End 键。
    """
    page.keyboard.press("/") if not page.locator(".md-search__input").is_visible() else None
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.fill(query)
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    return page.eval_on_selector_all(
        ".md-search-result__item > a", "els => els.map(e => e.getAttribute('href'))"
    )
