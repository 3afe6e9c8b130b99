"""One rule for codes, references and lots, through every way in; safe download names.

A reference with Vietnamese letters, a quote, a slash, a line break, ``..``, a NUL,
nothing or far too much is refused with a clear message by the admin's forms, the
import (JSON and CSV, command line and admin), and the command line, and nothing is
stored. Whatever name a download has, its ``Content-Disposition`` stays one valid
header (RFC 6266, with the exact name in ``filename*``).
"""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from qrsvc.downloads import content_disposition, name_as_ascii
from qrsvc.extensions import db
from qrsvc.identifiers import IdentifierError, lot_number, record_ref, ref_from, relic_code
from qrsvc.models import Batch, Festival, Producer, Product, Relic, User

HOSTILE_REFS = {
    "vietnamese": "bánh-gai",
    "quote": 'banh"gai',
    "slash": "banh/gai",
    "backslash": "banh\\gai",
    "newline": "banh\ngai",
    "dot-dot": "..",
    "dot-dot inside": "banh..gai",
    "space": "banh gai",
    "nul": "banh\x00gai",
    "empty": "",
    "very long": "x" * 5000,
    "percent": "banh%2Fgai",
    "right-to-left mark": "banh\u202egai",
}


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


#: The ways a form says a value was refused: the rule's, or the form's own.
REASONS = (
    "cannot be used in a reference",
    "A reference starts and ends",
    "cannot be used in a relic code",
    "cannot be used in a lot number",
    "Too long",
    "Too short",
    "This cannot be empty",
    "This field is required",
    "a character that cannot be stored",
    "cannot be longer than",
)


def assert_refused(response) -> None:
    """A 400 that names why (the form shows the rule's reason beside the field)."""
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert any(reason in page for reason in REASONS), page[-3000:]


# --- the rule itself --------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_REFS.values(), ids=HOSTILE_REFS.keys())
def test_a_hostile_reference_is_refused_with_a_reason(value):
    with pytest.raises(IdentifierError) as refused:
        record_ref(value)
    assert refused.value.message and "\n" not in refused.value.message


@pytest.mark.parametrize("value", ["HTX-TUTRU", "banh-gai", "a", "p1.v2_x", "9" * 40])
def test_plain_references_pass_unchanged(value):
    assert record_ref(value) == value


def test_the_reason_names_the_character_readably():
    with pytest.raises(IdentifierError, match='"á"'):
        record_ref("bánh")
    with pytest.raises(IdentifierError, match="U\\+000A"):
        record_ref("a\nb")
    with pytest.raises(IdentifierError, match="at most 40"):
        record_ref("x" * 41)
    assert record_ref("x" * 64, 64) == "x" * 64


@pytest.mark.parametrize("value", ["ﬀ01", "ıK", "LK 01", "LK-01", "L", "X" * 13, "", "LK\x00"])
def test_relic_codes_are_ascii_letters_and_digits(value):
    # "ﬀ".upper() is "FF" and "ı".upper() is "I": checked before any case change.
    with pytest.raises(IdentifierError):
        relic_code(value)


def test_relic_codes_are_stored_upper_case():
    assert relic_code("lk01") == "LK01"


@pytest.mark.parametrize("value", ["L2025/05", 'A"1', "x%y", "5-B.7"])
def test_lots_take_the_whole_gs1_set_82(value):
    assert lot_number(value) == value


@pytest.mark.parametrize("value", ["lô-1", "A 1", "a\nb", "", "x" * 21, "a\x00", "#1", "~"])
def test_lots_outside_set_82_are_refused(value):
    with pytest.raises(IdentifierError):
        lot_number(value)


def test_a_reference_made_of_a_lot_is_a_reference():
    assert ref_from("NEMC", "05/2025") == "NEMC-05-2025"
    assert ref_from("NEMC", 'A"..B') == "NEMC-A-.B"
    assert record_ref(ref_from("NEMC", 'A"..B'), 64)
    assert len(ref_from("x" * 40, "y" * 20 + "/", max_length=64)) <= 64


