/*
 * 搜索没有结果时的提示：搜索框下面显示“没有找到”和两个入口（分流页、联系方式）。
 * 提示的文字和链接由构建写进 overrides/partials/search.html（来自 data/widget_text.yml 的 search），
 * 本脚本只在“查询不为空且结果为零”时显示它，其余时候隐藏。
 */
(function () {
  "use strict";
  const H = window.HandbookCore;
  const NAME = "搜索无结果提示";

  function mount(root) {
    const dialog = H.required(document, "[data-md-component=search]", NAME);
    const input = H.required(dialog, "[data-md-component=search-query]", NAME);
    const meta = H.required(dialog, ".md-search-result__meta", NAME);
    const list = H.required(dialog, ".md-search-result__list", NAME);
    const none = root.getAttribute("data-none") || "";

    function update() {
      const empty = input.value.trim() !== "" && list.children.length === 0 &&
        meta.textContent.trim() === none.trim();
      root.hidden = !empty;
    }

    new MutationObserver(update).observe(meta, { childList: true, characterData: true, subtree: true });
    new MutationObserver(update).observe(list, { childList: true });
    input.addEventListener("input", update);
    H.required(dialog, "form", NAME).addEventListener("reset", () => { root.hidden = true; });
    update();
  }

  H.register({ name: NAME, selector: ".hb-search-empty", mount: mount });
})();
