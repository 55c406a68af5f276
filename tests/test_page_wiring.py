"""页面之间的连接：提到恢复手册、回滚步骤、变更冻结规则、安全事件等的地方都链接过去，
本单位的值（服务热线、投诉表单、申诉期限、开票模式、服务网点）经宏显示，不在页面上写成文字。

只读 Markdown 源文件，不构建；链接和锚点是否存在由构建检查。"""
from __future__ import annotations

import re

import pytest

from conftest import ROOT

DOCS = ROOT / "docs"
FREEZE = "../business/tax-calendar.md#变更冻结规则"

#: 页面 → 源文件里必须有的写法（链接目标或宏调用）
REQUIRED = {
    "operations/backup-restore-test.md": ["(restore.md)", FREEZE],
    "operations/upgrade.md": ["(rollback.md)", "(rollback.md#回滚后验证)", FREEZE],
    "operations/maintenance.md": [FREEZE],
    "operations/improvement.md": [FREEZE],
    "operations/index.md": ["(restore.md)", "(rollback.md)", FREEZE],
    "service/complaints.md": ['contact("public_hotline")', 'contact("complaint_form")',
                              'contact("appeal_time_limit")', "(../incident/security.md)"],
    "service/answers.md": ["(../incident/security.md)", 'contact("tax_tech_contact")', 'contact("issuing_model")'],
    "service/affected-users.md": ["service_points()", "../incident/upstream-platform.md#告诉用户什么"],
    "service/reprint.md": ['contact("issuing_model")', "../business/quick-reference.md#打印件和补打",
                           "../business/quick-reference.md#纸质发票作废"],
    "service/index.md": ["(../business/index.md)"],
    "training/invoice-business.md": ["(../business/overview.md)", "(../business/quick-reference.md)",
                                     'contact("issuing_model")', 'fact("verify_next_day")'],
    "training/paths.md": ["../operations/restore.md", "../operations/rollback.md", "../incident/security.md",
                          "../incident/upstream-platform.md", "../business/quick-reference.md"],
    "training/trainer-guide.md": ["(../business/index.md)", "../operations/restore.md",
                                  "../operations/rollback.md"],
    "drills/index.md": [FREEZE],
    "business/overview.md": ['contact("issuing_model")', "../training/invoice-business.md",
                             "../service/answers.md"],
}

#: 以前写成文字、没有链接的说法
UNLINKED = [
    re.compile(r"按回滚方案执行"),
    re.compile(r"按恢复手册恢复"),
    re.compile(r"安全与个人信息事件的处置手册"),
    re.compile(r"登记在数据文件中的值"),
]


@pytest.mark.parametrize("page", sorted(REQUIRED))
def test_page_links_the_new_pages_and_data(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    missing = [needle for needle in REQUIRED[page] if needle not in text]
    assert not missing, f"docs/{page} 缺少：{missing}"


def test_no_unlinked_references_remain():
    found = []
    for path in sorted(p for part in ("operations", "service", "training", "business", "drills", "legal", "reference")
                       for p in (DOCS / part).glob("*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found += [f"{path.relative_to(ROOT)}:{number}: {p.pattern}" for p in UNLINKED if p.search(line)]
    assert not found, "\n".join(found)
