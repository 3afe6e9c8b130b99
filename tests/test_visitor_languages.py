"""The visitors' interface languages: vi, en and the machine-drafted zh, ko and fr.

A page in zh, ko or fr speaks that language (``<html lang>``, its buttons and headings
from the language's catalogs), lists every interface language in its switch, and says,
in that language, that its interface was translated by a machine: the catalogs of the
three still hold entries nobody has checked (the ``fuzzy`` flag). vi and en pages say
nothing of the kind. The admin stays in vi and en.
"""

from __future__ import annotations

import re

import pytest
from flask_babel import gettext

from qrsvc.extensions import db
from qrsvc.i18n import UI_LANGUAGES, drafted_in, machine_drafted
from qrsvc.models import RelicTranslation
from qrsvc.stamps.codes import make_token
from tests.test_public import PHONE, add_relic
from tests.test_stamps import new_run
from tests.test_trace_pages import GTIN_CAKE, build_catalog

DRAFTED = ("zh", "ko", "fr")
HTML_LANG = re.compile(r'<html lang="([a-z]+)"')
SWITCH = re.compile(r'<nav class="langs"[^>]*>(.*?)</nav>', re.S)
NOTE = re.compile(r"<p class=\"note\" role=\"note\" data-machine-note>(.*?)</p>", re.S)
INTERFACE_NOTE = (
    "The buttons and headings of this page were translated by a machine and have not yet "
    "been checked by our staff."
)
WHOLE_PAGE_NOTE = "This page was translated by a machine and has not yet been checked by our staff."


@pytest.fixture
def app_config() -> dict:
    """No background scan flusher."""
    return {"SCAN_FLUSH_SECONDS": 0}


def translated(app, lang: str, message: str) -> str:
    """``message`` as the running app words it in ``lang``; never the English itself."""
    with app.test_request_context(f"/?lang={lang}"):
        text = gettext(message)
    assert text != message, f"{message!r} has no {lang} translation"
    return text


def get(client, path: str, lang: str):
    return client.get(path, headers={"User-Agent": PHONE, "Accept-Language": lang})


def assert_spoken(app, html: str, lang: str, *messages: str) -> None:
    """The page is in ``lang``: its <html lang>, the messages, the switch, the note."""
    assert HTML_LANG.search(html).group(1) == lang
    for message in ("Skip to content", *messages):
        assert translated(app, lang, message) in html, (lang, message)
    switch = SWITCH.search(html).group(1)
    assert re.findall(r'hreflang="([a-z]+)"', switch)[: len(UI_LANGUAGES)] == list(UI_LANGUAGES)
    assert f'lang="{lang}" hreflang="{lang}" aria-current="true"' in switch
    notes = NOTE.findall(html)
    assert notes == [translated(app, lang, INTERFACE_NOTE)], notes


@pytest.fixture
def relics(app):
    """LK01 in vi and en (nobody wrote zh, ko or fr)."""
    with app.app_context():
        add_relic(db.session, "LK01", {"vi": "Khu di tích Lam Kinh", "en": "Lam Kinh site"})
        db.session.commit()


@pytest.mark.parametrize("lang", DRAFTED)
def test_a_relic_page_in_each_drafted_language(app, client, relics, lang):
    html = get(client, f"/r/LK01?lang={lang}", "en").get_data(as_text=True)
    assert '<h1 lang="en">Lam Kinh site</h1>' in html  # what the phone reads, with a note
    assert_spoken(app, html, lang, "Relic code", "Visiting")


@pytest.mark.parametrize("lang", DRAFTED)
def test_product_and_batch_pages_in_each_drafted_language(app, client, lang):
    with app.app_context():
        build_catalog(db.session)
    product = get(client, f"/01/{GTIN_CAKE}", lang).get_data(as_text=True)
    assert_spoken(app, product, lang, "Barcode (GTIN)")
    batch = get(client, f"/01/{GTIN_CAKE}/10/BG0601", lang).get_data(as_text=True)
    assert_spoken(app, batch, lang, "What happened to this batch")


