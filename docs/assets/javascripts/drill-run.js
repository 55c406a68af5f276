/*
 * 演练控制台的纯逻辑（没有 DOM，可在 Node 中测试）：演练状态、计时、情景注入、导出的记录与 Markdown。
 * 页面部分在 drill-console.js。浏览器中挂在 window.HandbookDrillRun 上；Node 中 require 本文件得到。
 *
 *   localStorage 键：handbook:drill:v1:<页面路径>，值为 JSON：
 *     {"v": 1, "scenario": "场景键", "status": "ready|running|paused|ended|aborted",
 *      "started_at": ISO, "paused_at": ISO|null, "paused_ms": 毫秒, "ended_at": ISO|null,
 *      "before_end": {"status": "running|paused", "paused_at": ISO|null, "paused_ms": 毫秒}|null（撤销结束用）,
 *      "shown": [已出现的情景注入序号], "entries": [{"type": "inject|observation|control",
 *      "offset_ms": 演练时间, "at": ISO, "role": "", "to": "", "text": "", "inject": 序号}], "updated": ISO}
 *
 * 状态名称、控制条目和导出的 Markdown 用的文字来自 data/widget_text.yml 的 drill.run，
 * 用之前先 useWords(文字)（控制台挂载时做；Node 测试读同一份数据）。
 */
