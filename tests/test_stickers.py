"""A visitor's photo of a code on a relic's sign (issue 16 item 5): stickers over the
donation code are caught, staff are alerted at once, and a bad file never loses a report.

Photos are made here with real QR codes in them (drawn from :func:`encode_qr`'s modules
on a photo-like background) and sent through the report form as a phone sends them.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageDraw

from qrsvc.extensions import db
from qrsvc.generator import encode_qr
from qrsvc.models import Relic, RelicTranslation, Role, SignReport, User
from qrsvc.payments import approve, propose
from qrsvc.payments.stickers import MAX_PHOTO_BYTES, code_differs, compare, is_own_page
from qrsvc.public.reports import read_photo_note
from qrsvc.vietqr import build_payload

VCB, AGRIBANK = "970436", "970405"
OFFICIAL = build_payload(VCB, "0011001932418")
FRAUD = build_payload(AGRIBANK, "9999888877")
PAGE_CODE = "HTTP://QR.TEST/R/LK01"  # what the sign's own page code holds


@pytest.fixture
def relic(app):
    """A published relic with a verified donation account, and staff."""
    with app.app_context():
        lk = Relic(code="LK01", slug="lam-kinh", status="published")
        lk.translations.append(RelicTranslation(lang="vi", name="Khu di tích Lam Kinh"))
        editor = User(email="e@t.vn", role=Role.EDITOR)
        admin = User(email="a@t.vn", role=Role.ADMIN)
        editor.password_hash = admin.password_hash = "-"
        db.session.add_all([lk, editor, admin])
        db.session.commit()
        account = propose(lk, VCB, "0011001932418", "BAN QUAN LY DI TICH", by_user=editor)
        approve(account, by_user=admin)
    return app


def code_photo(*texts: str, size=(1000, 700), fmt="JPEG", exif=None) -> bytes:
    """A photo-like picture with a QR code of each text in it, side by side."""
    rng = random.Random(7)
    image = Image.new("RGB", (40, 28))
    image.putdata([tuple(rng.randrange(120, 220) for _ in range(3)) for _ in range(40 * 28)])
    image = image.resize(size, Image.BICUBIC)
    left = 30
    for text in texts:
        symbol, module = encode_qr(text, "M"), 6
        side = (symbol.size + 8) * module
        code = Image.new("RGB", (side, side), "white")
        draw = ImageDraw.Draw(code)
        for x, y, n in symbol.runs():
            x0, y0 = (x + 4) * module, (y + 4) * module
            draw.rectangle([x0, y0, x0 + n * module - 1, y0 + module - 1], fill="black")
        image.paste(code, (left, 40))
        left += side + 30
    out = io.BytesIO()
    kwargs = {"quality": 92} if fmt == "JPEG" else {}
    if exif is not None:
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a GPS position, as a phone writes it."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (19.0, 55.0, 2.0), 3: "E", 4: (105.0, 24.0, 8.0)}  # GPSInfo
    return exif.tobytes()


def send(client, photo: bytes | None, name="code.jpg", kind="covered", **extra):
    """Post the report form with ``photo`` as a phone does (multipart)."""
    data = {"kind": kind, "message": "Có miếng dán đè lên mã công đức", **extra}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), name)
    return client.post("/r/LK01/report", data=data, content_type="multipart/form-data")


def note(app, response) -> str:
    """The photo note the report's redirect carries, as the thanks page reads it."""
    location = response.headers["Location"]
    assert location.startswith("/r/LK01/report/thanks?note=")
    with app.test_request_context():
        return read_photo_note("LK01", parse_qs(urlsplit(location).query)["note"][0])


def stored(app) -> list[SignReport]:
    """The reports stored, oldest first."""
    with app.app_context():
        reports = db.session.query(SignReport).order_by(SignReport.id).all()
        db.session.expunge_all()
        return reports


def media_files(app) -> list[Path]:
    """The files kept under the media store's report folder."""
    return sorted((Path(app.config["MEDIA_DIR"]) / "report").rglob("*.*"))


# The verdicts --------------------------------------------------------------------------


def test_a_sticker_with_another_account_alerts_staff_at_once(client, relic, accounts):
    response = send(client, code_photo(FRAUD))
    assert response.status_code == 302
    assert note(relic, response) == "differs"
    (report,) = stored(relic)
    assert report.payment_check == "differs" and report.photo_codes == FRAUD
    assert report.photo_key.startswith("report/") and report.photo_key.endswith(".jpg")
    thanks = client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "is not the official payment code of this relic. Do not pay with it" in thanks
    accounts.login("editor", email="staff@t.vn")
    dashboard = client.get("/admin/?lang=en").get_data(as_text=True)
    assert "Payment code differs" in dashboard or "Mã thanh toán khác mã chính thức" in dashboard
    assert "<code>Agribank 9999888877</code>" in dashboard
    assert f"/media/{report.photo_key}" in dashboard
    # Handled, the alert goes.
    assert client.post(f"/admin/reports/{report.id}/handle").status_code == 302
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "9999888877" not in dashboard


def test_a_producer_sees_no_payment_alert(client, relic, accounts):
    send(client, code_photo(FRAUD))
    accounts.login("producer", email="prod@t.vn")
    assert "9999888877" not in client.get("/admin/").get_data(as_text=True)


