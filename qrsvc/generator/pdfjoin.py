"""Join whole PDFs into one, streaming: each part's objects go out as soon as it is added.

pypdf's writer would hold every page of every part until the end; a 100,000-stamp run
is 2,500 pages, so this joiner keeps only each object's byte offset and the list of page
references, and writes the page tree, catalogue and cross-reference table at close.
Object numbers of each part are remapped into one sequence; each part's own page tree
is dropped and its pages are re-parented under the joined one.
"""

from __future__ import annotations

import io
import re
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

__all__ = ["PdfJoiner"]

_CATALOG, _PAGES = 1, 2
# A font subset's name starts with a six-letter tag ("AAAAAA+Font"). Every part made by
# ReportLab uses the same tags for different subsets; some RIPs cache fonts by name and
# would print one part's glyphs with another's subset, so each part gets fresh tags.
_SUBSET_NAME = re.compile(r"/([A-Z]{6})\+(.+)")
_FONT_NAME_KEYS = ("/BaseFont", "/FontName")


class PdfJoiner:
    """Write the pages of several PDF documents, in order, as one PDF to ``out``."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._position = 0
        self._offsets: list[int] = [0, 0, 0]  # object 0 is the free-list head; 1, 2 reserved
        self._kids: list[int] = []
        self._tags = 0
        self._closed = False
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    @property
    def page_count(self) -> int:
        """Pages written so far."""
        return len(self._kids)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def _allocate(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _write_object(self, number: int, obj: PdfObject) -> None:
        buffer = io.BytesIO()
        buffer.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self._offsets[number] = self._position
        self._write(buffer.getvalue())

    def add(self, pdf: bytes) -> int:
        """Append every page of the document ``pdf``; return how many pages it had."""
        if self._closed:
            raise ValueError("the joined PDF is already closed")
        reader = PdfReader(io.BytesIO(pdf))
        numbers: dict[int, int] = {}
        pending: list[int] = []
        tags: dict[str, str] = {}

        def retag(name: str) -> NameObject:
            match = _SUBSET_NAME.fullmatch(name)
            if not match:
                return NameObject(name)
            if match[1] not in tags:
                tags[match[1]] = self._new_tag()
            return NameObject(f"/{tags[match[1]]}+{match[2]}")

        def remap(obj: PdfObject) -> PdfObject:
            # Rewrites references in place: the reader and its objects are discarded after.
            if isinstance(obj, IndirectObject):
                if obj.idnum not in numbers:
                    numbers[obj.idnum] = self._allocate()
                    pending.append(obj.idnum)
                return IndirectObject(numbers[obj.idnum], 0, None)
            if isinstance(obj, DictionaryObject):  # includes streams
                for key, value in list(obj.items()):
                    if key in _FONT_NAME_KEYS and isinstance(value, NameObject):
                        obj[NameObject(key)] = retag(value)
                    else:
                        obj[NameObject(key)] = remap(value)
            elif isinstance(obj, ArrayObject):
                for i, value in enumerate(obj):
                    obj[i] = remap(value)
            return obj

        page_ids = set()
        for page in reader.pages:
            reference = page.indirect_reference
            if reference is None:  # pages are always indirect in a well-formed file
                raise ValueError("a page of the part is not an indirect object")
            page_ids.add(reference.idnum)
            self._kids.append(remap(reference).idnum)  # type: ignore[attr-defined]
        while pending:
            old = pending.pop()
            obj = reader.get_object(old)
            if obj is None:
                raise ValueError(f"the part refers to a missing object {old}")
            is_page = old in page_ids
            if is_page:  # following /Parent would copy the part's whole page tree
                obj.pop("/Parent", None)  # type: ignore[union-attr]
            remap(obj)
            if is_page:
                obj[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)  # type: ignore[index]
            self._write_object(numbers[old], obj)
        return len(reader.pages)

    def _new_tag(self) -> str:
        number, letters = self._tags, []
        self._tags += 1
        for _ in range(6):
            number, digit = divmod(number, 26)
            letters.append(chr(ord("A") + digit))
        return "".join(reversed(letters))

    def close(self) -> None:
        """Write the page tree, catalogue, cross-reference table and trailer."""
        if self._closed:
            return
        self._closed = True
        kids = " ".join(f"{kid} 0 R" for kid in self._kids)
        pages = f"<< /Type /Pages /Count {len(self._kids)} /Kids [{kids}] >>"
        self._write_raw(_PAGES, pages)
        self._write_raw(_CATALOG, f"<< /Type /Catalog /Pages {_PAGES} 0 R >>")
        xref_at = self._position
        lines = [f"xref\n0 {len(self._offsets)}\n", "0000000000 65535 f \n"]
        lines.extend(f"{offset:010d} 00000 n \n" for offset in self._offsets[1:])
        lines.append(f"trailer\n<< /Size {len(self._offsets)} /Root {_CATALOG} 0 R >>\n")
        lines.append(f"startxref\n{xref_at}\n%%EOF\n")
        self._write("".join(lines).encode())

    def _write_raw(self, number: int, body: str) -> None:
        self._offsets[number] = self._position
        self._write(f"{number} 0 obj\n{body}\nendobj\n".encode())
