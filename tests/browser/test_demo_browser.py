"""The demo in a phone's browser: Lam Kinh's narration loads and plays, the CSP allows it."""

from __future__ import annotations

import pytest

from qrsvc.demo.narration import NARRATION

pytestmark = pytest.mark.browser


def test_the_demo_narration_plays_on_a_phone(live_server, browser_page):
    refused = []
    browser_page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    answer = browser_page.goto(live_server.url + "/r/LK01", wait_until="load")
    assert answer is not None and answer.status == 200
    audio = browser_page.locator("section.audio audio")
    assert audio.count() == 1 and audio.get_attribute("src").endswith(".mp3")
    audio.scroll_into_view_if_needed()
    browser_page.evaluate("document.querySelector('section.audio audio').play()")
    browser_page.wait_for_function(
        "() => document.querySelector('section.audio audio').currentTime > 0.5"
    )
    state = browser_page.evaluate(
        "(() => { const a = document.querySelector('section.audio audio');"
        " return {error: a.error && a.error.code, duration: a.duration}; })()"
    )
    assert state["error"] is None
    assert abs(state["duration"] - NARRATION["duration_s"]) < 1.0
    heading = browser_page.locator("section.audio h2").inner_text()
    assert "0:21" in heading  # the length, shown before anything is downloaded
    assert refused == []
