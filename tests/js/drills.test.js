// 演练控制台与自测题的纯逻辑（docs/assets/javascripts/drills.js），用 node --test 运行。
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const assets = path.join(__dirname, "..", "..", "docs", "assets", "javascripts");
// 演练控制台的纯逻辑在 drill-run.js，自测题的在 quiz.js
const d = Object.assign({}, require(path.join(assets, "drill-run.js")), require(path.join(assets, "quiz.js")));
// 演练的文字来自 data/widget_text.yml（drill.run），与页面上用的是同一份
const yaml = require("js-yaml");
const fs = require("node:fs");
const widgetText = yaml.load(fs.readFileSync(path.join(__dirname, "..", "..", "data", "widget_text.yml"), "utf8"));
require(path.join(assets, "drill-run.js")).useWords(widgetText.drill.run);

const T0 = Date.parse("2026-11-28T01:00:00Z");
const MIN = 60000;
const INJECTS = [
  { at: 0, from: "监控告警", to: "运维值班", text: "告警" },
  { at: 5, from: "服务台", to: "运维值班", text: "来电增多" },
  { at: 5, from: "服务台", text: "同一时间的第二条" },
  { at: 20, from: "数据库值班", text: "慢查询" },
];

function started(at) {
  return d.start(d.emptyRun("s1"), "s1", at === undefined ? T0 : at);
}

test("演练时间的格式：不足一小时不写小时，超过一小时写 H:MM:SS", () => {
  assert.equal(d.formatOffset(0), "T+00:00");
  assert.equal(d.formatOffset(999), "T+00:00");
  assert.equal(d.formatOffset(5 * MIN), "T+05:00");
  assert.equal(d.formatOffset(59 * MIN + 59000), "T+59:59");
  assert.equal(d.formatOffset(60 * MIN), "T+1:00:00");
  assert.equal(d.formatOffset(125 * MIN + 9000), "T+2:05:09");
  assert.equal(d.formatOffset(-5), "T+00:00");
});

test("开始后按时钟计时，开始前为 0", () => {
  assert.equal(d.elapsedMs(d.emptyRun("s1"), T0 + 10 * MIN), 0);
  const run = started();
  assert.equal(run.status, "running");
  assert.equal(run.scenario, "s1");
  assert.equal(d.elapsedMs(run, T0 + 90000), 90000);
  assert.equal(run.entries[0].type, "control");
  assert.equal(run.entries[0].text, "演练开始");
});

test("已开始的演练不能再开始", () => {
  const run = started();
  assert.equal(d.start(run, "s2", T0 + MIN), run);
});

test("暂停期间时钟停住，继续后扣除暂停时间", () => {
  let run = started();
  run = d.pause(run, T0 + 2 * MIN);
  assert.equal(run.status, "paused");
  assert.equal(d.elapsedMs(run, T0 + 10 * MIN), 2 * MIN);
  run = d.resume(run, T0 + 7 * MIN);
  assert.equal(run.status, "running");
  assert.equal(run.paused_ms, 5 * MIN);
  assert.equal(d.elapsedMs(run, T0 + 8 * MIN), 3 * MIN);
  assert.deepEqual(run.entries.map((e) => e.text), ["演练开始", "演练暂停", "演练继续"]);
});

test("情景注入到时间才出现，同一时间的一起出现，不会重复出现", () => {
  let run = started();
  run = d.reveal(run, INJECTS, T0);
  assert.deepEqual(run.shown, [0]);
  assert.deepEqual(d.dueInjects(run, INJECTS, T0 + 5 * MIN - 1), []);
  run = d.reveal(run, INJECTS, T0 + 5 * MIN);
  assert.deepEqual(run.shown, [0, 1, 2]);
  const again = d.reveal(run, INJECTS, T0 + 6 * MIN);
  assert.equal(again, run, "没有新的情景注入时返回原对象");
  const injects = run.entries.filter((e) => e.type === "inject");
  assert.deepEqual(injects.map((e) => e.offset_ms), [0, 5 * MIN, 5 * MIN]);
  assert.equal(injects[1].role, "服务台");
  assert.equal(injects[1].to, "运维值班");
});

