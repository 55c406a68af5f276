"""make bench：一次运行，测出手册的构建成本、规模增长、浏览器中的加载与搜索、链接检查和无障碍评分。

    python -m bench.run [--quick] [--only PART ...] [--out bench/results]

结果写到 bench/results/report.json 和 report.md（含本机的描述）。各部分：

1. build-cost 手册对同一份 Markdown 的裸 Material（jieba 搜索），39 与 400 页的 CPU 时间比值和剖析（bench/buildcost.py）
2. scaling   手册扩到 100、400、1,600 页（bench/synthetic.py），有无 navigation.prune、两种导航结构
3. browser   Chromium 里每类页面的传输字节数和加载时间；中文查询的搜索延迟
4. linkcheck python -m tools.linkcheck 对 linkchecker（PyPI 包）检查同一个构建好的站点
5. lighthouse 每类页面的 Lighthouse 评分（npm 包 lighthouse 12.2.3，bench/node_modules）

构建的峰值内存取自 os.wait4() 返回的子进程 rusage（ru_maxrss：构建进程树中最大的常驻内存），
每次构建单独取，不依赖采样。
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
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench import synthetic
from tools import browser

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "work"                 # 临时项目与站点（.gitignore 里的 /bench/work/）
RESULTS = BENCH / "results"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = browser.chromium_path() or "/usr/bin/chromium"
CHROMIUM_FLAGS = browser.CHROMIUM_ARGS
SITE_URL = "http://127.0.0.1:8000/"   # 与 tests/conftest.py 相同的构建地址

PAGE_TYPES = browser.PAGE_TYPES
#: 搜索延迟用的中文查询（值班、服务台、培训中常搜的词）
QUERIES = ["补打", "投诉", "负载均衡", "数据库", "热线", "升级", "红冲", "数电票", "网络", "备份",
           "演练", "申诉", "回滚", "发票查询", "事件负责人", "同步延迟", "慢查询", "告知用户"]

T0 = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.0f} s] {message}", flush=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rnd(value, digits=1):
    return None if value is None else round(value, digits)


def whole(value):
    return None if value is None else int(round(value))


# ============================================================== 本机
def _run_text(args: list[str], **kwargs) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=60, **kwargs)
        return (out.stdout or out.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return "unavailable"


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    distro = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip('"')
    commit = _run_text(["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT)
    if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        commit, dirty = "（不在 git 工作区中）", False
    else:
        dirty = bool(_run_text(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT))
    lh_pkg = BENCH / "node_modules" / "lighthouse" / "package.json"
    axe_version = (AXE.parent / "VERSION").read_text(encoding="utf-8").split()[1] if AXE.exists() else None
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": distro,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in
                     ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "pymdown-extensions", "jieba",
                      "playwright", "linkchecker")},
        "chromium": _run_text([CHROMIUM, "--version"]),
        "node": _run_text(["node", "--version"]),
        "lighthouse": json.loads(lh_pkg.read_text())["version"] if lh_pkg.exists() else None,
        "axe_core": axe_version,
        "commit": f"{commit}{'（工作区有未提交的修改）' if dirty else ''}",
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


# ============================================================== 构建测量
def build_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("HANDBOOK_ENV", None)
    env["HANDBOOK_SITE_URL"] = SITE_URL
    env.update(extra)
    return env


@dataclass
class Build:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    output: str = field(repr=False, default="")

    def as_dict(self) -> dict:
        return {"wall_s": round(self.wall_s, 3), "cpu_s": round(self.cpu_s, 3),
                "peak_rss_mb": round(self.peak_rss_mb, 1)}


def measure(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 900) -> Build:
    """运行一个子进程，返回墙钟时间、CPU 时间（用户 + 系统）和峰值常驻内存。

    用 os.wait4 回收子进程，得到只属于这一个子进程（及它已回收的后代）的 rusage，
    ru_maxrss 是其中最大的常驻内存（Linux 上单位是 KiB）。
    """
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return Build(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, output)


def mkdocs_build(project: Path, site: Path) -> Build:
    result = measure([sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "--site-dir", str(site)],
                     cwd=project, env=build_env())
    if result.returncode != 0:
        tail = "\n".join(result.output.strip().splitlines()[-15:])
        raise RuntimeError(f"构建失败（{project}，退出码 {result.returncode}）：\n{tail}")
    return result


def site_stats(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.name == "index.html" or (p.suffix == ".html" and p.name != "404.html")]
    # 搜索的设置（search_index.json）和构建时生成的索引（handbook-index.<摘要>.json）
    index = [p for p in (site / "search").glob("*.json")]
    return {
        "files": len(files),
        "site_mb": round(sum(p.stat().st_size for p in files) / 1e6, 2),
        "html_pages": len(pages),
        "html_mb": round(sum(p.stat().st_size for p in pages) / 1e6, 2),
        "search_index_mb": round(sum(p.stat().st_size for p in index) / 1e6, 3) if index else None,
    }


def summarise(builds: list[Build]) -> dict:
    return {
        "runs": len(builds),
        "wall_s_median": rnd(median([b.wall_s for b in builds]), 2),
        "wall_s_min": rnd(min(b.wall_s for b in builds), 2),
        "wall_s_max": rnd(max(b.wall_s for b in builds), 2),
        "cpu_s_median": rnd(median([b.cpu_s for b in builds]), 2),
        "peak_rss_mb_median": rnd(median([b.peak_rss_mb for b in builds]), 1),
        "peak_rss_mb_max": rnd(max(b.peak_rss_mb for b in builds), 1),
        "each": [b.as_dict() for b in builds],
    }


# ============================================================== 1. 构建成本
def part_build_cost(quick: bool, out: Path) -> dict:
    """手册对裸 Material（同一份 Markdown，jieba 搜索），39 页和 400 页；详见 bench/buildcost.py。
    完整结果另写到 build-cost.md 与 build-cost.json。"""
    from bench import buildcost
    sizes = [synthetic.real_pages(), 400]
    say(f"1/5 构建成本：手册与裸 Material，{'、'.join(map(str, sizes))} 页")
    result = buildcost.run(sizes, runs=3 if quick else 5, profile_runs=1 if quick else 2, work=WORK / "build-cost")
    result |= {"args": " --quick" if quick else "", "commit": buildcost.commit(),
               "date": time.strftime("%Y-%m-%d %H:%M %Z"), "total_s": round(time.perf_counter() - T0, 1)}
    buildcost.write(result, out)
    return result


def bare_material_site() -> Path:
    """Lighthouse 对照用的裸 Material 站点（手册 39 页）。"""
    from bench import buildcost
    site = WORK / "site-bare"
    if not site.is_dir():
        handbook = buildcost.handbook_project(WORK / "bare-source", synthetic.real_pages())
        mkdocs_build(buildcost.bare_project(handbook, WORK / "bare"), site)
    return site


# ============================================================== 2. 规模
def nav_links(page: Path) -> int:
    return page.read_text(encoding="utf-8").count('class="md-nav__link')


def part_scaling(sizes: list[int], compare: list[int], flat: list[int], grouped: list[int], runs_small: int) -> dict:
    """主曲线（nested + prune）在 100 页跑 runs_small 次、400 页 2 次、1,600 页 1 次；对照组各 1 次。"""
    configs = [("nested", True, n) for n in sizes]
    configs += [("nested", False, n) for n in compare]
    configs += [("flat", True, n) for n in flat]
    configs += [("grouped", True, n) for n in grouped]
    names = ", ".join(f"{s} {'prune' if p else '无 prune'} {n} 页" for s, p, n in configs)
    say(f"2/5 规模：{len(configs)} 种配置（{names}）")
    rows = []
    for structure, prune, pages in configs:
        project = synthetic.generate(WORK / "synthetic", pages, prune=prune, structure=structure)
        site = WORK / "site-synthetic"
        main = structure == "nested" and prune
        runs = (runs_small if pages <= 100 else min(2, runs_small) if pages <= 400 else 1) if main else 1
        builds = [mkdocs_build(project, site) for _ in range(runs)]
        stats = site_stats(site)
        sample = next(site.glob(f"{synthetic.PREFIX}/**/t01/index.html"))
        row = {"structure": structure, "prune": prune, "pages": pages} | summarise(builds) | stats
        row["nav_links_per_page"] = nav_links(sample)
        row["ms_per_page"] = rnd(row["wall_s_median"] * 1000 / pages, 1)
        row["cpu_ms_per_page"] = rnd(row["cpu_s_median"] * 1000 / pages, 1)
        row["kb_per_page"] = rnd(stats["site_mb"] * 1000 / pages, 1)
        rows.append(row)
        say(f"    {structure:7s} prune={'是' if prune else '否'} {pages:5d} 页：{row['wall_s_median']:.1f} s，"
            f"{row['peak_rss_mb_max']:.0f} MB，站点 {stats['site_mb']:.0f} MB，"
            f"索引 {stats['search_index_mb']:.2f} MB，每页导航与目录链接 {row['nav_links_per_page']}")
    shutil.rmtree(WORK / "synthetic", ignore_errors=True)
    shutil.rmtree(WORK / "site-synthetic", ignore_errors=True)
    for row in rows:   # 边际成本：同一结构、同一 prune 设置下，比上一个规模每多一页多花的时间和空间
        smaller = [r for r in rows if (r["structure"], r["prune"]) == (row["structure"], row["prune"])
                   and r["pages"] < row["pages"]]
        if smaller:
            prev = max(smaller, key=lambda r: r["pages"])
            extra = row["pages"] - prev["pages"]
            row["marginal_from"] = prev["pages"]
            row["marginal_ms_per_page"] = rnd((row["wall_s_median"] - prev["wall_s_median"]) * 1000 / extra, 1)
            row["marginal_cpu_ms_per_page"] = rnd((row["cpu_s_median"] - prev["cpu_s_median"]) * 1000 / extra, 1)
            row["marginal_kb_per_page"] = rnd((row["site_mb"] - prev["site_mb"]) * 1000 / extra, 1)
    main = [r for r in rows if r["structure"] == "nested" and r["prune"]]
    fit = None
    if len(main) >= 2:   # 最小二乘拟合 时间 = 固定成本 + 每页成本 × 页数
        xs, ys = [r["pages"] for r in main], [r["cpu_s_median"] for r in main]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        fit = {"fixed_cpu_s": rnd(my - slope * mx, 2), "cpu_ms_per_page": rnd(slope * 1000, 1),
               "worst_residual_pct": rnd(max(abs(y - (my - slope * mx + slope * x)) / y * 100
                                             for x, y in zip(xs, ys)), 1)}
    return {"rows": rows, "fit": fit, "real_pages": synthetic.real_pages(),
            "section_pages": synthetic.SECTION_PAGES, "sections_per_chapter": synthetic.SECTIONS_PER_CHAPTER,
            "chapters_per_part": synthetic.CHAPTERS_PER_PART, "sections_per_part": synthetic.SECTIONS_PER_PART}


# ============================================================== 站点服务
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@contextlib.contextmanager
def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def url_to_file(site: Path, base: str, url: str) -> Path | None:
    if not url.startswith(base):
        return None
    path = unquote(urlsplit(url).path)[1:]
    target = site / path
    if target.is_dir() or path.endswith("/") or path == "":
        target = target / "index.html"
    return target if target.is_file() else None


# ============================================================== 3. 浏览器
SEARCH_PROBE = """() => {
  const input = document.querySelector('.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  window.__searchLatency = new Promise(resolve => {
    let t0 = null;
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, 10000);
    input.addEventListener('keyup', () => { t0 = performance.now(); }, {once: true, capture: true});
    const observer = new MutationObserver(() => {
      if (t0 !== null && list.querySelector('.md-search-result__item')) {
        const t1 = performance.now();
        observer.disconnect(); clearTimeout(timer); resolve(t1 - t0);
      }
    });
    observer.observe(list, {childList: true, subtree: true});
  });
}"""

TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp: fcp ? fcp.startTime : null};
}"""


