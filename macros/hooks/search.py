"""构建钩子（搜索）：给 Material 的搜索索引加上本手册的搜索脚本要用的内容。

- 每页的加权：按页面类型（data/search.yml 的 boosts，个别页面按 pages）写进 page.meta["search"]["boost"]，
  Material 的搜索插件把它写成索引里每条文档的 boost；
- Material 写出 site/search/search_index.json 之后、离线插件把它内联成 search_index.js 之前：
  给每条文档加上所在页面的类型 type，在 config.handbook 中写入同义词（data/terms.yml 的别名和要避免的
  说法，以及 data/facts.yml 中热线号码 → 热线名称）、查询虚词和最低覆盖率；
- 索引在构建时建好（macros/searchindex.py：倒排表、词表、显示用的纯文本），写成 search/handbook-index.<摘要>.json，
  搜索脚本在 Worker 里 fetch 它；search_index.json 里只留配置和这个文件名（config.handbook.index），docs 为空——
  主线程不再解析、复制整个索引，浏览器也不再逐篇切词。离线包（离线插件启用时）写成 .js：离线插件把小的
  search_index.json 内联成 search_index.js，从 file:// 打开时 iframe-worker 用 importScripts 载入索引文件。

浏览器里的搜索脚本是 docs/assets/javascripts/workers/handbook-search.js，overrides/main.html 把
Material 的 __config.search 指向它。
"""
from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

try:
    from macros.hooks import bootstrap  # noqa: F401  测试与工具里项目根目录已在 sys.path 上
except ModuleNotFoundError:
    import bootstrap  # noqa: F401  MkDocs 载入钩子时本目录临时在 sys.path 上

from macros import datafiles, search, searchindex, terms  # noqa: E402

WORKER = "assets/javascripts/workers/handbook-search.js"
_state: dict = {}


def hotline_synonyms(facts: dict) -> dict[str, str]:
    """热线号码 → 热线名称（data/facts.yml 中 kind: phone 的条目）：搜 12366 也找到写着热线名称的页面。"""
    return {str(entry["value"]): entry["name"] for entry in facts.values() if entry.get("kind") == "phone"}


def best_bets(root: Path) -> dict[str, str]:
    """说法 → 首选页面（docs/ 下的路径）：data/terms.yml 中写了 page 的条目；热线号码 →
    data/search.yml 的 hotline_page（号码、核实状态和说明集中的那一页）。"""
    settings = search.load_search(root)
    result: dict[str, str] = {}
    if settings.get("hotline_page"):
        for number in hotline_synonyms(datafiles.load_facts(root)):
            result[terms.normalise(number)] = settings["hotline_page"]
    result.update(terms.best_bets(terms.load_terms(root)))
    return result


def handbook_config(root: Path) -> dict:
    """写进索引 config.handbook 的内容（数据文件的问题已由 checks.py 在构建开始时报出）。
    best_bets 里还是 docs/ 下的路径，构建结束时 resolve_best_bets 换成网址。"""
    synonyms = terms.synonyms(terms.load_terms(root), hotline_synonyms(datafiles.load_facts(root)))
    return search.handbook_config(search.load_search(root), synonyms, best_bets(root))


def resolve_best_bets(handbook: dict, urls: dict[str, str]) -> dict:
    """best_bets 的页面路径（docs/ 下）→ 索引里的页面网址；找不到的页面报错。"""
    missing = sorted({page for page in handbook.get("best_bets", {}).values() if page not in urls})
    if missing:
        raise PluginError("搜索的首选页面不在站点里：" + "、".join(missing))
    return dict(handbook, best_bets={word: urls[page] for word, page in handbook.get("best_bets", {}).items()})


def page_key(location: str) -> str:
    """索引中文档的 location 所属页面的网址（去掉 #锚点）。"""
    return location.split("#", 1)[0]


