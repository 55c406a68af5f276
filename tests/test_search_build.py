"""站内搜索的构建部分：data/terms.yml 的别名、data/search.yml、构建钩子 macros/hooks/search.py
写进搜索索引的页面类型、加权和 config.handbook。浏览器里的搜索另有测试。"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from macros import datafiles, search, terms
from macros.frontmatter import PAGE_TYPES
from macros.hooks import search as hook
from macros.schema import DataError
from mkdocs.exceptions import PluginError

WORKER = "assets/javascripts/workers/handbook-search.js"


def _project(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "docs" / "training").mkdir(parents=True)
    (tmp_path / "docs" / "training" / "quiz.md").write_text("# 自测题\n", encoding="utf-8")
    for name, body in files.items():
        (tmp_path / "data" / f"{name}.yml").write_text(body, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- data/terms.yml：别名


def test_aliases_are_checked_with_file_and_line(tmp_path):
    root = _project(tmp_path, terms=(
        "terms:\n"
        "  user:\n    term: 用户\n    aliases: [客户, 顾客]\n"            # 2
        "  other:\n    term: 受票方\n    aliases: [客户, 用户, 买]\n"      # 5
        "  empty:\n    term: 开票方\n"                                    # 8 只有术语：术语表解释它
        "  same:\n    term: 补打\n    aliases: [重打]\n    search: 补打\n"  # 10
    ))
    with pytest.raises(DataError) as info:
        terms.load_terms(root)
    message = str(info.value)
    assert "data/terms.yml:6: terms.other: 别名“客户”已在 terms.user 中列出" in message
    assert "data/terms.yml:6: terms.other: “用户”也是 terms.user 的规范说法" in message
    assert "data/terms.yml:6: terms.other: 别名“买”只有一个字" in message
    assert "terms.empty" not in message
    assert "data/terms.yml:11: terms.same: search 与 term 相同" in message


def test_aliases_are_not_rejected_in_pages_but_avoided_words_are():
    compiled = terms.patterns(terms.load_terms(ROOT))
    found = [f.text for f in terms.find("客户说查不到，开错了就冲红。", compiled)]
    assert found == ["冲红"]


def test_synonyms_map_every_alias_and_avoided_word_to_the_search_term():
    entries = {
        "red": {"term": "红冲", "avoid": ["冲红"], "aliases": ["开红票"]},
        "peak": {"term": "月末开票高峰、征期申报高峰", "avoid": ["月末申报高峰"], "search": "征期"},
        "rd": {"term": "逐项执行", "avoid": ["READ-DO", "Read-Do"]},
        "p1": {"term": "P1", "aliases": ["一级"]},
    }
    result = terms.synonyms(entries, {"12366": "纳税缴费服务热线"})
    assert result == {"12366": "纳税缴费服务热线", "一级": "p1", "冲红": "红冲", "开红票": "红冲",
                      "月末申报高峰": "征期", "read-do": "逐项执行"}


def test_the_handbook_synonyms_cover_the_words_staff_type():
    result = terms.synonyms(terms.load_terms(ROOT))
    expected = {
        "客户": "用户", "顾客": "用户", "纳税人": "用户", "数电票": "数电发票", "全电发票": "数电发票",
        "重新打印": "补打", "补开": "补打", "重打": "补打", "查不到": "查询不到", "找不到": "查询不到",
        "搜不到": "查询不到", "挂了": "宕机", "崩了": "宕机", "打不开": "宕机", "登不上": "登录",
        "登录不了": "登录", "一级": "p1", "一级事件": "p1", "二级": "p2", "冲红": "红冲", "新人": "学习路径",
        "新手": "学习路径", "入门": "学习路径", "回退": "回滚", "断网": "网络中断", "开不了票": "开不出票",
        "开票失败": "开不出票", "定级": "事件分级", "刷脸": "人脸识别",
    }
    assert {word: result.get(word) for word in expected} == expected


def _page_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))


def test_every_search_term_occurs_in_the_pages():
    """同义词把查询改成规范说法；规范说法不在页面里，改了也找不到。（只有术语、没有别名的条目不产生同义词）"""
    text = _page_text()
    missing = [f"terms.{key}: {terms.search_term(entry)}" for key, entry in terms.load_terms(ROOT).items()
               if terms.variants(entry) and terms.search_term(entry) not in text]
    assert not missing, "这些规范说法（或 search）在 docs/ 的页面里一次也没有出现：\n" + "\n".join(missing)


def _tokenizer():
    jieba = pytest.importorskip("jieba")
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(ROOT / "data" / "jieba_userdict.txt"))
    return tokenizer


def test_search_terms_stay_whole_when_segmented():
    """构建时 jieba 按领域词典分词；同义词的目标词要在索引里是一个完整的词，才能精确匹配。"""
    tokenizer = _tokenizer()
    targets = set(terms.synonyms(terms.load_terms(ROOT),
                                 hook.hotline_synonyms(datafiles.load_facts(ROOT))).values())
    split = {t: tokenizer.lcut(t) for t in sorted(targets) if re.search(r"[\u4e00-\u9fff]", t)}
    split = {t: parts for t, parts in split.items() if parts != [t]}
    assert not split, f"这些词会被切开，请加进 data/jieba_userdict.txt：{split}"


# ---------------------------------------------------------------- data/search.yml

GOOD = """\
boosts:
  runbook: 2.0
  checklist: 1.6
  guide: 1.3
  reference: 1.3
  legal: 1.2
  drill: 0.5
