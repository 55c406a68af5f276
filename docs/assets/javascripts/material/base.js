/*
 * Material for MkDocs 9.8.2 的 partials/javascripts/base.html 中的内联脚本，移到文件里，
 * 使站点能在不允许内联脚本的 Content-Security-Policy 下运行（MIT 许可，版权归 Martin Donath）。
 * 原来的 __md_scope 取自页面的 base_url；这里由本文件的地址推出站点根目录（本文件在 assets/javascripts/material/）。
 */
__md_scope = new URL("../../../", document.currentScript.src),
__md_hash = e => [...e].reduce(((e, _) => (e << 5) - e + _.charCodeAt(0)), 0),
__md_get = (e, _ = localStorage, t = __md_scope) => JSON.parse(_.getItem(t.pathname + "." + e)),
__md_set = (e, _, t = localStorage, a = __md_scope) => { try { t.setItem(a.pathname + "." + e, JSON.stringify(_)) } catch (e) {} }
