/* 判断树：把宏输出的嵌套列表（.dt）变成一次只问一个问题的逐步向导。
 *
 * 没有脚本时，嵌套列表本身就能读；有脚本时隐藏它（可以展开），改为：
 * 问题标题 + 答案按钮 → 下一个问题 …… → 结论卡片（处置手册链接获得焦点）。
 * 走过的路径显示为面包屑，可回到任一步；“上一步”“重新开始”随时可用。
 * 路径记在 sessionStorage 里：刷新或从处置手册按浏览器“后退”回来，仍停在原来那一步。
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

  const logic = { walk, choose, back };

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

  /* ---------------------------------------------------------------- 路径存入 sessionStorage */
  /* 不用 history.state：Material 的即时导航会用它记录滚动位置并把它整个替换掉。
     sessionStorage 只属于当前标签页：刷新和从处置手册“后退”回来都停在原来那一步，新开标签页从头开始。 */

  function storageKey(key) {
    return "handbook:decision-tree:" + window.location.pathname + ":" + key;
  }

  /** 保存的路径；没有、读不了或不是数组时从头开始（walk 会丢掉无效的答案序号）。 */
  function savedPath(key) {
    const saved = H.parseJSON(H.session.read(storageKey(key)), []);
    return Array.isArray(saved) ? saved : [];
  }

  /** 浏览器不让保存时 H.session 退回内存：向导照常工作，只是刷新后不记得路径。 */
  function savePath(key, path) {
    H.session.write(storageKey(key), JSON.stringify(path));
  }

  /* ---------------------------------------------------------------- 界面 */

  const { el } = H;

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

  function enhance(container) {
    if (container.getAttribute("data-dt-ready") === "true") {
      return true;
    }
    const model = readModel(container);
    if (!model.start || !model.nodes[model.start]) {
      return false;
    }
    container.setAttribute("data-dt-ready", "true");
    container.classList.add("dt--enhanced");
    const level = headingLevel(container);
    const idBase = container.id || "dt-" + model.key;

    const guide = el("section", { className: "dt-guide" });
    guide.setAttribute("aria-label", model.title || "逐步判断");
    const trailNav = el("nav", { className: "dt-trail" });
    trailNav.setAttribute("aria-label", "已走过的步骤");
    const trailList = el("ol", { className: "dt-trail-list" });
    trailNav.appendChild(trailList);
    const card = el("div", { className: "dt-card" });
    const controls = el("div", { className: "dt-controls" });
    const backButton = H.button("上一步", null, "dt-back");
    const restartButton = H.button("重新开始", null, "dt-restart");
    controls.appendChild(backButton);
    controls.appendChild(restartButton);
    const status = el("p", { className: "dt-status" });
    status.setAttribute("aria-live", "polite");
    status.setAttribute("role", "status");
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
      toggle.textContent = show ? "收起全部分支" : "查看全部分支（不逐步回答）";
    }

    container.insertBefore(guide, container.firstChild);
    container.insertBefore(toggle, guide.nextSibling);
    showStatic(false);

    let path = walk(model, savedPath(model.key)).path;

    function go(newPath) {
      path = walk(model, newPath).path;
      savePath(model.key, path);
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
        crumb.setAttribute("aria-label", "回到第 " + (index + 1) + " 步：" + asked.question +
          "（当时选了：" + asked.answers[step.answer].label + "）");
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
        card.appendChild(el("p", { className: "dt-progress" }, "第 " + stepNumber + " 步"));
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
            go(choose(model, path, index));
          });
          choices.appendChild(choice);
        });
        card.appendChild(choices);
        announcement = "第 " + stepNumber + " 步：" + node.question;
      } else {
        card.className = "dt-card dt-card--result";
        card.appendChild(el("p", { className: "dt-progress" }, "结论：转到处置手册"));
        heading.textContent = node.title;
        card.appendChild(heading);
        if (node.summary) {
          card.appendChild(el("p", { className: "dt-result-summary" }, node.summary));
        }
        const open = el("a", { className: "md-button md-button--primary dt-result-link" }, "打开处置手册：" + node.title);
        open.setAttribute("href", node.href);
        const holder = el("p", { className: "dt-result-action" });
        holder.appendChild(open);
        card.appendChild(holder);
        focusTarget = open;
        announcement = "结论：转到处置手册“" + node.title + "”";
      }

      backButton.hidden = state.steps.length === 0;
      restartButton.hidden = state.steps.length === 0;
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
    toggle.addEventListener("click", () => {
      showStatic(toggle.getAttribute("aria-expanded") !== "true");
    });

    render(false);
    return true;
  }

  H.register({
    name: NAME,
    selector: ".dt[data-dt-start]",
    mount(container) {
      if (!enhance(container)) {
        throw new Error("组件“" + NAME + "”在页面 " + H.pageId() + " 上找不到起点问题（data-dt-start）");
      }
    },
  });

  global.handbookDecisionTree = logic;
})(typeof globalThis !== "undefined" ? globalThis : this);
