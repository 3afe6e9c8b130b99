"""Benchmark: signs and label sheets with the payment code beside the page code (issue 16.4).

    .venv/bin/python bench/payment_print.py            # 20 signs, 20 label sheets, verify
    .venv/bin/python bench/payment_print.py --signs 50 --sheets 50

One process pinned to one core. Each format with a payment slot is measured beside the
shipped format of its kind without one (sign-a4-donation against sign-a4, 10-up payment
labels against the 21-up 3x7 sheet), from records to PDF bytes, then the whole document
is verified: every page code and payment code decoded, every payment code parsed and
checked against the verified account. CPU time is the measure (the machine is shared;
wall time is printed beside it).

Targets: >= 3 signs/s and >= 0.5 label sheets/s with the payment code (CPU time); the
slot costs at most 1.5x the CPU time per page of the same kind without it; verifying
costs < 0.5 s per page; every document verifies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qrsvc.generator import (  # noqa: E402
    LabelData,
    PaymentCode,
    SignData,
    expected_codes,
    get_format,
    render_pdf,
    verify_pdf,
)
from qrsvc.vietqr import build_payload  # noqa: E402

BIN, ACCOUNT = "970436", "0011001932418"
PAYMENT = PaymentCode(
    payload=build_payload(BIN, ACCOUNT), holder="BAN QUAN LY DI TICH LAM KINH", bank="Vietcombank"
)
RELICS = [
    ("Khu di tích Lam Kinh", "Lam Kinh Historical Site"),
    ("Đền thờ Lê Hoàn", "Temple of King Lê Hoàn"),
    ("Chùa Thanh Nguyên và hang động núi Hàm Rồng", "Thanh Nguyen Pagoda and the Ham Rong caves"),
]
PAIRS = [("sign-a4-donation", "sign-a4"), ("label-a4-pay-2x5", "label-a4-3x7")]


def signs(count: int, payment: PaymentCode | None) -> list[SignData]:
    """``count`` different signs (titles of several lengths), with or without the code."""
    return [
        SignData(
            title_vi=RELICS[n % len(RELICS)][0],
            title_en=RELICS[n % len(RELICS)][1],
            relic_code=f"R{n:03d}",
            url=f"HTTPS://QR.THOXUAN.VN/R/R{n:03d}",
            short_url=f"qr.thoxuan.vn/r/R{n:03d}",
            rank_vi="Di tích quốc gia",
            payment=payment,
        )
        for n in range(count)
    ]


def labels(count: int, payment: PaymentCode | None) -> list[LabelData]:
    """``count`` labels of one batch, as a sheet run prints them."""
    label = LabelData(
        product_name="Bánh gai Tứ Trụ",
        producer="Hợp tác xã bánh gai Tứ Trụ, xã Thọ Xuân",
        lot="TT2511A",
        url="HTTPS://QR.THOXUAN.VN/01/08931234567895/10/TT2511A",
        production_date=dt.date(2025, 11, 20),
        expiry_date=dt.date(2025, 11, 27),
        ocop_stars=4,
        payment=payment,
    )
    return [label] * count


def measure(name: str, pages: int) -> dict:
    """Render ``pages`` pages of format ``name`` three times; the median, and a verification."""
    fmt = get_format(name)
    with_code = fmt.payment is not None
    count = pages * fmt.per_page
    make = signs if fmt.kind == "sign" else labels
    records = make(count, PAYMENT if with_code else None)
    render_pdf(fmt, records[:1])  # fonts and templates loaded once, as in a worker
    runs = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_pdf(fmt, records)
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    result = verify_pdf(pdf, expected_codes(fmt, records), account=(BIN, ACCOUNT))
    return {
        "name": name,
        "pages": pages,
        "items": count,
        "wall": statistics.median(w for w, _ in runs),
        "cpu": statistics.median(c for _, c in runs),
        "verified": result,
    }


def verdict(ok: bool) -> str:
    """How a target reads in the report."""
    return "target met" if ok else "target MISSED"


def main() -> int:
    """Measure each pair and print the figures and the targets; exit 1 if one is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signs", type=int, default=20, help="signs (one per page)")
    parser.add_argument("--sheets", type=int, default=20, help="label sheets")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, honestly
    ok = True
    print("payment codes in print: one core, CPU time (wall time in brackets)")
    for slotted, plain in PAIRS:
        pages = args.signs if slotted.startswith("sign") else args.sheets
        a, b = measure(slotted, pages), measure(plain, pages)
        for m in (a, b):
            result = m["verified"]
            print(
                f"  {m['name']:18} {m['pages'] / m['cpu']:6.2f} pages/s "
                f"({m['pages'] / m['wall']:.2f}), {m['items'] / m['cpu']:7.1f} items/s; "
                f"{result} in {result.seconds:.2f} s"
            )
        kind = "signs" if slotted.startswith("sign") else "label sheets"
        floor = 3.0 if kind == "signs" else 0.5
        rate = a["pages"] / a["cpu"]
        cost = (a["cpu"] / a["pages"]) / (b["cpu"] / b["pages"])
        per_page = a["verified"].seconds / a["pages"]
        checks = [
            (f">= {floor:g} {kind}/s with the code", rate >= floor, f"{rate:.2f}/s"),
            ("<= 1.5x the CPU per page without", cost <= 1.5, f"{cost:.2f}x"),
            ("verify < 0.5 s a page", per_page < 0.5, f"{per_page:.2f} s"),
            ("every code verified", a["verified"].ok and b["verified"].ok, str(a["verified"])),
        ]
        for label, met, figure in checks:
            print(f"    {label:36} {verdict(met)} ({figure})")
            ok = ok and met
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
