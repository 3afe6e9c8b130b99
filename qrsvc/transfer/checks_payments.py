"""The checks of an archive's payment accounts, shop listings and signs marked tampered.

Each value passes the very check the admin's forms pass it through: a bank of the bank
list, an account number that is no card, a holder's name as banks write it
(:mod:`qrsvc.vietqr`), a shop's https address and platform name
(:mod:`qrsvc.payments.listings`). What a form cannot make is refused too: an account
whose state and dates disagree, two verified accounts of one owner, two open markings
of one sign, an owner that is not in the archive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from qrsvc.models import AccountState, PaymentAccount, RetailListing, SignTampering
from qrsvc.payments import PaymentError, listing_url, platform_name
from qrsvc.payments.accounts import NOTE_LENGTH
from qrsvc.payments.listings import MAX_LISTINGS
from qrsvc.transfer.checks import Seen, no_producer
from qrsvc.transfer.columns import load_columns
from qrsvc.transfer.snapshot import SKIPPED
from qrsvc.vietqr import VietQRError, account_number, bank_of, holder_name

#: Per state, which of (reviewed_at, replaced_at) an account has.
DATES = {
    AccountState.PROPOSED: (False, False),
    AccountState.VERIFIED: (True, False),
    AccountState.REJECTED: (True, False),
    AccountState.REPLACED: (True, True),
}


def check_account(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A payment account of one relic or producer of the archive, valid in every field."""
    table = PaymentAccount.__table__
    values, problems = load_columns(table, raw, SKIPPED["payment_accounts"], {"relic", "producer"})
    errors.extend(problems)
    relic, producer = raw.get("relic"), raw.get("producer")
    if (relic is None) == (producer is None):
        errors.append(_("An account belongs to one relic or one producer."))
    elif relic is not None and not (isinstance(relic, str) and relic in seen.relic_codes):
        errors.append(_no_relic(relic))
    elif producer is not None and not seen.has("producer ref", producer):
        errors.append(no_producer(producer))
    for name, check in (
        ("bank_bin", lambda v: bank_of(v).bin),
        ("account_number", account_number),
        ("holder_name", holder_name),
    ):
        if name in values:
            _as_checked(errors, name, values[name], check)
    state = values.get("state", AccountState.PROPOSED)
    if state not in DATES:
        errors.append("'state': " + _("%(value)s is no state of an account.", value=_show(state)))
    elif (values.get("reviewed_at") is not None, values.get("replaced_at") is not None) != DATES[
        state
    ]:
        errors.append(
            "'state': " + _("%(value)s disagrees with the account's dates.", value=_show(state))
        )
    elif state == AccountState.VERIFIED:
        seen.claim(errors, "verified account", ("relic", relic) if relic else producer, row)
    if len(values.get("review_note") or "") > NOTE_LENGTH:
        errors.append("'review_note': " + _("longer than %(limit)d characters.", limit=NOTE_LENGTH))
    return values | {"relic": relic, "producer": producer}


def check_listing(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """Where to buy: a producer of the archive, a platform's name and an https address."""
    values, problems = load_columns(
        RetailListing.__table__, raw, SKIPPED["retail_listings"], {"producer"}
    )
    errors.extend(problems)
    producer = raw.get("producer")
    if not seen.has("producer ref", producer):
        errors.append(no_producer(producer))
    if "platform" in values:
        _as_checked(errors, "platform", values["platform"], platform_name)
    if "url" in values:
        _as_checked(errors, "url", values["url"], listing_url)
        seen.claim(errors, "shop address", (producer, values["url"]), row)
    seen.listings[producer] = count = seen.listings.get(producer, 0) + 1
    if count == MAX_LISTINGS + 1:
        errors.append(_("A producer lists at most %(limit)s shops.", limit=MAX_LISTINGS))
    return values | {"producer": producer}


def check_tampering(raw: dict, errors: list[str], seen: Seen, row: str) -> dict[str, Any]:
    """A sign marked tampered: a relic of the archive, a short note, one open at a time."""
    values, problems = load_columns(
        SignTampering.__table__, raw, SKIPPED["sign_tamperings"], {"relic"}
    )
    errors.extend(problems)
    relic = raw.get("relic")
    if not (isinstance(relic, str) and relic in seen.relic_codes):
        errors.append(_no_relic(relic))
    note = values.get("note") or ""
    if len(note) > NOTE_LENGTH or not note.isprintable():
        errors.append(
            "'note': " + _("The note is at most %(limit)s printable characters.", limit=NOTE_LENGTH)
        )
    if values.get("replaced_at") is None:
        seen.claim(errors, "open marking", relic, row)
    return values | {"relic": relic}


def _as_checked(errors: list[str], name: str, value: Any, check: Callable[[Any], str]) -> None:
    """``value`` must pass ``check`` and be written as it writes it."""
    try:
        canonical = check(value)
    except (VietQRError, PaymentError) as exc:
        errors.append(f"'{name}': " + _(exc.template, **exc.params))
        return
    if canonical != value:
        should = _(
            "%(value)s should be written %(canonical)s.",
            value=_show(value),
            canonical=repr(canonical),
        )
        errors.append(f"'{name}': {should}")


def _no_relic(code: Any) -> str:
    return "'relic': " + _("no relic %(value)s in the archive.", value=_show(code))


def _show(value: Any) -> str:
    return repr(str(value)[:40])
