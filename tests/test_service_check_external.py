"""tools/check_external.py：离线测试。收集链接用 tmp_path 里的小站点，请求结果用 127.0.0.1 上的本地服务器。"""
from __future__ import annotations

import http.server
import threading

import pytest

from tools import check_external as ce

PAGE_A = """<!doctype html><html><head>
<link rel="canonical" href="http://handbook.internal/a/">
</head><body>
<a href="https://www.gov.cn/zhengce/">政策</a>
<a href="https://www.gov.cn/zhengce/#top">同一地址带片段</a>
<a href="http://handbook.internal/b/">本站绝对地址</a>
<a href="../b/">相对地址</a>
<a href="#section">页内锚点</a>
<a href="mailto:support@invoice.example">邮件</a>
<a href="tel:123">电话</a>
<a href="javascript:void(0)">脚本</a>
<a>没有 href</a>
<a href="HTTPS://Flk.npc.gov.cn/">大写协议</a>
</body></html>"""

PAGE_B = """<html><body><a href="https://www.gov.cn/zhengce/">政策</a>
<a href="https://www.12315.cn/">12315</a></body></html>"""


@pytest.fixture
def site(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(PAGE_A, encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE_B, encoding="utf-8")
    (tmp_path / "empty.html").write_text("<p>没有外链</p>", encoding="utf-8")
    (tmp_path / "style.css").write_text("a{}", encoding="utf-8")
    return tmp_path


def test_external_links_of_one_page():
    assert ce.external_links(PAGE_A) == ["https://www.gov.cn/zhengce/", "HTTPS://Flk.npc.gov.cn/"]


def test_internal_hosts_are_skipped():
    html = '<a href="http://127.0.0.1:8000/x/">x</a><a href="https://www.gov.cn/">y</a>'
    assert ce.external_links(html) == ["http://127.0.0.1:8000/x/", "https://www.gov.cn/"]
    assert ce.external_links(html, ["127.0.0.1:8000"]) == ["https://www.gov.cn/"]


def test_collect_groups_links_by_page(site):
    pages = ce.collect(site)
    assert pages == {
        "a/index.html": ["https://www.gov.cn/zhengce/", "HTTPS://Flk.npc.gov.cn/"],
        "b.html": ["https://www.gov.cn/zhengce/", "https://www.12315.cn/"],
    }
    by_url = ce.pages_by_url(pages)
    assert by_url["https://www.gov.cn/zhengce/"] == ["a/index.html", "b.html"]
    assert len(by_url) == 3


# ---------------------------------------------------------------- 本地服务器


class _Handler(http.server.BaseHTTPRequestHandler):
    """/ok 200；/missing 404；/gone 410；/error 500；/nohead HEAD 405 但 GET 200；
    /blocked 403；/redirect 302 → /ok；/redirect-dead 302 → /missing。"""

    seen: list[tuple[str, str]] = []

    def log_message(self, format, *args):  # noqa: A002
        pass

    def _answer(self, body: bool):
        self.seen.append((self.command, self.path))
        path = self.path
        if path == "/nohead" and self.command == "HEAD":
            status = 405
        elif path in ("/ok", "/nohead"):
            status = 200
        elif path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/missing" if path == "/redirect-dead" else "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            status = {"/missing": 404, "/gone": 410, "/error": 500, "/blocked": 403}.get(path, 404)
        payload = b"hello"
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body:
            self.wfile.write(payload)

    def do_HEAD(self):  # noqa: N802
        self._answer(body=False)

    def do_GET(self):  # noqa: N802
        self._answer(body=True)


@pytest.fixture(scope="module")
def _server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(_server):
    _Handler.seen = []
    return _server


@pytest.mark.parametrize("path, state, detail", [
    ("/ok", "ok", "HTTP 200"),
    ("/redirect", "ok", "HTTP 200"),
    ("/nohead", "ok", "HTTP 200"),
    ("/missing", "dead", "HTTP 404"),
    ("/gone", "dead", "HTTP 410"),
    ("/error", "dead", "HTTP 500"),
    ("/redirect-dead", "dead", "HTTP 404"),
    ("/blocked", "restricted", "HTTP 403"),
])
def test_check_url_classifies(server, path, state, detail):
    result = ce.check_url(server + path, timeout=5)
    assert (result.state, result.detail) == (state, detail)
    assert result.network is False


def test_head_first_then_get(server):
    ce.check_url(server + "/ok", timeout=5)
    assert _Handler.seen == [("HEAD", "/ok")]
    _Handler.seen.clear()
    ce.check_url(server + "/nohead", timeout=5)
    assert _Handler.seen == [("HEAD", "/nohead"), ("GET", "/nohead")]


def test_refused_connection_is_dead_not_offline():
    with socketserver_port() as port:
        pass  # 端口已关闭：连接会被拒绝
    result = ce.check_url(f"http://127.0.0.1:{port}/", timeout=5)
    assert result.state == "dead"
    assert result.network is False


def test_unresolvable_host_counts_as_network_failure():
    result = ce.check_url("http://handbook-link-check.invalid/", timeout=5)
    assert result.state == "dead"
    assert result.network is True


def test_each_url_fetched_once():
    calls = []

    def fake(url, timeout):
        calls.append(url)
        return ce.Result(url, "ok", "HTTP 200")

    results = ce.check_all(["u1", "u2", "u1", "u3", "u2"], check=fake, workers=2)
    assert sorted(calls) == ["u1", "u2", "u3"]
    assert list(results) == ["u1", "u2", "u3"]


def _site_linking(tmp_path, server):
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text(
        f'<a href="{server}/ok">好</a><a href="{server}/missing">坏</a><a href="{server}/blocked">拦</a>',
        encoding="utf-8")
    (tmp_path / "other.html").write_text(f'<a href="{server}/missing#x">同一个坏链接</a>', encoding="utf-8")
    (tmp_path / "fine.html").write_text(f'<a href="{server}/redirect">好</a>', encoding="utf-8")
    return tmp_path


def test_main_reports_dead_links_by_page(tmp_path, server, capsys):
    site = _site_linking(tmp_path, server)
    assert ce.main([str(site), "--timeout", "5"]) == 1
    out = capsys.readouterr().out
    dead_part = out.split("失效的链接")[1].split("需要人工")[0]
    assert "guide/index.html\n" in dead_part and "other.html\n" in dead_part
    assert f"{server}/missing  —  HTTP 404" in dead_part
    assert f"{server}/ok" not in out and "fine.html" not in out
    assert f"{server}/blocked  —  HTTP 403" in out.split("需要人工")[1]
    assert _Handler.seen.count(("HEAD", "/missing")) == 1, "同一个地址只请求一次"


def test_main_all_live_exits_zero(tmp_path, server, capsys):
    (tmp_path / "p.html").write_text(f'<a href="{server}/ok">好</a><a href="{server}/blocked">拦</a>',
                                     encoding="utf-8")
    assert ce.main([str(tmp_path), "--timeout", "5"]) == 0
    assert "没有失效的外部链接" in capsys.readouterr().out


def test_main_without_network_exits_two(site, capsys):
    def offline(url, timeout):
        return ce.Result(url, "dead", "无法连接：[Errno -3] Temporary failure in name resolution", network=True)

    assert ce.main([str(site)], check=offline) == 2
    assert "没有网络" in capsys.readouterr().err


def test_main_partial_dns_failure_is_dead(site, capsys):
    def mixed(url, timeout):
        if "12315" in url:
            return ce.Result(url, "dead", "无法连接：Name or service not known", network=True)
        return ce.Result(url, "ok", "HTTP 200")

    assert ce.main([str(site)], check=mixed) == 1
    out = capsys.readouterr().out
    assert "b.html\n  https://www.12315.cn/" in out
    assert "a/index.html" not in out


def test_main_rejects_missing_site(tmp_path, capsys):
    assert ce.main([str(tmp_path / "nope")]) == 2
    assert "make build" in capsys.readouterr().err


# ---------------------------------------------------------------- 辅助


class socketserver_port:
    """取一个空闲端口，退出时关闭，留下一个没人监听的端口。"""

    def __enter__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()
        return False
