"""``qrsvc areas import FILE.csv``: every row checked, nothing stored on any problem."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Area

HEADER = "code,name,kind,province,former_commune,former_district\n"
GOOD_CSV = HEADER + (
    "90101,Xã Lam Sơn,xã,Thanh Hóa,thị trấn Lam Sơn,huyện Thọ Xuân\n"
    "90101,Xã Lam Sơn,xã,Thanh Hóa,xã Xuân Lam,huyện Thọ Xuân\n"
    "90102,Phường Hạc Thành,ward,Thanh Hóa,phường Điện Biên,thành phố Thanh Hóa\n"
    "90103,Đặc khu Hòn Mê,đặc khu,Thanh Hóa,,\n"
)


def _import(runner, tmp_path, content: bytes | str):
    path = tmp_path / "areas.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return runner.invoke(args=["areas", "import", str(path)])


def test_areas_import_adds_then_updates(app, runner, tmp_path):
    result = _import(runner, tmp_path, "\ufeff" + GOOD_CSV)
    assert result.exit_code == 0, result.output
    assert "3 areas added, 0 updated." in result.output
    again = _import(runner, tmp_path, GOOD_CSV.replace("Xã Lam Sơn", "Xã Lam Sơn Mới"))
    assert again.exit_code == 0 and "0 areas added, 3 updated." in again.output
    with app.app_context():
        lam_son = db.session.scalar(select(Area).where(Area.code == "90101"))
        assert lam_son.name == "Xã Lam Sơn Mới" and lam_son.kind == "commune"
        assert [o.former_commune for o in lam_son.origins] == ["thị trấn Lam Sơn", "xã Xuân Lam"]
        assert lam_son.former_districts == ["huyện Thọ Xuân"]
        kinds = dict(db.session.execute(select(Area.code, Area.kind)).all())
        assert kinds == {"90101": "commune", "90102": "ward", "90103": "special_zone"}


@pytest.mark.parametrize(
    "content, says",
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        ("name,kind\nX,xã\n", "header"),
        (HEADER, "no area"),
        (HEADER + "ABC,Xã A,xã,,,\n", "code"),
        (HEADER + "90101,Xã A,thành phố,,,\n", "kind"),
        (HEADER + "90101,,xã,,,\n", "name"),
        (HEADER + "90101,Xã A,xã,T,x,y\n90101,Xã B,xã,T,z,y\n", "another name"),
        (HEADER + "90101,Xã A\x07,xã,,,\n", "control character"),
        (HEADER + "90101,Xã A,xã,,,\x00\n", "NUL"),
        (HEADER + "90101," + "A" * 121 + ",xã,,,\n", "longer than 120"),
        (HEADER + "90101,Xã A,xã,T,x,y,extra\n", "more cells"),
        (HEADER + '90101,"Xã A,xã\n', "CSV"),
        (HEADER + "90101,Xã A,xã,T,x,y\n90101,Xã A,xã,T,x,y\n", "twice"),
        (HEADER + "1,A,xã,,,\n" * 20_001, "more than 20000 rows"),
        (HEADER + "1,A,xã,,,\n" + "#" * (3 * 1024 * 1024), "larger than"),
    ],
)
def test_areas_import_refuses_bad_files_and_stores_nothing(app, runner, tmp_path, content, says):
    good_first = GOOD_CSV.splitlines(keepends=True)[3]
    if isinstance(content, str) and content.startswith(HEADER) and content != HEADER:
        content = HEADER + good_first + content[len(HEADER) :]  # a good row is not kept either
    result = _import(runner, tmp_path, content)
    assert result.exit_code == 1
    assert says in result.output
    with app.app_context():
        assert db.session.scalar(select(Area)) is None


def test_areas_import_keeps_hostile_text_as_text(app, runner, tmp_path, client):
    name = "<script>alert(1)</script>"
    assert _import(runner, tmp_path, HEADER + f'90109,"{name}",xã,,=cmd(),\n').exit_code == 0
    html = client.get("/relics").get_data(as_text=True)
    assert name not in html and "&lt;script&gt;" in html


def test_areas_import_help_documents_the_columns(runner):
    result = runner.invoke(args=["areas", "import", "--help"])
    for column in ("code", "name", "kind", "province", "former_commune", "former_district"):
        assert column in result.output
