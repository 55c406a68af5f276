"""事件响应内容的检查：主题覆盖、处置手册的结构、分级与同步告警数据的校验、两次点击可达。

分流页（docs/incident/triage.md）的 type 也是 runbook，但它是起始页，不套用处置手册的七个二级标题，
而有自己固定的结构（TRIAGE_H2）：第一屏就是“前五分钟”，“逐步判断”下放决策树并列出每个分支通向的手册。
"""
from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pytest
import yaml

from conftest import ROOT
from macros import datafiles, handtyped, incident
from macros.datafiles import DataError

DOCS = ROOT / "docs"

RUNBOOK_H2 = ["适用情形", "先做这几件事", "判断", "处置", "何时上报", "记录", "相关页面"]
TRIAGE_H2 = ["前五分钟", "谁会受影响", "可能的原因", "逐步判断", "预防", "记录", "相关页面"]

#: 处置手册：每类原因一份，加上技术故障应急和数据丢失与同步。
RUNBOOKS = [
    "incident/overload.md", "incident/database.md", "incident/network.md",
    "incident/version-mismatch.md", "incident/human-error.md",
    "incident/technical-failure.md", "incident/data-recovery.md",
    "incident/upstream-platform.md", "incident/security.md", "incident/branch-offline.md",
]
#: 从事件响应首页两次点击内必须到达的页面。
MUST_REACH = [*RUNBOOKS, "incident/triage.md", "incident/roles.md", "incident/templates.md",
              "reference/severity.md"]

#: 本测试负责的页面（用于检查 data/severity.yml 与 data/sync_alerts.yml 的值没有被手写）。
OWN_PAGES = [*MUST_REACH, "incident/index.md", "service/affected-users.md", "operations/improvement.md"]

