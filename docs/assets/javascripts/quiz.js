/*
 * 自测题（宏 quiz() 生成 .hb-quiz > .hb-quiz__question[data-question][data-type][data-rev][data-seal]）
 * 与自测题页面的工具栏（宏 quiz_toolbar() 生成 [data-quiz-toolbar]：总分、姓名、导出成绩单）。
 *
 * 页面里没有明文答案：每题的答案和解释封在 data-seal 里（macros/quiz.py 的 seal），学员提交后才解开显示。
 * 没有脚本时只有题目。有脚本时可以作答，提交后立即显示对错、答案、解释和要重读的页面，焦点移到结果上；
 * 没作答的题看不到答案，学员页没有“显示全部答案”（答案在讲师页）。
 * 每题按第一次提交计分。localStorage 键：handbook:quiz:v1:<页面路径>:<题组>，值为 JSON：
 *   {"v": 1, "answers": {"题目编号": {"chosen": ["A"], "fp": "题目指纹", "at": ISO}}, "updated": ISO}
 * 题目指纹由题干、选项和答案算出；题目改了，旧答案自动作废。读不了的值另存到 handbook:quiz:backup:… 后从头计分。
 * 学员的姓名存在 handbook:quiz:learner。成绩单的格式与全班汇总见 quiz-slip.js。
 *
 * 接口：window.HandbookQuiz = {core, quizzes()}；core 也可以在 Node 中 require 本文件得到。
 * 显示的文字来自 data/widget_text.yml 的 quiz（data-text 属性）；用户输入和数据文字一律用 textContent 写入页面。
 */
