"""合成的中文手册：把本手册扩到 N 页，用它的全部配置（主题、扩展、宏、钩子、jieba 搜索）构建，测量规模增长。

手册的真实页面原样保留（数据文件里的决策树等引用它们，钩子会校验），其余页面是合成的，
放在 docs/x/ 下，导航接在手册导航之后；N 是站点的总页数。

页面内容由固定种子的随机数从运维用语拼成：有 H2/H3 标题、段落、有序步骤、任务清单、表格、
提示框、站内链接（含锚点）和几处宏调用，篇幅与手册的真实页面相近（约 3 KB）。

导航有三种结构（“节”是 20 页，第一页是节的 index.md）：

- ``nested``（默认）：部分 → 章 → 节 → 页，每章 5 节、每部分 4 章。启用 ``navigation.sections``
  时第一层（部分）总是展开，``navigation.prune`` 剪掉第二层及以下不在当前路径上的分支，所以每页只带
  “各部分 + 各章标题 + 当前章的节标题 + 当前节的页面”，导航链接数几乎不随页数增长。
- ``grouped``：部分 → 节 → 页，每部分 5 节。每页带全部节的标题，导航随节数（页数 / 20）增长。
- ``flat``：第一层直接是节（与手册现在的导航形状相同）。第一层是 section，prune 不剪 section，
  于是每页仍带全部页面的链接，与不开 prune 一样。

用法：``python -m bench.synthetic DEST --pages 400 [--no-prune] [--structure flat]``
"""
from __future__ import annotations

import argparse
import posixpath
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SECTION_PAGES = 20        # 每节页数（含节的 index.md）
SECTIONS_PER_PART = 5     # grouped：每部分的节数
SECTIONS_PER_CHAPTER = 5  # nested：每章的节数
CHAPTERS_PER_PART = 4     # nested：每部分的章数
STRUCTURES = ("nested", "grouped", "flat")

#: 复制项目时跳过的顶层条目（其余的宏、数据、主题覆盖、文档、片段都要，构建才与手册相同）。
EXCLUDE = {".git", ".venv", ".pytest_cache", ".ci", "bench", "site", "dist", "tests", "node_modules"}
PREFIX = "x"            # 合成页面所在的 docs 子目录

# ---------------------------------------------------------------- 用语
SYSTEMS = ["发票查询服务", "开票服务", "数据同步任务", "主数据库", "备用数据库", "负载均衡", "应用服务器",
           "消息队列", "缓存集群", "对账任务", "报表导出", "网关", "认证服务", "归档存储", "监控平台",
           "客户端", "服务台工单系统", "备份任务", "日志平台", "域名解析"]
SYMPTOMS = ["响应变慢", "查询超时", "页面打不开", "连接被拒绝", "同步延迟升高", "错误率上升", "磁盘空间不足",
            "证书即将到期", "主备切换失败", "备份没有按时完成", "用户反映发票查询不到", "登录反复失败",
            "队列积压", "慢查询增多", "内存持续上涨", "时间不同步"]
ACTIONS = ["确认", "核对", "记录", "检查", "暂停", "重启", "切换", "通知", "回滚", "扩容", "比对", "导出",
           "复核", "上报", "隔离", "恢复", "截取", "清理", "验证", "标记"]
OBJECTS = ["影响范围", "开始时间", "告警内容", "最近一次变更", "监控曲线", "错误日志", "连接池使用率",
           "同步位点", "备份文件的校验值", "配置文件", "受影响的用户名单", "工单编号", "版本号", "磁盘用量",
           "主从延迟", "证书有效期", "请求来源分布", "处理进展", "值班交接记录", "回滚方案"]
ROLES = ["运维值班", "事件负责人", "数据库值班", "网络值班", "服务台组长", "值班经理", "培训讲师",
         "财务联络人", "记录员", "通报负责人"]
CONNECTORS = ["然后", "同时", "必要时", "如果仍未恢复，", "确认无误后", "在动手之前", "处理过程中",
              "完成后", "每隔一段时间", "交班之前"]
REASONS = ["这样复盘时能还原经过", "以免扩大影响", "否则无法判断是否已经恢复", "避免重复操作",
           "让接班的人能接着做", "便于对照监控", "防止数据不一致", "用户会据此安排补打",
           "上级需要据此判断是否升级", "这是判断级别的依据"]
TOPICS = ["高峰期负载", "数据库主备", "网络抖动", "客户端升级", "批量开票", "同步中断", "备份恢复",
          "证书更换", "机房巡检", "容量规划", "权限变更", "日志归档", "补打申请", "投诉处理", "演练准备",
          "复盘会议", "值班交接", "告警治理", "配置管理", "变更窗口"]
PART_NAMES = ["日常运维", "事件处置", "服务台", "变更管理", "演练与培训", "容量与性能", "数据与备份",
              "安全与权限", "监控与告警", "交接与记录", "合规与档案", "供应商协作", "网点支持", "专项整治",
              "值班制度", "应急保障"]
