"""Model behaviour that the rest of the system relies on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qrsvc.database import begin_write
from qrsvc.extensions import db
from qrsvc.models import Batch, Producer, Product, Relic, RelicTranslation, TraceEvent, User


def _product(session, **kw) -> Product:
    producer = Producer(ref="hoa-son", name="HTX Hoa Sơn", kind="cooperative")
    product = Product(producer=producer, ref=kw.pop("ref", "BG"), name={"vi": "Bánh gai"}, **kw)
    session.add(product)
    return product


def test_concurrent_edit_is_detected_not_overwritten(app, session):
    relic = Relic(code="LK01", slug="lam-kinh")
    relic.translations.append(RelicTranslation(lang="vi", name="Lam Kinh"))
    session.add(relic)
    session.commit()
    session.refresh(relic)
    session.expunge(relic)  # the copy a first editor loaded, at version 1
    with Session(db.engine) as other:
        theirs = other.get(Relic, relic.id)
        theirs.address = "Xuân Lam"
        other.commit()
    begin_write(session)
    mine = session.merge(relic, load=False)
    mine.address = "Thọ Xuân"
    with pytest.raises(StaleDataError):
        session.commit()
    session.rollback()
    assert session.get(Relic, relic.id).address == "Xuân Lam"
    assert session.get(Relic, relic.id).version == 2


def test_datetimes_round_trip_as_aware_utc(session):
    product = _product(session)
    batch = Batch(ref="BG-1", product=product, lot="L1")
    session.add(batch)
    local = datetime(2026, 11, 2, 7, 30, tzinfo=timezone(timedelta(hours=7)))
    batch.events.append(TraceEvent(biz_step="commissioning", event_time=local))
    session.commit()
    session.expire_all()
    stored = session.get(Batch, batch.id).events[0].event_time
    assert stored.tzinfo is not None
    assert stored == local
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(session):
    product = _product(session)
    batch = Batch(ref="BG-1", product=product, lot="L1")
    session.add(batch)
    batch.events.append(TraceEvent(biz_step="shipping", event_time=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        session.commit()


@pytest.mark.parametrize(
    "fields",
    [{"ocop_stars": 6}, {"ocop_stars": 2}, {"gtin": "893123"}],
)
def test_product_constraints(session, fields):
    _product(session, **fields)
    with pytest.raises(IntegrityError):
        session.commit()


def test_gtin_unique_when_set_and_optional(session):
    _product(session, ref="A", gtin="08931234567896")
    session.commit()
    session.add(Product(producer_id=1, ref="B", name={"vi": "x"}))
    session.add(Product(producer_id=1, ref="C", name={"vi": "y"}))
    session.commit()  # two products without GTIN are fine
    session.add(Product(producer_id=1, ref="D", name={"vi": "z"}, gtin="08931234567896"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_producer_account_needs_its_producer(session):
    user = User(email="p@x.vn", role="producer")
    user.set_password("long enough password")
    session.add(user)
    with pytest.raises(IntegrityError):
        session.commit()


def test_lot_unique_per_product(session):
    product = _product(session)
    session.add_all(
        [Batch(ref="a", product=product, lot="L1"), Batch(ref="b", product=product, lot="L1")]
    )
    with pytest.raises(IntegrityError):
        session.commit()


def test_ocop_badge_validity(session):
    product = _product(session, ocop_stars=4, ocop_cert_expiry=date(2026, 1, 31))
    assert product.ocop_valid_on(date(2026, 1, 31))
    assert not product.ocop_valid_on(date(2026, 2, 1))
    product.ocop_stars = None
    assert not product.ocop_valid_on(date(2025, 1, 1))


def test_foreign_keys_enforced(session):
    session.add(Batch(ref="orphan", product_id=999, lot="X"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_created_at_is_set(session):
    product = _product(session)
    session.commit()
    assert datetime.now(UTC) - product.created_at < timedelta(minutes=1)


def test_read_then_write_after_another_writer(app, session):
    """The WAL upgrade trap: a transaction that read must not fail to write."""
    _product(session)
    session.commit()
    assert session.query(Product).count() == 1  # this request has read...
    with Session(db.engine) as other:  # ...another process writes meanwhile...
        other.get(Product, 1).category = "bánh"
        other.commit()
    begin_write(session)  # ...and this one still gets to write.
    product = session.get(Product, 1)
    assert product.category == "bánh"
    product.category = "bánh truyền thống"
    session.commit()
    assert session.get(Product, 1).version == 3
