"""构建成本：手册对同一份 Markdown 的“裸” Material，39 页（手册本身）和 400 页（bench/synthetic.py 扩充），
比较构建进程的 CPU 时间（用户 + 系统，含它的子进程），并按阶段和模块剖析多出来的时间花在哪里。

    python -m bench.buildcost                      # 测量 + 剖析，写 bench/results/build-cost.md 与 .json
    python -m bench.buildcost --quick              # 少跑几轮（试运行，数字不作准）
    python -m bench.buildcost --sizes 39 --runs 7 --no-profile
    python -m bench.buildcost --variants           # 另测 bench/variants.py 里的改动各省多少

“裸” Material 项目的做法（bare_project）：

1. 在手册项目里跑一次构建，记下每页在全部插件和钩子的 on_page_markdown 之后、转成 HTML 之前的 Markdown
   （宏已展开；bench/inproc.py 的 capture），以及构建时实际生效的 theme.features；
2. 新项目的 docs/ 是手册 docs/ 的副本，每个页面换成“原来的 front matter + 记下的 Markdown”；
3. mkdocs.yml 只有 site_name、site_url、`theme: material`（language zh、font false、同样的 features）、
   与手册同样设置的 search 插件（lang zh，jieba 分词和用户词典）、手册原样的 markdown_extensions
   （含 pymdownx.snippets 的 auto_append 缩写表和 abbr）与 nav。

所以两边送进 Markdown 转换的文本逐字相同，扩展和搜索分词的工作量相同；差别只在手册自己加的东西：
mkdocs-macros（导入、define_env、每页的 Jinja 渲染）、钩子、主题覆盖、extra_css/extra_javascript、
offline 插件（关闭，同内网构建）、strict 与 validation。

计时：每次构建是一个子进程 ``python -m mkdocs build``，用 os.wait4() 取它（及其已回收子进程，如 git）的
ru_utime + ru_stime。两边交替运行（ABBA：A B / B A / A B ……，抵消机器负载的漂移），先各预热一次，取中位数。
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bench import synthetic
from bench.run import measure

ROOT = synthetic.ROOT
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
SITE_URL = "http://127.0.0.1:8000/"
TARGET = 1.10


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ============================================================== 子进程与计时
def build_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for name in ("HANDBOOK_ENV", "HANDBOOK_OFFLINE"):   # 内网构建：非生产检查、offline 插件关闭
        env.pop(name, None)
    env["HANDBOOK_SITE_URL"] = SITE_URL
    env["PYTHONPATH"] = str(ROOT)                          # python -m bench.inproc 从任何项目目录都能找到
    env.update(extra)
    return env


def cpu_run(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 1200) -> tuple[float, float, str]:
    """运行子进程，返回 (CPU 秒, 墙钟秒, 输出)；失败时抛出 RuntimeError，附输出末尾。"""
    result = measure(args, cwd=cwd, env=env or build_env(), timeout=timeout)
    if result.returncode != 0:
        tail = "\n".join(result.output.strip().splitlines()[-15:])
        raise RuntimeError(f"{' '.join(args[1:4])} 失败（{cwd}，退出码 {result.returncode}）：\n{tail}")
    return result.cpu_s, result.wall_s, result.output


def mkdocs_build(project: Path, site: Path) -> tuple[float, float]:
    cpu, wall, _ = cpu_run([sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "--site-dir", str(site)],
                           cwd=project)
    return cpu, wall


# ============================================================== 项目
class _Loose(yaml.SafeLoader):
    """读 mkdocs.yml 用：!ENV、!!python/... 等标签一律读成 None，只为取出普通的键值。"""


_Loose.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loose.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_config(project: Path) -> dict:
    return yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loose)


def top_level_block(text: str, key: str) -> str:
    """mkdocs.yml 中某个顶层键的整段原文（含键本身），到下一个顶层键为止。"""
    match = re.search(rf"^{re.escape(key)}:.*\n", text, flags=re.M)
    if not match:
        raise RuntimeError(f"mkdocs.yml 里找不到 {key}:")
    rest = text[match.end():]
    following = re.search(r"^[^\s#]", rest, flags=re.M)
    return text[match.start():match.end() + (following.start() if following else len(rest))].rstrip() + "\n"


def search_options(config: dict) -> dict:
    for item in config.get("plugins") or []:
        if item == "search":
            return {}
        if isinstance(item, dict) and "search" in item:
            return dict(item["search"] or {})
    return {}


def handbook_project(dest: Path, pages: int) -> Path:
    """手册项目的副本：pages 等于手册页数时原样复制，否则用 bench/synthetic.py 扩充到 pages 页。"""
    if pages == synthetic.real_pages():
        return synthetic.copy_project(dest)
    return synthetic.generate(dest, pages)


def front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[:end + 5]
    return ""


def capture(project: Path, out: Path) -> dict:
    """在 project 里构建一次，记下每页送进 Markdown 转换的文本；返回构建时生效的配置片段。"""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cpu_run([sys.executable, "-m", "bench.inproc", "capture", str(out.parent / (out.name + "-site")), str(out)],
            cwd=project)
    shutil.rmtree(out.parent / (out.name + "-site"), ignore_errors=True)
    return json.loads((out / "_config.json").read_text(encoding="utf-8"))


def bare_project(handbook: Path, dest: Path) -> Path:
    """同一份（已展开宏的）Markdown 的裸 Material 项目，见模块说明。"""
    captured = dest.parent / (dest.name + "-capture")
    seen = capture(handbook, captured)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    config = read_config(handbook)
    docs = handbook / config.get("docs_dir", "docs")
    shutil.copytree(docs, dest / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    pages = 0
    for page in captured.rglob("*.md"):
        uri = page.relative_to(captured)
        source = (docs / uri).read_text(encoding="utf-8")
        (dest / "docs" / uri).write_text(front_matter(source) + page.read_text(encoding="utf-8"), encoding="utf-8")
        pages += 1
    # 扩展和搜索要读的文件：snippets 的 auto_append、jieba 用户词典（相对于项目目录）
    text = (handbook / "mkdocs.yml").read_text(encoding="utf-8")
    search = search_options(config)
    needed = [search["jieba_dict_user"]] if search.get("jieba_dict_user") else []
    needed += re.findall(r"^\s*-\s*(\S+\.md)\s*$", top_level_block(text, "markdown_extensions"), flags=re.M)
    for rel in needed:
        if (handbook / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(handbook / rel, dest / rel)
    theme = {"name": "material", "language": (config.get("theme") or {}).get("language", "zh"),
             "font": False, "features": seen["features"]}
    head = {"site_name": config["site_name"], "site_url": SITE_URL, "docs_dir": "docs",
            "use_directory_urls": seen.get("use_directory_urls", True), "theme": theme,
            "plugins": [{"search": search}] if search else ["search"]}
    body = yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=1000)
    (dest / "mkdocs.yml").write_text(
        body + top_level_block(text, "markdown_extensions") + top_level_block(text, "nav"), encoding="utf-8")
    shutil.rmtree(captured, ignore_errors=True)
    return dest


# ============================================================== 统计
def median(values: list[float]) -> float:
    return statistics.median(values)


def bootstrap_ratio(a: list[float], b: list[float], rounds: int = 4000, seed: int = 1) -> tuple[float, float]:
    """中位数之比的自助法 90% 区间（两边各自有放回重抽）。"""
    rng = random.Random(seed)
    ratios = sorted(median(rng.choices(a, k=len(a))) / median(rng.choices(b, k=len(b))) for _ in range(rounds))
    return ratios[int(rounds * 0.05)], ratios[int(rounds * 0.95) - 1]


def spread(values: list[float]) -> dict:
    m = median(values)
    return {"median": round(m, 3), "min": round(min(values), 3), "max": round(max(values), 3),
            "cv_pct": round(statistics.stdev(values) / statistics.fmean(values) * 100, 1) if len(values) > 1 else 0.0}


def compare(a_runs: list[float], b_runs: list[float]) -> dict:
    paired = [x / y for x, y in zip(a_runs, b_runs)]
    low, high = bootstrap_ratio(a_runs, b_runs)
    return {"ratio": round(median(a_runs) / median(b_runs), 3),
            "paired_median": round(median(paired), 3), "paired_min": round(min(paired), 3),
            "paired_max": round(max(paired), 3), "ci90": [round(low, 3), round(high, 3)]}


def interleave(projects: dict[str, Path], site: Path, runs: int, label: str) -> dict[str, dict]:
    """各项目交替构建（每轮顺序颠倒：ABBA），先各预热一次；返回每个项目的 CPU 与墙钟时间列表。"""
    names = list(projects)
    for name in names:
        mkdocs_build(projects[name], site / name)
    out = {name: {"cpu": [], "wall": []} for name in names}
    for i in range(runs):
        order = names if i % 2 == 0 else names[::-1]
        line = []
        for name in order:
            cpu, wall = mkdocs_build(projects[name], site / name)
            out[name]["cpu"].append(cpu)
            out[name]["wall"].append(wall)
            line.append(f"{name} {cpu:.2f}")
        say(f"    {label} 第 {i + 1}/{runs} 轮 CPU 秒：{'，'.join(line)}；负载 {os.getloadavg()[0]:.1f}")
    return out


# ============================================================== 剖析
def profile(projects: dict[str, Path], work: Path, runs: int, label: str) -> dict[str, dict]:
    """每个项目在进程内采样剖析 runs 次（交替），各阶段、模块、函数的毫秒数取平均。"""
    totals: dict[str, list[dict]] = {name: [] for name in projects}
    for i in range(runs):
        for name, project in (projects.items() if i % 2 == 0 else reversed(projects.items())):
            out = work / f"profile-{name}.json"
            cpu_run([sys.executable, "-m", "bench.inproc", "profile", str(work / f"site-profile-{name}"), str(out)],
                    cwd=project)
            totals[name].append(json.loads(out.read_text(encoding="utf-8")))
        say(f"    {label} 剖析第 {i + 1}/{runs} 轮")
    result = {}
    for name, items in totals.items():
        merged: dict = {"cpu_ms": round(statistics.fmean(x["cpu_ms"] for x in items), 1),
                        "samples": sum(x["samples"] for x in items), "runs": len(items)}
        for key in ("phases", "modules", "cells", "functions"):
            acc: dict[str, float] = {}
            for x in items:
                for k, v in x[key].items():
                    acc[k] = acc.get(k, 0.0) + v / len(items)
            merged[key] = {k: round(v, 1) for k, v in sorted(acc.items(), key=lambda kv: -kv[1])}
        result[name] = merged
    return result


def delta_table(h: dict, b: dict, key: str, pages: int, limit: int = 25) -> list[dict]:
    rows = []
    for name in set(h[key]) | set(b[key]):
        hv, bv = h[key].get(name, 0.0), b[key].get(name, 0.0)
        rows.append({"name": name, "handbook_ms": round(hv, 1), "bare_ms": round(bv, 1),
                     "extra_ms": round(hv - bv, 1), "extra_ms_per_page": round((hv - bv) / pages, 2)})
    rows.sort(key=lambda r: -r["extra_ms"])
    return rows[:limit]


# ============================================================== 主流程
def run(sizes: list[int], runs: int, profile_runs: int, work: Path, variants: bool = False,
        variant_runs: int = 5) -> dict:
    say(f"构建成本：手册对裸 Material，{'、'.join(map(str, sizes))} 页，交替各 {runs} 次"
        + (f"，剖析各 {profile_runs} 次" if profile_runs else ""))
    report: dict = {"target": TARGET, "runs": runs, "sizes": {}, "load_start": [round(x, 2) for x in os.getloadavg()]}
    for pages in sizes:
        say(f"  {pages} 页：准备项目")
        base = work / f"p{pages}"
        handbook = handbook_project(base / "handbook", pages)
        bare = bare_project(handbook, base / "bare")
        times = interleave({"handbook": handbook, "bare": bare}, base / "site", runs, f"{pages} 页")
        h, b = times["handbook"], times["bare"]
        entry = {
            "pages": pages,
            "handbook_cpu": spread(h["cpu"]), "bare_cpu": spread(b["cpu"]),
            "handbook_wall": spread(h["wall"]), "bare_wall": spread(b["wall"]),
            "cpu": compare(h["cpu"], b["cpu"]), "wall": compare(h["wall"], b["wall"]),
            "each": {"handbook_cpu": [round(x, 3) for x in h["cpu"]], "bare_cpu": [round(x, 3) for x in b["cpu"]],
                     "handbook_wall": [round(x, 3) for x in h["wall"]], "bare_wall": [round(x, 3) for x in b["wall"]]},
            "extra_cpu_ms": round((median(h["cpu"]) - median(b["cpu"])) * 1000),
            "bare_config": (bare / "mkdocs.yml").read_text(encoding="utf-8"),
        }
        say(f"  {pages} 页：CPU 比值 {entry['cpu']['ratio']}×（逐轮 {entry['cpu']['paired_min']}–"
            f"{entry['cpu']['paired_max']}），手册 {entry['handbook_cpu']['median']} s，裸 {entry['bare_cpu']['median']} s")
        if profile_runs:
            prof = profile({"handbook": handbook, "bare": bare}, base, profile_runs, f"{pages} 页")
            entry["profile"] = {
                "handbook_cpu_ms": prof["handbook"]["cpu_ms"], "bare_cpu_ms": prof["bare"]["cpu_ms"],
                "samples": {k: v["samples"] for k, v in prof.items()}, "runs": profile_runs,
                "phases": delta_table(prof["handbook"], prof["bare"], "phases", pages),
                "modules": delta_table(prof["handbook"], prof["bare"], "modules", pages),
                "cells": delta_table(prof["handbook"], prof["bare"], "cells", pages, 40),
                "functions": delta_table(prof["handbook"], prof["bare"], "functions", pages, 30),
            }
        if variants:
            from bench import variants as vmod
            names = None if pages <= synthetic.real_pages() else list(vmod.LARGE)   # 大站点只测主要几项
            entry["variants"] = vmod.measure_all(handbook, base, variant_runs if names is None else max(3, variant_runs - 2),
                                                 f"{pages} 页", names)
        report["sizes"][str(pages)] = entry
        shutil.rmtree(base, ignore_errors=True)
    report["load_end"] = [round(x, 2) for x in os.getloadavg()]
    return report


# ============================================================== 报告
def _pct(x: float) -> str:
    return f"{x:+.0f}%"


def markdown(report: dict) -> str:
    from bench import variants as vmod
    sizes = report["sizes"]
    lines = [
        "# 构建成本：手册对裸 Material",
        "",
        f"目标：手册的构建 CPU 时间不超过同一份 Markdown 的裸 Material 构建的 {report['target']:.2f} 倍（39 页和 400 页）。",
        f"由 `python -m bench.buildcost{report.get('args', '')}` 生成，{report.get('date', '')}，"
        f"提交 {report.get('commit', '?')}，用时 {report.get('total_s', 0):.0f} s；"
        f"平均负载（1/5/15 分钟）开始 {report['load_start']}，结束 {report['load_end']}。",
        "",
        "## 结果",
        "",
        "| 页数 | 手册 CPU（中位数，最小–最大） | 裸 Material CPU | **CPU 比值** | 逐轮比值（最小–最大） "
        "| 自助法 90% 区间 | 多出的 CPU | 墙钟比值 | 离散度（CV，手册/裸） |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, e in sizes.items():
        h, b, c = e["handbook_cpu"], e["bare_cpu"], e["cpu"]
        verdict = "达标" if c["ratio"] <= report["target"] else "未达标"
        lines.append(
            f"| {key} | {h['median']:.2f} s（{h['min']:.2f}–{h['max']:.2f}） | {b['median']:.2f} s（{b['min']:.2f}–{b['max']:.2f}） | "
            f"**{c['ratio']:.2f}×**（{verdict}） | {c['paired_min']:.2f}–{c['paired_max']:.2f}× | "
            f"{c['ci90'][0]:.2f}–{c['ci90'][1]:.2f}× | {e['extra_cpu_ms']} ms（{e['extra_cpu_ms'] / int(key):.1f} ms/页） | "
            f"{e['wall']['ratio']:.2f}× | {h['cv_pct']}% / {b['cv_pct']}% |")
    lines += [
        "",
        f"每边 {report['runs']} 次（另各预热 1 次），两边交替、每轮颠倒顺序（ABBA）。CPU 时间 = 构建子进程（及它回收的子进程，"
        "如 git）的用户 + 系统时间，由 os.wait4() 取得；同机有其他负载时它比墙钟时间稳定得多，但缓存和频率的争用仍会带来几个百分点的波动，"
        "所以同时给出逐轮比值的范围和自助法区间。原始数据见 build-cost.json。",
        "",
    ]
    if any("profile" in e for e in sizes.values()):
        lines += ["## 多出来的 CPU 花在哪里", "",
                  "进程内按 CPU 时间采样（bench/inproc.py：ITIMER_PROF，约 1 ms 一次取整个调用栈），两边交替各剖析几次取平均，"
                  "样本按本进程的 CPU 时间换算成毫秒（不含 git 等子进程）。“阶段”是栈里最外层的插件事件（钩子记作 macros/build_checks.py）"
                  "或 mkdocs 的构建步骤；“模块”是栈顶第一个不属于标准库的帧（标准库里的时间记到调用它的代码上）。",
                  "表中只列手册比裸 Material 多（或少）得最多的项；负数表示手册在这一项上更省。", ""]
        for key, e in sizes.items():
            p = e.get("profile")
            if not p:
                continue
            lines += [f"### {key} 页（剖析各 {p['runs']} 次；"
                      f"进程 CPU 手册 {p['handbook_cpu_ms']:.0f} ms，裸 {p['bare_cpu_ms']:.0f} ms）", "",
                      "按阶段：", "", "| 阶段 | 手册 ms | 裸 ms | 多出 ms/次构建 | 多出 ms/页 |", "|---|---|---|---|---|"]
            lines += [f"| {r['name']} | {r['handbook_ms']} | {r['bare_ms']} | {r['extra_ms']} | {r['extra_ms_per_page']} |"
                      for r in p["phases"] if abs(r["extra_ms"]) >= 5]
            lines += ["", "按阶段 × 模块（多出 ≥ 10 ms 的）：", "",
                      "| 阶段 | 模块 | 手册 ms | 裸 ms | 多出 ms/次构建 | 多出 ms/页 |", "|---|---|---|---|---|---|"]
            for r in p["cells"]:
                if abs(r["extra_ms"]) >= 10:
                    phase, module = r["name"].split("\t")
                    lines.append(f"| {phase} | {module} | {r['handbook_ms']} | {r['bare_ms']} | {r['extra_ms']} | "
                                 f"{r['extra_ms_per_page']} |")
            lines += ["", "按函数（栈顶第一个非标准库函数，多出最多的 12 个）：", "",
                      "| 函数 | 手册 ms | 裸 ms | 多出 ms |", "|---|---|---|---|"]
            lines += [f"| `{r['name']}` | {r['handbook_ms']} | {r['bare_ms']} | {r['extra_ms']} |" for r in p["functions"][:12]]
            lines.append("")
    if any("variants" in e for e in sizes.values()):
        lines += vmod.markdown_section({k: e["variants"] for k, e in sizes.items() if "variants" in e})
    checked: dict = {}
    for extra in sorted(RESULTS.glob("build-cost-variants*.json")):
        checked |= json.loads(extra.read_text(encoding="utf-8"))
    if checked:
        lines += vmod.profile_section(checked)
    first = next(iter(sizes.values()))
    lines += ["## 裸 Material 的 mkdocs.yml", "",
              "由 bench/buildcost.py 的 bare_project() 生成（下面是 " + str(first["pages"])
              + " 页的；nav 从手册的 mkdocs.yml 原样搬来）：", "",
              "```yaml", first["bare_config"].split("\nnav:")[0].rstrip(), "nav: …（与手册相同）", "```", "",
              "页面：手册 docs/ 的副本，每页是原来的 front matter 加上手册构建时送进 Markdown 转换的文本（宏已展开）。"
              "所以两边的 Markdown、扩展（含 snippets 的 auto_append 缩写表、abbr、toc 的 slugify）、搜索分词（jieba 与用户词典）"
              "的工作量相同；差别只在手册自己加的东西：mkdocs-macros、钩子、主题覆盖、extra_css/extra_javascript、"
              "offline 插件（关闭，同内网构建）、strict 与 validation 设置。400 页的项目是 bench/synthetic.py 生成的"
              "（手册的 39 页加 361 个合成页面，nested 导航 + navigation.prune）。", ""]
    return "\n".join(lines)


def write(report: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "build-cost.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    target = out / "build-cost.md"
    target.write_text(markdown(report), encoding="utf-8")
    return target


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "未知"
    return (head or "未知") + ("（工作区有未提交的修改）" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="页数（默认：手册页数和 400）")
    parser.add_argument("--runs", type=int, default=None, help="每边构建次数（默认 5，--quick 时 3）")
    parser.add_argument("--profile-runs", type=int, default=None, help="每边剖析次数（默认 2，--quick 时 1）")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--variants", action="store_true", help="另测 bench/variants.py 里各项改动省下的 CPU")
    parser.add_argument("--variant-runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="少跑几轮（试运行，数字不作准）")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--work", type=Path, default=BENCH / "work" / "build-cost")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sizes = args.sizes or [synthetic.real_pages(), 400]
    runs = args.runs or (3 if args.quick else 5)
    profile_runs = 0 if args.no_profile else (args.profile_runs or (1 if args.quick else 2))
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        report = run(sizes, runs, profile_runs, args.work, args.variants, args.variant_runs)
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    shown = list(argv if argv is not None else sys.argv[1:])
    report |= {"args": "".join(f" {a}" for a in shown), "commit": commit(),
               "date": time.strftime("%Y-%m-%d %H:%M %Z"), "total_s": round(time.perf_counter() - started, 1)}
    say(f"完成：{write(report, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