def extend_index(data: dict, types: dict[str, str], boosts: dict[str, float], handbook: dict) -> list[str]:
    """就地给索引加上 type、boost 和 config.handbook；返回找不到所属页面的文档位置。"""
    unknown = []
    for doc in data["docs"]:
        key = page_key(doc["location"])
        if key not in types:
            unknown.append(doc["location"])
            continue
        doc["type"] = types[key]
        doc.setdefault("boost", boosts[key])
    data["config"]["handbook"] = handbook
    return unknown


def dump(data: dict) -> str:
    """与 Material 相同的紧凑格式，但中文和零宽空格不转义。"""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def split_index(data: dict, offline: bool = False) -> tuple[dict, str, str]:
    """加过 type、boost、config.handbook 的索引 → (只有配置的 search_index.json 内容, 索引文件名, 索引文件内容)。
    索引文件名相对站点根目录，如 search/handbook-index.0123456789.json（离线包为 .js）。"""
    index = searchindex.compact(data)
    text = searchindex.script(index) if offline else searchindex.dump(index)
    name = f"search/{searchindex.file_name(text, 'js' if offline else 'json')}"
    config = dict(data["config"], handbook=dict(data["config"].get("handbook") or {}, index=name))
    return {"config": config, "docs": []}, name, text


def write_index(site_dir: Path, data: dict, offline: bool = False) -> str:
    """写出索引文件和只有配置的 search_index.json（删掉上次构建留下的索引文件）；返回索引文件名。"""
    small, name, text = split_index(data, offline)
    folder = site_dir / "search"
    for old in folder.glob("handbook-index.*"):
        old.unlink()
    (site_dir / name).write_text(text, encoding="utf-8")
    (folder / "search_index.json").write_text(dump(small), encoding="utf-8")
    return name


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    try:
        _state["settings"] = search.load_search(root)
        _state["handbook"] = handbook_config(root)
    except datafiles.DataError as exc:
        raise PluginError(f"数据文件有误：\n{exc}") from None
    _state["types"], _state["boosts"], _state["urls"] = {}, {}, {}
    return config


@event_priority(-50)  # 在检查（checks.py）之后：它先核对元数据
def on_page_markdown(markdown, page, config, files):
    page_type = page.meta.get("type")
    value = search.boost(_state["settings"], page_type, page.file.src_uri)
    meta = page.meta.get("search")
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta.setdefault("boost", value)  # 页面自己在 front matter 里写了 search.boost 时以它为准
    page.meta["search"] = meta
    _state["types"][page.url] = page_type or ""
    _state["boosts"][page.url] = meta["boost"]
    _state["urls"][page.file.src_uri] = page.url
    return markdown


def read_index(site_dir: Path) -> tuple[dict, dict]:
    """构建好的站点 → (search_index.json 的内容, 构建好的索引)。测试和基准用。"""
    small = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    path = site_dir / small["config"]["handbook"]["index"]
    text = path.read_text(encoding="utf-8")
    return small, searchindex.read_script(text) if path.suffix == ".js" else json.loads(text)


def docs_of(index: dict) -> list[dict]:
    """构建好的索引里的文档，写成 {location, title, text, boost, type}（title、text 是纯文本）。"""
    return [{"location": d[0], "title": d[1], "text": d[2], "boost": d[3], "type": d[4]} for d in index["docs"]]


def offline_enabled(config) -> bool:
    """离线插件（HANDBOOK_OFFLINE=true 时启用）是否启用：离线包的索引文件要能用 importScripts 载入。"""
    return any(type(plugin).__name__ == "OfflinePlugin" and getattr(plugin, "config", {}).get("enabled", False)
               for plugin in config.plugins.values())


# Material 的搜索插件在默认优先级（0）写出 search_index.json，离线插件在 -100 把它内联成 search_index.js
@event_priority(-50)
def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    handbook = resolve_best_bets(_state["handbook"], _state["urls"])
    unknown = extend_index(data, _state["types"], _state["boosts"], handbook)
    if unknown:
        raise PluginError("搜索索引里有找不到所属页面的条目：" + "、".join(unknown[:5]))
    write_index(Path(config.site_dir), data, offline_enabled(config))
