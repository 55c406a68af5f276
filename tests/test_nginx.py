"""真实的 nginx 用 deploy/ 的配置提供内网版：安全响应头、gzip、跨发布正确的缓存、404 页、跳转、地址限制。

nginx 以当前用户、单进程、前台运行在 127.0.0.1 的空闲端口上（tools/nginx.py），
配置就是部署者复制的 deploy/*.conf，只换 listen 端口和 root 目录。整个模块只起一个 nginx，
提供共用构建结果的一份副本（发布测试要改副本里的文件）。
"""
from __future__ import annotations

import gzip
import http.client
import http.server
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import ROOT, material_search, security_headers
from tools.nginx import MISSING, Nginx, NginxError, nginx_path

#: Material 自带的打包文件：名字里有 8 位十六进制的内容指纹
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)(\.map)?$|(?:^|/)search/handbook-index\.[0-9a-f]{10}\.(json|js)$")
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

#: 代表页：起始页、分流、一页处置手册、检查单
PAGES = ["", "incident/triage/", "incident/overload/", "operations/upgrade/"]

#: 放进副本的隐藏文件（部署目录里偶尔会混进 .git 之类）：不应提供
HIDDEN = ".hidden-check"

#: 测试用的 SVG（构建结果里还没有 SVG 文件时放进副本，检查 nginx 会压缩这类文件）
TEST_SVG = "assets/images/nginx-gzip-check.svg"


def start(server: Nginx) -> Nginx:
    """启动 nginx；没装或起不来时用一句话让测试失败（不跳过）。"""
    if not nginx_path():
        pytest.fail(MISSING, pytrace=False)
    try:
        return server.start()
    except NginxError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def nginx(built_site, tmp_path_factory):
    base = tmp_path_factory.mktemp("nginx")
    site = base / "site"
    shutil.copytree(built_site, site)
    if not any(site.rglob("*.svg")):
        svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'>" + "<rect width='1' height='1'/>" * 80 + "</svg>"
        (site / TEST_SVG).write_text(svg, encoding="utf-8")
    (site / HIDDEN).write_text("不应提供", encoding="utf-8")
    server = start(Nginx(site, base / "prefix", access_log=True))
    yield server
    server.stop()


def request(server: Nginx, path: str, *, method: str = "GET", source: str | None = None, gzip_ok: bool = True,
            **headers: str):
    """一次 HTTP 请求；返回 (状态, 响应头（小写名）, 响应体原样)。source 指定客户端地址（测地址限制用）。"""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10,
                                            source_address=(source, 0) if source else None)
    if gzip_ok:
        headers.setdefault("Accept-Encoding", "gzip")
    connection.request(method, path, headers={key.replace("_", "-"): value for key, value in headers.items()})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {name.lower(): value for name, value in response.getheaders()}, body


def assert_security_headers(headers: dict, where: str) -> None:
    for name, value in security_headers().items():
        assert headers.get(name.lower()) == value, f"{where}：{name} 应为 {value!r}，实际 {headers.get(name.lower())!r}"


def site_files(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*")
                  if path.is_file() and not path.name.startswith("."))


# ---------------------------------------------------------------- HTTP


def test_config_is_the_deployed_one(nginx):
    """nginx 读的是 deploy/ 里的原文件：站点文件只换了端口和根目录，include 指向 deploy/ 本身。"""
    used = (nginx.prefix / "conf" / "sites" / "handbook.conf").read_text(encoding="utf-8")
    original = (ROOT / "deploy" / "site.conf").read_text(encoding="utf-8")
    changed = [line.split("#")[0].rstrip() for line in used.splitlines() if line not in original.splitlines()]
    assert changed == [f"    listen 127.0.0.1:{nginx.port};", f"    root {nginx.root};"], changed
    assert (nginx.prefix / "conf" / "handbook").resolve() == (ROOT / "deploy").resolve()
    for name in ("access.conf", "gzip.conf", "security-headers.conf"):
        assert f"include handbook/{name};" in original


