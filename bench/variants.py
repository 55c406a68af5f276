"""构建成本的对照实验：在手册项目的副本里做一项改动，和原样的手册、裸 Material 交替构建，看省下多少 CPU，
并核对构建出的站点与原样的手册逐字节相同（不同则列出文件数，这项改动就不能原样采用）。

    python -m bench.buildcost --variants

每项改动是对副本里某个文件的文字替换；替换的原文找不到（代码已经改过）时，这一项记为“不适用”，不算失败。
这些改动只用于测量，不改仓库里的文件；建议的正式做法写在每项的说明里。
"""
from __future__ import annotations

import hashlib
import re
import shutil
import statistics
from pathlib import Path
from typing import Callable

from bench import buildcost


class NotApplicable(Exception):
    """副本里找不到要替换的原文。"""


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise NotApplicable(f"{path.name} 里找不到：{old.strip().splitlines()[0][:60]}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- 各项改动
def yaml_c_loader(project: Path) -> None:
    """数据文件用 libyaml（yaml.CSafeLoader）解析，行号照样来自节点的 start_mark。"""
    _replace(project / "macros" / "datafiles.py", "class _LineLoader(yaml.SafeLoader):",
             "class _LineLoader(yaml.CSafeLoader):")


CACHE = '''

_load_yaml_uncached = load_yaml
_yaml_cache: dict = {}


def load_yaml(path: Path, root: Path = ROOT) -> Any:
    """同一次构建中每个文件只解析一次（按路径和修改时间缓存）。"""
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns, str(root))
    except OSError:
        return _load_yaml_uncached(path, root)
    if key not in _yaml_cache:
        _yaml_cache[key] = _load_yaml_uncached(path, root)
    return _yaml_cache[key]
'''


def yaml_once(project: Path) -> None:
    """每个数据文件每次构建只解析一次：load_yaml 按（路径、修改时间）缓存结果。"""
    path = project / "macros" / "datafiles.py"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^def load_yaml\(.*?(?=^\S)", text, flags=re.M | re.S)
    if not match:
        raise NotApplicable("datafiles.py 里找不到 def load_yaml")
    path.write_text(text[:match.end()].rstrip() + "\n" + CACHE + "\n\n" + text[match.end():], encoding="utf-8")


def yaml_both(project: Path) -> None:
    """上面两项一起：每个文件解析一次，用 libyaml。"""
    yaml_c_loader(project)
    yaml_once(project)


def hook_lazy(project: Path) -> None:
    """钩子的逐页检查：手写值先用一个合并的正则查整页，没有命中就不逐行逐个正则地查；
    只有查出问题时才重读源文件算 front matter 的行数。"""
    _replace(project / "macros" / "build_checks.py",
             '    offset = _front_matter_lines(source)\n'
             '    for finding in handtyped.find(markdown, _state.get("patterns", [])):\n',
             '    findings = handtyped.find(markdown, _state.get("patterns", []))\n'
             '    offset = _front_matter_lines(source) if findings else 0\n'
             '    for finding in findings:\n')
    _replace(project / "macros" / "handtyped.py",
             "    findings = []\n    compiled = list(compiled)\n",
             "    findings = []\n    compiled = list(compiled)\n"
             "    if not compiled or not _combined(compiled).search(markdown):\n        return findings\n")
    path = project / "macros" / "handtyped.py"
    path.write_text(path.read_text(encoding="utf-8") + '''

_COMBINED: dict = {}


def _combined(compiled: list) -> re.Pattern:
    key = tuple(p.pattern for _, p in compiled)
    if key not in _COMBINED:
        _COMBINED[key] = re.compile("|".join(f"(?:{p})" for p in key))
    return _COMBINED[key]
''', encoding="utf-8")


FAST_HOOK = '''"""只有 {{ 表达式 }} 的页面：每个不同的表达式只编译一次，逐个求值替换，不再把整页编译成 Jinja 模板。"""
import re
from copy import copy

from mkdocs.plugins import event_priority

_EXPR = re.compile(r"\\{\\{(.*?)\\}\\}", re.S)
_compiled: dict = {}


@event_priority(50)   # 在钩子的检查（100）之后、mkdocs-macros（0）之前
def on_page_markdown(markdown, page, config, files):
    plugin = config.plugins.get("macros")
    env = plugin.env
    if (env.block_start_string in markdown or env.comment_start_string in markdown
            or page.meta.get("render_macros") is False or env.variable_start_string not in markdown):
        return markdown
    plugin._page = page                # 宏通过 env.page 取当前页（mkdocs-macros 自己也这样设）
    plugin.variables["page"] = copy(page)
    variables = dict(plugin.variables)
    variables.update(page.meta)

    def value(match):
        source = match.group(1)
        function = _compiled.get(source)
        if function is None:
            function = _compiled[source] = env.compile_expression(source, undefined_to_none=False)
        return str(function(**variables))

    markdown = _EXPR.sub(value, markdown)
    if markdown.endswith("\\n"):      # 与 Jinja 的默认设置相同：去掉末尾的一个换行
        markdown = markdown[:-1]
    page.meta["render_macros"] = False
    return markdown
'''


def macro_expressions(project: Path) -> None:
    """mkdocs-macros 把每页整页编译成 Jinja 模板（词法、语法、生成并编译 Python 代码）；
    手册的页面只有 {{ 表达式 }}（没有 {% %}），于是在它之前用一个钩子逐个求值表达式，
    每个不同的表达式只编译一次（env.compile_expression），再告诉 mkdocs-macros 这页不用渲染。"""
    (project / "bench_fast_macros.py").write_text(FAST_HOOK, encoding="utf-8")
    _replace(project / "mkdocs.yml", "\nhooks:\n", "\nhooks:\n  - bench_fast_macros.py\n")


def opt_in(project: Path) -> None:
    """mkdocs-macros 的 render_by_default: false，只在用到宏（含 {{、{%、{##）的页面 front matter 里写
    render_macros: true；没有宏的页面不再整页过一遍 Jinja。"""
    _replace(project / "mkdocs.yml", "      module_name: macros\n",
             "      module_name: macros\n      render_by_default: false\n")
    for page in (project / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if re.search(r"\{\{|\{%|\{##", text) and text.startswith("---\n"):
            page.write_text("---\nrender_macros: true\n" + text[4:], encoding="utf-8")


def everything(project: Path) -> None:
    """以上全部：yaml-both + hook-lazy + macro-expressions。"""
    yaml_both(project)
    hook_lazy(project)
    macro_expressions(project)


VARIANTS: dict[str, Callable[[Path], None]] = {
    "yaml-c": yaml_c_loader,
    "yaml-once": yaml_once,
    "yaml-both": yaml_both,
    "hook-lazy": hook_lazy,
    "macro-expressions": macro_expressions,
    "opt-in": opt_in,
    "all": everything,
}

#: 400 页时只测这几项（每项要多构建几次 400 页的站点）
LARGE = ("yaml-both", "hook-lazy", "macro-expressions", "all")


# ---------------------------------------------------------------- 测量
def site_digest(site: Path) -> dict[str, str]:
    """站点里每个文件的摘要（跳过 .gz：gzip 头里有时间）。"""
    return {p.relative_to(site).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".gz"}


def measure_all(handbook: Path, work: Path, runs: int, label: str, names: list[str] | None = None) -> dict:
    projects: dict[str, Path] = {"handbook": handbook}
    notes: dict[str, str] = {}
    bare = work / "bare"
    if bare.is_dir():
        projects["bare"] = bare
    for name in names or list(VARIANTS):
        dest = work / f"variant-{name}"
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(handbook, dest, ignore=shutil.ignore_patterns("__pycache__"))
        try:
            VARIANTS[name](dest)
        except NotApplicable as exc:
            notes[name] = f"不适用：{exc}"
            shutil.rmtree(dest)
            continue
        projects[name] = dest
    buildcost.say(f"  {label} 对照实验：{'、'.join(n for n in projects if n not in ('handbook', 'bare'))}，"
                  f"交替各 {runs} 次")
    site = work / "site-variants"
    times = buildcost.interleave(projects, site, runs, label)
    reference = site_digest(site / "handbook")
    base = statistics.median(times["handbook"]["cpu"])
    bare_cpu = statistics.median(times["bare"]["cpu"]) if "bare" in times else None
    rows = {}
    for name in VARIANTS:
        if name in notes:
            rows[name] = {"note": notes[name], "doc": (VARIANTS[name].__doc__ or "").strip()}
            continue
        if name not in projects:
            continue
        cpu = times[name]["cpu"]
        digest = site_digest(site / name)
        differ = sorted(k for k in set(digest) | set(reference) if digest.get(k) != reference.get(k))
        paired = [h - v for h, v in zip(times["handbook"]["cpu"], cpu)]
        rows[name] = {
            "doc": (VARIANTS[name].__doc__ or "").strip(),
            "cpu_s_median": round(statistics.median(cpu), 3),
            "saving_ms": round((base - statistics.median(cpu)) * 1000),
            "saving_paired_ms": [round(min(paired) * 1000), round(max(paired) * 1000)],
            "ratio_to_bare": round(statistics.median(cpu) / bare_cpu, 3) if bare_cpu else None,
            "same_output": not differ,
            "differing_files": differ[:10],
            "differing_count": len(differ),
            "each_cpu": [round(x, 3) for x in cpu],
        }
    return {"runs": runs, "handbook_cpu_s": round(base, 3), "bare_cpu_s": round(bare_cpu, 3) if bare_cpu else None,
            "handbook_each": [round(x, 3) for x in times["handbook"]["cpu"]], "rows": rows}


def markdown_section(by_size: dict[str, dict]) -> list[str]:
    lines = ["## 对照实验：每项改动省下多少", "",
             "在手册项目的副本里只做这一项改动（bench/variants.py，不改仓库里的文件），与原样的手册、裸 Material 交替构建，"
             "CPU 时间取中位数。“省下”= 原样手册 − 改动后；括号里是逐轮配对差值的范围。“输出相同”：构建出的站点与原样手册"
             "逐字节相同（.gz 除外）。",
             "",
             "注意：同机负载重时（平均负载远高于核心数），整次构建的 CPU 时间逐轮可差 ±1.5 s，比这些改动本身还大；"
             "逐轮范围跨过 0 的行说明不了省多少，只说明输出相同。省下多少以下面“按剖析核对”的表为准。", ""]
    sizes = list(by_size)
    head = "| 改动 | " + " | ".join(f"{s} 页：省下（逐轮范围） | {s} 页：对裸比值" for s in sizes) + " | 输出相同 |"
    lines += [head, "|---|" + "---|---|" * len(sizes) + "---|"]
    base = " | ".join(f"—（手册 {by_size[s]['handbook_cpu_s']:.2f} s） | "
                      f"{by_size[s]['handbook_cpu_s'] / by_size[s]['bare_cpu_s']:.2f}×" for s in sizes)
    lines.append(f"| 原样的手册 | {base} | — |")
    for name in VARIANTS:
        cells, same = [], []
        for s in sizes:
            row = by_size[s]["rows"].get(name)
            if row is None:
                cells.append("— | —")
            elif "note" in row:
                cells.append(f"{row['note']} | —")
            else:
                lo, hi = row["saving_paired_ms"]
                cells.append(f"{row['saving_ms']} ms（{lo}–{hi}） | {row['ratio_to_bare']:.2f}×")
                same.append("是" if row["same_output"] else f"否（{row['differing_count']} 个文件）")
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {'，'.join(dict.fromkeys(same)) or '—'} |")
    lines += ["", "各项的内容：", ""]
    for name, func in VARIANTS.items():
        doc = " ".join((func.__doc__ or "").split())
        lines.append(f"- `{name}`：{doc}")
    lines.append("")
    return lines


GROUPS = ("数据与初始化", "每页的宏", "每页的检查")


def _group(phase: str) -> str:
    if phase.endswith(("on_config", "on_pre_build")):
        return "数据与初始化"
    if phase.startswith("macros/build_checks.py"):
        return "每页的检查"
    return "每页的宏"


def profile_section(by_size: dict[str, dict]) -> list[str]:
    """python -m bench.variants 的结果（build-cost-variants*.json）。"""
    lines = ["## 按剖析核对：每项改动省下多少", "",
             "每个副本在进程内采样剖析（同上），比较手册自己的代码在插件事件里花的 CPU（mkdocs-macros 的 on_config、"
             "on_page_markdown，钩子的 on_config、on_page_markdown，以及对照实验加的钩子）。这些事件在裸 Material 里不存在，"
             "同一进程里按比例采样，不受同机负载的整体涨落影响；但同一事件在各次剖析之间仍有约 ±20% 的出入"
             "（例如没改过的 on_config 在 39 页各副本里是 790–1350 ms），所以看改动所针对的那一列。"
             "由 `python -m bench.variants` 生成。", ""]
    for pages in sorted(by_size, key=int):
        rows = by_size[pages]
        ref = rows["handbook"]
        lines += [f"### {pages} 页", "",
                  "| 副本 | 数据与初始化（on_config） | 每页的宏 | 每页的检查（钩子） | 手册自己的事件合计 | 省下 | 进程 CPU（参考） |",
                  "|---|---|---|---|---|---|---|"]
        for name, row in rows.items():
            if name == "bare":
                continue
            groups = {g: 0.0 for g in GROUPS}
            for phase, ms in row["phases"].items():
                groups[_group(phase)] += ms
            lines.append(f"| `{name}` | " + " | ".join(f"{groups[g]:.0f} ms" for g in GROUPS) +
                         f" | {row['own_events_ms']:.0f} ms | {row['saving_ms']:.0f} ms | {row['process_cpu_ms']:.0f} ms |")
        lines += ["", "原样手册各事件：" + "，".join(f"{k} {v:.0f} ms" for k, v in ref["phases"].items()), ""]
    return lines


# ---------------------------------------------------------------- 按剖析核对
def own_events(phases: dict[str, float]) -> float:
    """手册自己的代码在插件事件里花的 CPU 毫秒：mkdocs-macros、钩子（含对照实验加的钩子）。"""
    return sum(v for k, v in phases.items() if k.startswith(("macros/", "mkdocs_macros/", "bench_fast_macros")))


def profile_variants(sizes: list[int], runs: int, work: Path, names: list[str]) -> dict:
    """整次构建的 CPU 时间在同机负载下波动太大，几百毫秒的差别要靠剖析看：每个副本在进程内采样，
    比较“手册自己的事件”（mkdocs-macros 与钩子）的 CPU 毫秒，以及进程 CPU 总数。"""
    out: dict = {}
    for pages in sizes:
        base = work / f"v{pages}"
        handbook = buildcost.handbook_project(base / "handbook", pages)
        projects = {"handbook": handbook, "bare": buildcost.bare_project(handbook, base / "bare")}
        for name in names:
            dest = base / f"variant-{name}"
            shutil.copytree(handbook, dest, ignore=shutil.ignore_patterns("__pycache__"))
            try:
                VARIANTS[name](dest)
            except NotApplicable as exc:
                buildcost.say(f"  {name} 不适用：{exc}")
                continue
            projects[name] = dest
        prof = buildcost.profile(projects, base, runs, f"{pages} 页对照剖析")
        ref = own_events(prof["handbook"]["phases"])
        out[str(pages)] = {
            name: {"own_events_ms": round(own_events(p["phases"]), 1),
                   "saving_ms": round(ref - own_events(p["phases"]), 1),
                   "process_cpu_ms": p["cpu_ms"],
                   "phases": {k: v for k, v in p["phases"].items()
                              if k.startswith(("macros/", "mkdocs_macros/", "bench_fast_macros"))}}
            for name, p in prof.items()}
        shutil.rmtree(base, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    parser = argparse.ArgumentParser(description="按剖析核对各项改动省下的 CPU")
    parser.add_argument("--sizes", type=int, nargs="+", default=[39, 400])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--names", nargs="+", default=["yaml-c", "yaml-once", "yaml-both", "hook-lazy",
                                                       "macro-expressions", "all"])
    parser.add_argument("--out", type=Path, default=buildcost.RESULTS / "build-cost-variants.json")
    parser.add_argument("--work", type=Path, default=buildcost.BENCH / "work" / "variants")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        result = profile_variants(args.sizes, args.runs, args.work, args.names)
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for pages, rows in result.items():
        for name, row in rows.items():
            buildcost.say(f"{pages} 页 {name}：自己的事件 {row['own_events_ms']} ms，省下 {row['saving_ms']} ms，"
                          f"进程 CPU {row['process_cpu_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
