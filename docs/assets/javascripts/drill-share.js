/*
 * 演练控制台的网址：带场景的链接和加入链接（演练控制台 drill-console.js 用；纯逻辑可在 Node 中测试）。
 *
 *   drills/run/?scenario=<场景键>                         打开控制台并选好场景（离线包：drills/run.html?scenario=…）
 *   drills/run/?scenario=<场景键>&start=<UTC 时刻>[&paused=<秒>]
 *                                                         加入链接：观察员的时钟按主持人的开始时间走；
 *                                                         paused 是主持人到发链接时已暂停的总秒数
 *
 * start 写成 ISO 时刻（如 2026-11-28T02:00:00.000Z）；“+08:00”式的时区也认（“+”被当成空格的也认）。
 * 没有链接时，观察员可以输入主持人的开始时间（今天的 时:分 或 时:分:秒，按本机时区）。
 * 浏览器中挂在 window.HandbookDrillShare 上；Node 中 require 本文件得到同一组函数。
 */
(function (global) {
  "use strict";

  const DAY_MS = 24 * 3600 * 1000;
  /** 主持人的时刻比本机晚这么多以内，算两台设备的时钟差，照常加入。 */
  const SKEW_MS = 60 * 1000;

  /**
   * 读控制台网址里的参数（search 是 location.search）。返回
   * {scenario: 键或 null, unknown: 找不到的场景键或 null, join: {start 毫秒, paused 毫秒} 或 null,
   *  problem: null | {kind: "join_invalid"|"join_future"|"join_too_old", value}}。
   */
  function readLink(search, scenarioIds, now) {
    const result = { scenario: null, unknown: null, join: null, problem: null };
    let params;
    try {
      params = new URLSearchParams(search || "");
    } catch (err) {
      return result;
    }
    const scenario = params.get("scenario");
    if (scenario !== null) {
      if (scenarioIds.indexOf(scenario) >= 0) result.scenario = scenario;
      else result.unknown = scenario.slice(0, 80);
    }
    const start = params.get("start");
    if (start === null) return result;
    const checked = checkStart(parseInstant(start), now, start);
    if (checked.problem) {
      result.problem = checked.problem;
      return result;
    }
    if (!result.scenario) return result; // 没有有效场景的加入链接：只报场景的问题
    const paused = Number(params.get("paused") || 0);
    result.join = { start: checked.start, paused: Number.isFinite(paused) && paused > 0 ? Math.floor(paused) * 1000 : 0 };
    return result;
  }

  /** ISO 时刻 → 毫秒；解析不了返回 NaN。查询参数里没编码的“+”会变成空格，改回来。 */
  function parseInstant(value) {
    const text = String(value || "").trim().replace(/ (\d\d:?\d\d)$/, "+$1");
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return NaN;
    return Date.parse(text);
  }

  /** 今天的 时:分 或 时:分:秒（本机时区）→ 毫秒；格式不对返回 NaN。 */
  function parseClock(value, now) {
    const match = String(value || "").trim().replace(/：/g, ":").match(/^(\d{1,2}):(\d{2})(?::(\d{2}))?$/);
    if (!match) return NaN;
    const [h, m, s] = [Number(match[1]), Number(match[2]), Number(match[3] || 0)];
    if (h > 23 || m > 59 || s > 59) return NaN;
    const date = new Date(now);
    date.setHours(h, m, s, 0);
    return date.getTime();
  }

  /** 开始时刻是否可信：{start} 或 {problem: {kind, value}}。 */
  function checkStart(start, now, raw) {
    if (!Number.isFinite(start)) return { problem: { kind: "join_invalid", value: String(raw).slice(0, 40) } };
    if (start > now + SKEW_MS) return { problem: { kind: "join_future", value: start } };
    if (start < now - DAY_MS) return { problem: { kind: "join_too_old", value: start } };
    return { start: Math.min(start, now) };
  }

  /** 把 {名字} 换成值。 */
  function fill(template, values) {
    return String(template).replace(/\{([a-z_]+)\}/g, (match, name) => {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  /** 本页网址换上给定的参数（值为 null 的去掉），其余参数和路径不变，去掉锚点以外不动。 */
  function withParams(href, params) {
    const url = new URL(href);
    Object.keys(params).forEach((name) => {
      if (params[name] === null || params[name] === undefined) url.searchParams.delete(name);
      else url.searchParams.set(name, params[name]);
    });
    return url.href;
  }

  const share = { readLink, parseInstant, parseClock, checkStart, withParams, SKEW_MS, DAY_MS };

  if (typeof module !== "undefined" && module.exports) module.exports = share;
  if (typeof window === "undefined" || typeof document === "undefined") return;

  const H = global.HandbookCore;

  /**
   * 控制台里“让每台设备显示同一个演练时间”一块：主持人看到开始时间和加入链接，观察员可以输入开始时间。
   * options: {text, uid, onJoin(毫秒)}；返回 {node, update(run, now, href)}。
   */
  function panel(options) {
    const text = options.text;
    const { el } = H;
    const node = el("details", { className: "hb-drill__share" });
    node.appendChild(el("summary", {}, text.share_heading));
    node.appendChild(el("p", { className: "hb-drill__share-help" }, text.share_help));
    const started = el("p", { className: "hb-drill__started", hidden: "" });
    node.appendChild(started);
    const linkRow = el("div", { className: "hb-drill__share-row", hidden: "" });
    linkRow.appendChild(el("label", { for: options.uid + "-link" }, text.share_link_label));
    const link = el("input", { id: options.uid + "-link", type: "text", readonly: "", className: "hb-drill__link" });
    link.addEventListener("focus", () => link.select());
    linkRow.appendChild(link);
    const copy = H.button(text.copy_link, null, "hb-drill__copy");
    linkRow.appendChild(copy);
    node.appendChild(linkRow);
    const copied = el("p", { className: "hb-drill__copied", role: "status" });
    node.appendChild(copied);

    const form = el("form", { className: "hb-drill__join" });
    form.appendChild(el("p", { className: "hb-drill__join-heading" }, text.join_heading));
    const row = el("div", { className: "hb-drill__share-row" });
    row.appendChild(el("label", { for: options.uid + "-join" }, text.join_label));
    const time = el("input", { id: options.uid + "-join", name: "start", type: "text", inputmode: "numeric",
      autocomplete: "off", placeholder: "10:00:00", className: "hb-drill__join-time" });
    row.appendChild(time);
    row.appendChild(el("button", { type: "submit", className: "md-button hb-drill__join-button" }, text.join_button));
    form.appendChild(row);
    node.appendChild(form);

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      options.onJoin(time.value, time);
    });

    copy.addEventListener("click", () => {
      const done = () => {
        copied.textContent = text.copied;
      };
      const failed = () => {
        copied.textContent = text.copy_failed;
        link.focus();
      };
      try {
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(link.value).then(done, failed);
        } else {
          failed();
        }
      } catch (err) {
        failed();
      }
    });

    return {
      node: node,
      joinBox: time,
      /** joinHref：加入链接（没有进行中的演练时为 null）；startedAt：开始时刻文字。 */
      update(joinHref, startedAt) {
        linkRow.hidden = !joinHref;
        started.hidden = !startedAt;
        started.textContent = startedAt || "";
        if (joinHref && link.value !== joinHref) {
          link.value = joinHref;
          copied.textContent = "";
        }
      },
    };
  }

  /** 本页网址换参数（不加历史记录）；file:// 等不允许时放弃。 */
  function replaceUrl(params) {
    try {
      const href = withParams(window.location.href, params);
      if (href !== window.location.href) window.history.replaceState(window.history.state, "", href);
    } catch (err) {
      // 地址改不了不影响控制台
    }
  }

  /** 开始时间有问题时的说明。 */
  function problemText(text, problem) {
    const value = problem.kind === "join_invalid" ? problem.value : H.formatTime(new Date(problem.value));
    return fill(text[problem.kind], { value: value, time: value });
  }

  /**
   * 演练控制台（drill-console.js 的 DrillConsole）上与网址有关的方法；this 是控制台，
   * 用到它的 t（界面文字）、words、run、byId、select、notices、announce、data、update()、tell()、render()、choose()。
   */
  function consoleMethods() {
    const Run = global.HandbookDrillRun;
    const clock = () => global.HandbookDrills.clock.now();
    return {
      /** 打开时网址里的场景和加入参数；有问题的写明原因，照常从空白或本机的演练开始。 */
      followLink() {
        const t = this.t;
        const link = readLink(window.location.search, Object.keys(this.byId), clock());
        if (link.unknown !== null) {
          this.notices.push(fill(t.unknown_scenario, { id: link.unknown }));
          replaceUrl({ scenario: null, start: null, paused: null });
        }
        if (link.problem) {
          this.notices.push(problemText(t, link.problem));
          replaceUrl({ start: null, paused: null });
        }
        if (link.scenario) {
          if (this.run.status === "ready") {
            this.choose(link.scenario);
          } else if (this.run.scenario !== link.scenario) {
            this.notices.push(fill(t.scenario_locked, { title: this.scenario().title,
              other: this.byId[link.scenario].title }));
            replaceUrl({ scenario: this.run.scenario, start: null, paused: null });
            return;
          }
        }
        if (link.join) {
          this.applyJoin(link.join.start, link.join.paused);
          replaceUrl({ start: null, paused: null });
        }
      },

      /** 按主持人的开始时间加入或校准；本机另有演练时不动它，写明原因。 */
      applyJoin(startMs, pausedMs) {
        const t = this.t;
        const before = this.run;
        const wasReady = before.status === "ready";
        const id = wasReady ? this.select.value : before.scenario;
        if (!wasReady && !Run.isActive(before)) {
          this.notices.push(fill(t.join_busy, { title: this.scenario().title, status: this.words.status[before.status] }));
          return;
        }
        const now = clock();
        const next = Run.reveal(Run.join(before, id, startMs, pausedMs, now, this.data.facilitator),
          this.byId[id].injects, now);
        const message = fill(wasReady ? t.joined : t.synced, {
          time: Run.clockTime(new Date(startMs).toISOString()), elapsed: Run.formatOffset(Run.elapsedMs(next, now)) });
        if (next !== before) {
          this.update(next);
          this.tell(wasReady ? "join" : "sync", message);
        }
        this.announce.textContent = message;
      },

      /** 输入的开始时间（今天的 时:分[:秒]）。焦点留在输入框。 */
      joinTyped(value, input) {
        const now = clock();
        const checked = checkStart(parseClock(value, now), now, value);
        this.notices = [];
        if (checked.problem) this.notices.push(problemText(this.t, checked.problem));
        else this.applyJoin(checked.start, 0);
        this.render();
        input.focus();
      },
    };
  }

  global.HandbookDrillShare = Object.assign({}, share, { panel, replaceUrl, consoleMethods });
})(typeof globalThis !== "undefined" ? globalThis : this);
