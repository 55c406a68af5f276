// 自测题的纯逻辑：解开答案（quiz.js）、成绩单与全班汇总（quiz-slip.js）。由 tests/test_quiz_pages.py 运行。
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const assets = path.join(__dirname, "..", "..", "docs", "assets", "javascripts");
const q = require(path.join(assets, "quiz.js"));
const s = require(path.join(assets, "quiz-slip.js"));

// 与 tests/test_quiz_pages.py 中 macros/quiz.py 的 seal 结果相同：两边的算法对得上
const SEALED = {
  q1: ["FGYJN8yQmZiscnkcM8n2k2WL54ycenMdAILS/v0nSk9P27W8k1tQc5Xh", { answer: ["B"], explanation: "解释：先看公告。" }],
  multi_q: ["FGYJN8yQmZuwR3NrMJjkkvAZfgP/TBFUGut7WA==", { answer: ["A", "C"], explanation: "多选" }],
};

const TEXT = {
  score: "已答 {answered} 题，共 {total} 题；答对 {correct} 题", group_score: "{title}：{score}",
  slip_title: "自测题成绩单", slip_name: "姓名", slip_date: "日期", slip_version: "手册版本", slip_total: "合计",
  slip_question: "题目", slip_group: "题组", slip_result: "结果", slip_chosen: "所选",
  result_right: "对", result_wrong: "错", result_unanswered: "未答",
};
const RTEXT = {
  other_version: "来自手册 {version}（{commit}），本页是 {current}", changed: "{count} 题改过，不计入",
  unknown: "{count} 题本页没有，不计入", learners: "已导入 {count} 名学员的成绩单。", summary_title: "自测题全班汇总",
  summary_meta: "汇总时间 {at}；手册 {version}（{commit}）", questions_title: "各题错误率", learners_title: "每位学员",
  not_answered: "另有 {count} 题没有学员作答，不列出。",
  col_question: "题目", col_group: "题组", col_answered: "作答人数", col_wrong: "答错人数", col_rate: "错误率",
  col_name: "姓名", col_date: "日期", col_version: "手册版本", col_correct: "答对", col_answered_own: "已答",
  col_total: "共", col_note: "说明",
};
const STAMP = { version: "2026.12", commit: "abc1234", build_date: "2026-12-01" };
const NOW = Date.parse("2026-12-01T02:30:00Z");
const QUESTIONS = [
  { id: "q1", quiz: "basics", group: "基础", number: 1, rev: "r1", stem: "第一题" },
  { id: "q2", quiz: "basics", group: "基础", number: 2, rev: "r2", stem: "第二题" },
  { id: "q3", quiz: "ops", group: "运维", number: 1, rev: "r3", stem: "第三题" },
];

/** 一份成绩单：answers 是 {题目编号: 所选}，没写的题算没答。 */
function slip(learner, answers, opts) {
  const o = opts || {};
  const revs = o.revs || {};
  return s.buildSlip({
    learner: learner, now: o.now || NOW, stamp: o.stamp || STAMP, page: "training/quiz",
    groups: [
      { id: "basics", title: "基础", questions: [
        { id: "q1", number: 1, rev: revs.q1 || "r1", stem: "第一题", answer: ["B"], chosen: answers.q1 || null, at: null },
        { id: "q2", number: 2, rev: revs.q2 || "r2", stem: "第二题", answer: ["A", "C"], chosen: answers.q2 || null, at: null },
      ] },
      { id: "ops", title: "运维", questions: [
        { id: o.q3id || "q3", number: 1, rev: "r3", stem: "第三题", answer: ["D"], chosen: answers.q3 || null, at: null },
      ] },
    ],
  });
}

const json = (value) => JSON.stringify(value);

test("解开构建时封起来的答案与解释；被改动的封条解不开", () => {
  Object.keys(SEALED).forEach((id) => {
    assert.deepEqual(q.unseal(id, SEALED[id][0]), SEALED[id][1]);
  });
  assert.equal(q.unseal("q2", SEALED.q1[0]), null, "换了题目编号就解不开");
  assert.equal(q.unseal("q1", "不是 base64"), null);
  assert.equal(q.unseal("q1", ""), null);
});

