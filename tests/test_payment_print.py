"""Payment codes in print (issue 16 item 4): beside the page code, captioned, verified.

A sign or label format with a ``[payment]`` slot prints the verified account's VietQR
code beside the page code, each under a caption in the format's languages; a relic or
producer without a verified account is refused (a required slot) or printed without the
code (an optional one). Verification decodes both codes with zxing-cpp, parses the
VietQR (CRC included) and compares BIN and account with the verified account. Format
files with a bad slot are refused with a message naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata
from pathlib import Path

import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.generator import (
    DEFAULT_FORMATS_DIR,
    FormatError,
    LabelData,
    MissingPaymentError,
    PaymentCode,
    SignData,
    expected_codes,
    get_format,
    load_format,
    render_pdf,
    verify_pdf,
)
from qrsvc.generator.captions import caption
from qrsvc.generator.verify import payment_problems
from qrsvc.models import Batch, Producer, Product, Relic, RelicTranslation, Role, User
from qrsvc.payments import approve, propose
from qrsvc.vietqr import build_payload

VCB, ACCOUNT = "970436", "0011001932418"
SIGN, LABEL = "sign-a4-donation", "label-a4-pay-2x5"
DONATION = PaymentCode(
    payload=build_payload(VCB, ACCOUNT), holder="BAN QUAN LY DI TICH LAM KINH", bank="Vietcombank"
)
LAM_KINH = SignData(
    title_vi="Khu di tích Lam Kinh",
    title_en="Lam Kinh Historical Site",
    relic_code="LK01",
    url="HTTPS://QR.THOXUAN.VN/R/LK01",
    short_url="qr.thoxuan.vn/r/LK01",
    rank_vi="Di tích quốc gia đặc biệt",
    payment=DONATION,
)
BANH_GAI = LabelData(
    product_name="Bánh gai Tứ Trụ",
    producer="Hợp tác xã bánh gai Tứ Trụ",
    lot="TT2511A",
    url="HTTPS://QR.THOXUAN.VN/01/08931234567895/10/TT2511A",
    production_date=dt.date(2025, 11, 20),
    payment=dataclasses.replace(DONATION, holder="HTX BANH GAI TU TRU"),
)


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF as pypdf extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def decoded(pdf: bytes, dpi: int = 200) -> list[str]:
    """Every QR code on page 1, decoded by zxing-cpp from a PDFium rendering."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()
    return sorted(b.text for b in zxingcpp.read_barcodes(image) if b.valid)


# The generator, without a database ------------------------------------------------------


def test_a_sign_prints_both_codes_under_their_captions():
    fmt = get_format(SIGN)
    pdf = render_pdf(fmt, [LAM_KINH])
    assert decoded(pdf, 100) == sorted([LAM_KINH.url, DONATION.payload])
    text = pdf_text(pdf)
    for words in ("Thông tin di tích", "Relic information", "Công đức", "Donation"):
        assert words in text
    assert "BAN QUAN LY DI TICH LAM KINH" in text and "Vietcombank" in text
    assert unicodedata.is_normalized("NFC", text)
    # The page code's caption comes before the donation code's, left to right.
    assert text.index("Thông tin di tích") < text.index("Công đức")
    result = verify_pdf(pdf, expected_codes(fmt, [LAM_KINH]), account=(VCB, ACCOUNT))
    assert result.ok and str(result) == "verified 2/2"


def test_a_donation_sign_tells_to_check_the_holders_name_in_its_languages():
    pdf = render_pdf(get_format(SIGN), [LAM_KINH])
    text = " ".join(pdf_text(pdf).split())
    holder = text.index("BAN QUAN LY DI TICH LAM KINH")
    vi = text.index("Ứng dụng ngân hàng của bạn phải hiện đúng tên này trước khi bạn xác nhận.")
    en = text.index("Your banking app must show exactly this name before you confirm.")
    assert holder < vi < en  # under the holder's name, in the format's language order
    assert caption("sign", "check", "en").startswith("Your banking app")
    labels = " ".join(pdf_text(render_pdf(get_format(LABEL), [BANH_GAI] * 2)).split())
    assert "exactly this name" not in labels  # a label has no room: the sign only