test("页面关掉再打开时，错过的情景注入一次补齐，演练时间记预定时间", () => {
  let run = started();
  run = d.reveal(run, INJECTS, T0 + 25 * MIN);
  assert.deepEqual(run.shown, [0, 1, 2, 3]);
  const last = run.entries[run.entries.length - 1];
  assert.equal(last.offset_ms, 20 * MIN);
  assert.equal(last.at, new Date(T0 + 25 * MIN).toISOString());
});

test("暂停时不出现新的情景注入", () => {
  let run = d.reveal(started(), INJECTS, T0);
  run = d.pause(run, T0 + MIN);
  assert.equal(d.reveal(run, INJECTS, T0 + 30 * MIN).shown.length, 1);
});

test("下一条情景注入和剩余时间（向上取整到秒）", () => {
  let run = d.reveal(started(), INJECTS, T0);
  const next = d.nextInject(run, INJECTS, T0 + 90500);
  assert.equal(next.index, 1);
  assert.equal(next.at, 5);
  assert.equal(next.remaining_ms, 210000);
  run = d.reveal(run, INJECTS, T0 + 20 * MIN);
  assert.equal(d.nextInject(run, INJECTS, T0 + 20 * MIN), null);
});

test("观察：开始前不能记，空白不记，结束后补记停在结束时刻", () => {
  const ready = d.emptyRun("s1");
  assert.equal(d.observe(ready, "观察员", "看到了", T0), ready);
  let run = started();
  assert.equal(d.observe(run, "观察员", "   ", T0 + MIN), run);
  run = d.observe(run, " 观察员 ", "  服务台\n立即报告  ", T0 + 3 * MIN + 4000);
  const obs = run.entries[run.entries.length - 1];
  assert.equal(obs.type, "observation");
  assert.equal(obs.role, "观察员");
  assert.equal(obs.text, "服务台 立即报告");
  assert.equal(obs.offset_ms, 3 * MIN + 4000);
  run = d.finish(run, T0 + 10 * MIN, "ended");
  run = d.observe(run, "主持人", "讲评：通报晚了", T0 + 30 * MIN);
  assert.equal(run.entries[run.entries.length - 1].offset_ms, 10 * MIN);
});

test("正常结束与用中止口令停止", () => {
  const ended = d.finish(started(), T0 + 40 * MIN, "ended");
  assert.equal(ended.status, "ended");
  assert.equal(d.elapsedMs(ended, T0 + 99 * MIN), 40 * MIN);
  const aborted = d.finish(started(), T0 + 12 * MIN, "code_word", "非演练");
  assert.equal(aborted.status, "aborted");
  const last = aborted.entries[aborted.entries.length - 1];
  assert.match(last.text, /中止口令“非演练”/);
  assert.equal(last.offset_ms, 12 * MIN);
  assert.equal(d.finish(aborted, T0 + 50 * MIN, "ended"), aborted, "已结束的不能再结束");
});

test("暂停中结束：暂停的时间不算进演练用时", () => {
  let run = d.pause(started(), T0 + 10 * MIN);
  run = d.finish(run, T0 + 30 * MIN, "ended");
  assert.equal(d.elapsedMs(run, T0 + 99 * MIN), 10 * MIN);
  assert.equal(run.paused_at, null);
});

test("记录按演练时间排列，同一时间保持记下的先后", () => {
  let run = started();
  run = d.observe(run, "观察员", "第一条", T0 + 6 * MIN);
  run = d.reveal(run, INJECTS, T0 + 6 * MIN); // 补出 T+00:00 与 T+05:00 的情景注入
  run = d.observe(run, "观察员", "第二条", T0 + 6 * MIN);
  const texts = d.sortedEntries(run).map((e) => e.text);
  assert.deepEqual(texts, ["演练开始", "告警", "来电增多", "同一时间的第二条", "第一条", "第二条"]);
});

