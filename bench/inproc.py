"""在本进程里运行一次 ``mkdocs build``，供构建成本测量（bench/buildcost.py）使用。

    python -m bench.inproc capture SITE_DIR OUT_DIR      # 记下每页送进 Markdown 转换的文本
    python -m bench.inproc profile SITE_DIR OUT.json     # 按 CPU 时间采样，按阶段和模块汇总

两种用法都在项目目录里运行（当前目录就是项目：jieba 用户词典和 snippets 的路径相对于它）。

capture：每页在全部插件和钩子的 on_page_markdown 之后、转成 HTML 之前的 Markdown（宏已经展开），
写到 OUT_DIR/页面路径；另写 OUT_DIR/_config.json（构建时实际生效的 theme.features 等）。
“裸” Material 项目用这些 Markdown 构建，两边送进 Markdown 转换的文本逐字相同。

profile：用 ITIMER_PROF 定时器按进程 CPU 时间每隔约 1 ms 取一次调用栈（采样，不是逐个函数插桩，
所以不会像 cProfile 那样放大函数调用多的代码）。每个样本记两样东西：

- 阶段：栈里最外层的插件事件（“所属插件:事件名”，钩子算作 hook），没有事件时按 mkdocs 的构建步骤
  （读取配置、Markdown 转换、页面模板、……），都不在时记为“启动与导入”；
- 模块：从栈顶往下第一个不属于标准库的帧所在的包或文件（标准库里花的时间记到调用它的代码上）。

样本数按本进程的实际 CPU 时间（getrusage）换算成毫秒。子进程（例如 git）的 CPU 不在其中。
"""
from __future__ import annotations

import collections
import json
import os
import resource
import signal
import sys
import sysconfig
import time
from pathlib import Path

STDLIB = {os.path.realpath(p) for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])}
SITE = {os.path.realpath(p) for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])}
PROJECT = os.path.realpath(os.getcwd())

#: mkdocs 核心的构建步骤（函数名 → 阶段名）；样本的阶段取栈里最外层的一个
CORE_STEPS = {
    ("config/base.py", "load_config"): "读取与校验配置（含插件、钩子的导入）",
    ("structure/files.py", "get_files"): "收集文件",
    ("commands/build.py", "get_files"): "收集文件",
    ("structure/nav.py", "get_navigation"): "生成导航",
    ("structure/pages.py", "read_source"): "读取页面源文件",
    ("structure/pages.py", "render"): "Markdown 转 HTML",
    ("commands/build.py", "_build_page"): "页面模板（主题 Jinja）",
    ("commands/build.py", "_build_theme_template"): "主题模板（404、sitemap）",
    ("commands/build.py", "_build_extra_template"): "主题模板（404、sitemap）",
    ("structure/files.py", "copy_file"): "复制静态文件",
    ("structure/files.py", "copy_static_files"): "复制静态文件",
    ("commands/build.py", "_get_by_type"): "其他构建步骤",
}
DETAILED = {"markdown": 2, "pymdownx": 1, "material": 3, "mkdocs": 2, "mkdocs_macros": 1}

_owner_cache: dict[str, str] = {}


def owner(filename: str) -> str:
    """代码文件归属的包或文件：site-packages 下的包（部分细到子模块）、项目里的文件、标准库或导入机制。"""
    cached = _owner_cache.get(filename)
    if cached is not None:
        return cached
    result = _owner(filename)
    _owner_cache[filename] = result
    return result


def _owner(filename: str) -> str:
    if filename.startswith("<frozen"):
        return "stdlib"
    if filename == "<template>":
        return "jinja2 页面模板（from_string）"
    if not filename.startswith("/"):
        return filename
    path = os.path.realpath(filename)
    for base in SITE:
        if path.startswith(base + os.sep):
            parts = Path(path[len(base) + 1:]).with_suffix("").parts
            depth = DETAILED.get(parts[0], 0)
            if parts[0] == "material" and parts[1:2] == ("templates",):
                return "material 主题模板（Jinja）"
            if parts[0] == "material" and parts[1:2] == ("plugins",):
                depth = 3
            if parts[0] == "markdown" and parts[1:2] == ("extensions",):
                depth = 3
            keep = parts[:1 + depth] if depth else parts[:1]
            return "/".join(keep)
    for base in STDLIB:
        if path.startswith(base + os.sep):
            return "stdlib"
    if path.startswith(PROJECT + os.sep):
        rel = Path(path[len(PROJECT) + 1:])
        if rel.parts[0] == "overrides":
            return "overrides 主题覆盖（Jinja）"
        return rel.as_posix()
    return filename


