"""判断树在构建结果和浏览器里的表现。

分流页 docs/incident/triage.md 调用了 {{ decision_tree("not_found") }}（最后一个用例确认这一点）；
用会话共用的内网版（目录式网址）和离线包（x/y.html）检查判断树本身，不依赖分流页的其他文字。
"""
from __future__ import annotations

import json
import posixpath
import re
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from conftest import LISTEN_ACTIONS, ROOT, STORAGE_BLOCKED, goto_with_instant_navigation
from macros import tree_data

TRIAGE = "incident/triage.md"
JS = ROOT / "docs/assets/javascripts/decision-tree.js"

@pytest.fixture(scope="module")
def data():
    return tree_data.load_decision_tree(ROOT)["not_found"]


@pytest.fixture(scope="module")
def sites(built_site, offline_site):
    """两个站点（会话共用的构建）：dir 是目录式网址的内网版，flat 是离线包（x/y.html）。"""
    return {"dir": built_site, "flat": offline_site}


@pytest.fixture(scope="module")
def tree_url(site_url):
    return site_url


def triage_file(site: Path, flat: bool) -> Path:
    return site / ("incident/triage.html" if flat else "incident/triage/index.html")


def leaf_links(html: str) -> list[tuple[str, str]]:
    """嵌套列表里每个“处置手册”链接的 (href, 文字)。"""
    return [(unescape(href), unescape(text)) for href, text in re.findall(
        r'<p class="dt-leaf-link">→ 处置手册：<a href="([^"]+)">([^<]+)</a></p>', html)]


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str]:
    """把页面里的相对链接解析成站点里的文件和锚点。"""
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc and not href.startswith("/"), href
    page_url = "/" + page.relative_to(site).as_posix()
    target = unquote(urljoin(page_url, parts.path))
    if target.endswith("/"):
        target += "index.html"
    return site / posixpath.normpath(target).lstrip("/"), unquote(parts.fragment)


# ---------------------------------------------------------------- 构建结果

@pytest.mark.parametrize("flat", [False, True], ids=["directory-urls", "use_directory_urls-false"])
def test_every_leaf_is_a_link_to_an_existing_file(sites, data, flat):
    site = sites["flat" if flat else "dir"]
    page = triage_file(site, flat)
    html = page.read_text(encoding="utf-8")
    links = leaf_links(html)
    leaves = {key: node for key, node in data["nodes"].items() if "page" in node}
    # 每个结论至少出现一次（同一结论可能从几条分支到达）
    for key, node in leaves.items():
        assert f'data-dt-node="{key}"' in html, key
        assert node["title"] in {text for _, text in links}, node["title"]
    assert len(links) >= len(leaves)
    for href, text in links:
        assert ".md" not in href, f"链接没有被 MkDocs 改写：{href}"
        if flat:
            assert href.split("#")[0].endswith(".html"), href
        target, fragment = resolve(site, page, href)
        assert target.is_file(), f"{text} → {href} → {target} 不存在"
        title = re.search(r"<h1[^>]*>(.*?)<", target.read_text(encoding="utf-8"))
        assert title, target
        if fragment:
            assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), href
    # 结论链接指向的页面和数据一致
    titles = {(node["title"], node["page"].rsplit("/", 1)[-1].removesuffix(".md")) for node in leaves.values()}
    for title, stem in titles:
        assert any(text == title and stem in href for href, text in links), (title, stem)


def test_nested_list_structure_and_no_inline_script(sites, data):
    html = triage_file(sites["dir"], False).read_text(encoding="utf-8")
    start = html.index('<div class="dt"')
    block = html[start:html.index("</div>", start)]  # 判断树里没有嵌套的 div
    assert 'data-dt-start="scope"' in block
    assert block.count('class="dt-node dt-question"') >= sum(1 for n in data["nodes"].values() if "question" in n)
    assert "<script" not in block and not re.search(r"\son[a-z]+=", block)
    assert 'markdown="' not in block


# ---------------------------------------------------------------- 浏览器

