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
ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with every area's catalog directory."""
    from qrsvc.extensions import babel

    package = Path(__file__).resolve().parent
    dirs = sorted(str(p) for p in package.glob("*/translations") if p.is_dir())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs) or "translations"
    babel.init_app(app, locale_selector=ui_locale, timezone_selector=lambda: "Asia/Ho_Chi_Minh")


def requested_language(available: tuple[str, ...] | list[str] = CONTENT_LANGUAGES) -> str:
    """The language a visitor asked for, among ``available``.

    Order of precedence: ``?lang=`` > the saved cookie > Accept-Language > vi.
    """
    environ = request.environ
    if "lang=" in environ.get("QUERY_STRING", "") or "lang=" in environ.get("HTTP_COOKIE", ""):
        for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
            if candidate and candidate.lower() in available:
                return candidate.lower()
    # The usual first scan: no choice made yet, only the phone's languages.
    header = environ.get("HTTP_ACCEPT_LANGUAGE", "")[:200]
    return accept_language_choice(header, tuple(available))


@functools.lru_cache(maxsize=512)
def accept_language_choice(header: str, available: tuple[str, ...] = CONTENT_LANGUAGES) -> str:
    """The language among ``available`` that suits an Accept-Language header best, else vi.

    Parsing the header costs more than serving a cached relic page; the same few
    values come back all day, so answers are remembered (bounded).
    """
    return parse_accept_header(header, LanguageAccept).best_match(available) or "vi"


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