# --- admin forms ------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_REFS.values(), ids=HOSTILE_REFS.keys())
def test_the_producer_form_refuses_a_hostile_reference(app, client, accounts, value):
    accounts.login("editor")
    good = {"ref": "htx-tu-tru", "name": "HTX", "kind": "household"}
    assert client.post("/admin/producers/new", data=good).status_code == 302  # the form is right

    data = {"ref": value, "name": "HTX", "kind": "household"}
    response = client.post("/admin/producers/new", data=data)
    assert response.status_code == 400
    assert_refused(response)
    assert count(app, Producer) == 1


@pytest.mark.parametrize("value", HOSTILE_REFS.values(), ids=HOSTILE_REFS.keys())
def test_the_product_form_refuses_a_hostile_reference(app, client, accounts, value):
    accounts.login("producer", producer_ref="tu-tru")
    with app.app_context():
        producer_id = db.session.scalar(select(Producer.id))
    response = client.post(
        f"/admin/producers/{producer_id}/products/new",
        data={"ref": value, "name__vi": "Bánh gai", "status": "draft"},
    )
    assert_refused(response)
    assert count(app, Product) == 0


def test_the_form_says_which_character_is_wrong_in_vietnamese_too(app, client, accounts):
    accounts.login("editor")
    data = {"ref": "bánh-gai", "name": "HTX", "kind": "household"}
    page = client.post("/admin/producers/new", data=data).get_data(as_text=True)
    assert "&#34;á&#34; cannot be used in a reference" in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    page = client.post("/admin/producers/new", data=data).get_data(as_text=True)
    assert "Mã tham chiếu không được chứa &#34;á&#34;" in page
    page = client.post("/admin/producers/new", data={**data, "ref": "a b"}).get_data(as_text=True)
    assert "không được chứa dấu cách" in page


@pytest.mark.parametrize("value", ["lk 01", "đk01", "LK/1", "LK\n1", "..", "", "X" * 13])
def test_the_relic_form_refuses_a_hostile_code(app, client, accounts, value):
    accounts.login("editor")
    response = client.post(
        "/admin/relics/new",
        data={"code": value, "slug": "lam-kinh", "status": "draft", "name__vi": "Lam Kinh"},
    )
    assert_refused(response)
    assert count(app, Relic) == 0


@pytest.fixture
def product_id(app, accounts):
    """A product of the logged-in producer, ``tu-tru``."""
    accounts.login("producer", producer_ref="tu-tru")
    with app.app_context():
        producer = db.session.scalar(select(Producer))
        product = Product(producer=producer, ref="banh-gai", name={"vi": "Bánh gai"})
        db.session.add(product)
        db.session.commit()
        return product.id


@pytest.mark.parametrize("lot", ["lô-1", "L 1", "L\n1", "", "x" * 21, "L\x001"])
def test_the_batch_form_refuses_a_lot_outside_set_82(app, client, product_id, lot):
    response = client.post(
        f"/admin/products/{product_id}/batches/new", data={"lot": lot, "status": "active"}
    )
    assert_refused(response)
    assert count(app, Batch) == 0


@pytest.mark.parametrize("ref", ['bg"1', "bg/1", "bg\n1", "..", "bánh", "x" * 65])
def test_the_batch_form_refuses_a_hostile_reference(app, client, product_id, ref):
    response = client.post(
        f"/admin/products/{product_id}/batches/new",
        data={"lot": "L1", "ref": ref, "status": "active"},
    )
    assert_refused(response)
    assert count(app, Batch) == 0


def test_a_lot_with_gs1_signs_gets_a_reference_safe_in_links(app, client, product_id):
    response = client.post(
        f"/admin/products/{product_id}/batches/new",
        data={"lot": 'L05/2025"A', "status": "active"},
    )
    assert response.status_code == 302
    with app.app_context():
        batch = db.session.scalar(select(Batch))
    assert batch.lot == 'L05/2025"A'
    assert batch.ref == "banh-gai-L05-2025-A"


# --- import: JSON and CSV, command line and admin ----------------------------------------


def exchange(**records) -> str:
    return json.dumps({"format": "qrsvc-exchange", "version": 2, **records})


