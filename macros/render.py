"""把数据放进页面的公共写法：示例标记、表格单元格、Markdown 转义、相对链接、属性里的 JSON。

各个宏模块都用这里的函数，不再各写一份。
"""
from __future__ import annotations

import json
import posixpath
import re
from html import escape
from typing import Any


def example_badge(file: str = "contacts.yml") -> str:
    """示例值后面的“示例”标记；file 是要替换该值的数据文件（data/ 下的文件名）。"""
    return f'<span class="hb-example" title="示例值：部署前在 data/{file} 中替换">示例</span>'


def unverified_badge(check_at: str | None = None) -> str:
    """未核实的公开事实后面的“未核实”标记；check_at 是应当到哪里核对它的官方网址。"""
    where = f"以 {check_at} 公布的现行规定为准" if check_at else "以官方公布的现行规定为准"
    return (f'<span class="hb-unverified" title="未核实：本条尚未经人工核实，{escape(where)}">'
            "未核实</span>")


def verification(entry: dict, check_at: str | None = None) -> str:
    """公开事实的核实状态：核对过的写“日期 角色 核实”，否则是“未核实”标记。"""
    verified = entry.get("verified")
    if isinstance(verified, dict):
        return f"{verified['date'].isoformat()} {escape(verified['by'])}核实"
    return unverified_badge(check_at)


def cell(text: Any) -> str:
    """表格单元格：转义 HTML，去掉会破坏 Markdown 表格的竖线和换行。"""
    return escape(str(text)).replace("|", "&#124;").replace("\n", " ")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!#|])")
_CJK = r"[\u3000-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def md_text(text: Any) -> str:
    """放进 Markdown 的数据文字：先转义 HTML，再转义 Markdown 标记和表格竖线；换行变成空格。"""
    return _MD_SPECIAL.sub(r"\\\1", escape(str(text), quote=False)).replace("\n", " ")


def md_folded(text: Any) -> str:
    """YAML 折叠的多行文字放进 Markdown：合并空白，去掉中文之间因折行产生的空格，再按 md_text 转义。"""
    return md_text(_CJK_GAP.sub("", " ".join(str(text).split())))


def relative_link(from_src_uri: str, target: str, anchor: str | None = None) -> str:
    """从调用页面（相对 docs/ 的源文件路径）到目标 .md 的相对链接；target 可以带 #锚点。"""
    path, _, own_anchor = target.partition("#")
    anchor = (anchor or own_anchor).lstrip("#")
    link = posixpath.relpath(path, posixpath.dirname(from_src_uri) or ".")
    return f"{link}#{anchor}" if anchor else link


def attr_json(data: Any) -> str:
    """放进 data-* 属性的 JSON（已转义，可以直接写在双引号里）。

    不用 <script type="application/json">：Material 的即时导航换页时会把正文里的 script 元素
    重新创建成可执行的脚本（丢掉 type 和 class），JSON 就成了语法错误，CSP 也会拦下它。"""
    return escape(json.dumps(data, ensure_ascii=False, separators=(",", ":")), quote=True)


def number(value: Any) -> str:
    """数值的写法：整数值的浮点数不带 .0。"""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
