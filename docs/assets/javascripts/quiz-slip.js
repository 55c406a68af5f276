/*
 * 自测题成绩单与全班汇总的纯逻辑（没有 DOM）：学员页（quiz.js）用它生成成绩单，讲师页（quiz-results.js）
 * 用它读入成绩单、算出全班汇总。浏览器中挂在 window.HandbookQuizSlip 上；Node 中 require 本文件。
 *
 * 成绩单（JSON，格式见 data/schemas/quiz-slip.schema.json）：
 *   {schema: 1, kind: "handbook-quiz-slip", handbook: {version, commit, build_date}, learner, date, exported_at,
 *    page, groups: [{id, title, answered, correct, total}],
 *    questions: [{id, group, number, rev, stem, result: "right"|"wrong"|"unanswered", chosen: [...], at}],
 *    total: {answered, correct, total}}
 * rev 是构建时由题干、选项和答案算出的题目版本：讲师页只合并 rev 与本页一致的题，改过的题单独标出。
 */
(function (global) {
  "use strict";

  const H = typeof module !== "undefined" && module.exports ? require("./core.js") : global.HandbookCore;

  const SLIP_SCHEMA = 1;
  const SLIP_KIND = "handbook-quiz-slip";
  const RESULTS = ["right", "wrong", "unanswered"];
  const MAX_BYTES = 1024 * 1024;

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function isText(value) {
    return typeof value === "string" && value.trim() !== "";
  }

  /** 把 {name} 换成 params.name；没有的名字原样保留。 */
  function fill(template, params) {
    return String(template).replace(/\{([a-z_]+)\}/g, (all, name) =>
      params && params[name] !== undefined && params[name] !== null ? String(params[name]) : all);
  }

  function scoreLine(text, score) {
    return fill(text.score, score);
  }

  // ------------------------------------------------------------------ 成绩单

  /**
   * input: {learner, now (毫秒), stamp, page, groups: [{id, title, questions: [{id, number, rev, stem, answer,
   * chosen (没答时 null), at}]}]}
   */
  function buildSlip(input) {
    const total = { answered: 0, correct: 0, total: 0 };
    const groups = [];
    const questions = [];
    input.groups.forEach((group) => {
      const sum = { id: group.id, title: group.title, answered: 0, correct: 0, total: 0 };
      group.questions.forEach((q) => {
        let result = "unanswered";
        if (q.chosen && q.chosen.length) {
          result = sameLetters(q.answer, q.chosen) ? "right" : "wrong";
          sum.answered += 1;
          if (result === "right") sum.correct += 1;
        }
        sum.total += 1;
        questions.push({
          id: q.id, group: group.id, number: q.number, rev: q.rev, stem: q.stem, result: result,
          chosen: result === "unanswered" ? [] : q.chosen.slice().sort(), at: result === "unanswered" ? null : q.at || null,
        });
      });
      ["answered", "correct", "total"].forEach((k) => {
        total[k] += sum[k];
      });
      groups.push(sum);
    });
    const date = new Date(input.now);
    return {
      schema: SLIP_SCHEMA,
      kind: SLIP_KIND,
      handbook: stampOf(input.stamp),
      learner: H.collapse(input.learner),
      date: H.localToday(date),
      exported_at: H.toLocalIso(date),
      page: input.page,
      groups: groups,
      questions: questions,
      total: total,
    };
  }

  function sameLetters(a, b) {
    const x = (a || []).slice().sort();
    const y = (b || []).slice().sort();
    return x.length > 0 && x.length === y.length && x.every((v, i) => v === y[i]);
  }

  function stampOf(stamp) {
    const s = isObject(stamp) ? stamp : {};
    return { version: String(s.version || ""), commit: String(s.commit || ""), build_date: String(s.build_date || "") };
  }

  function versionText(handbook) {
    return (handbook.version || "?") + (handbook.commit ? "（" + handbook.commit + "）" : "");
  }

  function slipFileName(slip) {
    const name = slip.learner.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 40) || "learner";
    return "quiz-slip-" + name + "-" + slip.date;
  }

  /** 给人看的成绩单（Markdown）。 */
  function slipMarkdown(slip, text, groupTitles) {
    const label = { right: text.result_right, wrong: text.result_wrong, unanswered: text.result_unanswered };
    const lines = [
      "# " + text.slip_title, "",
      "- " + text.slip_name + "：" + H.escapeMarkdown(slip.learner),
      "- " + text.slip_date + "：" + slip.date,
      "- " + text.slip_version + "：" + H.escapeMarkdown(versionText(slip.handbook)),
      "- " + text.slip_total + "：" + scoreLine(text, slip.total), "",
    ];
    slip.groups.forEach((g) => lines.push("- " + H.escapeMarkdown(fill(text.group_score,
      { title: g.title, score: scoreLine(text, g) }))));
    lines.push("", "| " + [text.slip_group, text.slip_question, text.slip_result, text.slip_chosen].join(" | ") + " |",
      "|---|---|---|---|");
    slip.questions.forEach((q) => {
      lines.push("| " + [(groupTitles && groupTitles[q.group]) || q.group, q.number + ". " + q.stem, label[q.result],
        q.chosen.join("、") || "—"].map(H.tableCell).join(" | ") + " |");
    });
    return lines.join("\n") + "\n";
  }

  // ------------------------------------------------------------------ 读入成绩单

  /** 检查一份成绩单；返回 {ok: true, slip} 或 {ok: false, code, params}（code 对应 widget_text 的 quiz.results）。 */
  function parseSlip(raw) {
    if (typeof raw !== "string") return { ok: false, code: "read_failed", params: {} };
    if (raw.length > MAX_BYTES) return { ok: false, code: "too_big", params: {} };
    let data;
    try {
      data = JSON.parse(raw.replace(/^\ufeff/, ""));
    } catch (err) {
      return { ok: false, code: "not_json", params: {} };
    }
    if (!isObject(data) || data.kind !== SLIP_KIND) return { ok: false, code: "foreign", params: {} };
    if (data.schema !== SLIP_SCHEMA) {
      return { ok: false, code: "schema", params: { schema: JSON.stringify(data.schema), known: SLIP_SCHEMA } };
    }
    const bad = (problem) => ({ ok: false, code: "invalid", params: { problem: problem } });
    if (!isText(data.learner)) return bad("learner");
    if (!isObject(data.handbook)) return bad("handbook");
    if (!H.isTime(data.exported_at)) return bad("exported_at");
    if (!Array.isArray(data.questions)) return bad("questions");
    const questions = [];
    for (let i = 0; i < data.questions.length; i++) {
      const q = data.questions[i];
      if (!isObject(q) || !isText(q.id) || typeof q.rev !== "string" || RESULTS.indexOf(q.result) === -1) {
        return bad("questions[" + i + "]");
      }
      questions.push({
        id: q.id, group: String(q.group || ""), number: Number(q.number) || 0, rev: q.rev, stem: String(q.stem || ""),
        result: q.result, chosen: Array.isArray(q.chosen) ? q.chosen.filter((c) => typeof c === "string") : [],
        at: H.isTime(q.at) ? q.at : null,
      });
    }
    const count = (result) => questions.filter((q) => q.result === result).length;
    const slip = {
      schema: SLIP_SCHEMA, kind: SLIP_KIND, handbook: stampOf(data.handbook), learner: H.collapse(data.learner),
      date: isText(data.date) ? data.date : String(data.exported_at).slice(0, 10), exported_at: data.exported_at,
      page: String(data.page || ""), groups: Array.isArray(data.groups) ? data.groups.filter(isObject) : [],
      questions: questions,
      total: { answered: count("right") + count("wrong"), correct: count("right"), total: questions.length },
    };
    return { ok: true, slip: slip };
  }

  function learnerKey(name) {
    return H.collapse(name).toLowerCase();
  }

  /**
   * 把一个文件加进已导入的成绩单（不改原数组）。同一学员（姓名相同）只留导出时间最新的一份。
   * 返回 {slips, code, params}：code 为 imported、duplicate、replaced、older，或 parseSlip 的错误代码。
   * 出错时 slips 原样返回：已经导入的都不丢。
   */
  function addSlip(slips, fileName, raw) {
    const parsed = parseSlip(raw);
    const params = Object.assign({ file: fileName }, parsed.params || {});
    if (!parsed.ok) return { slips: slips, code: parsed.code, params: params };
    const slip = parsed.slip;
    params.name = slip.learner;
    const index = slips.findIndex((s) => learnerKey(s.learner) === learnerKey(slip.learner));
    if (index === -1) return { slips: slips.concat([slip]), code: "imported", params: params };
    const old = slips[index];
    const oldAt = Date.parse(old.exported_at);
    const newAt = Date.parse(slip.exported_at);
    if (oldAt === newAt) return { slips: slips, code: "duplicate", params: params };
    if (newAt < oldAt) return { slips: slips, code: "older", params: params };
    const next = slips.slice();
    next[index] = slip;
    return { slips: next, code: "replaced", params: params };
  }

  /** 存在浏览器里的已导入成绩单：{v: 1, slips: [...]}；每份重新检查，坏的丢掉。 */
  function parseStored(raw) {
    if (raw === null || raw === undefined) return { status: "empty", slips: [] };
    let data;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      return { status: "corrupt", slips: [] };
    }
    if (!isObject(data) || data.v !== 1 || !Array.isArray(data.slips)) return { status: "corrupt", slips: [] };
    const slips = [];
    data.slips.forEach((slip) => {
      const parsed = parseSlip(JSON.stringify(slip));
      if (parsed.ok) slips.push(parsed.slip);
    });
    return { status: "ok", slips: slips };
  }

  // ------------------------------------------------------------------ 全班汇总

  /**
   * slips: 已导入的成绩单；questions: 本页的题目 [{id, quiz, group, number, rev, stem}]；current: 本页的构建标记。
   * 只合并题目版本（rev）与本页一致的作答；来自别的手册版本、题目改过或本页没有的题，都在学员一行里标出。
   * questions 只含至少有一人作答的题（错误率从高到低），unanswered 是没人答过的题数。
   */
  function summarise(slips, questions, current) {
    const byId = {};
    const rows = questions.map((q, order) => {
      const row = { id: q.id, quiz: q.quiz, group: q.group, number: q.number, stem: q.stem, order: order,
        answered: 0, wrong: 0, rate: null };
      byId[q.id] = { q: q, row: row };
      return row;
    });
    const cur = stampOf(current);
    const learners = slips.map((slip) => {
      let changed = 0;
      let unknown = 0;
      slip.questions.forEach((a) => {
        const found = byId[a.id];
        if (!found) {
          if (a.result !== "unanswered") unknown += 1;
          return;
        }
        if (found.q.rev !== a.rev) {
          if (a.result !== "unanswered") changed += 1;
          return;
        }
        if (a.result === "unanswered") return;
        found.row.answered += 1;
        if (a.result === "wrong") found.row.wrong += 1;
      });
      const otherVersion = !!(cur.commit && slip.handbook.commit && cur.commit !== slip.handbook.commit) ||
        !!(cur.version && slip.handbook.version && cur.version !== slip.handbook.version);
      return {
        learner: slip.learner, date: slip.date, handbook: slip.handbook, correct: slip.total.correct,
        answered: slip.total.answered, total: slip.total.total, otherVersion: otherVersion, changed: changed,
        unknown: unknown,
      };
    });
    rows.forEach((row) => {
      row.rate = row.answered ? row.wrong / row.answered : null;
    });
    // 没有人答过的题不列出，只计数
    const sorted = rows.filter((row) => row.answered > 0).sort((a, b) => {
      if (a.rate !== b.rate) return b.rate - a.rate;
      if (a.wrong !== b.wrong) return b.wrong - a.wrong;
      return a.order - b.order;
    });
    learners.sort((a, b) => a.learner.localeCompare(b.learner, "zh-CN"));
    return { count: slips.length, questions: sorted, unanswered: rows.length - sorted.length, learners: learners,
      current: cur };
  }

  function percent(rate) {
    return rate === null ? "—" : Math.round(rate * 100) + "%";
  }

  /** 学员一行的说明：别的手册版本、改过的题、本页没有的题。 */
  function learnerNote(learner, text, current) {
    const notes = [];
    if (learner.otherVersion) {
      notes.push(fill(text.other_version, { version: learner.handbook.version || "?", commit: learner.handbook.commit || "?",
        current: versionText(current) }));
    }
    if (learner.changed) notes.push(fill(text.changed, { count: learner.changed }));
    if (learner.unknown) notes.push(fill(text.unknown, { count: learner.unknown }));
    return notes.join("；");
  }

  function questionLabel(row) {
    return row.number + ". " + row.stem;
  }

  /** 全班汇总（Markdown）；meta: {at, handbook}。 */
  function summaryMarkdown(summary, text, meta) {
    const lines = [
      "# " + text.summary_title, "",
      fill(text.summary_meta, { at: meta.at, version: summary.current.version || "?", commit: summary.current.commit || "?" }),
      "", fill(text.learners, { count: summary.count }), "",
      "## " + text.questions_title, "",
      "| " + [text.col_question, text.col_group, text.col_answered, text.col_wrong, text.col_rate].join(" | ") + " |",
      "|---|---|---|---|---|",
    ];
    summary.questions.forEach((row) => {
      lines.push("| " + [questionLabel(row), row.group, row.answered, row.wrong, percent(row.rate)]
        .map(H.tableCell).join(" | ") + " |");
    });
    if (summary.unanswered) lines.push("", fill(text.not_answered, { count: summary.unanswered }));
    lines.push("", "## " + text.learners_title, "",
      "| " + [text.col_name, text.col_date, text.col_version, text.col_correct, text.col_answered_own, text.col_total,
        text.col_note].join(" | ") + " |", "|---|---|---|---|---|---|---|");
    summary.learners.forEach((l) => {
      lines.push("| " + [l.learner, l.date, versionText(l.handbook), l.correct, l.answered, l.total,
        learnerNote(l, text, summary.current) || "—"].map(H.tableCell).join(" | ") + " |");
    });
    return lines.join("\n") + "\n";
  }

  /** CSV 的一格：有逗号、引号或换行时加引号；以 = + - @ 开头的加单引号，免得表格软件当成公式。 */
  function csvCell(value) {
    let text = String(value === null || value === undefined ? "" : value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** 全班汇总（CSV，UTF-8 带 BOM 由调用方决定）：先是各题，空一行，再是每位学员。 */
  function summaryCsv(summary, text) {
    const rows = [[text.col_question, text.col_group, text.col_answered, text.col_wrong, text.col_rate]];
    summary.questions.forEach((row) => rows.push([questionLabel(row), row.group, row.answered, row.wrong,
      percent(row.rate)]));
    rows.push([]);
    rows.push([text.col_name, text.col_date, text.col_version, text.col_correct, text.col_answered_own, text.col_total,
      text.col_note]);
    summary.learners.forEach((l) => rows.push([l.learner, l.date, versionText(l.handbook), l.correct, l.answered,
      l.total, learnerNote(l, text, summary.current)]));
    return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  }

  const api = {
    SLIP_SCHEMA, SLIP_KIND, MAX_BYTES, fill, scoreLine, buildSlip, slipFileName, slipMarkdown, parseSlip, addSlip, parseStored,
    summarise, percent, learnerNote, summaryMarkdown, summaryCsv, csvCell, versionText,
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof window !== "undefined" && !global.HandbookQuizSlip) global.HandbookQuizSlip = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
