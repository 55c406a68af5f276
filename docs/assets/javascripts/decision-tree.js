/* 判断树：把宏输出的嵌套列表（.dt）变成一次只问一个问题的逐步向导。
 *
 * 没有脚本时，嵌套列表本身就能读；有脚本时隐藏它（可以展开），改为：
 * 问题标题 + 答案按钮 → 下一个问题 …… → 结论卡片（处置手册链接获得焦点）。
 * 走过的路径显示为面包屑，可回到任一步；“上一步”“重新开始”随时可用。
 *
 * 每一步有自己的网址：路径写在查询参数 dt-<树的键> 里，值是从第一个问题起依次到达的节点键，用“.”连接，
 * 例如 incident/triage/?dt-not_found=official.symptom（离线包：incident/triage.html?dt-not_found=…）。
 * 每回答一题加一条浏览器历史：后退回到上一个问题，前进再走回来；复制地址栏的网址，在新标签页打开就是这一步
 * （连同走过的路径）。参数对不上现在的树（树改过、链接抄错）时显示说明，从第一个问题开始。
 * 不用 history.state 和 sessionStorage：Material 的即时导航会把 history.state 换成滚动位置。
 *
 * 每个回答发出 H.announce("tree", "answer", "问题 → 回答")；“把路径加入事件记录”发出整条路径（kind "path"）。
 * 显示的文字来自 data/widget_text.yml 的 tree 部分（data-dt-text）。
 * 不发任何网络请求，不把文字当 HTML 插入，页面上没有 .dt 时什么也不做。
 */
