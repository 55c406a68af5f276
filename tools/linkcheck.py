"""检查构建好的站点：内部链接、锚点、资源文件、外部请求和可达性。

MkDocs 只检查 Markdown 里写的链接；宏生成的 HTML、主题模板和手写 HTML 里的链接要在
构建结果上再查一遍。用法：

    python -m tools.linkcheck site [--docs docs] [--inventory]

有问题时逐条列出（页面 → 问题），退出码为 1。
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

#: 这些属性会让浏览器自动发出请求（不同于用户点击的 <a href>）。
FETCH_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "embed": ("src",),
    "object": ("data",), "input": ("src",), "image": ("href",), "use": ("href",),
}
#: <link rel> 中会触发请求的类型；canonical、alternate 等只是声明，不会加载。
FETCH_RELS = {"stylesheet", "icon", "shortcut", "preload", "prefetch", "modulepreload", "manifest",
              "apple-touch-icon", "preconnect", "dns-prefetch", "mask-icon"}
IGNORED_SCHEMES = {"mailto", "tel", "data", "blob", "about"}
REFRESH_URL = re.compile(r"url\s*=\s*(\S+)", re.I)
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)   # (文件, 问题)
    external_links: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # URL → 页面

    def add(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self) -> str:
        lines = [f"{where}: {message}" for where, message in sorted(self.problems)]
        return "\n".join(lines)


def host_allowed(host: str, domains: list[str]) -> bool:
    host = host.lower().split(":")[0]
    return any(host == d or host.endswith("." + d) for d in domains)


def css_urls(text: str) -> list[str]:
    found = []
    for match in CSS_URL.finditer(text):
        url = next((g for g in match.groups() if g is not None), "")
        if url:
            found.append(url.strip())
    return found


def srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


@dataclass
class Element:
    """页面里的一个元素：标签名（小写）、属性和（仅 <style>）文字内容。"""

    tag: str
    attrs: dict[str, str]
    text: str = ""

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)


class _Collector(HTMLParser):
    """用标准库的 HTML 解析器按文档顺序收集元素；只需要标签、属性和 <style> 的内容。"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._style: Element | None = None

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in reversed(attrs)})
        self.elements.append(element)
        if tag == "style":
            self._style = element

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = None

    def handle_data(self, data):
        if self._style is not None:
            self._style.text += data


def parse_html(data: bytes) -> list[Element]:
    collector = _Collector()
    collector.feed(data.decode("utf-8", errors="replace"))
    collector.close()
    return collector.elements


class Site:
    def __init__(self, root: Path, site_url: str | None = None, docs_dir: Path | None = None):
        self.root = root.resolve()
        self.site = urlsplit(site_url) if site_url else None
        self.docs_dir = docs_dir
        self._ids: dict[Path, set[str]] = {}
        self._trees: dict[Path, list[Element]] = {}

    # ------------------------------------------------------------ 名称
    def name(self, path: Path) -> str:
        """构建文件的站内路径，能对应到源文件时一并给出。"""
        relative = path.relative_to(self.root).as_posix()
        source = self.source_of(relative)
        return f"{relative}（源文件 {source}）" if source else relative

    def source_of(self, relative: str) -> str | None:
        if not self.docs_dir or not relative.endswith(".html"):
            return None
        stem = relative[: -len(".html")]
        candidates = []
        if stem.endswith("/index") or stem == "index":
            base = stem[: -len("index")].rstrip("/")
            candidates += [f"{base}.md" if base else "index.md", f"{base}/index.md" if base else "index.md"]
        else:
            candidates += [f"{stem}.md", f"{stem}/index.md"]
        for candidate in candidates:
            if (self.docs_dir / candidate).is_file():
                return f"{self.docs_dir.name}/{candidate}"
        return None

    # ------------------------------------------------------------ 解析
    def tree(self, path: Path) -> list[Element]:
        """页面的全部元素（按文档顺序）。"""
        if path not in self._trees:
            self._trees[path] = parse_html(path.read_bytes())
        return self._trees[path]

    def ids(self, path: Path) -> set[str]:
        if path not in self._ids:
            elements = self.tree(path)
            found = {el.get("id") for el in elements if el.get("id")}
            found |= {el.get("name") for el in elements if el.tag == "a" and el.get("name")}
            self._ids[path] = found
        return self._ids[path]

    def resolve(self, base: Path, url: str) -> tuple[Path | None, str, str | None]:
        """把链接解析成站内文件。返回 (文件或 None, 片段, 外部主机或 None)。"""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") or url.startswith("//"):
            if self.site and parts.netloc == self.site.netloc:
                path = parts.path
                prefix = self.site.path or "/"
                path = "/" + path[len(prefix):] if path.startswith(prefix) else path
                return self._file_for(self.root / unquote(path).lstrip("/")), unquote(parts.fragment), None
            return None, parts.fragment, parts.netloc
        base_url = "/" + base.relative_to(self.root).as_posix()
        joined = urlsplit(urljoin(base_url, url))
        target = self.root / unquote(joined.path).lstrip("/")
        if not joined.path:
            target = base
        return self._file_for(target), unquote(parts.fragment), None

    def _file_for(self, target: Path) -> Path | None:
        target = Path(str(target))
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return None
        try:
            target.resolve().relative_to(self.root)
        except ValueError:
            return None
        return target


def site_url_from_sitemap(root: Path) -> str | None:
    """构建时的 site_url：sitemap.xml 中最短的地址就是首页。"""
    sitemap = root / "sitemap.xml"
    if not sitemap.is_file():
        return None
    locations = re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", sitemap.read_text(encoding="utf-8"))
    return min(locations, key=len) if locations else None


