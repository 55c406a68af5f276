/*
 * 整页导出：一个操作把本页每张检查单的记录导出成一个文件（Markdown 或 JSON）；打印一张检查单。
 *
 *   JSON（data/schemas/checklist-page.schema.json）：
 *     {"schema": 1, "kind": "checklist-page",
 *      "handbook": {"version", "commit", "build_date"},        手册的构建标记（core.js 的 stamp()）
 *      "page": {"path", "title", "url"}, "exported_at": "<本地时间 ISO，带时区>",
 *      "checklists": [<单张检查单的导出，与“导出 JSON”相同（data/schemas/checklist.schema.json）>]}
 *   Markdown：开头写页面、导出时间、手册版本和总进度，每张检查单一节（## 检查单名称）。
 *   文件名：<页面路径>-checklists-<导出时间>.md / .json
 *
 * 本页有两张及以上检查单时，最后一张检查单下面出现“本页全部检查单”一栏（checklist.js 挂载时调用 place()）。
 * 检查单在别的组件里（如演练控制台的评估检查单）时，这一栏放在那个组件的整块后面，不放进组件里面；
 * 导出时不含此刻隐藏着的检查单（如没有选中的演练场景的评估检查单）。
 * 纯逻辑在 Node 中 require 本文件可得；浏览器中挂在 window.HandbookChecklistExport 上。
 */
(function (global) {
  "use strict";

  const inNode = typeof module !== "undefined" && module.exports;
  const H = inNode ? require("./core.js") : global.HandbookCore;
  const S = inNode ? require("./checklist-state.js") : global.HandbookChecklistState;
  const { collapse, escapeMarkdown, formatTime, toLocalIso } = H;

  const PAGE_SCHEMA = 1;
  const KIND = "checklist-page";

  /** input: {handbook, page: {path, title, url}, records: [单张导出], now} */
  function buildPageBundle(input) {
    const page = input.page || {};
    return {
      schema: PAGE_SCHEMA,
      kind: KIND,
      handbook: S.sanitizeStamp(input.handbook),
      page: { path: String(page.path || ""), title: collapse(page.title), url: String(page.url || "") },
      exported_at: toLocalIso(input.now || new Date()),
      checklists: (input.records || []).slice(),
    };
  }

  function pageToMarkdown(bundle) {
    let done = 0;
    let total = 0;
    bundle.checklists.forEach((rec) => {
      done += rec.progress.done;
      total += rec.progress.total;
    });
    const lines = [
      "# 执行记录：" + escapeMarkdown(bundle.page.title) + "（本页全部检查单）",
      "",
      "- 页面：" + escapeMarkdown(bundle.page.title) + "（" + escapeMarkdown(bundle.page.path) + "）",
      "- 导出时间：" + formatTime(bundle.exported_at),
      S.handbookLine(bundle.handbook),
      "- 检查单：共 " + bundle.checklists.length + " 张；已完成 " + done + " 项，共 " + total + " 项",
      "",
    ];
    bundle.checklists.forEach((rec) => {
      lines.push(S.toMarkdown(rec, 2));
    });
    return lines.join("\n");
  }

  function pageFileName(bundle, ext) {
    const stamp = String(bundle.exported_at).slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
    const page = String(bundle.page.path).replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "page";
    return page + "-checklists-" + stamp + "." + ext;
  }

  const pure = { PAGE_SCHEMA, KIND, buildPageBundle, pageToMarkdown, pageFileName };
  if (inNode) {
    module.exports = pure;
    return;
  }
  if (typeof window === "undefined" || typeof document === "undefined" || global.HandbookChecklistExport) return;

  // ------------------------------------------------------------------ 浏览器部分

  let bar = null;

  /** 本页全部检查单的导出内容；instances 是 checklist.js 的实例（各有 root、record()）。 */
  function collect(instances) {
    return buildPageBundle({
      handbook: H.stamp(),
      page: { path: H.pageId(), title: H.pageTitle(), url: location.href.split("#")[0] },
      records: instances.filter((instance) => !instance.root.closest("[hidden]")).map((instance) => instance.record()),
      now: new Date(),
    });
  }

  /** 正文里包含这张检查单的最外一块（检查单直接写在正文里时就是它自己）。 */
  function outermost(root) {
    const content = root.closest(".md-content__inner");
    let node = root;
    while (content && node.parentElement && node.parentElement !== content) node = node.parentElement;
    return node;
  }

  function build(ui, current) {
    const node = H.el("div", { className: "hb-checklist-page", role: "group", "aria-labelledby": "hb-checklist-page-title" });
    node.appendChild(H.el("p", { className: "hb-checklist-page__title", id: "hb-checklist-page-title" }, ui.page_title));
    node.appendChild(H.el("p", { className: "hb-checklist-page__help" }, ui.page_help));
    const row = H.el("div", { className: "hb-checklist__actions" });
    row.appendChild(H.button(ui.page_markdown, () => {
      const data = collect(current());
      H.download(pageFileName(data, "md"), pageToMarkdown(data), "text/markdown");
    }, "hb-checklist-page__markdown"));
    row.appendChild(H.button(ui.page_json, () => {
      const data = collect(current());
      H.download(pageFileName(data, "json"), JSON.stringify(data, null, 2) + "\n", "application/json");
    }, "hb-checklist-page__json"));
    node.appendChild(row);
    return { node: node };
  }

  /**
   * 本页有两张及以上检查单时，把“本页全部检查单”一栏放在最后一张后面（每挂载一张调用一次，幂等）。
   * current() 返回本页此刻的检查单实例。
   */
  function place(ui, current) {
    const instances = current();
    if (bar && !bar.node.isConnected) bar = null;
    if (instances.length < 2) {
      if (bar) bar.node.remove();
      bar = null;
      return;
    }
    if (!bar) bar = build(ui, current);
    const last = outermost(instances[instances.length - 1].root);
    if (last.nextElementSibling !== bar.node) last.after(bar.node);
  }

  /** “打印本检查单”：打印时只留页面标题和这一张检查单（样式在 checklist.css 的 .hb-print-one）。 */
  function printOne(root) {
    const body = document.body;
    body.classList.add("hb-print-one");
    root.classList.add("hb-checklist--printing");
    const done = () => {
      body.classList.remove("hb-print-one");
      root.classList.remove("hb-checklist--printing");
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
    done();
  }

  global.HandbookChecklistExport = Object.assign({ place: place, collect: collect, printOne: printOne }, pure);
})(typeof globalThis !== "undefined" ? globalThis : this);
