"""构建钩子（检查）：构建开始时校验全部数据文件，逐页校验元数据、页面类型规则和手写的数据值。

任何一项不合格都抛出 PluginError，构建停止；信息里写明文件和行号，一个文件的问题一次列全。
生产构建（HANDBOOK_ENV=production）遇到示例值或未核实的公开事实时停止，并把它们全部列出。
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

try:
    from macros.hooks import bootstrap  # noqa: F401  测试与工具里项目根目录已在 sys.path 上
except ModuleNotFoundError:
    import bootstrap  # noqa: F401  MkDocs 载入钩子时本目录临时在 sys.path 上

from macros import datafiles, frontmatter, handtyped, pagetypes, store, terms, urls  # noqa: E402

log = logging.getLogger("mkdocs.plugins.handbook")
_state: dict = {}


def project_root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def check_data(root: Path) -> list[str]:
    """校验全部数据文件（每个文件只解析一次），返回全部问题。导入 macros 包时已登记全部数据文件。"""
    return store.for_root(root).validate_all()


def production_refusals(root: Path) -> list[str]:
    """生产构建不接受的内容：示例值和未核实的公开事实，各自逐条列出（文件:行号: 条目）。"""
    messages = []
    examples = datafiles.example_values(root)
    if examples:
        listing = "\n  ".join(examples)
        messages.append(f"生产构建中仍有 {len(examples)} 个示例值，请在 data/ 中替换为本单位的真实值，"
                        f"并去掉 example: true：\n  {listing}")
    unverified = datafiles.unverified_facts(root)
    if unverified:
        listing = "\n  ".join(unverified)
        messages.append(f"生产构建中仍有 {len(unverified)} 项公开事实未核实，请到各条的核对处与官方公布的内容"
                        f"逐项核对，再写上 verified: {{date: 核对日期, by: 核对人的角色}}：\n  {listing}")
    return messages


@event_priority(100)
def on_config(config):
    root = project_root(config)
    data = store.begin(root)
    _state["root"] = root
    problems = check_data(root)
    if problems:
        raise PluginError("数据文件有误：\n" + "\n".join(problems))
    if os.environ.get("HANDBOOK_ENV") == "production":
        refusals = production_refusals(root)
        if refusals:
            raise PluginError("\n".join(refusals))
    _state["patterns"] = handtyped.data_patterns(data.root)
    _state["words"] = terms.patterns(terms.load_terms(data.root))
    _state["errors"] = []
    return config


def on_files(files, config):
    """发布过的网址都还能打开（页面或 data/redirects.yml 中的重定向），见 macros/urls.py。"""
    problems = urls.problems(project_root(config), [f.src_uri for f in files.documentation_pages()])
    if problems:
        raise PluginError("发布过的网址打不开：\n" + "\n".join(problems))
    return files


def on_post_build(config):
    store.end(project_root(config))


def on_build_error(error):
    errors = _state.pop("errors", [])
    if errors:  # 构建在别处先失败了（如宏出错）：已发现的页面问题也一并报出
        log.error("另有 %d 处页面问题：\n%s", len(errors), "\n".join(errors))
    if "root" in _state:
        store.end(_state["root"])


def _front_matter(source: Path) -> tuple[list[str], int]:
    """源文件的各行，以及正文之前的行数：front matter 和紧随其后的空行（MkDocs 交给钩子的正文不含它们）。"""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return [], 0
    if not lines or lines[0].strip() != "---":
        return lines, 0
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            while number < len(lines) and lines[number] == "":
                number += 1
            return lines, number
    return lines, 0


def _line_of(lines: list[str], field: str) -> int:
    """元数据字段在源文件中的行号；找不到时返回 1（文件开头）。"""
    for number, line in enumerate(lines, start=1):
        if line.startswith(f"{field}:"):
            return number
        if number > 1 and line.strip() == "---":
            break
    return 1


def page_problems(markdown: str, meta: dict, source: Path, name: str, patterns, words=()) -> list[str]:
    """一个页面的全部问题，每条形如 ``docs/x.md:12: 说明``。"""
    lines, offset = _front_matter(source)
    errors = []
    for problem in frontmatter.problems(meta):
        field = problem.split()[1] if problem.startswith(("缺少字段", "未知字段")) else problem.split()[0]
        errors.append(f"{name}:{_line_of(lines, field)}: 页面元数据：{problem}")
    for line, problem in pagetypes.problems(meta, markdown):
        errors.append(f"{name}:{line + offset}: 页面结构：{problem}")
    found: dict[tuple[int, str], list[str]] = {}
    for finding in handtyped.find(markdown, patterns):
        found.setdefault((finding.line, finding.text), []).append(finding.key)
    for (line, text), keys in found.items():
        keys = list(dict.fromkeys(keys))
        errors.append(f"{name}:{line + offset}: 手写了 {text!r}，请改用宏引用 data/ 中的 {'、'.join(keys)}")
    for finding in terms.find(markdown, words):
        errors.append(f"{name}:{finding.line + offset}: 用语：“{finding.text}”请改为“{finding.term}”"
                      f"（data/terms.yml 的 {finding.key}）")
    return errors


@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    source = Path(page.file.abs_src_path)
    name = f"{Path(config.docs_dir).name}/{page.file.src_uri}"
    errors = page_problems(markdown, page.meta, source, name, _state.get("patterns", []), _state.get("words", []))
    _state.setdefault("errors", []).extend(errors)
    return markdown


@event_priority(100)
def on_env(env, config, files):
    """全部页面读完后一次报出所有页面的问题，而不是停在第一页。"""
    errors = _state.pop("errors", [])
    if errors:
        raise PluginError(f"{len(errors)} 处页面问题：\n" + "\n".join(errors))
    return env
