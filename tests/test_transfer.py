"""Import and export of relics and products (CLI and admin), and the database backup."""

from __future__ import annotations

import io
import json
import sqlite3
import unicodedata
import zipfile
from html import unescape

import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import Festival, Producer, Product, Relic, RelicTranslation, Revision, Stele
from qrsvc.transfer.opening_hours import opening_hours_text, parse_opening_hours
from qrsvc.transfer.service import export_records
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
            "'latitude': Not a valid float value.",
        ),
        (
            "x.json",
            b'{"relics": [{"code": "LK01", "slug": "a", "name.vi": {"$ne": 1}}]}',
            "'name.vi': an object is not a text.",
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


# Festivals, steles, opening hours and fees (format version 2).

LAM_KINH_HOURS = [
    {"days": ["Mo", "Tu", "We", "Th", "Fr"], "opens": "07:30", "closes": "11:30"},
    {"days": ["Mo", "Tu", "We", "Th", "Fr"], "opens": "13:30", "closes": "17:00"},
    {"days": ["Sa", "Su", "Mo"], "opens": "06:00", "closes": "21:00"},
]


@pytest.fixture
def festive(app, content):
    """LK01 with its hours, fee, festivals and a stele, all in Vietnamese with diacritics."""
    with app.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        relic.opening_hours = LAM_KINH_HOURS
        relic.fee_vnd = 40000
        relic.translation("vi").hours_note = "Mở cửa cả ngày lễ, Tết Nguyên đán nghỉ mùng 1."
        relic.translation("vi").fees_note = "Miễn phí cho trẻ em dưới 6 tuổi và người cao tuổi."
        relic.translation("en").fees_note = "Free for children under 6."
        relic.festivals = [
            Festival(
                lunar_month=8,
                lunar_day=21,
                days=2,
                name={"vi": "Lễ hội Lam Kinh", "en": "Lam Kinh Festival", "zh": "蓝京庙会"},
                description={
                    "vi": 'Tưởng niệm Lê Lai, Lê Lợi: "Hăm mốt Lê Lai, hăm hai Lê Lợi".\n\n'
                    "Rước kiệu; trò chơi dân gian, ném còn, đánh đu.",
                    "en": "Palanquin procession, folk games.",
                },
            ),
            Festival(lunar_month=1, lunar_day=15, name={"vi": "Lễ Thượng nguyên"}),
        ]
        relic.steles = [
            Stele(
                position=2,
                title={"vi": "Bia Vĩnh Lăng", "en": "Vĩnh Lăng stele"},
                han_nom="帝起藍山，十年平吳，\n國復其舊。",
                reading="Đế khởi Lam Sơn, thập niên bình Ngô, quốc phục kỳ cựu.",
                translation={"vi": "Vua dấy binh ở Lam Sơn, mười năm dẹp giặc Ngô."},
            ),
            Stele(position=1, title={"vi": "Bia Hựu Lăng"}),
        ]
        db.session.add(
            Relic(
                code="LH01",
                slug="den-le-hoan",
                translations=[RelicTranslation(lang="vi", name="Đền thờ Lê Hoàn")],
                festivals=[],
                steles=[Stele(position=0)],
            )
        )
        db.session.commit()


def document(runner, path) -> dict:
    """An export to ``path`` as JSON, without its time stamp."""
    result = runner.invoke(args=["export", str(path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc.pop("exported_at")
    return doc


def empty_the_database(app) -> None:
    with app.app_context():
        for model in (Product, Relic, Producer, Revision):
            for record in db.session.scalars(select(model)):
                db.session.delete(record)
        db.session.commit()


def snapshot(app) -> dict:
    """Everything an export holds, to check that a refused import changed nothing."""
    with app.app_context():
        return export_records()


def test_festivals_steles_hours_and_fees_round_trip_exactly(app, runner, festive, tmp_path):
    first = document(runner, tmp_path / "first.json")
    assert first["version"] == 2
    lam_kinh = first["relics"][0]
    assert lam_kinh["opening_hours"] == "Mo-Fr 07:30-11:30; Mo-Fr 13:30-17:00; Sa,Su,Mo 06:00-21:00"
    assert lam_kinh["fee_vnd"] == 40000
    assert lam_kinh["fees_note.vi"] == "Miễn phí cho trẻ em dưới 6 tuổi và người cao tuổi."
    # Each relic's festivals by lunar date, steles by position; they name their relic.
    assert [(f["relic"], f["lunar_month"], f["lunar_day"]) for f in first["festivals"]] == [
        ("LK01", 1, 15),
        ("LK01", 8, 21),
    ]
    assert first["festivals"][1]["name.zh"] == "蓝京庙会" and first["festivals"][1]["days"] == 2
    assert first["festivals"][0]["days"] == 1 and "name.en" not in first["festivals"][0]
    assert [(s["relic"], s["position"]) for s in first["steles"]] == [
        ("LK01", 1),
        ("LK01", 2),
        ("LH01", 0),
    ]
    assert first["steles"][1]["han_nom"] == "帝起藍山，十年平吳，\n國復其舊。"
    assert "Lê Lợi" in (tmp_path / "first.json").read_text(encoding="utf-8")  # not \u escapes

    empty_the_database(app)
    result = runner.invoke(args=["import", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    assert "9 to create" in result.output
    assert document(runner, tmp_path / "second.json") == first
    with app.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        assert relic.opening_hours == LAM_KINH_HOURS
        assert relic.festivals[1].description["vi"].startswith("Tưởng niệm Lê Lai")
        assert {r.entity_type for r in db.session.scalars(select(Revision))} == {
            "relic",
            "producer",
            "product",
            "festival",
            "stele",
        }
    again = runner.invoke(args=["import", str(tmp_path / "first.json")])
    assert "0 to create, 0 to update, 9 unchanged" in again.output


def test_festivals_and_steles_round_trip_through_csv(app, runner, festive, tmp_path):
    before = document(runner, tmp_path / "before.json")
    for kind in ("relics", "festivals", "steles"):
        result = runner.invoke(args=["export", str(tmp_path / f"{kind}.csv"), "--kind", kind])
        assert result.exit_code == 0, result.output
    header = (tmp_path / "festivals.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("relic,lunar_month,lunar_day,")
    empty_the_database(app)
    for kind in ("relics", "festivals", "steles"):
        result = runner.invoke(args=["import", str(tmp_path / f"{kind}.csv")])
        assert result.exit_code == 0, result.output
    after = document(runner, tmp_path / "after.json")
    for kind in ("relics", "festivals", "steles"):
        assert after[kind] == before[kind], kind


def test_a_festival_row_updates_the_festival_of_its_date_and_leaves_others(
    app, runner, festive, tmp_path
):
    path = tmp_path / "festivals.csv"
    # A spreadsheet set to Vietnamese separates cells with ';'; text quoted with "".
    path.write_text(
        "relic;lunar_month;lunar_day;days;name.vi;description.vi\n"
        'lk01;8;21;3;Lễ hội Lam Kinh;"Ba ngày; rước ""kiệu"" quanh Lam Kinh."\n'
        "LH01;3;8;;Lễ giỗ vua Lê Đại Hành;\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 to create, 1 to update, 0 unchanged" in result.output
    with app.app_context():
        lam_kinh = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        autumn = lam_kinh.festivals[1]
        assert autumn.days == 3
        # Columns the file does not have (other languages) are kept, as for relics.
        assert autumn.description == {
            "vi": 'Ba ngày; rước "kiệu" quanh Lam Kinh.',
            "en": "Palanquin procession, folk games.",
        }
        assert autumn.name["zh"] == "蓝京庙会"
        assert lam_kinh.festivals[0].name == {"vi": "Lễ Thượng nguyên"}  # not in the file
        le_hoan = db.session.scalar(select(Festival).where(Festival.lunar_month == 3))
        assert le_hoan.days == 1  # an empty cell: one day
        revision = db.session.scalar(
            select(Revision).where(
                Revision.entity_type == "festival", Revision.entity_id == autumn.id
            )
        )
        assert revision.action == "import" and revision.version == 2
        assert revision.changes["days"] == [2, 3]


def test_an_update_of_translations_only_moves_the_relic_version_on(app, runner, festive, tmp_path):
    with app.app_context():
        version = db.session.scalar(select(Relic.version).where(Relic.code == "LK01"))
    path = tmp_path / "relics.csv"
    path.write_text("code,slug,name.en\nLK01,lam-kinh,Lam Kinh royal site\n", encoding="utf-8")
    assert "1 to update" in runner.invoke(args=["import", str(path)]).output
    with app.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        assert relic.version == version + 1
        revision = db.session.scalar(select(Revision).where(Revision.entity_type == "relic"))
        assert revision.version == relic.version and list(revision.changes) == ["name.en"]


def test_opening_hours_are_read_as_vietnamese_staff_write_them(app, runner, festive, tmp_path):
    path = tmp_path / "relics.csv"
    path.write_text(
        "code,slug,opening_hours\n"
        'LH01,den-le-hoan,"T2 - T6 7:30 – 17:00;  t7, CN 08:00-11:30,13:30-24:00 ;"\n',
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == "LH01"))
        assert relic.opening_hours == [
            {"days": ["Mo", "Tu", "We", "Th", "Fr"], "opens": "07:30", "closes": "17:00"},
            {"days": ["Sa", "Su"], "opens": "08:00", "closes": "11:30"},
            {"days": ["Sa", "Su"], "opens": "13:30", "closes": "24:00"},
        ]
    hours = document(runner, tmp_path / "all.json")["relics"][1]["opening_hours"]
    assert hours == "Mo-Fr 07:30-17:00; Sa,Su 08:00-11:30; Sa,Su 13:30-24:00"
    # Emptied in the file: no more hours. A file without the column leaves them alone.
    path.write_text("code,slug,opening_hours\nLH01,den-le-hoan,\n", encoding="utf-8")
    assert "1 to update" in runner.invoke(args=["import", str(path)]).output
    path.write_text("code,slug,name.vi\nLK01,lam-kinh,Lam Kinh\n", encoding="utf-8")
    assert "1 unchanged" in runner.invoke(args=["import", str(path)]).output
    with app.app_context():
        assert db.session.scalar(select(Relic.opening_hours).where(Relic.code == "LH01")) == []
        lam_kinh = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        assert lam_kinh.opening_hours == LAM_KINH_HOURS


@pytest.mark.parametrize(
    "stored",
    [
        [],
        [{"days": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"], "opens": "00:00", "closes": "24:00"}],
        [{"days": ["Mo", "We", "Fr"], "opens": "08:00", "closes": "12:00"}],
        [{"days": ["Mo", "Tu", "Th", "Fr", "Sa"], "opens": "08:00", "closes": "12:00"}],
        [{"days": ["Su", "Mo", "Tu"], "opens": "05:30", "closes": "06:15"}],
        [{"days": ["Sa"], "opens": "07:00", "closes": "09:00"}] * 2,
    ],
)
def test_stored_opening_hours_survive_their_text(stored):
    assert parse_opening_hours(opening_hours_text(stored)) == stored


def test_a_version_1_document_still_imports_and_keeps_what_it_does_not_mention(
    app, runner, festive, tmp_path
):
    # As qrsvc wrote it before festivals, steles and opening hours were exported.
    old = {
        "format": "qrsvc-exchange",
        "version": 1,
        "exported_at": "2025-01-02T03:04:05+00:00",
        "producers": [],
        "relics": [
            {"code": "LK01", "slug": "lam-kinh", "name.vi": "Khu di tích Lam Kinh"},
            {"code": "XL01", "slug": "dinh-xuan-lap", "name.vi": "Đình Xuân Lập", "fee_vnd": 0},
        ],
        "products": [],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 to create, 1 to update" in result.output
    with app.app_context():
        lam_kinh = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        assert lam_kinh.translation("vi").name == "Khu di tích Lam Kinh"
        assert lam_kinh.opening_hours == LAM_KINH_HOURS and lam_kinh.fee_vnd == 40000
        assert len(lam_kinh.festivals) == 2 and len(lam_kinh.steles) == 2
        new = db.session.scalar(select(Relic).where(Relic.code == "XL01"))
        assert new.opening_hours == [] and new.fee_vnd == 0


def json_file(**kinds) -> bytes:
    """A version 2 exchange document holding ``kinds``."""
    return json.dumps({"format": "qrsvc-exchange", "version": 2, **kinds}).encode()


GOOD_FESTIVAL = {"relic": "LK01", "lunar_month": 3, "lunar_day": 3, "name.vi": "Tết Hàn thực"}
GOOD_STELE = {"relic": "LK01", "position": 7, "title.vi": "Bia mới"}
LONG_TEXT = "ầ" * 100_001


def festival(**changes):
    row = {"relic": "LK01", "lunar_month": 8, "lunar_day": 22, "name.vi": "Giỗ Lê Lợi"}
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


def stele(**changes):
    row = {"relic": "LK01", "position": 5, "title.vi": "Bia", "han_nom": "碑"}
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


def hours(text):
    return {"code": "LH01", "slug": "den-le-hoan", "opening_hours": text}


@pytest.mark.parametrize(
    ("kind", "row", "message"),
    [
        ("festivals", festival(lunar_month=13), "'lunar_month': Number must be between 1 and 12."),
        ("festivals", festival(lunar_day=31), "'lunar_day': Number must be between 1 and 30."),
        ("festivals", festival(lunar_day=0), "'lunar_day': Number must be between 1 and 30."),
        ("festivals", festival(lunar_month=8.5), "'lunar_month': Not a valid integer value."),
        ("festivals", festival(lunar_month="tám"), "'lunar_month': Not a valid integer value."),
        ("festivals", festival(lunar_month=10**400), "'lunar_month': Not a valid integer value."),
        ("festivals", festival(lunar_month=True), "'lunar_month': true is not a whole number."),
        ("festivals", festival(days=31), "'days': Number must be between 1 and 30."),
        ("festivals", festival(lunar_month=None), "'lunar_month': This field is required."),
        ("festivals", festival(lunar_day=""), "'lunar_day': This field is required."),
        ("festivals", festival(**{"name.vi": None}), "'name.vi': This field is required."),
        ("festivals", festival(**{"name.vi": "  "}), "'name.vi': This field is required."),
        ("festivals", festival(relic=None), "'relic' is missing"),
        ("festivals", festival(relic="XX99"), "Unknown relic 'XX99'."),
        ("festivals", festival(relic={"$ne": 1}), "is not a relic code."),
        ("festivals", festival(**{"name.vi": ["Giỗ"]}), "'name.vi': a list is not a text."),
        (
            "festivals",
            festival(**{"name.vi": "Ấ" * 201}),
            "'name.vi': Field cannot be longer than 200",
        ),
        ("festivals", festival(**{"description.vi": LONG_TEXT}), "longer than 100000 characters."),
        ("festivals", festival(solar_date="2025-10-13"), "Unknown column 'solar_date'."),
        ("festivals", festival(**{"name.xx": "?"}), "Unknown language in column 'name.xx'"),
        ("festivals", festival(lunar_month=3, lunar_day=3), "Line 2 already has a festival of"),
        ("festivals", festival(relic="lk01", lunar_month=3, lunar_day=3), "lunar day 3/3"),
        ("steles", stele(position=None), "'position': This field is required."),
        ("steles", stele(position=-1), "'position': Number must be between 0 and 1000."),
        ("steles", stele(position=7), "Line 2 already has the stele of LK01 at position 7"),
        ("steles", stele(han_nom=LONG_TEXT), "'han_nom': Field cannot be longer than 100000"),
        ("steles", stele(**{"translation.vi": 42}), "'translation.vi': 42 is not a text."),
        ("steles", stele(relic="LK99"), "Unknown relic 'LK99'."),
        ("relics", hours("Mo-Fr 7h30"), "'opening_hours': 'Mo-Fr 7h30' is not like"),
        ("relics", hours("Xy 07:00-17:00"), "'Xy' is not a day"),
        ("relics", hours("Mo 25:00-26:00"), "25:00 is not a time of day"),
        ("relics", hours("Mo 24:00-24:00"), "24:00 is not a time of day"),
        ("relics", hours("Mo-Fr 17:00-07:30"), "'Mo-Fr 17:00-07:30' closes before it opens"),
        ("relics", hours("Mo,Mo 08:00-09:00"), "names Mo twice"),
        ("relics", hours(["Mo"]), "'opening_hours': \"['Mo']\" is not text like"),
        ("relics", hours("Mo 08:00-09:00; " * 40), "'opening_hours': too long"),
        ("relics", {"code": "LH01", "fee_vnd": -1}, "'fee_vnd': Number must be between 0 and"),
        ("relics", {"code": "LH01", "fee_vnd": "mười"}, "'fee_vnd': Not a valid integer value."),
        ("relics", {"code": "LH01", "hours_note.vi": "x" * 301}, "cannot be longer than 300"),
        ("relics", {"code": "LK01", "slug": "lam-kinh"}, "Line 2 already has the relic LK01"),
    ],
)
def test_bad_festivals_steles_and_hours_are_named_and_change_nothing(
    app, runner, festive, tmp_path, kind, row, message
):
    before = snapshot(app)
    # A good row first: it is not imported either.
    good_relic = {"code": "LK01", "slug": "lam-kinh", "opening_hours": "Sa 08:00-09:00"}
    good = {"festivals": GOOD_FESTIVAL, "steles": GOOD_STELE, "relics": good_relic}
    path = tmp_path / "bad.json"
    path.write_bytes(json_file(**{kind: [good[kind], row]}))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines, result.output
    assert lines[0].startswith(f"{kind} line 3 ("), lines[0]
    assert f"{kind} line 2" not in result.output
    assert "nothing imported: 1 rows have errors" in result.output
    assert snapshot(app) == before


def test_a_file_from_a_newer_qrsvc_or_with_a_bad_version_is_refused(app, runner, tmp_path):
    path = tmp_path / "x.json"
    for version, message in ((3, "format version 3"), ("2", "whole number"), (0, "whole number")):
        path.write_bytes(json.dumps({"version": version, "relics": []}).encode())
        result = runner.invoke(args=["import", str(path)])
        assert result.exit_code != 0 and message in result.output
    path.write_bytes(b'{"relics": [{"code": "LK01", "latitude": ' + b"9" * 5000 + b"}]}")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0 and "not valid JSON" in result.output
    path.write_bytes(json_file(festivals="LK01 8/21"))
    assert "must each be a list" in runner.invoke(args=["import", str(path)]).output
    assert count(app, Relic) == 0


def test_decomposed_vietnamese_is_stored_composed_and_measured_so(app, runner, festive, tmp_path):
    name = "Lễ hội Lam Kinh " * 12 + "Lễ"  # 194 characters composed
    decomposed = unicodedata.normalize("NFD", name)
    assert len(decomposed) > 200
    path = tmp_path / "f.json"
    path.write_bytes(json_file(festivals=[festival(**{"name.vi": decomposed})]))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = db.session.scalar(select(Festival).where(Festival.lunar_day == 22))
        assert stored.name == {"vi": name}


def test_a_csv_without_the_columns_of_a_festival_or_stele_says_which_are_needed(
    app, runner, festive, tmp_path
):
    path = tmp_path / "x.csv"
    path.write_text("relic,name.vi\nLK01,Lễ hội\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0 and "'relic' and 'lunar_month' for festivals" in result.output
    path.write_text("relic,lunar_month,name.vi\nLK01,8,Lễ hội\n", encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert "festivals line 2 (LK01 ?/8): 'lunar_day': This field is required." in result.output
    assert count(app, Festival) == 2


def test_admin_previews_festivals_and_exports_them(app, client, accounts, festive):
    accounts.login("editor")
    csv_data = "relic,lunar_month,lunar_day,name.vi\nLK01,13,1,Tết\nLK01,3,3,Tết Hàn thực\n"
    response = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(csv_data.encode()), "festivals.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Number must be between 1 and 12." in html and "Nothing was imported" in html
    assert count(app, Festival) == 2
    exported = client.get("/admin/transfer/export.csv?kind=festivals")
    text = exported.data.decode("utf-8-sig")
    assert text.startswith("relic,lunar_month,lunar_day,") and "Lễ hội Lam Kinh" in text
    steles = client.get("/admin/transfer/export.csv?kind=steles").data.decode("utf-8-sig")
    assert steles.startswith("relic,position,") and "帝起藍山" in steles


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


# The archive of all data in the admin (the round trip itself: tests/test_round_trip.py).


def wipe_content(app) -> None:
    """Delete the records of the ``content`` fixture: the instance is fresh again."""
    with app.app_context():
        for model in (Product, RelicTranslation, Relic, Producer):
            for record in db.session.scalars(select(model)):
                db.session.delete(record)
        db.session.commit()


def test_admin_exports_all_data_then_restores_it_after_a_preview(app, client, accounts, content):
    accounts.login("admin")
    page = client.get("/admin/transfer").get_data(as_text=True)
    assert "/admin/transfer/archive.zip" in page
    download = client.get("/admin/transfer/archive.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"].startswith("attachment")
    archive = download.data
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        data = json.loads(opened.read("data.json"))
    assert data["relics"][0]["code"] == "LK01"
    assert data["products"][0]["producer"] == "tu-tru"
    refused = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(archive), "all.zip")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "fresh instance only" in refused.get_data(as_text=True)
    wipe_content(app)
    preview = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(archive), "all.zip")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "3 to create" in html and count(app, Relic) == 0
    token = html.split('name="token" type="hidden" value="', 1)[1].split('"', 1)[0]
    assert client.post("/admin/transfer/confirm", data={"token": token}).status_code == 302
    with app.app_context():
        relic = db.session.scalar(select(Relic))
        assert relic.code == "LK01" and relic.translation("en").name == "Lam Kinh site"
        assert relic.commune == '=HYPERLINK("x")'  # kept as it was: no spreadsheet here
    assert client.get("/r/LK01?lang=en").status_code == 200


def test_only_an_admin_exports_or_restores_all_data(app, client, accounts, content):
    accounts.login("admin")
    archive = client.get("/admin/transfer/archive.zip").data
    wipe_content(app)
    accounts.login("editor", email="editor@test.local")
    assert client.get("/admin/transfer/archive.zip").status_code == 403
    assert "/admin/transfer/archive.zip" not in client.get("/admin/transfer").get_data(as_text=True)
    answer = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(archive), "all.zip")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert "Only an administrator" in answer.get_data(as_text=True)
    assert count(app, Relic) == 0


def test_cli_export_all_keeps_the_other_forms_working(app, runner, content, tmp_path):
    assert runner.invoke(args=["export", str(tmp_path / "a.json")]).exit_code == 0
    result = runner.invoke(args=["export", "--all", str(tmp_path / "all.bin")])
    assert result.exit_code == 0, result.output
    assert "1 relics" in result.output and "0 media files" in result.output
    assert (tmp_path / "all.bin").read_bytes()[:4] == b"PK\x03\x04"
    assert not (tmp_path / "all.bin.partial").exists()
    mixed = runner.invoke(args=["export", "--all", "--kind", "relics", str(tmp_path / "x.zip")])
    assert mixed.exit_code == 2 and "--kind" in mixed.output


BAD_ROWS = json.dumps(
    {
        "relics": [
            {"code": "LK01", "slug": "lam-kinh", "name.vi": "Lam Kinh"},
            {"code": "LK01", "slug": "lam-kinh-2", "name.vi": "Lam Kinh"},
            {"code": "LK02", "slug": "ba-trieu", "name.vi": ["Bà", "Triệu"]},
            {"code": "LK03", "slug": "ham-rong", "name.vi": "Hàm Rồng", "colour": "red"},
            {
                "code": "LK04",
                "slug": "ho-thanh",
                "name.vi": "Hồ",
                "opening_hours": "Mo 25:00-26:00",
            },
        ]
    },
    ensure_ascii=False,
).encode()
REASONS = {
    "vi": [
        "Dòng 2 đã có di tích LK01: mỗi di tích một dòng.",
        "'name.vi': một danh sách không phải là văn bản.",
        "Cột không xác định 'colour'.",
        "'opening_hours': 'Mo 25:00-26:00': 25:00 không phải là giờ trong ngày.",
    ],
    "en": [
        "Line 2 already has the relic LK01: one row per relic.",
        "'name.vi': a list is not a text.",
        "Unknown column 'colour'.",
        "'opening_hours': 'Mo 25:00-26:00': 25:00 is not a time of day.",
    ],
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admin_gives_the_reasons_of_bad_rows_in_the_admins_language(
    app, client, accounts, language
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    accounts.login("editor")
    response = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(BAD_ROWS), "relics.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    for reason in REASONS[language]:
        assert f"<li>{reason}</li>" in page
    other = REASONS["en" if language == "vi" else "vi"]
    assert not any(reason in page for reason in other)
    assert count(app, Relic) == 0


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("vi", "Tệp không phải là tệp nén ZIP đọc được"),
        ("en", "The file is not a readable ZIP archive"),
    ],
)
def test_a_refused_archive_is_explained_in_the_admins_language(
    app, client, accounts, language, reason
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    accounts.login("admin")
    damaged = b"PK\x03\x04" + b"\x00" * 200
    response = client.post(
        "/admin/transfer",
        data={"file": (io.BytesIO(damaged), "all.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert reason in unescape(response.get_data(as_text=True))


def test_the_command_line_reports_in_english_whatever_the_default_language(app, runner, tmp_path):
    assert app.config["BABEL_DEFAULT_LOCALE"] == "vi"
    path = tmp_path / "relics.json"
    path.write_bytes(BAD_ROWS)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    for reason in REASONS["en"]:
        assert reason in result.output
    path.write_bytes(b"{not json")
    assert "The file is not valid JSON" in runner.invoke(args=["import", str(path)]).output
