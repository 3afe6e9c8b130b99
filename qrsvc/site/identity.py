"""The site's identity as plain values, the defaults, and the rules every save obeys.

:class:`SiteIdentity` is what pages read (frozen, shared by every request of a process);
:func:`clean_settings` checks what a form or the command line gives, with one rule set
for both, and raises :class:`SiteError` with one clear sentence on the first fault.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from qrsvc.i18n import CONTENT_LANGUAGES, UI_LANGUAGES
from qrsvc.models import SITE_TEXT_FIELDS

#: Longest text of each field (characters), the same in the form and the command line.
MAX_LENGTHS = {
    "name": 200,
    "short_name": 60,
    "region": 120,
    "introduction": 2000,
    "office": 300,
    "contact_email": 254,
    "hotline": 32,
}
#: Texts that may not be empty in Vietnamese: every page names the site.
REQUIRED_TEXTS = ("name", "short_name")
#: Texts of one line; the introduction may have paragraphs.
ONE_LINE = {"name", "short_name", "region", "office"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Digits, spaces, dots, dashes, brackets and a leading +: "0237 3834 123", "+84 237 ...".
PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{4,30}[0-9]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NEUTRAL_NAME = "qrsvc"


class SiteError(ValueError):
    """Settings that cannot be saved; ``str()`` is one sentence for the person who typed them."""


@dataclasses.dataclass(frozen=True)
class SiteIdentity:
    """The site as pages show it; ``texts`` is ``{lang: {field: text}}``."""

    texts: Mapping[str, Mapping[str, str]]
    contact_email: str = ""
    hotline: str = ""
    content_languages: tuple[str, ...] = ("vi", "en")
    logo_url: str = ""
    logo_key: str = ""
    #: 0 for the defaults (no row yet); goes up with every save.
    version: int = 0

    def text(self, field: str, lang: str | None = None) -> str:
        """``field`` in ``lang``, else English, else Vietnamese, else the neutral default.

        The same fallback as a relic's texts: a Korean visitor whose language nobody
        wrote the site's texts in reads English, which most read more easily than
        Vietnamese. Without a language (the command line) it is Vietnamese, the source.
        """
        for code in (lang, "en", "vi") if lang else ("vi",):
            value = (self.texts.get(code) or {}).get(field)
            if value:
                return value
        return NEUTRAL_NAME if field in REQUIRED_TEXTS else ""

    @property
    def name(self) -> str:
        """The site's name in the interface language."""
        return self.text("name", interface_language())

    @property
    def short_name(self) -> str:
        """The short name (header, tabs) in the interface language."""
        return self.text("short_name", interface_language())

    @property
    def region(self) -> str:
        """The place the site covers in the interface language ("" when not given)."""
        return self.text("region", interface_language())

    @property
    def introduction(self) -> str:
        """The home page's introduction in the interface language ("" when not given)."""
        return self.text("introduction", interface_language())

    @property
    def office(self) -> str:
        """The office that runs the site, in the interface language ("" when not given)."""
        return self.text("office", interface_language())

    def as_settings(self) -> dict[str, Any]:
        """The editable values, as :func:`clean_settings` takes them."""
        return {
            "texts": {lang: dict(texts) for lang, texts in self.texts.items()},
            "contact_email": self.contact_email,
            "hotline": self.hotline,
            "content_languages": list(self.content_languages),
        }


DEFAULT_SITE = SiteIdentity(texts={})


def interface_language() -> str:
    """The interface language of this request ("vi" outside one)."""
    locale = get_locale()
    return locale.language if locale else "vi"


def clean_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """Checked, normalised settings (NFC, trimmed, languages with vi first); raises SiteError.

    ``values`` has ``texts`` (``{lang: {field: text}}`` for interface languages),
    ``contact_email``, ``hotline`` and ``content_languages`` (codes in order).
    """
    texts_in = values.get("texts") or {}
    if not isinstance(texts_in, Mapping):
        raise SiteError(_l("The texts must be given per language."))
    texts: dict[str, dict[str, str]] = {}
    for lang, fields in texts_in.items():
        if lang not in UI_LANGUAGES:
            raise SiteError(
                _l(
                    "Texts in %(lang)s cannot be shown: not an interface language.",
                    lang=str(lang)[:20],
                )
            )
        if not isinstance(fields, Mapping):
            raise SiteError(_l("The texts must be given per language."))
        unknown = set(fields) - set(SITE_TEXT_FIELDS)
        if unknown:
            raise SiteError(_l("Unknown field: %(name)s.", name=sorted(map(str, unknown))[0][:40]))
        cleaned = {f: clean_text(f, fields.get(f), lang) for f in SITE_TEXT_FIELDS}
        texts[lang] = {f: v for f, v in cleaned.items() if v}
    vi = texts.get("vi", {})
    for field in REQUIRED_TEXTS:
        if not vi.get(field):
            raise SiteError(
                _l("The %(field)s in Vietnamese is required.", field=field_label(field))
            )
    return {
        "texts": {lang: fields for lang, fields in texts.items() if fields},
        "contact_email": clean_email(values.get("contact_email")),
        "hotline": clean_phone(values.get("hotline")),
        "content_languages": clean_languages(values.get("content_languages") or ("vi",)),
    }


def field_label(field: str) -> str:
    """The name of a settings field in the interface language."""
    labels = {
        "name": _p("site field", "name"),
        "short_name": _p("site field", "short name"),
        "region": _p("site field", "region"),
        "introduction": _p("site field", "introduction"),
        "office": _p("site field", "office address"),
        "contact_email": _p("site field", "contact e-mail"),
        "hotline": _p("site field", "hotline"),
    }
    return str(labels.get(field, field))


def clean_text(field: str, value: Any, lang: str = "vi") -> str:
    """One text: NFC, trimmed, within its length, one line where it must be."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SiteError(_l("The %(field)s must be text.", field=field_label(field)))
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if _CONTROL.search(text) or (field in ONE_LINE and "\n" in text):
        raise SiteError(
            _l("The %(field)s has characters that cannot be shown.", field=field_label(field))
        )
    if len(text) > MAX_LENGTHS[field]:
        raise SiteError(
            _l(
                "The %(field)s is longer than %(max)d characters.",
                field=field_label(field),
                max=MAX_LENGTHS[field],
            )
        )
    return text


def clean_email(value: Any) -> str:
    """An e-mail address, or empty."""
    text = clean_text("contact_email", value)
    if text and not EMAIL.match(text):
        raise SiteError(_l("The contact e-mail is not a valid address."))
    return text


def clean_phone(value: Any) -> str:
    """A phone number of digits, spaces and the usual signs, or empty."""
    text = clean_text("hotline", value)
    if text and not PHONE.match(text):
        raise SiteError(_l("The hotline is not a phone number."))
    return text


def clean_languages(codes: Iterable[Any]) -> list[str]:
    """Content languages in order, Vietnamese first, each one a site may choose."""
    if isinstance(codes, str):
        codes = [c for c in re.split(r"[\s,]+", codes) if c]
    listed = [str(code).strip().lower() for code in codes]
    if len(listed) > len(CONTENT_LANGUAGES) * 2:
        raise SiteError(_l("Too many content languages."))
    for code in listed:
        if code not in CONTENT_LANGUAGES:
            raise SiteError(
                _l(
                    "Unknown content language: %(code)s (choose from %(choices)s).",
                    code=code[:20],
                    choices=", ".join(CONTENT_LANGUAGES),
                )
            )
    return ["vi", *dict.fromkeys(code for code in listed if code != "vi")]
