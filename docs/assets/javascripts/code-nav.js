/* 无障碍修正：Material 的 content.code.copy 给每个代码块插入一个没有名称的 <nav>，
   一页有两个以上代码块时，屏幕阅读器列出几个无法区分的“导航”地标（axe 规则 landmark-unique）。
   给每个这样的 nav 加上互不相同的名称。它是一个很小的组件，与其他组件一样在 core.js 登记：
   Material 在 document$ 上先挂载代码块（插入 nav），core 随后给每个新的 nav 调用 mount。 */
(function (global) {
  "use strict";

  if (typeof window === "undefined" || typeof document === "undefined") return;
  const H = global.HandbookCore;

  H.register({
    name: "代码块操作名称",
    selector: ".md-code__nav",
    mount(nav) {
      const index = Array.prototype.indexOf.call(document.querySelectorAll(".md-code__nav"), nav);
      nav.setAttribute("aria-label", "代码块 " + (index + 1) + " 的操作");
    },
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
