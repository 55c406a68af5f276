/*
 * 检查单开在两个标签页（或窗口）里时，执行记录的文字（执行人、编号、开始时间、备注）怎样同步。
 *
 *   勾选：每次勾选前重新读存储，只改这一项，所以两边的勾选都保留；别的标签页的勾选经 storage 事件即时显示。
 *   文字：每个输入框记着“上次与存储一致时的值”（base）。
 *     - 本页输入时，存储里的值仍是 base（别人没改过），或正好等于本页的值：照常保存。
 *     - 别的标签页在此期间改过（存储 ≠ base，也 ≠ 本页）：不覆盖对方，本页的文字留在输入框里，
 *       旁边显示对方保存的文字，由用户选“保留这里的”“改用另一个的”或“合并两份”。两份都不丢。
 *     - 收到别的标签页的改动时：本页没有未保存的输入（输入框 = base）就直接换成新值；否则同样显示冲突。
 *     - 输入法拼写中（拼音还没选字）不保存也不换值，选完字时按上面的规则保存或显示冲突。
 *   冲突没解决时，本页的文字另存在 sessionStorage（handbook:checklist:draft:<页面>:<检查单>），
 *   刷新本页后冲突仍在；关闭标签页前浏览器会先询问。
 *
 * 纯逻辑（reconcile、mergeText、parseDraft、fill）在 Node 中 require 本文件可得；
 * 浏览器部分 RecordGuard 由 checklist.js 使用，挂在 window.HandbookChecklistSync 上。
 */
