/*
 * 应急演练控制台（宏 drill_console() 生成 .hb-drill[data-drill-console]，场景数据在它的 data-drill 属性里）。
 *
 * 主持人选场景、点“开始演练”，时钟从 T+00:00 走起；情景注入到时间出现；任何人都可以记一条带时间的观察；
 * 可以暂停、继续、结束（结束可以撤销），或用中止口令停止；记录导出为 Markdown 和 JSON，作为复盘的材料。
 * 时间一律取自 clock.now()（默认 Date.now），计时器用 clock.every()（默认 setInterval），
 * 所以测试可以用 Playwright 的 page.clock 驱动。
 *
 * 网址（drill-share.js）：?scenario=<场景键> 打开时选好场景；加上 &start=<UTC 时刻>[&paused=<秒>] 是加入链接，
 * 观察员的时钟按主持人的开始时间走。场景不在场景库里、开始时间不对时写明原因，从第一个场景、未开始的状态起步。
 * 投屏视图在 drill-projector.js。开始、暂停、继续、结束、撤销、中止、情景注入和加入都发出
 * H.announce("drill", 动作, 文字)，事件记录页收集。
 *
 * 保存、下载、时间与 Markdown 用 core.js（HandbookCore）。导出演练记录时附上所选场景的评估检查单：
 * 它放在宏 drill_evaluations() 生成的 .hb-drill-eval[data-drill-eval] 里，记录经 HandbookCore.recordIn() 取得，
 * 不读检查单的页面元素和存储键。角色名、中止口令、复盘问题和界面文字都来自 data-drill（data/ 下的数据）。
 *
 * 演练状态与导出格式的纯逻辑在 drill-run.js（保存在 localStorage 键 handbook:drill:v1:<页面路径>）；
 * 读不了的值另存到 handbook:drill:backup:<页面路径>，控制台从空白开始。
 *
 * 接口：window.HandbookDrills = {core, clock, consoles()}（core 即 drill-run.js）。
 * 用户输入和数据文字一律用 textContent 写入页面。
 */
