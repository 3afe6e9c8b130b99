"""GS1 Digital Link parsing and building, GTIN check digits and GS1 dates (qrsvc.gs1)."""

import contextlib
import dataclasses
import re
import string
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrsvc.gs1 import (
    MAX_LENGTH,
    SET_82,
    DigitalLink,
    DigitalLinkError,
    build_path,
    gs1_date,
    gtin_check_digit,
    normalise_gtin,
    parse_path,
    parse_uri,
    vietnam_gtin13,
)

BASE = "https://qr.thoxuan.example.vn"
G = "09521234543213"  # the GTIN of the GS1 Digital Link standard's examples


# --- GTIN check digits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("0952123454321", 3),
        ("400638133393", 1),  # EAN-13 4006381333931
        ("9501234", 6),  # GTIN-8 95012346
        ("61414112345", 2),  # GTIN-12 614141123452
        ("0952012345678", 8),  # GTIN-14 09520123456788
        ("893123456789", 7),
    ],
)
def test_check_digit_of_known_gtins(body, check):
    assert gtin_check_digit(body) == check


@pytest.mark.parametrize(
    ("text", "padded"),
    [
        ("95012346", "00000095012346"),
        ("614141123452", "00614141123452"),
        ("4006381333931", "04006381333931"),
        ("09521234543213", "09521234543213"),
    ],
)
def test_gtin_8_12_13_14_are_padded_to_14(text, padded):
    assert normalise_gtin(text) == padded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("09521234543214", "GTIN check digit is 3, not 4"),
        ("4006381333932", "GTIN check digit is 1, not 2"),
        ("123456789", "GTIN must have 8, 12, 13 or 14 digits, not 9"),
        ("095212345432131", "GTIN must have 8, 12, 13 or 14 digits, not 15"),
        ("0952123454321X", "GTIN must contain only the digits 0-9"),
        ("٠٩٥٢١٢٣٤٥٤٣٢١٣", "GTIN must contain only the digits 0-9"),  # Arabic-Indic digits
        (" 4006381333931", "GTIN must contain only the digits 0-9"),
        ("", "GTIN is missing"),
    ],
)
def test_bad_gtins_are_rejected_with_the_reason(text, message):
    with pytest.raises(DigitalLinkError, match=re.escape(message)):
        normalise_gtin(text)


def test_check_digit_needs_digits():
    for body in ("", "12a", "١٢"):
        with pytest.raises(DigitalLinkError, match="digits 0-9"):
            gtin_check_digit(body)


def test_vietnam_gtin13_uses_prefix_893_and_a_valid_check_digit():
    assert vietnam_gtin13("123456789") == "8931234567897"
    first = vietnam_gtin13(1)
    assert first.startswith("893000000001") and len(first) == 13
    assert normalise_gtin(first) == "0" + first
    for bad in ("1234567890", "12a", "", -1):
        with pytest.raises(DigitalLinkError, match="after 893 must be 1 to 9 digits"):
            vietnam_gtin13(bad)


bodies = st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda n: st.text("0123456789", min_size=n, max_size=n)
)


