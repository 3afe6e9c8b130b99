"""What a producer or an editor without IT background reads in the admin: words, not codes.

History and conflicts name each field by its form label (with the language of a
per-language field) and each choice by its label; the history numbers each entry
once; a restore says which version it put back; every list whose kind the person
may create offers "Add …"; batches and print pages are named by their product or
relic; each photo's link names the photo. Checked in Vietnamese (the default) and
in English.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from qrsvc import admin_app
from qrsvc.content import revisions
from qrsvc.content.registry import SPECS
from qrsvc.extensions import db
from qrsvc.models import Batch, Media, Producer, Product, Relic, RelicMedia, Revision, User
from tests.conftest import sign_in
from tests.test_edit_merge import RELIC

LANGUAGES = {"vi": "vi", "en": "en"}


def speak(client, lang: str) -> None:
    """Make ``client`` ask for the admin in ``lang``."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang


def text_of(html: str) -> str:
    """The page's words without tags (what a person reads)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def history_table(html: str) -> str:
    """The history list of a history page."""
    return html.split('<ul class="history">', 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def relic_id(app, client, accounts) -> int:
    """A relic made by an editor, then published with an English architecture text."""
    accounts.login("editor", email="lan@district.test")
    assert client.post("/admin/relics/new", data=RELIC).status_code == 302
    with app.app_context():
        rid = db.session.scalar(select(Relic.id))
    changed = {**RELIC, "version": 1, "status": "published", "architecture__en": "Stone gate."}
    assert client.post(f"/admin/relics/{rid}", data=changed).status_code == 302
    return rid


# 1. Field labels and choice labels, not keys and codes -------------------------------


@pytest.mark.parametrize(
    ("lang", "architecture", "published", "draft"),
    [
        ("vi", "Kiến trúc (English)", "Đã công bố", "Bản nháp (chưa hiển thị)"),
        ("en", "Architecture (English)", "Published", "Draft (not shown)"),
    ],
)
def test_history_names_fields_by_their_labels_and_choices_by_their_words(
    client, relic_id, lang, architecture, published, draft
):
    speak(client, lang)
    page = client.get(f"/admin/relics/{relic_id}/history").get_data(as_text=True)
    table = history_table(page)
    words = text_of(table)
    assert architecture in words
    assert f"{draft} {published}" in words  # before, after
    # No raw keys or codes, and nothing in a monospace <code>.
    assert "architecture.en" not in table and "<code>" not in table
    assert not re.search(r">\s*(draft|published)\s*<", table)


def test_every_field_of_every_kind_has_words_in_the_history(app):
    """A field added later without a label, or a choice without words, fails here."""
    for lang in LANGUAGES:
        with app.test_request_context(headers={"Accept-Language": lang}):
            for spec in SPECS.values():
                changes = {}
                for f in spec.fields:
                    key = f"{f.name}.vi" if f.i18n else f.name
                    value = next((v for v, _label in f.choices if v), "x") if f.choices else "x"
                    changes[key] = [None, value]
                for row in revisions.shown_changes(spec, changes):
                    f = spec.field_of(row.key)
                    assert row.label and row.label != row.key, (spec.name, row.key)
                    if f.i18n:
                        assert row.label.endswith("(Tiếng Việt)"), (spec.name, row.label)
                    if f.kind == "choice":
                        assert str(row.after) != changes[row.key][1], (spec.name, row.key)


def test_an_unknown_key_in_an_old_revision_is_shown_as_it_is(app):
    with app.test_request_context():
        rows = revisions.shown_changes(SPECS["relic"], {"gone.vi": ["a", "b"], "@note": 3})
    assert [(r.label, r.before, r.after) for r in rows] == [("gone.vi", "a", "b")]


@pytest.mark.parametrize(
    ("lang", "name_label", "published", "national", "provincial"),
    [
        ("vi", "Tên (Tiếng Việt)", "Đã công bố", "Di tích quốc gia", "Di tích cấp tỉnh"),
        ("en", "Name (Tiếng Việt)", "Published", "National relic", "Provincial relic"),
    ],
)
def test_a_conflict_shows_labels_words_and_no_monospace_box(
    app, client, accounts, lang, name_label, published, national, provincial
):
    accounts.login("editor", email="lan@district.test")
    assert client.post("/admin/relics/new", data=RELIC).status_code == 302
    with app.app_context():
        rid = db.session.scalar(select(Relic.id))
    minh = app.test_client()
    accounts.create("editor", email="minh@district.test")
    sign_in(minh, "minh@district.test")
    speak(minh, lang)
    lan_saves = {
        **RELIC,
        "version": 1,
        "status": "published",
        "rank": "national",
        "name__vi": "Lam Kinh xưa",
    }
    assert client.post(f"/admin/relics/{rid}", data=lan_saves).status_code == 302
    mine = {**RELIC, "version": 1, "rank": "provincial", "name__vi": "Khu di tích Lam Kinh mới"}
    conflict = minh.post(f"/admin/relics/{rid}", data=mine)
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    section = html.split('class="conflict"', 1)[1].split("</section>", 1)[0]
    words = text_of(section)
    assert 'name="conflicts" value="name__vi,rank"' not in section  # keys stay keys here:
    assert 'name="conflicts" value="name.vi,rank"' in section  # only in the hidden input
    choices = text_of(section.split('class="choice', 1)[1])
    assert name_label in choices and "Lam Kinh xưa" in choices
    assert "Khu di tích Lam Kinh mới" in choices
    assert f"{provincial} " in choices and national in choices  # mine, saved
    assert published in words  # the other editor's change of status, in words
    # The other editor's changes are listed by label; the values are never in <pre> or <code>.
    shown = section.replace('value="name.vi,rank"', "")
    assert "name.vi" not in shown and "<code>" not in section and "<pre" not in section
    assert not re.search(r">\s*(draft|published|national|provincial)\s*<", section)


def test_the_admin_stylesheet_puts_no_text_value_in_a_monospace_font(client):
    css = client.get("/static/css/admin.css").get_data(as_text=True)
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert "monospace" not in rules and "pre.text" not in rules


# 2. One number per history entry ------------------------------------------------------


def test_history_entries_are_not_numbered_twice(client, relic_id):
    page = client.get(f"/admin/relics/{relic_id}/history").get_data(as_text=True)
    assert "<ol" not in page  # a list number beside "Version 2" would be a second number
    entries = history_table(page).split("<li>")[1:]
    assert [re.search(r"Phiên bản (\d+)", e)[1] for e in entries] == ["2", "1"]


# 3. A restore says which version it put back ------------------------------------------


@pytest.mark.parametrize(
    ("lang", "entry", "flash"),
    [
        ("vi", "Đã khôi phục phiên bản 1", "Đã khôi phục phiên bản 1."),
        ("en", "Restored version 1", "Version 1 was restored."),
    ],
)
def test_a_restore_names_the_version_it_restored(app, client, relic_id, lang, entry, flash):
    speak(client, lang)
    with app.app_context():
        first = db.session.scalars(select(Revision.id).order_by(Revision.id)).first()
    done = client.post(f"/admin/revisions/{first}/restore", follow_redirects=True)
    page = done.get_data(as_text=True)
    assert flash in text_of(page)
    newest = history_table(page).split("<li>")[1]
    assert entry in text_of(newest) and "@restored_from" not in newest
    with app.app_context():
        relic = db.session.get(Relic, relic_id)
        assert relic.status == "draft" and relic.version == 3
        last = db.session.scalars(select(Revision).order_by(Revision.id.desc())).first()
        assert revisions.restored_from(last) == 1
        assert revisions.field_changes(last.changes)["status"] == ["published", "draft"]


def test_restoring_again_over_a_restore_names_each_version(app, client, relic_id):
    speak(client, "en")
    with app.app_context():
        first, second = db.session.scalars(select(Revision.id).order_by(Revision.id)).all()
    client.post(f"/admin/revisions/{first}/restore")
    # Version 2 again: the note of the restore in between is undone as no field.
    again = client.post(f"/admin/revisions/{second}/restore", follow_redirects=True)
    assert "Version 2 was restored." in text_of(again.get_data(as_text=True))
    assert "Restored version 2" in text_of(history_table(again.get_data(as_text=True)))
    with app.app_context():
        relic = db.session.get(Relic, relic_id)
        assert relic.status == "published" and relic.version == 4
        notes = [
            revisions.restored_from(r)
            for r in db.session.scalars(select(Revision).order_by(Revision.id))
        ]
        assert notes == [None, None, 1, 2]


def test_restoring_the_version_before_the_first_recorded_change_names_it(app, client, accounts):
    """A record made outside the admin (demo, import) has no revision for its version 1."""
    speak(client, "en")
    accounts.login("editor")
    with app.app_context():
        producer = Producer(ref="coop", name="HTX Tứ Trụ", kind="cooperative")
        db.session.add(producer)
        db.session.commit()
        pid = producer.id
    page = client.get(f"/admin/producers/{pid}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)[1]
    form = {"ref": "coop", "name": "HTX Bánh gai Tứ Trụ", "kind": "cooperative"}
    form["version"] = version
    assert client.post(f"/admin/producers/{pid}", data=form).status_code == 302
    with app.app_context():
        only = db.session.scalar(select(Revision.id))
    back = client.post(f"/admin/revisions/{only}/restore-before", follow_redirects=True)
    page = back.get_data(as_text=True)
    assert f"Version {version} was restored." in text_of(page)
    assert f"Restored version {version}" in text_of(history_table(page))
    assert "HTX Bánh gai Tứ Trụ HTX Tứ Trụ" in text_of(history_table(page))  # Name: before, after
    with app.app_context():
        assert db.session.get(Producer, pid).name == "HTX Tứ Trụ"


def test_a_damaged_restore_note_is_not_taken_for_a_version(app):
    for note in ("3", True, None, [1], 10**30):
        revision = Revision(entity_type="relic", entity_id=1, action="restore")
        revision.changes = {"@restored_from": note}
        expected = 10**30 if note == 10**30 else None
        assert revisions.restored_from(revision) == expected


# 4. "Add …" where the person may add one ----------------------------------------------


def add_link(html: str) -> str | None:
    """The address of the list's "Add …" button, if it has one."""
    found = re.search(r'<p class="add"><a class="button primary" href="([^"]+)"', html)
    return found[1] if found else None