(function (global) {
  "use strict";

  /* ---------------------------------------------------------------- 纯逻辑（Node 可测） */

  /** 沿着答案序号从 start 往下走；遇到无效的序号就停下。 */
  function walk(model, path) {
    const steps = [];
    const valid = [];
    let id = model.start;
    const list = Array.isArray(path) ? path : [];
    for (let i = 0; i < list.length; i += 1) {
      const node = model.nodes[id];
      const choice = list[i];
      if (!node || node.type !== "question" || !Number.isInteger(choice) ||
          choice < 0 || choice >= node.answers.length ||
          !model.nodes[node.answers[choice].next]) {
        break;
      }
      steps.push({ id: id, answer: choice });
      valid.push(choice);
      id = node.answers[choice].next;
    }
    return { steps: steps, current: id, path: valid, done: model.nodes[id].type === "leaf" };
  }

  function choose(model, path, index) {
    return walk(model, walk(model, path).path.concat([index])).path;
  }

  function back(path) {
    return path.slice(0, Math.max(0, path.length - 1));
  }

  /** 答案序号 → 网址里的值：依次到达的节点键，用“.”连接（起点不写）。 */
  function encodePath(model, path) {
    const state = walk(model, path);
    return state.steps.map((step) => model.nodes[step.id].answers[step.answer].next).join(".");
  }

  /**
   * 网址里的值 → 答案序号。空值是起点；任何一段对不上（不是当前问题某个答案的去处）返回 null。
   * 同一问题有两个答案去往同一节点时取第一个。
   */
  function decodePath(model, value) {
    if (value === null || value === undefined || value === "") return [];
    if (typeof value !== "string" || value.length > 500) return null;
    const ids = value.split(".");
    const path = [];
    let id = model.start;
    for (let i = 0; i < ids.length; i += 1) {
      const node = model.nodes[id];
      if (!node || node.type !== "question") return null;
      const index = node.answers.findIndex((answer) => answer.next === ids[i]);
      if (index < 0 || !model.nodes[ids[i]]) return null;
      path.push(index);
      id = ids[i];
    }
    return path;
  }

  /** 查询参数名：每棵树一个，一页上有几棵树也互不干扰。 */
  function paramName(key) {
    return "dt-" + key;
  }

  /** 把 {名字} 换成值。 */
  function fill(template, values) {
    return String(template).replace(/\{([a-z_]+)\}/g, (match, name) => {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  /** 写进事件记录的整条路径，如“发票查询不到：逐步判断：问题 → 回答；……；结论：处置手册”。 */
  function pathText(model, path, text) {
    const state = walk(model, path);
    const parts = state.steps.map((step) => {
      const node = model.nodes[step.id];
      return fill(text.answer, { question: node.question, answer: node.answers[step.answer].label });
    });
    const last = model.nodes[state.current];
    parts.push(last.type === "leaf" ? fill(text.path_result, { title: last.title })
      : fill(text.path_open, { question: last.question }));
    return fill(text.path, { title: model.title, steps: parts.join("；") });
  }

  const logic = { walk, choose, back, encodePath, decodePath, paramName, fill, pathText };

  if (typeof module !== "undefined" && module.exports) module.exports = logic;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.handbookDecisionTree) return; // 已加载过

  const H = global.HandbookCore;
  const NAME = "判断树";

  /* ---------------------------------------------------------------- 读取页面上的树 */

  function textOf(parent, selector) {
    const element = parent.querySelector(selector);
    return element ? element.textContent.trim() : "";
  }

  function childrenWith(parent, className) {
    return Array.prototype.filter.call(parent.children, (child) => {
      return child.classList.contains(className);
    });
  }

  function readModel(container) {
    const nodes = {};
    container.querySelectorAll("[data-dt-node]").forEach((item) => {
      const id = item.getAttribute("data-dt-node");
      if (nodes[id]) {
        return;
      }
      if (item.classList.contains("dt-leaf")) {
        const link = item.querySelector(".dt-leaf-link a");
        nodes[id] = {
          type: "leaf",
          title: link ? link.textContent.trim() : "",
          href: link ? link.getAttribute("href") : "",
          summary: textOf(item, ".dt-summary")
        };
        return;
      }
      const answerList = childrenWith(item, "dt-answers")[0];
      nodes[id] = {
        type: "question",
        question: textOf(item, ".dt-question-text"),
        help: childrenWith(item, "dt-help").map((p) => { return p.textContent.trim(); }).join(" "),
        answers: (answerList ? childrenWith(answerList, "dt-answer") : []).map((answer) => {
          return {
            label: childrenWith(answer, "dt-answer-label").map((p) => { return p.textContent.trim(); }).join(" "),
            next: answer.getAttribute("data-dt-next")
          };
        })
      };
    });
    return {
      key: container.getAttribute("data-dt-tree") || "tree",
      title: container.getAttribute("data-dt-title") || "",
      start: container.getAttribute("data-dt-start"),
      nodes: nodes
    };
  }

  /* ---------------------------------------------------------------- 路径在网址里 */

  function urlParam(name) {
    try {
      return new URL(window.location.href).searchParams.get(name);
    } catch (err) {
      return null;
    }
  }

  /** 本页网址换上新的路径参数（空路径时去掉参数），其余部分不变。 */
  function urlWith(name, value) {
    const url = new URL(window.location.href);
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
    url.hash = "";
    return url.href;
  }

  /** 写入浏览器历史；file:// 等不允许时静默放弃，向导照常工作。 */
  function setHistory(method, href) {
    try {
      if (href !== window.location.href) window.history[method](window.history.state, "", href);
    } catch (err) {
      // 不能改地址时，只是不能用后退键回到上一步
    }
  }

  /* ---------------------------------------------------------------- 界面 */

  const { el } = H;
  const trees = [];
  /* 最近一次浏览器后退、前进的时刻：之后不久挂载的向导是即时导航换上的同一页 */
  let poppedAt = 0;
  const POP_WINDOW_MS = 3000;

  /** 不带 Material 样式的按钮（面包屑、展开全部分支）。 */
  function plainButton(className) {
    return el("button", { type: "button", className: className });
  }

  /** 向导标题比它前面最近的页面标题低一级。 */
  function headingLevel(container) {
    let level = 2;
    document.querySelectorAll("h1, h2, h3, h4, h5").forEach((heading) => {
      if (heading.compareDocumentPosition(container) & Node.DOCUMENT_POSITION_FOLLOWING) {
        level = Math.min(6, Number(heading.tagName.charAt(1)) + 1);
      }
    });
    return level;
  }

  function enhance(container, text) {
    const model = readModel(container);
    if (!model.start || !model.nodes[model.start]) {
      return false;
    }
    container.setAttribute("data-dt-ready", "true");
    container.classList.add("dt--enhanced");
    const level = headingLevel(container);
    const idBase = container.id || "dt-" + model.key;
    const param = paramName(model.key);

    const guide = el("section", { className: "dt-guide" });
    guide.setAttribute("aria-label", model.title || text.guide_label);
    const notice = el("p", { className: "dt-notice", role: "alert", hidden: "" });
    const trailNav = el("nav", { className: "dt-trail" });
    trailNav.setAttribute("aria-label", text.trail_label);
    const trailList = el("ol", { className: "dt-trail-list" });
    trailNav.appendChild(trailList);
    const card = el("div", { className: "dt-card" });
    const controls = el("div", { className: "dt-controls" });
    const backButton = H.button(text.back, null, "dt-back");
    const restartButton = H.button(text.restart, null, "dt-restart");
    const recordButton = H.button(text.record_path, null, "dt-record");
    controls.appendChild(backButton);
    controls.appendChild(restartButton);
    controls.appendChild(recordButton);
    const status = el("p", { className: "dt-status" });
    status.setAttribute("aria-live", "polite");
    status.setAttribute("role", "status");
    guide.appendChild(notice);
    guide.appendChild(trailNav);
    guide.appendChild(card);
    guide.appendChild(controls);
    guide.appendChild(status);

    /* 完整的嵌套列表留在页面里，默认收起，可以展开对照 */
    const staticParts = Array.prototype.filter.call(container.children, (child) => {
      return child.classList.contains("dt-static") || child.classList.contains("dt-static-title");
    });
    const staticList = container.querySelector(".dt-static");
    if (staticList && !staticList.id) {
      staticList.id = idBase + "-all";
    }
    const toggle = plainButton("dt-toggle");
    toggle.setAttribute("aria-controls", staticList ? staticList.id : "");

    function showStatic(show) {
      staticParts.forEach((part) => { part.hidden = !show; });
      toggle.setAttribute("aria-expanded", show ? "true" : "false");
      toggle.textContent = show ? text.hide_all : text.show_all;
    }

    container.insertBefore(guide, container.firstChild);
    container.insertBefore(toggle, guide.nextSibling);
    showStatic(false);

    let path = [];

    /** 从网址读路径；对不上时显示说明、去掉参数，从第一个问题开始。 */
    function fromUrl() {
      const raw = urlParam(param);
      const decoded = decodePath(model, raw);
      if (decoded === null) {
        notice.textContent = fill(text.bad_path, { value: raw.length > 80 ? raw.slice(0, 80) + "…" : raw });
        notice.hidden = false;
        setHistory("replaceState", urlWith(param, ""));
        return [];
      }
      return walk(model, decoded).path;
    }

    function go(newPath) {
      path = walk(model, newPath).path;
      notice.hidden = true;
      setHistory("pushState", urlWith(param, encodePath(model, path)));
      render(true);
    }

    function render(moveFocus) {
      const state = walk(model, path);
      const node = model.nodes[state.current];

      trailList.textContent = "";
      state.steps.forEach((step, index) => {
        const asked = model.nodes[step.id];
        const item = el("li", { className: "dt-trail-item" });
        const crumb = plainButton("dt-crumb");
        crumb.appendChild(el("span", { className: "dt-crumb-question" }, asked.question));
        crumb.appendChild(el("span", { className: "dt-crumb-answer" }, asked.answers[step.answer].label));
        crumb.setAttribute("aria-label", fill(text.crumb_label, {
          n: index + 1, question: asked.question, answer: asked.answers[step.answer].label }));
        crumb.addEventListener("click", () => {
          go(path.slice(0, index));
        });
        item.appendChild(crumb);
        trailList.appendChild(item);
      });
      trailNav.hidden = state.steps.length === 0;

      card.textContent = "";
      const heading = el("h" + level, { className: "dt-heading" });
      heading.id = idBase + "-heading";
      heading.tabIndex = -1;
      let focusTarget = heading;
      let announcement;

      if (node.type === "question") {
        card.className = "dt-card dt-card--question";
        const stepNumber = state.steps.length + 1;
        card.appendChild(el("p", { className: "dt-progress" }, fill(text.step, { n: stepNumber })));
        heading.textContent = node.question;
        card.appendChild(heading);
        if (node.help) {
          card.appendChild(el("p", { className: "dt-step-help" }, node.help));
        }
        const choices = el("div", { className: "dt-choices" });
        choices.setAttribute("role", "group");
        choices.setAttribute("aria-labelledby", heading.id);
        node.answers.forEach((answer, index) => {
          const choice = H.button(answer.label, null, "dt-choice");
          choice.addEventListener("click", () => {
            H.announce("tree", "answer", fill(text.answer, { question: node.question, answer: answer.label }));
            go(choose(model, path, index));
          });
          choices.appendChild(choice);
        });
        card.appendChild(choices);
        announcement = fill(text.announce_step, { n: stepNumber, question: node.question });
      } else {
        card.className = "dt-card dt-card--result";
        card.appendChild(el("p", { className: "dt-progress" }, text.result_progress));
        heading.textContent = node.title;
        card.appendChild(heading);
        if (node.summary) {
          card.appendChild(el("p", { className: "dt-result-summary" }, node.summary));
        }
        const open = el("a", { className: "md-button md-button--primary dt-result-link" },
          fill(text.open_runbook, { title: node.title }));
        open.setAttribute("href", node.href);
        const holder = el("p", { className: "dt-result-action" });
        holder.appendChild(open);
        card.appendChild(holder);
        focusTarget = open;
        announcement = fill(text.announce_result, { title: node.title });
      }

      backButton.hidden = state.steps.length === 0;
      restartButton.hidden = state.steps.length === 0;
      recordButton.hidden = state.steps.length === 0;
      /* 只在用户操作后播报，页面刚打开时不打扰 */
      status.textContent = moveFocus ? announcement : "";
      if (moveFocus) {
        focusTarget.focus();
      }
    }

    backButton.addEventListener("click", () => {
      go(back(path));
    });
    restartButton.addEventListener("click", () => {
      go([]);
    });
    recordButton.addEventListener("click", () => {
      H.announce("tree", "path", pathText(model, path, text));
      status.textContent = fill(text.recorded, { count: path.length });
    });
    toggle.addEventListener("click", () => {
      showStatic(toggle.getAttribute("aria-expanded") !== "true");
    });

    path = fromUrl();
    render(false);
    if (Date.now() - poppedAt < POP_WINDOW_MS) {
      /* 即时导航在浏览器后退、前进时可能重新取回本页并换掉正文：焦点放回这一步的标题，滚动位置由 Material 恢复 */
      card.querySelector(".dt-heading").focus({ preventScroll: true });
    } else if (path.length && !window.location.hash) {
      /* 打开的是某一步的链接：把向导移到眼前 */
      guide.scrollIntoView({ block: "start" });
    }

    return {
      container: container,
      /** 浏览器后退、前进：按网址换到那一步，焦点移到那一步的标题上。 */
      sync() {
        notice.hidden = true;
        const next = fromUrl();
        if (next.join(".") === path.join(".")) return;
        path = next;
        render(true);
      },
    };
  }

  window.addEventListener("popstate", () => {
    poppedAt = Date.now();
    for (let i = trees.length - 1; i >= 0; i -= 1) {
      if (!trees[i].container.isConnected) trees.splice(i, 1);
    }
    trees.forEach((tree) => tree.sync());
  });

  H.register({
    name: NAME,
    selector: ".dt[data-dt-start]",
    mount(container) {
      const text = H.readJSON(container, "data-dt-text", NAME);
      const tree = enhance(container, text);
      if (!tree) {
        throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上找不到起点问题（data-dt-start）");
      }
      trees.push(tree);
    },
  });

  global.handbookDecisionTree = logic;
})(typeof globalThis !== "undefined" ? globalThis : this);