def test_labels_print_both_codes_under_their_captions():
    fmt = get_format(LABEL)
    pdf = render_pdf(fmt, [BANH_GAI] * 12)
    text = pdf_text(pdf)
    assert text.count("Truy xuất nguồn gốc") == 12 and text.count("Thanh toán") == 12
    assert "Traceability" in text and "Payment" in text and "HTX BANH GAI TU TRU" in text
    result = verify_pdf(pdf, expected_codes(fmt, [BANH_GAI] * 12), account=(VCB, ACCOUNT))
    assert result.ok and str(result) == "verified 24/24"


def test_captions_come_from_the_catalog_in_the_formats_languages():
    assert caption("sign", "page", "vi") == "Thông tin di tích"
    assert caption("sign", "payment", "vi") == "Công đức"
    assert caption("label", "page", "vi") == "Truy xuất nguồn gốc"
    assert caption("label", "payment", "en") == "Payment"
    with pytest.raises(ValueError, match="no caption catalog"):
        caption("sign", "page", "../../vi")
    assert get_format(SIGN).payment.languages == ("vi", "en")


def test_a_wrong_account_is_detected_and_named():
    fmt = get_format(SIGN)
    other = dataclasses.replace(
        LAM_KINH, payment=dataclasses.replace(DONATION, payload=build_payload("970405", "123456"))
    )
    pdf = render_pdf(fmt, [other])
    # The page code and a well-formed payment code decode; it pays someone else.
    result = verify_pdf(pdf, expected_codes(fmt, [LAM_KINH]), account=(VCB, ACCOUNT))
    assert not result.ok
    assert result.problems == [
        f"a payment code pays bank 970405 account 123456, not the verified bank {VCB} "
        f"account {ACCOUNT}"
    ]
    assert result.missing == [DONATION.payload]
    assert "1 payment code problems" in str(result)
    # A payment code printed for an owner with no verified account is a problem too.
    assert not verify_pdf(pdf, expected_codes(fmt, [other]), account=None).ok


def test_a_damaged_payment_code_is_named():
    broken = DONATION.payload[:-4] + "0000"
    assert payment_problems([broken], (VCB, ACCOUNT))[0].startswith(
        "a payment code does not parse as VietQR"
    )
    assert payment_problems(["HTTPS://QR.THOXUAN.VN/R/LK01"], (VCB, ACCOUNT)) == []
    with pytest.raises(ValueError, match="not a VietQR payment code"):
        PaymentCode(payload=broken, holder="X", bank="Vietcombank")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payload": "HTTPS://EVIL.EXAMPLE/PAY"}, "not a VietQR payment code"),
        ({"payload": ""}, "must not be empty"),
        ({"holder": "A" * 51}, "longer than 50"),
        ({"holder": "BAN\x00QUAN"}, "control character"),
        ({"bank": "V" * 5000}, "longer than 300"),
    ],
)
def test_malformed_payment_codes_are_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(DONATION, **fields)
    with pytest.raises(ValueError, match="PaymentCode"):
        dataclasses.replace(LAM_KINH, payment=DONATION.payload)


def test_a_required_slot_without_an_account_is_refused_an_optional_one_left_empty():
    with pytest.raises(MissingPaymentError, match="LK01 has no verified account"):
        render_pdf(SIGN, [dataclasses.replace(LAM_KINH, payment=None)])
    pdf = render_pdf(LABEL, [dataclasses.replace(BANH_GAI, payment=None)])
    assert decoded(pdf, 300) == [BANH_GAI.url]
    text = pdf_text(pdf)
    assert "Truy xuất nguồn gốc" in text and "Thanh toán" not in text


def test_existing_formats_print_no_payment_code():
    for name in ("sign-a4", "sign-a5", "label-a4-3x7"):
        fmt = get_format(name)
        assert fmt.payment is None
        record = LAM_KINH if fmt.kind == "sign" else BANH_GAI
        assert expected_codes(fmt, [record]) == [record.url]


# Format files with bad payment slots ------------------------------------------------------

GOOD = (DEFAULT_FORMATS_DIR / f"{SIGN}.toml").read_text(encoding="utf-8")
GOOD_LABEL = (DEFAULT_FORMATS_DIR / f"{LABEL}.toml").read_text(encoding="utf-8")


def load_text(tmp_path: Path, text: str, name: str = "pay-test"):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return load_format(path)


