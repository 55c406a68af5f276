/*
 * 事件记录的纯逻辑（没有 DOM，可在 Node 中测试）：记录的保存格式、追加与合并时间线、下次进展通报时间、
 * 导出的 JSON 与 Markdown。页面部分在 incident-log.js（每页：自动记录、提示）和 incident-record.js（记录页）。
 * 浏览器中挂在 window.HandbookIncidentState 上；Node 中 require 本文件得到。
 *
 *   localStorage 键 handbook:incident:v1 —— 本设备上当前的事件记录（进行中或已结束，直到开始新的记录）：
 *     {"v": 1, "id": "i-…", "title": "", "severity": "p2", "lead": "", "status": "open|closed",
 *      "opened_at": ISO, "closed_at": ISO|null, "updated": ISO,
 *      "entries": [{"id": "e-…", "at": ISO, "who": "", "device": "d-…", "kind": "open|note|decision|update|
 *                   severity|lead|title|close|reopen|action", "text": "", "widget": "", "action": "", "page": ""}]}
 *   localStorage 键 handbook:incident:device —— 本设备：{"id": "d-…", "who": "记录人（姓名或角色）"}
 *   无法解析的值另存到 handbook:incident:backup 后从空白开始。
 *   两个标签页同时写：每次写入前先读存储里最新的记录，时间线按条目编号合并（mergeIncident），不丢条目。
 */
