"""Page parameters of list endpoints, and the envelope every list is answered in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from werkzeug.exceptions import BadRequest

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
#: Query parameters that filter a list (qrsvc.areas.filters): kept in the page links.
FILTER_PARAMS = ("area", "district", "rank", "category", "stars")


@dataclass(frozen=True)
class PageRequest:
    """Which page a client asked for."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.per_page


def page_request() -> PageRequest:
    """Read ``page`` and ``per_page`` from the query string; a bad value is a 400."""
    return PageRequest(
        _number("page", 1, MAX_PAGE, 1), _number("per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
    )


def _number(name: str, low: int, high: int, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def envelope(items: list[Any], total: int, asked: PageRequest) -> tuple[dict[str, Any], dict]:
    """The list body and its ``Link`` header (RFC 8288 next/prev)."""
    pages = max(1, -(-total // asked.per_page))
    links = {}
    endpoint, args = request.endpoint, dict(request.view_args or {})
    # The next page is of the same filtered list.
    args.update({k: v for k in FILTER_PARAMS if (v := request.args.get(k))})
    if asked.page < pages:
        links["next"] = url_for(endpoint, **args, page=asked.page + 1, per_page=asked.per_page)
    if asked.page > 1:
        links["prev"] = url_for(
            endpoint, **args, page=min(asked.page - 1, pages), per_page=asked.per_page
        )
    body = {
        "items": items,
        "page": asked.page,
        "per_page": asked.per_page,
        "total": total,
        "pages": pages,
        "links": links,
    }
    header = ", ".join(f'<{href}>; rel="{rel}"' for rel, href in links.items())
    return body, ({"Link": header} if header else {})
