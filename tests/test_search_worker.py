"""站内搜索的 worker（docs/assets/javascripts/workers/handbook-search.js）：Node 单元测试，
以及在构建出的真实搜索索引上的速度和结果格式。"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, run_node_tests

NODE = shutil.which("node") or "/usr/bin/node"
WORKER = ROOT / "docs" / "assets" / "javascripts" / "workers" / "handbook-search.js"
#: worker 的 Node 测试 → 至少应通过的测试数
NODE_TESTS = {ROOT / "tests" / "js" / "search.test.js": 16}


def run_node(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, TZ="Asia/Shanghai")
    return subprocess.run([NODE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("node_tests", list(NODE_TESTS), ids=lambda p: p.name)
def test_node_unit_tests_pass(node_tests):
    run_node_tests(node_tests, NODE_TESTS[node_tests])


def test_worker_makes_no_request_and_injects_no_html():
    source = WORKER.read_text(encoding="utf-8")
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.", "fetch(", "XMLHttpRequest",
                      "importScripts", "eval(", "new Function", "http://", "https://"):
        assert forbidden not in source, forbidden


# 在真实索引上跑 worker：建索引和查询的耗时，每条结果的格式（页面在前、转义、不高亮单字、terms 里没有单字）
PROBE = r"""
const worker = require(process.argv[1]);
const data = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
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
