"""Stylesheets and scripts inlined into pages, and the CSP sources that allow them.

On weak 3G every request costs a round trip, so pages carry their small CSS and
JavaScript inline instead of linking them. The files stay in ``static/`` (edited as
files, linted as files); a template inlines one with ``{{ inline("css/site.css") }}``
between its ``<style>`` or ``<script>`` tags, nothing else between them. The Content
Security Policy allows each by the hash of its text, which stays valid in a cached
page, so no page needs a per-request nonce for them.

Outside debug mode the files are read once per process; in debug mode an edited file
shows at the next request.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path

from flask import current_app
from markupsafe import Markup

#: Every file a template may inline, by kind: the policy allows exactly these texts.
STYLES = ("css/site.css", "css/trace.css", "css/stamp.css")
SCRIPTS = ("js/stamp-location.js",)


@functools.lru_cache(maxsize=32)
def _read(path: str, mtime_ns: int) -> Markup:
    # Keyed by modification time too, for debug mode.
    return Markup(Path(path).read_text(encoding="utf-8"))  # noqa: S704 - our own file


def inline(name: str) -> Markup:
    """The text of ``static/<name>``, one of :data:`STYLES` or :data:`SCRIPTS`."""
    if name not in STYLES and name not in SCRIPTS:
        raise ValueError(f"{name} is not an inlined asset (add it to qrsvc.inline)")
    kept = current_app.extensions.setdefault("qrsvc.inline", {})
    text = kept.get(name)
    if text is None or current_app.debug:
        path = Path(current_app.static_folder or "static") / name
        text = kept[name] = _read(str(path), path.stat().st_mtime_ns)
    return text


@functools.lru_cache(maxsize=64)
def _source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f" 'sha256-{base64.b64encode(digest).decode()}'"


def style_sources() -> str:
    """CSP ``style-src`` sources allowing the inlined stylesheets, each by its hash."""
    return "".join(_source(inline(name)) for name in STYLES)


def script_sources() -> str:
    """CSP ``script-src`` sources allowing the inlined scripts, each by its hash."""
    return "".join(_source(inline(name)) for name in SCRIPTS)
