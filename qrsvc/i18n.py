"""Language choice for pages and interface strings.

Content may exist in any language (vi is the source, en is required for published
relics, zh/ko/fr/... optional); interface strings come from the Flask-Babel
catalogs. Each area keeps its own catalog in ``qrsvc/<area>/translations`` so areas
can be translated independently. The areas a visitor sees speak the languages of the
province's visitors (vi, en, zh, ko, fr); the admin speaks vi and en only.

zh, ko and fr were drafted by a machine: an entry nobody has checked yet carries the
gettext ``fuzzy`` flag (compiled all the same, ``--use-fuzzy``), and while a language
still has such entries its pages say so (:func:`machine_drafted`).

Two languages per page. The page language (``g.lang``, the interface's) is the one
the visitor chose (``?lang=``, else the saved cookie) wherever the interface or the
record speaks it, else as the phone asks (:func:`requested_language`). The content
comes in the best language the record has (:func:`content_language`): the page
language, else the phone's next accepted language the record has, else Vietnamese;
the page notes when the text is in another language. A phone set to ``ko, en`` that
chose 한국어 gets Korean buttons over the English text of a relic nobody wrote in Korean.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask, Response, current_app, g, has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from qrsvc.localtime import ZONE_NAME

#: Languages the visitors' interface is translated into, in the order the switcher lists them.
UI_LANGUAGES = ("vi", "en", "zh", "ko", "fr")
#: Languages the admin's interface is translated into (staff read Vietnamese or English).
ADMIN_LANGUAGES = ("vi", "en")
#: ``app.extensions[SPOKEN]``: the interface languages of that application.
SPOKEN = "qrsvc.ui_languages"
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


PACKAGE = Path(__file__).resolve().parent


def init_app(app: Flask, *, admin: bool = False) -> None:
    """Bind Flask-Babel with every area's catalog directory; the admin speaks vi and en."""
    from qrsvc.extensions import babel

    app.extensions[SPOKEN] = ADMIN_LANGUAGES if admin else UI_LANGUAGES
    dirs = sorted(str(p) for p in PACKAGE.glob("*/translations") if p.is_dir())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "vi")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", ZONE_NAME)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs) or "translations"
    babel.init_app(app, locale_selector=ui_locale, timezone_selector=lambda: ZONE_NAME)
    # The layout asks it of the interface language (the note of macros/ui.html).
    app.jinja_env.globals["machine_drafted"] = machine_drafted


def requested_language(available: tuple[str, ...] | list[str] = CONTENT_LANGUAGES) -> str:
    """The language to show a record written in ``available`` languages in.

    The visitor's languages: the language just chosen on the site (``?lang=``), the
    choice saved before (the cookie), and the whole Accept-Language list by q-value.

    1. ``?lang=``, else the saved choice, wins wherever the record or the interface
       has that language: a click on 中文 gives Chinese buttons even over a text
       nobody wrote in Chinese, and so do the next pages (the cookie).
    2. Without a choice, the first language of the header the record is written in:
       a ``zh-CN, en`` visitor reads English where nobody wrote Chinese.
    3. The header's languages that the interface speaks (Chinese buttons over the
       text of :func:`content_language`, with a note).
    4. The visitor's first language, else vi.
    """
    environ = request.environ
    asked = saved = None
    if "lang=" in environ.get("QUERY_STRING", "") or "lang=" in environ.get("HTTP_COOKIE", ""):
        # The link just followed replaces the choice saved before.
        asked = _known(request.args.get("lang"))
        saved = None if asked else _known(request.cookies.get(LANG_COOKIE))
    header = environ.get("HTTP_ACCEPT_LANGUAGE", "")[:MAX_ACCEPT_LANGUAGE]
    return language_choice(asked, saved, accepted_languages(header), tuple(available))


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
    asked: str | None, saved: str | None, accepted: tuple[str, ...], available: tuple[str, ...]
) -> str:
    """The rule of :func:`requested_language` on plain values (see there)."""
    for choice in (asked, saved):
        if choice and (choice in available or choice in UI_LANGUAGES):
            return choice
    for pool in (available, UI_LANGUAGES):
        for code in accepted:
            if code in pool:
                return code
    return asked or saved or (accepted + ("vi",))[0]


def content_language(lang: str, available: tuple[str, ...] | list[str]) -> str:
    """The language to show a record written in ``available`` in, on a page in ``lang``.

    ``lang`` (the page language of :func:`requested_language`) where the record has
    it, else the first language of the visitor's Accept-Language the record has,
    else Vietnamese (the source every record is written in).
    """
    if lang in available:
        return lang
    header = request.environ.get("HTTP_ACCEPT_LANGUAGE", "")[:MAX_ACCEPT_LANGUAGE]
    return best_written(lang, accepted_languages(header), tuple(available))


@functools.lru_cache(maxsize=1024)
def best_written(lang: str, accepted: tuple[str, ...], available: tuple[str, ...]) -> str:
    """The rule of :func:`content_language` on plain values (see there)."""
    if lang in available:
        return lang
    return next((code for code in accepted if code in available), "vi")


def ui_locale() -> str:
    """The interface language: the visitor's language where this application's interface
    speaks it (the site: vi, en, zh, ko, fr; the admin: vi, en), else English."""
    if not has_request_context():  # the CLI and workers speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = getattr(g, "lang", None) or requested_language(CONTENT_LANGUAGES)
    spoken = current_app.extensions.get(SPOKEN, UI_LANGUAGES)
    if request.blueprint == "admin":  # the admin's pages, wherever it is mounted
        spoken = ADMIN_LANGUAGES
    if lang in spoken:
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


@functools.lru_cache(maxsize=16)
def machine_drafted(lang: str) -> bool:
    """Whether interface strings in ``lang`` include some nobody has checked yet.

    True while any area's catalog for ``lang`` holds an entry flagged ``fuzzy`` (how
    the zh, ko and fr catalogs mark machine-drafted translations); read once per process.
    """
    return lang in UI_LANGUAGES and drafted_in(
        sorted(PACKAGE.glob(f"*/translations/{lang}/LC_MESSAGES/messages.po"))
    )


def drafted_in(catalogs: Iterable[Path]) -> bool:
    """Whether any of these .po files has a fuzzy (not yet checked) translation."""
    for po in catalogs:
        with po.open("rb") as file:
            if any(message.id and message.fuzzy for message in read_po(file)):
                return True
    return False