def test_the_shipped_slots_load(tmp_path):
    assert load_text(tmp_path, GOOD).payment.required is True
    assert load_text(tmp_path, GOOD_LABEL).payment.required is False


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("x_mm = 109", "x_mm = 60", "overlaps the page code"),  # on top of the page code
        ("y_mm = 100\nsize_mm = 80", "y_mm = 200\nsize_mm = 80", r"\[payment\] code with"),
        ("x_mm = 109", "x_mm = 150", r"must stay .* inside"),  # off the right edge
        ("x_mm = 21\n", "", r"\[qr\]\.x_mm must be a number"),  # page code not placed
        ("x_mm = 109", "x_mm = -5", r"\[payment\]\.x_mm must be a number"),
        ("x_mm = 109", "x_mm = inf", r"\[payment\]\.x_mm must be a number"),
        ("x_mm = 109", "x_mm = true", r"\[payment\]\.x_mm must be a number"),
        ("x_mm = 109", 'x_mm = "109"', r"\[payment\]\.x_mm must be a number"),
        ('size_mm = 80\necc = "M"', 'size_mm = 1e9\necc = "M"', "must be a number"),
        ('ecc = "M"', 'ecc = "Z"', r"\[payment\]\.ecc must be one of"),
        ("required = true", 'required = "yes"', "must be true or false"),
        ('languages = ["vi", "en"]', 'languages = ["vi", "vi"]', "distinct languages"),
        ('languages = ["vi", "en"]', 'languages = ["../../etc"]', "distinct languages"),
        ('languages = ["vi", "en"]', "languages = []", "distinct languages"),
        ('languages = ["vi", "en"]', 'languages = "vi"', "distinct languages"),
        ('languages = ["vi", "en"]', "languages = [" + '"vi",' * 5000 + "]", "distinct"),
        ("required = true", "required = true\nshape = 1", "unknown keys"),
        ("y_mm = 100\n\n[payment]", "y_mm = 40\n\n[payment]", "overlaps|titles"),
        ("[payment]", "payment = 3\n[pay]", "unknown keys|must be a table"),
    ],
)
def test_bad_payment_slots_are_refused(tmp_path, old, new, message):
    assert old in GOOD, old
    with pytest.raises(FormatError, match=message) as refused:
        load_text(tmp_path, GOOD.replace(old, new, 1))
    assert str(refused.value).startswith("pay-test.toml: ")


def test_slots_make_sense_only_where_they_can_print(tmp_path):
    # The page code's position without a slot beside it.
    without = GOOD.split("[payment]")[0] + "[print]" + GOOD.split("[print]")[1]
    with pytest.raises(FormatError, match="beside a \\[payment\\] slot only"):
        load_text(tmp_path, without)
    # A label's payment code left of the page code would take the product's text.
    with pytest.raises(FormatError, match="right of the page code"):
        load_text(tmp_path, GOOD_LABEL.replace("x_mm = 66.1", "x_mm = 45"))
    # Stamp sheets have no payment slot.
    stamp = (DEFAULT_FORMATS_DIR / "stamp-20mm-a4.toml").read_text(encoding="utf-8")
    slot = "\n[payment]\nx_mm = 1\ny_mm = 1\nsize_mm = 5\n"
    with pytest.raises(FormatError, match="for sign and label formats"):
        load_text(tmp_path, stamp + slot)


# From the database: the CLI and the admin --------------------------------------------------


@pytest.fixture
def owners(app):
    """A relic and a producer's batch, neither with an account yet; an admin who verifies."""
    with app.app_context():
        relic = Relic(code="LK01", slug="lam-kinh", rank="special_national", status="published")
        relic.translations += [
            RelicTranslation(lang="vi", name="Khu di tích Lam Kinh"),
            RelicTranslation(lang="en", name="Lam Kinh Historical Site"),
        ]
        producer = Producer(ref="HTX-TUTRU", name="HTX Bánh gai Tứ Trụ", kind="cooperative")
        product = Product(
            producer=producer, ref="BGTT", gtin="08936001000010", name={"vi": "Bánh gai"}
        )
        batch = Batch(ref="BGTT-BG2611A", product=product, lot="BG2611A")
        checker = User(email="checker@test.local", role=Role.ADMIN, password_hash="-")
        db.session.add_all([relic, batch, checker])
        db.session.commit()
        return {"relic": relic.id, "producer": producer.id, "batch": batch.id}


def verify_account(app, model, owner_id: int, number: str = ACCOUNT) -> None:
    """Propose and approve an account for the owner, as staff do."""
    with app.app_context():
        owner = db.session.get(model, owner_id)
        admin = db.session.scalar(select(User).where(User.email == "checker@test.local"))
        approve(propose(owner, VCB, number, "Ban quản lý di tích Lam Kinh", admin), admin)


