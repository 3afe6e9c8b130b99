"""What every page template can use: the interface language, inlined CSS, language links."""

from __future__ import annotations

from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from flask import g, request
from flask_babel import get_locale
from markupsafe import Markup

from qrsvc.i18n import UI_LANGUAGES
from qrsvc.inline import inline
from qrsvc.public.relic_page import opening_lines


def site_css() -> Markup:
    """The site's stylesheet, to inline in ``<style>`` (about 5 KB)."""
    return inline("css/site.css")


def language_name(code: str) -> str:
    """The name of language ``code`` in the interface language: "French", "tiếng Pháp"."""
    locale = get_locale()
    try:
        name = Locale.parse(code).get_display_name(locale) or code
    except (ValueError, UnknownLocaleError):
        return code
    # CLDR capitalises Vietnamese names for lists ("Tiếng Pháp"); in a sentence it is
    # "bằng tiếng Pháp". English keeps its capital: "in French".
    return name[:1].lower() + name[1:] if locale and locale.language == "vi" else name


#: The query parameters a public page reads (list filters, page, search); the only ones
#: the language links carry over. Anything else is dropped, so junk is never echoed.
KEPT_PARAMS = ("q", "area", "district", "rank", "category", "stars", "page")
#: Characters of a kept parameter's value at most (longer ones are dropped).
KEPT_LENGTH = 120


def default_switch() -> list[tuple[str, str]]:
    """This page in each interface language: [(code, url)], its known parameters kept.

    Only :data:`KEPT_PARAMS`, one short value each: a link must not echo a huge or
    made-up query back (3,000 junk parameters once made a list page 192 kB).
    """
    args = {}
    for key in KEPT_PARAMS:
        value = request.args.get(key)
        if value and len(value) <= KEPT_LENGTH:
            args[key] = value
    links = []
    for code in UI_LANGUAGES:
        links.append((code, f"{request.path}?{urlencode({**args, 'lang': code})}"))
    return links


def page_context() -> dict:
    """``ui_lang`` for ``<html lang>``, ``site_css()`` and ``default_switch()``."""
    locale = get_locale()
    return {
        "ui_lang": str(locale) if locale else g.get("lang", "vi"),
        "site_css": site_css,
        "default_switch": default_switch,
        "opening_lines": opening_lines,
        "language_name": language_name,
    }
