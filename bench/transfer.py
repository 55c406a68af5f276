"""每次打开手册要传输多少字节：真实的 nginx（deploy/ 的配置）在 Chromium 中，压缩前后对比。

做法：

- 三种配置，同一份构建结果：
  - 不压缩：deploy/site.conf 去掉 gzip.conf，外层 http 块也不开 gzip；
  - 之前：本次改动之前的 deploy/nginx.conf（BEFORE_SITE，保存在本文件里），外层是 Debian 默认的 http 块
    （其中 ``gzip on`` 只压缩 text/html），与当时在 Debian 上部署的效果相同；
  - 之后：现在的 deploy/ 配置（gzip.conf 压缩页面、搜索索引、脚本、样式、SVG）。
- 每页用新的浏览器上下文冷启动（没有缓存）打开，等 load 和搜索索引（Material 加载完页面就去取）；
  再在同一上下文里打开补打页（“下一页”，缓存是热的，整页加载而不是即时导航）。
- 字节数取 nginx 访问日志的 ``$bytes_sent``：服务器实际发出的字节，含响应头。

用法::

    python -m bench.transfer                 # 构建手册，写 bench/results/transfer.md 与 transfer.json
    python -m bench.transfer --site /tmp/s   # 用已构建的站点（按 http://127.0.0.1:8000/ 构建的也可以）
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.browser import CHROMIUM_ARGS, chromium_path
from tools.nginx import DEPLOY, Nginx, NginxError

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

#: 测的页面：起始页、分流、一页处置手册
PAGES = {"起始页": "", "分流": "incident/triage/", "处置手册（服务器负载过高）": "incident/overload/"}
#: 冷启动之后在同一上下文里打开的“下一页”
NEXT_PAGE = "service/reprint/"
#: 搜索下载的文件：设置（search_index.json）和构建时生成的带指纹的索引（handbook-index.<摘要>.json）
SEARCH_PREFIX = "/search/"
LOG_FORMAT = "$request_uri $status $bytes_sent"

#: 本次改动之前的 deploy/nginx.conf（去掉了注释；include 的路径改成与现在相同的 handbook/ 目录）
BEFORE_SITE = """\
server {
    listen 80;
    server_name handbook.intranet.example;
    root /srv/handbook/site;
    index index.html;
    charset utf-8;
    include handbook/security-headers.conf;

    location / {
        include handbook/security-headers.conf;
        try_files $uri $uri/ =404;
    }

    location ~* \\.(css|js|svg|png|woff2?)$ {
        include handbook/security-headers.conf;
        add_header Cache-Control "public, max-age=604800" always;
    }

    error_page 404 /404.html;
}
"""


def say(message: str) -> None:
    print(message, flush=True)


def build_site(site: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HANDBOOK_SITE_URL="http://127.0.0.1:8000/")
    env.pop("HANDBOOK_OFFLINE", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "--site-dir", str(site)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"构建失败：\n{result.stdout}{result.stderr}")


def variants(work: Path) -> dict[str, dict]:
    before = work / "before-deploy"
    before.mkdir(parents=True, exist_ok=True)
    (before / "site.conf").write_text(BEFORE_SITE, encoding="utf-8")
    shutil.copy(DEPLOY / "security-headers.conf", before / "security-headers.conf")
    no_gzip = [("include handbook/gzip.conf;", "", "gzip.conf 的 include")]
    return {
        "不压缩": {"edits": no_gzip, "debian_http": False},
        "之前": {"deploy": before},
        "之后": {},
    }


class AccessLog:
    def __init__(self, path: Path):
        self.path, self.offset = path, 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def since_mark(self) -> list[tuple[str, int, int]]:
        with self.path.open(encoding="utf-8") as lines:
            lines.seek(self.offset)
            rows = [line.split() for line in lines.read().splitlines()]
        return [(uri, int(status), int(size)) for uri, status, size in rows]

    def settle(self, *, want: str | None = None, quiet: float = 0.6, timeout: float = 15.0) -> list:
        """等到日志里出现以 want 开头的请求（如果给了），并且 quiet 秒内不再有新请求。"""
        deadline, last, count = time.monotonic() + timeout, time.monotonic(), -1
        while time.monotonic() < deadline:
            rows = self.since_mark()
            if len(rows) != count:
                count, last = len(rows), time.monotonic()
            elif (want is None or any(uri.startswith(want) for uri, _, _ in rows)) and time.monotonic() - last >= quiet:
                return rows
            time.sleep(0.1)
        return self.since_mark()


def summarise(rows) -> dict:
    return {"requests": len(rows), "bytes": sum(size for _, _, size in rows),
            "search_index": sum(size for uri, _, size in rows if uri.startswith(SEARCH_PREFIX)),
            "not_modified": sum(1 for _, status, _ in rows if status == 304)}


def measure(site: Path, work: Path, browser) -> dict:
    results = {}
    for name, options in variants(work).items():
        say(f"  {name}")
        prefix = work / f"nginx-{len(results)}"
        with Nginx(site, prefix, access_log=LOG_FORMAT, **options) as server:
            log = AccessLog(prefix / "logs" / "access.log")
            pages = {}
            for label, path in PAGES.items():
                context = browser.new_context(locale="zh-CN")
                page = context.new_page()
                log.mark()
                page.goto(server.url + path, wait_until="load")
                cold = summarise(log.settle(want=SEARCH_PREFIX + "handbook-index."))
                log.mark()
                page.goto(server.url + NEXT_PAGE, wait_until="load")
                warm = summarise(log.settle())
                context.close()
                pages[label] = {"cold": cold, "next_page": warm}
            results[name] = pages
    return results


def kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB"


def report(results: dict, site: Path) -> str:
    index = sum(p.stat().st_size for p in (site / SEARCH_PREFIX.strip("/")).glob("*.json"))
    names = list(results)
    lines = [
        "# 每次打开手册传输的字节（nginx + Chromium）",
        "",
        f"测于 {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC，`python -m bench.transfer`。"
        "字节数是 nginx 访问日志的 `$bytes_sent`（含响应头）。",
        f"搜索索引（`search/` 下的设置和带指纹的索引）原始大小 {kb(index)}。",
        "",
        "“之前”是本次改动之前的 deploy/nginx.conf 在 Debian 默认 http 块下（只压缩 HTML，脚本和样式缓存 7 天），"
        "“之后”是现在的 deploy/ 配置（gzip；手册自己的文件每次确认，没变时回 304）。",
        "",
        "## 冷启动打开一页（没有缓存，含搜索索引）",
        "",
        "| 页面 | " + " | ".join(names) + " | 其中搜索索引（之前 → 之后） |",
        "|---|" + "---:|" * len(names) + "---:|",
    ]
    for label in PAGES:
        cells = [kb(results[name][label]["cold"]["bytes"]) for name in names]
        index_cell = f"{kb(results['之前'][label]['cold']['search_index'])} → {kb(results['之后'][label]['cold']['search_index'])}"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {index_cell} |")
    lines += [
        "",
        f"## 接着打开下一页（{NEXT_PAGE}，缓存是热的）",
        "",
        "| 先打开的页面 | " + " | ".join(names) + " | 之后的请求数（其中 304） |",
        "|---|" + "---:|" * len(names) + "---:|",
    ]
    for label in PAGES:
        cells = [kb(results[name][label]["next_page"]["bytes"]) for name in names]
        after = results["之后"][label]["next_page"]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {after['requests']}（{after['not_modified']}） |")
    lines += [
        "",
        "“之前”的下一页更少，是因为脚本和样式缓存 7 天不再确认：发布之后读者最多一周仍在运行旧脚本。"
        "“之后”每个手册自己的文件发一次条件请求（304 只有响应头），带内容指纹的文件（Material 的打包文件、搜索索引）直接用缓存，不发请求。",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="已构建的站点（默认先构建一次）")
    parser.add_argument("--name", default="transfer", help="结果文件名（不含扩展名）")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        work = Path(tmp)
        site = args.site
        if site is None:
            site = work / "site"
            say("构建手册")
            build_site(site)
        say("在 nginx + Chromium 中测量")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                results = measure(site.resolve(), work, browser)
                browser.close()
        except NginxError as exc:
            print(exc, file=sys.stderr)
            return 2
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{args.name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                                    encoding="utf-8")
        text = report(results, site)
        (RESULTS / f"{args.name}.md").write_text(text, encoding="utf-8")
        say(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
