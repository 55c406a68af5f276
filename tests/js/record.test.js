// 事件记录与合并的纯逻辑（incident-state.js、record-merge.js），用 node --test 运行。
// 设了环境变量 HB_EXPORT_DIR 时，把测试里生成的各种导出写进这个目录，由 tests/test_record_browser.py
// 用 data/schemas/ 里的 JSON Schema 检查。
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const yaml = require("js-yaml");

const root = path.join(__dirname, "..", "..");
const assets = path.join(root, "docs", "assets", "javascripts");
const S = require(path.join(assets, "incident-state.js"));
const M = require(path.join(assets, "record-merge.js"));
const C = require(path.join(assets, "checklist-state.js"));
const D = require(path.join(assets, "drill-run.js"));

const WIDGET_TEXT = yaml.load(fs.readFileSync(path.join(root, "data", "widget_text.yml"), "utf8"));
D.useWords(WIDGET_TEXT.drill.run); // 演练记录的文字与页面上用的是同一份
const ALL = WIDGET_TEXT.incident;
const T = ALL;
const MT = ALL.merge;
const LEVELS = {
  p1: { label: "P1", name: "重大", update: { value: 30, unit: "分钟" } },
  p3: { label: "P3", name: "一般", update: { value: 4, unit: "小时" } },
  p4: { label: "P4", name: "轻微", update: null },
};
const LABELS = { p1: "P1 重大", p3: "P3 一般", p4: "P4 轻微" };
const STAMP = { version: "1.2.0", commit: "abc1234", build_date: "2026-11-30" };
const T0 = Date.parse("2026-11-28T01:00:00Z"); // 北京时间 09:00
const MIN = 60000;

let seq = 0;
function ctx(at) {
  return { now: at, random: () => ((seq++ % 36) + 0.5) / 36 };
}

function write(name, data) {
  const dir = process.env.HB_EXPORT_DIR;
  if (dir) fs.writeFileSync(path.join(dir, name), JSON.stringify(data, null, 2));
}

function started(at, device) {
  return S.open({ title: "部分用户查询发票超时", severity: "p1", lead: "值班经理", who: "记录员甲", device: device || "d-a" },
    T, LABELS, ctx(at === undefined ? T0 : at));
}

function exported(incident, device, at) {
  return S.buildExport(incident, { now: at || T0 + 60 * MIN, stamp: STAMP, device: device || { id: "d-a", who: "记录员甲" },
    labels: LABELS });
}

test("开始记录：标题、级别、负责人和第一条记录", () => {
  const inc = started();
  assert.equal(inc.status, "open");
  assert.equal(inc.entries.length, 1);
  assert.equal(inc.entries[0].kind, "open");
  assert.match(inc.entries[0].text, /部分用户查询发票超时.*P1 重大.*值班经理/);
  assert.equal(S.parseStored(JSON.stringify(inc)).status, "ok");
});

test("坏值和别的程序写的值：corrupt，不抛错", () => {
  ["garbage{", "42", "null", "[]", JSON.stringify({ v: 1, status: "open", entries: {} })].forEach((raw) => {
    assert.equal(S.parseStored(raw).status, "corrupt", raw);
  });
  assert.equal(S.parseStored(null).status, "empty");
  const inc = started();
  inc.entries.push({ id: "bad id!", at: "x", kind: "note", text: 1 });
  assert.equal(S.sanitizeIncident(inc).entries.length, 1);
});

test("记录、决定、改级别、交接：时间线按时间排列", () => {
  let inc = started();
  inc = S.addEntry(inc, { kind: "decision", text: "暂停批量接口", who: "记录员甲", device: "d-a" }, ctx(T0 + 5 * MIN));
  inc = S.addEntry(inc, { kind: "note", text: "先发生的事", who: "记录员甲", device: "d-a" }, ctx(T0 + 2 * MIN));
  inc = S.change(inc, "severity", "p3", { who: "甲", device: "d-a" }, T, LABELS, ctx(T0 + 6 * MIN));
  inc = S.change(inc, "lead", "运维主管", { who: "甲", device: "d-a" }, T, LABELS, ctx(T0 + 7 * MIN));
  assert.deepEqual(inc.entries.map((e) => e.kind), ["open", "note", "decision", "severity", "lead"]);
  assert.equal(inc.severity, "p3");
  assert.equal(inc.entries[3].text, "级别由 P1 重大 调整为 P3 一般");
  assert.equal(inc.entries[4].text, "事件负责人由 值班经理 交给 运维主管");
  assert.strictEqual(S.change(inc, "lead", "运维主管", {}, T, LABELS, ctx(T0)), inc, "值没变不记");
});

