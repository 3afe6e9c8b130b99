"""Official accounts: proposed, verified or rejected by staff, replaced, and their history.

Every function that changes something checks who asks (:mod:`qrsvc.payments.access`),
checks the input (:mod:`qrsvc.vietqr`), writes a :class:`~qrsvc.models.Revision` with who
and when, and commits; when it refuses, nothing is changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qrsvc import cache
from qrsvc.extensions import db
from qrsvc.models import AccountState, PaymentAccount, Producer, Relic, Revision, User, utcnow
from qrsvc.payments.access import Owner, may_propose, may_review
from qrsvc.payments.errors import N_, NotAllowedError, PaymentError
from qrsvc.vietqr import VietQRError, account_number, bank_of, build_payload, holder_name

ENTITY = "payment_account"
#: Proposals waiting for staff, per owner: more is a mistake or a flood.
MAX_PENDING = 5
#: A rejection's note, for the person who proposed.
NOTE_LENGTH = 500


def owner_column(owner: Owner):
    """The column of :class:`PaymentAccount` that points at ``owner``."""
    if isinstance(owner, Relic):
        return PaymentAccount.relic_id
    if isinstance(owner, Producer):
        return PaymentAccount.producer_id
    raise TypeError(f"an account belongs to a relic or a producer, not {type(owner).__name__}")


def owner_of(account: PaymentAccount) -> Owner:
    """The relic or producer an account belongs to."""
    return account.relic if account.relic_id is not None else account.producer


def owner_label(owner: Owner) -> str:
    """``"relic:3"`` or ``"producer:7"``, as a revision records the owner."""
    return f"{'relic' if isinstance(owner, Relic) else 'producer'}:{owner.id}"


def _record(account: PaymentAccount, action: str, changes: dict[str, Any], user: User | None):
    _settle(db.session.flush)  # the account's id and new version
    db.session.add(
        Revision(
            entity_type=ENTITY,
            entity_id=account.id,
            version=account.version,
            action=action,
            changes=changes,
            user_id=user.id if user is not None else None,
        )
    )


def _settle(write=None) -> None:
    """Flush or commit; two people deciding at the same moment get a clear refusal.

    The version counter refuses a change based on an old copy, and the partial unique
    index a second verified account: either is rolled back, nothing is changed.
    """
    try:
        (write or db.session.commit)()
    except (IntegrityError, StaleDataError) as exc:
        db.session.rollback()
        raise PaymentError(
            "",
            N_("Someone else changed this owner's accounts at the same moment; reload and retry."),
        ) from exc


def accounts_of(owner: Owner) -> list[PaymentAccount]:
    """Every account of ``owner``, newest proposal first (for staff, never for the public)."""
    query = (
        select(PaymentAccount)
        .where(owner_column(owner) == owner.id)
        .order_by(PaymentAccount.proposed_at.desc(), PaymentAccount.id.desc())
    )
    return list(db.session.scalars(query))


def verified_account(owner: Owner) -> PaymentAccount | None:
    """The one verified account of ``owner``, or None: nothing else is shown or printed."""
    query = select(PaymentAccount).where(
        owner_column(owner) == owner.id, PaymentAccount.state == AccountState.VERIFIED
    )
    return db.session.scalars(query).one_or_none()


def propose(
    owner: Owner, bank_bin: object, number: object, holder: object, by_user: User | None
) -> PaymentAccount:
    """Propose an account for ``owner``; it is shown only once staff verify it.

    Raises :class:`NotAllowedError` when ``by_user`` may not propose for ``owner``,
    :class:`~qrsvc.vietqr.VietQRError` for a bad bank, number or name, and
    :class:`PaymentError` when the same account is already there or too many wait.
    """
    if not may_propose(by_user, owner):
        raise NotAllowedError(N_("You may not propose an account for this owner."))
    bank = bank_of(bank_bin)
    number = account_number(number)
    holder = holder_name(holder)
    column = owner_column(owner)
    waiting = [a for a in accounts_of(owner) if a.state == AccountState.PROPOSED]
    current = verified_account(owner)
    same = (bank.bin, number, holder)
    for other in [*waiting, *([current] if current else [])]:
        if (other.bank_bin, other.account_number, other.holder_name) == same:
            raise PaymentError(
                "account", N_("This account is already proposed or verified for this owner.")
            )
    if len(waiting) >= MAX_PENDING:
        raise PaymentError(
            "",
            N_("%(count)s proposals already wait for staff; wait for their decision."),
            count=len(waiting),
        )
    account = PaymentAccount(
        bank_bin=bank.bin,
        account_number=number,
        holder_name=holder,
        state=AccountState.PROPOSED,
        proposed_by_id=by_user.id,
        proposed_at=utcnow(),
        review_note="",
    )
    setattr(account, column.key, owner.id)
    db.session.add(account)
    snapshot = {
        "owner": [None, owner_label(owner)],
        "bank_bin": [None, bank.bin],
        "account_number": [None, number],
        "holder_name": [None, holder],
        "state": [None, AccountState.PROPOSED.value],
    }
    _record(account, "propose", snapshot, by_user)
    _settle()
    return account


def _decide(account: PaymentAccount, by_user: User | None) -> None:
    if not may_review(by_user, owner_of(account)):
        raise NotAllowedError(N_("Only staff may verify or reject an account."))
    if account.state != AccountState.PROPOSED:
        raise PaymentError(
            "", N_("This account was already decided; only a proposed account can be.")
        )


def approve(account: PaymentAccount, by_user: User | None) -> PaymentAccount:
    """Verify a proposed account; the owner's verified account before it is replaced."""
    _decide(account, by_user)
    now = utcnow()
    current = verified_account(owner_of(account))
    if current is not None:
        current.state = AccountState.REPLACED
        current.replaced_at = now
        _record(
            current,
            "replace",
            {
                "state": [AccountState.VERIFIED.value, AccountState.REPLACED.value],
                "@replaced_by": account.id,
            },
            by_user,
        )
    account.state = AccountState.VERIFIED
    account.reviewed_by_id = by_user.id
    account.reviewed_at = now
    _record(
        account,
        "verify",
        {"state": [AccountState.PROPOSED.value, AccountState.VERIFIED.value]},
        by_user,
    )
    _settle()
    # The owner's pages show the code: the cached ones (a relic's) are stale from now.
    cache.bump_generation()
    return account


