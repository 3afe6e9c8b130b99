"""Official accounts and where to buy, through the payments service, on a real database.

The rules are the service's, not a view's: who may propose and verify, that only a
verified account is ever given out, that every change is kept with who and when, and
that a refused request changes nothing. The database backs the one-verified-account
rule on its own (a partial unique index), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from qrsvc.models import (
    AccountState,
    PaymentAccount,
    Producer,
    Relic,
    RetailListing,
    Revision,
    Role,
    User,
)
from qrsvc.payments import (
    NotAllowedError,
    PaymentError,
    accounts_of,
    add_listing,
    approve,
    history,
    listing_url,
    listings_of,
    official_payload,
    propose,
    reject,
    remove_listing,
    verified_account,
)
from qrsvc.payments.accounts import MAX_PENDING
from qrsvc.payments.listings import MAX_LISTINGS
from qrsvc.vietqr import VietQRError, build_payload, parse_payload

VCB, AGRIBANK = "970436", "970405"


@pytest.fixture
def world(session):
    """A relic, two producers, and a user of each kind (one producer account each)."""
    relic = Relic(code="LK01", slug="lam-kinh")
    tutru, other = Producer(ref="tutru", name="HTX Tứ Trụ"), Producer(ref="other", name="Other")
    session.add_all([relic, tutru, other])
    session.flush()
    users = {
        "admin": User(email="a@t.vn", role=Role.ADMIN),
        "editor": User(email="e@t.vn", role=Role.EDITOR),
        "producer": User(email="p@t.vn", role=Role.PRODUCER, producer=tutru),
        "other_producer": User(email="o@t.vn", role=Role.PRODUCER, producer=other),
        "former_editor": User(email="f@t.vn", role=Role.EDITOR, is_active_account=False),
    }
    for user in users.values():
        user.password_hash = "-"
    session.add_all(users.values())
    session.commit()
    return {"relic": relic, "tutru": tutru, "other": other, **users}


def counts(session) -> tuple[int, int, int]:
    """Accounts, listings and revisions stored: a refusal leaves all three as they were."""
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (PaymentAccount, RetailListing, Revision)
    )


# Proposing, verifying, replacing ----------------------------------------------------------


def test_a_proposed_account_is_shown_only_once_staff_verify_it(session, world):
    relic = world["relic"]
    account = propose(relic, VCB, "0011 0019 32418", "Ban quản lý di tích", world["editor"])
    assert account.state == AccountState.PROPOSED
    assert account.holder_name == "BAN QUAN LY DI TICH"
    assert account.proposed_by_id == world["editor"].id and account.proposed_at is not None
    assert verified_account(relic) is None
    assert official_payload(relic) is None
    assert account.verified_at is None

    approve(account, world["admin"])
    assert verified_account(relic) is account
    assert account.reviewed_by_id == world["admin"].id
    assert account.verified_at == account.reviewed_at is not None
    payload = official_payload(relic, purpose="Công đức LK01")
    assert payload == build_payload(VCB, "0011001932418", None, "Cong duc LK01")
    read = parse_payload(payload)
    assert (read.bank_bin, read.account, read.purpose) == (VCB, "0011001932418", "Cong duc LK01")
    assert parse_payload(official_payload(relic, amount=50000)).amount == 50000


def test_a_newer_verified_account_replaces_the_one_before(session, world):
    relic, admin = world["relic"], world["admin"]
    first = approve(propose(relic, VCB, "0011001932418", "BQL DI TICH", world["editor"]), admin)
    second = propose(relic, AGRIBANK, "3500205123456", "BQL DI TICH", world["editor"])
    assert verified_account(relic) is first  # until the new one is verified
    approve(second, world["editor"])
    assert verified_account(relic) is second
    assert first.state == AccountState.REPLACED and first.replaced_at is not None
    assert first.verified_at is not None  # it was verified, once
    states = session.scalars(
        select(PaymentAccount.state).where(PaymentAccount.relic_id == relic.id)
    ).all()
    assert sorted(states) == ["replaced", "verified"]
    assert parse_payload(official_payload(relic)).bank_bin == AGRIBANK


def test_every_change_is_kept_with_who_and_when(session, world):
    relic, editor, admin = world["relic"], world["editor"], world["admin"]
    first = approve(propose(relic, VCB, "0011001932418", "BQL", editor), admin)
    refused = reject(propose(relic, VCB, "0011001932419", "BQL", editor), admin, "Sai số")
    approve(propose(relic, AGRIBANK, "3500205123456", "BQL", editor), admin)
    revisions = history(relic)
    actions = [(r.action, r.user_id) for r in reversed(revisions)]
    assert actions == [
        ("propose", editor.id),
        ("verify", admin.id),
        ("propose", editor.id),
        ("reject", admin.id),
        ("propose", editor.id),
        ("replace", admin.id),
        ("verify", admin.id),
    ]
    assert all(r.at is not None for r in revisions)
    created = revisions[-1]
    assert created.entity_id == first.id
    assert created.changes["account_number"] == [None, "0011001932418"]
    assert created.changes["owner"] == [None, f"relic:{relic.id}"]
    rejection = next(r for r in revisions if r.action == "reject")
    assert rejection.entity_id == refused.id
    assert rejection.changes["review_note"] == ["", "Sai số"]
    assert history(world["tutru"]) == []


def test_a_rejected_account_is_never_shown_nor_verified_later(session, world):
    tutru = world["tutru"]
    account = propose(tutru, VCB, "0011001932418", "HTX TU TRU", world["producer"])
    reject(account, world["editor"], "  The name   differs from the bank's. ")
    assert account.state == AccountState.REJECTED
    assert account.review_note == "The name differs from the bank's."
    assert verified_account(tutru) is None and official_payload(tutru) is None
    with pytest.raises(PaymentError, match="already decided"):
        approve(account, world["admin"])
    assert account.state == AccountState.REJECTED


# Who may do what --------------------------------------------------------------------------


def test_a_producer_proposes_for_its_own_producer_only(session, world):
    producer = world["producer"]
    own = propose(world["tutru"], VCB, "0011001932418", "HTX TU TRU", producer)
    assert own.producer_id == world["tutru"].id and own.relic_id is None
    before = counts(session)
    with pytest.raises(NotAllowedError):
        propose(world["relic"], VCB, "0011001932418", "KE GIAN", producer)
    with pytest.raises(NotAllowedError):
        propose(world["other"], VCB, "0011001932418", "KE GIAN", producer)
    assert counts(session) == before
    assert accounts_of(world["relic"]) == [] and accounts_of(world["other"]) == []


@pytest.mark.parametrize("who", ["producer", "other_producer", "former_editor", None])
def test_only_active_staff_verify_or_reject(session, world, who):
    account = propose(world["tutru"], VCB, "0011001932418", "HTX TU TRU", world["editor"])
    user = world[who] if who else None
    before = counts(session)
    with pytest.raises(NotAllowedError):
        approve(account, user)
    with pytest.raises(NotAllowedError):
        reject(account, user)
    session.refresh(account)
    assert account.state == AccountState.PROPOSED and counts(session) == before
    assert verified_account(world["tutru"]) is None


def test_deactivated_or_missing_users_cannot_propose(session, world):
    for user in (world["former_editor"], None):
        with pytest.raises(NotAllowedError):
            propose(world["relic"], VCB, "0011001932418", "BQL", user)
    assert counts(session) == (0, 0, 0)


# Bad input changes nothing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bank", "number", "holder", "field"),
    [
        ("970499", "0011001932418", "BQL", "bin"),
        ("", "0011001932418", "BQL", "bin"),
        (VCB, "00110019324A8", "BQL", "account"),
        (VCB, "12345", "BQL", "account"),
        (VCB, "1" * 20, "BQL", "account"),
        (VCB, "9704 0000 0000 0000", "BQL", "account"),  # a card number
        (VCB, "0011001932418", "HTX 79", "holder"),
        (VCB, "0011001932418", "BQL <script>", "holder"),
        (VCB, "0011001932418", "X" * 10_000, "holder"),
        (VCB, "1" * 100_000, "BQL", "account"),
        (None, None, None, "bin"),
        (VCB, "0011001932418\x00", "BQL", "account"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_stored(
    session, world, bank, number, holder, field
):
    with pytest.raises(VietQRError) as caught:
        propose(world["relic"], bank, number, holder, world["admin"])
    assert caught.value.field == field
    assert counts(session) == (0, 0, 0)


def test_the_same_account_twice_and_floods_of_proposals_are_refused(session, world):
    tutru, producer = world["tutru"], world["producer"]
    propose(tutru, VCB, "0011001932418", "HTX TU TRU", producer)
    with pytest.raises(PaymentError, match="already proposed"):
        propose(tutru, VCB, "0011 0019 32418", "htx tu tru", producer)
    for n in range(1, MAX_PENDING):
        propose(tutru, VCB, f"00110019324{n:02d}", "HTX TU TRU", producer)
    before = counts(session)
    with pytest.raises(PaymentError, match="wait for staff"):
        propose(tutru, VCB, "0011001932499", "HTX TU TRU", producer)
    assert counts(session) == before


def test_a_rejection_note_is_checked(session, world):
    account = propose(world["relic"], VCB, "0011001932418", "BQL", world["editor"])
    for note in ("x" * 501, None, b"note"):
        with pytest.raises(PaymentError) as caught:
            reject(account, world["admin"], note)
        assert caught.value.field == "note"
    assert account.state == AccountState.PROPOSED


# The database's own guard and concurrent decisions ------------------------------------------


def test_the_database_refuses_two_verified_accounts_for_one_owner(session, world):
    relic = world["relic"]
    for number in ("0011001932418", "0011001932419"):
        session.add(
            PaymentAccount(
                relic_id=relic.id,
                bank_bin=VCB,
                account_number=number,
                holder_name="BQL",
                state=AccountState.VERIFIED,
            )
        )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(
        PaymentAccount(
            relic_id=relic.id,
            producer_id=world["tutru"].id,
            bank_bin=VCB,
            account_number="0011001932418",
            holder_name="BQL",
        )
    )
    with pytest.raises(IntegrityError):  # one owner, never two
        session.commit()
    session.rollback()


def test_a_decision_on_an_outdated_copy_is_refused(session, world):
    account = propose(world["relic"], VCB, "0011001932418", "BQL", world["editor"])
    # Another member of staff rejects it meanwhile, from another request...
    session.execute(
        update(PaymentAccount)
        .where(PaymentAccount.id == account.id)
        .values(state=AccountState.REJECTED, version=PaymentAccount.version + 1)
    )
    session.commit()
    # ...while this request still holds the copy it loaded before.
    assert account.state == AccountState.REJECTED
    set_committed_value(account, "state", AccountState.PROPOSED.value)
    set_committed_value(account, "version", account.version - 1)
    with pytest.raises(PaymentError, match="same moment"):
        approve(account, world["admin"])
    session.refresh(account)
    assert account.state == AccountState.REJECTED
    assert verified_account(world["relic"]) is None
    assert [r.action for r in history(world["relic"])] == ["propose"]


# Where to buy ---------------------------------------------------------------------------------


def test_a_producer_lists_its_shops(session, world):
    tutru, producer = world["tutru"], world["producer"]
    first = add_listing(tutru, " Postmart ", "HTTPS://Postmart.VN/shop/htx-tu-tru", producer)
    second = add_listing(
        tutru, "Sàn nông sản Thanh Hóa", "https://nongsan.thanhhoa.gov.vn", producer
    )
    assert first.url == "https://postmart.vn/shop/htx-tu-tru" and first.platform == "Postmart"
    assert second.url == "https://nongsan.thanhhoa.gov.vn/"
    assert listings_of(tutru) == [first, second]
    remove_listing(first, world["editor"])
    assert listings_of(tutru) == [second]
    actions = session.scalars(
        select(Revision.action)
        .where(Revision.entity_type == "retail_listing")
        .order_by(Revision.id)
    ).all()
    assert actions == ["create", "create", "delete"]


def test_only_staff_or_the_producer_itself_change_its_listings(session, world):
    listing = add_listing(world["tutru"], "Voso", "https://voso.vn/tutru", world["admin"])
    before = counts(session)
    for user in (world["other_producer"], world["former_editor"], None):
        with pytest.raises(NotAllowedError):
            add_listing(world["tutru"], "Voso", "https://voso.vn/x", user)
        with pytest.raises(NotAllowedError):
            remove_listing(listing, user)
    assert counts(session) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://postmart.vn/shop",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://postmart.vn@evil.example/shop",
        "https://user:pw@postmart.vn/",
        "https://127.0.0.1/shop",
        "https://127.1/shop",
        "https://[::1]/shop",
        "https://localhost/shop",
        "https://postmart.vn:8443/shop",
        "https://postmart.vn:99999/",
        "https://post mart.vn/",
        "https://postmart.vn/\nshop",
        "https:///shop",
        "//postmart.vn/shop",
        "https://" + "a" * 500 + ".vn/",
        "",
        None,
    ],
)
def test_bad_shop_addresses_are_refused(session, world, url):
    with pytest.raises(PaymentError) as caught:
        add_listing(world["tutru"], "Postmart", url, world["producer"])
    assert caught.value.field == "url"
    assert counts(session) == (0, 0, 0)


def test_shop_addresses_that_are_kept():
    assert (
        listing_url("https://xn--sn-nng-sn-0za.vn/a?b=1#c")
        == "https://xn--sn-nng-sn-0za.vn/a?b=1#c"
    )
    assert listing_url("https://sàn.vn/shop").startswith("https://xn--")
    assert listing_url("https://voso.vn:443/x") == "https://voso.vn/x"


def test_listings_are_bounded_and_not_repeated(session, world):
    tutru, producer = world["tutru"], world["producer"]
    add_listing(tutru, "Voso", "https://voso.vn/0", producer)
    with pytest.raises(PaymentError, match="already listed"):
        add_listing(tutru, "Voso", "https://VOSO.vn/0", producer)
    for n in range(1, MAX_LISTINGS):
        add_listing(tutru, "Voso", f"https://voso.vn/{n}", producer)
    with pytest.raises(PaymentError, match="at most"):
        add_listing(tutru, "Voso", "https://voso.vn/last", producer)
    for name in ("", "x" * 81, "Vo\x00so", None):
        with pytest.raises(PaymentError) as caught:
            add_listing(world["other"], name, "https://voso.vn/o", world["admin"])
        assert caught.value.field == "platform"
    assert len(listings_of(tutru)) == MAX_LISTINGS and listings_of(world["other"]) == []
