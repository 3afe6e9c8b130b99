"""Accounts of staff and producers (administrators only).

A new password, another role, producer or areas, or deactivation ends the account's
sessions on every device (:mod:`qrsvc.admin.accounts`). An editor may be limited to
areas (issue 15): it then sees only their records (:mod:`qrsvc.content.scope`).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from qrsvc.admin.access import role_required
from qrsvc.admin.accounts import AccountError, UserChange, save_user
from qrsvc.admin.auth import sign_in_again
from qrsvc.admin.forms import UserForm
from qrsvc.extensions import db
from qrsvc.models import Area, Producer, Role, User


@role_required(Role.ADMIN)
def user_list():
    """Every account."""
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=users)


@role_required(Role.ADMIN)
def user_edit(user_id: int | None):
    """Create or change an account."""
    user = db.get_or_404(User, user_id) if user_id is not None else None
    form = UserForm(obj=None)
    if user is not None and not form.is_submitted():
        form = UserForm(
            data={
                "email": user.email,
                "display_name": user.display_name,
                "role": user.role,
                "producer_id": str(user.producer_id or ""),
                "active": user.is_active_account,
                "areas": [str(area.id) for area in user.areas],
            }
        )
    producers = db.session.execute(select(Producer.id, Producer.name).order_by(Producer.name))
    form.producer_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(i), name) for i, name in producers
    ]
    areas = db.session.execute(select(Area.id, Area.name, Area.code).order_by(Area.name, Area.code))
    form.areas.choices = [SelectChoice(str(i), f"{name} ({code})") for i, name, code in areas]
    status = 200
    if form.validate_on_submit():
        change = UserChange(
            email=form.email.data,
            display_name=form.display_name.data or "",
            role=form.role.data,
            producer_id=int(form.producer_id.data) if form.producer_id.data else None,
            password=form.password.data or "",
            active=form.active.data,
            area_ids=tuple(int(value) for value in form.areas.data or ()),
        )
        own_session = current_user.get_id()
        try:
            saved = save_user(user_id, change, current_user.id)
        except AccountError as exc:
            form.form_errors.append(str(exc))
            status = 400
        else:
            if saved.id == current_user.id and saved.get_id() != own_session:
                sign_in_again(saved)  # a new password of one's own: this device stays in
            flash(_("The account was saved."), "info")
            return redirect(url_for("admin.user_edit", user_id=saved.id))
    elif form.errors:
        status = 400
    return render_template("admin/user_edit.html", form=form, user=user), status