def check_site(root: Path, *, allowed_domains: list[str], site_url: str | None = None,
               docs_dir: Path | None = None, start: str = "index.html",
               unreachable_ok: tuple[str, ...] = ("404.html",)) -> Report:
    site = Site(root, site_url or site_url_from_sitemap(root), docs_dir)
    report = Report()
    html_files = sorted(p for p in site.root.rglob("*.html"))
    report.pages = [p.relative_to(site.root).as_posix() for p in html_files]
    links_from: dict[Path, set[Path]] = defaultdict(set)
    redirects: set[Path] = set()

    def check_url(page: Path, url: str, *, fetch: bool, what: str) -> None:
        url = url.strip()
        if not url:
            return
        scheme = urlsplit(url).scheme.lower()
        if scheme in IGNORED_SCHEMES:
            return
        if scheme == "javascript":
            report.add(site.name(page), f"{what} 使用了 javascript: 链接")
            return
        if scheme and scheme not in ("http", "https"):
            report.add(site.name(page), f"{what} 使用了不支持的协议：{url}")
            return
        target, fragment, host = site.resolve(page, url)
        if host is not None:
            if fetch:
                report.add(site.name(page), f"{what} 会让浏览器从外部主机 {host} 加载：{url}")
            elif not host_allowed(host, allowed_domains):
                report.add(site.name(page), f"外部链接的域名 {host} 不在 data/external_domains.yml 允许列表中：{url}")
            else:
                report.external_links[url].add(page.relative_to(site.root).as_posix())
            return
        if target is None:
            report.add(site.name(page), f"{what} 指向不存在的文件：{url}")
            return
        if target.suffix == ".html":
            if not fetch:
                links_from[page].add(target)
            if fragment and fragment not in site.ids(target):
                where = target.relative_to(site.root).as_posix()
                report.add(site.name(page), f"{what} 的锚点 #{fragment} 在 {where} 中不存在：{url}")
        elif target.suffix == ".css" and fetch:
            pass

    for page in html_files:
        for element in site.tree(page):
            tag = element.tag
            if tag == "a" and element.get("href") is not None:
                check_url(page, element.get("href"), fetch=False, what=f"链接 <a href=\"{element.get('href')}\">")
            elif tag == "link" and element.get("href"):
                rels = set((element.get("rel") or "").lower().split())
                check_url(page, element.get("href"), fetch=bool(rels & FETCH_RELS),
                          what=f"<link rel=\"{element.get('rel')}\">")
            for attr in FETCH_ATTRS.get(tag, ()):
                value = element.get(attr) or element.get(f"xlink:{attr}")
                if not value:
                    continue
                urls = srcset_urls(value) if attr == "srcset" else [value]
                for url in urls:
                    check_url(page, url, fetch=True, what=f"<{tag} {attr}>")
            if element.get("style"):
                for url in css_urls(element.get("style")):
                    check_url(page, url, fetch=True, what="内联样式 url()")
            if tag == "style" and element.text:
                for url in css_urls(element.text):
                    check_url(page, url, fetch=True, what="<style> 中的 url()")
            if tag == "form" and element.get("action"):
                check_url(page, element.get("action"), fetch=True, what="<form action>")
            if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
                # 跳转页（data/redirects.yml）：目标必须存在；跳转页本身不必从首页链接到达
                target = REFRESH_URL.search(element.get("content") or "")
                if target:
                    redirects.add(page)
                    check_url(page, target.group(1).strip("'\""), fetch=False, what="跳转页 <meta refresh>")

    for stylesheet in sorted(site.root.rglob("*.css")):
        text = stylesheet.read_text(encoding="utf-8", errors="replace")
        for url in css_urls(text):
            scheme = urlsplit(url).scheme.lower()
            if scheme in IGNORED_SCHEMES:
                continue
            if scheme in ("http", "https") or url.startswith("//"):
                report.add(stylesheet.relative_to(site.root).as_posix(), f"样式表会从外部主机加载：{url}")
                continue
            target = (stylesheet.parent / unquote(urlsplit(url).path)).resolve()
            if not target.is_file():
                report.add(stylesheet.relative_to(site.root).as_posix(), f"样式表引用了不存在的文件：{url}")

    start_page = site.root / start
    if start_page.is_file():
        seen = {start_page}
        queue = deque([start_page])
        while queue:
            for nxt in links_from[queue.popleft()]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        for page in html_files:
            relative = page.relative_to(site.root).as_posix()
            if page not in seen and relative not in unreachable_ok and page not in redirects:
                report.add(site.name(page), f"从首页 {start} 出发无法通过链接到达这个页面")
    else:
        report.add(start, "首页不存在")
    return report


def main(argv: list[str] | None = None) -> int:
    from macros.datafiles import load_external_domains

    parser = argparse.ArgumentParser(description="检查构建好的手册站点的链接与外部请求")
    parser.add_argument("site", type=Path)
    parser.add_argument("--docs", type=Path, default=Path("docs"))
    parser.add_argument("--site-url", default=None)
    parser.add_argument("--inventory", action="store_true", help="列出全部外部链接")
    args = parser.parse_args(argv)
    report = check_site(args.site, allowed_domains=load_external_domains(), site_url=args.site_url,
                        docs_dir=args.docs if args.docs.is_dir() else None)
    if args.inventory:
        for url, pages in sorted(report.external_links.items()):
            print(f"{url}\t{', '.join(sorted(pages))}")
    if report.ok:
        print(f"检查了 {len(report.pages)} 个页面，{len(report.external_links)} 个外部链接：没有问题")
        return 0
    print(report.format())
    print(f"共 {len(report.problems)} 个问题（{len(report.pages)} 个页面）", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