# ---------------------------------------------------------------- (a) 主题覆盖表
#: 内容要点（content-brief 第 1、2、4、5、6、7 节的每一条，以及事件组织）→（页面，必须存在的标题）。
COVERAGE = [
    # 1. 发票查询不到
    ("1", "受影响的人：企业与消费者", "incident/triage.md", "谁会受影响"),
    ("1", "可能的原因：更新延迟、网络中断、升级缺陷、未按流程提交", "incident/triage.md", "可能的原因"),
    ("1", "先判断是否全局问题、联系开票方、保留证据", "incident/triage.md", "前五分钟"),
    ("1", "逐步判断通向处置手册", "incident/triage.md", "逐步判断"),
    ("1", "预防：检查自己的系统、完善开票流程、关注规定", "incident/triage.md", "预防"),
    ("1", "原因：数据更新延迟（先分清延迟还是丢失）", "incident/data-recovery.md", "是延迟还是丢失"),
    ("1", "原因：开票方未按流程提交，发票未录入或未上传", "incident/human-error.md", "发票没有录入或没有上传"),
    ("1", "开票信息有误时由开票方纠正、重新开具", "incident/human-error.md", "开票信息填错"),
    # 2. 诊断系统异常
    ("2", "用户报告的现象：登录慢、页面打不开、记录缺失", "incident/index.md", "处置手册"),
    ("2", "服务器负载：扩容与负载均衡", "incident/overload.md", "请求量超过容量"),
    ("2", "服务器负载：持续监控找瓶颈", "incident/overload.md", "判断"),
    ("2", "数据库：定期备份、健康检查与修复", "incident/database.md", "平时要做到"),
    ("2", "数据库：慢查询优化", "incident/database.md", "慢查询拖慢整个库"),
    ("2", "网络：用户设备的最低要求", "incident/network.md", "用户侧（服务台在电话里问）"),
    ("2", "网络：路由器和硬件设置指导", "incident/network.md", "问题在用户侧"),
    ("2", "版本：确保用户使用当前版本", "incident/version-mismatch.md", "用户的客户端太旧"),
    ("2", "版本：向开发报告缺陷", "incident/version-mismatch.md", "报告缺陷"),
    ("2", "版本：发布更新日志", "incident/version-mismatch.md", "发布时就要做到"),
    ("2", "人为失误：培训、操作手册、界面提示", "incident/human-error.md", "防止再发生"),
    # 4. 技术故障与应急
    ("4", "故障报告渠道", "incident/technical-failure.md", "先做这几件事"),
    ("4", "初步判断类型与级别", "incident/technical-failure.md", "判断"),
    ("4", "临时缓解：重启、故障切换", "incident/technical-failure.md", "临时缓解：先恢复服务，再找原因"),
    ("4", "深入排查日志", "incident/technical-failure.md", "深入排查：查日志"),
    ("4", "预防性维护与应急演练", "incident/technical-failure.md", "平时要做到"),
    # 5. 数据丢失与同步
    ("5", "防丢失：安全存储、多地冗余、自动备份", "incident/data-recovery.md", "有没有可用的备份"),
    ("5", "增量同步与高并发下的一致性", "incident/data-recovery.md", "同步延迟或中断"),
    ("5", "恢复流程：查原因、从备份恢复", "incident/data-recovery.md", "从备份恢复"),
    ("5", "核验完整性：不缺、不错", "incident/data-recovery.md", "完整性核验"),
    ("5", "同步监控与告警阈值", "incident/data-recovery.md", "同步告警规则"),
    # 6. 告知用户
    ("6", "联系支持，提供发票号码和日期，拿到工单号", "service/affected-users.md", "接电话先做这三件事"),
    ("6", "用户要准备的信息", "service/affected-users.md", "请用户准备的信息"),
    ("6", "等恢复通知、不要重复提交、关注官方、设提醒", "service/affected-users.md", "告诉用户接下来怎么做"),
    ("6", "记录问题并书面反馈", "service/affected-users.md", "请用户自己记下来"),
    ("6", "替代渠道与核对录入信息", "service/affected-users.md", "还能走哪些渠道"),
    ("6", "电话里的说法示例", "service/affected-users.md", "说法示例"),
    # 7. 长期改进
    ("7", "数据录入流程：责任、自动采集、培训考核", "operations/improvement.md", "数据录入流程"),
    ("7", "架构：分布式、容错、负载均衡、压力测试", "operations/improvement.md", "系统架构"),
    ("7", "开票高峰与申报征期前的容量与预案", "operations/improvement.md", "开票高峰与申报征期准备"),
    ("7", "监控：日志、告警、指标、历史分析", "operations/improvement.md", "监控"),
    ("7", "用户教育：培训、热线、在线支持、论坛", "operations/improvement.md", "用户教育与支持"),
    ("7", "与各部门负责人定期复盘", "operations/improvement.md", "定期复盘"),
    # 事件组织
    ("org", "事件分级", "reference/severity.md", "分级表"),
    ("org", "角色：事件负责人", "incident/roles.md", "事件负责人"),
    ("org", "角色：记录员", "incident/roles.md", "记录员"),
    ("org", "角色：通报联络人", "incident/roles.md", "通报联络人"),
    ("org", "角色：运维处置人", "incident/roles.md", "运维处置人"),
    ("org", "角色：服务台", "incident/roles.md", "服务台"),
    ("org", "模板：事件记录", "incident/templates.md", "事件记录"),
    ("org", "模板：内部进展通报", "incident/templates.md", "内部进展通报"),
    ("org", "模板：面向用户的公告", "incident/templates.md", "面向用户的公告"),
    ("org", "模板：事后复盘", "incident/templates.md", "事后复盘"),
]