def goods(app, producer_ref: str = "p-coop", products: int = 1) -> tuple[int, list[int]]:
    """A producer with ``products`` products: (producer id, product ids)."""
    with app.app_context():
        producer = db.session.scalar(select(Producer).where(Producer.ref == producer_ref))
        if producer is None:
            producer = Producer(ref=producer_ref, name="HTX Bánh gai", kind="cooperative")
            db.session.add(producer)
        made = [
            Product(producer=producer, ref=f"{producer_ref}-{i}", name={"vi": f"Bánh gai {i}"})
            for i in range(products)
        ]
        db.session.add_all(made)
        db.session.commit()
        return producer.id, [p.id for p in made]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_producer_adds_a_product_and_a_batch_from_the_lists(app, client, accounts, lang):
    speak(client, lang)
    accounts.login("producer", email="coop@test.local", producer_ref="p-coop")
    with app.app_context():
        pid = db.session.scalar(select(Producer.id))
    products = client.get("/admin/products/").get_data(as_text=True)
    assert add_link(products) == f"/admin/producers/{pid}/products/new"
    assert ("Thêm sản phẩm" if lang == "vi" else "Add product") in products
    assert client.get(add_link(products)).status_code == 200
    # No product yet: the batch list explains where batches are added, and links there.
    batches = client.get("/admin/batches/").get_data(as_text=True)
    assert add_link(batches) == "/admin/products/"
    hint = "trang của sản phẩm" if lang == "vi" else "from the page of its product"
    assert hint in text_of(batches)
    # One product: the button opens its new batch at once; its page offers it too.
    _pid, [product] = goods(app, "p-coop")
    batches = client.get("/admin/batches/").get_data(as_text=True)
    assert add_link(batches) == f"/admin/products/{product}/batches/new"
    assert client.get(add_link(batches)).status_code == 200
    page = client.get(f"/admin/products/{product}").get_data(as_text=True)
    assert f'href="/admin/products/{product}/batches/new"' in page
    # A producer may not create producers: no button, and the form refuses.
    producers = client.get("/admin/producers/").get_data(as_text=True)
    assert add_link(producers) is None and "/admin/producers/new" not in producers
    assert client.get("/admin/producers/new").status_code == 403


