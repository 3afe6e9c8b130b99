"""An owner's official payment code as a page shows it: the QR code and, in words, the
bank, the holder's name and number, and when staff last verified it.

    code = payment_code(relic)          # None without a verified account
    code.svg       -> '<svg ...>'       inline, drawn here (no request to anyone)
    code.bank_name -> "Ngân hàng TMCP Ngoại Thương Việt Nam"

The words matter as much as the code: a visitor's banking app shows the holder's name
before the transfer is confirmed, and a sticker's code names someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from qrsvc.generator.qr import encode_qr, svg_element
from qrsvc.payments.access import Owner
from qrsvc.payments.accounts import verified_account
from qrsvc.vietqr import VietQRError, bank_of, build_payload

#: The code's width on a page, in CSS pixels: big enough to scan from another phone's
#: screen, small enough for a 360 px wide phone.
CODE_WIDTH = "224"


@dataclass(frozen=True)
class PaymentCode:
    """What a page shows of an owner's verified account."""

    payload: str
    svg: Markup
    bank_bin: str
    bank_name: str  # the bank's Vietnamese name, as the bank list has it
    bank_short_name: str
    holder_name: str
    account_number: str
    verified_at: datetime | None


def payment_code(owner: Owner) -> PaymentCode | None:
    """The code of ``owner``'s verified account, or None when it has none to show.

    An account whose bank has left the bank list gives None too (as
    :func:`qrsvc.payments.official_payload` does): a code banks might refuse is not shown.
    """
    account = verified_account(owner)
    if account is None:
        return None
    try:
        bank = bank_of(account.bank_bin)
        payload = build_payload(account.bank_bin, account.account_number)
    except VietQRError:
        return None
    # ECC "M" as the printed signs use; the SVG is our own drawing (paths only), safe markup.
    svg = Markup(svg_element(encode_qr(payload, "M"), CODE_WIDTH))  # noqa: S704
    return PaymentCode(
        payload=payload,
        svg=svg,
        bank_bin=bank.bin,
        bank_name=bank.name,
        bank_short_name=bank.short_name,
        holder_name=account.holder_name,
        account_number=account.account_number,
        verified_at=account.verified_at,
    )
