"""离线包（zip）的页面细节：从压缩包里直接打开单个页面时，也能看懂发生了什么。

Windows 在压缩包里双击一个 HTML 文件时，只把这一个文件解压到临时文件夹再打开：样式表和脚本都不在。
这时页面最上面显示“请先解压”（overrides/main.html 的 hb-unzip，样式表 bundle.css 加载后隐藏），
主题的图标写明宽高（24×24），不会撑满整屏。
"""
from __future__ import annotations

import re

#: 主题内联的图标（Material 的 .icons）：只有 viewBox，没有宽高
_ICON = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">')
ICON_SIZE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24">'


def size_icons(html: str) -> str:
    """给没有宽高的主题图标写上 width/height（样式表加载后仍由它决定大小）。"""
    return _ICON.sub(ICON_SIZE, html)
