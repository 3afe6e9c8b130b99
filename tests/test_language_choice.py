"""The language a visitor gets: the whole Accept-Language list against the record's languages.

``?lang=`` (else the saved choice) wins wherever the record or the interface has
that language; without a choice every language of the header, by q-value, is tried
against the languages the record is written in, then against the interface
languages (vi, en, zh, ko, fr). The text is in the page's language where written,
else in the header's next language the record has, else Vietnamese. A ``zh-CN, en``
visitor reads English where nobody wrote Chinese, not Vietnamese; where nothing they
read is written, Chinese buttons over the original.
The language switch marks the language of the page on every page that has one.
"""

from __future__ import annotations

import re

import pytest

from qrsvc.extensions import db
from qrsvc.models import Product
from tests.test_public import PHONE, add_relic
from tests.test_trace_pages import GTIN_CAKE, build_catalog

H1 = re.compile(r"<h1 lang=\"([a-z]+)\"")
HTML_LANG = re.compile(r'<html lang="([a-z]+)"')
ARTICLE_LANG = re.compile(r'<article lang="([a-z]+)"')
CURRENT = re.compile(r'<a href="[^"]*" lang="([a-z]+)" hreflang="[a-z]+" aria-current="true">')
SWITCH = re.compile(r'<nav class="langs"[^>]*>(.*?)</nav>', re.S)


@pytest.fixture
def app_config() -> dict:
    """No background scan flusher."""
    return {"SCAN_FLUSH_SECONDS": 0}


@pytest.fixture
def relics(app):
    """LK01 in vi and en; CT01 in vi, en and zh; LH02 in Vietnamese only."""
    with app.app_context():
        add_relic(db.session, "LK01", {"vi": "Khu di tích Lam Kinh", "en": "Lam Kinh site"})
        add_relic(db.session, "CT01", {"vi": "Chùa Thanh", "en": "Thanh pagoda", "zh": "清寺"})
        add_relic(db.session, "LH02", {"vi": "Đền thờ Lê Hoàn"})
        db.session.commit()


@pytest.fixture
def catalog(app):
    """The trace catalog; the cake gets a Chinese name too."""
    with app.app_context():
        found = build_catalog(db.session)
        cake = db.session.get(Product, found.cake_id)
        cake.name = {**cake.name, "zh": "苧麻叶糕"}
        db.session.commit()
        return found


def get(client, path: str, accept: str | None = None, **headers):
    """GET ``path`` as a phone with the Accept-Language header ``accept``."""
    if accept is not None:
        headers["Accept-Language"] = accept
    return client.get(path, headers={"User-Agent": PHONE, **headers})


def current_languages(html: str) -> list[str]:
    """The languages the switch marks as current (there must be exactly one)."""
    switch = SWITCH.search(html)
    assert switch is not None, "no language switch"
    return CURRENT.findall(switch.group(1))


@pytest.mark.parametrize(
    "code, accept, content, interface",
    [
        ("LK01", "zh-CN, en", "en", "en"),  # no Chinese here: English, not Vietnamese
        ("LK01", "zh-CN,zh;q=0.9,en;q=0.8", "en", "en"),
        ("LK01", "zh-CN,zh;q=0.9,en;q=0.8,vi;q=0.7", "en", "en"),
        ("LK01", "zh-CN, vi;q=0.5, en;q=0.4", "vi", "vi"),  # q-values decide
        ("LK01", "en;q=0.1, fr;q=0.9", "en", "en"),  # no French: the next one accepted
        ("CT01", "zh-CN, en", "zh", "zh"),  # written in Chinese: Chinese, Chinese buttons
        ("CT01", "zh-Hant-TW;q=0.3, en;q=0.9", "en", "en"),
        ("CT01", "en;q=0, zh", "zh", "zh"),  # q=0 means "not this one"
        ("LK01", "fr-FR, en;q=0.5", "en", "en"),  # a language the record has comes first
        ("CT01", "ko-KR, zh;q=0.5", "zh", "zh"),
        ("LK01", "vi-VN,vi;q=0.9,en-US;q=0.8", "vi", "vi"),
        ("LK01", "", "vi", "vi"),  # no header: Vietnamese, the source
        ("LK01", "*", "vi", "vi"),
    ],
)
def test_the_whole_accept_language_list_is_matched_against_the_relic(
    client, relics, code, accept, content, interface
):
    html = get(client, f"/r/{code}", accept).get_data(as_text=True)
    assert H1.search(html).group(1) == content
    assert HTML_LANG.search(html).group(1) == interface
    assert current_languages(html) == [content]
    assert "not yet described" not in html