FIXED_H2 = ["适用情形", "先做这几件事", "判断", "处置", "何时上报", "记录"]   # 每页都有（处置手册的小节顺序），链接可以指向它们的锚点


@dataclass
class Page:
    path: str                 # docs 下的相对路径，如 p01/s02/t03.md
    title: str
    section: "Section"
    links: list[str] = field(default_factory=list)


@dataclass
class Section:
    title: str
    index: str
    pages: list[Page] = field(default_factory=list)


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return (f"{rng.choice(SYSTEMS)}{rng.choice(SYMPTOMS)}时，由{rng.choice(ROLES)}"
                f"{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，{rng.choice(REASONS)}。")
    if kind == 1:
        return f"{rng.choice(CONNECTORS)}{rng.choice(ACTIONS)}{rng.choice(SYSTEMS)}的{rng.choice(OBJECTS)}。"
    if kind == 2:
        return (f"不要在没有{rng.choice(OBJECTS)}的情况下{rng.choice(ACTIONS)}{rng.choice(SYSTEMS)}，"
                f"{rng.choice(REASONS)}。")
    return (f"{rng.choice(ROLES)}负责{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，"
            f"并把结果告诉{rng.choice(ROLES)}。")


def _paragraph(rng: random.Random, sentences: tuple[int, int] = (2, 5)) -> str:
    return "".join(_sentence(rng) for _ in range(rng.randint(*sentences)))


def _link(page: Page, target: str, text: str, anchor: str = "") -> str:
    rel = posixpath.relpath(target, posixpath.dirname(page.path) or ".")
    return f"[{text}]({rel}{'#' + anchor if anchor else ''})"


def _body(rng: random.Random, page: Page, everything: list[Page]) -> str:
    section = page.section
    siblings = [p for p in section.pages if p is not page]
    other = rng.choice(everything)
    out = [
        "---",
        f"title: {page.title}",
        f"description: {rng.choice(SYSTEMS)}{rng.choice(SYMPTOMS)}时的判断与处置",
        f"owner: {rng.choice(ROLES)}负责人",
        "reviewed: 2026-11-28",
        f"review_every: {rng.choice((3, 6, 12))}",
        f"audience: [{rng.choice(['运维', '客服', '财务', '管理', '培训'])}]",
        f"type: {rng.choice(['runbook', 'checklist', 'guide', 'reference'])}",
        "---",
        "",
        f"# {page.title}",
        "",
        _paragraph(rng, (1, 2)),
        "",
    ]
    for h2 in FIXED_H2:
        out += [f"## {h2}", ""]
        if h2 == "先做这几件事":
            for n in range(rng.randint(3, 6)):
                out.append(f"{n + 1}. **{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}**：{_sentence(rng)}")
            out += ["", f"拿不准时先看{_link(page, section.index, section.title)}。", ""]
        elif h2 == "判断":
            out += ["| 看什么 | 怎么看 | 说明什么 |", "|---|---|---|"]
            for _ in range(rng.randint(3, 5)):
                out.append(f"| {rng.choice(OBJECTS)} | {rng.choice(SYSTEMS)}的监控 | {rng.choice(SYMPTOMS)} |")
            out += ["", _paragraph(rng), ""]
        elif h2 == "处置":
            for _ in range(rng.randint(1, 3)):
                out += [f"### {rng.choice(TOPICS)}：{rng.choice(SYMPTOMS)}", "", _paragraph(rng), ""]
                for _ in range(rng.randint(2, 4)):
                    out.append(f"- [ ] {rng.choice(ACTIONS)}{rng.choice(SYSTEMS)}的{rng.choice(OBJECTS)}")
                out.append("")
            if rng.random() < 0.4:
                out += ['!!! warning "先留现场"', "", f"    {_paragraph(rng, (1, 2))}", ""]
            out += ["仍未恢复：联系{{ contact_role(\"ops_oncall\") }}（{{ contact(\"ops_oncall\") }}）。", ""]
        elif h2 == "记录":
            out += [_paragraph(rng), "", f"按{_link(page, other.path, other.title, '记录')}的格式填写。", ""]
        else:
            out += [_paragraph(rng), ""]
    out += ["## 相关页面", ""]
    for target in rng.sample(siblings, min(3, len(siblings))) + [rng.choice(everything)]:
        if target is page:
            continue
        anchor = rng.choice(["", "处置", "先做这几件事"])
        out.append(f"- {_link(page, target.path, target.title, anchor)}")
    out.append("")
    return "\n".join(out)


def real_pages() -> int:
    """手册自己的页面数（docs/ 下的 .md，不含 assets）。"""
    return sum(1 for p in (ROOT / "docs").rglob("*.md") if "assets" not in p.relative_to(ROOT / "docs").parts)