@given(body=bodies, position=st.integers(min_value=0), new_digit=st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(body, position, new_digit):
    gtin = body + str(gtin_check_digit(body))
    assert normalise_gtin(gtin) == gtin.zfill(14)
    i = position % len(gtin)
    typo = gtin[:i] + str((int(gtin[i]) + new_digit) % 10) + gtin[i + 1 :]
    with pytest.raises(DigitalLinkError, match="check digit"):
        normalise_gtin(typo)


# --- Examples from the GS1 Digital Link standard ---------------------------------------


@pytest.mark.parametrize(
    ("uri", "path", "fields"),
    [
        ("https://id.gs1.org/01/09520123456788", "/01/09520123456788", {}),
        ("https://example.com/01/09520123456788/22/2A", "/01/09520123456788/22/2A", {"cpv": "2A"}),
        (
            "https://example.com/01/09520123456788/10/ABC123",
            "/01/09520123456788/10/ABC123",
            {"lot": "ABC123"},
        ),
        (
            "https://example.com/01/09520123456788/21/12345",
            "/01/09520123456788/21/12345",
            {"serial": "12345"},
        ),
        (
            "https://example.com/01/09520123456788/10/ABC1/21/12345?17=180426",
            "/01/09520123456788/10/ABC1/21/12345",
            {"lot": "ABC1", "serial": "12345", "attributes": {"17": "180426"}},
        ),
        (
            "https://example.com/01/09520123456788?3103=000195",
            "/01/09520123456788",
            {"attributes": {"3103": "000195"}},
        ),
        (
            "https://id.gs1.org/01/09521234543213/10/ABC123?17=261231",
            "/01/09521234543213/10/ABC123",
            {"lot": "ABC123", "attributes": {"17": "261231"}},
        ),
        ("https://example.com/products/01/09521234543213", "/01/09521234543213", {}),
        ("https://example.com/01/4006381333931", "/01/04006381333931", {}),
        (  # the legacy short names of Digital Link 1.0, read but never written
            "https://example.com/gtin/09520123456788/lot/ABC1/ser/12345?exp=180426",
            "/01/09520123456788/10/ABC1/21/12345",
            {"lot": "ABC1", "serial": "12345", "params": {"exp": "180426"}},
        ),
        (
            "https://example.com/gtin/09520123456788/cpv/2A",
            "/01/09520123456788/22/2A",
            {"cpv": "2A"},
        ),
    ],
)
def test_standard_examples(uri, path, fields):
    link = parse_uri(uri)
    assert link.path == path
    expected = {"cpv": None, "lot": None, "serial": None, "attributes": {}, "params": {}}
    expected.update(fields)
    assert {name: getattr(link, name) for name in expected} == expected


# --- Building -----------------------------------------------------------------------------


def test_build_encodes_every_set82_symbol_except_unreserved_ones():
    assert build_path("4006381333931", lot="!\"%&'()*+,/:;<=>?") == (
        "/01/04006381333931/10/%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F"
    )
    assert build_path(G, cpv="A-b_9.z", serial="x") == f"/01/{G}/22/A-b_9.z/21/x"


def test_uri_puts_data_attributes_in_ai_order_and_leaves_params_out():
    link = DigitalLink(
        "8931234567897",
        lot="L01",
        attributes={"3103": "000525", "17": date(2026, 12, 31), "11": "250100", "240": "A&B+C"},
        params={"linkType": "gs1:pip"},
    )
    uri = link.uri(BASE + "/")
    assert uri == (f"{BASE}/01/08931234567897/10/L01?11=250100&17=261231&240=A%26B%2BC&3103=000525")
    assert parse_uri(uri).attributes["240"] == "A&B+C"


def test_uri_without_attributes_has_no_question_mark_and_keeps_a_mount_point():
    link = DigitalLink(G, serial="S1")
    assert link.uri(BASE + "/qr") == f"{BASE}/qr/01/{G}/21/S1"
    assert parse_uri(link.uri(BASE + "/qr")) == link
    with pytest.raises(DigitalLinkError, match="base URL must be http"):
        link.uri("qr.thoxuan.example.vn")


def test_links_are_frozen_hashable_and_equal_by_elements():
    link = parse_path(f"/gtin/{G}/lot/A/", "17=261231")
    assert link == parse_path(f"/01/{G}/10/A", "?17=261231")
    assert len({link, parse_uri(f"{BASE}/01/{G}/10/A?17=261231")}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        link.lot = "B"
    with pytest.raises(TypeError):
        link.attributes["17"] = "270101"


def test_levels_and_walking_up():
    item = DigitalLink(G, cpv="V1", lot="L1", serial="S1", attributes={"17": "261231"})
    assert [item.level, item.parent().level] == ["serial", "lot"]
    assert item.parent().path == f"/01/{G}/22/V1/10/L1"
    assert item.parent().parent().path == f"/01/{G}/22/V1"
    assert item.parent().parent().level == "product"
    product = item.parent().parent().parent()
    assert product == DigitalLink(G, attributes={"17": "261231"})
    assert product.parent() is None
    assert DigitalLink(G, serial="S1").parent() == DigitalLink(G)


# --- Parsing details ------------------------------------------------------------------------


def test_trailing_slash_legacy_names_and_raw_sub_delims_are_accepted():
    assert parse_path(f"/01/{G}/").level == "product"
    link = parse_path(f"/gtin/{G}/ser/A!B*(x)/")
    assert link.serial == "A!B*(x)"
    assert link.path == f"/01/{G}/21/A%21B%2A%28x%29"


def test_values_are_percent_decoded_exactly_once():
    assert parse_path(f"/01/{G}/10/A%2fB%2FC").lot == "A/B/C"
    twice = parse_path(f"/01/{G}/10/%252F%252e%252e")
    assert twice.lot == "%2F%2e%2e"
    assert twice.path == f"/01/{G}/10/%252F%252e%252e"


def test_query_parameters_that_are_not_ais_are_kept_apart():
    link = parse_path(f"/01/{G}", b"linkType=gs1:pip&lang=vi&lang=en&&utm=Th%E1%BB%8D+X&17=261200&")
    assert link.attributes == {"17": "261200"}
    assert link.params == {"linkType": "gs1:pip", "lang": "vi", "utm": "Thọ+X"}


def test_plus_in_an_ai_value_stays_a_plus():
    assert parse_path(f"/01/{G}", "240=A+B").attributes == {"240": "A+B"}


def test_uri_scheme_is_case_insensitive_and_the_fragment_is_ignored():
    assert parse_uri(f"HTTPS://Example.COM/01/{G}/10/A#top").lot == "A"


@pytest.mark.parametrize(
    ("value", "today", "expected"),
    [
        ("261231", None, date(2026, 12, 31)),
        ("261200", None, date(2026, 12, 31)),
        ("240200", None, date(2024, 2, 29)),
        ("250200", None, date(2025, 2, 28)),
        ("990101", date(2025, 6, 1), date(1999, 1, 1)),
        ("750101", date(2025, 6, 1), date(2075, 1, 1)),
        ("760101", date(2025, 6, 1), date(1976, 1, 1)),
        ("010101", date(2060, 6, 1), date(2101, 1, 1)),
        ("000229", date(2025, 6, 1), date(2000, 2, 29)),
    ],
)
def test_gs1_dates_follow_the_sliding_century_window(value, today, expected):
    assert gs1_date(value, today=today) == expected


def test_year_2100_is_no_leap_year():
    with pytest.raises(DigitalLinkError, match="day 29, but 2100-02 has 28 days"):
        gs1_date("000229", today=date(2060, 1, 1))


# --- Every rejection names what is wrong ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        (f"/01/{G[:-1]}4", "", "GTIN check digit is 3, not 4"),
        ("/01/123456789", "", "GTIN must have 8, 12, 13 or 14 digits, not 9"),
        ("/01/0952123454321A", "", "GTIN must contain only the digits 0-9"),
        ("/01", "", "GTIN is missing after /01/"),
        (f"/01/{G}/21/S/10/L", "", "qualifier 10 must come before 21"),
        (f"/01/{G}/10/L/22/C", "", "qualifier 22 must come before 10"),
        (f"/01/{G}/10/A/10/B", "", "qualifier 10 (lot) appears twice"),
        (f"/01/{G}/ser/A/21/B", "", "qualifier 21 (serial) appears twice"),
        (f"/01/{G}/99/x", "", "'99' is not a qualifier of a GTIN"),
        (f"/01/{G}/235/x", "", "'235' is not a qualifier of a GTIN"),
        (f"/01/{G}/01/{G}", "", "'01' is not a qualifier of a GTIN"),
        (f"/01/{G}/10", "", "qualifier 10 (lot) has no value"),
        (f"/01/{G}/21/{'1' * 21}", "", "serial is longer than 20 characters"),
        (f"/01/{G}/10/{'A' * 21}", "", "lot is longer than 20 characters"),
        (f"/01/{G}/22/{'C' * 21}", "", "CPV is longer than 20 characters"),
        (f"/01/{G}/10/A%20B", "", "lot contains a space, which is not in the GS1 character set"),
        (f"/01/{G}/10/A%23B", "", "lot contains '#', which is not in the GS1 character set"),
        (f"/01/{G}/10/A\\B", "", "lot contains '\\\\', which is not in the GS1 character set"),
        (f"/01/{G}/10/%C3%A9", "", "lot contains U+00E9, which is not in the GS1"),
        (f"/01/{G}/10/%FF", "", "lot is not valid UTF-8 once percent-decoded"),
        (f"/01/{G}/10/A%2", "", "lot has a broken percent-encoding at '%2'"),
        (f"/01/{G}/10/A%G1", "", "lot has a broken percent-encoding at '%G1'"),
        (f"/01/{G}/21/%00", "", "serial contains a control character"),
        (f"/01/{G}/10/%2E%2E", "", "lot cannot be '.' or '..'"),
        (f"/01/{G}/10/..", "", "path contains a '.' or '..' segment"),
        (f"/01/{G}/10/../21/x", "", "path contains a '.' or '..' segment"),
        (f"/01/{G}//10/A", "", "path contains an empty segment"),
        (f"/01/{G}/10/A?17=261231", "", "path contains '?'"),
        (f"/01/{G}/10/A#top", "", "path contains '#'"),
        (f"01/{G}", "", "path must start with '/'"),
        ("/", "", "path is empty"),
        ("/414/9521234543213", "", "this resolver serves GTINs (/01/) only, not AI 414"),
        (f"/GTIN/{G}", "", "path must start with /01/ and a GTIN, not with 'GTIN'"),
        (f"/qr/01/{G}", "", "strip the mount point"),
        (f"/01/{G}/10/Lô", "", "path contains non-ASCII characters"),
        (f"/01/{G}/10/A\x00B", "", "path contains a control character"),
        (f"/01/{G}/10/A\nB", "", "path contains a control character"),
        (f"/01/{G}/10/A\x7f", "", "path contains a control character"),
        (f"/01/{G}", "17=261331", "expiry date (17) has month 13"),
        (f"/01/{G}", "17=260230", "expiry date (17) has day 30, but 2026-02 has 28 days"),
        (f"/01/{G}", "17=270229", "expiry date (17) has day 29, but 2027-02 has 28 days"),
        (f"/01/{G}", "15=2612", "best-before date (15) must be 6 digits YYMMDD"),
        (f"/01/{G}", "11=2501AA", "production date (11) must be 6 digits YYMMDD"),
        (f"/01/{G}", "13=251232", "packaging date (13) has day 32"),
        (f"/01/{G}", "17=261231&17=261231", "expiry date (17) appears twice"),
        (f"/01/{G}", "17=", "expiry date (17) is empty"),
        (f"/01/{G}", "10=ABC", "lot (10) belongs in the path, not in the query string"),
        (f"/01/{G}", "21=1", "serial (21) belongs in the path"),
        (f"/01/{G}", "22=1", "CPV (22) belongs in the path"),
        (f"/01/{G}", f"01={G}", "the GTIN (01) belongs in the path"),
        (f"/01/{G}", "240=A%20B", "AI 240 contains a space"),
        (f"/01/{G}", f"240={'A' * 91}", "AI 240 is longer than 90 characters"),
        (f"/01/{G}", "lang=%00", "query parameter 'lang' contains a control character"),
        (f"/01/{G}", "lang=%FF", "query parameter 'lang' is not valid UTF-8"),
        (f"/01/{G}", "x=%zz", "query parameter 'x' has a broken percent-encoding"),
        (f"/01/{G}", "lang=vi#top", "query string contains '#'"),
        (f"/01/{G}", "lang=tiếng", "query string contains non-ASCII characters"),
        (f"/01/{G}", b"lang=\xc3\xa9", "query string contains non-ASCII characters"),
        (f"/01/{G}", "x=" + "a" * MAX_LENGTH, "query string is longer than 2000 characters"),
    ],
)
def test_each_rejection_says_what_is_wrong(path, query, message):
    with pytest.raises(DigitalLinkError, match=re.escape(message)):
        parse_path(path, query)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        (f"ftp://example.com/01/{G}", "starts with http:// or https://"),
        (f"https:///01/{G}", "URI has no host"),
        ("https://example.com", "URI has no path"),
        ("https://example.com?17=261231", "URI has no path"),
        ("https://example.com/about/us", "URI path has no /01/ and GTIN"),
        (f"https://example.com/shop/01/{G}/99/x", "'99' is not a qualifier of a GTIN"),
        (f"https://example.com/01/{G}/10", "qualifier 10 (lot) has no value"),
        (f"https://example.com/01/{G}/10/A\tB", "URI contains a control character"),
        ("https://example.com/" + "a" * MAX_LENGTH, "URI is longer than 2000 characters"),
    ],
)
def test_each_uri_rejection_says_what_is_wrong(uri, message):
    with pytest.raises(DigitalLinkError, match=re.escape(message)):
        parse_uri(uri)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lot": ""}, "lot is empty"),
        ({"lot": "."}, "lot cannot be '.' or '..'"),
        ({"serial": "x" * 21}, "serial is longer than 20 characters (21 given)"),
        ({"cpv": "Lô"}, "CPV contains U+00F4"),
        ({"attributes": {"1": "x"}}, "data attribute '1' is not an AI"),
        ({"attributes": {"10": "x"}}, "lot (10) belongs in the path"),
        ({"attributes": {"17": date(1960, 1, 1)}}, "1960-01-01 is too far from today"),
        ({"params": {"17": "261231"}}, "17 is an AI; give it as a data attribute"),
        ({"params": {"lang": "v\ni"}}, "query parameter 'lang' contains a control character"),
    ],
)
def test_building_rejects_what_parsing_rejects(fields, message):
    with pytest.raises(DigitalLinkError, match=re.escape(message)):
        DigitalLink(G, **fields)


