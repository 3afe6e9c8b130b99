"""Security: headers on every answer, a CSP the pages really satisfy, fuzzing with no 500s.

Runs on the demo data (loaded once for the module), so the fuzzed resolver and stamp
paths reach real products, batches and stamps, not only the 404 branch.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qrsvc import inline, security
from qrsvc.extensions import db
from qrsvc.media import media_store_from_config
from qrsvc.models import Batch, Product
from qrsvc.stamps import runs
from qrsvc.stamps.codes import make_token
from tests.conftest import PUBLIC_URL, TEST_DATABASE_URL, _empty_all_tables, build_app

HTML_PAGES = [
    "/",
    "/relics",
    "/r/LK01",
    "/r/LK01?lang=en",
    "/r/ZZ99",
    "/products",
    "/search?q=lam",
    "/offline",
    "/admin/login",
]
#: Policies that never send a page's path to another site (the admin's is the strictest).
REFERRER_POLICIES = {"strict-origin-when-cross-origin", "same-origin", "no-referrer"}
JSON_PAGES = ["/healthz", "/api/v1/relics", "/.well-known/gs1resolver"]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def site(tmp_path_factory, database_template):
    """The app on a database holding the demo data and one activated stamp run."""
    from qrsvc.demo import load_demo

    folder = tmp_path_factory.mktemp("security")
    url = TEST_DATABASE_URL
    if not url:
        shutil.copyfile(database_template, folder / "site.sqlite3")
        url = f"sqlite:///{folder / 'site.sqlite3'}"
    app = build_app(folder, url, STAMP_KEY="security test stamp key")
    if security.add_security_headers not in app.after_request_funcs.get(None, []):
        security.init_app(app)  # until the factory registers it
    with app.app_context():
        if TEST_DATABASE_URL:
            _empty_all_tables()
        load_demo(db.session, media_store_from_config(app.config))
        batch = db.session.scalar(
            select(Batch).join(Product).where(Product.gtin.is_not(None), Batch.status == "active")
        )
        run = runs.allocate_run(db.session, batch, 5)
        runs.activate(db.session, run.id)
        key = app.config["STAMP_KEY"].encode()
        info = SimpleNamespace(
            app=app,
            gtin=batch.product.gtin,
            lot=batch.lot,
            product_ref=batch.product.ref,
            token=make_token(key, run.first_serial),
            item=runs.item_path(batch.product.gtin, batch.lot, key, run.first_serial + 1),
        )
        db.session.remove()
    yield info
    with app.app_context():
        if TEST_DATABASE_URL:
            _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(site):
    """A test client of the demo site (replaces the per-test app's)."""
    return site.app.test_client()


def all_pages(site) -> list[str]:
    """Every kind of page, including a product, a batch, a stamp and an item."""
    return HTML_PAGES + [
        f"/p/{site.product_ref}",
        f"/01/{site.gtin}",
        f"/01/{site.gtin}/10/{quote(site.lot)}",
        f"/S/{site.token}",
        site.item,
    ]


def csp_of(response) -> dict[str, list[str]]:
    """The Content-Security-Policy of ``response`` as ``{directive: [sources]}``."""
    policy = response.headers.get("Content-Security-Policy", "")
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_every_answer_carries_the_security_headers(client, site):
    for path in all_pages(site) + JSON_PAGES:
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code < 500, path
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] in REFERRER_POLICIES, path
        assert "camera=()" in headers["Permissions-Policy"], path
        assert "Strict-Transport-Security" not in headers, path  # plain HTTP: no HSTS
    secure = client.get("/relics", base_url="https://qr.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_html_pages_have_a_strict_policy_without_nonces(client, site):
    for path in all_pages(site):
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        policy = csp_of(response)
        assert policy, f"{path} has no Content-Security-Policy"
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        for directive in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in policy[directive], path
            assert "'unsafe-eval'" not in policy[directive], path
            assert not [s for s in policy[directive] if s.startswith(("http", "*"))], path
            # Every inline block of these pages is allowed by its hash (qrsvc.inline).
            assert not [s for s in policy[directive] if "nonce" in s], path
            assert all(s == "'self'" or s.startswith("'sha256-") for s in policy[directive])


def test_a_block_made_per_request_gets_a_fresh_nonce(tmp_path):
    app = build_app(tmp_path, f"sqlite:///{tmp_path / 'unused.sqlite3'}")  # no query is made

    @app.get("/probe/nonce")
    def with_nonce():
        return f"<script nonce='{security.csp_nonce()}'>1</script>"

    client = app.test_client()
    nonces = []
    for _ in range(5):
        answer = client.get("/probe/nonce")
        policy = csp_of(answer)
        nonce = answer.text.split("nonce='")[1].split("'")[0]
        assert (
            f"'nonce-{nonce}'" in policy["script-src"] and f"'nonce-{nonce}'" in policy["style-src"]
        )
        nonces.append(nonce)
    assert len(set(nonces)) == 5 and all(len(n) >= 20 for n in nonces)  # never reused


def test_pages_without_a_block_of_their_own_allow_no_nonce(client, site):
    """A cached relic page holds no per-request block: its policy has no nonce to abuse."""
    for _ in range(2):  # rendered, then from the cache
        policy = csp_of(client.get("/r/LK01"))
        assert not [s for s in policy["script-src"] + policy["style-src"] if "nonce" in s]
        assert len(policy["script-src"]) == 1 + len(inline.SCRIPTS)  # 'self' and the hashes


class InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block, and what loads from where."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[list] = []  # [tag, nonce, text] of each inline script or style
        self.handlers: list[str] = []
        self.sources: list[str] = []
        self._open: list | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        if "style" in attributes:
            self.handlers.append(f"<{tag} style=...>")
        # JSON data blocks (structured data) are never run, so the policy ignores them.
        data_block = attributes.get("type") in ("application/ld+json", "application/json")
        if tag in ("script", "style") and not attributes.get("src") and not data_block:
            self._open = [tag, attributes.get("nonce"), ""]
            self.blocks.append(self._open)
        for name in ("src", "href", "action", "poster", "srcset"):
            value = attributes.get(name)
            if value and (tag != "a" or name != "href"):
                self.sources += [item.split()[0] for item in value.split(",") if item.strip()]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        self._open = None


def allowed_inline(policy: dict[str, list[str]], tag: str, nonce: str | None, text: str) -> bool:
    """Whether the policy lets this inline block run: by its nonce or by its hash."""
    sources = policy["script-src" if tag == "script" else "style-src"]
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'" in sources or (nonce is not None and f"'nonce-{nonce}'" in sources)


def test_pages_satisfy_their_policy(client, site):
    problems = []
    for path in all_pages(site):
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        policy = csp_of(response)
        page = InlineCode()
        page.feed(response.get_data(as_text=True))
        problems += [f"{path}: inline {h}" for h in page.handlers]
        problems += [
            f"{path}: the policy blocks an inline <{tag}> (no nonce of this answer, no hash)"
            for tag, nonce, text in page.blocks
            if not allowed_inline(policy, tag, nonce, text)
        ]
        for source in page.sources:
            if urlsplit(source).scheme not in ("", "data") and not source.startswith(PUBLIC_URL):
                problems.append(f"{path} loads {source} from elsewhere")
    assert not problems, "\n".join(problems)


def test_json_answers_are_not_given_a_page_policy(client):
    for path in JSON_PAGES:
        response = client.get(path)
        assert response.mimetype.endswith("json"), path
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- fuzzing: whatever arrives, the answer is never a 500 ---------------------------

GS1_CHARS = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
segment = st.one_of(
    st.text(alphabet=GS1_CHARS, max_size=30),
    st.text(max_size=30),  # any Unicode: accents, emoji, NUL, surrogates are filtered below
    st.from_regex(r"[0-9]{1,16}", fullmatch=True),
    st.sampled_from(["..", ".", "%00", "%2F", "%ZZ", "%C3%28", "", "21", "10", "22", "01"]),
)
query_value = st.one_of(st.text(max_size=40), st.sampled_from(["linkset", "gs1:pip", "all"]))


def url_part(text: str) -> str:
    """``text`` percent-encoded the way a client would put it in a path."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="%/:;,=!*'()+&$@-._~")


@st.composite
def resolver_paths(draw, site_gtin: str) -> str:
    """Digital Link URIs: real ones, near misses and junk."""
    gtin = draw(st.one_of(st.just(site_gtin), st.from_regex(r"[0-9]{6,15}", fullmatch=True)))
    parts = [draw(st.sampled_from(["/01/", "/gtin/", "/01", "/01//"])) + gtin]
    for _ in range(draw(st.integers(0, 4))):
        parts.append(draw(st.sampled_from(["10", "21", "22", "17", "99", "0"])))
        parts.append(url_part(draw(segment)))
    path = "/".join(parts) + draw(st.sampled_from(["", "/", "//"]))
    keys = draw(
        st.lists(st.sampled_from(["linkType", "lang", "17", "11", "context", "x"]), max_size=3)
    )
    query = "&".join(f"{k}={url_part(draw(query_value))}" for k in keys)
    return path + (f"?{query}" if query else "")


@given(data=st.data())
@FUZZ
def test_fuzzed_resolver_paths_never_fail(client, site, data):
    path = data.draw(resolver_paths(site.gtin))
    accept = data.draw(
        st.sampled_from(["text/html", "application/linkset+json", "application/json", "*/*", ""])
    )
    method = data.draw(st.sampled_from(["GET", "HEAD", "OPTIONS"]))
    response = client.open(path, method=method, headers={"Accept": accept})
    assert response.status_code < 500, (method, path, response.status_code)


token_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijklmnopqrstuvwxyz-_", max_size=40),
    st.integers(0, 2**70).map(str),
)


@given(data=st.data())
@FUZZ
def test_fuzzed_stamp_tokens_never_fail(client, site, data):
    token = data.draw(
        st.one_of(
            token_text,
            # A genuine token with one character changed, cut short or lengthened.
            st.tuples(st.integers(0, len(site.token) - 1), st.characters()).map(
                lambda edit: site.token[: edit[0]] + edit[1] + site.token[edit[0] + 1 :]
            ),
            st.integers(1, len(site.token)).map(lambda n: site.token[:n]),
            st.text(max_size=5).map(lambda tail: site.token + tail),
        )
    )
    prefix = data.draw(st.sampled_from(["/S/", "/s/"]))
    path = prefix + url_part(token) if token else prefix + "x"
    response = client.get(path, headers={"User-Agent": "Mozilla/5.0 (Linux; Android 10) Mobile"})
    assert response.status_code < 500, (path, response.status_code)
    assert response.status_code != 200 or "no-store" in response.headers["Cache-Control"]


@given(data=st.data())
@FUZZ
def test_fuzzed_stamp_forms_never_fail(client, site, data):
    token = data.draw(st.one_of(st.just(site.token), token_text.filter(bool)))
    action = data.draw(st.sampled_from(["pin", "location"]))
    fields = {
        "pin": data.draw(st.one_of(st.text(max_size=80), st.from_regex(r"[0-9]{4,8}"))),
        "lat": data.draw(st.one_of(st.text(max_size=40), st.floats().map(str))),
        "lon": data.draw(st.one_of(st.text(max_size=40), st.floats().map(str))),
    }
    response = client.post(f"/S/{url_part(token)}/{action}", data=_clean(fields))
    assert response.status_code < 500, (token, action, fields, response.status_code)


def _clean(fields: dict[str, str]) -> dict[str, str]:
    # A form field cannot carry lone surrogates over the wire.
    return {k: v.encode("utf-8", "replace").decode() for k, v in fields.items()}


@pytest.mark.parametrize(
    "path",
    [
        "/01/" + "9" * 5000,
        "/S/" + "A" * 5000,
        "/01/09521234543213/10/" + "%00" * 50,
        "/S/%00%00",
        "/01/09521234543213/21/%C0%AF",
        "/r/" + "%F0%9F%98%80" * 100,
    ],
)
def test_oversized_and_binary_paths_are_refused_cleanly(client, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert not re.search(r"Traceback|File \"/", response.get_data(as_text=True))


def test_only_declared_assets_are_inlined_and_debug_mode_sees_edits(tmp_path):
    app = build_app(tmp_path, f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    static = tmp_path / "static"
    shutil.copytree(Path(app.static_folder), static)
    app.static_folder = str(static)
    with app.test_request_context("/"):
        with pytest.raises(ValueError, match="not an inlined asset"):
            inline.inline("../../qrsvc/config.py")
        before = inline.inline("css/stamp.css")
        (static / "css" / "stamp.css").write_text("p{color:red}", encoding="utf-8")
        assert inline.inline("css/stamp.css") == before  # read once outside debug mode
        app.debug = True
        assert inline.inline("css/stamp.css") == "p{color:red}"
        digest = base64.b64encode(hashlib.sha256(b"p{color:red}").digest()).decode()
        assert f"'sha256-{digest}'" in security.content_security_policy()
