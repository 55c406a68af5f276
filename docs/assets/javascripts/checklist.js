/*
 * 交互式检查单：勾选、进度、执行记录、导出与打印。
 *
 * 一、作者怎样写检查单
 *
 *   用一个 div 包住一个普通的 Markdown 任务列表（md_in_html 已启用，div 前后和内部首尾都要空一行）：
 *
 *     <div class="hb-checklist" data-checklist="before" data-title="升级前检查单" data-mode="do-confirm" markdown="1">
 *
 *     - [ ] 确认回滚方案已经在测试环境演练过
 *     - [ ] <span data-item="backup-restored">确认关键数据已备份，并抽查恢复成功</span>
 *
 *     </div>
 *
 *   - data-checklist：本页内唯一的检查单编号（小写字母、数字、- 和 _），勾选按它分开保存。
 *   - data-title：检查单名称，显示在进度上方，也写进导出的记录。
 *   - data-mode：read-do（读一项、做一项、勾一项）或 do-confirm（先做完，再逐项核对）。
 *   - 条目一律写成未勾选的 “- [ ]”。
 *   - 条目编号：默认由条目文字算出（先统一全角半角和大小写，去掉空白和标点，再取哈希），
 *     所以调整顺序、改空格或标点不影响已有的勾选；文字一改，就成了新条目，旧的勾选不会落到它上面。
 *     需要改文字又保留勾选时，用 <span data-item="编号"> 包住条目文字，给它一个固定编号。
 *   - 不在 .hb-checklist 里的任务列表保持原样（只读）。
 *
 * 二、保存
 *
 *   localStorage 键：handbook:checklist:v2:<页面路径>:<检查单编号>，页面路径取站点根目录以下的路径，
 *   去掉 index.html、.html 和末尾的 /（目录式网址 /operations/upgrade/ 与离线版 operations/upgrade.html
 *   都是 operations/upgrade）。值为 JSON：
 *     {"v": 2, "items": {"<条目编号>": {"at": "<勾选时间 ISO>", "text": "<条目文字>"}},
 *      "record": {"operator": "", "ticket": "", "start": "", "notes": ""}, "updated": "<ISO>"}
 *   第 1 版格式（键 handbook-checklist:<页面路径>#<检查单编号>，值 {"done": [条目文字…], "operator",
 *   "ticket", "notes"}）在读取时自动迁移。无法解析的值另存到 handbook:checklist:backup:… 后从空白开始；
 *   浏览器不让保存（隐私模式、配额用尽）时改存内存，并在检查单上提示“刷新后不会保留”。
 *   同一检查单开在两个标签页里时，通过 storage 事件保持一致。
 *
 * 三、给其他脚本用的接口：window.HandbookChecklist
 *
 *   core          纯逻辑（也可在 Node 中 require 本文件得到）：normaliseText、deriveItemId、
 *                 pageIdFromUrl、storageKey、parseStored、migrateV1、applyTick、buildRecord、
 *                 toMarkdown、toJSON、fileName、createStore 等。
 *   store         本页共用的存储包装：read(key)、write(key, value)、remove(key)、persistent、reason、
 *                 onStatus(fn)。写不进 localStorage 时自动退回内存。
 *   pageId()      当前页面的路径编号，例如 "operations/upgrade"。
 *   download(文件名, 文本, MIME)   以 Blob 下载（file:// 下也可用，不联网）。
 *   enhance(根元素)  处理根元素内尚未处理的 .hb-checklist；Material 每次换页都会调用。
 *   instances()   当前页面上的检查单实例；每个实例有 record()（导出用的记录对象）、
 *                 exportMarkdown()、exportJSON()、reset()。
 *
 * 只用 textContent 写入用户输入和条目文字，从不把它们当 HTML 插入。
 */
