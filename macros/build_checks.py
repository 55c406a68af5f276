"""MkDocs 钩子：构建开始前校验数据文件，逐页校验元数据与手写事实值。

任何一项不合格都抛出 PluginError，构建停止，信息里写明文件（和行号）。
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros import datafiles, frontmatter, handtyped, release  # noqa: E402

_state: dict = {}


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


@event_priority(100)
def on_config(config):
    root = _root(config)
    try:
        facts = datafiles.load_facts(root)
        contacts = datafiles.load_contacts(root)
        datafiles.load_external_domains(root)
        from macros import registry
        registry.validate_all(root)
        examples = datafiles.example_values(root)
        config.extra["build"] = release.build_stamp(root)
    except datafiles.DataError as exc:
        raise PluginError(f"数据文件有误：{exc}") from None
    if os.environ.get("HANDBOOK_ENV") == "production" and examples:
        listing = "\n  ".join(examples)
        raise PluginError(
            f"生产构建中仍有 {len(examples)} 个示例值，请在 data/ 中替换为本单位的真实值，"
            f"并去掉 example: true：\n  {listing}"
        )
    # 内网版启用即时导航（Material 用 fetch 换页）；离线包在 file:// 下不能用 fetch，保持普通跳转
    offline = config.plugins.get("material/offline")
    features = config.theme["features"]
    if (not (offline and offline.config.enabled) and config.use_directory_urls
            and "navigation.instant" not in features):
        features.append("navigation.instant")
    _state["root"] = root
    _state["patterns"] = handtyped.patterns(facts, contacts)
    return config


def _line_of(source: Path, field: str) -> int:
    """元数据字段在源文件中的行号；找不到时返回 1（文件开头）。"""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines, start=1):
        if line.startswith(f"{field}:"):
            return number
        if number > 1 and line.strip() == "---":
            break
    return 1


@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    source = Path(page.file.abs_src_path)
    name = f"{Path(config.docs_dir).name}/{page.file.src_uri}"
    errors = []
    for problem in frontmatter.problems(page.meta):
        field = problem.split()[1] if problem.startswith(("缺少字段", "未知字段")) else problem.split()[0]
        errors.append(f"{name}:{_line_of(source, field)}: 页面元数据：{problem}")
    offset = _front_matter_lines(source)
    for finding in handtyped.find(markdown, _state.get("patterns", [])):
        errors.append(
            f"{name}:{finding.line + offset}: 手写了 {finding.text!r}，"
            f"请改用宏引用 data/ 中的 {finding.key}"
        )
    if errors:
        raise PluginError("\n".join(errors))
    # 复核到期日在构建时算出，供页脚显示；是否过期由浏览器按当天日期判断（review.js）
    page.meta["review_due"] = release.add_months(page.meta["reviewed"], page.meta["review_every"]).isoformat()
    return markdown


def _front_matter_lines(source: Path) -> int:
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    if not lines or lines[0].strip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            return number
    return 0
