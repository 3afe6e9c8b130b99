"""The relic page as bytes: gathered, rendered once, then served from the page cache."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import select

from qrsvc import cache
from qrsvc.extensions import db
from qrsvc.i18n import UI_LANGUAGES
from qrsvc.models import Relic, RelicTranslation, Status
from qrsvc.public.relic_page import build_relic_view
from qrsvc.public.relics import find_relic, normalise_code
from qrsvc.public.rendered import RenderedPage
from qrsvc.public.structured import open_graph, relic_json_ld


def relic_page(code: str, lang: str, content_lang: str | None = None) -> RenderedPage | None:
    """The rendered page of the published relic ``code``; None if unknown.

    ``lang`` is the page (interface) language, ``content_lang`` the language its text
    is shown in (:func:`qrsvc.i18n.content_language`; ``lang`` when not given). Both
    are in the cache key: a Korean page over the English text is a page of its own.
    """
    normalised = normalise_code(code)
    if normalised is None:
        return None
    content_lang = content_lang or lang
    # Only the rendering is cached (shared by every worker, fresh after any edit);
    # the view still counts every scan.
    return cache.get_or_build(
        ("relic", normalised, lang, content_lang),
        lambda: _render_relic(normalised, lang, content_lang),
        kind=RenderedPage,
    )


@dataclass(frozen=True)
class RelicLanguages:
    """The languages a published relic is written in (what the language choice needs)."""

    languages: list[str]


def relic_languages(code: str) -> list[str] | None:
    """The content languages of the published relic ``code``, Vietnamese first; None if unknown.

    Kept in the page cache beside the pages: the visitor's language is chosen among
    these before the page in that language is looked up.
    """
    normalised = normalise_code(code)
    if normalised is None:
        return None
    found = cache.get_or_build(
        ("relic-languages", normalised),
        lambda: _relic_languages(normalised),
        kind=RelicLanguages,
    )
    return None if found is None else list(found.languages)


def _relic_languages(code: str) -> RelicLanguages | None:
    rows = db.session.execute(
        select(Relic.id, RelicTranslation.lang)
        .outerjoin(RelicTranslation, RelicTranslation.relic_id == Relic.id)
        .where(Relic.code == code, Relic.status == Status.PUBLISHED)
    ).all()
    if not rows:
        return None
    found = {lang for _id, lang in rows if lang}
    return RelicLanguages(sorted(found, key=lambda lang: (lang != "vi", lang)))


def _render_relic(code: str, lang: str, content_lang: str) -> RenderedPage | None:
    relic = find_relic(code)
    if relic is None:
        return None
    view = build_relic_view(relic, lang, content_lang=content_lang)
    canonical = f"{current_app.config['PUBLIC_URL']}/r/{relic.code}"
    html = render_template(
        "public/relic.html",
        view=view,
        relic=relic,
        canonical=canonical,
        json_ld=relic_json_ld(view, canonical),
        og=open_graph(view, canonical),
        switch=[
            (lang_, f"/r/{relic.code}?lang={lang_}&via=site") for lang_ in switch_languages(relic)
        ],
    )
    # Counted under the language asked for: it shows which translations visitors want.
    return RenderedPage.of(html, target_id=relic.id, lang=lang)


def switch_languages(relic: Relic) -> list[str]:
    """Languages offered on a relic page: its own, and always the interface languages."""
    return relic.languages + [lang for lang in UI_LANGUAGES if lang not in relic.languages]


def similar_codes(code: str, limit: int = 3) -> list[str]:
    """Published relic codes that look like ``code`` (a misread or mistyped sign)."""
    codes = db.session.scalars(select(Relic.code).where(Relic.status == Status.PUBLISHED)).all()
    return difflib.get_close_matches(code.upper()[:12], codes, n=limit, cutoff=0.5)