def test_security_headers_on_every_kind_of_response(nginx):
    site = nginx.root
    bundle = next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()
    cases = {
        "页面": "/incident/triage/", "搜索索引": "/search/search_index.json", "手册的脚本": "/assets/javascripts/core.js",
        "手册的样式": "/assets/stylesheets/handbook.css", "Material 的打包脚本": "/" + bundle,
        "404": "/no/such/page/", "跳转": "/incident/triage",
    }
    for what, path in cases.items():
        status, headers, _ = request(nginx, path)
        assert status in (200, 301, 404), (what, status)
        assert_security_headers(headers, f"{what}（{path}，{status}）")
        assert headers.get("server") == "nginx", "不应报出 nginx 的版本号（server_tokens off）"


@pytest.mark.parametrize("path,content_type", [
    ("/", "text/html"),
    ("/incident/triage/", "text/html"),
    ("/search/search_index.json", "application/json"),
    ("/assets/javascripts/core.js", "application/javascript"),
    ("BUNDLE", "application/javascript"),
    ("/assets/stylesheets/checklist.css", "text/css"),
    ("MAIN_CSS", "text/css"),
    ("SVG", "image/svg+xml"),
])
def test_gzip_for_each_type(nginx, path, content_type):
    site = nginx.root
    path = {"BUNDLE": "/" + next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix(),
            "MAIN_CSS": "/" + next(site.glob("assets/stylesheets/main.*.min.css")).relative_to(site).as_posix(),
            "SVG": "/" + next(site.rglob("*.svg")).relative_to(site).as_posix()}.get(path, path)
    on_disk = (site / path.lstrip("/")).read_bytes() if not path.endswith("/") else \
        (site / path.lstrip("/") / "index.html").read_bytes()
    assert len(on_disk) > 1024, f"{path} 小于 gzip_min_length，换一个文件检查"
    status, headers, body = request(nginx, path)
    assert status == 200 and headers["content-type"].startswith(content_type), (path, status, headers)
    assert headers.get("content-encoding") == "gzip", f"{path} 没有压缩"
    assert "Accept-Encoding" in headers.get("vary", ""), f"{path} 缺 Vary: Accept-Encoding（代理会把压缩版给不支持的客户端）"
    assert gzip.decompress(body) == on_disk
    assert len(body) < len(on_disk) * 0.6, f"{path}：{len(on_disk)} → {len(body)} 字节"
    status, headers, body = request(nginx, path, gzip_ok=False)
    assert "content-encoding" not in headers and body == on_disk, "不接受 gzip 的客户端应收到原文"


def test_cache_headers_per_class_of_file(nginx):
    """带指纹的 Material 打包文件长期缓存；其余每个文件（页面、手册自己的脚本和样式、worker、搜索索引）
    每次向服务器确认，并带 ETag 和 Last-Modified。"""
    site = nginx.root
    files = site_files(site)
    long_cached = [name for name in files if FINGERPRINTED.search(name)]
    assert any(re.fullmatch(r"assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js", n) for n in long_cached), long_cached
    assert any(re.fullmatch(r"assets/stylesheets/main\.[0-9a-f]{8}\.min\.css", n) for n in long_cached), long_cached
    # 搜索索引的文件名由构建按内容算出（macros/searchindex.py），内容变了名字就变
    assert any(re.fullmatch(r"search/handbook-index\.[0-9a-f]{10}\.json", n) for n in long_cached), long_cached
    own = {path.relative_to(ROOT / "docs").as_posix() for path in (ROOT / "docs" / "assets").rglob("*") if path.is_file()}
    assert own and not own & set(long_cached), f"手册自己的文件名没有指纹，不能长期缓存：{sorted(own & set(long_cached))}"
    for name in files:
        status, headers, _ = request(nginx, "/" + name, method="HEAD")
        assert status == 200, (name, status)
        expected = LONG_CACHE if name in long_cached else REVALIDATE
        assert headers.get("cache-control") == expected, f"{name}：{headers.get('cache-control')!r}，应为 {expected!r}"
        assert headers.get("etag") and headers.get("last-modified"), f"{name} 缺 ETag 或 Last-Modified"


