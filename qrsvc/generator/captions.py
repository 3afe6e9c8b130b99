"""The captions printed over a sign's or a label's two codes, in the format's languages.

A sign that carries a donation code beside its page code says which is which over each
("Thông tin di tích" / "Công đức"), so a visitor never pays by scanning the page code's
neighbour by mistake, nor mistakes a pasted-over sticker for the page. The texts live in
this area's catalog (``qrsvc/generator/translations``) where translators find them; the
generator reads the ``.po`` files itself (no Flask, no compiled ``.mo`` needed), so a
worker and the command line print the same words as the admin.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.pofile import read_po

__all__ = ["CAPTION_CONTEXT", "LANGUAGES", "caption", "pgettext"]

CATALOG_DIR = Path(__file__).resolve().parent / "translations"
CAPTION_CONTEXT = "print caption"


def pgettext(context: str, message: str) -> tuple[str, str]:
    """Mark ``message`` (with its context) for the catalog; it is looked up when printed."""
    return context, message


#: (kind of format, which code) -> the caption's msgctxt and msgid.
CAPTIONS = {
    ("sign", "page"): pgettext("print caption", "Relic information"),
    ("sign", "payment"): pgettext("print caption", "Donation"),
    ("label", "page"): pgettext("print caption", "Traceability"),
    ("label", "payment"): pgettext("print caption", "Payment"),
    # Under a sign's donation code, after the holder's name: the web page's warning.
    ("sign", "check"): pgettext(
        "print caption", "Your banking app must show exactly this name before you confirm."
    ),
}

#: The languages a caption can be printed in: those with a catalog here.
LANGUAGES = tuple(
    sorted(
        path.parents[1].name
        for path in CATALOG_DIR.glob("*/LC_MESSAGES/messages.po")
        if path.is_file()
    )
)


@functools.cache
def _catalog(language: str):
    path = CATALOG_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def caption(kind: str, which: str, language: str) -> str:
    """The caption of the ``which`` code ("page" or "payment") of a ``kind`` format, or
    (``which`` "check", signs only) the sentence printed under the holder's name.

    Raises ``ValueError`` when the language has no catalog or the catalog no checked
    translation: an English caption on a Vietnamese sign is a misprint, not a fallback.
    """
    if language not in LANGUAGES:
        raise ValueError(f"no caption catalog for language {language!r}; have {LANGUAGES}")
    context, msgid = CAPTIONS[kind, which]
    message = _catalog(language).get(msgid, context=context)
    if message is None or message.fuzzy or not message.string:
        raise ValueError(f"the {language} catalog has no checked caption for {msgid!r}")
    return message.string
