"""The per-area catalogs: Flask-Babel merges them, so they must not contradict each other.

Each area keeps its own catalog (``qrsvc/<area>/translations``), but Flask-Babel merges
them into one, and the last directory read wins: when two areas translate one message
(one msgid in one msgctxt) differently, one area silently shows the other's wording.
A word that means different things in two places gets a context (``pgettext``).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import get_translations

import qrsvc

CATALOGS = sorted(Path(qrsvc.__file__).parent.glob("*/translations/*/LC_MESSAGES/messages.po"))


def translated_messages(po: Path) -> list:
    """The messages of one catalog that have a translation (fuzzy ones are compiled too)."""
    with po.open("rb") as file:
        catalog = read_po(file)
    return [m for m in catalog if m.id and all(strings_of(m))]


def strings_of(message) -> tuple[str, ...]:
    """The translation of a message, or its plural forms."""
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def area_and_language(po: Path) -> tuple[str, str]:
    """``("admin", "vi")`` for ``qrsvc/admin/translations/vi/LC_MESSAGES/messages.po``."""
    return po.parents[3].name, po.parents[1].name


def test_every_area_catalog_is_found():
    areas = {area_and_language(po) for po in CATALOGS}
    assert {("admin", "vi"), ("public", "vi"), ("media", "vi")} <= areas


def test_no_two_catalogs_translate_one_message_differently():
    seen: dict[tuple, dict[str, object]] = defaultdict(dict)
    for po in CATALOGS:
        area, lang = area_and_language(po)
        for message in translated_messages(po):
            seen[lang, message.context, message.id][area] = message.string
    collisions = [
        f"{lang} {context or ''!r} {msgid!r}: {translations}"
        for (lang, context, msgid), translations in seen.items()
        if len({repr(t) for t in translations.values()}) > 1
    ]
    assert not collisions, "Give these a msgctxt (pgettext) or one wording:\n" + "\n".join(
        collisions
    )


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: "/".join(area_and_language(po)))
def test_translations_are_nfc_and_keep_their_placeholders(po):
    for message in translated_messages(po):
        for string in strings_of(message):
            assert unicodedata.is_normalized("NFC", string), message.id
        if message.python_format:
            assert not message.check(), (message.id, message.check())


def test_each_area_is_shown_its_own_wording_once_merged(app):
    """The merged catalog gives what each area's own .po file says (after make translations)."""
    for po in CATALOGS:
        area, lang = area_and_language(po)
        with app.test_request_context(headers={"Accept-Language": lang}):
            merged = get_translations()
            for message in translated_messages(po):
                if not isinstance(message.id, str):
                    continue  # plural forms: the same lookup, by number
                if message.context:
                    shown = merged.upgettext(message.context, message.id)
                else:
                    shown = merged.ugettext(message.id)
                assert shown == message.string, (
                    f"{area}/{lang} {message.id!r}: the running app shows {shown!r}; "
                    "another catalog overrides it, or the .mo files are stale (make translations)"
                )


def test_a_word_in_two_senses_follows_its_context(client, accounts):
    """The relic filter says "Hạng di tích" while the admin's field keeps "Xếp hạng"."""
    public = client.get("/relics").get_data(as_text=True)
    assert '<label for="rank">Hạng di tích</label>' in public
    assert '<button type="submit">Xem</button>' in public
    accounts.login("editor")
    form = client.get("/admin/relics/new").get_data(as_text=True)
    assert '<label for="rank">Xếp hạng</label>' in form and "Hạng di tích" not in form
    # "Show" another language column is "Hiện"; "Show" a period of the dashboard is "Xem".
    assert '<button type="submit">Hiện</button>' in form
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert '<button type="submit">Xem</button>' in dashboard


def test_the_same_words_in_english(client):
    page = client.get("/relics?lang=en").get_data(as_text=True)
    assert '<label for="rank">Rank</label>' in page
