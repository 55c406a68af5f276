"""读取 docs/ 中的 Markdown 源文件：页面标题和标题锚点。

数据文件（决策树、演练场景、自测题……）链接到某页的某一节时，用这里算出的锚点校验链接。
锚点按 mkdocs.yml 中 toc 的设置（pymdownx slugify，小写）计算；重复的锚点像 toc 一样加 _1、_2。
"""
from __future__ import annotations

import re
from pathlib import Path

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_ATTR = re.compile(r"\s*\{:?\s*([^}]*)\}\s*$")
_ID_ATTR = re.compile(r"(?:^|\s)#([^\s}]+)")
_HTML_ID = re.compile(r"""<[a-zA-Z][^>]*\sid=["']([^"']+)["']""")
_FRONT_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.M)

_cache: dict[Path, tuple[int, tuple[str, dict[str, str]]]] = {}


def slugify(text: str) -> str:
    from pymdownx.slugs import slugify as make
    return make(case="lower")(text, "-")


def plain(raw: str) -> str:
    """去掉标题里的行内 Markdown 和 HTML，得到 toc 用来生成锚点的纯文本（近似）。"""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    text = re.sub(r"<[^>]+>", "", text)
    return text.replace("**", "").replace("`", "").replace("*", "").strip()


def page_info(path: Path) -> tuple[str, dict[str, str]]:
    """页面标题（front matter 的 title）和 {锚点: 标题文字}；另含 HTML 中显式写出的 id。"""
    key = path.resolve()
    stamp = path.stat().st_mtime_ns
    cached = _cache.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    text = path.read_text(encoding="utf-8")
    title, body = path.stem, text
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            found = _FRONT_TITLE.search(text[4:end])
            if found:
                title = found.group(1).strip("\"'")
            body = text[text.find("\n", end + 1) + 1:]
    anchors: dict[str, str] = {}
    seen: dict[str, int] = {}
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for html_id in _HTML_ID.findall(line):
            anchors.setdefault(html_id, html_id)
        match = _ATX.match(line)
        if not match:
            continue
        heading = match.group(2)
        explicit = None
        attr = _ATTR.search(heading)
        if attr:
            ids = _ID_ATTR.findall(attr.group(1))
            explicit = ids[0] if ids else None
            heading = heading[: attr.start()]
        if "{{" in heading and not explicit:
            continue  # 标题由宏生成，源文件里算不出锚点
        slug = explicit or slugify(plain(heading))
        if slug in seen:
            seen[slug] += 1
            slug = f"{slug}_{seen[slug]}"
        else:
            seen[slug] = 0
        anchors.setdefault(slug, plain(heading))
    result = (title, anchors)
    _cache[key] = (stamp, result)
    return result


def page_anchors(path: Path) -> set[str]:
    return set(page_info(path)[1])