def test_staff_choose_the_producer_of_a_new_product(app, client, accounts):
    speak(client, "en")
    accounts.login("editor")
    goods(app, "p-one", 0)
    goods(app, "p-two", 0)
    products = client.get("/admin/products/").get_data(as_text=True)
    assert add_link(products) == "/admin/producers/"
    assert "Each product is added from the page of its producer" in text_of(products)
    assert add_link(client.get("/admin/producers/").get_data(as_text=True)) == (
        "/admin/producers/new"
    )
    with app.app_context():
        producer = db.session.scalar(select(Producer.id).where(Producer.ref == "p-one"))
    page = client.get(f"/admin/producers/{producer}").get_data(as_text=True)
    assert f'href="/admin/producers/{producer}/products/new"' in page


@pytest.mark.parametrize("role", ["admin", "editor", "producer"])
def test_every_list_offers_add_exactly_when_the_role_may_add(app, client, accounts, role):
    """A kind added later without an "Add" on its list (or with one that is refused) fails."""
    user_id = accounts.login(role, email=f"{role}@test.local")
    with app.app_context():
        own = db.session.get(User, user_id).producer_id
        relic = Relic(code="LK09", slug="lk-nine")
        db.session.add(relic)
        db.session.commit()
    _p, [product] = goods(app, "p-a" if own is None else db_ref(app, own))
    with app.app_context():
        db.session.add(Batch(product_id=product, ref="BATCH-1", lot="L1"))
        db.session.commit()
    for spec in SPECS.values():
        answer = client.get(f"/admin/{plural_of(app, spec.name)}/")
        if answer.status_code == 403:
            continue
        link = add_link(answer.get_data(as_text=True))
        new = admin_app(app).view_functions.get(f"admin.{spec.name}_new")
        may = spec.name == "media" or (
            new is not None and role in new.allowed_roles  # type: ignore[attr-defined]
        )
        assert (link is not None) == may, (spec.name, role)
        if link:
            assert client.get(link).status_code == 200, (spec.name, role, link)