test("成绩单：每题的结果、各组与合计、构建标记、日期", () => {
  const one = slip("  张 三 ", { q1: ["B"], q2: ["A"] });
  assert.equal(one.schema, 1);
  assert.equal(one.kind, "handbook-quiz-slip");
  assert.equal(one.learner, "张 三");
  assert.deepEqual(one.handbook, STAMP);
  assert.equal(one.date, "2026-12-01");
  assert.equal(one.exported_at, "2026-12-01T10:30:00+08:00");
  assert.deepEqual(one.questions.map((x) => x.result), ["right", "wrong", "unanswered"]);
  assert.deepEqual(one.questions[2].chosen, []);
  assert.deepEqual(one.total, { answered: 2, correct: 1, total: 3 });
  assert.deepEqual(one.groups.map((g) => [g.id, g.answered, g.correct, g.total]), [["basics", 2, 1, 2], ["ops", 0, 0, 1]]);
  assert.equal(s.slipFileName(one), "quiz-slip-张_三-2026-12-01");
  const md = s.slipMarkdown(one, TEXT, { basics: "基础", ops: "运维" });
  assert.match(md, /^# 自测题成绩单\n/);
  assert.match(md, /- 姓名：张 三\n/);
  assert.match(md, /- 手册版本：2026\.12（abc1234）\n/);
  assert.match(md, /- 合计：已答 2 题，共 3 题；答对 1 题\n/);
  assert.match(md, /\| 基础 \| 2\. 第二题 \| 错 \| A \|/);
  assert.match(md, /\| 运维 \| 1\. 第三题 \| 未答 \| — \|/);
});

test("读入成绩单：不是 JSON、别的导出、不认识的格式版本、不完整、太大，各有代码", () => {
  const good = json(slip("李四", { q1: ["B"] }));
  assert.equal(s.parseSlip(good).ok, true);
  assert.equal(s.parseSlip("\ufeff" + good).ok, true, "带 BOM 的文件也能读");
  assert.equal(s.parseSlip("{不是 JSON").code, "not_json");
  assert.equal(s.parseSlip("").code, "not_json");
  assert.equal(s.parseSlip(null).code, "read_failed");
  assert.equal(s.parseSlip(json({ schema: 1, checklist: "before", items: [] })).code, "foreign", "检查单的导出");
  assert.equal(s.parseSlip(json([1, 2])).code, "foreign");
  assert.equal(s.parseSlip("42").code, "foreign");
  const future = JSON.parse(good);
  future.schema = 2;
  assert.deepEqual(s.parseSlip(json(future)), { ok: false, code: "schema", params: { schema: "2", known: 1 } });
  const noName = JSON.parse(good);
  noName.learner = " ";
  assert.deepEqual(s.parseSlip(json(noName)), { ok: false, code: "invalid", params: { problem: "learner" } });
  const badQuestion = JSON.parse(good);
  badQuestion.questions[1].result = "maybe";
  assert.equal(s.parseSlip(json(badQuestion)).params.problem, "questions[1]");
  assert.equal(s.parseSlip(" ".repeat(1024 * 1024 + 1)).code, "too_big");
  // 合计按每题的结果重算，不信文件里写的
  const inflated = JSON.parse(good);
  inflated.total = { answered: 3, correct: 3, total: 3 };
  assert.deepEqual(s.parseSlip(json(inflated)).slip.total, { answered: 1, correct: 1, total: 3 });
});

test("导入多份：同一学员只留最新的一份，相同的跳过，出错时已导入的不丢", () => {
  let slips = [];
  let r = s.addSlip(slips, "a.json", json(slip("张三", { q1: ["B"] })));
  assert.equal(r.code, "imported");
  assert.equal(r.params.name, "张三");
  slips = r.slips;
  r = s.addSlip(slips, "a-copy.json", json(slip("张三", { q1: ["B"] })));
  assert.equal(r.code, "duplicate");
  assert.equal(r.slips, slips);
  r = s.addSlip(slips, "older.json", json(slip("张三", { q1: ["A"] }, { now: NOW - 60000 })));
  assert.equal(r.code, "older");
  assert.equal(r.slips, slips);
  r = s.addSlip(slips, "newer.json", json(slip("张三", { q1: ["A"] }, { now: NOW + 60000 })));
  assert.equal(r.code, "replaced");
  assert.equal(r.slips.length, 1);
  assert.equal(r.slips[0].questions[0].result, "wrong");
  slips = r.slips;
  r = s.addSlip(slips, "broken.json", "{");
  assert.deepEqual([r.code, r.params.file, r.slips], ["not_json", "broken.json", slips]);
  r = s.addSlip(slips, "b.json", json(slip("李四", {})));
  assert.equal(r.slips.length, 2);
});

test("全班汇总：错误率从高到低，没答的不计，改过的题和本页没有的题不合并而是标出", () => {
  const slips = [
    slip("甲", { q1: ["B"], q2: ["A"], q3: ["D"] }),
    slip("乙", { q1: ["C"], q2: ["A"] }),
    slip("丙", { q1: ["B"], q2: ["A", "C"] }, { revs: { q2: "old" } }),
    slip("丁", { q1: ["B"], q3: ["A"] }, { stamp: { version: "2026.10", commit: "0ldc0de", build_date: "" }, q3id: "gone" }),
  ];
  const sum = s.summarise(slips, QUESTIONS, STAMP);
  assert.equal(sum.count, 4);
  assert.deepEqual(sum.questions.map((r) => [r.id, r.answered, r.wrong]), [
    ["q2", 2, 2], // 丙的 q2 是旧版本，不计入
    ["q1", 4, 1],
    ["q3", 1, 0],
  ]);
  assert.equal(s.percent(sum.questions[0].rate), "100%");
  assert.equal(s.percent(sum.questions[1].rate), "25%");
  const byName = {};
  sum.learners.forEach((l) => {
    byName[l.learner] = l;
  });
  assert.deepEqual([byName["丙"].changed, byName["丙"].otherVersion], [1, false]);
  assert.deepEqual([byName["丁"].unknown, byName["丁"].otherVersion], [1, true]);
  assert.equal(s.learnerNote(byName["丁"], RTEXT, sum.current), "来自手册 2026.10（0ldc0de），本页是 2026.12（abc1234）；1 题本页没有，不计入");
  assert.equal(s.learnerNote(byName["甲"], RTEXT, sum.current), "");
  assert.equal(sum.unanswered, 0);
  // 没人答过的题不列出，只计数
  const none = s.summarise([slip("戊", { q2: ["A"] })], QUESTIONS, STAMP);
  assert.deepEqual(none.questions.map((r) => [r.id, s.percent(r.rate)]), [["q2", "100%"]]);
  assert.equal(none.unanswered, 2);
  assert.match(s.summaryMarkdown(none, RTEXT, { at: "x" }), /\n另有 2 题没有学员作答，不列出。\n/);
  assert.equal(s.percent(null), "—");
});

test("汇总导出：Markdown 表格和 CSV（转义逗号和引号，防公式）", () => {
  const slips = [slip("=HYPERLINK(\"x\")", { q1: ["B"] }), slip("王, 五", { q1: ["A"] })];
  const sum = s.summarise(slips, QUESTIONS, STAMP);
  const md = s.summaryMarkdown(sum, RTEXT, { at: "2026-12-01 10:30" });
  assert.match(md, /^# 自测题全班汇总\n\n汇总时间 2026-12-01 10:30；手册 2026\.12（abc1234）\n\n已导入 2 名学员的成绩单。/);
  assert.match(md, /\| 1\. 第一题 \| 基础 \| 2 \| 1 \| 50% \|/);
  const csv = s.summaryCsv(sum, RTEXT);
  const lines = csv.split("\r\n");
  assert.equal(lines[0], "题目,题组,作答人数,答错人数,错误率");
  assert.equal(lines[1], "1. 第一题,基础,2,1,50%");
  assert.ok(lines.indexOf("") > 0, "两张表之间空一行");
  assert.ok(csv.includes("\"'=HYPERLINK(\"\"x\"\")\""), csv);
  assert.ok(csv.includes("\"王, 五\""), csv);
  assert.equal(s.csvCell("-1"), "'-1");
});

test("浏览器里存的已导入成绩单：坏值从空白开始，坏掉的单份丢掉", () => {
  assert.deepEqual(s.parseStored(null), { status: "empty", slips: [] });
  assert.equal(s.parseStored("]").status, "corrupt");
  assert.equal(s.parseStored(json({ v: 2, slips: [] })).status, "corrupt");
  const stored = s.parseStored(json({ v: 1, slips: [slip("甲", {}), { kind: "x" }, "坏"] }));
  assert.equal(stored.status, "ok");
  assert.deepEqual(stored.slips.map((x) => x.learner), ["甲"]);
});

test("文字模板：没有的名字原样保留", () => {
  assert.equal(s.fill("{a} 和 {b}", { a: 1 }), "1 和 {b}");
  assert.equal(q.scoreText({ answered: 1, correct: 0, total: 2 }, "{correct}/{total}"), "0/2");
});
