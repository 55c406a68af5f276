// 工作日期限计算的单元测试：node --test tests/js/workdays.test.js
// 日历来自 data/holidays.yml：由 tests/test_service_workdays.py 导出成 JSON，路径放在 WORKDAYS_CALENDAR 里。
// 这里只取 2026 年，这样以后收录新的年份也不影响这些用例。
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const workdays = require(path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "workdays.js"));

function calendar2026() {
  const file = process.env.WORKDAYS_CALENDAR;
  assert.ok(file, "请通过 pytest 运行（tests/test_service_workdays.py 会设置 WORKDAYS_CALENDAR）");
  const spec = JSON.parse(fs.readFileSync(file, "utf8"));
  assert.ok(spec.years["2026"], "data/holidays.yml 中没有 2026 年");
  return workdays.makeCalendar({ years: { 2026: spec.years["2026"] } });
}

const cal = calendar2026();
const PERIOD = 7;

function due(received, period = PERIOD, calendar = cal) {
  return workdays.dueDate(received, period, calendar);
}

test("周五受理：周末不计，数到下下周二", () => {
  const result = due("2026-03-06");
  assert.equal(result.status, "ok");
  assert.equal(result.due, "2026-03-17");
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
  assert.equal(due("2025-12-31").status, "before");
});

test("放假的工作日不是工作日，普通周末也不是", () => {
  assert.equal(workdays.isWorkingDay("2026-02-16", cal), false); // 星期一，春节放假
  assert.equal(workdays.isWorkingDay("2026-05-09", cal), true); // 星期六，调休上班
  assert.equal(workdays.isWorkingDay("2026-05-10", cal), false); // 星期日
  assert.equal(workdays.isWorkingDay("2026-05-11", cal), true); // 星期一
});

test("截止日恰好是已收录年份的最后一天：正常给出日期", () => {
  const result = due("2026-12-22");
  assert.equal(result.status, "ok");
  assert.equal(result.due, "2026-12-31");
});

test("数进 2027 年：只给警告，不给日期", () => {
  const result = due("2026-12-23");
  assert.equal(result.status, "beyond");
  assert.equal(result.lastYear, 2026);
  assert.equal(result.due, undefined);
  assert.deepEqual(result.counted, ["2026-12-24", "2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31"]);
});

test("受理日期是已收录年份的最后一天：次日就超出，警告", () => {
  assert.equal(due("2026-12-31", 1).status, "beyond");
  assert.equal(due("2027-03-01", 1).status, "beyond");
});

test("受理日期早于已收录的第一年：警告", () => {
  const result = due("2025-06-01");
  assert.equal(result.status, "before");
  assert.equal(result.firstYear, 2026);
  assert.equal(result.due, undefined);
});

test("收录下一年后，跨年的期限能算出来", () => {
  const next = workdays.makeCalendar({
    years: {
      2026: { off: [...cal.off], workdays: [...cal.workdays] },
      2027: { off: ["2027-01-01"], workdays: [] },
    },
  });
  const result = workdays.dueDate("2026-12-30", 3, next);
  assert.equal(result.status, "ok");
  assert.deepEqual(result.counted, ["2026-12-31", "2027-01-04", "2027-01-05"]);
});

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

test("警告文字的模板：花括号里的名字换成值，不认识的原样保留", () => {
  assert.equal(workdays.fill("从 {received} 起，{next_year} 年", { received: "2026-12-28", next_year: 2027 }),
    "从 2026-12-28 起，2027 年");
  assert.equal(workdays.fill("{unknown} 年", {}), "{unknown} 年");
});
