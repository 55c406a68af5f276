/*
 * 检查单的纯逻辑（没有 DOM，可在 Node 中测试）：条目编号、保存格式与迁移、勾选、导出的记录与 Markdown。
 * 页面部分在 checklist.js。浏览器中挂在 window.HandbookChecklistState 上；Node 中 require 本文件得到。
 *
 *   localStorage 键：handbook:checklist:v2:<页面路径>:<检查单编号>，页面路径取站点根目录以下的路径，
 *   去掉 index.html、.html 和末尾的 /（目录式网址 /operations/upgrade/ 与离线版 operations/upgrade.html
 *   都是 operations/upgrade）。值为 JSON：
 *     {"v": 2, "items": {"<条目编号>": {"at": "<勾选时间 ISO>", "text": "<条目文字>"}},
 *      "record": {"operator": "", "ticket": "", "start": "", "notes": ""}, "updated": "<ISO>"}
 *   第 1 版格式（键 handbook-checklist:<页面路径>#<检查单编号>，值 {"done": [条目文字…], "operator",
 *   "ticket", "notes"}）在读取时自动迁移。无法解析的值另存到 handbook:checklist:backup:… 后从空白开始；
 *   浏览器不让保存（隐私模式、配额用尽）时改存内存，并在检查单上提示“刷新后不会保留”。
 *   同一检查单开在两个标签页里时，通过 storage 事件保持一致（执行记录文字的冲突处理见 checklist-sync.js）。
 *
 *   导出（buildRecord，“导出 JSON”的内容，格式说明 data/schemas/checklist.schema.json）：
 *     {"format": "handbook-checklist-record", "schema": 2, "handbook": {"version", "commit", "build_date"},
 *      "title", "mode", "checklist", "page": {"path", "title", "url"}, "exported_at",
 *      "progress": {"done", "total"}, "record": {"operator", "ticket", "start", "notes"},
 *      "items": [{"id", "text", "level", "checked", "checked_at"}]}
 *   时间都是本地时间加时区偏移（2026-11-28T09:05:00+08:00）。整页导出见 checklist-export.js。
 */
