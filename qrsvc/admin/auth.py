"""Login and logout."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from qrsvc.admin import bp
from qrsvc.extensions import db, login_manager
from qrsvc.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The logged-in user of this session, if the account still exists."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@bp.get("/login")
def login():
    """The login form (completed by the admin work)."""
    return render_template("admin/login.html")


@bp.get("/")
@login_required
def index():
    """The admin home."""
    return render_template("admin/login.html")
