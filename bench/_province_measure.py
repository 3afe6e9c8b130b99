"""Timing pages of the real app in this process, for bench/province.py.

Each database gets its own app (``create_app``, the same code as the servers run), with
the page cache off so that every request renders from the database: what is measured
is what grows with the data. Requests go through the WSGI stack by Flask's test
client: routing, language choice, sessions, CSRF, the scan buffer, the templates.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import quantiles

from sqlalchemy import func, select

from qrsvc import create_app
from qrsvc.extensions import db
from qrsvc.models import Batch, Product, Relic, StampRun, StampState, User
from qrsvc.stamps import runs
from qrsvc.stamps.codes import make_token

PHONE = "Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 Chrome/120 Mobile Safari"
STAMP_KEY = "province benchmark stamp key"
ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "bench admin password"  # noqa: S105 - a throwaway benchmark account


@dataclass
class Site:
    """One database under test: its app, a signed-in admin client and the paths to time."""

    name: str
    app: object
    paths: dict[str, list[str]]
    serials: list[int]
    samples: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    counted: int = 0  # stamp requests that were counted scans
    client: object = None  # a test client signed in as the benchmark's admin


def open_site(name: str, url: str, instance: Path, picks: int) -> Site:
    """An app on ``url`` with an admin account, and the pages of ``picks`` records each."""
    config = {
        "DATABASE_URL": url,
        "SECRET_KEY": "province benchmark secret key",
        "STAMP_KEY": STAMP_KEY,
        "PAGE_CACHE_SECONDS": 0,  # every page rendered from the database
        "RATELIMIT_ENABLED": False,
        "STAMP_REVIEW_SECONDS": 0,  # every stamp request is a counted scan
        "WTF_CSRF_ENABLED": True,
    }
    app = create_app(config, instance_path=str(instance))
    with app.app_context():
        session = db.session
        if session.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is None:
            user = User(email=ADMIN_EMAIL, role="admin", display_name="Bench", password_hash="")
            user.set_password(ADMIN_PASSWORD)
            session.add(user)
            session.commit()
        relics = session.scalars(
            select(Relic.code).where(Relic.status == "published").order_by(Relic.id).limit(picks)
        ).all()
        products = session.execute(
            select(Product.ref, Batch.lot, Batch.ref)
            .join(Batch, Batch.product_id == Product.id)
            .where(Product.status == "published", Batch.status == "active")
            .order_by(Batch.id)
            .limit(picks)
        ).all()
        if session.scalar(select(StampRun.id).where(StampRun.status == "active")) is None:
            # The demo prints no stamps: give its first active batch a run, as staff would.
            batch = session.scalar(select(Batch).where(Batch.status == "active").limit(1))
            run = runs.allocate_run(session, batch, 500)
            runs.activate(session, run.id)
        active = session.execute(
            select(StampRun.first_serial, StampRun.count).where(StampRun.status == "active")
        ).all()
        serials = spread_serials(active, picks)
        paths = {
            "relic page": [f"/r/{code}" for code in relics],
            "product page": sorted({f"/p/{ref}" for ref, _lot, _b in products}),
            "batch page": [f"/p/{ref}/10/{lot}" for ref, lot, _b in products],
            "stamp scan": [f"/S/{make_token(STAMP_KEY.encode(), s)}" for s in serials],
            "relic list, filtered": ["/relics?rank=provincial", "/relics?rank=national"],
            "search": ["/search?q=dinh", "/search?q=san+pham", "/search?q=den"],
            "admin dashboard": ["/admin/"],
            "admin lists": [
                "/admin/relics/",
                "/admin/products/",
                "/admin/batches/",
                "/admin/producers/",
            ],
            "EPCIS of a batch": [f"/api/v1/batches/{b}/epcis" for _r, _l, b in products],
        }
        db.session.remove()
    empty = [kind for kind, found in paths.items() if not found]
    if empty:
        raise SystemExit(f"the {name} database has nothing to time for: {', '.join(empty)}")
    site = Site(name, app, paths, serials, client=app.test_client())
    sign_in(site.client)
    return site


def spread_serials(active: list[tuple[int, int]], picks: int) -> list[int]:
    """About ``2 * picks`` serials spread over the active runs."""
    serials = []
    per_run = max(1, 2 * picks // len(active))
    for first, count in active[:: max(1, len(active) // picks)][:picks]:
        serials += [first + (i * 7919) % count for i in range(per_run)]
    return sorted(set(serials))


def sign_in(client) -> None:
    """Sign the admin in through the login form, as a browser does."""
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": token[1]}
    answer = client.post("/admin/login", data=data)
    if answer.status_code != 302:
        raise SystemExit(f"signing the benchmark admin in failed: {answer.status_code}")


def scan_total(site: Site) -> int:
    """The stored scan counts of the stamps the benchmark scans."""
    with site.app.app_context():
        total = db.session.scalar(
            select(func.coalesce(func.sum(StampState.scan_count), 0)).where(
                StampState.serial.in_(site.serials)
            )
        )
        db.session.remove()
    return int(total)


def run_round(site: Site, requests: dict[str, int], offset: int) -> None:
    """Time ``requests[kind]`` requests of each kind, taking the paths in turn."""
    for kind, paths in site.paths.items():
        times = site.samples.setdefault(kind, [])
        statuses = site.statuses.setdefault(kind, {})
        for i in range(requests[kind]):
            path = paths[(offset + i) % len(paths)]
            started = time.perf_counter()
            response = site.client.get(path, headers={"User-Agent": PHONE})
            response.get_data()
            times.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if kind == "stamp scan" and response.status_code == 200:
                site.counted += 1


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of ``samples``, in milliseconds."""
    if len(samples) < 2:
        value = samples[0] * 1000 if samples else float("nan")
        return value, value
    cuts = quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000
