"""Official payment codes on the pages, where to buy, and the product's linkset (issue 16).

A relic page shows its verified donation account as a QR code drawn inline, with the
bank, the holder's name and number in words; a product page shows its producer's code
and listings; the Digital Link linkset names them ``gs1:paymentLink`` and
``gs1:hasRetailers``. The code on a page is read back with zxing-cpp from the SVG's own
path: what a phone would scan is the verified account, not just something alike.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from qrsvc.extensions import db
from qrsvc.localtime import format_date
from qrsvc.models import (
    PaymentAccount,
    Producer,
    Product,
    Relic,
    RelicTranslation,
    Role,
    SignTampering,
    User,
)
from qrsvc.payments import (
    NotAllowedError,
    PaymentError,
    add_listing,
    approve,
    mark_replaced,
    mark_tampered,
    propose,
)
from qrsvc.vietqr import build_payload, parse_payload

VCB, AGRIBANK = "970436", "970405"
GTIN = "08931234567897"
DL = f"/01/{GTIN}"
#: The reference file (../shared/reference/gs1-webvoc/linktypes.json), as the package keeps it.
LINKTYPES = Path(__file__).parents[1] / "qrsvc/gs1/webvoc/linktypes.json"
SENTENCE = {
    "en": "Your banking app must show exactly this name before you confirm.",
    "vi": "Ứng dụng ngân hàng của bạn phải hiện đúng tên này trước khi bạn xác nhận.",
}


@pytest.fixture
def world(app):
    """A published relic, a producer with a published product (GTIN), and staff."""
    with app.app_context():
        relic = Relic(code="LK01", slug="lam-kinh", status="published")
        relic.translations.append(RelicTranslation(lang="vi", name="Khu di tích Lam Kinh"))
        relic.translations.append(RelicTranslation(lang="en", name="Lam Kinh site"))
        coop = Producer(ref="tutru", name="HTX Tứ Trụ", kind="cooperative")
        cake = Product(
            producer=coop, ref="banh-gai", gtin=GTIN, status="published", name={"vi": "Bánh gai"}
        )
        users = [
            User(email="a@t.vn", role=Role.ADMIN),
            User(email="e@t.vn", role=Role.EDITOR),
            User(email="p@t.vn", role=Role.PRODUCER, producer=coop),
        ]
        for user in users:
            user.password_hash = "-"
        db.session.add_all([relic, coop, cake, *users])
        db.session.commit()
    return app


def the(model, app, **where):
    """The one row of ``model`` matching ``where`` (in the current app context)."""
    return db.session.query(model).filter_by(**where).one()


def verify(app, owner_model, owner_where, number, holder, bank=VCB):
    """Propose and approve an account for the owner, as the editor and the admin."""
    with app.app_context():
        owner = the(owner_model, app, **owner_where)
        editor, admin = the(User, app, email="e@t.vn"), the(User, app, email="a@t.vn")
        approve(propose(owner, bank, number, holder, by_user=editor), by_user=admin)


def decode_svg(html: str) -> list[str]:
    """Draw the page's first inline QR SVG from its path and read it as a phone would."""
    svg = re.search(r'<svg [^>]*viewBox="0 0 (\d+) \1"[^>]*>.*?</svg>', html, re.S)
    assert svg, "no inline QR code on the page"
    side, module = int(svg[1]), 6
    image = Image.new("L", (side * module, side * module), 255)
    draw = ImageDraw.Draw(image)
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg[0]):
        x, y, n = int(x), int(y), int(n)
        draw.rectangle([x * module, y * module, (x + n) * module - 1, (y + 1) * module - 1], 0)
    return [code.text for code in zxingcpp.read_barcodes(image)]


# The relic page ------------------------------------------------------------------------


