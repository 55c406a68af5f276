/* 手册的通用脚本。无障碍修正：Material 的 content.code.copy 给每个代码块插入一个没有名称的 <nav>，
   一页有两个以上代码块时，屏幕阅读器列出几个无法区分的“导航”地标（axe 规则 landmark-unique）。
   给每个这样的 nav 加上互不相同的名称。不联网，不用 innerHTML；页面上没有代码块时什么也不做。 */
(function () {
  "use strict";

  function labelCodeNavs() {
    var navs = document.querySelectorAll(".md-code__nav");
    for (var i = 0; i < navs.length; i++) {
      navs[i].setAttribute("aria-label", "代码块 " + (i + 1) + " 的操作");
    }
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(labelCodeNavs);   // Material 先挂载代码块（插入 nav），再通知这里
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelCodeNavs);
  } else {
    labelCodeNavs();
  }
})();