@pytest.mark.parametrize("path", ["/", "/search/search_index.json", "/assets/javascripts/core.js",
                                  "/assets/javascripts/workers/handbook-search.js", "/assets/stylesheets/handbook.css"])
def test_revalidation_answers_304(nginx, path):
    status, headers, _ = request(nginx, path)
    assert status == 200 and headers["cache-control"] == REVALIDATE
    status, again, body = request(nginx, path, If_None_Match=headers["etag"])
    assert (status, body) == (304, b""), f"{path}：带 If-None-Match 应回 304，实际 {status}"
    assert_security_headers(again, f"{path} 的 304")
    status, _, _ = request(nginx, path, If_Modified_Since=headers["last-modified"])
    assert status == 304, f"{path}：带 If-Modified-Since 应回 304，实际 {status}"


@pytest.mark.parametrize("path", ["/no-such-page", "/incident/no-such-page/", "/a/b/c/d/e/f/", "/assets/x.js",
                                  "/" + HIDDEN])
def test_unknown_url_gets_the_sites_404_page(nginx, path):
    status, headers, body = request(nginx, path)
    assert status == 404
    assert gzip.decompress(body) == (nginx.root / "404.html").read_bytes()
    assert headers["cache-control"] == REVALIDATE
    assert_security_headers(headers, f"404（{path}）")


def test_directory_without_slash_redirects(nginx):
    """每个页面目录不带斜杠时回 301 到带斜杠的地址（只写路径，前面有代理时也不跳错）。"""
    site = nginx.root
    directories = sorted(index.parent.relative_to(site).as_posix() for index in site.rglob("index.html")
                         if index.parent != site)
    assert len(directories) > 20, directories
    for directory in directories:
        status, headers, _ = request(nginx, f"/{directory}")
        assert (status, headers.get("location")) == (301, f"/{directory}/"), (directory, status, headers)
        assert_security_headers(headers, f"跳转（/{directory}）")


