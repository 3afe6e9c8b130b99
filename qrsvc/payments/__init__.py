"""Official payment accounts and where to buy: the rules, on top of :mod:`qrsvc.vietqr`.

    account = propose(relic, "970436", "0011001932418", "BAN QUAN LY DI TICH", by_user=editor)
    approve(account, by_user=admin);  verified_account(relic) -> account
    official_payload(relic, purpose="Cong duc") -> "000201..."   (None without a verified one)

A producer proposes only for its own producer, only staff verify; an account that is
not verified is never returned by :func:`verified_account` nor printed by
:func:`official_payload`. Refusals raise :class:`PaymentError` (:class:`NotAllowedError` for
who) or :class:`qrsvc.vietqr.VietQRError` (for what), and change nothing.

Also here: the code a page shows (:mod:`~qrsvc.payments.display`), signs marked tampered
(:func:`mark_tampered`, :func:`mark_replaced`), and a visitor's photo of a code checked
against the official one (:mod:`~qrsvc.payments.stickers`).
"""

from qrsvc.payments.access import may_propose, may_review, staff_covers
from qrsvc.payments.accounts import (
    accounts_of,
    approve,
    history,
    official_payload,
    owner_of,
    propose,
    reject,
    verified_account,
)
from qrsvc.payments.errors import NotAllowedError, PaymentError
from qrsvc.payments.listings import (
    add_listing,
    listing_url,
    listings_of,
    platform_name,
    remove_listing,
)
from qrsvc.payments.signs import mark_replaced, mark_tampered, open_tampering, tamperings_of

__all__ = [
    "NotAllowedError",
    "PaymentError",
    "accounts_of",
    "add_listing",
    "approve",
    "history",
    "listing_url",
    "listings_of",
    "mark_replaced",
    "mark_tampered",
    "may_propose",
    "may_review",
    "official_payload",
    "open_tampering",
    "owner_of",
    "platform_name",
    "propose",
    "reject",
    "remove_listing",
    "staff_covers",
    "tamperings_of",
    "verified_account",
]