(function (global) {
  "use strict";

  const H = typeof module !== "undefined" && module.exports ? require("./core.js") : global.HandbookCore;

  const SCHEMA = 1;
  const KEY = "handbook:incident:v1";
  const DEVICE_KEY = "handbook:incident:device";
  const BACKUP_KEY = "handbook:incident:backup";
  const FORMAT = "handbook-incident-record";
  const KINDS = ["open", "note", "decision", "update", "severity", "lead", "title", "close", "reopen", "action"];
  const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;
  const UNIT_MS = { 分钟: 60000, 小时: 3600000 };

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function str(value) {
    return typeof value === "string" ? value : "";
  }

  /** 把 {name} 换成 values.name；没有的名字原样保留。 */
  function fill(template, values) {
    return String(template == null ? "" : template).replace(/\{([a-z_]+)\}/g, (whole, name) => {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /** 编号：前缀 + 时间（36 进制）+ 随机部分；random 是返回 [0, 1) 的函数。 */
  function newId(prefix, now, random) {
    const rnd = random || Math.random;
    let tail = "";
    for (let i = 0; i < 6; i++) tail += Math.floor(rnd() * 36).toString(36);
    return prefix + "-" + Math.floor(Number(now)).toString(36) + tail;
  }

  function iso(now) {
    return new Date(now).toISOString();
  }

  // ------------------------------------------------------------------ 保存格式

  function emptyIncident() {
    return { v: SCHEMA, id: null, title: "", severity: "", lead: "", status: "none", opened_at: null,
      closed_at: null, updated: null, entries: [] };
  }

  function sanitizeEntry(e) {
    if (!isObject(e) || !ID.test(str(e.id)) || !H.isTime(e.at) || KINDS.indexOf(e.kind) === -1) return null;
    if (typeof e.text !== "string") return null;
    const entry = { id: e.id, at: e.at, who: str(e.who), device: str(e.device), kind: e.kind, text: e.text };
    if (e.kind === "action") {
      entry.widget = str(e.widget);
      entry.action = str(e.action);
      entry.page = str(e.page);
    }
    return entry;
  }

  /** 按时间排列；同一时刻的保持记下的先后（排序是稳定的）。 */
  function sortEntries(entries) {
    return entries.slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  /** 检查存储或导入文件里的事件记录；结构不对返回 null，个别坏条目丢掉。 */
  function sanitizeIncident(data) {
    if (!isObject(data) || data.v !== SCHEMA || !Array.isArray(data.entries)) return null;
    if (data.status !== "open" && data.status !== "closed") return null;
    if (!ID.test(str(data.id)) || !H.isTime(data.opened_at)) return null;
    const incident = emptyIncident();
    incident.id = data.id;
    incident.title = str(data.title);
    incident.severity = str(data.severity);
    incident.lead = str(data.lead);
    incident.status = data.status;
    incident.opened_at = data.opened_at;
    incident.closed_at = data.status === "closed" && H.isTime(data.closed_at) ? data.closed_at : null;
    if (incident.status === "closed" && !incident.closed_at) return null;
    incident.updated = H.isTime(data.updated) ? data.updated : null;
    const seen = Object.create(null);
    incident.entries = sortEntries(data.entries.map(sanitizeEntry).filter((e) => {
      if (!e || seen[e.id]) return false;
      seen[e.id] = true;
      return true;
    }));
    return incident;
  }

  /** 解析存储里的原始字符串：status 为 empty、ok 或 corrupt（交给 H.store.load）。 */
  function parseStored(raw) {
    if (raw === null || raw === undefined) return { status: "empty", incident: emptyIncident() };
    const incident = sanitizeIncident(H.parseJSON(raw, null));
    return incident ? { status: "ok", incident: incident } : { status: "corrupt", incident: emptyIncident() };
  }

  function parseDevice(raw) {
    const data = H.parseJSON(raw, null);
    if (isObject(data) && ID.test(str(data.id))) return { status: "ok", device: { id: data.id, who: str(data.who) } };
    return { status: raw === null || raw === undefined ? "empty" : "corrupt", device: null };
  }

  function isOpen(incident) {
    return !!incident && incident.status === "open";
  }

  // ------------------------------------------------------------------ 修改（都返回新对象）

  function clone(incident) {
    return Object.assign({}, incident, { entries: incident.entries.slice() });
  }

  /**
   * 追加一条：entry {kind, text, who, device, widget?, action?, page?}；ctx {now, random}。
   * 只有进行中的记录能追加（open、close、reopen 由下面的函数自己加）。
   */
  function addEntry(incident, entry, ctx) {
    const next = clone(incident);
    const item = sanitizeEntry(Object.assign({ who: "", device: "" }, entry, {
      id: newId("e", ctx.now, ctx.random),
      at: iso(ctx.now),
    }));
    if (!item) return incident;
    next.entries = sortEntries(next.entries.concat([item]));
    next.updated = iso(ctx.now);
    return next;
  }

  /** 开始记录：input {title, severity, lead, who, device}；text 是 widget_text.yml 的 incident 一节。 */
  function open(input, text, labels, ctx) {
    const incident = emptyIncident();
    incident.id = newId("i", ctx.now, ctx.random);
    incident.title = H.collapse(input.title);
    incident.severity = input.severity;
    incident.lead = H.collapse(input.lead);
    incident.status = "open";
    incident.opened_at = iso(ctx.now);
    return addEntry(incident, {
      kind: "open", who: input.who, device: input.device,
      text: fill(text.opened_text, { title: incident.title, severity: labels[input.severity] || input.severity,
        lead: incident.lead || text.unknown }),
    }, ctx);
  }

  /** 改标题、级别或事件负责人：值变了才改，并在时间线上记一条。 */
  function change(incident, field, value, who, text, labels, ctx) {
    if (!isOpen(incident) || ["title", "severity", "lead"].indexOf(field) === -1) return incident;
    const clean = field === "severity" ? value : H.collapse(value);
    if (!clean || clean === incident[field]) return incident;
    const show = (v) => (field === "severity" ? labels[v] || v : v) || text.unknown;
    const next = Object.assign(clone(incident), { [field]: clean });
    return addEntry(next, { kind: field, who: who.who, device: who.device,
      text: fill(text[field + "_text"], { from: show(incident[field]), to: show(clean) }) }, ctx);
  }

  function close(incident, who, text, ctx) {
    if (!isOpen(incident)) return incident;
    const next = addEntry(incident, { kind: "close", who: who.who, device: who.device, text: text.closed_text }, ctx);
    next.status = "closed";
    next.closed_at = iso(ctx.now);
    return next;
  }

  function reopen(incident, who, text, ctx) {
    if (!incident || incident.status !== "closed") return incident;
    const next = addEntry(Object.assign(clone(incident), { status: "open", closed_at: null }),
      { kind: "reopen", who: who.who, device: who.device, text: text.reopened_text }, ctx);
    return next;
  }

  /**
   * 合并同一份记录的两个版本（两个标签页、写入时的竞争）：时间线按条目编号取并集；标题、级别、负责人和状态
   * 取 updated 较晚的一份（一样晚时取 b）。不是同一份记录（编号不同）时，取开始较晚的一份——开始新记录之前旧的已经结束并清除。
   */
  function mergeIncident(a, b) {
    if (!a || !a.id) return b;
    if (!b || !b.id) return a;
    if (a.id !== b.id) return Date.parse(b.opened_at) >= Date.parse(a.opened_at) ? b : a;
    const newer = Date.parse(b.updated || 0) >= Date.parse(a.updated || 0) ? b : a;
    const byId = Object.create(null);
    a.entries.concat(b.entries).forEach((e) => {
      byId[e.id] = e;
    });
    return Object.assign(clone(newer), { entries: sortEntries(Object.keys(byId).map((id) => byId[id])) });
  }

  /** 已发出的内部进展通报次数。 */
  function updatesSent(incident) {
    return incident.entries.filter((e) => e.kind === "update").length;
  }

  /**
   * 下次内部进展通报：从开始、最近一次通报或最近一次定级起，按该级别的通报间隔（data/severity.yml 的 update）。
   * levels: {p1: {label, update: {value, unit} | null}}。
   * 返回 null（没有进行中的记录），{none: true}（该级别不定时通报），或 {due: ISO, overdue, interval}。
   */
  function nextUpdate(incident, levels, now) {
    if (!isOpen(incident)) return null;
    const level = levels[incident.severity];
    if (!level || !level.update) return { none: true };
    const unit = UNIT_MS[level.update.unit];
    const interval = level.update.value + " " + level.update.unit;
    if (!unit) return { none: false, due: null, overdue: false, interval: interval };
    let base = Date.parse(incident.opened_at);
    incident.entries.forEach((e) => {
      if (e.kind === "update" || e.kind === "severity") base = Math.max(base, Date.parse(e.at));
    });
    const due = base + level.update.value * unit;
    return { none: false, due: iso(due), overdue: now > due, interval: interval };
  }

  // ------------------------------------------------------------------ 导出

  /**
   * 导出的 JSON（也是合并时读入的格式，data/schemas/incident-record.schema.json）。
   * ctx: {now, stamp: H.stamp(), device: {id, who}, labels: {p1: "P1 重大"}}
   */
  function buildExport(incident, ctx) {
    const labels = ctx.labels || {};
    return {
      format: FORMAT,
      schema: SCHEMA,
      handbook: ctx.stamp,
      device: { id: ctx.device.id, who: ctx.device.who || "" },
      exported_at: H.toLocalIso(new Date(ctx.now)),
      incident: {
        v: SCHEMA,
        id: incident.id,
        title: incident.title,
        severity: incident.severity,
        severity_label: labels[incident.severity] || incident.severity,
        lead: incident.lead,
        status: incident.status,
        opened_at: H.toLocalIso(incident.opened_at),
        closed_at: incident.closed_at ? H.toLocalIso(incident.closed_at) : null,
        updated: incident.updated ? H.toLocalIso(incident.updated) : null,
        entries: incident.entries.map((e) => Object.assign({}, e, { at: H.toLocalIso(e.at) })),
      },
    };
  }

  /** 时间线的一行：  2026-11-28 09:05【记录员】内容 */
  function timelineLine(at, who, text) {
    return "  " + H.formatTime(at) + "【" + (who || "—") + "】" + H.collapse(text);
  }

  /** 按“记录与通报模板”的事件记录栏目导出的 Markdown；text 是 widget_text.yml 的 incident 一节。 */
  function toMarkdown(rec, text) {
    const inc = rec.incident;
    const graded = inc.entries.filter((e) => e.kind === "severity").pop();
    const whos = [];
    inc.entries.forEach((e) => {
      if (e.who && whos.indexOf(e.who) === -1) whos.push(e.who);
    });
    const kinds = text.kinds || {};
    const lines = inc.entries.map((e) => timelineLine(e.at, H.escapeMarkdown(e.who),
      "[" + (kinds[e.kind] || e.kind) + "] " + H.escapeMarkdown(e.text)));
    return fill(text.record_markdown, {
      title: H.escapeMarkdown(inc.title),
      severity: inc.severity_label,
      graded: H.formatTime(graded ? graded.at : inc.opened_at),
      opened: H.formatTime(inc.opened_at),
      lead: H.escapeMarkdown(inc.lead) || "【】",
      who: H.escapeMarkdown(whos.join("、")) || "【】",
      timeline: lines.length ? lines.join("\n") : "  " + text.none,
      closed: inc.closed_at ? H.formatTime(inc.closed_at) : "【日期和时间】",
      exported: H.formatTime(rec.exported_at),
      device: rec.device.who ? H.escapeMarkdown(rec.device.who) + "（" + rec.device.id + "）" : rec.device.id,
      version: [rec.handbook.version, rec.handbook.commit].filter(Boolean).join(" ") || text.unknown,
    });
  }

  function fileName(rec, ext) {
    const stamp = String(rec.exported_at).slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
    return "incident-" + stamp + "-" + rec.device.id + "." + ext;
  }

  const api = {
    SCHEMA, KEY, DEVICE_KEY, BACKUP_KEY, FORMAT, KINDS,
    fill, newId, emptyIncident, sanitizeEntry, sanitizeIncident, sortEntries, parseStored, parseDevice, isOpen,
    addEntry, open, change, close, reopen, mergeIncident, updatesSent, nextUpdate,
    buildExport, timelineLine, toMarkdown, fileName,
  };

  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else global.HandbookIncidentState = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
