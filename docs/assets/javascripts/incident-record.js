/*
 * 事件记录页（docs/incident/record.md，宏 incident_record）：开始一个事件（标题、级别、事件负责人），
 * 带时间和记录人的时间线（记录、决定、已发出进展通报），按 data/severity.yml 的通报间隔提醒下次进展通报，
 * 结束事件；导出 Markdown（事件记录模板的栏目）、JSON，打印。
 *
 * 读写经 incident-log.js（window.HandbookIncidentLog），格式见 incident-state.js。两个标签页：别的标签页
 * 改了记录时重画时间线；正在输入、还没保存的标题、级别、负责人和记录内容不被覆盖，旁边说明对方改成了什么。
 * 显示的文字来自 data/widget_text.yml 的 incident 一节（data-record 属性）。
 */
(function () {
  "use strict";
  const H = window.HandbookCore;
  const S = window.HandbookIncidentState;
  const NAME = "事件记录";

  function random() {
    return window.crypto && window.crypto.getRandomValues
      ? window.crypto.getRandomValues(new Uint32Array(1))[0] / 4294967296
      : Math.random();
  }

  function ctx() {
    return { now: Date.now(), random: random };
  }

  function mount(root) {
    const L = window.HandbookIncidentLog;
    if (!L) throw new Error("组件“" + NAME + "”需要 incident-log.js");
    const data = H.readJSON(root, "data-record", NAME);
    const T = data.text;
    const levels = data.levels;
    const labels = {};
    Object.keys(levels).forEach((k) => {
      labels[k] = levels[k].label + " " + levels[k].name;
    });
    const nojs = root.querySelector(".hb-record__nojs");
    if (nojs) nojs.hidden = true;

    // ---------------------------------------------------------------- 骨架

    const notice = H.el("p", { className: "hb-record__notice", role: "status" });
    const storageNote = H.el("p", { className: "hb-record__warning", hidden: "" });
    const roles = H.el("datalist", { id: "hb-record-roles" });
    (data.roles || []).forEach((role) => roles.appendChild(H.el("option", { value: role })));

    function field(id, label, input, help) {
      const box = H.el("div", { className: "hb-record__field" });
      box.appendChild(H.el("label", { for: id }, label));
      input.id = id;
      box.appendChild(input);
      if (help) {
        const hint = H.el("span", { className: "hb-record__help", id: id + "-help" }, help);
        input.setAttribute("aria-describedby", hint.id);
        box.appendChild(hint);
      }
      return box;
    }

    function severitySelect() {
      const select = H.el("select");
      select.appendChild(H.el("option", { value: "" }, "—"));
      Object.keys(levels).forEach((k) => select.appendChild(H.el("option", { value: k }, labels[k])));
      return select;
    }

    const who = H.el("input", { type: "text", list: "hb-record-roles", autocomplete: "off" });
    const whoBox = field("hb-record-who", T.field_who, who, T.field_who_help);

    // 开始
    const startForm = H.el("form", { className: "hb-record__start" });
    startForm.appendChild(H.el("h3", {}, T.start_heading));
    const newTitle = H.el("input", { type: "text", autocomplete: "off" });
    const newSeverity = severitySelect();
    const newLead = H.el("input", { type: "text", list: "hb-record-roles", autocomplete: "off" });
    startForm.appendChild(field("hb-record-new-title", T.field_title, newTitle, T.field_title_help));
    startForm.appendChild(field("hb-record-new-severity", T.field_severity, newSeverity));
    startForm.appendChild(field("hb-record-new-lead", T.field_lead, newLead, T.field_lead_help));
    const startButton = H.el("button", { type: "submit", className: "md-button md-button--primary" }, T.start);
    startForm.appendChild(startButton);

    // 进行中或已结束
    const view = H.el("div", { className: "hb-record__view" });
    const status = H.el("p", { className: "hb-record__status" });
    const head = H.el("div", { className: "hb-record__head" });
    const title = H.el("input", { type: "text", autocomplete: "off" });
    const severity = severitySelect();
    const lead = H.el("input", { type: "text", list: "hb-record-roles", autocomplete: "off" });
    const heads = { title: title, severity: severity, lead: lead };
    head.appendChild(field("hb-record-title", T.field_title, title));
    head.appendChild(field("hb-record-severity", T.field_severity, severity));
    head.appendChild(field("hb-record-lead", T.field_lead, lead, T.field_lead_help));
    const reminder = H.el("p", { className: "hb-record__reminder" });
    const logHeading = H.el("h3", {}, T.log_heading);
    const log = H.el("ol", { className: "hb-record__log" });
    const empty = H.el("p", { className: "hb-record__empty" }, T.log_empty);

    const entryForm = H.el("form", { className: "hb-record__entry" });
    const entry = H.el("textarea", { rows: "2" });
    entryForm.appendChild(field("hb-record-entry", T.entry_label, entry));
    const entryButtons = H.el("div", { className: "hb-record__buttons" });
    entryButtons.appendChild(H.el("button", { type: "submit", className: "md-button md-button--primary" }, T.add_note));
    const decision = H.button(T.add_decision, () => addFromForm("decision"));
    const sent = H.button(T.add_update, () => addUpdate());
    entryButtons.appendChild(decision);
    entryButtons.appendChild(sent);
    entryForm.appendChild(entryButtons);

    const closeBox = H.el("div", { className: "hb-record__buttons hb-record__close" });
    const closeButton = H.button(T.close, () => askClose(true));
    const confirmBox = H.el("div", { className: "hb-record__confirm", hidden: "" });
    confirmBox.appendChild(H.el("p", {}, T.close_confirm));
    const closeYes = H.button(T.close_yes, () => doClose(), "md-button--primary");
    const closeNo = H.button(T.close_no, () => askClose(false));
    confirmBox.appendChild(closeYes);
    confirmBox.appendChild(closeNo);
    const reopenButton = H.button(T.reopen, () => {
      L.update((inc) => S.reopen(inc, me(), T, ctx()));
      entry.focus();
    });
    const newButton = H.button(T.new_incident, () => askNew(true));
    const newBox = H.el("div", { className: "hb-record__confirm", hidden: "" });
    newBox.appendChild(H.el("p", {}, T.new_confirm));
    newBox.appendChild(H.button(T.new_yes, () => {
      askNew(false);
      showStart(true);
    }, "md-button--primary"));
    newBox.appendChild(H.button(T.close_no, () => askNew(false)));
    [closeButton, reopenButton, newButton].forEach((b) => closeBox.appendChild(b));

    const exportBox = H.el("div", { className: "hb-record__export" });
    exportBox.appendChild(H.el("h3", {}, T.export_heading));
    const exportButtons = H.el("div", { className: "hb-record__buttons" });
    exportButtons.appendChild(H.button(T.export_markdown, () => exportAs("md")));
    exportButtons.appendChild(H.button(T.export_json, () => exportAs("json")));
    exportButtons.appendChild(H.button(T.print, () => window.print()));
    exportBox.appendChild(exportButtons);

    [status, head, reminder, logHeading, empty, log, entryForm, closeBox, confirmBox, newBox, exportBox]
      .forEach((n) => view.appendChild(n));
    [storageNote, notice, roles, whoBox, startForm, view].forEach((n) => root.appendChild(n));

    // ---------------------------------------------------------------- 状态

    let current = L.load();
    let forceStart = false;
    const rendered = { title: null, severity: null, lead: null };

    function me() {
      const dev = L.device();
      return { who: dev.who, device: dev.id };
    }

    function say(text) {
      notice.textContent = text || "";
    }

    function showStart(on) {
      forceStart = on;
      render(current);
      if (on) newTitle.focus();
    }

    function askClose(on) {
      confirmBox.hidden = !on;
      closeButton.hidden = on;
      (on ? closeYes : closeButton).focus();
    }

    function askNew(on) {
      newBox.hidden = !on;
      if (on) newBox.querySelector("button").focus();
      else newButton.focus();
    }

    function doClose() {
      confirmBox.hidden = true;
      closeButton.hidden = false;
      L.update((inc) => S.close(inc, me(), T, ctx()));
      reopenButton.focus();
    }

    function drawLog(incident) {
      log.textContent = "";
      incident.entries.forEach((e) => {
        const li = H.el("li", { className: "hb-record__item hb-record__item--" + e.kind, "data-id": e.id });
        li.appendChild(H.el("time", { datetime: H.toLocalIso(e.at) }, H.formatTime(e.at).slice(11)));
        li.appendChild(H.el("span", { className: "hb-record__kind" }, (T.kinds || {})[e.kind] || e.kind));
        li.appendChild(H.el("span", { className: "hb-record__who" }, e.who || "—"));
        li.appendChild(H.el("span", { className: "hb-record__text" }, e.text));
        log.appendChild(li);
      });
      empty.hidden = incident.entries.length > 0;
    }

    function drawReminder(incident) {
      const next = S.nextUpdate(incident, levels, Date.now());
      const level = levels[incident.severity] || {};
      reminder.classList.remove("hb-record__reminder--late");
      if (!next) {
        reminder.hidden = true;
        return;
      }
      reminder.hidden = false;
      if (next.none || !next.due) {
        reminder.textContent = S.fill(T.reminder_none, { severity: level.label || incident.severity });
        return;
      }
      reminder.textContent = S.fill(next.overdue ? T.reminder_overdue : T.reminder_due, {
        due: H.formatTime(next.due), severity: level.label || incident.severity, interval: next.interval });
      if (next.overdue) reminder.classList.add("hb-record__reminder--late");
    }

    /** 标题、级别、负责人：用户正在改、还没保存的不覆盖，说明另一个标签页改成了什么。 */
    function drawHeads(incident, fromOtherTab) {
      Object.keys(heads).forEach((name) => {
        const input = heads[name];
        const value = incident[name] || "";
        const dirty = document.activeElement === input && input.value !== (rendered[name] || "");
        if (dirty && fromOtherTab && value !== rendered[name]) {
          const shown = name === "severity" ? labels[value] || value : value;
          say(S.fill(T.other_tab, { field: input.labels && input.labels[0] ? input.labels[0].textContent : name,
            value: shown }));
        } else if (!dirty) {
          input.value = value;
        }
        rendered[name] = value;
      });
    }

    function render(incident, reason) {
      current = incident;
      const has = !!incident.id;
      const open = S.isOpen(incident);
      startForm.hidden = has && !forceStart;
      view.hidden = !has || forceStart;
      if (!has) return;
      status.textContent = open
        ? S.fill(T.status_open, { opened: H.formatTime(incident.opened_at) })
        : S.fill(T.status_closed, { opened: H.formatTime(incident.opened_at), closed: H.formatTime(incident.closed_at) });
      status.className = "hb-record__status hb-record__status--" + incident.status;
      drawHeads(incident, reason === "other-tab");
      Object.keys(heads).forEach((k) => {
        heads[k].disabled = !open;
      });
      [entryForm].forEach((n) => {
        n.hidden = !open;
      });
      closeButton.hidden = !open || !confirmBox.hidden;
      if (!open) confirmBox.hidden = true;
      reopenButton.hidden = open;
      newButton.hidden = open;
      if (open) newBox.hidden = true;
      drawReminder(incident);
      drawLog(incident);
    }

    function drawStorage() {
      storageNote.hidden = L.persistent();
      storageNote.textContent = L.persistent() ? "" : T.storage_memory;
    }

    // ---------------------------------------------------------------- 操作

    who.value = L.device().who;
    who.addEventListener("change", () => {
      L.setWho(who.value);
      drawStorage();
    });

    startForm.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!H.collapse(newTitle.value) || !newSeverity.value) {
        say(T.start_missing);
        (H.collapse(newTitle.value) ? newSeverity : newTitle).focus();
        return;
      }
      if (who.value !== L.device().who) L.setWho(who.value);
      const dev = me();
      const next = S.open({ title: newTitle.value, severity: newSeverity.value, lead: newLead.value,
        who: dev.who, device: dev.device }, T, labels, ctx());
      forceStart = false;
      L.update(() => next);
      newTitle.value = "";
      newSeverity.value = "";
      newLead.value = "";
      say("");
      entry.focus();
    });

    Object.keys(heads).forEach((name) => {
      heads[name].addEventListener("change", () => {
        const value = heads[name].value;
        rendered[name] = value;
        say("");
        L.update((inc) => S.change(inc, name, value, me(), T, labels, ctx()));
      });
    });

    function addFromForm(kind) {
      const text = H.collapse(entry.value);
      if (!text) {
        say(T.entry_missing);
        entry.focus();
        return;
      }
      if (who.value !== L.device().who) L.setWho(who.value);
      const dev = me();
      L.update((inc) => S.isOpen(inc)
        ? S.addEntry(inc, { kind: kind, text: text, who: dev.who, device: dev.device }, ctx()) : inc);
      entry.value = "";
      say("");
      entry.focus();
    }

    function addUpdate() {
      const dev = me();
      const extra = H.collapse(entry.value);
      L.update((inc) => {
        if (!S.isOpen(inc)) return inc;
        const text = S.fill(T.update_sent, { n: S.updatesSent(inc) + 1 }) + (extra ? "：" + extra : "");
        return S.addEntry(inc, { kind: "update", text: text, who: dev.who, device: dev.device }, ctx());
      });
      entry.value = "";
      sent.focus();
    }

    entryForm.addEventListener("submit", (event) => {
      event.preventDefault();
      addFromForm("note");
    });

    function exportAs(ext) {
      const incident = L.load();
      if (!incident.id) return;
      const rec = S.buildExport(incident, { now: Date.now(), stamp: H.stamp(), device: L.device(), labels: labels });
      if (ext === "json") H.download(S.fileName(rec, "json"), JSON.stringify(rec, null, 2) + "\n", "application/json");
      else H.download(S.fileName(rec, "md"), S.toMarkdown(rec, T), "text/markdown");
    }

    // 当前记录交给合并区（record-import.js）和打印
    H.provide(root, () => ({ incident: L.load(), device: L.device(), labels: labels }));

    L.onChange((incident, reason) => {
      if (!root.isConnected) return;
      if (reason === "other-tab" && document.activeElement !== who) who.value = L.device().who;
      render(incident, reason);
      drawStorage();
      document.dispatchEvent(new CustomEvent("handbook:incident-record"));
    });
    render(L.load());
    if (L.restored()) say(T.storage_restored);
    drawStorage();
    const timer = setInterval(() => {
      if (!root.isConnected) clearInterval(timer);
      else if (S.isOpen(current)) drawReminder(current);
    }, 30000);
    root.classList.add("hb-record--ready");
  }

  H.register({ name: NAME, selector: ".hb-record", mount: mount });
})();
