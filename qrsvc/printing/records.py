"""What gets printed, from the database: generator records for signs, labels, stamps.

The generator is a pure core (plain records in, PDF out); this module is the one
place that turns relics, batches and stamp runs into its records, for the CLI, the
background jobs and the admin alike.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pypdfium2 as pdfium
from flask import current_app

from qrsvc.generator import LabelData, SignData, StampData, load_formats
from qrsvc.models import Batch, Relic, StampRun
from qrsvc.stamps.runs import run_stamps
from qrsvc.trace.identifiers import batch_uri

RANK_WORDS = {
    "special_national": ("Di tích quốc gia đặc biệt", "Special national relic"),
    "national": ("Di tích quốc gia", "National relic"),
    "provincial": ("Di tích cấp tỉnh", "Provincial relic"),
    "unranked": ("", ""),
}
PREVIEW_DPI = 50


def formats_of(kind: str) -> dict[str, str]:
    """``{name: description}`` of the print formats of ``kind`` (sign, label, stamp)."""
    return {
        name: fmt.description for name, fmt in sorted(load_formats().items()) if fmt.kind == kind
    }


def relic_url(code: str, public_url: str | None = None) -> tuple[str, str]:
    """The URL a sign encodes and the text printed under it.

    In upper case the whole URL fits QR's alphanumeric mode: a smaller symbol that
    scans from further away (relic codes match case-insensitively, ``/R/LK01`` too).
    """
    base = public_url or current_app.config["PUBLIC_URL"]
    scheme, _sep, rest = base.partition("://")
    host, slash, prefix = rest.partition("/")
    # Scheme and host are case-insensitive; a path prefix is kept as configured.
    url = f"{scheme.upper()}://{host.upper()}{slash}{prefix}/R/{code.upper()}"
    return url, f"{rest}/r/{code.upper()}"


def sign_data(relic: Relic) -> SignData:
    """The sign of a relic: Vietnamese and English names, rank, code."""
    vi, en = relic.translation("vi"), relic.translation("en")
    url, short = relic_url(relic.code)
    rank_vi, rank_en = RANK_WORDS.get(relic.rank, ("", ""))
    return SignData(
        title_vi=(vi.name if vi else "") or relic.code,
        title_en=en.name if en else "",
        relic_code=relic.code,
        url=url,
        short_url=short,
        rank_vi=rank_vi,
        rank_en=rank_en,
    )


def label_data(batch: Batch, today: date) -> LabelData:
    """One label of a batch; the OCOP stars only while the certificate is valid."""
    product = batch.product
    return LabelData(
        product_name=product.display_name("vi") or product.ref,
        producer=product.producer.name,
        lot=batch.lot,
        url=batch_uri(batch, current_app.config["PUBLIC_URL"]),
        production_date=batch.production_date,
        expiry_date=batch.expiry_date,
        ocop_stars=product.ocop_stars if product.ocop_valid_on(today) else None,
    )


def stamp_records(run: StampRun, start: int = 0) -> Iterator[StampData]:
    """Every stamp of a run from position ``start``, computed as it is printed."""
    key = current_app.config["STAMP_KEY"].encode()
    for stamp in run_stamps(run, current_app.config["PUBLIC_URL"], key, start=start):
        yield StampData(serial=stamp.label, url=stamp.url, pin=stamp.pin)


def stamp_format(run: StampRun) -> str:
    """The sheet a run prints on: its own format, or the first stamp format there is."""
    formats = formats_of("stamp")
    return run.format_name if run.format_name in formats else next(iter(formats))


def first_page_png(pdf: bytes, dpi: int = PREVIEW_DPI) -> bytes:
    """Page 1 of a PDF as a small PNG, for a preview next to the download button."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72).to_pil()
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()
