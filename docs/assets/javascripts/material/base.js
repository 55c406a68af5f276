/*
 * Material for MkDocs 9.8.2 的 partials/javascripts/base.html 中的内联脚本，移到文件里，
 * 使站点能在不允许内联脚本的 Content-Security-Policy 下运行（MIT 许可，版权归 Martin Donath）。
 * 原来的 __md_scope 取自页面的 base_url；这里由本文件的地址推出站点根目录（本文件在 assets/javascripts/material/）。
 * 与原文的另一处不同：__md_get 读到坏值（不是 JSON、形状不对、存储被禁用）时返回 null，
 * 主题就当没有保存过，而不是在每一页抛错。__palette 必须是 {index: 非负整数, color: {字符串…}}，
 * __tabs 必须是数组（主题的脚本直接用这两个值的字段）。
 */
__md_scope = new URL("../../../", document.currentScript.src),
__md_hash = e => [...e].reduce(((e, _) => (e << 5) - e + _.charCodeAt(0)), 0),
__md_get = (e, _ = localStorage, t = __md_scope) => {
  try {
    const v = JSON.parse(_.getItem(t.pathname + "." + e));
    if (e === "__palette" && v !== null && !(typeof v === "object" && Number.isInteger(v.index) && v.index >= 0 &&
        v.color && typeof v.color === "object" && Object.values(v.color).every(c => typeof c === "string"))) return null;
    if (e === "__tabs" && v !== null && !Array.isArray(v)) return null;
    return v;
  } catch (err) {
    return null;
  }
},
__md_set = (e, _, t = localStorage, a = __md_scope) => { try { t.setItem(a.pathname + "." + e, JSON.stringify(_)) } catch (e) {} }
