"""检查构建好的站点中的外部链接是否还能打开，按页面列出失效的链接。

用法（需要网络，不属于离线的 make test）::

    python -m tools.check_external SITE_DIR [--timeout 15] [--workers 8] [--internal-host HOST ...]

做法：读 SITE_DIR 下全部 HTML 中的 <a href>，只取指向其他主机的 http/https 地址
（页面 canonical 地址所在的主机算本站，不检查）；每个不同的地址只请求一次，先 HEAD，
不成功再 GET；同时请求的数量有上限。只用标准库 urllib。

结果分三类：
- 可用：最终状态码小于 400；
- 失效：404、410、5xx 等错误状态，连接被拒、超时、证书错误，或该域名无法解析；
- 需人工确认：401、403、405、412、429（服务器在，但拒绝自动访问），列出但不算失效。

退出码：0 没有失效链接；1 有失效链接；2 没有网络（所有外部域名都无法解析或网络不可达）或参数有误。
"""
from __future__ import annotations

import argparse
import errno
import socket
import ssl
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urldefrag, urlsplit

USER_AGENT = "Mozilla/5.0 (compatible; handbook-check-external/1.0)"
RESTRICTED = {401, 403, 405, 412, 429}
NETWORK_ERRNOS = {errno.ENETUNREACH, errno.ENETDOWN}


# ---------------------------------------------------------------- 收集链接


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"].strip())
        elif tag == "link" and "canonical" in (values.get("rel") or "").split() and values.get("href"):
            self.canonical = values["href"].strip()


def external_links(html_text: str, internal_hosts: Iterable[str] = ()) -> list[str]:
    """一个页面里指向其他主机的 http/https 链接（去掉 #片段、去重、保持出现顺序）。

    页面 canonical 地址的主机和 internal_hosts 里的主机都算本站。
    """
    parser = _LinkParser()
    parser.feed(html_text)
    parser.close()
    own = {h.lower() for h in internal_hosts}
    if parser.canonical:
        own.add((urlsplit(parser.canonical).netloc or "").lower())
    found: list[str] = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            continue
        if parts.netloc.lower() in own:
            continue
        url = urldefrag(href)[0]
        if url not in found:
            found.append(url)
    return found


def collect(site_dir: Path, internal_hosts: Iterable[str] = ()) -> dict[str, list[str]]:
    """{页面相对路径: [外部链接, ...]}，只列出含外部链接的页面，按路径排序。"""
    site_dir = Path(site_dir)
    hosts = list(internal_hosts)
    pages: dict[str, list[str]] = {}
    for path in sorted(site_dir.rglob("*.html")):
        links = external_links(path.read_text(encoding="utf-8", errors="replace"), hosts)
        if links:
            pages[path.relative_to(site_dir).as_posix()] = links
    return pages


def pages_by_url(pages: dict[str, list[str]]) -> dict[str, list[str]]:
    """把 {页面: [链接]} 倒过来：{链接: [页面]}，每个地址只出现一次。"""
    result: dict[str, list[str]] = {}
    for page, links in pages.items():
        for url in links:
            result.setdefault(url, []).append(page)
    return result


# ---------------------------------------------------------------- 请求


@dataclass(frozen=True)
class Result:
    url: str
    state: str  # "ok" / "dead" / "restricted"
    detail: str
    network: bool = False  # 失败原因是本机没有网络（域名解析失败、网络不可达）


def _network_failure(reason: object) -> bool:
    if isinstance(reason, socket.gaierror):
        return True
    return isinstance(reason, OSError) and reason.errno in NETWORK_ERRNOS


