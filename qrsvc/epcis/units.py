"""Units of measure: the UN/ECE Recommendation 20 codes an OCOP producer uses, named in
Vietnamese and English.

    unit_code("kg") -> "KGM";  unit_code("hộp") -> "XBX";  unit_code("bó lá") -> None
    unit_label("XBX", "vi") -> "hộp";  unit_label("XBX", "en") -> "boxes"

EPCIS 2.0 gives a quantity's ``uom`` as a Rec. 20 code (packages as Rec. 21 codes
with an ``X`` in front, as Rec. 20 annex V says), so the stored unit is always one of
:data:`UNITS`: a quantity in a unit without a code could not be exported. Pure data
and functions: no Flask, no database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["UNITS", "Unit", "unit_code", "unit_label"]


@dataclass(frozen=True)
class Unit:
    """One unit: its Rec. 20 code, the words written after an amount, and other spellings."""

    code: str
    vi: str
    en: str
    spellings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (2 <= len(self.code) <= 3 and self.code.isupper() and self.code.isalnum()):
            raise ValueError(f"{self.code!r} is not a Rec. 20 code")
        if not (self.vi and self.en):
            raise ValueError(f"unit {self.code} needs a Vietnamese and an English label")

    def label(self, lang: str) -> str:
        """The words in ``lang``: Vietnamese for ``vi``, English for every other language."""
        return self.vi if lang == "vi" else self.en


#: Weights and volumes first, then counts and packages: the order of the admin's list.
UNITS: tuple[Unit, ...] = (
    Unit("KGM", "kg", "kg", ("kilogram", "kilôgam", "kí", "ký", "kgs")),
    Unit("GRM", "g", "g", ("gr", "gram", "gam", "gờ-ram")),
    Unit("MGM", "mg", "mg", ("milligram", "miligam")),
    Unit("TNE", "tấn", "t", ("t", "tonne", "tonnes", "ton", "tons")),
    Unit("LTR", "lít", "l", ("l", "lit", "litre", "litres", "liter", "liters")),
    Unit("MLT", "ml", "ml", ("mililít", "millilitre", "milliliter")),
    Unit("MTQ", "m³", "m³", ("m3", "khối", "mét khối")),
    Unit("MTR", "m", "m", ("mét", "metre", "meter")),
    Unit("MTK", "m²", "m²", ("m2", "mét vuông")),
    Unit("HAR", "ha", "ha", ("héc-ta", "hecta", "hectare", "hectares")),
    Unit("H87", "cái", "pcs", ("chiếc", "quả", "con", "piece", "pieces", "pc", "pcs")),
    Unit("PR", "đôi", "pairs", ("pair", "pairs")),
    Unit("SET", "bộ", "sets", ("set", "sets")),
    Unit("DZN", "tá", "dozen", ("dozen",)),
    Unit("XBX", "hộp", "boxes", ("box", "boxes")),
    Unit("XBO", "chai", "bottles", ("bottle", "bottles")),
    Unit("XJR", "hũ", "jars", ("lọ", "jar", "jars")),
    Unit("XBG", "túi", "bags", ("bag", "bags")),
    Unit("XPK", "gói", "packs", ("pack", "packs", "package", "packages")),
    Unit("XCT", "thùng", "cartons", ("thùng các-tông", "carton", "cartons")),
    Unit("XTN", "lon", "tins", ("tin", "tins", "can", "cans")),
    Unit("XSA", "bao", "sacks", ("sack", "sacks", "bao tải")),
    Unit("XBE", "bó", "bundles", ("bundle", "bundles")),
    Unit("XBK", "giỏ", "baskets", ("rổ", "basket", "baskets")),
    Unit("XPU", "khay", "trays", ("tray", "trays")),
    Unit("XBJ", "xô", "buckets", ("bucket", "buckets")),
)

_BY_CODE = {unit.code: unit for unit in UNITS}


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _spellings() -> dict[str, str]:
    found: dict[str, str] = {}
    for unit in UNITS:
        for text in (unit.code, unit.vi, unit.en, *unit.spellings):
            if found.setdefault(_key(text), unit.code) != unit.code:
                raise ValueError(f"{text!r} names two units")
    return found


#: Every way of writing a unit, folded: codes, both labels and the other spellings.
_SPELLINGS = _spellings()


def unit_code(text: str | None) -> str | None:
    """The Rec. 20 code of a unit as written (``KGM``, ``kg``, ``Lít``), or None if unknown.

    Case and extra spaces are forgiven (accents are not: "bo" is not "bó"); a unit not
    in :data:`UNITS` is None, never guessed.
    """
    if not text or len(text) > 40:
        return None
    return _SPELLINGS.get(_key(text))


def unit_label(code: str | None, lang: str) -> str:
    """The words shown after an amount in ``lang``; text that is not a known unit unchanged."""
    if not code:
        return ""
    known = unit_code(code)
    return _BY_CODE[known].label(lang) if known else code
