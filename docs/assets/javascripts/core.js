/*
 * 手册脚本的公共核心：每个组件（检查单、判断树、演练控制台、自测题、工作日计算器、复核提示）
 * 各占一个文件，只通过这里的接口做事，互不读取对方的页面元素或存储键。
 *
 *   DOM        el(标签, 属性, 文字)、button(文字, 处理函数, 附加类名)、required(根元素, 选择器, 组件名)、
 *              readJSON(根元素, 属性名, 组件名)、pageTitle()
 *   存储        createStore(取后端)：读写都包在 try 里，坏值、别的程序写的值都不会抛错；
 *              写不进去（隐私模式、配额用尽）时改存内存，persistent 变为 false。
 *              loadJSON(键, 解析函数, 备份键)：解析不了的值另存到备份键后删除，从空白开始。
 *              store（localStorage）与 session（sessionStorage）是全站共用的两个实例。
 *   下载        download(文件名, 文字, MIME)：Blob 下载，file:// 下也可用，不联网。
 *              stamp()：页脚构建标记里的版本、提交号和构建日期，每份导出都带上。
 *   动作        announce(组件, 动作, 文字)：在 document 上发出 handbook:action 事件（事件记录页收集），
 *              没有人听也无妨。
 *   时间        pad、isTime、toLocalIso、toLocalMinute、formatTime、localToday
 *   文字        collapse、normaliseText、fnv1a、escapeMarkdown、tableCell、fence
 *   页面        siteRoot、pageId()、pageIdFromUrl(地址, 站点根)
 *   记录        provide(元素, 取记录函数)、recordIn(容器)：一个组件把可导出的记录交给另一个组件，
 *              不必知道对方的类名和存储键。
 *   启动        register({name, selector, mount(root, ctx)})：核心只订阅一次 Material 的 document$
 *              （没有它时等 DOMContentLoaded），每次换页给每个匹配、尚未挂载的元素调用 mount。
 *              mount 抛错时在控制台报错（写明组件和页面），不影响其他组件。
 *
 * 浏览器中挂在 window.HandbookCore 上；在 Node 中 require 本文件得到同一组函数（没有 DOM 的部分）。
 */
