"""The print generator through its public API: formats, PDFs, codes, verification."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from qrsvc.generator import (
    DEFAULT_FORMATS_DIR,
    FormatError,
    LabelData,
    PaymentCode,
    SignData,
    StampData,
    encode_qr,
    expected_codes,
    get_format,
    load_format,
    load_formats,
    qr_png,
    qr_svg,
    render_pdf,
    verify_pdf,
    write_pdf,
    write_stamps_csv,
)
from qrsvc.generator.layout import crop_mark_segments
from qrsvc.generator.stamps import write_stamp_sheets
from qrsvc.vietqr import build_payload

FORMATS = load_formats()
MM = 72 / 25.4

LAM_KINH = SignData(
    title_vi="Khu di tích Lam Kinh",
    title_en="Lam Kinh Historical Site",
    relic_code="LK01",
    url="HTTPS://QR.THOXUAN.VN/R/LK01",
    short_url="qr.thoxuan.vn/r/LK01",
    rank_vi="Di tích quốc gia đặc biệt",
    rank_en="Special National Relic",
)
LE_HOAN = SignData(
    # Typed decomposed (NFD), as some keyboards send it: it must print and extract as NFC.
    title_vi=unicodedata.normalize("NFD", "Đền thờ Lê Hoàn"),
    title_en="Temple of King Lê Hoàn",
    relic_code="LH02",
    url="HTTPS://QR.THOXUAN.VN/R/LH02",
    short_url="qr.thoxuan.vn/r/LH02",
    rank_vi="Di tích quốc gia",
)
BANH_GAI = LabelData(
    product_name="Bánh gai Tứ Trụ",
    producer="Hợp tác xã bánh gai Tứ Trụ, xã Thọ Xuân",
    lot="TT2511A",
    url="HTTPS://QR.THOXUAN.VN/01/08931234567895/10/TT2511A",
    production_date=dt.date(2025, 11, 20),
    expiry_date=dt.date(2025, 11, 27),
    ocop_stars=4,
)


def stamps(count: int, start: int = 1, pin: bool = True) -> list[StampData]:
    """Unique stamps shaped like the real ones (alphanumeric URL, 8-digit serial)."""
    return [
        StampData(
            serial=f"{n:08d}",
            url=f"HTTPS://QR.THOXUAN.VN/S/{n:X}K7Q2M9ABCD",
            pin=f"{n * 7919 % 10**8:08d}" if pin else None,
        )
        for n in range(start, start + count)
    ]


#: A verified account's code, for the formats with a payment slot (tests/test_payment_print.py).
PAYMENT = PaymentCode(
    payload=build_payload("970436", "0011001932418"),
    holder="BAN QUAN LY DI TICH LAM KINH",
    bank="Vietcombank",
)


def records_for(fmt, pages: int = 2) -> list:
    """Enough records of the format's kind to fill ``pages`` pages, the last one partly;
    with a payment code when the format has a payment slot."""
    if fmt.kind == "sign":
        records = [LAM_KINH, LE_HOAN][:pages]
    elif fmt.kind == "label":
        records = [BANH_GAI] * (fmt.per_page * (pages - 1) + max(1, fmt.per_page // 3))
    else:
        return stamps(fmt.per_page * (pages - 1) + max(1, fmt.per_page // 3))
    if fmt.payment is not None:
        records = [dataclasses.replace(record, payment=PAYMENT) for record in records]
    return records


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF as pypdf extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fonts_used(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font on every page, inside forms too."""
    found = []

    def walk(resources, seen):
        if not resources:
            return
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font.get("/BaseFont")), embedded))
        for ref in (resources.get("/XObject") or {}).values():
            if ref.idnum not in seen:
                seen.add(ref.idnum)
                walk(ref.get_object().get("/Resources"), seen)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"), set())
    return found


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_prints_and_verifies(name):
    fmt = FORMATS[name]
    records = records_for(fmt)
    pdf = render_pdf(fmt, records)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    expected = expected_codes(fmt, records)
    result = verify_pdf(pdf, expected, account=(PAYMENT.bank_bin, PAYMENT.account))
    assert result.ok, (result, result.missing, result.unexpected)
    assert str(result) == f"verified {len(expected)}/{len(expected)}"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_pdf_embeds_the_bundled_font_only(name):
    fonts = fonts_used(render_pdf(FORMATS[name], records_for(FORMATS[name], pages=1)))
    assert fonts
    for font, embedded in fonts:
        assert embedded, font
        assert "BeVietnamPro" in font.replace("-", ""), font


