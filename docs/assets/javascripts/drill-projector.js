/*
 * 演练控制台的投屏视图（drill-console.js 用）：铺满窗口的大字——场景、演练时间、状态、当前情景注入和下一条的倒计时。
 * 不显示主持人备注（期待的处置）。“投屏视图”按钮打开，按 Esc 或“退出投屏”关闭，焦点回到打开它的按钮。
 * 浏览器全屏（F11）由主持人自己按；本视图只占满浏览器窗口，1280×720 与 1920×1080 下都不需要滚动。
 * 浏览器中挂在 window.HandbookDrillProjector 上。
 */
(function (global) {
  "use strict";

  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookDrillProjector) return;

  const H = global.HandbookCore;

  /**
   * options: {text（drill.console 的文字）, uid, opener（打开它的按钮）}；
   * 返回 {node, open(), close(), isOpen(), update(view)}，
   * view: {title, clock, state, current: {offset, route, text} 或 null, next: 文字}。
   */
  function create(options) {
    const text = options.text;
    const { el } = H;
    const node = el("div", { className: "hb-drill-projector", role: "dialog", "aria-modal": "true", hidden: "" });
    const head = el("div", { className: "hb-drill-projector__head" });
    const title = el("p", { className: "hb-drill-projector__title" });
    const exit = H.button(text.projector_exit, null, "hb-drill-projector__exit");
    head.appendChild(title);
    head.appendChild(exit);
    node.appendChild(head);
    const clock = el("p", { className: "hb-drill-projector__clock", role: "timer", "aria-live": "off" });
    const state = el("p", { className: "hb-drill-projector__state" });
    node.appendChild(clock);
    node.appendChild(state);
    const current = el("section", { className: "hb-drill-projector__current" });
    current.appendChild(el("p", { className: "hb-drill-projector__label" }, text.projector_current));
    const route = el("p", { className: "hb-drill-projector__route" });
    const body = el("p", { className: "hb-drill-projector__text" });
    current.appendChild(route);
    current.appendChild(body);
    node.appendChild(current);
    const next = el("p", { className: "hb-drill-projector__next" });
    node.appendChild(next);

    let lastTitle = "";

    function close() {
      if (node.hidden) return;
      node.hidden = true;
      document.documentElement.classList.remove("hb-drill-projecting");
      options.opener.setAttribute("aria-expanded", "false");
      if (options.opener.isConnected) options.opener.focus();
    }

    function open() {
      node.hidden = false;
      document.documentElement.classList.add("hb-drill-projecting");
      options.opener.setAttribute("aria-expanded", "true");
      exit.focus();
    }

    exit.addEventListener("click", close);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      } else if (event.key === "Tab") {
        // 视图里只有一个按钮：焦点留在视图里
        event.preventDefault();
        exit.focus();
      }
    });
    // 焦点不在视图里时（例如点了别处）Esc 也能退出
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !node.hidden && node.isConnected) close();
    });

    return {
      node: node,
      open: open,
      close: close,
      isOpen() {
        return !node.hidden;
      },
      update(view) {
        if (view.title !== lastTitle) {
          lastTitle = view.title;
          title.textContent = view.title;
          node.setAttribute("aria-label", H.collapse(text.projector_label.replace("{title}", view.title)));
        }
        clock.textContent = view.clock;
        state.textContent = view.state;
        route.textContent = view.current ? view.current.offset + " " + view.current.route : "";
        body.textContent = view.current ? view.current.text : text.projector_none;
        next.textContent = view.next || "";
      },
    };
  }

  global.HandbookDrillProjector = { create };
})(typeof globalThis !== "undefined" ? globalThis : this);
