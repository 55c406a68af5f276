// 站内搜索的索引与排序（搜索 worker 用 importScripts 载入；Node 里可 require）。
// createIndex 接受两种输入：构建时建好的紧凑索引（{config, compact}，见 macros/searchindex.py），
// 或 Material 的索引（{config, docs}，文档由 jieba 在构建时分好词，词之间是零宽空格，这里逐篇切词）。
// 同义词、停用词、覆盖率下限来自 config.handbook（macros/hooks/search.py 从 data/terms.yml、data/search.yml 写入）。
(() => {
  "use strict";
  const node = typeof module === "object" && module.exports;
  const textTools = node ? require("./search-text.js") : self.HandbookSearchText;
  const { createQuery } = node ? require("./search-query.js") : self.HandbookSearchQuery;
  const { escapeHTML, plainText, normalize, str, isHan, pageOf, separatorOf, fieldTokens } = textTools;

  // titleBoost：标题命中的权重（正文 BM25 最多约 2.2，所以标题命中排在前面），页面标题再乘 pageTitleBoost；
  // synonymWeight：同义词（别名 → 规范说法）命中；phraseWeight：拆成几个词后都命中；restWeight：页面其余各节；
  // snippet：摘要长度（字符）。在手册的搜索金标准上调过：页面标题命中最能说明“就是这一页”。
  // bestBet：查询正是某个说法（只有一个词）、而它的定义页已知（config.handbook.best_bets）时，那一页的得分
  // 乘这个数（首选结果，通常排第一；页面里必须确实有这个词）；
  // commonShare：出现在超过这个比例的页面里的词（发票、用户、系统）不进 ?h= 高亮（处处都有，高亮它没有帮助），
  // 在得分和覆盖率里只算 commonWeight 个词（“用户登不上”主要看“登不上”）。
  const DEFAULTS = { titleBoost: 5, pageTitleBoost: 4, synonymWeight: 0.9, phraseWeight: 0.8, restWeight: 0.3,
    minCoverage: 0.5, snippet: 160, maxPages: 100, bestBet: 10, commonShare: 0.5, commonWeight: 0.5 };
  const [K1, B, MAX_COMPOUNDS] = [1.2, 0.75, 300];
  /** 文档与倒排表：词 → [文档号…]、[标题词频 << 16 | 正文词频…]。Material 的索引：逐篇切词。 */
  function fromDocs(list, separator) {
    const [docs, words, postDocs, postTf, lengths, scratch, touched] = [[], [], [], [], [], [], []];
    const vocab = new Map();
    let totalLength = 0; // scratch：当前文档每个词的词频（标题 << 16 | 正文）
    const buf = [];
    for (const doc of Array.isArray(list) ? list : []) {
      if (!doc || typeof doc !== "object" || typeof doc.location !== "string") continue;
      const id = docs.length;
      const boost = typeof doc.boost === "number" && isFinite(doc.boost) && doc.boost > 0 ? doc.boost : 1;
      const [title, body] = [str(doc.title), str(doc.text)];
      const tags = Array.isArray(doc.tags) ? doc.tags.filter((tag) => typeof tag === "string") : null;
      docs.push({ location: doc.location, page: pageOf(doc.location), isPage: !doc.location.includes("#"), title, text: body, tags, boost });
      buf.length = 0;
      fieldTokens(title, separator, buf);
      if (tags) for (const tag of tags) fieldTokens(tag, separator, buf);
      const titled = buf.length;
      fieldTokens(body, separator, buf);
      for (let i = 0; i < buf.length; i++) {
        let wid = vocab.get(buf[i]);
        if (wid === undefined) {
          vocab.set(buf[i], (wid = words.length));
          words.push(buf[i]);
          postDocs.push([]);
          postTf.push([]);
          scratch.push(0);
        }
        if (scratch[wid] === 0) touched.push(wid);
        if (i < titled) scratch[wid] += 65536;
        else if ((scratch[wid] & 0xffff) < 0xffff) scratch[wid] += 1;
      }
      lengths.push(buf.length - titled);
      totalLength += buf.length - titled;
      for (const wid of touched) {
        postDocs[wid].push(id);
        postTf[wid].push(scratch[wid]);
        scratch[wid] = 0;
      }
      touched.length = 0;
    }
    return { docs, words, vocab, postDocs, postTf, lengths, totalLength };
  }
  /** 构建时建好的紧凑索引（macros/searchindex.py）：只需解码倒排表，不用切词。 */
  function fromCompact(compact) {
    const list = (value) => (Array.isArray(value) ? value : []);
    if (compact.v !== 1) return fromDocs([], null);
    const docs = list(compact.docs).map((entry) => {
      const [location, title, body, boost, , tags] = Array.isArray(entry) ? entry.map((v, i) => (i < 3 ? str(v) : v)) : ["", "", ""];
      return { location, page: pageOf(location), isPage: !location.includes("#"), title, text: body, plainTitle: title, plainText: body,
        tags: Array.isArray(tags) ? tags.filter((tag) => typeof tag === "string") : null,
        boost: typeof boost === "number" && isFinite(boost) && boost > 0 ? boost : 1 };
    });
    const [words, post, counts] = [list(compact.words).map(str), list(compact.post), list(compact.lengths)];
    const vocab = new Map();
    const [postDocs, postTf] = [[], []];
    const last = Math.max(0, docs.length - 1);
    words.forEach((word, wid) => {
      vocab.set(word, wid);
      const pairs = list(post[wid]);
      const ids = new Int32Array(pairs.length >> 1);
      const tfs = new Int32Array(pairs.length >> 1);
      // 文档号差累加成文档号；词频码 = 正文词频 × 2 + 标题里有没有 → 标题词频 << 16 | 正文词频
      for (let k = 0, doc = 0; k < ids.length; k++) {
        doc += pairs[2 * k] | 0;
        const code = pairs[2 * k + 1] | 0;
        ids[k] = doc < last ? doc : last;
        tfs[k] = (code & 1 ? 65536 : 0) + (code >>> 1);
      }
      postDocs.push(ids);
      postTf.push(tfs);
    });
    const lengths = docs.map((doc, id) => Math.max(0, Number(counts[id]) || 0));
    return { docs, words, vocab, postDocs, postTf, lengths, totalLength: lengths.reduce((sum, n) => sum + n, 0) };
  }
  function createIndex(data, opts) {
    const input = data && typeof data === "object" ? data : {};
    const config = input.config && typeof input.config === "object" ? input.config : {};
    const handbook = config.handbook && typeof config.handbook === "object" ? config.handbook : {};
    const options = Object.assign({}, DEFAULTS, opts || {});
    const number = (value, fallback) => (typeof value === "number" && isFinite(value) && value >= 0 ? value : fallback);
    options.minCoverage = number(handbook.min_coverage, options.minCoverage);
    options.titleBoost = number(handbook.title_boost, options.titleBoost);
    if (handbook.segmenter === "vocabulary") options.segmenter = false; // 查询只按索引词表分词
    const separator = separatorOf(config);
    const synonyms = new Map();
    for (const [variant, preferred] of Object.entries(handbook.synonyms && typeof handbook.synonyms === "object" ? handbook.synonyms : {})) {
      const [key, value] = [normalize(variant).trim(), typeof preferred === "string" ? normalize(preferred).trim() : ""];
      if (key.length >= 2 && value.length >= 2 && key !== value) synonyms.set(key, value);
    }
    const bestBets = new Map(Object.entries(handbook.best_bets && typeof handbook.best_bets === "object" ? handbook.best_bets : {})
      .filter(([word, page]) => typeof page === "string" && word.length >= 2).map(([word, page]) => [normalize(word).trim(), pageOf(page)]));
    const stopwords = new Set((Array.isArray(handbook.stopwords) ? handbook.stopwords : [])
      .filter((word) => typeof word === "string").map((word) => normalize(word).trim()));
    const compact = input.compact && typeof input.compact === "object" ? input.compact : null;
    const { docs, words, vocab, postDocs, postTf, lengths, totalLength } = compact ? fromCompact(compact) : fromDocs(input.docs, separator);
    const count = docs.length;
    const pageIds = new Map();
    for (let id = 0; id < count; id++) if (docs[id].location === docs[id].page) pageIds.set(docs[id].page, id);
    const avgLength = count ? totalLength / count || 1 : 1;
    const pageCount = new Set(docs.map((doc) => doc.page)).size;
    // 每篇文档不随查询变的量：BM25 的长度归一项、标题命中的加分；所在页面的编号
    const [norms, titleWeights, pageNumbers] = [new Float64Array(count), new Float64Array(count), new Int32Array(count)];
    const pageNumber = new Map();
    for (let id = 0; id < count; id++) {
      norms[id] = K1 * (1 - B + (B * lengths[id]) / avgLength);
      titleWeights[id] = options.titleBoost * (docs[id].isPage ? options.pageTitleBoost : 1);
      if (!pageNumber.has(docs[id].page)) pageNumber.set(docs[id].page, pageNumber.size);
      pageNumbers[id] = pageNumber.get(docs[id].page);
    }
    // ---- 复合词：含汉字的词按二字组登记（合同 → 劳动合同）；其他词排序后按前缀找（p1 → p1x）
    const bigrams = new Map();
    const latin = [];
    let longest = 2;
    words.forEach((word, wid) => {
      if (!isHan(word)) return void latin.push(word);
      longest = Math.max(longest, Math.min(word.length, 12));
      const seen = new Set();
      for (let i = 0; word.length >= 3 && i + 2 <= word.length; i++) {
        const pair = word.slice(i, i + 2);
        if (seen.has(pair)) continue;
        seen.add(pair);
        if (bigrams.has(pair)) bigrams.get(pair).push(wid);
        else bigrams.set(pair, [wid]);
      }
    });
    latin.sort();
    for (const key of synonyms.keys()) longest = Math.max(longest, Math.min(key.length, 12));
    const known = (word) => vocab.has(word) || synonyms.has(word) || stopwords.has(word);
    const idf = (wid) => Math.log(1 + (count - postDocs[wid].length + 0.5) / (postDocs[wid].length + 0.5));
    /** 一个查询词 → 它匹配的索引词 [[词号, 权重]…]：原词 1，包含它的复合词或以它开头的拉丁词较低。 */
    function expand(word, cache) {
      if (cache.has(word)) return cache.get(word);
      const out = [];
      const exact = vocab.get(word);
      if (exact !== undefined) out.push([exact, 1]);
      if (isHan(word)) {
        let best = null;
        for (let i = 0; i + 2 <= word.length; i++) {
          const ids = bigrams.get(word.slice(i, i + 2));
          if (!ids) { best = null; break; }
          if (!best || ids.length < best.length) best = ids;
        }
        const hits = [];
        for (const wid of best || []) if (words[wid] !== word && words[wid].indexOf(word) >= 0) hits.push(wid);
        if (hits.length > MAX_COMPOUNDS) hits.sort((a, b) => postDocs[b].length - postDocs[a].length).length = MAX_COMPOUNDS;
        for (const wid of hits) out.push([wid, 0.4 + 0.4 * word.length / words[wid].length]);
      } else if (word.length >= 2) {
        let [low, high] = [0, latin.length];
        while (low < high) {
          const mid = (low + high) >> 1;
          if (latin[mid] < word) low = mid + 1;
          else high = mid;
        }
        for (let i = low; i < latin.length && out.length <= MAX_COMPOUNDS && latin[i].startsWith(word); i++) {
          if (latin[i] !== word) out.push([vocab.get(latin[i]), 0.7]);
        }
      }
      cache.set(word, out);
      return out;
    }
    const segmentation = createQuery({ known, expand, has: (word) => vocab.has(word), stopwords, separator, longest, segmenter: options.segmenter });
    const { segment, split } = segmentation;

    function formsOf(token, cache) {
      const forms = [{ words: [token.text], weight: 1, syn: false }];
      const multi = token.parts.filter((part) => part.length >= 2);
      const covered = multi.reduce((sum, w) => sum + w.length, 0);
      if (token.parts.length > 1 && multi.length && covered >= token.text.length - 1) {
        forms.push({ words: multi, weight: options.phraseWeight, syn: false });
      } else if (!expand(token.text, cache).length) {
        const parts = split(token.text);
        if (parts && parts.length > 1) forms.push({ words: parts, weight: options.phraseWeight, syn: false });
      }
      const preferred = synonyms.get(token.text);
      const synWords = !preferred ? null : expand(preferred, cache).length ? [preferred] : split(preferred);
      if (synWords) forms.push({ words: synWords, weight: options.synonymWeight, syn: true });
      return forms;
    }
    /** 一个词在各文档中的得分：Map 文档号 → 得分（BM25，标题命中另加 titleBoost）。 */
    function wordScores(word, cache) {
      const scores = new Map();
      for (const [wid, weight] of expand(word, cache)) {
        const ids = postDocs[wid];
        const tfs = postTf[wid];
        const w = weight * idf(wid);
        // 热循环：不建临时数组（1,600 页时一个常用词有上万条）
        for (let i = 0; i < ids.length; i++) {
          const doc = ids[i];
          const tf = tfs[i] & 0xffff;
          const body = tf ? (tf * (K1 + 1)) / (tf + norms[doc]) : 0;
          const score = w * ((tfs[i] >>> 16 ? titleWeights[doc] : 0) + body);
          if (score > (scores.get(doc) || 0)) scores.set(doc, score);
        }
      }
      return scores;
    }
    /** 一种查法的得分；几个词的短语要求每个词都在同一文档里，取平均。 */
    function formScores(form, cache) {
      const maps = form.words.map((word) => wordScores(word, cache)).sort((a, b) => a.size - b.size);
      if (maps.length === 1) return maps[0];
      const out = new Map();
      for (const doc of maps[0].keys()) {
        if (maps.every((map) => map.has(doc))) out.set(doc, maps.reduce((sum, map) => sum + map.get(doc), 0) / maps.length);
      }
      return out;
    }
    /** 转义并高亮；limit 时只取第一处命中附近的一段（摘要）。 */
    function highlight(text, marks, limit) {
      let [start, end] = [0, text.length];
      if (marks) marks.lastIndex = 0;
      if (limit && text.length > limit) {
        const first = marks ? marks.exec(text) : null;
        start = first ? Math.max(0, first.index - Math.floor(limit / 4)) : 0;
        end = Math.min(text.length, start + limit);
        start = Math.max(0, end - limit);
        if (marks) marks.lastIndex = start;
      }
      let [out, at] = [start > 0 ? "…" : "", start];
      for (let m = marks && marks.exec(text); m && m.index + m[0].length <= end; m = marks.exec(text)) {
        out += escapeHTML(text.slice(at, m.index)) + "<mark data-md-highlight>" + escapeHTML(m[0]) + "</mark>";
        at = m.index + m[0].length;
      }
      return out + escapeHTML(text.slice(at, end)) + (end < text.length ? "…" : "");
    }
    /** 一条结果：标题和摘要转义并高亮。 */
    function render(doc, score, tokens, orig, syn, cache) {
      if (doc.plainTitle === undefined) [doc.plainTitle, doc.plainText] = [plainText(doc.title), plainText(doc.text)];
      const key = orig + "," + syn;
      if (!cache.has(key)) cache.set(key, termsOf(tokens, orig, syn));
      const { terms, marks } = cache.get(key);
      const item = { location: doc.location, title: highlight(doc.plainTitle, marks, 0), text: highlight(doc.plainText, marks, options.snippet), score, terms };
      if (doc.tags) item.tags = doc.tags.slice();
      return item;
    }
    /** 含有这个词（原词或包含它的复合词）的页面占全部页面的比例：?h= 高亮按字面找，所以复合词也算。 */
    const shareCache = new Map();
    function wordPageShare(word) {
      if (shareCache.has(word)) return shareCache.get(word);
      const found = new Set();
      for (const [wid] of expand(word, new Map())) for (const doc of postDocs[wid]) found.add(docs[doc].page);
      if (shareCache.size > 5000) shareCache.clear();
      return shareCache.set(word, pageCount ? found.size / pageCount : 0).get(word);
    }
    function termsOf(tokens, orig, syn) {
      // terms：命中的词 → true（Material 用它们组成 ?h= 高亮参数），没命中的 → false；单字永远不放进来
      const terms = {};
      const marked = [];
      tokens.forEach((token, bit) => {
        const synForm = token.forms.find((form) => form.syn);
        const [hitOrig, hitSyn] = [orig & (1 << bit), syn & (1 << bit) && synForm];
        // 出现在大多数页面里的词（“发票”）不放进 terms：落地页上到处高亮它没有帮助；摘要里照样高亮
        const common = (word) => wordPageShare(word) > options.commonShare;
        if (hitOrig) {
          if (!common(token.text)) terms[token.text] = true;
          marked.push(token.text);
          for (const form of token.forms) if (!form.syn && form.words.length > 1) marked.push(...form.words);
        }
        if (hitSyn) for (const word of synForm.words) [marked[marked.length]] = [word], common(word) || (terms[word] = true);
        if (!hitOrig && !hitSyn && !Object.hasOwn(terms, token.text)) terms[token.text] = false;
      });
      const unique = [...new Set(marked)].filter((word) => word.length >= 2).sort((x, y) => y.length - x.length);
      const marks = unique.length ? new RegExp(unique.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi") : null;
      return { terms, marks };
    }
    const bits = (mask) => { let n = 0; for (; mask; mask &= mask - 1) n++; return n; };
    // 查询时的累加器，按文档号存放，查询结束后清零（比每次新建 Map 省下大量垃圾回收）
    const [sums, hitOrig, hitSyn, best, bestSyn] = [new Float64Array(count), new Int32Array(count), new Int32Array(count),
      new Float64Array(count), new Uint8Array(count)];
    function search(query) {
      const dirty = [];
      try { return rank(query, dirty); } finally {
        for (const doc of dirty) sums[doc] = hitOrig[doc] = hitSyn[doc] = best[doc] = bestSyn[doc] = 0;
      }
    }
    function rank(query, dirty) {
      const empty = { items: [], total: 0 };
      const cache = new Map();
      const tokens = segment(query, cache);
      if (!tokens.length) return empty;
      let matched = 0;
      tokens.forEach((token, bit) => {
        token.forms = formsOf(token, cache);
        const hits = [];
        for (const form of token.forms) {
          formScores(form, cache).forEach((score, doc) => {
            if (best[doc] === 0) hits.push(doc);
            if (score * form.weight > best[doc]) {
              best[doc] = score * form.weight;
              bestSyn[doc] = form.syn ? 1 : 0;
            }
          });
        }
        if (hits.length) matched++;
        // 这个词出现在多少页里：出现在大多数页面里的词分量小，也不进 ?h= 高亮
        const pagesHit = new Set();
        for (const doc of hits) pagesHit.add(pageNumbers[doc]);
        token.pageShare = pageCount ? pagesHit.size / pageCount : 0;
        token.weight = token.pageShare > options.commonShare ? options.commonWeight : 1;
        for (const doc of hits) {
          if (sums[doc] === 0) dirty.push(doc);
          sums[doc] += best[doc] * token.weight;
          (bestSyn[doc] ? hitSyn : hitOrig)[doc] |= 1 << bit;
          best[doc] = 0;
        }
      });
      // 无意义的查询：有意义的词能在手册里找到的比例不够
      if (matched / tokens.length < options.minCoverage) return empty;
      const total = tokens.reduce((sum, token) => sum + token.weight, 0);
      const share = (mask) => tokens.reduce((sum, token, bit) => sum + (mask & (1 << bit) ? token.weight : 0), 0) / total;
      const pages = new Map();
      for (const id of dirty) {
        const doc = docs[id];
        if (!pages.has(doc.page)) pages.set(doc.page, { location: doc.page, docs: [], orig: 0, syn: 0 });
        const page = pages.get(doc.page);
        page.docs.push({ id, score: sums[id] * share(hitOrig[id] | hitSyn[id]) * doc.boost, orig: hitOrig[id], syn: hitSyn[id] });
        page.orig |= hitOrig[id];
        page.syn |= hitSyn[id];
      }
      // 查询正是某个说法、它的定义页已知（best_bets）：那一页加权
      const betPage = tokens.length === 1 ? bestBets.get(tokens[0].text) || bestBets.get(synonyms.get(tokens[0].text)) : undefined;
      // 一页命中的词数不少于最好的那页的 min_coverage 倍；页面得分 =（最好的一节 + 其余各节的一部分）× 本页命中词的分量
      const covered = (page) => bits(page.orig | page.syn);
      const need = Math.max(1, Math.ceil(Math.max(...[...pages.values()].map(covered)) * options.minCoverage - 1e-9));
      const ranked = [...pages.values()].filter((page) => covered(page) >= need);
      for (const page of ranked) {
        page.docs.sort((x, y) => y.score - x.score);
        const rest = page.docs.slice(1).reduce((sum, d) => sum + d.score, 0);
        const bet = page.location === betPage ? options.bestBet : 1;
        page.score = (page.docs[0].score + options.restWeight * Math.min(rest, page.docs[0].score)) * share(page.orig | page.syn) * bet;
      }
      ranked.sort((x, y) => y.score - x.score || (x.location < y.location ? -1 : 1));
      const shown = new Map();
      // 每页一组：先是页面本身（得分取本页最高，Material 据此展开最好的一节），再是命中的各节
      const items = ranked.slice(0, options.maxPages).map((page) => {
        const pageId = pageIds.get(page.location);
        const sections = page.docs.filter((d) => d.id !== pageId);
        const pageDoc = pageId === undefined ? { location: page.location, title: page.location || "/", text: "" } : docs[pageId];
        return [render(pageDoc, page.docs[0].score, tokens, page.orig, page.syn, shown),
          ...sections.map((d) => render(docs[d.id], d.score, tokens, d.orig, d.syn, shown))];
      });
      return { items, total: ranked.length };
    }

    return {
      search,
      segment: (query) => segment(query, new Map()).map((token) => token.text),
      stats: { docs: count, words: words.length, segmenter: segmentation.segmenter },
    };
  }
  const api = { createIndex };
  if (node) module.exports = api;
  else self.HandbookSearchIndex = api;
})();
