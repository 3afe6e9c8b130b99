"""What an error page says: a title and an explanation for each status, translated."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

#: Page titles by status.
TITLES = {
    400: _l("This request cannot be handled"),
    403: _l("This page is not open to you"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    410: _l("This is no longer valid"),
    413: _l("The file is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is unavailable for a moment"),
}

#: What happened, in words for a visitor, when the view gave none of its own.
EXPLANATIONS = {
    400: _l("The address or the form that was sent could not be read. Check it and try again."),
    403: _l("Your account cannot open this page. Ask an administrator if you need it."),
    404: _l("Nothing is found at this address. It may have been mistyped or moved."),
    405: _l("This address cannot be used this way."),
    410: _l("What this address showed has been withdrawn and is no longer available."),
    413: _l("What was sent is larger than this service accepts."),
    429: _l("Too many requests came from your connection in a short time."),
    500: _l("An error happened on our side and has been recorded. Please try again later."),
    503: _l("The service is being maintained or is very busy. Please try again in a few minutes."),
}

DATABASE_DOWN = _l("The database cannot be reached right now. Please try again soon.")


def title(code: int, fallback: str) -> str | LazyString:
    """The page title for ``code`` (``fallback``, werkzeug's name, for an unusual status)."""
    return TITLES.get(code, fallback)


def explanation(code: int, *, database: bool = False) -> LazyString | None:
    """Our explanation of ``code``; ``database`` for an outage of the database."""
    if database:
        return DATABASE_DOWN
    return EXPLANATIONS.get(code)