def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        return {tag: el.tagName.toLowerCase(), cls: el.className || "", text: el.textContent.trim(),
                href: el.getAttribute("href")};
    }""")


#: 数 Material 的即时导航为本页发出的请求（它用 XMLHttpRequest 取页面）：后退、前进时它有时重新取回本页、换掉正文
COUNT_PAGE_LOADS = """
window.__pageLoads = 0;
const open = XMLHttpRequest.prototype.open;
XMLHttpRequest.prototype.open = function (method, url, ...rest) {
  if (new URL(url, location.href).pathname === location.pathname) window.__pageLoads += 1;
  return open.call(this, method, url, ...rest);
};
"""
#: 后退、前进之后页面安定了：焦点在这一步的问题（结论则是打开处置手册的按钮）上，
#: 而且即时导航如果重新取了本页，正文已经换上（旧的判断树不在了）
SETTLED = """(before) => document.activeElement.matches('.dt-heading, .dt-result-link')
  && (window.__pageLoads === before || !document.querySelector('.dt[data-test-before]'))"""


def history_step(page, move) -> None:
    """浏览器后退或前进一步，等页面安定。判断树在 popstate 时就地换上那一步，焦点放到标题上；即时导航
    有时随即重新取回本页、换掉正文，判断树重新装上后再把焦点放回标题。两次之间焦点短暂落在 body 上。"""
    before = page.evaluate("() => { document.querySelector('.dt').dataset.testBefore = ''; return window.__pageLoads; }")
    assert before is not None, "页面没有装上 COUNT_PAGE_LOADS"
    move()
    page.wait_for_function(SETTLED, arg=before)


def tab_to(page, predicate, limit: int = 400, key: str = "Tab") -> dict:
    """只用 Tab（或 Shift+Tab）键把焦点移到满足条件的元素上。"""
    for _ in range(limit):
        page.keyboard.press(key)
        current = focused(page)
        if predicate(current):
            return current
    raise AssertionError(f"按了 {limit} 次 Tab 也没有到达目标；当前焦点：{focused(page)}")


def heading_text(page) -> str:
    return page.locator(".dt-heading").inner_text().strip()


def test_keyboard_only_from_first_question_to_runbook_and_back(page_factory, tree_url, data):
    nodes = data["nodes"]
    page, log = page_factory(tree_url)
    page.goto(tree_url + "incident/triage/")
    first = nodes[data["start"]]
    assert heading_text(page) == first["question"]
    assert page.locator(".dt-static").is_hidden()

    # 第一个问题：Tab 到第二个答案（“只有个别用户”），按空格
    tab_to(page, lambda f: f["tag"] == "button" and "dt-choice" in f["cls"])
    current = tab_to(page, lambda f: f["text"] == first["answers"][1]["label"], limit=3)
    assert current["tag"] == "button"
    page.keyboard.press("Space")
    second = nodes[first["answers"][1]["next"]]
    current = focused(page)
    assert current["tag"].startswith("h") and "dt-heading" in current["cls"]
    assert current["text"] == second["question"]
    assert "第 2 步" in page.locator(".dt-status").inner_text()
    assert page.locator(".dt-trail-item").count() == 1

    # 第二个问题：Tab 到第一个答案，按回车，得到结论，焦点在处置手册链接上
    current = tab_to(page, lambda f: f["text"] == second["answers"][0]["label"], limit=3)
    page.keyboard.press("Enter")
    leaf = nodes[second["answers"][0]["next"]]
    current = focused(page)
    assert current["tag"] == "a" and "dt-result-link" in current["cls"], current
    assert leaf["title"] in current["text"]
    assert leaf["title"] in page.locator(".dt-status").inner_text()
    assert page.locator(".dt-trail-item").count() == 2

    # 回车打开处置手册（即时导航先记下本页的滚动位置，这也算一次导航，所以等地址换成处置手册）
    page.keyboard.press("Enter")
    stem = leaf["page"].removesuffix(".md")
    page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/").endswith(stem))
    assert unquote(urlsplit(page.url).fragment) == leaf.get("anchor", ""), page.url
    # 即时导航：地址先变，内容随后换上
    expect(page.locator("h1").first).to_contain_text(leaf["title"])

    # 浏览器后退：回到原来那一步，向导照常可用
    page.go_back()
    page.wait_for_selector(".dt-card--result")
    assert leaf["title"] in page.locator(".dt-result-link").inner_text()
    assert page.locator(".dt-trail-item").count() == 2
    tab_to(page, lambda f: f["text"] == "上一步")
    page.keyboard.press("Enter")
    current = focused(page)
    assert "dt-heading" in current["cls"] and current["text"] == second["question"]

    # 改选另一个答案，再走一步
    tab_to(page, lambda f: f["text"] == second["answers"][1]["label"], limit=4)
    page.keyboard.press("Space")
    third = nodes[second["answers"][1]["next"]]
    assert focused(page)["text"] == third["question"]

    # 面包屑的第一项回到第一个问题
    tab_to(page, lambda f: "dt-crumb" in f["cls"] and first["question"] in f["text"], key="Shift+Tab")
    page.keyboard.press("Enter")
    assert focused(page)["text"] == first["question"]
    assert page.locator(".dt-trail").is_hidden()

    # 再走一步后“重新开始”
    tab_to(page, lambda f: f["text"] == first["answers"][0]["label"], limit=4)
    page.keyboard.press("Enter")
    assert focused(page)["text"] == nodes[first["answers"][0]["next"]]["question"]
    tab_to(page, lambda f: f["text"] == "重新开始")
    page.keyboard.press("Space")
    assert focused(page)["text"] == first["question"]
    assert page.locator(".dt-back").is_hidden()

    assert log.offsite == []
    assert log.console_errors == []


def test_path_survives_reload(page_factory, tree_url, data):
    page, log = page_factory(tree_url)
    page.goto(tree_url + "incident/triage/")
    page.locator(".dt-choice").nth(0).click()
    question = heading_text(page)
    page.reload()
    assert heading_text(page) == question
    assert page.locator(".dt-trail-item").count() == 1
    assert log.offsite == [] and log.console_errors == []


def test_without_javascript_the_nested_list_shows_every_branch(page_factory, tree_url, data):
    page, log = page_factory(tree_url, java_script_enabled=False)
    page.goto(tree_url + "incident/triage/")
    assert page.locator(".dt-guide").count() == 0
    assert page.locator(".dt-static").is_visible()
    for node in data["nodes"].values():
        if "question" in node:
            assert page.get_by_text(node["question"], exact=True).first.is_visible(), node["question"]
        else:
            link = page.locator(".dt-leaf-link a", has_text=node["title"]).first
            assert link.is_visible(), node["title"]
    links = page.locator(".dt-leaf-link a")
    assert links.count() >= sum(1 for n in data["nodes"].values() if "page" in n)
    for index in range(links.count()):
        assert links.nth(index).is_visible()
    assert "→ 处置手册：" in page.locator(".dt-leaf-link").first.inner_text()
    assert log.offsite == []


def test_full_list_can_be_expanded_with_the_keyboard(page_factory, tree_url):
    page, log = page_factory(tree_url)
    page.goto(tree_url + "incident/triage/")
    toggle = page.locator(".dt-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    tab_to(page, lambda f: "dt-toggle" in f["cls"])
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".dt-static").is_visible()
    assert page.locator(".dt-static .dt-leaf-link a").first.is_visible()
    page.keyboard.press("Enter")
    assert page.locator(".dt-static").is_hidden()
    assert log.console_errors == []


def test_offline_build_works_from_file_url(page_factory, sites, data):
    page_path = triage_file(sites["flat"], True)
    base = sites["flat"].as_uri() + "/"
    page, log = page_factory(base)
    page.goto(page_path.as_uri())
    start = data["nodes"][data["start"]]
    # 一路选第一个答案直到结论
    node = start
    while "question" in node:
        page.locator(".dt-choice", has_text=node["answers"][0]["label"]).first.click()
        node = data["nodes"][node["answers"][0]["next"]]
    link = page.locator(".dt-result-link")
    assert node["title"] in link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.endswith(node["page"].replace(".md", ".html")), page.url
    assert node["title"] in page.locator("h1").first.inner_text()
    assert log.console_errors == []


# ---------------------------------------------------------------- 每一步的网址

PARAM = "dt-not_found"


def walk_first(data, picks):
    """按答案序号从起点走：返回 [(问题节点, 选中的答案)…] 和最后到达的节点键。"""
    nodes, node_id, steps = data["nodes"], data["start"], []
    for pick in picks:
        node = nodes[node_id]
        steps.append((node, node["answers"][pick]))
        node_id = node["answers"][pick]["next"]
    return steps, node_id


def param_of(page) -> str | None:
    from urllib.parse import parse_qs
    values = parse_qs(urlsplit(page.url).query).get(PARAM)
    return values[0] if values else None


def answer(page, label):
    page.locator(".dt-choice", has_text=label).first.click()


def test_each_step_has_a_url_back_and_forward_move_one_question(page_factory, tree_url, data):
    """即时导航开着：后退、前进只换问题，不重新加载页面，也不离开本页；焦点在该步的标题上。"""
    page, log = page_factory(tree_url)
    page.add_init_script(COUNT_PAGE_LOADS)
    goto_with_instant_navigation(page, tree_url + "incident/triage/")
    page.evaluate("window.__sameDocument = true")
    steps, last = walk_first(data, [0, 0])
    answer(page, steps[0][1]["label"])
    assert param_of(page) == steps[0][1]["next"]
    answer(page, steps[1][1]["label"])
    assert param_of(page) == f'{steps[0][1]["next"]}.{steps[1][1]["next"]}'
    third = data["nodes"][last]
    third_title = third.get("question") or third["title"]
    expect(page.locator(".dt-heading")).to_have_text(third_title)

    history_step(page, page.go_back)
    assert focused(page)["text"] == steps[1][0]["question"]
    assert param_of(page) == steps[0][1]["next"]
    history_step(page, page.go_back)
    expect(page.locator(".dt-heading")).to_have_text(steps[0][0]["question"])
    assert param_of(page) is None
    assert page.locator(".dt-trail").is_hidden()
    history_step(page, page.go_forward)
    assert focused(page)["text"] == steps[1][0]["question"]
    history_step(page, page.go_forward)
    expect(page.locator(".dt-heading")).to_have_text(third_title)
    expect(page.locator(".dt-trail-item")).to_have_count(2)
    assert urlsplit(page.url).path.endswith("/incident/triage/")
    assert page.evaluate("window.__sameDocument === true"), "后退、前进不应重新加载页面"
    assert page.evaluate("sessionStorage.length") == 0, "路径在网址里，不再写 sessionStorage"
    assert log.offsite == [] and log.console_errors == []


def test_a_copied_url_opens_the_same_step_with_its_path_in_a_fresh_tab(page_factory, tree_url, data):
    page, _ = page_factory(tree_url)
    page.goto(tree_url + "incident/triage/")
    steps, last = walk_first(data, [1, 1])
    answer(page, steps[0][1]["label"])
    answer(page, steps[1][1]["label"])
    copied = page.url
    fresh, log = page_factory(tree_url)  # 另一个浏览器上下文：没有任何存储、历史
    fresh.goto(copied)
    node = data["nodes"][last]
    expect(fresh.locator(".dt-heading")).to_have_text(node.get("question") or node["title"])
    expect(fresh.locator(".dt-trail-item")).to_have_count(2)
    expect(fresh.locator(".dt-crumb-answer").nth(0)).to_have_text(steps[0][1]["label"])
    expect(fresh.locator(".dt-crumb-answer").nth(1)).to_have_text(steps[1][1]["label"])
    expect(fresh.locator(".dt-notice")).to_be_hidden()
    # 向导在眼前
    assert fresh.locator(".dt-guide").evaluate("e => e.getBoundingClientRect().top < innerHeight")
    # 新标签页里的“上一步”照常可用
    fresh.locator(".dt-back").click()
    expect(fresh.locator(".dt-heading")).to_have_text(steps[1][0]["question"])
    assert log.offsite == [] and log.console_errors == []


def test_instant_navigation_to_a_runbook_and_back_keeps_the_step(page_factory, tree_url, data):
    page, log = page_factory(tree_url)
    goto_with_instant_navigation(page, tree_url + "incident/")
    page.evaluate("window.__sameDocument = true")
    page.locator("article a[href$='triage/']").first.click()
    page.wait_for_url(re.compile(r"/incident/triage/$"))
    expect(page.locator(".dt-guide")).to_have_count(1)
    node_id, answered = data["start"], 0
    while "question" in data["nodes"][node_id]:
        node = data["nodes"][node_id]
        answer(page, node["answers"][0]["label"])
        node_id = node["answers"][0]["next"]
        answered += 1
    leaf = data["nodes"][node_id]
    page.locator(".dt-result-link").click()
    expect(page.locator("article h1").first).to_contain_text(leaf["title"])
    page.go_back()
    expect(page.locator(".dt-result-link")).to_contain_text(leaf["title"])
    expect(page.locator(".dt-guide")).to_have_count(1)
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator(".dt-trail-item")).to_have_count(answered)
    page.go_back()
    expect(page.locator(".dt-trail-item")).to_have_count(answered - 1)
    assert log.offsite == [] and log.console_errors == []


@pytest.mark.parametrize("value", ["nonsense", "official.no_such_node", "..", "x" * 600])
def test_a_bad_path_in_the_url_explains_and_starts_over(page_factory, tree_url, data, value):
    page, log = page_factory(tree_url)
    page.goto(tree_url + "incident/triage/?" + PARAM + "=" + value + "&other=1")
    expect(page.locator(".dt-notice")).to_be_visible()
    expect(page.locator(".dt-notice")).to_contain_text("从第一个问题开始")
    expect(page.locator(".dt-heading")).to_have_text(data["nodes"][data["start"]]["question"])
    assert param_of(page) is None and "other=1" in page.url
    answer(page, data["nodes"][data["start"]]["answers"][0]["label"])
    expect(page.locator(".dt-notice")).to_be_hidden()
    assert log.offsite == [] and log.console_errors == []


def test_answers_and_the_whole_path_are_announced_for_the_incident_record(page_factory, tree_url, data):
    page, log = page_factory(tree_url)
    page.add_init_script(LISTEN_ACTIONS)
    page.goto(tree_url + "incident/triage/")
    expect(page.locator(".dt-record")).to_be_hidden()
    steps, last = walk_first(data, [1, 0])
    for _, chosen in steps:
        answer(page, chosen["label"])
    actions = page.evaluate("window.__actions")
    assert [(a["widget"], a["kind"]) for a in actions] == [("tree", "answer")] * 2
    assert actions[0]["text"] == f'{steps[0][0]["question"]} → {steps[0][1]["label"]}'
    assert actions[1]["page"] == "incident/triage"
    page.locator(".dt-record").click()
    path = page.evaluate("window.__actions")[-1]
    assert (path["widget"], path["kind"]) == ("tree", "path")
    assert path["text"].startswith(data["title"] + "：")
    for node, chosen in steps:
        assert f'{node["question"]} → {chosen["label"]}' in path["text"]
    assert path["text"].endswith("结论：" + data["nodes"][last]["title"])
    expect(page.locator(".dt-status")).to_contain_text("2 步")
    assert log.offsite == [] and log.console_errors == []


@pytest.mark.allow_console_errors("存储被禁用时 Material 主题自己的脚本读 localStorage 会抛错")
def test_tree_works_with_storage_blocked(page_factory, tree_url, data):
    page, log = page_factory(tree_url)
    page.add_init_script(STORAGE_BLOCKED)
    page.goto(tree_url + "incident/triage/")
    steps, _ = walk_first(data, [0, 0])
    for _, chosen in steps:
        answer(page, chosen["label"])
    page.reload()
    expect(page.locator(".dt-trail-item")).to_have_count(2)
    page.go_back()
    expect(page.locator(".dt-trail-item")).to_have_count(1)
    assert not [e for e in log.console_errors if "判断树" in e or "decision-tree" in e], log.console_errors


def test_offline_steps_back_forward_and_fresh_tab_from_file_url(page_factory, sites, data):
    base = sites["flat"].as_uri() + "/"
    page, log = page_factory(base)
    page.goto(triage_file(sites["flat"], True).as_uri())
    steps, last = walk_first(data, [0, 0])
    for _, chosen in steps:
        answer(page, chosen["label"])
    assert param_of(page) == f'{steps[0][1]["next"]}.{steps[1][1]["next"]}'
    page.go_back()
    expect(page.locator(".dt-heading")).to_have_text(steps[1][0]["question"])
    page.go_forward()
    expect(page.locator(".dt-trail-item")).to_have_count(2)
    copied = page.url
    fresh, fresh_log = page_factory(base)
    fresh.goto(copied)
    expect(fresh.locator(".dt-trail-item")).to_have_count(2)
    fresh.goto(triage_file(sites["flat"], True).as_uri() + "?" + PARAM + "=bad")
    expect(fresh.locator(".dt-notice")).to_be_visible()
    assert log.console_errors == [] and fresh_log.console_errors == []


CONTRAST = """sel => {
    const parse = c => {
        const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const mix = (c, base) => [0, 1, 2].map(i => c[i] * c[3] + base[i] * (1 - c[3]));
    const lum = rgb => {
        const a = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2];
    };
    const [selector, focus] = sel;
    const el = document.querySelector(selector);
    if (focus) el.focus();
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255];
    for (const layer of layers.reverse()) bg = mix(layer, bg);
    const fg = mix(parse(getComputedStyle(el).color), bg);
    const [a, b] = [lum(fg), lum(bg)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(page_factory, tree_url, scheme):
    page, log = page_factory(tree_url, color_scheme=scheme)
    page.goto(tree_url + "incident/triage/")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    page.mouse.move(0, 0)
    checked = {}

    def measure(*selectors, focusable=False):
        for selector in selectors:
            checked[selector] = page.evaluate(CONTRAST, [selector, False])
            if focusable:  # 聚焦时的配色也要够
                checked[selector + ":focus"] = page.evaluate(CONTRAST, [selector, True])

    measure(".dt-progress", ".dt-heading", ".dt-step-help")
    measure(".dt-choice", ".dt-toggle", focusable=True)
    page.locator(".dt-choice").nth(1).focus()
    page.keyboard.press("Enter")
    page.locator(".dt-choice").nth(0).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".dt-card--result")
    measure(".dt-result-summary")
    measure(".dt-crumb-question", ".dt-crumb-answer", focusable=False)
    measure(".dt-crumb", ".dt-back", ".dt-restart", ".dt-result-link", focusable=True)
    low = {selector: round(ratio, 2) for selector, ratio in checked.items() if ratio < 4.5}
    assert not low, f"{scheme} 配色下对比度不足 4.5:1：{low}"


