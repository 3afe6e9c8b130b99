"""Language choice for pages and interface strings.

Content may exist in any language (vi is the source, en is required for published
relics, zh/ko/fr/... optional); interface strings come from the Flask-Babel
catalogs, which exist for vi and en. Each area keeps its own catalog in
``qrsvc/<area>/translations`` so areas can be translated independently.
"""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, Response, current_app, g, has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from qrsvc.localtime import ZONE_NAME

#: Languages the interface itself is translated into.
UI_LANGUAGES = ("vi", "en")
#: Languages content may be written in, in the order the switcher lists them.
CONTENT_LANGUAGES = ("vi", "en", "zh", "ko", "ja", "fr", "de", "ru")
LANGUAGE_NAMES = {
    "vi": "Tiếng Việt",
    "en": "English",
    "zh": "中文",
    "ko": "한국어",
    "ja": "日本語",
    "fr": "Français",
    "de": "Deutsch",
    "ru": "Русский",
}
LANG_COOKIE = "lang"
#: Longer Accept-Language headers are cut here: real browsers send well under 100 characters.
MAX_ACCEPT_LANGUAGE = 256
ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with every area's catalog directory."""
    from qrsvc.extensions import babel

    package = Path(__file__).resolve().parent
    dirs = sorted(str(p) for p in package.glob("*/translations") if p.is_dir())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", ZONE_NAME)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs) or "translations"
    babel.init_app(app, locale_selector=ui_locale, timezone_selector=lambda: ZONE_NAME)


def requested_language(available: tuple[str, ...] | list[str] = CONTENT_LANGUAGES) -> str:
    """The language to show a record written in ``available`` languages in.

    The visitor's languages, in order: the choice made on the site (``?lang=``, else
    the saved cookie), then the whole Accept-Language list by its q-values. The choice
    wins wherever the record or the interface has that language. Otherwise the first
    language of the header the record is written in wins; failing that, the first
    one the interface speaks (English buttons over Vietnamese text, with a note);
    failing that, the visitor's first language (Vietnamese text with a note), else vi.
    A ``zh-CN, en`` visitor thus reads English where nobody wrote Chinese.
    """
    environ = request.environ
    chosen: tuple[str, ...] = ()
    if "lang=" in environ.get("QUERY_STRING", "") or "lang=" in environ.get("HTTP_COOKIE", ""):
        # The link just followed replaces the choice saved before.
        code = _known(request.args.get("lang")) or _known(request.cookies.get(LANG_COOKIE))
        chosen = (code,) if code else ()
    header = environ.get("HTTP_ACCEPT_LANGUAGE", "")[:MAX_ACCEPT_LANGUAGE]
    return language_choice(chosen, accepted_languages(header), tuple(available))


def _known(code: str | None) -> str | None:
    code = (code or "").lower()
    return code if code in CONTENT_LANGUAGES else None


@functools.lru_cache(maxsize=512)
def accepted_languages(header: str) -> tuple[str, ...]:
    """The content languages an Accept-Language header names, most wanted first.

    Regional tags count for their language (``zh-CN`` is ``zh``); ``q=0`` and tags
    this site has no content language for are dropped. Parsing costs more than
    serving a cached relic page and the same few values come back all day, so
    answers are remembered (bounded).
    """
    ranked = parse_accept_header(header, LanguageAccept)
    found = (_known(tag.split("-", 1)[0]) for tag, quality in ranked if quality > 0)
    return tuple(dict.fromkeys(code for code in found if code))


@functools.lru_cache(maxsize=1024)
def language_choice(
    chosen: tuple[str, ...], accepted: tuple[str, ...], available: tuple[str, ...]
) -> str:
    """The rule of :func:`requested_language` on plain values (see there)."""
    for code in chosen:
        if code in available or code in UI_LANGUAGES:
            return code
    for pool in (available, UI_LANGUAGES):
        for code in accepted:
            if code in pool:
                return code
    return (chosen + accepted + ("vi",))[0]


def ui_locale() -> str:
    """The interface language: the content language when translated, else English."""
    if not has_request_context():  # the CLI and workers speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = getattr(g, "lang", None) or requested_language(CONTENT_LANGUAGES)
    if lang in UI_LANGUAGES:
        return lang
    # A Korean visitor reads English buttons more easily than Vietnamese ones.
    return "en" if lang != "vi" else current_app.config["BABEL_DEFAULT_LOCALE"]


def save_language_choice(response: Response) -> Response:
    """Save ``?lang=`` in the language cookie, so the next page opens in that language."""
    asked = (request.args.get("lang") or "").lower()
    if asked in CONTENT_LANGUAGES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(
            LANG_COOKIE,
            asked,
            max_age=ONE_YEAR,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
        # A response that sets a cookie is this visitor's own: no shared cache keeps it.
        cache_control = response.headers.get("Cache-Control", "")
        response.headers["Cache-Control"] = cache_control.replace("public", "private") or "private"
    return response
