"""打印包（data/print_packs.yml）的校验：每个打印包一份 PDF，由 tools/binder.py 生成。

数据形如::

    packs:
      service_desk:                           # 键：小写字母、数字和下划线
        title: 服务台与网点
        file: handbook-{version}-service-desk.pdf
        audience: [客服]
        roles: 服务台主管、服务台坐席
        description: 一句话：什么时候用、放在哪里
        pages:
          - service/answers.md
          - {page: operations/upgrade.md, one_page: [升级中]}   # 这一节印在同一张纸上

页面不存在、同一个打印包里重复、one_page 的锚点不在页面的标题中、两个打印包用同一个文件名：
构建失败，写明本文件和行号。
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from macros import datafiles, frontmatter, pages
from macros.schema import Record, Where, is_nonempty_list, is_text

FILE = "print_packs.yml"
_FILE_NAME = re.compile(r"^[A-Za-z0-9._-]*\{version\}[A-Za-z0-9._-]*\.pdf$")
_PAGE = re.compile(r"^(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.md$")

PACK = Record(
    {"title": is_text, "file": lambda v: isinstance(v, str) and bool(_FILE_NAME.match(v)),
     "audience": lambda v: isinstance(v, list) and bool(v) and all(a in frontmatter.AUDIENCES for a in v),
     "roles": is_text, "description": is_text, "pages": is_nonempty_list},
)
PAGE_ENTRY = Record({"page": is_text}, {"one_page": lambda v: isinstance(v, list) and all(is_text(a) for a in v)})


class _Line:
    def __init__(self, line: int):
        self.line = line


def _line_of(lines: list[str], start: int, text: str) -> _Line:
    """从 start 行起，第一次出现 text 的行（找不到时用 start）。"""
    for number in range(max(start, 1), len(lines) + 1):
        if text in lines[number - 1]:
            return _Line(number)
    return _Line(start)


def _check_page(where: Where, label: str, entry: Any, at: Any, root: Path, lines: list[str]) -> str | None:
    """一个页面条目：返回页面路径；有问题时记下并返回 None。"""
    if isinstance(entry, dict):
        if not PAGE_ENTRY.check(where, entry, label):
            return None
        page = entry["page"]
    elif isinstance(entry, str):
        page = entry
    else:
        where.add(at, f"{label} 应当是页面路径或 {{page: 路径, one_page: [锚点]}}：{entry!r}")
        return None
    if not _PAGE.match(page) or ".." in page.split("/"):
        where.add(at, f"{label} 应当是相对 docs/ 的 .md 路径，如 service/reprint.md：{page!r}")
        return None
    target = root / "docs" / page
    if not target.is_file():
        where.add(at, f"{label}：未知页面 {page}（docs/{page} 不存在）")
        return None
    if isinstance(entry, dict):
        _, anchors = pages.page_info(target)
        for anchor in entry.get("one_page") or []:
            if anchor not in anchors:
                where.add(_line_of(lines, getattr(at, "line", 0), anchor),
                          f"{label} 的 one_page 锚点 #{anchor} 在 docs/{page} 的标题中不存在")
    return page


@datafiles.datafile(FILE)
def load_print_packs(root: Path = datafiles.ROOT) -> datafiles.Mapping:
    doc, where = datafiles.open_file(root, FILE)
    packs = datafiles.keyed_entries(where, doc, "packs")
    lines = (root / "data" / FILE).read_text(encoding="utf-8").splitlines()
    files: dict[str, str] = {}
    for key, pack in packs.items():
        label = f"packs.{key}"
        ok = PACK.check(where, pack, label)
        file = pack.get("file") if isinstance(pack, dict) else None
        if isinstance(file, str):
            if file in files:
                where.add(_line_of(lines, getattr(pack, "line", 0), "file:"),
                          f"{label} 的文件名 {file} 与 packs.{files[file]} 相同")
            files.setdefault(file, key)
        if not ok:
            continue
        entries = pack["pages"]
        seen: set[str] = set()
        cursor = getattr(entries, "line", 0)
        for index, entry in enumerate(entries, start=1):
            text = entry if isinstance(entry, str) else (entry.get("page") if isinstance(entry, dict) else None)
            at = entry if isinstance(entry, dict) else _line_of(lines, cursor, str(text))
            cursor = getattr(at, "line", cursor) + 1 if getattr(at, "line", 0) else cursor
            page = _check_page(where, f"{label}.pages 的第 {index} 页", entry, at, root, lines)
            if page is None:
                continue
            if page in seen:
                where.add(at, f"{label}.pages 的第 {index} 页 {page} 重复了")
            seen.add(page)
    where.done()
    return packs


def pack_pages(pack: dict) -> list[tuple[str, list[str]]]:
    """打印包的页面：[(相对 docs/ 的路径, 要印在同一页的小节锚点)]，顺序与数据相同。"""
    result = []
    for entry in pack["pages"]:
        if isinstance(entry, dict):
            result.append((entry["page"], list(entry.get("one_page") or [])))
        else:
            result.append((entry, []))
    return result


def pack_file(pack: dict, version: str) -> str:
    """打印包的 PDF 文件名，如 handbook-1.4.0-service-desk.pdf。"""
    return pack["file"].replace("{version}", version)


def register(env, root) -> None:
    """只登记数据文件（构建开始时校验）；下载页等处用 load_print_packs、pack_file 读取。"""
    load_print_packs(root)