(function (global) {
  "use strict";

  // ------------------------------------------------------------------ 文字

  function collapse(text) {
    return String(text == null ? "" : text).replace(/\s+/g, " ").trim();
  }

  // 空白与标点：改它们不改变文字的意思，算编号时去掉。全角字母数字与全角标点先由 NFKC 统一成半角。
  const IGNORED = new RegExp(
    "[\\s\\u0021-\\u002f\\u003a-\\u0040\\u005b-\\u0060\\u007b-\\u007e" +
      "\\u00a1\\u00a7\\u00ab\\u00b6\\u00b7\\u00bb\\u00bf\\u2000-\\u206f\\u2190-\\u21ff" +
      "\\u2e00-\\u2e7f\\u3000-\\u3004\\u3008-\\u3020\\u3030\\u303d-\\u303f\\ufe10-\\ufe19" +
      "\\ufe30-\\ufe6f\\ufeff\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65]",
    "g"
  );

  function normaliseText(text) {
    return String(text == null ? "" : text).normalize("NFKC").toLowerCase().replace(IGNORED, "");
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

  /** Markdown 行内文字：换行变空格，反斜杠转义会被当成格式或 HTML 的字符。 */
  function escapeMarkdown(text) {
    return String(text == null ? "" : text)
      .replace(/\r\n?|\n/g, " ")
      .replace(/([\\`*_[\]<>])/g, "\\$1");
  }

  /** Markdown 表格的一格：在行内转义之外再转义竖线。 */
  function tableCell(text) {
    return escapeMarkdown(text).replace(/\|/g, "\\|");
  }

  /** 用比正文里最长的反引号串更长的围栏包住多行文字，原样保留。 */
  function fence(text) {
    const runs = String(text).match(/`+/g) || [];
    const longest = runs.reduce((max, run) => Math.max(max, run.length), 0);
    const marks = "`".repeat(Math.max(3, longest + 1));
    return marks + "text\n" + String(text).replace(/\r\n?/g, "\n") + "\n" + marks;
  }

  // ------------------------------------------------------------------ 时间

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function isTime(value) {
    return typeof value === "string" && value !== "" && !isNaN(Date.parse(value));
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

  /** 本地日期，如 2026-11-28。 */
  function localToday(now) {
    const date = now || new Date();
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  // ------------------------------------------------------------------ 页面路径

  /** 站点内的页面路径：目录式网址与离线版（.html）得到同一个结果。 */
  function pageIdFromUrl(href, rootHref) {
    const strip = (url) => String(url || "").split("#")[0].split("?")[0];
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

  // ------------------------------------------------------------------ 存储

  const PROBE_KEY = "handbook:probe";

  function isQuotaError(err) {
    return !!err && (err.name === "QuotaExceededError" || err.name === "NS_ERROR_DOM_QUOTA_REACHED" ||
      err.code === 22 || err.code === 1014);
  }

  /**
   * 包装 localStorage 或 sessionStorage：getBackend() 抛错（被禁用）或写入抛错（配额、隐私模式）时退回内存。
   * persistent 为 false 时，reason 是 "unavailable" 或 "quota"。任何读写都不会抛错。
   */
  function createStore(getBackend) {
    const memory = new Map();
    const listeners = [];
    let backend = null;
    let reason = null;

    function setReason(next) {
      if (next === reason) return;
      reason = next;
      listeners.forEach((fn) => {
        try {
          fn(reason);
        } catch (err) {
          report("存储", err);
        }
      });
    }

    try {
      backend = getBackend();
      if (!backend) throw new Error("no storage");
      backend.setItem(PROBE_KEY, "1");
      backend.removeItem(PROBE_KEY);
    } catch (err) {
      reason = isQuotaError(err) ? "quota" : "unavailable";
      if (reason === "unavailable") backend = null;
    }

    const store = {
      get persistent() {
        return reason === null;
      },
      get reason() {
        return reason;
      },
      onStatus(fn) {
        listeners.push(fn);
      },
      /** 原始字符串；没有这个键或读不了时返回 null。 */
      read(key) {
        if (memory.has(key)) return memory.get(key);
        if (backend) {
          try {
            const value = backend.getItem(key);
            return typeof value === "string" ? value : null;
          } catch (err) {
            setReason("unavailable");
          }
        }
        return null;
      },
      /** 写入；写不进 localStorage 时返回 false（值仍留在内存里）。 */
      write(key, value) {
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
      remove(key) {
        memory.delete(key);
        if (backend) {
          try {
            backend.removeItem(key);
          } catch (err) {
            setReason("unavailable");
          }
        }
      },
      /** 别的标签页改了这个键：丢掉内存里的旧值，下次从存储读。 */
      forget(key) {
        memory.delete(key);
      },
      /**
       * 读一个 JSON 值并交给 parse(原始字符串) 检查；parse 返回 {status: "empty"|"ok"|"corrupt", ...}。
       * 解析不了（parse 自己抛错也算）的值另存到 backupKey 后删除，返回的结果里 status 为 "corrupt"、
       * raw 是原始字符串。parse 必须在 corrupt 时也给出可用的空白状态。
       */
      load(key, parse, backupKey) {
        const raw = store.read(key);
        let result;
        try {
          result = parse(raw);
        } catch (err) {
          result = parse(null);
          result.status = "corrupt";
        }
        result.raw = raw;
        if (result.status === "corrupt" && raw !== null) {
          if (backupKey) store.write(backupKey, raw);
          store.remove(key);
        }
        return result;
      },
    };
    return store;
  }

  /** 安全地 JSON.parse：失败时返回 fallback。 */
  function parseJSON(raw, fallback) {
    if (typeof raw !== "string") return fallback;
    try {
      return JSON.parse(raw);
    } catch (err) {
      return fallback;
    }
  }

  // ------------------------------------------------------------------ 启动登记（Node 中也可测）

  const widgets = [];
  let mounted = typeof WeakSet !== "undefined" ? new WeakSet() : null;
  const consoleRef = typeof console !== "undefined" ? console : null;

  function currentPage() {
    try {
      return global.location ? pageIdFromUrl(global.location.href, siteRoot) : "（未知页面）";
    } catch (err) {
      return "（未知页面）";
    }
  }

  function report(name, err) {
    if (consoleRef) consoleRef.error("组件“" + name + "”在页面 " + currentPage() + " 上出错：", err);
  }

  /** 登记一个组件：{name, selector, mount(root, ctx)}。 */
  function register(widget) {
    if (!widget || typeof widget.name !== "string" || typeof widget.selector !== "string" ||
        typeof widget.mount !== "function") {
      throw new Error("register() 需要 {name, selector, mount}");
    }
    widgets.push(widget);
    return widget;
  }

  /** 在 scope 里给每个匹配、尚未挂载的元素挂上组件。返回本次挂载的个数。 */
  function mountAll(scope) {
    const where = scope || (global.document || null);
    if (!where) return 0;
    let count = 0;
    widgets.forEach((widget) => {
      let roots;
      try {
        roots = Array.prototype.slice.call(where.querySelectorAll(widget.selector));
      } catch (err) {
        report(widget.name, err);
        return;
      }
      roots.filter((root) => !mounted.has(root)).forEach((root, index) => {
        mounted.add(root);
        try {
          widget.mount(root, { name: widget.name, page: currentPage(), index: index });
          count += 1;
        } catch (err) {
          report(widget.name, err);
        }
      });
    });
    return count;
  }

  /** 只供测试：清空登记。 */
  function resetRegistry() {
    widgets.length = 0;
    mounted = new WeakSet();
  }

  // ------------------------------------------------------------------ 记录提供者

  const providers = [];

  /** 组件把“取可导出记录”的函数挂在自己的根元素上。 */
  function provide(node, fn) {
    providers.push({ node: node, fn: fn });
  }

  /** 容器里第一个提供记录的组件的记录；没有时返回 null。 */
  function recordIn(container) {
    for (let i = providers.length - 1; i >= 0; i--) {
      if (!providers[i].node.isConnected) providers.splice(i, 1);
    }
    const found = providers.filter((p) => container.contains(p.node))[0];
    return found ? found.fn() : null;
  }

  const api = {
    collapse, normaliseText, fnv1a, escapeMarkdown, tableCell, fence,
    pad, isTime, toLocalIso, toLocalMinute, formatTime, localToday,
    pageIdFromUrl, PROBE_KEY, isQuotaError, createStore, parseJSON,
    register, mountAll, resetRegistry, report, provide, recordIn,
  };

  // ------------------------------------------------------------------ 浏览器部分

  const inBrowser = typeof window !== "undefined" && typeof document !== "undefined";
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (!inBrowser) return;
  if (global.HandbookCore) return; // 已加载过

  /** 站点根目录：由本脚本自己的地址推出（assets/javascripts/core.js 的上两级）。 */
  const siteRoot = (function () {
    const script = document.currentScript;
    if (script && script.src) {
      const match = script.src.match(/^(.*\/)assets\/javascripts\/core\.js(?:[?#].*)?$/);
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

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((name) => {
      if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Material 样式的按钮：<button type="button" class="md-button 附加类名">。 */
  function button(label, handler, extra) {
    const node = el("button", { type: "button", className: "md-button" + (extra ? " " + extra : "") }, label);
    if (handler) node.addEventListener("click", handler);
    return node;
  }

  /** 组件必需的、由构建生成的标记；缺了就抛出写明组件和页面的错误（不悄悄失效）。 */
  function required(root, selector, widgetName) {
    const node = root.querySelector(selector);
    if (!node) {
      throw new Error("组件“" + widgetName + "”在页面 " + currentPage() + " 上缺少构建生成的标记：" + selector);
    }
    return node;
  }

  /** 读根元素上的 JSON 属性；没有或解析不了时抛出写明组件和页面的错误。 */
  function readJSON(root, attr, widgetName) {
    const raw = root.getAttribute(attr);
    try {
      if (raw === null) throw new Error("没有这个属性");
      return JSON.parse(raw);
    } catch (err) {
      throw new Error("组件“" + widgetName + "”在页面 " + currentPage() + " 上的 " + attr + " 属性无法读取：" +
        err.message);
    }
  }

  function pageTitle() {
    const heading = document.querySelector(".md-content h1") || document.querySelector("h1");
    if (heading) {
      const copy = heading.cloneNode(true);
      copy.querySelectorAll(".headerlink").forEach((node) => node.remove());
      const text = collapse(copy.textContent);
      if (text) return text;
    }
    return collapse(document.title);
  }

  function download(name, text, mime) {
    const blob = new Blob([text], { type: (mime || "text/plain") + ";charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name, hidden: "" });
    document.body.appendChild(link);
    link.click();
    setTimeout(() => {
      URL.revokeObjectURL(url);
      link.remove();
    }, 1000);
  }

  /** 本页由哪个版本构建（页脚 .hb-build 的 data-* 属性）；缺了就是空字符串，导出照常进行。 */
  function stamp() {
    const data = (document.querySelector(".hb-build") || { dataset: {} }).dataset;
    return { version: data.version || "", commit: data.commit || "", build_date: data.buildDate || "" };
  }

  function announce(widget, kind, text) {
    const detail = { widget, kind, text: collapse(text), page: currentPage(), at: toLocalIso(new Date()) };
    document.dispatchEvent(new CustomEvent("handbook:action", { detail }));
  }

  const store = createStore(() => window.localStorage);
  const session = createStore(() => window.sessionStorage);

  function boot() {
    mountAll(document);
  }

  // 换页时 Material 的 document$ 发出新文档；没有 Material（或它没加载）时只在 DOMContentLoaded 后挂载一次。
  // extra_javascript 排在 Material 的脚本之后，但各组件的文件排在本文件之后：推迟到本轮脚本都执行完再订阅。
  function subscribe() {
    const doc$ = global.document$;
    if (doc$ && typeof doc$.subscribe === "function") doc$.subscribe(boot);
    else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
    else boot();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", subscribe);
  else setTimeout(subscribe, 0);

  global.HandbookCore = Object.assign({}, api, {
    siteRoot, pageId: currentPage, el, button, required, readJSON, pageTitle, download, stamp, announce, store, session,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