(function (global) {
  "use strict";

  const H = typeof module !== "undefined" && module.exports ? require("./core.js") : global.HandbookCore;

  // ------------------------------------------------------------------ 演练：纯逻辑

  const DRILL_SCHEMA = 1;
  const DRILL_PREFIX = "handbook:drill:v1:";
  const STATES = ["ready", "running", "paused", "ended", "aborted"];
  const KINDS = ["inject", "observation", "control"];

  let W = null;

  /** 设定显示用的文字（data/widget_text.yml 的 drill.run）。 */
  function useWords(text) {
    W = text;
  }

  function words() {
    if (!W) throw new Error("drill-run.js：还没有设定文字（useWords）");
    return W;
  }

  /** 把 {名字} 换成值。 */
  function fill(template, values) {
    return String(template).replace(/\{([a-z_]+)\}/g, (match, name) => {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function iso(time) {
    return new Date(time).toISOString();
  }

  function ms(value) {
    return typeof value === "string" && value ? Date.parse(value) : NaN;
  }

  /** 演练时间，如 T+05:00、T+1:05:09（不足一小时不写小时）。 */
  function formatOffset(milliseconds) {
    const pad = H.pad;
    const total = Math.max(0, Math.floor((Number(milliseconds) || 0) / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    return "T+" + (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
  }

  function emptyRun(scenario) {
    return {
      v: DRILL_SCHEMA,
      scenario: scenario || null,
      status: "ready",
      started_at: null,
      paused_at: null,
      paused_ms: 0,
      ended_at: null,
      before_end: null,
      shown: [],
      entries: [],
      updated: null,
    };
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function validTime(value) {
    return typeof value === "string" && value !== "" && !isNaN(Date.parse(value));
  }

  /** 检查存储里读出的演练状态；结构不对返回 null，个别坏条目丢掉。 */
  function sanitizeRun(data) {
    if (!isObject(data) || data.v !== DRILL_SCHEMA || STATES.indexOf(data.status) < 0 || !Array.isArray(data.entries)) {
      return null;
    }
    if (data.status !== "ready" && !validTime(data.started_at)) return null;
    const run = emptyRun(typeof data.scenario === "string" ? data.scenario : null);
    run.status = data.status;
    run.started_at = validTime(data.started_at) ? data.started_at : null;
    run.paused_at = data.status === "paused" && validTime(data.paused_at) ? data.paused_at : null;
    if (data.status === "paused" && !run.paused_at) run.status = "running";
    run.paused_ms = typeof data.paused_ms === "number" && data.paused_ms >= 0 ? data.paused_ms : 0;
    run.ended_at = (data.status === "ended" || data.status === "aborted") && validTime(data.ended_at)
      ? data.ended_at : null;
    if ((run.status === "ended" || run.status === "aborted") && !run.ended_at) return null;
    const before = data.before_end;
    if (run.ended_at && isObject(before) && (before.status === "running" || before.status === "paused")) {
      run.before_end = {
        status: before.status === "paused" && validTime(before.paused_at) ? "paused" : "running",
        paused_at: before.status === "paused" && validTime(before.paused_at) ? before.paused_at : null,
        paused_ms: typeof before.paused_ms === "number" && before.paused_ms >= 0 ? before.paused_ms : 0,
      };
    }
    run.shown = Array.isArray(data.shown) ? data.shown.filter((i) => Number.isInteger(i) && i >= 0) : [];
    run.entries = data.entries.filter((e) => {
      return isObject(e) && KINDS.indexOf(e.type) >= 0 && typeof e.offset_ms === "number" && e.offset_ms >= 0 &&
        validTime(e.at) && typeof e.text === "string";
    }).map((e) => {
      const entry = { type: e.type, offset_ms: e.offset_ms, at: e.at, role: typeof e.role === "string" ? e.role : "",
        to: typeof e.to === "string" ? e.to : "", text: e.text };
      if (Number.isInteger(e.inject)) entry.inject = e.inject;
      return entry;
    });
    run.updated = validTime(data.updated) ? data.updated : null;
    return run;
  }

  /** 解析存储里的原始字符串：status 为 empty、ok 或 corrupt。 */
  function parseRun(raw) {
    if (raw === null || raw === undefined) return { status: "empty", run: emptyRun() };
    let data;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      return { status: "corrupt", run: emptyRun() };
    }
    const run = sanitizeRun(data);
    return run ? { status: "ok", run: run } : { status: "corrupt", run: emptyRun() };
  }

  function clone(run) {
    return Object.assign({}, run, { shown: run.shown.slice(), entries: run.entries.slice() });
  }

  /** 从开始到 now（毫秒）的演练时间，不含暂停的时间；结束后停在结束那一刻。 */
  function elapsedMs(run, now) {
    if (!run.started_at) return 0;
    let end = now;
    if (run.ended_at) end = ms(run.ended_at);
    else if (run.paused_at) end = ms(run.paused_at);
    return Math.max(0, end - ms(run.started_at) - (run.paused_ms || 0));
  }

  function isActive(run) {
    return run.status === "running" || run.status === "paused";
  }

  function addEntry(run, now, entry) {
    const next = clone(run);
    next.entries.push(Object.assign({ offset_ms: elapsedMs(run, now), at: iso(now), role: "", to: "" }, entry));
    next.updated = iso(now);
    return next;
  }

  /** facilitator：主持人角色的名称（来自 data/drill_calendar.yml），记在控制类记录上。 */
  function start(run, scenario, now, facilitator) {
    if (run.status !== "ready") return run;
    const next = emptyRun(scenario);
    next.status = "running";
    next.started_at = iso(now);
    return addEntry(next, now, { type: "control", role: facilitator || "", text: words().started });
  }

  function pause(run, now, facilitator) {
    if (run.status !== "running") return run;
    const next = addEntry(run, now, { type: "control", role: facilitator || "", text: words().paused });
    next.status = "paused";
    next.paused_at = iso(now);
    return next;
  }

  function resume(run, now, facilitator) {
    if (run.status !== "paused") return run;
    const next = clone(run);
    next.paused_ms = (run.paused_ms || 0) + Math.max(0, now - ms(run.paused_at));
    next.paused_at = null;
    next.status = "running";
    return addEntry(next, now, { type: "control", role: facilitator || "", text: words().resumed });
  }

  /** 结束演练。reason 为 "ended"（正常结束）或 "code_word"（用中止口令停止）。结束前的状态记在 before_end，可以撤销。 */
  function finish(run, now, reason, codeWord, facilitator) {
    if (!isActive(run)) return run;
    let next = clone(run);
    next.before_end = { status: run.status, paused_at: run.paused_at, paused_ms: run.paused_ms || 0 };
    if (run.status === "paused") {
      next.paused_ms = (run.paused_ms || 0) + Math.max(0, now - ms(run.paused_at));
      next.paused_at = null;
    }
    const text = reason === "code_word" ? fill(words().aborted, { code_word: codeWord || "" }) : words().ended;
    next = addEntry(next, now, { type: "control", role: reason === "code_word" ? "" : facilitator || "", text: text });
    next.status = reason === "code_word" ? "aborted" : "ended";
    next.ended_at = iso(now);
    return next;
  }

  /**
   * 撤销结束：回到结束前的状态，时钟照真实时间接着走（结束到撤销之间也算演练时间，房间里的演练并没有停）。
   * 记录里留着“演练结束”，再加一条“撤销结束”。
   */
  function reopen(run, now, facilitator) {
    if ((run.status !== "ended" && run.status !== "aborted") || !run.before_end) return run;
    const next = clone(run);
    next.status = run.before_end.status;
    next.paused_at = run.before_end.status === "paused" ? run.before_end.paused_at : null;
    next.paused_ms = run.before_end.paused_ms;
    next.ended_at = null;
    next.before_end = null;
    return addEntry(next, now, { type: "control", role: facilitator || "", text: words().reopened });
  }

  /**
   * 按主持人的开始时间（毫秒）加入：本机还没开始的，从那一刻开始；本机正在进行同一场景的，把时钟校准到那一刻。
   * pausedMs：主持人到发链接时已暂停的总时长。其他情况（另一场景、已结束）原样返回，由控制台提示。
   */
  function join(run, scenario, startMs, pausedMs, now, facilitator) {
    const paused = Math.max(0, Number(pausedMs) || 0);
    if (run.status === "ready") {
      let next = emptyRun(scenario);
      next.status = "running";
      next.started_at = iso(startMs);
      next.paused_ms = paused;
      next.entries.push({ type: "control", offset_ms: 0, at: iso(startMs), role: facilitator || "", to: "",
        text: words().started });
      next = addEntry(next, now, { type: "control", role: "", text: words().joined });
      return next;
    }
    if (!isActive(run) || run.scenario !== scenario) return run;
    if (run.started_at === iso(startMs) && (run.paused_ms || 0) === paused && run.status === "running") return run;
    const next = clone(run);
    next.status = "running";
    next.started_at = iso(startMs);
    next.paused_at = null;
    next.paused_ms = paused;
    return addEntry(next, now, { type: "control", role: "", text: words().synced });
  }

  /** 主持人发给观察员的加入链接里的参数：scenario、start（UTC 时刻）、paused（已暂停的秒数，没有暂停时不写）。 */
  function joinParams(run, now) {
    if (!isActive(run) || !run.started_at) return null;
    let paused = run.paused_ms || 0;
    if (run.status === "paused" && run.paused_at) paused += Math.max(0, now - ms(run.paused_at));
    const params = { scenario: run.scenario, start: run.started_at };
    if (paused >= 1000) params.paused = String(Math.floor(paused / 1000));
    return params;
  }

  /** 到时间的情景注入序号（还没出现过的）。 */
  function dueInjects(run, injects, now) {
    if (!run.started_at) return [];
    const elapsed = elapsedMs(run, now);
    const due = [];
    (injects || []).forEach((inject, index) => {
      if (inject.at * 60000 <= elapsed && run.shown.indexOf(index) === -1) due.push(index);
    });
    return due;
  }

  /** 把到时间的情景注入记进记录；演练时间记为它预定的时间。 */
  function reveal(run, injects, now) {
    if (!isActive(run)) return run;
    const due = dueInjects(run, injects, now);
    if (!due.length) return run;
    const next = clone(run);
    due.forEach((index) => {
      const inject = injects[index];
      next.shown.push(index);
      next.entries.push({ type: "inject", offset_ms: inject.at * 60000, at: iso(now), role: inject.from || "",
        to: inject.to || "", text: inject.text, inject: index });
    });
    next.updated = iso(now);
    return next;
  }

  /** 记一条观察。开始之前不能记（没有演练时间）；结束后仍可补记，演练时间停在结束那一刻。 */
  function observe(run, role, text, now) {
    const clean = H.collapse(text);
    if (run.status === "ready" || !clean) return run;
    return addEntry(run, now, { type: "observation", role: H.collapse(role), text: clean });
  }

  /** 下一条还没出现的情景注入：{index, at, remaining_ms}；没有了返回 null。 */
  function nextInject(run, injects, now) {
    const elapsed = elapsedMs(run, now);
    for (let i = 0; i < (injects || []).length; i++) {
      if (run.shown.indexOf(i) === -1) {
        // 剩余时间向上取整到秒：显示“还有 00:01”直到真正到点
        const remaining = Math.max(0, injects[i].at * 60000 - elapsed);
        return { index: i, at: injects[i].at, remaining_ms: Math.ceil(remaining / 1000) * 1000 };
      }
    }
    return null;
  }

  /** 按演练时间排列的记录（同一时间的保持记下的先后）。 */
  function sortedEntries(run) {
    return run.entries
      .map((entry, i) => {
        return { entry: entry, i: i };
      })
      .sort((a, b) => {
        return a.entry.offset_ms - b.entry.offset_ms || a.i - b.i;
      })
      .map((pair) => {
        return pair.entry;
      });
  }

  /**
   * 导出用的演练记录（也是 JSON 导出的内容）。
   * input: {run, scenario: {id, title, kinds, duration, injects}, page: {path, title, url},
   *         evaluation: 检查单的 record() 或 null, now: 毫秒}
   */
  function buildLog(input) {
    const run = input.run;
    const w = words();
    const scenario = input.scenario || { id: run.scenario, title: run.scenario, kinds: [], duration: 0, injects: [] };
    const now = input.now;
    const elapsed = elapsedMs(run, now);
    return {
      format: "handbook-drill-log",
      schema: DRILL_SCHEMA,
      scenario: {
        id: scenario.id,
        title: scenario.title,
        kinds: scenario.kinds || [],
        duration_minutes: scenario.duration || 0,
      },
      page: input.page,
      status: run.status,
      status_label: w.status[run.status],
      code_word_used: run.status === "aborted",
      started_at: run.started_at ? H.toLocalIso(run.started_at) : "",
      ended_at: run.ended_at ? H.toLocalIso(run.ended_at) : "",
      elapsed: formatOffset(elapsed),
      elapsed_seconds: Math.floor(elapsed / 1000),
      exported_at: H.toLocalIso(new Date(now)),
      injects: { shown: run.shown.length, total: (scenario.injects || []).length },
      observations: run.entries.filter((e) => e.type === "observation").length,
      entries: sortedEntries(run).map((e) => {
        return {
          offset: formatOffset(e.offset_ms),
          offset_seconds: Math.floor(e.offset_ms / 1000),
          at: H.toLocalIso(e.at),
          type: e.type,
          type_label: w.types[e.type],
          role: e.role,
          to: e.to,
          text: e.text,
        };
      }),
      evaluation: input.evaluation || null,
      handbook: input.handbook || { version: "", commit: "", build_date: "" },
    };
  }

  const cell = H.tableCell;

  function clockTime(value) {
    const local = H.toLocalIso(value);
    return local ? local.slice(11, 19) : "";
  }

  /** questions：复盘时回答的问题（来自 data/widget_text.yml）。 */
  function drillMarkdown(log, questions) {
    const w = words();
    const esc = H.escapeMarkdown;
    const item = (label, value) => "- " + label + "：" + value;
    const hb = log.handbook || {};
    const lines = [
      "# " + fill(w.md_title, { title: esc(log.scenario.title) }),
      "",
      item(w.md_scenario, esc(log.scenario.title) + "（" + esc(log.scenario.id) + "）"),
      item(w.md_page, esc(log.page.title) + "（" + esc(log.page.path) + "）"),
      item(w.md_status, log.status_label),
      item(w.md_started, log.started_at ? H.formatTime(log.started_at) : w.unset),
      item(w.md_ended, log.ended_at ? H.formatTime(log.ended_at) : w.unset),
      item(w.md_elapsed, log.elapsed),
      "- " + fill(w.md_injects, log.injects),
      "- " + fill(w.md_observations, { count: log.observations }),
      item(w.md_exported, H.formatTime(log.exported_at)),
      item(w.md_handbook, hb.version ? esc([hb.version, hb.commit, hb.build_date].filter(Boolean).join(" ")) : w.unset),
      "",
      "## " + w.md_timeline,
      "",
      "| " + w.md_columns.join(" | ") + " |",
      "|" + w.md_columns.map(() => "---").join("|") + "|",
    ];
    log.entries.forEach((e) => {
      const who = e.to ? e.role + " → " + e.to : e.role;
      lines.push("| " + e.offset + " | " + clockTime(e.at) + " | " + e.type_label + " | " +
        (who ? cell(who) : "—") + " | " + cell(e.text) + " |");
    });
    lines.push("", "## " + w.md_evaluation, "");
    const ev = log.evaluation;
    if (ev && ev.items) {
      lines.push(fill(w.md_progress, ev.progress), "");
      ev.items.forEach((entry) => {
        let line = "- [" + (entry.checked ? "x" : " ") + "] " + esc(entry.text);
        if (entry.checked && entry.checked_at) line += fill(w.md_checked_at, { time: H.formatTime(entry.checked_at) });
        lines.push(line);
      });
      if (ev.record && ev.record.notes && ev.record.notes.trim()) {
        lines.push("", w.md_notes, "", H.fence(ev.record.notes));
      }
    } else {
      lines.push(w.unset);
    }
    lines.push("", "## " + w.md_review, "");
    (questions || []).forEach((question, index) => lines.push((index + 1) + ". " + question));
    lines.push("");
    return lines.join("\n");
  }

  function drillJSON(log) {
    return JSON.stringify(log, null, 2) + "\n";
  }

  function drillFileName(log, ext) {
    const stamp = String(log.exported_at).slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
    const id = String(log.scenario.id || "drill").replace(/[^A-Za-z0-9_-]+/g, "-");
    return "drill-" + id + "-" + stamp + "." + ext;
  }

  const core = {
    DRILL_SCHEMA: DRILL_SCHEMA,
    DRILL_PREFIX: DRILL_PREFIX,
    STATES: STATES,
    KINDS: KINDS,
    useWords: useWords,
    words: words,
    fill: fill,
    formatOffset: formatOffset,
    emptyRun: emptyRun,
    sanitizeRun: sanitizeRun,
    parseRun: parseRun,
    elapsedMs: elapsedMs,
    isActive: isActive,
    clockTime: clockTime,
    start: start,
    pause: pause,
    resume: resume,
    finish: finish,
    reopen: reopen,
    join: join,
    joinParams: joinParams,
    dueInjects: dueInjects,
    reveal: reveal,
    observe: observe,
    nextInject: nextInject,
    sortedEntries: sortedEntries,
    buildLog: buildLog,
    toMarkdown: drillMarkdown,
    toJSON: drillJSON,
    fileName: drillFileName,
  };

  if (typeof module !== "undefined" && module.exports) module.exports = core;
  else global.HandbookDrillRun = core;
})(typeof globalThis !== "undefined" ? globalThis : this);
