/*
 * 讲师页的全班汇总（宏 quiz_results() 生成 .hb-quiz-results[data-quiz-results]：本页的题目列表和文字）。
 *
 * 讲师一次选一个或多个学员导出的成绩单（JSON），本组件逐个检查后合并：
 * 不是 JSON、不是成绩单、格式版本不认识、内容不完整的文件各给一句写明文件名和问题的提示，已导入的都不丢；
 * 同一学员只留最新的一份，完全相同的跳过。汇总：学员人数、各题错误率（错得最多的在前，链接到本页答案）、
 * 每位学员的得分；别的手册版本、改过的题、本页没有的题在学员一行里标出，改过的题不计入错误率。
 * 汇总可以导出 Markdown 和 CSV。
 *
 * 导入的成绩单存在 localStorage 键 handbook:quiz-results:v1:<页面路径>，值为 {"v": 1, "slips": [...]}；
 * 读不了的值另存到 handbook:quiz-results:backup:<页面路径>。存不进去时只留在本页内存里，并提示及时导出。
 * 纯逻辑在 quiz-slip.js（HandbookQuizSlip）。
 */
(function () {
  "use strict";

  if (typeof window === "undefined" || typeof document === "undefined") return;
  const H = window.HandbookCore;
  const S = window.HandbookQuizSlip;
  const { el, button, store } = H;
  const NAME = "自测题全班汇总";
  const fill = S.fill;

  class Results {
    constructor(root) {
      const data = H.readJSON(root, "data-quiz-results", NAME);
      if (!data || !Array.isArray(data.questions) || !data.text) {
        throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上缺少题目列表或文字");
      }
      this.root = root;
      this.questions = data.questions;
      this.text = data.text;
      this.key = "handbook:quiz-results:v1:" + H.pageId();
      const parsed = store.load(this.key, S.parseStored, this.key.replace(/:v1:/, ":backup:"));
      this.slips = parsed.slips;
      this.corrupt = parsed.status === "corrupt";
      this.build();
      this.render();
      root.classList.add("hb-quiz-results--ready");
    }

    build() {
      const t = this.text;
      const root = this.root;
      root.textContent = "";
      this.warning = el("p", { className: "hb-quiz-results__warning", role: "alert", hidden: "" });
      root.appendChild(this.warning);
      const field = el("p", { className: "hb-quiz-results__import" });
      const id = "hb-quiz-results-file";
      field.appendChild(el("label", { for: id }, t.import_label));
      this.input = el("input", { type: "file", id: id, multiple: "", accept: ".json,application/json" });
      this.input.addEventListener("change", () => this.importFiles(Array.prototype.slice.call(this.input.files || [])));
      field.appendChild(this.input);
      root.appendChild(field);
      // 导入结果读给读屏软件：role=status 放在外层，列表本身保留列表的语义
      const status = el("div", { className: "hb-quiz-results__status", role: "status", "aria-live": "polite" });
      this.messages = el("ul", { className: "hb-quiz-results__messages" });
      status.appendChild(this.messages);
      root.appendChild(status);
      this.count = el("p", { className: "hb-quiz-results__count" });
      root.appendChild(this.count);
      const actions = el("div", { className: "hb-quiz-results__actions" });
      this.exportMd = button(t.export_md, () => this.export("md"), "hb-quiz-results__md");
      this.exportCsv = button(t.export_csv, () => this.export("csv"), "hb-quiz-results__csv");
      this.clear = button(t.clear, () => this.clearAll(), "hb-quiz-results__clear");
      this.clear.addEventListener("blur", () => this.disarm());
      [this.exportMd, this.exportCsv, this.clear].forEach((b) => actions.appendChild(b));
      root.appendChild(actions);
      this.tables = el("div", { className: "hb-quiz-results__tables" });
      root.appendChild(this.tables);
    }

    save() {
      store.write(this.key, JSON.stringify({ v: 1, slips: this.slips }));
    }

    async importFiles(files) {
      const t = this.text;
      const before = this.slips.length;
      const lines = [];
      let failed = false;
      for (const file of files) {
        if (file.size > S.MAX_BYTES) {
          // 太大的文件不读进内存
          failed = true;
          lines.push({ ok: false, text: fill(t.too_big, { file: file.name }) });
          continue;
        }
        let raw = null;
        try {
          raw = await file.text();
        } catch (err) {
          raw = null;
        }
        const result = S.addSlip(this.slips, file.name, raw);
        this.slips = result.slips;
        const ok = ["imported", "replaced", "duplicate", "older"].indexOf(result.code) !== -1;
        if (!ok) failed = true;
        lines.push({ ok: ok, text: fill(t[result.code], result.params) });
      }
      if (failed && before > 0) lines.push({ ok: true, text: t.nothing_lost });
      this.save();
      this.messages.textContent = "";
      lines.forEach((line) => {
        this.messages.appendChild(el("li", { className: line.ok ? "" : "hb-quiz-results__problem" }, line.text));
      });
      this.input.value = "";
      this.render();
    }

    summary() {
      return S.summarise(this.slips, this.questions, H.stamp());
    }

    export(format) {
      const summary = this.summary();
      const stamp = H.stamp();
      const date = H.localToday(new Date());
      if (format === "csv") {
        H.download("quiz-summary-" + date + ".csv", "\ufeff" + S.summaryCsv(summary, this.text), "text/csv");
      } else {
        H.download("quiz-summary-" + date + ".md", S.summaryMarkdown(summary, this.text,
          { at: H.formatTime(new Date()), handbook: stamp }), "text/markdown");
      }
    }

    disarm() {
      this.armed = false;
      this.clear.textContent = this.text.clear;
    }

    clearAll() {
      if (!this.armed) {
        this.armed = true;
        this.clear.textContent = this.text.clear_confirm;
        return;
      }
      this.disarm();
      this.slips = [];
      store.remove(this.key);
      this.corrupt = false;
      this.messages.textContent = "";
      this.messages.appendChild(el("li", {}, this.text.cleared));
      this.render();
    }

    table(caption, head, rows, className) {
      const table = el("table");
      table.appendChild(el("caption", {}, caption));
      const thead = el("thead");
      const tr = el("tr");
      head.forEach((h) => tr.appendChild(el("th", { scope: "col" }, h)));
      thead.appendChild(tr);
      table.appendChild(thead);
      const body = el("tbody");
      rows.forEach((cells) => {
        const row = el("tr");
        cells.forEach((cell) => {
          const td = el("td");
          if (cell instanceof Node) td.appendChild(cell);
          else td.textContent = String(cell);
          row.appendChild(td);
        });
        body.appendChild(row);
      });
      table.appendChild(body);
      // 表格不带类名：Material 只给 table:not([class]) 加表格样式；类名放在外层
      const wrap = el("div", { className: "md-typeset__scrollwrap " + className });
      const inner = el("div", { className: "md-typeset__table" });
      inner.appendChild(table);
      wrap.appendChild(inner);
      return wrap;
    }

    render() {
      const t = this.text;
      const messages = [];
      if (!store.persistent) messages.push(t.warn_unavailable);
      if (this.corrupt) messages.push(t.warn_corrupt);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
      const empty = this.slips.length === 0;
      this.count.textContent = empty ? t.empty : fill(t.learners, { count: this.slips.length });
      [this.exportMd, this.exportCsv, this.clear].forEach((b) => {
        b.disabled = empty;
      });
      this.tables.textContent = "";
      if (empty) return;
      const summary = this.summary();
      const questionRows = summary.questions.map((row) => {
        const link = el("a", { href: "#key-" + row.id }, row.number + ". " + row.stem);
        return [link, row.group, row.answered, row.wrong, S.percent(row.rate)];
      });
      this.tables.appendChild(this.table(t.questions_title,
        [t.col_question, t.col_group, t.col_answered, t.col_wrong, t.col_rate], questionRows, "hb-quiz-results__questions"));
      if (summary.unanswered) {
        this.tables.appendChild(el("p", { className: "hb-quiz-results__unanswered" },
          fill(t.not_answered, { count: summary.unanswered })));
      }
      const learnerRows = summary.learners.map((l) => [l.learner, l.date, S.versionText(l.handbook), l.correct,
        l.answered, l.total, S.learnerNote(l, t, summary.current) || "—"]);
      this.tables.appendChild(this.table(t.learners_title, [t.col_name, t.col_date, t.col_version, t.col_correct,
        t.col_answered_own, t.col_total, t.col_note], learnerRows, "hb-quiz-results__learners"));
    }
  }

  let current = [];

  H.register({
    name: NAME,
    selector: ".hb-quiz-results[data-quiz-results]",
    mount(root) {
      current = current.filter((r) => r.root.isConnected);
      current.push(new Results(root));
    },
  });

  store.onStatus(() => {
    current.filter((r) => r.root.isConnected).forEach((r) => r.render());
  });

  window.HandbookQuizResults = { results: () => current.filter((r) => r.root.isConnected) };
})();
