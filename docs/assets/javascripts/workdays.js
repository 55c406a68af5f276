/* 工作日期限计算器（投诉调查期限等）。
 *
 * 规则：从受理次日起计数；工作日 = 不是放假日的周一至周五，或调休上班的周末。
 * 日历（各年放假日与调休上班日）、期限长度和警告文字由宏 workdays_calculator() 写在 data-* 属性里，
 * 来自 data/holidays.yml、data/facts.yml 与 data/widget_text.yml。超出已收录年份时不猜测，只给出警告。
 *
 * 同一份文件既在浏览器里运行（挂在 window.HandbookWorkdays 上），
 * 也可作为 CommonJS 模块被 node --test 加载（tests/js/workdays.test.js）。
 */
(function (global) {
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
    const keys = years ? Object.keys(years).map(Number).sort((a, b) => { return a - b; }) : [];
    if (keys.length === 0 || keys.some((y) => { return !Number.isInteger(y); })) {
      throw new Error("日历没有收录任何年份");
    }
    for (let i = 1; i < keys.length; i += 1) {
      if (keys[i] !== keys[i - 1] + 1) throw new Error("日历收录的年份不连续：" + keys.join(", "));
    }
    const off = new Set();
    const workdays = new Set();
    keys.forEach((year) => {
      const entry = years[String(year)];
      (entry.off || []).forEach((d) => { off.add(d); });
      (entry.workdays || []).forEach((d) => { workdays.add(d); });
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

  /** 把 {名字} 换成 values 里的值。 */
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  const api = { parseDate, formatDate, weekdayName, makeCalendar, isWorkingDay, dueDate, fill };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookWorkdays) return; // 已加载过

  const H = global.HandbookCore;
  const NAME = "工作日计算器";
  const TEXT_KEYS = ["invalid", "before_title", "before", "beyond_title", "beyond", "unavailable_title"];

  function warning(title, text) {
    const box = H.el("div", { className: "admonition warning hb-workdays__warning" });
    box.appendChild(H.el("p", { className: "admonition-title" }, title));
    box.appendChild(H.el("p", {}, text));
    return box;
  }

  /** 把计算结果画进结果区（只用 textContent）。text 是 data/widget_text.yml 的 workdays 部分。 */
  function render(result, output, calendar, name, text) {
    output.replaceChildren();
    if (result.status === "invalid") {
      if (result.received) output.appendChild(H.el("p", {}, text.invalid));
      return;
    }
    if (result.status === "before") {
      output.appendChild(warning(text.before_title,
        fill(text.before, { received: result.received, first_year: result.firstYear })));
      return;
    }
    if (result.status === "beyond") {
      output.appendChild(warning(text.beyond_title, fill(text.beyond, {
        received: result.received, period: result.period, next_year: result.lastYear + 1, last_year: result.lastYear,
      })));
      return;
    }
    const due = H.el("p", { className: "hb-workdays__due" });
    due.appendChild(document.createTextNode(name + "截止日："));
    due.appendChild(H.el("strong", { className: "hb-workdays__date" }, result.due + "（" + weekdayName(result.due) + "）"));
    output.appendChild(due);
    output.appendChild(H.el("p", { className: "hb-workdays__trace" },
      "受理日 " + result.received + "（" + weekdayName(result.received) + "）不计；依次计入的 " +
      result.period + " 个工作日：" + result.counted.map((d) => shortDay(d, calendar)).join("、") + "。"));
  }

  function mount(container) {
    const form = H.required(container, ".hb-workdays__form", NAME);
    const input = H.required(container, ".hb-workdays__input", NAME);
    const output = H.required(container, ".hb-workdays__result", NAME);
    const text = H.readJSON(container, "data-text", NAME);
    const missing = TEXT_KEYS.filter((key) => !text || typeof text[key] !== "string");
    if (missing.length) {
      throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上的 data-text 缺少 " + missing.join("、"));
    }
    const period = Number(container.dataset.period);
    const name = container.dataset.periodName || "期限";
    let calendar;
    try {
      calendar = makeCalendar(JSON.parse(container.dataset.calendar || "{}"));
    } catch (error) {
      output.replaceChildren(warning(text.unavailable_title, String(error.message || error)));
      form.hidden = false;
      input.disabled = true;
      return;
    }
    container.dataset.hbWorkdaysReady = "1";
    const update = () => render(dueDate(input.value, period, calendar), output, calendar, name, text);
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update();
    });
    const nojs = container.querySelector(".hb-workdays__nojs");
    if (nojs) nojs.hidden = true;
    form.hidden = false;
    if (input.value) update();
  }

  H.register({ name: NAME, selector: ".hb-workdays", mount: mount });
  global.HandbookWorkdays = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
