"""The URLs printed on labels for products and batches, and used in EPCIS exports.

A product with a GTIN is a GS1 Digital Link (``/01/<gtin14>``, a batch adds
``/10/<lot>``); a product without one has the local short path ``/p/<ref>`` and its
batches ``/p/<ref>/10/<lot>``, built the same way so that a label looks alike either
way. These functions are what the printing engine and ``qrsvc check-links`` call, so a
code is built in exactly one place.
"""

from __future__ import annotations

from urllib.parse import quote

from qrsvc.gs1 import DigitalLink, DigitalLinkError, percent_encode
from qrsvc.models import Batch, Product

LOCAL_PREFIX = "/p/"


def product_path(product: Product) -> str:
    """The path a product's code opens: ``/01/<gtin14>`` or ``/p/<ref>``."""
    if product.gtin:
        return DigitalLink(product.gtin).path
    return LOCAL_PREFIX + quote(product.ref, safe="")


def batch_path(batch: Batch) -> str:
    """The path a batch label opens: ``/01/<gtin14>/10/<lot>`` or ``/p/<ref>/10/<lot>``.

    A lot that GS1 cannot carry (a space, a Vietnamese letter typed before the admin
    checked lots) still gets a working code: the local path, which takes any lot.
    """
    product = batch.product
    if product.gtin:
        try:
            return DigitalLink(product.gtin, lot=batch.lot).path
        except DigitalLinkError:
            pass
    return f"{LOCAL_PREFIX}{quote(product.ref, safe='')}/10/{percent_encode(batch.lot)}"


def product_uri(product: Product, public_url: str) -> str:
    """The absolute URI of a product on this service (what goes into its QR code)."""
    return public_url.rstrip("/") + product_path(product)


def batch_uri(batch: Batch, public_url: str) -> str:
    """The absolute URI of a batch (the class-level lot URI of EPCIS exports)."""
    return public_url.rstrip("/") + batch_path(batch)