def test_the_visitors_buttons_over_the_vietnamese_original_when_nothing_matches(client, relics):
    html = get(client, "/r/LH02", "zh-CN, ko;q=0.5").get_data(as_text=True)
    assert H1.search(html).group(1) == "vi"
    assert HTML_LANG.search(html).group(1) == "zh"
    assert "此古迹尚无中文介绍" in html  # "not yet described in Chinese", in Chinese
    assert current_languages(html) == ["zh"]
    english = get(client, "/r/LH02", "ja, en").get_data(as_text=True)
    assert "not yet described in English" in english and current_languages(english) == ["en"]
    japanese = get(client, "/r/LH02", "ja").get_data(as_text=True)  # no Japanese interface
    assert HTML_LANG.search(japanese).group(1) == "en"
    assert "not yet described in Japanese" in japanese
    assert current_languages(japanese) == ["en"]  # the interface language is the one marked


def test_the_choice_made_on_the_site_comes_first(client, relics):
    # ?lang=vi on a visitor whose phone says English.
    html = get(client, "/r/LK01?lang=vi", "en").get_data(as_text=True)
    assert H1.search(html).group(1) == "vi" and current_languages(html) == ["vi"]
    # The saved choice (vi) follows the visitor to the next relic.
    assert H1.search(get(client, "/r/CT01", "zh").get_data(as_text=True)).group(1) == "vi"


def test_a_saved_choice_keeps_the_interface_and_the_header_picks_the_text(client, relics):
    get(client, "/r/CT01?lang=zh", "zh-CN, en")  # saves zh
    html = get(client, "/r/LK01", "zh-CN, en").get_data(as_text=True)
    assert HTML_LANG.search(html).group(1) == "zh"  # the buttons stay Chinese
    assert H1.search(html).group(1) == "en"  # the next language the visitor reads
    assert current_languages(html) == ["zh"]
    assert "此古迹尚无中文介绍" in html  # the note says the text is in another language
    again = get(client, "/r/CT01", "zh-CN, en").get_data(as_text=True)
    assert H1.search(again).group(1) == "zh" and current_languages(again) == ["zh"]


KOREAN_PHONE = "ko-KR,ko;q=0.9,en-US;q=0.8,en"


def test_a_chosen_interface_language_follows_the_visitor_to_a_relic(client, relics):
    """The tester's walk: Korean chosen on the home page, then a tap on a relic."""
    home = get(client, "/?lang=ko", KOREAN_PHONE).get_data(as_text=True)
    assert HTML_LANG.search(home).group(1) == "ko"
    html = get(client, "/r/LK01", KOREAN_PHONE).get_data(as_text=True)
    assert HTML_LANG.search(html).group(1) == "ko" and current_languages(html) == ["ko"]
    assert H1.search(html).group(1) == "en"  # English, the phone's next language
    # The same answer from the link itself, and a relic written in Vietnamese only.
    again = get(client, "/r/LK01?lang=ko", KOREAN_PHONE).get_data(as_text=True)
    assert HTML_LANG.search(again).group(1) == "ko" and H1.search(again).group(1) == "en"
    only_vi = get(client, "/r/LH02", KOREAN_PHONE).get_data(as_text=True)
    assert HTML_LANG.search(only_vi).group(1) == "ko" and H1.search(only_vi).group(1) == "vi"


def test_a_chosen_interface_language_follows_the_visitor_to_a_product(client, catalog):
    get(client, "/?lang=ko", KOREAN_PHONE)
    html = get(client, f"/01/{GTIN_CAKE}/10/BG0601", KOREAN_PHONE).get_data(as_text=True)
    assert HTML_LANG.search(html).group(1) == "ko" and current_languages(html) == ["ko"]
    assert ARTICLE_LANG.search(html).group(1) == "en"


def test_the_two_languages_on_plain_values():
    from qrsvc.i18n import best_written, language_choice

    assert language_choice(None, "ko", ("ko", "en"), ("vi", "en")) == "ko"
    assert language_choice("ko", None, ("en",), ("vi", "en")) == "ko"
    assert language_choice(None, None, ("ko", "en"), ("vi", "en")) == "en"
    assert language_choice(None, "ja", ("en",), ("vi", "en")) == "en"  # no Japanese anywhere
    assert best_written("ko", ("ko", "en"), ("vi", "en")) == "en"
    assert best_written("ko", ("ko",), ("vi", "en")) == "vi"
    assert best_written("zh", ("en",), ("vi", "en", "zh")) == "zh"