def plan(pages: int, structure: str = "nested", seed: int = 20261128) -> tuple[list, list[Page]]:
    """返回 (接在手册导航后的 nav 项, 合成页面)；pages 是要合成的页数。"""
    if pages < 1:
        raise ValueError("至少合成 1 页")
    if structure not in STRUCTURES:
        raise ValueError(f"未知结构：{structure}")
    rng = random.Random(seed)
    sections: list[Section] = []
    remaining = pages
    number = 0
    while remaining > 0:
        count = min(SECTION_PAGES, remaining)
        remaining -= count
        chapter = number // SECTIONS_PER_CHAPTER
        folder = {
            "nested": f"{PREFIX}/p{chapter // CHAPTERS_PER_PART + 1:02d}/c{chapter + 1:02d}/s{number + 1:03d}",
            "grouped": f"{PREFIX}/p{number // SECTIONS_PER_PART + 1:02d}/s{number + 1:03d}",
            "flat": f"{PREFIX}/s{number + 1:03d}",
        }[structure]
        section = Section(f"第 {number + 1} 节 {rng.choice(TOPICS)}", f"{folder}/index.md")
        for k in range(count):
            path = section.index if k == 0 else f"{folder}/t{k:02d}.md"
            title = section.title if k == 0 else f"{rng.choice(SYSTEMS)}{rng.choice(SYMPTOMS)}（{number + 1}.{k}）"
            section.pages.append(Page(path, title, section))
        sections.append(section)
        number += 1

    def section_nav(section: Section) -> dict:
        return {section.title: [section.index] + [{p.title: p.path} for p in section.pages[1:]]}

    def part_name(part: int) -> str:
        return f"第 {part + 1} 部分 {PART_NAMES[part % len(PART_NAMES)]}"

    def chunks(items: list, size: int) -> list[list]:
        return [items[i:i + size] for i in range(0, len(items), size)]

    if structure == "flat":
        nav = [section_nav(s) for s in sections]
    elif structure == "grouped":
        nav = [{part_name(i): [section_nav(s) for s in group]}
               for i, group in enumerate(chunks(sections, SECTIONS_PER_PART))]
    else:
        chapters = [{f"第 {i + 1} 章 {TOPICS[i % len(TOPICS)]}": [section_nav(s) for s in group]}
                    for i, group in enumerate(chunks(sections, SECTIONS_PER_CHAPTER))]
        nav = [{part_name(i): group} for i, group in enumerate(chunks(chapters, CHAPTERS_PER_PART))]
    everything = [p for s in sections for p in s.pages]
    return nav, everything


def _nav_yaml(nav: list, indent: int = 0) -> list[str]:
    lines = []
    pad = " " * indent
    for item in nav:
        if isinstance(item, str):
            lines.append(f"{pad}- {item}")
            continue
        (title, value), = item.items()
        if isinstance(value, str):
            lines.append(f'{pad}- "{title}": {value}')
        else:
            lines.append(f'{pad}- "{title}":')
            lines += _nav_yaml(value, indent + 4)
    return lines


def config_text(nav: list, prune: bool = True) -> str:
    """手册的 mkdocs.yml，在它的 nav 末尾接上合成页面（并按需去掉 navigation.prune）。"""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^nav:[ \t]*\n", text, flags=re.M)
    if not match:
        raise RuntimeError("mkdocs.yml 里找不到 nav:")
    rest = text[match.end():]
    following = re.search(r"^\S", rest, flags=re.M)   # nav 之后的下一个顶层键（若有）
    end = match.end() + (following.start() if following else len(rest))
    block = text[match.end():end].rstrip("\n") + "\n"
    text = text[:match.end()] + block + "\n".join(_nav_yaml(nav, 2)) + "\n" + text[end:]
    if not prune:
        text, count = re.subn(r"^\s*- navigation\.prune\b.*\n", "", text, flags=re.M)
        if count != 1:
            raise RuntimeError("mkdocs.yml 的 theme.features 里找不到 navigation.prune")
    return text


def copy_project(dest: Path) -> Path:
    """把构建需要的项目文件复制到 dest（先清空 dest）；返回 dest。"""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for source in ROOT.iterdir():
        if source.name in EXCLUDE:
            continue
        if source.is_dir():
            shutil.copytree(source, dest / source.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / source.name)
    return dest


def generate(dest: Path, pages: int, *, prune: bool = True, structure: str = "nested",
             seed: int = 20261128) -> Path:
    """在 dest 下生成一个共 pages 页、可构建的项目（手册页面加合成页面）；返回 dest。"""
    dest = copy_project(dest)
    synthetic = pages - real_pages()
    if synthetic < 1:
        raise ValueError(f"手册已有 {real_pages()} 页，不少于 {pages} 页")
    nav, everything = plan(synthetic, structure, seed)
    rng = random.Random(seed + pages)
    for page in everything:
        target = dest / "docs" / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_body(rng, page, everything), encoding="utf-8")
    (dest / "mkdocs.yml").write_text(config_text(nav, prune), encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--no-prune", action="store_true")
    parser.add_argument("--structure", choices=STRUCTURES, default="nested")
    args = parser.parse_args(argv)
    generate(args.dest, args.pages, prune=not args.no_prune, structure=args.structure)
    print(f"{args.dest}: {args.pages} 页（{args.structure}，prune={'否' if args.no_prune else '是'}）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
