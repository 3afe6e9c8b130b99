"""Reading the site's identity on every page, and saving it with its history.

:func:`current_site` is read by every template, so it costs a dictionary look-up in the
steady state: each process keeps the identity with the content generation it was read
under (:mod:`qrsvc.cache`), and reads the row again only when the generation moved. A
save touches ``site_settings``, one of the cache's content tables, so its commit moves
the generation for every process (and every host with Redis): the new name shows at once
on every page, kept pages included.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from qrsvc import cache
from qrsvc.database import begin_write
from qrsvc.extensions import db
from qrsvc.media import MediaError, media_store, store_image
from qrsvc.models import Media, Site, SiteChange
from qrsvc.site.identity import DEFAULT_SITE, SiteError, SiteIdentity, clean_settings

EXTENSION = "qrsvc.site"
#: The actor recorded for a save made by ``qrsvc site init``.
COMMAND_LINE = "command line"
#: Changes shown on the admin page.
HISTORY_SHOWN = 50
_lock = threading.Lock()


class _Kept:
    """One process's copy of the identity and the generation it was read under."""

    def __init__(self) -> None:
        self.generation: str | None = None
        self.site: SiteIdentity = DEFAULT_SITE


def current_site() -> SiteIdentity:
    """The site's identity (the defaults until one is saved); no query in the steady state."""
    if not has_app_context():
        return DEFAULT_SITE
    if has_request_context() and "qrsvc_site" in g:
        return g.qrsvc_site
    kept = current_app.extensions.setdefault(EXTENSION, _Kept())
    generation = _content_generation()
    if generation is None or generation != kept.generation:
        site = read_site()
        if site is not None:
            with _lock:
                kept.site, kept.generation = site, generation
        else:  # the database cannot answer now: the defaults, and try again next time
            kept.generation = None
            site = kept.site
    else:
        site = kept.site
    if has_request_context():
        g.qrsvc_site = site
    return site


def _content_generation() -> str | None:
    """The cache's content generation, or None when it cannot be read (no cache, Redis down:
    the row is then read on each call, as a page is built uncached then)."""
    store = current_app.extensions.get(cache.EXTENSION)
    if store is None or not store.usable():
        return None
    try:
        return store.generation.current()
    except Exception:  # noqa: BLE001 - Redis or the instance folder failing must not stop a page
        store.failed()
        return None


def site_version() -> int:
    """The version of the identity pages show (kept layouts are keyed by it)."""
    return current_site().version


def read_site(*, quiet: bool = True) -> SiteIdentity | None:
    """The saved identity, the defaults when none is saved, None when the database fails.

    With ``quiet=False`` a database fault is raised instead (the command line reports it).
    It reads on a connection of its own: a page with a failed or pending transaction
    (an error page) still gets the site's name, and this read leaves it alone.
    """
    query = (
        select(Site.texts, Site.contact_email, Site.hotline, Site.content_languages,
               Site.version, Media.storage_key)
        .outerjoin(Media, Media.id == Site.logo_id)
        .where(Site.id == 1)
    )  # fmt: skip
    try:
        with db.engine.connect() as connection:
            row = connection.execute(query).first()
    except SQLAlchemyError:
        if not quiet:
            raise
        return None
    if row is None:
        return DEFAULT_SITE
    texts, email, hotline, languages, version, logo_key = row
    logo_url = ""
    if logo_key:
        try:
            logo_url = media_store().url_path(logo_key)
        except MediaError:
            logo_key = ""
    return SiteIdentity(
        texts={lang: dict(fields) for lang, fields in (texts or {}).items()},
        contact_email=email,
        hotline=hotline,
        content_languages=tuple(languages or ("vi",)),
        logo_url=logo_url,
        logo_key=logo_key or "",
        version=version,
    )


def save_site(
    values: Mapping[str, Any],
    *,
    user_id: int | None = None,
    actor: str = COMMAND_LINE,
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
) -> SiteIdentity:
    """Check ``values`` (see :func:`clean_settings`), store them and the change; commit.

    ``logo`` is an uploaded image (its bytes and file name), checked and stored like any
    photo; ``remove_logo`` takes the logo away. Raises :class:`SiteError` before anything
    is stored. Returns the identity as pages now show it.
    """
    settings = clean_settings(values)
    session = begin_write(db.session)
    try:
        store_site(
            session, settings, user_id=user_id, actor=actor, logo=logo, remove_logo=remove_logo
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    forget_site()
    return current_site()


def store_site(
    session: Session,
    values: Mapping[str, Any],
    *,
    user_id: int | None = None,
    actor: str = COMMAND_LINE,
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
) -> Site:
    """Check and write the settings and their change in ``session``; flush, never commit.

    For a caller whose own transaction holds more (the demo's load); see :func:`save_site`.
    """
    settings = clean_settings(values)
    site = session.get(Site, 1)
    before = _snapshot(site)
    if site is None:
        site = Site(id=1)
        session.add(site)
    site.texts = settings["texts"]
    site.contact_email = settings["contact_email"]
    site.hotline = settings["hotline"]
    site.content_languages = settings["content_languages"]
    if logo is not None:
        data, name = logo
        alt = {"vi": settings["texts"]["vi"]["name"]}
        try:
            media = store_image(session, media_store(), data, name, alt, uploaded_by_id=user_id)
        except MediaError as exc:
            raise SiteError(str(exc)) from exc
        site.logo_id = media.id
    elif remove_logo:
        site.logo_id = None
    session.flush()
    after = _snapshot(site)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        session.add(SiteChange(user_id=user_id, actor=str(actor)[:254], changes=changes))
        session.flush()
    return site


def forget_site() -> None:
    """Make this process read the identity again (other processes follow the generation)."""
    if has_app_context():
        current_app.extensions.pop(EXTENSION, None)
        if has_request_context():
            g.pop("qrsvc_site", None)


def site_history(limit: int = HISTORY_SHOWN) -> list[SiteChange]:
    """The latest saves of the settings, newest first, with who made them."""
    return list(db.session.scalars(select(SiteChange).order_by(SiteChange.id.desc()).limit(limit)))


def _snapshot(site: Site | None) -> dict[str, Any]:
    """The row's values as the history compares them (texts flattened per language)."""
    if site is None:
        return {}
    values: dict[str, Any] = {
        f"{field}_{lang}": text
        for lang, fields in (site.texts or {}).items()
        for field, text in fields.items()
    }
    values.update(
        contact_email=site.contact_email,
        hotline=site.hotline,
        content_languages=list(site.content_languages or []),
        logo_id=site.logo_id,
    )
    return values
