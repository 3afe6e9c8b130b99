"""GS1 Digital Link URIs for GTINs: parse and build them, with no web framework inside.

The uncompressed syntax of the GS1 Digital Link standard for primary key 01:
``/01/<gtin14>[/22/<cpv>][/10/<lot>][/21/<serial>]``, data attributes in the query.

Decisions the resolver relies on:

* ``parse_path`` takes a path that starts at ``/01/`` (or legacy ``/gtin/``); a
  mount point is stripped first. ``parse_uri`` takes a whole http(s) URI and, as
  the standard allows, any path prefix before the primary key.
* Paths arrive still percent-encoded (the raw request URI): once decoded, a lot
  ``A/B`` (sent as ``A%2FB``) cannot be told from two path segments.
* Legacy names ``gtin``, ``cpv``, ``lot`` and ``ser`` are read, never written.
* One trailing slash is ignored; empty, ``.`` and ``..`` segments are errors.
* Query keys of 2 to 4 digits are AIs (data attributes); other keys such as
  ``linkType`` and ``lang`` are kept apart in ``params`` (first value wins).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .attributes import AI_KEY, checked_attributes, checked_params, parse_query
from .charset import check_raw, check_set82, percent_decode, percent_encode, show
from .check_digit import normalise_gtin
from .errors import DigitalLinkError

MAX_QUALIFIER_LENGTH = 20

_PRIMARY = frozenset({"01", "gtin"})
_QUALIFIERS = {"22": "22", "cpv": "22", "10": "10", "lot": "10", "21": "21", "ser": "21"}
_ORDER = ("22", "10", "21")
_FIELDS = {"22": "cpv", "10": "lot", "21": "serial"}
_NAMES = {"22": "CPV", "10": "lot", "21": "serial"}
_SCHEME = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class DigitalLink:
    """A GTIN with an optional CPV, lot and serial, plus data attributes.

    Construction validates and normalises (GTIN to 14 digits, attributes in AI
    order, ``datetime.date`` attribute values to YYMMDD), so every instance has
    a valid canonical URI. ``params`` holds query parameters that are not AIs.
    """

    gtin: str
    cpv: str | None = None
    lot: str | None = None
    serial: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Validate every element; raise DigitalLinkError naming the first bad one."""
        object.__setattr__(self, "gtin", normalise_gtin(self.gtin))
        for ai in _ORDER:
            value = getattr(self, _FIELDS[ai])
            if value is not None:
                _check_qualifier(_NAMES[ai], value)
        object.__setattr__(self, "attributes", checked_attributes(self.attributes))
        object.__setattr__(self, "params", checked_params(self.params))

    def __hash__(self) -> int:
        """Hash the elements; the mappings are read-only, so this stays valid."""
        return hash(
            (self.gtin, self.cpv, self.lot, self.serial)
            + (tuple(self.attributes.items()), tuple(self.params.items()))
        )

    @property
    def level(self) -> str:
        """``"serial"``, ``"lot"`` or ``"product"`` (a CPV is still the product level)."""
        if self.serial is not None:
            return "serial"
        return "lot" if self.lot is not None else "product"

    @property
    def path(self) -> str:
        """The canonical path ``/01/<gtin14>[/22/..][/10/..][/21/..]``, values encoded."""
        parts = ["", "01", self.gtin]
        for ai in _ORDER:
            value = getattr(self, _FIELDS[ai])
            if value is not None:
                parts += [ai, percent_encode(value)]
        return "/".join(parts)

    def uri(self, base_url: str) -> str:
        """Return ``base_url`` + path + ``?`` data attributes in AI order (if any).

        ``params`` are left out: they belong to one request, not to the identifier.
        """
        if not _SCHEME.match(base_url) or "?" in base_url or "#" in base_url:
            raise DigitalLinkError("base URL must be http:// or https:// without query or fragment")
        query = "&".join(f"{ai}={percent_encode(v)}" for ai, v in self.attributes.items())
        return base_url.rstrip("/") + self.path + (f"?{query}" if query else "")

    def parent(self) -> "DigitalLink | None":
        """Return this link one level up (serial, then lot, then CPV dropped), or None.

        The resolver walks up with it when nobody entered the lot or serial;
        attributes and params are kept.
        """
        for ai in reversed(_ORDER):
            if getattr(self, _FIELDS[ai]) is not None:
                return replace(self, **{_FIELDS[ai]: None})
        return None


def build_path(
    gtin: str, cpv: str | None = None, lot: str | None = None, serial: str | None = None
) -> str:
    """Return the canonical Digital Link path for these elements, validating them."""
    return DigitalLink(gtin, cpv=cpv, lot=lot, serial=serial).path