test("结束后不再追加；可以重新打开", () => {
  let inc = S.close(started(), { who: "甲", device: "d-a" }, T, ctx(T0 + 30 * MIN));
  assert.equal(inc.status, "closed");
  assert.ok(inc.closed_at);
  assert.equal(S.change(inc, "title", "新标题", {}, T, LABELS, ctx(T0)), inc);
  inc = S.reopen(inc, { who: "甲", device: "d-a" }, T, ctx(T0 + 40 * MIN));
  assert.equal(inc.status, "open");
  assert.equal(inc.closed_at, null);
  assert.deepEqual(inc.entries.map((e) => e.kind), ["open", "close", "reopen"]);
});

test("下次进展通报：按级别的间隔，从最近一次通报或定级算起；最低一级不定时", () => {
  let inc = started();
  let next = S.nextUpdate(inc, LEVELS, T0 + 10 * MIN);
  assert.equal(next.due, new Date(T0 + 30 * MIN).toISOString());
  assert.equal(next.overdue, false);
  assert.equal(next.interval, "30 分钟");
  assert.equal(S.nextUpdate(inc, LEVELS, T0 + 31 * MIN).overdue, true);
  inc = S.addEntry(inc, { kind: "update", text: "第 1 次" }, ctx(T0 + 25 * MIN));
  assert.equal(S.nextUpdate(inc, LEVELS, T0).due, new Date(T0 + 55 * MIN).toISOString());
  assert.equal(S.updatesSent(inc), 1);
  inc = S.change(inc, "severity", "p3", {}, T, LABELS, ctx(T0 + 40 * MIN));
  assert.equal(S.nextUpdate(inc, LEVELS, T0).due, new Date(T0 + 280 * MIN).toISOString());
  inc = S.change(inc, "severity", "p4", {}, T, LABELS, ctx(T0 + 41 * MIN));
  assert.deepEqual(S.nextUpdate(inc, LEVELS, T0), { none: true });
  assert.equal(S.nextUpdate(S.close(inc, {}, T, ctx(T0 + 50 * MIN)), LEVELS, T0), null);
});

test("两个标签页：时间线按条目编号取并集，标题等取较新的一份", () => {
  const base = started();
  const a = S.addEntry(base, { kind: "note", text: "A 标签页" }, ctx(T0 + MIN));
  const b = S.change(S.addEntry(base, { kind: "note", text: "B 标签页" }, ctx(T0 + 2 * MIN)),
    "title", "新标题", {}, T, LABELS, ctx(T0 + 3 * MIN));
  const merged = S.mergeIncident(a, b);
  assert.deepEqual(merged.entries.map((e) => e.text).slice(1, 3), ["A 标签页", "B 标签页"]);
  assert.equal(merged.entries.length, 4);
  assert.equal(merged.title, "新标题");
  assert.deepEqual(S.mergeIncident(b, a).entries, merged.entries);
  const other = started(T0 + 99 * MIN);
  assert.equal(S.mergeIncident(a, other), other, "开始较晚的另一份记录取代旧的");
});

test("导出：JSON 带格式版本、手册版本和设备；Markdown 按事件记录模板的栏目", () => {
  let inc = started();
  inc = S.addEntry(inc, { kind: "decision", text: "回滚 *到* 上一版本", who: "记录员甲" }, ctx(T0 + 5 * MIN));
  inc = S.close(inc, { who: "记录员甲" }, T, ctx(T0 + 50 * MIN));
  const rec = exported(inc);
  assert.equal(rec.format, "handbook-incident-record");
  assert.equal(rec.schema, 1);
  assert.deepEqual(rec.handbook, STAMP);
  assert.equal(rec.device.id, "d-a");
  assert.equal(rec.incident.opened_at, "2026-11-28T09:00:00+08:00");
  write("incident-record.json", rec);
  const md = S.toMarkdown(rec, T);
  ["事件编号：", "标题：部分用户查询发票超时", "级别：P1 重大", "发现时间：2026-11-28 09:00", "事件负责人：值班经理",
    "记录员：记录员甲", "恢复时间：2026-11-28 09:50", "2026-11-28 09:05【记录员甲】[决定] 回滚 \\*到\\* 上一版本",
    "1.2.0 abc1234"].forEach((part) => assert.ok(md.includes(part), part + "\n" + md));
  assert.match(S.fileName(rec, "json"), /^incident-20261128-1000-d-a\.json$/);
});

// ------------------------------------------------------------------ 合并

