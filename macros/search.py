"""站内搜索的设置（data/search.yml）：页面类型加权、个别页面的加权、查询里的虚词、最低覆盖率。

构建钩子 macros/hooks/search.py 把它们连同 data/terms.yml 的同义词写进搜索索引；
页面不用宏引用这些值，所以这里只登记数据文件，不提供宏。
"""
from __future__ import annotations

from pathlib import Path

from macros import datafiles, terms
from macros.datafiles import ROOT, Mapping, Record, is_mapping, is_text_list, require_mapping
from macros.frontmatter import PAGE_TYPES

VERSION = 1
SEARCH = Record({"boosts": is_mapping, "stopwords": is_text_list, "min_coverage": lambda v: _is_ratio(v)},
                {"pages": is_mapping, "hotline_page": lambda v: isinstance(v, str)})


def _is_ratio(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1


def _is_boost(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 10


@datafiles.datafile("search.yml")
def load_search(root: Path = ROOT) -> Mapping:
    """读取并校验 data/search.yml：每种页面类型一个加权；个别页面的路径必须存在；
    虚词至少两个字、不重复，也不能是 data/terms.yml 里的说法（否则同义词永远用不上）。"""
    doc, where = datafiles.open_file(root, "search.yml")
    doc = require_mapping(where, doc, "文件顶层")
    if not SEARCH.check(where, doc, "文件顶层"):
        raise where.error()
    boosts = doc["boosts"]
    if set(boosts) != set(PAGE_TYPES):
        missing = [t for t in PAGE_TYPES if t not in boosts]
        unknown = [str(t) for t in boosts if t not in PAGE_TYPES]
        where.add(boosts, "boosts 应当为每种页面类型各写一个加权"
                          + (f"；缺少 {'、'.join(missing)}" if missing else "")
                          + (f"；没有这种页面类型：{'、'.join(unknown)}" if unknown else ""))
    for key, value in boosts.items():
        if not _is_boost(value):
            where.add(boosts, f"boosts.{key} 应当是大于 0、不超过 10 的数：{value!r}")
    if boosts and all(_is_boost(v) for v in boosts.values()) and "runbook" in boosts and "drill" in boosts:
        if boosts["runbook"] != max(boosts.values()):
            where.add(boosts, "boosts.runbook 应当最高：出事时先找到处置手册")
        if boosts["drill"] != min(boosts.values()):
            where.add(boosts, "boosts.drill 应当最低：演练材料不排在处置手册前面")
    for path, value in (doc.get("pages") or {}).items():
        if not isinstance(path, str) or not path.endswith(".md") or not (root / "docs" / path).is_file():
            where.add(doc["pages"], f"pages 中的 {path!r} 不是 docs/ 下的页面（写 docs/ 下的相对路径，如 training/quiz.md）")
        if not _is_boost(value):
            where.add(doc["pages"], f"pages.{path} 应当是大于 0、不超过 10 的数：{value!r}")
    hotline_page = doc.get("hotline_page")
    if hotline_page is not None and not (hotline_page.endswith(".md") and (root / "docs" / hotline_page).is_file()):
        where.add(doc, f"hotline_page {hotline_page!r} 不是 docs/ 下的页面")
    stopwords = doc["stopwords"]
    words = _term_words(root)
    seen: set[str] = set()
    for word in stopwords:
        if len(word) < 2:
            where.add(stopwords, f"stopwords 中的“{word}”只有一个字：单字本来就不单独匹配，不用列出")
        if word in seen:
            where.add(stopwords, f"stopwords 中的“{word}”重复")
        seen.add(word)
        if terms.normalise(word) in words:
            where.add(stopwords, f"stopwords 中的“{word}”是 data/terms.yml 里的说法，会让同义词失效")
    where.done()
    return doc


def _term_words(root: Path) -> set[str]:
    """data/terms.yml 里的全部说法（规范说法、搜索词、别名、搜索用的说法、要避免的说法），按 normalise 处理。"""
    try:
        entries = terms.load_terms(root)
    except datafiles.DataError:
        return set()  # terms.yml 自己的问题由它的校验报出
    found = set()
    for entry in entries.values():
        for word in [entry["term"], terms.search_term(entry), *terms.variants(entry)]:
            found.add(terms.normalise(word))
    return found


def boost(settings: dict, page_type: str | None, src_uri: str) -> float:
    """一个页面的加权：pages 中写了就用它，否则按页面类型；没有类型的页面为 1。"""
    pages = settings.get("pages") or {}
    if src_uri in pages:
        return float(pages[src_uri])
    return float(settings["boosts"].get(page_type, 1.0))


def handbook_config(settings: dict, synonyms: dict[str, str], best_bets: dict[str, str] | None = None) -> dict:
    """写进搜索索引 config.handbook 的内容。best_bets：说法 → 首选页面（docs/ 下的路径，钩子换成网址）。"""
    return {
        "version": VERSION,
        "synonyms": synonyms,
        "best_bets": dict(best_bets or {}),
        "stopwords": [terms.normalise(word) for word in settings["stopwords"]],
        "min_coverage": settings["min_coverage"],
    }
