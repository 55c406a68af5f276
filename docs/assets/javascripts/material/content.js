/* Material for MkDocs 9.8.2 的 partials/javascripts/content.html 中的内联脚本，原样移到文件里，供 CSP 使用（MIT 许可，版权归 Martin Donath）。 */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
