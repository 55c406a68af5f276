// 工作日期限计算的单元测试：node --test tests/js/workdays.test.js
// 日历来自 data/holidays.yml，文字来自 data/widget_text.yml（workdays 部分），都用宏所用的同一组 Python 函数导出：
// 由 tests/test_service_workdays.py 运行时，导出的 JSON 文件路径放在 WORKDAYS_DATA 里；
// 直接运行时，本文件自己调用仓库的 .venv/bin/python 导出。
// 这里只取 2026 年，这样以后收录新的年份也不影响这些用例（已收录的最后一年就是 2026）。
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const childProcess = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..", "..");
const workdays = require(path.join(ROOT, "docs", "assets", "javascripts", "workdays.js"));
const core = require(path.join(ROOT, "docs", "assets", "javascripts", "core.js"));

const EXPORT = [
  "import json",
  "from macros import datafiles, service",
  "print(json.dumps({'calendar': service.holiday_calendar(service.load_holidays()),",
  "                  'text': datafiles.load_widget_text()['workdays']}, ensure_ascii=False))",
].join("\n");

function loadData() {
  const file = process.env.WORKDAYS_DATA;
  if (file) return JSON.parse(fs.readFileSync(file, "utf8"));
  const venv = path.join(ROOT, ".venv", "bin", "python");
  const python = fs.existsSync(venv) ? venv : "python3";
  return JSON.parse(childProcess.execFileSync(python, ["-c", EXPORT], { cwd: ROOT, encoding: "utf8" }));
}

const data = loadData();
assert.ok(data.calendar.years["2026"], "data/holidays.yml 中没有 2026 年");
const cal = workdays.makeCalendar({ years: { 2026: data.calendar.years["2026"] } });
const text = data.text;
const PERIOD = 7;
const OPTIONS = { provisionalFrom: text.provisional_from };

function due(received, period = PERIOD, calendar = cal) {
  return workdays.dueDate(received, period, calendar, OPTIONS);
}

/** 2026 年加上一个虚构的 2027 年（只有元旦），只用来测跨年与暂定规则随最后一年移动。 */
function withNextYear() {
  return workdays.makeCalendar({
    years: {
      2026: { off: [...cal.off], workdays: [...cal.workdays] },
      2027: { off: ["2027-01-01"], workdays: [] },
    },
  });
}

// ---------------------------------------------------------------- 计数规则（2026 年的真实放假安排）

test("周五受理：周末不计，数到下下周二", () => {
  const result = due("2026-03-06");
  assert.equal(result.status, "ok");
  assert.equal(result.due, "2026-03-17");
  assert.equal(result.provisional, false);
  assert.deepEqual(result.counted, [
    "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-16", "2026-03-17",
  ]);
});

test("受理当天不计：周一受理，第一个工作日是周二", () => {
  assert.equal(due("2026-03-09", 1).due, "2026-03-10");
});

test("春节前一天（2026-02-13）受理：02-14 调休上班计入，假期跳过，02-28 调休上班计入", () => {
  const result = due("2026-02-13");
  assert.equal(result.status, "ok");
  assert.deepEqual(result.counted, [
    "2026-02-14", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-02",
  ]);
  assert.equal(result.due, "2026-03-02");
});

test("跨国庆：09-20（周日）调休上班计入，中秋和国庆放假跳过", () => {
  const result = due("2026-09-18");
  assert.deepEqual(result.counted, [
    "2026-09-20", "2026-09-21", "2026-09-22", "2026-09-23", "2026-09-24", "2026-09-28", "2026-09-29",
  ]);
  assert.equal(result.due, "2026-09-29");
});

test("跨国庆：10-10（周六）调休上班计入，10-11（周日）不计", () => {
  const result = due("2026-09-29");
  assert.deepEqual(result.counted, [
    "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13", "2026-10-14",
  ]);
  assert.equal(result.due, "2026-10-14");
});

