"""What the payment pages show: an owner's accounts and their history, a proposal's code.

The views (:mod:`qrsvc.admin.payments`) decide; these helpers gather what a page shows,
so each view stays a few lines: the verified account and its code, the proposals waiting,
every change with who and when, an owner's shops or sign markings, and for staff the
VietQR code a proposal would print, read back by the core's parser.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from qrsvc import payments
from qrsvc.admin.forms import ActionForm
from qrsvc.admin.payment_forms import ListingForm, ProposeForm, RejectForm, TamperedForm
from qrsvc.content.producers import producer_spec
from qrsvc.content.relics import relic_spec
from qrsvc.generator.qr import encode_qr, svg_element
from qrsvc.labels import label
from qrsvc.models import AccountState, PaymentAccount, Producer, Relic
from qrsvc.payments.display import payment_code
from qrsvc.vietqr import VietQRError, bank_of, build_payload, parse_payload

#: What each recorded change of an account did, as the history says it.
ACTIONS = {
    "propose": _l("Account proposed"),
    "verify": _l("Account verified"),
    "reject": _l("Account rejected"),
    "replace": _l("Account replaced by a newer one"),
}
#: The recorded fields a person reads, in order (the owner is the page's own).
CHANGE_LABELS = {
    "bank_bin": _l("Bank"),
    "account_number": _l("Account number"),
    "holder_name": _l("Account holder's name"),
    "state": _l("State"),
    "review_note": _l("Note"),
}
#: How a recorded value is shown: a bank by its name, a state by its label.
SHOWN = {
    "bank_bin": lambda value: bank_name(value),
    "state": lambda value: label("payment_account_state", value),
}
#: The preview's QR code width on the review page, in CSS pixels.
PREVIEW_WIDTH = "224"


def owner_url(owner: Relic | Producer) -> str:
    """The payment page of a relic or a producer."""
    kind = "relic" if isinstance(owner, Relic) else "producer"
    return url_for(f"admin.{kind}_payments", record_id=owner.id)


def owner_title(owner: Relic | Producer) -> str:
    """The owner's name as its admin page titles it."""
    return (relic_spec if isinstance(owner, Relic) else producer_spec).title(owner)


def bank_name(bin_: str) -> str:
    """The bank's Vietnamese name, or the BIN itself when it has left the list."""
    try:
        return bank_of(bin_).name
    except VietQRError:
        return bin_


def history_entries(owner: Relic | Producer) -> list[dict]:
    """Every change to the owner's accounts, newest first: what, who, when, which values."""
    entries = []
    for rev in payments.history(owner):
        rows = []
        for key, heading in CHANGE_LABELS.items():
            if key in (rev.changes or {}):
                before, after = rev.changes[key]
                if key in SHOWN:
                    before, after = (SHOWN[key](v) if v else v for v in (before, after))
                rows.append((heading, before, after))
        who = (rev.user.display_name or rev.user.email) if rev.user else _("command line")
        action = ACTIONS.get(rev.action, rev.action)
        entries.append({"action": action, "who": who, "at": rev.at, "rows": rows})
    return entries


def render_owner(owner: Relic | Producer, status: int = 200, **forms):
    """The payment page of ``owner``, with the forms given (fresh ones otherwise)."""
    is_relic = isinstance(owner, Relic)
    accounts = payments.accounts_of(owner)
    context = {
        "owner": owner,
        "kind": "relic" if is_relic else "producer",
        "title": owner_title(owner),
        "current": payments.verified_account(owner),
        "code": payment_code(owner),
        "pending": [a for a in accounts if a.state == AccountState.PROPOSED],
        "history": history_entries(owner),
        "may_propose": payments.may_propose(current_user, owner),
        "may_review": payments.may_review(current_user, owner),
        "bank_name": bank_name,
        "form": forms.get("form") or ProposeForm(formdata=None),
        "preview": forms.get("preview"),
        "action_form": ActionForm(formdata=None),
    }
    if is_relic:
        context["tampering"] = payments.open_tampering(owner)
        context["tamperings"] = payments.tamperings_of(owner)
        context["tampered_form"] = forms.get("tampered_form") or TamperedForm(formdata=None)
    else:
        context["listings"] = payments.listings_of(owner)
        context["listing_form"] = forms.get("listing_form") or ListingForm(formdata=None)
    return render_template("admin/payments.html", **context), status


def preview_of(account: PaymentAccount) -> dict | None:
    """The code that would be printed, read back by the parser, or None if it cannot be."""
    try:
        payload = build_payload(account.bank_bin, account.account_number)
        parsed = parse_payload(payload)
    except VietQRError:
        return None
    # Our own drawing of the payload: paths and a rect only, no text from the request.
    svg = Markup(svg_element(encode_qr(payload, "M"), PREVIEW_WIDTH))  # noqa: S704
    return {"payload": payload, "parsed": parsed, "svg": svg}


def render_review(account: PaymentAccount, reject_form: RejectForm | None = None, status=200):
    """The review page of one account."""
    owner = payments.owner_of(account)
    return render_template(
        "admin/payment_review.html",
        account=account,
        owner=owner,
        title=owner_title(owner),
        owner_url=owner_url(owner),
        preview=preview_of(account),
        bank_name=bank_name,
        action_form=ActionForm(formdata=None),
        reject_form=reject_form or RejectForm(formdata=None),
    ), status
