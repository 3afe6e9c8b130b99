"""Template filters and globals shared by every page."""

from __future__ import annotations

import markdown
import nh3
from flask import Flask, g
from markupsafe import Markup

from qrsvc import labels, localtime, site
from qrsvc.i18n import LANGUAGE_NAMES
from qrsvc.models import localized

#: Tags Markdown may produce that we keep; everything else (script, style, on*) goes.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "a",
    "abbr",
    "cite",
    "q",
    "sub",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def render_markdown(text: str | None) -> Markup:
    """Markdown written by staff, rendered and sanitised (nh3) for the page."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto", "tel", "geo"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    app.jinja_env.filters["markdown"] = render_markdown
    localtime.init_app(app)  # localtime, localdate, shortdate, isotime
    labels.init_app(app)  # label_of(enumeration, value)
    site.init_app(app)  # site: the site's identity (name, region, office, languages)
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
    app.jinja_env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}

    @app.template_filter("loc")
    def loc(value: dict[str, str] | None, lang: str | None = None) -> str:
        """Per-language dict → text in the page's language (falls back to vi)."""
        return localized(value, lang or getattr(g, "lang", "vi"))
