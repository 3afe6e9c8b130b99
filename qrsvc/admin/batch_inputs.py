"""The input lots a batch was made from ("one step back"), added and removed in the admin.

An input is either another batch of this instance, chosen among the batches the user
may see (a producer: only its own, so another producer's batch can neither be listed
nor linked), or a supplier's lot written as its lot number (a GS1 lot: set 82, up to
20 characters). Each change is a revision of the batch, so its history says who added
or removed which input. A TransformationEvent exports the batch's inputs as its
``inputQuantityList``.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.exceptions import NotFound
from wtforms import FloatField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from qrsvc.admin.access import EVERYONE, get_scoped, role_required, scoped
from qrsvc.admin.forms import ActionForm, AdminForm
from qrsvc.content import revisions
from qrsvc.content.batches import check_unit, unit_choices
from qrsvc.content.checks import identifier_message
from qrsvc.content.editing import InvalidRecordError
from qrsvc.database import begin_write
from qrsvc.extensions import db
from qrsvc.identifiers import IdentifierError, lot_number
from qrsvc.models import Batch, BatchInput, TraceEvent, User, localized, utcnow

#: The newest batches offered in the list; older ones are rarely the input of a new batch.
MAX_CHOICES = 500


class InputForm(AdminForm):
    """One input lot: a batch of ours or a supplier's lot, with the amount used."""

    input_batch = SelectField(
        _l("A batch recorded here"),
        [Optional()],
        choices=[],
        validate_choice=False,  # any id is checked against what the user may see
    )
    external_lot = StringField(
        _l("or a supplier's lot number"),
        [Optional()],
        description=_l("As printed on the supplier's label: up to 20 letters, digits and - . / _"),
    )
    quantity = FloatField(_l("Quantity used"), [Optional(), NumberRange(min=0, max=1e12)])
    unit = SelectField(
        _l("Unit"), [Optional()], choices=[SelectChoice(v, t) for v, t in unit_choices()]
    )
    event = HiddenField()  # the event page the form was sent from, to go back to


def input_form(user: User, batch: Batch, formdata: Any = None) -> InputForm:
    """The form for adding an input to ``batch``, listing only batches ``user`` may see."""
    form = InputForm(formdata=formdata, prefix="input")
    form.input_batch.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(b.id), _batch_choice(b)) for b in input_choices(user, batch)
    ]
    return form


def input_choices(user: User, batch: Batch) -> list[Batch]:
    """The batches ``user`` may pick as inputs of ``batch`` (never itself), newest first."""
    stmt = (
        select(Batch)
        .where(Batch.id != batch.id)
        .order_by(Batch.id.desc())
        .limit(MAX_CHOICES)
        .options(selectinload(Batch.product))
    )
    return list(db.session.scalars(scoped(stmt, Batch, user)))


def _batch_choice(batch: Batch) -> str:
    name = localized(batch.product.name, str(get_locale() or "vi"))
    return f"{name} · {batch.lot} ({batch.ref})"


def describe(item: BatchInput) -> str:
    """An input in one line, as the batch's history shows it: ``NEP2025 · 200 KGM``."""
    what = item.input_batch.ref if item.input_batch is not None else item.external_ref
    if item.quantity is None:
        return what
    return f"{what} · {item.quantity:g} {item.unit}".rstrip()


def check_input(session: Session, user: User, batch: Batch, values: dict[str, Any]) -> dict:
    """Exactly one of a visible batch or a GS1 lot; a known unit for an amount.

    Sets ``values["input_batch_id"]``. A batch the user may not see is refused with
    the same words as one that does not exist: the answer confirms nothing.
    """
    errors: dict[str, str] = {}
    raw_id = (values.get("input_batch") or "").strip()
    lot = values.get("external_lot") or ""
    if raw_id and lot:
        errors["external_lot"] = _("Give either a batch from the list or a supplier's lot.")
    elif not raw_id and not lot:
        errors["input_batch"] = _("Choose a batch from the list or give a supplier's lot.")
    values["input_batch_id"] = None
    if raw_id:
        found = None
        if raw_id.isdigit() and len(raw_id) < 12:
            stmt = select(Batch.id).where(Batch.id == int(raw_id), Batch.id != batch.id)
            found = session.scalar(scoped(stmt, Batch, user))
        if found is None:
            errors["input_batch"] = _("Choose a batch from the list.")
        elif any(i.input_batch_id == found for i in batch.inputs):
            errors["input_batch"] = _("This batch is already listed as an input.")
        values["input_batch_id"] = found
    elif lot:
        try:
            lot_number(lot)
        except IdentifierError as exc:
            errors["external_lot"] = identifier_message(exc)
    check_unit(errors, values)
    return errors