(function (global) {
  "use strict";

  // ------------------------------------------------------------------ 纯逻辑

  const SCHEMA = 2;
  const PREFIX = "handbook:checklist";
  const LEGACY_PREFIX = "handbook-checklist";
  const RECORD_FIELDS = ["operator", "ticket", "start", "notes"];
  const MODES = {
    "read-do": { label: "READ-DO", help: "读一项，做一项，勾一项。" },
    "do-confirm": { label: "DO-CONFIRM", help: "先按熟悉的流程做完，到这里停下，逐项核对并勾选。" },
  };

  // 空白与标点：改它们不改变条目的意思，算编号时去掉。
  // 全角字母数字与全角标点先由 NFKC 统一成半角。
  const IGNORED = new RegExp(
    "[\\s\\u0021-\\u002f\\u003a-\\u0040\\u005b-\\u0060\\u007b-\\u007e" +
      "\\u00a1\\u00a7\\u00ab\\u00b6\\u00b7\\u00bb\\u00bf\\u2000-\\u206f\\u2190-\\u21ff" +
      "\\u2e00-\\u2e7f\\u3000-\\u3004\\u3008-\\u3020\\u3030\\u303d-\\u303f\\ufe10-\\ufe19" +
      "\\ufe30-\\ufe6f\\ufeff\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65]",
    "g"
  );
  const EXPLICIT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
  const CHECKLIST_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

  function normaliseText(text) {
    return String(text == null ? "" : text).normalize("NFKC").toLowerCase().replace(IGNORED, "");
  }

  function collapse(text) {
    return String(text == null ? "" : text).replace(/\s+/g, " ").trim();
  }

  function utf8(text) {
    if (typeof TextEncoder !== "undefined") return new TextEncoder().encode(text);
    const bytes = [];
    const encoded = encodeURIComponent(text);
    for (let i = 0; i < encoded.length; i++) {
      if (encoded[i] === "%") {
        bytes.push(parseInt(encoded.substr(i + 1, 2), 16));
        i += 2;
      } else {
        bytes.push(encoded.charCodeAt(i));
      }
    }
    return bytes;
  }

  /** 32 位 FNV-1a 哈希（按 UTF-8 字节），8 位十六进制。 */
  function fnv1a(text) {
    let hash = 0x811c9dc5;
    const bytes = utf8(text);
    for (let i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16).padStart(8, "0");
  }

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
    return ids.map(function (id) {
      seen[id] = (seen[id] || 0) + 1;
      return seen[id] === 1 ? id : id + "-" + seen[id];
    });
  }

  function checklistIdFrom(raw, fallback) {
    if (typeof raw === "string" && CHECKLIST_ID.test(raw)) return raw;
    if (typeof raw === "string" && raw.trim() !== "") return "c-" + fnv1a(normaliseText(raw));
    return fallback;
  }

  /** 站点内的页面路径：目录式网址与离线版（.html）得到同一个结果。 */
  function pageIdFromUrl(href, rootHref) {
    const strip = function (url) {
      return String(url || "").split("#")[0].split("?")[0];
    };
    const clean = strip(href);
    const root = strip(rootHref);
    let rel;
    if (root && clean.indexOf(root) === 0) {
      rel = clean.slice(root.length);
    } else {
      rel = clean.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
    }
    try {
      rel = decodeURIComponent(rel);
    } catch (err) {
      // 保留原样
    }
    rel = rel
      .replace(/^\/+/, "")
      .replace(/(^|\/)index\.html?$/i, "$1")
      .replace(/\.html?$/i, "")
      .replace(/\/+$/, "");
    return rel || "index";
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

  function isTime(value) {
    return typeof value === "string" && value !== "" && !isNaN(Date.parse(value));
  }

  function sanitizeRecord(record) {
    const clean = emptyRecord();
    if (isObject(record)) {
      RECORD_FIELDS.forEach(function (field) {
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
    Object.keys(data.items).forEach(function (id) {
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
    data.done.forEach(function (text) {
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
    ids.forEach(function (id) {
      keep[id] = true;
    });
    const next = cloneState(state);
    Object.keys(next.items).forEach(function (id) {
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

  // ---- 时间

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function toDate(value) {
    if (value instanceof Date) return value;
    if (!isTime(value)) return null;
    return new Date(value);
  }

  /** 本地时间加时区偏移，如 2026-11-28T09:05:00+08:00。 */
  function toLocalIso(value) {
    const date = toDate(value);
    if (!date) return "";
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const abs = Math.abs(offset);
    return (
      date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      sign + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60)
    );
  }

  /** datetime-local 输入框的值，如 2026-11-28T09:05。 */
  function toLocalMinute(value) {
    const date = toDate(value);
    if (!date) return "";
    return (
      date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes())
    );
  }

  /** 给人看的时间，如 2026-11-28 09:05。 */
  function formatTime(value) {
    return toLocalMinute(value).replace("T", " ");
  }

  // ---- 导出

  /**
   * 导出用的记录对象（也是 JSON 导出的内容）。
   * input: {title, mode, checklist, page: {path, title, url}, items: [{id, text, level, at, checked}],
   *         record, now}
   */
  function buildRecord(input) {
    const items = (input.items || []).map(function (item) {
      return {
        id: item.id,
        text: collapse(item.text),
        level: item.level || 0,
        checked: !!item.checked,
        checked_at: item.checked && item.at ? toLocalIso(item.at) : null,
      };
    });
    const record = sanitizeRecord(input.record);
    const mode = MODES[input.mode] ? MODES[input.mode].label : "";
    return {
      format: "handbook-checklist-record",
      schema: SCHEMA,
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
        done: items.filter(function (item) {
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

  /** Markdown 行内文字：换行变空格，反斜杠转义会被当成格式或 HTML 的字符。 */
  function escapeMarkdown(text) {
    return String(text == null ? "" : text)
      .replace(/\r\n?|\n/g, " ")
      .replace(/([\\`*_[\]<>])/g, "\\$1");
  }

  /** 用比正文里最长的反引号串更长的围栏包住多行文字，原样保留。 */
  function fence(text) {
    const runs = String(text).match(/`+/g) || [];
    const longest = runs.reduce(function (max, run) {
      return Math.max(max, run.length);
    }, 0);
    const marks = "`".repeat(Math.max(3, longest + 1));
    return marks + "text\n" + String(text).replace(/\r\n?/g, "\n") + "\n" + marks;
  }

  const UNSET = "（未填写）";

  function toMarkdown(rec) {
    const field = function (value) {
      return value ? escapeMarkdown(value) : UNSET;
    };
    const lines = [
      "# 执行记录：" + escapeMarkdown(rec.title),
      "",
      "- 页面：" + escapeMarkdown(rec.page.title) + "（" + escapeMarkdown(rec.page.path) + "）",
      "- 检查单：" + escapeMarkdown(rec.title) + "（" + escapeMarkdown(rec.checklist) +
        (rec.mode ? "，" + rec.mode : "") + "）",
      "- 执行人：" + field(rec.record.operator),
      "- 变更或事件编号：" + field(rec.record.ticket),
      "- 开始时间：" + (rec.record.start ? formatTime(rec.record.start) : UNSET),
      "- 导出时间：" + formatTime(rec.exported_at),
      "- 进度：已完成 " + rec.progress.done + " 项，共 " + rec.progress.total + " 项",
      "",
      "## 检查项",
      "",
    ];
    rec.items.forEach(function (item) {
      let line = "    ".repeat(item.level) + "- [" + (item.checked ? "x" : " ") + "] " + escapeMarkdown(item.text);
      if (item.checked) line += item.checked_at ? "（勾选于 " + formatTime(item.checked_at) + "）" : "（勾选时间未知）";
      lines.push(line);
    });
    lines.push("", "## 备注", "", rec.record.notes.trim() ? fence(rec.record.notes) : "（无）", "");
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

  // ---- 存储包装

  function isQuotaError(err) {
    return !!err && (err.name === "QuotaExceededError" || err.name === "NS_ERROR_DOM_QUOTA_REACHED" ||
      err.code === 22 || err.code === 1014);
  }

  /**
   * 包装 localStorage：getBackend() 抛错（被禁用）或写入抛错（配额、隐私模式）时退回内存。
   * persistent 为 false 时，reason 是 "unavailable" 或 "quota"。
   */
  function createStore(getBackend) {
    const memory = new Map();
    const listeners = [];
    let backend = null;
    let reason = null;

    function setReason(next) {
      if (next === reason) return;
      reason = next;
      listeners.forEach(function (fn) {
        fn(reason);
      });
    }

    try {
      backend = getBackend();
      if (!backend) throw new Error("no storage");
      const probe = PREFIX + ":probe";
      backend.setItem(probe, "1");
      backend.removeItem(probe);
    } catch (err) {
      reason = isQuotaError(err) ? "quota" : "unavailable";
      if (reason === "unavailable") backend = null;
    }

    return {
      get persistent() {
        return reason === null;
      },
      get reason() {
        return reason;
      },
      onStatus: function (fn) {
        listeners.push(fn);
      },
      read: function (key) {
        if (memory.has(key)) return memory.get(key);
        if (backend) {
          try {
            return backend.getItem(key);
          } catch (err) {
            setReason("unavailable");
          }
        }
        return null;
      },
      /** 写入；写不进 localStorage 时返回 false（值仍留在内存里）。 */
      write: function (key, value) {
        if (backend) {
          try {
            backend.setItem(key, value);
            memory.delete(key);
            setReason(null);
            return true;
          } catch (err) {
            setReason(isQuotaError(err) ? "quota" : "unavailable");
          }
        }
        memory.set(key, value);
        return false;
      },
      remove: function (key) {
        memory.delete(key);
        if (backend) {
          try {
            backend.removeItem(key);
          } catch (err) {
            setReason("unavailable");
          }
        }
      },
      /** 别的标签页改了这个键：丢掉内存里的旧值，下次从 localStorage 读。 */
      forget: function (key) {
        memory.delete(key);
      },
    };
  }

  const core = {
    SCHEMA: SCHEMA,
    MODES: MODES,
    RECORD_FIELDS: RECORD_FIELDS,
    normaliseText: normaliseText,
    collapse: collapse,
    fnv1a: fnv1a,
    deriveItemId: deriveItemId,
    isExplicitId: isExplicitId,
    uniqueIds: uniqueIds,
    checklistIdFrom: checklistIdFrom,
    pageIdFromUrl: pageIdFromUrl,
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
    toLocalIso: toLocalIso,
    toLocalMinute: toLocalMinute,
    formatTime: formatTime,
    buildRecord: buildRecord,
    escapeMarkdown: escapeMarkdown,
    fence: fence,
    toMarkdown: toMarkdown,
    toJSON: toJSON,
    fileName: fileName,
    isQuotaError: isQuotaError,
    createStore: createStore,
  };

  if (typeof module !== "undefined" && module.exports) module.exports = core;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookChecklist && global.HandbookChecklist.core) return; // 已加载过

  // ------------------------------------------------------------------ 浏览器部分

  const WARN_UNAVAILABLE =
    "这个浏览器不允许本页保存数据（例如隐私模式，或存储空间已满）。勾选和记录只保留到关闭或刷新本页为止，结束前请导出记录。";
  const WARN_CORRUPT =
    "本机保存的这份检查单记录已损坏，无法读取，之前的勾选不会恢复。已另存一份原始数据，检查单从空白开始，新的勾选会正常保存。";

  /** 站点根目录：由本脚本自己的地址推出（assets/javascripts/checklist.js 的上两级）。 */
  const siteRoot = (function () {
    const script = document.currentScript;
    if (script && script.src) {
      const match = script.src.match(/^(.*\/)assets\/javascripts\/checklist\.js(?:[?#].*)?$/);
      if (match) return match[1];
    }
    try {
      const config = JSON.parse(document.getElementById("__config").textContent);
      const base = String(config.base || ".");
      return new URL(base.replace(/\/?$/, "/"), location.href).href;
    } catch (err) {
      return new URL("./", location.href).href;
    }
  })();

  function currentPageId() {
    return pageIdFromUrl(location.href, siteRoot);
  }

  const store = createStore(function () {
    return window.localStorage;
  });

  let live = [];
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

  function download(name, text, mime) {
    const blob = new Blob([text], { type: (mime || "text/plain") + ";charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name, hidden: "" });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () {
      URL.revokeObjectURL(url);
      link.remove();
    }, 1000);
  }

  function pageTitle() {
    const heading = document.querySelector(".md-content h1") || document.querySelector("h1");
    if (heading) {
      const copy = heading.cloneNode(true);
      copy.querySelectorAll(".headerlink").forEach(function (node) {
        node.remove();
      });
      const text = collapse(copy.textContent);
      if (text) return text;
    }
    return collapse(document.title);
  }

  /** 条目自己的文字（不含复选框、子列表和“示例”标记）。 */
  function itemText(node) {
    const copy = node.cloneNode(true);
    copy.querySelectorAll(".hb-example, .hb-checklist__time").forEach(function (child) {
      child.remove();
    });
    return collapse(copy.textContent);
  }

  class Checklist {
    constructor(root, index, used) {
      this.root = root;
      this.uid = "hbc" + ++counter;
      this.page = currentPageId();
      let id = checklistIdFrom(root.getAttribute("data-checklist"), "checklist-" + (index + 1));
      while (used[id]) id += "-" + (index + 1);
      used[id] = true;
      this.id = id;
      this.mode = MODES[root.getAttribute("data-mode")] ? root.getAttribute("data-mode") : "";
      this.title = collapse(root.getAttribute("data-title")) || pageTitle();
      this.key = storageKey(this.page, this.id);
      this.corrupt = false;
      this.items = this.collectItems();
      this.buildUi();
      this.state = this.load();
      this.render();
      root.classList.add("hb-checklist--ready");
    }

    collectItems() {
      const nodes = Array.prototype.slice.call(this.root.querySelectorAll("li.task-list-item"));
      const raw = nodes.map((li) => this.enhanceItem(li));
      const ids = uniqueIds(raw.map((item) => item.baseId));
      raw.forEach((item, i) => {
        item.id = ids[i];
        item.li.setAttribute("data-item-id", item.id);
        item.input.setAttribute("data-item-id", item.id);
      });
      return raw;
    }

    enhanceItem(li) {
      let input = li.querySelector(":scope > label > input[type=checkbox], :scope > input[type=checkbox]");
      let label = input && input.parentElement !== li ? input.parentElement : null;
      if (!input) input = el("input", { type: "checkbox" });
      if (!label) {
        label = el("label", { className: "task-list-control" });
        li.insertBefore(label, li.firstChild);
      }
      label.classList.add("hb-checklist__control");
      label.querySelectorAll(".task-list-indicator").forEach((node) => node.remove());
      label.insertBefore(input, label.firstChild);
      const text = el("span", { className: "hb-checklist__text" });
      Array.prototype.slice.call(li.childNodes).forEach((child) => {
        if (child === label) return;
        if (child.nodeType === 1 && /^(UL|OL)$/.test(child.tagName)) return;
        text.appendChild(child);
      });
      label.appendChild(text);
      const time = el("span", { className: "hb-checklist__time" });
      label.after(time);
      input.disabled = false;
      input.removeAttribute("disabled");
      input.checked = false;
      input.removeAttribute("checked");

      let level = 0;
      for (let node = li.parentElement; node && node !== this.root; node = node.parentElement) {
        if (node.tagName === "LI") level += 1;
      }
      const words = itemText(text);
      const marker = text.querySelector("[data-item]");
      const explicit = marker ? marker.getAttribute("data-item") : null;
      if (explicit !== null && !isExplicitId(explicit) && window.console) {
        console.warn("检查单条目编号只能用小写字母、数字、- 和 _：" + explicit);
      }
      const item = {
        li: li,
        input: input,
        time: time,
        text: words,
        level: level,
        baseId: isExplicitId(explicit) ? explicit : deriveItemId(words),
      };
      input.addEventListener("change", () => this.tick(item, input.checked));
      return item;
    }

    buildUi() {
      const uid = this.uid;
      const root = this.root;
      root.setAttribute("role", "group");
      root.setAttribute("aria-labelledby", uid + "-title");

      const head = el("div", { className: "hb-checklist__head" });
      const title = el("p", { className: "hb-checklist__title", id: uid + "-title" });
      if (this.mode) title.appendChild(el("span", { className: "hb-checklist__mode" }, MODES[this.mode].label));
      title.appendChild(el("span", { className: "hb-checklist__name" }, this.title));
      head.appendChild(title);
      if (this.mode) head.appendChild(el("p", { className: "hb-checklist__help" }, MODES[this.mode].help));
      const bar = el("div", { className: "hb-checklist__progress" });
      this.progress = el("progress", { max: String(this.items.length), value: "0", "aria-labelledby": uid + "-count" });
      this.count = el("span", { className: "hb-checklist__count", id: uid + "-count", role: "status",
        "aria-live": "polite", "aria-atomic": "true" });
      bar.appendChild(this.progress);
      bar.appendChild(this.count);
      head.appendChild(bar);
      this.warning = el("p", { className: "hb-checklist__warning", role: "alert", hidden: "" });
      head.appendChild(this.warning);
      root.insertBefore(head, root.firstChild);

      const panel = el("fieldset", { className: "hb-checklist__record" });
      panel.appendChild(el("legend", {}, "执行记录"));
      this.fields = {};
      const addField = (name, labelText, input, extra) => {
        const row = el("div", { className: "hb-checklist__field hb-checklist__field--" + name });
        input.id = uid + "-" + name;
        input.name = name;
        row.appendChild(el("label", { for: input.id }, labelText));
        row.appendChild(input);
        if (extra) row.appendChild(extra);
        panel.appendChild(row);
        this.fields[name] = input;
        input.addEventListener("input", () => this.setField(name, input.value));
      };
      addField("operator", "执行人", el("input", { type: "text", autocomplete: "off" }));
      addField("ticket", "变更或事件编号", el("input", { type: "text", autocomplete: "off" }));
      const now = el("button", { type: "button", className: "md-button hb-checklist__now" }, "填入当前时间");
      now.addEventListener("click", () => this.setField("start", toLocalMinute(new Date())));
      addField("start", "开始时间", el("input", { type: "datetime-local" }), now);
      addField("notes", "备注", el("textarea", { rows: "4" }));
      this.printNotes = el("div", { className: "hb-checklist__print-notes", "aria-hidden": "true" });
      this.fields.notes.after(this.printNotes);
      root.appendChild(panel);

      const actions = el("div", { className: "hb-checklist__actions" });
      const button = (label, handler, extra) => {
        const node = el("button", { type: "button", className: "md-button" + (extra ? " " + extra : "") }, label);
        node.addEventListener("click", handler);
        actions.appendChild(node);
        return node;
      };
      button("导出 Markdown", () => this.exportMarkdown());
      button("导出 JSON", () => this.exportJSON());
      button("打印本检查单", () => this.print());
      this.resetButton = button("清空重来", () => this.askReset(), "hb-checklist__reset");
      root.appendChild(actions);

      this.dialog = this.buildDialog();
      root.appendChild(this.dialog);
    }

    buildDialog() {
      const uid = this.uid;
      const dialog = el("dialog", { className: "hb-checklist__dialog", "aria-labelledby": uid + "-dialog-title",
        "aria-describedby": uid + "-dialog-text" });
      dialog.appendChild(el("p", { className: "hb-checklist__dialog-title", id: uid + "-dialog-title" },
        "清空“" + this.title + "”？"));
      dialog.appendChild(el("p", { id: uid + "-dialog-text" },
        "清空后，本机保存的勾选、勾选时间和执行记录都会删除，不能恢复。需要留档的，先导出。"));
      const row = el("div", { className: "hb-checklist__dialog-actions" });
      const add = (label, handler, extra) => {
        const node = el("button", { type: "button", className: "md-button" + (extra ? " " + extra : "") }, label);
        node.addEventListener("click", handler);
        row.appendChild(node);
        return node;
      };
      add("先导出 Markdown", () => this.exportMarkdown());
      add("先导出 JSON", () => this.exportJSON());
      add("清空", () => {
        this.reset();
        this.closeDialog();
      }, "hb-checklist__confirm");
      const cancel = add("取消", () => this.closeDialog(), "md-button--primary");
      cancel.setAttribute("autofocus", "");
      dialog.appendChild(row);
      dialog.addEventListener("close", () => this.resetButton.focus());
      return dialog;
    }

    // ---- 状态

    resolver() {
      const byText = Object.create(null);
      this.items.forEach((item) => {
        byText[normaliseText(item.text)] = item.id;
      });
      return (text) => byText[normaliseText(text)] || null;
    }

    /** 读取并在需要时迁移或备份；只在页面初始化和别的标签页改动时调用。 */
    load() {
      const raw = store.read(this.key);
      if (raw === null) {
        const old = store.read(legacyKey(this.page, this.id));
        if (old !== null) {
          const migrated = migrateV1(old, this.resolver());
          if (migrated.status === "migrated") {
            this.save(migrated.state);
            store.remove(legacyKey(this.page, this.id));
            return pruneState(migrated.state, this.itemIds());
          }
          this.backup(old);
          store.remove(legacyKey(this.page, this.id));
          this.corrupt = true;
        }
        return emptyState();
      }
      const parsed = parseStored(raw);
      if (parsed.status === "corrupt") {
        this.backup(raw);
        store.remove(this.key);
        this.corrupt = true;
      }
      return pruneState(parsed.state, this.itemIds());
    }

    /** 改动前重新读一次，别的标签页刚写的内容不会被覆盖。 */
    fresh() {
      const parsed = parseStored(store.read(this.key));
      return parsed.status === "ok" ? parsed.state : this.state;
    }

    backup(raw) {
      try {
        store.write(backupKey(this.page, this.id), raw);
      } catch (err) {
        // 备份写不进去也不影响使用
      }
    }

    itemIds() {
      return this.items.map((item) => item.id);
    }

    save(state) {
      store.write(this.key, JSON.stringify(pruneState(state, this.itemIds())));
    }

    tick(item, checked) {
      this.state = applyTick(this.fresh(), item.id, checked, item.text, new Date());
      this.save(this.state);
      this.render(true);
    }

    setField(name, value) {
      this.state = applyField(this.fresh(), name, value, new Date());
      this.save(this.state);
      this.render(false);
    }

    reload() {
      store.forget(this.key);
      this.state = this.load();
      this.render(false);
    }

    reset() {
      store.remove(this.key);
      this.state = emptyState();
      this.corrupt = false;
      this.render(false);
      this.count.textContent = "已清空。" + this.count.textContent;
    }

    askReset() {
      if (typeof this.dialog.showModal === "function") {
        this.dialog.showModal();
      } else if (window.confirm("清空“" + this.title + "”的勾选和执行记录？不能恢复；需要留档的，请先取消并导出。")) {
        this.reset();
      }
    }

    closeDialog() {
      if (this.dialog.open) this.dialog.close();
    }

    // ---- 显示

    render(announce) {
      const state = this.state;
      let done = 0;
      this.items.forEach((item) => {
        const entry = state.items[item.id];
        item.input.checked = !!entry;
        item.li.classList.toggle("hb-checklist__item--done", !!entry);
        item.time.textContent = "";
        if (entry) {
          done += 1;
          if (entry.at) {
            const time = el("time", { datetime: toLocalIso(entry.at) }, "勾选于 " + formatTime(entry.at));
            item.time.appendChild(time);
          } else {
            item.time.textContent = "勾选时间未知";
          }
        }
      });
      const total = this.items.length;
      this.progress.max = total;
      this.progress.value = done;
      let message = "已完成 " + done + " 项，共 " + total + " 项";
      if (total > 0 && done === total) message += "，全部完成";
      if (announce || this.count.textContent !== message) this.count.textContent = message;
      RECORD_FIELDS.forEach((name) => {
        const field = this.fields[name];
        if (document.activeElement !== field && field.value !== state.record[name]) field.value = state.record[name];
      });
      this.printNotes.textContent = state.record.notes;
      this.showWarning();
    }

    showWarning() {
      const messages = [];
      if (!store.persistent) messages.push(WARN_UNAVAILABLE);
      if (this.corrupt) messages.push(WARN_CORRUPT);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
    }

    // ---- 导出与打印

    record() {
      return buildRecord({
        title: this.title,
        mode: this.mode,
        checklist: this.id,
        page: { path: this.page, title: pageTitle(), url: location.href.split("#")[0] },
        items: this.items.map((item) => {
          const entry = this.state.items[item.id];
          return { id: item.id, text: item.text, level: item.level, checked: !!entry, at: entry ? entry.at : null };
        }),
        record: this.state.record,
        now: new Date(),
      });
    }

    exportMarkdown() {
      const rec = this.record();
      download(fileName(rec, "md"), toMarkdown(rec), "text/markdown");
    }

    exportJSON() {
      const rec = this.record();
      download(fileName(rec, "json"), toJSON(rec), "application/json");
    }

    print() {
      const body = document.body;
      body.classList.add("hb-print-one");
      this.root.classList.add("hb-checklist--printing");
      const done = () => {
        body.classList.remove("hb-print-one");
        this.root.classList.remove("hb-checklist--printing");
        window.removeEventListener("afterprint", done);
      };
      window.addEventListener("afterprint", done);
      window.print();
      done();
    }
  }

  function enhance(scope) {
    live = live.filter((instance) => instance.root.isConnected);
    const used = Object.create(null);
    live.forEach((instance) => {
      used[instance.id] = true;
    });
    const roots = (scope || document).querySelectorAll(".hb-checklist:not([data-hb-checklist-ready])");
    Array.prototype.forEach.call(roots, (root, index) => {
      root.setAttribute("data-hb-checklist-ready", "");
      try {
        live.push(new Checklist(root, live.length + index, used));
      } catch (err) {
        if (window.console) console.error("检查单初始化失败：", err);
      }
    });
    return live.slice();
  }

  // 全局监听只注册一次（Material 的即时导航换页时不会重复）。
  window.addEventListener("storage", function (event) {
    live = live.filter((instance) => instance.root.isConnected);
    live.forEach((instance) => {
      if (event.key === null || event.key === instance.key) instance.reload();
    });
  });
  store.onStatus(function () {
    live.forEach((instance) => instance.showWarning());
  });

  global.HandbookChecklist = {
    core: core,
    store: store,
    siteRoot: siteRoot,
    pageId: currentPageId,
    download: download,
    enhance: enhance,
    instances: function () {
      return live.filter((instance) => instance.root.isConnected);
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
