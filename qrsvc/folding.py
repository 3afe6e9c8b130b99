"""Accent-insensitive matching of Vietnamese text, shared by the public search and the admin lists.

People type "lam kinh" on a foreign keyboard as often as "Lam Kinh", in NFC or NFD
depending on the keyboard: both sides are compared with their diacritics folded away
(and đ as d). Folding is done in Python because neither database folds Vietnamese
the same way (SQLite's lower() knows only ASCII).
"""

from __future__ import annotations

import unicodedata

#: Longer queries are cut: nobody types more, and it bounds the work per request.
MAX_QUERY_CHARS = 100


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics: "Đền Lê Hoàn" → "den le hoan"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean_query(raw: str | None) -> str:
    """The query as searched: NFC, printable characters only, at most 100 characters."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def query_words(query: str) -> list[str]:
    """The folded words of ``query``, each of which a match must contain."""
    return fold(query).split()


def matches(words: list[str], haystack: str) -> bool:
    """Whether every one of the folded ``words`` appears somewhere in ``haystack``."""
    folded = fold(haystack)
    return all(word in folded for word in words)
