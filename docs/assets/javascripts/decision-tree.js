/* 判断树：把宏输出的嵌套列表（.dt）变成一次只问一个问题的逐步向导。
 *
 * 没有脚本时，嵌套列表本身就能读；有脚本时隐藏它（可以展开），改为：
 * 问题标题 + 答案按钮 → 下一个问题 …… → 结论卡片（处置手册链接获得焦点）。
 * 走过的路径显示为面包屑，可回到任一步；“上一步”“重新开始”随时可用。
 * 路径记在 sessionStorage 里：刷新或从处置手册按浏览器“后退”回来，仍停在原来那一步。
 * 不发任何网络请求，不用 innerHTML，页面上没有 .dt 时什么也不做。
 */
(function () {
  "use strict";

  /* ---------------------------------------------------------------- 纯逻辑（Node 可测） */

  /** 沿着答案序号从 start 往下走；遇到无效的序号就停下。 */
  function walk(model, path) {
    var steps = [];
    var valid = [];
    var id = model.start;
    var list = Array.isArray(path) ? path : [];
    for (var i = 0; i < list.length; i += 1) {
      var node = model.nodes[id];
      var choice = list[i];
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

  var logic = { walk: walk, choose: choose, back: back };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = logic;
  }
  if (typeof document === "undefined") {
    return;
  }

  /* ---------------------------------------------------------------- 读取页面上的树 */

  function textOf(parent, selector) {
    var element = parent.querySelector(selector);
    return element ? element.textContent.trim() : "";
  }

  function childrenWith(parent, className) {
    return Array.prototype.filter.call(parent.children, function (child) {
      return child.classList.contains(className);
    });
  }

  function readModel(container) {
    var nodes = {};
    container.querySelectorAll("[data-dt-node]").forEach(function (item) {
      var id = item.getAttribute("data-dt-node");
      if (nodes[id]) {
        return;
      }
      if (item.classList.contains("dt-leaf")) {
        var link = item.querySelector(".dt-leaf-link a");
        nodes[id] = {
          type: "leaf",
          title: link ? link.textContent.trim() : "",
          href: link ? link.getAttribute("href") : "",
          summary: textOf(item, ".dt-summary")
        };
        return;
      }
      var answerList = childrenWith(item, "dt-answers")[0];
      nodes[id] = {
        type: "question",
        question: textOf(item, ".dt-question-text"),
        help: childrenWith(item, "dt-help").map(function (p) { return p.textContent.trim(); }).join(" "),
        answers: (answerList ? childrenWith(answerList, "dt-answer") : []).map(function (answer) {
          return {
            label: childrenWith(answer, "dt-answer-label").map(function (p) { return p.textContent.trim(); }).join(" "),
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

  function savedPath(key) {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(storageKey(key)) || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch (error) {
      return [];
    }
  }

  function savePath(key, path) {
    try {
      window.sessionStorage.setItem(storageKey(key), JSON.stringify(path));
    } catch (error) {
      /* 浏览器不让保存：向导照常工作，只是不记住路径。 */
    }
  }

  /* ---------------------------------------------------------------- 界面 */

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }

  function button(className, text) {
    var element = make("button", className, text);
    element.type = "button";
    return element;
  }

  /** 向导标题比它前面最近的页面标题低一级。 */
  function headingLevel(container) {
    var level = 2;
    document.querySelectorAll("h1, h2, h3, h4, h5").forEach(function (heading) {
      if (heading.compareDocumentPosition(container) & Node.DOCUMENT_POSITION_FOLLOWING) {
        level = Math.min(6, Number(heading.tagName.charAt(1)) + 1);
      }
    });
    return level;
  }

  function enhance(container) {
    if (container.getAttribute("data-dt-ready") === "true") {
      return;
    }
    var model = readModel(container);
    if (!model.start || !model.nodes[model.start]) {
      return;
    }
    container.setAttribute("data-dt-ready", "true");
    container.classList.add("dt--enhanced");
    var level = headingLevel(container);
    var idBase = container.id || "dt-" + model.key;

    var guide = make("section", "dt-guide");
    guide.setAttribute("aria-label", model.title || "逐步判断");
    var trailNav = make("nav", "dt-trail");
    trailNav.setAttribute("aria-label", "已走过的步骤");
    var trailList = make("ol", "dt-trail-list");
    trailNav.appendChild(trailList);
    var card = make("div", "dt-card");
    var controls = make("div", "dt-controls");
    var backButton = button("md-button dt-back", "上一步");
    var restartButton = button("md-button dt-restart", "重新开始");
    controls.appendChild(backButton);
    controls.appendChild(restartButton);
    var status = make("p", "dt-status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("role", "status");
    guide.appendChild(trailNav);
    guide.appendChild(card);
    guide.appendChild(controls);
    guide.appendChild(status);

    /* 完整的嵌套列表留在页面里，默认收起，可以展开对照 */
    var staticParts = Array.prototype.filter.call(container.children, function (child) {
      return child.classList.contains("dt-static") || child.classList.contains("dt-static-title");
    });
    var staticList = container.querySelector(".dt-static");
    if (staticList && !staticList.id) {
      staticList.id = idBase + "-all";
    }
    var toggle = button("dt-toggle", "");
    toggle.setAttribute("aria-controls", staticList ? staticList.id : "");

    function showStatic(show) {
      staticParts.forEach(function (part) { part.hidden = !show; });
      toggle.setAttribute("aria-expanded", show ? "true" : "false");
      toggle.textContent = show ? "收起全部分支" : "查看全部分支（不逐步回答）";
    }

    container.insertBefore(guide, container.firstChild);
    container.insertBefore(toggle, guide.nextSibling);
    showStatic(false);

    var path = walk(model, savedPath(model.key)).path;

    function go(newPath) {
      path = walk(model, newPath).path;
      savePath(model.key, path);
      render(true);
    }

    function render(moveFocus) {
      var state = walk(model, path);
      var node = model.nodes[state.current];

      trailList.textContent = "";
      state.steps.forEach(function (step, index) {
        var asked = model.nodes[step.id];
        var item = make("li", "dt-trail-item");
        var crumb = button("dt-crumb", "");
        crumb.appendChild(make("span", "dt-crumb-question", asked.question));
        crumb.appendChild(make("span", "dt-crumb-answer", asked.answers[step.answer].label));
        crumb.setAttribute("aria-label", "回到第 " + (index + 1) + " 步：" + asked.question +
          "（当时选了：" + asked.answers[step.answer].label + "）");
        crumb.addEventListener("click", function () {
          go(path.slice(0, index));
        });
        item.appendChild(crumb);
        trailList.appendChild(item);
      });
      trailNav.hidden = state.steps.length === 0;

      card.textContent = "";
      var heading = make("h" + level, "dt-heading");
      heading.id = idBase + "-heading";
      heading.tabIndex = -1;
      var focusTarget = heading;
      var announcement;

      if (node.type === "question") {
        card.className = "dt-card dt-card--question";
        var stepNumber = state.steps.length + 1;
        card.appendChild(make("p", "dt-progress", "第 " + stepNumber + " 步"));
        heading.textContent = node.question;
        card.appendChild(heading);
        if (node.help) {
          card.appendChild(make("p", "dt-step-help", node.help));
        }
        var choices = make("div", "dt-choices");
        choices.setAttribute("role", "group");
        choices.setAttribute("aria-labelledby", heading.id);
        node.answers.forEach(function (answer, index) {
          var choice = button("md-button dt-choice", answer.label);
          choice.addEventListener("click", function () {
            go(choose(model, path, index));
          });
          choices.appendChild(choice);
        });
        card.appendChild(choices);
        announcement = "第 " + stepNumber + " 步：" + node.question;
      } else {
        card.className = "dt-card dt-card--result";
        card.appendChild(make("p", "dt-progress", "结论：转到处置手册"));
        heading.textContent = node.title;
        card.appendChild(heading);
        if (node.summary) {
          card.appendChild(make("p", "dt-result-summary", node.summary));
        }
        var open = make("a", "md-button md-button--primary dt-result-link", "打开处置手册：" + node.title);
        open.setAttribute("href", node.href);
        var holder = make("p", "dt-result-action");
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

    backButton.addEventListener("click", function () {
      go(back(path));
    });
    restartButton.addEventListener("click", function () {
      go([]);
    });
    toggle.addEventListener("click", function () {
      showStatic(toggle.getAttribute("aria-expanded") !== "true");
    });

    render(false);
  }

  function init() {
    document.querySelectorAll(".dt[data-dt-start]").forEach(enhance);
  }

  window.handbookDecisionTree = logic;

  if (typeof document$ !== "undefined" && document$ && typeof document$.subscribe === "function") {
    document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
