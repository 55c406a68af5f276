"""页面复核与构建标记：到期规则（Python 与浏览器同一份用例）、复核报告、浏览器中按当天日期变为过期、页脚标记。"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import ROOT, run_node_tests
from macros import release
from tools import review_report

CASES = json.loads((ROOT / "tests" / "review_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['reviewed']}+{c['every']}@{c['today']}")
def test_python_review_rule(case):
    due, days_left, state = release.review_state(
        dt.date.fromisoformat(case["reviewed"]), case["every"], dt.date.fromisoformat(case["today"]))
    assert (due.isoformat(), days_left, state) == (case["due"], case["days_left"], case["state"])


def test_javascript_review_rule_with_node():
    assert run_node_tests(ROOT / "tests" / "js" / "review.test.js", len(CASES) + 1) == len(CASES) + 1


def write_page(docs, name, reviewed, every, owner="运维主管"):
    (docs / name).write_text(
        f"---\ntitle: 页\ndescription: 说明\nowner: {owner}\nreviewed: {reviewed}\nreview_every: {every}\n"
        f"audience: [运维]\ntype: guide\n---\n\n# 页\n", encoding="utf-8")


def test_review_report_lists_due_and_overdue_pages(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_page(docs, "old.md", "2026-01-10", 6, owner="数据库管理员")   # 2026-07-10 到期
    write_page(docs, "soon.md", "2026-06-20", 6)                      # 2026-12-20 到期
    write_page(docs, "fresh.md", "2026-11-01", 12)                    # 2027-11-01 到期
    code = review_report.main(["--docs", str(docs), "--today", "2026-12-01", "--days", "30"])
    out = capsys.readouterr().out
    assert code == 0
    assert "已过期\t2026-07-10\t数据库管理员\tdocs/old.md" in out
    assert "将到期\t2026-12-20\t运维主管\tdocs/soon.md" in out
    assert "fresh.md" not in out
    assert review_report.main(["--docs", str(docs), "--today", "2026-12-01", "--fail"]) == 1
    assert review_report.main(["--docs", str(docs), "--today", "2026-07-10", "--fail"]) == 0


def test_every_page_shows_owner_and_due_date(built_site):
    for path in (ROOT / "docs").rglob("*.md"):
        relative = path.relative_to(ROOT / "docs").with_suffix("")
        html_path = built_site / (relative.parent if relative.name == "index" else relative) / "index.html"
        html = html_path.read_text(encoding="utf-8")
        assert 'class="hb-review"' in html and "下次复核" in html, html_path


def test_footer_shows_version_date_and_commit(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    commit = release.git_commit(ROOT)
    assert f"版本 {version}" in html
    assert f'data-build-date="{dt.date.today().isoformat()}"' in html
    assert f"<code>{commit}</code>" in html and commit != "unknown"


@pytest.mark.parametrize("today, overdue", [("2027-11-28T09:00:00", False), ("2027-11-29T09:00:00", True)])
def test_page_turns_overdue_in_the_browser_on_the_day_after_due(site_url, page_factory, today, overdue):
    """版本记录页 2026-11-28 复核、周期 12 个月：2027-11-28 当天仍有效，次日即显示过期。"""
    page, log = page_factory(site_url)
    page.clock.set_fixed_time(today)
    page.goto(site_url + "reference/changelog/")
    assert page.locator(".hb-review .hb-review__due").inner_text() == "2027-11-28"
    banner = page.locator(".hb-review-banner")
    if overdue:
        banner.wait_for()
        assert "本页已过复核期" in banner.inner_text() and "2027-11-28" in banner.inner_text()
        assert "已过复核期 1 天" in page.locator(".hb-review__state").inner_text()
    else:
        assert "今天到期" in page.locator(".hb-review__state").inner_text()
        assert banner.count() == 0
    assert log.offsite == []
