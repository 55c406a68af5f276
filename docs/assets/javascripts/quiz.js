/*
 * 自测题（宏 quiz() 生成 .hb-quiz > .hb-quiz__question[data-question][data-type][data-answer]）
 * 与自测题页面的工具栏（宏 quiz_toolbar() 生成 [data-quiz-toolbar]：总分、显示全部答案、打印）。
 *
 * 没有脚本时是题目加可展开的“答案与解释”；有脚本时可以作答，提交后立即显示对错和解释，
 * 每题按第一次提交计分。localStorage 键：handbook:quiz:v1:<页面路径>:<题组>，值为 JSON：
 *   {"v": 1, "answers": {"题目编号": {"chosen": ["A"], "fp": "题目指纹", "at": ISO}}, "updated": ISO}
 * 题目指纹由题干和选项算出；题目改了，旧答案自动作废。读不了的值另存到 handbook:quiz:backup:… 后从头计分。
 * 讲师工具：“显示全部答案”“打印题目和答案”；浏览器直接打印时只打印题目。
 *
 * 接口：window.HandbookQuiz = {core, quizzes()}；core 也可以在 Node 中 require 本文件得到。
 * 保存与文字函数用 core.js（HandbookCore）。用户输入和数据文字一律用 textContent 写入页面。
 */