def test_oversized_input_is_refused_before_it_is_read():
    huge = "/01/" + "9" * 10_000_000
    with pytest.raises(DigitalLinkError, match="path is longer than 2000 characters"):
        parse_path(huge)
    with pytest.raises(DigitalLinkError, match="URI is longer than 2000 characters"):
        parse_uri("https://example.com" + huge)
    at_limit = f"/01/{G}/10/" + "A" * (MAX_LENGTH - len(f"/01/{G}/10/"))
    with pytest.raises(DigitalLinkError, match="lot is longer than 20 characters"):
        parse_path(at_limit)


def test_a_gtin_that_is_not_text_is_a_type_error():
    with pytest.raises(TypeError):
        DigitalLink(9521234543213)


# --- Properties -----------------------------------------------------------------------------

gtins = bodies.map(lambda body: body + str(gtin_check_digit(body)))
set82_values = st.text(sorted(SET_82), min_size=1, max_size=20).filter(
    lambda v: v not in (".", "..")
)
date_values = st.dates(date(2000, 1, 1), date(2049, 12, 31)).map(lambda d: d.strftime("%y%m%d"))
month_ends = st.dates(date(2000, 1, 1), date(2049, 12, 31)).map(lambda d: d.strftime("%y%m00"))
attributes = st.dictionaries(
    st.sampled_from(["11", "13", "15", "17"]), date_values | month_ends, max_size=4
) | st.dictionaries(
    st.sampled_from(["240", "3103", "7003", "90", "8200"]),
    st.text(sorted(SET_82), min_size=1, max_size=90),
    max_size=3,
)
params = st.dictionaries(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True),
    st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=20),
    max_size=3,
)


