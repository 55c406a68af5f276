// 站内搜索的文字处理（搜索 worker 用 importScripts 载入；Node 里可 require）：转义、纯文本、切词。
// 切词规则与构建时的 macros/searchindex.py 一致：构建时建好的倒排表和这里按同样的词对上。
(() => {
  "use strict";
  const HAN = /\p{Script=Han}/u;
  const EDGE_PUNCT = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
  const TAG = /<\/?[a-zA-Z][^>]*>/g;
  const ENTITY = /&(#x[0-9a-f]+|#\d+|[a-z]+);/gi;
  const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  function decodeEntities(text) {
    return text.indexOf("&") < 0 ? text : text.replace(ENTITY, (all, name) => {
      const code = name[0] !== "#" ? -1 : /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0 && code < 0x110000) return String.fromCodePoint(code);
      return NAMED[name.toLowerCase()] === undefined ? all : NAMED[name.toLowerCase()];
    });
  }
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHTML(text) {
    const value = String(text);
    return /[&<>"']/.test(value) ? value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]) : value;
  }
  /** 索引里的 HTML 片段 → 显示用的纯文本（去标签、解实体、去零宽空格、合并空白）。 */
  function plainText(raw) {
    return decodeEntities(String(raw).replace(TAG, " ")).replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  }
  const normalize = (text) => String(text).normalize("NFKC").toLowerCase();
  const str = (value) => (typeof value === "string" ? value : value == null ? "" : String(value));
  const isHan = (text) => HAN.test(text);
  const pageOf = (location) => location.split("#")[0];
  // 文字先转小写、先按驼峰断开（CAMEL_SPLIT）再切词，所以分隔符里的驼峰规则不再用得上，去掉它切得更快
  function separatorOf(config) {
    const source = str(config.separator).replace("|(?!\\b)(?=[A-Z][a-z])", "");
    try { return new RegExp(source || "[\\s\\u200b-]+"); } catch (err) { return /[\s\u200b-]+/; }
  }
  const [CAMEL, CAMEL_SPLIT] = [/[A-Z][a-z]/, /(?!\b)(?=[A-Z][a-z])/g];
  const FULLWIDTH = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/;
  // 字母、数字或常用汉字（快速判断，不用正则）
  const wordCode = (c) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 65 && c <= 90);
  /** 一个字段 → 词（小写、去掉首尾标点；单字不入索引：单字不单独匹配）。 */
  function fieldTokens(raw, separator, out) {
    if (!raw) return;
    let text = String(raw).replace(TAG, " ");
    if (FULLWIDTH.test(text)) text = text.normalize("NFKC");
    // 先按分隔符里的“驼峰”规则断开，再整段转小写（比逐词转小写快得多）
    if (CAMEL.test(text)) text = text.replace(CAMEL_SPLIT, " ");
    text = text.toLowerCase();
    for (let part of text.split(separator)) {
      if (!part || part.length < 2) continue;
      if (part.indexOf("&") >= 0) part = decodeEntities(part);
      if (!wordCode(part.charCodeAt(0)) || !wordCode(part.charCodeAt(part.length - 1))) {
        part = part.replace(EDGE_PUNCT, "");
        if (part.length < 2) continue;
      }
      out.push(part);
    }
  }
  const api = { decodeEntities, escapeHTML, plainText, normalize, str, isHan, pageOf, separatorOf, fieldTokens };
  if (typeof module === "object" && module.exports) module.exports = api;
  else self.HandbookSearchText = api;
})();
