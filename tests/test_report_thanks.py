"""The report's thanks page vouches for a photo only after a real report (fixpub item 1).

``/r/LK01/report/thanks?photo=matches`` once said "the payment code in your photo is
the official one" with no report at all: a scammer could link to it to vouch for a
sticker. The verdict now comes only from a note the report form signed, bound to the
relic and valid for an hour; anything else shows the plain thanks, never an error.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from qrsvc.public.reports import NOTE_MAX_AGE, read_photo_note, sign_photo_note
from tests import test_stickers as stickers
from tests.test_stickers import OFFICIAL, PAGE_CODE, code_photo, send

#: The published relic with a verified account the sticker tests use (a fixture).
relic = stickers.relic


VERDICT_TEXTS = ("is the official one of this relic", "Do not pay with it", "No QR code could")


def thanks_page(client, query: str) -> str:
    """The thanks page in English with ``query``; it must answer 200."""
    response = client.get(f"/r/LK01/report/thanks?{query}&lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["photo=matches", "photo=differs", "photo=no_code"])
def test_a_made_up_link_shows_no_verdict(client, relic, query):
    page = thanks_page(client, query)
    assert "Your report has reached the culture office" in page
    assert not any(text in page for text in VERDICT_TEXTS)


def test_a_real_report_shows_its_verdict_once_signed(client, relic):
    response = send(client, code_photo(PAGE_CODE, OFFICIAL))
    page = client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "The payment code in your photo is the official one of this relic." in page


def test_forged_foreign_and_other_relic_notes_show_the_plain_thanks(client, relic):
    with relic.test_request_context():
        other = sign_photo_note("LK02", "matches")
        unknown = sign_photo_note("LK01", "<script>")
        fresh = sign_photo_note("LK01", "matches")
        secret = relic.config["SECRET_KEY"]
        relic.config["SECRET_KEY"] = "another secret"
        foreign = sign_photo_note("LK01", "matches")
        relic.config["SECRET_KEY"] = secret
    forged = fresh[:-3] + ("AAA" if not fresh.endswith("AAA") else "BBB")
    hostile = ["", "x", "matches", forged, fresh + "." * 400, "\x00\xff", '["LK01","matches"]']
    for token in [other, unknown, foreign, *hostile]:
        page = thanks_page(client, f"note={quote(token)}")
        assert not any(text in page for text in VERDICT_TEXTS) and "<script>" not in page
    assert "is the official one" in thanks_page(client, f"note={fresh}")


def test_a_note_older_than_an_hour_is_not_shown(client, relic, monkeypatch):
    with relic.test_request_context():
        token = sign_photo_note("LK01", "matches")
        assert read_photo_note("LK01", token) == "matches"
    later = time.time() + NOTE_MAX_AGE + 5
    monkeypatch.setattr(time, "time", lambda: later)  # the clock itsdangerous reads
    with relic.test_request_context():
        assert read_photo_note("LK01", token) == ""
    assert "is the official one" not in thanks_page(client, f"note={token}")
