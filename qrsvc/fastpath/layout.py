"""A page rendered inside the public layout, the layout's own markup kept per language."""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app, g, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

#: The public layout (base.html) with a slot for each block a page fills (title, head, main).
LAYOUT = "fastpath/layout.html"
#: The layout that gives a page's three blocks in a row, with a slot between them.
PARTS = "fastpath/parts.html"
#: What marks a slot. Autoescaping turns every ``<`` of a value into ``&lt;``, so only our
#: own templates can write it; should a value marked safe hold it anyway, the page is
#: rendered whole.
SLOT = Markup("<kept-layout-slot>")
#: What a render leaves in ``g`` when it used something of this request (a CSP nonce, a
#: CSRF token): a layout holding one is never kept.
PER_REQUEST = ("csp_nonce", "csrf_token")
#: Kept layouts per app: the five interface languages x the visitor's language (up to
#: eight) x language links x a few more; beyond this, start afresh.
MAX_KEPT = 64
_lock = threading.Lock()


class KeptLayoutError(RuntimeError):
    """Under test or debug: the kept layout gave another page than the whole render."""


def render_with_kept_layout(name: str, **context: Any) -> str:
    """``render_template(name, **context)``, with the layout's own markup kept.

    ``name`` is a page that extends ``page_layout | default("base.html")`` and fills
    its ``title``, ``head`` and ``main`` blocks. The layout around them (head links, the
    inlined stylesheet, header, language links, footer: most of the page's markup) is
    the same on every such page in a language, so it is rendered once and kept. Per
    request the page is rendered with ``page_layout`` set to :data:`PARTS`, a layout
    that gives only the page's three blocks, and those are set into the kept layout.
    Under test or debug the page is also rendered whole and compared, so a layout
    change that breaks this fails the tests instead of reaching a buyer. With templates
    reloading (debug) it renders whole.
    """
    app = current_app
    if app.jinja_env.auto_reload:
        return render_template(name, **context)
    shell = kept_layout(context)
    content = None
    if shell is not None:
        pieces = render_template(name, page_layout=PARTS, kept_layout_slot=SLOT, **context).split(
            SLOT
        )
        if len(pieces) == 3:
            content = "".join(
                piece for pair in zip(shell, [*pieces, ""], strict=True) for piece in pair
            )
    if content is None:
        return render_template(name, **context)
    if app.testing or app.debug:
        plain = render_template(name, **context)
        if content != plain:
            raise KeptLayoutError(f"{name}: the kept layout differs from the whole render")
    return content


def kept_layout(context: dict[str, Any]) -> list[str] | None:
    """The layout cut at its slots ([text, text, text, text]), rendered once per kind of
    page; None when it cannot be shared (it used something of this request)."""
    # What the layout depends on besides the page's parts: the interface language (its
    # texts, <html lang>), the page language (the current one among the language links),
    # where the app is mounted (static URLs), the language links, the offline offer.
    switch = context.get("switch")
    key = (
        str(get_locale()),
        g.get("lang"),
        request.script_root,
        None if switch is None else tuple(map(tuple, switch)),
        context.get("offline_offer"),
        # The site's identity (name, office) is in the layout: its version, when offered.
        current_app.extensions.get("qrsvc.layout_version", int)(),
    )
    kept = current_app.extensions.setdefault("qrsvc.kept_layouts", {})
    shell = kept.get(key)
    if shell is None:
        before = [name in g for name in PER_REQUEST]
        shell = render_template(LAYOUT, kept_layout_slot=SLOT, **context).split(SLOT)
        if [name in g for name in PER_REQUEST] != before or len(shell) != 4:
            return None
        with _lock:
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = shell
    return shell
