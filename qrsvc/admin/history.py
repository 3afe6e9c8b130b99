"""The history of a record and the restore of one of its versions.

The history page lists a record's revisions with each field's old and new value
(:mod:`qrsvc.content.revisions`); a restore is a new save of an older state
(:func:`qrsvc.content.editing.restore_revision`): history is never rewritten.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from qrsvc.admin.access import EVERYONE, get_scoped, role_required
from qrsvc.admin.forms import ActionForm
from qrsvc.content import revisions
from qrsvc.content.editing import EditConflictError, InvalidRecordError, restore_revision
from qrsvc.content.records import EntitySpec
from qrsvc.content.registry import SPECS
from qrsvc.extensions import db
from qrsvc.models import Revision


def history_page(spec: EntitySpec, record_id: int):
    """The revisions of one record of ``spec``, newest first, with restore buttons."""
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


@role_required(*EVERYONE)
def restore(revision_id: int):
    """Put a record back as it was after one of its revisions."""
    return _restore(revision_id, before=False)


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
