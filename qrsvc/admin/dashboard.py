"""The admin home: scans, languages, alerts, silent signs and reports to handle."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from qrsvc import labels
from qrsvc.admin.access import EVERYONE, STAFF, may_see, role_required, sees_all
from qrsvc.admin.accounts import recent_signin_alerts
from qrsvc.admin.charts import bar_list, column_chart
from qrsvc.admin.forms import ActionForm
from qrsvc.admin.stats import build_dashboard, record_names
from qrsvc.database import begin_write
from qrsvc.i18n import LANGUAGE_NAMES
from qrsvc.localtime import local_today
from qrsvc.models import Relic, Role, SignReport, utcnow
from qrsvc.payments.stickers import payment_alerts


@role_required(*EVERYONE)
def index():
    """The dashboard."""
    days = request.args.get("days", 30, type=int) or 30
    days = min(max(days, 7), 365)
    today = local_today()
    # Records are named in the admin's language (Vietnamese where they have no such name).
    board_lang = str(get_locale() or "vi")
    board = build_dashboard(current_user, today, days=days, lang=board_lang)
    charts = {
        "days": column_chart(
            board.days,
            _("Scans per day, last %(n)d days", n=days),
            _("%(total)d scans in all.", total=board.total),
        ),
        # Pages opened from links inside the site: shown apart, never added to the scans.
        "site": column_chart(
            board.site_days,
            _("Visits from the site per day, last %(n)d days", n=days),
            _("%(total)d visits from the site in all; they are not scans.", total=board.site_total),
            css_class="site",
        ),
        "top": bar_list([(r.name, n, r.ref) for r, n in board.top], _("Most scanned")),
        "languages": bar_list(
            [(LANGUAGE_NAMES.get(lang, lang), n) for lang, n in board.languages],
            _("Languages of the pages read"),
        ),
        "devices": bar_list(
            [(labels.label("device", dev), n) for dev, n in board.devices], _("Devices")
        ),
    }
    # Wrong passwords poured onto an account: the admins, who manage accounts, are told.
    signin_alerts = recent_signin_alerts() if current_user.role == Role.ADMIN else []
    # A visitor's photo of a payment code that is not the relic's: staff see it first.
    staff = current_user.role in (Role.ADMIN, Role.EDITOR)
    payment = payment_alerts() if staff else []
    if staff and not sees_all(current_user):  # an editor limited to areas: its relics'
        payment = [a for a in payment if may_see(Relic, a.report.relic_id, current_user)]
    relics = record_names("relic", [alert.report.relic_id for alert in payment], board_lang)
    return render_template(
        "admin/dashboard.html",
        board=board,
        charts=charts,
        days=days,
        action_form=ActionForm(),
        signin_alerts=signin_alerts,
        payment_alerts=[(alert, relics.get(alert.report.relic_id)) for alert in payment],
    )


def handle_report(report_id: int, user_id: int) -> bool:
    """Mark a sign problem report as handled; False when it does not exist."""
    session = begin_write()
    report = session.get(SignReport, report_id)
    if report is None:
        session.rollback()
        return False
    if report.status != "handled":
        report.status = "handled"
        report.handled_by_id = user_id
        report.handled_at = utcnow()
    session.commit()
    return True


@role_required(*STAFF)
def report_handle(report_id: int):
    """A member of staff took care of a reported sign."""
    if not ActionForm().validate():
        abort(400)
    if not may_see(SignReport, report_id, current_user):  # another area's: not found
        abort(404)
    if not handle_report(report_id, current_user.id):
        abort(404)
    flash(_("The report is marked as handled."), "info")
    return redirect(url_for("admin.index") + "#reports")