def parse_path(path: str, query: str | bytes = "") -> DigitalLink:
    """Parse a raw (still percent-encoded) path starting at ``/01/`` and its query string.

    ``query`` is the raw query without or with its ``?``; bytes (as WSGI gives
    them) are accepted.
    """
    segments = _segments(path)
    if segments[0] not in _PRIMARY and _find_primary(segments) is not None:
        raise DigitalLinkError("path must start at /01/; strip the mount point before parsing")
    return _link(segments, query)


def parse_uri(uri: str) -> DigitalLink:
    """Parse a whole http(s) Digital Link URI; a path prefix before ``/01/`` is allowed."""
    check_raw(uri, "URI")
    scheme = _SCHEME.match(uri)
    if not scheme:
        raise DigitalLinkError("a Digital Link URI starts with http:// or https://")
    rest = uri[scheme.end() :].partition("#")[0]  # a fragment never reaches a resolver
    host_end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    if host_end == 0:
        raise DigitalLinkError("URI has no host")
    path, _, query = rest[host_end:].partition("?")
    if not path:
        raise DigitalLinkError("URI has no path; expected /01/ and a GTIN")
    segments = _segments(path)
    start = _find_primary(segments)
    if start is None:
        # Let the strict parser explain what is wrong after the first "01".
        start = next((i for i, s in enumerate(segments) if s in _PRIMARY), None)
        if start is None:
            raise DigitalLinkError("URI path has no /01/ and GTIN")
    return _link(segments[start:], query)


def _segments(path: str) -> list[str]:
    check_raw(path, "path")
    if not path.startswith("/"):
        raise DigitalLinkError("path must start with '/'")
    for ch in "?#":
        # A raw "?" would otherwise pass as a set-82 character of the last value.
        if ch in path:
            raise DigitalLinkError(f"path contains {ch!r}; pass the query string separately")
    body = path[1:].removesuffix("/")  # resolvers tolerate one trailing slash
    if not body:
        raise DigitalLinkError("path is empty; expected /01/ and a GTIN")
    segments = body.split("/")
    if "" in segments:
        raise DigitalLinkError("path contains an empty segment ('//')")
    if "." in segments or ".." in segments:
        raise DigitalLinkError("path contains a '.' or '..' segment")
    return segments


def _find_primary(segments: list[str]) -> int | None:
    # Keys sit an even distance from the end, so reading (key, value) pairs
    # from the right never mistakes a value (a lot called "01") for a key.
    for i in range(len(segments) - 2, -1, -2):
        if segments[i] in _PRIMARY:
            return i
        if segments[i] not in _QUALIFIERS:
            return None
    return None


def _link(segments: list[str], query: str | bytes) -> DigitalLink:
    key = segments[0]
    if key not in _PRIMARY:
        if AI_KEY.fullmatch(key):
            raise DigitalLinkError(f"this resolver serves GTINs (/01/) only, not AI {key}")
        raise DigitalLinkError(f"path must start with /01/ and a GTIN, not with {show(key)}")
    if len(segments) == 1:
        raise DigitalLinkError("GTIN is missing after /01/")
    gtin = normalise_gtin(segments[1])
    found: dict[str, str] = {}
    rest = segments[2:]
    for i in range(0, len(rest), 2):
        ai = _QUALIFIERS.get(rest[i])
        if ai is None:
            raise DigitalLinkError(
                f"{show(rest[i])} is not a qualifier of a GTIN; a GTIN takes 22, 10 and 21"
            )
        if ai in found:
            raise DigitalLinkError(f"qualifier {ai} ({_NAMES[ai]}) appears twice")
        later = [q for q in found if _ORDER.index(q) > _ORDER.index(ai)]
        if later:
            raise DigitalLinkError(f"qualifier {ai} must come before {later[0]}")
        if i + 1 == len(rest):
            raise DigitalLinkError(f"qualifier {ai} ({_NAMES[ai]}) has no value")
        found[ai] = percent_decode(_NAMES[ai], rest[i + 1])
    attributes, params = parse_query(query)
    values = {_FIELDS[ai]: value for ai, value in found.items()}
    return DigitalLink(gtin, **values, attributes=attributes, params=params)


def _check_qualifier(name: str, value: str) -> None:
    check_set82(name, value, MAX_QUALIFIER_LENGTH)
    if value in (".", ".."):
        # Browsers resolve dot segments, even written %2E, so the value would never arrive.
        raise DigitalLinkError(f"{name} cannot be '.' or '..'")