(function (global) {
  "use strict";

  const H = typeof module !== "undefined" && module.exports ? require("./core.js") : global.HandbookCore;

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function iso(ms) {
    return new Date(ms).toISOString();
  }

  // ------------------------------------------------------------------ 自测题：纯逻辑

  const QUIZ_SCHEMA = 1;
  const QUIZ_PREFIX = "handbook:quiz:v1:";

  function parseAnswer(text) {
    return String(text || "")
      .split(",")
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
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

  function scoreText(score) {
    return "已答 " + score.answered + " 题，共 " + score.total + " 题；答对 " + score.correct + " 题";
  }

  const core = {
    parseAnswer: parseAnswer,
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

  const WARN_UNAVAILABLE = "这个浏览器不允许本页保存数据（例如隐私模式，或存储空间已满）。作答只保留到关闭或刷新本页为止，请及时导出。";
  const WARN_CORRUPT_QUIZ = "本机保存的作答记录已损坏，无法读取。已另存一份原始数据，这一组从头开始计分。";
  const clock = { now: () => Date.now() };

  let counter = 0;

  // ---- 自测题

  class Quiz {
    constructor(root, registry) {
      this.root = root;
      this.registry = registry;
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
      const id = node.getAttribute("data-question");
      const type = node.getAttribute("data-type") === "multi" ? "multi" : "single";
      const answer = parseAnswer(node.getAttribute("data-answer"));
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
        const text = H.collapse(li.textContent);
        options.push(text);
        const input = el("input", { type: type === "multi" ? "checkbox" : "radio", name: name, value: letter,
          id: name + "-" + letter });
        const label = el("label", { for: input.id, className: "hb-quiz__label" });
        label.appendChild(el("span", { className: "hb-quiz__letter" }, letter + ". "));
        while (li.firstChild) label.appendChild(li.firstChild);
        const mark = el("span", { className: "hb-quiz__mark" });
        label.appendChild(mark);
        li.appendChild(input);
        li.appendChild(label);
        if (answer.indexOf(letter) !== -1) li.setAttribute("data-correct", "");
        inputs.push({ li: li, input: input, letter: letter, mark: mark });
      });
      const actions = el("div", { className: "hb-quiz__actions" });
      const submit = button("提交", () => this.submit(question), "hb-quiz__submit");
      actions.appendChild(submit);
      const feedback = el("p", { className: "hb-quiz__feedback", role: "status", "aria-live": "polite" });
      actions.appendChild(feedback);
      fieldset.after(actions);
      const details = node.querySelector("details.hb-quiz__answer");
      const question = {
        node: node, id: id, type: type, answer: answer, inputs: inputs, submit: submit, feedback: feedback,
        details: details, fp: fingerprint(stemText, options, answer),
      };
      return question;
    }

    buildHeader() {
      const head = el("div", { className: "hb-quiz__head" });
      this.scoreText = el("p", { className: "hb-quiz__score", role: "status", "aria-live": "polite" });
      head.appendChild(this.scoreText);
      head.appendChild(button("重做本组", () => this.reset(), "hb-quiz__reset"));
      this.warning = el("p", { className: "hb-quiz__warning", role: "alert", hidden: "" });
      head.appendChild(this.warning);
      const meta = this.root.querySelector(".hb-quiz__meta");
      if (meta) meta.after(head);
      else this.root.insertBefore(head, this.root.firstChild);
    }

    submit(question) {
      const chosen = question.inputs.filter((o) => o.input.checked).map((o) => o.letter);
      if (!chosen.length) {
        question.feedback.textContent = question.type === "multi" ? "请先选择答案（可以选多个）。" : "请先选择一个答案。";
        return;
      }
      const fresh = parseQuiz(store.read(this.key));
      if (fresh.status === "ok") this.state = fresh.state;
      this.state = answerQuestion(this.state, question.id, chosen, question.fp, clock.now());
      this.save();
      this.render(question);
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
      this.scoreText.textContent = "已清空本组作答。" + this.scoreText.textContent;
    }

    score() {
      return scoreQuiz(this.state, this.questions);
    }

    render(focus) {
      const reveal = document.body.classList.contains("hb-quiz-reveal");
      this.questions.forEach((q) => {
        const saved = this.state.answers[q.id];
        const answered = !!saved && saved.fp === q.fp;
        const right = answered && grade(q.answer, saved.chosen);
        q.node.classList.toggle("hb-quiz__question--answered", answered);
        q.node.classList.toggle("hb-quiz__question--right", right);
        q.node.classList.toggle("hb-quiz__question--wrong", answered && !right);
        q.inputs.forEach((o) => {
          const chosen = answered && saved.chosen.indexOf(o.letter) !== -1;
          const correct = q.answer.indexOf(o.letter) !== -1;
          if (answered) o.input.checked = chosen;
          o.input.disabled = answered;
          o.li.classList.toggle("hb-quiz__option--chosen", chosen);
          o.li.classList.toggle("hb-quiz__option--correct", (answered || reveal) && correct);
          o.li.classList.toggle("hb-quiz__option--wrong", chosen && !correct);
          let mark = "";
          if ((answered || reveal) && correct) mark = "（正确答案）";
          else if (chosen) mark = "（你的选择）";
          if (chosen && correct) mark = "（你的选择，正确）";
          o.mark.textContent = mark;
        });
        q.submit.hidden = answered;
        if (answered) {
          q.feedback.textContent = right ? "回答正确。" : "回答错误。正确答案是 " + q.answer.join("、") + "。";
        } else if (q.feedback.textContent.indexOf("请先") !== 0) {
          q.feedback.textContent = "";
        }
        if (q.details) {
          q.details.hidden = !(answered || reveal);
          if (answered && focus === q) q.details.open = true;
          if (answered && !q.details.hasAttribute("data-seen")) {
            q.details.open = true;
            q.details.setAttribute("data-seen", "");
          }
          if (reveal) q.details.open = true;
        }
      });
      this.scoreText.textContent = this.title + "：" + scoreText(this.score());
      const messages = [];
      if (!store.persistent) messages.push(WARN_UNAVAILABLE);
      if (this.corrupt) messages.push(WARN_CORRUPT_QUIZ);
      this.warning.textContent = messages.join(" ");
      this.warning.hidden = messages.length === 0;
      if (this.registry) this.registry.refresh();
    }
  }

  // ---- 自测题页面的工具栏：总分、显示答案、打印

  class QuizToolbar {
    constructor(root) {
      this.root = root;
      this.quizzes = [];
      // 即时导航换页时 body 不变：上一页留下的“显示答案”状态要清掉
      document.body.classList.remove("hb-quiz-reveal", "hb-quiz-print");
      root.textContent = "";
      this.total = el("p", { className: "hb-quiz-toolbar__total", role: "status", "aria-live": "polite" });
      root.appendChild(this.total);
      const actions = el("div", { className: "hb-quiz-toolbar__actions" });
      this.toggle = button("显示全部答案", () => this.setReveal(!document.body.classList.contains("hb-quiz-reveal")),
        "hb-quiz-toolbar__reveal");
      this.toggle.setAttribute("aria-pressed", "false");
      actions.appendChild(this.toggle);
      actions.appendChild(button("打印题目和答案", () => this.print(), "hb-quiz-toolbar__print"));
      root.appendChild(actions);
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
      this.total.textContent = "全部题组：" + scoreText(sum);
    }

    setReveal(on) {
      document.body.classList.toggle("hb-quiz-reveal", on);
      this.toggle.setAttribute("aria-pressed", on ? "true" : "false");
      this.toggle.textContent = on ? "隐藏未作答题目的答案" : "显示全部答案";
      this.quizzes.forEach((q) => {
        if (!on) {
          q.questions.forEach((question) => {
            if (question.details) question.details.open = false;
          });
        }
        q.render();
      });
    }

    print() {
      const was = document.body.classList.contains("hb-quiz-reveal");
      const opened = this.quizzes.map((q) => q.questions.map((question) => question.details && question.details.open));
      document.body.classList.add("hb-quiz-print");
      this.setReveal(true);
      const done = () => {
        window.removeEventListener("afterprint", done);
        document.body.classList.remove("hb-quiz-print");
        this.setReveal(was);
        this.quizzes.forEach((q, i) => q.questions.forEach((question, j) => {
          if (question.details) question.details.open = !!opened[i][j] || was;
        }));
      };
      window.addEventListener("afterprint", done);
      window.print();
      done();
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
