"""构建钩子（配置）：只调整配置和页面数据，不做检查（检查在 checks.py）。

- 内网版启用即时导航（Material 用 fetch 换页）；离线包在 file:// 下不能用 fetch，保持普通跳转；
- 页脚的构建标记（版本、构建日期、提交号）放进 config.extra.build；
- 检查单脚本显示的文字和每页的事件记录提示（data/widget_text.yml）放进 config.extra.widget_text，
  搜索无结果的提示放进 config.extra.search_empty；
- 每页的复核到期日在构建时算出，供页脚显示；是否过期由浏览器按当天日期判断（review.js）。
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

try:
    from macros.hooks import bootstrap  # noqa: F401  测试与工具里项目根目录已在 sys.path 上
except ModuleNotFoundError:
    import bootstrap  # noqa: F401  MkDocs 载入钩子时本目录临时在 sys.path 上

from macros import bundle, datafiles, downloads, record, release, urls  # noqa: E402


@event_priority(100)
def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    offline = config.plugins.get("material/offline")
    offline_bundle = bool(offline and offline.config.enabled)
    try:
        config.extra["build"] = release.build_stamp(root)
        # 检查单是作者手写的 div，没有宏：模式名称等文字经 config.extra 交给 overrides/main.html，
        # 由它在每页写成 .hb-widget-text 的 data-hb-text 属性（checklist.js 读取）
        widget_text = datafiles.load_widget_text(root)
        config.extra["widget_text"] = {"checklist": widget_text["checklist"]}
        # 每页的“事件记录进行中”提示（incident-log.js）：文字、级别、记录页地址（离线包没有目录式网址）
        config.extra["widget_text"]["incident"] = record.indicator_data(
            root, config.use_directory_urls and not offline_bundle)
        # 搜索没有结果时的提示：overrides/partials/search.html 写进搜索框，search-empty.js 只负责显示
        config.extra["search_empty"] = widget_text["search"]
    except datafiles.DataError as exc:
        raise PluginError(f"数据文件有误：{exc}") from None
    urls.configure_redirects(config, root)  # data/redirects.yml → mkdocs-redirects
    config.extra["offline_bundle"] = offline_bundle
    features = config.theme["features"]
    if (not offline_bundle and config.use_directory_urls
            and "navigation.instant" not in features):
        features.append("navigation.instant")
    return config


def on_page_markdown(markdown, page, config, files):
    page.meta["review_due"] = release.add_months(page.meta["reviewed"], page.meta["review_every"]).isoformat()
    return markdown


def on_files(files, config):
    """make dist 生成的离线包和 PDF（HANDBOOK_DOWNLOADS 指向它们的清单）放进站点的 downloads/。"""
    return downloads.add_files(files, config)


def on_post_page(output, page, config):
    """离线包的图标写明宽高：在压缩包里直接打开、样式表没有加载时，图标不会撑满整屏。"""
    return bundle.size_icons(output) if config.extra.get("offline_bundle") else output