(function (global) {
  "use strict";

  const RECORD_FIELDS = ["operator", "ticket", "start", "notes"];

  /** 本页的值 local、上次一致的值 base、存储里的值 remote → "same"、"apply"（换成 remote）或 "conflict"。 */
  function reconcile(local, base, remote) {
    if (local === remote) return "same";
    if (local === base) return "apply";
    return "conflict";
  }

  function lines(text) {
    return String(text).replace(/\r\n?/g, "\n").split("\n");
  }

  /** 合并两份文字：本页的在前，另一份里本页没有的行接在后面；一份包含另一份时取长的那份。 */
  function mergeText(local, remote) {
    const mine = String(local == null ? "" : local);
    const theirs = String(remote == null ? "" : remote);
    if (!theirs.trim() || mine.indexOf(theirs) !== -1) return mine;
    if (!mine.trim() || theirs.indexOf(mine) !== -1) return theirs;
    const have = new Set(lines(mine).map((line) => line.trim()));
    const extra = lines(theirs).filter((line) => line.trim() && !have.has(line.trim()));
    return extra.length ? mine.replace(/\s+$/, "") + "\n" + extra.join("\n") : mine;
  }

  function draftKey(pageId, checklistId) {
    return "handbook:checklist:draft:" + pageId + ":" + checklistId;
  }

  /** sessionStorage 里的草稿：只认执行记录的四个字段、字符串值；坏值当作没有。 */
  function parseDraft(raw) {
    const clean = {};
    let data = null;
    try {
      data = raw == null ? null : JSON.parse(raw);
    } catch (err) {
      data = null;
    }
    if (data && typeof data === "object" && !Array.isArray(data)) {
      RECORD_FIELDS.forEach((name) => {
        if (typeof data[name] === "string") clean[name] = data[name];
      });
    }
    return clean;
  }

  /** 把 {name} 换成 values 里的值（data/widget_text.yml 的文字模板）。 */
  function fill(template, values) {
    return String(template).replace(/\{([a-z_]+)\}/g, (whole, name) => {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  const pure = { RECORD_FIELDS, reconcile, mergeText, draftKey, parseDraft, fill };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = pure;
    return;
  }
  if (typeof window === "undefined" || typeof document === "undefined" || global.HandbookChecklistSync) return;

  // ------------------------------------------------------------------ 浏览器部分

  const H = global.HandbookCore;
  const guards = [];

  /**
   * 一张检查单的执行记录输入框。options: {fields: {名称: 输入框}, labels: {名称: 显示名}, ui（文字）,
   * draftKey, mergeable: [可合并的字段], write(名称, 值)（把用户选定的值存进去）}。
   */
  class RecordGuard {
    constructor(options) {
      this.fields = options.fields;
      this.labels = options.labels;
      this.ui = options.ui;
      this.draftKey = options.draftKey;
      this.mergeable = options.mergeable || [];
      this.write = options.write;
      this.base = {};
      this.conflicts = {};
      this.composing = {};
      RECORD_FIELDS.forEach((name) => {
        this.base[name] = "";
        this.fields[name].addEventListener("compositionstart", () => {
          this.composing[name] = true;
        });
        this.fields[name].addEventListener("compositionend", () => {
          this.composing[name] = false;
        });
      });
      for (let i = guards.length - 1; i >= 0; i--) {
        if (!guards[i].fields.notes.isConnected) guards.splice(i, 1); // 即时导航换走的页面
      }
      guards.push(this);
    }

    /** 本页输入后、保存前调用：stored 是存储里此刻的值。返回 true 表示可以保存。 */
    mayWrite(name, value, stored) {
      if (stored === this.base[name] || stored === value) {
        this.base[name] = value;
        this.clear(name);
        return true;
      }
      this.show(name, stored);
      return false;
    }

    /** 存储里的记录（读入、别的标签页改动、本页保存后）与输入框对齐。 */
    sync(record) {
      RECORD_FIELDS.forEach((name) => {
        const field = this.fields[name];
        const remote = record[name];
        if (this.composing[name]) return; // 拼写完成时保存，那时再比较
        const verdict = reconcile(field.value, this.base[name], remote);
        if (verdict === "conflict") {
          this.show(name, remote);
          return;
        }
        if (verdict === "apply") setValue(field, remote);
        this.base[name] = remote;
        this.clear(name);
      });
    }

    /** 页面初始化时：上次刷新前没解决的冲突，把本页的文字放回输入框。 */
    restore(record) {
      const drafts = parseDraft(H.session.read(this.draftKey));
      Object.keys(drafts).forEach((name) => {
        if (drafts[name] !== record[name]) {
          this.fields[name].value = drafts[name];
          this.show(name, record[name]);
        }
      });
      this.saveDraft();
    }

    /** 清空检查单：输入框和 base 都回到空白，冲突作废（用户已确认清空）。 */
    reset() {
      RECORD_FIELDS.forEach((name) => {
        this.fields[name].value = "";
        this.base[name] = "";
        this.clear(name);
      });
    }

    pending() {
      return Object.keys(this.conflicts).length > 0;
    }

    show(name, remote) {
      let conflict = this.conflicts[name];
      if (!conflict) {
        conflict = this.conflicts[name] = this.panel(name);
        this.fields[name].closest(".hb-checklist__field").after(conflict.node);
      }
      conflict.remote = remote;
      conflict.text.textContent = remote === "" ? this.ui.conflict_empty : remote;
      this.saveDraft();
    }

    clear(name) {
      const conflict = this.conflicts[name];
      if (!conflict) return;
      const hadFocus = conflict.node.contains(document.activeElement);
      conflict.node.remove();
      delete this.conflicts[name];
      this.saveDraft();
      if (hadFocus) this.fields[name].focus();
    }

    panel(name) {
      const ui = this.ui;
      const field = this.fields[name];
      const id = field.id + "-conflict";
      const node = H.el("div", { className: "hb-checklist__conflict", role: "group", "aria-labelledby": id });
      node.appendChild(H.el("p", { className: "hb-checklist__conflict-title", id: id, role: "alert" },
        fill(ui.conflict_title, { field: this.labels[name] })));
      node.appendChild(H.el("p", {}, ui.conflict_text));
      node.appendChild(H.el("p", { className: "hb-checklist__conflict-label" }, ui.conflict_remote));
      const text = H.el("div", { className: "hb-checklist__conflict-remote" });
      node.appendChild(text);
      const row = H.el("div", { className: "hb-checklist__conflict-actions" });
      const choose = (label, pick) => row.appendChild(H.button(label, () => {
        const conflict = this.conflicts[name];
        this.resolve(name, pick(field.value, conflict ? conflict.remote : ""));
      }));
      choose(ui.conflict_keep, (mine) => mine);
      choose(ui.conflict_take, (mine, theirs) => theirs);
      if (this.mergeable.indexOf(name) !== -1) choose(ui.conflict_merge, mergeText);
      node.appendChild(row);
      return { node: node, text: text, remote: "" };
    }

    resolve(name, value) {
      setValue(this.fields[name], value);
      this.base[name] = value;
      this.write(name, value);
      this.clear(name);
      this.fields[name].focus();
    }

    saveDraft() {
      const names = Object.keys(this.conflicts);
      if (!names.length) {
        H.session.remove(this.draftKey);
        return;
      }
      const drafts = {};
      names.forEach((name) => {
        drafts[name] = this.fields[name].value;
      });
      H.session.write(this.draftKey, JSON.stringify(drafts));
    }

    /** 本页输入框里的文字变了（冲突期间用户继续输入）：草稿跟着更新。 */
    typed(name) {
      if (this.conflicts[name]) this.saveDraft();
    }
  }

  /** 换输入框的值；正在输入的框尽量保留光标位置。 */
  function setValue(field, value) {
    if (field.value === value) return;
    const focused = document.activeElement === field;
    let start = null;
    let end = null;
    try {
      start = field.selectionStart;
      end = field.selectionEnd;
    } catch (err) {
      start = null; // datetime-local 没有光标位置
    }
    field.value = value;
    if (focused && start !== null) {
      try {
        field.setSelectionRange(Math.min(start, value.length), Math.min(end, value.length));
      } catch (err) {
        // 不支持选区的输入框
      }
    }
  }

  // 有没解决的冲突时，关闭或离开本页前让浏览器先问一句（草稿只在本标签页的 sessionStorage 里）。
  window.addEventListener("beforeunload", (event) => {
    if (guards.some((guard) => guard.fields.notes.isConnected && guard.pending())) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  global.HandbookChecklistSync = Object.assign({ RecordGuard: RecordGuard }, pure);
})(typeof globalThis !== "undefined" ? globalThis : this);
