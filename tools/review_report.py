"""列出已过复核期或即将到期的页面（负责人、页面、到期日）。

    python -m tools.review_report [--days 30] [--today 2026-12-01] [--fail]

--fail：有过期页面时退出码为 1，供发布流水线使用。
从已收录最后一年的 11 月 1 日起（按 --today），还没有收录下一年的放假安排时，报告开头另有一行警告；
这行警告不影响退出码。
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import yaml

from macros.release import review_state

ROOT = Path(__file__).resolve().parent.parent


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def collect(docs: Path, today: dt.date, days: int) -> list[dict]:
    rows = []
    for path in sorted(docs.rglob("*.md")):
        meta = front_matter(path)
        if not isinstance(meta.get("reviewed"), dt.date) or not isinstance(meta.get("review_every"), int):
            rows.append({"page": path.relative_to(docs.parent).as_posix(), "owner": meta.get("owner", "（未写）"),
                         "due": None, "days_left": None, "state": "invalid"})
            continue
        due, days_left, state = review_state(meta["reviewed"], meta["review_every"], today)
        if state == "overdue" or days_left <= days:
            rows.append({"page": path.relative_to(docs.parent).as_posix(), "owner": meta["owner"],
                         "due": due, "days_left": days_left, "state": state})
    return sorted(rows, key=lambda r: (r["due"] or dt.date.min, r["page"]))


def holiday_notice(root: Path, today: dt.date) -> str | None:
    """缺下一年放假安排的提醒（规则见 macros/service.py 的 holiday_notice_warning）。"""
    from macros import datafiles, service

    years = service.load_holidays(root)
    cutoff = service.provisional_cutoff(years, datafiles.load_widget_text(root)["workdays"]["provisional_from"])
    return service.holiday_notice_warning(years, today, cutoff)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="列出过期或即将到期的页面复核")
    parser.add_argument("--days", type=int, default=30, help="列出多少天内到期的页面（默认 30）")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--fail", action="store_true", help="有过期页面时以退出码 1 结束")
    args = parser.parse_args(argv)
    rows = collect(args.docs, args.today, args.days)
    overdue = [r for r in rows if r["state"] in ("overdue", "invalid")]
    print(f"页面复核报告（{args.today}，列出已过期和 {args.days} 天内到期的页面）")
    notice = holiday_notice(ROOT, args.today)
    if notice:
        print(f"警告\t{notice}")
    if not rows:
        print("没有需要复核的页面。")
    for row in rows:
        label = {"overdue": "已过期", "due-soon": "将到期", "ok": "将到期", "invalid": "元数据无效"}[row["state"]]
        due = row["due"].isoformat() if row["due"] else "-"
        print(f"{label}\t{due}\t{row['owner']}\t{row['page']}")
    print(f"共 {len(rows)} 页，其中已过期 {len(overdue)} 页")
    return 1 if args.fail and overdue else 0


if __name__ == "__main__":
    sys.exit(main())
