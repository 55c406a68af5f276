"""术语表：data/glossary.yml 只写解释，术语本身来自 data/terms.yml（一张术语表，见 macros/terms.py）。

- 每个解释的键必须是 data/terms.yml 中某一项的 term；一个术语只解释一次。不合格时构建失败，报文件和行号；
- 术语表显示的“又称”是 data/terms.yml 的 aliases（真正的同义词），“不用”是 avoid；search_only（搜索时
  才用的口语和相关说法，如 作废 → 红冲）不显示；
- 缩写的悬停说明在 includes/abbreviations.md，由 macros/training.py 校验，加载术语表时一并检查。

load_glossary 返回 {组: {"title", "terms": [{term, definition, aliases, deprecated, note, page, see}]}}，
aliases 和 deprecated 已从 data/terms.yml 填入。
"""
from __future__ import annotations

from pathlib import Path

from macros import datafiles, pages, terms
from macros.datafiles import Mapping
from macros.drills import _is_text_list, _src_uri, check_link, md_link
from macros.render import md_text
from macros.schema import DataError, Record, is_text, keyed_entries, require_mapping

ROOT = datafiles.ROOT

GROUP = Record({"title": is_text, "terms": lambda value: isinstance(value, dict) and bool(value)})
DEFINITION = Record({"definition": is_text}, {"note": is_text, "page": is_text, "see": _is_text_list})


def shown_variants(words: list[str]) -> list[str]:
    """要显示的说法：大小写不同的同一个说法只显示第一个（READ-DO、Read-Do → READ-DO）。"""
    seen: set[str] = set()
    result = []
    for word in words:
        if word.casefold() not in seen:
            seen.add(word.casefold())
            result.append(word)
    return result


def deprecated_terms(groups: Mapping) -> dict[str, str]:
    """术语表中的术语不再使用的说法 → 应当使用的术语（来自 data/terms.yml 的 avoid）。"""
    return {old: term["term"] for group in groups.values() for term in group["terms"]
            for old in term.get("deprecated", [])}


@datafiles.datafile("glossary.yml")
def load_glossary(root: Path = ROOT) -> Mapping:
    """读取并校验 data/glossary.yml（术语的解释），从 data/terms.yml 填入同义词和不再使用的说法，
    同时校验 includes/abbreviations.md。"""
    doc, where = datafiles.open_file(root, "glossary.yml")
    groups = keyed_entries(where, doc, "groups")
    try:
        known = terms.by_term(terms.load_terms(root))
    except DataError:
        known = None  # data/terms.yml 自己的问题由它的校验报出
    defined: dict[str, str] = {}  # 术语 → 解释它的条目
    valid: list[tuple[str, str, dict]] = []
    for key, group in groups.items():
        label = f"groups.{key}"
        if not GROUP.check(where, group, f"{label}:"):
            continue
        entries = require_mapping(where, group["terms"], f"{label}.terms")
        for name, entry in entries.items():
            item = f"{label}.terms.{name}"
            node = entry if hasattr(entry, "line") else entries
            if not isinstance(name, str) or not name.strip():
                where.add(node, f"{item}: 术语不能为空")
                continue
            if name in defined:
                where.add(node, f"{item}: 术语“{name}”已在 {defined[name]} 解释过，一个术语只解释一次")
                continue
            defined[name] = item
            if known is not None and name not in known:
                where.add(node, f"{item}: “{name}”不是 data/terms.yml 中的术语（term）；先在那里加一项，"
                                f"别名和不再使用的说法也写在那里")
            if not DEFINITION.check(where, entry, f"{item}:"):
                continue
            if not pages.slugify(name):
                where.add(node, f"{item}: 术语 {name!r} 算不出锚点")
            if "page" in entry:
                check_link(where, entry, item, entry["page"], root)
            valid.append((key, name, entry))
    for _key, name, entry in valid:
        for other in entry.get("see", []):
            if other not in defined:
                where.add(entry, f"{defined[name]}: see 中的 {other!r} 不是术语表里的术语")
    from macros import training  # 缩写在培训模块里校验（它导入本模块）
    try:
        training.load_abbreviations(root)
    except DataError as exc:
        where.problems.append((0, str(exc)))
    where.done()
    result: dict = {}
    for key, group in groups.items():
        items = []
        for name, entry in group["terms"].items():
            source = (known or {}).get(name, {})
            item = {"term": name, **entry}
            if source.get("aliases"):
                item["aliases"] = list(source["aliases"])
            if source.get("avoid"):
                item["deprecated"] = list(source["avoid"])
            items.append(item)
        result[key] = {"title": group["title"], "terms": items}
    return result


def render(groups: Mapping, src: str, root: Path) -> str:
    """术语表：每组一个二级标题，每个术语一个带锚点的定义列表条目。"""
    out = []
    for group in groups.values():
        out += [f"## {md_text(group['title'])}", ""]
        for term in group["terms"]:
            out.append(f"{md_text(term['term'])} {{ #{pages.slugify(term['term'])} }}")
            text = md_text(term["definition"])
            if term.get("aliases"):
                text += f" 又称：{'、'.join(md_text(a) for a in shown_variants(term['aliases']))}。"
            if term.get("deprecated"):
                text += f" 不用：{'、'.join(md_text(d) for d in shown_variants(term['deprecated']))}。"
            if term.get("note"):
                text += f" {md_text(term['note'])}"
            if term.get("page"):
                text += f" 见{md_link(term['page'], src, root)}。"
            if term.get("see"):
                refs = "、".join(f"[{md_text(o)}](#{pages.slugify(o)})" for o in term["see"])
                text += f" 参见：{refs}。"
            out += [f":   {text}", ""]
    return "\n".join(out)


def register(env, root) -> None:
    groups = load_glossary(root)

    @env.macro
    def glossary() -> str:
        """术语表（data/glossary.yml 的解释，data/terms.yml 的又称和不用）。"""
        return render(groups, _src_uri(env), root)
