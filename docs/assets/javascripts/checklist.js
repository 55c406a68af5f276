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
 * 二、保存：保存格式、迁移和导出格式的纯逻辑在 checklist-state.js（说明也在那里）。
 *   浏览器不让保存（隐私模式、配额用尽）时改存内存，并在检查单上提示“刷新后不会保留”。
 *   同一检查单开在两个标签页里时，通过 storage 事件保持一致：勾选即时同步；执行记录的文字不会
 *   悄悄覆盖另一个标签页正在输入的内容，两边都改了时显示冲突，由用户选择或合并（checklist-sync.js）。
 *   本页有两张及以上检查单时，最后一张下面可以一次导出全部（checklist-export.js）。
 *   每次勾选或取消、每次改完备注，发出 HandbookCore.announce("checklist", "tick"|"untick"|"note", 文字)。
 *
 * 三、接口：window.HandbookChecklist = {enhance(根元素), instances()}
 *
 *   每个实例有 record()（导出用的记录对象）、exportMarkdown()、exportJSON()、reset()；
 *   record() 还通过 HandbookCore.provide() 交给别的组件（例如演练控制台导出时附上评估检查单）。
 *   纯逻辑见 checklist-state.js；通用的文字、时间、存储函数在 core.js。
 *   显示的文字（模式名称和说明、按钮、提示）来自 data/widget_text.yml 的 checklist（页面上的 .hb-widget-text）。
 *
 * 只用 textContent 写入用户输入和条目文字，从不把它们当 HTML 插入。
 */