def redirect_pages(site: Path) -> dict[str, str]:
    """构建结果里的跳转页（mkdocs-redirects 之类生成的 meta refresh 页）→ 它指向的地址。"""
    found = {}
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8", errors="replace")
        match = re.search(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', text, re.I)
        if match:
            found[html.relative_to(site).as_posix()] = match.group(1)
    return found


def test_redirect_pages_are_served(nginx):
    for page in redirect_pages(nginx.root):
        path = "/" + page.removesuffix("index.html")
        status, headers, _ = request(nginx, path)
        assert status == 200, (path, status)
        assert_security_headers(headers, f"跳转页（{path}）")


def test_address_outside_the_allow_list_gets_403(nginx):
    """deploy/access.conf 原样生效：127.0.0.2 不在示例列表里（列表只有 127.0.0.1 和内网地址段），一律 403。"""
    access = (ROOT / "deploy" / "access.conf").read_text(encoding="utf-8")
    assert re.search(r"^deny all;", access, re.M) and not re.search(r"^allow (all|127\.0\.0\.0/8)", access, re.M)
    for path in ("/", "/reference/contacts/", "/search/search_index.json", "/assets/javascripts/core.js",
                 "/no-such-page", "/incident/triage"):
        status, headers, body = request(nginx, path, source="127.0.0.2")
        assert status == 403, f"127.0.0.2 请求 {path} 得到 {status}"
        assert b"<title>403 Forbidden</title>" in (gzip.decompress(body) if headers.get("content-encoding") else body)
        assert_security_headers(headers, f"403（{path}）")
        status, _, _ = request(nginx, path, source="127.0.0.1")
        assert status in (200, 301, 404), f"127.0.0.1 请求 {path} 得到 {status}"
    assert "access forbidden by rule, client: 127.0.0.2" in nginx.error_log


class FakeSso(http.server.BaseHTTPRequestHandler):
    """代替认证代理：/oauth2/auth 有 Cookie sso=ok 时回 202，sso=no 时 403，否则 401；/oauth2/start 是“登录页”。"""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/oauth2/auth"):
            self.seen.append(self.headers.get("X-Original-URI", ""))
            cookie = self.headers.get("Cookie", "")
            status = 202 if "sso=ok" in cookie else 403 if "sso=no" in cookie else 401
        else:
            status = 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002
        pass


def test_sso_alternative_works(tmp_path):
    """注释里的另一种做法（access-sso.conf，auth_request）：换上它，没登录的读者被送去登录，
    登录了的能读，认证服务拒绝的得到 403。认证代理由本测试的小服务器代替（只换它的地址）。"""
    site = (ROOT / "deploy" / "site.conf").read_text(encoding="utf-8")
    assert re.search(r"^\s*# include handbook/access-sso.conf;", site, re.M)
    deploy = tmp_path / "deploy"
    shutil.copytree(ROOT / "deploy", deploy)
    sso = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeSso)
    threading.Thread(target=sso.serve_forever, daemon=True).start()
    text = (deploy / "access-sso.conf").read_text(encoding="utf-8")
    assert text.count("proxy_pass http://127.0.0.1:4180") == 2
    (deploy / "access-sso.conf").write_text(text.replace("proxy_pass http://127.0.0.1:4180",
                                                         f"proxy_pass http://127.0.0.1:{sso.server_address[1]}"),
                                            encoding="utf-8")
    page = tmp_path / "site" / "incident" / "triage" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<!doctype html><title>分流</title>", encoding="utf-8")
    server = Nginx(tmp_path / "site", tmp_path / "prefix", deploy=deploy, edits=[
        ("include handbook/access.conf;", "include handbook/access-sso.conf;", "access.conf 的 include"),
        ("# include handbook/access-sso.conf;", "", "注释掉的 access-sso.conf")])
    try:
        start(server)
        status, headers, _ = request(server, "/incident/triage/")
        assert (status, headers.get("location")) == (302, "/oauth2/start?rd=/incident/triage/")
        assert_security_headers(headers, "去登录的跳转")
        status, headers, _ = request(server, "/incident/triage/", Cookie="sso=ok")
        assert status == 200
        assert_security_headers(headers, "登录后的页面")
        assert FakeSso.seen[-1] == "/incident/triage/"
        status, _, _ = request(server, "/incident/triage/", Cookie="sso=no")
        assert status == 403
        status, headers, _ = request(server, "/oauth2/start?rd=/")
        assert status == 200 and headers.get("cache-control") == "no-store"
        assert "content-security-policy" not in headers, "认证代理的登录页不套手册的 CSP"
    finally:
        server.stop()
        sso.shutdown()
        sso.server_close()


# ---------------------------------------------------------------- Chromium


def test_pages_in_chromium_under_nginx(nginx, page_factory):
    """在 Chromium 中经 nginx 打开代表页并搜索：页面、脚本和样式都是 gzip，page_factory 的检查
    （CSP 违规、站外请求、脚本错误）对 nginx 的地址同样生效。"""
    page, log = page_factory(nginx.url)
    assert log.allowed_origin == nginx.url.rstrip("/")
    responses = []
    page.on("response", lambda response: responses.append(response))
    for path in PAGES:
        response = page.goto(nginx.url + path, wait_until="load")
        assert response.status == 200, path
        assert_security_headers(response.headers, path)
        assert page.locator("h1").count() >= 1
    material_search(page, "补打")
    page.wait_for_timeout(200)
    assert any(url.startswith(nginx.url) for url in log.requests)
    text_types = ("text/html", "text/css", "application/javascript", "application/json")
    plain = [r.url for r in responses if r.status == 200 and r.headers.get("content-type", "").startswith(text_types)
             and int(r.headers.get("content-length", "2000")) >= 1024 and r.headers.get("content-encoding") != "gzip"]
    assert plain == [], f"没有压缩：{plain}"
    assert any(r.url.endswith("search_index.json") and r.headers.get("content-encoding") == "gzip" for r in responses)
    # nginx 发来的 CSP 在浏览器里生效，违规被记录下来（记录后清掉，不让本测试因此失败）
    page.evaluate("() => { const img = new Image(); img.src = 'https://cdn.example.com/csp-check.png'; }")
    page.wait_for_timeout(300)
    assert any(v.startswith("img-src https://cdn.example.com/csp-check.png") for v in log.csp_violations), \
        log.csp_violations
    assert log.offsite == [], "CSP 应当在请求发出之前拦下"
    log.csp_violations[:] = [v for v in log.csp_violations if "csp-check.png" not in v]
    log.console_errors[:] = [e for e in log.console_errors if "csp-check.png" not in e]