def html_path(site: Path, source: str) -> Path:
    """docs 下的源文件对应的构建结果（兼容目录式与文件式 URL）。"""
    stem = source[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return site / f"{stem}.html"
    directory = site / stem / "index.html"
    return directory if directory.exists() else site / f"{stem}.html"


def headings(path: Path) -> list[str]:
    doc = lxml.html.fromstring(path.read_bytes())
    found = []
    for node in doc.xpath("//article//*[self::h1 or self::h2 or self::h3 or self::h4]"):
        found.append(node.text_content().replace("¶", "").strip())
    return found


def source_h2(source: str) -> list[str]:
    """源文件中的二级标题（跳过代码块）。"""
    result, fence = [], None
    for line in (DOCS / source).read_text(encoding="utf-8").splitlines():
        marker = re.match(r"^(`{3,}|~{3,})", line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0]
            elif line.startswith(fence * 3):
                fence = None
            continue
        if fence is None and line.startswith("## "):
            result.append(re.sub(r"\s*\{#[^}]*\}\s*$", "", line[3:]).strip())
    return result


def front_matter(source: str) -> dict:
    text = (DOCS / source).read_text(encoding="utf-8")
    assert text.startswith("---\n"), source
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_coverage_map_spans_every_brief_section():
    sections = {entry[0] for entry in COVERAGE}
    assert {"1", "2", "4", "5", "6", "7", "org"} <= sections
    assert len(COVERAGE) >= 30


@pytest.mark.parametrize("section,topic,page,heading", COVERAGE, ids=[e[1] for e in COVERAGE])
def test_topic_has_its_heading(built_site, section, topic, page, heading):
    assert (DOCS / page).is_file(), f"{topic}：页面 docs/{page} 不存在"
    built = html_path(built_site, page)
    assert built.is_file(), f"{topic}：构建结果中没有 {page}"
    found = headings(built)
    assert heading in found, f"{topic}：docs/{page} 缺少标题“{heading}”；现有标题：{found}"


# ---------------------------------------------------------------- (b) 页面结构

def incident_runbooks() -> list[str]:
    return sorted(
        f"incident/{p.name}" for p in (DOCS / "incident").glob("*.md")
        if front_matter(f"incident/{p.name}").get("type") == "runbook"
    )


def test_every_cause_family_has_a_runbook():
    assert sorted([*RUNBOOKS, "incident/triage.md"]) == incident_runbooks()


@pytest.mark.parametrize("page", [p for p in RUNBOOKS])
def test_runbook_has_the_seven_headings_in_order(page):
    assert front_matter(page)["type"] == "runbook"
    assert source_h2(page) == RUNBOOK_H2, f"docs/{page} 的二级标题应当依次为 {RUNBOOK_H2}"


def test_runbook_discovery_finds_pages_not_listed_here():
    """用目录扫描而不是只用上面的列表：新加的 runbook 也会被检查。"""
    for page in incident_runbooks():
        expected = TRIAGE_H2 if page == "incident/triage.md" else RUNBOOK_H2
        assert source_h2(page) == expected, f"docs/{page} 的二级标题应当依次为 {expected}"


def test_triage_starts_with_first_five_minutes_and_routes_to_every_runbook(built_site):
    text = (DOCS / "incident/triage.md").read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    first_h2 = re.search(r"^## (.+)$", body, re.M).group(1)
    assert first_h2 == "前五分钟"
    first_five = body.split("## 前五分钟", 1)[1].split("\n## ", 1)[0]
    assert '{{ first_five("not_found") }}' in first_five, "前五分钟清单由宏从判断树的数据生成"
    causes = body.split("## 可能的原因", 1)[1].split("\n## ", 1)[0]
    assert '{{ triage_table("not_found") }}' in causes and "\n| " not in causes, "原因表由宏生成，不手写"
    tree = body.split("## 逐步判断", 1)[1].split("\n## ", 1)[0]
    assert re.search(r'^\{(\{|##) decision_tree\("not_found"\) (\}|##)\}$', tree, re.M), \
        "“逐步判断”下应当有决策树宏（或它的注释形式）"
    # 构建结果：前五分钟里有热线、开票日期和证据；原因表链接到每一份处置手册
    doc = lxml.html.fromstring(html_path(built_site, "incident/triage.md").read_bytes())
    first_list = doc.xpath("//article//h2[@id='前五分钟']/following-sibling::ol[1]")[0].text_content()
    assert "12366" in first_list and "开票日期" in first_list and "证据" in first_list
    table = doc.xpath("//article//h2[@id='可能的原因']/following-sibling::table[1]")[0]
    hrefs = {unquote(h) for h in table.xpath(".//a/@href")}
    # 安全事件不是“查不到”的原因，从事件分级（P1）和事件响应首页进入，不在原因表里
    for page in [p for p in RUNBOOKS if p != "incident/security.md"]:
        stem = Path(page).stem
        assert any(f"{stem}/" in href or f"{stem}.html" in href for href in hrefs), \
            f"原因表没有链接 {page}：{hrefs}"


def test_triage_table_rows_match_the_tree(built_site):
    """原因表的每一行与 data/decision_tree.yml 的 causes 一一对应，链接到同一份处置手册。"""
    from macros import tree as tree_module
    data = tree_module.load_decision_tree(ROOT)["not_found"]
    doc = lxml.html.fromstring(html_path(built_site, "incident/triage.md").read_bytes())
    table = doc.xpath("//article//h2[@id='可能的原因']/following-sibling::table[1]")[0]
    rows = table.xpath(".//tr[td]")
    assert len(rows) == len(data["causes"])
    for row, cause in zip(rows, data["causes"].values()):
        assert cause["name"] in row.text_content()
        href = unquote(row.xpath("./td[4]//a/@href")[0])
        stem = Path(cause["page"]).stem
        assert f"{stem}/" in href or f"{stem}.html" in href, (cause["name"], href)
        if cause.get("anchor"):
            assert href.endswith("#" + cause["anchor"]), (cause["name"], href)


FIRST_FIVE_PAGES = ["index.md", "incident/index.md", "incident/triage.md"]


@pytest.mark.parametrize("page", FIRST_FIVE_PAGES)
def test_first_five_comes_from_the_macro(page):
    body = (DOCS / page).read_text(encoding="utf-8").split("---\n", 2)[2]
    blocks = body.split("\n## ")
    first_block = blocks[1] if page == "incident/triage.md" else blocks[0]
    assert 'first_five("not_found")' in first_block, f"docs/{page} 的第一块应当是前五分钟清单（宏）"


def test_every_page_shows_the_same_first_five_list(built_site):
    texts = {}
    for page in FIRST_FIVE_PAGES:
        doc = lxml.html.fromstring(html_path(built_site, page).read_bytes())
        first = doc.xpath("//article//ol")[0]
        texts[page] = " ".join(first.text_content().split())
    assert len(set(texts.values())) == 1, texts


def test_no_page_types_its_own_first_five_minutes_list():
    """“前五分钟”只有一份：任何页面的“前五分钟”提示框或小节都必须用宏。"""
    offenders = []
    heading = re.compile(r'^(?:!!!\s+\w+\s+"[^"]*前五分钟[^"]*"|#+ 前五分钟)\s*$', re.M)
    for path in sorted(DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in heading.finditer(text):
            block = text[match.end():].split("\n## ", 1)[0][:400]
            if "first_five(" not in block:
                offenders.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not offenders, f"这些地方手写了前五分钟清单，请改用 first_five 宏：{offenders}"


def test_severity_page_lists_the_starting_level_of_each_cause(built_site):
    from macros import tree as tree_module
    data = tree_module.load_decision_tree(ROOT)["not_found"]
    doc = lxml.html.fromstring(html_path(built_site, "reference/severity.md").read_bytes())
    text = doc.xpath("string(//article)")
    levels = incident.load_severity(ROOT)
    for cause in data["causes"].values():
        assert cause["name"] in text
    # 一个开票方的发票确认丢失：分级表的判定条件和原因的起始级别都是 P2
    assert data["causes"]["data_loss"]["level"] == "p2"
    assert any("确认丢失" in item and "一个开票方" in item for item in levels["p2"]["criteria"])
    assert not any("缺失" in item for item in levels["p3"]["criteria"])


def test_incident_index_keeps_first_five_minutes_first():
    body = (DOCS / "incident/index.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    first_block = body.split("\n## ", 1)[0]
    assert '!!! danger "前五分钟"' in first_block
    assert '{{ first_five("not_found") | indent(4) }}' in first_block


# ---------------------------------------------------------------- (c) 数据校验


def make_root(tmp_path: Path, name: str, mutate) -> tuple[Path, str]:
    """把真实数据复制到 tmp_path/data，对其中一个文件做一处破坏；返回 (根目录, 破坏后的文本)。"""
    data = tmp_path / "data"
    data.mkdir()
    for file in ("contacts.yml", "severity.yml", "sync_alerts.yml"):
        (data / file).write_text((ROOT / "data" / file).read_text(encoding="utf-8"), encoding="utf-8")
    original = (data / name).read_text(encoding="utf-8")
    broken = mutate(original)
    assert broken != original, "破坏没有生效"
    (data / name).write_text(broken, encoding="utf-8")
    return tmp_path, broken


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"找不到 {needle!r}")


def after(text: str, start: str, old: str, new: str) -> str:
    """替换 start 之后第一次出现的 old。"""
    head, tail = text.split(start, 1)
    return head + start + tail.replace(old, new, 1)


BROKEN = [
    # (文件, 破坏方式, 期望行所在的文字, 信息片段)
    ("severity.yml", lambda t: after(t, "  p2:", "    respond: {value: 15, unit: 分钟, example: true}\n", ""),
     "    label: P2", "levels.p2 缺少字段 respond"),
    ("severity.yml", lambda t: after(t, "  p3:", "call: [ops_oncall]", "call: [ops_oncall, night_shift]"),
     "call: [ops_oncall, night_shift]", "'night_shift' 不在 data/contacts.yml 中"),
    ("severity.yml", lambda t: after(t, "  p2:", "update: {value: 60, unit: 分钟", "update: {value: 60, unit: 天"),
     "update: {value: 60, unit: 天", "levels.p2.update 的字段 unit 取值无效"),
    ("severity.yml", lambda t: after(t, "  p1:", "label: P1", "label: P9"),
     "    label: P9", "levels.p1 的字段 label 取值无效"),
    ("severity.yml", lambda t: after(t, "  p3:", "    name: 一般\n", "    name: 一般\n    colour: 黄\n"),
     "    label: P3", "levels.p3 有未知字段 colour"),
    ("severity.yml", lambda t: t.replace("  p4:\n", "  p5:\n"),
     "  p1:", "levels 的键应当依次为"),
    ("severity.yml", lambda t: after(t, "  p2:", "criteria:\n", "criteria: [\n"),
     "      - 登录、查询或开具发票对部分用户", "YAML 格式错误"),  # 解析器在下一行发现问题
    ("sync_alerts.yml", lambda t: after(t, "  replica_lag_crit:", "severity: p2", "severity: p9"),
     "    name: 复制延迟严重", "rules.replica_lag_crit 的字段 severity 取值无效"),
    ("sync_alerts.yml", lambda t: after(t, "  sync_backlog:", "value: 10000", "value: 一万"),
     "    name: 增量同步积压", "rules.sync_backlog 的字段 value 取值无效"),
    ("sync_alerts.yml", lambda t: after(t, "  backup_age:", "    example: true\n", ""),
     "    name: 备份过期", "rules.backup_age 缺少字段 example"),
    ("sync_alerts.yml", lambda t: after(t, "  replica_lag_warn:", "hold: {value: 5, unit: 分钟}", "hold: {value: 5, unit: 周}"),
     "hold: {value: 5, unit: 周}", "rules.replica_lag_warn.hold 的字段 unit 取值无效"),
    ("sync_alerts.yml", lambda t: after(t, "  node_mismatch:", "op: gt", "op: ≈"),
     "    name: 节点数据不一致", "rules.node_mismatch 的字段 op 取值无效"),
]


@pytest.mark.parametrize("name,mutate,anchor,message", BROKEN,
                         ids=[f"{b[0]}:{b[3][:24]}" for b in BROKEN])
def test_malformed_data_names_file_and_line(tmp_path, name, mutate, anchor, message):
    root, broken = make_root(tmp_path, name, mutate)
    loader = datafiles.LOADERS[name]
    with pytest.raises(DataError) as caught:
        loader(root)
    text = str(caught.value)
    expected = f"data/{name}:{line_of(broken, anchor)}:"
    assert text.startswith(expected), f"信息应当以 {expected} 开头：{text}"
    assert message in text, text


def test_loaders_are_registered_and_real_data_is_valid():
    assert datafiles.LOADERS["severity.yml"] is incident.load_severity
    assert datafiles.LOADERS["sync_alerts.yml"] is incident.load_sync_alerts
    levels = incident.load_severity(ROOT)
    assert list(levels) == ["p1", "p2", "p3", "p4"]
    rules = incident.load_sync_alerts(ROOT)
    assert rules and all(rule["severity"] in levels for rule in rules.values())


def test_sync_alert_errors_also_report_a_broken_severity_file(tmp_path):
    """同步告警引用分级，分级文件坏了时，报出的是分级文件的位置。"""
    root, broken = make_root(tmp_path, "severity.yml", lambda t: t.replace("    review: 必须复盘\n", "", 1))
    with pytest.raises(DataError, match=r"^data/severity\.yml:\d+: levels\.p2 缺少字段 review"):
        incident.load_sync_alerts(root)


# ---------------------------------------------------------------- 数据经由宏显示，页面不手写


def data_patterns() -> list[tuple[str, re.Pattern]]:
    found = []
    for key, level in incident.load_severity(ROOT).items():
        for field in incident.TIME_FIELDS:
            if field in level:
                span = level[field]
                found.append((f"severity.{key}.{field}", f"{span['value']} {span['unit']}"))
    for key, rule in incident.load_sync_alerts(ROOT).items():
        found.append((f"sync_alerts.{key}", f"{rule['value']} {rule['unit']}"))
        if "hold" in rule:
            found.append((f"sync_alerts.{key}.hold", f"{rule['hold']['value']} {rule['hold']['unit']}"))
    patterns = []
    for key, text in found:
        value, unit = text.split(" ", 1)
        unit_pattern = r"\s*".join(re.escape(ch) for ch in unit)
        patterns.append((key, re.compile(handtyped._value_pattern(value) + r"\s*" + unit_pattern)))
    return patterns


@pytest.mark.parametrize("page", OWN_PAGES)
def test_thresholds_and_response_times_are_not_typed_by_hand(page):
    markdown = (DOCS / page).read_text(encoding="utf-8")
    findings = handtyped.find(markdown, data_patterns())
    assert not findings, "\n".join(f"docs/{page}:{f.line}: 手写了 {f.text!r}，请改用宏（{f.key}）"
                                   for f in findings)


def test_hand_typed_check_catches_a_threshold():
    assert handtyped.find("延迟超过 300 秒就上报", data_patterns())


def test_severity_page_shows_every_level_from_data(built_site):
    doc = lxml.html.fromstring(html_path(built_site, "reference/severity.md").read_bytes())
    rows = doc.xpath("(//article//table)[1]//tr[td]")  # 第一张表是分级表
    levels = incident.load_severity(ROOT)
    assert len(rows) == len(levels)
    for row, (key, level) in zip(rows, levels.items()):
        text = row.text_content()
        assert f"{level['label']} {level['name']}" in text
        span = level["respond"]
        assert f"{span['value']} {span['unit']}" in text
        assert row.xpath(".//span[@class='hb-example']"), f"{key} 的示例值没有标出"


def test_sync_alert_table_shows_every_rule(built_site):
    doc = lxml.html.fromstring(html_path(built_site, "incident/data-recovery.md").read_bytes())
    tables = [t for t in doc.xpath("//article//table") if "触发条件" in t.xpath("string(.//tr[1])")]
    assert len(tables) == 1, "数据丢失与同步页面应当有一张同步告警规则表"
    text = " ".join(tables[0].itertext())
    for rule in incident.load_sync_alerts(ROOT).values():
        assert rule["name"] in text
        assert f"{rule['value']} {rule['unit']}" in text


# ---------------------------------------------------------------- (d) 两次点击可达


def article_links(page: Path, site: Path) -> set[Path]:
    """页面正文（article）里指向本站 HTML 页面的链接；忽略导航栏、页脚和外链。"""
    doc = lxml.html.fromstring(page.read_bytes())
    base = page.relative_to(site).as_posix()
    targets = set()
    for href in doc.xpath("//article//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        resolved = unquote(urlsplit(urljoin(f"http://site/{base}", href)).path).lstrip("/")
        if resolved == "" or resolved.endswith("/"):
            resolved += "index.html"
        target = site / resolved
        if target.suffix == ".html" and target.is_file():
            targets.add(target.resolve())
    return targets


def clicks_from(start: Path, site: Path, limit: int) -> dict[Path, int]:
    depth = {start.resolve(): 0}
    queue = deque([start.resolve()])
    while queue:
        page = queue.popleft()
        if depth[page] == limit:
            continue
        for target in article_links(page, site):
            if target not in depth:
                depth[target] = depth[page] + 1
                queue.append(target)
    return depth


def test_every_runbook_is_within_two_clicks_of_the_incident_start_page(built_site):
    start = html_path(built_site, "incident/index.md")
    depth = clicks_from(start, built_site, limit=2)
    missing = [page for page in MUST_REACH if html_path(built_site, page).resolve() not in depth]
    assert not missing, f"从 incident/index 两次点击内到不了：{missing}"


def test_crawler_ignores_navigation_links(tmp_path):
    """只有导航栏里的链接不算可达：检查器本身要能发现这种情况。"""
    site = tmp_path / "site"
    (site / "incident" / "far").mkdir(parents=True)
    (site / "incident" / "index.html").write_text(
        '<nav><a href="far/">far</a></nav><article><a href="near/">near</a></article>', encoding="utf-8")
    (site / "incident" / "near").mkdir()
    (site / "incident" / "near" / "index.html").write_text("<article>near</article>", encoding="utf-8")
    (site / "incident" / "far" / "index.html").write_text("<article>far</article>", encoding="utf-8")
    depth = clicks_from(site / "incident" / "index.html", site, limit=2)
    assert (site / "incident" / "near" / "index.html").resolve() in depth
    assert (site / "incident" / "far" / "index.html").resolve() not in depth