def db_ref(app, producer_id: int) -> str:
    with app.app_context():
        return db.session.get(Producer, producer_id).ref


def plural_of(app, name: str) -> str:
    """The URL folder of a kind's list, read from the app's routes."""
    rules = admin_app(app).url_map.iter_rules()  # the admin, mounted under /admin
    rule = next(r for r in rules if r.endpoint == f"admin.{name}_list")
    return rule.rule.strip("/").split("/")[-1]


# 5. Batches and print pages named by their product or relic ---------------------------


@pytest.mark.parametrize(("lang", "name"), [("vi", "Bánh gai Tứ Trụ"), ("en", "Tu Tru leaf cake")])
def test_batches_are_listed_by_product_name_in_the_admins_language(
    app, client, accounts, lang, name
):
    speak(client, lang)
    accounts.login("editor")
    with app.app_context():
        producer = Producer(ref="bgtt", name="HTX", kind="cooperative")
        named = Product(
            producer=producer, ref="BGTT", name={"vi": "Bánh gai Tứ Trụ", "en": "Tu Tru leaf cake"}
        )
        only_vi = Product(producer=producer, ref="CHE", name={"vi": "Chè lam"})
        db.session.add_all(
            [
                Batch(product=named, ref="BGTT-BG2610A", lot="BG2610A"),
                Batch(product=only_vi, ref="CHE-1", lot="C1"),
            ]
        )
        db.session.commit()
        batch_id = db.session.scalar(select(Batch.id).where(Batch.ref == "BGTT-BG2610A"))
    page = client.get("/admin/batches/").get_data(as_text=True)
    row = r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td>([^<]+)</td>'
    rows = {ref: title for title, ref in re.findall(row, page)}
    assert rows["BGTT-BG2610A"] == f"{name} · BG2610A"  # the ref stays beside it
    assert rows["CHE-1"] == "Chè lam · C1"  # no English name: the Vietnamese one
    printing = client.get(f"/admin/print/batch/{batch_id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", printing)[1]
    assert name in title and "BGTT-BG2610A" in title
    assert name in re.search(r"<h1>(.*?)</h1>", printing)[1]
    stamps = client.get(f"/admin/batches/{batch_id}/stamps").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", stamps)[1]
    assert name in title and "BGTT-BG2610A" in title


def test_a_signs_print_page_is_titled_with_the_relics_name_and_code(app, client, relic_id):
    page = client.get(f"/admin/print/relic/{relic_id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page)[1]
    assert "Khu di tích Lam Kinh" in title and "LK01" in title


# 6. Each photo's link names the photo ------------------------------------------------


def test_each_photo_on_a_relic_page_is_named_by_its_text(app, client, relic_id):
    with app.app_context():
        photos = [
            Media(alt={"vi": "Cổng Ngọ Môn", "en": "The Noon Gate"}, original_name="a.jpg"),
            Media(caption={"vi": "Sân rồng"}, original_name="b.jpg"),
            Media(original_name="chinh-dien.jpg"),
            Media(alt={"vi": '<script>alert("x")</script>'}, original_name="d.jpg"),
        ]
        for i, media in enumerate(photos):
            media.kind, media.mime_type = "image", "image/jpeg"
            media.storage_key, media.sha256 = f"img/{i}.jpg", f"{i}" * 64
            db.session.add(media)
            db.session.flush()
            db.session.add(RelicMedia(relic_id=relic_id, media_id=media.id, position=i))
        db.session.commit()
    for lang, first in (("vi", "Cổng Ngọ Môn"), ("en", "The Noon Gate")):
        speak(client, lang)
        html = client.get(f"/admin/relics/{relic_id}").get_data(as_text=True)
        gallery = html.split('<ul class="gallery">', 1)[1].split("</ul>", 1)[0]
        links = re.findall(r'<a href="/admin/media/\d+">([^<]*)</a>', gallery)
        assert len(links) == 4 and len(set(links)) == 4, links
        assert first in links[0] and "Sân rồng" in links[1] and "chinh-dien.jpg" in links[2]
        assert "<script>" not in gallery and "&lt;script&gt;" in links[3]
