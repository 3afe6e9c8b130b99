"""The generator's front door: a format (or its name), records in, a PDF out.

Stamp formats go to the vector renderer, which streams; sign and label formats go to
the HTML renderer. Callers need not know which is which.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from qrsvc.generator.data import LabelData, SignData, StampData
from qrsvc.generator.formats import DEFAULT_FORMATS_DIR, FormatError, PrintFormat, load_format

__all__ = ["get_format", "render_pdf", "write_pdf"]

Record = SignData | LabelData | StampData


def get_format(name: str, directory: str | Path = DEFAULT_FORMATS_DIR) -> PrintFormat:
    """The format called ``name`` in ``directory``; :class:`FormatError` if there is none."""
    path = Path(directory) / f"{name}.toml"
    if "/" in name or "\\" in name or not path.is_file():
        raise FormatError(f"no print format named {name!r} in {directory}")
    return load_format(path)


def _checked(records: Iterable[StampData], fmt: PrintFormat) -> Iterator[StampData]:
    for record in records:
        if not isinstance(record, StampData):
            raise TypeError(f"{fmt.name} prints StampData, not {type(record).__name__}")
        yield record


def write_pdf(
    fmt: PrintFormat | str,
    records: Iterable[Record],
    out: BinaryIO,
    *,
    skip_cells: int = 0,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Print ``records`` (one per sign, label or stamp) on ``fmt`` to the binary ``out``.

    Returns the number of pages. Stamps may come from a generator and are streamed in
    chunks, calling ``progress(stamps_done)`` after each; signs and labels are laid out
    in one piece, and ``skip_cells`` leaves the first cells of a used label sheet empty.
    """
    if isinstance(fmt, str):
        fmt = get_format(fmt)
    if fmt.kind == "stamp":
        from qrsvc.generator.stamps import write_stamp_sheets

        if skip_cells:
            raise ValueError("skip_cells is for label sheets; stamp runs start on a new sheet")
        return write_stamp_sheets(fmt, _checked(records, fmt), out, progress=progress)
    from qrsvc.generator.documents import write_html_document

    records = list(records)
    pages = write_html_document(fmt, records, out, skip_cells=skip_cells)  # type: ignore[arg-type]
    if progress:
        progress(len(records))
    return pages


def render_pdf(fmt: PrintFormat | str, records: Iterable[Record], *, skip_cells: int = 0) -> bytes:
    """Like :func:`write_pdf`, returning the PDF as bytes (for small runs and previews)."""
    buffer = io.BytesIO()
    write_pdf(fmt, records, buffer, skip_cells=skip_cells)
    return buffer.getvalue()
