// 站内搜索的 worker：替换 Material for MkDocs 的 lunr worker，界面（搜索框、结果列表、?h= 高亮）仍是 Material 的。
// 协议：{type: 0 SETUP, data: {config, docs, options}} → {type: 1 READY}；
//       {type: 2 QUERY, data: "查询"} → {type: 3 RESULT, data: {items: Doc[][], total: 页数}}。
// 构建钩子（macros/hooks/search.py）把索引建好，写成 search/handbook-index.<摘要>.json（离线包是 .js），
// search_index.json 里只留配置和这个文件名（config.handbook.index）：主线程不再解析、复制整个索引。
// 这里在 Worker 里载入、解析它，页面不卡：.json 用 fetch（下载的同时预热分词器），.js 用 importScripts——
// 离线包从 file:// 打开时没有 fetch，iframe-worker 的 importScripts 同样能载入。
// 本文件只管消息和载入；文字处理、查询分词、索引与排序在同目录的 search-text.js、search-query.js、search-index.js。
// Node 里可 require（tests/js/search.test.js）。
/* global importScripts */
(() => {
  "use strict";
  const MSG = { SETUP: 0, READY: 1, QUERY: 2, RESULT: 3 };
  const MODULES = ["search-text.js", "search-query.js", "search-index.js"];
  // 本脚本所在的网址：真正的 Worker 里是 self.location；iframe-worker（file://）里脚本在 iframe 中运行，
  // self.location 是页面的地址，要用 currentScript
  const script = typeof document === "object" && document.currentScript ? document.currentScript.src : "";
  const here = () => script || String(self.location.href);
  /** 载入同源脚本：真正的 Worker 里 importScripts 同步执行，iframe-worker 里返回 Promise；两种都等到载完。 */
  const load = (...paths) => new Promise((resolve) => resolve(importScripts(...paths.map((p) => new URL(p, here()).href))));
  /** 索引文件名（相对站点根目录）→ 相对本脚本（assets/javascripts/workers/）的路径；只接受 search/ 下的文件。 */
  const indexPath = (name) => (typeof name === "string" && /^search\/[\w.-]+\.js(on)?$/.test(name) && !name.includes("..")
    ? "../../../" + name : null);

  /** 处理一条消息，返回要发回的消息（不认识的消息返回 null）。state 保存建好的索引。 */
  function handleMessage(message, state, opts, engine) {
    const { createIndex } = engine;
    if (!message || typeof message !== "object") return null;
    if (message.type === MSG.SETUP) {
      try { state.index = createIndex(message.data, opts); } catch (err) { state.index = createIndex({}, opts); }
      state.suggest = Boolean(message.data && message.data.options && message.data.options.suggest);
      return { type: MSG.READY };
    }
    if (message.type !== MSG.QUERY) return null;
    let data = { items: [], total: 0 };
    try {
      if (state.index) data = state.index.search(message.data);
    } catch (err) { /* 查询出错：给空结果，不让搜索框卡住 */ }
    if (state.suggest) data.suggest = [];
    return { type: MSG.RESULT, data };
  }

  /** SETUP 的数据里只有配置时，载入构建好的索引（config.handbook.index），放进 data.compact。 */
  function withIndex(data) {
    const config = data && typeof data === "object" && data.config && typeof data.config === "object" ? data.config : {};
    const path = indexPath(config.handbook && config.handbook.index);
    if (!path || (Array.isArray(data.docs) && data.docs.length)) return Promise.resolve(data);
    const loaded = path.endsWith(".json")
      ? fetch(new URL(path, here()).href).then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      : load(path).then(() => self.__hbSearchIndex);
    self.HandbookSearchQuery.warmUp();
    // 索引载不进来：按空索引处理，搜索框给“没有结果”而不是卡住
    return loaded.then((compact) => Object.assign({}, data, { compact }), () => data).finally(() => { delete self.__hbSearchIndex; });
  }

  if (typeof module === "object" && module.exports) {
    const engine = require("./search-index.js");
    const text = require("./search-text.js");
    module.exports = { MSG, engine, createIndex: engine.createIndex, escapeHTML: text.escapeHTML, plainText: text.plainText,
      indexPath, handleMessage: (message, state, opts) => handleMessage(message, state, opts, engine) };
    return;
  }
  const state = { index: null };
  // 消息按到达的顺序处理：模块和索引载完之前到的查询排在后面
  let queue = load(...MODULES);
  self.addEventListener("message", (event) => {
    const message = event.data;
    queue = queue.then(() => (message && message.type === MSG.SETUP ? withIndex(message.data) : null)).then((data) => {
      const reply = handleMessage(data ? Object.assign({}, message, { data }) : message, state, undefined, self.HandbookSearchIndex);
      if (reply) self.postMessage(reply);
    }).catch(() => undefined);
  });
})();
