"""Imported rows are checked by the admin's own forms: bad values get a reason per row,
never a crash, and a file with any bad row changes nothing (CLI and admin page)."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select, text

from qrsvc.extensions import db
from qrsvc.models import Base, Producer, Product, Relic, RelicTranslation
from qrsvc.transfer.formats import TransferError, read_file
from qrsvc.transfer.service import import_records


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def site(app):
    """A relic, a producer and its product, as the admin would have saved them."""
    with app.app_context():
        producer = Producer(ref="tu-tru", name="HTX Tứ Trụ", kind="cooperative")
        relic = Relic(
            code="LK01",
            slug="lam-kinh",
            translations=[RelicTranslation(lang="vi", name="Khu di tích Lam Kinh")],
        )
        product = Product(producer=producer, ref="banh-gai", name={"vi": "Bánh gai"})
        db.session.add_all([producer, relic, product])
        db.session.commit()
        return relic.id


def tables(app) -> dict[str, list[str]]:
    """Every row of every table, to tell that a refused import changed nothing at all."""
    with app.app_context():
        found = {}
        for table in Base.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            found[table.name] = sorted(repr(tuple(row)) for row in rows)
        db.session.rollback()
        return found


def json_file(kind: str, rows: list) -> bytes:
    """An exchange document holding ``rows`` of ``kind`` (NaN and Infinity as JSON writes them)."""
    return json.dumps({"format": "qrsvc-exchange", "version": 2, kind: rows}).encode()


def csv_file(rows: list[dict]) -> bytes:
    """A CSV file of ``rows``, every cell written as text, as a spreadsheet saves it."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else str(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8", "surrogatepass")


def cli_import(runner, tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["import", str(path)])


def upload(client, name: str, data: bytes):
    return client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


GOOD = {
    "relics": {"code": "LK02", "slug": "den-le-hoan", "rank": "national", "name.vi": "Đền Lê Hoàn"},
    "producers": {"ref": "htx-2", "name": "HTX Xuân Lập", "kind": "cooperative"},
    "products": {"producer": "tu-tru", "ref": "che-lam", "name.vi": "Chè lam"},
    "festivals": {"relic": "LK01", "lunar_month": 8, "lunar_day": 21, "name.vi": "Lễ hội"},
    "steles": {"relic": "LK01", "position": 1, "title.vi": "Bia Vĩnh Lăng"},
}
#: Bad rows of each class: (kind, changes to a good row, message, whether CSV can say it).
#: A CSV cell is always text, so a list or a bool in one is just more text.
BAD = {
    "list for a text": ("relics", {"name.vi": ["Lam", "Kinh"]}, "'name.vi': a list is not a text."),
    "object for a number": ("relics", {"latitude": {"$gt": 0}}, "'latitude': an object is not"),
    "nested nonsense": ("relics", {"summary.vi": [{"a": [1, {"b": None}]}]}, "a list is not"),
    "number for a text": ("steles", {"han_nom": 42}, "'han_nom': 42 is not a text."),
    "bool for a date": (
        "relics",
        {"rank_decision_date": True},
        "'rank_decision_date': true is not a date",
    ),
    "bool for a number": ("festivals", {"lunar_day": False}, "'lunar_day': false is not a whole"),
    "number for a choice": ("producers", {"kind": 1}, "'kind': 1 is not a text"),
    "text for a number": ("relics", {"latitude": "north"}, "'latitude': Not a valid float value."),
    "text for a whole number": ("festivals", {"lunar_month": "tám"}, "Not a valid integer value."),
    "fraction for a whole number": ("products", {"ocop_stars": 4.5}, "Not a valid integer value."),
    "impossible date": ("products", {"ocop_cert_date": "2025-02-30"}, "Not a valid date value."),
    "empty required name": ("relics", {"name.vi": "  "}, "'name.vi': This field is required."),
    "missing required name": ("festivals", {"name.vi": None}, "'name.vi': This field is required."),
    "empty producer name": ("producers", {"name": ""}, "'name': This field is required."),
    "unknown choice": ("relics", {"rank": "emperor"}, "'rank': Not a valid choice."),
    "over-long name": (
        "products",
        {"name.vi": "Ấ" * 201},
        "'name.vi': Field cannot be longer than 200 characters.",
    ),
    "over-long text": ("steles", {"reading": "ầ" * 100_001}, "longer than 100000 characters."),
    "below the minimum": ("relics", {"fee_vnd": -1}, "'fee_vnd': Number must be between 0 and"),
    "above the maximum": ("festivals", {"lunar_month": 13}, "Number must be between 1 and 12."),
    "NaN": ("relics", {"latitude": math.nan}, "'latitude': Not a valid float value."),
    "Infinity": ("producers", {"longitude": -math.inf}, "'longitude': Not a valid float value."),
    "huge int": ("relics", {"fee_vnd": 10**400}, "'fee_vnd': Not a valid integer value."),
    "huge float": ("relics", {"latitude": 1e308 * 10}, "'latitude': Not a valid float value."),
    "NUL": ("relics", {"name.vi": "Lam\x00Kinh"}, "cannot be stored (U+0000); remove it."),
    "control character": ("producers", {"address": "Thôn\x1b[31m"}, "(U+001B)"),
    "lone surrogate": ("festivals", {"description.vi": "a\ud800"}, "(U+D800)"),
    "unknown column": ("products", {"price": 10}, "Unknown column 'price'."),
    "control character in a column": ("relics", {"x\x00": 1}, "Unknown column 'x\\u0000'."),
    "bad code": ("relics", {"code": "LK 02"}, "'code': "),
    "bad slug (the record's own check)": ("relics", {"slug": "Đền"}, "'slug': Use lower case"),
}
#: What a CSV cell cannot hold as it is; and a column of a CSV file is every row's, and
#: a cell of more than 100,000 characters makes the whole file unreadable.
JSON_ONLY = {
    "unknown column",
    "control character in a column",
    "over-long text",
    "list for a text",
    "object for a number",
    "nested nonsense",
    "number for a text",
    "bool for a date",
    "bool for a number",
    "number for a choice",
    "lone surrogate",
    "missing required name",
}