def test_vietnamese_text_extracts_intact_and_nfc():
    signs = pdf_text(render_pdf("sign-a4", [LAM_KINH, LE_HOAN]))
    for expected in (
        "Khu di tích Lam Kinh",
        "Đền thờ Lê Hoàn",
        "Quét để đọc bằng ngôn ngữ của bạn",
        "Scan to read in your language",
        "qr.thoxuan.vn/r/LK01",
        "LK01",
    ):
        assert expected in signs
    assert "DI TÍCH QUỐC GIA ĐẶC BIỆT" in signs
    assert unicodedata.is_normalized("NFC", signs)
    labels = pdf_text(render_pdf("label-a4-3x7", [BANH_GAI]))
    assert "Bánh gai Tứ Trụ" in labels
    assert "NSX 20/11/2025" in labels
    stamp_text = pdf_text(render_pdf("stamp-30x20-a4", stamps(3)))
    assert "CHỐNG GIẢ" in stamp_text
    assert "00000002" in stamp_text
    assert "0001 5838" in stamp_text  # serial 2's PIN, grouped for reading


def test_records_are_normalised_and_checked():
    assert LE_HOAN.title_vi == "Đền thờ Lê Hoàn"
    with pytest.raises(ValueError, match="control character"):
        StampData(serial="1\x00", url="HTTPS://X.VN/S/1")
    with pytest.raises(ValueError, match="ocop_stars"):
        LabelData(product_name="p", producer="q", lot="l", url="u", ocop_stars=6)
    with pytest.raises(ValueError, match="must not be empty"):
        SignData(title_vi="", title_en="", relic_code="X", url="u", short_url="s")
    assert BANH_GAI.url_text == "QR.THOXUAN.VN/01/08931234567895/10/TT2511A"


