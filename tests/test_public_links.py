"""Language links on public pages carry only the parameters the page reads (fixpub item 3).

A tester sent 3,000 junk parameters to ``/products`` and got a 192 kB page back, each
language link echoing them all: the links keep the filters, the page and the search only.
"""

from __future__ import annotations

import re

import pytest

JUNK = "&".join(f"junk{i}=" + "x" * 20 for i in range(3000))


def switch_links(html: str) -> list[str]:
    """The hrefs of the language switcher's links (they carry ``hreflang``)."""
    return re.findall(r'href="([^"]*)"[^>]*hreflang=', html)


@pytest.mark.parametrize("path", ["/products", "/relics", "/search"])
def test_junk_parameters_are_not_echoed(client, path):
    response = client.get(f"{path}?{JUNK}&lang=en")
    html = response.get_data(as_text=True)
    assert "junk" not in html
    assert len(html) < 60_000
    links = switch_links(html)
    assert len(links) == 5 and all(len(link) < 200 for link in links)


def test_the_known_parameters_are_kept_and_bounded(client):
    html = client.get("/search?q=lam&lang=en&evil=%3Cscript%3E").get_data(as_text=True)
    links = switch_links(html)
    assert "/search?q=lam&amp;lang=ko" in links
    assert "evil" not in html
    long = "a" * 500
    html = client.get(f"/search?q={long}&lang=en").get_data(as_text=True)
    assert all(long not in link for link in switch_links(html))


@pytest.mark.parametrize("path", ["/relics", "/products"])
def test_a_count_of_one_page_is_said_in_the_singular(client, path):
    """An empty list has one page: "there is 1 page", not "there are 1 pages"."""
    html = client.get(f"{path}?page=2&lang=en").get_data(as_text=True)
    assert "This page is past the end of the list: there is 1 page." in html
    assert "1 pages" not in html
    french = client.get(f"{path}?page=2&lang=fr").get_data(as_text=True)
    assert "il y a 1 page." in french