def reject(account: PaymentAccount, by_user: User | None, note: object = "") -> PaymentAccount:
    """Reject a proposed account, with a note for whoever proposed it."""
    _decide(account, by_user)
    if not isinstance(note, str):
        raise PaymentError("note", N_("The note is not text."))
    note = " ".join(note.split())
    if len(note) > NOTE_LENGTH:
        raise PaymentError(
            "note",
            N_("The note has %(length)s characters; at most %(limit)s."),
            length=len(note),
            limit=NOTE_LENGTH,
        )
    account.state = AccountState.REJECTED
    account.reviewed_by_id = by_user.id
    account.reviewed_at = utcnow()
    account.review_note = note
    _record(
        account,
        "reject",
        {
            "state": [AccountState.PROPOSED.value, AccountState.REJECTED.value],
            "review_note": ["", note],
        },
        by_user,
    )
    _settle()
    return account


def official_payload(owner: Owner, amount: int | None = None, purpose: object = "") -> str | None:
    """The VietQR payload of ``owner``'s verified account, or None when it has none.

    An account whose bank has left the bank list gives None too: a code that banks
    might refuse is not printed. A bad amount or purpose raises VietQRError.
    """
    account = verified_account(owner)
    if account is None:
        return None
    try:
        bank_of(account.bank_bin)
    except VietQRError:
        return None
    return build_payload(account.bank_bin, account.account_number, amount, purpose)


def history(owner: Owner) -> list[Revision]:
    """Every change to ``owner``'s accounts, newest first, each with who and when."""
    ids = select(PaymentAccount.id).where(owner_column(owner) == owner.id)
    query = (
        select(Revision)
        .where(Revision.entity_type == ENTITY, Revision.entity_id.in_(ids))
        .order_by(Revision.at.desc(), Revision.id.desc())
    )
    return list(db.session.scalars(query))
