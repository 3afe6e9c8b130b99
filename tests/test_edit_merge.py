"""Two people editing one record: field-by-field merge, side-by-side choices, restores."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Relic, RelicTranslation, Revision
from qrsvc.site.service import save_site
from tests.conftest import sign_in

RELIC = {
    "code": "LK01",
    "slug": "lam-kinh",
    "status": "draft",
    "rank": "special_national",
    "name__vi": "Khu di tích Lam Kinh",
    "name__en": "Lam Kinh relic site",
    "history__vi": "Quê hương của Lê Lợi.",
    "commune": "Lam Sơn",
    "latitude": "",
    "longitude": "",
}


@pytest.fixture
def editors(app, client, accounts):
    """Two signed-in editors, Lan and Minh, each in a browser of their own."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    accounts.login("editor", email="lan@district.test")
    minh = app.test_client()
    minh.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    accounts.create("editor", email="minh@district.test")
    sign_in(minh, "minh@district.test")
    return client, minh


@pytest.fixture
def rid(app, editors):
    """A relic created through the admin (version 1, with its "create" revision)."""
    lan, _minh = editors
    assert lan.post("/admin/relics/new", data=RELIC).status_code == 302
    with app.app_context():
        return db.session.scalar(select(Relic.id))


def loaded_version(client, rid) -> str:
    """The version the edit form carries when the page is opened."""
    page = client.get(f"/admin/relics/{rid}").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', page)[1]


def stored(app, rid) -> tuple[Relic, dict[str, RelicTranslation]]:
    relic = db.session.get(Relic, rid)
    return relic, {t.lang: t for t in relic.translations}


def revisions_of(app) -> list[Revision]:
    return db.session.scalars(select(Revision).order_by(Revision.id)).all()


def test_changes_to_different_fields_are_merged_and_both_kept(app, editors, rid):
    lan, minh = editors
    base_lan, base_minh = loaded_version(lan, rid), loaded_version(minh, rid)
    assert base_lan == base_minh == "1"
    saved = lan.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "Xuân Lam"})
    assert saved.status_code == 302
    # Minh's form still shows the old commune; he changed only the history.
    merged = minh.post(
        f"/admin/relics/{rid}",
        data={**RELIC, "version": 1, "history__vi": "Nơi Lê Lợi dấy binh."},
        follow_redirects=True,
    )
    assert merged.status_code == 200
    assert "together with the changes someone else made" in merged.get_data(as_text=True)
    with app.app_context():
        relic, texts = stored(app, rid)
        assert relic.commune == "Xuân Lam"  # Lan's change, untouched by Minh, kept
        assert texts["vi"].history == "Nơi Lê Lợi dấy binh."  # Minh's change saved
        assert relic.version == 3
        last = revisions_of(app)[-1]
        # Minh's revision records only what he changed: history stays readable.
        assert last.changes == {"history.vi": ["Quê hương của Lê Lợi.", "Nơi Lê Lợi dấy binh."]}


def test_the_same_field_is_shown_side_by_side_and_nothing_saved_until_chosen(app, editors, rid):
    lan, minh = editors
    lan.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "Xuân Lam"})
    mine = {**RELIC, "commune": "Thọ Xuân", "history__vi": "Nơi Lê Lợi dấy binh."}
    conflict = minh.post(f"/admin/relics/{rid}", data={**mine, "version": 1})
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    # Both values side by side, each with its choice; the form is now based on version 2.
    assert 'name="conflicts" value="commune"' in html
    assert 'name="choose__commune" value="mine"' in html
    assert 'name="choose__commune" value="saved"' in html
    choice = html.split('class="choice', 1)[1].split("</fieldset>", 1)[0]
    assert "Thọ Xuân" in choice and "Xuân Lam" in choice
    assert 'name="version" type="hidden" value="2"' in html
    with app.app_context():  # nothing of Minh's was saved, not even the history
        relic, texts = stored(app, rid)
        assert (relic.commune, relic.version) == ("Xuân Lam", 2)
        assert texts["vi"].history == "Quê hương của Lê Lợi."
    # Saving without choosing saves nothing and asks again.
    again = minh.post(f"/admin/relics/{rid}", data={**mine, "version": 2, "conflicts": "commune"})
    assert again.status_code == 409
    assert "Choose one of the two values." in again.get_data(as_text=True)
    with app.app_context():
        relic, texts = stored(app, rid)
        assert relic.commune == "Xuân Lam" and texts["vi"].history == "Quê hương của Lê Lợi."
    # Choosing the saved commune keeps Lan's, and saves Minh's history.
    done = minh.post(
        f"/admin/relics/{rid}",
        data={**mine, "version": 2, "conflicts": "commune", "choose__commune": "saved"},
    )
    assert done.status_code == 302
    with app.app_context():
        relic, texts = stored(app, rid)
        assert relic.commune == "Xuân Lam"
        assert texts["vi"].history == "Nơi Lê Lợi dấy binh."


