"""Signing in and out, and changing one's password.

A session (and a remember-me cookie) names its user as ``"<id>:<session version>"``
(:meth:`User.get_id`); the account services raise the version to end them all. Sign-in
attempts pass the :mod:`~qrsvc.admin.signin_guard` first.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import COOKIE_NAME, current_user, login_user, logout_user

from qrsvc.admin import accounts, signin_guard
from qrsvc.admin.access import EVERYONE, role_required
from qrsvc.admin.forms import PasswordForm
from qrsvc.extensions import db, login_manager
from qrsvc.models import User

log = logging.getLogger(__name__)

login_manager.login_message = None  # the login page says what to do itself

#: The id of :meth:`User.get_id`; nine digits keep both numbers within an SQL integer.
USER_ID = re.compile(r"([0-9]{1,9}):([0-9]{1,9})")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user a session or remember-me cookie names, while that cookie is still valid.

    Nobody is signed in by an id of another shape, of a session version since raised
    (signed out, new password, other role...), or of a deactivated account.
    """
    match = USER_ID.fullmatch(user_id or "")
    if match is None:
        return None
    user = db.session.get(User, int(match[1]))
    if user is None or not user.is_active or user.session_version != int(match[2]):
        return None
    return user


def set_up_signin_guard(state) -> None:
    """Give the app the counts that slow down password guessing."""
    signin_guard.init_app(state.app)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path inside the admin, never another site."""
    if (
        target
        and target.startswith("/admin/")
        and not any(bad in target for bad in ("//", "\\", "\n", "\r"))
    ):
        return target
    return url_for("admin.index")


def sign_in_again(user: User) -> None:
    """Keep this device signed in after ``user``'s sessions were ended (own new password).

    A remember-me cookie this browser had is replaced by one naming the new version.
    """
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
    login_user(user, remember=remembered)


def _refused(form, refusal: signin_guard.Refusal):
    wait = format_timedelta(timedelta(seconds=refusal.retry_after), threshold=1)
    if refusal.whole_client:
        message = _(
            "Too many sign-in attempts from your connection. Try again in %(wait)s.", wait=wait
        )
    else:
        message = _(
            "Too many wrong passwords for this account from your connection. "
            "Try again in %(wait)s.",
            wait=wait,
        )
    flash(message, "error")
    page = render_template("admin/login.html", form=form)
    return page, 429, {"Retry-After": str(refusal.retry_after)}


def login():
    """The sign-in form."""
    from qrsvc.admin.forms import LoginForm

    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    guard = signin_guard.guard()
    client = request.remote_addr or "unknown"
    form = LoginForm()
    if request.method == "POST" and (refusal := guard.count_attempt(client)):
        return _refused(form, refusal)
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 400 if form.errors else 200
    if refusal := guard.check(form.email.data, client):
        return _refused(form, refusal)
    guard.hold_back(form.email.data)
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is not None:
        session.clear()  # nothing from before signing in survives (session fixation)
        login_user(user, remember=form.remember.data)
        return redirect(safe_next(request.args.get("next")))
    attack = guard.failed(form.email.data, client)
    if attack is not None:
        alert = accounts.note_signin_attack(attack.account, attack.failures, attack.addresses)
        if alert is not None and attack.failures == signin_guard.ATTACK_FAILURES:
            log.warning("wrong passwords pour onto the account of user %d", alert.user_id)
    flash(_("Wrong email or password."), "error")
    return render_template("admin/login.html", form=form), 401


@role_required(*EVERYONE)
def logout():
    """Sign out on every device (a POST, so that a link on another site cannot do it)."""
    accounts.end_sessions(current_user.id)
    session.clear()
    logout_user()  # after clearing: it leaves the order to delete the remember-me cookie
    flash(_("You are signed out."), "info")
    return redirect(url_for("admin.login"))


@role_required(*EVERYONE)
def password():
    """Change one's own password: every other session of the account ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = accounts.change_password(current_user.id, form.current.data, form.new.data)
        if user is not None:
            sign_in_again(user)
            flash(_("Your password was changed."), "info")
            return redirect(url_for("admin.index"))
        form.current.errors.append(_("This is not your current password."))
    return render_template("admin/password.html", form=form), 400 if form.errors else 200
