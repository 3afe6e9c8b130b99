"""Five weeks of made-up scan history, so the demo's dashboard has something to show.

Relic signs are scanned most (Lam Kinh above all), on weekends more than on weekdays,
and on the full-moon day of the lunar month (rằm, when people go to the temples) most
of all; the first of the lunar month (mùng một) is busy too. Products and their batches
are scanned a few times a day, a batch only once it is on sale. One relic's plate was
covered three weeks ago: its page is still visited from the site but its code is no
longer scanned, so the dashboard's list of silent signs has an entry. Every view has a
language and a device; pages opened from links inside the site (``source="site"``) and
a few bots are stored apart, as the real counter does.

The numbers of one record on one day come from a random source seeded with a fixed
seed, the record and the day: the same history on every machine for the same dates.
A record that already has any scan counts gets none (so loading twice adds nothing,
and a record deleted and loaded again gets its history back).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from lunardate import LunarDate
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from qrsvc.demo import content
from qrsvc.demo.result import DemoResult
from qrsvc.models import Batch, Product, Relic, ScanCount

__all__ = ["HISTORY_DAYS", "SEED", "Profile", "day_counts", "load_scan_history"]

SEED = "qrsvc-demo-scans-1"
#: The history covers the days before today; today is left to the visitors of the demo.
HISTORY_DAYS = 35
#: Relics' scans per weekday (before the weekend and lunar-calendar factors).
RELIC_BASE = {"LK01": 40, "LH01": 16, "LP01": 7, "PL01": 6, "TT01": 4}
#: This relic's sign has not been scanned for three weeks (a poster covers it).
SILENT_RELIC, SILENT_FOR_DAYS = "LP01", 21
PRODUCT_BASE = 3
BATCH_BASE = 2
#: A batch's labels reach buyers a few days after it was made.
ON_SALE_AFTER_DAYS = 3


@dataclass(frozen=True)
class Profile:
    """How one kind of page is visited: language and device mix, weekly rhythm."""

    languages: dict[str, int]
    weekend: float  # factor on Saturdays and Sundays
    lunar: bool  # busier on the 1st and 15th of the lunar month
    site_share: float  # visits from inside the site, per scan
    bots: int  # bot visits a day, at most


RELIC = Profile({"vi": 68, "en": 14, "zh": 6, "ko": 7, "fr": 5}, 1.8, True, 0.35, 3)
GOODS = Profile({"vi": 85, "en": 10, "zh": 5}, 1.3, False, 0.2, 1)
#: Scans of printed codes are made with phones; visits from the site often with computers.
QR_DEVICES = {"mobile": 95, "desktop": 5}
SITE_DEVICES = {"mobile": 70, "desktop": 30}


def day_factor(day: date, profile: Profile) -> float:
    """How much busier ``day`` is than an ordinary weekday."""
    factor = profile.weekend if day.weekday() >= 5 else 1.0
    if profile.lunar:
        lunar_day = LunarDate.from_solar_date(day.year, day.month, day.day).day
        factor *= {15: 4.0, 1: 2.0}.get(lunar_day, 1.0)  # rằm: the festival day of the month
    return factor


def day_counts(
    kind: str, key: str, day: date, base: float, profile: Profile
) -> Counter[tuple[str, str, str]]:
    """Views of record ``kind``/``key`` on ``day``: ``{(lang, source, device): n}``."""
    rng = random.Random(f"{SEED}:{kind}:{key}:{day.isoformat()}")
    scans = round(base * day_factor(day, profile) * rng.uniform(0.7, 1.3))
    langs, lang_weights = zip(*profile.languages.items(), strict=True)
    counts: Counter[tuple[str, str, str]] = Counter()
    for source, n, devices in (
        ("qr", scans, QR_DEVICES),
        ("site", round(scans * profile.site_share * rng.uniform(0.6, 1.4)), SITE_DEVICES),
    ):
        picked = zip(
            rng.choices(langs, lang_weights, k=n),
            rng.choices(list(devices), list(devices.values()), k=n),
            strict=True,
        )
        counts.update((lang, source, device) for lang, device in picked)
    bots = rng.randint(0, profile.bots)
    if bots:
        counts[("", "site", "bot")] += bots  # how the counter stores bots: never scans
    return counts


def _targets(session: Session, today: date) -> Iterator[tuple[str, int, str, float, Profile, date]]:
    """``(kind, id, key, base, profile, first day)`` of every demo record that is visited."""
    first = today - timedelta(days=HISTORY_DAYS)
    codes = [spec["code"] for spec in content.RELICS]
    for rid, code in session.execute(
        select(Relic.id, Relic.code).where(Relic.code.in_(codes), Relic.status == "published")
    ):
        yield "relic", rid, code, RELIC_BASE.get(code, 4), RELIC, first
    refs = [spec["ref"] for spec in content.PRODUCTS]
    for pid, ref in session.execute(select(Product.id, Product.ref).where(Product.ref.in_(refs))):
        yield "product", pid, ref, PRODUCT_BASE, GOODS, first
    refs = [spec["ref"] for spec in content.BATCHES]
    for bid, ref, made in session.execute(
        select(Batch.id, Batch.ref, Batch.production_date).where(Batch.ref.in_(refs))
    ):
        on_sale = (made or first) + timedelta(days=ON_SALE_AFTER_DAYS)
        yield "batch", bid, ref, BATCH_BASE, GOODS, max(first, on_sale)


def load_scan_history(session: Session, result: DemoResult, today: date) -> None:
    """Add the history of the ``HISTORY_DAYS`` days before ``today`` to records without any."""
    counted = set(session.execute(select(ScanCount.target_kind, ScanCount.target_id).distinct()))
    covered_since = today - timedelta(days=SILENT_FOR_DAYS - 1)
    rows = []
    for kind, target_id, key, base, profile, first in _targets(session, today):
        if (kind, target_id) in counted:
            continue
        silent = kind == "relic" and key == SILENT_RELIC
        before = len(rows)
        for offset in range((today - first).days):
            day = first + timedelta(days=offset)
            for (lang, source, device), n in sorted(
                day_counts(kind, key, day, base, profile).items()
            ):
                if silent and source == "qr" and day >= covered_since:
                    continue  # the plate is covered; people still find the page on the site
                rows.append(
                    {
                        "day": day,
                        "target_kind": kind,
                        "target_id": target_id,
                        "lang": lang,
                        "source": source,
                        "device": device,
                        "count": n,
                    }
                )
        if len(rows) > before:
            result.add("scan_histories", f"{kind}:{key}")
    if rows:
        session.execute(insert(ScanCount), rows)
        session.flush()