def test_no_code_without_a_verified_account(client, world):
    with world.app_context():
        relic, editor = the(Relic, world, code="LK01"), the(User, world, email="e@t.vn")
        propose(relic, VCB, "0011001932418", "BAN QUAN LY DI TICH LAM KINH", by_user=editor)
    html = client.get("/r/LK01?lang=en").get_data(as_text=True)
    assert 'id="donate"' not in html and "0011001932418" not in html
    assert SENTENCE["en"] not in html and "<svg" not in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_relic_page_shows_the_verified_code_in_words(client, world, lang):
    verify(world, Relic, {"code": "LK01"}, "0011001932418", "BAN QUAN LY DI TICH LAM KINH")
    html = client.get(f"/r/LK01?lang={lang}").get_data(as_text=True)
    assert 'id="donate"' in html
    assert "Ngân hàng TMCP Ngoại Thương Việt Nam" in html and "(Vietcombank)" in html
    assert "BAN QUAN LY DI TICH LAM KINH" in html and "0011001932418" in html
    assert SENTENCE[lang] in html
    with world.app_context():
        verified_at = db.session.query(PaymentAccount).one().reviewed_at
    assert f">{format_date(verified_at)}</time>" in html  # when staff last verified it
    # What a phone reads off the page is the verified account, nothing else.
    assert decode_svg(html) == [build_payload(VCB, "0011001932418")]
    assert "vietqr.io" not in html and '<img src="http' not in html  # drawn here, no request


def test_approving_or_replacing_an_account_refreshes_the_cached_page(client, world):
    assert "<svg" not in client.get("/r/LK01").get_data(as_text=True)  # now in the page cache
    verify(world, Relic, {"code": "LK01"}, "0011001932418", "BAN QUAN LY DI TICH")
    first = client.get("/r/LK01").get_data(as_text=True)
    assert "0011001932418" in first
    verify(world, Relic, {"code": "LK01"}, "1234567890", "BAN QUAN LY MOI", bank=AGRIBANK)
    second = client.get("/r/LK01").get_data(as_text=True)
    assert "1234567890" in second and "0011001932418" not in second
    assert parse_payload(decode_svg(second)[0]).bank_bin == AGRIBANK


# Tampered signs -----------------------------------------------------------------------


WARNING = {
    "en": "Do not scan a payment code on this sign; use the one on this page.",
    "vi": "Đừng quét mã thanh toán trên biển này; hãy dùng mã trên trang này.",
}


def test_a_tampered_sign_warns_until_it_is_replaced(client, world):
    verify(world, Relic, {"code": "LK01"}, "0011001932418", "BAN QUAN LY DI TICH")
    assert WARNING["en"] not in client.get("/r/LK01?lang=en").get_data(as_text=True)
    with world.app_context():
        relic, editor = the(Relic, world, code="LK01"), the(User, world, email="e@t.vn")
        marking = mark_tampered(relic, by_user=editor, note="Sticker  over the code")
        assert marking.note == "Sticker over the code" and marking.marked_by_id == editor.id
    for lang in ("en", "vi"):
        html = client.get(f"/r/LK01?lang={lang}").get_data(as_text=True)
        assert WARNING[lang] in html and 'role="alert"' in html
        assert html.index(WARNING[lang]) < html.index('id="donate"')
    with world.app_context():
        relic, admin = the(Relic, world, code="LK01"), the(User, world, email="a@t.vn")
        closed = mark_replaced(relic, by_user=admin)
        assert closed.replaced_at is not None and closed.replaced_by_id == admin.id
    assert WARNING["en"] not in client.get("/r/LK01?lang=en").get_data(as_text=True)


def test_without_an_account_the_warning_sends_nobody_to_a_code(client, world):
    with world.app_context():
        relic, editor = the(Relic, world, code="LK01"), the(User, world, email="e@t.vn")
        mark_tampered(relic, by_user=editor)
    html = client.get("/r/LK01?lang=en").get_data(as_text=True)
    assert "Do not scan a payment code on this sign." in html and WARNING["en"] not in html


@pytest.mark.parametrize(
    ("who", "note", "error"),
    [
        ("p@t.vn", "", NotAllowedError),  # a producer marks no sign
        (None, "", NotAllowedError),
        ("e@t.vn", "x" * 501, PaymentError),
        ("e@t.vn", "bell\x07", PaymentError),
        ("e@t.vn", ["not", "text"], PaymentError),
    ],
)
def test_marking_refusals_change_nothing(world, who, note, error):
    with world.app_context():
        relic = the(Relic, world, code="LK01")
        user = the(User, world, email=who) if who else None
        with pytest.raises(error):
            mark_tampered(relic, by_user=user, note=note)
        assert db.session.query(SignTampering).count() == 0


def test_a_sign_is_marked_once_and_replaced_once(world):
    with world.app_context():
        relic, editor = the(Relic, world, code="LK01"), the(User, world, email="e@t.vn")
        with pytest.raises(PaymentError):
            mark_replaced(relic, by_user=editor)  # nothing to replace
        mark_tampered(relic, by_user=editor)
        with pytest.raises(PaymentError):
            mark_tampered(relic, by_user=editor)
        mark_replaced(relic, by_user=editor)
        mark_tampered(relic, by_user=editor)  # tampered again later: a new marking
        assert db.session.query(SignTampering).count() == 2