(function (global) {
  "use strict";

  const H = typeof module !== "undefined" && module.exports ? require("./core.js") : global.HandbookCore;
  const S = typeof module !== "undefined" && module.exports ? require("./quiz-slip.js") : global.HandbookQuizSlip;

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function iso(ms) {
    return new Date(ms).toISOString();
  }

  // ------------------------------------------------------------------ 自测题：纯逻辑

  const QUIZ_SCHEMA = 1;
  const QUIZ_PREFIX = "handbook:quiz:v1:";
  const LEARNER_KEY = "handbook:quiz:learner";

  function parseAnswer(text) {
    return String(text || "")
      .split(",")
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
  }

  function bytesOf(binary) {
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /** 解开 data-seal（macros/quiz.py 的 seal 的逆运算）：{a: ["B"], e: "解释"}；解不开时返回 null。 */
  function unseal(id, sealed) {
    try {
      const data = bytesOf(atob(String(sealed || "")));
      const key = new TextEncoder().encode("hb-quiz:" + id);
      for (let i = 0; i < data.length; i++) data[i] = data[i] ^ key[i % key.length] ^ ((i * 31 + 7) & 0xff);
      const payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
      if (!isObject(payload) || !Array.isArray(payload.a) || !payload.a.length || typeof payload.e !== "string") return null;
      return { answer: payload.a.map(String), explanation: payload.e };
    } catch (err) {
      return null;
    }
  }

  /** 选的和正确答案完全一致才算对（多选题少选、多选都算错）。 */
  function grade(correct, chosen) {
    const a = (correct || []).slice().sort();
    const b = (chosen || []).slice().sort();
    return a.length > 0 && a.length === b.length && a.every((x, i) => x === b[i]);
  }

  /** 题目指纹：题干、选项和答案变了，旧的作答就作废。 */
  function fingerprint(question, options, answer) {
    return H.fnv1a(H.normaliseText([question].concat(options || [], ["=" + (answer || []).join(",")]).join("\u0001")));
  }

  function emptyQuiz() {
    return { v: QUIZ_SCHEMA, answers: {}, updated: null };
  }

  function parseQuiz(raw) {
    if (raw === null || raw === undefined) return { status: "empty", state: emptyQuiz() };
    let data;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      return { status: "corrupt", state: emptyQuiz() };
    }
    if (!isObject(data) || data.v !== QUIZ_SCHEMA || !isObject(data.answers)) {
      return { status: "corrupt", state: emptyQuiz() };
    }
    const state = emptyQuiz();
    Object.keys(data.answers).forEach((id) => {
      const a = data.answers[id];
      if (!isObject(a) || !Array.isArray(a.chosen) || typeof a.fp !== "string") return;
      const chosen = a.chosen.filter((x) => typeof x === "string" && /^[A-F]$/.test(x));
      if (!chosen.length) return;
      state.answers[id] = { chosen: chosen, fp: a.fp, at: H.isTime(a.at) ? a.at : null };
    });
    state.updated = H.isTime(data.updated) ? data.updated : null;
    return { status: "ok", state: state };
  }

  /** 记下一题的作答；已经作答过的不覆盖（按第一次提交计分）。 */
  function answerQuestion(state, id, chosen, fp, now) {
    const existing = state.answers[id];
    if (existing && existing.fp === fp) return state;
    const next = { v: QUIZ_SCHEMA, answers: Object.assign({}, state.answers), updated: iso(now) };
    next.answers[id] = { chosen: chosen.slice().sort(), fp: fp, at: iso(now) };
    return next;
  }

  /** questions: [{id, answer: [...], fp}]。只计指纹仍然一致的作答。 */
  function scoreQuiz(state, questions) {
    let answered = 0;
    let right = 0;
    questions.forEach((q) => {
      const a = state.answers[q.id];
      if (!a || a.fp !== q.fp) return;
      answered += 1;
      if (grade(q.answer, a.chosen)) right += 1;
    });
    return { answered: answered, correct: right, total: questions.length };
  }

  /** 得分的一句话；template 来自 widget_text 的 quiz.score。 */
  function scoreText(score, template) {
    return S.fill(template || "已答 {answered} 题，共 {total} 题；答对 {correct} 题", score);
  }

  const core = {
    parseAnswer: parseAnswer,
    unseal: unseal,
    grade: grade,
    fingerprint: fingerprint,
    emptyQuiz: emptyQuiz,
    parseQuiz: parseQuiz,
    answerQuestion: answerQuestion,
    scoreQuiz: scoreQuiz,
    scoreText: scoreText,
  };

  if (typeof module !== "undefined" && module.exports) module.exports = core;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookQuiz) return; // 已加载过

  // ------------------------------------------------------------------ 浏览器部分

  const { el, button, store } = H;
  const NAME = "自测题";
  const TOOLBAR = "自测题工具栏";
  const clock = { now: () => Date.now() };
  const fill = S.fill;

  let counter = 0;

  // ---- 自测题

  class Quiz {
    constructor(root, registry) {
      this.root = root;
      this.registry = registry;
      this.text = H.readJSON(root, "data-text", NAME);
      this.uid = "hbq" + ++counter;
      this.id = root.getAttribute("data-quiz") || "quiz" + counter;
      this.title = H.collapse(root.getAttribute("data-title")) || this.id;
      this.key = QUIZ_PREFIX + H.pageId() + ":" + this.id;
      this.corrupt = false;
      H.required(root, ".hb-quiz__question", NAME);
      this.questions = Array.prototype.slice.call(root.querySelectorAll(".hb-quiz__question"))
        .map((node) => this.enhanceQuestion(node));
      this.buildHeader();
      this.state = this.load();
      this.render();
      root.classList.add("hb-quiz--ready");
    }

    /** 读不了的作答记录另存到 handbook:quiz:backup:… 后从头计分。 */
    load() {
      const parsed = store.load(this.key, parseQuiz, this.key.replace(/:v1:/, ":backup:"));
      if (parsed.status === "corrupt") this.corrupt = true;
      return parsed.state;
    }

    save() {
      store.write(this.key, JSON.stringify(this.state));
    }

    enhanceQuestion(node) {
      const t = this.text;
      const id = node.getAttribute("data-question");
      const sealed = unseal(id, node.getAttribute("data-seal"));
      if (!sealed) throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上的题目 " + id + " 的 data-seal 无法解开");
      const type = node.getAttribute("data-type") === "multi" ? "multi" : "single";
      const answer = sealed.answer;
      const stem = node.querySelector(".hb-quiz__stem");
      let stemText = id;
      if (stem) {
        // 指纹只看题干文字，不看题号和“（单选）”，调整题目顺序不影响已有的作答
        const copy = stem.cloneNode(true);
        copy.querySelectorAll(".hb-quiz__number, .hb-quiz__kind").forEach((n) => n.remove());
        stemText = H.collapse(copy.textContent);
      }
      const options = [];
      const inputs = [];
      const name = this.uid + "-" + id;
      const fieldset = el("fieldset", { className: "hb-quiz__fieldset" });
      if (stem) {
        const legend = el("legend", { className: "hb-quiz__legend" });
        while (stem.firstChild) legend.appendChild(stem.firstChild);
        fieldset.appendChild(legend);
        stem.replaceWith(fieldset);
      } else {
        node.insertBefore(fieldset, node.firstChild);
      }
      const list = node.querySelector(".hb-quiz__options");
      if (list) fieldset.appendChild(list);
      node.querySelectorAll("li[data-option]").forEach((li) => {
        const letter = li.getAttribute("data-option");
        options.push(H.collapse(li.textContent));
        const input = el("input", { type: type === "multi" ? "checkbox" : "radio", name: name, value: letter,
          id: name + "-" + letter });
        const label = el("label", { for: input.id, className: "hb-quiz__label" });
        label.appendChild(el("span", { className: "hb-quiz__letter" }, letter + ". "));
        while (li.firstChild) label.appendChild(li.firstChild);
        const mark = el("span", { className: "hb-quiz__mark" });
        label.appendChild(mark);
        li.appendChild(input);
        li.appendChild(label);
        inputs.push({ li: li, input: input, letter: letter, mark: mark });
      });
      const actions = el("div", { className: "hb-quiz__actions" });
      const submit = button(t.submit, () => this.submit(question), "hb-quiz__submit");
      actions.appendChild(submit);
      // 提交后焦点移到这里：读屏软件读出对错，Tab 接着到解释里的链接和下一题
      const feedback = el("p", { className: "hb-quiz__feedback", role: "status", "aria-live": "polite", tabindex: "-1" });
      actions.appendChild(feedback);
      fieldset.after(actions);
      // 解释的文字在提交后才写进页面（render），没作答时页面里只有封条
      const explain = el("div", { className: "hb-quiz__explain", hidden: "" });
      const explanation = el("p", { className: "hb-quiz__explanation" });
      explain.appendChild(explanation);
      const reread = node.querySelector(".hb-quiz__reread");
      if (reread) {
        reread.hidden = false;
        explain.appendChild(reread);
      }
      actions.after(explain);
      const question = {
        node: node, id: id, type: type, answer: answer, inputs: inputs, submit: submit, feedback: feedback,
        explain: explain, explanation: explanation, fp: fingerprint(stemText, options, answer),
        explanationText: fill(t.answer_line, { answer: answer.join("、") }) + sealed.explanation, rev: node.getAttribute("data-rev") || "",
        number: Number(node.getAttribute("data-number")) || 0, stem: stemText,
      };
      return question;
    }

    buildHeader() {
      const head = el("div", { className: "hb-quiz__head" });
      this.scoreText = el("p", { className: "hb-quiz__score", role: "status", "aria-live": "polite" });
      head.appendChild(this.scoreText);
      head.appendChild(button(this.text.reset, () => this.reset(), "hb-quiz__reset"));
      this.warning = el("p", { className: "hb-quiz__warning", role: "alert", hidden: "" });
      head.appendChild(this.warning);
      const meta = this.root.querySelector(".hb-quiz__meta");
      if (meta) meta.after(head);
      else this.root.insertBefore(head, this.root.firstChild);
    }

    submit(question) {
      const t = this.text;
      const chosen = question.inputs.filter((o) => o.input.checked).map((o) => o.letter);
      if (!chosen.length) {
        question.feedback.textContent = question.type === "multi" ? t.choose_many : t.choose_one;
        return;
      }
      const fresh = parseQuiz(store.read(this.key));
      if (fresh.status === "ok") this.state = fresh.state;
      this.state = answerQuestion(this.state, question.id, chosen, question.fp, clock.now());
      this.save();
      this.render();
      // 提交按钮和选项都停用了：焦点不落回页首，移到结果上
      question.feedback.focus();
      const saved = this.state.answers[question.id];
      const right = grade(question.answer, saved.chosen);
      H.announce("quiz", "submit", fill(t.announce, { title: this.title, number: question.number,
        result: right ? t.right : fill(t.wrong, { answer: question.answer.join("、") }) }));
    }

    reset() {
      store.remove(this.key);
      this.state = emptyQuiz();
      this.corrupt = false;
      this.questions.forEach((q) => {
        q.inputs.forEach((o) => {
          o.input.checked = false;
        });
      });
      this.render();
      this.scoreText.textContent = this.text.reset_done + this.scoreText.textContent;
    }

    answered(q) {
      const saved = this.state.answers[q.id];
      return saved && saved.fp === q.fp ? saved : null;
    }

    score() {
      return scoreQuiz(this.state, this.questions);
    }

    /** 成绩单里的一组：每题的编号、题号、版本、题干、答案和所选。 */
    slipGroup() {
      return {
        id: this.id, title: this.title,
        questions: this.questions.map((q) => {
          const saved = this.answered(q);
          return { id: q.id, number: q.number, rev: q.rev, stem: q.stem, answer: q.answer,
            chosen: saved ? saved.chosen : null, at: saved ? saved.at : null };
        }),
      };
    }

    render() {
      const t = this.text;
      this.questions.forEach((q) => {
        const saved = this.answered(q);
        const answered = !!saved;
        const right = answered && grade(q.answer, saved.chosen);
        q.node.classList.toggle("hb-quiz__question--answered", answered);
        q.node.classList.toggle("hb-quiz__question--right", right);
        q.node.classList.toggle("hb-quiz__question--wrong", answered && !right);
        q.inputs.forEach((o) => {
          const chosen = answered && saved.chosen.indexOf(o.letter) !== -1;
          const correct = answered && q.answer.indexOf(o.letter) !== -1;
          if (answered) o.input.checked = chosen;
          o.input.disabled = answered;
          o.li.classList.toggle("hb-quiz__option--chosen", chosen);
          o.li.classList.toggle("hb-quiz__option--correct", correct);
          o.li.classList.toggle("hb-quiz__option--wrong", chosen && !correct);
          let mark = "";
          if (chosen && correct) mark = t.mark_chosen_correct;
          else if (correct) mark = t.mark_correct;
          else if (chosen) mark = t.mark_chosen;
          o.mark.textContent = mark;
        });
        q.submit.hidden = answered;
        if (answered) {
          q.feedback.textContent = right ? t.right : fill(t.wrong, { answer: q.answer.join("、") });
        } else if (q.feedback.textContent !== t.choose_one && q.feedback.textContent !== t.choose_many) {
          q.feedback.textContent = "";
        }
        q.explain.hidden = !answered;
        q.explanation.textContent = answered ? q.explanationText : "";
      });
      this.scoreText.textContent = fill(t.group_score, { title: this.title, score: scoreText(this.score(), t.score) });
      const messages = [];
      if (!store.persistent) messages.push(t.warn_unavailable);
      if (this.corrupt) messages.push(t.warn_corrupt);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
      if (this.registry) this.registry.refresh();
    }
  }

  // ---- 自测题页面的工具栏：总分、姓名、导出成绩单

  class QuizToolbar {
    constructor(root) {
      const t = (this.text = H.readJSON(root, "data-text", TOOLBAR));
      this.root = root;
      this.quizzes = [];
      root.textContent = "";
      this.total = el("p", { className: "hb-quiz-toolbar__total", role: "status", "aria-live": "polite" });
      root.appendChild(this.total);
      const nameId = "hb-quiz-learner";
      const field = el("p", { className: "hb-quiz-toolbar__name" });
      field.appendChild(el("label", { for: nameId }, t.name_label));
      this.name = el("input", { type: "text", id: nameId, autocomplete: "name", maxlength: "60" });
      this.name.value = store.read(LEARNER_KEY) || "";
      this.name.addEventListener("change", () => store.write(LEARNER_KEY, H.collapse(this.name.value)));
      field.appendChild(this.name);
      root.appendChild(field);
      const actions = el("div", { className: "hb-quiz-toolbar__actions" });
      actions.appendChild(button(t.export_json, () => this.exportSlip("json"), "hb-quiz-toolbar__json"));
      actions.appendChild(button(t.export_text, () => this.exportSlip("md"), "hb-quiz-toolbar__text"));
      root.appendChild(actions);
      this.message = el("p", { className: "hb-quiz-toolbar__message", role: "status", "aria-live": "polite" });
      root.appendChild(this.message);
      root.classList.add("hb-quiz-toolbar--ready");
    }

    refresh() {
      const sum = { answered: 0, correct: 0, total: 0 };
      this.quizzes.forEach((q) => {
        const s = q.score();
        sum.answered += s.answered;
        sum.correct += s.correct;
        sum.total += s.total;
      });
      this.total.textContent = fill(this.text.total, { score: scoreText(sum, this.text.score) });
    }

    slip() {
      return S.buildSlip({
        learner: this.name.value, now: clock.now(), stamp: H.stamp(), page: H.pageId(),
        groups: this.quizzes.map((q) => q.slipGroup()),
      });
    }

    exportSlip(format) {
      const t = this.text;
      if (!H.collapse(this.name.value)) {
        this.message.textContent = t.need_name;
        this.name.focus();
        return;
      }
      store.write(LEARNER_KEY, H.collapse(this.name.value));
      const slip = this.slip();
      const titles = {};
      this.quizzes.forEach((q) => {
        titles[q.id] = q.title;
      });
      const file = S.slipFileName(slip) + (format === "json" ? ".json" : ".md");
      if (format === "json") H.download(file, JSON.stringify(slip, null, 2) + "\n", "application/json");
      else H.download(file, S.slipMarkdown(slip, t, titles), "text/markdown");
      this.message.textContent = fill(t.exported, { file: file });
    }
  }

  let quizzes = [];

  function live() {
    quizzes = quizzes.filter((q) => q.root.isConnected);
    return quizzes;
  }

  H.register({
    name: NAME,
    selector: ".hb-quiz[data-quiz]",
    mount(root) {
      root.setAttribute("data-hb-quiz-ready", "");
      live().push(new Quiz(root, null));
    },
  });

  // 工具栏在本页的题组都挂载之后挂载（登记顺序），接管它们的总分
  H.register({
    name: TOOLBAR,
    selector: "[data-quiz-toolbar]",
    mount(root) {
      root.setAttribute("data-hb-quiz-ready", "");
      const toolbar = new QuizToolbar(root);
      toolbar.quizzes = live().slice();
      toolbar.quizzes.forEach((q) => {
        q.registry = toolbar;
        q.render();
      });
      toolbar.refresh();
    },
  });

  window.addEventListener("storage", (event) => {
    live().forEach((q) => {
      if (event.key === null || event.key === q.key) {
        store.forget(q.key);
        q.state = q.load();
        q.render();
      }
    });
  });
  store.onStatus(() => {
    live().forEach((q) => q.render());
  });

  global.HandbookQuiz = {
    core: core,
    quizzes: () => live().slice(),
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