(function (global) {
  "use strict";

  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookChecklist) return; // 已加载过

  const H = global.HandbookCore;
  const { collapse, normaliseText, toLocalIso, toLocalMinute, formatTime } = H;
  const { fill, RecordGuard, draftKey } = global.HandbookChecklistSync;
  const { MODE_KEYS, deriveItemId, isExplicitId, uniqueIds, checklistIdFrom, storageKey, legacyKey, backupKey, emptyState, parseStored, migrateV1, pruneState, applyTick, applyField, buildRecord, toMarkdown, toJSON, fileName } = global.HandbookChecklistState;

  // ------------------------------------------------------------------ 浏览器部分

  const { el, button, store, pageTitle, download } = H;
  const NAME = "检查单";
  /** 脚本用到的 data/widget_text.yml 的 checklist.ui 键；缺一个就报错（不悄悄显示空白）。 */
  const UI_KEYS = ["record", "operator", "ticket", "start", "notes", "now", "export_markdown", "export_json", "print",
    "reset", "reset_title", "reset_text", "reset_export_markdown", "reset_export_json", "reset_confirm", "cancel",
    "reset_fallback", "reset_done", "progress", "all_done", "ticked_at", "ticked_unknown", "warn_unavailable",
    "warn_corrupt", "page_title", "page_help", "page_markdown", "page_json", "conflict_title", "conflict_text",
    "conflict_remote", "conflict_empty", "conflict_keep", "conflict_take", "conflict_merge", "announce_note"];

  let live = [];
  let counter = 0;

  /** 页面上的组件文字（data/widget_text.yml 的 checklist 部分）。 */
  function texts() {
    const holder = H.required(document, ".hb-widget-text", NAME);
    const data = H.readJSON(holder, "data-hb-text", NAME);
    const modes = data && data.checklist && data.checklist.modes;
    const ui = (data && data.checklist && data.checklist.ui) || {};
    const missing = UI_KEYS.filter((key) => typeof ui[key] !== "string");
    if (!modes || MODE_KEYS.some((key) => !modes[key] || !modes[key].label) || missing.length) {
      throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上缺少文字（data/widget_text.yml 的 checklist）：" +
        (missing.join("、") || "modes"));
    }
    return data.checklist;
  }

  /** 条目自己的文字（不含复选框、子列表和“示例”标记）。 */
  function itemText(node) {
    const copy = node.cloneNode(true);
    copy.querySelectorAll(".hb-example, .hb-checklist__time").forEach((child) => {
      child.remove();
    });
    return collapse(copy.textContent);
  }

  class Checklist {
    constructor(root, index, used) {
      this.root = root;
      this.uid = "hbc" + ++counter;
      this.page = H.pageId();
      const text = texts();
      this.modes = text.modes;
      this.ui = text.ui;
      let id = checklistIdFrom(root.getAttribute("data-checklist"), "checklist-" + (index + 1));
      while (used[id]) id += "-" + (index + 1);
      used[id] = true;
      this.id = id;
      this.mode = MODE_KEYS.indexOf(root.getAttribute("data-mode")) !== -1 ? root.getAttribute("data-mode") : "";
      this.title = collapse(root.getAttribute("data-title")) || pageTitle();
      this.key = storageKey(this.page, this.id);
      this.corrupt = false;
      this.items = this.collectItems();
      this.buildUi();
      this.guard = new RecordGuard({ fields: this.fields, labels: this.ui, ui: this.ui, mergeable: ["notes"],
        draftKey: draftKey(this.page, this.id), write: (name, value) => this.store(name, value) });
      this.state = this.load();
      this.render();
      this.guard.restore(this.state.record);
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
      const ui = this.ui;
      root.setAttribute("role", "group");
      root.setAttribute("aria-labelledby", uid + "-title");

      const head = el("div", { className: "hb-checklist__head" });
      const title = el("p", { className: "hb-checklist__title", id: uid + "-title" });
      if (this.mode) title.appendChild(el("span", { className: "hb-checklist__mode" }, this.modes[this.mode].label));
      title.appendChild(el("span", { className: "hb-checklist__name" }, this.title));
      head.appendChild(title);
      if (this.mode) head.appendChild(el("p", { className: "hb-checklist__help" }, this.modes[this.mode].help));
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
      panel.appendChild(el("legend", {}, ui.record));
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
        // 输入法拼写中（拼音还没选字）不保存，选完字再保存；拼写期间别的标签页的改动不换掉输入框
        input.addEventListener("input", (event) => event.isComposing || this.setField(name, input.value));
        input.addEventListener("compositionend", () => this.setField(name, input.value));
      };
      addField("operator", ui.operator, el("input", { type: "text", autocomplete: "off" }));
      addField("ticket", ui.ticket, el("input", { type: "text", autocomplete: "off" }));
      const now = button(ui.now, () => {
        this.fields.start.value = toLocalMinute(new Date());
        this.setField("start", this.fields.start.value);
      }, "hb-checklist__now");
      addField("start", ui.start, el("input", { type: "datetime-local" }), now);
      addField("notes", ui.notes, el("textarea", { rows: "4" }));
      this.fields.notes.addEventListener("change", () => this.announceNote());
      this.printNotes = el("div", { className: "hb-checklist__print-notes", "aria-hidden": "true" });
      this.fields.notes.after(this.printNotes);
      root.appendChild(panel);

      const actions = el("div", { className: "hb-checklist__actions" });
      const action = (label, handler, extra) => actions.appendChild(button(label, handler, extra));
      action(ui.export_markdown, () => this.exportMarkdown());
      action(ui.export_json, () => this.exportJSON());
      action(ui.print, () => this.print());
      this.resetButton = action(ui.reset, () => this.askReset(), "hb-checklist__reset");
      root.appendChild(actions);

      this.dialog = this.buildDialog();
      root.appendChild(this.dialog);
    }

    buildDialog() {
      const uid = this.uid;
      const ui = this.ui;
      const dialog = el("dialog", { className: "hb-checklist__dialog", "aria-labelledby": uid + "-dialog-title",
        "aria-describedby": uid + "-dialog-text" });
      dialog.appendChild(el("p", { className: "hb-checklist__dialog-title", id: uid + "-dialog-title" },
        fill(ui.reset_title, { title: this.title })));
      dialog.appendChild(el("p", { id: uid + "-dialog-text" }, ui.reset_text));
      const row = el("div", { className: "hb-checklist__dialog-actions" });
      const add = (label, handler, extra) => row.appendChild(button(label, handler, extra));
      add(ui.reset_export_markdown, () => this.exportMarkdown());
      add(ui.reset_export_json, () => this.exportJSON());
      add(ui.reset_confirm, () => {
        this.reset();
        this.closeDialog();
      }, "hb-checklist__confirm");
      const cancel = add(ui.cancel, () => this.closeDialog(), "md-button--primary");
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
      const parsed = store.load(this.key, parseStored, backupKey(this.page, this.id));
      if (parsed.status === "corrupt") this.corrupt = true;
      return pruneState(parsed.state, this.itemIds());
    }

    /** 改动前重新读一次，别的标签页刚写的内容不会被覆盖。 */
    fresh() {
      const parsed = parseStored(store.read(this.key));
      return parsed.status === "ok" ? parsed.state : this.state;
    }

    backup(raw) {
      store.write(backupKey(this.page, this.id), raw);
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
      H.announce("checklist", checked ? "tick" : "untick", this.title + "：" + item.text);
    }

    /** 本页输入：别的标签页在此期间改过同一栏时不覆盖，改为显示冲突（checklist-sync.js）。 */
    setField(name, value) {
      const current = this.fresh();
      if (this.guard.mayWrite(name, value, current.record[name])) {
        this.store(name, value);
      } else {
        this.state = current;
        this.render(false);
      }
      this.guard.typed(name);
    }

    store(name, value) {
      this.state = applyField(this.fresh(), name, value, new Date());
      this.save(this.state);
      this.render(false);
    }

    announceNote() {
      const notes = collapse(this.fields.notes.value);
      if (this.guard.conflicts.notes || notes !== collapse(this.state.record.notes)) return;
      const excerpt = notes.length > 40 ? notes.slice(0, 40) + "……" : notes;
      H.announce("checklist", "note", fill(this.ui.announce_note, { title: this.title, excerpt: excerpt }));
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
      this.guard.reset();
      this.render(false);
      this.count.textContent = this.ui.reset_done + this.count.textContent;
    }

    askReset() {
      if (typeof this.dialog.showModal === "function") {
        this.dialog.showModal();
      } else if (window.confirm(fill(this.ui.reset_fallback, { title: this.title }))) {
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
            const time = el("time", { datetime: toLocalIso(entry.at) }, fill(this.ui.ticked_at, { time: formatTime(entry.at) }));
            item.time.appendChild(time);
          } else {
            item.time.textContent = this.ui.ticked_unknown;
          }
        }
      });
      const total = this.items.length;
      this.progress.max = total;
      this.progress.value = done;
      let message = fill(this.ui.progress, { done: done, total: total });
      if (total > 0 && done === total) message += this.ui.all_done;
      if (announce || this.count.textContent !== message) this.count.textContent = message;
      this.guard.sync(state.record);
      this.printNotes.textContent = state.record.notes;
      this.showWarning();
    }

    showWarning() {
      const messages = [];
      if (!store.persistent) messages.push(this.ui.warn_unavailable);
      if (this.corrupt) messages.push(this.ui.warn_corrupt);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
    }

    // ---- 导出与打印

    record() {
      return buildRecord({
        title: this.title,
        mode: this.mode,
        modes: this.modes,
        checklist: this.id,
        page: { path: this.page, title: pageTitle(), url: location.href.split("#")[0] },
        items: this.items.map((item) => {
          const entry = this.state.items[item.id];
          return { id: item.id, text: item.text, level: item.level, checked: !!entry, at: entry ? entry.at : null };
        }),
        record: this.state.record,
        handbook: H.stamp(),
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
      global.HandbookChecklistExport.printOne(this.root);
    }
  }

  function mount(root, ctx) {
    live = live.filter((instance) => instance.root.isConnected);
    const used = Object.create(null);
    live.forEach((instance) => {
      used[instance.id] = true;
    });
    root.setAttribute("data-hb-checklist-ready", "");
    const instance = new Checklist(root, live.length + ctx.index, used);
    live.push(instance);
    H.provide(root, () => instance.record());
    global.HandbookChecklistExport.place(instance.ui, () => live.filter((one) => one.root.isConnected));
  }

  H.register({ name: NAME, selector: ".hb-checklist", mount: mount });

  // 全局监听只注册一次（Material 的即时导航换页时不会重复）。
  // 本页存不进 localStorage（改存内存）时不读别的标签页的改动：读了会丢掉只在本页内存里的勾选和文字。
  window.addEventListener("storage", (event) => {
    if (!store.persistent) return;
    live = live.filter((instance) => instance.root.isConnected);
    live.forEach((instance) => {
      if (event.key === null || event.key === instance.key) instance.reload();
    });
  });
  store.onStatus(() => {
    live.forEach((instance) => instance.showWarning());
  });

  global.HandbookChecklist = {
    /** 处理根元素内尚未处理的组件（测试和动态插入的内容用）；返回本页的检查单实例。 */
    enhance(scope) {
      H.mountAll(scope || document);
      return live.filter((instance) => instance.root.isConnected);
    },
    instances() {
      return live.filter((instance) => instance.root.isConnected);
    },
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
