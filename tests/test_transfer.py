"""Import and export of relics and products (CLI and admin), and the database backup."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import Producer, Product, Relic, RelicTranslation, Revision
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


RELICS_CSV = (
    "code,slug,status,rank,name.vi,name.en,summary.vi,latitude\n"
    "LK01,lam-kinh,published,special_national,Khu di tích Lam Kinh,Lam Kinh,Lăng mộ,19.95\n"
    "LH01,den-le-hoan,draft,national,Đền thờ Lê Hoàn,,,\n"
)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def content(app):
    with app.app_context():
        producer = Producer(ref="tu-tru", name="HTX Tứ Trụ", kind="cooperative")
        relic = Relic(
            code="LK01",
            slug="lam-kinh",
            status="published",
            commune='=HYPERLINK("x")',
            translations=[
                RelicTranslation(lang="vi", name="Lam Kinh"),
                RelicTranslation(lang="en", name="Lam Kinh site"),
            ],
        )
        product = Product(
            producer=producer,
            ref="banh-gai",
            gtin="08930000000019",
            name={"vi": "Bánh gai", "en": "Gai leaf cake"},
            ocop_stars=4,
        )
        db.session.add_all([producer, relic, product])
        db.session.commit()


def test_export_then_import_into_an_empty_database_gives_the_same_records(
    app, runner, content, tmp_path
):
    target = tmp_path / "all.json"
    result = runner.invoke(args=["export", str(target)])
    assert result.exit_code == 0, result.output
    doc = json.loads(target.read_text())
    assert doc["format"] == "qrsvc-exchange"
    assert doc["relics"][0]["name.en"] == "Lam Kinh site"
    assert doc["products"][0]["producer"] == "tu-tru"
    with app.app_context():
        for model in (Product, Relic, Producer):
            for record in db.session.scalars(select(model)):
                db.session.delete(record)
        db.session.commit()
    result = runner.invoke(args=["import", str(target)])
    assert result.exit_code == 0, result.output
    assert "3 to create" in result.output
    with app.app_context():
        relic = db.session.scalar(select(Relic))
        assert relic.translation("en").name == "Lam Kinh site" and relic.status == "published"
        product = db.session.scalar(select(Product))
        assert product.gtin == "08930000000019" and product.producer.ref == "tu-tru"
        assert {r.action for r in db.session.scalars(select(Revision))} == {"import"}
    # Importing the same file again changes nothing.
    again = runner.invoke(args=["import", str(target)])
    assert "0 to create, 0 to update, 3 unchanged" in again.output


def test_csv_export_guards_against_spreadsheet_formulas_and_round_trips(
    app, runner, content, tmp_path
):
    target = tmp_path / "relics.csv"
    assert runner.invoke(args=["export", str(target), "--kind", "relics"]).exit_code == 0
    text = target.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert runner.invoke(args=["import", str(target)]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(Relic.commune)) == '=HYPERLINK("x")'


def test_csv_rows_with_errors_are_reported_and_nothing_is_imported(app, runner, tmp_path):
    bad = RELICS_CSV + (
        "bad code,x,draft,national,Tên,,,\n"  # code malformed
        "LK03,lk3,published,national,Chỉ tiếng Việt,,,\n"  # published without English
        "LK04,lk4,draft,emperor,Tên,,,\n"  # unknown rank
        "LK05,lk5,draft,national,Tên,,,north\n"  # latitude not a number
        "LK06,lam-kinh,draft,national,Tên,,,\n"  # slug taken by row 2
        "LK07,lk7,draft,national,Tên,,,1,extra\n"  # too many cells
    )
    path = tmp_path / "relics.csv"
    path.write_text(bad, encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    for line in ("line 4", "line 5", "line 6", "line 7", "line 8", "line 9"):
        assert line in result.output, line
    assert "line 2" not in result.output and "line 3" not in result.output
    assert "nothing imported" in result.output
    assert count(app, Relic) == 0


def test_a_good_csv_imports_and_updates_by_code(app, runner, tmp_path):
    path = tmp_path / "relics.csv"
    path.write_text(RELICS_CSV, encoding="utf-8")
    assert runner.invoke(args=["import", str(path), "--dry-run"]).exit_code == 0
    assert count(app, Relic) == 0  # a dry run stores nothing
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    assert count(app, Relic) == 2
    path.write_text("code,slug,name.vi,commune\nlk01,lam-kinh,Khu di tích Lam Kinh,Xuân Lam\n")
    result = runner.invoke(args=["import", str(path)])
    assert "1 to update" in result.output
    with app.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        assert relic.commune == "Xuân Lam" and relic.translation("en").name == "Lam Kinh"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.json", b"{not json", "not valid JSON"),
        ("x.json", b"[1, 2]", "must hold an object"),
        ("x.json", b'{"format": "other"}', "not a qrsvc-exchange"),
        ("x.json", b'{"relics": "LK01"}', "must each be a list"),
        ("x.json", b'{"relics": [42]}', "must be an object"),
        (
            "x.json",
            b'{"relics": [{"code": "LK01", "slug": "a", "name.vi": "A", "evil": 1}]}',
            "Unknown column",
        ),
        (
            "x.json",
            b'{"relics": [{"code": "LK01", "slug": "a", "name.vi": "A", "latitude": "NaN"}]}',
            "not a valid",
        ),
        (
            "x.json",
            b'{"relics": [{"code": "LK01", "slug": "a", "name.vi": {"$ne": 1}}]}',
            "not a valid",
        ),
        ("x.csv", b"\xff\xfe\x00garbage", "UTF-8"),
        ("x.csv", b"a,b\n1,2\n", "first line must name the columns"),
        (
            "x.json",
            json.dumps({"relics": [{"code": f"X{i}"} for i in range(20_001)]}).encode(),
            "Too many",
        ),
    ],
)
def test_malformed_and_hostile_files_import_nothing(app, runner, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert message in result.output
    assert count(app, Relic) == 0


def test_products_need_a_known_producer_and_a_valid_gtin(app, runner, content, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(
        "producer,ref,name.vi,gtin\n"
        "tu-tru,che-lam,Chè lam,8930000000026\n"
        "nobody,x1,X,\n"
        "tu-tru,x2,X,8930000000027\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", str(path)])
    assert "Unknown producer 'nobody'" in result.output and "check digit" in result.output
    assert count(app, Product) == 1


def test_admin_preview_then_confirm(app, client, accounts):
    accounts.login("editor")
    preview = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(RELICS_CSV.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "2 to create" in html and 'name="token"' in html
    assert count(app, Relic) == 0  # a preview stores nothing
    token = html.split('name="token" type="hidden" value="', 1)[1].split('"', 1)[0]
    done = client.post("/admin/transfer/confirm", data={"token": token})
    assert done.status_code == 302
    assert count(app, Relic) == 2
    # A token is used once, and only by the person who uploaded it.
    again = client.post("/admin/transfer/confirm", data={"token": token}, follow_redirects=True)
    assert "expired" in again.get_data(as_text=True)
    for forged in ("../../etc/passwd", "x", ""):
        assert client.post("/admin/transfer/confirm", data={"token": forged}).status_code == 400


def test_admin_preview_of_a_bad_file_lists_row_errors(app, client, accounts):
    accounts.login("editor")
    data = (RELICS_CSV + "LK09,Bad Slug,draft,national,X,,,\n").encode()
    response = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(data), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html and "slug" in html and 'name="token"' not in html


def test_admin_export_downloads(app, client, accounts, content):
    accounts.login("editor")
    response = client.get("/admin/transfer/export.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(response.data)["producers"][0]["ref"] == "tu-tru"
    csv_response = client.get("/admin/transfer/export.csv?kind=products")
    assert csv_response.data.decode("utf-8-sig").startswith("producer,ref,")
    assert client.get("/admin/transfer/export.csv?kind=users").status_code == 404


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="the SQLite backup; PostgreSQL is covered below"
)
def test_backup_is_a_consistent_sqlite_copy(app, runner, client, accounts, content, tmp_path):
    target = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT code FROM relics").fetchall() == [("LK01",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    accounts.login("admin")
    download = client.post("/admin/backup")
    assert download.status_code == 200 and download.data.startswith(b"SQLite format 3\x00")


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="runs in the PostgreSQL pass of .ci/run")
def test_backup_on_postgresql_explains_pg_dump(runner, client, accounts, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    accounts.login("admin")
    assert "pg_dump" in client.get("/admin/backup").get_data(as_text=True)