(function (global) {
  "use strict";

  const H = typeof module !== "undefined" && module.exports ? require("./core.js") : global.HandbookCore;
  const { collapse, normaliseText, fnv1a, escapeMarkdown, fence, isTime, toLocalIso, toLocalMinute, formatTime } = H;

  // ------------------------------------------------------------------ 纯逻辑

  const SCHEMA = 2;
  const PREFIX = "handbook:checklist";
  const LEGACY_PREFIX = "handbook-checklist";
  const RECORD_FIELDS = ["operator", "ticket", "start", "notes"];
  const MODE_KEYS = ["read-do", "do-confirm"];

  const EXPLICIT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
  const CHECKLIST_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

  /** 由条目文字算出编号：统一全角半角与大小写、去掉空白和标点后取哈希。 */
  function deriveItemId(text) {
    return "t-" + fnv1a(normaliseText(text));
  }

  function isExplicitId(id) {
    return typeof id === "string" && EXPLICIT_ID.test(id);
  }

  /** 同一检查单里重复的编号依次加上 -2、-3…… */
  function uniqueIds(ids) {
    const seen = Object.create(null);
    return ids.map((id) => {
      seen[id] = (seen[id] || 0) + 1;
      return seen[id] === 1 ? id : id + "-" + seen[id];
    });
  }

  function checklistIdFrom(raw, fallback) {
    if (typeof raw === "string" && CHECKLIST_ID.test(raw)) return raw;
    if (typeof raw === "string" && raw.trim() !== "") return "c-" + fnv1a(normaliseText(raw));
    return fallback;
  }

  function storageKey(pageId, checklistId) {
    return PREFIX + ":v" + SCHEMA + ":" + pageId + ":" + checklistId;
  }

  function legacyKey(pageId, checklistId) {
    return LEGACY_PREFIX + ":" + pageId + "#" + checklistId;
  }

  function backupKey(pageId, checklistId) {
    return PREFIX + ":backup:" + pageId + ":" + checklistId;
  }

  function emptyRecord() {
    return { operator: "", ticket: "", start: "", notes: "" };
  }

  function emptyState() {
    return { v: SCHEMA, items: {}, record: emptyRecord(), updated: null };
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function sanitizeRecord(record) {
    const clean = emptyRecord();
    if (isObject(record)) {
      RECORD_FIELDS.forEach((field) => {
        if (typeof record[field] === "string") clean[field] = record[field];
      });
    }
    if (clean.start && !isTime(clean.start)) clean.start = "";
    return clean;
  }

  /** 检查一个第 2 版状态对象；结构不对时返回 null，个别坏条目直接丢掉。 */
  function sanitizeState(data) {
    if (!isObject(data) || data.v !== SCHEMA || !isObject(data.items)) return null;
    const state = emptyState();
    Object.keys(data.items).forEach((id) => {
      const entry = data.items[id];
      if (!isObject(entry)) return;
      if (entry.at !== null && !isTime(entry.at)) return;
      state.items[id] = { at: entry.at, text: typeof entry.text === "string" ? entry.text : "" };
    });
    state.record = sanitizeRecord(data.record);
    state.updated = isTime(data.updated) ? data.updated : null;
    return state;
  }

  /** 解析存储里的原始字符串：status 为 empty、ok 或 corrupt。 */
  function parseStored(raw) {
    if (raw === null || raw === undefined) return { status: "empty", state: emptyState() };
    let data;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      return { status: "corrupt", state: emptyState() };
    }
    const state = sanitizeState(data);
    return state ? { status: "ok", state: state } : { status: "corrupt", state: emptyState() };
  }

  /**
   * 把第 1 版的值迁移成第 2 版。第 1 版按条目文字记录已勾选项，没有勾选时间。
   * resolve(文字) 返回当前页面上对应条目的编号，找不到时返回 null（该勾选丢弃）。
   */
  function migrateV1(raw, resolve) {
    const find = resolve || deriveItemId;
    let data;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      return { status: "corrupt", state: emptyState() };
    }
    if (!isObject(data) || !Array.isArray(data.done)) return { status: "corrupt", state: emptyState() };
    const state = emptyState();
    data.done.forEach((text) => {
      if (typeof text !== "string") return;
      const id = find(text);
      if (id) state.items[id] = { at: null, text: collapse(text) };
    });
    state.record = sanitizeRecord({ operator: data.operator, ticket: data.ticket, notes: data.notes });
    return { status: "migrated", state: state };
  }

  function cloneState(state) {
    return {
      v: SCHEMA,
      items: Object.assign({}, state.items),
      record: Object.assign(emptyRecord(), state.record),
      updated: state.updated,
    };
  }

  /** 只留下当前页面上还存在的条目（文字改过的旧条目不再保存）。 */
  function pruneState(state, ids) {
    const keep = Object.create(null);
    ids.forEach((id) => {
      keep[id] = true;
    });
    const next = cloneState(state);
    Object.keys(next.items).forEach((id) => {
      if (!keep[id]) delete next.items[id];
    });
    return next;
  }

  /** 勾选或取消一项；第一次勾选时，若开始时间为空，则以勾选时间作开始时间。 */
  function applyTick(state, id, checked, text, now) {
    const next = cloneState(state);
    const when = now instanceof Date ? now : new Date(now);
    if (checked) {
      next.items[id] = { at: when.toISOString(), text: collapse(text) };
      if (!next.record.start) next.record.start = toLocalMinute(when);
    } else {
      delete next.items[id];
    }
    next.updated = when.toISOString();
    return next;
  }

  function applyField(state, field, value, now) {
    const next = cloneState(state);
    if (RECORD_FIELDS.indexOf(field) === -1) return next;
    next.record[field] = String(value == null ? "" : value);
    next.updated = (now instanceof Date ? now : new Date(now)).toISOString();
    return next;
  }

  // ---- 导出

  /** 构建标记 {version, commit, build_date}（core.js 的 stamp()）；缺的字段是空字符串。 */
  function sanitizeStamp(stamp) {
    const clean = { version: "", commit: "", build_date: "" };
    if (isObject(stamp)) {
      Object.keys(clean).forEach((field) => {
        if (typeof stamp[field] === "string") clean[field] = stamp[field];
      });
    }
    return clean;
  }

  /**
   * 导出用的记录对象（也是 JSON 导出的内容）。
   * input: {title, mode, checklist, page: {path, title, url}, items: [{id, text, level, at, checked}],
   *         record, handbook: {version, commit, build_date}, now}
   */
  function buildRecord(input) {
    const items = (input.items || []).map((item) => {
      return {
        id: item.id,
        text: collapse(item.text),
        level: item.level || 0,
        checked: !!item.checked,
        checked_at: item.checked && item.at ? toLocalIso(item.at) : null,
      };
    });
    const record = sanitizeRecord(input.record);
    const modes = input.modes || {};
    const mode = modes[input.mode] ? modes[input.mode].label : "";
    return {
      format: "handbook-checklist-record",
      schema: SCHEMA,
      handbook: sanitizeStamp(input.handbook),
      title: collapse(input.title),
      mode: mode,
      checklist: input.checklist,
      page: {
        path: input.page.path,
        title: collapse(input.page.title),
        url: input.page.url || "",
      },
      exported_at: toLocalIso(input.now || new Date()),
      progress: {
        done: items.filter((item) => {
          return item.checked;
        }).length,
        total: items.length,
      },
      record: {
        operator: record.operator,
        ticket: record.ticket,
        start: record.start ? toLocalIso(record.start) : "",
        notes: record.notes,
      },
      items: items,
    };
  }

  const UNSET = "（未填写）";

  /** “手册版本”一行：版本、提交号和构建日期；页脚没有构建标记时写“未知”。 */
  function handbookLine(stamp) {
    const hb = sanitizeStamp(stamp);
    if (!hb.version && !hb.commit) return "- 手册版本：（未知）";
    const extra = [hb.commit ? "提交 " + hb.commit : "", hb.build_date ? "构建于 " + hb.build_date : ""]
      .filter(Boolean).join("，");
    return "- 手册版本：" + (escapeMarkdown(hb.version) || "（未知）") + (extra ? "（" + escapeMarkdown(extra) + "）" : "");
  }

  /**
   * 一张检查单的 Markdown。depth 为 1 时是单独的文件；为 2 时是整页导出里的一节（标题降一级，
   * 不重复页面、导出时间和手册版本，这些写在整页的开头）。
   */
  function toMarkdown(rec, depth) {
    const nested = depth === 2;
    const h = nested ? "#" : "";
    const field = function (value) {
      return value ? escapeMarkdown(value) : UNSET;
    };
    const lines = nested ? ["## " + escapeMarkdown(rec.title), ""] : [
      "# 执行记录：" + escapeMarkdown(rec.title),
      "",
      "- 页面：" + escapeMarkdown(rec.page.title) + "（" + escapeMarkdown(rec.page.path) + "）",
    ];
    lines.push(
      "- 检查单：" + escapeMarkdown(rec.title) + "（" + escapeMarkdown(rec.checklist) +
        (rec.mode ? "，" + rec.mode : "") + "）",
      "- 执行人：" + field(rec.record.operator),
      "- 变更或事件编号：" + field(rec.record.ticket),
      "- 开始时间：" + (rec.record.start ? formatTime(rec.record.start) : UNSET));
    if (!nested) lines.push("- 导出时间：" + formatTime(rec.exported_at));
    lines.push("- 进度：已完成 " + rec.progress.done + " 项，共 " + rec.progress.total + " 项");
    if (!nested) lines.push(handbookLine(rec.handbook));
    lines.push("", h + "## 检查项", "");
    rec.items.forEach((item) => {
      let line = "    ".repeat(item.level) + "- [" + (item.checked ? "x" : " ") + "] " + escapeMarkdown(item.text);
      if (item.checked) line += item.checked_at ? "（勾选于 " + formatTime(item.checked_at) + "）" : "（勾选时间未知）";
      lines.push(line);
    });
    lines.push("", h + "## 备注", "", rec.record.notes.trim() ? fence(rec.record.notes) : "（无）", "");
    return lines.join("\n");
  }

  function toJSON(rec) {
    return JSON.stringify(rec, null, 2) + "\n";
  }

  function fileName(rec, ext) {
    const stamp = String(rec.exported_at).slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
    const page = String(rec.page.path).replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "page";
    return page + "-" + rec.checklist + "-" + stamp + "." + ext;
  }

  const core = {
    SCHEMA: SCHEMA,
    MODE_KEYS: MODE_KEYS,
    RECORD_FIELDS: RECORD_FIELDS,
    deriveItemId: deriveItemId,
    isExplicitId: isExplicitId,
    uniqueIds: uniqueIds,
    checklistIdFrom: checklistIdFrom,
    storageKey: storageKey,
    legacyKey: legacyKey,
    backupKey: backupKey,
    emptyState: emptyState,
    sanitizeState: sanitizeState,
    parseStored: parseStored,
    migrateV1: migrateV1,
    pruneState: pruneState,
    applyTick: applyTick,
    applyField: applyField,
    sanitizeStamp: sanitizeStamp,
    buildRecord: buildRecord,
    handbookLine: handbookLine,
    toMarkdown: toMarkdown,
    toJSON: toJSON,
    fileName: fileName,
  };

  if (typeof module !== "undefined" && module.exports) module.exports = core;
  else global.HandbookChecklistState = core;
})(typeof globalThis !== "undefined" ? globalThis : this);