def test_a_click_on_an_interface_language_is_followed_where_the_relic_lacks_it(client, relics):
    """?lang=ko on a relic nobody wrote in Korean: Korean buttons, the text the phone reads."""
    html = get(client, "/r/LK01?lang=ko", "en").get_data(as_text=True)
    assert HTML_LANG.search(html).group(1) == "ko" and H1.search(html).group(1) == "en"
    assert current_languages(html) == ["ko"]
    # The saved Korean keeps the buttons Korean on the next page.
    again = get(client, "/r/LK01", "en").get_data(as_text=True)
    assert HTML_LANG.search(again).group(1) == "ko" and H1.search(again).group(1) == "en"
    # Where nothing the phone reads is written, the Vietnamese original.
    only_vi = get(client, "/r/LH02", "en").get_data(as_text=True)
    assert HTML_LANG.search(only_vi).group(1) == "ko" and H1.search(only_vi).group(1) == "vi"


def test_an_unknown_or_hostile_lang_parameter_is_ignored(client, relics):
    for value in ("xx", "zh-CN", "EN", "<script>", "vi" * 500, "%00"):
        response = get(client, f"/r/LK01?lang={value}", "zh-CN, en")
        assert response.status_code == 200, value
        html = response.get_data(as_text=True)
        assert H1.search(html).group(1) == "en", value
        assert "<script>" not in html.split("</style>")[1].replace("<script src=", "")


@pytest.mark.parametrize(
    "path, accept, content",
    [
        (f"/01/{GTIN_CAKE}", "zh-CN, en", "zh"),
        (f"/01/{GTIN_CAKE}", "ko-KR, en;q=0.5", "en"),
        (f"/01/{GTIN_CAKE}/10/BG0601", "ko-KR, en;q=0.5", "en"),
        ("/p/banh-gai-tu-tru", "fr, en;q=0.1, vi;q=0.05", "en"),
        ("/p/nep-cai-hoa-vang", "zh-CN, vi;q=0.3", "vi"),
    ],
)
def test_trace_pages_match_the_whole_list_too(client, catalog, path, accept, content):
    html = get(client, path, accept).get_data(as_text=True)
    assert ARTICLE_LANG.search(html).group(1) == content
    assert current_languages(html) == [content]
    assert "not been described in your language" not in html


def test_an_untranslated_product_marks_the_interface_language(client, catalog):
    html = get(client, "/p/nep-cai-hoa-vang", "ja, en").get_data(as_text=True)
    assert ARTICLE_LANG.search(html).group(1) == "vi"
    assert "not been described in your language" in html
    assert current_languages(html) == ["en"]
    chinese = get(client, "/p/nep-cai-hoa-vang", "zh-CN, en").get_data(as_text=True)
    assert ARTICLE_LANG.search(chinese).group(1) == "vi"
    assert "此产品尚无您所用语言的介绍" in chinese
    assert current_languages(chinese) == ["zh"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/relics",
        "/relics?rank=national",
        "/search?q=lam",
        "/offline",
        "/r/LK01",
        "/r/LK01/report",
        "/r/NOPE",
        f"/01/{GTIN_CAKE}",
        f"/01/{GTIN_CAKE}/10/BG0601",
        "/products",
        "/no-such-page",
    ],
)
@pytest.mark.parametrize("accept", ["vi", "en", "zh-CN", "ko, en;q=0.5", "fr;q=0.5, vi;q=0.1"])
def test_the_language_switch_always_marks_the_current_language(
    client, relics, catalog, path, accept
):
    html = get(client, path, accept).get_data(as_text=True)
    marked = current_languages(html)
    assert len(marked) == 1, (path, accept, marked)
    # The marked language is the page's own: its content's, or its interface's.
    page_languages = {HTML_LANG.search(html).group(1)}
    for pattern in (H1, ARTICLE_LANG):
        found = pattern.search(html)
        if found:
            page_languages.add(found.group(1))
    assert marked[0] in page_languages, (path, accept, marked, page_languages)


HOSTILE = [
    "x" * 20_000,
    ",".join(["en;q=0.5"] * 2000),
    ",".join(f"l{i};q=0.{i % 10}" for i in range(3000)),
    "en;q=abc, zh;q=1e999, ko;q=-1, fr;q=NaN",
    ";;;,,,;q=;=,",
    "\x00\x01\x7f",
    "zh-" + "A" * 5000,
    "tiếng Việt, 中文, 한국어",
    "*;q=0.5, en;q=0",
    "en-" * 3000,
    "en;q=0.5;q=0.9;level=1, vi;foo=bar",
]


@pytest.mark.parametrize("accept", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(
    "path", ["/", "/r/LK01", "/r/CT01", "/relics", f"/01/{GTIN_CAKE}", "/p/nep-cai-hoa-vang"]
)
def test_hostile_or_oversized_accept_language_never_fails(client, relics, catalog, path, accept):
    response = client.get(
        path, headers={"User-Agent": PHONE, "Accept-Language": accept.encode().decode("latin-1")}
    )
    assert response.status_code == 200, (path, response.status_code)
    html = response.get_data(as_text=True)
    assert len(current_languages(html)) == 1
    assert accept[:50] not in html or len(accept) < 8  # never echoed back
