"""Reading and writing the exchange files: JSON (everything) and CSV (one kind per file).

A record is written flat, exactly as the admin sees it: plain fields by name,
per-language fields as ``name.vi``, ``name.en``... So a spreadsheet user sees one
column per language, and JSON and CSV carry the same keys.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FORMAT_NAME = "qrsvc-exchange"
FORMAT_VERSION = 1
KINDS = ("producers", "relics", "products")  # import order: products need their producer
MAX_ROWS = 20_000
MAX_FIELD = 100_000


class TransferError(ValueError):
    """A file that cannot be read at all (not one bad row: those are reported per row)."""


def read_json(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The record lists of an exchange JSON file."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TransferError(f"The file is not valid JSON ({exc}).") from None
    if not isinstance(doc, dict):
        raise TransferError("The JSON file must hold an object with relics, producers, products.")
    if doc.get("format", FORMAT_NAME) != FORMAT_NAME:
        raise TransferError(f"This is not a {FORMAT_NAME} file.")
    found = {kind: doc.get(kind) or [] for kind in KINDS}
    if not all(isinstance(rows, list) for rows in found.values()):
        raise TransferError("relics, producers and products must each be a list.")
    if sum(len(rows) for rows in found.values()) > MAX_ROWS:
        raise TransferError(f"Too many records; import at most {MAX_ROWS} at a time.")
    return found


def read_csv(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """The rows of a CSV file; its header tells which kind of record it holds."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TransferError("The CSV file must be saved as UTF-8.") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(MAX_FIELD)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise TransferError(f"Too many rows; import at most {MAX_ROWS} at a time.")
            extra = row.pop(None, None)
            rows.append(
                {k: (v or "").strip() for k, v in row.items()}
                | ({"__extra__": extra} if extra else {})
            )
    except csv.Error as exc:
        raise TransferError(f"The CSV file cannot be read ({exc}).") from None
    if "code" in header:
        kind = "relics"
    elif "producer" in header:
        kind = "products"
    elif "ref" in header and "name" in header:
        kind = "producers"
    else:
        raise TransferError(
            "The first line must name the columns: 'code' for relics, "
            "'producer' and 'ref' for products, 'ref' and 'name' for producers."
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
