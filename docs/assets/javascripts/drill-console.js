/*
 * 应急演练控制台（宏 drill_console() 生成 .hb-drill[data-drill-console]，场景数据在它的 data-drill 属性里）。
 *
 * 主持人选场景、点“开始演练”，时钟从 T+00:00 走起；情景注入到时间出现；任何人都可以记一条带时间的观察；
 * 可以暂停、继续、结束，或用中止口令停止；记录导出为 Markdown 和 JSON，作为复盘的材料。
 * 时间一律取自 clock.now()（默认 Date.now），计时器用 clock.every()（默认 setInterval），
 * 所以测试可以用 Playwright 的 page.clock 驱动。
 *
 * 保存、下载、时间与 Markdown 用 core.js（HandbookCore）。导出演练记录时附上所选场景的评估检查单：
 * 它放在宏 drill_evaluations() 生成的 .hb-drill-eval[data-drill-eval] 里，记录经 HandbookCore.recordIn() 取得，
 * 不读检查单的页面元素和存储键。角色名、中止口令和复盘问题都来自 data-drill（data/ 下的数据）。
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
  const { STATUS, TYPES, formatOffset, emptyRun, parseRun, elapsedMs, isActive, start, pause, resume, finish,
    reveal, observe, nextInject, sortedEntries, buildLog, clockTime, DRILL_PREFIX } = core;
  const drillMarkdown = core.toMarkdown;
  const drillJSON = core.toJSON;
  const drillFileName = core.fileName;

  // ------------------------------------------------------------------ 浏览器部分

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

  const WARN_UNAVAILABLE = "这个浏览器不允许本页保存数据（例如隐私模式，或存储空间已满）。记录只保留到关闭或刷新本页为止，请及时导出。";
  const WARN_CORRUPT_DRILL = "本机保存的演练记录已损坏，无法读取。已另存一份原始数据，控制台从空白开始。";

  let counter = 0;

  function backupKey(key) {
    return key.replace(/:v1:/, ":backup:");
  }

  class DrillConsole {
    constructor(root, data) {
      this.root = root;
      this.uid = "hbd" + ++counter;
      this.data = data;
      this.byId = Object.create(null);
      data.scenarios.forEach((s) => {
        this.byId[s.id] = s;
      });
      this.page = H.pageId();
      this.key = DRILL_PREFIX + this.page;
      this.corrupt = false;
      this.run = this.load();
      this.build();
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
      if (next === this.run) return;
      this.run = next;
      this.save();
      this.render();
    }

    build() {
      const uid = this.uid;
      const root = this.root;
      const nojs = root.querySelector(".hb-drill__nojs");
      if (nojs) nojs.hidden = true;
      this.aborted = root.querySelector(".hb-drill__aborted");

      const setup = el("div", { className: "hb-drill__setup" });
      setup.appendChild(el("label", { for: uid + "-scenario" }, "演练场景"));
      this.select = el("select", { id: uid + "-scenario", name: "scenario" });
      this.data.scenarios.forEach((s) => {
        this.select.appendChild(el("option", { value: s.id }, s.title + "（" + s.duration + " 分钟）"));
      });
      this.select.addEventListener("change", () => this.choose(this.select.value));
      setup.appendChild(this.select);
      root.appendChild(setup);

      const status = el("div", { className: "hb-drill__status" });
      this.clockText = el("span", { className: "hb-drill__clock", role: "timer", "aria-live": "off",
        "aria-label": "演练时间" }, formatOffset(0));
      this.stateText = el("span", { className: "hb-drill__state" });
      this.nextText = el("span", { className: "hb-drill__next" });
      status.appendChild(this.clockText);
      status.appendChild(this.stateText);
      status.appendChild(this.nextText);
      root.appendChild(status);

      const controls = el("div", { className: "hb-drill__controls" });
      this.startButton = button("开始演练", () => {
        const now = clock.now();
        this.update(reveal(start(this.run, this.select.value, now, this.data.facilitator), this.byId[this.select.value].injects, now));
      }, "md-button--primary hb-drill__start");
      this.pauseButton = button("暂停", () => this.update(pause(this.run, clock.now(), this.data.facilitator)), "hb-drill__pause");
      this.resumeButton = button("继续", () => this.update(resume(this.run, clock.now(), this.data.facilitator)), "hb-drill__resume");
      this.endButton = button("结束演练", () => this.update(finish(this.run, clock.now(), "ended", "", this.data.facilitator)), "hb-drill__end");
      this.stopButton = button("停止演练（中止口令：" + this.data.code_word + "）", () => this.abort(), "hb-drill__stop");
      [this.startButton, this.pauseButton, this.resumeButton, this.endButton, this.stopButton].forEach((b) =>
        controls.appendChild(b));
      root.appendChild(controls);
      if (this.aborted) {
        this.aborted.setAttribute("tabindex", "-1");
        root.appendChild(this.aborted);
      }

      const notes = el("label", { className: "hb-drill__notes-toggle" });
      this.notesBox = el("input", { type: "checkbox" });
      this.notesBox.addEventListener("change", () => this.render());
      notes.appendChild(this.notesBox);
      notes.appendChild(document.createTextNode(" 显示主持人备注（期待的处置）"));
      root.appendChild(notes);

      this.warning = el("p", { className: "hb-drill__warning", role: "alert", hidden: "" });
      root.appendChild(this.warning);

      root.appendChild(el("p", { className: "hb-drill__heading", id: uid + "-injects" }, "情景注入"));
      this.injectList = el("ol", { className: "hb-drill__injects", "aria-labelledby": uid + "-injects" });
      root.appendChild(this.injectList);
      this.announce = el("p", { className: "hb-drill__announce", role: "status", "aria-live": "polite" });
      root.appendChild(this.announce);

      const form = el("form", { className: "hb-drill__observe" });
      form.appendChild(el("p", { className: "hb-drill__heading" }, "观察记录"));
      const row = el("div", { className: "hb-drill__observe-row" });
      row.appendChild(el("label", { for: uid + "-role" }, "角色"));
      this.roleSelect = el("select", { id: uid + "-role", name: "role" });
      this.data.roles.forEach((r) => this.roleSelect.appendChild(el("option", { value: r }, r)));
      row.appendChild(this.roleSelect);
      row.appendChild(el("label", { for: uid + "-text" }, "观察"));
      this.observeText = el("input", { id: uid + "-text", name: "observation", type: "text", autocomplete: "off",
        placeholder: "看到了什么，写一句话" });
      row.appendChild(this.observeText);
      this.observeButton = el("button", { type: "submit", className: "md-button hb-drill__record" }, "记录");
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

      root.appendChild(el("p", { className: "hb-drill__heading", id: uid + "-log" }, "演练记录"));
      this.logList = el("ol", { className: "hb-drill__log", "aria-labelledby": uid + "-log" });
      root.appendChild(this.logList);

      const exports = el("div", { className: "hb-drill__exports" });
      exports.appendChild(button("导出 Markdown", () => this.export("md")));
      exports.appendChild(button("导出 JSON", () => this.export("json")));
      exports.appendChild(button("清空记录", () => this.clear(), "hb-drill__clear"));
      root.appendChild(exports);
    }

    choose(id) {
      if (this.run.status !== "ready" || !this.byId[id]) return;
      this.run = emptyRun(id);
      this.save();
      this.render();
    }

    abort() {
      this.update(finish(this.run, clock.now(), "code_word", this.data.code_word));
      if (this.aborted) this.aborted.focus();
    }

    clear() {
      const message = "清空本机保存的演练记录？清空后不能恢复；需要留档的，请先取消并导出。";
      if (this.run.entries.length && !window.confirm(message)) return;
      const scenario = this.run.scenario;
      store.remove(this.key);
      this.run = emptyRun(scenario);
      this.corrupt = false;
      this.announce.textContent = "演练记录已清空。";
      this.render();
    }

    tick() {
      if (!this.root.isConnected) {
        this.stop();
        return;
      }
      if (this.run.status === "running") {
        const before = this.run.shown.length;
        const next = reveal(this.run, this.scenario().injects, clock.now());
        if (next !== this.run) {
          this.update(next);
          const fresh = next.entries.slice(-(next.shown.length - before));
          this.announce.textContent = "新的情景注入：" + fresh.map((e) =>
            formatOffset(e.offset_ms) + "，" + e.role + "：" + e.text).join("；");
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
      const now = clock.now();
      this.clockText.textContent = formatOffset(elapsedMs(this.run, now));
      const next = isActive(this.run) ? nextInject(this.run, this.scenario().injects, now) : null;
      if (next) {
        this.nextText.textContent = "下一条情景注入：" + formatOffset(next.at * 60000) + "（还有 " +
          formatOffset(next.remaining_ms).slice(2) + "）";
      } else if (isActive(this.run)) {
        this.nextText.textContent = "情景注入已全部出现";
      } else {
        this.nextText.textContent = "";
      }
    }

    render() {
      const run = this.run;
      const sc = this.scenario();
      const status = run.status;
      this.root.setAttribute("data-status", status);
      this.select.value = sc.id;
      this.select.disabled = status !== "ready";
      this.stateText.textContent = STATUS[status];
      this.startButton.hidden = status !== "ready";
      this.pauseButton.hidden = status !== "running";
      this.resumeButton.hidden = status !== "paused";
      this.endButton.hidden = !isActive(run);
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
          li.appendChild(el("p", { className: "hb-drill__expect" }, "期待的处置：" + inject.expect));
        }
        this.injectList.appendChild(li);
      });
      if (!run.shown.length) {
        this.injectList.appendChild(el("li", { className: "hb-drill__empty" },
          status === "ready" ? "开始演练后，情景注入会按时间出现在这里。" : "还没有到第一条情景注入的时间。"));
      }

      // 记录：按演练时间排列
      this.logList.textContent = "";
      sortedEntries(run).forEach((e) => {
        const li = el("li", { className: "hb-drill__entry hb-drill__entry--" + e.type });
        li.appendChild(el("span", { className: "hb-drill__offset" }, formatOffset(e.offset_ms)));
        li.appendChild(el("time", { className: "hb-drill__at", datetime: H.toLocalIso(e.at) }, clockTime(e.at)));
        li.appendChild(el("span", { className: "hb-drill__type" }, TYPES[e.type]));
        if (e.role) li.appendChild(el("span", { className: "hb-drill__role" }, e.role));
        li.appendChild(el("span", { className: "hb-drill__text" }, e.text));
        this.logList.appendChild(li);
      });
      if (!run.entries.length) this.logList.appendChild(el("li", { className: "hb-drill__empty" }, "还没有记录。"));

      // 只显示所选场景的评估检查单
      document.querySelectorAll(".hb-drill-eval[data-drill-eval]").forEach((node) => {
        node.hidden = node.getAttribute("data-drill-eval") !== sc.id;
      });

      const messages = [];
      if (!store.persistent) messages.push(WARN_UNAVAILABLE);
      if (this.corrupt) messages.push(WARN_CORRUPT_DRILL);
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
      });
    }

    export(kind) {
      const log = this.log();
      if (kind === "md") H.download(drillFileName(log, "md"), drillMarkdown(log, this.data.review_questions), "text/markdown");
      else H.download(drillFileName(log, "json"), drillJSON(log), "application/json");
    }
  }

  let consoles = [];

  /** data-drill：{code_word, roles: [名称…], facilitator, review_questions: […], scenarios: […]}。 */
  function readData(root) {
    const data = H.readJSON(root, "data-drill", NAME);
    if (!data || !Array.isArray(data.scenarios) || !data.scenarios.length || !Array.isArray(data.roles) ||
        !Array.isArray(data.review_questions)) {
      throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上的 data-drill 缺少场景、角色或复盘问题");
    }
    return data;
  }

  H.register({
    name: NAME,
    selector: ".hb-drill[data-drill-console]",
    mount(root) {
      root.setAttribute("data-hb-drill-ready", "");
      consoles = consoles.filter((c) => c.root.isConnected);
      consoles.push(new DrillConsole(root, readData(root)));
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
