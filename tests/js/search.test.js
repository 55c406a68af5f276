// 搜索 worker（docs/assets/javascripts/workers/handbook-search.js）的单元测试：分词、同义词、复合词、
// 单字、无意义查询、排序（标题、页面类型加权）、分组、terms、转义、坏输入和速度。
// node --test tests/js/search.test.js
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const worker = require(path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "workers", "handbook-search.js"));

// mkdocs.yml 中 search 插件的分隔符（jieba 在词之间放零宽空格）
const SEPARATOR = '[\\s\\u200b\\-_,:!=\\[\\]()"`/]+|\\.(?!\\d)|&[lg]t;|(?!\\b)(?=[A-Z][a-z])';
const Z = "\u200b";
const j = (...words) => words.join(Z); // 像 jieba 那样用零宽空格连接

const HANDBOOK = {
  version: 1,
  synonyms: { 客户: "用户", 顾客: "用户", 找不到: "查询不到", 重新打印: "补打", 一级: "P1", 登不上: "登录", 宕机: "宕机" },
  stopwords: ["要求", "怎么办", "我们"],
  min_coverage: 0.5,
};

const LONG = "说明" + "，".repeat(3) + j(...Array(60).fill("值班")) + j("先", "核对", "证书", "指纹") + j(...Array(60).fill("交接"));

const DOCS = [
  { location: "", title: j("发票", "系统", "手册"), text: j("<p>", "手册", "首页", "</p>"), boost: 1.3 },
  { location: "incident/triage/", title: j("发票", "查询", "不到", "：", "分流"), text: j("<p>", "用户", "说", "查不到", "发票", "时", "先", "分清", "范围", "。", "</p>"), boost: 2 },
  { location: "incident/triage/#先做这几件事", title: j("先", "做", "这", "几件", "事"), text: j("核对", "开票日期", "和", "发票", "号码", "；", "用户", "查不到", "时", "看", "同步"), boost: 2 },
  { location: "service/reprint/", title: j("发票", "补打"), text: j("用户", "要求", "补打", "时", "，", "重新", "交付", "文件", "。"), boost: 1.3 },
  { location: "service/reprint/#答复", title: j("答复"), text: j("打印件", "是", "副本", "，", "补打", "就是", "重新", "下载"), boost: 1.3 },
  { location: "operations/upgrade/", title: j("系统", "升级"), text: j("升级", "前", "备份"), boost: 2 },
  { location: "operations/upgrade/#升级回滚", title: j("升级回滚"), text: j("升级", "失败", "时", "执行", "升级回滚", "。"), boost: 2 },
  { location: "incident/offline/", title: j("网点", "断网"), text: j("网点", "断网", "时", "先", "登记", "。"), boost: 2 },
  { location: "drills/offline/", title: j("网点", "断网"), text: j("网点", "断网", "时", "先", "登记", "。"), boost: 0.5 },
  { location: "reference/contracts/", title: j("协议", "清单"), text: j("劳动合同", "与", "保密", "协议", "由", "人事", "保管"), boost: 1.3 },
  { location: "reference/severity/", title: j("事件", "分级"), text: j("按", "影响", "范围", "定级"), boost: 1.3 },
  { location: "reference/severity/#p1", title: j("P1", "：", "重大", "事件"), text: j("登录", "失败", "影响", "全部", "用户"), boost: 1.3 },
  { location: "reference/certs/", title: j("证书", "到期"), text: j("更换", "前", "通知", "值班"), boost: 1.3 },
  { location: "reference/duty/", title: j("值班", "交接"), text: LONG, boost: 1.3 },
  { location: "reference/escape/", title: j("比较", "&lt;", "阈值", "&gt;"), text: "<p>" + j("阈值", "&lt;", "告警", "&amp;", "记录") + "</p><script>alert(1)</script>", boost: 1.3 },
];

function setup(docs = DOCS, handbook = HANDBOOK, opts) {
  return worker.createIndex({ config: { lang: ["zh"], separator: SEPARATOR, handbook }, docs }, opts);
}

