"""Where to buy: a producer's shops on e-commerce platforms, as https addresses.

    add_listing(producer, "Postmart", "https://postmart.vn/shop/htx-tu-tru", by_user=user)
    listings_of(producer) -> [RetailListing(platform="Postmart", url="https://...")]

An address is shown as a link on a product's page, so only a plain ``https`` address of
a named host is taken: no other scheme, no user name or password before the host (the
"https://shop.vn@elsewhere" trick), no IP address, no spaces or control characters.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Producer, RetailListing, Revision, User
from qrsvc.payments.access import may_propose
from qrsvc.payments.errors import N_, NotAllowedError, PaymentError

ENTITY = "retail_listing"
URL_LENGTH = 500
PLATFORM_LENGTH = 80
#: Listings per producer: a page lists them all.
MAX_LISTINGS = 20


def listing_url(value: object) -> str:
    """``value`` as a shop address: https, a host name, at most 500 characters."""
    if not isinstance(value, str):
        raise PaymentError("url", N_("The address is not text."))
    text = value.strip()
    if not text:
        raise PaymentError("url", N_("Give the shop's address."))
    if len(text) > URL_LENGTH:
        raise PaymentError(
            "url",
            N_("The address has %(length)s characters; at most %(limit)s."),
            length=len(text),
            limit=URL_LENGTH,
        )
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise PaymentError("url", N_("An address has no spaces or control characters."))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise PaymentError("url", N_("This is not a web address.")) from exc
    if parts.scheme.lower() != "https":
        raise PaymentError("url", N_("The address must start with https://."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise PaymentError("url", N_("An address has no name or password before its host."))
    host = (parts.hostname or "").rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise PaymentError("url", N_("The address has no valid host name.")) from exc
    if "." not in ascii_host or _is_ip(ascii_host) or port not in (None, 443):
        raise PaymentError("url", N_("The address needs a shop's host name, e.g. postmart.vn."))
    return urlunsplit(("https", ascii_host, parts.path or "/", parts.query, parts.fragment))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.replace(".", "").isdigit()  # 127.1 and friends
    return True


def platform_name(value: object) -> str:
    """The platform's name as people know it ("Postmart", "Sàn nông sản Nghệ An")."""
    if not isinstance(value, str):
        raise PaymentError("platform", N_("The platform's name is not text."))
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise PaymentError("platform", N_("Give the platform's name."))
    if len(text) > PLATFORM_LENGTH or not text.isprintable():
        raise PaymentError(
            "platform",
            N_("The platform's name is at most %(limit)s printable characters."),
            limit=PLATFORM_LENGTH,
        )
    return text


def listings_of(producer: Producer) -> list[RetailListing]:
    """The producer's listings in the order they are shown."""
    query = (
        select(RetailListing)
        .where(RetailListing.producer_id == producer.id)
        .order_by(RetailListing.position, RetailListing.id)
    )
    return list(db.session.scalars(query))


def _revision(listing: RetailListing, action: str, changes: dict, user: User) -> None:
    db.session.add(
        Revision(
            entity_type=ENTITY,
            entity_id=listing.id,
            version=1,
            action=action,
            changes=changes,
            user_id=user.id,
        )
    )


def add_listing(
    producer: Producer, platform: object, url: object, by_user: User | None
) -> RetailListing:
    """Add a shop of ``producer``: staff, or the producer's own account."""
    if not may_propose(by_user, producer):
        raise NotAllowedError(N_("You may not change where this producer's goods are sold."))
    platform = platform_name(platform)
    url = listing_url(url)
    existing = listings_of(producer)
    if any(listing.url == url for listing in existing):
        raise PaymentError("url", N_("This address is already listed."))
    if len(existing) >= MAX_LISTINGS:
        raise PaymentError("", N_("A producer lists at most %(limit)s shops."), limit=MAX_LISTINGS)
    listing = RetailListing(
        producer_id=producer.id,
        platform=platform,
        url=url,
        position=max((item.position for item in existing), default=-1) + 1,
        added_by_id=by_user.id,
    )
    db.session.add(listing)
    db.session.flush()
    _revision(listing, "create", {"platform": [None, platform], "url": [None, url]}, by_user)
    db.session.commit()
    return listing


def remove_listing(listing: RetailListing, by_user: User | None) -> None:
    """Remove a shop from the producer's listings (the revision keeps what it was)."""
    if not may_propose(by_user, listing.producer):
        raise NotAllowedError(N_("You may not change where this producer's goods are sold."))
    _revision(
        listing,
        "delete",
        {"platform": [listing.platform, None], "url": [listing.url, None]},
        by_user,
    )
    db.session.delete(listing)
    db.session.commit()
