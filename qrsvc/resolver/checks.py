"""``qrsvc check-links``: every code ever printed must still open something useful.

Relic signs, product and batch labels are asked for with HEAD, as a scanner would
reach them (HEAD and the link checker's bot User-Agent keep these requests out of the
scan statistics). Stamps are never requested, because a request would count as a scan
of a real stamp and could flag it as copied; for them the check is that the URL routes
to the stamp page and that its signature verifies with the configured stamp key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from qrsvc.extensions import db
from qrsvc.gs1 import DigitalLinkError
from qrsvc.models import Batch, Product, Relic, StampRun, Status
from qrsvc.stamps.codes import StampCodeError, parse_token, stamp_url
from qrsvc.trace.identifiers import batch_path, product_path

USER_AGENT = "qrsvc-check-links/1 (bot)"
#: What a scan may legitimately get: the page, a recall notice, or one redirect.
GOOD_STATUSES = {200, 410, 301, 302, 303, 307, 308}
PRINTED_RUNS = ("printed", "active", "voided")


@dataclass
class CodeCheck:
    """One printed code and what became of it (``problem`` is empty when it resolves)."""

    kind: str
    label: str
    url: str
    problem: str = ""


def printed_codes(public_url: str, stamp_key: bytes) -> Iterator[CodeCheck]:
    """Every code the service has given out, as plain data (no ORM objects kept)."""
    relics = db.session.scalars(select(Relic).where(Relic.status == Status.PUBLISHED))
    for relic in relics:
        yield CodeCheck("relic", relic.code, f"{public_url}/r/{relic.code}")
    products = db.session.scalars(
        select(Product).where(Product.status == Status.PUBLISHED).order_by(Product.ref)
    ).all()
    for product in products:
        yield _coded("product", product.ref, lambda p=product: product_path(p), public_url)
    batches = db.session.scalars(
        select(Batch)
        .join(Batch.product)
        .where(Product.status == Status.PUBLISHED)
        .order_by(Product.ref, Batch.ref)
    )
    for batch in batches:
        yield _coded("batch", batch.ref, lambda b=batch: batch_path(b), public_url)
    runs = db.session.scalars(
        select(StampRun).where(StampRun.status.in_(PRINTED_RUNS)).order_by(StampRun.id)
    )
    for run in runs:
        for serial in sorted({run.first_serial, run.last_serial}):
            label = f"{serial} (run {run.id}, batch {run.batch.ref})"
            yield CodeCheck("stamp", label, stamp_url(public_url, stamp_key, serial))


def _coded(kind: str, label: str, path, public_url: str) -> CodeCheck:
    try:
        return CodeCheck(kind, label, public_url + path())
    except DigitalLinkError as exc:
        return CodeCheck(kind, label, "", f"no valid code can be built: {exc}")


def check_codes(app: Flask) -> list[CodeCheck]:
    """Check every printed code against the running configuration."""
    public_url = app.config["PUBLIC_URL"]
    key = app.config["STAMP_KEY"].encode()
    checks = list(printed_codes(public_url, key))
    client = app.test_client()
    for check in checks:
        if check.problem:
            continue
        path = _path_of(check.url)
        if check.kind == "stamp":
            check.problem = _stamp_problem(app, key, path)
        else:
            status = client.head(path, headers={"User-Agent": USER_AGENT}).status_code
            if status not in GOOD_STATUSES:
                check.problem = f"answers {status}"
    return checks


def _path_of(url: str) -> str:
    # Stamp URLs have an upper-case host (QR alphanumeric mode): compare paths only.
    return "/" + url.split("://", 1)[1].partition("/")[2]


def _stamp_problem(app: Flask, key: bytes, path: str) -> str:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(path, method="GET")
    except HTTPException as exc:
        return f"no page answers this URL ({exc.code})"
    token = args.get("token", "")
    try:
        parse_token(key, token)
    except StampCodeError as exc:
        return f"routes to {endpoint} but the stamp does not verify: {exc}"
    return ""