def test_404_page_has_its_styles_at_a_deep_url(nginx, page_factory):
    page, log = page_factory(nginx.url)
    address = nginx.url + "a/b/c/no-such-page/"
    failed = []
    page.on("response", lambda r: r.status >= 400 and r.url != address and failed.append(r.url))
    response = page.goto(address, wait_until="load")
    assert response.status == 404
    assert_security_headers(response.headers, "404 页")
    assert failed == [], f"404 页的资源没有加载：{failed}"
    sheets = page.evaluate("() => [...document.styleSheets].filter(s => s.href).map(s => s.cssRules.length)")
    assert len(sheets) >= 3 and all(count > 0 for count in sheets), sheets
    header = page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position")
    assert header in ("sticky", "fixed"), "Material 的样式没有生效"
    # Chromium 对 404 的页面本身报一条“加载失败”，这是预期的；其他资源出错照常让测试失败
    expected = f"{address}: Failed to load resource: the server responded with a status of 404 (Not Found)"
    log.console_errors[:] = [error for error in log.console_errors if error != expected]


def test_redirects_in_chromium(nginx, page_factory):
    page, log = page_factory(nginx.url)
    response = page.goto(nginx.url + "incident/triage", wait_until="load")
    assert page.url == nginx.url + "incident/triage/" and response.status == 200
    assert page.locator("h1").count() >= 1
    for source, target in redirect_pages(nginx.root).items():
        address = nginx.url + source.removesuffix("index.html")
        expected = urljoin(address, target).split("#")[0]
        page.goto(address, wait_until="load")
        page.wait_for_url(lambda url, expected=expected: url.split("#")[0] == expected, timeout=5_000)
        assert page.locator("h1").count() >= 1, (source, target, page.url)


def test_new_release_reaches_readers_on_their_next_page(nginx, page_factory):
    """发布后读者下次打开页面就运行新脚本：在 Chromium 中打开一页，把手册自己的一个脚本换成新版本，
    再打开一页，新脚本生效；带指纹的 Material 打包文件这时直接用缓存，不再请求。

    page_factory 只旁听请求、不拦截（拦截会关掉 HTTP 缓存），所以这里测得出缓存的问题。"""
    page, _ = page_factory(nginx.url)
    script = nginx.root / "assets" / "javascripts" / "code-nav.js"
    original = script.read_bytes()
    access_log = nginx.prefix / "logs" / "access.log"
    try:
        page.goto(nginx.url + "incident/overload/", wait_until="load")
        assert page.evaluate("() => document.documentElement.dataset.releaseCheck") is None
        # 搜索脚本在页面加载之后才下载索引：像读者一样先搜一次，索引下载完、建好了，再换下一页
        assert material_search(page, "回滚"), "第一页上搜索没有结果"
        assert "/search/handbook-index." in access_log.read_text(encoding="utf-8")
        seen = access_log.stat().st_size
        script.write_bytes(original + b'\ndocument.documentElement.dataset.releaseCheck = "new";\n')

        page.goto(nginx.url + "incident/triage/", wait_until="load")
        assert page.evaluate("() => document.documentElement.dataset.releaseCheck") == "new", \
            "换了脚本之后打开的页面仍在运行旧脚本"
        with access_log.open(encoding="utf-8") as lines:
            lines.seek(seen)
            second = {m.group(1): int(m.group(2)) for m in re.finditer(r'"GET (\S+) HTTP/[\d.]+" (\d+)', lines.read())}
        assert second.get("/assets/javascripts/code-nav.js") == 200, second
        assert second.get("/assets/javascripts/core.js") == 304, f"没变的脚本应当只确认（304）：{second}"
        fingerprinted = [path for path in second if FINGERPRINTED.search(path)]
        assert fingerprinted == [], f"带指纹的文件应直接用缓存：{fingerprinted}"
    finally:
        script.write_bytes(original)

