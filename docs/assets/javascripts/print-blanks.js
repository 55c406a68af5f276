/*
 * 打印时没填的日期、时间输入框印成空白横线：浏览器会把空的日期框印成“年/月/日 --:--”这类占位，
 * 纸上看起来像填过。打印前（beforeprint，Ctrl+P、打印按钮和 Material 的打印都会触发）给每个空的输入框
 * 加 data-hb-blank 属性，handbook.css 的打印样式据此隐藏占位；打印后去掉。不读写任何组件的存储和元素内容。
 */
(function (global) {
  "use strict";

  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (global.HandbookPrintBlanks) return; // 即时导航换页时脚本不重新执行；监听挂在 window 上，一次就够

  const FIELDS = "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=hidden])";

  function mark() {
    document.querySelectorAll(FIELDS).forEach((input) => input.toggleAttribute("data-hb-blank", !input.value));
  }

  function unmark() {
    document.querySelectorAll("[data-hb-blank]").forEach((input) => input.removeAttribute("data-hb-blank"));
  }

  window.addEventListener("beforeprint", mark);
  window.addEventListener("afterprint", unmark);
  global.HandbookPrintBlanks = { mark, unmark };
})(typeof globalThis !== "undefined" ? globalThis : this);