function sampleLog() {
  let run = started();
  run = d.reveal(run, INJECTS, T0);
  run = d.observe(run, "观察员", "a | b *c* <b>x</b>", T0 + 2 * MIN);
  run = d.finish(run, T0 + 3 * MIN, "code_word", "非演练");
  return d.buildLog({
    run: run,
    scenario: { id: "s1", title: "场景一", kinds: ["桌面推演"], duration: 60, injects: INJECTS },
    page: { path: "drills/run", title: "执行演练", url: "http://127.0.0.1/drills/run/" },
    evaluation: {
      title: "评估检查单：场景一",
      progress: { done: 1, total: 2 },
      record: { notes: "" },
      items: [
        { text: "确认先看范围", checked: true, checked_at: "2026-11-28T09:02:00+08:00" },
        { text: "确认按时通报", checked: false, checked_at: null },
      ],
    },
    now: T0 + 5 * MIN,
  });
}

test("导出的 JSON：场景、状态、时间线和评估检查单", () => {
  const log = sampleLog();
  const parsed = JSON.parse(d.toJSON(log));
  assert.equal(parsed.format, "handbook-drill-log");
  assert.equal(parsed.scenario.id, "s1");
  assert.equal(parsed.status, "aborted");
  assert.equal(parsed.code_word_used, true);
  assert.equal(parsed.elapsed, "T+03:00");
  assert.deepEqual(parsed.injects, { shown: 1, total: 4 });
  assert.equal(parsed.observations, 1);
  assert.deepEqual(parsed.entries.map((e) => e.offset), ["T+00:00", "T+00:00", "T+02:00", "T+03:00"]);
  assert.deepEqual(parsed.entries.map((e) => e.type), ["control", "inject", "observation", "control"]);
  assert.equal(parsed.entries[2].text, "a | b *c* <b>x</b>", "JSON 保留原文");
  assert.equal(parsed.evaluation.progress.done, 1);
});

