"""Rendering the stamp page, the hot path of the service, with less repeated work.

Two things the page did on every scan, done once instead, with byte-identical output:

* Interface strings: every ``_()`` went through Jinja's gettext alias and Flask-Babel,
  which finds the request's domain, locale and catalog again for each of the page's 25
  or so strings (a fifth of the cost of a scan). :func:`page_gettext` finds the catalog
  once per request and looks the strings up in it directly: the same catalog, the same
  Markup escaping of the arguments, ``num`` set for plurals.
* The layout: its fixed parts (head links, inlined stylesheet, header, footer) are the
  same on every stamp page in a language. :func:`render_page` renders them once per
  language and runs only the page's blocks and the language links per request.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Any

from flask import before_render_template, current_app, g, request, template_rendered
from flask_babel import get_translations
from jinja2 import Environment, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# Per catalog object, so a catalog Flask-Babel reloads or drops takes its helpers along.
_helpers: weakref.WeakKeyDictionary[Any, dict[str, Callable]] = weakref.WeakKeyDictionary()


def page_gettext() -> dict[str, Callable]:
    """``_``, ``gettext`` and ``ngettext`` bound to this request's catalog, for a template.

    Passed to ``render_template``, they take the place of the globals Flask-Babel
    installed, in the page and in the layout it extends (imported macros keep theirs).
    """
    translations = get_translations()
    helpers = _helpers.get(translations)
    if helpers is None:
        helpers = _helpers[translations] = _bind(translations)
    return helpers


def _bind(translations: Any) -> dict[str, Callable]:
    # Markup below is what Jinja does too: catalog texts are our own templates' strings,
    # and Markup's % escapes the arguments.
    lookup, plural = translations.ugettext, translations.ungettext
    plain: dict[str, Markup] = {}  # strings without arguments, translated and formatted once

    # Jinja's "newstyle" gettext (jinja2.ext._make_new_gettext), minus the lookups.
    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        if not context.eval_ctx.autoescape:
            return lookup(string) % variables
        if variables:
            return Markup(lookup(string)) % variables  # noqa: S704
        text = plain.get(string)
        if text is None:
            # Formatted even without arguments, as Jinja does: "%%" becomes "%".
            text = plain[string] = Markup(lookup(string)) % {}  # noqa: S704
        return text

    @pass_context
    def ngettext(context: Context, singular: str, plural_: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = plural(singular, plural_, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


# --- the layout around the page, rendered once per language ---------------------------

#: The layout the stamp page extends, and its blocks that change from one request to the
#: next besides those the page fills: the language links (they point at this page's URL).
LAYOUT = "base.html"
LAYOUT_SLOTS = ("langs",)
_MARK = re.compile("\x00(\\w+)\x00")
_PER_REQUEST = ("csp_nonce", "csrf_token")  # what g holds once a page used them
# Per Jinja environment (one per app): compiled shells and the shells rendered so far.
_shells: weakref.WeakKeyDictionary[Environment, dict] = weakref.WeakKeyDictionary()


def render_page(name: str, layout_slots: tuple[str, ...] = LAYOUT_SLOTS, **context: Any) -> str:
    """``render_template(name, **context)``, with the layout's fixed parts kept.

    The layout's fixed parts (head links, the inlined stylesheet, header, footer: most of
    the page's markup and a third of its rendering) are the same on every stamp page in a
    language: they are rendered once per language and kept; only the page's blocks and
    the ``layout_slots`` are rendered per request: the language links, unless the page
    passes links that are the same on every page (``layout_slots=()``). The page template
    must set nothing at its top level (pass such values in ``context``): only its blocks
    are run. Under test
    or debug each page is also rendered whole and compared, so a layout change that
    breaks this fails the tests instead of reaching a buyer.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    env = app.jinja_env
    page = env.get_template(name)
    app.update_template_context(context)
    before_render_template.send(app, _async_wrapper=app.ensure_sync, template=page, context=context)
    layout = env.get_template(LAYOUT)
    slots = (*layout_slots, *page.blocks)
    pieces = _shell(env, layout, slots, context)
    if pieces is None:  # the layout used something of this request: render it whole
        html = page.render(context)
    else:
        html = _fill(env, page, layout, pieces, context)
        if app.testing or app.debug:
            whole = page.render(context)
            if html != whole:
                raise RuntimeError(f"{name}: the kept layout differs from {LAYOUT}")
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=page, context=context)
    return html


def _shell(env: Environment, layout: Template, slots: tuple, context: dict) -> list[str] | None:
    """The layout cut at ``slots``: [text, slot, text, ..., slot, text]; None: not shareable."""
    kept = _shells.get(env)
    if kept is None:
        kept = _shells[env] = {}
    # What the fixed parts depend on: the layout (a new object when Jinja reloads it), the
    # interface language (texts, <html lang>), where the app is mounted (static URLs) and
    # the inlined stylesheet (a new object when its file changes); and the language links
    # with the one marked current when they are kept too.
    switch = None if "langs" in slots else (tuple(context.get("switch", ())), g.get("lang"))
    css = context["site_css"]()
    key = (layout, slots, context.get("ui_lang"), request.script_root, css, switch)
    pieces = kept.get(key)
    if pieces is None:
        template = kept.get(slots)
        if template is None:
            marks = "".join(f"{{% block {s} %}}\x00{s}\x00{{% endblock %}}" for s in slots)
            template = kept[slots] = env.from_string(f'{{% extends "{LAYOUT}" %}}{marks}')
        before = [name in g for name in _PER_REQUEST]
        pieces = _MARK.split(template.render(context))
        if [name in g for name in _PER_REQUEST] != before or len(pieces) != 2 * len(slots) + 1:
            return None  # a nonce or token of this request is in it: never shared
        if len(kept) > 32:  # slots x languages x stylesheet versions: a handful
            kept.clear()
            kept[slots] = template
        kept[key] = pieces
    return pieces


def _fill(env: Environment, page: Template, layout: Template, pieces: list, context: dict) -> str:
    # The layout imports its language switch at its top level, which is not run here.
    context.setdefault("lang_switch", env.get_template("macros/ui.html").module.lang_switch)
    ctx = page.new_context(context)
    for block_name, block in layout.blocks.items():
        ctx.blocks.setdefault(block_name, []).append(block)  # as the layout's render does
    out = [pieces[0]]
    for slot, text in zip(pieces[1::2], pieces[2::2], strict=True):
        out.append("".join(ctx.blocks[slot][0](ctx)))
        out.append(text)
    return "".join(out)
