"""List, create, edit and history views, registered once per :class:`EntitySpec`.

Every kind of record gets the same four thin views, so a role check or a
conflict message is written once and cannot be forgotten on one of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, false, func, select

from qrsvc.admin import bp, revisions
from qrsvc.admin.access import EVERYONE, get_scoped, role_required, scoped
from qrsvc.admin.adding import add_label, add_offer, may_create
from qrsvc.admin.conflicts import Choices, conflict_items, submitted_choices
from qrsvc.admin.editing import (
    EditConflictError,
    InvalidRecordError,
    delete_record,
    restore_revision,
    save_record,
    version_of,
)
from qrsvc.admin.forms import ActionForm, DeleteForm
from qrsvc.admin.forms_records import form_values, form_version, input_name, record_form
from qrsvc.admin.records import EntitySpec
from qrsvc.extensions import db
from qrsvc.folding import clean_query, matches, query_words
from qrsvc.models import Revision

#: Every registered spec by name, and the URL folder of each (a child's "new" URL
#: sits under its parent's: /admin/products/<id>/batches/new).
SPECS: dict[str, EntitySpec] = {}
_PLURALS: dict[str, str] = {}
PAGE_SIZE = 50


def register(spec: EntitySpec, plural: str) -> EntitySpec:
    """Add the list, new, edit, history (and delete) views of ``spec`` at ``/admin/<plural>/``."""
    SPECS[spec.name] = spec
    if spec.parent:
        spec.parent_model = SPECS[spec.parent].model
    guard = role_required(*spec.roles)
    create_guard = role_required(*(spec.create_roles or spec.roles))

    def list_view():
        return _list(spec)

    def new_view(parent_id: int | None = None):
        return _edit(spec, None, parent_id)

    def edit_view(record_id: int):
        return _edit(spec, record_id, None)

    def history_view(record_id: int):
        record = get_scoped(spec.model, record_id)
        return render_template(
            "admin/history.html",
            spec=spec,
            record=record,
            revisions=revisions.history(spec.name, record_id),
            restorable_before=revisions.restorable_before,
            restored_from=revisions.restored_from,
            shown_changes=revisions.shown_changes,
            action_form=ActionForm(),
        )

    name = spec.name
    bp.add_url_rule(f"/{plural}/", f"{name}_list", guard(list_view))
    if spec.create_roles == ():  # created another way (media: by uploading a file)
        pass
    elif spec.parent:
        parent_plural = _PLURALS[spec.parent]
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
    _PLURALS[name] = plural
    return spec


def contains(*columns: Any, through: tuple[Any, ...] = ()) -> Callable[[str], Any]:
    """A search condition: every typed word is in one of ``columns``, accents and case aside.

    The first column is the record's own; ``through`` names relationships whose
    columns are searched as well (a relic's names in each language). JSON columns
    (a product's names per language) are searched by their values.
    """
    model = columns[0].class_

    def condition(text: str) -> Any:
        words = query_words(text)
        if not words:  # only punctuation or stray accents: nothing to look for
            return false()
        # Neither database folds Vietnamese (SQLite's lower() is ASCII only), so the
        # columns are read and compared in Python; a district has at most a few
        # thousand of any record, and only the ids that match go back to SQL.
        stmt = select(model.id, *columns)
        for relationship in through:
            stmt = stmt.outerjoin(relationship)
        texts: dict[int, list[str]] = defaultdict(list)
        for record_id, *values in db.session.execute(stmt):
            texts[record_id].extend(_texts(values))
        found = [record_id for record_id, t in texts.items() if matches(words, "\n".join(t))]
        # Inlined (they are integers from the database): no limit on bound parameters.
        return model.id.in_(
            bindparam("found", found, unique=True, expanding=True, literal_execute=True)
        )

    return condition


def _texts(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, dict):
        values = list(values.values())
    if isinstance(values, list | tuple):
        return [text for value in values for text in _texts(value)]
    return [str(values)]


def _list(spec: EntitySpec):
    page = request.args.get("page", 1, type=int) or 1
    page = max(1, min(page, 100_000))
    stmt = scoped(select(spec.model), spec.model, current_user)
    query = clean_query(request.args.get("q"))
    if query and spec.search is not None:
        stmt = stmt.where(spec.search(query))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    records = db.session.scalars(
        stmt.order_by(spec.model.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "admin/list.html",
        spec=spec,
        records=records,
        page=page,
        total=total,
        size=PAGE_SIZE,
        query=query,
        offer=add_offer(spec, SPECS.get(spec.parent or ""), current_user),
    )


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
        )
    else:
        form = record_form(spec, languages, creating=creating)
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
        shown_changes=revisions.shown_changes,
        shown_value=revisions.shown_value,
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


@bp.post("/revisions/<int:revision_id>/restore")
@role_required(*EVERYONE)
def restore(revision_id: int):
    """Put a record back as it was after one of its revisions."""
    return _restore(revision_id, before=False)


@bp.post("/revisions/<int:revision_id>/restore-before")
@role_required(*EVERYONE)
def restore_before(revision_id: int):
    """Put a record back as it was before one of its revisions (its first version, when
    it was made outside the admin and so has no revision of its own)."""
    return _restore(revision_id, before=True)


def _restore(revision_id: int, *, before: bool):
    form = ActionForm()
    if not form.validate():
        abort(400)
    revision = db.session.get(Revision, revision_id)
    spec = SPECS.get(revision.entity_type) if revision else None
    if revision is None or spec is None or not current_user.has_role(*spec.roles):
        abort(404)
    if before and not revisions.restorable_before(revision):
        abort(404)
    try:
        restore_revision(spec, current_user, revision, before=before)
    except (EditConflictError, InvalidRecordError) as exc:
        flash(_("This version cannot be restored: %(why)s", why=str(exc)), "error")
    else:
        version = revision.version - 1 if before else revision.version
        flash(_("Version %(v)d was restored.", v=version), "info")
    return redirect(url_for(f"admin.{spec.name}_history", record_id=revision.entity_id))
