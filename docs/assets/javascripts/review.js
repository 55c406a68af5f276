/*
 * 页面复核（GOV.UK 式）：页脚的 .hb-review 带着最近复核日期和复核周期；
 * 这里按浏览器当天的日期判断“正常 / 即将到期 / 已过期”，过期的页面在正文顶部显示醒目提示。
 * 纯逻辑 reviewState() 同时导出给 Node 测试（tests/js/review.test.js）。
 */
(function (root) {
  "use strict";

  var DUE_SOON_DAYS = 30;

  function parseDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || ""));
    if (!m) return null;
    return { y: +m[1], m: +m[2], d: +m[3] };
  }

  function daysInMonth(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }

  function toUTC(p) { return Date.UTC(p.y, p.m - 1, p.d); }

  function iso(p) {
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return p.y + "-" + pad(p.m) + "-" + pad(p.d);
  }

  /** 加若干个月；目标月份没有这一天时取该月最后一天。与 macros/release.py 的 add_months 相同。 */
  function addMonths(p, months) {
    var index = p.m - 1 + months;
    var y = p.y + Math.floor(index / 12), m = (index % 12 + 12) % 12 + 1;
    return { y: y, m: m, d: Math.min(p.d, daysInMonth(y, m)) };
  }

  /**
   * reviewState("2026-05-31", 6, "2026-11-30") → {due: "2026-11-30", daysLeft: 0, state: "due-soon"}
   * state: "ok"（距到期超过 30 天）、"due-soon"（30 天内到期，含当天）、"overdue"（已过到期日）、"invalid"。
   */
  function reviewState(reviewed, everyMonths, today) {
    var r = parseDate(reviewed), t = parseDate(today), every = Number(everyMonths);
    if (!r || !t || !(every >= 1)) return { due: null, daysLeft: null, state: "invalid" };
    var due = addMonths(r, every);
    var daysLeft = Math.round((toUTC(due) - toUTC(t)) / 86400000);
    var state = daysLeft < 0 ? "overdue" : daysLeft <= DUE_SOON_DAYS ? "due-soon" : "ok";
    return { due: iso(due), daysLeft: daysLeft, state: state };
  }

  function localToday(now) {
    now = now || new Date();
    return iso({ y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() });
  }

  function render() {
    var box = document.querySelector(".hb-review");
    var old = document.querySelector(".hb-review-banner");
    if (old) old.remove();
    if (!box) return;
    var result = reviewState(box.dataset.reviewed, box.dataset.reviewEvery, localToday());
    var stateEl = box.querySelector(".hb-review__state");
    box.classList.remove("hb-review--ok", "hb-review--due-soon", "hb-review--overdue");
    box.classList.add("hb-review--" + result.state);
    if (!stateEl) return;
    if (result.state === "overdue") {
      stateEl.textContent = "（已过复核期 " + (-result.daysLeft) + " 天）";
      var banner = document.createElement("div");
      banner.className = "hb-review-banner admonition warning";
      banner.setAttribute("role", "note");
      var title = document.createElement("p");
      title.className = "admonition-title";
      title.textContent = "本页已过复核期";
      var text = document.createElement("p");
      text.textContent = "本页应于 " + result.due + " 复核，至今未复核，内容可能已过时。使用前请与本页负责人（" +
        (box.dataset.owner || "") + "）确认。";
      banner.appendChild(title);
      banner.appendChild(text);
      var article = document.querySelector("article.md-content__inner");
      var heading = article && article.querySelector("h1");
      if (heading) heading.insertAdjacentElement("afterend", banner);
      else if (article) article.insertBefore(banner, article.firstChild);
    } else if (result.state === "due-soon") {
      stateEl.textContent = result.daysLeft === 0 ? "（今天到期）" : "（" + result.daysLeft + " 天后到期）";
    } else {
      stateEl.textContent = "";
    }
  }

  var api = { reviewState: reviewState, addMonths: addMonths, localToday: localToday, DUE_SOON_DAYS: DUE_SOON_DAYS };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }
  root.HandbookReview = api;
  if (typeof root.document$ !== "undefined") root.document$.subscribe(render);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})(typeof window !== "undefined" ? window : this);