@given(gtins, st.none() | set82_values, st.none() | set82_values, st.none() | set82_values)
def test_build_then_parse_path_gives_back_the_elements(gtin, cpv, lot, serial):
    path = build_path(gtin, cpv=cpv, lot=lot, serial=serial)
    assert re.fullmatch(r"[A-Za-z0-9._~/%-]+", path)
    link = parse_path(path)
    assert (link.gtin, link.cpv, link.lot, link.serial) == (gtin.zfill(14), cpv, lot, serial)


optional_values = st.none() | set82_values


@given(gtins, optional_values, optional_values, optional_values, attributes, params)
def test_build_then_parse_uri_gives_back_the_link(gtin, cpv, lot, serial, attrs, extra):
    link = DigitalLink(gtin, cpv, lot, serial, attributes=attrs, params=extra)
    assert parse_uri(link.uri(BASE)) == dataclasses.replace(link, params={})
    query = link.uri(BASE).partition("?")[2]
    extra_query = "&".join(f"{k}={quote(v, safe='')}" for k, v in extra.items())
    assert parse_path(link.path, f"{query}&{extra_query}") == link


path_pieces = st.sampled_from(
    ["01", "gtin", "22", "cpv", "10", "lot", "21", "ser", "99", G, "95012346", "ABC", "%2F"]
    + ["%", "%zz", "%00", "%C3%A9", "%2E", ".", "..", "", "?", "#", "é", "\x00", "A" * 21]
) | st.text(max_size=8)
query_pieces = st.sampled_from(
    ["17=261231", "17=991399", "15=260200", "10=A", "linkType=gs1:pip", "3103=000195"]
    + ["&", "=", "%", "+", "17", "x=%FF", "lang=vi"]
) | st.text(max_size=8)


