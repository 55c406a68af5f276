/*
 * 页面复核（GOV.UK 式）：页脚的 .hb-review 带着构建算好的下次复核日期（data-review-due，见 overrides/main.html）；
 * 这里按浏览器当天的日期判断“正常 / 即将到期 / 已过期”，过期的页面在正文顶部显示醒目提示。
 * 到期日只由构建计算（macros/release.py），这里不再重算。
 * 纯逻辑 reviewState() 同时导出给 Node 测试（tests/js/review.test.js）。
 */
(function (global) {
  "use strict";

  const DUE_SOON_DAYS = 30;

  /** "YYYY-MM-DD" → UTC 毫秒数；格式不对或日期不存在时返回 null。 */
  function parseDate(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ""));
    if (!m) return null;
    const time = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    const check = new Date(time);
    if (check.getUTCFullYear() !== +m[1] || check.getUTCMonth() !== +m[2] - 1 || check.getUTCDate() !== +m[3]) {
      return null;
    }
    return time;
  }

  /**
   * reviewState("2026-11-30", "2026-11-30") → {due: "2026-11-30", daysLeft: 0, state: "due-soon"}
   * state: "ok"（距到期超过 30 天）、"due-soon"（30 天内到期，含当天）、"overdue"（已过到期日）、"invalid"。
   */
  function reviewState(due, today) {
    const d = parseDate(due);
    const t = parseDate(today);
    if (d === null || t === null) return { due: null, daysLeft: null, state: "invalid" };
    const daysLeft = Math.round((d - t) / 86400000);
    const state = daysLeft < 0 ? "overdue" : daysLeft <= DUE_SOON_DAYS ? "due-soon" : "ok";
    return { due: String(due), daysLeft: daysLeft, state: state };
  }

  const api = { reviewState, DUE_SOON_DAYS };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookReview) return; // 已加载过

  const H = global.HandbookCore;
  const NAME = "复核提示";

  function mount(box) {
    const result = reviewState(box.dataset.reviewDue, H.localToday());
    const stateEl = H.required(box, ".hb-review__state", NAME);
    box.classList.remove("hb-review--ok", "hb-review--due-soon", "hb-review--overdue");
    box.classList.add("hb-review--" + result.state);
    if (result.state === "overdue") {
      stateEl.textContent = "（已过复核期 " + (-result.daysLeft) + " 天）";
      const banner = H.el("div", { className: "hb-review-banner admonition warning", role: "note" });
      banner.appendChild(H.el("p", { className: "admonition-title" }, "本页已过复核期"));
      banner.appendChild(H.el("p", {}, "本页应于 " + result.due + " 复核，至今未复核，内容可能已过时。使用前请与本页负责人（" +
        (box.dataset.owner || "") + "）确认。"));
      const article = document.querySelector("article.md-content__inner");
      const heading = article && article.querySelector("h1");
      if (heading) heading.insertAdjacentElement("afterend", banner);
      else if (article) article.insertBefore(banner, article.firstChild);
    } else if (result.state === "due-soon") {
      stateEl.textContent = result.daysLeft === 0 ? "（今天到期）" : "（" + result.daysLeft + " 天后到期）";
    } else {
      stateEl.textContent = "";
    }
  }

  H.register({ name: NAME, selector: ".hb-review", mount: mount });
  global.HandbookReview = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
