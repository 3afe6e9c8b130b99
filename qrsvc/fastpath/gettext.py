"""Interface strings of a page looked up in the request's catalog directly."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# Per catalog object, so a catalog Flask-Babel reloads or drops takes its helpers along.
_helpers: weakref.WeakKeyDictionary[Any, dict[str, Callable]] = weakref.WeakKeyDictionary()


def catalog_gettext() -> dict[str, Callable]:
    """``_``, ``gettext`` and ``ngettext`` bound to this request's catalog, for a template.

    Passed to ``render_template``, they take the place of the globals Flask-Babel
    installed, in the page, the layout it extends and the templates it includes
    (imported macros keep theirs). They give what Jinja's i18n extension gives with
    ``newstyle`` gettext: the translated text, always %-formatted (so ``%%`` is ``%``),
    the arguments escaped when autoescaping is on, ``num`` set for plurals.
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

    @pass_context
    def gettext(context: Context, string: str, **variables: Any) -> str:
        if not context.eval_ctx.autoescape:
            return lookup(string) % variables
        if variables:
            return Markup(lookup(string)) % variables  # noqa: S704
        text = plain.get(string)
        if text is None:
            text = plain[string] = Markup(lookup(string)) % {}  # noqa: S704
        return text

    @pass_context
    def ngettext(context: Context, singular: str, plural_: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = plural(singular, plural_, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}
