/*
 * 应急演练控制台与自测题。
 *
 * 建立在检查单引擎（checklist.js 的 window.HandbookChecklist）之上，不另起一套：
 *   - 保存：HandbookChecklist.store（localStorage 包装：写不进去时退回内存并提示，读到坏数据时备份后从空白开始）；
 *   - 时间与 Markdown：core.toLocalIso、core.formatTime、core.escapeMarkdown、core.fence；
 *   - 下载：HandbookChecklist.download（Blob，file:// 下也可用，不联网）；
 *   - 评估检查单：执行演练页上每个场景的评估检查单就是一张普通检查单（.hb-checklist），
 *     导出演练记录时取它的 record() 一并写入。
 *
 * 一、演练控制台（宏 drill_console() 生成 .hb-drill[data-drill-console]，场景数据在它的 data-drill 属性里）
 *
 *   主持人选场景、点“开始演练”，时钟从 T+00:00 走起；情况注入到时间出现；任何人都可以记一条带时间的观察；
 *   可以暂停、继续、结束，或用暗号停止；记录导出为 Markdown 和 JSON，作为复盘的材料。
 *   时间一律取自 clock.now()（默认 Date.now），计时器用 clock.every()（默认 setInterval），
 *   所以测试可以用 Playwright 的 page.clock 驱动。
 *
 *   localStorage 键：handbook:drill:v1:<页面路径>，值为 JSON：
 *     {"v": 1, "scenario": "场景键", "status": "ready|running|paused|ended|aborted",
 *      "started_at": ISO, "paused_at": ISO|null, "paused_ms": 毫秒, "ended_at": ISO|null,
 *      "shown": [已出现的情况注入序号], "entries": [{"type": "inject|observation|control",
 *      "offset_ms": 演练时间, "at": ISO, "role": "", "to": "", "text": "", "inject": 序号}], "updated": ISO}
 *
 * 二、自测题（宏 quiz() 生成 .hb-quiz > .hb-quiz__question[data-question][data-type][data-answer]）
 *
 *   没有脚本时是题目加可展开的“答案与解释”；有脚本时可以作答，提交后立即显示对错和解释，
 *   每题按第一次提交计分。localStorage 键：handbook:quiz:v1:<页面路径>:<题组>，值为 JSON：
 *     {"v": 1, "answers": {"题目编号": {"chosen": ["A"], "fp": "题目指纹", "at": ISO}}, "updated": ISO}
 *   题目指纹由题干和选项算出；题目改了，旧答案自动作废。
 *   讲师工具：“显示全部答案”“打印题目和答案”；浏览器直接打印时只打印题目。
 *
 * 三、接口：window.HandbookDrills = {core, clock, consoles(), quizzes(), enhance(根元素)}
 *   core 也可以在 Node 中 require 本文件得到（需要同目录的 checklist.js）。
 *
 * 用户输入和数据文字一律用 textContent 写入页面。
 */