def bad_rows(case: str) -> tuple[str, list[dict], str]:
    """A good row, then the bad one: the bad one is line 3, the good one not imported."""
    kind, changes, message = BAD[case]
    good = dict(GOOD[kind])
    bad = {**good, **changes}
    bad = {k: v for k, v in bad.items() if v is not None or k not in changes}  # None: left out
    # The bad row is a record of its own, so that nothing but its bad value is wrong.
    key = {"relics": "code", "producers": "ref", "products": "ref"}.get(kind)
    if key and key not in changes:
        bad[key] = {"code": "LK03", "ref": "x-3"}[key]
    if kind == "relics" and "slug" not in changes:
        bad["slug"] = "den-3"
    if kind == "festivals" and "lunar_month" not in changes:
        bad["lunar_month"] = 9
    if kind == "steles" and "position" not in changes:
        bad["position"] = 2
    return kind, [good, bad], message


FILE_CASES = [(case, "json") for case in BAD] + [
    (case, "csv") for case in BAD if case not in JSON_ONLY
]


def file_of(kind: str, rows: list[dict], fmt: str) -> tuple[str, bytes]:
    if fmt == "json":
        return f"{kind}.json", json_file(kind, rows)
    return f"{kind}.csv", csv_file(rows)


@pytest.mark.parametrize(("case", "fmt"), FILE_CASES)
def test_each_bad_value_is_a_reason_on_its_line_and_nothing_is_imported(
    app, runner, client, accounts, site, tmp_path, case, fmt
):
    accounts.login("editor")
    kind, rows, message = bad_rows(case)
    name, data = file_of(kind, rows, fmt)
    before = tables(app)
    result = cli_import(runner, tmp_path, name, data)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines and lines[0].startswith(f"{kind} line 3 ("), result.output
    assert f"{kind} line 2" not in result.output
    assert "nothing imported: 1 rows have errors" in result.output
    assert tables(app) == before
    # The admin's import page: the same reason, and nothing to confirm.
    response = upload(client, name, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert str(escape(message)) in page and "Nothing was imported" in page
    assert 'name="token"' not in page
    assert tables(app) == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_good_rows_of_those_files_do_import(app, runner, site, tmp_path, fmt):
    for kind, row in GOOD.items():
        result = cli_import(runner, tmp_path, *file_of(kind, [row], fmt))
        assert result.exit_code == 0, result.output
        assert "1 to create" in result.output


@pytest.mark.parametrize(
    ("kind", "rows", "message"),
    [
        (
            "relics",
            [GOOD["relics"], {**GOOD["relics"], "code": "lk02", "slug": "khac"}],
            "relics line 3 (LK02): Line 2 already has the relic LK02: one row per relic.",
        ),
        (
            "producers",
            [GOOD["producers"], {**GOOD["producers"], "name": "Khác"}],
            "producers line 3 (htx-2): Line 2 already has the producer htx-2",
        ),
        (
            "products",
            [GOOD["products"], GOOD["products"], {**GOOD["products"], "ref": "banh-gai"}],
            "products line 3 (che-lam): Line 2 already has the product che-lam",
        ),
        (
            "festivals",
            [GOOD["festivals"], {**GOOD["festivals"], "relic": "lk01"}],
            "Line 2 already has a festival of LK01 on lunar day 21/8",
        ),
        (
            "steles",
            [GOOD["steles"], {**GOOD["steles"], "title.vi": "Khác"}],
            "Line 2 already has the stele of LK01 at position 1",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_record_twice_in_one_file_is_refused(
    app, runner, site, tmp_path, kind, rows, message, fmt
):
    before = tables(app)
    result = cli_import(runner, tmp_path, *file_of(kind, rows, fmt))
    assert result.exit_code == 1 and message in result.output, result.output
    assert tables(app) == before


# The form and the import agree: the same bad value, the same message.

RELIC_FORM = {"code": "LK05", "slug": "xuan-lap", "status": "draft", "rank": "unranked"}
FORM_URLS = {
    "relics": "/admin/relics/new",
    "producers": "/admin/producers/new",
    "festivals": "/admin/relics/{relic}/festivals/new",
    "steles": "/admin/relics/{relic}/steles/new",
}
AGREEMENT = [
    # (kind, what is typed into the admin's form, the input of the bad value)
    ("relics", {"name__vi": "Đình", "latitude": "north"}, "latitude"),
    ("relics", {"name__vi": "Đình", "latitude": "nan"}, "latitude"),
    ("relics", {"name__vi": "Đình", "longitude": "-Infinity"}, "longitude"),
    ("relics", {"name__vi": "Đình", "fee_vnd": "-5"}, "fee_vnd"),
    ("relics", {"name__vi": "Đình", "fee_vnd": "9" * 40}, "fee_vnd"),
    ("relics", {"name__vi": "  "}, "name__vi"),
    ("relics", {"name__vi": "Đ" * 201}, "name__vi"),
    ("relics", {"name__vi": "Đình\x00"}, "name__vi"),
    ("relics", {"name__vi": "Đình", "summary__vi": "Tóm\x0btắt"}, "summary__vi"),
    ("relics", {"name__vi": "Đình", "rank": "emperor"}, "rank"),
    ("relics", {"name__vi": "Đình", "rank_decision_date": "2025-13-01"}, "rank_decision_date"),
    ("relics", {"name__vi": "Đình", "slug": "Xuân Lập"}, "slug"),
    ("producers", {"ref": "htx-9", "name": "", "kind": "company"}, "name"),
    ("producers", {"ref": "htx-9", "name": "X", "kind": "alien"}, "kind"),
    ("producers", {"ref": "htx 9", "name": "X", "kind": "company"}, "ref"),
    ("festivals", {"name__vi": "Hội", "lunar_month": "13", "lunar_day": "1"}, "lunar_month"),
    ("festivals", {"name__vi": "Hội", "lunar_month": "1", "lunar_day": "x"}, "lunar_day"),
    ("steles", {"position": "1001", "han_nom": "碑"}, "position"),
]


def import_row(kind: str, typed: dict) -> dict:
    """The import row of what is typed into the form: each value in its file's column."""
    row = {key.replace("__", "."): value for key, value in typed.items()}
    if kind == "relics":
        row = {**RELIC_FORM, **row}
    if kind in ("festivals", "steles"):
        row["relic"] = "LK01"
    return row


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize(("kind", "typed", "name"), AGREEMENT)
def test_the_form_and_the_import_refuse_a_value_with_the_same_message(
    app, client, accounts, runner, site, tmp_path, kind, typed, name, lang
):
    """In English through the CLI, in Vietnamese (the admin's own) through the upload."""
    accounts.login("editor")
    column = name.replace("__", ".")
    data = csv_file([import_row(kind, typed)])
    if lang == "en":
        result = cli_import(runner, tmp_path, "x.csv", data)
        found = re.search(rf"{kind} line 2 \([^)]*\): '{re.escape(column)}': (.+)", result.output)
        assert result.exit_code == 1 and found, result.output
        message = str(escape(found[1]))
    else:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
        page = upload(client, "x.csv", data).get_data(as_text=True)
        found = re.search(rf"<li>&#39;{re.escape(column)}&#39;: (.+?)</li>", page)
        assert found, page
        message = found[1]
    form = {**RELIC_FORM, **typed} if kind == "relics" else typed
    response = client.post(FORM_URLS[kind].format(relic=site), data=form)
    assert response.status_code == 400
    assert f'<strong class="error">{message}</strong>' in response.get_data(as_text=True)


# Property-based: generated documents never crash an import, and a bad row changes nothing.

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Values of every JSON type, hostile ones often: what a field of a generated row holds.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(2**63), 2**31, 0, 1, 12, 30, 1000]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "  ", "NaN", "Infinity", "1e999", "2025-02-30", "8", "LK01", "x" * 301]),
    st.sampled_from(["a\x00b", "\ud800", "\x1b[2J", "Lễ hội", "=cmd()", "'=1+1", "draft"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
COLUMNS = {
    "relics": ["code", "slug", "status", "rank", "name.vi", "name.en", "latitude", "fee_vnd",
               "rank_decision_date", "opening_hours", "summary.vi", "name.xx"],
    "producers": ["ref", "name", "kind", "gln", "website", "latitude", "description.vi"],
    "products": ["producer", "ref", "name.vi", "gtin", "status", "ocop_stars", "ocop_cert_date"],
    "festivals": ["relic", "lunar_month", "lunar_day", "days", "name.vi", "description.en"],
    "steles": ["relic", "position", "title.vi", "han_nom", "reading"],
}  # fmt: skip


@st.composite
def structured_documents(draw) -> tuple[bytes, set[tuple[str, int]]]:
    """A well-formed document whose rows are good rows with random fields changed;
    returns its bytes and the (kind, line) of rows given a value known to be bad."""
    doc: dict = {"format": "qrsvc-exchange", "version": 2}
    known_bad = set()
    for kind in draw(st.lists(st.sampled_from(sorted(GOOD)), max_size=3, unique=True)):
        rows = []
        for index in range(draw(st.integers(0, 3))):
            row = dict(GOOD[kind])
            key = {"relics": "code", "producers": "ref", "products": "ref"}.get(kind)
            if key:
                row[key] = f"{row[key][:-1]}{index + 3}"
            if kind == "relics":
                row["slug"] = f"di-tich-{index}"
            if kind == "festivals":
                row["lunar_day"] = index + 1
            if kind == "steles":
                row["position"] = index + 10
            for column in draw(st.lists(st.sampled_from(COLUMNS[kind]), max_size=3)):
                row[column] = draw(JSON_VALUES)
            if draw(st.booleans()):
                case = draw(st.sampled_from(sorted(c for c, v in BAD.items() if v[0] == kind)))
                if case not in ("bad slug (the record's own check)",):
                    row.update(BAD[case][1])
                    known_bad.add((kind, index + 2))
            rows.append(row)
        doc[kind] = rows
    return json.dumps(doc).encode(), known_bad


def arbitrary_documents() -> st.SearchStrategy[tuple[str, bytes]]:
    """Any JSON (a document of any shape, lists of any rows under the right names), a CSV
    file of any cells under a header of known columns, or any bytes."""
    rows = st.lists(st.dictionaries(st.sampled_from(sum(COLUMNS.values(), [])), JSON_VALUES))
    kinds = st.fixed_dictionaries({}, optional={kind: rows | JSON_VALUES for kind in GOOD})
    cells = st.one_of(st.text(max_size=20), SCALARS.map(lambda v: "" if v is None else str(v)))
    csv_rows = st.sampled_from(sorted(COLUMNS)).flatmap(
        lambda kind: st.lists(st.fixed_dictionaries({c: cells for c in COLUMNS[kind]}), max_size=3)
    )
    return st.one_of(
        JSON_VALUES.map(lambda doc: ("fuzz.json", json.dumps(doc).encode())),
        kinds.map(lambda doc: ("fuzz.json", json.dumps(doc).encode())),
        csv_rows.filter(bool).map(lambda rows: ("fuzz.csv", csv_file(rows))),
        st.tuples(st.sampled_from(["fuzz.json", "fuzz.csv"]), st.binary(max_size=40)),
    )


def check_service_import(app, name: str, data: bytes, known_bad=frozenset()) -> None:
    """Import ``data`` through the service as the CLI does, and check what it promises."""
    before = tables(app)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        try:
            records = read_file(name, data)
        except TransferError:
            assert tables(app) == before
            return
        report = import_records(records, None, apply=True)
    for row in report.rows:
        assert row.errors or row.action in ("create", "update", "unchanged"), row
    failed = {(row.kind, row.line) for row in report.rows if row.errors}
    assert known_bad <= failed
    assert report.applied == report.ok
    if not report.ok:
        assert tables(app) == before


def check_admin_import(app, client, name: str, data: bytes) -> None:
    """Upload ``data`` on the admin's import page; confirm it when the preview allows."""
    before = tables(app)
    preview = upload(client, name, data)
    assert preview.status_code in (200, 400, 422)
    assert tables(app) == before  # a preview stores nothing
    page = preview.get_data(as_text=True)
    if preview.status_code == 200:
        token = page.split('name="token" type="hidden" value="', 1)[1].split('"', 1)[0]
        done = client.post("/admin/transfer/confirm", data={"token": token})
        assert done.status_code == 302


@pytest.fixture
def editor(accounts):
    """The test client signed in as an editor (once: a login hashes a password)."""
    accounts.login("editor")


@given(document=structured_documents())
@FUZZ
def test_generated_rows_never_crash_and_a_bad_row_changes_nothing(
    app, client, editor, site, document
):
    data, known_bad = document
    check_service_import(app, "fuzz.json", data, known_bad)
    check_admin_import(app, client, "fuzz.json", data)


@given(document=arbitrary_documents())
@FUZZ
def test_arbitrary_files_never_crash_an_import(app, client, editor, site, document):
    name, data = document
    check_service_import(app, name, data)
    check_admin_import(app, client, name, data)


def test_a_database_error_is_not_reached_by_a_nul_in_a_key(app, runner, site, tmp_path):
    """PostgreSQL refuses a NUL in any text: the key columns are checked before the lookup."""
    before = tables(app)
    for kind, column in (("relics", "code"), ("products", "producer"), ("festivals", "relic")):
        row = {**GOOD[kind], column: "LK\x0001"}
        result = cli_import(runner, tmp_path, f"{kind}.json", json_file(kind, [row]))
        assert result.exit_code == 1 and f"'{column}'" in result.output, result.output
    assert tables(app) == before
    with app.app_context():  # the session is usable afterwards
        assert db.session.execute(text("SELECT 1")).scalar() == 1


@pytest.mark.parametrize("depth", [20, 990, 5000])
def test_values_nested_deep_are_refused_not_a_crash(app, runner, client, accounts, tmp_path, depth):
    """Found by a probe: a 2 KB document nested 990 deep gave a 500 and a traceback."""
    accounts.login("editor")
    deep = "[" * depth + "1" + "]" * depth
    data = (
        '{"format": "qrsvc-exchange", "version": 2, "products": [{"producer": "HTX-TUTRU", '
        f'"ref": "d", "status": "draft", "name.vi": "x", "category": {deep}}}]}}'
    ).encode()
    before = tables(app)
    result = cli_import(runner, tmp_path, "deep.json", data)
    assert result.exit_code != 0 and "nested" in result.output, result.output
    assert not isinstance(result.exception, RecursionError)
    response = upload(client, "deep.json", data)
    assert response.status_code in (400, 422)
    assert "nested" in response.get_data(as_text=True)
    assert tables(app) == before
