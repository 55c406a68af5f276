/*
 * 事件记录页的合并区（宏 incident_record_merge）：导入任意多份从各台设备导出的 JSON（事件记录、检查单、
 * 一页的全部检查单、演练记录），和本设备的事件记录合并成一条时间线，列出勾选冲突，导出复盘初稿
 * （Markdown）和合并后的 JSON。合并逻辑在 record-merge.js。
 *
 *   sessionStorage 键 handbook:incident:merge:v1：本标签页已导入的文件 [{"file": 文件名, "raw": 原文}]，
 *   刷新后仍在，关闭标签页后清空。导入的文件只读，不改本设备的事件记录。
 *   坏文件、别的程序的文件：写明文件名和原因，不导入；已导入的文件和本设备的记录都不变。
 */
(function () {
  "use strict";
  const H = window.HandbookCore;
  const S = window.HandbookIncidentState;
  const M = window.HandbookRecordMerge;
  const NAME = "记录合并";
  const KEY = "handbook:incident:merge:v1";
  const BACKUP = "handbook:incident:merge:backup";

  function parseImports(raw) {
    if (raw === null) return { status: "empty", files: [] };
    const data = H.parseJSON(raw, null);
    if (!Array.isArray(data)) return { status: "corrupt", files: [] };
    return { status: "ok", files: data.filter((f) => f && typeof f.file === "string" && typeof f.raw === "string") };
  }

  function mount(root) {
    const data = H.readJSON(root, "data-merge", NAME);
    const all = data.text;
    const T = all.merge;
    const labels = {};
    Object.keys(data.levels).forEach((k) => {
      labels[k] = data.levels[k].label + " " + data.levels[k].name;
    });
    const nojs = root.querySelector(".hb-record__nojs");
    if (nojs) nojs.hidden = true;

    const help = H.el("p", {}, T.help);
    const input = H.el("input", { type: "file", id: "hb-merge-files", accept: ".json,application/json", multiple: "" });
    const pick = H.el("div", { className: "hb-record__buttons" });
    pick.appendChild(H.el("label", { for: "hb-merge-files", className: "hb-merge__label" }, T.choose));
    pick.appendChild(input);
    const clear = H.button(T.clear, () => {
      files = [];
      save();
      messages.textContent = "";
      redraw();
      input.focus();
    });
    pick.appendChild(clear);
    const messages = H.el("ul", { className: "hb-merge__messages", "aria-live": "polite" });
    const sourceList = H.el("ul", { className: "hb-merge__sources" });
    const timelineHeading = H.el("h3", {});
    const timeline = H.el("ol", { className: "hb-record__log hb-merge__timeline" });
    const conflictsHeading = H.el("h3", {}, T.conflicts_heading);
    const conflicts = H.el("ul", { className: "hb-merge__conflicts" });
    const exportButtons = H.el("div", { className: "hb-record__buttons hb-merge__export" });
    exportButtons.appendChild(H.button(T.export_review, () => exportAs("md")));
    exportButtons.appendChild(H.button(T.export_json, () => exportAs("json")));
    [help, pick, messages, sourceList, timelineHeading, timeline, conflictsHeading, conflicts, exportButtons]
      .forEach((n) => root.appendChild(n));

    let files = H.session.load(KEY, parseImports, BACKUP).files;
    let merged = null;

    function save() {
      H.session.write(KEY, JSON.stringify(files));
    }

    function say(text, kind) {
      messages.appendChild(H.el("li", { className: "hb-merge__message hb-merge__message--" + kind }, text));
    }

    function local() {
      const own = document.querySelector(".hb-record");
      const rec = own ? H.recordIn(own) : null;
      if (!rec || !rec.incident || !rec.incident.id) return null;
      return M.localSource(rec.incident, rec.device, T.local);
    }

    function sources() {
      const list = [];
      const mine = local();
      if (mine) list.push(mine);
      files.forEach((f) => {
        try {
          const got = M.readFile(f.file, f.raw, T);
          if (got.source) list.push(got.source);
        } catch (err) {
          // 已保存的文件在导入时检查过；读不了的（手册升级后格式变了）跳过
        }
      });
      return list;
    }

    function originText(origins) {
      return origins.map(M.originLabel).join("、");
    }

    function redraw() {
      const list = sources();
      merged = M.merge(list);
      sourceList.textContent = "";
      if (!list.length) sourceList.appendChild(H.el("li", {}, T.none));
      list.forEach((s) => {
        sourceList.appendChild(H.el("li", {}, S.fill(T.imported, { file: s.file, kind: (T.kinds || {})[s.kind] || s.kind,
          count: s.entries.length })));
      });
      timelineHeading.textContent = S.fill(T.timeline_heading, { count: merged.entries.length });
      timeline.textContent = "";
      merged.entries.forEach((e) => {
        const li = H.el("li", { className: "hb-record__item" });
        li.appendChild(H.el("time", { datetime: H.toLocalIso(e.at) }, H.formatTime(e.at)));
        li.appendChild(H.el("span", { className: "hb-record__who" }, originText(e.origins)));
        li.appendChild(H.el("span", { className: "hb-record__text" }, (e.offset ? e.offset + " " : "") + e.text));
        timeline.appendChild(li);
      });
      conflicts.textContent = "";
      conflictsHeading.hidden = !merged.conflicts.length;
      merged.conflicts.forEach((c) => conflicts.appendChild(H.el("li", {}, M.conflictText(c, T))));
      exportButtons.hidden = !list.length;
      clear.hidden = !files.length;
    }

    function addFile(name, raw) {
      let got;
      try {
        got = M.readFile(name, raw, T);
      } catch (err) {
        say(M.problemText(name, err, T), "error");
        return;
      }
      if (got.skipped) {
        say(S.fill(T.skipped, { file: name }), "info");
        return;
      }
      const twin = files.filter((f) => H.fnv1a(f.raw) === got.source.fingerprint)[0];
      if (twin) {
        say(S.fill(T.duplicate, { file: name, other: twin.file }), "info");
        return;
      }
      files.push({ file: name, raw: raw });
      say(S.fill(T.imported, { file: name, kind: (T.kinds || {})[got.source.kind] || got.source.kind,
        count: got.source.entries.length }), "ok");
    }

    input.addEventListener("change", () => {
      const chosen = Array.prototype.slice.call(input.files || []);
      messages.textContent = "";
      let chain = Promise.resolve();
      chosen.forEach((file) => {
        chain = chain.then(() => {
          if (file.size > M.MAX_MB * 1024 * 1024) {
            say(M.problemText(file.name, { problem: "too_big", values: { limit: M.MAX_MB } }, T), "error");
            return null;
          }
          return file.text().then((raw) => addFile(file.name, raw), () => addFile(file.name, null));
        });
      });
      chain.then(() => {
        save();
        redraw();
        input.value = "";
        root.classList.add("hb-record-merge--imported");
      });
    });

    function exportAs(ext) {
      if (!merged) return;
      const rec = M.buildExport(merged, { now: Date.now(), stamp: H.stamp(),
        device: (window.HandbookIncidentLog || { device: () => ({ id: "", who: "" }) }).device(), labels: labels });
      if (ext === "json") H.download(M.fileName(rec, "json"), JSON.stringify(rec, null, 2) + "\n", "application/json");
      else H.download(M.fileName(rec, "md"), M.toMarkdown(merged, all, labels), "text/markdown");
    }

    const onRecord = () => {
      if (root.isConnected) redraw();
      else document.removeEventListener("handbook:incident-record", onRecord);
    };
    document.addEventListener("handbook:incident-record", onRecord);
    redraw();
    root.classList.add("hb-record-merge--ready");
  }

  H.register({ name: NAME, selector: ".hb-record-merge", mount: mount });
})();
