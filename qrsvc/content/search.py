"""The search of a list of records: every typed word, accents and case aside, in SQL.

Relics, producers and products store their folded names in ``search_text``
(:mod:`qrsvc.models.searching`), so their search is
:func:`qrsvc.areas.listing.search_condition` — one where-clause over an indexed
column (trigram on PostgreSQL), the same as the public lists'. Other records (batches,
media) are searched by codes and file names: each typed word must be in one of the
columns, compared lower-cased in the database. A province's lists are never folded
row by row in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, false, func, or_

from qrsvc.areas.listing import search_condition
from qrsvc.folding import clean_query, query_words


def contains(*columns: Any, through: tuple[Any, ...] = ()) -> Callable[[str], Any]:
    """A search condition over a record's columns: every typed word must match.

    A record with a stored ``search_text`` is searched there (``columns`` and
    ``through`` only say what that text holds). Otherwise every word, folded, must be
    in one of ``columns`` lower-cased: codes and file names, which are mostly plain.
    """
    del through  # the stored text already holds the translations' names
    model = columns[0].class_
    stored = getattr(model, "search_text", None)

    def condition(text: str) -> Any:
        if stored is not None:
            found = search_condition(stored, text)
            return false() if found is None else found
        words = query_words(clean_query(text))
        if not words:  # only punctuation or stray accents: nothing to look for
            return false()
        return and_(
            *(
                or_(*(func.lower(column).contains(word, autoescape=True) for column in columns))
                for word in words
            )
        )

    return condition