test("假期中受理（2026-10-03）：从节后第一个工作日数起", () => {
  const result = due("2026-10-03");
  assert.equal(result.counted[0], "2026-10-08");
  assert.equal(result.counted[2], "2026-10-10");
  assert.equal(result.due, "2026-10-15");
});

test("调休上班日受理（2026-10-10）：受理日不计，次日周日也不计", () => {
  const result = due("2026-10-10");
  assert.equal(result.counted[0], "2026-10-12");
  assert.equal(result.due, "2026-10-20");
});

test("调休上班日受理（2026-09-20）：中秋三天不计", () => {
  assert.equal(due("2026-09-20").due, "2026-09-30");
});

test("元旦：01-04（周日）调休上班，是工作日", () => {
  assert.equal(workdays.isWorkingDay("2026-01-04", cal), true);
  assert.equal(workdays.isWorkingDay("2026-01-02", cal), false);
});

test("放假的工作日不是工作日，普通周末也不是", () => {
  assert.equal(workdays.isWorkingDay("2026-02-16", cal), false); // 星期一，春节放假
  assert.equal(workdays.isWorkingDay("2026-05-09", cal), true); // 星期六，调休上班
  assert.equal(workdays.isWorkingDay("2026-05-10", cal), false); // 星期日
  assert.equal(workdays.isWorkingDay("2026-05-11", cal), true); // 星期一
  assert.equal(workdays.isWorkingDay("2027-01-04", cal), null); // 没有收录：不知道
});

// ---------------------------------------------------------------- 已收录年份的两端

test("受理日期是第一年的前一天（2025-12-31）：计数从 2026-01-01 开始，照常算出", () => {
  const result = due("2025-12-31");
  assert.equal(result.status, "ok");
  assert.equal(result.counted[0], "2026-01-04");
  assert.equal(result.due, "2026-01-12");
});

test("受理次日仍早于第一年：before，不给日期", () => {
  for (const day of ["2025-12-30", "2025-06-01", "1999-01-01"]) {
    const result = due(day);
    assert.equal(result.status, "before", day);
    assert.equal(result.firstYear, 2026);
    assert.equal(result.due, undefined);
  }
});

test("截止日恰好是已收录年份的最后一天：给出日期（暂定）", () => {
  const result = due("2026-12-22");
  assert.equal(result.status, "ok");
  assert.equal(result.due, "2026-12-31");
  assert.equal(result.provisional, true);
});

test("数进 2027 年（2026-12-23 受理）：beyond，不给日期，记下已数到的工作日", () => {
  const result = due("2026-12-23");
  assert.equal(result.status, "beyond");
  assert.equal(result.lastYear, 2026);
  assert.equal(result.due, undefined);
  assert.deepEqual(result.counted, ["2026-12-24", "2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31"]);
});

test("受理日期是已收录年份的最后一天：beyond，一个工作日也没数到", () => {
  const result = due("2026-12-31", 1);
  assert.equal(result.status, "beyond");
  assert.deepEqual(result.counted, []);
});

test("受理日期在最后一年之后（2027、2030）：after，写明受理日期所在的年份", () => {
  for (const [day, year] of [["2027-01-01", 2027], ["2027-03-01", 2027], ["2030-05-06", 2030]]) {
    const result = due(day);
    assert.equal(result.status, "after", day);
    assert.equal(result.year, year);
    assert.equal(result.lastYear, 2026);
    assert.equal(result.due, undefined);
  }
});

test("收录下一年后，跨年的期限能算出来，2026 年底不再是暂定", () => {
  const next = withNextYear();
  const result = workdays.dueDate("2026-12-30", 3, next, OPTIONS);
  assert.equal(result.status, "ok");
  assert.deepEqual(result.counted, ["2026-12-31", "2027-01-04", "2027-01-05"]);
  assert.equal(result.provisional, false);
  assert.equal(workdays.dueDate("2026-12-22", PERIOD, next, OPTIONS).provisional, false);
  const late = workdays.dueDate("2027-12-20", 3, next, OPTIONS);
  assert.equal(late.provisional, true);
  assert.equal(late.cutoff, "2027-12-15");
});

