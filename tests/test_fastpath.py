"""Each trick of :mod:`qrsvc.fastpath` gives what the plain way gives.

The plain way is Flask, Flask-Babel, Flask-WTF and Jinja used as their documentation
shows; each test puts the two side by side on the same input.
"""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from flask import Flask, render_template, render_template_string, session, template_rendered
from flask.sessions import SecureCookieSessionInterface
from flask_wtf import CSRFProtect
from sqlalchemy import update

from qrsvc import cache
from qrsvc.extensions import db
from qrsvc.fastpath import (
    CookieSessionInterface,
    Qrsvc,
    catalog_gettext,
    protect_unsafe_methods,
    render_with_kept_layout,
)
from qrsvc.fastpath.layout import SLOT
from qrsvc.i18n import UI_LANGUAGES
from qrsvc.models import Batch, Producer, Product, Relic, RelicTranslation
from qrsvc.ratelimit import RateLimits, hit_limits
from qrsvc.stamps import facts, runs, stamp_page
from qrsvc.stamps.codes import make_token
from qrsvc.stamps.facts import RunCache

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 10) Mobile"}


@pytest.fixture
def stamp_run(session):
    """A run of five stamps: 1-2 active, 3 voided, 4-5 not activated; returns its first serial."""
    producer = Producer(ref="tutru", name="HTX <Bánh gai> & Tứ Trụ", commune="Thọ Xuân")
    product = Product(
        ref="banh-gai",
        producer=producer,
        gtin="08931234567897",
        name={"vi": "Bánh gai Tứ Trụ", "en": "Tu Tru gai leaf cake"},
        ocop_stars=4,
        ocop_cert_expiry=date(2099, 1, 1),
    )
    batch = Batch(ref="BG-1", product=product, lot="L2611", production_date=date(2026, 11, 20))
    session.add_all([producer, product, batch])
    session.commit()
    run = runs.allocate_run(session, batch, 5)
    first = run.first_serial
    runs.activate(session, run.id, first, first + 2)
    runs.void(session, run.id, first + 2, first + 2)
    return first


