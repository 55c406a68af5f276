/*
 * 合并多台设备导出的记录（纯逻辑，没有 DOM，可在 Node 中测试）：读入文件、认出格式、合并成一条按时间排列、
 * 去掉重复的时间线，标出每条来自哪台设备或哪个人；同一检查单条目的勾选不一致时按时间以较晚的为准，并列出冲突。
 * 导出合并后的 JSON（data/schemas/merged-timeline.schema.json）和复盘初稿 Markdown。
 * 浏览器中挂在 window.HandbookRecordMerge 上；Node 中 require 本文件得到。
 *
 * 认得的文件（各自的 format 与 schema）：
 *   handbook-incident-record 第 1 版（incident-state.js）
 *   handbook-checklist-record 第 2 版（checklist-state.js），一份或一页的一组：{checklists: [检查单记录…]}
 *   handbook-drill-log 第 1 版（drill-run.js）
 *   handbook-quiz…（自测成绩单）：认得，但不属于时间线，跳过并说明
 */
(function (global) {
  "use strict";

  const node = typeof module !== "undefined" && module.exports;
  const H = node ? require("./core.js") : global.HandbookCore;
  const S = node ? require("./incident-state.js") : global.HandbookIncidentState;

  const SCHEMA = 1;
  const FORMAT = "handbook-merged-timeline";
  const MAX_MB = 5;
  const SUPPORTED = { incident: 1, checklist: 2, drill: 1 };
  const FORMATS = { "handbook-incident-record": "incident", "handbook-checklist-record": "checklist",
    "handbook-drill-log": "drill" };

  const fill = S.fill;

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function str(value) {
    return typeof value === "string" ? value : "";
  }

  /** 出错：problem 是 widget_text.yml 的 incident.merge.problems 里的键。 */
  function fail(problem, values) {
    const err = new Error(problem);
    err.problem = problem;
    err.values = values || {};
    return err;
  }

  function kindOf(data) {
    if (!isObject(data)) throw fail("not_object");
    const format = str(data.format);
    // 自测成绩单用 kind 标明格式（quiz-slip.js），其他导出用 format
    if (/^handbook-quiz/.test(format) || /^handbook-quiz/.test(str(data.kind))) return "quiz";
    if (FORMATS[format]) return FORMATS[format];
    if (Array.isArray(data.checklists)) return "bundle";
    throw fail("foreign");
  }

  function checkSchema(data, kind) {
    if (data.schema !== SUPPORTED[kind]) {
      throw fail("schema", { schema: String(data.schema), kind: kind, supported: SUPPORTED[kind] });
    }
  }

  /** 文件里写明的设备：{id, who} 或字符串；都没有时用 fallback。 */
  function deviceOf(data, fallback) {
    const d = data.device;
    if (isObject(d)) return str(d.who) || str(d.name) || str(d.id) || fallback;
    return str(d) || fallback;
  }

  function broken(detail) {
    return fail("broken", { detail: detail });
  }

  // ------------------------------------------------------------------ 读入

  function readIncident(data, file) {
    checkSchema(data, "incident");
    const incident = S.sanitizeIncident(data.incident);
    if (!incident) throw broken("incident");
    const device = isObject(data.device) ? str(data.device.id) : "";
    const label = deviceOf(data, file);
    return {
      kind: "incident", file: file, label: label, device: device, incident: incident,
      entries: incident.entries.map((e) => {
        return { key: "incident:" + e.id, at: e.at, kind: e.kind, text: e.text,
          origin: { file: file, device: e.device || device, who: e.who || label } };
      }),
      ticks: [],
    };
  }

  function readChecklist(data, file, text, label) {
    checkSchema(data, "checklist");
    if (!Array.isArray(data.items) || !isObject(data.page) || typeof data.checklist !== "string") {
      throw broken("items / page / checklist");
    }
    const who = (isObject(data.record) && str(data.record.operator)) || label || deviceOf(data, file);
    const exported = H.isTime(data.exported_at) ? data.exported_at : null;
    const entries = [];
    const ticks = [];
    const ck = str(data.page.path) + "#" + data.checklist;
    data.items.forEach((item) => {
      if (!isObject(item) || typeof item.id !== "string") return;
      const origin = { file: file, device: deviceOf(data, ""), who: who };
      const at = item.checked && H.isTime(item.checked_at) ? item.checked_at : exported;
      if (item.checked && H.isTime(item.checked_at)) {
        entries.push({ key: "tick:" + ck + ":" + item.id + ":" + Date.parse(item.checked_at), at: item.checked_at,
          kind: "tick", text: fill(text.tick_text, { checklist: str(data.title), item: str(item.text) }), origin: origin });
      }
      if (at) {
        ticks.push({ key: ck + ":" + item.id, checklist: str(data.title), page: str(data.page.path), id: data.checklist,
          item: item.id, text: str(item.text), checked: !!item.checked, at: at, origin: origin });
      }
    });
    return { entries: entries, ticks: ticks, who: who };
  }

  function readChecklists(data, file, text, kind) {
    const list = kind === "bundle" ? data.checklists : [data];
    if (!list.length) throw broken("checklists");
    const out = { kind: "checklist", file: file, label: deviceOf(data, file), entries: [], ticks: [] };
    list.forEach((one, i) => {
      if (!isObject(one) || one.format !== "handbook-checklist-record") throw broken("checklists[" + i + "]");
      const got = readChecklist(one, file, text, kind === "bundle" ? deviceOf(data, "") : "");
      out.entries = out.entries.concat(got.entries);
      out.ticks = out.ticks.concat(got.ticks);
      if (kind !== "bundle") out.label = got.who || out.label;
    });
    return out;
  }

  function readDrill(data, file, text) {
    checkSchema(data, "drill");
    if (!Array.isArray(data.entries) || !isObject(data.scenario)) throw broken("entries / scenario");
    const label = deviceOf(data, file);
    const scenario = str(data.scenario.id);
    const entries = [];
    data.entries.forEach((e) => {
      if (!isObject(e) || !H.isTime(e.at) || typeof e.text !== "string") return;
      const who = e.to ? str(e.role) + " → " + str(e.to) : str(e.role);
      // 同一条情景注入在每台设备上出现的时刻不同，演练时间相同：按演练时间去重
      const key = e.type === "inject"
        ? "inject:" + scenario + ":" + e.offset_seconds + ":" + e.text
        : "drill:" + scenario + ":" + Date.parse(e.at) + ":" + e.type + ":" + str(e.role) + ":" + e.text;
      entries.push({ key: key, at: e.at, kind: str(e.type) || "drill", offset: str(e.offset),
        text: fill(text.drill_text, { type: str(e.type_label) || str(e.type), text: e.text }),
        origin: { file: file, device: label, who: who || label } });
    });
    const out = { kind: "drill", file: file, label: label, entries: entries, ticks: [], scenario: data.scenario,
      started_at: str(data.started_at), ended_at: str(data.ended_at), elapsed: str(data.elapsed) };
    if (isObject(data.evaluation) && data.evaluation.format === "handbook-checklist-record") {
      const ev = readChecklist(data.evaluation, file, text, label);
      out.entries = out.entries.concat(ev.entries);
      out.ticks = ev.ticks;
    }
    return out;
  }

  /**
   * 读一个文件的文字：返回 {source} 或 {skipped: "quiz"}；认不出、坏了时抛出带 problem 的错误
   * （用 problemText 换成给人看的一句话）。text 是 widget_text.yml 的 incident.merge 一节。
   */
  function readFile(file, raw, text) {
    if (typeof raw !== "string") throw fail("unreadable");
    if (raw.length > MAX_MB * 1024 * 1024) throw fail("too_big", { limit: MAX_MB });
    let data;
    try {
      data = JSON.parse(raw.replace(/^\uFEFF/, ""));
    } catch (err) {
      throw fail("not_json");
    }
    const kind = kindOf(data);
    if (kind === "quiz") return { skipped: "quiz" };
    let source;
    if (kind === "incident") source = readIncident(data, file);
    else if (kind === "drill") source = readDrill(data, file, text);
    else source = readChecklists(data, file, text, kind);
    source.schema = kind === "bundle" ? SUPPORTED.checklist : data.schema;
    source.format = kind === "bundle" ? "handbook-checklist-record" : data.format;
    source.fingerprint = H.fnv1a(raw);
    return { source: source };
  }

  /** 错误的说明：“文件名”没有导入：原因。 */
  function problemText(file, err, text) {
    const problems = text.problems || {};
    const values = Object.assign({}, err.values || {});
    if (values.kind) values.kind = (text.kinds || {})[values.kind] || values.kind;
    const problem = problems[err.problem] ? fill(problems[err.problem], values) : problems.unreadable;
    return fill(text.error, { file: file, problem: problem });
  }

  /** 本设备当前的记录当作一份来源（不必先导出再导入）。 */
  function localSource(incident, device, label) {
    const rec = { format: S.FORMAT, schema: S.SCHEMA, device: device, incident: incident };
    return Object.assign(readIncident(rec, label), { format: S.FORMAT, schema: S.SCHEMA });
  }

  // ------------------------------------------------------------------ 合并

  function originLabel(o) {
    return o.who && o.device && o.who !== o.device ? o.who + " · " + o.device : o.who || o.device || o.file;
  }

  /**
   * 合并：sources 是 readFile 得到的来源。返回
   * {kind: "incident"|"drill", entries: [{key, at, kind, text, offset?, origins: [...]}], conflicts, checklists,
   *  incident, drill, sources}
   */
  function merge(sources) {
    const byKey = Object.create(null);
    const order = [];
    sources.forEach((src) => {
      src.entries.forEach((e) => {
        if (!byKey[e.key]) {
          byKey[e.key] = Object.assign({}, e, { origins: [] });
          delete byKey[e.key].origin;
          order.push(e.key);
        }
        const have = byKey[e.key].origins;
        if (!have.some((o) => originLabel(o) === originLabel(e.origin))) have.push(e.origin);
      });
    });
    const entries = order.map((k) => byKey[k]).sort((a, b) => {
      return Date.parse(a.at) - Date.parse(b.at) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    });

    // 勾选：同一检查单的同一条目，各份记录的状态不一致时以时间较晚的为准
    const items = Object.create(null);
    const itemOrder = [];
    sources.forEach((src) => {
      src.ticks.forEach((t) => {
        if (!items[t.key]) {
          items[t.key] = [];
          itemOrder.push(t.key);
        }
        items[t.key].push(t);
      });
    });
    const conflicts = [];
    const checklists = [];
    itemOrder.forEach((key) => {
      const states = items[key].slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      const winner = states[states.length - 1];
      const mixed = states.some((s) => s.checked) && states.some((s) => !s.checked);
      const row = { page: winner.page, checklist: winner.id, title: winner.checklist, item: winner.item,
        text: winner.text, checked: winner.checked, at: winner.at };
      checklists.push(row);
      if (mixed) {
        conflicts.push(Object.assign({}, row, {
          states: states.map((s) => ({ checked: s.checked, at: s.at, origin: s.origin })),
        }));
      }
    });

    const incidents = sources.filter((s) => s.kind === "incident").map((s) => s.incident);
    let incident = null;
    incidents.forEach((inc) => {
      incident = incident && incident.id === inc.id ? S.mergeIncident(incident, inc) : incident || inc;
    });
    const drills = sources.filter((s) => s.kind === "drill");
    return {
      kind: incident || !drills.length ? "incident" : "drill",
      entries: entries,
      conflicts: conflicts,
      checklists: checklists,
      incident: incident,
      drill: drills.length ? drills[0] : null,
      sources: sources,
    };
  }

  // ------------------------------------------------------------------ 导出

  function localIso(value) {
    return H.toLocalIso(value);
  }

  /** 合并后的 JSON。ctx: {now, stamp, device: {id, who}, labels} */
  function buildExport(merged, ctx) {
    const inc = merged.incident;
    const labels = ctx.labels || {};
    return {
      format: FORMAT,
      schema: SCHEMA,
      handbook: ctx.stamp,
      device: { id: ctx.device.id, who: ctx.device.who || "" },
      merged_at: localIso(new Date(ctx.now)),
      kind: merged.kind,
      incident: inc ? { id: inc.id, title: inc.title, severity: inc.severity,
        severity_label: labels[inc.severity] || inc.severity, lead: inc.lead, status: inc.status,
        opened_at: localIso(inc.opened_at), closed_at: inc.closed_at ? localIso(inc.closed_at) : null } : null,
      drill: merged.drill ? { scenario: merged.drill.scenario, started_at: merged.drill.started_at,
        ended_at: merged.drill.ended_at, elapsed: merged.drill.elapsed } : null,
      sources: merged.sources.map((s) => ({ file: s.file, format: s.format, schema: s.schema, label: s.label,
        entries: s.entries.length })),
      entries: merged.entries.map((e) => {
        const out = { key: e.key, at: localIso(e.at), kind: e.kind, text: e.text,
          origins: e.origins.map((o) => ({ file: o.file, device: o.device || "", who: o.who || "" })) };
        if (e.offset) out.offset = e.offset;
        return out;
      }),
      conflicts: merged.conflicts.map((c) => ({ page: c.page, checklist: c.checklist, title: c.title, item: c.item,
        text: c.text, resolved: c.checked ? "checked" : "unchecked", at: localIso(c.at),
        states: c.states.map((s) => ({ checked: s.checked, at: localIso(s.at),
          origin: { file: s.origin.file, device: s.origin.device || "", who: s.origin.who || "" } })) })),
      checklists: merged.checklists.map((c) => ({ page: c.page, checklist: c.checklist, title: c.title,
        item: c.item, text: c.text, checked: c.checked, at: localIso(c.at) })),
    };
  }

  function stateText(s, text) {
    const values = { origin: originLabel(s.origin), at: H.formatTime(s.at) };
    return fill(s.checked ? text.conflict_state_ticked : text.conflict_state_open, values);
  }

  /** 一条冲突的说明（页面和 Markdown 共用）。 */
  function conflictText(c, text) {
    const last = c.states[c.states.length - 1];
    return fill(text.conflict, { checklist: c.title, item: c.text,
      states: c.states.map((s) => stateText(s, text)).join("；"), winner: stateText(last, text) });
  }

  function duration(from, to) {
    const ms = Date.parse(to) - Date.parse(from);
    if (!(ms >= 0)) return "【从发现到恢复】";
    const minutes = Math.round(ms / 60000);
    return H.formatTime(from) + " 至 " + H.formatTime(to) + "（" +
      (minutes >= 60 ? Math.floor(minutes / 60) + " 小时 " : "") + (minutes % 60) + " 分钟）";
  }

  /**
   * 复盘初稿：真实事件按“记录与通报模板”的事后复盘，演练按“演练后复盘”的报告模板。
   * all 是 widget_text.yml 的 incident 一节。
   */
  function toMarkdown(merged, all, labels) {
    const text = all.merge;
    const none = "  " + all.none;
    const timeline = merged.entries.map((e) => {
      const who = e.origins.map(originLabel).join("、");
      return S.timelineLine(e.at, H.escapeMarkdown(who), (e.offset ? e.offset + " " : "") + H.escapeMarkdown(e.text));
    });
    const conflicts = merged.conflicts.map((c) => "  - " + H.escapeMarkdown(conflictText(c, text)));
    const sources = merged.sources.map((s) => "  - " + H.escapeMarkdown(s.file) + "（" +
      ((text.kinds || {})[s.kind] || s.kind) + "，" + H.escapeMarkdown(s.label) + "，" + s.entries.length + "）");
    const values = { timeline: timeline.join("\n") || none, conflicts: conflicts.join("\n") || none,
      sources: sources.join("\n") || none };
    if (merged.kind === "drill") {
      const d = merged.drill;
      const checks = merged.checklists.map((c) => "  - [" + (c.checked ? "x" : " ") + "] " + H.escapeMarkdown(c.text));
      return fill(all.drill_review_markdown, Object.assign(values, {
        title: H.escapeMarkdown(str(d.scenario.title) || str(d.scenario.id)),
        duration: d.started_at && d.ended_at ? duration(d.started_at, d.ended_at) : d.elapsed || "【计划 / 实际】",
        checklists: checks.join("\n") || none,
      }));
    }
    const inc = merged.incident;
    return fill(all.review_markdown, Object.assign(values, {
      title: inc ? H.escapeMarkdown(inc.title) : "【标题】",
      severity: inc ? (labels || {})[inc.severity] || inc.severity : "【】",
      duration: inc && inc.closed_at ? duration(inc.opened_at, inc.closed_at) : "【从发现到恢复】",
    }));
  }

  function fileName(rec, ext) {
    const stamp = String(rec.merged_at).slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
    return (rec.kind === "drill" ? "drill-review-" : "incident-review-") + stamp + "." + ext;
  }

  const api = {
    SCHEMA, FORMAT, MAX_MB, SUPPORTED,
    readFile, problemText, localSource, merge, originLabel, buildExport, conflictText, toMarkdown, fileName,
  };

  if (node) module.exports = api;
  else global.HandbookRecordMerge = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