(function (global) {
  "use strict";

  const inNode = typeof module !== "undefined" && module.exports && typeof require === "function";
  const base = inNode ? require("./checklist.js") : global.HandbookChecklist && global.HandbookChecklist.core;

  // ------------------------------------------------------------------ 演练：纯逻辑

  const DRILL_SCHEMA = 1;
  const DRILL_PREFIX = "handbook:drill:v1:";
  const STATUS = {
    ready: "未开始",
    running: "进行中",
    paused: "已暂停",
    ended: "已结束",
    aborted: "已用暗号中止",
  };
  const TYPES = { inject: "情况注入", observation: "观察", control: "控制" };

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function iso(ms) {
    return new Date(ms).toISOString();
  }

  function ms(value) {
    return typeof value === "string" && value ? Date.parse(value) : NaN;
  }

  /** 演练时间，如 T+05:00、T+1:05:09（不足一小时不写小时）。 */
  function formatOffset(milliseconds) {
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
    if (!isObject(data) || data.v !== DRILL_SCHEMA || !STATUS[data.status] || !Array.isArray(data.entries)) {
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
    run.shown = Array.isArray(data.shown) ? data.shown.filter((i) => Number.isInteger(i) && i >= 0) : [];
    run.entries = data.entries.filter(function (e) {
      return isObject(e) && TYPES[e.type] && typeof e.offset_ms === "number" && e.offset_ms >= 0 &&
        validTime(e.at) && typeof e.text === "string";
    }).map(function (e) {
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

  function start(run, scenario, now) {
    if (run.status !== "ready") return run;
    const next = emptyRun(scenario);
    next.status = "running";
    next.started_at = iso(now);
    return addEntry(next, now, { type: "control", role: "主持人", text: "演练开始" });
  }

  function pause(run, now) {
    if (run.status !== "running") return run;
    const next = addEntry(run, now, { type: "control", role: "主持人", text: "演练暂停" });
    next.status = "paused";
    next.paused_at = iso(now);
    return next;
  }

  function resume(run, now) {
    if (run.status !== "paused") return run;
    const next = clone(run);
    next.paused_ms = (run.paused_ms || 0) + Math.max(0, now - ms(run.paused_at));
    next.paused_at = null;
    next.status = "running";
    return addEntry(next, now, { type: "control", role: "主持人", text: "演练继续" });
  }

  /** 结束演练。reason 为 "ended"（正常结束）或 "code_word"（用暗号中止）。 */
  function finish(run, now, reason, codeWord) {
    if (!isActive(run)) return run;
    let next = run;
    if (run.status === "paused") {
      next = clone(run);
      next.paused_ms = (run.paused_ms || 0) + Math.max(0, now - ms(run.paused_at));
      next.paused_at = null;
    }
    const text = reason === "code_word"
      ? "有人说出暗号“" + (codeWord || "") + "”：演练中止，转入真实处置"
      : "演练结束";
    next = addEntry(next, now, { type: "control", role: reason === "code_word" ? "" : "主持人", text: text });
    next.status = reason === "code_word" ? "aborted" : "ended";
    next.ended_at = iso(now);
    return next;
  }

  /** 到时间的情况注入序号（还没出现过的）。 */
  function dueInjects(run, injects, now) {
    if (!run.started_at) return [];
    const elapsed = elapsedMs(run, now);
    const due = [];
    (injects || []).forEach(function (inject, index) {
      if (inject.at * 60000 <= elapsed && run.shown.indexOf(index) === -1) due.push(index);
    });
    return due;
  }

  /** 把到时间的情况注入记进记录；演练时间记为它预定的时间。 */
  function reveal(run, injects, now) {
    if (!isActive(run)) return run;
    const due = dueInjects(run, injects, now);
    if (!due.length) return run;
    const next = clone(run);
    due.forEach(function (index) {
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
    const clean = base.collapse(text);
    if (run.status === "ready" || !clean) return run;
    return addEntry(run, now, { type: "observation", role: base.collapse(role), text: clean });
  }

  /** 下一条还没出现的情况注入：{index, at, remaining_ms}；没有了返回 null。 */
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
      .map(function (entry, i) {
        return { entry: entry, i: i };
      })
      .sort(function (a, b) {
        return a.entry.offset_ms - b.entry.offset_ms || a.i - b.i;
      })
      .map(function (pair) {
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
      status_label: STATUS[run.status],
      code_word_used: run.status === "aborted",
      started_at: run.started_at ? base.toLocalIso(run.started_at) : "",
      ended_at: run.ended_at ? base.toLocalIso(run.ended_at) : "",
      elapsed: formatOffset(elapsed),
      elapsed_seconds: Math.floor(elapsed / 1000),
      exported_at: base.toLocalIso(new Date(now)),
      injects: { shown: run.shown.length, total: (scenario.injects || []).length },
      observations: run.entries.filter((e) => e.type === "observation").length,
      entries: sortedEntries(run).map(function (e) {
        return {
          offset: formatOffset(e.offset_ms),
          offset_seconds: Math.floor(e.offset_ms / 1000),
          at: base.toLocalIso(e.at),
          type: e.type,
          type_label: TYPES[e.type],
          role: e.role,
          to: e.to,
          text: e.text,
        };
      }),
      evaluation: input.evaluation || null,
    };
  }

  function cell(text) {
    return base.escapeMarkdown(text).replace(/\|/g, "\\|");
  }

  function clockTime(value) {
    const local = base.toLocalIso(value);
    return local ? local.slice(11, 19) : "";
  }

  const UNSET = "（无）";

  function drillMarkdown(log) {
    const lines = [
      "# 演练记录：" + base.escapeMarkdown(log.scenario.title),
      "",
      "- 场景：" + base.escapeMarkdown(log.scenario.title) + "（" + base.escapeMarkdown(log.scenario.id) + "）",
      "- 页面：" + base.escapeMarkdown(log.page.title) + "（" + base.escapeMarkdown(log.page.path) + "）",
      "- 状态：" + log.status_label,
      "- 开始时间：" + (log.started_at ? base.formatTime(log.started_at) : UNSET),
      "- 结束时间：" + (log.ended_at ? base.formatTime(log.ended_at) : UNSET),
      "- 演练用时：" + log.elapsed,
      "- 情况注入：已出现 " + log.injects.shown + " 条，共 " + log.injects.total + " 条",
      "- 观察记录：" + log.observations + " 条",
      "- 导出时间：" + base.formatTime(log.exported_at),
      "",
      "## 时间线",
      "",
      "| 演练时间 | 时刻 | 类型 | 来源或角色 | 内容 |",
      "|---|---|---|---|---|",
    ];
    log.entries.forEach(function (e) {
      const who = e.to ? e.role + " → " + e.to : e.role;
      lines.push("| " + e.offset + " | " + clockTime(e.at) + " | " + e.type_label + " | " +
        (who ? cell(who) : "—") + " | " + cell(e.text) + " |");
    });
    lines.push("", "## 评估检查单", "");
    const ev = log.evaluation;
    if (ev && ev.items) {
      lines.push("已完成 " + ev.progress.done + " 项，共 " + ev.progress.total + " 项。", "");
      ev.items.forEach(function (item) {
        let line = "- [" + (item.checked ? "x" : " ") + "] " + base.escapeMarkdown(item.text);
        if (item.checked && item.checked_at) line += "（勾选于 " + base.formatTime(item.checked_at) + "）";
        lines.push(line);
      });
      if (ev.record && ev.record.notes && ev.record.notes.trim()) {
        lines.push("", "评估备注：", "", base.fence(ev.record.notes));
      }
    } else {
      lines.push(UNSET);
    }
    lines.push(
      "",
      "## 复盘时回答",
      "",
      "1. 本来期望发生什么？",
      "2. 实际发生了什么？",
      "3. 为什么有差异？",
      "4. 下次怎么做？（改哪一页、哪个角色负责、哪天完成）",
      ""
    );
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

  // ------------------------------------------------------------------ 自测题：纯逻辑

  const QUIZ_SCHEMA = 1;
  const QUIZ_PREFIX = "handbook:quiz:v1:";

  function parseAnswer(text) {
    return String(text || "")
      .split(",")
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
  }

  /** 选的和正确答案完全一致才算对（多选题少选、多选都算错）。 */
  function grade(correct, chosen) {
    const a = (correct || []).slice().sort();
    const b = (chosen || []).slice().sort();
    return a.length > 0 && a.length === b.length && a.every((x, i) => x === b[i]);
  }

  /** 题目指纹：题干、选项和答案变了，旧的作答就作废。 */
  function fingerprint(question, options, answer) {
    return base.fnv1a(base.normaliseText([question].concat(options || [], ["=" + (answer || []).join(",")]).join("\u0001")));
  }

  function emptyQuiz() {
    return { v: QUIZ_SCHEMA, answers: {}, updated: null };
  }

  function parseQuiz(raw) {
    if (raw === null || raw === undefined) return { status: "empty", state: emptyQuiz() };
    let data;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      return { status: "corrupt", state: emptyQuiz() };
    }
    if (!isObject(data) || data.v !== QUIZ_SCHEMA || !isObject(data.answers)) {
      return { status: "corrupt", state: emptyQuiz() };
    }
    const state = emptyQuiz();
    Object.keys(data.answers).forEach(function (id) {
      const a = data.answers[id];
      if (!isObject(a) || !Array.isArray(a.chosen) || typeof a.fp !== "string") return;
      const chosen = a.chosen.filter((x) => typeof x === "string" && /^[A-F]$/.test(x));
      if (!chosen.length) return;
      state.answers[id] = { chosen: chosen, fp: a.fp, at: validTime(a.at) ? a.at : null };
    });
    state.updated = validTime(data.updated) ? data.updated : null;
    return { status: "ok", state: state };
  }

  /** 记下一题的作答；已经作答过的不覆盖（按第一次提交计分）。 */
  function answerQuestion(state, id, chosen, fp, now) {
    const existing = state.answers[id];
    if (existing && existing.fp === fp) return state;
    const next = { v: QUIZ_SCHEMA, answers: Object.assign({}, state.answers), updated: iso(now) };
    next.answers[id] = { chosen: chosen.slice().sort(), fp: fp, at: iso(now) };
    return next;
  }

  /** questions: [{id, answer: [...], fp}]。只计指纹仍然一致的作答。 */
  function scoreQuiz(state, questions) {
    let answered = 0;
    let right = 0;
    questions.forEach(function (q) {
      const a = state.answers[q.id];
      if (!a || a.fp !== q.fp) return;
      answered += 1;
      if (grade(q.answer, a.chosen)) right += 1;
    });
    return { answered: answered, correct: right, total: questions.length };
  }

  function scoreText(score) {
    return "已答 " + score.answered + " 题，共 " + score.total + " 题；答对 " + score.correct + " 题";
  }

  const core = {
    DRILL_SCHEMA: DRILL_SCHEMA,
    STATUS: STATUS,
    TYPES: TYPES,
    formatOffset: formatOffset,
    emptyRun: emptyRun,
    sanitizeRun: sanitizeRun,
    parseRun: parseRun,
    elapsedMs: elapsedMs,
    start: start,
    pause: pause,
    resume: resume,
    finish: finish,
    dueInjects: dueInjects,
    reveal: reveal,
    observe: observe,
    nextInject: nextInject,
    sortedEntries: sortedEntries,
    buildLog: buildLog,
    toMarkdown: drillMarkdown,
    toJSON: drillJSON,
    fileName: drillFileName,
    parseAnswer: parseAnswer,
    grade: grade,
    fingerprint: fingerprint,
    emptyQuiz: emptyQuiz,
    parseQuiz: parseQuiz,
    answerQuestion: answerQuestion,
    scoreQuiz: scoreQuiz,
    scoreText: scoreText,
  };

  if (inNode) module.exports = core;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookDrills && global.HandbookDrills.core) return; // 已加载过

  // ------------------------------------------------------------------ 浏览器部分

  const engine = global.HandbookChecklist;
  if (!engine || !engine.store || !base) {
    if (window.console) console.error("演练控制台和自测题需要先加载 checklist.js（window.HandbookChecklist）");
    return;
  }
  const store = engine.store;

  /** 时钟：测试可以换掉它；Playwright 的 page.clock 也会接管 Date.now 和 setInterval。 */
  const clock = {
    now: function () {
      return Date.now();
    },
    every: function (interval, fn) {
      const id = setInterval(fn, interval);
      return function () {
        clearInterval(id);
      };
    },
  };

  const WARN_UNAVAILABLE = "这个浏览器不允许本页保存数据（例如隐私模式，或存储空间已满）。记录只保留到关闭或刷新本页为止，请及时导出。";
  const WARN_CORRUPT_DRILL = "本机保存的演练记录已损坏，无法读取。已另存一份原始数据，控制台从空白开始。";
  const WARN_CORRUPT_QUIZ = "本机保存的作答记录已损坏，无法读取。已另存一份原始数据，这一组从头开始计分。";

  let counter = 0;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, handler, extra) {
    const node = el("button", { type: "button", className: "md-button" + (extra ? " " + extra : "") }, label);
    node.addEventListener("click", handler);
    return node;
  }

  function pageTitle() {
    const heading = document.querySelector(".md-content h1") || document.querySelector("h1");
    if (heading) {
      const copy = heading.cloneNode(true);
      copy.querySelectorAll(".headerlink").forEach((n) => n.remove());
      const text = base.collapse(copy.textContent);
      if (text) return text;
    }
    return base.collapse(document.title);
  }

  function backup(key, raw) {
    try {
      store.write(key.replace(/:v1:/, ":backup:"), raw);
    } catch (err) {
      // 备份写不进去也不影响使用
    }
  }

  // ---- 演练控制台

  class DrillConsole {
    constructor(root, data) {
      this.root = root;
      this.uid = "hbd" + ++counter;
      this.data = data;
      this.byId = Object.create(null);
      data.scenarios.forEach((s) => {
        this.byId[s.id] = s;
      });
      this.page = engine.pageId();
      this.key = DRILL_PREFIX + this.page;
      this.corrupt = false;
      this.run = this.load();
      this.build();
      this.render();
      this.stop = clock.every(1000, () => this.tick());
      root.classList.add("hb-drill--ready");
    }

    scenario() {
      return this.byId[this.run.scenario] || this.data.scenarios[0];
    }

    /** 读取保存的演练；损坏的、或场景已不在场景库里的，另存一份后从空白开始。 */
    load() {
      const raw = store.read(this.key);
      const parsed = parseRun(raw);
      const first = this.data.scenarios[0].id;
      if (parsed.status === "corrupt") {
        backup(this.key, raw);
        store.remove(this.key);
        this.corrupt = true;
        return emptyRun(first);
      }
      if (!this.byId[parsed.run.scenario]) {
        if (parsed.run.entries.length) {
          backup(this.key, raw);
          this.corrupt = true;
        }
        store.remove(this.key);
        return emptyRun(first);
      }
      return parsed.run;
    }

    save() {
      store.write(this.key, JSON.stringify(this.run));
    }

    update(next) {
      if (next === this.run) return;
      this.run = next;
      this.save();
      this.render();
    }

    build() {
      const uid = this.uid;
      const root = this.root;
      const nojs = root.querySelector(".hb-drill__nojs");
      if (nojs) nojs.hidden = true;
      this.aborted = root.querySelector(".hb-drill__aborted");

      const setup = el("div", { className: "hb-drill__setup" });
      setup.appendChild(el("label", { for: uid + "-scenario" }, "演练场景"));
      this.select = el("select", { id: uid + "-scenario", name: "scenario" });
      this.data.scenarios.forEach((s) => {
        this.select.appendChild(el("option", { value: s.id }, s.title + "（" + s.duration + " 分钟）"));
      });
      this.select.addEventListener("change", () => this.choose(this.select.value));
      setup.appendChild(this.select);
      root.appendChild(setup);

      const status = el("div", { className: "hb-drill__status" });
      this.clockText = el("span", { className: "hb-drill__clock", role: "timer", "aria-live": "off",
        "aria-label": "演练时间" }, formatOffset(0));
      this.stateText = el("span", { className: "hb-drill__state" });
      this.nextText = el("span", { className: "hb-drill__next" });
      status.appendChild(this.clockText);
      status.appendChild(this.stateText);
      status.appendChild(this.nextText);
      root.appendChild(status);

      const controls = el("div", { className: "hb-drill__controls" });
      this.startButton = button("开始演练", () => {
        const now = clock.now();
        this.update(reveal(start(this.run, this.select.value, now), this.byId[this.select.value].injects, now));
      }, "md-button--primary hb-drill__start");
      this.pauseButton = button("暂停", () => this.update(pause(this.run, clock.now())), "hb-drill__pause");
      this.resumeButton = button("继续", () => this.update(resume(this.run, clock.now())), "hb-drill__resume");
      this.endButton = button("结束演练", () => this.update(finish(this.run, clock.now(), "ended")), "hb-drill__end");
      this.stopButton = button("停止演练（暗号：" + this.data.code_word + "）", () => this.abort(), "hb-drill__stop");
      [this.startButton, this.pauseButton, this.resumeButton, this.endButton, this.stopButton].forEach((b) =>
        controls.appendChild(b));
      root.appendChild(controls);
      if (this.aborted) {
        this.aborted.setAttribute("tabindex", "-1");
        root.appendChild(this.aborted);
      }

      const notes = el("label", { className: "hb-drill__notes-toggle" });
      this.notesBox = el("input", { type: "checkbox" });
      this.notesBox.addEventListener("change", () => this.render());
      notes.appendChild(this.notesBox);
      notes.appendChild(document.createTextNode(" 显示主持人备注（期待的处置）"));
      root.appendChild(notes);

      this.warning = el("p", { className: "hb-drill__warning", role: "alert", hidden: "" });
      root.appendChild(this.warning);

      root.appendChild(el("p", { className: "hb-drill__heading", id: uid + "-injects" }, "情况注入"));
      this.injectList = el("ol", { className: "hb-drill__injects", "aria-labelledby": uid + "-injects" });
      root.appendChild(this.injectList);
      this.announce = el("p", { className: "hb-drill__announce", role: "status", "aria-live": "polite" });
      root.appendChild(this.announce);

      const form = el("form", { className: "hb-drill__observe" });
      form.appendChild(el("p", { className: "hb-drill__heading" }, "观察记录"));
      const row = el("div", { className: "hb-drill__observe-row" });
      row.appendChild(el("label", { for: uid + "-role" }, "角色"));
      this.roleSelect = el("select", { id: uid + "-role", name: "role" });
      this.data.roles.forEach((r) => this.roleSelect.appendChild(el("option", { value: r }, r)));
      row.appendChild(this.roleSelect);
      row.appendChild(el("label", { for: uid + "-text" }, "观察"));
      this.observeText = el("input", { id: uid + "-text", name: "observation", type: "text", autocomplete: "off",
        placeholder: "看到了什么，写一句话" });
      row.appendChild(this.observeText);
      this.observeButton = el("button", { type: "submit", className: "md-button hb-drill__record" }, "记录");
      row.appendChild(this.observeButton);
      form.appendChild(row);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = this.observeText.value;
        if (!base.collapse(text)) return;
        this.update(observe(this.run, this.roleSelect.value, text, clock.now()));
        this.observeText.value = "";
        this.observeText.focus();
      });
      root.appendChild(form);

      root.appendChild(el("p", { className: "hb-drill__heading", id: uid + "-log" }, "演练记录"));
      this.logList = el("ol", { className: "hb-drill__log", "aria-labelledby": uid + "-log" });
      root.appendChild(this.logList);

      const exports = el("div", { className: "hb-drill__exports" });
      exports.appendChild(button("导出 Markdown", () => this.export("md")));
      exports.appendChild(button("导出 JSON", () => this.export("json")));
      exports.appendChild(button("清空记录", () => this.clear(), "hb-drill__clear"));
      root.appendChild(exports);
    }

    choose(id) {
      if (this.run.status !== "ready" || !this.byId[id]) return;
      this.run = emptyRun(id);
      this.save();
      this.render();
    }

    abort() {
      this.update(finish(this.run, clock.now(), "code_word", this.data.code_word));
      if (this.aborted) this.aborted.focus();
    }

    clear() {
      const message = "清空本机保存的演练记录？清空后不能恢复；需要留档的，请先取消并导出。";
      if (this.run.entries.length && !window.confirm(message)) return;
      const scenario = this.run.scenario;
      store.remove(this.key);
      this.run = emptyRun(scenario);
      this.corrupt = false;
      this.announce.textContent = "演练记录已清空。";
      this.render();
    }

    tick() {
      if (!this.root.isConnected) {
        this.stop();
        return;
      }
      if (this.run.status === "running") {
        const before = this.run.shown.length;
        const next = reveal(this.run, this.scenario().injects, clock.now());
        if (next !== this.run) {
          this.update(next);
          const fresh = next.entries.slice(-(next.shown.length - before));
          this.announce.textContent = "新的情况注入：" + fresh.map((e) =>
            formatOffset(e.offset_ms) + "，" + e.role + "：" + e.text).join("；");
          return;
        }
      }
      this.renderClock();
    }

    reload() {
      store.forget(this.key);
      this.run = this.load();
      this.render();
    }

    renderClock() {
      const now = clock.now();
      this.clockText.textContent = formatOffset(elapsedMs(this.run, now));
      const next = isActive(this.run) ? nextInject(this.run, this.scenario().injects, now) : null;
      if (next) {
        this.nextText.textContent = "下一条情况注入：" + formatOffset(next.at * 60000) + "（还有 " +
          formatOffset(next.remaining_ms).slice(2) + "）";
      } else if (isActive(this.run)) {
        this.nextText.textContent = "情况注入已全部出现";
      } else {
        this.nextText.textContent = "";
      }
    }

    render() {
      const run = this.run;
      const sc = this.scenario();
      const status = run.status;
      this.root.setAttribute("data-status", status);
      this.select.value = sc.id;
      this.select.disabled = status !== "ready";
      this.stateText.textContent = STATUS[status];
      this.startButton.hidden = status !== "ready";
      this.pauseButton.hidden = status !== "running";
      this.resumeButton.hidden = status !== "paused";
      this.endButton.hidden = !isActive(run);
      this.stopButton.hidden = !isActive(run);
      this.observeButton.disabled = status === "ready";
      this.observeText.disabled = status === "ready";
      if (this.aborted) this.aborted.hidden = status !== "aborted";

      // 情况注入：按出现的先后（即预定时间）列出
      this.injectList.textContent = "";
      const injects = sc.injects;
      run.shown.slice().sort((a, b) => a - b).forEach((index) => {
        const inject = injects[index];
        if (!inject) return;
        const li = el("li", { className: "hb-drill__inject", "data-inject": String(index) });
        const head = el("p", { className: "hb-drill__inject-head" });
        head.appendChild(el("span", { className: "hb-drill__offset" }, formatOffset(inject.at * 60000)));
        head.appendChild(document.createTextNode(" " + inject.from + (inject.to ? " → " + inject.to : "")));
        li.appendChild(head);
        li.appendChild(el("p", { className: "hb-drill__inject-text" }, inject.text));
        if (this.notesBox.checked && inject.expect) {
          li.appendChild(el("p", { className: "hb-drill__expect" }, "期待的处置：" + inject.expect));
        }
        this.injectList.appendChild(li);
      });
      if (!run.shown.length) {
        this.injectList.appendChild(el("li", { className: "hb-drill__empty" },
          status === "ready" ? "开始演练后，情况注入会按时间出现在这里。" : "还没有到第一条情况注入的时间。"));
      }

      // 记录：按演练时间排列
      this.logList.textContent = "";
      sortedEntries(run).forEach((e) => {
        const li = el("li", { className: "hb-drill__entry hb-drill__entry--" + e.type });
        li.appendChild(el("span", { className: "hb-drill__offset" }, formatOffset(e.offset_ms)));
        li.appendChild(el("time", { className: "hb-drill__at", datetime: base.toLocalIso(e.at) }, clockTime(e.at)));
        li.appendChild(el("span", { className: "hb-drill__type" }, TYPES[e.type]));
        if (e.role) li.appendChild(el("span", { className: "hb-drill__role" }, e.role));
        li.appendChild(el("span", { className: "hb-drill__text" }, e.text));
        this.logList.appendChild(li);
      });
      if (!run.entries.length) this.logList.appendChild(el("li", { className: "hb-drill__empty" }, "还没有记录。"));

      // 只显示所选场景的评估检查单
      document.querySelectorAll(".hb-drill-eval[data-drill-eval]").forEach((node) => {
        node.hidden = node.getAttribute("data-drill-eval") !== sc.id;
      });

      const messages = [];
      if (!store.persistent) messages.push(WARN_UNAVAILABLE);
      if (this.corrupt) messages.push(WARN_CORRUPT_DRILL);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
      this.renderClock();
    }

    evaluation() {
      const id = "eval-" + this.run.scenario;
      const found = engine.instances().filter((instance) => instance.id === id)[0];
      return found ? found.record() : null;
    }

    log() {
      return buildLog({
        run: this.run,
        scenario: this.scenario(),
        page: { path: this.page, title: pageTitle(), url: location.href.split("#")[0] },
        evaluation: this.evaluation(),
        now: clock.now(),
      });
    }

    export(kind) {
      const log = this.log();
      if (kind === "md") engine.download(drillFileName(log, "md"), drillMarkdown(log), "text/markdown");
      else engine.download(drillFileName(log, "json"), drillJSON(log), "application/json");
    }
  }

  // ---- 自测题

  class Quiz {
    constructor(root, registry) {
      this.root = root;
      this.registry = registry;
      this.uid = "hbq" + ++counter;
      this.id = root.getAttribute("data-quiz") || "quiz" + counter;
      this.title = base.collapse(root.getAttribute("data-title")) || this.id;
      this.key = QUIZ_PREFIX + engine.pageId() + ":" + this.id;
      this.corrupt = false;
      this.questions = Array.prototype.slice.call(root.querySelectorAll(".hb-quiz__question"))
        .map((node) => this.enhanceQuestion(node));
      this.buildHeader();
      this.state = this.load();
      this.render();
      root.classList.add("hb-quiz--ready");
    }

    load() {
      const raw = store.read(this.key);
      const parsed = parseQuiz(raw);
      if (parsed.status === "corrupt") {
        backup(this.key, raw);
        store.remove(this.key);
        this.corrupt = true;
      }
      return parsed.state;
    }

    save() {
      store.write(this.key, JSON.stringify(this.state));
    }

    enhanceQuestion(node) {
      const id = node.getAttribute("data-question");
      const type = node.getAttribute("data-type") === "multi" ? "multi" : "single";
      const answer = parseAnswer(node.getAttribute("data-answer"));
      const stem = node.querySelector(".hb-quiz__stem");
      let stemText = id;
      if (stem) {
        // 指纹只看题干文字，不看题号和“（单选）”，调整题目顺序不影响已有的作答
        const copy = stem.cloneNode(true);
        copy.querySelectorAll(".hb-quiz__number, .hb-quiz__kind").forEach((n) => n.remove());
        stemText = base.collapse(copy.textContent);
      }
      const options = [];
      const inputs = [];
      const name = this.uid + "-" + id;
      const fieldset = el("fieldset", { className: "hb-quiz__fieldset" });
      if (stem) {
        const legend = el("legend", { className: "hb-quiz__legend" });
        while (stem.firstChild) legend.appendChild(stem.firstChild);
        fieldset.appendChild(legend);
        stem.replaceWith(fieldset);
      } else {
        node.insertBefore(fieldset, node.firstChild);
      }
      const list = node.querySelector(".hb-quiz__options");
      if (list) fieldset.appendChild(list);
      node.querySelectorAll("li[data-option]").forEach((li) => {
        const letter = li.getAttribute("data-option");
        const text = base.collapse(li.textContent);
        options.push(text);
        const input = el("input", { type: type === "multi" ? "checkbox" : "radio", name: name, value: letter,
          id: name + "-" + letter });
        const label = el("label", { for: input.id, className: "hb-quiz__label" });
        label.appendChild(el("span", { className: "hb-quiz__letter" }, letter + ". "));
        while (li.firstChild) label.appendChild(li.firstChild);
        const mark = el("span", { className: "hb-quiz__mark" });
        label.appendChild(mark);
        li.appendChild(input);
        li.appendChild(label);
        if (answer.indexOf(letter) !== -1) li.setAttribute("data-correct", "");
        inputs.push({ li: li, input: input, letter: letter, mark: mark });
      });
      const actions = el("div", { className: "hb-quiz__actions" });
      const submit = button("提交", () => this.submit(question), "hb-quiz__submit");
      actions.appendChild(submit);
      const feedback = el("p", { className: "hb-quiz__feedback", role: "status", "aria-live": "polite" });
      actions.appendChild(feedback);
      fieldset.after(actions);
      const details = node.querySelector("details.hb-quiz__answer");
      const question = {
        node: node, id: id, type: type, answer: answer, inputs: inputs, submit: submit, feedback: feedback,
        details: details, fp: fingerprint(stemText, options, answer),
      };
      return question;
    }

    buildHeader() {
      const head = el("div", { className: "hb-quiz__head" });
      this.scoreText = el("p", { className: "hb-quiz__score", role: "status", "aria-live": "polite" });
      head.appendChild(this.scoreText);
      head.appendChild(button("重做本组", () => this.reset(), "hb-quiz__reset"));
      this.warning = el("p", { className: "hb-quiz__warning", role: "alert", hidden: "" });
      head.appendChild(this.warning);
      const meta = this.root.querySelector(".hb-quiz__meta");
      if (meta) meta.after(head);
      else this.root.insertBefore(head, this.root.firstChild);
    }

    submit(question) {
      const chosen = question.inputs.filter((o) => o.input.checked).map((o) => o.letter);
      if (!chosen.length) {
        question.feedback.textContent = question.type === "multi" ? "请先选择答案（可以选多个）。" : "请先选择一个答案。";
        return;
      }
      const fresh = parseQuiz(store.read(this.key));
      if (fresh.status === "ok") this.state = fresh.state;
      this.state = answerQuestion(this.state, question.id, chosen, question.fp, clock.now());
      this.save();
      this.render(question);
    }

    reset() {
      store.remove(this.key);
      this.state = emptyQuiz();
      this.corrupt = false;
      this.questions.forEach((q) => {
        q.inputs.forEach((o) => {
          o.input.checked = false;
        });
      });
      this.render();
      this.scoreText.textContent = "已清空本组作答。" + this.scoreText.textContent;
    }

    score() {
      return scoreQuiz(this.state, this.questions);
    }

    render(focus) {
      const reveal = document.body.classList.contains("hb-quiz-reveal");
      this.questions.forEach((q) => {
        const saved = this.state.answers[q.id];
        const answered = !!saved && saved.fp === q.fp;
        const right = answered && grade(q.answer, saved.chosen);
        q.node.classList.toggle("hb-quiz__question--answered", answered);
        q.node.classList.toggle("hb-quiz__question--right", right);
        q.node.classList.toggle("hb-quiz__question--wrong", answered && !right);
        q.inputs.forEach((o) => {
          const chosen = answered && saved.chosen.indexOf(o.letter) !== -1;
          const correct = q.answer.indexOf(o.letter) !== -1;
          if (answered) o.input.checked = chosen;
          o.input.disabled = answered;
          o.li.classList.toggle("hb-quiz__option--chosen", chosen);
          o.li.classList.toggle("hb-quiz__option--correct", (answered || reveal) && correct);
          o.li.classList.toggle("hb-quiz__option--wrong", chosen && !correct);
          let mark = "";
          if ((answered || reveal) && correct) mark = "（正确答案）";
          else if (chosen) mark = "（你的选择）";
          if (chosen && correct) mark = "（你的选择，正确）";
          o.mark.textContent = mark;
        });
        q.submit.hidden = answered;
        if (answered) {
          q.feedback.textContent = right ? "回答正确。" : "回答错误。正确答案是 " + q.answer.join("、") + "。";
        } else if (q.feedback.textContent.indexOf("请先") !== 0) {
          q.feedback.textContent = "";
        }
        if (q.details) {
          q.details.hidden = !(answered || reveal);
          if (answered && focus === q) q.details.open = true;
          if (answered && !q.details.hasAttribute("data-seen")) {
            q.details.open = true;
            q.details.setAttribute("data-seen", "");
          }
          if (reveal) q.details.open = true;
        }
      });
      this.scoreText.textContent = this.title + "：" + scoreText(this.score());
      const messages = [];
      if (!store.persistent) messages.push(WARN_UNAVAILABLE.replace("记录", "作答"));
      if (this.corrupt) messages.push(WARN_CORRUPT_QUIZ);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
      if (this.registry) this.registry.refresh();
    }
  }

  // ---- 自测题页面的工具栏：总分、显示答案、打印

  class QuizToolbar {
    constructor(root) {
      this.root = root;
      this.quizzes = [];
      // 即时导航换页时 body 不变：上一页留下的“显示答案”状态要清掉
      document.body.classList.remove("hb-quiz-reveal", "hb-quiz-print");
      root.textContent = "";
      this.total = el("p", { className: "hb-quiz-toolbar__total", role: "status", "aria-live": "polite" });
      root.appendChild(this.total);
      const actions = el("div", { className: "hb-quiz-toolbar__actions" });
      this.toggle = button("显示全部答案", () => this.setReveal(!document.body.classList.contains("hb-quiz-reveal")),
        "hb-quiz-toolbar__reveal");
      this.toggle.setAttribute("aria-pressed", "false");
      actions.appendChild(this.toggle);
      actions.appendChild(button("打印题目和答案", () => this.print(), "hb-quiz-toolbar__print"));
      root.appendChild(actions);
      root.classList.add("hb-quiz-toolbar--ready");
    }

    refresh() {
      const sum = { answered: 0, correct: 0, total: 0 };
      this.quizzes.forEach((q) => {
        const s = q.score();
        sum.answered += s.answered;
        sum.correct += s.correct;
        sum.total += s.total;
      });
      this.total.textContent = "全部题组：" + scoreText(sum);
    }

    setReveal(on) {
      document.body.classList.toggle("hb-quiz-reveal", on);
      this.toggle.setAttribute("aria-pressed", on ? "true" : "false");
      this.toggle.textContent = on ? "隐藏未作答题目的答案" : "显示全部答案";
      this.quizzes.forEach((q) => {
        if (!on) {
          q.questions.forEach((question) => {
            if (question.details) question.details.open = false;
          });
        }
        q.render();
      });
    }

    print() {
      const was = document.body.classList.contains("hb-quiz-reveal");
      const opened = this.quizzes.map((q) => q.questions.map((question) => question.details && question.details.open));
      document.body.classList.add("hb-quiz-print");
      this.setReveal(true);
      const done = () => {
        window.removeEventListener("afterprint", done);
        document.body.classList.remove("hb-quiz-print");
        this.setReveal(was);
        this.quizzes.forEach((q, i) => q.questions.forEach((question, j) => {
          if (question.details) question.details.open = !!opened[i][j] || was;
        }));
      };
      window.addEventListener("afterprint", done);
      window.print();
      done();
    }
  }

  let consoles = [];
  let quizzes = [];

  function readData(root) {
    try {
      const data = JSON.parse(root.getAttribute("data-drill") || "null");
      return data && Array.isArray(data.scenarios) && data.scenarios.length ? data : null;
    } catch (err) {
      return null;
    }
  }

  function enhance(scope) {
    const where = scope || document;
    consoles = consoles.filter((c) => c.root.isConnected);
    quizzes = quizzes.filter((q) => q.root.isConnected);
    where.querySelectorAll(".hb-drill[data-drill-console]:not([data-hb-drill-ready])").forEach((root) => {
      root.setAttribute("data-hb-drill-ready", "");
      const data = readData(root);
      if (!data) {
        if (window.console) console.error("演练控制台缺少场景数据（data-drill 属性）");
        return;
      }
      try {
        consoles.push(new DrillConsole(root, data));
      } catch (err) {
        if (window.console) console.error("演练控制台初始化失败：", err);
      }
    });
    const toolbarRoot = where.querySelector("[data-quiz-toolbar]:not([data-hb-quiz-ready])");
    let toolbar = null;
    if (toolbarRoot) {
      toolbarRoot.setAttribute("data-hb-quiz-ready", "");
      toolbar = new QuizToolbar(toolbarRoot);
    }
    const fresh = [];
    where.querySelectorAll(".hb-quiz[data-quiz]:not([data-hb-quiz-ready])").forEach((root) => {
      root.setAttribute("data-hb-quiz-ready", "");
      try {
        const quiz = new Quiz(root, null);
        fresh.push(quiz);
        quizzes.push(quiz);
      } catch (err) {
        if (window.console) console.error("自测题初始化失败：", err);
      }
    });
    if (toolbar) {
      toolbar.quizzes = fresh;
      fresh.forEach((q) => {
        q.registry = toolbar;
      });
      toolbar.refresh();
    }
  }

  window.addEventListener("storage", function (event) {
    consoles.filter((c) => c.root.isConnected).forEach((c) => {
      if (event.key === null || event.key === c.key) c.reload();
    });
    quizzes.filter((q) => q.root.isConnected).forEach((q) => {
      if (event.key === null || event.key === q.key) {
        store.forget(q.key);
        q.state = q.load();
        q.render();
      }
    });
  });
  store.onStatus(function () {
    consoles.forEach((c) => c.render());
    quizzes.forEach((q) => q.render());
  });

  global.HandbookDrills = {
    core: core,
    clock: clock,
    enhance: enhance,
    consoles: function () {
      return consoles.filter((c) => c.root.isConnected);
    },
    quizzes: function () {
      return quizzes.filter((q) => q.root.isConnected);
    },
  };

  if (typeof global.document$ !== "undefined" && global.document$ && typeof global.document$.subscribe === "function") {
    global.document$.subscribe(function () {
      enhance(document);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhance(document);
    });
  } else {
    enhance(document);
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