class Sampler:
    """按进程 CPU 时间定时取调用栈（主线程）。"""

    def __init__(self, interval: float = 0.001):
        self.interval = interval
        self.stacks: collections.Counter = collections.Counter()

    def _handler(self, signum, frame):  # noqa: ARG002
        codes = []
        while frame is not None:
            codes.append(frame.f_code)
            frame = frame.f_back
        self.stacks[tuple(codes)] += 1

    def start(self) -> None:
        signal.signal(signal.SIGPROF, self._handler)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)


def _core_step(code) -> str | None:
    name = code.co_filename
    if "/mkdocs/" not in name:
        return None
    tail = name.rsplit("/mkdocs/", 1)[1]
    return CORE_STEPS.get((tail, code.co_name))


def classify(stack: tuple) -> tuple[str, str, str]:
    """返回 (阶段, 模块, 函数)；stack 从栈顶（正在运行的帧）到栈底。"""
    phase = None
    outer = list(reversed(stack))      # 从栈底到栈顶
    for i, code in enumerate(outer):
        if code.co_name == "run_event" and code.co_filename.endswith("mkdocs/plugins.py"):
            for callee in outer[i + 1:]:
                if callee.co_name.startswith("on_") and not callee.co_filename.endswith("mkdocs/plugins.py"):
                    who = owner(callee.co_filename)
                    phase = f"{who}:{callee.co_name}"
                    break
            if phase:
                break
    if phase is None:
        for code in outer:
            step = _core_step(code)
            if step:
                phase = step
                break
    if phase is None:
        phase = "启动与导入"
    leaf = stack[0] if stack else None
    module = "stdlib"
    for code in stack:
        who = owner(code.co_filename)
        if who != "stdlib":
            module, leaf = who, code
            break
    func = f"{module}:{leaf.co_name}" if leaf is not None else "?"
    return phase, module, func


def summarise(sampler: Sampler, cpu_s: float) -> dict:
    total = sum(sampler.stacks.values()) or 1
    scale = cpu_s * 1000 / total
    phases: collections.Counter = collections.Counter()
    modules: collections.Counter = collections.Counter()
    cells: collections.Counter = collections.Counter()
    funcs: collections.Counter = collections.Counter()
    for stack, count in sampler.stacks.items():
        phase, module, func = classify(stack)
        phases[phase] += count
        modules[module] += count
        cells[f"{phase}\t{module}"] += count
        funcs[func] += count

    def ms(counter):
        return {k: round(v * scale, 2) for k, v in counter.most_common()}

    return {"cpu_ms": round(cpu_s * 1000, 1), "samples": total, "phases": ms(phases), "modules": ms(modules),
            "cells": ms(cells), "functions": ms(collections.Counter(dict(funcs.most_common(60))))}


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(site_dir: str) -> None:
    from mkdocs.__main__ import cli
    cli.main(["build", "--clean", "--quiet", "--site-dir", site_dir], prog_name="mkdocs", standalone_mode=False)


def capture(site_dir: str, out: Path) -> None:
    from mkdocs.structure import pages

    original = pages.Page.render
    seen: dict = {}

    def render(self, config, files):
        target = out / self.file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.markdown, encoding="utf-8")
        if not seen:
            seen["features"] = list(config.theme["features"])
            seen["use_directory_urls"] = config.use_directory_urls
        return original(self, config, files)

    pages.Page.render = render
    build(site_dir)
    (out / "_config.json").write_text(json.dumps(seen, ensure_ascii=False), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("capture", "profile"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    mode, site_dir, out = argv[0], argv[1], Path(argv[2])
    if mode == "capture":
        capture(site_dir, out)
        return 0
    sampler = Sampler()
    start = _cpu_self()
    wall = time.perf_counter()
    sampler.start()
    try:
        build(site_dir)
    finally:
        sampler.stop()
    cpu = _cpu_self()    # 含解释器启动到采样开始之间的一点时间
    result = summarise(sampler, cpu - start)
    result["cpu_ms_process"] = round(cpu * 1000, 1)
    result["wall_ms"] = round((time.perf_counter() - wall) * 1000, 1)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
