"""List, create, edit, history and delete views, registered once per :class:`EntitySpec`.

Every kind of record gets the same thin views (:func:`register`, called from
:mod:`qrsvc.admin.routes`), so a role check or a conflict message is written once and
cannot be forgotten on one of them. What a record is, and how it is checked and saved,
is :mod:`qrsvc.content`'s.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from qrsvc.admin import history, listing
from qrsvc.admin.access import get_scoped, role_required, scoped
from qrsvc.admin.adding import add_label, add_offer, may_create
from qrsvc.admin.conflicts import Choices, conflict_items, submitted_choices
from qrsvc.admin.forms import DeleteForm
from qrsvc.areas.filters import FilterError
from qrsvc.content.editing import (
    EditConflictError,
    InvalidRecordError,
    delete_record,
    save_record,
    version_of,
)
from qrsvc.content.forms import form_values, form_version, input_name, record_form
from qrsvc.content.records import EntitySpec
from qrsvc.content.registry import SPECS
from qrsvc.content.revisions import shown_changes, shown_value
from qrsvc.extensions import db

#: The URL folder of each kind with views (a child's "new" URL sits under its
#: parent's: /admin/products/<id>/batches/new).
PLURALS: dict[str, str] = {}
PAGE_SIZE = 50


def register(bp: Blueprint, spec: EntitySpec, plural: str) -> None:
    """Add the list, new, edit, history (and delete) views of ``spec`` to ``bp`` at
    ``/<plural>/`` (its parent's first: a child's "new" URL is under the parent's)."""
    guard = role_required(*spec.roles)
    create_guard = role_required(*(spec.create_roles or spec.roles))

    def list_view():
        return _list(spec)

    def new_view(parent_id: int | None = None):
        return _edit(spec, None, parent_id)

    def edit_view(record_id: int):
        return _edit(spec, record_id, None)

    def history_view(record_id: int):
        return history.history_page(spec, record_id)

    name = spec.name
    bp.add_url_rule(f"/{plural}/", f"{name}_list", guard(list_view))
    if spec.create_roles == ():  # created another way (media: by uploading a file)
        pass
    elif spec.parent:
        parent_plural = PLURALS[spec.parent]
        bp.add_url_rule(
            f"/{parent_plural}/<int:parent_id>/{plural}/new",
            f"{name}_new",
            create_guard(new_view),
            methods=["GET", "POST"],
        )
    else:
        bp.add_url_rule(
            f"/{plural}/new", f"{name}_new", create_guard(new_view), methods=["GET", "POST"]
        )
    bp.add_url_rule(
        f"/{plural}/<int:record_id>", f"{name}_edit", guard(edit_view), methods=["GET", "POST"]
    )
    bp.add_url_rule(f"/{plural}/<int:record_id>/history", f"{name}_history", guard(history_view))
    if spec.deletable:

        def delete_view(record_id: int):
            return _delete(spec, record_id)

        bp.add_url_rule(
            f"/{plural}/<int:record_id>/delete",
            f"{name}_delete",
            guard(delete_view),
            methods=["POST"],
        )
    PLURALS[name] = plural


def _list(spec: EntitySpec):
    """One page of ``spec``'s records the user may see, filtered and searched in SQL.

    A filter value that is not a choice answers 400 naming it; a page past the end
    is an empty page.
    """
    error, status = "", 200
    try:
        filters = listing.read(request.args, spec, current_user)
    except FilterError as exc:
        filters = listing.AdminFilters()
        error, status = (
            _(
                "This filter value is not one of the choices: %(name)s.",
                name=listing.LABELS.get(exc.param, exc.param),
            ),
            400,
        )
    records: list[Any] = []
    total = 0
    if not error:
        stmt = listing.apply(scoped(select(spec.model), spec.model, current_user), spec, filters)
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        offset = (filters.page - 1) * PAGE_SIZE
        if offset < total:
            records = db.session.scalars(
                stmt.order_by(spec.model.id.desc()).limit(PAGE_SIZE).offset(offset)
            ).all()
    return render_template(
        "admin/list.html",
        spec=spec,
        records=records,
        page=filters.page,
        total=total,
        size=PAGE_SIZE,
        query=filters.query,
        filters=filters,
        filter_choices=listing.choices(spec, current_user),
        filter_labels=listing.LABELS,
        error=error,
        offer=add_offer(spec, SPECS.get(spec.parent or ""), current_user),
    ), status


def _edit(spec: EntitySpec, record_id: int | None, parent_id: int | None):
    record = get_scoped(spec.model, record_id) if record_id is not None else None
    parent = None
    if parent_id is not None:
        parent = get_scoped(SPECS[spec.parent].model, parent_id)
    languages = spec.languages(record, request.values.get("add_lang"))
    creating = record is None
    if request.method == "GET":
        flat = spec.read(record) if record is not None else {}
        form = record_form(
            spec,
            languages,
            creating=creating,
            flat=flat,
            version=version_of(db.session, spec, record) if record else None,
            user=current_user,
        )
    else:
        form = record_form(spec, languages, creating=creating, user=current_user)
    conflict = None
    choices = Choices()
    status = 200
    if request.method == "POST":
        choices = submitted_choices(spec)
        if choices.error:
            form.validate()
            form.form_errors.append(choices.error)
            status = 400
        elif form.validate():
            seen = version_of(db.session, spec, record) if record is not None else None
            try:
                saved = save_record(
                    spec,
                    current_user,
                    record_id,
                    form_values(spec, form, languages),
                    form_version(form),
                    parent_id=parent_id,
                    keep_stored=choices.keep_saved,
                    undecided=choices.undecided,
                )
            except EditConflictError as exc:
                conflict = exc
                form = _merged_form(spec, languages, exc) or form
                status = 409
            except InvalidRecordError as exc:
                _attach_errors(spec, form, exc.errors, languages)
                status = 400
            else:
                if form_version(form) not in (None, seen):
                    flash(
                        _("Saved, together with the changes someone else made meanwhile."), "info"
                    )
                else:
                    flash(_("Saved."), "info")
                return redirect(url_for(f"admin.{spec.name}_edit", record_id=saved.id))
        else:
            status = 400
    return render_template(
        "admin/edit.html",
        spec=spec,
        record=record,
        parent=parent,
        form=form,
        languages=languages,
        conflict=conflict,
        conflict_items=conflict_items(spec, conflict.conflicts) if conflict else [],
        undecided=choices.undecided,
        children=_children(spec, record),
        delete_form=(
            DeleteForm(version=version_of(db.session, spec, record))
            if record and spec.deletable
            else None
        ),
        specs=SPECS,
        input_name=input_name,
        may_create=lambda child: may_create(child, current_user),
        add_label=add_label,
        shown_changes=shown_changes,
        shown_value=shown_value,
    ), status


def _merged_form(spec: EntitySpec, languages: list[str], conflict: EditConflictError):
    """The form again after a conflict: the merged values, based on the current version.

    Fields only the other editor changed show their value; fields both changed show
    the editor's, to choose from. Saving it is then a save over the version seen.
    """
    if conflict.values is None or conflict.current_version < 0:
        return None
    return record_form(
        spec,
        languages,
        creating=False,
        flat=conflict.values,
        version=conflict.current_version,
        user=current_user,
    )


def _delete(spec: EntitySpec, record_id: int):
    get_scoped(spec.model, record_id)  # another producer's record: 404 before anything else
    form = DeleteForm()
    if not form.validate():
        flash(_("Tick the box to confirm the removal."), "error")
        return redirect(url_for(f"admin.{spec.name}_edit", record_id=record_id))
    try:
        parent_id = delete_record(spec, current_user, record_id, form_version(form))
    except EditConflictError:
        flash(_("Someone else saved this record meanwhile: look at it again first."), "error")
        return redirect(url_for(f"admin.{spec.name}_edit", record_id=record_id))
    flash(_("Removed. Its values are kept in the history."), "info")
    if parent_id is not None:
        return redirect(url_for(f"admin.{spec.parent}_edit", record_id=parent_id))
    return redirect(url_for(f"admin.{spec.name}_list"))


def _attach_errors(spec: EntitySpec, form, errors: dict[str, str], languages: list[str]) -> None:
    for key, message in errors.items():
        name, _sep, lang = key.partition(".")
        field_name = input_name(spec.field(name), lang or None) if name else ""
        if field_name and field_name in form:
            form[field_name].errors = [*form[field_name].errors, message]
        else:
            form.form_errors.append(message)


def _children(spec: EntitySpec, record: Any) -> list[tuple[EntitySpec, list[Any]]]:
    if record is None:
        return []
    found = []
    for child_name in spec.children:
        child = SPECS[child_name]
        column = getattr(child.model, child.parent_attr)
        stmt = scoped(select(child.model).where(column == record.id), child.model, current_user)
        found.append((child, db.session.scalars(stmt.order_by(child.model.id.desc())).all()))
    return found
