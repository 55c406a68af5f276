"""测试共用的夹具。

整个测试会话只构建两次手册，所有用到构建结果的测试共用：
- 内网版（built_site / site_url）：按它实际提供的地址构建，所以 Material 的即时导航在每个浏览器测试中都生效；
  由本机 HTTP 服务器带上 deploy/security-headers.conf 中的生产安全响应头提供。
- 离线版（offline_site）：HANDBOOK_OFFLINE=true，从 file:// 直接打开。

并行运行（pytest-xdist）时，服务器在主进程里启动一次，构建由第一个需要它的进程在文件锁下完成，
其他进程直接使用。每个浏览器测试结束时检查：没有 CSP 违规、没有向本站以外发请求、没有脚本错误；
故意触发这些情况的测试用 allow_console_errors / allow_offsite_requests 标记写明。
"""
from __future__ import annotations

import fcntl
import functools
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tools.browser import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent

#: 单独构建的小项目默认使用的站点地址（共用的内网版按实际提供的地址构建，见 site_url）
SITE_URL = "http://127.0.0.1:8000/"

#: 用到这些夹具的测试需要浏览器（make test-fast 不运行它们）
BROWSER_FIXTURES = {"browser", "page_factory"}
#: 用到这些夹具的测试需要完整构建手册
BUILD_FIXTURES = {"built_site", "offline_site", "site_url", "offline_url", "dist"}

HEADER_LINE = re.compile(r'^\s*add_header\s+([\w-]+)\s+"([^"]*)"\s*(always)?\s*;', re.M)


def security_headers() -> dict[str, str]:
    """deploy/security-headers.conf 中的响应头（与 nginx 示例配置相同）。"""
    text = (ROOT / "deploy" / "security-headers.conf").read_text(encoding="utf-8")
    return {name: value for name, value, _ in HEADER_LINE.findall(text)}


# ---------------------------------------------------------------- 构建


def build_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["DISABLE_MKDOCS_2_WARNING"] = "true"
    env.pop("HANDBOOK_ENV", None)
    env.pop("HANDBOOK_OFFLINE", None)
    env["HANDBOOK_SITE_URL"] = SITE_URL
    env.update(extra)
    return env


def run_build(project: Path, site_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """在子进程里构建（mkdocs-macros 出错时直接退出进程，不能在测试进程内构建）。"""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(site_dir)],
        cwd=project, env=build_env(**env), capture_output=True, text=True, timeout=600,
    )


def shared_once(base: Path, name: str, make) -> Path:
    """在 base/name 下只做一次 make(folder)；几个进程同时要时只有一个在做，其他的等它完成后直接用结果。

    make 返回 None 表示成功，返回文字表示失败的原因（所有进程都报告同一个失败）。"""
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    done, failed = folder / "done", folder / "failed"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists() and not failed.exists():
            problem = make(folder)
            (failed if problem else done).write_text(problem or "ok", encoding="utf-8")
    if failed.exists():
        pytest.fail(f"{name} 失败：{failed.read_text(encoding='utf-8')}")
    return folder


def _shared_build(base: Path, name: str, **env: str) -> Path:
    """在 base/name/site 构建一次手册（几个进程共用）。"""
    def build(folder: Path):
        result = run_build(ROOT, folder / "site", **env)
        if result.returncode != 0:
            return f"站点构建失败（退出码 {result.returncode}）：\n{result.stdout}\n{result.stderr}"
        return None
    return shared_once(base, name, build) / "site"


# ---------------------------------------------------------------- 服务器


