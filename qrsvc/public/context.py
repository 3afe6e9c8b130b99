"""What every page template can use: the interface language, inlined CSS, language links."""

from __future__ import annotations

from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from flask import g, request
from flask_babel import get_locale
from markupsafe import Markup

from qrsvc.i18n import UI_LANGUAGES
from qrsvc.inline import inline
from qrsvc.public import bp
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


def default_switch() -> list[tuple[str, str]]:
    """This page in each interface language: [(code, url)], the query string kept."""
    # Short parameters only (filters, a search): a link must not echo a huge query back.
    args = {k: v for k, v in request.args.items() if k != "lang" and len(k) + len(v) < 120}
    links = []
    for code in UI_LANGUAGES:
        links.append((code, f"{request.path}?{urlencode({**args, 'lang': code})}"))
    return links


@bp.app_context_processor
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
