"""The CSV a print shop feeds its own variable-data printing: one row per stamp."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from qrsvc.generator.data import StampData

__all__ = ["write_stamps_csv"]


def write_stamps_csv(
    stamps: Iterable[StampData], fileobj: TextIO, *, with_pin: bool | None = None
) -> int:
    """Write ``serial,url[,pin]`` rows (with a header) to the text file ``fileobj``.

    Open the file with ``newline=""`` and ``encoding="utf-8"``. The PIN column is there
    when ``with_pin`` says so or, by default, when any stamp has a PIN. Values are written
    exactly: a print shop's software prints them, so nothing is escaped for spreadsheets.
    Returns the number of rows written.
    """
    if with_pin is None:
        stamps = list(stamps)
        with_pin = any(stamp.pin for stamp in stamps)
    writer = csv.writer(fileobj, lineterminator="\r\n")
    writer.writerow(["serial", "url", "pin"] if with_pin else ["serial", "url"])
    count = 0
    for stamp in stamps:
        row = [stamp.serial, stamp.url]
        if with_pin:
            row.append(stamp.pin or "")
        writer.writerow(row)
        count += 1
    return count
