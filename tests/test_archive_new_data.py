"""The archive's new members (areas, site, payment accounts, shops, tampered signs),
each malformed, hostile or oversized: refused with a clear message, nothing stored.

Every archive is the demo's own (the round trip's, with payments added) with one
change; the fresh instance of the ``app`` fixture must stay empty.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.folding import fold
from qrsvc.models import (
    Area,
    Media,
    PaymentAccount,
    Producer,
    Relic,
    RetailListing,
    SignTampering,
    Site,
)
from qrsvc.vietqr import looks_like_card
from tests import test_round_trip as round_trip
from tests.test_round_trip import with_data, with_manifest

#: The round trip's instance and archive (the demo with payments added), built once here.
trip = round_trip.trip

STORED = (Relic, Producer, Media, Area, Site, PaymentAccount, RetailListing, SignTampering)


def card_number() -> str:
    """A domestic card number (9704..., 16 digits, Luhn-valid): never an account."""
    return next(n for n in (f"970400001234{i:04d}" for i in range(10_000)) if looks_like_card(n))


def import_output(app, runner, tmp_path, body: bytes) -> tuple[int, str]:
    path = tmp_path / "archive.zip"
    path.write_bytes(body)
    result = runner.invoke(args=["import", str(path)])
    return result.exit_code, result.output


def refused(app, runner, tmp_path, body: bytes, *expected: str) -> str:
    """Import ``body``: it fails, says each of ``expected``, and nothing is stored."""
    code, output = import_output(app, runner, tmp_path, body)
    assert code == 1, output
    for text in expected:
        assert text in output
    with app.app_context():
        for model in STORED:
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
    media = Path(app.config["MEDIA_DIR"])
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    return output


def verified(data: dict) -> dict:
    return next(a for a in data["payment_accounts"] if a["state"] == "verified")


def relic_account(data: dict) -> dict:
    return next(a for a in data["payment_accounts"] if a["relic"] and a["state"] == "verified")


# The payment accounts: every field as the admin's form checks it.


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("bank_bin", "999999", "No bank in the list has the BIN 999999"),
        ("bank_bin", "97O436", "six digits"),
        ("bank_bin", "9" * 500, "too long"),
        ("account_number", "0011 0019 3241", "should be written '001100193241'"),
        ("account_number", "12345<script>", "cannot be in an account number"),
        ("account_number", "1" * 19 + "1", "too long"),
        ("holder_name", "ban quan ly di tich", "should be written 'BAN QUAN LY DI TICH'"),
        ("holder_name", "BAN QUAN LY\u202eHCET", "cannot be in the holder's name"),
        ("holder_name", ["BAN"], "is not text"),
        ("state", "hacked", "'hacked' is no state of an account"),
        ("reviewed_at", None, "disagrees with the account's dates"),
        ("review_note", "x" * 20_000, "longer than 500 characters"),
        ("proposed_at", "yesterday", "'proposed_at': 'yesterday' is not a time"),
    ],
)
def test_a_malformed_payment_account_is_refused(
    trip, app, runner, tmp_path, field, value, expected
):
    def spoil(data):
        verified(data)[field] = value

    refused(app, runner, tmp_path, with_data(trip.archive, spoil), "payment_accounts", expected)


def test_a_card_number_is_refused_even_on_an_account_already_verified(trip, app, runner, tmp_path):
    def spoil(data):
        verified(data)["account_number"] = card_number()

    refused(app, runner, tmp_path, with_data(trip.archive, spoil), "This is a card number")


def test_an_account_needs_one_owner_of_the_archive(trip, app, runner, tmp_path):
    def spoil(data):
        accounts = data["payment_accounts"]
        accounts[0]["producer"] = data["producers"][0]["ref"]  # a relic's, now both
        accounts[1]["relic"] = "ZZ99"
        accounts[-1]["producer"], accounts[-1]["relic"] = None, None

    output = refused(app, runner, tmp_path, with_data(trip.archive, spoil))
    assert output.count("An account belongs to one relic or one producer.") == 2
    assert "no relic 'ZZ99' in the archive" in output


def test_two_verified_accounts_of_one_owner_are_refused(trip, app, runner, tmp_path):
    def spoil(data):
        second = copy.deepcopy(relic_account(data))
        second["account_number"] = "123456789"
        data["payment_accounts"].append(second)

    refused(
        app, runner, tmp_path, with_data(trip.archive, spoil), "verified account of", "is already"
    )


# Where to buy.


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("url", "javascript:alert(1)", "The address must start with https://."),
        ("url", "http://postmart.vn/shop", "The address must start with https://."),
        ("url", "https://postmart.vn@evil.example/", "no name or password before its host"),
        ("url", "https://127.0.0.1/shop", "a shop's host name"),
        ("url", "https://postmart.vn/" + "a" * 600, "too long"),
        ("platform", "Post\x00mart", "NUL"),
        ("platform", "  Postmart ", "should be written 'Postmart'"),
        ("platform", "P" * 81, "too long"),
        ("producer", "NO-SUCH", "no producer 'NO-SUCH' in the archive"),
    ],
)
def test_a_malformed_shop_listing_is_refused(trip, app, runner, tmp_path, field, value, expected):
    def spoil(data):
        data["retail_listings"][0][field] = value

    refused(app, runner, tmp_path, with_data(trip.archive, spoil), "retail_listings", expected)


def test_the_same_shop_twice_and_too_many_shops_are_refused(trip, app, runner, tmp_path):
    def spoil(data):
        first = data["retail_listings"][0]
        data["retail_listings"] += [
            dict(first, url=f"https://shop{n}.example.vn/", position=n) for n in range(20)
        ] + [dict(first)]

    output = refused(app, runner, tmp_path, with_data(trip.archive, spoil))
    assert "A producer lists at most 20 shops." in output
    assert "shop address" in output and "is already that of" in output


# Tampered signs.


def test_malformed_tampering_marks_are_refused(trip, app, runner, tmp_path):
    def spoil(data):
        mark = data["sign_tamperings"][0]
        data["sign_tamperings"] += [
            dict(mark),  # a second open marking of the same sign
            dict(mark, note="x" * 600, replaced_at="2026-01-01T00:00:00+00:00"),
            dict(mark, relic="ZZ99", replaced_at="2026-01-01T00:00:00+00:00"),
            dict(mark, note="a\u0007b", replaced_at="2026-01-01T00:00:00+00:00"),
        ]

    output = refused(app, runner, tmp_path, with_data(trip.archive, spoil))
    assert "open tampering mark of" in output
    assert output.count("The note is at most 500 printable characters.") == 2
    assert "no relic 'ZZ99' in the archive" in output


# Areas, and the area of a relic or producer.


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("code", "9O1O1", "'9O1O1' is not an area code"),
        ("code", "../../x", "is not an area code"),
        ("code", "1" * 11, "too long"),
        ("code", 90101, "is not text"),
        ("kind", "district", "'district' is no kind of area"),
        ("name", "Xã\nLam Sơn", "is no name"),
        ("name", "", "is no name"),
        ("name", "X" * 121, "too long"),
        ("origins", [{"former_commune": ""}], "a former commune (and district) by name"),
        ("origins", "xã Xuân Lam", "'origins' must be a list"),
        ("origins", [{"former_commune": "a", "area_id": 5}], "Unknown field 'area_id'"),
    ],
)
def test_a_malformed_area_is_refused(trip, app, runner, tmp_path, field, value, expected):
    def spoil(data):
        data["areas"][0][field] = value

    refused(app, runner, tmp_path, with_data(trip.archive, spoil), "areas record 1", expected)


def test_an_area_twice_and_an_area_not_in_the_archive_are_refused(trip, app, runner, tmp_path):
    def spoil(data):
        data["areas"][1]["code"] = data["areas"][0]["code"]
        data["areas"][2]["origins"].append(dict(data["areas"][2]["origins"][0]))
        data["relics"][0]["area"] = "99999"
        data["producers"][0]["area"] = ["90101"]

    output = refused(app, runner, tmp_path, with_data(trip.archive, spoil))
    assert "area code" in output and "is already that of areas record 1" in output
    assert "is shown twice" in output
    assert "'area': no area '99999' in the archive" in output
    assert "no area \"['90101']\" in the archive" in output


def test_an_archive_is_not_restored_over_areas(trip, app, runner, tmp_path):
    with app.app_context():
        db.session.add(Area(code="11111", name="Xã Thử", kind="commune"))
        db.session.commit()
    code, output = import_output(app, runner, tmp_path, trip.archive)
    assert code == 1 and "fresh instance only" in output and "1 areas" in output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Relic)) == 0


# The site.


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"texts": {"vi": {"name": ""}}}, "in Vietnamese is required"),
        ({"texts": {"xx": {"name": "A"}}}, "not an interface language"),
        ({"texts": ["vi"]}, "The texts must be given per language."),
        ({"texts": {"vi": {"name": "A", "short_name": "B", "script": "<x>"}}}, "Unknown field"),
        ({"texts": {"vi": {"name": "A\u0000", "short_name": "B"}}}, "cannot be shown"),
        ({"texts": {"vi": {"name": "A" * 5000, "short_name": "B"}}}, "longer than 200"),
        ({"contact_email": "not an address"}, "not a valid address"),
        ({"hotline": "javascript:alert(1)"}, "not a phone number"),
        ({"content_languages": ["vi", "klingon"]}, "Unknown content language"),
        ({"logo": "img/no/such.jpg"}, "is no photo of the archive"),
        ({"id": 2}, "Unknown field 'id'"),
        ({"version": "2"}, "'2' is not a whole number"),
    ],
)
def test_malformed_site_settings_are_refused(trip, app, runner, tmp_path, change, expected):
    def spoil(data):
        data["site"][0].update(change)

    refused(app, runner, tmp_path, with_data(trip.archive, spoil), "site record 1", expected)


def test_a_second_site_is_refused(trip, app, runner, tmp_path):
    def spoil(data):
        data["site"].append(dict(data["site"][0]))

    refused(app, runner, tmp_path, with_data(trip.archive, spoil), "site record 2", "already")


def test_the_archives_site_replaces_one_set_before_the_restore(trip, app, runner, tmp_path):
    with app.app_context():
        db.session.add(Site(id=1, texts={"vi": {"name": "Tạm", "short_name": "Tạm"}}))
        db.session.commit()
    code, output = import_output(app, runner, tmp_path, trip.archive)
    assert code == 0, output
    with app.app_context():
        site = db.session.get(Site, 1)
        assert site.texts == trip.data["site"][0]["texts"]
    assert "Tạm" not in app.test_client().get("/").get_data(as_text=True)


# The search text is computed, never taken from the file.


def test_a_search_text_in_the_file_is_not_trusted(trip, app, runner, tmp_path):
    def plant(data):
        data["relics"][0]["search_text"] = "x" * 100_000
        data["producers"][0]["search_text"] = "<script>"

    code, output = import_output(app, runner, tmp_path, with_data(trip.archive, plant))
    assert code == 0, output
    relic, producer = trip.data["relics"][0], trip.data["producers"][0]
    with app.app_context():
        stored = db.session.scalars(select(Relic).where(Relic.code == relic["code"])).one()
        assert fold(relic["code"]) in stored.search_text and "xxx" not in stored.search_text
        maker = db.session.scalars(select(Producer).where(Producer.ref == producer["ref"])).one()
        assert maker.search_text and "<script>" not in maker.search_text


def test_an_archive_of_version_1_without_the_new_members_still_imports(trip, app, runner, tmp_path):
    def older(data):
        for kind in ("areas", "site", "payment_accounts", "retail_listings", "sign_tamperings"):
            del data[kind]
        for record in data["relics"] + data["producers"]:
            del record["area"]

    body = with_manifest(with_data(trip.archive, older), lambda m: m.update(version=1))
    code, output = import_output(app, runner, tmp_path, body)
    assert code == 0, output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Relic)) == len(
            trip.data["relics"]
        )
        assert db.session.scalar(select(func.count()).select_from(Area)) == 0
    with zipfile.ZipFile(io.BytesIO(body)) as opened:
        assert json.loads(opened.read("manifest.json"))["version"] == 1


# The JSON and CSV files name a relic's or producer's area by its code.


@pytest.fixture
def areas(app):
    with app.app_context():
        db.session.add_all(
            [
                Area(code="90101", name="Xã Lam Sơn", kind="commune", province="Thanh Hóa"),
                Area(code="90102", name="Xã Xuân Lập", kind="commune", province="Thanh Hóa"),
            ]
        )
        db.session.commit()


def relics_csv(area: str) -> str:
    return (
        "code,slug,status,rank,name.vi,area\n"
        f"LK01,lam-kinh,draft,special_national,Khu di tích Lam Kinh,{area}\n"
        "LH01,den-le-hoan,draft,national,Đền thờ Lê Hoàn,\n"
    )


def area_codes(app) -> dict[str, str | None]:
    with app.app_context():
        rows = db.session.execute(
            select(Relic.code, Area.code).outerjoin(Area, Area.id == Relic.area_id)
        )
        return dict(rows.all())


def test_a_csv_puts_relics_in_areas_by_code_and_the_export_names_them(app, runner, areas, tmp_path):
    path = tmp_path / "relics.csv"
    path.write_text(relics_csv("90101"), encoding="utf-8")
    done = runner.invoke(args=["import", str(path)])
    assert done.exit_code == 0, done.output
    assert area_codes(app) == {"LK01": "90101", "LH01": None}
    path.write_text(relics_csv("90102"), encoding="utf-8")  # moved to another area
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    assert area_codes(app) == {"LK01": "90102", "LH01": None}
    exported = tmp_path / "out.json"
    assert runner.invoke(args=["export", str(exported)]).exit_code == 0
    relics = {r["code"]: r for r in json.loads(exported.read_text())["relics"]}
    assert relics["LK01"]["area"] == "90102" and relics["LH01"]["area"] == ""


@pytest.mark.parametrize(
    "area, expected",
    [
        ("99999", "'area': no area has the code '99999'."),
        ("9O1O1", "'area': '9O1O1' is not an area code (digits)."),
        ("../../etc", "is not an area code"),
        ('=HYPERLINK(""x"")', "is not an area code"),
        ("9" * 5000, "is not an area code"),
    ],
)
def test_an_unknown_or_malformed_area_code_is_a_row_error_and_nothing_is_stored(
    app, runner, areas, tmp_path, area, expected
):
    path = tmp_path / "relics.csv"
    path.write_text(relics_csv(f'"{area}"'), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "line 2" in result.output and expected in result.output
    assert "nothing imported" in result.output
    assert area_codes(app) == {}


def test_a_json_producer_with_an_area_that_is_not_text_is_refused(app, runner, areas, tmp_path):
    path = tmp_path / "producers.json"
    for area, expected in ((["90101"], "is not an area code"), ({"code": 1}, "not an area code")):
        body = {
            "producers": [{"ref": "tu-tru", "name": "HTX", "kind": "cooperative", "area": area}]
        }
        path.write_text(json.dumps(body), encoding="utf-8")
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code != 0 and expected in result.output
    body["producers"][0]["area"] = "90101"
    path.write_text(json.dumps(body), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        producer = db.session.scalars(select(Producer)).one()
        assert db.session.get(Area, producer.area_id).code == "90101"
        assert "htx" in producer.search_text
