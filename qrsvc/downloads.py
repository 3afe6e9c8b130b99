"""File downloads: one way to name the file in ``Content-Disposition`` (RFC 6266).

    content_disposition("nhãn-Bánh gai.pdf")
    -> attachment; filename="nhan-Banh_gai.pdf"; filename*=UTF-8''nh%C3%A3n-B%C3%A1nh%20gai.pdf

Every download of the service (PDFs, exports, stamp lists, backups) is named through
:func:`content_disposition`, so no name, whatever record it comes from, can break the
header: old browsers read the plain ASCII ``filename``, the others the exact UTF-8 name
of ``filename*`` (RFC 8187, formerly RFC 5987).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response

__all__ = ["attachment", "content_disposition", "name_as_ascii"]

#: RFC 8187 attr-char besides letters and digits: what ``filename*`` keeps unescaped.
_ATTR_CHARS = "!#$&+-.^_`|~"
_NOT_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,8}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Letters NFKD does not take apart; Vietnamese has đ.
_LATIN = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"})
MAX_NAME = 150


def name_as_ascii(filename: str) -> str:
    """``filename`` in letters, digits, ``.``, ``-`` and ``_`` only (accents dropped).

    It never starts with a dot, and a name with nothing usable left is ``download``
    (keeping the extension when there is one).
    """
    decomposed = unicodedata.normalize("NFKD", filename.translate(_LATIN))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _NOT_SAFE.sub("_", plain.encode("ascii", "ignore").decode("ascii"))
    plain = re.sub(r"\.{2,}", ".", plain)
    stem, dot, extension = plain.rpartition(".")
    if not (dot and _EXTENSION.fullmatch(extension)):
        stem, extension = plain, ""
    stem = stem.strip("._")[-MAX_NAME:] or "download"
    return f"{stem}.{extension}" if extension else stem


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The ``Content-Disposition`` value naming ``filename`` (any text) safely.

    Control characters (a line break, NUL) are dropped before anything else, so the
    header stays one line whatever the name.
    """
    if disposition not in ("attachment", "inline"):
        raise ValueError(f"unknown disposition {disposition!r}")
    name = unicodedata.normalize("NFC", _CONTROL.sub("", filename)).strip()[:MAX_NAME]
    fallback = name_as_ascii(name)
    exact = quote(name or fallback, safe=_ATTR_CHARS)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


def attachment(response: Response, filename: str) -> Response:
    """Name ``response`` (e.g. from ``send_file``) as a download of ``filename``."""
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
