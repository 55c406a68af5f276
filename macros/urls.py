"""稳定的网址：发布过的网址一直能打开。

告警、打印件和二维码指向手册的网址。每次发布，make dist 把这个版本的全部页面网址记进
data/published_urls.yml（随版本提交）。移动或改名页面时，在 data/redirects.yml 写一条
``旧的源文件: 新的源文件``；构建时交给 mkdocs-redirects，在旧网址生成跳转页。

构建检查（hooks/checks.py 调用 problems）：任何一个版本发布过的网址既不是页面、也没有重定向时，
构建失败，指明网址和版本。
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from macros import datafiles
from macros.release import VERSION_RE

#: 跳转页（替换 mkdocs-redirects 自带的模板）：只用 meta refresh，没有内联脚本，生产 CSP 和 file:// 下都能用。
REDIRECT_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>本页已移动 · 发票系统运维与应急手册</title>
<meta name="robots" content="noindex, nofollow">
<link rel="canonical" href="{url}">
<meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<p>本页已移动到<a href="{url}">新的位置</a>，正在跳转。没有自动跳转时，请点这个链接。</p>
</body>
</html>
"""


def _exists(root: Path, name: str) -> bool:
    return (root / "data" / name).is_file()


def _is_url(value) -> bool:
    return isinstance(value, str) and value.startswith("/") and value.endswith("/") and "//" not in value


@datafiles.datafile("published_urls.yml")
def load_published(root: Path = datafiles.ROOT) -> list:
    """[{version, urls}]，新版本在前；文件不存在时（如最小的测试项目）是空列表。"""
    if not _exists(root, "published_urls.yml"):
        return []
    doc, where = datafiles.open_file(root, "published_urls.yml")
    doc = datafiles.require_mapping(where, doc, "文件顶层")
    releases = doc.get("releases")
    if not isinstance(releases, list):
        raise where.fatal(doc, "releases 应当是列表")
    record = datafiles.Record({
        "version": lambda v: isinstance(v, str) and bool(VERSION_RE.match(v)),
        "urls": lambda v: isinstance(v, list) and bool(v) and all(_is_url(u) for u in v),
    })
    seen = set()
    for index, entry in enumerate(releases):
        label = f"releases[{index}]"
        if not record.check(where, entry, label):
            continue
        if entry["version"] in seen:
            where.add(entry, f"{label} 的版本 {entry['version']} 重复")
        seen.add(entry["version"])
        if len(set(entry["urls"])) != len(entry["urls"]):
            where.add(entry, f"{label} 的网址有重复")
    where.done()
    return releases


@datafiles.datafile("redirects.yml")
def load_redirects(root: Path = datafiles.ROOT) -> dict:
    """{旧的源文件: 新的源文件}（都相对 docs/，新的可以带 #锚点）；文件不存在时是空的。"""
    if not _exists(root, "redirects.yml"):
        return {}
    doc, where = datafiles.open_file(root, "redirects.yml")
    doc = datafiles.require_mapping(where, doc, "文件顶层")
    redirects = doc.get("redirects")
    if not isinstance(redirects, dict):
        raise where.fatal(doc, "redirects 应当是映射（旧的源文件: 新的源文件）")
    for old, new in redirects.items():
        if not (isinstance(old, str) and old.endswith(".md") and not old.startswith("/")):
            where.add(redirects, f"redirects 的键 {old!r} 应当是 docs/ 下的旧源文件路径，如 incident/old.md")
        if not (isinstance(new, str) and new.split("#")[0].endswith(".md") and not new.startswith("/")):
            where.add(redirects, f"redirects.{old} 应当指向 docs/ 下的新源文件，如 incident/new.md：{new!r}")
    where.done()
    return redirects


def page_url(src_uri: str) -> str:
    """源文件在内网版中的网址（目录式，相对站点根目录）：index.md → /，a/b.md → /a/b/，a/index.md → /a/。"""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return "/" + stem.lstrip("/") if stem != "/" else "/"


def _line(root: Path, url: str) -> int:
    """网址在 data/published_urls.yml 中第一次出现的行号（找不到时为 0）。"""
    try:
        lines = (root / "data" / "published_urls.yml").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    pattern = re.compile(r"^\s*-\s*['\"]?" + re.escape(url) + r"['\"]?\s*$")
    return next((number for number, line in enumerate(lines, start=1) if pattern.match(line)), 0)


def problems(root: Path, src_uris: list[str]) -> list[str]:
    """发布过却打不开的网址，以及指向不存在页面的重定向；src_uris 是这次构建的全部 Markdown 源文件。"""
    pages = {page_url(s) for s in src_uris if s.endswith(".md")}
    sources = set(src_uris)
    redirects = load_redirects(root)
    found = []
    for old, new in redirects.items():
        if old in sources:
            found.append(f"data/redirects.yml: {old} 仍然是一个页面，不能同时重定向到 {new}")
        target = new.split("#")[0]
        if target not in sources:
            found.append(f"data/redirects.yml: {old} 重定向到的 {target} 不存在")
    answering = pages | {page_url(old) for old in redirects}
    reported = set()
    for release in load_published(root):
        for url in release["urls"]:
            if url in answering or url in reported:
                continue
            reported.add(url)
            line = _line(root, url)
            where = f"data/published_urls.yml:{line}" if line else "data/published_urls.yml"
            stem = url.strip("/")
            old = "index.md" if not stem else f"{stem}.md 或 {stem}/index.md"
            found.append(f"{where}: {release['version']} 版发布过的网址 {url} 打不开：没有这个页面，"
                         f"data/redirects.yml 里也没有重定向。移动或改名页面后，在 data/redirects.yml 的 "
                         f"redirects 下加一条“旧的源文件: 新的源文件”（旧的源文件是 {old}）")
    return found


def configure_redirects(config, root: Path) -> None:
    """把 data/redirects.yml 交给 mkdocs-redirects，并换上没有内联脚本的跳转页模板。"""
    redirects = load_redirects(root)
    plugin = config.plugins.get("redirects")
    if plugin is None:
        if redirects:
            from mkdocs.exceptions import PluginError
            raise PluginError("data/redirects.yml 中有重定向，但 mkdocs.yml 的 plugins 里没有 redirects")
        return
    import mkdocs_redirects.plugin as redirects_plugin
    redirects_plugin.HTML_TEMPLATE = REDIRECT_PAGE
    plugin.config["redirect_maps"] = dict(redirects)


def built_urls(site_dir: Path) -> list[str]:
    """目录式构建结果里的全部页面网址（跳转页和 404 页不算），按字母排序。"""
    found = []
    for html in sorted(site_dir.rglob("index.html")):
        text = html.read_text(encoding="utf-8", errors="replace")
        if 'http-equiv="refresh"' in text[:2000]:
            continue
        relative = posixpath.dirname(html.relative_to(site_dir).as_posix())
        found.append("/" if relative in ("", ".") else f"/{relative}/")
    return sorted(found)