def add_input(user: User, batch_id: int, values: dict[str, Any]) -> BatchInput:
    """Record one input lot of batch ``batch_id``; returns it.

    Raises ``NotFound`` when ``user`` may not see the batch and
    :class:`InvalidRecordError` when the values are refused (nothing is written).
    """
    session = begin_write()
    batch = session.scalar(scoped(select(Batch).where(Batch.id == batch_id), Batch, user))
    if batch is None:
        session.rollback()
        raise NotFound()
    errors = check_input(session, user, batch, values)
    if errors:
        session.rollback()
        raise InvalidRecordError(errors)
    item = BatchInput(
        input_batch_id=values["input_batch_id"],
        external_ref="" if values["input_batch_id"] else values["external_lot"],
        quantity=values.get("quantity"),
        unit=values.get("unit") or "",
    )
    batch.inputs.append(item)
    batch.updated_at = utcnow()  # a new version: a batch form opened before is out of date
    session.flush()
    _revise(session, user, batch, [None, describe(item)])
    session.commit()
    return item


def remove_input(user: User, input_id: int) -> int:
    """Remove one input lot (kept in the batch's history); returns the batch's id."""
    session = begin_write()
    stmt = select(BatchInput).join(Batch, BatchInput.batch_id == Batch.id)
    item = session.scalar(scoped(stmt, Batch, user).where(BatchInput.id == input_id))
    if item is None:
        session.rollback()
        raise NotFound()
    batch = item.batch
    before = describe(item)
    batch.inputs.remove(item)
    batch.updated_at = utcnow()
    session.flush()
    _revise(session, user, batch, [before, None])
    session.commit()
    return batch.id


def _revise(session: Session, user: User, batch: Batch, change: list[Any]) -> None:
    revisions.record_revision(
        session, "batch", batch.id, batch.version, "update", {"input": change}, user.id
    )


def _form_values(form: InputForm) -> dict[str, Any]:
    return {
        "input_batch": form.input_batch.data or "",
        "external_lot": (form.external_lot.data or "").strip(),
        "quantity": form.quantity.data,
        "unit": form.unit.data or "",
    }


def _back(batch_id: int, event_id: str | None):
    """To the event page the form was sent from (if the user may see it), else the batch."""
    if event_id and event_id.isdigit() and len(event_id) < 12:
        stmt = select(TraceEvent.id).where(
            TraceEvent.id == int(event_id), TraceEvent.batch_id == batch_id
        )
        if db.session.scalar(scoped(stmt, TraceEvent, current_user)) is not None:
            return redirect(url_for("admin.event_edit", record_id=int(event_id)))
    return redirect(url_for("admin.batch_edit", record_id=batch_id))


@role_required(*EVERYONE)
def batch_input_new(record_id: int):
    """Add an input lot to a batch (the form is also shown on the batch and event pages)."""
    batch = get_scoped(Batch, record_id)
    form = input_form(current_user, batch, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                add_input(current_user, record_id, _form_values(form))
            except InvalidRecordError as exc:
                for key, message in exc.errors.items():
                    target = getattr(form, key, None) or form.input_batch
                    target.errors = [*target.errors, message]
            else:
                flash(_("Input lot added."), "info")
                return _back(record_id, form.event.data)
        status = 400
    return render_template("admin/batch_input.html", batch=batch, form=form), status


@role_required(*EVERYONE)
def batch_input_remove(input_id: int):
    """Remove an input lot entered by mistake."""
    form = ActionForm()
    if not form.validate():
        flash(_("The form was out of date; try again."), "error")
        return redirect(request.referrer or url_for("admin.batch_list"))
    batch_id = remove_input(current_user, input_id)
    flash(_("Input lot removed. It is kept in the batch's history."), "info")
    return _back(batch_id, request.form.get("event"))


def inputs_panel(batch: Batch, event: TraceEvent | None = None) -> dict[str, Any]:
    """What the batch and event pages show of a batch's inputs: the list and an empty form."""
    form = input_form(current_user, batch)
    if event is not None:
        form.event.data = str(event.id)
    lots = db.session.scalars(
        select(BatchInput)
        .where(BatchInput.batch_id == batch.id)
        .order_by(BatchInput.id)
        .options(selectinload(BatchInput.input_batch).selectinload(Batch.product))
    ).all()
    return {"lots": lots, "form": form, "event": event}


def input_helpers() -> dict[str, Any]:
    """Give the batch and event pages their inputs section."""
    return {"inputs_panel": inputs_panel}