(function (global) {
  "use strict";

  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookDrills) return; // 已加载过

  const H = global.HandbookCore;
  const core = global.HandbookDrillRun;
  const Share = global.HandbookDrillShare;
  const Projector = global.HandbookDrillProjector;
  const { formatOffset, emptyRun, parseRun, elapsedMs, isActive, start, pause, resume, finish, reopen,
    joinParams, reveal, observe, nextInject, sortedEntries, buildLog, clockTime, fill, DRILL_PREFIX } = core;

  const { el, button, store, pageTitle } = H;
  const NAME = "演练控制台";

  /** 时钟：测试可以换掉它；Playwright 的 page.clock 也会接管 Date.now 和 setInterval。 */
  const clock = {
    now() {
      return Date.now();
    },
    every(interval, fn) {
      const id = setInterval(fn, interval);
      return () => clearInterval(id);
    },
  };

  let counter = 0;

  function backupKey(key) {
    return key.replace(/:v1:/, ":backup:");
  }

  class DrillConsole {
    constructor(root, data) {
      this.root = root;
      this.uid = "hbd" + ++counter;
      this.data = data;
      this.t = data.text.console;
      this.words = data.text.run;
      this.byId = Object.create(null);
      data.scenarios.forEach((s) => {
        this.byId[s.id] = s;
      });
      this.page = H.pageId();
      this.key = DRILL_PREFIX + this.page;
      this.corrupt = false;
      this.notices = [];
      this.run = this.load();
      this.build();
      this.followLink();
      this.render();
      this.stop = clock.every(1000, () => this.tick());
      root.classList.add("hb-drill--ready");
    }

    scenario() {
      return this.byId[this.run.scenario] || this.data.scenarios[0];
    }

    /** 读取保存的演练；损坏的、或场景已不在场景库里的，另存一份后从空白开始。 */
    load() {
      const parsed = store.load(this.key, parseRun, backupKey(this.key));
      const first = this.data.scenarios[0].id;
      if (parsed.status === "corrupt") {
        this.corrupt = true;
        return emptyRun(first);
      }
      if (!this.byId[parsed.run.scenario]) {
        if (parsed.run.entries.length) {
          store.write(backupKey(this.key), parsed.raw);
          this.corrupt = true;
        }
        store.remove(this.key);
        return emptyRun(first);
      }
      return parsed.run;
    }

    save() {
      store.write(this.key, JSON.stringify(this.run));
    }

    update(next) {
      if (next === this.run) return false;
      this.run = next;
      this.save();
      this.render();
      return true;
    }

    /** 发给事件记录：场景名 + 文字。 */
    tell(kind, text) {
      H.announce("drill", kind, this.scenario().title + "：" + text);
    }

    /** 做一个控制动作；做成了就发出通知，并把焦点放到接替它的按钮上（不让焦点掉到页面顶端）。 */
    control(kind, next, focusAfter) {
      const before = this.run.shown.length;
      if (!this.update(next)) return;
      const last = this.run.entries.filter((e) => e.type === "control").pop();
      this.tell(kind, last ? last.text : "");
      this.tellInjects(before);
      const target = focusAfter();
      if (target && !target.hidden) target.focus();
    }

    build() {
      const t = this.t;
      const uid = this.uid;
      const root = this.root;
      const nojs = root.querySelector(".hb-drill__nojs");
      if (nojs) nojs.hidden = true;
      this.aborted = root.querySelector(".hb-drill__aborted");

      this.notice = el("p", { className: "hb-drill__notice", role: "alert", hidden: "" });
      root.appendChild(this.notice);

      const setup = el("div", { className: "hb-drill__setup" });
      setup.appendChild(el("label", { for: uid + "-scenario" }, t.scenario_label));
      this.select = el("select", { id: uid + "-scenario", name: "scenario" });
      this.data.scenarios.forEach((s) => {
        this.select.appendChild(el("option", { value: s.id }, fill(t.scenario_option, s)));
      });
      this.select.addEventListener("change", () => this.choose(this.select.value));
      setup.appendChild(this.select);
      root.appendChild(setup);

      const status = el("div", { className: "hb-drill__status" });
      this.clockText = el("span", { className: "hb-drill__clock", role: "timer", "aria-live": "off",
        "aria-label": t.clock_label }, formatOffset(0));
      this.stateText = el("span", { className: "hb-drill__state" });
      this.nextText = el("span", { className: "hb-drill__next" });
      status.appendChild(this.clockText);
      status.appendChild(this.stateText);
      status.appendChild(this.nextText);
      root.appendChild(status);

      const f = () => this.data.facilitator;
      const controls = el("div", { className: "hb-drill__controls" });
      this.startButton = button(t.start, () => {
        const now = clock.now();
        const id = this.select.value;
        this.control("start", reveal(start(this.run, id, now, f()), this.byId[id].injects, now), () => this.pauseButton);
      }, "md-button--primary hb-drill__start");
      this.pauseButton = button(t.pause, () =>
        this.control("pause", pause(this.run, clock.now(), f()), () => this.resumeButton), "hb-drill__pause");
      this.resumeButton = button(t.resume, () =>
        this.control("resume", resume(this.run, clock.now(), f()), () => this.pauseButton), "hb-drill__resume");
      this.endButton = button(t.end, () =>
        this.control("end", finish(this.run, clock.now(), "ended", "", f()), () => this.undoButton), "hb-drill__end");
      this.undoButton = button(t.undo_end, () =>
        this.control("reopen", reopen(this.run, clock.now(), f()),
          () => (this.run.status === "paused" ? this.resumeButton : this.pauseButton)), "hb-drill__undo");
      this.stopButton = button(fill(t.stop, { code_word: this.data.code_word }), () => this.abort(), "hb-drill__stop");
      this.projectorButton = button(t.projector, () => this.projector.open(), "hb-drill__projector-open");
      this.projectorButton.setAttribute("aria-expanded", "false");
      [this.startButton, this.pauseButton, this.resumeButton, this.endButton, this.undoButton, this.stopButton,
        this.projectorButton].forEach((b) => controls.appendChild(b));
      root.appendChild(controls);
      this.endedHint = el("p", { className: "hb-drill__ended-hint", hidden: "" }, t.ended_hint);
      root.appendChild(this.endedHint);
      if (this.aborted) {
        this.aborted.setAttribute("tabindex", "-1");
        root.appendChild(this.aborted);
      }

      this.share = Share.panel({ text: t, uid: uid, onJoin: (value, input) => this.joinTyped(value, input) });
      root.appendChild(this.share.node);

      const notes = el("label", { className: "hb-drill__notes-toggle" });
      this.notesBox = el("input", { type: "checkbox" });
      this.notesBox.addEventListener("change", () => this.render());
      notes.appendChild(this.notesBox);
      notes.appendChild(document.createTextNode(" " + t.notes_toggle));
      root.appendChild(notes);

      this.warning = el("p", { className: "hb-drill__warning", role: "alert", hidden: "" });
      root.appendChild(this.warning);

      root.appendChild(el("p", { className: "hb-drill__heading", id: uid + "-injects" }, t.injects_heading));
      this.injectList = el("ol", { className: "hb-drill__injects", "aria-labelledby": uid + "-injects" });
      root.appendChild(this.injectList);
      this.announce = el("p", { className: "hb-drill__announce", role: "status", "aria-live": "polite" });
      root.appendChild(this.announce);

      const form = el("form", { className: "hb-drill__observe" });
      form.appendChild(el("p", { className: "hb-drill__heading" }, t.observe_heading));
      const row = el("div", { className: "hb-drill__observe-row" });
      row.appendChild(el("label", { for: uid + "-role" }, t.role_label));
      this.roleSelect = el("select", { id: uid + "-role", name: "role" });
      this.data.roles.forEach((r) => this.roleSelect.appendChild(el("option", { value: r }, r)));
      row.appendChild(this.roleSelect);
      row.appendChild(el("label", { for: uid + "-text" }, t.observe_label));
      this.observeText = el("input", { id: uid + "-text", name: "observation", type: "text", autocomplete: "off",
        placeholder: t.observe_placeholder });
      row.appendChild(this.observeText);
      this.observeButton = el("button", { type: "submit", className: "md-button hb-drill__record" }, t.record);
      row.appendChild(this.observeButton);
      form.appendChild(row);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = this.observeText.value;
        if (!H.collapse(text)) return;
        this.update(observe(this.run, this.roleSelect.value, text, clock.now()));
        this.observeText.value = "";
        this.observeText.focus();
      });
      root.appendChild(form);

      root.appendChild(el("p", { className: "hb-drill__heading", id: uid + "-log" }, t.log_heading));
      this.logList = el("ol", { className: "hb-drill__log", "aria-labelledby": uid + "-log" });
      root.appendChild(this.logList);

      const exports = el("div", { className: "hb-drill__exports" });
      exports.appendChild(button(t.export_md, () => this.export("md")));
      exports.appendChild(button(t.export_json, () => this.export("json")));
      exports.appendChild(button(t.clear, () => this.clear(), "hb-drill__clear"));
      root.appendChild(exports);

      this.projector = Projector.create({ text: t, uid: uid, opener: this.projectorButton });
      root.appendChild(this.projector.node);
    }

    choose(id) {
      if (this.run.status !== "ready" || !this.byId[id]) return;
      this.run = emptyRun(id);
      this.save();
      Share.replaceUrl({ scenario: id });
      this.render();
    }

    abort() {
      if (this.update(finish(this.run, clock.now(), "code_word", this.data.code_word))) {
        this.tell("abort", this.run.entries[this.run.entries.length - 1].text);
      }
      if (this.aborted) this.aborted.focus();
    }

    clear() {
      if (this.run.entries.length && !window.confirm(this.t.clear_confirm)) return;
      const scenario = this.run.scenario;
      store.remove(this.key);
      this.run = emptyRun(scenario);
      this.corrupt = false;
      this.notices = [];
      this.announce.textContent = this.t.cleared;
      this.render();
    }

    /** 新出现的情景注入：读屏播报，发给事件记录。before：之前已出现的条数。 */
    tellInjects(before) {
      const fresh = this.run.entries.filter((e) => e.type === "inject").slice(before);
      if (!fresh.length) return;
      const list = fresh.map((e) => fill(this.t.inject_item, { offset: formatOffset(e.offset_ms), role: e.role, text: e.text }));
      this.announce.textContent = fill(this.t.new_injects, { list: list.join("；") });
      this.tell("inject", this.announce.textContent);
    }

    tick() {
      if (!this.root.isConnected) {
        // 即时导航换走了本页：停表，投屏视图留下的页面状态也收回
        this.stop();
        this.projector.close();
        return;
      }
      if (this.run.status === "running") {
        const before = this.run.shown.length;
        if (this.update(reveal(this.run, this.scenario().injects, clock.now()))) {
          this.tellInjects(before);
          return;
        }
      }
      this.renderClock();
    }

    reload() {
      store.forget(this.key);
      this.run = this.load();
      this.render();
    }

    renderClock() {
      const t = this.t;
      const now = clock.now();
      const run = this.run;
      this.clockText.textContent = formatOffset(elapsedMs(run, now));
      const next = isActive(run) ? nextInject(run, this.scenario().injects, now) : null;
      if (next) {
        this.nextText.textContent = fill(t.next_inject, { at: formatOffset(next.at * 60000),
          remaining: formatOffset(next.remaining_ms).slice(2) });
      } else {
        this.nextText.textContent = isActive(run) ? t.all_shown : "";
      }
      const sc = this.scenario();
      const last = run.shown.length ? Math.max.apply(null, run.shown) : -1;
      const inject = last >= 0 ? sc.injects[last] : null;
      this.projector.update({
        title: sc.title,
        clock: this.clockText.textContent,
        state: this.words.status[run.status],
        current: inject ? { offset: formatOffset(inject.at * 60000), route: inject.from + (inject.to ? " → " + inject.to : ""),
          text: inject.text } : null,
        next: this.nextText.textContent,
      });
      const params = joinParams(run, now);
      this.share.update(params ? Share.withParams(window.location.href.split("#")[0], params) : null,
        run.started_at && isActive(run) ? fill(t.started_at, { time: clockTime(run.started_at) }) : "");
    }

    render() {
      const t = this.t;
      const run = this.run;
      const sc = this.scenario();
      const status = run.status;
      const ended = status === "ended" || status === "aborted";
      this.root.setAttribute("data-status", status);
      this.select.value = sc.id;
      this.select.disabled = status !== "ready";
      this.stateText.textContent = this.words.status[status];
      this.startButton.hidden = status !== "ready";
      this.pauseButton.hidden = status !== "running";
      this.resumeButton.hidden = status !== "paused";
      this.endButton.hidden = !isActive(run);
      this.undoButton.hidden = !(ended && run.before_end);
      this.endedHint.hidden = !(status === "ended" && run.before_end);
      this.stopButton.hidden = !isActive(run);
      this.observeButton.disabled = status === "ready";
      this.observeText.disabled = status === "ready";
      if (this.aborted) this.aborted.hidden = status !== "aborted";

      // 情景注入：按出现的先后（即预定时间）列出
      this.injectList.textContent = "";
      const injects = sc.injects;
      run.shown.slice().sort((a, b) => a - b).forEach((index) => {
        const inject = injects[index];
        if (!inject) return;
        const li = el("li", { className: "hb-drill__inject", "data-inject": String(index) });
        const head = el("p", { className: "hb-drill__inject-head" });
        head.appendChild(el("span", { className: "hb-drill__offset" }, formatOffset(inject.at * 60000)));
        head.appendChild(document.createTextNode(" " + inject.from + (inject.to ? " → " + inject.to : "")));
        li.appendChild(head);
        li.appendChild(el("p", { className: "hb-drill__inject-text" }, inject.text));
        if (this.notesBox.checked && inject.expect) {
          li.appendChild(el("p", { className: "hb-drill__expect" }, fill(t.expect, { text: inject.expect })));
        }
        this.injectList.appendChild(li);
      });
      if (!run.shown.length) {
        this.injectList.appendChild(el("li", { className: "hb-drill__empty" },
          status === "ready" ? t.empty_ready : t.empty_waiting));
      }

      // 记录：按演练时间排列
      this.logList.textContent = "";
      sortedEntries(run).forEach((e) => {
        const li = el("li", { className: "hb-drill__entry hb-drill__entry--" + e.type });
        li.appendChild(el("span", { className: "hb-drill__offset" }, formatOffset(e.offset_ms)));
        li.appendChild(el("time", { className: "hb-drill__at", datetime: H.toLocalIso(e.at) }, clockTime(e.at)));
        li.appendChild(el("span", { className: "hb-drill__type" }, this.words.types[e.type]));
        if (e.role) li.appendChild(el("span", { className: "hb-drill__role" }, e.role));
        li.appendChild(el("span", { className: "hb-drill__text" }, e.text));
        this.logList.appendChild(li);
      });
      if (!run.entries.length) this.logList.appendChild(el("li", { className: "hb-drill__empty" }, t.empty_log));

      // 只显示所选场景的评估检查单
      document.querySelectorAll(".hb-drill-eval[data-drill-eval]").forEach((node) => {
        node.hidden = node.getAttribute("data-drill-eval") !== sc.id;
      });

      this.notice.textContent = this.notices.join(" ");
      this.notice.hidden = this.notices.length === 0;
      const messages = [];
      if (!store.persistent) messages.push(t.warn_unavailable);
      if (this.corrupt) messages.push(t.warn_corrupt);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
      this.renderClock();
    }

    evaluation() {
      // 评估检查单在演练宏生成的 .hb-drill-eval 里；记录由那里的组件经 HandbookCore.provide() 提供
      const holder = Array.prototype.filter.call(document.querySelectorAll(".hb-drill-eval[data-drill-eval]"),
        (node) => node.getAttribute("data-drill-eval") === this.run.scenario)[0];
      return holder ? H.recordIn(holder) : null;
    }

    log() {
      return buildLog({
        run: this.run,
        scenario: this.scenario(),
        page: { path: this.page, title: pageTitle(), url: location.href.split("#")[0] },
        evaluation: this.evaluation(),
        now: clock.now(),
        handbook: H.stamp(),
      });
    }

    export(kind) {
      const log = this.log();
      if (kind === "md") H.download(core.fileName(log, "md"), core.toMarkdown(log, this.data.review_questions), "text/markdown");
      else H.download(core.fileName(log, "json"), core.toJSON(log), "application/json");
    }
  }

  // 网址里的场景、加入链接和输入的开始时间：followLink()、applyJoin()、joinTyped()（drill-share.js）
  Object.assign(DrillConsole.prototype, Share.consoleMethods());

  let consoles = [];

  /** data-drill：{code_word, roles: [名称…], facilitator, review_questions: […], text: {console, run}, scenarios: […]}。 */
  function readData(root) {
    const data = H.readJSON(root, "data-drill", NAME);
    if (!data || !Array.isArray(data.scenarios) || !data.scenarios.length || !Array.isArray(data.roles) ||
        !Array.isArray(data.review_questions) || !data.text || !data.text.console || !data.text.run) {
      throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上的 data-drill 缺少场景、角色、复盘问题或文字");
    }
    return data;
  }

  H.register({
    name: NAME,
    selector: ".hb-drill[data-drill-console]",
    mount(root) {
      root.setAttribute("data-hb-drill-ready", "");
      const data = readData(root);
      core.useWords(data.text.run);
      consoles = consoles.filter((c) => c.root.isConnected);
      consoles.push(new DrillConsole(root, data));
    },
  });

  window.addEventListener("storage", (event) => {
    consoles.filter((c) => c.root.isConnected).forEach((c) => {
      if (event.key === null || event.key === c.key) c.reload();
    });
  });
  store.onStatus(() => {
    consoles.filter((c) => c.root.isConnected).forEach((c) => c.render());
  });

  global.HandbookDrills = {
    core: core,
    clock: clock,
    consoles() {
      return consoles.filter((c) => c.root.isConnected);
    },
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