def _open_search(page) -> None:
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.keyboard.press("/")
    box.click()


def _search_once(page, query: str) -> float | None:
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')", timeout=5000)
    page.evaluate(SEARCH_PROBE)
    box.fill(query)
    box.press("End")
    return page.evaluate("() => window.__searchLatency")


def part_browser(site: Path, loads: int, repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    say(f"3/5 Chromium：{len(PAGE_TYPES)} 类页面各冷启动加载 {loads} 次；{len(QUERIES)} 个查询各 {repeats} 次")
    result: dict = {"pages": {}, "search": {}}
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for kind, path in PAGE_TYPES.items():
            samples = []
            for _ in range(loads):
                context = browser.new_context(locale="zh-CN")
                page = context.new_page()
                finished = []
                page.on("requestfinished", lambda request, finished=finished: finished.append(request))
                page.goto(base + path, wait_until="load")
                page.wait_for_load_state("networkidle")
                timing = page.evaluate(TIMING)
                transferred = 0
                by_type: dict[str, int] = {}
                files = set()
                for request in finished:
                    sizes = request.sizes()
                    size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    transferred += size
                    by_type[request.resource_type] = by_type.get(request.resource_type, 0) + size
                    target = url_to_file(site, base, request.url)
                    if target:
                        files.add(target)
                gz = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
                samples.append({"bytes": transferred, "gzip_bytes": gz, "requests": len(finished),
                                "by_type": by_type, **timing})
                context.close()
            first = samples[0]
            result["pages"][kind] = {
                "path": "/" + path,
                "requests": first["requests"],
                "kb_transferred": rnd(median([s["bytes"] for s in samples]) / 1024, 1),
                "kb_if_gzipped": rnd(median([s["gzip_bytes"] for s in samples]) / 1024, 1),
                "kb_by_type": {k: rnd(v / 1024, 1) for k, v in sorted(first["by_type"].items())},
                "fcp_ms": whole(median([s["fcp"] for s in samples])),
                "dcl_ms": whole(median([s["dcl"] for s in samples])),
                "load_ms": whole(median([s["load"] for s in samples])),
                "load_ms_max": whole(max(s["load"] for s in samples)),
            }
            r = result["pages"][kind]
            say(f"    {kind:10s} {r['kb_transferred']:7.1f} KB（gzip 后约 {r['kb_if_gzipped']:.0f} KB），"
                f"{r['requests']} 个请求，load {r['load_ms']:.0f} ms")

        # 搜索：页面加载后的第一次查询（含 Web Worker 建索引），以及索引就绪后的各个查询
        cold = []
        for _ in range(3):
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            page.goto(base + PAGE_TYPES["runbook"], wait_until="load")
            _open_search(page)
            page.evaluate(SEARCH_PROBE)
            started = time.perf_counter()
            box = page.locator("input.md-search__input")
            box.fill(QUERIES[0])
            box.press("End")
            latency = page.evaluate("() => window.__searchLatency")
            cold.append({"in_page_ms": latency, "since_load_ms": (time.perf_counter() - started) * 1000})
            context.close()
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(base + PAGE_TYPES["runbook"], wait_until="load")
        _open_search(page)
        _search_once(page, "发票")   # 预热：等索引在 Worker 中建好
        per_query = {}
        for query in QUERIES:
            per_query[query] = [_search_once(page, query) for _ in range(repeats)]
        results_count = {}
        for query in QUERIES:
            _search_once(page, query)
            meta = page.locator(".md-search-result__meta").inner_text()
            found = re.search(r"\d+", meta)
            results_count[query] = int(found.group(0)) if found else page.locator(".md-search-result__item").count()
        context.close()
        browser.close()
    every = [v for values in per_query.values() for v in values if v is not None]
    failed = [q for q, values in per_query.items() if any(v is None for v in values)]
    worst_query = max(per_query, key=lambda q: max((v for v in per_query[q] if v is not None), default=0))
    result["search"] = {
        "queries": len(QUERIES), "repeats": repeats,
        "median_ms": rnd(median(every), 1),
        "p90_ms": rnd(statistics.quantiles(every, n=10)[-1], 1) if len(every) >= 10 else None,
        "worst_ms": rnd(max(every), 1) if every else None,
        "worst_query": worst_query,
        "no_result_or_timeout": failed,
        "first_query_after_load_ms": rnd(median([c["in_page_ms"] for c in cold]), 1),
        "first_query_after_load_worst_ms": rnd(max((c["in_page_ms"] or 0) for c in cold), 1),
        "per_query_median_ms": {q: rnd(median(v), 1) for q, v in per_query.items()},
        "results_per_query": results_count,
    }
    s = result["search"]
    say(f"    搜索：中位数 {s['median_ms']} ms，最慢 {s['worst_ms']} ms（{s['worst_query']}），"
        f"加载后第一次 {s['first_query_after_load_ms']} ms")
    return result


# ============================================================== 4. 链接检查
LINKCHECKER_RC = """[filtering]
checkextern=0
[output]
status=0
"""


def _linkchecker_summary(output: str) -> dict:
    summary = re.search(r"(\d+) links? in (\d+) URLs? checked", output)
    errors = re.search(r"(\d+) errors? found", output)
    warnings = re.search(r"(\d+) warnings? found", output)
    kinds = sorted(set(re.findall(r"Warning\s+\[([a-z0-9-]+)\]", output)))
    return {"links_checked": int(summary.group(1)) if summary else None,
            "urls_checked": int(summary.group(2)) if summary else None,
            "errors": int(errors.group(1)) if errors else None,
            "warnings": int(warnings.group(1)) if warnings else None,
            "warning_kinds": kinds}


def part_linkcheck(site: Path, runs: int, anchor_runs: int) -> dict:
    """tools.linkcheck 对 linkchecker，检查同一个构建目录。

    linkchecker 用文件模式（SITE/index.html）：经 HTTP 检查时它遵守页面的
    <meta name="robots" content="noindex, nofollow">，只查首页一页就停。它的锚点检查是插件
    AnchorCheck，要在配置文件里打开，且对目录式 URL（incident/templates/#锚点）只给警告、不检查。
    """
    linkchecker = shutil.which("linkchecker", path=str(Path(sys.executable).parent)) or shutil.which("linkchecker")
    say(f"4/5 链接检查：tools.linkcheck 与 linkchecker 交替各 {runs} 次，linkchecker + AnchorCheck {anchor_runs} 次")
    ours, plain, anchored = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        rc_plain, rc_anchor = Path(tmp) / "plain.rc", Path(tmp) / "anchor.rc"
        rc_plain.write_text(LINKCHECKER_RC, encoding="utf-8")
        rc_anchor.write_text(LINKCHECKER_RC + "[AnchorCheck]\n", encoding="utf-8")
        env = build_env(HOME=tmp)
        start = str(site / "index.html")

        def checker(rc: Path) -> Build:
            return measure([linkchecker, "--config", str(rc), "--no-robots", "--no-status", start],
                           cwd=Path(tmp), env=env)

        for i in range(runs):
            ours.append(measure([sys.executable, "-m", "tools.linkcheck", str(site)], cwd=ROOT, env=build_env()))
            if linkchecker:
                plain.append(checker(rc_plain))
            say(f"    第 {i + 1} 轮：tools.linkcheck {ours[-1].wall_s:.2f} s"
                + (f"，linkchecker {plain[-1].wall_s:.2f} s" if plain else "（linkchecker 未安装）"))
        for _ in range(anchor_runs if linkchecker else 0):
            anchored.append(checker(rc_anchor))
            say(f"    linkchecker + AnchorCheck：{anchored[-1].wall_s:.2f} s")
    problems = [line for line in ours[-1].output.splitlines() if ": " in line]
    result: dict = {"ours": summarise(ours) | {
        "exit_code": ours[-1].returncode, "problems": len(problems) if ours[-1].returncode else 0,
        "command": "python -m tools.linkcheck SITE"}}
    if plain:
        result["linkchecker"] = summarise(plain) | {"exit_code": plain[-1].returncode,
                                                    "command": "linkchecker --no-robots SITE/index.html"} \
            | _linkchecker_summary(plain[-1].output)
        result["ratio_wall"] = rnd(result["linkchecker"]["wall_s_median"] / result["ours"]["wall_s_median"], 1)
    if anchored:
        result["linkchecker_anchors"] = summarise(anchored) | {
            "exit_code": anchored[-1].returncode,
            "command": "linkchecker --config RC --no-robots SITE/index.html（RC 中启用 [AnchorCheck]）"} \
            | _linkchecker_summary(anchored[-1].output)
        result["ratio_wall_anchors"] = rnd(
            result["linkchecker_anchors"]["wall_s_median"] / result["ours"]["wall_s_median"], 1)
    return result


# ============================================================== 5. Lighthouse
def _lighthouse(site: Path, categories: str = "") -> dict:
    if not (BENCH / "node_modules" / "lighthouse").is_dir():
        raise RuntimeError("缺少 bench/node_modules：先运行 npm ci --prefix bench")
    with serve(site) as base, tempfile.TemporaryDirectory() as tmp:
        urls = {kind: base + path for kind, path in PAGE_TYPES.items()}
        out = Path(tmp) / "lighthouse.json"
        proc = subprocess.run(["node", str(BENCH / "lighthouse.mjs"), json.dumps(urls), str(out),
                               " ".join(CHROMIUM_FLAGS), categories],
                              cwd=BENCH, env=build_env(CHROME_PATH=CHROMIUM), capture_output=True, text=True,
                              timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"Lighthouse 失败：\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def part_lighthouse(site: Path, bare_site: Path | None) -> dict:
    say(f"5/5 Lighthouse：{len(PAGE_TYPES)} 类页面（desktop 预设，同一个 Chromium，四类评分）")
    data = _lighthouse(site)
    for kind, entry in data["pages"].items():
        s = entry["scores"]
        say(f"    {kind:10s} 性能 {s.get('performance')}，无障碍 {s.get('accessibility')}，"
            f"最佳实践 {s.get('best-practices')}，SEO {s.get('seo')}"
            + (f"；未通过：{', '.join(a['id'] for a in entry['failed'] if a['category'] != 'performance')}"
               if entry["failed"] else ""))
    if bare_site and bare_site.is_dir():
        say("    对照：同样的页面用裸 Material 构建（第 1 部分），只跑无障碍")
        bare = _lighthouse(bare_site, "accessibility")
        data["bare_material_accessibility"] = {
            kind: {"score": entry["scores"].get("accessibility"),
                   "failed": [a["id"] for a in entry["failed"] if a["category"] == "accessibility"]}
            for kind, entry in bare["pages"].items()}
        for kind, entry in data["bare_material_accessibility"].items():
            say(f"    裸 Material {kind:10s} 无障碍 {entry['score']}：{', '.join(entry['failed']) or '全部通过'}")
    return data


# ============================================================== 报告
def _fmt(value, suffix="") -> str:
    return "—" if value is None else f"{value}{suffix}"


def _bar(value: float, top: float, width: int = 30) -> str:
    return "█" * max(1, round(width * value / top)) if top else ""


def scaling_notes(rows: list[dict]) -> list[str]:
    def find(structure, prune, pages):
        return next((r for r in rows if (r["structure"], r["prune"], r["pages"]) == (structure, prune, pages)), None)

    notes = []
    for r in rows:
        p = find("nested", True, r["pages"])
        if not p or r is p:
            continue
        if r["structure"] == "nested" and not r["prune"]:
            what = "去掉 navigation.prune"
        elif r["structure"] == "flat":
            what = "flat 导航（第一层直接是节，手册现在的形状）即使开着 prune"
        else:
            what = "grouped 导航（部分 → 节，没有章这一层）"
        notes.append(
            f"- {r['pages']} 页，{what}：CPU {p['cpu_s_median']} → {r['cpu_s_median']} s"
            f"（{r['cpu_s_median'] / p['cpu_s_median']:.2f}×），站点 {p['site_mb']} → {r['site_mb']} MB，"
            f"每页导航链接 {p['nav_links_per_page']} → {r['nav_links_per_page']}，峰值内存 "
            f"{p['peak_rss_mb_max']} → {r['peak_rss_mb_max']} MB。")
    if notes:
        notes = ["对照（相对同样页数的 nested + prune）：", ""] + notes + [
            "",
            "结论：stock Material 在每页重复整个导航，构建时间和站点大小随页数的平方增长。"
            "`navigation.prune` 只剪第二层及以下不在当前路径上的分支；`navigation.sections` 让第一层总是展开、"
            "不剪，所以只有一层栏目的导航（flat）开了 prune 也和没开一样。线性增长要靠“prune + 分层的导航”："
            "第一层放少数几个部分，章、节放在下面几层，每页只带各部分、各章的标题和当前路径上的节与页面。"
            "手册现在只有一层栏目，页数少时无妨；某个栏目超过几十页时，应在它下面分出第二层。"]
    return notes


def markdown_report(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# 手册基准测试报告",
        "",
        f"运行于 {m['date']}，提交 {m['commit']}；`python -m bench.run{report['args']}`，"
        f"共用时 {report['total_s']:.0f} s。",
        "",
        *([report["note"], ""] if report.get("note") else []),
        "## 本机",
        "",
        f"- CPU：{m['cpu']}，{m['usable_cores']} 个可用核心；内存 {m['memory_gib']} GiB",
        f"- 系统：{m['os']}（内核 {m['kernel']}），Python {m['python']}",
        "- " + "，".join(f"{k} {v}" for k, v in m["packages"].items() if v),
        f"- {m['chromium']}；Node {m['node']}；lighthouse {m['lighthouse']}；axe-core {m['axe_core']}",
        f"- 平均负载（1/5/15 分钟）：开始时 {m['load_average_start']}，结束时 {m.get('load_average_end')}。"
        "负载高于核心数时，墙钟时间受同机其他进程影响，CPU 时间较稳定。",
        "",
    ]
    b = report.get("build")
    if b:
        lines += [
            "## 1. 构建成本：手册对裸 Material",
            "",
            "同一份 Markdown（宏已展开）、同样的 markdown_extensions 和 jieba 搜索，交替构建取中位数；"
            f"目标不超过 {b['target']:.2f}×。方法、剖析和对照实验见 [build-cost.md](build-cost.md)。",
            "",
            "| 页数 | 手册 CPU | 裸 Material CPU | CPU 比值 | 逐轮比值 | 墙钟比值 |",
            "|---|---|---|---|---|---|",
        ]
        for pages, e in b["sizes"].items():
            lines.append(f"| {pages} | {e['handbook_cpu']['median']:.2f} s | {e['bare_cpu']['median']:.2f} s | "
                         f"**{e['cpu']['ratio']:.2f}×** | {e['cpu']['paired_min']:.2f}–{e['cpu']['paired_max']:.2f}× | "
                         f"{e['wall']['ratio']:.2f}× |")
        lines.append("")
    s = report.get("scaling")
    if s:
        rows = s["rows"]
        lines += [
            "## 2. 规模：100、400、1,600 页",
            "",
            f"手册的 {s['real_pages']} 个真实页面加上合成页面（bench/synthetic.py：固定种子拼出的运维中文，"
            "每页约 3 KB，有 H2/H3、步骤、任务清单、表格、提示框、带锚点的站内链接和宏调用），用手册的 mkdocs.yml"
            "（全部插件、钩子、主题覆盖、jieba 搜索）构建，只在 nav 末尾接上合成页面。",
            f"导航结构 nested：部分 → 章 → 节 → 页，每部分 {s['chapters_per_part']} 章，每章 {s['sections_per_chapter']} 节，"
            f"每节 {s['section_pages']} 页（第一页是节的 index.md）；flat：第一层直接是节，和手册现在的导航同形；"
            f"grouped：部分 → 节（每部分 {s['sections_per_part']} 节）。"
            "“边际”是比同一配置的上一个规模每多一页多花的墙钟时间和站点空间；"
            "“导航链接”是一个合成页面里侧栏导航和目录的链接数。",
            "",
            "| 结构 | prune | 页数 | 构建（墙钟） | CPU | 边际 | 峰值内存 | 站点 | 边际空间 | 搜索索引 | 导航链接 |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            marginal = (f"{r['marginal_ms_per_page']} ms/页（{r['marginal_from']}→）"
                        if r.get("marginal_ms_per_page") is not None else "—")
            space = f"{r['marginal_kb_per_page']} KB/页" if r.get("marginal_kb_per_page") is not None else "—"
            lines.append(
                f"| {r['structure']} | {'是' if r['prune'] else '否'} | {r['pages']} | {r['wall_s_median']} s"
                f"{'（' + str(r['runs']) + ' 次中位数）' if r['runs'] > 1 else ''} | "
                f"{r['cpu_s_median']} s | {marginal} | {r['peak_rss_mb_max']} MB | {r['site_mb']} MB | {space} | "
                f"{r['search_index_mb']} MB | {r['nav_links_per_page']} |")
        top = max(r["wall_s_median"] for r in rows)
        lines += ["", "构建时间（墙钟）：", "", "```"]
        for r in sorted(rows, key=lambda r: (r["structure"], not r["prune"], r["pages"])):
            label = f"{r['structure']:7s} {'prune' if r['prune'] else '     '} {r['pages']:5d} 页"
            lines.append(f"{label}  {_bar(r['wall_s_median'], top, 40)} {r['wall_s_median']} s")
        lines += ["```", ""]
        fit = s.get("fit")
        if fit:
            lines.append(
                f"nested + prune 的 CPU 时间按“固定成本 + 每页成本 × 页数”拟合：固定 {fit['fixed_cpu_s']} s"
                f"（Python 启动、导入、jieba 词典、数据文件校验），每页 {fit['cpu_ms_per_page']} ms；"
                f"各规模与直线的最大偏差 {fit['worst_residual_pct']}%。")
        lines += [""] + scaling_notes(rows) + [""]
    br = report.get("browser")
    if br:
        lines += [
            "## 3. Chromium：每类页面的加载和搜索",
            "",
            "每次加载用新的浏览器上下文（冷缓存），站点由 Python 的 http.server 在 127.0.0.1 上提供（不压缩）。"
            "字节数是页面与它的全部请求（含 Web Worker 取搜索索引）的响应头加响应体，等网络空闲后统计；"
            "“gzip 后”是同样这些文件按 gzip -6 压缩的估算。时间取导航计时（中位数）。",
            "",
            "| 页面类型 | 页面 | 请求 | 传输合计 | gzip 后 | HTML | CSS | JS | 搜索索引 | FCP | DOMContentLoaded | load（最慢） |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for kind, r in br["pages"].items():
            t = r["kb_by_type"]
            fetch = t.get("fetch", 0) + t.get("xhr", 0)
            lines.append(f"| {kind} | {r['path']} | {r['requests']} | {r['kb_transferred']} KB | {r['kb_if_gzipped']} KB | "
                         f"{t.get('document', 0)} KB | {t.get('stylesheet', 0)} KB | {t.get('script', 0)} KB | "
                         f"{rnd(fetch, 1)} KB | {_fmt(r['fcp_ms'], ' ms')} | {r['dcl_ms']} ms | "
                         f"{r['load_ms']} ms（{r['load_ms_max']} ms） |")
        q = br["search"]
        lines += [
            "",
            f"搜索延迟：{q['queries']} 个中文查询各 {q['repeats']} 次，从输入框的 keyup 到第一批结果出现在页面上"
            "（页面内 performance.now()，含 Worker 里的 lunr 查询和渲染）。",
            "",
            f"- 中位数 **{q['median_ms']} ms**，P90 {q['p90_ms']} ms，最慢 **{q['worst_ms']} ms**（“{q['worst_query']}”）",
            f"- 页面加载后立即搜索（要等 Worker 下载并建好索引）：中位数 {q['first_query_after_load_ms']} ms，"
            f"最慢 {q['first_query_after_load_worst_ms']} ms",
            "- 各查询的中位数（结果数）：" + "，".join(
                f"{k} {v} ms（{q['results_per_query'].get(k)}）" for k, v in q["per_query_median_ms"].items()),
        ]
        if q["no_result_or_timeout"]:
            lines.append(f"- 没有结果或超时：{'、'.join(q['no_result_or_timeout'])}")
        lines.append("")
    lc = report.get("linkcheck")
    if lc:
        o = lc["ours"]
        lines += [
            "## 4. 链接检查",
            "",
            "同一个构建好的手册站点（第 1 部分的构建），各工具交替运行，取中位数。",
            "",
            "| 工具 | 墙钟时间 | CPU 时间 | 峰值内存 | 结果 |",
            "|---|---|---|---|---|",
            f"| `{o['command']}` | {o['wall_s_median']} s | {o['cpu_s_median']} s | {o['peak_rss_mb_median']} MB | "
            f"退出码 {o['exit_code']}，问题 {o['problems']} 个 |",
        ]
        version = report["machine"]["packages"].get("linkchecker")
        for key, label in (("linkchecker", "不查锚点"), ("linkchecker_anchors", "AnchorCheck 查锚点")):
            t = lc.get(key)
            if t:
                lines.append(
                    f"| linkchecker {version}（{label}，{t['runs']} 次） | {t['wall_s_median']} s | {t['cpu_s_median']} s | "
                    f"{t['peak_rss_mb_median']} MB | 退出码 {t['exit_code']}，{t['urls_checked']} 个 URL，"
                    f"错误 {t['errors']}，警告 {t['warnings']}"
                    + (f"（{'、'.join(t['warning_kinds'])}）" if t["warning_kinds"] else "") + " |")
        if lc.get("linkchecker"):
            lines += [
                "",
                f"linkchecker 不查锚点时慢 {lc['ratio_wall']} 倍"
                + (f"，打开 AnchorCheck 后慢 {lc['ratio_wall_anchors']} 倍" if lc.get("ratio_wall_anchors") else "")
                + "。linkchecker 用文件模式（`linkchecker --no-robots SITE/index.html`）：经 HTTP 检查时它遵守页面里的 "
                "`<meta name=\"robots\" content=\"noindex, nofollow\">`，只查首页就停。它的 AnchorCheck 插件把每个“页面#锚点”"
                "当作一个 URL 逐个解析，而且对目录式 URL（`incident/templates/#事件记录`）只给 file-anchorcheck-directory "
                "警告、并不检查——手册的站内锚点几乎都是这种形式。tools.linkcheck 一次读入每个页面，检查链接、锚点"
                "（原文和百分号编码的中文）、资源文件、外部请求和可达性。",
            ]
        lines.append("")
    lh = report.get("lighthouse")
    if lh:
        lines += [
            "## 5. 无障碍与 Lighthouse",
            "",
            f"lighthouse {lh.get('version')}，{lh.get('preset')} 预设，Chromium 无头模式（--headless=new，"
            f"`{' '.join(lh.get('chrome_flags', []))}`），站点在 127.0.0.1 上；性能分是 Lighthouse 的模拟节流结果。",
            "",
            "| 页面类型 | 性能 | 无障碍 | 最佳实践 | SEO | FCP | LCP | TBT | 总字节 | 未通过的审计（性能类除外） |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for kind, entry in lh["pages"].items():
            sc, mt = entry["scores"], entry["metrics"]
            failed = "，".join(f"{a['id']}（{a['category']}）" for a in entry["failed"]
                              if a["category"] != "performance") or "无"
            lines.append(f"| {kind} | {_fmt(sc.get('performance'))} | {_fmt(sc.get('accessibility'))} | "
                         f"{_fmt(sc.get('best-practices'))} | {_fmt(sc.get('seo'))} | {_fmt(mt.get('fcp_ms'), ' ms')} | "
                         f"{_fmt(mt.get('lcp_ms'), ' ms')} | {_fmt(mt.get('tbt_ms'), ' ms')} | "
                         f"{_fmt(rnd((mt.get('total_bytes') or 0) / 1024, 0), ' KB')} | {failed} |")
        bare = lh.get("bare_material_accessibility")
        if bare:
            lines += ["", "对照：同一份 Markdown 的裸 Material 构建（第 1 部分），Lighthouse 无障碍分：", "",
                      "| 页面类型 | 裸 Material | 失分的审计 | 手册 |", "|---|---|---|---|"]
            for kind, entry in bare.items():
                ours = lh["pages"].get(kind, {}).get("scores", {}).get("accessibility")
                lines.append(f"| {kind} | {_fmt(entry['score'])} | {'，'.join(entry['failed']) or '无'} | {_fmt(ours)} |")
        lines += ["", *A11Y_NOTES, ""]
    lines += ["## 限制与说明", ""] + [f"- {note}" for note in report.get("limits", [])] + [""]
    return "\n".join(lines)


LIMITS = [
    "本机只有 2 个核心，且可能有其他进程同时运行（见平均负载）；墙钟时间会随之波动，CPU 时间受影响较小。"
    "每项取中位数，原始数据在 report.json 的 each 字段。",
    "峰值内存是 os.wait4() 给出的 ru_maxrss：构建进程树里最大的单个进程的常驻内存，不是各进程之和；"
    "mkdocs 构建只有一个 Python 进程（外加一次短暂的 git），所以就是构建本身的峰值。",
    "构建计时包括 Python 启动、导入、jieba 载入词典（使用 /tmp 下的 jieba 缓存）和写盘；页面缓存是热的。",
    "浏览器传输字节数来自 Python http.server：不压缩、无 HTTP/2；生产环境的 Web 服务器开启 gzip 后约为“gzip 后”一列。"
    "加载时间是本机回环网络上的数值，不含网络延迟。",
    "Lighthouse 性能分用模拟节流（desktop 预设），同一页面多次运行相差几分属正常；无障碍分只取决于页面结构和样式，是确定的。",
    "axe-core 与 Lighthouse 只能自动查出一部分无障碍问题；键盘操作顺序、读屏朗读效果、中文读音等仍需人工检查。",
]


A11Y_NOTES = [
    "裸 Material 在这些页面上失分的审计和手册的修正（tests/test_a11y.py 用 axe-core 在浅色、深色两种方案下逐类页面检查，"
    "要求零违规，并另外打开 Lighthouse 计分的 target-size）：",
    "",
    "- aria-dialog-name：搜索框 `div.md-search[role=dialog]` 没有名称 → overrides/partials/search.html 加 `aria-label`。",
    "- color-contrast：页脚版权和构建标记 4.47:1 → 页脚浅色文字改为 60% 白（约 7.1:1）；搜索结果上方的计数"
    "浅色 4.41:1、深色 4.05:1 → 正文颜色；深色方案的描边按钮 2.34:1 → 链接色（4.65:1）。"
    "悬停状态 axe 不查，测试单独检查：强调色 #526cfe 在白底 4.26:1、深色底 3.78:1 → #3d5afe（5.13:1）和 #8c9eff（6.48:1）。"
    "均在 docs/assets/stylesheets/a11y.css。",
    "- link-in-text-block：正文链接只靠颜色区分（浅色 2.35:1、深色 1.92:1）→ 正文链接加下划线（a11y.css）。",
    "- target-size：侧栏导航和目录链接 18.2 px 高 → 上下加 3 px 内边距、外边距减去同样的量（a11y.css），行距不变。",
    "- label：Material 的任务清单复选框没有标签 → 手册的检查单引擎给自己的复选框加标签。",
    "- landmark-unique（axe 报告，Lighthouse 不计分）：有索引页的栏目导航 `nav[aria-labelledby]` 指向只含图标的 label，"
    "名称为空；content.code.copy 给每个代码块插入的 `nav.md-code__nav` 也没有名称。",
    "- SEO 的 is-crawlable 不通过是有意的：内网手册的每页都有 `<meta name=\"robots\" content=\"noindex, nofollow\">`。",
]


# ============================================================== 主程序
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="少跑几次、规模只到 400 页（试运行用，数字不作准）")
    parser.add_argument("--only", nargs="+", choices=("build-cost", "build", "scaling", "browser", "linkcheck", "lighthouse"),
                        help="只跑其中几项（build 是 build-cost 的旧名）")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--full", action="store_true",
                        help="规模部分另测 1,600 页不开 prune 和 1,600 页 grouped 导航（多约 5 分钟）")
    parser.add_argument("--keep", action="store_true", help="保留 bench/work/ 中的临时项目和站点")
    parser.add_argument("--note", default="", help="写在报告开头的一句说明（例如测的是哪份工作区）")
    args = parser.parse_args(argv)
    parts = set(args.only or ("build-cost", "scaling", "browser", "linkcheck", "lighthouse"))
    if "build" in parts:
        parts = (parts - {"build"}) | {"build-cost"}
    quick = args.quick

    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    shown = [a for a in (argv if argv is not None else sys.argv[1:])]
    if "--note" in shown:   # 说明另行写出，不重复在命令行里
        i = shown.index("--note")
        del shown[i:i + 2]
    report: dict = {"machine": machine(), "limits": list(LIMITS), "note": args.note,
                    "args": "".join(f" {a}" for a in shown)}
    say(f"本机：{report['machine']['cpu']}，{report['machine']['usable_cores']} 核，"
        f"{report['machine']['memory_gib']} GiB；平均负载 {report['machine']['load_average_start']}")
    site = None
    try:
        if "build-cost" in parts:
            report["build"] = part_build_cost(quick, args.out)
        if site is None and parts & {"browser", "linkcheck", "lighthouse"}:
            say("构建手册（供浏览器、链接检查和 Lighthouse 使用）")
            site = WORK / "site-handbook"
            mkdocs_build(ROOT, site)
        if "scaling" in parts:
            report["scaling"] = part_scaling(
                sizes=[100, 400] if quick else [100, 400, 1600],
                compare=[100] if quick else [100, 400, 1600] if args.full else [100, 400],
                flat=[] if quick else [400],
                grouped=[1600] if args.full else [],
                runs_small=1 if quick else 3)
        if "browser" in parts:
            report["browser"] = part_browser(site, loads=2 if quick else 3, repeats=1 if quick else 3)
        if "linkcheck" in parts:
            report["linkcheck"] = part_linkcheck(site, runs=1 if quick else 3, anchor_runs=1)
        if "lighthouse" in parts:
            report["lighthouse"] = part_lighthouse(site, bare_material_site())
    finally:
        report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        report["total_s"] = round(time.perf_counter() - T0, 1)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
        (args.out / "report.md").write_text(markdown_report(report), encoding="utf-8")
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
    say(f"完成：{args.out / 'report.md'}，{args.out / 'report.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
