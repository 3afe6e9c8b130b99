"""The per-area catalogs: complete in vi and en, and never contradicting each other.

Each area keeps its own catalog (``qrsvc/<area>/translations``), but Flask-Babel merges
them into one, and the last directory read wins: when two areas translate one message
(one msgid in one msgctxt) differently, one area silently shows the other's wording.
A word that means different things in two places gets a context (``pgettext``).

Every message the code and templates of an area hold, extracted the way
``make extract-messages AREA=<area>`` extracts it, must be translated (not fuzzy) in the
area's vi and en catalogs: an untranslated string shows English on a Vietnamese page.

The areas a visitor sees also have zh, ko and fr catalogs, drafted by a machine. An
entry nobody has checked yet carries the gettext ``fuzzy`` flag (the catalog's header
says so; the Makefile compiles it all the same); a person who checks it removes the
flag. Every message is there, translated, either flagged or checked; the admin keeps
to vi and en.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import get_translations

import qrsvc
from qrsvc.i18n import ADMIN_LANGUAGES, UI_LANGUAGES

PACKAGE = Path(qrsvc.__file__).parent
ROOT = PACKAGE.parent
CATALOGS = sorted(PACKAGE.glob("*/translations/*/LC_MESSAGES/messages.po"))
AREAS = sorted(p.parent.name for p in PACKAGE.glob("*/translations") if p.is_dir())
#: The interface languages whose catalogs were drafted by a machine.
DRAFTED_LANGUAGES = tuple(lang for lang in UI_LANGUAGES if lang not in ADMIN_LANGUAGES)
#: The areas whose strings reach a visitor's pages: these at least, and any area that
#: has a catalog in a drafted language.
VISITOR_AREAS = sorted(
    {"errors", "labels", "public", "resolver", "stamps", "trace"}
    | {
        area
        for area in AREAS
        for lang in DRAFTED_LANGUAGES
        if (PACKAGE / area / "translations" / lang).is_dir()
    }
)
#: The staff's areas: their catalogs are vi and en only.
STAFF_AREAS = ("admin", "media")
#: A tag or an entity in a catalog text.
MARKUP = re.compile(r"<[^>]*>|&#?\w+;")


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


def makefile_keywords() -> dict:
    """The gettext keywords ``make extract-messages`` passes to pybabel (``-k ...``)."""
    recipe = next(
        line for line in (ROOT / "Makefile").read_text().splitlines() if "pybabel extract" in line
    )
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(re.findall(r"-k (\S+)", recipe)))
    return keywords


def area_mapping(area: str) -> str:
    """The area's babel.cfg, or the Makefile's default: its package and templates/<area>/."""
    cfg = PACKAGE / area / "translations" / "babel.cfg"
    if cfg.exists():
        return cfg.read_text()
    return f"[python: qrsvc/{area}/**.py]\n[jinja2: templates/{area}/**.html]\n"


def extracted(mapping: str) -> dict[tuple[str | None, str], str]:
    """``(msgctxt, msgid)`` → the file it came from, for the files ``mapping`` names."""
    method_map, options_map = parse_mapping_cfg(io.StringIO(mapping))
    found = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=makefile_keywords()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((context, msgid), filename)
    return found


@pytest.fixture(scope="module")
def area_messages() -> dict[str, dict[tuple[str | None, str], str]]:
    """Each area's messages, extracted from its own files."""
    return {area: extracted(area_mapping(area)) for area in AREAS}


def test_the_extraction_finds_the_areas_messages(area_messages):
    """A sanity check of the extraction itself: known strings of three areas."""
    assert (None, "Sign in") in area_messages["admin"]
    assert ("relic_rank", "National relic") in area_messages["labels"]
    assert all(area_messages[area] for area in AREAS)


def catalog_of(area: str, lang: str):
    """The area's catalog in ``lang``, read."""
    with (PACKAGE / area / "translations" / lang / "LC_MESSAGES" / "messages.po").open(
        "rb"
    ) as file:
        return read_po(file)