def test_page_without_a_tree_is_untouched(page_factory, tree_url):
    page, log = page_factory(tree_url)
    page.goto(tree_url + "incident/overload/")
    assert page.locator(".dt, .dt-guide").count() == 0
    assert log.console_errors == [] and log.offsite == []


# ---------------------------------------------------------------- 纯逻辑（Node）

def test_guide_logic_in_node(data):
    model = {"start": data["start"], "nodes": {}}
    for key, node in data["nodes"].items():
        model["nodes"][key] = ({"type": "question", "answers": node["answers"]} if "question" in node
                               else {"type": "leaf"})
    script = f"""
const assert = require("assert");
const logic = require({json.dumps(str(JS))});
const model = {json.dumps(model, ensure_ascii=False)};
let r = logic.walk(model, []);
assert.deepStrictEqual(r.path, []); assert.strictEqual(r.current, model.start); assert.strictEqual(r.done, false);
r = logic.walk(model, [1, 0]);
assert.strictEqual(r.steps.length, 2); assert.strictEqual(r.done, true);
// 无效的序号、越界和非整数都会被截掉
assert.deepStrictEqual(logic.walk(model, [1, 99, 0]).path, [1]);
assert.deepStrictEqual(logic.walk(model, ["1"]).path, []);
assert.deepStrictEqual(logic.walk(model, null).path, []);
// 到了结论就不能再往下走
assert.deepStrictEqual(logic.walk(model, [1, 0, 0, 0]).path, [1, 0]);
assert.deepStrictEqual(logic.choose(model, [1], 0), [1, 0]);
assert.deepStrictEqual(logic.back([1, 0]), [1]);
assert.deepStrictEqual(logic.back([]), []);
// 网址里的路径：依次到达的节点键；对不上的返回 null
const first = model.nodes[model.start].answers[1].next;
const second = model.nodes[first].answers[0].next;
assert.strictEqual(logic.encodePath(model, [1, 0]), first + "." + second);
assert.strictEqual(logic.encodePath(model, []), "");
assert.deepStrictEqual(logic.decodePath(model, first + "." + second), [1, 0]);
assert.deepStrictEqual(logic.decodePath(model, ""), []);
assert.deepStrictEqual(logic.decodePath(model, null), []);
assert.strictEqual(logic.decodePath(model, "no_such"), null);
assert.strictEqual(logic.decodePath(model, first + ".." + second), null);
assert.strictEqual(logic.decodePath(model, first + "." + second + ".x"), null, "结论之后不能再走");
assert.strictEqual(logic.decodePath(model, model.start), null, "起点不写进网址");
assert.strictEqual(logic.decodePath(model, "__proto__"), null);
assert.strictEqual(logic.decodePath(model, "a".repeat(501)), null);
assert.strictEqual(logic.paramName("not_found"), "dt-not_found");
assert.strictEqual(logic.fill("{{a}} → {{b}}{{c}}", {{a: "问", b: "答"}}), "问 → 答{{c}}");
console.log("ok");
"""
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# ---------------------------------------------------------------- 真实站点

def test_real_triage_page_contains_the_tree(built_site, data):
    """分流页（docs/incident/triage.md）写入 {{ decision_tree("not_found") }} 后通过。"""
    page = built_site / "incident/triage/index.html"
    html = page.read_text(encoding="utf-8")
    assert 'data-dt-tree="not_found"' in html, "分流页还没有调用 decision_tree(\"not_found\")"
    titles = {text for _, text in leaf_links(html)}
    for node in data["nodes"].values():
        if "page" in node:
            assert node["title"] in titles
    for href, text in leaf_links(html):
        target, _ = resolve(built_site, page, href)
        assert target.is_file(), (text, href)