def _request(url: str, method: str, timeout: float) -> int:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def check_url(url: str, timeout: float = 15.0) -> Result:
    """请求一个地址：先 HEAD，不成功再 GET。"""
    last: Result | None = None
    for method in ("HEAD", "GET"):
        try:
            status = _request(url, method, timeout)
        except urllib.error.HTTPError as exc:
            state = "restricted" if exc.code in RESTRICTED else "dead"
            last = Result(url, state, f"HTTP {exc.code}")
            continue
        except urllib.error.URLError as exc:
            reason = exc.reason
            if _network_failure(reason):
                return Result(url, "dead", f"无法连接：{reason}", network=True)
            if isinstance(reason, ssl.SSLError):
                last = Result(url, "dead", f"证书或 TLS 错误：{reason}")
            elif isinstance(reason, (TimeoutError, socket.timeout)):
                last = Result(url, "dead", "超时")
            else:
                last = Result(url, "dead", f"无法连接：{reason}")
            continue
        except (TimeoutError, socket.timeout):
            last = Result(url, "dead", "超时")
            continue
        except (OSError, ValueError) as exc:  # 连接中断、非法地址等
            last = Result(url, "dead", f"请求失败：{exc}")
            continue
        return Result(url, "ok", f"HTTP {status}")
    assert last is not None
    return last


def check_all(urls: Iterable[str], timeout: float = 15.0, workers: int = 8,
              check: Callable[[str, float], Result] = check_url) -> dict[str, Result]:
    """并发请求每个地址一次（最多 workers 个同时进行）。"""
    unique = list(dict.fromkeys(urls))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(lambda u: check(u, timeout), unique))
    return dict(zip(unique, results))


# ---------------------------------------------------------------- 报告


def report(pages: dict[str, list[str]], results: dict[str, Result]) -> tuple[str, int]:
    """按页面列出失效和需人工确认的链接；返回 (报告文字, 失效地址个数)。"""
    dead = {u for u, r in results.items() if r.state == "dead"}
    restricted = {u for u, r in results.items() if r.state == "restricted"}
    total = sum(len(v) for v in pages.values())
    lines = [f"外部链接：{len(pages)} 个页面，共 {total} 处，{len(results)} 个不同地址。"]
    for title, chosen in (("失效的链接", dead), ("需要人工用浏览器确认的链接（服务器拒绝自动访问）", restricted)):
        if not chosen:
            continue
        lines.append("")
        lines.append(f"{title}（{len(chosen)} 个地址）：")
        for page, links in pages.items():
            hits = [u for u in links if u in chosen]
            if hits:
                lines.append(page)
                lines.extend(f"  {u}  —  {results[u].detail}" for u in hits)
    if not dead:
        lines.append("")
        lines.append("没有失效的外部链接。")
    return "\n".join(lines), len(dead)


def main(argv: list[str] | None = None, check: Callable[[str, float], Result] = check_url) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.check_external",
        description="请求构建好的站点中的每个外部链接，按页面列出失效的链接（需要网络）。",
    )
    parser.add_argument("site_dir", type=Path, help="mkdocs build 生成的站点目录，如 site")
    parser.add_argument("--timeout", type=float, default=15.0, help="每次请求的超时秒数（默认 15）")
    parser.add_argument("--workers", type=int, default=8, help="同时进行的请求数（默认 8）")
    parser.add_argument("--internal-host", action="append", default=[], metavar="HOST",
                        help="视为本站、不检查的主机（可重复）；页面 canonical 地址的主机总是算本站")
    args = parser.parse_args(argv)

    if not args.site_dir.is_dir() or not any(args.site_dir.rglob("*.html")):
        print(f"错误：{args.site_dir} 不是构建好的站点目录（里面没有 HTML 文件）；先运行 make build。",
              file=sys.stderr)
        return 2
    pages = collect(args.site_dir, args.internal_host)
    urls = pages_by_url(pages)
    if not urls:
        print("站点中没有外部链接。")
        return 0
    results = check_all(urls, timeout=args.timeout, workers=args.workers, check=check)
    if all(r.network for r in results.values()):
        sample = next(iter(results.values()))
        print("错误：没有网络，无法检查外部链接（所有外部域名都无法解析或网络不可达，"
              f"例如 {sample.url}：{sample.detail}）。请在能访问互联网的机器上运行。", file=sys.stderr)
        return 2
    text, dead = report(pages, results)
    print(text)
    return 1 if dead else 0


if __name__ == "__main__":
    sys.exit(main())