#: 测试用的同源文件：由会话的服务器在站点之外提供（不写进构建结果）。同源，所以站点的 CSP 不拦，
#: 也不必为它们拦截请求（拦截任何请求都会让 Chromium 关掉这个上下文的 HTTP 缓存，页面加载慢一倍）
TEST_FILES = {
    "/__axe__.js": (ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js", "application/javascript"),
    # 就地换配色前关掉过渡动画（test_every_page.py）：颜色立即变为最终值，axe 不会量到过渡中的颜色
    "/__no-transitions__.css": (
        b"*, *::before, *::after { transition: none !important; animation: none !important; }", "text/css"),
}


class HeaderHandler(http.server.SimpleHTTPRequestHandler):
    """带生产安全响应头的静态文件服务，不写访问日志；TEST_FILES 中的路径返回测试用的文件。"""

    headers_to_add: dict[str, str] = {}
    test_files: dict[str, tuple[Path | bytes, str]] = {}

    def send_head(self):
        if self.path not in self.test_files:
            return super().send_head()
        source, content_type = self.test_files[self.path]
        body = source if isinstance(source, bytes) else source.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        for name, value in self.headers_to_add.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002
        pass


def header_handler(headers: dict[str, str] | None = None, test_files: dict | None = None):
    return type("Handler", (HeaderHandler,), {
        "headers_to_add": security_headers() if headers is None else headers,
        "test_files": test_files or {}})


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """浏览器换页时中断下载是正常的，不打印；其他错误照常报告。"""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def serve_directory(directory: Path, handler_class=None):
    """在 127.0.0.1 的空闲端口上提供目录（默认带生产安全响应头）；返回 (server, base_url)。"""
    handler = functools.partial(handler_class or header_handler(), directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# ---------------------------------------------------------------- 会话：共用的目录和服务器


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    if _is_worker(config):
        config.handbook_shared = json.loads(config.workerinput["handbook_shared"])
        return
    base = Path(tempfile.mkdtemp(prefix="handbook-tests-"))
    served = base / "served" / "site"
    served.mkdir(parents=True)
    server, url = serve_directory(served, header_handler(test_files=TEST_FILES))
    config.handbook_server = server
    config.handbook_shared = {"base": str(base), "url": url}


def pytest_unconfigure(config):
    server = getattr(config, "handbook_server", None)
    if server is not None:
        server.shutdown()
        server.server_close()
        shutil.rmtree(config.handbook_shared["base"], ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist：把共用目录和服务器地址交给每个工作进程。"""
    node.workerinput["handbook_shared"] = json.dumps(node.config.handbook_shared)


def _calls_run_build(function, depth: int = 3) -> bool:
    """测试函数（或它调用的本模块函数，最多隔 depth 层）是否调用了 run_build。"""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    if "run_build" in code.co_names or "run_build" in code.co_freevars:
        return True
    names = getattr(function, "__globals__", {})
    return depth > 0 and any(
        callable(names.get(name)) and getattr(names[name], "__module__", None) == function.__module__
        and _calls_run_build(names[name], depth - 1)
        for name in code.co_names)


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & BUILD_FIXTURES or _calls_run_build(getattr(item, "function", None)):
            item.add_marker(pytest.mark.build)


@pytest.fixture(scope="session")
def shared(pytestconfig) -> dict:
    return pytestconfig.handbook_shared


@pytest.fixture(scope="session")
def site_url(shared) -> str:
    """内网版的地址：由会话的服务器带生产安全响应头提供，按这个地址构建（即时导航生效）。"""
    _shared_build(Path(shared["base"]), "served", HANDBOOK_SITE_URL=shared["url"])
    return shared["url"]


@pytest.fixture(scope="session")
def built_site(shared, site_url) -> Path:
    """内网版的构建结果（目录式网址）。"""
    return Path(shared["base"]) / "served" / "site"


@pytest.fixture(scope="session")
def offline_site(shared) -> Path:
    """离线包的构建结果（HANDBOOK_OFFLINE=true：页面是 x/y.html，搜索索引内联，没有即时导航）。"""
    site = _shared_build(Path(shared["base"]), "offline", HANDBOOK_OFFLINE="true")
    assert (site / "drills" / "run.html").is_file(), "离线构建应当关闭目录式网址"
    return site


@pytest.fixture(scope="session")
def offline_url(offline_site) -> str:
    return offline_site.as_uri() + "/"


# ---------------------------------------------------------------- 浏览器


def chromium_path() -> str:
    from tools.browser import chromium_path as find
    path = find()
    if not path:
        pytest.fail("找不到 Debian 的 chromium：请先运行 apt-get install -y chromium fonts-noto-cjk")
    return path


#: 本机以外的主机名一律解析失败：外部请求发不出去（是否发过由 RequestLog 记下，测试结束时报告）。
#: 不用 Playwright 拦截请求来挡：拦截会关掉浏览器缓存，每个页面的脚本和样式都要重新取
ONLY_LOCAL_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + [ONLY_LOCAL_HOSTS])
        yield instance
        instance.close()


#: 每个页面在脚本运行前装上：把 CSP 违规报告给测试
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', e => window.__hbCspViolation(
  e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


class RequestLog:
    """记录页面发出的每个请求；指向本站以外主机的请求记入 offsite（浏览器按 ONLY_LOCAL_HOSTS 发不出去）。"""

    def __init__(self, allowed_origin: str | None):
        self.allowed_origin = allowed_origin
        self.requests: list[str] = []
        self.offsite: list[str] = []
        self.console_errors: list[str] = []
        self.csp_violations: list[str] = []

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "file"):
            return parts.scheme != "file" or self.allowed_origin is None or self.allowed_origin.startswith("file:")
        origin = f"{parts.scheme}://{parts.netloc}"
        return self.allowed_origin is not None and origin == self.allowed_origin

    def record(self, request) -> None:
        url = request.url
        self.requests.append(url)
        if not self.is_local(url):
            self.offsite.append(url)

    def failed(self, request) -> None:
        """CSP 拦下的请求没有离开浏览器（CSP 违规另有记录），不算外部请求。"""
        if request.failure == "csp" and request.url in self.offsite:
            self.offsite.remove(request.url)

    def problems(self, *, console: bool = True, offsite: bool = True) -> list[str]:
        found = []
        if offsite and self.offsite:
            found.append(f"向本站以外发出了请求：{sorted(set(self.offsite))}")
        if console and self.csp_violations:
            found.append(f"CSP 违规：{self.csp_violations}")
        if console and self.console_errors:
            found.append(f"脚本错误：{self.console_errors}")
        return found


def watch_context(context, log: RequestLog) -> None:
    """记录每个请求（不拦截）和 CSP 违规；新开的标签页同样记录脚本错误。"""
    context.on("request", log.record)
    context.on("requestfailed", log.failed)
    context.expose_binding("__hbCspViolation", lambda _source, text: log.csp_violations.append(text))
    context.add_init_script(CSP_LISTENER)
    context.on("page", lambda page: watch_page(page, log))


def watch_page(page, log: RequestLog) -> None:
    page.on("console", lambda msg: msg.type == "error" and log.console_errors.append(
        f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: log.console_errors.append(f"{page.url}: {exc}"))


def _marker_allows(request, name: str) -> bool:
    return request.node.get_closest_marker(name) is not None


@pytest.fixture
def page_factory(browser, request):
    """page_factory(base_url) 打开一个新的浏览器上下文，返回 (page, RequestLog)。

    测试结束时，任何一个上下文里有 CSP 违规、脚本错误或外部请求，测试就失败（除非用标记写明是故意的）。"""
    opened = []

    def make(base_url: str, **context_options):
        parts = urlsplit(base_url)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme.startswith("http") else "file:"
        log = RequestLog(origin)
        context = browser.new_context(locale="zh-CN", **context_options)
        watch_context(context, log)
        opened.append((context, log))
        page = context.new_page()
        return page, log

    yield make
    problems = []
    for context, log in opened:
        context.close()
        problems += log.problems(console=not _marker_allows(request, "allow_console_errors"),
                                 offsite=not _marker_allows(request, "allow_offsite_requests"))
    if problems:
        pytest.fail("浏览器中出现问题：\n" + "\n".join(problems), pytrace=False)


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


# ---------------------------------------------------------------- Node 单元测试


def run_node_tests(test_file: Path, at_least: int, timeout: int = 300) -> int:
    """用 ``node --test`` 运行 tests/js/ 下的一个测试文件：全部通过、没有失败，且至少通过 at_least 个；
    返回通过的个数。时区固定为北京时间，结果不随机器而变。"""
    node = shutil.which("node")
    if not node:
        pytest.fail("找不到 node（需要 Node.js 20 或更高版本）：运行 make test，它会安装 nodejs")
    env = dict(os.environ, TZ="Asia/Shanghai")
    result = subprocess.run([node, "--test", str(test_file)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    assert passed and int(passed.group(1)) >= at_least, output
    assert re.search(r"^# fail 0$", output, re.M), output
    return int(passed.group(1))


# ---------------------------------------------------------------- 页面清单


# ---------------------------------------------------------------- 页面初始化脚本（page.add_init_script）

#: localStorage 整个不可用（隐私模式、策略禁止）：读它就抛 SecurityError
LOCAL_STORAGE_UNAVAILABLE = """
Object.defineProperty(window, 'localStorage', {
  configurable: true,
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }
});
"""
#: 存储已满：每次写都抛 QuotaExceededError
STORAGE_QUOTA_FULL = """
Storage.prototype.setItem = function () {
  throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
};
"""
#: localStorage 和 sessionStorage 都不可用
STORAGE_BLOCKED = """
for (const name of ['localStorage', 'sessionStorage']) {
  Object.defineProperty(window, name, {
    configurable: true,
    get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }
  });
}
"""
#: 收集本页发出的 handbook:action 事件（事件记录页监听同一个事件）到 window.__actions
LISTEN_ACTIONS = """
window.__actions = [];
document.addEventListener('handbook:action', e => window.__actions.push(e.detail));
"""


# ---------------------------------------------------------------- 发布包（make dist）

#: 在子进程里运行 tools.dist.make_dist（打印版用同步的 Playwright，不能和测试的浏览器在同一线程），
#: 构建这一步换成复制会话共用的构建，并记下 make dist 的两次构建各带了什么环境变量。
#: 内网站点的构建由 macros/downloads.add_files 把清单里的文件放进 downloads/（下面的小项目测试真的构建它），
#: 这里照做，让 make dist 的其余步骤（链接检查、文件齐全的检查、记下网址）照常运行。
DIST_FROM_SHARED_BUILDS = """
import json, shutil, sys
from pathlib import Path
from tools import dist
out, served, offline, urls = map(Path, sys.argv[1:5])
calls = []
def build(site_dir, **env):
    calls.append(env)
    if env.get("HANDBOOK_OFFLINE") == "true":
        shutil.copytree(offline, site_dir, dirs_exist_ok=True)
        return
    shutil.copytree(served, site_dir, dirs_exist_ok=True)
    manifest = Path(env["HANDBOOK_DOWNLOADS"])
    (site_dir / "downloads").mkdir()
    for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
        shutil.copyfile(manifest.parent / entry["name"], site_dir / "downloads" / entry["name"])
    shutil.copyfile(manifest, site_dir / "downloads" / manifest.name)
out.mkdir(parents=True)
shutil.copyfile(dist.URLS_FILE, urls)
dist.make_dist(out, build=build, urls_file=urls)
print(json.dumps(calls))
"""


@pytest.fixture(scope="session")
def dist(shared, built_site, offline_site):
    """发布包只生成一次（并行运行时几个进程共用）。"""
    def make(folder: Path):
        out = folder / "dist"
        result = subprocess.run(
            [sys.executable, "-c", DIST_FROM_SHARED_BUILDS, str(out), str(built_site), str(offline_site),
             str(folder / "published_urls.yml")],
            cwd=ROOT, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return result.stdout + result.stderr
        # 先按离线包构建，再带着下载清单构建内网站点
        calls = json.loads(result.stdout.splitlines()[-1])
        expected = [{"HANDBOOK_OFFLINE": "true"}, {"HANDBOOK_DOWNLOADS": str(out / "downloads" / "manifest.json")}]
        return None if calls == expected else f"make dist 的两次构建不对：{calls}"
    return shared_once(Path(shared["base"]), "dist", make) / "dist"


@pytest.fixture(scope="session")
def archive(dist) -> Path:
    return next((dist / "downloads").glob("handbook-offline-*.zip"))


@pytest.fixture(scope="session")
def bundle(archive, tmp_path_factory):
    """解压后的离线包（最上层的文件夹）。"""
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(target)
    (top,) = [path for path in target.iterdir() if path.is_dir()]
    return top


def page_paths() -> list[str]:
    """docs/ 中每个页面在内网版中的路径（目录式网址）：index.md → ""，a/b.md → "a/b/"。"""
    paths = []
    for source in sorted((ROOT / "docs").rglob("*.md")):
        relative = source.relative_to(ROOT / "docs").with_suffix("")
        parts = relative.parts[:-1] if relative.name == "index" else relative.parts
        paths.append("".join(part + "/" for part in parts))
    return paths


def built_pages(site: Path) -> list[str]:
    """构建结果中的每个 HTML 页面，换算成 page_paths() 的写法（404.html 原样）。"""
    paths = []
    for html in sorted(site.rglob("*.html")):
        relative = html.relative_to(site).as_posix()
        paths.append(relative.removesuffix("index.html") if relative.endswith("index.html") else relative)
    return paths


class SharedPage:
    """一个测试模块里反复使用的浏览器页面：逐页导航，每个测试结束时检查这一段有没有问题。"""

    def __init__(self, browser, base_url: str, **context_options):
        parts = urlsplit(base_url)
        self.log = RequestLog(f"{parts.scheme}://{parts.netloc}")
        self.context = browser.new_context(locale="zh-CN", **context_options)
        watch_context(self.context, self.log)
        self.page = self.context.new_page()

    def reset(self) -> None:
        for items in (self.log.offsite, self.log.console_errors, self.log.csp_violations):
            items.clear()

    def close(self) -> None:
        self.context.close()


def goto_with_instant_navigation(page, url: str):
    """打开页面并等 Material 取到 sitemap.xml：此后点站内链接才走即时导航（不重新加载页面）。"""
    with page.expect_response(lambda response: response.url.endswith("/sitemap.xml")):
        response = page.goto(url, wait_until="load")
    page.evaluate("() => new Promise(done => setTimeout(done, 0))")
    return response
