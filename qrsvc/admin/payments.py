"""Official payment accounts in the admin: proposed, checked, verified, kept with history.

A relic's page (staff) and a producer's page (staff, or the producer's own account) show
the verified account, the proposals waiting for staff and every change with who and
when; a producer's page also lists where its goods are sold, a relic's the markings of
its sign. Staff check a proposal on its own page, the VietQR code that would be printed
beside the values entered, before they verify or reject it.

Every rule (who may propose, verify, list, mark) is :mod:`qrsvc.payments`'; a view loads
the owner through :func:`~qrsvc.admin.access.get_scoped` (another producer's is not
found) and turns the service's refusals into a form error, or a 403 for who.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qrsvc import payments
from qrsvc.admin.access import EVERYONE, STAFF, get_scoped, role_required
from qrsvc.admin.forms import ActionForm
from qrsvc.admin.payment_forms import (
    ListingForm,
    ProposeForm,
    RejectForm,
    TamperedForm,
    error_text,
    show_error,
)
from qrsvc.admin.payment_pages import owner_url, preview_of, render_owner, render_review
from qrsvc.extensions import db
from qrsvc.models import PaymentAccount, Producer, Relic, RetailListing
from qrsvc.vietqr import VietQRError, account_number, bank_of, holder_name


def owner_page(owner: Relic | Producer):
    """Show an owner's accounts; on POST, check a proposal, then save it once checked.

    The first post shows the holder's name folded as banks show it (capitals, no
    accents) and the bank's name; the account is saved only when the next post carries
    exactly the values shown, so nobody saves a name they have not seen as the bank will.
    """
    if request.method != "POST":
        return render_owner(owner)
    if not payments.may_propose(current_user, owner):
        abort(403)
    form = ProposeForm()
    if not form.validate_on_submit():
        return render_owner(owner, 400, form=form)
    try:
        bank = bank_of(form.bank_bin.data)
        number = account_number(form.account_number.data)
        holder = holder_name(form.holder_name.data)
    except VietQRError as exc:
        show_error(form, exc)
        return render_owner(owner, 400, form=form)
    key = f"{bank.bin}|{number}|{holder}"
    if form.checked.data != key:
        form.account_number.data, form.holder_name.data, form.checked.data = number, holder, key
        preview = {"bank": bank, "number": number, "holder": holder}
        return render_owner(owner, form=form, preview=preview)
    try:
        payments.propose(owner, bank.bin, number, holder, by_user=current_user)
    except payments.NotAllowedError:
        abort(403)
    except (payments.PaymentError, VietQRError) as exc:
        show_error(form, exc)
        return render_owner(owner, 400, form=form)
    flash(_("The account was proposed; it is shown once staff verify it."), "info")
    return redirect(owner_url(owner))


@role_required(*STAFF)
def relic_payments(record_id: int):
    """A relic's donation account (staff only: a producer never sets a relic's)."""
    return owner_page(get_scoped(Relic, record_id))


@role_required(*EVERYONE)
def producer_payments(record_id: int):
    """A producer's payment account and shops (staff, or the producer's own account)."""
    return owner_page(get_scoped(Producer, record_id))


def reviewed_account(account_id: int) -> PaymentAccount:
    """The account ``account_id`` if the signed-in staff member may decide on it, else 404."""
    account = db.session.get(PaymentAccount, account_id)
    if account is None:
        abort(404)
    owner = payments.owner_of(account)
    get_scoped(type(owner), owner.id)
    if not payments.may_review(current_user, owner):
        abort(403)
    return account


@role_required(*STAFF)
def payment_review(account_id: int):
    """One account beside the code that would be printed for it, with the decisions."""
    return render_review(reviewed_account(account_id))


@role_required(*STAFF)
def payment_approve(account_id: int):
    """Verify a proposed account: it replaces the owner's verified one, if any."""
    account = reviewed_account(account_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if preview_of(account) is None:  # its bank left the list: no code could be printed
        flash(_("No code can be made of this account: its bank is no longer in the list."), "error")
        return redirect(url_for("admin.payment_review", account_id=account_id))
    try:
        payments.approve(account, by_user=current_user)
    except payments.NotAllowedError:
        abort(403)
    except payments.PaymentError as exc:
        flash(error_text(exc), "error")
        return redirect(url_for("admin.payment_review", account_id=account_id))
    flash(_("The account is verified: pages and signs show it from now."), "info")
    return redirect(owner_url(payments.owner_of(account)))


@role_required(*STAFF)
def payment_reject(account_id: int):
    """Reject a proposed account, with a note for whoever proposed it."""
    account = reviewed_account(account_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_review(account, form, 400)
    try:
        payments.reject(account, by_user=current_user, note=form.note.data or "")
    except payments.NotAllowedError:
        abort(403)
    except payments.PaymentError as exc:
        show_error(form, exc)
        return render_review(account, form, 400)
    flash(_("The account was rejected."), "info")
    return redirect(owner_url(payments.owner_of(account)))


@role_required(*EVERYONE)
def producer_listings(record_id: int):
    """Add a shop where the producer's goods are sold."""
    producer = get_scoped(Producer, record_id)
    if not payments.may_propose(current_user, producer):
        abort(403)
    form = ListingForm()
    if not form.validate_on_submit():
        return render_owner(producer, 400, listing_form=form)
    try:
        payments.add_listing(producer, form.platform.data, form.url.data, by_user=current_user)
    except payments.NotAllowedError:
        abort(403)
    except payments.PaymentError as exc:
        show_error(form, exc)
        return render_owner(producer, 400, listing_form=form)
    flash(_("The shop was added."), "info")
    return redirect(owner_url(producer))


@role_required(*EVERYONE)
def listing_remove(listing_id: int):
    """Remove one of the producer's shops."""
    listing = db.session.get(RetailListing, listing_id)
    if listing is None:
        abort(404)
    producer = get_scoped(Producer, listing.producer_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        payments.remove_listing(listing, by_user=current_user)
    except payments.NotAllowedError:
        abort(403)
    flash(_("The shop was removed."), "info")
    return redirect(owner_url(producer))


@role_required(*STAFF)
def relic_tampered(record_id: int):
    """Mark the relic's sign as tampered: its page warns visitors until it is replaced."""
    relic = get_scoped(Relic, record_id)
    form = TamperedForm()
    if not form.validate_on_submit():
        return render_owner(relic, 400, tampered_form=form)
    try:
        payments.mark_tampered(relic, by_user=current_user, note=form.note.data or "")
    except payments.NotAllowedError:
        abort(403)
    except payments.PaymentError as exc:
        show_error(form, exc)
        return render_owner(relic, 400, tampered_form=form)
    flash(_("The sign is marked as tampered; the relic's page warns visitors."), "info")
    return redirect(owner_url(relic))


@role_required(*STAFF)
def relic_replaced(record_id: int):
    """The tampered sign was replaced: the warning on the relic's page goes."""
    relic = get_scoped(Relic, record_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        payments.mark_replaced(relic, by_user=current_user)
    except payments.NotAllowedError:
        abort(403)
    except payments.PaymentError as exc:
        flash(error_text(exc), "error")
        return redirect(owner_url(relic))
    flash(_("The sign is marked as replaced; the warning is gone."), "info")
    return redirect(owner_url(relic))