// ---------------------------------------------------------------- 暂定规则

test("暂定的起点来自数据：最后一年的 provisional_from", () => {
  assert.match(text.provisional_from, /^\d{2}-\d{2}$/);
  assert.equal(workdays.provisionalCutoff(cal, text.provisional_from), "2026-" + text.provisional_from);
  assert.equal(workdays.provisionalCutoff(cal, null), null);
  assert.throws(() => workdays.provisionalCutoff(cal, "02-30"));
  assert.throws(() => workdays.provisionalCutoff(cal, "1215"));
});

test("截止日在起点前一天不是暂定，在起点当天及以后是暂定（起点 12-15）", () => {
  const rule = { provisionalFrom: "12-15" };
  const before = workdays.dueDate("2026-12-03", PERIOD, cal, rule);
  assert.equal(before.due, "2026-12-14");
  assert.equal(before.provisional, false);
  const onCutoff = workdays.dueDate("2026-12-04", PERIOD, cal, rule);
  assert.equal(onCutoff.due, "2026-12-15");
  assert.equal(onCutoff.provisional, true);
  assert.equal(onCutoff.cutoff, "2026-12-15");
});

test("换一个起点，暂定的范围随之改变；不给起点时不标暂定", () => {
  assert.equal(workdays.dueDate("2026-12-04", PERIOD, cal, { provisionalFrom: "12-16" }).provisional, false);
  assert.equal(workdays.dueDate("2026-12-22", PERIOD, cal).provisional, false);
});

// ---------------------------------------------------------------- 显示的文字（data/widget_text.yml）

function shown(received) {
  return workdays.message(due(received), text);
}

function assertFilled(message) {
  assert.doesNotMatch(message.title + message.body, /\{\w+\}/, "模板里还有没换掉的名字：" + message.body);
}

test("文字：早于已收录年份", () => {
  const message = shown("2025-06-01");
  assert.equal(message.kind, "warning");
  assertFilled(message);
  assert.match(message.body, /2025-06-01/);
  assert.match(message.body, /2026 年/);
});

test("文字：截止日要数进下一年（2026-12-23）：写明已数到几个、还差几个，不给日期", () => {
  const message = shown("2026-12-23");
  assert.equal(message.kind, "warning");
  assertFilled(message);
  assert.match(message.title + message.body, /2027 年/);
  assert.match(message.body, /只收录到 2026 年/);
  assert.match(message.body, /6 个/);
  assert.match(message.body, /还差 1 个/);
});

test("文字：2030 年的日期说手册只收录到 2026 年、2030 年的通知不在手册里，绝不说“会进入 2027 年”", () => {
  const message = shown("2030-05-06");
  assert.equal(message.kind, "warning");
  assertFilled(message);
  const all = message.title + message.body;
  assert.match(all, /手册只收录到 2026 年/);
  assert.match(all, /2030 年的放假通知不在手册里/);
  assert.doesNotMatch(all, /2027/);
  assert.doesNotMatch(all, /会进入/);
});

test("文字：2027 年的日期同样是“手册没有 2027 年”，不是“数进 2027 年”", () => {
  const message = shown("2027-03-01");
  assertFilled(message);
  assert.match(message.title, /没有 2027 年/);
  assert.doesNotMatch(message.body, /还差/);
});

test("文字：暂定的截止日给出原因，写明起点和下一年", () => {
  const message = shown("2026-12-22");
  assert.equal(message.kind, "due");
  assertFilled(message);
  assert.match(message.title, /暂定/);
  assert.match(message.body, /2026-12-15/);
  assert.match(message.body, /2027 年/);
});

test("文字：普通截止日没有附加说明；无效日期有提示；空白不显示", () => {
  assert.deepEqual(shown("2026-03-06"), { kind: "due", title: "", body: "" });
  assert.equal(shown("2026-02-30").kind, "invalid");
  assert.equal(shown("").kind, "none");
});