const index = setup();
const fallback = setup(DOCS, HANDBOOK, { segmenter: false });
const pages = (result) => result.items.map((group) => group[0].location);
const allItems = (result) => result.items.flat();

test("分词：句子按索引词表合并，去掉停用词和单字", () => {
  assert.equal(index.stats.segmenter, "Intl.Segmenter");
  assert.deepEqual(index.segment("客户说找不到发票"), ["客户", "找不到", "发票"]);
  assert.deepEqual(index.segment("客户要求补打"), ["客户", "补打"]); // Intl.Segmenter 切成 补/打，按词表合回
  assert.deepEqual(index.segment("升级回滚怎么办"), ["升级回滚"]);
  assert.deepEqual(index.segment("Ｐ１ 事件"), ["p1", "事件"]); // 全角转半角、转小写
});

test("没有 Intl.Segmenter 时按词表最长匹配，结果一样", () => {
  assert.equal(fallback.stats.segmenter, "vocabulary");
  assert.deepEqual(fallback.segment("客户说找不到发票"), ["客户", "找不到", "发票"]);
  assert.deepEqual(fallback.segment("客户要求补打"), ["客户", "补打"]);
  for (const query of ["客户说找不到发票", "客户要求补打", "合同", "回滚", "断网"]) {
    assert.deepEqual(pages(fallback.search(query)), pages(index.search(query)), query);
  }
  assert.equal(fallback.search("量子纠缠火锅店").total, 0);
  // 构建也可以在 config.handbook.segmenter 里指定只按词表分词
  assert.equal(setup(DOCS, Object.assign({}, HANDBOOK, { segmenter: "vocabulary" })).stats.segmenter, "vocabulary");
});

test("句子查询：客户说找不到发票 → 讲用户查不到的分流页", () => {
  const result = index.search("客户说找不到发票");
  assert.equal(pages(result)[0], "incident/triage/");
});

test("同义词：顾客、客户 → 用户；重新打印 → 补打；一级 → P1；terms 用规范说法", () => {
  const result = index.search("顾客");
  assert.ok(result.total > 0);
  assert.deepEqual(result.items[0][0].terms, { 用户: true });
  assert.equal(pages(index.search("重新打印"))[0], "service/reprint/");
  assert.equal(pages(index.search("客户要求补打"))[0], "service/reprint/");
  assert.equal(pages(index.search("一级"))[0], "reference/severity/");
  assert.equal(pages(index.search("登不上"))[0], "reference/severity/");
});

test("复合词：合同 → 劳动合同；回滚 → 升级回滚", () => {
  const contracts = index.search("合同");
  assert.deepEqual(pages(contracts), ["reference/contracts/"]);
  assert.match(contracts.items[0][0].text, /劳动<mark data-md-highlight>合同<\/mark>/);
  assert.deepEqual(contracts.items[0][0].terms, { 合同: true });
  assert.equal(pages(index.search("回滚"))[0], "operations/upgrade/");
});

test("单字不匹配也不高亮", () => {
  for (const query of ["票", "不", "a", "1", "的"]) assert.deepEqual(index.search(query), { items: [], total: 0 }, query);
  const result = index.search("发票查不到");
  assert.ok(result.total > 0);
  for (const item of allItems(result)) {
    for (const mark of (item.title + item.text).matchAll(/<mark data-md-highlight>(.*?)<\/mark>/g)) {
      assert.ok(mark[1].length >= 2, `单字被高亮：${mark[1]}`);
    }
    for (const term of Object.keys(item.terms)) assert.ok(term.length >= 2, `单字进了 terms：${term}`);
  }
});

test("无意义的查询没有结果", () => {
  for (const query of ["量子纠缠火锅店", "量子纠缠", "火锅店发票量子纠缠"]) {
    assert.deepEqual(index.search(query), { items: [], total: 0 }, query);
  }
});