def test_choosing_mine_saves_mine(app, editors, rid):
    lan, minh = editors
    lan.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "Xuân Lam"})
    assert (
        minh.post(
            f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "Thọ Xuân"}
        ).status_code
        == 409
    )
    done = minh.post(
        f"/admin/relics/{rid}",
        data={
            **RELIC,
            "version": 2,
            "commune": "Thọ Xuân",
            "conflicts": "commune",
            "choose__commune": "mine",
        },
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Relic, rid).commune == "Thọ Xuân"


def test_per_language_fields_merge_language_by_language(app, editors, rid):
    lan, minh = editors
    # Lan corrects the English name, Minh the Vietnamese one: both kept.
    lan.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "name__en": "Lam Kinh"})
    merged = minh.post(
        f"/admin/relics/{rid}", data={**RELIC, "version": 1, "name__vi": "Di tích Lam Kinh"}
    )
    assert merged.status_code == 302
    with app.app_context():
        _relic, texts = stored(app, rid)
        assert (texts["vi"].name, texts["en"].name) == ("Di tích Lam Kinh", "Lam Kinh")
    # Both change the English name: only that language is asked about.
    lan.post(
        f"/admin/relics/{rid}",
        data={**RELIC, "version": 3, "name__vi": "Di tích Lam Kinh", "name__en": "Lam Kinh site"},
    )
    conflict = minh.post(
        f"/admin/relics/{rid}",
        data={**RELIC, "version": 3, "name__vi": "Di tích Lam Kinh", "name__en": "Lam Kinh area"},
    )
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert 'name="conflicts" value="name.en"' in html
    assert 'name="choose__name__en"' in html and 'lang="en"' in html
    # The Vietnamese name Minh's form had (from version 3) is not a conflict.
    assert "choose__name__vi" not in html
    done = minh.post(
        f"/admin/relics/{rid}",
        data={
            **RELIC,
            "version": 4,
            "name__vi": "Di tích Lam Kinh",
            "name__en": "Lam Kinh area",
            "conflicts": "name.en",
            "choose__name__en": "mine",
        },
    )
    assert done.status_code == 302
    with app.app_context():
        _relic, texts = stored(app, rid)
        assert (texts["vi"].name, texts["en"].name) == ("Di tích Lam Kinh", "Lam Kinh area")


def test_a_language_added_meanwhile_by_the_other_editor_is_kept(app, editors, rid):
    with app.app_context():  # the site's content languages offer fr
        save_site({"texts": {"vi": {"name": "Trang thử", "short_name": "Thử"}},
                   "content_languages": ["vi", "en", "fr"]})  # fmt: skip
    lan, minh = editors
    lan.post(
        f"/admin/relics/{rid}?add_lang=fr",
        data={**RELIC, "version": 1, "name__fr": "Site de Lam Kinh"},
    )
    # Minh's page had no French column; his save must not remove Lan's French name.
    assert (
        minh.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "Xuân Lam"})
    ).status_code == 302
    with app.app_context():
        relic, texts = stored(app, rid)
        assert texts["fr"].name == "Site de Lam Kinh" and relic.commune == "Xuân Lam"


def test_a_save_made_while_choosing_is_not_overwritten_unseen(app, editors, rid):
    lan, minh = editors
    lan.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "Xuân Lam"})
    minh.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "Thọ Xuân"})
    # While Minh reads the choices (based on version 2), Lan saves the commune again.
    lan.post(f"/admin/relics/{rid}", data={**RELIC, "version": 2, "commune": "Xuân Thiên"})
    for choice in ("mine", "saved"):
        answer = minh.post(
            f"/admin/relics/{rid}",
            data={
                **RELIC,
                "version": 2,
                "commune": "Thọ Xuân",
                "conflicts": "commune",
                "choose__commune": choice,
            },
        )
        if choice == "mine":  # mine against a value Minh never saw: asked again
            assert answer.status_code == 409
            assert "Xuân Thiên" in answer.get_data(as_text=True)
        else:  # "the saved one" keeps the newest saved value, not the one shown before
            assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Relic, rid).commune == "Xuân Thiên"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"conflicts": "code"}, "damaged"),  # never editable after creation
        ({"conflicts": "nope"}, "damaged"),
        ({"conflicts": "name.<script>"}, "damaged"),
        ({"conflicts": ",".join(["commune"] * 2 + ["x"] * 500)}, "damaged"),
        ({"conflicts": "commune", "choose__commune": "both"}, "Choose"),
        ({"conflicts": "commune", "choose__commune": "<b>saved</b>"}, "Choose"),
    ],
)
def test_forged_choices_are_refused_and_change_nothing(app, editors, rid, extra, message):
    lan, _minh = editors
    answer = lan.post(f"/admin/relics/{rid}", data={**RELIC, "version": 1, "commune": "X", **extra})
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert "<b>saved</b>" not in answer.get_data(as_text=True)
    with app.app_context():
        relic = db.session.get(Relic, rid)
        assert (relic.commune, relic.version) == ("Lam Sơn", 1)


