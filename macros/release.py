"""版本、构建标记与复核日期：页脚的版本号、构建日期和提交号，版本记录页，页面复核到期日。"""
from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import subprocess
from html import escape
from pathlib import Path

from macros import datafiles

VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")


def read_version(root: Path) -> str:
    path = root / "VERSION"
    if not path.is_file():
        raise datafiles.DataError("VERSION: 文件不存在")
    version = path.read_text(encoding="utf-8").strip()
    if not VERSION_RE.match(version):
        raise datafiles.DataError(f"VERSION:1: 版本号应当形如 1.2.3：{version!r}")
    return version


RELEASE = datafiles.Record({
    "version": lambda v: isinstance(v, str) and bool(VERSION_RE.match(v)),
    "date": datafiles.is_date,
    "changes": lambda v: isinstance(v, list) and bool(v) and all(datafiles.is_text(c) for c in v),
})


@datafiles.datafile("changelog.yml")
def load_changelog(root: Path = datafiles.ROOT) -> list:
    doc, where = datafiles.open_file(root, "changelog.yml")
    doc = datafiles.require_mapping(where, doc, "文件顶层")
    releases = doc.get("releases")
    if not isinstance(releases, list) or not releases:
        raise where.fatal(doc, "releases 应当是非空列表")
    seen = set()
    previous = None
    for index, entry in enumerate(releases):
        label = f"releases[{index}]"
        if not RELEASE.check(where, entry, label):
            continue
        if entry["version"] in seen:
            where.add(entry, f"{label} 的版本 {entry['version']} 重复")
        seen.add(entry["version"])
        if previous and entry["date"] > previous["date"]:
            where.add(entry, f"{label} 应当按日期从新到旧排列")
        previous = entry
    where.done()
    return releases


def has_entry(root: Path, version: str) -> bool:
    return any(r["version"] == version for r in load_changelog(root))


def git_commit(root: Path) -> str:
    try:
        result = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=root,
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "unknown"


def build_date() -> dt.date:
    """构建日期；设了 SOURCE_DATE_EPOCH 时取它，便于重现构建。"""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def build_stamp(root: Path) -> dict:
    return {"version": read_version(root), "date": build_date().isoformat(), "commit": git_commit(root)}


def add_months(day: dt.date, months: int) -> dt.date:
    """加若干个月；目标月份没有这一天时取该月最后一天（1 月 31 日加 1 个月是 2 月 28 或 29 日）。"""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def register(env, root) -> None:
    releases = load_changelog(root)

    @env.macro
    def changelog() -> str:
        parts = []
        for release in releases:
            parts.append(f"## {escape(release['version'])}（{release['date'].isoformat()}）"
                         f" {{#v{release['version'].replace('.', '-')}}}\n")
            parts.extend(f"- {escape(change)}" for change in release["changes"])
            parts.append("")
        return "\n".join(parts)


DUE_SOON_DAYS = 30  # 与 docs/assets/javascripts/review.js 相同


def review_state(reviewed: dt.date, every_months: int, today: dt.date) -> tuple[dt.date, int, str]:
    """返回 (到期日, 剩余天数, 状态)；状态为 ok / due-soon / overdue，规则与 review.js 相同。"""
    due = add_months(reviewed, every_months)
    days_left = (due - today).days
    state = "overdue" if days_left < 0 else "due-soon" if days_left <= DUE_SOON_DAYS else "ok"
    return due, days_left, state