test("标题命中排在正文命中前面", () => {
  const result = index.search("证书");
  assert.deepEqual(pages(result).slice(0, 2), ["reference/certs/", "reference/duty/"]);
});

test("页面类型加权：同样的词，处置手册排在演练前面", () => {
  const result = index.search("断网");
  assert.deepEqual(pages(result), ["incident/offline/", "drills/offline/"]);
  assert.ok(result.items[0][0].score > result.items[1][0].score);
});

test("分组：每页一组，页面本身在前，其后是命中的小节；total 是页数", () => {
  const result = index.search("补打");
  assert.equal(result.total, result.items.length);
  const group = result.items.find((g) => g[0].location === "service/reprint/");
  assert.ok(group);
  assert.deepEqual(group.map((item) => item.location), ["service/reprint/", "service/reprint/#答复"]);
  for (const g of result.items) {
    assert.ok(!g[0].location.includes("#"));
    for (const section of g.slice(1)) {
      assert.ok(section.location.startsWith(g[0].location + "#"));
      assert.ok(g[0].score >= section.score);
    }
  }
  // 只有小节命中时，页面条目仍在最前
  const upgrade = index.search("升级回滚").items.find((g) => g[0].location === "operations/upgrade/");
  assert.deepEqual(upgrade.map((item) => item.location), ["operations/upgrade/", "operations/upgrade/#升级回滚"]);
});

test("terms：命中的词为 true，没命中的为 false", () => {
  const result = index.search("发票 补打");
  const reprint = result.items.find((g) => g[0].location === "service/reprint/");
  assert.deepEqual(reprint[0].terms, { 发票: true, 补打: true });
  const triage = result.items.find((g) => g[0].location === "incident/triage/");
  assert.deepEqual(triage[0].terms, { 发票: true, 补打: false });
});