@pytest.mark.parametrize("value", HOSTILE_REFS.values(), ids=HOSTILE_REFS.keys())
def test_a_json_import_refuses_a_hostile_producer_reference(app, runner, tmp_path, value):
    path = tmp_path / "in.json"
    path.write_text(exchange(producers=[{"ref": value, "name": "HTX"}]), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1, result.output
    assert "nothing imported" in result.output
    assert "Traceback" not in result.output
    assert count(app, Producer) == 0


@pytest.mark.parametrize("value", ['banh"gai', "banh/gai", "bánh", "..", "a\x00b"])
def test_a_json_import_refuses_a_hostile_product_or_producer_of_a_product(
    app, runner, tmp_path, value
):
    with app.app_context():
        db.session.add(Producer(ref="tu-tru", name="HTX"))
        db.session.commit()
    path = tmp_path / "in.json"
    rows = [
        {"producer": "tu-tru", "ref": value, "name.vi": "Bánh"},
        {"producer": value, "ref": "banh-gai", "name.vi": "Bánh"},
    ]
    path.write_text(exchange(products=rows), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "line 3" in result.output
    assert count(app, Product) == 0


@pytest.mark.parametrize("value", ['"LK01"', "LK/01", "lk 01", "LK\x0001", "đk01", "ﬀ01"])
def test_a_csv_import_refuses_a_hostile_relic_code(app, runner, tmp_path, value):
    path = tmp_path / "relics.csv"
    line = value.replace('"', '""')
    path.write_text(
        f'code,slug,status,name.vi\n"{line}",lam-kinh,draft,Lam Kinh\n', encoding="utf-8"
    )
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "'code'" in result.output
    assert count(app, Relic) == 0


@pytest.mark.parametrize("value", ["LK/01", "ﬀ01", "LK\x0001", "lk 01"])
def test_a_festival_row_refuses_a_hostile_relic_code(app, runner, tmp_path, value):
    with app.app_context():
        db.session.add(Relic(code="FF01", slug="ff", status="draft"))
        db.session.commit()
    path = tmp_path / "in.json"
    row = {"relic": value, "lunar_month": 1, "lunar_day": 10, "name.vi": "Lễ hội"}
    path.write_text(exchange(festivals=[row]), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0 and "'relic'" in result.output
    assert count(app, Festival) == 0


def test_the_admin_import_lists_the_bad_reference_and_stores_nothing(app, client, accounts):
    accounts.login("editor")
    data = exchange(producers=[{"ref": "htx/../x", "name": "HTX"}, {"ref": "ok", "name": "B"}])
    response = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(data.encode()), "in.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "cannot be used in a reference" in response.get_data(as_text=True)
    assert count(app, Producer) == 0


# --- command line -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ['bg"1', "bg/1", "bg\n1", "..", "bánh", "x" * 65, "a\x00b"])
def test_print_commands_refuse_a_hostile_batch_reference(app, runner, tmp_path, value):
    out = tmp_path / "labels.pdf"
    for command in ("labels", "stamps"):
        result = runner.invoke(args=["print", command, value, "--count", "3", "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert "Invalid value for 'BATCH_REF'" in result.output
        assert not out.exists()


@pytest.mark.parametrize("value", ["LK/01", "ﬀ01", "LK\n01", "lk 01", ""])
def test_print_sign_refuses_a_hostile_relic_code(runner, tmp_path, value):
    result = runner.invoke(args=["print", "sign", value, "-o", str(tmp_path / "s.pdf")])
    assert result.exit_code == 2 and "Invalid value for 'RELIC_CODE'" in result.output


@pytest.mark.parametrize("value", ['tu"tru', "tu/tru", "..", "tứ-trụ", "a\x00b"])
def test_users_create_refuses_a_hostile_producer_reference(app, runner, value):
    result = runner.invoke(
        args=["users", "create", "--email", "p@x.vn", "--role", "producer", "--producer", value],
        input="a long enough password\n",
    )
    assert result.exit_code == 2 and "Invalid value for '--producer'" in result.output
    assert count(app, User) == 0


# --- Content-Disposition ----------------------------------------------------------------


def parse_disposition(value: str) -> tuple[str, str, str]:
    """``(type, filename, filename*)`` of a header this service writes."""
    kind, fallback, exact = value.split("; ")
    assert fallback.startswith('filename="') and fallback.endswith('"')
    assert exact.startswith("filename*=UTF-8''")
    return kind, fallback[10:-1], unquote(exact[17:], errors="strict")


@pytest.mark.parametrize(
    ("name", "ascii_name"),
    [
        ("labels-bg-1.pdf", "labels-bg-1.pdf"),
        ("nhãn-Bánh gai Đông.pdf", "nhan-Banh_gai_Dong.pdf"),
        ('a"b\\c.pdf', "a_b_c.pdf"),
        ("a\r\nSet-Cookie: x=1.pdf", "aSet-Cookie_x_1.pdf"),
        ("../../etc/passwd", "etc_passwd"),
        ("\x00", "download"),
        ("", "download"),
        ("中文.pdf", "download.pdf"),
    ],
)
def test_download_names_have_an_ascii_fallback_and_the_exact_name(name, ascii_name):
    value = content_disposition(name)
    assert value.isascii() and "\n" not in value and "\r" not in value
    kind, fallback, exact = parse_disposition(value)
    assert kind == "attachment" and fallback == ascii_name
    kept = "".join(ch for ch in name if ch.isprintable()).strip()
    assert exact == (kept or ascii_name)


def test_a_very_long_name_is_cut_short():
    _kind, fallback, exact = parse_disposition(content_disposition("x" * 10_000 + ".pdf"))
    assert len(fallback) <= 150 and len(exact) <= 150


def test_an_unknown_disposition_is_a_programming_error():
    with pytest.raises(ValueError):
        content_disposition("a.pdf", "evil")
    assert name_as_ascii("Đình làng.jpg") == "Dinh_lang.jpg"


def test_a_label_download_of_an_old_oddly_named_batch_is_one_valid_header(app, client, accounts):
    """A batch stored before the rule (reference made of its lot) still downloads."""
    accounts.login("producer", producer_ref="tu-tru")
    with app.app_context():
        producer = db.session.scalar(select(Producer))
        product = Product(
            producer=producer, ref="banh-gai", gtin="08930000000019", name={"vi": "Bánh gai"}
        )
        batch = Batch(product=product, ref='bánh-"L1"/x\ny', lot="L1")
        db.session.add_all([product, batch])
        db.session.commit()
        batch_id = batch.id
    response = client.get(f"/admin/print/batch/{batch_id}/labels.pdf?count=1")
    assert response.status_code == 200
    kind, fallback, exact = parse_disposition(response.headers["Content-Disposition"])
    assert kind == "attachment"
    assert fallback == "labels-banh-_L1_xy.pdf"  # the line break is dropped, not replaced
    assert exact == 'labels-bánh-"L1"/xy.pdf'


def test_every_download_names_its_file_the_same_way(app, client, accounts):
    accounts.login("admin")
    for url in ("/admin/transfer/export.json", "/admin/transfer/export.csv?kind=producers"):
        response = client.get(url)
        assert response.status_code == 200
        kind, fallback, exact = parse_disposition(response.headers["Content-Disposition"])
        assert kind == "attachment" and fallback == exact and fallback.startswith("qrsvc-")


def test_the_epcis_document_is_named_inline(app, client):
    with app.app_context():
        producer = Producer(ref="tu-tru", name="HTX")
        product = Product(
            producer=producer, ref="banh-gai", status="published", name={"vi": "Bánh gai"}
        )
        db.session.add_all([producer, product, Batch(product=product, ref="bg-1", lot="L1")])
        db.session.commit()
    response = client.get("/api/v1/batches/bg-1/epcis")
    assert response.status_code == 200
    assert parse_disposition(response.headers["Content-Disposition"]) == (
        "inline",
        "epcis-bg-1.jsonld",
        "epcis-bg-1.jsonld",
    )


@pytest.mark.parametrize("lot", [".", ".."])
def test_a_lot_of_only_dots_is_refused(lot):
    """Found by a probe: /p/REF/10/.. is folded away by browsers, to another page."""
    from qrsvc.identifiers import IdentifierError, lot_number

    with pytest.raises(IdentifierError):
        lot_number(lot)
    assert lot_number(".5.") == ".5."  # dots among other characters are a lot like any
