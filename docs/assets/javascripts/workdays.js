/* 工作日期限计算器（投诉调查期限等）。
 *
 * 规则：从受理次日起计数；工作日 = 不是放假日的周一至周五，或调休上班的周末。
 * 日历（各年放假日与调休上班日）和期限长度由页面的 data-* 属性提供，来自 data/holidays.yml
 * 与 data/facts.yml。超出已收录年份时不猜测，只给出警告。
 *
 * 同一份文件既在浏览器里运行（挂在 window.HandbookWorkdays 上），
 * 也可作为 CommonJS 模块被 node --test 加载（tests/js/workdays.test.js）。
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  }
  if (root && root.document) {
    root.HandbookWorkdays = api;
    api.hook(root);
  }
})(typeof window !== "undefined" ? window : null, function () {
  "use strict";

  const DAY_MS = 24 * 60 * 60 * 1000;
  const WEEKDAYS = "日一二三四五六";

  /** "YYYY-MM-DD" → UTC 毫秒数；格式不对或日期不存在（如 2 月 30 日）时返回 null。 */
  function parseDate(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || "").trim());
    if (!match) return null;
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const time = Date.UTC(year, month - 1, day);
    const check = new Date(time);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return null;
    }
    return time;
  }

  function formatDate(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  function yearOf(time) {
    return new Date(time).getUTCFullYear();
  }

  /** 星期几的中文写法，如“星期六”。 */
  function weekdayName(iso) {
    const time = parseDate(iso);
    if (time === null) throw new Error("无效日期：" + iso);
    return "星期" + WEEKDAYS[new Date(time).getUTCDay()];
  }

  /**
   * 由 {years: {"2026": {off: [...], workdays: [...]}}} 建立日历。
   * 年份必须连续：中间缺一年，就无法判断那一年的日子。
   */
  function makeCalendar(spec) {
    const years = spec && spec.years;
    const keys = years ? Object.keys(years).map(Number).sort(function (a, b) { return a - b; }) : [];
    if (keys.length === 0 || keys.some(function (y) { return !Number.isInteger(y); })) {
      throw new Error("日历没有收录任何年份");
    }
    for (let i = 1; i < keys.length; i += 1) {
      if (keys[i] !== keys[i - 1] + 1) throw new Error("日历收录的年份不连续：" + keys.join(", "));
    }
    const off = new Set();
    const workdays = new Set();
    keys.forEach(function (year) {
      const entry = years[String(year)];
      (entry.off || []).forEach(function (d) { off.add(d); });
      (entry.workdays || []).forEach(function (d) { workdays.add(d); });
    });
    return { firstYear: keys[0], lastYear: keys[keys.length - 1], off: off, workdays: workdays };
  }

  /** 是否工作日；日期不在已收录年份内时返回 null（不知道）。 */
  function isWorkingDay(iso, calendar) {
    const time = parseDate(iso);
    if (time === null) throw new Error("无效日期：" + iso);
    const year = yearOf(time);
    if (year < calendar.firstYear || year > calendar.lastYear) return null;
    const day = formatDate(time);
    if (calendar.workdays.has(day)) return true;
    if (calendar.off.has(day)) return false;
    const weekday = new Date(time).getUTCDay();
    return weekday >= 1 && weekday <= 5;
  }

  /**
   * 从受理日期算截止日：从受理次日起，数满 period 个工作日，最后一个工作日就是截止日。
   * 返回 {status, ...}：
   *   "ok"      due 截止日，counted 依次计入的工作日；
   *   "invalid" 受理日期无效；
   *   "before"  受理日期早于已收录的第一年（firstYear）；
   *   "beyond"  数到已收录的最后一年（lastYear）年底仍未数满，counted 为已数到的工作日。
   */
  function dueDate(received, period, calendar) {
    if (!Number.isInteger(period) || period < 1) throw new Error("期限应当是正整数：" + period);
    const start = parseDate(received);
    if (start === null) return { status: "invalid", received: String(received || "") };
    const base = { received: formatDate(start), period: period, firstYear: calendar.firstYear, lastYear: calendar.lastYear };
    if (yearOf(start) < calendar.firstYear) return Object.assign({ status: "before" }, base);
    const counted = [];
    let time = start;
    while (counted.length < period) {
      time += DAY_MS;
      const day = formatDate(time);
      const working = isWorkingDay(day, calendar);
      if (working === null) return Object.assign({ status: "beyond", counted: counted }, base);
      if (working) counted.push(day);
    }
    return Object.assign({ status: "ok", due: counted[counted.length - 1], counted: counted }, base);
  }

  // ------------------------------------------------------------ 页面

  function shortDay(iso, calendar) {
    const text = iso.slice(5);
    return calendar.workdays.has(iso) ? text + "（调休上班）" : text;
  }

  function element(doc, tag, className, text) {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function warning(doc, title, text) {
    const box = element(doc, "div", "admonition warning hb-workdays__warning");
    box.appendChild(element(doc, "p", "admonition-title", title));
    box.appendChild(element(doc, "p", "", text));
    return box;
  }

  /** 把计算结果画进结果区（只用 textContent）。 */
  function render(result, output, calendar, name) {
    const doc = output.ownerDocument;
    output.replaceChildren();
    if (result.status === "invalid") {
      if (result.received) output.appendChild(element(doc, "p", "", "请输入有效的日期，格式为 年-月-日。"));
      return;
    }
    if (result.status === "before") {
      output.appendChild(warning(doc, "无法计算",
        "受理日期 " + result.received + " 早于手册收录的放假安排（从 " + result.firstYear +
        " 年起）。请按当年国务院办公厅的放假通知人工计算，并请服务台主管确认。"));
      return;
    }
    if (result.status === "beyond") {
      const next = result.lastYear + 1;
      output.appendChild(warning(doc, "无法计算：超出已收录的年份",
        "从 " + result.received + " 的次日起数满 " + result.period + " 个工作日，会进入 " + next +
        " 年，而手册只收录到 " + result.lastYear + " 年的放假安排。" + next +
        " 年的安排以国务院办公厅的通知为准，通知发布前不要自行推算：请把受理日期报给服务台主管，人工确定期限。"));
      return;
    }
    const due = element(doc, "p", "hb-workdays__due");
    due.appendChild(doc.createTextNode(name + "截止日："));
    due.appendChild(element(doc, "strong", "hb-workdays__date", result.due + "（" + weekdayName(result.due) + "）"));
    output.appendChild(due);
    output.appendChild(element(doc, "p", "hb-workdays__trace",
      "受理日 " + result.received + "（" + weekdayName(result.received) + "）不计；依次计入的 " +
      result.period + " 个工作日：" + result.counted.map(function (d) { return shortDay(d, calendar); }).join("、") + "。"));
  }

  function setup(container) {
    if (container.dataset.hbWorkdaysReady) return;
    const form = container.querySelector(".hb-workdays__form");
    const input = container.querySelector(".hb-workdays__input");
    const output = container.querySelector(".hb-workdays__result");
    const period = Number(container.dataset.period);
    const name = container.dataset.periodName || "期限";
    if (!form || !input || !output) return;
    let calendar;
    try {
      calendar = makeCalendar(JSON.parse(container.dataset.calendar || "{}"));
    } catch (error) {
      output.replaceChildren(warning(container.ownerDocument, "计算器不可用", String(error.message || error)));
      form.hidden = false;
      input.disabled = true;
      return;
    }
    container.dataset.hbWorkdaysReady = "1";
    const update = function () {
      render(dueDate(input.value, period, calendar), output, calendar, name);
    };
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      update();
    });
    const nojs = container.querySelector(".hb-workdays__nojs");
    if (nojs) nojs.hidden = true;
    form.hidden = false;
    if (input.value) update();
  }

  function scan(doc) {
    doc.querySelectorAll(".hb-workdays").forEach(setup);
  }

  /** 接入 Material 的 document$；没有它时在 DOMContentLoaded 后运行。 */
  function hook(win) {
    const doc = win.document;
    if (win.document$ && typeof win.document$.subscribe === "function") {
      win.document$.subscribe(function () { scan(doc); });
    } else if (doc.readyState === "loading") {
      doc.addEventListener("DOMContentLoaded", function () { scan(doc); });
    } else {
      scan(doc);
    }
  }

  return {
    parseDate: parseDate,
    formatDate: formatDate,
    weekdayName: weekdayName,
    makeCalendar: makeCalendar,
    isWorkingDay: isWorkingDay,
    dueDate: dueDate,
    hook: hook,
  };
});