def untranslated(area: str, lang: str, messages: dict, *, drafts_allowed: bool) -> list[str]:
    """The area's messages missing from its ``lang`` catalog or without a translation
    (or, unless ``drafts_allowed``, still flagged fuzzy), each with the file it is from."""
    po = PACKAGE / area / "translations" / lang / "LC_MESSAGES" / "messages.po"
    assert po.exists(), f"{area} has no {lang} catalog: make extract-messages AREA={area}"
    with po.open("rb") as file:
        catalog = read_po(file)
    problems = []
    for (context, msgid), filename in sorted(messages.items(), key=lambda i: (i[1], i[0][1])):
        message = catalog.get(msgid, context=context)
        if message is None:
            problems.append(f"missing      {filename}: {msgid!r}")
        elif (message.fuzzy and not drafts_allowed) or not all(strings_of(message)):
            problems.append(f"untranslated {filename}: {msgid!r}")
    return problems


@pytest.mark.parametrize("lang", ADMIN_LANGUAGES)
@pytest.mark.parametrize("area", AREAS)
def test_every_message_of_the_area_is_translated(area, lang, area_messages):
    """Missing, empty and fuzzy translations are named, with the file each comes from."""
    problems = untranslated(area, lang, area_messages[area], drafts_allowed=False)
    assert not problems, (
        f"{area}/{lang}: run make extract-messages AREA={area} and translate\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("lang", DRAFTED_LANGUAGES)
@pytest.mark.parametrize("area", VISITOR_AREAS)
def test_every_message_a_visitor_sees_is_drafted_or_checked(area, lang, area_messages):
    """zh, ko, fr: no message missing or empty; a machine draft is flagged, or checked."""
    problems = untranslated(area, lang, area_messages[area], drafts_allowed=True)
    assert not problems, (
        f"{area}/{lang}: run make extract-messages AREA={area}, draft the translation "
        "and flag it fuzzy (machine-drafted, not checked)\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("lang", DRAFTED_LANGUAGES)
@pytest.mark.parametrize("area", VISITOR_AREAS)
def test_drafted_catalogs_say_how_drafts_are_marked_and_follow_english(area, lang):
    """The header explains the mark; the catalog holds exactly the English one's messages
    (what another area added to vi and en is drafted here too; nothing stale stays)."""
    catalog, english = catalog_of(area, lang), catalog_of(area, "en")
    header = catalog.header_comment
    assert "machine" in header and '"fuzzy"' in header, "the header must explain the mark"
    assert catalog.locale.language == lang
    keys = {(m.context, m.id) for m in catalog if m.id}
    assert keys == {(m.context, m.id) for m in english if m.id}
    for message in catalog:
        if message.id and not message.fuzzy:  # checked by a person: still whole
            assert all(strings_of(message)), message.id
        # Catalog texts are trusted as markup (qrsvc.fastpath.gettext): a draft brings
        # no tag or entity the English does not have.
        source = message.id if isinstance(message.id, str) else " ".join(message.id)
        for string in strings_of(message) if message.id else ():
            assert set(MARKUP.findall(string)) <= set(MARKUP.findall(source)), (message.id, string)


def test_the_drafts_are_still_marked_and_the_admin_has_no_drafted_catalog():
    """Until a person checks them, the drafted languages carry the flag; the staff's
    areas (admin, media) have only vi and en."""
    for lang in DRAFTED_LANGUAGES:
        flagged = [m for area in VISITOR_AREAS for m in catalog_of(area, lang) if m.id and m.fuzzy]
        assert flagged, f"{lang}: no entry is marked machine-drafted any more (update this test)"
    for area in STAFF_AREAS:
        languages = {po.parents[1].name for po in CATALOGS if po.parents[3].name == area}
        assert languages == set(ADMIN_LANGUAGES), (area, languages)


def test_every_file_with_messages_belongs_to_an_area(area_messages):
    """A module or template outside every area's babel.cfg would never be translated."""
    claimed = {filename for messages in area_messages.values() for filename in messages.values()}
    everything = extracted("[python: qrsvc/**.py]\n[jinja2: templates/**.html]\n")
    orphans = sorted({filename for filename in everything.values()} - claimed)
    assert not orphans, "Add these files to an area's babel.cfg:\n" + "\n".join(orphans)