function checklistExport(ticks, operator, exportedAt, device) {
  const items = [{ id: "t-1", text: "确认备份", level: 0, at: null, checked: false },
    { id: "t-2", text: "通知服务台", level: 0, at: null, checked: false }].map((item) => {
    const at = ticks[item.id];
    return Object.assign({}, item, at ? { checked: true, at: new Date(at).toISOString() } : {});
  });
  const rec = C.buildRecord({ title: "升级前检查单", mode: "do-confirm", checklist: "before",
    page: { path: "operations/upgrade", title: "系统升级", url: "" }, items: items,
    record: { operator: operator }, now: new Date(exportedAt) });
  rec.handbook = STAMP;
  if (device) rec.device = device;
  return rec;
}

function drillExport(startAt, observer) {
  const injects = [{ at: 0, from: "监控告警", to: "运维值班", text: "告警" }, { at: 5, from: "服务台", text: "来电增多" }];
  let run = D.start(D.emptyRun("s1"), "s1", startAt, "主持人");
  run = D.reveal(run, injects, startAt + 6 * MIN);
  run = D.observe(run, observer, observer + "看到的事", startAt + 7 * MIN);
  run = D.finish(run, startAt + 20 * MIN, "ended", "", "主持人");
  return D.buildLog({ run: run, scenario: { id: "s1", title: "负载过高", kinds: [], duration: 30, injects: injects },
    page: { path: "drills/run", title: "执行演练", url: "" }, evaluation: null, now: startAt + 21 * MIN });
}

function read(name, data) {
  return M.readFile(name, typeof data === "string" ? data : JSON.stringify(data), MT);
}

test("读入：认出事件记录、检查单、一页的检查单、演练记录；自测成绩单跳过", () => {
  const inc = read("a.json", exported(started())).source;
  assert.equal(inc.kind, "incident");
  assert.equal(inc.entries.length, 1);
  const one = read("c.json", checklistExport({ "t-1": T0 + MIN }, "运维处置人", T0 + 2 * MIN)).source;
  assert.equal(one.kind, "checklist");
  assert.equal(one.entries.length, 1);
  assert.equal(one.entries[0].text, "勾选“升级前检查单”：确认备份");
  assert.equal(one.ticks.length, 2);
  const bundle = read("b.json", { format: "handbook-checklist-page", schema: 2, handbook: STAMP,
    checklists: [checklistExport({ "t-1": T0 }, "甲", T0 + MIN), checklistExport({ "t-2": T0 }, "甲", T0 + MIN)] }).source;
  assert.equal(bundle.kind, "checklist");
  assert.equal(bundle.entries.length, 2);
  const drill = read("d.json", drillExport(T0, "观察员甲")).source;
  assert.equal(drill.kind, "drill");
  assert.ok(drill.entries.some((e) => e.kind === "inject"));
  assert.deepEqual(read("q.json", { format: "handbook-quiz-slip", schema: 1 }), { skipped: "quiz" });
  // quiz-slip.js 写出的成绩单：格式在 kind 里
  assert.deepEqual(read("slip.json", { schema: 1, kind: "handbook-quiz-slip", learner: "甲" }), { skipped: "quiz" });
  assert.equal(read("bom.json", "\uFEFF" + JSON.stringify(exported(started()))).source.kind, "incident");
});

test("坏文件与别的文件：写明文件名和原因", () => {
  const cases = {
    "garbage{": "不是 JSON 文件",
    "[1, 2]": "顶层不是对象",
    "{\"hello\": 1}": "不是本手册导出的记录",
    [JSON.stringify({ format: "handbook-checklist-record", schema: 1 })]: "格式版本 1 不受支持（检查单 支持第 2 版）",
    [JSON.stringify({ format: "handbook-incident-record", schema: 1, incident: { v: 1 } })]: "记录不完整",
    [JSON.stringify({ format: "handbook-drill-log", schema: 1, entries: "x" })]: "记录不完整",
    [JSON.stringify({ checklists: [{ format: "other" }] })]: "记录不完整",
  };
  Object.keys(cases).forEach((raw) => {
    assert.throws(() => read("坏.json", raw), (err) => {
      const text = M.problemText("坏.json", err, MT);
      assert.ok(text.startsWith("“坏.json”没有导入："), text);
      assert.ok(text.includes(cases[raw]), text + " ≠ " + cases[raw]);
      return true;
    });
  });
  assert.throws(() => M.readFile("x.json", null, MT), (err) => err.problem === "unreadable");
  assert.throws(() => M.readFile("x.json", " ".repeat(M.MAX_MB * 1024 * 1024 + 1), MT), (err) => err.problem === "too_big");
});

