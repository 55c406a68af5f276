"""测试、打印版和基准共用的浏览器设置：Debian 的 Chromium、启动参数、各类页面的代表页。"""
from __future__ import annotations

import os
import shutil

#: 无头 Chromium 的启动参数：不联网做后台请求、不同步、不检查组件更新
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

#: 页面类型 → 代表页（目录式 URL）；无障碍测试和基准都按它逐类检查
PAGE_TYPES = {
    "start": "",
    "runbook": "incident/overload/",
    "checklist": "operations/upgrade/",
    "drill": "drills/run/",
    "quiz": "training/quiz/",
    "calculator": "service/complaints/",
    "legal": "legal/statutes/",
    "reference": "reference/facts/",
}


def chromium_path() -> str | None:
    """Debian 的 chromium；可用 CHROMIUM_PATH 指定别的路径。找不到时返回 None。"""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