def mostly(valid, noise):
    """Draw from ``valid`` four times in five and from ``noise`` otherwise."""
    return st.integers(0, 4).flatmap(lambda n: noise if n == 0 else valid)


@st.composite
def link_shaped_paths(draw):
    """Paths shaped like Digital Links, with any part possibly wrong, so many parse."""
    pieces = draw(mostly(st.just([]), st.lists(path_pieces, min_size=1, max_size=2)))
    pieces += [draw(mostly(st.sampled_from(["01", "gtin"]), path_pieces))]
    pieces += [draw(mostly(gtins, path_pieces))]
    qualifiers = mostly(st.sampled_from(["22", "cpv", "10", "lot", "21", "ser"]), path_pieces)
    values = mostly(set82_values.map(lambda v: quote(v, safe="")), path_pieces)
    drawn = draw(st.lists(st.tuples(qualifiers, values), max_size=3))
    if draw(st.booleans()):  # in the standard's order half of the time
        rank = {"22": 0, "cpv": 0, "10": 1, "lot": 1, "21": 2, "ser": 2}
        drawn.sort(key=lambda pair: rank.get(pair[0], 3))
    for key, value in drawn:
        pieces += [key, value]
    return "/" + "/".join(pieces) + draw(st.sampled_from(["", "/"]))


