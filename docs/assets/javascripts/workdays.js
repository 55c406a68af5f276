/* 工作日期限计算器（投诉调查期限等）与它填写的受理回执。
 *
 * 规则：从受理次日起计数；工作日 = 不是放假日的周一至周五，或调休上班的周末。
 * 日历（各年放假日与调休上班日）、期限长度和全部文字由宏 workdays_calculator() 写在 data-* 属性里，
 * 来自 data/holidays.yml、data/facts.yml 与 data/widget_text.yml（workdays 部分）。
 * 超出已收录年份时不猜测，只说明原因；截止日落在已收录最后一年的 provisional_from（月-日）及以后时，
 * 照常给出日期，但标为“暂定”：下一年的放假通知可能改动年底的上班日。
 *
 * 受理日期存在 localStorage 键 handbook:workdays:v1:<页面路径>:<期限键>，值为 {"v": 1, "received": "YYYY-MM-DD"}；
 * 读不了的值另存到 handbook:workdays:backup:<页面路径>:<期限键> 后删除，输入框从空白开始。
 *
 * 受理回执（页面上的 .hb-workdays-receipt[data-for=<期限键>]）：计算器每次算完，把受理日期和截止日
 * （或“暂定”“无法计算”的说明）填进回执里 data-fill="received" / "due" 的空白。没有脚本时回执照样可读、可打印。
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
   * 暂定的起点：已收录最后一年的 monthDay（"MM-DD"，如 "12-15"），返回 "YYYY-MM-DD"。
   * 截止日在这一天及以后的，下一年的放假通知可能改变它。monthDay 为空时返回 null（不标暂定）。
   */
  function provisionalCutoff(calendar, monthDay) {
    if (monthDay == null || monthDay === "") return null;
    const iso = calendar.lastYear + "-" + String(monthDay).trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || parseDate(iso) === null) {
      throw new Error("暂定的起点应当是“月-日”，如 12-15：" + monthDay);
    }
    return iso;
  }

  /**
   * 从受理日期算截止日：从受理次日起，数满 period 个工作日，最后一个工作日就是截止日。
   * options.provisionalFrom 是 "MM-DD"（见 provisionalCutoff）。返回 {status, ...}：
   *   "ok"      due 截止日，counted 依次计入的工作日；provisional 截止日是否暂定，cutoff 暂定的起点；
   *   "invalid" 受理日期无效；
   *   "before"  计数的第一天（受理次日）早于已收录的第一年（firstYear）；
   *   "beyond"  受理日期在已收录的年份内，但数到最后一年（lastYear）年底仍未数满，counted 为已数到的工作日
   *             （受理日期是 lastYear 的最后一天时为空）；
   *   "after"   受理日期在最后一年之后，year 是受理日期所在的年份。
   */
  function dueDate(received, period, calendar, options) {
    if (!Number.isInteger(period) || period < 1) throw new Error("期限应当是正整数：" + period);
    const cutoff = provisionalCutoff(calendar, options && options.provisionalFrom);
    const start = parseDate(received);
    if (start === null) return { status: "invalid", received: String(received || "") };
    const base = {
      received: formatDate(start), period: period, firstYear: calendar.firstYear, lastYear: calendar.lastYear,
    };
    if (yearOf(start + DAY_MS) < calendar.firstYear) return Object.assign({ status: "before" }, base);
    if (yearOf(start) > calendar.lastYear) return Object.assign({ status: "after", year: yearOf(start) }, base);
    const counted = [];
    let time = start;
    while (counted.length < period) {
      time += DAY_MS;
      const day = formatDate(time);
      const working = isWorkingDay(day, calendar);
      if (working === null) return Object.assign({ status: "beyond", counted: counted }, base);
      if (working) counted.push(day);
    }
    const due = counted[counted.length - 1];
    return Object.assign({
      status: "ok", due: due, counted: counted, cutoff: cutoff, provisional: cutoff !== null && due >= cutoff,
    }, base);
  }

  /** 把 {名字} 换成 values 里的值。 */
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  /** 模板里可用的名字。 */
  function placeholders(result) {
    const counted = result.counted ? result.counted.length : 0;
    return {
      received: result.received, period: result.period, first_year: result.firstYear, last_year: result.lastYear,
      next_year: result.lastYear + 1, year: result.year, counted: counted, remaining: result.period - counted,
      due: result.due, cutoff: result.cutoff,
    };
  }

  /**
   * 结果要显示的说明（text 是 data/widget_text.yml 的 workdays 部分）：
   * {kind: "none"|"invalid"|"warning"|"due", title, body}；"due" 且暂定时 title/body 是暂定的说明，否则为空。
   */
  function message(result, text) {
    if (result.status === "invalid") {
      return result.received ? { kind: "invalid", title: "", body: text.invalid } : { kind: "none", title: "", body: "" };
    }
    const v = placeholders(result);
    if (result.status === "ok") {
      if (!result.provisional) return { kind: "due", title: "", body: "" };
      return { kind: "due", title: fill(text.provisional_title, v), body: fill(text.provisional, v) };
    }
    const title = text[result.status + "_title"];
    const body = text[result.status];
    if (typeof title !== "string" || typeof body !== "string") throw new Error("未知的结果：" + result.status);
    return { kind: "warning", title: fill(title, v), body: fill(body, v) };
  }

  /**
   * 受理回执要填的内容：{received, due, note}，null 表示留空（保持空白横线）。
   * 能算出时 due 是截止日（暂定的带说明）；算不出时 due 为空，note 写明原因。
   */
  function receiptFill(result, text) {
    if (result.status === "invalid") return { received: null, due: null, note: null };
    const v = placeholders(result);
    if (result.status === "ok") {
      if (!result.provisional) return { received: result.received, due: result.due, note: null };
      return {
        received: result.received, due: fill(text.receipt_provisional, v), note: fill(text.receipt_note_provisional, v),
      };
    }
    const reason = message(result, text).title;
    return { received: result.received, due: null, note: fill(text.receipt_note_unavailable, { reason: reason }) };
  }

  /** 存储的受理日期：{status: "empty"|"ok"|"corrupt", received}。解析不了的由 core.js 的 store.load 另存备份。 */
  function parseStored(raw) {
    if (raw === null || raw === undefined) return { status: "empty", received: "" };
    const value = JSON.parse(raw);
    if (!value || typeof value !== "object" || value.v !== 1 || typeof value.received !== "string" ||
        parseDate(value.received) === null) {
      return { status: "corrupt", received: "" };
    }
    return { status: "ok", received: value.received };
  }

  function serialise(received) {
    return JSON.stringify({ v: 1, received: received });
  }

  const api = {
    parseDate, formatDate, weekdayName, makeCalendar, isWorkingDay, provisionalCutoff, dueDate, fill, message,
    receiptFill, parseStored, serialise,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookWorkdays) return; // 已加载过

  // ------------------------------------------------------------ 页面

  const H = global.HandbookCore;
  const NAME = "工作日计算器";
  const RECEIPT = "受理回执";
  const TEXT_KEYS = [
    "provisional_from", "today", "invalid", "before_title", "before", "beyond_title", "beyond", "after_title", "after",
    "provisional_title", "provisional", "unavailable_title", "receipt_provisional", "receipt_note_provisional",
    "receipt_note_unavailable",
  ];

  // 计算器把最近一次结果交给同一页上的回执：{期限键: {node, payload}}；回执挂载得晚也能拿到。
  const latest = new Map();
  const receivers = [];

  function publish(node, key, payload) {
    latest.set(key, { node: node, payload: payload });
    for (let i = receivers.length - 1; i >= 0; i--) {
      if (!receivers[i].node.isConnected) receivers.splice(i, 1);
    }
    receivers.filter((r) => r.key === key).forEach((r) => r.fn(payload));
  }

  function listen(node, key, fn) {
    receivers.push({ node: node, key: key, fn: fn });
    const last = latest.get(key);
    if (last && last.node.isConnected) fn(last.payload);
  }

  function shortDay(iso, calendar) {
    const text = iso.slice(5);
    return calendar.workdays.has(iso) ? text + "（调休上班）" : text;
  }

  function warning(title, body, extra) {
    const box = H.el("div", { className: "admonition warning hb-workdays__warning" + (extra ? " " + extra : "") });
    box.appendChild(H.el("p", { className: "admonition-title" }, title));
    box.appendChild(H.el("p", {}, body));
    return box;
  }

  /** 把计算结果画进结果区（只用 textContent）。 */
  function render(result, output, calendar, name, text) {
    output.replaceChildren();
    const shown = message(result, text);
    if (shown.kind === "none") return;
    if (shown.kind === "invalid") {
      output.appendChild(H.el("p", {}, shown.body));
      return;
    }
    if (shown.kind === "warning") {
      output.appendChild(warning(shown.title, shown.body));
      return;
    }
    const due = H.el("p", { className: "hb-workdays__due" });
    due.appendChild(document.createTextNode(name + "截止日："));
    due.appendChild(H.el("strong", { className: "hb-workdays__date" }, result.due + "（" + weekdayName(result.due) + "）"));
    if (result.provisional) due.appendChild(H.el("span", { className: "hb-workdays__badge" }, "暂定"));
    output.appendChild(due);
    if (result.provisional) output.appendChild(warning(shown.title, shown.body, "hb-workdays__provisional"));
    output.appendChild(H.el("p", { className: "hb-workdays__trace" },
      "受理日 " + result.received + "（" + weekdayName(result.received) + "）不计；依次计入的 " +
      result.period + " 个工作日：" + result.counted.map((d) => shortDay(d, calendar)).join("、") + "。"));
  }

  function mount(container) {
    const form = H.required(container, ".hb-workdays__form", NAME);
    const input = H.required(container, ".hb-workdays__input", NAME);
    const output = H.required(container, ".hb-workdays__result", NAME);
    const text = H.readJSON(container, "data-text", NAME);
    const missing = TEXT_KEYS.filter((k) => !text || typeof text[k] !== "string");
    if (missing.length) {
      throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上的 data-text 缺少 " + missing.join("、"));
    }
    const period = Number(container.dataset.period);
    const name = container.dataset.periodName || "期限";
    const key = container.dataset.key || "period";
    let calendar;
    try {
      calendar = makeCalendar(JSON.parse(container.dataset.calendar || "{}"));
      provisionalCutoff(calendar, text.provisional_from);
    } catch (error) {
      output.replaceChildren(warning(text.unavailable_title, String(error.message || error)));
      form.hidden = false;
      input.disabled = true;
      return;
    }
    const storeKey = "handbook:workdays:v1:" + H.pageId() + ":" + key;
    const backupKey = "handbook:workdays:backup:" + H.pageId() + ":" + key;

    const update = () => {
      const result = dueDate(input.value, period, calendar, { provisionalFrom: text.provisional_from });
      render(result, output, calendar, name, text);
      if (result.status === "invalid") {
        if (!input.value) H.store.remove(storeKey);
      } else {
        H.store.write(storeKey, serialise(result.received));
      }
      publish(container, key, { result: result, text: text });
    };
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update();
    });
    const today = H.button(text.today, () => {
      input.value = H.localToday();
      update();
      input.focus();
    }, "hb-workdays__today");
    input.insertAdjacentElement("afterend", today);

    const nojs = container.querySelector(".hb-workdays__nojs");
    if (nojs) nojs.hidden = true;
    form.hidden = false;
    container.dataset.hbWorkdaysReady = "1";
    if (!input.value) input.value = H.store.load(storeKey, parseStored, backupKey).received;
    if (input.value) update();
  }

  /** 受理回执：把计算器的结果填进空白；没有结果时保持页面上的空白横线。 */
  function mountReceipt(receipt) {
    const fields = {
      received: H.required(receipt, '[data-fill="received"]', RECEIPT),
      due: H.required(receipt, '[data-fill="due"]', RECEIPT),
    };
    const blanks = {};
    Object.keys(fields).forEach((k) => { blanks[k] = fields[k].textContent; });
    const note = H.el("p", { className: "hb-workdays-receipt__note", role: "status", hidden: "" });
    receipt.appendChild(note);
    listen(receipt, receipt.dataset.for || "period", (payload) => {
      const filled = receiptFill(payload.result, payload.text);
      Object.keys(fields).forEach((k) => {
        fields[k].textContent = filled[k] === null ? blanks[k] : filled[k];
        fields[k].classList.toggle("hb-workdays-receipt__blank--filled", filled[k] !== null);
      });
      note.textContent = filled.note || "";
      note.hidden = !filled.note;
    });
    receipt.dataset.hbReceiptReady = "1";
  }

  H.register({ name: NAME, selector: ".hb-workdays", mount: mount });
  H.register({ name: RECEIPT, selector: ".hb-workdays-receipt", mount: mountReceipt });
  global.HandbookWorkdays = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