def test_the_official_code_and_the_signs_own_page_code_match(client, relic, accounts):
    response = send(client, code_photo(PAGE_CODE, OFFICIAL))
    assert note(relic, response) == "matches"
    assert stored(relic)[0].payment_check == "matches"
    accounts.login("editor", email="staff@t.vn")
    assert "0011001932418" not in client.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("codes", "verdict"),
    [
        ((PAGE_CODE,), "no_code"),  # only the sign's page code: nothing about money
        (("https://evil.example/pay?to=me",), "differs"),  # not VietQR at all
        ((OFFICIAL, FRAUD), "differs"),  # one good code does not excuse a bad one
        ((build_payload(VCB, "0011001932419"),), "differs"),  # one digit off
        ((build_payload(AGRIBANK, "0011001932418"),), "differs"),  # same number, other bank
        ((build_payload(VCB, "0011001932418", 50000, "Cong duc"),), "matches"),  # an amount
    ],
)
def test_verdicts(client, relic, codes, verdict):
    send(client, code_photo(*codes))
    assert stored(relic)[0].payment_check == verdict


def test_without_a_verified_account_any_payment_code_differs(client, app):
    with app.app_context():
        db.session.add(Relic(code="LK01", slug="lk", status="published"))
        db.session.commit()
    send(client, code_photo(OFFICIAL))
    assert stored(app)[0].payment_check == "differs"


def test_the_comparison_on_its_own():
    assert is_own_page("http://qr.test/r/LK01", "http://qr.test")
    assert not is_own_page("http://qr.test.evil.example/r/LK01", "http://qr.test")
    assert not is_own_page("http://qr.test", "")
    assert not code_differs(OFFICIAL, OFFICIAL)
    assert code_differs(OFFICIAL[:-1] + "0", OFFICIAL)  # a broken CRC is not the official code
    assert compare([], OFFICIAL, "http://qr.test") == "no_code"


# The photo itself ----------------------------------------------------------------------


def test_a_photo_without_a_code_is_kept_with_the_report(client, relic):
    response = send(client, code_photo())
    assert note(relic, response) == "no_code"
    (report,) = stored(relic)
    assert report.payment_check == "no_code" and report.photo_key and report.photo_codes == ""
    assert len(media_files(relic)) == 1


def test_the_kept_copy_has_no_exif_and_no_gps(client, relic):
    upload = code_photo(FRAUD, exif=gps_exif())
    assert Image.open(io.BytesIO(upload)).getexif().get(0x8825)  # the upload has a position
    send(client, upload)
    (kept,) = media_files(relic)
    data = kept.read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and not image.getexif() and b"PhoneMaker" not in data
    assert max(image.size) <= 2048


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_photos_are_read_too(client, relic, fmt):
    send(client, code_photo(FRAUD, fmt=fmt), name=f"code.{fmt.lower()}")
    assert stored(relic)[0].payment_check == "differs"


def bomb() -> bytes:
    """A PNG whose header claims 30000 x 30000 pixels (a decompression bomb)."""
    image = Image.new("1", (30000, 30000))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


HOSTILE = {
    "svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "html": b"<!doctype html><html><script>alert(document.cookie)</script></html>",
    "text": b"just some words, no picture",
    "truncated": code_photo(FRAUD)[:4000],
    "jpeg_magic_then_html": b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 10,
    "empty_name_exe": b"MZ\x90\x00" + b"\x00" * 200,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_keep_the_report_as_a_plain_one(client, relic, name):
    response = send(client, HOSTILE[name], name="code.jpg")
    assert response.status_code == 302
    assert note(relic, response) == "not_image"
    (report,) = stored(relic)
    assert report.kind == "covered" and report.message.startswith("Có miếng dán")
    assert (report.payment_check, report.photo_key, report.photo_codes) == ("not_image", "", "")
    assert media_files(relic) == []
    thanks = client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "so the report was sent without it" in thanks and "<script>" not in thanks


def test_a_decompression_bomb_is_refused_before_its_pixels(client, relic):
    send(client, bomb(), name="bomb.png")
    assert stored(relic)[0].payment_check == "not_image" and media_files(relic) == []


def test_a_polyglot_keeps_only_the_picture(client, relic):
    """A real JPEG with HTML after its end: the kept copy is re-encoded, the rest dropped."""
    polyglot = code_photo(FRAUD) + b"<html><script>alert(1)</script></html>"
    send(client, polyglot)
    assert stored(relic)[0].payment_check == "differs"
    (kept,) = media_files(relic)
    assert b"<script>" not in kept.read_bytes()


def test_an_oversized_photo_is_left_out(client, relic):
    big = code_photo(FRAUD) + b"\0" * (MAX_PHOTO_BYTES + 1)
    response = send(client, big)
    assert note(relic, response) == "not_image"
    assert stored(relic)[0].photo_key == "" and media_files(relic) == []


def test_a_bot_or_a_bad_form_keeps_no_photo(client, relic):
    assert send(client, code_photo(FRAUD), website="http://spam").status_code == 302
    assert send(client, code_photo(FRAUD), kind="").status_code == 400
    assert send(client, code_photo(FRAUD), kind="<script>").status_code == 400
    assert stored(relic) == [] and media_files(relic) == []


def test_a_report_without_a_photo_is_as_before(client, relic):
    response = send(client, None)
    assert response.headers["Location"] == "/r/LK01/report/thanks"
    assert stored(relic)[0].payment_check == "" and stored(relic)[0].photo_key == ""


def test_the_form_asks_for_a_photo_and_the_thanks_page_ignores_unknown_notes(client, relic):
    form = client.get("/r/LK01/report?lang=en").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    assert 'accept="image/jpeg,image/png,image/webp"' in form
    page = client.get("/r/LK01/report/thanks?photo=<script>&lang=en").get_data(as_text=True)
    assert "<script>" not in page and "Do not pay with it" not in page
