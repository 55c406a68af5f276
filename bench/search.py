"""搜索的基准：金标准查询（tests/search_gold.yml）在真实 Chromium 里的召回率、MRR 和延迟，索引大小，
每次加载页面为搜索传输的字节，以及 1,600 页合成手册上“页面加载到第一次搜索出结果”的时间和主线程是否被卡住。

做法：

- 在 Material 的搜索框里逐条输入（Playwright 用 insertText 输入中文，再按一下 End，Material 在 keyup 时搜索），
  读前几个“页面”结果（每个结果组的第一个链接），看金标准页面排第几。
- 延迟：从触发搜索的那次 keyup 到结果出现在页面上（MutationObserver 看到第一个结果，或“没有结果”的提示）。
  索引在 Worker 里建好后，每个查询测 REPEATS 次，报告中位数和 p95。
- 索引：search/search_index.json 的字节数、gzip 后的字节数、每页平均；加载一页时为搜索传输的请求（索引、Worker 脚本、
  分词词典等：路径含 /search/、/workers/、/lunr/ 的请求）。
- 规模：bench/synthetic.py 生成 1,600 页，用手册的全部配置构建；冷启动打开一页，加载完马上输入查询，记下
  从导航开始到第一个结果的时间、从 keyup 到结果的时间，以及 PerformanceObserver('longtask') 记到的长任务（> 50 ms）。

用法::

    python -m bench.search                              # 构建手册和 1,600 页合成手册，写 bench/results/search.md 与 .json
    python -m bench.search --name search-before         # 同上，写到 search-before.md / .json
    python -m bench.search --site /tmp/site --synthetic-site /tmp/syn-site   # 用已构建的站点
    python -m bench.search --quick                      # 每个查询 1 次，合成手册 400 页，数字不作准
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gzip
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "search_gold.yml"
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "work"
SITE_URL = "http://127.0.0.1:8000/"
TOP = 3
#: 规模测试里加载完页面后输入的查询（手册页面和合成页面都有的运维用语）
COLD_QUERIES = ["数据库", "回滚", "发票查不到"]
#: 这些路径上的请求算“为搜索传输”
SEARCH_PATHS = ("/search/", "/workers/", "/lunr/")


def say(message: str) -> None:
    print(message, flush=True)


# ============================================================== 金标准
def load_gold(path: Path = GOLD) -> dict:
    """读 tests/search_gold.yml：{"queries": [...], "nothing": [...], "single_chars": [...]}。"""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def doc_to_path(doc: str, offline: bool = False) -> str:
    """docs/ 下的文件 → 站点里的路径：a/b.md → a/b/（离线版 a/b.html），a/index.md → a/，index.md → ""。"""
    stem = doc.removesuffix(".md")
    if offline:
        return stem + ".html"
    if stem == "index":
        return ""
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


def href_to_doc(url: str, base: str, docs: Path = ROOT / "docs") -> str | None:
    """结果链接（绝对地址）→ docs/ 下的文件；不在本站的返回 None。

    目录式网址 a/b/ 可能是 a/b.md，也可能是 a/b/index.md：看 docs/ 里有哪个。"""
    path = unquote(urlsplit(url).path)
    base_path = unquote(urlsplit(base).path)
    if not path.startswith(base_path):
        return None
    rest = path[len(base_path):]
    if rest.endswith(".html"):
        return rest.removesuffix(".html") + ".md"
    if rest == "":
        return "index.md"
    stem = rest.rstrip("/")
    return stem + ".md" if (docs / (stem + ".md")).is_file() else stem + "/index.md"


# ============================================================== 在浏览器里搜索
#: 装上一次性的探针：记下触发搜索的 keyup，等 Material 渲染出这次的结果（或“没有结果”）。
#: Material 每收到一次结果都会改写 .md-search-result__meta，所以先把它改成一个记号，等它被改写。
PROBE = """([sentinel, timeout]) => {
  const input = document.querySelector('.md-search__input');
  const output = document.querySelector('.md-search-result');
  const meta = document.querySelector('.md-search-result__meta');
  meta.textContent = sentinel;
  window.__hbSearch = new Promise(resolve => {
    let t0 = null;
    const timer = setTimeout(() => { observer.disconnect(); resolve({ms: null, timeout: true}); }, timeout);
    input.addEventListener('keyup', () => { t0 = performance.now(); }, {once: true, capture: true});
    const done = () => {
      if (t0 === null || meta.textContent === sentinel) return false;
      const items = [...output.querySelectorAll('.md-search-result__item')];
      const t1 = performance.now();
      observer.disconnect(); clearTimeout(timer);
      resolve({ms: t1 - t0, at: t1, meta: meta.textContent,
               hrefs: items.map(li => { const a = li.querySelector(':scope > a'); return a ? a.href : null; })});
      return true;
    };
    const observer = new MutationObserver(done);
    observer.observe(output, {childList: true, subtree: true, characterData: true});
  });
}"""

SENTINEL = "\u2063等待结果"


def open_search(page) -> None:
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.keyboard.press("/")
    box.click()


def clear_search(page) -> None:
    """清空输入框，等上一次的结果消失。"""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')", timeout=10_000)


def search(page, query: str, base: str, timeout_ms: int = 30_000) -> dict:
    """在搜索框里搜 query；返回 {"pages": [docs 路径...], "ms": keyup 到结果的毫秒, "meta": 提示文字}。"""
    open_search(page)
    clear_search(page)
    page.evaluate(PROBE, [SENTINEL, timeout_ms])
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")
    result = page.evaluate("() => window.__hbSearch")
    if result.get("timeout"):
        raise TimeoutError(f"搜索“{query}”{timeout_ms / 1000:.0f} 秒内没有结果")
    pages = []
    for href in result["hrefs"]:
        doc = href_to_doc(href, base) if href else None
        if doc and doc not in pages:
            pages.append(doc)
    return {"pages": pages, "ms": result["ms"], "meta": result["meta"]}


def warm_up(page, base: str, limit_s: float = 180) -> None:
    """等 Worker 建好索引：反复搜一个常用词，直到出结果（机器很忙时第一次可能要很久）。"""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            search(page, "发票", base, timeout_ms=10_000)
            return
        except TimeoutError:
            if time.monotonic() > deadline:
                raise


def rank(pages: list[str], doc: str) -> int | None:
    return pages.index(doc) + 1 if doc in pages else None


# ============================================================== 统计
def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, pct: float):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    k = (len(values) - 1) * pct / 100
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def rnd(value, digits=1):
    return None if value is None else round(value, digits)


# ============================================================== 站点
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@contextlib.contextmanager
def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build(project: Path, site: Path) -> None:
    env = {**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "HANDBOOK_SITE_URL": SITE_URL}
    env.pop("HANDBOOK_OFFLINE", None)
    env.pop("HANDBOOK_ENV", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(site)],
                            cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"构建 {project} 失败：\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def index_stats(site: Path) -> dict:
    """索引的大小：search_index.json（主线程取的配置）加上 Worker 载入的构建好的索引文件（config.handbook.index）；
    旧的站点只有 search_index.json。"""
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_bytes())
    name = (data["config"].get("handbook") or {}).get("index")
    files = [index] + ([site / name] if name else [])
    sizes = {f"/{f.relative_to(site).as_posix()}": (f.stat().st_size, len(gzip.compress(f.read_bytes(), 6)))
             for f in files}
    if name:
        from macros.hooks import search as hook
        locations = [d["location"] for d in hook.docs_of(hook.read_index(site)[1])]
    else:
        locations = [d["location"] for d in data["docs"]]
    pages = sum(1 for loc in locations if "#" not in loc)
    raw, gz = sum(v[0] for v in sizes.values()), sum(v[1] for v in sizes.values())
    return {"bytes": raw, "gzip_bytes": gz, "pages": pages, "docs": len(locations),
            "bytes_per_page": round(raw / pages), "gzip_bytes_per_page": round(gz / pages),
            "files": {path: {"bytes": b, "gzip_bytes": g} for path, (b, g) in sizes.items()}}


def worker_name(site: Path) -> str:
    """页面里 __config.search 指向的搜索 Worker。"""
    import re
    html = (site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'"search":\s*"([^"]+)"', html)
    return found.group(1) if found else "?"


# ============================================================== 浏览器
def launch(playwright):
    from tools.browser import CHROMIUM_ARGS, chromium_path
    return playwright.chromium.launch(executable_path=chromium_path() or "/usr/bin/chromium", args=CHROMIUM_ARGS)


def measure_gold(browser, base: str, gold: dict, repeats: int) -> dict:
    """召回率、MRR、每个查询的排名和延迟；无意义查询和单字的结果数。"""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(base, wait_until="load")
    warm_up(page, base)
    rows, latencies = [], []
    for entry in gold["queries"]:
        runs = [search(page, entry["query"], base) for _ in range(repeats)]
        found = rank(runs[0]["pages"], entry["page"])
        times = [r["ms"] for r in runs]
        latencies += times
        rows.append({"query": entry["query"], "kind": entry.get("kind"), "expected": entry["page"], "rank": found,
                     "top": runs[0]["pages"][:TOP], "results": len(runs[0]["pages"]),
                     "median_ms": rnd(median(times))})
    empty = {}
    for query in gold["nothing"] + gold["single_chars"]:
        result = search(page, query, base)
        empty[query] = {"results": len(result["pages"]), "top": result["pages"][:TOP]}
    context.close()
    hits = [r for r in rows if r["rank"] is not None and r["rank"] <= TOP]
    return {
        "queries": len(rows), "repeats": repeats,
        "recall_at_3": round(len(hits) / len(rows), 4),
        "mrr": round(statistics.fmean(1 / r["rank"] if r["rank"] else 0 for r in rows), 4),
        "found_anywhere": sum(1 for r in rows if r["rank"] is not None),
        "latency_median_ms": rnd(median(latencies)),
        "latency_p95_ms": rnd(percentile(latencies, 95)),
        "latency_max_ms": rnd(max((v for v in latencies if v is not None), default=None)),
        "misses": [r for r in rows if r["rank"] is None or r["rank"] > TOP],
        "rows": rows,
        "should_be_empty": empty,
        "empty_ok": all(v["results"] == 0 for v in empty.values()),
    }


def measure_transfer(browser, base: str, site: Path, path: str) -> dict:
    """冷缓存加载一页：全部传输字节，其中为搜索传输的请求；以及即时导航到另一页时是否重新下载索引。"""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(base + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    # Worker 自己下载构建好的索引：大索引在“网络空闲”时可能还没下完，等它下完再算
    name = (json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]
            .get("handbook") or {}).get("index")
    deadline = time.monotonic() + 120
    while name and time.monotonic() < deadline and not any(name in request.url for request in finished):
        page.wait_for_timeout(200)
    total, search_files = 0, []
    for request in finished:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        url_path = urlsplit(request.url).path
        if any(part in url_path for part in SEARCH_PATHS):
            local = site / unquote(url_path).lstrip("/")
            body = local.read_bytes() if local.is_file() else None
            # Worker 里发出的请求，Playwright 报的大小不可靠；本机服务器不压缩，传输的就是文件本身
            search_files.append({"path": url_path, "bytes": len(body) if body is not None else size,
                                 "gzip_bytes": len(gzip.compress(body, 6)) if body is not None else None})
    context.close()
    return {"page": "/" + path, "requests": len(finished), "bytes": total,
            "search_bytes": sum(f["bytes"] for f in search_files),
            "search_gzip_bytes": sum(f["gzip_bytes"] or 0 for f in search_files),
            "search_requests": search_files}


LONGTASKS = """
// 搜索 Worker 第一次报告“索引已建好”（READY，type 1）的时刻
window.__hbReady = null;
if (window.Worker) {
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (e.data && e.data.type === 1 && window.__hbReady === null) window.__hbReady = performance.now();
      });
    }
  };
}
window.__hbLongTasks = [];
try {
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) window.__hbLongTasks.push({start: e.startTime, ms: e.duration});
  }).observe({type: 'longtask', buffered: true});
} catch (e) { window.__hbLongTasks = null; }
"""


def measure_cold(browser, base: str, path: str, query: str) -> dict:
    """冷启动打开一页，load 之后马上搜索：从导航开始到第一个结果的时间、keyup 到结果的时间、长任务。"""
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(LONGTASKS)
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    load = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    started = time.perf_counter()
    result = search(page, query, base, timeout_ms=120_000)
    wall = (time.perf_counter() - started) * 1000
    at = page.evaluate("() => window.__hbSearch.then(r => r.at)")
    ready = page.evaluate("() => window.__hbReady")
    tasks = page.evaluate("() => window.__hbLongTasks") or []
    context.close()
    in_window = [t for t in tasks if t["start"] <= at]
    after_load = [t for t in in_window if t["start"] >= load]
    return {"query": query, "load_ms": rnd(load), "first_result_since_navigation_ms": rnd(at),
            "first_result_since_load_ms": rnd(at - load), "keyup_to_result_ms": rnd(result["ms"]),
            # 索引在 load 之后多久建好；加上这次查询的耗时，就是 load 时立刻输入的人等到第一个结果的时间
            "ready_since_load_ms": rnd(ready - load) if ready is not None else None,
            "typed_at_load_ms": rnd(max(ready - load, 0) + result["ms"]) if ready is not None else None,
            "driver_wall_ms": rnd(wall), "results": len(result["pages"]),
            "longtasks": len(in_window), "longtasks_after_load": len(after_load),
            "longest_task_ms": rnd(max((t["ms"] for t in in_window), default=0)),
            "longest_task_after_load_ms": rnd(max((t["ms"] for t in after_load), default=0)),
            "blocked_ms_after_load": rnd(sum(t["ms"] - 50 for t in after_load))}


def measure_scale(browser, site: Path, runs: int) -> dict:
    with serve(site) as base:
        stats = index_stats(site)
        transfer = measure_transfer(browser, base, site, "incident/overload/")
        cold = [measure_cold(browser, base, "incident/overload/", COLD_QUERIES[i % len(COLD_QUERIES)])
                for i in range(runs)]
    return {"index": stats, "transfer": transfer, "cold": cold,
            "first_result_since_load_median_ms": rnd(median([c["first_result_since_load_ms"] for c in cold])),
            "first_result_since_load_max_ms": rnd(max(c["first_result_since_load_ms"] for c in cold)),
            "keyup_to_result_median_ms": rnd(median([c["keyup_to_result_ms"] for c in cold])),
            "ready_since_load_median_ms": rnd(median([c.get("ready_since_load_ms") for c in cold])),
            "typed_at_load_median_ms": rnd(median([c.get("typed_at_load_ms") for c in cold])),
            "typed_at_load_max_ms": rnd(max((c.get("typed_at_load_ms") or 0 for c in cold), default=None)),
            "longest_task_after_load_ms": rnd(max(c["longest_task_after_load_ms"] for c in cold))}


# ============================================================== 报告
def kb(value) -> str:
    return "—" if value is None else f"{value / 1024:,.1f} KB"


def ms(value) -> str:
    return "—" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def report(result: dict) -> str:
    g, h, s = result["gold"], result["handbook"], result.get("scale")
    lines = [
        f"# 搜索基准（{result['label']}）", "",
        f"{result['date']}，{result['machine']}{result.get('load', '')}；搜索 Worker：`{result['worker']}`。"
        f"由 `python -m bench.search` 生成，金标准见 `tests/search_gold.yml`。", "",
        "## 金标准（手册本身）", "",
        "| 指标 | 数值 |", "|---|---|",
        f"| 查询数 | {g['queries']}（每个 {g['repeats']} 次） |",
        f"| recall@3 | {g['recall_at_3'] * 100:.1f} %（{g['queries'] - len(g['misses'])}/{g['queries']}） |",
        f"| MRR | {g['mrr']:.3f} |",
        f"| 有结果但不在前 3 | {g['found_anywhere'] - (g['queries'] - len(g['misses']))} |",
        f"| 延迟（keyup 到第一个结果）中位数 | {ms(g['latency_median_ms'])} |",
        f"| 延迟 p95 | {ms(g['latency_p95_ms'])} |",
        f"| 延迟最慢 | {ms(g['latency_max_ms'])} |",
        f"| 无意义查询和单字都没有结果 | {'是' if g['empty_ok'] else '否'} |", "",
        "### 没有排进前 3 的查询", "",
        "| 查询 | 类型 | 应有页面 | 排名 | 实际前 3 |", "|---|---|---|---|---|",
    ]
    for r in g["misses"]:
        lines.append(f"| {r['query']} | {r['kind']} | {r['expected']} | {r['rank'] or '无'} | "
                     f"{'、'.join(r['top']) or '（没有结果）'} |")
    lines += ["", "### 应当没有结果的查询", "", "| 查询 | 结果数 | 前 3 |", "|---|---|---|"]
    for q, v in g["should_be_empty"].items():
        lines.append(f"| {q} | {v['results']} | {'、'.join(v['top'])} |")
    idx, tr = h["index"], h["transfer"]
    lines += ["", "## 索引与传输（手册本身）", "",
              "| 指标 | 数值 |", "|---|---|",
              f"| 索引合计 | {kb(idx['bytes'])}（gzip 后 {kb(idx['gzip_bytes'])}） |"]
    for path, f in idx.get("files", {}).items():
        lines.append(f"| · `{path}` | {kb(f['bytes'])}（gzip 后 {kb(f['gzip_bytes'])}） |")
    lines += [
              f"| 页面数 / 索引条目 | {idx['pages']} / {idx['docs']} |",
              f"| 每页 | {kb(idx['bytes_per_page'])}（gzip 后 {kb(idx['gzip_bytes_per_page'])}） |",
              f"| 冷缓存加载 {tr['page']} 的全部传输 | {kb(tr['bytes'])}，{tr['requests']} 个请求 |",
              f"| 其中为搜索传输 | {kb(tr['search_bytes'])}（gzip 后约 {kb(tr['search_gzip_bytes'])}） |"]
    for f in tr["search_requests"]:
        lines.append(f"| · `{f['path']}` | {kb(f['bytes'])}（gzip 后 {kb(f['gzip_bytes'])}） |")
    cold = h.get("cold") or []
    if cold:
        lines.append(f"| load 之后第一次搜索出结果（中位数 / 最慢，{len(cold)} 次冷启动） | "
                     f"{ms(median([c['first_result_since_load_ms'] for c in cold]))} / "
                     f"{ms(max(c['first_result_since_load_ms'] for c in cold))} |")
        lines.append(f"| load 时立刻输入、等到第一个结果（索引建好 + 查询，中位数） | "
                     f"{ms(median([c.get('typed_at_load_ms') for c in cold]))} |")
        lines.append(f"| load 之后最长的主线程长任务 | {ms(max(c['longest_task_after_load_ms'] for c in cold))} |")
    if s:
        idx, tr = s["index"], s["transfer"]
        lines += ["", f"## 规模：{idx['pages']} 页合成手册", "",
                  "| 指标 | 数值 |", "|---|---|",
                  f"| 索引合计 | {kb(idx['bytes'])}（gzip 后 {kb(idx['gzip_bytes'])}），每页 {kb(idx['bytes_per_page'])}"
                  f"（gzip 后 {kb(idx['gzip_bytes_per_page'])}） |",
                  *[f"| · `{path}` | {kb(f['bytes'])}（gzip 后 {kb(f['gzip_bytes'])}） |"
                    for path, f in idx.get("files", {}).items()],
                  f"| 冷缓存加载一页为搜索传输 | {kb(tr['search_bytes'])}（gzip 后约 {kb(tr['search_gzip_bytes'])}） |",
                  f"| load 之后第一次搜索出结果（中位数 / 最慢） | {ms(s['first_result_since_load_median_ms'])} / "
                  f"{ms(s['first_result_since_load_max_ms'])} |",
                  f"| 其中 keyup 到结果（中位数） | {ms(s['keyup_to_result_median_ms'])} |",
                  f"| load 之后索引建好（Worker 报告 READY，中位数） | {ms(s.get('ready_since_load_median_ms'))} |",
                  f"| load 时立刻输入、等到第一个结果（索引建好 + 查询，中位数 / 最慢） | "
                  f"{ms(s.get('typed_at_load_median_ms'))} / {ms(s.get('typed_at_load_max_ms'))} |",
                  f"| load 之后最长的主线程长任务 | {ms(s['longest_task_after_load_ms'])} |", "",
                  "| 查询 | load | load 到结果 | keyup 到结果 | 索引建好（load 后） | 长任务（load 后） | 最长（load 后） "
                  "| 阻塞合计（load 后） |",
                  "|---|---|---|---|---|---|---|---|"]
        for c in s["cold"]:
            lines.append(f"| {c['query']} | {ms(c['load_ms'])} | {ms(c['first_result_since_load_ms'])} | "
                         f"{ms(c['keyup_to_result_ms'])} | {ms(c.get('ready_since_load_ms'))} | {c['longtasks_after_load']} | "
                         f"{ms(c['longest_task_after_load_ms'])} | {ms(c['blocked_ms_after_load'])} |")
    extra = RESULTS / f"{result.get('name', 'search')}-alternatives.md"
    if extra.is_file():  # 手工比较过的做法（同一台机器上先后测），附在报告里
        lines += ["", extra.read_text(encoding="utf-8").strip()]
    lines += ["", "## 怎么测的", "",
              "- 金标准查询逐条输入 Material 的搜索框（先清空、等上次结果消失，再输入并按 End 触发 keyup），"
              "读每个结果组的第一个链接（页面结果），看应有页面排第几；MRR 里没进结果的记 0。"
              "Material 先只渲染前 10 个页面结果（其余滚动时才渲染），所以排在 10 名以后的记作“无”。",
              "- 延迟：探针在 keyup 时记时间，MutationObserver 看到结果区被 Material 改写（第一个结果或“没有结果”）时再记。"
              "索引在 Worker 里建好之后测。",
              "- 为搜索传输：冷缓存加载一页、等网络空闲，路径含 /search/、/workers/、/lunr/ 的请求"
              "（本机服务器不压缩，gzip 一栏是同一文件用 gzip -6 压缩后的大小）。",
              "- 规模：`bench/synthetic.py` 生成的合成手册；新的浏览器上下文冷启动打开一页，load 之后马上输入查询。"
              "长任务来自 PerformanceObserver('longtask')（主线程上超过 50 ms 的任务），阻塞合计是每个长任务超过 50 ms 的部分之和。"
              "“load 到结果”含测量脚本自己打开搜索框、输入的往返（机器忙时约 1 s，51 页的手册也一样）；"
              "“索引建好”是 Worker 第一次发回 READY 的时刻，加上查询耗时即 load 时立刻输入的人等到结果的时间。",
              ""]
    return "\n".join(lines)


def describe_machine() -> str:
    import os
    return f"{platform.system()} {platform.machine()}，{os.cpu_count()} 核，Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="已构建的手册站点（默认现在构建一次）")
    parser.add_argument("--synthetic-site", type=Path, help="已构建的合成手册站点（默认现在生成并构建）")
    parser.add_argument("--pages", type=int, default=1600, help="合成手册的页数（默认 1600）")
    parser.add_argument("--repeats", type=int, default=3, help="每个金标准查询测几次（默认 3）")
    parser.add_argument("--cold-runs", type=int, default=3, help="规模测试冷启动几次（默认 3）")
    parser.add_argument("--no-scale", action="store_true", help="不测合成手册")
    parser.add_argument("--quick", action="store_true", help="试运行：每个查询 1 次，合成手册 400 页")
    parser.add_argument("--name", default="search", help="结果文件名（默认 search → search.md / search.json）")
    parser.add_argument("--label", default=None, help="报告标题里的说明（默认取 --name）")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.pages, args.cold_runs = 1, min(args.pages, 400), 1

    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()[0]  # 别的进程也在用 CPU 时，延迟会成倍变长：把负载写进报告

    WORK.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="search-", dir=WORK))
    try:
        site = args.site
        if site is None:
            say("构建手册……")
            site = temp / "site"
            build(ROOT, site)
        synthetic_site = args.synthetic_site
        if synthetic_site is None and not args.no_scale:
            from bench import synthetic
            say(f"生成并构建 {args.pages} 页合成手册……")
            project = synthetic.generate(temp / "synthetic", args.pages)
            synthetic_site = temp / "synthetic-site"
            build(project, synthetic_site)
        gold = load_gold()
        result = {"name": args.name,
                  "label": args.label or args.name, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                  "machine": describe_machine(), "worker": worker_name(site)}
        with sync_playwright() as playwright:
            browser = launch(playwright)
            with serve(site) as base:
                say(f"金标准：{len(gold['queries'])} 个查询，各 {args.repeats} 次……")
                result["gold"] = measure_gold(browser, base, gold, args.repeats)
                result["handbook"] = {"index": index_stats(site),
                                      "transfer": measure_transfer(browser, base, site, "incident/overload/"),
                                      "cold": [measure_cold(browser, base, "incident/overload/",
                                                            COLD_QUERIES[i % len(COLD_QUERIES)])
                                               for i in range(args.cold_runs)]}
            g = result["gold"]
            say(f"    recall@3 {g['recall_at_3'] * 100:.1f} %，MRR {g['mrr']:.3f}，延迟中位数 {g['latency_median_ms']} ms，"
                f"p95 {g['latency_p95_ms']} ms")
            if synthetic_site is not None:
                say("规模：冷启动后第一次搜索……")
                result["scale"] = measure_scale(browser, synthetic_site, args.cold_runs)
                s = result["scale"]
                say(f"    {s['index']['pages']} 页：load 后第一次结果 {s['first_result_since_load_median_ms']} ms，"
                    f"最长任务 {s['longest_task_after_load_ms']} ms")
            browser.close()
        result["load"] = f"，测量前后的 1 分钟平均负载 {load_before:.1f} / {os.getloadavg()[0]:.1f}"
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{args.name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
        (RESULTS / f"{args.name}.md").write_text(report(result), encoding="utf-8")
        say(f"写到 bench/results/{args.name}.md 与 {args.name}.json")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