test("合并：按时间排列，去掉重复，标明设备或人", () => {
  let a = started(T0, "d-a");
  a = S.addEntry(a, { kind: "decision", text: "切换到备库", who: "记录员甲", device: "d-a" }, ctx(T0 + 10 * MIN));
  const b = S.addEntry(S.open({ title: "同一事件", severity: "p1", lead: "", who: "运维处置人乙", device: "d-b" },
    T, LABELS, ctx(T0 + 3 * MIN)), { kind: "note", text: "主库连不上", who: "运维处置人乙", device: "d-b" }, ctx(T0 + 4 * MIN));
  const recA = exported(a, { id: "d-a", who: "记录员甲" });
  const sources = [
    M.localSource(a, { id: "d-a", who: "记录员甲" }, MT.local),
    read("a.json", recA).source, // 本设备的记录又导入一次：不重复
    read("b.json", exported(b, { id: "d-b", who: "运维处置人乙" })).source,
    read("c.json", checklistExport({ "t-1": T0 + 5 * MIN }, "运维处置人乙", T0 + 6 * MIN)).source,
  ];
  const merged = M.merge(sources);
  assert.equal(merged.kind, "incident");
  assert.deepEqual(merged.entries.map((e) => e.text), [
    a.entries[0].text, b.entries[0].text, "主库连不上", "勾选“升级前检查单”：确认备份", "切换到备库"]);
  assert.equal(merged.entries[0].origins.length, 1, "同一设备、同一人只标一次");
  assert.equal(M.originLabel(merged.entries[2].origins[0]), "运维处置人乙 · d-b");
  const out = M.buildExport(merged, { now: T0 + 90 * MIN, stamp: STAMP, device: { id: "d-a", who: "记录员甲" }, labels: LABELS });
  assert.equal(out.format, "handbook-merged-timeline");
  assert.equal(out.entries.length, 5);
  write("merged-incident.json", out);
  const md = M.toMarkdown(merged, ALL, LABELS);
  ["事件复盘：【事件编号】部分用户查询发票超时", "级别：P1 重大", "二、时间线", "  2026-11-28 09:04【运维处置人乙 · d-b】主库连不上",
    "六、改进事项", "附：合并的记录"].forEach((part) => assert.ok(md.includes(part), part + "\n" + md));
});

test("勾选冲突：同一条目一份勾了、一份没勾，以较晚的为准并列出", () => {
  const early = read("甲.json", checklistExport({ "t-1": T0 + MIN }, "甲", T0 + 2 * MIN)).source;
  const late = read("乙.json", checklistExport({}, "乙", T0 + 10 * MIN)).source;
  let merged = M.merge([early, late]);
  assert.equal(merged.conflicts.length, 1);
  const c = merged.conflicts[0];
  assert.equal(c.item, "t-1");
  assert.equal(c.checked, false, "较晚的一份没勾：以没勾为准");
  assert.match(M.conflictText(c, MT), /“升级前检查单”的“确认备份”：甲 2026-11-28 09:01 勾选；乙 导出时（2026-11-28 09:10）未勾选，以 乙 导出时/);
  const later = read("丙.json", checklistExport({ "t-1": T0 + 20 * MIN }, "丙", T0 + 21 * MIN)).source;
  merged = M.merge([early, late, later]);
  assert.equal(merged.conflicts[0].checked, true, "更晚又勾上：以勾上为准");
  assert.equal(merged.checklists.filter((row) => row.item === "t-1")[0].checked, true);
  assert.equal(M.merge([early, early]).conflicts.length, 0);
  write("merged-conflict.json", M.buildExport(merged, { now: T0, stamp: STAMP, device: { id: "d-a" }, labels: LABELS }));
});

test("演练：两位观察员的记录合并，情景注入按演练时间只列一次，导出演练复盘初稿", () => {
  const one = read("观察员甲.json", drillExport(T0, "观察员甲")).source;
  const two = read("观察员乙.json", drillExport(T0 + 3000, "观察员乙")).source;
  const merged = M.merge([one, two]);
  assert.equal(merged.kind, "drill");
  const injects = merged.entries.filter((e) => e.kind === "inject");
  assert.equal(injects.length, 2);
  assert.equal(injects[0].origins.length, 2);
  assert.equal(merged.entries.filter((e) => e.kind === "observation").length, 2);
  const md = M.toMarkdown(merged, ALL, LABELS);
  ["演练复盘：负载过高", "二、时间线（取自合并后的演练记录）", "T+05:00 情景注入：来电增多", "观察：观察员乙看到的事",
    "五、四个问题"].forEach((part) => assert.ok(md.includes(part), part + "\n" + md));
  write("merged-drill.json", M.buildExport(merged, { now: T0, stamp: STAMP, device: { id: "d-a" }, labels: LABELS }));
});