pages:
  training/quiz.md: 0.5
stopwords: [怎么办, 要求]
min_coverage: 0.5
"""
TERMS = "terms:\n  user:\n    term: 用户\n    aliases: [客户]\n"


def test_search_settings_load():
    settings = search.load_search(ROOT)
    assert set(settings["boosts"]) == set(PAGE_TYPES)
    assert settings["boosts"]["runbook"] == max(settings["boosts"].values())
    assert settings["boosts"]["drill"] == min(settings["boosts"].values())
    assert search.boost(settings, "guide", "training/quiz.md") == settings["boosts"]["drill"]
    assert search.boost(settings, "runbook", "incident/triage.md") == settings["boosts"]["runbook"]
    assert 0 < settings["min_coverage"] <= 1
    assert {"怎么办", "要求"} <= set(settings["stopwords"])


def test_the_example_project_has_valid_search_settings(tmp_path):
    _project(tmp_path, search=GOOD, terms=TERMS)
    assert search.load_search(tmp_path)["pages"] == {"training/quiz.md": 0.5}


def test_search_settings_report_every_problem_with_line(tmp_path):
    body = (
        "boosts:\n"                    # 1
        "  runbook: 1.0\n"
        "  guide: 0\n"
        "  drill: 3\n"
        "  quiz: 1\n"
        "pages:\n"                     # 6
        "  training/missing.md: 1\n"
        "stopwords: [怎么办, 的, 客户, 怎么办]\n"  # 8
        "min_coverage: 1.5\n"
    )
    root = _project(tmp_path, search=body, terms=TERMS)
    with pytest.raises(DataError) as info:
        search.load_search(root)
    message = str(info.value)
    assert "data/search.yml:1: 文件顶层 的字段 min_coverage 取值无效：1.5" in message
    root = _project(tmp_path / "b", search=body.replace("1.5", "0.5"), terms=TERMS)
    with pytest.raises(DataError) as info:
        search.load_search(root)
    message = str(info.value)
    assert "data/search.yml:2: boosts 应当为每种页面类型各写一个加权；缺少 checklist、reference、legal；没有这种页面类型：quiz" \
        in message
    assert "data/search.yml:2: boosts.guide 应当是大于 0、不超过 10 的数：0" in message
    assert "data/search.yml:7: pages 中的 'training/missing.md' 不是 docs/ 下的页面" in message
    assert "data/search.yml:8: stopwords 中的“的”只有一个字" in message
    assert "data/search.yml:8: stopwords 中的“客户”是 data/terms.yml 里的说法" in message
    assert "data/search.yml:8: stopwords 中的“怎么办”重复" in message


def test_runbooks_rank_highest_and_drills_lowest(tmp_path):
    root = _project(tmp_path, search=GOOD.replace("runbook: 2.0", "runbook: 1.0"), terms=TERMS)
    with pytest.raises(DataError) as info:
        search.load_search(root)
    assert "data/search.yml:2: boosts.runbook 应当最高" in str(info.value)


# ---------------------------------------------------------------- 构建钩子（不构建）


class _File:
    def __init__(self, src_uri):
        self.src_uri = src_uri


class _Page:
    def __init__(self, src_uri, url, meta):
        self.file, self.url, self.meta = _File(src_uri), url, meta


def test_hook_sets_the_page_boost_from_its_type(monkeypatch):
    monkeypatch.setattr(hook, "_state", {"settings": search.load_search(ROOT), "types": {}, "boosts": {}, "urls": {}})
    runbook = _Page("incident/triage.md", "incident/triage/", {"type": "runbook"})
    quiz = _Page("training/quiz.md", "training/quiz/", {"type": "guide"})
    own = _Page("x.md", "x/", {"type": "guide", "search": {"boost": 5}})
    for page in (runbook, quiz, own):
        hook.on_page_markdown("", page, None, None)
    assert runbook.meta["search"] == {"boost": 2.0}
    assert quiz.meta["search"] == {"boost": 0.5}
    assert own.meta["search"] == {"boost": 5}
    assert hook._state["types"] == {"incident/triage/": "runbook", "training/quiz/": "guide", "x/": "guide"}


def test_extend_index_adds_type_boost_and_config():
    data = {"config": {"lang": ["zh"]}, "docs": [
        {"location": "", "title": "首页", "text": ""},
        {"location": "incident/triage/", "title": "分流", "text": "", "boost": 2.0},
        {"location": "incident/triage/#判断", "title": "判断", "text": "", "boost": 2.0},
    ]}
    unknown = hook.extend_index(data, {"": "guide", "incident/triage/": "runbook"},
                                {"": 1.3, "incident/triage/": 2.0}, {"version": 1})
    assert unknown == []
    assert [(d["type"], d["boost"]) for d in data["docs"]] == [("guide", 1.3), ("runbook", 2.0), ("runbook", 2.0)]
    assert data["config"]["handbook"] == {"version": 1}
    assert hook.extend_index({"config": {}, "docs": [{"location": "gone/#x"}]}, {}, {}, {}) == ["gone/#x"]


def test_index_is_written_without_escaping():
    text = hook.dump({"docs": [{"title": "发票\u200b查询"}]})
    assert text == '{"docs":[{"title":"发票\u200b查询"}]}'
    assert json.loads(text) == {"docs": [{"title": "发票\u200b查询"}]}


def test_hotline_numbers_map_to_their_names():
    result = hook.hotline_synonyms(datafiles.load_facts(ROOT))
    assert result["12366"] == "纳税缴费服务热线"
    assert result["12345"] == "市民服务热线"
    assert all(number.isdigit() for number in result)


# ---------------------------------------------------------------- 构建结果


@pytest.fixture(scope="module")
def index(built_site):
    """(search_index.json 的内容, 构建好的索引, 索引文件的原文)。"""
    small, compact = hook.read_index(built_site)
    raw = (built_site / small["config"]["handbook"]["index"]).read_text(encoding="utf-8")
    return small, compact, raw


def test_built_index_has_the_handbook_config(index):
    data, _, _ = index
    handbook = data["config"]["handbook"]
    assert handbook["version"] == 1
    assert handbook["min_coverage"] == search.load_search(ROOT)["min_coverage"]
    assert "怎么办" in handbook["stopwords"]
    assert handbook["synonyms"]["客户"] == "用户"
    assert handbook["synonyms"]["12366"] == "纳税缴费服务热线"
    assert all(len(key) >= 2 and len(value) >= 2 for key, value in handbook["synonyms"].items())


def test_search_index_json_holds_only_the_config_and_the_index_file_name(built_site, index):
    """主线程只取这个小文件；索引在 Worker 里载入（文件名带内容摘要，内容变了名字就变）。"""
    data, compact, raw = index
    assert data["docs"] == []
    assert re.fullmatch(r"search/handbook-index\.[0-9a-f]{10}\.json", data["config"]["handbook"]["index"])
    assert (built_site / "search" / "search_index.json").stat().st_size < 20_000
    assert sorted(p.name for p in (built_site / "search").glob("handbook-index.*")) == [
        data["config"]["handbook"]["index"].split("/")[1]]
    assert compact["v"] == 1 and compact["count"] == len(compact["docs"]) == len(compact["lengths"])
    assert len(compact["words"]) == len(compact["post"])


def test_every_doc_has_its_page_type_and_boost(index):
    _, compact, _ = index
    settings = search.load_search(ROOT)
    docs = hook.docs_of(compact)
    for doc in docs:
        assert doc["type"] in PAGE_TYPES, doc["location"]
        assert doc["boost"] > 0, doc["location"]
    by_page = {doc["location"]: doc for doc in docs if "#" not in doc["location"]}
    assert by_page["incident/triage/"]["type"] == "runbook"
    assert by_page["incident/triage/"]["boost"] == settings["boosts"]["runbook"]
    assert by_page["drills/scenarios/"]["boost"] == settings["boosts"]["drill"]
    assert by_page["training/quiz/"]["type"] == "guide"
    assert by_page["training/quiz/"]["boost"] == settings["pages"]["training/quiz.md"]


def test_built_index_is_plain_text_and_not_ascii_escaped(index):
    _, compact, raw = index
    assert "发票" in raw and not re.search(r"\\u[0-9a-f]{4}", raw)
    for doc in hook.docs_of(compact):
        assert "\u200b" not in doc["title"] + doc["text"], doc["location"]
        assert not re.search(r"<(p|div|code|a|li|table)\b", doc["title"] + doc["text"]), doc["location"]


def test_synonym_targets_are_whole_words_in_the_index(index):
    data, compact, _ = index
    missing = sorted(set(data["config"]["handbook"]["synonyms"].values()) - set(compact["words"]))
    assert not missing, f"这些同义词目标在索引里不是完整的词：{missing}"


def test_postings_decode_to_the_words_of_each_doc(index):
    """倒排表：文档号差、词频码（正文词频 × 2 + 标题里有没有）；抽查“回滚”。"""
    _, compact, _ = index
    wid = compact["words"].index("回滚")
    pairs = compact["post"][wid]
    doc, found = 0, {}
    for delta, code in zip(pairs[::2], pairs[1::2]):
        doc += delta
        found[compact["docs"][doc][0]] = (code >> 1, code & 1)
    assert found["operations/rollback/"][1] == 1  # 页面标题里有“回滚”
    assert all(body or title for body, title in found.values())
    assert all("回滚" in compact["docs"][d][1] + compact["docs"][d][2] for d in range(compact["count"])
               if compact["docs"][d][0] in found)


def test_pages_point_material_at_the_handbook_worker(built_site):
    for page in ("index.html", "incident/triage/index.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
                            .group(1))
        assert config["search"].endswith(WORKER)
        assert config["translations"]["search.result.none"]
        assert "search.highlight" in config["features"]


def test_offline_index_script_carries_the_handbook_config(offline_site):
    """离线包：search_index.js 只内联配置；索引是 importScripts 能载入的 .js（file:// 上 Worker 不能 fetch）。"""
    script = (offline_site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert script.startswith("var __index = {")
    data = json.loads(script[len("var __index = "):])
    assert data["config"]["handbook"]["version"] == 1
    assert data["docs"] == []
    assert re.fullmatch(r"search/handbook-index\.[0-9a-f]{10}\.js", data["config"]["handbook"]["index"])
    _, compact = hook.read_index(offline_site)
    assert all(doc["type"] for doc in hook.docs_of(compact))


# ---------------------------------------------------------------- 首选结果（best bets）


def test_best_bets_come_from_term_pages_and_hotline_numbers():
    bets = hook.best_bets(ROOT)
    assert bets["p1"] == bets["一级事件"] == bets["定级"] == "reference/severity.md"
    assert bets["乐企"] == "business/overview.md"
    assert bets["12366"] == "reference/facts.md"
    for word, page in bets.items():
        assert (ROOT / "docs" / page).is_file(), (word, page)


def test_best_bet_pages_become_urls_and_unknown_pages_fail():
    handbook = {"synonyms": {}, "best_bets": {"p1": "reference/severity.md"}}
    resolved = hook.resolve_best_bets(handbook, {"reference/severity.md": "reference/severity/"})
    assert resolved["best_bets"] == {"p1": "reference/severity/"}
    assert handbook["best_bets"] == {"p1": "reference/severity.md"}  # 不改原来的设置
    with pytest.raises(PluginError, match="reference/severity.md"):
        hook.resolve_best_bets(handbook, {})


def test_term_page_must_exist(tmp_path):
    root = _project(tmp_path, terms="terms:\n  p1:\n    term: P1\n    aliases: [一级]\n    page: reference/missing.md\n")
    with pytest.raises(DataError, match="reference/missing.md"):
        terms.load_terms(root)
