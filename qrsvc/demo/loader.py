"""Loading the demo data: ``load_demo(session, media_store)``, safe to run again.

Every demo record has a stable key (relic code, producer/product/batch ref, user email);
a record whose key is already in the database is left alone, so a second run creates
nothing and changes nothing, and a run after a partial delete only fills the gaps.
Photos are drawn, checked and resized like any upload, and found again by their SHA-256.
Records without scan counts get five weeks of made-up history (:mod:`qrsvc.demo.scans`),
and Lam Kinh gets an audio narration (:mod:`qrsvc.demo.narration`).
The whole load is one transaction: it commits at the end or leaves nothing behind.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from qrsvc.database import begin_write
from qrsvc.demo import content, trace_loader
from qrsvc.demo.areas import assign_areas, load_areas
from qrsvc.demo.common import nfc_deep, noted
from qrsvc.demo.narration import load_narration
from qrsvc.demo.photos import store_photo
from qrsvc.demo.result import DemoLogin, DemoResult
from qrsvc.demo.scans import load_scan_history
from qrsvc.demo.site import load_site
from qrsvc.localtime import local_today
from qrsvc.media.storage import MediaStore
from qrsvc.models import (
    Festival,
    Media,
    Producer,
    RelatedRelic,
    Relic,
    RelicMedia,
    RelicSlug,
    RelicTranslation,
    Stele,
    User,
    utcnow,
)

__all__ = ["DemoLogin", "DemoResult", "load_demo"]

RELIC_FIELDS = (
    "code", "slug", "rank", "rank_decision_no", "rank_decision_date", "commune", "commune_old",
    "district_old", "province", "address", "latitude", "longitude", "opening_hours", "fee_vnd",
    "phone", "email", "status",
)  # fmt: skip


def load_demo(
    session: Session | scoped_session, media_store: MediaStore, today: date | None = None
) -> DemoResult:
    """Load the demo relics, producers, products, batches, scans and users; commit once.

    Returns what was created, with the logins of accounts created by this run (their
    passwords exist nowhere else: the caller shows or saves them). The scan history
    covers the weeks before ``today`` (default: today in Vietnam).
    """
    result = DemoResult()
    # Reads decide what to write, so take SQLite's write lock before the first read.
    session = begin_write(session)
    media_before = session.scalar(select(func.count(Media.id)))
    try:
        load_site(session, result)
        load_areas(session, result)
        _load_relics(session, media_store, result)
        producers = trace_loader.load_producers(session, result)
        assign_areas(session)
        trace_loader.load_products(session, media_store, producers, result)
        trace_loader.load_batches(session, result)
        load_narration(session, media_store, result)
        load_scan_history(session, result, today or local_today())
        _load_users(session, producers, result)
        new_media = session.scalars(
            select(Media.storage_key).order_by(Media.id).offset(media_before)
        )
        for key in new_media:
            result.add("media", key)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def _load_relics(session: Session, store: MediaStore, result: DemoResult) -> None:
    taken = set(session.execute(select(Relic.code, Relic.slug)).all())
    codes = {code for code, _ in taken}
    slugs = {slug for _, slug in taken} | set(session.scalars(select(RelicSlug.slug)))
    for spec in map(nfc_deep, content.RELICS):
        if spec["code"] in codes or spec["slug"] in slugs:
            continue
        relic = Relic(**{name: spec[name] for name in RELIC_FIELDS if name in spec})
        session.add(relic)
        if relic.status == "published":
            relic.published_at = utcnow()
        for lang, texts in spec["translations"].items():
            texts = dict(texts, summary=noted(texts["summary"]))
            relic.translations.append(RelicTranslation(lang=lang, **texts))
        relic.festivals = [Festival(**festival) for festival in spec["festivals"]]
        relic.steles = [Stele(**stele) for stele in spec["steles"]]
        relic.slug_history = [
            RelicSlug(slug=s) for s in spec.get("old_slugs", []) if s not in slugs
        ]
        for position, photo in enumerate(spec["photos"]):
            relic.media.append(
                RelicMedia(media=store_photo(session, store, photo), position=position)
            )
        result.add("relics", relic.code)
    session.flush()
    ids = dict(session.execute(select(Relic.code, Relic.id)).all())
    pairs = set(session.execute(select(RelatedRelic.relic_id, RelatedRelic.related_id)).all())
    for spec in content.RELICS:
        for other in spec["related"]:
            pair = (ids.get(spec["code"]), ids.get(other))
            if None in pair or pair in pairs:
                continue
            session.add(RelatedRelic(relic_id=pair[0], related_id=pair[1]))
            pairs.add(pair)
            result.add("related_relics", f"{spec['code']}->{other}")
    session.flush()


def _load_users(session: Session, producers: dict[str, Producer], result: DemoResult) -> None:
    emails = set(session.scalars(select(User.email)))
    for spec in map(nfc_deep, content.USERS):
        if spec["email"] in emails:
            continue  # its password was shown when it was created; we never know it again
        password = secrets.token_urlsafe(12)
        user = User(
            email=spec["email"],
            display_name=spec["display_name"],
            role=spec["role"],
            producer=producers.get(spec.get("producer", "")),
        )
        user.set_password(password)
        session.add(user)
        result.add("users", user.email)
        result.logins.append(DemoLogin(user.email, user.role, password, spec.get("producer")))
    session.flush()
