"""The site's identity is data: no place name in the code, the CLI, the admin page, history.

The place names are the demo's own (the site it sets, its relics' communes, former
districts and provinces, its producers' communes): none may appear in templates,
catalogs or code outside qrsvc/demo, so a province or a commune runs the same code.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

import qrsvc
from qrsvc.demo import content
from qrsvc.demo.producers import PRODUCERS
from qrsvc.demo.site import DEMO_SITE
from qrsvc.extensions import db
from qrsvc.models import Site, SiteChange

ROOT = Path(qrsvc.__file__).resolve().parent.parent
PREFIXES = re.compile(r"^(xã|phường|thị trấn|huyện|thị xã|tỉnh|thành phố)\s+", re.I)


def demo_place_names() -> set[str]:
    """Communes, former districts, provinces and the demo site's short name and region."""
    names = {DEMO_SITE["texts"]["vi"]["short_name"]}
    names |= {part.strip() for part in DEMO_SITE["texts"]["vi"]["region"].split(",")}
    for relic in content.RELICS:
        names |= {relic.get(k, "") for k in ("commune", "commune_old", "district_old", "province")}
    for producer in PRODUCERS:
        names |= {producer.get(k, "") for k in ("commune", "commune_old")}
    return {PREFIXES.sub("", name).strip() for name in names if name.strip()}


def shipped_files() -> list[Path]:
    """Templates, every catalog, static text, and the code outside the demo."""
    files = list((ROOT / "templates").rglob("*.html"))
    files += list((ROOT / "qrsvc").rglob("*.po"))
    files += list((ROOT / "static").rglob("*.webmanifest"))
    files += [p for p in (ROOT / "qrsvc").rglob("*.py") if "demo" not in p.parts]
    return files


def test_the_demo_names_places():
    names = demo_place_names()
    assert {"Thọ Xuân", "Thanh Hóa"} <= names and len(names) >= 8


def test_no_place_name_outside_the_demo():
    names = demo_place_names()
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in shipped_files()
        for name in names
        if name in path.read_text(encoding="utf-8")
    ]
    assert not found, "Take these from the site (qrsvc.site), not the code:\n" + "\n".join(found)


def site_count(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Site)),
            db.session.scalar(select(func.count()).select_from(SiteChange)),
        )


def test_a_new_site_shows_a_neutral_name(client):
    home = client.get("/").get_data(as_text=True)
    assert "<h1>qrsvc</h1>" in home
    assert client.get("/manifest.webmanifest").json["name"] == "qrsvc"
    assert not any(name in home for name in demo_place_names())


INIT = [
    "site", "init", "--no-input", "--name", "Di sản Hòa Bình Xanh", "--short-name", "Bình Xanh",
    "--region", "tỉnh Mẫu", "--office", "Phòng Văn hóa mẫu", "--email", "vh@example.org",
    "--hotline", "+84 24 3333 4444", "--languages", "en,zh,vi", "--text", "en.name=Green Peace",
]  # fmt: skip


def test_site_init_and_show(app, runner, client):
    result = runner.invoke(args=INIT)
    assert result.exit_code == 0, result.output
    shown = runner.invoke(args=["site", "show"]).output
    assert "name [vi]: Di sản Hòa Bình Xanh" in shown and "name [en]: Green Peace" in shown
    assert "content languages: vi, en, zh" in shown
    assert site_count(app) == (1, 1)
    home = client.get("/").get_data(as_text=True)
    assert "Di sản Hòa Bình Xanh" in home and "Phòng Văn hóa mẫu" in home
    assert "Green Peace" in client.get("/?lang=en").get_data(as_text=True)


def test_site_init_asks_for_what_is_missing(app, runner):
    answers = "Tên hỏi\nTên ngắn\n\n\n\n\nvi,en\n"
    result = runner.invoke(args=["site", "init"], input=answers)
    assert result.exit_code == 0, result.output
    assert "Saved: Tên hỏi" in result.output
    with app.app_context():
        assert db.session.get(Site, 1).texts["vi"]["short_name"] == "Tên ngắn"


@pytest.mark.parametrize(
    "change",
    [
        ["--email", "not an address"],
        ["--hotline", "call me<script>"],
        ["--languages", "vi,xx"],
        ["--name", "x" * 201],
        ["--name", "   "],
        ["--short-name", "two\nlines"],
        ["--office", "bell\x07"],
        ["--text", "de.name=Nicht"],
        ["--text", "en.nonsense=1"],
        ["--text", "en.name=" + "y" * 5000],
        ["--logo", "/nonexistent/logo.png"],
    ],
)
def test_site_init_refuses_bad_input_with_one_line(app, runner, change):
    result = runner.invoke(args=[*INIT, *change])
    assert result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    assert site_count(app) == (0, 0)


