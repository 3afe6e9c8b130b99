"""What the admin's print forms show is what downloads (issue 12.2).

Each form (sign, labels, stamps) is read as a browser reads it: its fields and the
download button's address come from the page's HTML. The values are changed and
the PDF is downloaded straight away, without showing page 1 first; the PDF is then
opened and its pages, page size, codes (decoded by zxing-cpp) and PINs checked.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.generator import get_format, verify_pdf
from qrsvc.models import Batch, Producer, Product, Relic, RelicTranslation, StampRun
from qrsvc.printing.records import stamp_records

MM = 72 / 25.4


class FormReader(HTMLParser):
    """The first GET form of a page: its field names and its buttons' addresses."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.buttons: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self._in_form = self._in_button = self._in_link = False
        self._action = self._href = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "get" and not self.fields:
            self._in_form = True
        elif self._in_form and tag in ("select", "input") and attrs.get("name"):
            self.fields.append(attrs["name"])
        elif self._in_form and tag == "button":
            self._in_button, self._action = True, attrs.get("formaction", "")
        elif tag == "a":
            self._in_link, self._href = True, attrs.get("href", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "button":
            self._in_button = False
        elif tag == "a":
            self._in_link = False

    def handle_data(self, data):
        if self._in_button and data.strip():
            self.buttons[data.strip()] = self._action
        if self._in_link and data.strip():
            self.links[data.strip()] = self._href


def read_page(client, url: str) -> FormReader:
    """The form and links of the admin page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    reader = FormReader()
    reader.feed(response.text)
    return reader


def download(client, page: FormReader, **values) -> bytes:
    """Press "Download the PDF" with ``values`` in the form's fields, as a browser does."""
    assert set(values) <= set(page.fields), (values, page.fields)
    action = page.buttons["Download the PDF"]
    assert action, "the download is a button of the form"
    response = client.get(f"{action}?{urlencode(values)}")
    assert response.status_code == 200, response.text[:500]
    assert response.mimetype == "application/pdf"
    return response.data


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Finished (trimmed) width and height of every page, in points.

    A sign with bleed and crop marks is printed on a larger sheet; its TrimBox is the
    size it is cut to, which is the format's page (the box is the MediaBox without one).
    """
    document = pdfium.PdfDocument(pdf)
    sizes = []
    try:
        for index in range(len(document)):
            left, bottom, right, top = document[index].get_trimbox()
            sizes.append((right - left, top - bottom))
        return sizes
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    """The text of every page."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def assert_page_size(pdf: bytes, format_name: str) -> None:
    fmt = get_format(format_name)
    for width, height in page_sizes(pdf):
        assert abs(width - fmt.page_width_mm * MM) < 1, (format_name, width)
        assert abs(height - fmt.page_height_mm * MM) < 1, (format_name, height)


@pytest.fixture
def records(app):
    """A relic, and a batch of a product with valid OCOP stars; their ids."""
    with app.app_context():
        relic = Relic(code="LK01", slug="lam-kinh", rank="special_national", status="published")
        relic.translations += [
            RelicTranslation(lang="vi", name="Khu di tích Lam Kinh"),
            RelicTranslation(lang="en", name="Lam Kinh Historical Site"),
        ]
        producer = Producer(ref="HTX-TUTRU", name="HTX Bánh gai Tứ Trụ", kind="cooperative")
        product = Product(
            producer=producer,
            ref="BGTT",
            gtin="08936001000010",
            name={"vi": "Bánh gai Tứ Trụ"},
            status="published",
            ocop_stars=4,
            ocop_cert_expiry=date.today() + timedelta(days=300),
        )
        batch = Batch(ref="BGTT-BG2611A", product=product, lot="BG2611A")
        db.session.add_all([relic, batch])
        db.session.commit()
        return {"relic": relic.id, "batch": batch.id}


@pytest.fixture
def staff(accounts, client):
    """The client, logged in as an admin reading English."""
    accounts.login("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.mark.parametrize("format_name", ["sign-a5", "sign-a3-gate", "sign-a4"])
def test_sign_downloads_the_format_chosen_on_screen(staff, records, format_name):
    # The page was opened (and page 1 shown) for the default format only.
    page = read_page(staff, f"/admin/print/relic/{records['relic']}")
    pdf = download(staff, page, format=format_name)
    assert len(page_sizes(pdf)) == 1
    assert_page_size(pdf, format_name)
    assert verify_pdf(pdf, ["HTTP://QR.TEST/R/LK01"]).ok


@pytest.mark.parametrize(
    ("format_name", "count"), [("label-a4-3x8", 50), ("label-a4-3x7", 1), ("thermal-50x30", 3)]
)
def test_labels_download_the_format_and_count_on_screen(staff, records, format_name, count):
    fmt = get_format(format_name)
    if fmt.kind != "label":
        pytest.skip(f"{format_name} is a {fmt.kind} format")
    page = read_page(staff, f"/admin/print/batch/{records['batch']}?count=21")
    pdf = download(staff, page, format=format_name, count=count)
    assert len(page_sizes(pdf)) == math.ceil(count / fmt.per_page)
    assert_page_size(pdf, format_name)
    check = verify_pdf(pdf, ["http://qr.test/01/08936001000010/10/BG2611A"] * count)
    assert check.ok, str(check)


def test_the_page_shows_what_it_was_asked_for(staff, records):
    url = f"/admin/print/batch/{records['batch']}?format=label-a4-3x8&count=50"
    text = staff.get(url).text
    assert 'value="50"' in text
    assert 'value="label-a4-3x8" selected' in text


@pytest.mark.parametrize(
    "count", ["0", "-5", "2401", "abc", "1e3", "²", "9" * 5000, "12<script>", " "]
)
def test_a_count_the_form_cannot_have_is_refused(staff, records, count):
    batch = records["batch"]
    response = staff.get(f"/admin/print/batch/{batch}/labels.pdf?count={count}")
    if count.strip():
        assert response.status_code == 400
        assert response.mimetype != "application/pdf"
        page = staff.get(f"/admin/print/batch/{batch}?count={count}")
        assert page.status_code == 400
        assert "must be a whole number from 1 to 2400" in page.text
        assert "<script>" not in page.text
    else:  # an empty field is the default, as on the page
        assert response.status_code == 200


@pytest.mark.parametrize("format_name", ["../../etc/passwd", "stamp-20mm-a4", "x" * 5000])
def test_a_format_not_of_the_form_is_refused(staff, records, format_name):
    response = staff.get(f"/admin/print/relic/{records['relic']}/sign.pdf?format={format_name}")
    assert response.status_code == 404
    response = staff.get(f"/admin/print/batch/{records['batch']}/labels.pdf?format={format_name}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("format_name", "count", "with_pin"),
    [("stamp-30x20-a4", 45, True), ("stamp-20mm-a4", 100, False), ("stamp-30x20-a4", 60, False)],
)
def test_stamps_download_the_count_format_and_pin_chosen(
    staff, app, records, format_name, count, with_pin
):
    data = {"count": count, "format_name": format_name}
    if with_pin:
        data["with_pin"] = "y"
    response = staff.post(f"/admin/batches/{records['batch']}/stamps", data=data)
    assert response.status_code == 302, response.text[:500]
    run_page = read_page(staff, response.location)
    pdf = staff.get(run_page.links["Download the stamp sheets (PDF)"]).data
    fmt = get_format(format_name)
    assert len(page_sizes(pdf)) == math.ceil(count / fmt.per_page)
    assert_page_size(pdf, format_name)
    with app.app_context():
        run = db.session.scalar(select(StampRun))
        stamps = list(stamp_records(run))
    assert len(stamps) == count
    check = verify_pdf(pdf, [stamp.url for stamp in stamps])
    assert check.ok, str(check)
    text = pdf_text(pdf).replace(" ", "")
    if with_pin:
        assert all(stamp.pin and stamp.pin in text for stamp in stamps)
    else:
        assert all(stamp.pin is None for stamp in stamps)


def test_a_pin_on_a_sheet_without_one_is_refused(staff, app, records):
    response = staff.post(
        f"/admin/batches/{records['batch']}/stamps",
        data={"count": 40, "format_name": "stamp-20mm-a4", "with_pin": "y"},
    )
    assert response.status_code == 400
    assert "no place for a PIN" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StampRun)) == 0


def test_download_needs_no_preview_first(staff, records, app):
    """A fresh session downloads without ever loading the preview picture."""
    page = read_page(staff, f"/admin/print/batch/{records['batch']}")
    pdf = download(staff, page, format="label-a4-3x8", count=24)
    assert len(page_sizes(pdf)) == 1
    assert_page_size(pdf, "label-a4-3x8")
