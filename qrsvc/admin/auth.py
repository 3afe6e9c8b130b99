"""Signing in and out, and changing one's password."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from qrsvc.admin import accounts, bp
from qrsvc.admin.access import EVERYONE, role_required
from qrsvc.admin.forms import PasswordForm
from qrsvc.extensions import db, limiter, login_manager
from qrsvc.models import User

login_manager.login_message = None  # the login page says what to do itself


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The logged-in user of this session, if the account still exists."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _login_key() -> str:
    # Per address AND per account: one address cannot try many accounts quickly,
    # many addresses cannot try one account quickly.
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"login-account:{email}"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path inside the admin, never another site."""
    if (
        target
        and target.startswith("/admin/")
        and not any(bad in target for bad in ("//", "\\", "\n", "\r"))
    ):
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_login_key)
def login():
    """The sign-in form."""
    from qrsvc.admin.forms import LoginForm

    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # nothing from before signing in survives (session fixation)
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        return render_template("admin/login.html", form=form), 401
    return render_template("admin/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@role_required(*EVERYONE)
def logout():
    """Sign out (a POST, so that a link on another site cannot sign anyone out)."""
    session.clear()
    logout_user()  # after clearing: it leaves the order to delete the remember-me cookie
    flash(_("You are signed out."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
@role_required(*EVERYONE)
def password():
    """Change one's own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(current_user.id, form.current.data, form.new.data):
            flash(_("Your password was changed."), "info")
            return redirect(url_for("admin.index"))
        form.current.errors.append(_("This is not your current password."))
    return render_template("admin/password.html", form=form), 400 if form.errors else 200