test("标题和正文转义，去掉标签和零宽空格", () => {
  const result = index.search("阈值");
  const item = result.items[0][0];
  assert.equal(item.location, "reference/escape/");
  assert.equal(item.title, "比较&lt;<mark data-md-highlight>阈值</mark>&gt;");
  assert.equal(item.text, "<mark data-md-highlight>阈值</mark>&lt;告警&amp;记录 alert(1)");
  for (const field of [item.title, item.text]) {
    assert.doesNotMatch(field.replace(/<\/?mark( data-md-highlight)?>/g, ""), /[<>\u200b]/);
  }
  assert.equal(worker.escapeHTML(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
});

test("长正文只给第一处命中附近的一段", () => {
  const result = index.search("指纹");
  const item = result.items[0][0];
  assert.equal(item.location, "reference/duty/");
  const visible = item.text.replace(/<[^>]+>/g, "");
  assert.ok(visible.length <= 162, visible.length);
  assert.ok(visible.startsWith("…") && visible.endsWith("…"));
  assert.match(item.text, /<mark data-md-highlight>指纹<\/mark>/);
});

test("消息协议：SETUP → READY，QUERY → RESULT {items, total}", () => {
  const state = {};
  const config = { lang: ["zh"], separator: SEPARATOR, handbook: HANDBOOK };
  assert.deepEqual(worker.handleMessage({ type: 2, data: "发票" }, state), { type: 3, data: { items: [], total: 0 } });
  assert.deepEqual(worker.handleMessage({ type: 0, data: { config, docs: DOCS, options: { suggest: false } } }, state), { type: 1 });
  const reply = worker.handleMessage({ type: 2, data: "补打" }, state);
  assert.equal(reply.type, 3);
  assert.ok(reply.data.total > 0 && Array.isArray(reply.data.items));
  assert.equal(worker.handleMessage({ type: 9 }, state), null);
  assert.equal(worker.handleMessage(null, state), null);
  // 查询中出错：给空结果，不抛出
  const broken = { index: { search() { throw new Error("boom"); } } };
  assert.deepEqual(worker.handleMessage({ type: 2, data: "发票" }, broken), { type: 3, data: { items: [], total: 0 } });
});

test("坏输入不抛错", () => {
  const odd = setup([null, 7, "x", {}, { location: 3 }, { location: "a/", title: null, text: 12 },
    { location: "b/", title: ["x"], text: { a: 1 }, boost: "high" }, { location: "b/#c", title: j("发票", "查验"), text: undefined }, ...DOCS],
  { synonyms: { 客户: 5, "": "用户", 顾客: null }, stopwords: "的", min_coverage: "x" });
  assert.equal(odd.stats.docs, DOCS.length + 3);
  assert.ok(odd.search("发票查验").total > 0);
  for (const query of [null, undefined, 123, {}, "", "   ", "(((", "***", "&lt;", "发".repeat(5000), "\u200b\u200b", "a-b_c"]) {
    const result = odd.search(query);
    assert.ok(Array.isArray(result.items) && typeof result.total === "number");
  }
  for (const data of [undefined, null, {}, { config: null, docs: null }, { config: { separator: "[" }, docs: DOCS }]) {
    const state = {};
    assert.deepEqual(worker.handleMessage({ type: 0, data }, state), { type: 1 });
    assert.ok(Array.isArray(worker.handleMessage({ type: 2, data: "发票" }, state).data.items));
  }
});

test("速度：500 篇文档的查询在几毫秒内答完", () => {
  const words = ["发票", "查询", "用户", "补打", "升级", "回滚", "值班", "告警", "核对", "同步", "网点", "断网", "数据库", "备份"];
  const docs = [];
  for (let i = 0; i < 500; i++) {
    const text = Array.from({ length: 120 }, (_, k) => words[(i * 7 + k * 3) % words.length]);
    docs.push({ location: `p${Math.floor(i / 10)}/` + (i % 10 ? `#s${i}` : ""), title: j(words[i % words.length], "页面"), text: j(...text), boost: 1 });
  }
  const big = setup(docs);
  const times = [];
  for (const query of ["客户说找不到发票", "升级回滚", "网点断网怎么办", "数据库备份", "回滚"]) {
    for (let round = 0; round < 5; round++) {
      const start = process.cpuUsage(); // CPU 时间：机器忙（并行测试）时比挂钟时间稳定
      big.search(query);
      times.push(process.cpuUsage(start).user / 1000);
    }
  }
  times.sort((a, b) => a - b);
  assert.ok(times[times.length >> 1] < 25, `查询中位数 ${times[times.length >> 1].toFixed(1)} ms`);
});

test("构建时建好的紧凑索引：坏数据不抛错，只给空结果", () => {
  const config = { separator: SEPARATOR, handbook: HANDBOOK };
  const good = { v: 1, count: 2, docs: [["a/", "补打", "用户 要求 补打", 2, "runbook"], ["a/#b", "答复", "补打 就是 重新 下载", 2, "runbook"]],
    lengths: [3, 4], words: ["补打", "用户", "要求", "答复", "就是", "重新", "下载"],
    post: [[0, 3, 1, 2], [0, 2], [0, 2], [1, 1], [1, 2], [1, 2], [1, 2]] };
  const index = worker.createIndex({ config, compact: good });
  assert.equal(index.stats.docs, 2);
  const result = index.search("重新打印");
  assert.equal(result.total, 1);
  assert.equal(result.items[0][0].location, "a/");
  assert.match(result.items[0][0].title, /<mark data-md-highlight>补打<\/mark>/);
  for (const compact of [{ v: 2 }, { v: 1 }, { v: 1, docs: [null, 5, ["x"]], words: ["补打", 7], post: [[9, 9, -3, "x"]], lengths: "x" },
    { v: 1, docs: [], words: ["补打"], post: [[0, 3]] }]) {
    const state = {};
    assert.deepEqual(worker.handleMessage({ type: 0, data: { config, compact } }, state), { type: 1 });
    assert.ok(Array.isArray(worker.handleMessage({ type: 2, data: "补打" }, state).data.items));
  }
});
