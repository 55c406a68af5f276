"""站点配置的约定：中文、无外部字体和生成器链接、严格校验、宏的严格模式与注释分隔符、中文锚点。"""
from __future__ import annotations

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def config():
    from mkdocs.config import load_config
    return load_config(str(ROOT / "mkdocs.yml"))


def test_material_in_chinese_without_web_fonts_or_generator(config):
    assert config.theme.name == "material"
    assert config.theme["language"] == "zh"
    assert config.theme["font"] is False
    assert config.extra["generator"] is False
    assert all(not str(p).startswith(("http:", "https:", "//")) for p in config.extra.get("polyfills", []))
    for item in [*config.extra_css, *config.extra_javascript]:
        assert not str(item).startswith(("http:", "https:", "//")), item


def test_strict_with_every_validation_at_warn(config):
    assert config.strict is True
    for group in ("nav", "links"):
        for option, level in config.validation[group].items():
            assert level == 30, f"validation.{group}.{option} 应当是 warn"


def test_macros_fail_on_undefined_and_errors(config):
    macros = config.plugins["macros"].config
    assert macros["module_name"] == "macros"
    assert macros["on_undefined"] == "strict"
    assert macros["on_error_fail"] is True
    assert macros["j2_comment_start_string"] == "{##" and macros["j2_comment_end_string"] == "##}"


def test_chinese_search_with_user_dictionary(config):
    search = config.plugins["material/search"].config
    assert search["lang"] == ["zh"]
    assert "\\u200b" in search["separator"]
    assert (ROOT / search["jieba_dict_user"]).is_file()


def test_navigation_is_pruned_for_linear_build_cost(config):
    assert "navigation.prune" in config.theme["features"]


def test_heading_anchors_keep_chinese_text(built_site):
    html = (built_site / "incident" / "overload" / "index.html").read_text(encoding="utf-8")
    assert 'id="先做这几件事"' in html
    assert 'id="_1"' not in html