def decoded_codes(pdf: bytes, dpi: int):
    """(barcode, grayscale PIL image) for every code on page 1, rendered at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode), image


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_codes_have_the_format_ecc_and_a_white_quiet_zone(name):
    fmt = FORMATS[name]
    records = records_for(fmt, pages=1)[:6]
    dpi = 400 if fmt.qr_size_mm < 40 else 100
    barcodes, image = decoded_codes(render_pdf(fmt, records), dpi)
    assert len(barcodes) == len(expected_codes(fmt, records))
    for barcode in barcodes:
        payment = fmt.payment is not None and barcode.text == PAYMENT.payload
        assert barcode.ec_level == (fmt.payment.ecc if payment else fmt.ecc)
        size = 17 + 4 * int(barcode.extra["Version"])
        corners = [
            barcode.position.top_left,
            barcode.position.top_right,
            barcode.position.bottom_left,
            barcode.position.bottom_right,
        ]
        left, right = min(p.x for p in corners), max(p.x for p in corners)
        top, bottom = min(p.y for p in corners), max(p.y for p in corners)
        module = (right - left + 1) / size
        # A ring from half a module to 3.5 modules outside the symbol must be all white.
        outer = (
            round(left - 3.5 * module),
            round(top - 3.5 * module),
            round(right + 3.5 * module),
            round(bottom + 3.5 * module),
        )
        inner = (
            round(left - 0.5 * module),
            round(top - 0.5 * module),
            round(right + 0.5 * module),
            round(bottom + 0.5 * module),
        )
        ring = image.crop(outer)
        ring.paste(
            255,
            (inner[0] - outer[0], inner[1] - outer[1], inner[2] - outer[0], inner[3] - outer[1]),
        )
        assert ring.getextrema()[0] > 200, f"dark pixels in the quiet zone of {barcode.text}"


def test_uppercase_urls_encode_in_alphanumeric_mode():
    upper = encode_qr("HTTPS://QR.THOXUAN.VN/S/1K7Q2M9ABCDE", "M")
    lower = encode_qr("https://qr.thoxuan.vn/s/1k7q2m9abcde", "M")
    assert upper.size < lower.size
    assert upper.text == "HTTPS://QR.THOXUAN.VN/S/1K7Q2M9ABCDE"  # encoded as given


def test_verify_fails_for_a_wrong_or_missing_code():
    good = stamps(5)
    printed = good[:4] + [StampData(serial="00000005", url="HTTPS://QR.THOXUAN.VN/S/FORGED")]
    result = verify_pdf(render_pdf("stamp-20mm-a4", printed), [s.url for s in good])
    assert not result.ok
    assert (result.matched, result.total) == (4, 5)
    assert result.missing == [good[4].url]
    assert result.unexpected == ["HTTPS://QR.THOXUAN.VN/S/FORGED"]
    # Exactly the intended text: a case difference is a failure too.
    pdf = render_pdf("stamp-20mm-a4", good[:1])
    assert not verify_pdf(pdf, [good[0].url.lower()]).ok


def test_verify_counts_repeated_codes():
    pdf = render_pdf("label-a4-3x8", [BANH_GAI] * 3)
    assert verify_pdf(pdf, [BANH_GAI.url] * 3).ok
    assert not verify_pdf(pdf, [BANH_GAI.url] * 4).ok
    assert verify_pdf(pdf, [BANH_GAI.url] * 2).unexpected == [BANH_GAI.url]


def test_big_runs_stream_in_chunks_into_one_valid_pdf():
    fmt = get_format("stamp-20mm-a4")
    run = stamps(fmt.per_page * 3 - 7, pin=False)
    out = io.BytesIO()
    progress = []
    pages = write_stamp_sheets(fmt, iter(run), out, chunk_pages=1, progress=progress.append)
    assert pages == 3
    assert progress == [40, 80, 113]
    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert len(reader.pages) == 3
    assert verify_pdf(out.getvalue(), [s.url for s in run]).ok
    # Each chunk's font subset gets its own name, so no RIP confuses two subsets.
    names = [name for name, _ in fonts_used(out.getvalue())]
    assert len(set(names)) == 3


def test_stamp_output_is_deterministic_and_csv_matches():
    run = stamps(12)
    assert render_pdf("stamp-30x20-a4", run) == render_pdf("stamp-30x20-a4", run)
    text = io.StringIO(newline="")
    assert write_stamps_csv(run, text) == 12
    rows = list(csv.reader(io.StringIO(text.getvalue())))
    assert rows[0] == ["serial", "url", "pin"]
    assert rows[2] == ["00000002", "HTTPS://QR.THOXUAN.VN/S/2K7Q2M9ABCD", "00015838"]
    text = io.StringIO(newline="")
    write_stamps_csv(stamps(2, pin=False), text)
    assert text.getvalue().splitlines()[0] == "serial,url"


def test_labels_can_skip_used_cells_and_records_must_match_the_format():
    fmt = FORMATS["label-a4-3x7"]
    pdf = render_pdf(fmt, [BANH_GAI] * 17, skip_cells=5)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert verify_pdf(pdf, [BANH_GAI.url] * 17).ok
    with pytest.raises(TypeError, match="LabelData"):
        render_pdf(fmt, [LAM_KINH])
    with pytest.raises(TypeError, match="StampData"):
        render_pdf("stamp-20mm-a4", [BANH_GAI])


def test_a_url_too_long_for_the_stamp_is_refused():
    long_url = "HTTPS://QR.THOXUAN.VN/S/" + "A" * 200
    with pytest.raises(ValueError, match="shorten the URL"):
        render_pdf("stamp-20mm-a4", [StampData(serial="1", url=long_url)])


def test_bleed_and_crop_marks():
    fmt = FORMATS["sign-a3-gate"]
    page = pdfium.PdfDocument(render_pdf(fmt, [LAM_KINH]))[0]
    trim = page.get_trimbox()
    assert trim == pytest.approx((0, 0, 297 * MM, 420 * MM), abs=0.01)
    bleed = 3 * MM
    assert page.get_bleedbox() == pytest.approx(
        (-bleed, -bleed, 297 * MM + bleed, 420 * MM + bleed), abs=0.01
    )
    media = page.get_mediabox()
    assert media[0] < -bleed and media[2] > 297 * MM + bleed  # room for the marks
    # The top-left horizontal mark lies on the trim line, left of the bleed.
    image = page.render(scale=4, grayscale=True).to_pil().convert("L")
    x = round((-media[0] - bleed - 3 * MM) * 4)
    y = round((media[3] - 420 * MM) * 4)
    assert min(image.getpixel((x, y + d)) for d in (-1, 0, 1)) < 128
    # No mark of any format runs into a cell or its bleed.
    for fmt in FORMATS.values():
        cells = []
        for index in range(fmt.per_page):
            left, top = fmt.cell_origin_mm(index)
            b = fmt.bleed_mm
            cells.append(
                (left - b, top - b, left + fmt.cell_width_mm + b, top + fmt.cell_height_mm + b)
            )
        for x1, y1, x2, y2 in crop_mark_segments(fmt):
            assert x1 == x2 or y1 == y2
            for left, top, right, bottom in cells:
                # Closed intervals: a mark along a neighbour's edge would print on it too.
                touches_x = min(x1, x2) <= right and max(x1, x2) >= left
                touches_y = min(y1, y2) <= bottom and max(y1, y2) >= top
                assert not (touches_x and touches_y), (fmt.name, (x1, y1, x2, y2))


def test_a_stamp_sheet_without_margins_gets_a_slug_for_its_marks(tmp_path):
    text = GOOD.replace("margins_mm = [33.5, 35, 33.5, 35]", "margins_mm = [0, 0, 0, 0]")
    (tmp_path / "stamp-edge.toml").write_text(
        text.replace('size = "A4"', "width_mm = 140\nheight_mm = 230")
    )
    fmt = load_format(tmp_path / "stamp-edge.toml")
    run = stamps(fmt.per_page * 2, pin=False)
    pdf = render_pdf(fmt, run)
    assert verify_pdf(pdf, [s.url for s in run]).ok
    for page in PdfReader(io.BytesIO(pdf)).pages:
        trim = [float(v) for v in page.trimbox]
        media = [float(v) for v in page.mediabox]
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((140 * MM, 230 * MM))
        assert trim[0] - media[0] > 5 * MM and media[2] - trim[2] > 5 * MM  # room for marks
        assert [float(v) for v in page.bleedbox] == trim  # no bleed asked for


def test_single_codes_as_svg_and_png():
    url = "HTTPS://QR.THOXUAN.VN/R/LK01"
    # Our own SVG, not untrusted input: the stdlib parser is fine here.
    root = ET.fromstring(qr_svg(url, "Q", size_mm=30))  # noqa: S314
    outer = encode_qr(url, "Q").size + 8
    assert root.get("width") == "30mm"
    assert root.get("viewBox") == f"0 0 {outer} {outer}"
    path = root.find("{http://www.w3.org/2000/svg}path").get("d")
    coordinates = [int(part.split(" ")[0]) for part in path.split("M")[1:]]
    assert min(coordinates) == 4  # the quiet zone: nothing dark in the first 4 modules
    small = ET.fromstring(qr_svg(url, module_size=2))  # noqa: S314
    assert small.get("width") == str(outer * 2)

    png = Image.open(io.BytesIO(qr_png(url, "H", size_mm=25, dpi=600)))
    assert png.mode == "1"
    assert png.size == (591, 591)
    assert round(png.info["dpi"][0]) == 600
    found = zxingcpp.read_barcodes(png.convert("L"))
    assert [(b.text, b.ec_level) for b in found] == [(url, "H")]
    with pytest.raises(ValueError):
        qr_png(url, size_px=5)


GOOD = (Path(DEFAULT_FORMATS_DIR) / "stamp-20mm-a4.toml").read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace('kind = "stamp"', 'kind = "poster"'), "kind must be one of"),
        (GOOD.replace("[qr]", "[qr]\ncolour = 1"), "unknown keys ['colour']"),
        (GOOD.replace("columns = 5", "columns = 9"), "needs 330.00 mm of page width, has 210"),
        (GOOD.replace("columns = 5", "columns = true"), "columns must be an integer"),
        (GOOD.replace("columns = 5", 'columns = "5"'), "columns must be an integer"),
        (GOOD.replace('ecc = "M"', 'ecc = "X"'), "ecc must be one of"),
        (GOOD.replace("size_mm = 16", "size_mm = nan"), "size_mm must be a number"),
        (GOOD.replace("size_mm = 16", "size_mm = 24"), "does not fit"),
        (GOOD + "\n", None),
        (GOOD.replace("[qr]", "[qr]\nquiet_zone_modules = 2"), "quiet_zone_modules"),
        (GOOD.replace('fields = ["serial"]', 'fields = ["serial", "title_vi"]'), "fields"),
        (GOOD.replace('fields = ["serial"]', "fields = []"), "must print text under the code"),
        (
            GOOD.replace('renderer = "vector"', 'renderer = "html"\ntemplate = "../x.html"'),
            "templates/print",
        ),
        (
            GOOD.replace('renderer = "vector"', 'renderer = "html"\ntemplate = "nope.html"'),
            "not in templates/print",
        ),
        (GOOD.replace('kind = "stamp"', 'kind = "sign"'), "stamp sheets only"),
        (GOOD.replace("[grid]", "grid = 3\n[grid2]"), "unknown keys"),
        (GOOD.replace("bleed_mm = 0", "bleed_mm = 6"), "gaps of at least 12"),
        ("kind = " + "[" * 25000 + "]" * 25000, "not valid UTF-8 TOML"),
        ("kind = 'stamp'\nx = \"\\u0000\"\n[[", "not valid UTF-8 TOML"),
        ("description = '" + "x" * 70000 + "'", "at most 64 KiB"),
    ],
)
def test_malformed_formats_are_rejected_clearly(tmp_path, text, message):
    path = tmp_path / "stamp-test.toml"
    path.write_text(text)
    if message is None:
        assert load_format(path).per_page == 40
        return
    with pytest.raises(FormatError) as caught:
        load_format(path)
    assert str(caught.value).startswith("stamp-test.toml: ")
    assert message in str(caught.value)


def test_load_formats_names_the_broken_file(tmp_path):
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(FormatError, match=r"^bad\.toml: not valid UTF-8"):
        load_formats(tmp_path)
    (tmp_path / "bad.toml").unlink()
    (tmp_path / "Bad Name.toml").write_text(GOOD)
    with pytest.raises(FormatError, match="lowercase"):
        load_formats(tmp_path)
    (tmp_path / "Bad Name.toml").unlink()
    assert list(load_formats(tmp_path)) == ["good"]
    with pytest.raises(FormatError, match="no print format named"):
        get_format("../printables/sign-a4")


def test_required_formats_exist_with_their_geometry():
    assert {
        "sign-a5",
        "sign-a4",
        "sign-a3-gate",
        "label-a4-3x7",
        "label-a4-3x8",
        "stamp-20mm-a4",
        "stamp-30x20-a4",
        "thermal-50x30",
    } <= set(FORMATS)
    assert FORMATS["stamp-20mm-a4"].per_page == 40
    assert (FORMATS["label-a4-3x7"].cell_width_mm, FORMATS["label-a4-3x7"].per_page) == (63.5, 21)
    assert (FORMATS["label-a4-3x8"].cell_height_mm, FORMATS["label-a4-3x8"].per_page) == (37, 24)
    assert FORMATS["sign-a3-gate"].ecc == "H"
    assert FORMATS["thermal-50x30"].per_page == 1
    assert "pin" in FORMATS["stamp-30x20-a4"].fields


def test_write_pdf_streams_to_a_file(tmp_path):
    target = tmp_path / "out.pdf"
    with target.open("wb") as out:
        assert write_pdf("thermal-50x30", [BANH_GAI, BANH_GAI], out) == 2
    assert verify_pdf(target, [BANH_GAI.url] * 2).ok


def test_the_generator_is_a_pure_core():
    package = Path(DEFAULT_FORMATS_DIR).parent / "qrsvc" / "generator"
    sources = {path.name: path.read_text() for path in package.glob("*.py")}
    assert "render.py" in sources
    for name, source in sources.items():
        assert "import flask" not in source and "from flask" not in source, name
