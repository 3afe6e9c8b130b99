"""Every date and time shown is Vietnam's (UTC+7), computed in qrsvc.localtime only.

Pages are rendered with moments stored just after 17:00 UTC, when Vietnam's calendar
has already turned to the next day: the local day and time must show, the UTC ones
never. Two static checks catch the next raw time before it ships: a template printing
a moment without a time filter, and Python code outside qrsvc.localtime naming the zone.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from jinja2 import Environment, nodes
from sqlalchemy import select

from qrsvc import localtime
from qrsvc.extensions import db
from qrsvc.localtime import (
    format_date,
    format_local,
    from_local_input,
    iso_local,
    local_date,
    local_today,
    to_local,
    to_local_input,
)
from qrsvc.models import Batch, Producer, Product, Revision, TraceEvent, User
from qrsvc.public.festivals import next_festival_date

ROOT = Path(__file__).resolve().parents[1]
GTIN = "08931234567897"

#: 17:30 UTC on 4 March is 00:30 on 5 March in Vietnam.
NIGHT = datetime(2026, 3, 4, 17, 30, tzinfo=UTC)
LOCAL_TEXT = "05/03/2026 00:30"
UTC_TEXTS = ("04/03/2026", "2026-03-04", "17:30")


# --- the module ---------------------------------------------------------------------


def test_a_moment_after_five_pm_utc_is_the_next_day_in_vietnam():
    assert format_local(NIGHT) == LOCAL_TEXT
    assert format_date(NIGHT) == "05/03/2026"
    assert local_date(NIGHT) == date(2026, 3, 5)
    assert iso_local(NIGHT) == "2026-03-05T00:30:00+07:00"
    assert to_local(NIGHT).utcoffset() == timedelta(hours=7)


def test_a_naive_moment_is_taken_as_utc_and_none_shows_nothing():
    assert format_local(NIGHT.replace(tzinfo=None)) == LOCAL_TEXT
    assert format_local(None) == "" and format_date(None) == "" and iso_local(None) is None


def test_a_day_is_shown_as_written():
    assert format_date(date(2026, 3, 4)) == "04/03/2026"


def test_local_today_is_the_day_in_vietnam():
    before = (datetime.now(UTC) + timedelta(hours=7)).date()
    today = local_today()
    after = (datetime.now(UTC) + timedelta(hours=7)).date()  # midnight may fall between
    assert today in (before, after)


def test_staff_type_local_time_and_see_it_again():
    typed = datetime(2026, 3, 5, 0, 30)  # a datetime-local input has no offset
    assert from_local_input(typed) == NIGHT
    assert to_local_input(NIGHT) == typed
    aware = datetime(2026, 3, 5, 0, 30, tzinfo=UTC)
    assert from_local_input(aware) is aware  # an explicit offset is kept


def test_the_zone_has_one_definition():
    assert localtime.OFFSET == "+07:00" and localtime.ZONE_NAME == "Asia/Ho_Chi_Minh"
    assert NIGHT.astimezone(localtime.VIETNAM).isoformat().endswith(localtime.OFFSET)


# --- festivals: the next occurrence -----------------------------------------------------

# 21/8 lunar fell on 1 October 2026 and falls on 21 September 2027 (lunardate).
LAM_KINH_2026, LAM_KINH_2027 = date(2026, 10, 1), date(2027, 9, 21)


@pytest.mark.parametrize(
    ("today", "days", "expected"),
    [
        (date(2026, 1, 5), 1, LAM_KINH_2026),  # still to come this year
        (date(2026, 10, 1), 1, LAM_KINH_2026),  # today
        (date(2026, 10, 2), 1, LAM_KINH_2027),  # over: next year's, never a past date
        (date(2026, 10, 2), 3, LAM_KINH_2026),  # a three-day festival still under way
        (date(2026, 10, 4), 3, LAM_KINH_2027),
        (date(2026, 12, 31), 1, LAM_KINH_2027),
    ],
)
def test_a_festival_shows_its_next_occurrence(today, days, expected):
    when = next_festival_date(8, 21, today, days)
    assert when.solar == expected and (when.lunar_month, when.lunar_day) == (8, 21)


def test_the_last_lunar_month_falls_in_the_next_solar_year():
    # 10/12 lunar of the year begun in February 2026 falls in January 2027.
    assert next_festival_date(12, 10, date(2026, 12, 31)).solar == date(2027, 1, 17)
    # Day 30 of a 29-day month is held on the 29th.
    assert next_festival_date(12, 30, date(2026, 1, 5)).solar == date(2026, 2, 16)


def test_outside_the_lunar_table_there_is_no_date():
    assert next_festival_date(1, 1, date(2100, 6, 1)).solar is None


# --- pages show local time ------------------------------------------------------------------


@pytest.fixture
def night(app):
    """A product, a lot with an event and a recalled lot, all stamped at NIGHT."""
    with app.app_context():
        producer = Producer(ref="htx-night", name="HTX Đêm", kind="cooperative")
        product = Product(
            producer=producer, ref="banh-dem", gtin=GTIN, status="published", name={"vi": "Bánh"}
        )
        lot = Batch(product=product, ref="DEM1", lot="DEM1", created_at=NIGHT, updated_at=NIGHT)
        recalled = Batch(
            product=product,
            ref="DEM2",
            lot="DEM2",
            status="recalled",
            recalled_at=NIGHT,
            recall_reason={"vi": "Thu hồi."},
        )
        event = TraceEvent(
            batch=lot,
            event_type="ObjectEvent",
            action="ADD",
            biz_step="commissioning",
            disposition="active",
            event_time=NIGHT,
            place={"vi": "Xưởng"},
        )
        sleeper = User(email="sleeper@test.local", role="editor", last_login_at=NIGHT)
        sleeper.set_password("a long enough password 1")
        db.session.add_all([producer, product, lot, recalled, event, sleeper])
        db.session.flush()
        db.session.add(Revision(entity_type="batch", entity_id=lot.id, action="update", at=NIGHT))
        db.session.commit()
        return {"batch": lot.id, "event": event.id}


def assert_local_only(html: str, where: str) -> None:
    """The page shows NIGHT as Vietnam's day and time and never as UTC's."""
    assert LOCAL_TEXT in html or "05/03/2026" in html, where
    for text in UTC_TEXTS:
        assert text not in html, (where, text)


def test_admin_lists_and_forms_show_local_time(client, accounts, night):
    accounts.login("admin")
    for path in ("/admin/events/", "/admin/users/", f"/admin/batches/{night['batch']}"):
        html = client.get(path).get_data(as_text=True)
        assert LOCAL_TEXT in html, path
        assert_local_only(html, path)
    history = client.get(f"/admin/batches/{night['batch']}/history").get_data(as_text=True)
    assert_local_only(history, "history")
    form = client.get(f"/admin/events/{night['event']}").get_data(as_text=True)
    assert 'value="2026-03-05T00:30"' in form
    assert_local_only(form, "event form")


def test_a_time_typed_in_the_admin_is_stored_as_vietnam_time(app, client, accounts, night):
    accounts.login("admin")
    response = client.post(
        f"/admin/batches/{night['batch']}/events/new",
        data={
            "biz_step": "shipping",
            "event_time": "2026-03-05T00:30",
            "event_type": "ObjectEvent",
            "action": "OBSERVE",
            "disposition": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        times = db.session.scalars(
            select(TraceEvent.event_time).where(TraceEvent.biz_step == "shipping")
        ).all()
    assert times == [NIGHT]


def test_public_pages_show_local_time(client, night):
    lot = client.get(f"/01/{GTIN}/10/DEM1").get_data(as_text=True)
    assert f'<time datetime="{iso_local(NIGHT)}">{LOCAL_TEXT}</time>' in lot
    assert_local_only(lot, "lot page")
    recalled = client.get(f"/01/{GTIN}/10/DEM2")
    assert recalled.status_code == 410
    assert_local_only(recalled.get_data(as_text=True), "recalled lot page")


def test_exports_carry_the_offset(client, accounts, night):
    batch = client.get("/api/v1/batches/DEM1").get_json()
    assert [e["time"] for e in batch["events"]] == ["2026-03-05T00:30:00+07:00"]
    epcis = client.get("/api/v1/batches/DEM1/epcis").get_json()
    [event] = epcis["epcisBody"]["eventList"]
    assert event["eventTime"] == "2026-03-05T00:30:00+07:00"
    assert event["eventTimeZoneOffset"] == "+07:00"
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", epcis["creationDate"])
    accounts.login("admin")
    export = client.get("/admin/transfer/export.json").get_json()
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", export["exported_at"])


# --- static checks: the next raw time fails here ------------------------------------------

#: Filters that show a moment or a day in Vietnam's time (qrsvc.localtime.init_app).
TIME_FILTERS = {"localtime", "localdate", "shortdate", "isotime"}


def is_time_name(name: str) -> bool:
    """Attribute names that hold a moment or a day in the models and page views."""
    return name == "at" or name.endswith(("_at", "_time", "_until", "_date", "_expiry"))


def unfiltered_times(source: str, name: str = "template") -> list[str]:
    """Each place in ``source`` that prints a time without a time filter, or formats it."""
    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"], autoescape=True)
    found: list[str] = []

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Filter) and node.name in TIME_FILTERS:
            return  # shown through the time module
        if isinstance(node, nodes.Compare | nodes.Test | nodes.Not):
            return  # compared or tested, not printed
        if isinstance(node, nodes.CondExpr):
            for branch in (node.expr1, node.expr2):
                if branch is not None:
                    visit(branch)
            return
        if isinstance(node, nodes.Getattr) and node.attr in ("strftime", "isoformat"):
            found.append(f"{name}:{node.lineno}: .{node.attr}() (use a time filter)")
        elif isinstance(node, nodes.Getattr) and is_time_name(node.attr):
            found.append(f"{name}:{node.lineno}: {node.attr} printed without a time filter")
        elif isinstance(node, nodes.Name) and is_time_name(node.name):
            found.append(f"{name}:{node.lineno}: {node.name} printed without a time filter")
        for child in node.iter_child_nodes():
            visit(child)

    tree = env.parse(source)
    for output in tree.find_all(nodes.Output):
        for node in output.nodes:
            if not isinstance(node, nodes.TemplateData):
                visit(node)
    for call in tree.find_all(nodes.CallBlock):  # arguments of {% call macro(...) %}
        visit(call.call)
    return found


def test_the_template_check_finds_a_raw_time():
    assert unfiltered_times("{{ run.created_at }}")
    assert unfiltered_times("{{ _('on %(d)s', d=batch.recalled_at) }}")
    assert unfiltered_times("{{ e.when.isoformat() }}")
    assert unfiltered_times("{% call item(x.event_time, 1) %}{% endcall %}")
    assert unfiltered_times("{{ rev.at|string }}")
    assert not unfiltered_times("{{ run.created_at|localtime }} {% if x.at %}-{% endif %}")
    assert not unfiltered_times("{{ _('on %(d)s', d=(a and a.first_at or b.at)|localtime) }}")
    assert not unfiltered_times("{{ 'x' if d.expiry_date < today else d.expiry_date|shortdate }}")


def test_no_template_prints_a_raw_time():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        found += unfiltered_times(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "\n".join(found)


#: Files of the stamps area that still name the zone themselves (its helper routes them
#: through qrsvc.localtime; each must leave this list when it does, see the test below).
PENDING: set[str] = set()


def zone_references(source: str) -> list[int]:
    """Lines of Python code (not docstrings) that define or name Vietnam's time zone."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            if "Ho_Chi_Minh" in node.value or re.fullmatch(r"(UTC)?\+0?7(:?00)?", node.value):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.keyword)
            and node.arg == "hours"
            and isinstance(node.value, ast.Constant)
            and node.value.value == 7
        ):
            lines.append(node.lineno)
    return lines


def test_the_zone_check_finds_a_second_definition():
    assert zone_references("VN = timezone(timedelta(hours=7))")
    assert zone_references('zone = ZoneInfo("Asia/Ho_Chi_Minh")')
    assert zone_references('event.tz_offset = "+07:00"')
    assert not zone_references('"""Times are +07:00."""\nx = timedelta(hours=8)')


def test_no_code_outside_the_time_module_names_the_zone():
    found, pending_fixed = [], []
    for path in sorted((ROOT / "qrsvc").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name == "qrsvc/localtime.py":
            continue
        lines = zone_references(path.read_text(encoding="utf-8"))
        if name in PENDING:
            if not lines:
                pending_fixed.append(name)
        elif lines:
            found.append(f"{name}: lines {lines}")
    assert not found, "Use qrsvc.localtime instead:\n" + "\n".join(found)
    assert not pending_fixed, f"Remove from PENDING, now fixed: {pending_fixed}"