@settings(max_examples=500)
@given(
    st.lists(path_pieces, max_size=10).map(lambda p: "/" + "/".join(p)) | link_shaped_paths(),
    st.just("") | st.lists(query_pieces, max_size=4).map("&".join),
)
def test_random_paths_raise_only_digital_link_errors(path, query):
    for parse in (lambda: parse_path(path, query), lambda: parse_uri(f"{BASE}{path}?{query}")):
        try:
            link = parse()
        except DigitalLinkError:
            continue
        # Whatever parses has a canonical form that parses back to the same link.
        canonical = parse_uri(link.uri(BASE))
        assert canonical == dataclasses.replace(link, params={})
        assert parse_path(link.path, link.uri(BASE).partition("?")[2]) == canonical


@settings(max_examples=300)
@given(st.text(), st.text(string.printable))
def test_random_text_raises_only_digital_link_errors(text, query):
    for attempt in (
        lambda: parse_path(text, query),
        lambda: parse_path(f"/01/{G}/" + text, query),
        lambda: parse_path(f"/01/{G}", text),
        lambda: parse_uri(text),
        lambda: parse_uri(f"{BASE}/01/{G}/10/{text}?{query}"),
        lambda: DigitalLink(G, lot=text),
    ):
        with contextlib.suppress(DigitalLinkError):
            attempt()