@contextlib.contextmanager
def rendered_templates(app):
    """The names of the templates rendered inside the block, in order (Flask's signal)."""
    names = []

    def note(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(note, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(note, app)


def stamp_context(page: stamp_page.StampPage, key: bytes) -> dict:
    """What the stamp view passes to its template."""
    return dict(
        page=page,
        offline_offer=False,
        state=page.state,
        verdict=page.verdict,
        facts=page.product,
        scans=page.scans,
        copied=page.copied,
        evidence=page.evidence,
        far_apart_km=50,
        token=make_token(key, page.serial) if page.serial else None,
        today=date(2026, 12, 1),
        report_contact="0237 3834 171",
        switch=(("vi", "?lang=vi"), ("en", "?lang=en")),
    )


# --- the kept layout ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_the_kept_layout_gives_the_whole_render_for_every_state(app, stamp_run, lang):
    app.testing = False  # no built-in comparison: this test compares
    key = app.config["STAMP_KEY"].encode()
    serials = {"active": stamp_run, "voided": stamp_run + 2, "not_activated": stamp_run + 3}
    for state, serial in [*serials.items(), ("unknown", None)]:
        with app.test_request_context("/S/x", headers={"Accept-Language": lang}):
            if serial is None:
                page = stamp_page.StampPage("unknown")
            else:
                page = stamp_page.stamp_page(db.session, serial, client="c" * 32, count=False)
            assert page.state == state
            context = stamp_context(page, key)
            plain = render_template("stamps/stamp.html", **context)
            with rendered_templates(app) as names:
                kept = render_with_kept_layout("stamps/stamp.html", **context)
                again = render_with_kept_layout("stamps/stamp.html", **context)
            fast = render_with_kept_layout("stamps/stamp.html", **catalog_gettext(), **context)
        assert kept == plain and again == plain and fast == plain, state
        assert f'<html lang="{lang}">' in plain
        assert "HTX &lt;Bánh gai&gt; &amp; Tứ Trụ" in plain or state == "unknown"
        # The second page in a language renders only its parts, never the layout again.
        assert names.count("stamps/stamp.html") == 2 and names.count("fastpath/layout.html") <= 1
        assert "fastpath/layout.html" not in names[names.index("stamps/stamp.html") + 1 :]


def test_each_language_keeps_its_own_layout(app, stamp_run):
    app.testing = False
    key = app.config["STAMP_KEY"].encode()
    pages_by_lang = {}
    for lang in ("vi", "en", "zh", "vi", "ko", "fr", "zh"):
        # A request of its own, as a real one has (Flask-Babel keeps the locale in g).
        with app.app_context(), app.test_request_context("/S/x", headers={"Accept-Language": lang}):
            page = stamp_page.stamp_page(db.session, stamp_run, client="c" * 32, count=False)
            html = render_with_kept_layout("stamps/stamp.html", **stamp_context(page, key))
            assert html == render_template("stamps/stamp.html", **stamp_context(page, key))
            pages_by_lang.setdefault(lang, set()).add(html)
    assert all(len(found) == 1 for found in pages_by_lang.values())
    assert len({html for found in pages_by_lang.values() for html in found}) == 5


def test_a_value_holding_the_slot_mark_gets_the_whole_render(app, stamp_run):
    app.testing = False
    key = app.config["STAMP_KEY"].encode()
    with app.test_request_context("/S/x"):
        page = stamp_page.stamp_page(db.session, stamp_run, client="c" * 32, count=False)
        context = {**stamp_context(page, key), "report_contact": SLOT}
        page.state = "unknown"  # the report section, which shows the contact
        context.update(state="unknown", verdict="unknown")
        html = render_with_kept_layout("stamps/stamp.html", **context)
        assert html == render_template("stamps/stamp.html", **context)
        assert str(SLOT) in html


def test_the_stamp_page_served_is_the_whole_render(app, client, stamp_run):
    # Under test the view itself also renders whole and compares (KeptLayoutError if not).
    key = app.config["STAMP_KEY"].encode()
    for lang in UI_LANGUAGES:
        for serial in (stamp_run, stamp_run + 2, stamp_run + 4):
            answer = client.get(f"/S/{make_token(key, serial)}?lang={lang}", environ_base=PHONE)
            assert answer.status_code in (200, 410)


# --- interface strings from the catalog ---------------------------------------------------

STRINGS = """{{ _("Genuine stamp") }}|{{ _("Checked %(num)s time.", num=3) }}
|{{ _("This stamp was issued by %(producer)s through the district's traceability service and activated on %(day)s.", producer="<b>HTX</b> & co", day="01/12/2026") }}
|{{ ngettext("Checked %(num)s time.", "Checked %(num)s times.", 1) }}
|{{ ngettext("Checked %(num)s time.", "Checked %(num)s times.", 7) }}
|{{ ngettext("In %(num)s place more than %(km)s km from each other.", "In %(num)s places more than %(km)s km from each other.", 2, km=50) }}
|{{ gettext("Not in any catalog: 100%% <yes>") }}|{% autoescape false %}{{ _("Genuine stamp") }}{{ _("%(a)s", a="<i>") }}{% endautoescape %}"""  # noqa: E501


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_catalog_strings_are_those_flask_babel_gives(app, lang):
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        plain = render_template_string(STRINGS)
        fast = render_template_string(STRINGS, **catalog_gettext())
        again = render_template_string(STRINGS, **catalog_gettext())  # the kept helpers
    assert fast == plain == again
    # Arguments are escaped, the template's own texts are not; "%%" is "%".
    assert "&lt;b&gt;HTX&lt;/b&gt; &amp; co" in plain and "100% <yes>" in plain
    if lang == "vi":
        assert "Tem thật" in plain or "tem" in plain.lower()


# --- every request: the application class, the session, the CSRF check --------------------


def test_kept_sync_answers_are_flasks(app):
    plain = Flask("plain")

    def view():
        return "ok"

    assert isinstance(app, Qrsvc)
    assert app.ensure_sync(view) is plain.ensure_sync(view) is view
    assert app.ensure_sync(view) is view  # asked once, kept
    assert app.ensure_sync(len) is plain.ensure_sync(len) is len  # not weakly referenceable
    with app.test_request_context("/"):
        assert app.ensure_sync(view)() == "ok"


def session_app(interface) -> Flask:
    """A bare app whose views write and read the session through ``interface``."""
    app = Flask("sessions")
    app.secret_key = "one secret key, long enough"
    app.session_interface = interface

    @app.get("/write")
    def write():
        session["lang"] = "vi"
        session["who"] = "Nguyễn"
        return "written"

    @app.get("/read")
    def read():
        return f"{session.get('lang')}|{session.get('who')}|{session.modified}"

    return app


def written(app: Flask) -> str:
    """The session cookie's value after ``/write``."""
    client = app.test_client()
    client.get("/write")
    return client.get_cookie("session").value


def read(app: Flask, cookie: str) -> str:
    """What ``/read`` finds in the session with ``cookie``."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/read").text


def test_kept_signer_sessions_read_and_write_what_flasks_do():
    ours, plain = session_app(CookieSessionInterface()), session_app(SecureCookieSessionInterface())
    for writer, reader in ((ours, plain), (plain, ours), (ours, ours)):
        assert read(reader, written(writer)) == "vi|Nguyễn|False"
    # No cookie at all: an empty session, as Flask's, and nothing is set.
    for app in (ours, plain):
        answer = app.test_client().get("/read")
        assert answer.text == "None|None|False" and "Set-Cookie" not in answer.headers
    # A tampered cookie is refused by both.
    for app in (ours, plain):
        answer = app.test_client().get(
            "/read", headers={"Cookie": "session=eyJsYW5nIjoidmkifQ.x.y"}
        )
        assert answer.text == "None|None|False"


def test_a_new_secret_key_makes_a_new_signer():
    interface = CookieSessionInterface()
    app = session_app(interface)
    cookie = written(app)
    app.secret_key = "another secret key, also long enough"
    assert read(app, cookie) == "None|None|False"
    app.config["SECRET_KEY_FALLBACKS"] = ["one secret key, long enough"]
    assert read(app, cookie) == "vi|Nguyễn|False"


def csrf_app(ours: bool) -> Flask:
    """A bare app with a form view, an exempt view, and Flask-WTF bound the plain way or ours."""
    app = Flask("csrf")
    app.secret_key = "a secret key for the csrf test"
    csrf = CSRFProtect()
    if ours:
        protect_unsafe_methods(app, csrf)
    else:
        csrf.init_app(app)

    @app.route("/form", methods=["GET", "POST", "PUT", "DELETE"])
    def form():
        return "done"

    @app.post("/exempt")
    @csrf.exempt
    def exempt():
        return "exempt"

    return app


def test_the_csrf_check_refuses_and_allows_what_flask_wtfs_does():
    requests = [("get", "/form"), ("head", "/form"), ("post", "/form"), ("put", "/form")]
    requests += [("delete", "/form"), ("post", "/exempt")]
    answers = {}
    for ours in (True, False):
        client = csrf_app(ours).test_client()
        answers[ours] = [getattr(client, m)(path).status_code for m, path in requests]
    assert answers[True] == answers[False] == [200, 200, 400, 400, 400, 200]


# --- rate limits checked where they are asked for ------------------------------------------


def test_the_scan_limit_counts_as_a_decorated_limit_does(tmp_path):
    limiter = RateLimits()
    app = Flask("limits")
    app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_HEADERS_ENABLED=True)
    limiter.init_app(app)

    @app.get("/decorated")
    @limiter.limit("3/minute")
    def decorated():
        return "ok"

    @app.get("/hot")
    def hot():
        hit_limits("3/minute", scope="hot")
        return "ok"

    client = app.test_client()
    for path in ("/decorated", "/hot"):
        answers = [client.get(path) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    # Only the decorated view tells its budget; the hot path's answer stays the same.
    assert client.get("/decorated").headers["X-RateLimit-Remaining"] == "0"
    assert "X-RateLimit-Limit" not in client.get("/hot").headers
    # Another client has its own budget, in both.
    other = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/hot", environ_base=other).status_code == 200
    assert client.get("/decorated", environ_base=other).status_code == 200
    limiter.reset()
    assert client.get("/hot").status_code == 200


# --- kept data: run facts and rendered relic pages ------------------------------------------


def test_kept_run_facts_are_what_a_fresh_read_gives(app, stamp_run):
    with app.test_request_context("/"):
        kept = facts.run_of(db.session, stamp_run)
        assert kept == RunCache().run_of(db.session, stamp_run, "fresh")
        # A change through the application moves the generation: the next read is fresh.
        runs.activate(db.session, kept.id, stamp_run + 3, stamp_run + 3)
        after = facts.run_of(db.session, stamp_run)
        assert after == RunCache().run_of(db.session, stamp_run, "fresh") != kept
        assert facts.run_of(db.session, stamp_run + 5) is None  # past the run's end


def add_lam_kinh() -> None:
    """A published relic in Vietnamese and English."""
    relic = Relic(code="LK01", slug="lam-kinh", status="published", commune="Xã Lam Sơn")
    relic.translations.append(RelicTranslation(lang="vi", name="Khu di tích Lam Kinh"))
    relic.translations.append(RelicTranslation(lang="en", name="Lam Kinh historical site"))
    db.session.add(relic)
    db.session.commit()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_kept_relic_page_is_the_fresh_render(app, client, lang):
    with app.app_context():
        add_lam_kinh()
    headers = {"Accept-Language": lang, **{"User-Agent": PHONE["HTTP_USER_AGENT"]}}
    first = client.get("/r/LK01", headers=headers)
    kept = client.get("/r/LK01", headers=headers)  # from the page cache
    app.config["PAGE_CACHE_SECONDS"] = 0
    cache.page_cache(app).seconds = 0  # no cache at all: rendered afresh
    fresh = client.get("/r/LK01", headers=headers)
    assert first.status_code == kept.status_code == fresh.status_code == 200
    assert first.data == kept.data == fresh.data
    assert first.headers["ETag"] == kept.headers["ETag"] == fresh.headers["ETag"]
    # An edit is seen at once: the content generation moved.
    cache.page_cache(app).seconds = 300
    with app.app_context():
        db.session.execute(
            update(RelicTranslation)
            .where(RelicTranslation.lang == lang)
            .values(name="Lam Kinh, đã sửa")
        )
        db.session.commit()
    assert "Lam Kinh, đã sửa" in client.get("/r/LK01", headers=headers).text