# The product page -----------------------------------------------------------------------


def add_shops(app, *shops):
    """Add listings to the producer as its own account."""
    with app.app_context():
        coop, user = the(Producer, app, ref="tutru"), the(User, app, email="p@t.vn")
        for platform, url in shops:
            add_listing(coop, platform, url, by_user=user)


def test_product_page_shows_the_producers_code_and_where_to_buy(client, world):
    verify(world, Producer, {"ref": "tutru"}, "1234567890", "HTX TU TRU", bank=AGRIBANK)
    add_shops(
        world,
        ("Postmart", "https://postmart.vn/shop/tutru"),
        ("<b>Voso</b>", "https://voso.vn/s/1"),
    )
    html = client.get(f"{DL}?lang=en").get_data(as_text=True)
    assert 'id="pay"' in html and "HTX TU TRU" in html and SENTENCE["en"] in html
    assert decode_svg(html) == [build_payload(AGRIBANK, "1234567890")]
    assert '<a href="https://postmart.vn/shop/tutru" rel="nofollow noopener">Postmart</a>' in html
    assert "&lt;b&gt;Voso&lt;/b&gt;" in html and "<b>Voso</b>" not in html
    assert "Where to buy" in html


def test_product_page_without_account_or_listings_shows_neither(client, world):
    html = client.get(f"{DL}?lang=en").get_data(as_text=True)
    assert 'id="pay"' not in html and "<svg" not in html and "Where to buy" not in html


# The linkset ---------------------------------------------------------------------------


def reference_link_types() -> set[str]:
    """The link types of the GS1 Web Vocabulary reference file."""
    return {entry["id"] for entry in json.loads(LINKTYPES.read_text())["linkTypes"]}


def test_linkset_names_retailers_and_the_payment_link(client, world):
    verify(world, Producer, {"ref": "tutru"}, "1234567890", "HTX TU TRU", bank=AGRIBANK)
    add_shops(
        world, ("Postmart", "https://postmart.vn/shop/tutru"), ("Voso", "https://voso.vn/s/1")
    )
    assert {"gs1:hasRetailers", "gs1:paymentLink"} <= reference_link_types()
    for query in ("?linkType=all", "?linkType=linkset"):
        context = client.get(DL + query).get_json()["linkset"][0]
        retailers = context["https://ref.gs1.org/voc/hasRetailers"]
        assert [(r["href"], r["title"]) for r in retailers] == [
            ("https://postmart.vn/shop/tutru", "Postmart"),
            ("https://voso.vn/s/1", "Voso"),
        ]
        (payment,) = context["https://ref.gs1.org/voc/paymentLink"]
        assert payment["href"] == f"http://qr.test{DL}#pay"


def test_link_types_redirect_to_the_listing_and_the_payment_section(client, world):
    verify(world, Producer, {"ref": "tutru"}, "1234567890", "HTX TU TRU", bank=AGRIBANK)
    add_shops(world, ("Postmart", "https://postmart.vn/shop/tutru"))
    shop = client.get(f"{DL}?linkType=gs1:hasRetailers")
    assert shop.status_code == 307 and shop.headers["Location"] == "https://postmart.vn/shop/tutru"
    pay = client.get(f"{DL}?linkType=gs1:paymentLink&utm_source=label")
    assert pay.status_code == 307
    assert pay.headers["Location"] == f"http://qr.test{DL}?utm_source=label#pay"
    page = client.get(pay.headers["Location"].removeprefix("http://qr.test"))
    assert page.status_code == 200 and 'id="pay"' in page.get_data(as_text=True)


def test_no_payment_link_without_a_verified_account(client, world):
    with world.app_context():
        coop, user = the(Producer, world, ref="tutru"), the(User, world, email="p@t.vn")
        propose(coop, AGRIBANK, "1234567890", "HTX TU TRU", by_user=user)  # not verified
    assert client.get(f"{DL}?linkType=gs1:paymentLink").status_code == 404
    assert client.get(f"{DL}?linkType=gs1:hasRetailers").status_code == 404
    context = client.get(f"{DL}?linkType=all").get_json()["linkset"][0]
    assert "https://ref.gs1.org/voc/paymentLink" not in context