def test_child_records_without_a_version_column_merge_too(app, editors, rid):
    from qrsvc.models import Festival

    lan, minh = editors
    festival = {
        "name__vi": "Lễ hội Lam Kinh",
        "name__en": "Lam Kinh festival",
        "lunar_month": "8",
        "lunar_day": "22",
        "days": "3",
    }
    assert lan.post(f"/admin/relics/{rid}/festivals/new", data=festival).status_code == 302
    with app.app_context():
        fid = db.session.scalar(select(Festival.id))
    lan.post(f"/admin/festivals/{fid}", data={**festival, "version": 1, "days": "4"})
    assert (
        minh.post(
            f"/admin/festivals/{fid}",
            data={**festival, "version": 1, "name__en": "Lam Kinh Festival"},
        ).status_code
        == 302
    )
    with app.app_context():
        saved = db.session.get(Festival, fid)
        assert saved.days == 4 and saved.name["en"] == "Lam Kinh Festival"
    same_field = minh.post(f"/admin/festivals/{fid}", data={**festival, "version": 1, "days": "5"})
    assert same_field.status_code == 409
    with app.app_context():
        assert db.session.get(Festival, fid).days == 4


# Restoring ---------------------------------------------------------------------------


def test_the_first_version_is_restored_including_fields_that_were_empty(app, editors, rid):
    lan, _minh = editors
    lan.post(
        f"/admin/relics/{rid}?add_lang=fr",
        data={
            **RELIC,
            "version": 1,
            "commune": "Xuân Lam",
            "latitude": "19.95",
            "name__fr": "Site de Lam Kinh",
        },
    )
    with app.app_context():
        first = revisions_of(app)[0]
        assert (first.action, first.version) == ("create", 1)
        first_id = first.id
    history = lan.get(f"/admin/relics/{rid}/history").get_data(as_text=True)
    assert f"/admin/revisions/{first_id}/restore" in history
    assert lan.post(f"/admin/revisions/{first_id}/restore").status_code == 302
    with app.app_context():
        relic, texts = stored(app, rid)
        # Latitude was empty in version 1: it is empty again, not left at 19.95.
        assert (relic.commune, relic.latitude) == ("Lam Sơn", None)
        assert set(texts) == {"vi", "en"}
        # History is never rewritten: the restore is version 3, on top of the others.
        assert [(r.action, r.version) for r in revisions_of(app)] == [
            ("create", 1),
            ("update", 2),
            ("restore", 3),
        ]
        assert relic.version == 3


def test_the_first_version_of_a_record_made_outside_the_admin_is_restored(app, editors):
    lan, _minh = editors
    with app.app_context():  # as the demo loader or an old import made it: no revision
        relic = Relic(
            code="LK02",
            slug="den-le-lai",
            status="draft",
            rank="national",
            commune="Kiên Thọ",
            translations=[RelicTranslation(lang="vi", name="Đền thờ Lê Lai")],
        )
        db.session.add(relic)
        db.session.commit()
        rid = relic.id
    data = {**RELIC, "code": "LK02", "slug": "den-le-lai", "rank": "national", "version": 1}
    data.update(name__vi="Đền Lê Lai", name__en="Le Lai temple", commune="Kiên Thọ", history__vi="")
    assert lan.post(f"/admin/relics/{rid}", data=data).status_code == 302
    with app.app_context():
        only = revisions_of(app)[0]
        assert only.action == "update"
    history = lan.get(f"/admin/relics/{rid}/history").get_data(as_text=True)
    assert f"/admin/revisions/{only.id}/restore-before" in history
    assert lan.post(f"/admin/revisions/{only.id}/restore-before").status_code == 302
    with app.app_context():
        relic, texts = stored(app, rid)
        assert set(texts) == {"vi"} and texts["vi"].name == "Đền thờ Lê Lai"
        assert revisions_of(app)[-1].action == "restore"


def test_there_is_nothing_before_a_creation(app, editors, rid):
    lan, _minh = editors
    with app.app_context():
        create = revisions_of(app)[0].id
    assert lan.post(f"/admin/revisions/{create}/restore-before").status_code == 404
    assert lan.post("/admin/revisions/999999/restore-before").status_code == 404
    with app.app_context():
        assert db.session.get(Relic, rid).version == 1