def test_site_init_refuses_a_logo_that_is_not_an_image(app, runner, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    result = runner.invoke(args=[*INIT, "--logo", str(fake)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert site_count(app) == (0, 0)


def png(size: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (140, 28, 28)).save(buffer, "PNG")
    return buffer.getvalue()


def csrf(client) -> str:
    """The form's CSRF token, when the test configuration asks for one."""
    answer = client.get("/admin/site")
    assert answer.status_code == 200
    token = re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', answer.text
    )
    return token[1] if token else ""


def form(client, **changes) -> dict:
    data = {
        "csrf_token": csrf(client),
        "name_vi": "Cổng di sản mẫu",
        "short_name_vi": "Di sản mẫu",
        "region_vi": "tỉnh Mẫu",
        "introduction_vi": "Đoạn một.\n\nĐoạn hai.",
        "office_vi": "Sở Văn hóa mẫu",
        "name_en": "Sample heritage",
        "contact_email": "info@example.org",
        "hotline": "0237 3834 123",
        "content_languages": "vi, en, ko",
    }
    data.update(changes)
    return data


def test_only_admins_edit_the_site(client, accounts):
    assert client.get("/admin/site").status_code == 302  # to the login page
    accounts.login("editor")
    assert client.get("/admin/site").status_code == 403


def test_the_admin_saves_the_site_with_history_and_pages_follow_at_once(app, client, accounts):
    accounts.login("admin")
    before = client.get("/relics").get_data(as_text=True)
    assert "qrsvc" in before
    data = form(client, logo=(io.BytesIO(png()), "logo.png"))
    answer = client.post("/admin/site", data=data, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    client.delete_cookie("session")  # a visitor: pages may come from the page cache
    for path in ("/", "/relics", "/search?q=x"):
        page = client.get(path).get_data(as_text=True)
        assert "Di sản mẫu" in page and "Sở Văn hóa mẫu" in page, path
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["short_name"] == "Di sản mẫu" and manifest.json["start_url"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert '<p class="lead">Đoạn hai.</p>' in home and 'src="/media/' in home
    accounts.login("admin", email="admin2@test.local")
    data = form(client, name_vi="Tên mới của trang", hotline="")
    assert client.post("/admin/site", data=data).status_code == 302
    client.delete_cookie("session")
    assert "Tên mới của trang" in client.get("/").get_data(as_text=True)
    accounts.login("admin", email="admin3@test.local")
    page = client.get("/admin/site").get_data(as_text=True)
    assert "Di sản mẫu admin" not in page and "Quản trị Di sản mẫu" in page
    assert "admin2@test.local" in page and "Tên mới của trang" in page
    with app.app_context():
        changes = db.session.scalars(select(SiteChange).order_by(SiteChange.id)).all()
        assert [c.actor for c in changes] == ["admin@test.local", "admin2@test.local"]
        assert changes[1].changes["name_vi"] == ["Cổng di sản mẫu", "Tên mới của trang"]
        assert changes[1].changes["hotline"] == ["0237 3834 123", ""]
        assert db.session.get(Site, 1).content_languages == ["vi", "en", "ko"]


@pytest.mark.parametrize(
    "change",
    [
        {"contact_email": "nobody"},
        {"contact_email": "a@b.c" + "d" * 260},
        {"hotline": "<script>alert(1)</script>"},
        {"hotline": "1" * 40},
        {"name_vi": ""},
        {"name_vi": "n" * 201},
        {"name_vi": "n" * 5000},
        {"name_en": "e" * 5000},
        {"region_en": "r" * 5000},
        {"short_name_en": "s" * 5000},
        {"short_name_vi": "s" * 61},
        {"introduction_vi": "i" * 2001},
        {"office_en": "o" * 301},
        {"region_vi": "a\x00b"},
        {"content_languages": "vi, klingon"},
        {"content_languages": ""},
        {"logo": (io.BytesIO(b"GIF89a not an image"), "logo.gif")},
        {"logo": (io.BytesIO(b"<svg onload=alert(1)></svg>"), "logo.svg")},
    ],
)
def test_the_admin_form_refuses_bad_values_and_changes_nothing(app, client, accounts, change):
    accounts.login("admin")
    data = form(client, **change)
    answer = client.post("/admin/site", data=data, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert site_count(app) == (0, 0)
    assert "<h1>qrsvc</h1>" in client.get("/").get_data(as_text=True)


def test_hostile_text_is_shown_as_text(client, accounts):
    accounts.login("admin")
    data = form(client, name_vi='<img src=x onerror="alert(1)">', short_name_vi="<b>x</b>")
    assert client.post("/admin/site", data=data).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "<img src=x" not in home and "&lt;img src=x" in home and "<b>x</b>" not in home


def test_content_languages_come_from_the_site(client, accounts):
    accounts.login("admin")
    assert (
        client.post("/admin/site", data=form(client, content_languages="vi,en")).status_code == 302
    )
    page = client.get("/admin/relics/new").get_data(as_text=True)
    offered = re.findall(r'<option value="(\w\w)">', page)
    assert "ko" not in offered and "zh" not in offered


def test_site_texts_fall_back_like_a_relics_chosen_then_english_then_vietnamese(runner, client):
    assert runner.invoke(args=INIT).exit_code == 0
    for lang in ("zh", "ko", "fr"):
        page = client.get(f"/?lang={lang}").get_data(as_text=True)
        assert "Green Peace" in page, lang  # the English name, not the Vietnamese one
    assert "Di sản Hòa Bình Xanh" in client.get("/?lang=vi").get_data(as_text=True)
    # Only in Vietnamese (the office): every language reads the Vietnamese text.
    assert "Phòng Văn hóa mẫu" in client.get("/?lang=ko").get_data(as_text=True)