test("导出的 Markdown：表格里的竖线和标记被转义，评估检查单带勾选", () => {
  const md = d.toMarkdown(sampleLog());
  assert.match(md, /^# 演练记录：场景一$/m);
  assert.match(md, /^- 状态：已用中止口令停止$/m);
  assert.match(md, /^\| 演练时间 \| 时刻 \| 类型 \| 来源或角色 \| 内容 \|$/m);
  assert.match(md, /\| T\+02:00 \| \d\d:\d\d:\d\d \| 观察 \| 观察员 \| a \\\| b \\\*c\\\* \\<b\\>x\\<\/b\\> \|/);
  assert.match(md, /\| T\+00:00 \| \d\d:\d\d:\d\d \| 情景注入 \| 监控告警 → 运维值班 \| 告警 \|/);
  assert.match(md, /^- \[x\] 确认先看范围（勾选于 2026-11-28 \d\d:\d\d）$/m);
  assert.match(md, /^- \[ \] 确认按时通报$/m);
  // 每一行表格都是 5 栏（转义后的竖线不算分隔）
  md.split("\n").filter((l) => l.startsWith("| T+")).forEach((line) => {
    assert.equal(line.replace(/\\\|/g, "").split("|").length, 7, line);
  });
});

test("导出的文件名", () => {
  const name = d.fileName(sampleLog(), "md");
  assert.match(name, /^drill-s1-\d{8}-\d{4}\.md$/);
});

test("存储里读出的演练：坏数据判为损坏，个别坏条目丢掉", () => {
  assert.equal(d.parseRun(null).status, "empty");
  assert.equal(d.parseRun("{不是 JSON").status, "corrupt");
  assert.equal(d.parseRun(JSON.stringify({ v: 9, status: "ready", entries: [] })).status, "corrupt");
  assert.equal(d.parseRun(JSON.stringify({ v: 1, status: "running", entries: [] })).status, "corrupt",
    "进行中却没有开始时间");
  const good = started();
  const raw = JSON.parse(JSON.stringify(good));
  raw.entries.push({ type: "bogus", offset_ms: 0, at: raw.started_at, text: "x" });
  raw.entries.push({ type: "observation", offset_ms: -1, at: raw.started_at, text: "x" });
  const parsed = d.parseRun(JSON.stringify(raw));
  assert.equal(parsed.status, "ok");
  assert.equal(parsed.run.entries.length, 1);
  assert.equal(parsed.run.status, "running");
});

test("自测题：判分要求选项完全一致", () => {
  assert.deepEqual(d.parseAnswer("a, C"), ["A", "C"]);
  assert.equal(d.grade(["B"], ["B"]), true);
  assert.equal(d.grade(["B"], ["A"]), false);
  assert.equal(d.grade(["A", "C"], ["C", "A"]), true);
  assert.equal(d.grade(["A", "C"], ["A"]), false, "少选算错");
  assert.equal(d.grade(["A", "C"], ["A", "B", "C"]), false, "多选算错");
  assert.equal(d.grade([], []), false);
});

test("自测题：按第一次提交计分；题目改了旧答案作废", () => {
  const fp = d.fingerprint("题干", ["甲", "乙"], ["B"]);
  assert.notEqual(fp, d.fingerprint("题干", ["甲", "丙"], ["B"]));
  assert.notEqual(fp, d.fingerprint("题干", ["甲", "乙"], ["A"]));
  assert.equal(fp, d.fingerprint("题干 ", ["甲", "乙"], ["B"]), "空白不影响指纹");
  let state = d.emptyQuiz();
  state = d.answerQuestion(state, "q1", ["A"], fp, T0);
  const same = d.answerQuestion(state, "q1", ["B"], fp, T0 + MIN);
  assert.equal(same, state, "已经作答过的不覆盖");
  const questions = [{ id: "q1", answer: ["B"], fp: fp }, { id: "q2", answer: ["A"], fp: "x" }];
  assert.deepEqual(d.scoreQuiz(state, questions), { answered: 1, correct: 0, total: 2 });
  state = d.answerQuestion(state, "q2", ["A"], "x", T0);
  assert.deepEqual(d.scoreQuiz(state, questions), { answered: 2, correct: 1, total: 2 });
  const changed = [{ id: "q1", answer: ["B"], fp: "新指纹" }, questions[1]];
  assert.deepEqual(d.scoreQuiz(state, changed), { answered: 1, correct: 1, total: 2 });
  assert.equal(d.scoreText({ answered: 2, correct: 1, total: 5 }), "已答 2 题，共 5 题；答对 1 题");
});

test("自测题：存储里的坏数据", () => {
  assert.equal(d.parseQuiz(null).status, "empty");
  assert.equal(d.parseQuiz("]").status, "corrupt");
  assert.equal(d.parseQuiz(JSON.stringify({ v: 1, answers: [] })).status, "corrupt");
  const parsed = d.parseQuiz(JSON.stringify({ v: 1, answers: {
    ok: { chosen: ["A"], fp: "f", at: "2026-11-28T01:00:00Z" },
    bad: { chosen: ["Z"], fp: "f" },
    worse: "x",
  } }));
  assert.equal(parsed.status, "ok");
  assert.deepEqual(Object.keys(parsed.state.answers), ["ok"]);
});

test("结束可以撤销：回到结束前的状态，时钟按真实时间接着走，记录留下结束和撤销两条", () => {
  let run = d.finish(started(), T0 + 10 * MIN, "ended");
  assert.equal(run.status, "ended");
  assert.deepEqual(run.before_end, { status: "running", paused_at: null, paused_ms: 0 });
  run = d.reopen(run, T0 + 11 * MIN);
  assert.equal(run.status, "running");
  assert.equal(run.ended_at, null);
  assert.equal(d.elapsedMs(run, T0 + 12 * MIN), 12 * MIN);
  assert.deepEqual(run.entries.map((e) => e.text).slice(-2), ["演练结束", "撤销结束，演练继续"]);
  assert.equal(d.reopen(run, T0 + 13 * MIN), run, "进行中的不能撤销结束");
  // 暂停中结束，撤销后仍是暂停，暂停时长不变
  let paused = d.pause(started(), T0 + 2 * MIN);
  paused = d.finish(paused, T0 + 5 * MIN, "ended");
  paused = d.reopen(paused, T0 + 6 * MIN);
  assert.equal(paused.status, "paused");
  assert.equal(d.elapsedMs(paused, T0 + 20 * MIN), 2 * MIN);
  // 撤销信息随存储往返
  const saved = d.parseRun(JSON.stringify(d.finish(started(), T0 + MIN, "code_word", "非演练")));
  assert.equal(saved.status, "ok");
  assert.equal(d.reopen(saved.run, T0 + 2 * MIN).status, "running");
  // 没有撤销信息的旧记录不能撤销
  const old = Object.assign({}, saved.run, { before_end: null });
  assert.equal(d.reopen(old, T0 + 2 * MIN), old);
});

test("按主持人的开始时间加入：未开始的从那一刻开始，同场景进行中的校准时钟", () => {
  const joined = d.join(d.emptyRun("s1"), "s1", T0, 0, T0 + 7 * MIN);
  assert.equal(joined.status, "running");
  assert.equal(joined.started_at, new Date(T0).toISOString());
  assert.equal(d.elapsedMs(joined, T0 + 7 * MIN), 7 * MIN);
  assert.deepEqual(joined.entries.map((e) => [e.offset_ms, e.text]),
    [[0, "演练开始"], [7 * MIN, "按主持人的开始时间加入演练"]]);
  // 补出已经到时间的情景注入
  assert.deepEqual(d.reveal(joined, INJECTS, T0 + 7 * MIN).shown, [0, 1, 2]);
  // 主持人暂停过 2 分钟
  assert.equal(d.elapsedMs(d.join(d.emptyRun("s1"), "s1", T0, 2 * MIN, T0 + 7 * MIN), T0 + 7 * MIN), 5 * MIN);
  // 本机早开始了 30 秒：校准
  const early = d.start(d.emptyRun("s1"), "s1", T0 - 30000);
  const synced = d.join(early, "s1", T0, 0, T0 + MIN);
  assert.equal(d.elapsedMs(synced, T0 + MIN), MIN);
  assert.equal(synced.entries[synced.entries.length - 1].text, "按主持人的开始时间校准时钟");
  assert.equal(d.join(synced, "s1", T0, 0, T0 + 2 * MIN), synced, "已经一致的不再加记录");
  // 另一个场景、已结束的：不动
  assert.equal(d.join(early, "s2", T0, 0, T0 + MIN), early);
  const ended = d.finish(early, T0 + MIN, "ended");
  assert.equal(d.join(ended, "s1", T0, 0, T0 + 2 * MIN), ended);
});

test("加入链接的参数：场景、开始时刻、暂停的秒数", () => {
  assert.equal(d.joinParams(d.emptyRun("s1"), T0), null);
  let run = started();
  assert.deepEqual(d.joinParams(run, T0 + MIN), { scenario: "s1", start: new Date(T0).toISOString() });
  run = d.pause(run, T0 + 2 * MIN);
  assert.deepEqual(d.joinParams(run, T0 + 5 * MIN), { scenario: "s1", start: new Date(T0).toISOString(), paused: "180" });
});

test("导出带手册版本；没有时为空字符串", () => {
  assert.deepEqual(sampleLog().handbook, { version: "", commit: "", build_date: "" });
  const log = Object.assign(sampleLog(), { handbook: { version: "2026.12", commit: "abc1234", build_date: "2026-12-01" } });
  assert.match(d.toMarkdown(log), /^- 手册版本：2026\.12 abc1234 2026-12-01$/m);
});
