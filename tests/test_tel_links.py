"""电话号码是 tel: 链接：hotline() 宏的热线号码、联系方式表和服务网点里能拨的号码，手机上点一下就拨；
链接检查、外部链接检查和浏览器的外部请求检查都不把 tel: 当成要访问的地址。"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from macros import datafiles, facts
from tools.check_external import external_links
from tools.linkcheck import check_site


class Env:
    """只收集宏的最小 mkdocs-macros 环境。"""

    def __init__(self):
        self.macros = {}

    def macro(self, function):
        self.macros[function.__name__] = function
        return function


@pytest.fixture(scope="module")
def macros():
    env = Env()
    facts.register(env, ROOT)
    return env.macros


@pytest.mark.parametrize(("value", "number"), [
    ("12366", "12366"), (12366, "12366"), ("分机 8001", "8001"), ("010-12345678", "01012345678"),
    ("+86 10 1234 5678", "+861012345678"), ("手机 示例-0001", None), ("服务热线 示例-0100", None), ("无", None),
])
def test_dial_number(value, number):
    assert facts.dial_number(value) == number


def test_every_hotline_is_a_tel_link(macros):
    phones = {key: entry for key, entry in datafiles.load_facts(ROOT).items() if entry["kind"] == "phone"}
    assert phones
    for key, entry in phones.items():
        html = macros["hotline"](key)
        assert f'<a class="hb-tel" href="tel:{entry["value"]}"><strong>{entry["value"]}</strong></a>' in html
        assert html.startswith(entry["name"])


def test_contact_phone_numbers_are_tel_links_when_dialable(macros):
    contacts = datafiles.load_contacts(ROOT)
    for key, entry in contacts.items():
        html = macros["contact"](key)
        number = facts.dial_number(entry["value"]) if entry["kind"] == "phone" else None
        assert ('href="tel:' in html) == bool(number), key
        if number:
            assert f'href="tel:{number}"' in html
    table = macros["contacts_table"](["ops_oncall", "support_email"])
    assert 'href="tel:8001"' in table or "分机 8001" not in table


def test_facts_table_links_the_phone_numbers(macros):
    table = macros["facts_table"]()
    for entry in datafiles.load_facts(ROOT).values():
        if entry["kind"] == "phone":
            assert f'href="tel:{entry["value"]}"' in table


def test_link_checks_ignore_tel_links(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<a href="tel:12366">12366</a><a href="tel:+861012345678">x</a>', encoding="utf-8")
    report = check_site(site, allowed_domains=[])
    assert report.ok, report.format()
    assert external_links((site / "index.html").read_text(encoding="utf-8")) == []


def test_built_pages_link_the_hotlines(built_site: Path):
    """内网版的页面里，每个热线号码都是 tel: 链接，且页面上没有不是链接的热线号码（在正文表格里）。"""
    html = (built_site / "legal" / "consultation" / "index.html").read_text(encoding="utf-8")
    for key in ("hotline_tax", "hotline_consumer", "hotline_legal", "hotline_citizen"):
        value = datafiles.load_facts(ROOT)[key]["value"]
        assert f'href="tel:{value}"' in html, key
    contacts = (built_site / "reference" / "contacts" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="tel:\d+"', contacts)


def test_tel_links_cause_no_requests(site_url, page_factory):
    page, log = page_factory(site_url)
    page.goto(site_url + "reference/facts/")
    assert page.locator('a[href^="tel:"]').count() >= 5
    assert not [url for url in log.requests if url.startswith("tel:")]
