"""GS1 identifiers: GTIN check digits and Digital Link URIs (pure Python, no Flask)."""

from .attributes import gs1_date
from .charset import MAX_LENGTH, SET_82, percent_encode
from .check_digit import VIETNAM_PREFIX, gtin_check_digit, normalise_gtin, vietnam_gtin13
from .digital_link import (
    DigitalLink,
    build_path,
    parse_path,
    parse_uri,
)
from .errors import DigitalLinkError

__all__ = [
    "MAX_LENGTH",
    "SET_82",
    "VIETNAM_PREFIX",
    "DigitalLink",
    "DigitalLinkError",
    "build_path",
    "gs1_date",
    "gtin_check_digit",
    "normalise_gtin",
    "parse_path",
    "parse_uri",
    "percent_encode",
    "vietnam_gtin13",
]
