"""The stored folded search text of relics, producers and products, kept up to date on save.

A province has thousands of records: folding every row in Python for each search does
not scale. Each searchable record stores ``search_text``, its names (and codes,
communes) folded by :func:`qrsvc.folding.fold` (no accents, no case, đ = d, NFC and
NFD alike), refreshed before every flush that touches the record or, for a relic, one
of its translations. Every path that saves through the ORM (admin, import, demo) keeps
it right; a bulk loader that bypasses the ORM stores :func:`fold_parts` of the same
fields. The column is indexed: a pg_trgm GIN index on PostgreSQL (``LIKE '%w%'`` and
word similarity use it), a plain index on SQLite, where a site is small.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Index, and_, event, literal, or_
from sqlalchemy.orm import Session

from qrsvc.folding import fold
from qrsvc.models.producers import Producer
from qrsvc.models.products import Product
from qrsvc.models.relics import Relic, RelicTranslation

#: Stored texts are cut here: names and codes fit many times over.
MAX_SEARCH_TEXT = 4000
#: Words this long or longer also match by trigram word similarity on PostgreSQL
#: (a typo still finds the name); shorter ones only as substrings.
FUZZY_MIN_CHARS = 4


def fold_parts(*parts: Any) -> str:
    """The stored search text of these field values: folded, one space between words."""
    text = " ".join(str(part) for part in parts if part)
    return " ".join(fold(text).split())[:MAX_SEARCH_TEXT]


def relic_search_text(relic: Relic) -> str:
    """Code, communes, former district and every translation's names of ``relic``."""
    names = [f"{t.name} {t.other_names}" for t in relic.translations]
    return fold_parts(relic.code, relic.commune, relic.commune_old, relic.district_old, *names)


def producer_search_text(producer: Producer) -> str:
    """Reference, name and communes of ``producer``."""
    return fold_parts(producer.ref, producer.name, producer.commune, producer.commune_old)


def product_search_text(product: Product) -> str:
    """Reference, GTIN, names in every language and category of ``product``."""
    names = [value for value in (product.name or {}).values() if isinstance(value, str)]
    return fold_parts(product.ref, product.gtin, *names, product.category)


def matching(column: Any, words: Iterable[str], dialect: str) -> ColumnElement[bool]:
    """A condition: ``column`` (a stored folded text) contains every one of ``words``.

    ``words`` are already folded (:func:`qrsvc.folding.query_words`). On PostgreSQL a
    longer word also matches a close spelling (pg_trgm's ``<%``, word similarity at
    its default threshold), through the same GIN index.
    """
    conditions = []
    for word in words:
        exact = column.contains(word, autoescape=True)
        if dialect == "postgresql" and len(word) >= FUZZY_MIN_CHARS:
            exact = or_(exact, literal(word).op("<%")(column))
        conditions.append(exact)
    return and_(*conditions)


def _refresh(session: Session, _context: Any, _instances: Any) -> None:
    relics: set[Relic] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Relic) and obj not in session.deleted:
            relics.add(obj)
        elif isinstance(obj, RelicTranslation):
            relic = obj.relic or (obj.relic_id and session.get(Relic, obj.relic_id))
            if relic is not None and relic not in session.deleted:
                relics.add(relic)
        elif isinstance(obj, Producer) and obj not in session.deleted:
            _store(obj, producer_search_text(obj))
        elif isinstance(obj, Product) and obj not in session.deleted:
            _store(obj, product_search_text(obj))
    for relic in relics:
        _store(relic, relic_search_text(relic))


def _store(obj: Any, text: str) -> None:
    # Only a change is written: an unchanged record keeps its version number.
    if obj.search_text != text:
        obj.search_text = text


event.listen(Session, "before_flush", _refresh)

for _table in (Relic.__table__, Producer.__table__, Product.__table__):
    Index(
        f"ix_{_table.name}_search_text",
        _table.c.search_text,
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
