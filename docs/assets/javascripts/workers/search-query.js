// 站内搜索的查询分词（搜索 worker 用 importScripts 载入；Node 里可 require）。
// 查询用 Intl.Segmenter 分词，再按索引词表合并、修补（没有 Intl.Segmenter 时按词表最长匹配）。
(() => {
  "use strict";
  const text = typeof module === "object" && module.exports ? require("./search-text.js") : self.HandbookSearchText;
  const { normalize, str, isHan } = text;
  const RUNS = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
  const NOT_WORD = /[^\p{L}\p{N}]+/u;
  const MAX_TOKENS = 16;
  /**
   * 查询分词器。index：{ known(词) 是否认识（索引词、同义词或虚词），expand(词, cache) 它匹配的索引词，
   * has(词) 是否是索引词，stopwords，separator，longest 最长的词长，segmenter 是否用 Intl.Segmenter }。
   */
  function createQuery(index) {
    const { known, expand, has, stopwords, separator, longest } = index;
    const one = (word) => ({ text: word, parts: [word] });
    /** 词表最长匹配；不认识的字单独成段。 */
    function greedy(run) {
      const out = [];
      for (let i = 0, size; i < run.length; i += size) {
        for (size = Math.min(longest, run.length - i); size >= 2 && !known(run.slice(i, i + size));) size--;
        out.push(one(run.slice(i, i + Math.max(size, 1))));
        size = Math.max(size, 1);
      }
      return out;
    }
    /** 连着的单字拼成索引词的一部分（回+滚 → “升级回滚”里的“回滚”）；剩下 3 个以上连着的单字合成
     *  一个不认识的词，让“量子纠缠火锅店”这样的查询算作没有找到。 */
    function joinSingles(list, cache) {
      const out = [];
      let loose = "";
      const flush = () => void (loose.length >= 3 ? out.push(one(loose)) : [...loose].forEach((ch) => out.push(one(ch))), (loose = ""));
      for (const seg of list) {
        if (seg.text.length !== 1) {
          flush();
          out.push(seg);
          continue;
        }
        loose += seg.text;
        for (let k = 0; k + 2 <= loose.length; k++) {
          if (!expand(loose.slice(k), cache).length) continue;
          const [head, word] = [loose.slice(0, k), loose.slice(k)];
          loose = head;
          flush();
          out.push(one(word));
          break;
        }
      }
      flush();
      return out;
    }

    let segmenter = null;
    if (index.segmenter !== false && typeof Intl === "object" && typeof Intl.Segmenter === "function") {
      try { segmenter = new Intl.Segmenter("zh", { granularity: "word" }); } catch (err) { segmenter = null; }
    }
    /** 一段汉字：Intl.Segmenter 分词后，把相邻几段拼成索引里有的词（补+打 → 补打），
     *  再修补切错的边界（开发+票 → 开+发票）。 */
    function segmentHan(run, cache) {
      if (!segmenter) return joinSingles(greedy(run), cache);
      const segs = [];
      for (const seg of segmenter.segment(run)) if (seg.segment) segs.push(seg.segment);
      const out = [];
      const joinAt = (i) => { for (let j = Math.min(segs.length, i + 6); j >= i + 2; j--) if (known(segs.slice(i, j).join(""))) return j - i; return 1; };
      const chars = (i, n) => segs.slice(i, i + n).join("").length;
      for (let i = 0; i < segs.length;) {
        let taken = joinAt(i);
        // 向后看一段：下一段起拼出的词更长、而且越过这里拼出的词时，让给它（票+开 | 开+了+两次 → 开了两次）
        const next = taken > 1 && i + 1 < segs.length ? joinAt(i + 1) : 1;
        if (next > 1 && i + 1 + next > i + taken && chars(i + 1, next) > chars(i, taken)) taken = 1;
        const parts = segs.slice(i, i + taken);
        out.push({ text: parts.join(""), parts });
        i += taken;
      }
      for (let k = 0; k < out.length; k++) {
        if (out[k].text.length !== 1) continue;
        // 由几段拼成的词（开+了+两次 → 开了两次）是按词表认出来的，不再拆开
        const joined = (seg) => seg && seg.parts.length > 1;
        const [prev, here, next] = [out[k - 1] && !joined(out[k - 1]) && out[k - 1].text, out[k].text,
          out[k + 1] && !joined(out[k + 1]) && out[k + 1].text];
        if (prev && prev.length >= 2 && known(prev.slice(-1) + here)) {
          [out[k - 1], out[k]] = [one(prev.slice(0, -1)), one(prev.slice(-1) + here)];
        } else if (next && next.length >= 2 && known(here + next[0])) {
          [out[k], out[k + 1]] = [one(here + next[0]), one(next.slice(1))];
        }
      }
      return joinSingles(out, cache);
    }
    /** 查询 → 有意义的词 [{text, parts}]（已去掉停用词和单字）。 */
    function segment(query, cache) {
      const found = [];
      for (const piece of normalize(str(query)).slice(0, 200).split(separator)) {
        if (!piece) continue;
        for (const chunk of piece.split(NOT_WORD)) {
          if (!chunk) continue;
          for (const run of chunk.match(RUNS) || []) {
            if (isHan(run)) found.push(...segmentHan(run, cache));
            else found.push({ text: run, parts: [run] });
          }
        }
      }
      const seen = new Set();
      return found.filter((token) => {
        const keep = token.text.length >= 2 && !stopwords.has(token.text) && !seen.has(token.text);
        seen.add(token.text);
        return keep;
      }).slice(0, MAX_TOKENS);
    }
    /** 把一个词拆成词表里的词（至少两个字）；拆出的词覆盖不到全部字（最多差一个字）时返回 null。 */
    function split(word) {
      const parts = greedy(word).filter((seg) => has(seg.text)).map((seg) => seg.text);
      const covered = parts.reduce((sum, w) => sum + w.length, 0);
      return parts.length && covered >= word.length - 1 ? parts : null;
    }
    return { segment, split, segmenter: segmenter ? "Intl.Segmenter" : "vocabulary" };
  }
  /** 先切一次词：Intl.Segmenter 第一次切词时才载入词典（几百毫秒），在等索引下载时做掉，第一次查询就不用等。 */
  function warmUp() {
    try {
      if (typeof Intl === "object" && typeof Intl.Segmenter === "function") {
        for (const seg of new Intl.Segmenter("zh", { granularity: "word" }).segment("发票查询不到怎么办")) void seg;
      }
    } catch (err) { /* 没有分词器：查询按词表分词 */ }
  }
  const api = { createQuery, warmUp };
  if (typeof module === "object" && module.exports) module.exports = api;
  else self.HandbookSearchQuery = api;
})();