@pytest.mark.parametrize("lang", DRAFTED)
def test_a_stamp_scan_in_each_drafted_language(app, client, lang):
    with app.app_context():
        _run, first, _last = new_run(3)
    token = make_token(app.config["STAMP_KEY"].encode(), first)
    # Twice: the second scan is set into the layout kept for the language (qrsvc.fastpath).
    for serial_ip in ("10.9.0.1", "10.9.0.2"):
        response = client.get(
            f"/S/{token}",
            headers={"Accept-Language": lang},
            environ_base={"REMOTE_ADDR": serial_ip, "HTTP_USER_AGENT": PHONE},
        )
        assert response.status_code == 200
        assert_spoken(app, response.get_data(as_text=True), lang, "Genuine stamp")


def test_the_kept_stamp_layouts_never_mix_languages(app, client):
    with app.app_context():
        _run, first, _last = new_run(2)
    token = make_token(app.config["STAMP_KEY"].encode(), first)
    for lang in ("zh", "fr", "ko", "vi", "zh", "en", "fr"):
        html = client.get(f"/S/{token}?lang={lang}", environ_base={"HTTP_USER_AGENT": PHONE})
        assert HTML_LANG.search(html.get_data(as_text=True)).group(1) == lang


@pytest.mark.parametrize("lang", DRAFTED)
def test_an_error_page_in_each_drafted_language(app, client, lang):
    response = get(client, "/no-such-page", lang)
    assert response.status_code == 404
    assert_spoken(app, response.get_data(as_text=True), lang, "Page not found", "Error code")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_vietnamese_and_english_pages_carry_no_machine_note(app, client, relics, lang):
    for path in ("/", "/r/LK01", "/relics", "/no-such-page"):
        html = get(client, path, lang).get_data(as_text=True)
        assert HTML_LANG.search(html).group(1) == lang
        assert "data-machine-note" not in html, path


def test_a_machine_drafted_text_on_a_drafted_interface_gets_one_note(app, client):
    with app.app_context():
        relic = add_relic(db.session, "KO01", {"vi": "Đền thờ", "en": "Temple"})
        relic.translations.append(RelicTranslation(lang="ko", name="사당", machine_drafted=True))
        db.session.commit()
    html = get(client, "/r/KO01", "ko").get_data(as_text=True)
    assert '<h1 lang="ko">사당</h1>' in html
    assert NOTE.findall(html) == [translated(app, "ko", WHOLE_PAGE_NOTE)]
    # In English, the checked English text: no note at all.
    assert "data-machine-note" not in get(client, "/r/KO01", "en").get_data(as_text=True)


def test_the_note_follows_the_marks_in_the_catalogs(tmp_path):
    """A language stops carrying the note once a person has checked every entry."""
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Search"\nmsgstr "搜索"\n\nmsgid "Home"\nmsgstr "首页"\n',
        encoding="utf-8",
    )
    assert drafted_in([po])
    po.write_text(po.read_text(encoding="utf-8").replace("#, fuzzy\n", ""), encoding="utf-8")
    assert not drafted_in([po])
    assert not drafted_in([])
    assert [machine_drafted(lang) for lang in ("vi", "en", "ja", "<b>", "")] == [False] * 5
    assert all(machine_drafted(lang) for lang in DRAFTED)


def test_chinese_and_korean_pages_use_the_phones_own_fonts(client, relics):
    """No font is downloaded: the stylesheet names system CJK fonts and loads none."""
    html = get(client, "/r/LK01?lang=zh", "zh").get_data(as_text=True)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert ":root:lang(zh) body{font-family:" in style and "Noto Sans CJK SC" in style
    assert ":root:lang(ko) body{font-family:" in style and "Malgun Gothic" in style
    assert "@font-face" not in style and "url(" not in style
    assert 'rel="preload"' not in html and "fonts.g" not in html


@pytest.mark.parametrize("lang", DRAFTED)
def test_the_admin_stays_in_vietnamese_and_english(client, lang):
    client.get(f"/?lang={lang}")  # the visitor's saved choice
    page = client.get(f"/admin/login?lang={lang}", headers={"Accept-Language": lang})
    assert HTML_LANG.search(page.get_data(as_text=True)).group(1) in ("vi", "en")
