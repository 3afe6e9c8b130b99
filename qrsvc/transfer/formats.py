"""Reading and writing the exchange files: JSON (everything) and CSV (one kind per file).

A record is written flat, exactly as the admin sees it: plain fields by name,
per-language fields as ``name.vi``, ``name.en``... So a spreadsheet user sees one
column per language, and JSON and CSV carry the same keys. A festival or stele names
its relic by code (``relic``), as a product names its producer; a relic's opening
hours are one line of text (see :mod:`qrsvc.transfer.opening_hours`).

Version 2 added festivals, steles and ``opening_hours``; a version 1 file has none of
them and still imports (what it does not mention is left as it is).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask_babel import gettext as _

FORMAT_NAME = "qrsvc-exchange"
FORMAT_VERSION = 2
KINDS = ("producers", "relics", "products", "festivals", "steles")
MAX_ROWS = 20_000
MAX_FIELD = 100_000


class TransferError(ValueError):
    """A file that cannot be read at all (not one bad row: those are reported per row)."""


#: How deep values may nest in an exchange file. Records are flat (a field holds text,
#: a number or a small object of texts per language); anything deeper is not a record,
#: and code that walks it must never meet Python's recursion limit.
MAX_NESTING = 16


def nesting_within(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether lists and objects in ``value`` nest at most ``limit`` deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


def load_json(text: str) -> Any:
    """``json.loads`` that refuses values nested deeper than :data:`MAX_NESTING`."""
    try:
        doc = json.loads(text)
    except RecursionError:
        raise ValueError(f"values nested more than {MAX_NESTING} deep") from None
    if not nesting_within(doc):
        raise ValueError(f"values nested more than {MAX_NESTING} deep")
    return doc


def read_json(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The record lists of an exchange JSON file."""
    try:
        doc = load_json(data.decode("utf-8-sig"))
    except ValueError as exc:  # also a number of thousands of digits, which json refuses
        raise TransferError(
            _("The file is not valid JSON (%(reason)s).", reason=str(exc)[:200])
        ) from None
    if not isinstance(doc, dict):
        raise TransferError(
            _(
                "The JSON file must hold an object with relics, producers, products, "
                "festivals, steles."
            )
        )
    if doc.get("format", FORMAT_NAME) != FORMAT_NAME:
        raise TransferError(_("This is not a %(format)s file.", format=FORMAT_NAME))
    version = doc.get("version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise TransferError(
            _("'version' must be a whole number such as %(version)d.", version=FORMAT_VERSION)
        )
    if version > FORMAT_VERSION:
        raise TransferError(
            _(
                "This file has format version %(version)d; this qrsvc reads versions up to "
                "%(newest)d: update qrsvc first.",
                version=version,
                newest=FORMAT_VERSION,
            )
        )
    found = {kind: doc.get(kind) or [] for kind in KINDS}
    if not all(isinstance(rows, list) for rows in found.values()):
        raise TransferError(
            _("relics, producers, products, festivals and steles must each be a list.")
        )
    if sum(len(rows) for rows in found.values()) > MAX_ROWS:
        raise TransferError(
            _("Too many records; import at most %(limit)d at a time.", limit=MAX_ROWS)
        )
    return found


def read_csv(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The rows of a CSV file; its header tells which kind of record it holds."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TransferError(_("The CSV file must be saved as UTF-8.")) from None
    # The header holds no separator but the file's own (a spreadsheet set to Vietnamese
    # writes ';'), so it tells which one. csv.Sniffer would guess the quoting as well,
    # and a text with "quotes" inside (which spreadsheets write as "") can fool it into
    # splitting a row.
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    csv.field_size_limit(MAX_FIELD)
    try:
        reader = csv.DictReader(
            io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter
        )
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise TransferError(
                    _("Too many rows; import at most %(limit)d at a time.", limit=MAX_ROWS)
                )
            extra = row.pop(None, None)
            rows.append(
                {k: (v or "").strip() for k, v in row.items()}
                | ({"__extra__": extra} if extra else {})
            )
    except csv.Error as exc:
        raise TransferError(_("The CSV file cannot be read (%(reason)s).", reason=exc)) from None
    if "code" in header:
        kind = "relics"
    elif "relic" in header and "lunar_month" in header:
        kind = "festivals"
    elif "relic" in header and "position" in header:
        kind = "steles"
    elif "producer" in header:
        kind = "products"
    elif "ref" in header and "name" in header:
        kind = "producers"
    else:
        raise TransferError(
            _(
                "The first line must name the columns: 'code' for relics, "
                "'producer' and 'ref' for products, 'ref' and 'name' for producers, "
                "'relic' and 'lunar_month' for festivals, 'relic' and 'position' for steles."
            )
        )
    return {k: rows if k == kind else [] for k in KINDS}


def read_file(name: str, data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Read a JSON or CSV exchange file, chosen by its content (then its name)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")) or name.lower().endswith(".json"):
        return read_json(data)
    return read_csv(data)


def write_json(records: dict[str, list[dict[str, Any]]], exported_at: str) -> bytes:
    """An exchange JSON document."""
    doc = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "exported_at": exported_at}
    doc.update({kind: records.get(kind, []) for kind in KINDS})
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def write_csv(rows: list[dict[str, Any]], first: tuple[str, ...]) -> bytes:
    """A CSV file (UTF-8 with BOM, which spreadsheet programs need to show Vietnamese)."""
    columns = list(first) + sorted({k for row in rows for k in row} - set(first))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
