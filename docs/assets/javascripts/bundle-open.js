// 离线包最上层的“打开手册.html”用的脚本：它能加载，说明压缩包已经解压（手册文件夹就在旁边），
// 于是直接跳进手册。在压缩包里单独打开那个文件时脚本不在，页面停在“请先解压”（tools/dist.py）。
(() => {
  "use strict";
  const link = document.querySelector("a.hb-open");
  if (link) window.location.replace(link.href);
})();