def test_the_cli_refuses_a_donation_sign_without_a_verified_account(app, runner, owners, tmp_path):
    out = tmp_path / "sign.pdf"
    result = runner.invoke(args=["print", "sign", "LK01", "--format", SIGN, "-o", str(out)])
    assert result.exit_code != 0
    assert "has no verified account" in result.output
    assert not out.exists()
    # Proposed is not verified.
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "checker@test.local"))
        propose(db.session.get(Relic, owners["relic"]), VCB, ACCOUNT, "BAN QUAN LY", admin)
    result = runner.invoke(args=["print", "sign", "LK01", "--format", SIGN, "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()


def test_the_cli_prints_and_verifies_both_codes(app, runner, owners, tmp_path):
    verify_account(app, Relic, owners["relic"])
    verify_account(app, Producer, owners["producer"])
    out = tmp_path / "sign.pdf"
    args = ["print", "sign", "LK01", "--format", SIGN, "-o", str(out), "--verify"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "verified 2/2" in result.output
    assert decoded(out.read_bytes(), 100) == sorted(
        ["HTTP://QR.TEST/R/LK01", build_payload(VCB, ACCOUNT)]
    )
    assert "BAN QUAN LY DI TICH LAM KINH" in pdf_text(out.read_bytes())
    labels = tmp_path / "labels.pdf"
    args = ["print", "labels", "BGTT-BG2611A", "--count", "3", "--format", LABEL]
    result = runner.invoke(args=[*args, "-o", str(labels), "--verify"])
    assert result.exit_code == 0, result.output
    assert "verified 6/6" in result.output


def test_verification_catches_a_sign_printed_for_an_account_since_replaced(
    app, runner, owners, tmp_path
):
    verify_account(app, Relic, owners["relic"])
    out = tmp_path / "sign.pdf"
    assert (
        runner.invoke(args=["print", "sign", "LK01", "--format", SIGN, "-o", str(out)]).exit_code
        == 0
    )
    verify_account(app, Relic, owners["relic"], number="0011009999999")  # replaces the first
    with app.app_context():
        from qrsvc.printing.records import sign_problems

        problems = sign_problems(db.session.get(Relic, owners["relic"]), SIGN, out.read_bytes())
    assert any("not the verified bank 970436 account 0011009999999" in p for p in problems)


def test_the_admin_refuses_then_prints_a_donation_sign(app, accounts, client, owners):
    accounts.login("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    relic = owners["relic"]
    page = client.get(f"/admin/print/relic/{relic}?format={SIGN}")
    assert page.status_code == 409
    assert "there is no verified account" in page.get_data(as_text=True)
    for url in (f"/admin/print/relic/{relic}/sign.pdf", f"/admin/print/relic/{relic}/preview.png"):
        assert client.get(f"{url}?format={SIGN}").status_code == 409
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    assert "chưa có tài khoản đã xác minh" in client.get(
        f"/admin/print/relic/{relic}?format={SIGN}"
    ).get_data(as_text=True)

    verify_account(app, Relic, relic)
    assert client.get(f"/admin/print/relic/{relic}?format={SIGN}").status_code == 200
    response = client.get(f"/admin/print/relic/{relic}/sign.pdf?format={SIGN}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    result = verify_pdf(
        response.data,
        ["HTTP://QR.TEST/R/LK01", build_payload(VCB, ACCOUNT)],
        account=(VCB, ACCOUNT),
    )
    assert result.ok, result
    assert "Công đức" in pdf_text(response.data)


def test_the_admin_prints_labels_with_an_optional_slot_either_way(app, accounts, client, owners):
    accounts.login("admin")
    batch = owners["batch"]
    url = f"/admin/print/batch/{batch}/labels.pdf?format={LABEL}&count=2"
    response = client.get(url)
    assert response.status_code == 200
    assert verify_pdf(response.data, ["http://qr.test/01/08936001000010/10/BG2611A"] * 2).ok
    verify_account(app, Producer, owners["producer"])
    response = client.get(url)
    expected = ["http://qr.test/01/08936001000010/10/BG2611A", build_payload(VCB, ACCOUNT)] * 2
    assert verify_pdf(response.data, expected, account=(VCB, ACCOUNT)).ok
