"""站内搜索的 worker（docs/assets/javascripts/workers/handbook-search.js）：Node 单元测试，
以及在构建出的真实搜索索引上的速度和结果格式。"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, run_node_tests

NODE = shutil.which("node") or "/usr/bin/node"
WORKERS = ROOT / "docs" / "assets" / "javascripts" / "workers"
WORKER = WORKERS / "handbook-search.js"
#: worker 的 Node 测试 → 至少应通过的测试数
NODE_TESTS = {ROOT / "tests" / "js" / "search.test.js": 16}


def run_node(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, TZ="Asia/Shanghai")
    return subprocess.run([NODE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("node_tests", list(NODE_TESTS), ids=lambda p: p.name)
def test_node_unit_tests_pass(node_tests):
    run_node_tests(node_tests, NODE_TESTS[node_tests])


def test_worker_loads_only_its_own_files_and_injects_no_html():
    """worker 只载入同目录的模块和站内 search/ 下的索引文件，不写 HTML，不请求站外地址。"""
    for path in sorted(WORKERS.glob("*.js")):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "XMLHttpRequest", "eval(", "new Function",
                          "http://", "https://"):
            assert forbidden not in source, f"{path.name}: {forbidden}"
        if path != WORKER:
            for forbidden in ("document.", "fetch(", "importScripts("):
                assert forbidden not in source, f"{path.name}: {forbidden}"
    source = WORKER.read_text(encoding="utf-8")
    assert set(re.findall(r"document\.\w+", source)) == {"document.currentScript"}  # iframe-worker 里找到脚本地址
    assert re.findall(r"fetch\([^;]*?\)", source) == ["fetch(new URL(path, here()"]  # 只取 search/ 下的索引文件（见 indexPath）
    assert re.findall(r"importScripts\(", source) == ["importScripts("]  # 只在 load() 里


INDEX_PATHS = r"""
const { indexPath } = require(process.argv[1]);
console.log(JSON.stringify(JSON.parse(process.argv[2]).map(indexPath)));
"""


def test_worker_accepts_only_index_files_under_search():
    names = ["search/handbook-index.0123456789.json", "search/handbook-index.0123456789.js", "search/../x.js",
             "https://example.com/x.js", "assets/x.js", "search/x.css", None]
    result = run_node("-e", INDEX_PATHS, str(WORKER), json.dumps(names))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["../../../search/handbook-index.0123456789.json",
                                         "../../../search/handbook-index.0123456789.js", None, None, None, None, None]


# 在真实索引上跑 worker：建索引和查询的耗时，每条结果的格式（页面在前、转义、不高亮单字、terms 里没有单字）
PROBE = r"""
const worker = require(process.argv[1]);
const fs = require("fs");
const path = require("path");
// search_index.json 只有配置；构建好的索引在 config.handbook.index 所指的文件里
const data = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const site = path.dirname(path.dirname(process.argv[2]));
data.compact = JSON.parse(fs.readFileSync(path.join(site, data.config.handbook.index), "utf8"));
const queries = JSON.parse(process.argv[3]);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
let start = process.hrtime.bigint();
const index = worker.createIndex(data);
const setup = ms(start);
const times = [];
const problems = [];
const totals = {};
for (const query of queries) {
  for (let round = 0; round < 3; round++) {
    start = process.hrtime.bigint();
    const result = index.search(query);
    times.push(ms(start));
    totals[query] = result.total;
    for (const group of result.items) {
      if (group[0].location.includes("#")) problems.push(`${query}: 组的第一条不是页面 ${group[0].location}`);
      for (const item of group) {
        const shown = (item.title + item.text).replace(/<\/?mark( data-md-highlight)?>/g, "");
        if (/[<>\u200b]/.test(shown)) problems.push(`${query}: ${item.location} 有未转义的字符`);
        for (const mark of (item.title + item.text).matchAll(/<mark data-md-highlight>(.*?)<\/mark>/g))
          if (mark[1].length < 2) problems.push(`${query}: ${item.location} 高亮了单字“${mark[1]}”`);
        for (const term of Object.keys(item.terms))
          if (term.length < 2) problems.push(`${query}: ${item.location} 的 terms 有单字“${term}”`);
      }
    }
  }
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ setup, median: times[times.length >> 1], max: times[times.length - 1], problems, totals }));
"""

QUERIES = ["客户说找不到发票", "客户要求补打", "发票查不到", "升级回滚", "开票失败", "报错", "断网", "P1", "定级",
           "12366", "数据库", "负载均衡", "红冲", "量子纠缠火锅店", "票", "不"]


def test_worker_on_the_built_index_is_fast_and_well_formed(built_site):
    index = built_site / "search" / "search_index.json"
    result = run_node("-e", PROBE, str(WORKER), str(index), json.dumps(QUERIES, ensure_ascii=False))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["problems"] == []
    assert report["totals"]["量子纠缠火锅店"] == 0 and report["totals"]["票"] == 0 and report["totals"]["不"] == 0
    assert report["totals"]["发票查不到"] > 0 and report["totals"]["升级回滚"] > 0
    # 机器忙时也留有余量：通常建索引约 100 ms，查询中位数约 1 ms
    assert report["setup"] < 1500, report
    assert report["median"] < 50, report


# 构建时切词（macros/searchindex.py）与 worker 的 fieldTokens 必须切出同样的词，倒排表才对得上查询
TOKENS = r"""
const text = require(process.argv[1]);
const { config, docs } = JSON.parse(process.argv[2]);
const separator = text.separatorOf(config);
console.log(JSON.stringify(docs.map((doc) => ["title", "text"].map((field) => {
  const out = [];
  text.fieldTokens(doc[field], separator, out);
  return out;
}))));
"""

Z = "\u200b"
SAMPLE_DOCS = [
    {"location": "a/", "title": f"发票{Z}查询{Z}不到", "text": f"<p>用户{Z}说{Z}查不到{Z}发票{Z}，{Z}先{Z}核对{Z}开票日期</p>"},
    {"location": "a/#x", "title": "ReadDo 与 DO-CONFIRM", "text": "HTTP&amp;HTTPS &lt;p&gt; ＡＢＣ１２ 「红冲」 v1.2.3 a_b"},
    {"location": "b/", "title": "（回滚）", "text": f"升级回滚{Z}。{Z}回滚{Z}、{Z}回滚 &#x56DE;&#28378; P1/P2 12366"},
    {"location": "b/#y", "title": "", "text": "——…… “就是” x"},
]


def _separator() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.search(r"separator: '([^']+)'", text).group(1)


def test_build_time_tokens_match_the_worker():
    from macros import searchindex
    config = {"separator": _separator()}
    result = run_node("-e", TOKENS, str(WORKERS / "search-text.js"),
                      json.dumps({"config": config, "docs": SAMPLE_DOCS}, ensure_ascii=False))
    assert result.returncode == 0, result.stderr
    sep = searchindex.separator(config)
    expected = []
    for doc in SAMPLE_DOCS:
        fields = []
        for field in ("title", "text"):
            out: list[str] = []
            searchindex.field_tokens(doc[field], sep, out)
            fields.append(out)
        expected.append(fields)
    assert json.loads(result.stdout) == expected


SAME_RESULTS = r"""
const worker = require(process.argv[1]);
const { config, docs, compact, queries } = JSON.parse(process.argv[2]);
const [a, b] = [worker.createIndex({ config, compact }), worker.createIndex({ config, docs })];
console.log(JSON.stringify(queries.map((q) => [a.search(q), b.search(q)])));
"""


def test_the_prebuilt_index_answers_like_the_worker_built_one():
    from macros import searchindex
    config = {"separator": _separator(), "handbook": {"synonyms": {"退回": "回滚"}, "min_coverage": 0.5}}
    docs = [dict(doc, boost=1.5) for doc in SAMPLE_DOCS]
    compact = searchindex.compact({"config": config, "docs": docs})
    queries = ["回滚", "退回", "发票查不到", "readdo", "p1", "12366", "红冲", "量子纠缠火锅店"]
    result = run_node("-e", SAME_RESULTS, str(WORKER), json.dumps(
        {"config": config, "docs": docs, "compact": compact, "queries": queries}, ensure_ascii=False))
    assert result.returncode == 0, result.stderr
    for query, (prebuilt, built) in zip(queries, json.loads(result.stdout)):
        assert prebuilt == built, query
    assert any(pair[0]["total"] for pair in json.loads(result.stdout))
