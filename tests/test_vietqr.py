"""The VietQR core: published payloads rebuilt exactly, a strict parser, the account checks.

Examples are payloads other implementations publish with their inputs; ours must give
the same text, character for character, and read them back. The differential test
decodes our payloads with ``vietnam-qr-pay`` (PyPI, in the ``test`` extra), an
independent parser that shares no code with ours.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vietnam_qr_pay import BanksObject, QRPay

from qrsvc.vietqr import (
    BANKS,
    MAX_PAYLOAD,
    VietQR,
    VietQRError,
    account_number,
    bank_of,
    build_payload,
    crc16,
    crc_hex,
    fold_accents,
    holder_name,
    looks_like_card,
    parse_payload,
    purpose,
)
from qrsvc.vietqr.tlv import decode, encode

# (published payload, (BIN, account, amount, purpose as given to the publisher's builder))
PUBLISHED = {
    # subiz/vietqr, vietqr_test.go: static, without an amount.
    "subiz-static": (
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA"
        "53037045802VN6304CBB4",
        ("970423", "0099999999", None, ""),
    ),
    # subiz/vietqr, vietqr_test.go: dynamic, with an amount and a purpose.
    "subiz-dynamic": (
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62200816test text string6304D9C6",
        ("970422", "0023457923442", 40123, "test text string"),
    ),
    # subiz/vietqr, vietqr_test.go: a Vietnamese purpose, folded to ASCII.
    "subiz-folded": (
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62160812chuyen khoan6304722F",
        ("970422", "0023457923442", 40123, "chuyển khoản"),
    ),
    # subiz/vietqr, README.md: 120.000 đ to VietinBank, "ủng hộ lũ lụt".
    "subiz-readme": (
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
        "530370454061200005802VN62170813ung ho lu lut6304C15C",
        ("970415", "0011001932418", 120000, "ủng hộ lũ lụt"),
    ),
    # xuannghia/vietnam-qr-pay, README.md: "VietQR Tĩnh" (ACB).
    "xuannghia-static": (
        "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA"
        "53037045802VN6304AE9F",
        ("970416", "257678859", None, ""),
    ),
    # xuannghia/vietnam-qr-pay, README.md: "VietQR Động".
    "xuannghia-dynamic": (
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "53037045405100005802VN62150811Chuyen tien630453E6",
        ("970416", "257678859", 10000, "Chuyen tien"),
    ),
    # xuannghia/vietnam-qr-pay, README.md: the payload its decoding example reads.
    "xuannghia-decode": (
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA"
        "5303704540410005802VN62150811Chuyen tien6304BBB8",
        ("970416", "257678859", 1000, "Chuyen tien"),
    ),
}
# xuannghia/vietnam-qr-pay, README.md: a VNPAY merchant code (tag 26), not a VietQR transfer.
VNPAY = (
    "00020101021126280010A0000007750110010531314453037045408210900005802VN5910CELLPHONES"
    "62600312CPSHN ONLINE0517021908061613127850705ONLHN0810CellphoneS63047685"
)
STATIC = PUBLISHED["xuannghia-static"][0]
DYNAMIC = PUBLISHED["subiz-readme"][0]


def with_crc(body: str) -> str:
    """``body`` (without tag 63) closed with its CRC, as a forger or another app would."""
    return body + "6304" + crc_hex(body + "6304")


def problem(text: object) -> VietQRError:
    """The error the parser gives for ``text``."""
    with pytest.raises(VietQRError) as caught:
        parse_payload(text)
    return caught.value


# Published payloads ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_payloads_are_rebuilt_character_for_character(name):
    payload, (bank_bin, account, amount, text) = PUBLISHED[name]
    assert build_payload(bank_bin, account, amount, text) == payload


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_payloads_are_read_back(name):
    payload, (bank_bin, account, amount, text) = PUBLISHED[name]
    read = parse_payload(payload)
    assert read == VietQR(bank_bin, account, amount, fold_accents(text))
    assert read.dynamic is (amount is not None)
    assert read.payload() == payload


def test_static_and_dynamic_points_of_initiation():
    assert build_payload("970436", "0011001932418").startswith("000201010211")
    assert build_payload("970436", "0011001932418", 5000).startswith("000201010212")


# CRC ---------------------------------------------------------------------------------


def test_crc_known_values():
    # The catalogue check value of CRC-16/CCITT-FALSE, and its start value.
    assert crc16("123456789") == 0x29B1
    assert crc16(b"") == 0xFFFF
    assert crc_hex("123456789") == "29B1"
    assert crc_hex(b"\x00") == "E1F0"


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_crc_covers_everything_up_to_and_including_6304(name):
    payload = PUBLISHED[name][0]
    assert payload[-8:-4] == "6304"
    assert crc_hex(payload[:-4]) == payload[-4:]
    assert payload[-4:] == payload[-4:].upper()


# TLV -----------------------------------------------------------------------------------


def test_tlv_encode_and_decode():
    assert encode("58", "VN") == "5802VN"
    assert [(o.tag, o.value) for o in decode("53037045802VN")] == [("53", "704"), ("58", "VN")]
    for tag, value in (("5", "x"), ("AB", "x"), ("58", ""), ("62", "x" * 100)):
        with pytest.raises(ValueError):
            encode(tag, value)


# Round trip and the independent parser ---------------------------------------------------

PURPOSE_CHARS = string.ascii_letters + string.digits + " .,-"
accounts = st.text("0123456789", min_size=6, max_size=19).filter(lambda a: not looks_like_card(a))
amounts = st.none() | st.integers(min_value=1, max_value=10**13 - 1)
purposes = st.text(PURPOSE_CHARS, max_size=25).map(lambda p: " ".join(p.split()))
banks = st.sampled_from(BANKS)


@settings(max_examples=300, deadline=None)
@given(bank=banks, account=accounts, amount=amounts, text=purposes)
def test_round_trip(bank, account, amount, text):
    payload = build_payload(bank.bin, account, amount, text)
    assert len(payload) <= MAX_PAYLOAD
    assert parse_payload(payload) == VietQR(bank.bin, account, amount, text)


@settings(max_examples=300, deadline=None)
@given(bank=banks, account=accounts, amount=amounts, text=purposes)
def test_an_independent_parser_reads_our_payloads_alike(bank, account, amount, text):
    payload = build_payload(bank.bin, account, amount, text)
    theirs = QRPay(payload)
    assert theirs.is_valid
    assert theirs.provider.guid == "A000000727"
    assert theirs.provider.service == "QRIBFTTA"
    assert theirs.consumer.bank_bin == bank.bin
    assert theirs.consumer.bank_number == account
    assert theirs.amount == (None if amount is None else str(amount))
    assert (theirs.additional_data.purpose or "") == text
    assert theirs.init_method == ("12" if amount else "11")
    assert (theirs.currency, theirs.nation) == ("704", "VN")


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_the_independent_parser_agrees_on_the_published_payloads(name):
    payload = PUBLISHED[name][0]
    theirs, ours = QRPay(payload), parse_payload(payload)
    assert theirs.is_valid
    assert (theirs.consumer.bank_bin, theirs.consumer.bank_number) == (ours.bank_bin, ours.account)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=600))
def test_any_text_is_read_or_refused_with_a_clear_error(text):
    try:
        read = parse_payload(text)
    except VietQRError as exc:
        assert exc.field in ("payload", "amount", "bin", "account", "purpose")
        assert exc.message
    else:
        assert isinstance(read, VietQR)


@settings(max_examples=200, deadline=None)
@given(at=st.integers(min_value=0, max_value=len(DYNAMIC) - 1), ch=st.characters())
def test_a_changed_character_never_passes_as_another_account(at, ch):
    changed = DYNAMIC[:at] + ch + DYNAMIC[at + 1 :]
    if changed == DYNAMIC:
        return
    try:
        read = parse_payload(changed)
    except VietQRError:
        return
    # Only a change the CRC cannot see (the CRC's own case) may still be read: the same.
    assert read == parse_payload(DYNAMIC)


# The parser: any order, damage, other networks, oversize ----------------------------------


def test_tags_in_any_order_are_read():
    objects = [(o.tag, o.value) for o in decode(DYNAMIC[:-8])]
    shuffled = "".join(encode(tag, value) for tag, value in reversed(objects))
    assert parse_payload(with_crc(shuffled)) == parse_payload(DYNAMIC)


def test_lower_case_crc_and_surrounding_spaces_are_read():
    assert parse_payload(DYNAMIC[:-4] + DYNAMIC[-4:].lower()) == parse_payload(DYNAMIC)
    assert parse_payload(f"  {DYNAMIC}\r\n") == parse_payload(DYNAMIC)


def test_fields_other_apps_add_are_read_and_ignored():
    body = STATIC[:-8] + encode("59", "BAN QUAN LY") + encode("60", "THANH HOA")
    read = parse_payload(with_crc(body + encode("62", encode("01", "HD1") + encode("08", "abc"))))
    assert (read.bank_bin, read.account, read.purpose) == ("970416", "257678859", "abc")


def test_a_transfer_to_a_card_is_read_as_such():
    body = STATIC[:-8].replace("QRIBFTTA", "QRIBFTTC")
    assert parse_payload(with_crc(body)).service == "QRIBFTTC"


def replace_root(tag: str, value: str | None, payload: str = DYNAMIC) -> str:
    """``payload`` with root data object ``tag`` given ``value`` (None: left out)."""
    objects = [(o.tag, o.value) for o in decode(payload[:-8])]
    kept = [(t, value if t == tag else v) for t, v in objects if t != tag or value is not None]
    return with_crc("".join(encode(t, v) for t, v in kept))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (DYNAMIC[:-4] + "0000", "checksum is wrong"),
        (DYNAMIC[:-4] + "C15G", "four hexadecimal"),
        (DYNAMIC[:-8], "does not end with its checksum"),
        (DYNAMIC[:40], "does not end with its checksum"),
        (with_crc("00020101021138"), "38 has a wrong length"),
        (with_crc("00020101021138990010"), "38 has a wrong length"),
        (with_crc("000201000201"), "given twice"),
        (with_crc("0002010A0211"), "damaged at character 7"),
        (with_crc("0002010100"), "01 has a wrong length"),
        (VNPAY, "another network (data object 26)"),
        (replace_root("53", None), "lacks data object 53"),
        (with_crc(DYNAMIC[:-8] + encode("99", "x")), "99 is not part of"),
        (with_crc(DYNAMIC[:-8] + encode("64", "0002vi")), "64 is not part of"),
        (replace_root("00", "02"), "format indicator"),
        (replace_root("01", "13"), "point of initiation"),
        (replace_root("53", "840"), "Vietnamese dong"),
        (replace_root("58", "TH"), "Vietnamese dong"),
        (replace_root("54", "0"), "whole number"),
        (replace_root("54", "12.50"), "whole number"),
        (replace_root("54", "-5"), "whole number"),
        (replace_root("54", "1" * 14), "whole number"),
        (replace_root("62", encode("08", "x" * 26)), "purpose in the code"),
        (replace_root("62", encode("10", "x")), "62/10 is not part of"),
        (replace_root("38", None), "lacks data object 38"),
        (replace_root("38", encode("00", "A000000775") + encode("01", "x")), "another payment"),
        (replace_root("38", encode("00", "A000000727") + encode("02", "QRIBFTTA")), "38/01"),
        (replace_root("38", encode("00", "A000000727") + encode("02", "QRPUSH")), "38/01"),
        (
            replace_root(
                "38",
                encode("00", "A000000727")
                + encode("01", encode("00", "970436") + encode("01", "0011001932418"))
                + encode("02", "QRPUSH"),
            ),
            "other than a transfer",
        ),
        (
            replace_root(
                "38",
                encode("00", "A000000727")
                + encode("01", encode("00", "97043") + encode("01", "1234567"))
                + encode("02", "QRIBFTTA"),
            ),
            "six digits",
        ),
        (
            replace_root(
                "38",
                encode("00", "A000000727")
                + encode("01", encode("00", "970436") + encode("01", "1" * 20))
                + encode("02", "QRIBFTTA"),
            ),
            "1 to 19",
        ),
        (
            replace_root(
                "38",
                encode("00", "A000000727")
                + encode("01", encode("00", "970436") + encode("01", "12") + encode("02", "x"))
                + encode("02", "QRIBFTTA"),
            ),
            "38/01/02 is not part of",
        ),
    ],
)
def test_malformed_payloads_are_refused_with_a_clear_error(text, words):
    assert words in problem(text).message


def test_hostile_and_oversized_input_is_refused_without_work():
    assert "no text" in problem(None).message
    assert "no text" in problem(DYNAMIC.encode()).message
    assert "empty" in problem("   ").message
    assert "at most 512" in problem("0" * (MAX_PAYLOAD + 1)).message
    assert "at most 512" in problem(DYNAMIC * 10_000).message
    assert "characters that no payment code holds" in problem(DYNAMIC[:30] + "\x00").message
    nested = with_crc("000201" + encode("62", encode("62", encode("62", "x"))))
    assert problem(nested).field == "payload"


def test_errors_carry_a_template_and_values_for_translation():
    error = problem(replace_root("58", "TH"))
    assert (error.field, error.params) == ("payload", {})
    error = problem(with_crc("000201000201"))
    assert error.template % error.params == error.message
    assert error.params == {"tag": "00"}


# Account checks ----------------------------------------------------------------------------


def test_banks_are_found_by_bin():
    assert bank_of("970436").short_name == "Vietcombank"
    assert bank_of(" 970405 ").name == "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"
    for wrong in (
        "970499",
        "000000",
        "97043",
        "9704366",
        "abcdef",
        "",
        None,
        970436,
        "９７０４３６",
    ):
        with pytest.raises(VietQRError) as caught:
            bank_of(wrong)
        assert caught.value.field == "bin"


def test_the_bank_list_is_sound_and_agrees_with_its_source():
    bins = [bank.bin for bank in BANKS]
    assert bins == sorted(set(bins))
    assert {"970405", "970415", "970418", "970436", "970422"} <= set(bins)
    source = {b.bin: b for b in BanksObject.values() if b.bin and not b.deprecated}
    for bank in BANKS:
        assert bank.bin in source, bank
        assert source[bank.bin].name == bank.name
        assert source[bank.bin].short_name == bank.short_name


def test_account_numbers():
    assert account_number("0011001932418") == "0011001932418"
    assert account_number(" 0011 0019 32418 ") == "0011001932418"
    assert account_number("1" * 19) == "1" * 19
    # 16 digits from 9704 that fail Luhn: an account number some banks do give.
    assert account_number("9704000000000001") == "9704000000000001"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "Give the account"),
        ("12345", "6 to 19 digits"),
        ("1" * 20, "6 to 19 digits"),
        ("0011-0019", '"-" cannot'),
        ("00110019A", '"A" cannot'),
        ("００１１００１９", '"０" cannot'),
        ("0011\n0019", "U+000A cannot"),
        ("9704000000000000", "card number"),  # 16 digits, Luhn
        ("9704 0000 0000 0000", "card number"),
        ("9704180000000000000", "card number"),  # 19 digits, Luhn
        (None, "not text"),
        (12345678, "not text"),
    ],
)
def test_bad_account_numbers_are_refused(value, words):
    with pytest.raises(VietQRError) as caught:
        account_number(value)
    assert caught.value.field == "account"
    assert words in caught.value.message


def test_card_numbers_are_recognised():
    assert looks_like_card("9704000000000000")
    assert looks_like_card("9704180000000000000")
    assert not looks_like_card("9704000000000001")  # fails Luhn
    assert not looks_like_card("4111111111111111")  # Luhn, but not a domestic card
    assert not looks_like_card("970400000000000000")  # 18 digits


def test_holder_names_are_written_as_banks_show_them():
    assert holder_name("Nguyễn Văn A") == "NGUYEN VAN A"
    assert holder_name("  Ban quản lý   di tích Lam Kinh ") == "BAN QUAN LY DI TICH LAM KINH"
    assert holder_name("ĐỖ THỊ ĐÀO") == "DO THI DAO"
    decomposed = "Nguye\u0302\u0303n"  # NFD, as some keyboards send it
    assert holder_name(decomposed) == "NGUYEN"
    assert holder_name("X" * 50) == "X" * 50


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("HTX 123", '"1" cannot'),
        ("CONG TY A&B", '"&" cannot'),
        ("NGUYEN\tVAN A", "U+0009 cannot"),
        ("NGUYỄN 🙂", '"🙂" cannot'),
        ("ИВАН", '"И" cannot'),
        ("straße", '"ß" cannot'),
        ("A", "2 to 50"),
        ("X" * 51, "2 to 50"),
        ("", "2 to 50"),
        (b"NGUYEN", "not text"),
    ],
)
def test_names_a_bank_would_refuse_are_refused(value, words):
    with pytest.raises(VietQRError) as caught:
        holder_name(value)
    assert caught.value.field == "holder"
    assert words in caught.value.message


def test_purposes_are_folded_to_ascii_within_25_characters():
    assert purpose("Công đức Lam Kinh") == "Cong duc Lam Kinh"
    assert purpose("") == ""
    assert purpose("x" * 25) == "x" * 25
    assert build_payload("970436", "0011001932418", None, "Công đức").endswith(
        encode("62", encode("08", "Cong duc"))
        + "6304"
        + crc_hex(build_payload("970436", "0011001932418", None, "Công đức")[:-4])
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("x" * 26, "26 characters"),
        ("Công đức cho đền Lê Hoàn năm 2026", "at most 25"),
        ("#DH123", '"#" cannot'),
        ("a\nb", "U+000A cannot"),
        ("公德", '"公" cannot'),
        (None, "not text"),
    ],
)
def test_bad_purposes_are_refused(value, words):
    with pytest.raises(VietQRError) as caught:
        purpose(value)
    assert caught.value.field == "purpose"
    assert words in caught.value.message


@pytest.mark.parametrize("amount", [0, -1, 10**13, True, 1.5, "1000"])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(VietQRError) as caught:
        build_payload("970436", "0011001932418", amount)
    assert caught.value.field == "amount"


def test_build_refuses_what_an_official_account_cannot_be():
    for args, field in (
        (("970499", "0011001932418"), "bin"),
        (("970436", "9704000000000000"), "account"),
        (("970436", "0011001932418", None, "x" * 30), "purpose"),
    ):
        with pytest.raises(VietQRError) as caught:
            build_payload(*args)
        assert caught.value.field == field