// ---------------------------------------------------------------- 受理回执

test("回执：能算出时填受理日期和截止日，没有附注", () => {
  assert.deepEqual(workdays.receiptFill(due("2026-03-06"), text),
    { received: "2026-03-06", due: "2026-03-17", note: null });
});

test("回执：暂定的截止日照样填，带“暂定”，并给受理人附注", () => {
  const filled = workdays.receiptFill(due("2026-12-22"), text);
  assert.equal(filled.received, "2026-12-22");
  assert.match(filled.due, /^2026-12-31/);
  assert.match(filled.due, /暂定/);
  assert.match(filled.note, /暂定/);
  assert.doesNotMatch(filled.due + filled.note, /\{\w+\}/);
});

test("回执：算不出时截止日留空，附注写明原因", () => {
  for (const day of ["2026-12-23", "2030-05-06", "2025-06-01"]) {
    const filled = workdays.receiptFill(due(day), text);
    assert.equal(filled.received, day);
    assert.equal(filled.due, null, day);
    assert.match(filled.note, /无法计算/, day);
    assert.doesNotMatch(filled.note, /\{\w+\}/);
  }
  assert.deepEqual(workdays.receiptFill(due(""), text), { received: null, due: null, note: null });
});

// ---------------------------------------------------------------- 存储的受理日期

test("存储：好值读回，坏值算 corrupt，不是 JSON 时抛错交给 store.load 接住", () => {
  assert.deepEqual(workdays.parseStored(null), { status: "empty", received: "" });
  assert.deepEqual(workdays.parseStored(workdays.serialise("2026-12-01")), { status: "ok", received: "2026-12-01" });
  for (const bad of ["42", "null", "[1]", '"2026-12-01"', '{"v":2,"received":"2026-12-01"}',
    '{"v":1,"received":"2026-02-30"}', '{"v":1,"received":5}']) {
    assert.equal(workdays.parseStored(bad).status, "corrupt", bad);
  }
  assert.throws(() => workdays.parseStored("garbage{"));
});

test("存储：经 core.js 的 store.load 读坏值不抛错，另存备份后从空白开始", () => {
  const map = new Map();
  const backend = {
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
  };
  const store = core.createStore(() => backend);
  for (const bad of ["garbage{", "42", '{"v":1,"received":"x"}']) {
    map.set("k", bad);
    const result = store.load("k", workdays.parseStored, "k:backup");
    assert.equal(result.status, "corrupt", bad);
    assert.equal(result.received, "");
    assert.equal(map.get("k:backup"), bad);
    assert.equal(map.has("k"), false);
  }
});

// ---------------------------------------------------------------- 其他

test("无效日期：不算", () => {
  assert.equal(due("2026-02-30").status, "invalid");
  assert.equal(due("").status, "invalid");
  assert.equal(due("2026/03/01").status, "invalid");
});

test("期限必须是正整数", () => {
  assert.throws(() => due("2026-03-02", 0));
  assert.throws(() => due("2026-03-02", 2.5));
});

test("日历年份必须连续", () => {
  assert.throws(() => workdays.makeCalendar({ years: { 2026: { off: [], workdays: [] }, 2028: { off: [], workdays: [] } } }));
  assert.throws(() => workdays.makeCalendar({ years: {} }));
});

test("星期的中文写法", () => {
  assert.equal(workdays.weekdayName("2026-02-14"), "星期六");
  assert.equal(workdays.weekdayName("2026-03-02"), "星期一");
});

test("模板：花括号里的名字换成值，不认识的原样保留", () => {
  assert.equal(workdays.fill("从 {received} 起，{next_year} 年", { received: "2026-12-28", next_year: 2027 }),
    "从 2026-12-28 起，2027 年");
  assert.equal(workdays.fill("{unknown} 年", {}), "{unknown} 年");
});
