"""Benchmark: 1,000 unique stamps on the 40-per-page A4 sheet, fast path against naive.

    .venv/bin/python bench/stamp_sheet.py            # 1,000 stamps, both ways, verify
    .venv/bin/python bench/stamp_sheet.py --big 100000 [--verify-big]

Everything runs in one process pinned to one core. The fast path is the generator as
shipped (zxing-cpp symbols drawn as ReportLab vector paths over a static design form);
the naive baseline is what most tutorials do: python-qrcode SVG inlined in HTML,
rendered by WeasyPrint. Both start from the same (serial, URL) pairs and end with PDF
bytes. The big run happens in a child process so its peak RSS is its own.

Targets (issue 6): >= 1,000 stamps/s, >= 8x the baseline, verifying 1,000 in < 2 s,
100,000 stamps with peak memory < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qrsvc.generator import StampData, get_format, render_pdf, verify_pdf, write_pdf  # noqa: E402
from qrsvc.stamps.codes import serial_label, stamp_url  # noqa: E402

FORMAT = "stamp-20mm-a4"
PUBLIC_URL = "https://qr.thoxuan.vn"
KEY = b"benchmark stamp key, not a secret"
FIRST_SERIAL = 1_000_001  # serials of a district a few runs in: 5-character tokens


def stamp_pairs(count: int, start: int = FIRST_SERIAL) -> list[tuple[str, str]]:
    """(printed serial, URL) pairs for ``count`` consecutive serials, as a run allots them."""
    return [(serial_label(n), stamp_url(PUBLIC_URL, KEY, n)) for n in range(start, start + count)]


def max_rss_mb() -> float:
    """This process's peak resident set size so far, in MB.

    Linux's ``VmHWM`` is the high-water mark of this program's own memory; getrusage's
    ``ru_maxrss`` survives exec, so a child started by a big parent would report the
    parent's peak. ``ru_maxrss`` (KiB on Linux) is the fallback elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fast_render(pairs: list[tuple[str, str]]) -> bytes:
    """The shipped path: records in, PDF bytes out."""
    stamps = [StampData(serial=serial, url=url) for serial, url in pairs]
    return render_pdf(FORMAT, stamps)


NAIVE_CSS = """
@page { size: A4; margin: 33.5mm 35mm; }
body { margin: 0; font-family: sans-serif; }
.sheet { display: grid; grid-template-columns: repeat(5, 20mm); column-gap: 10mm;
         grid-auto-rows: 20mm; row-gap: 10mm; break-after: page; }
.stamp { text-align: center; font-size: 6pt; }
.stamp svg { width: 16mm; height: 16mm; display: block; margin: 0 auto; }
"""


def naive_render(pairs: list[tuple[str, str]]) -> bytes:
    """The tutorial way: python-qrcode SVG per stamp, inlined in HTML, WeasyPrint."""
    import qrcode
    import qrcode.image.svg
    from weasyprint import HTML

    cells = []
    for serial, url in pairs:
        svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).to_string()
        cells.append(f'<div class="stamp">{svg.decode()}<div>{serial}</div></div>')
    sheets = [
        '<div class="sheet">' + "".join(cells[i : i + 40]) + "</div>"
        for i in range(0, len(cells), 40)
    ]
    html = f"<html><head><style>{NAIVE_CSS}</style></head><body>{''.join(sheets)}</body></html>"
    return HTML(string=html).write_pdf()


def timed(function, *args) -> tuple[float, float, object]:
    """Wall seconds and CPU seconds taken by ``function(*args)``, and its result.

    CPU time is printed beside wall time: on a shared machine other processes stretch the
    wall clock, not the work this process does on its core.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def verdict(ok: bool) -> str:
    """How a target reads in the report."""
    return "target met" if ok else "target MISSED"


def run_big(count: int, verify: bool) -> dict:
    """Child process: stream ``count`` stamps to a temporary file; report time and peak RSS."""
    fmt = get_format(FORMAT)

    def stamps():
        for n in range(FIRST_SERIAL, FIRST_SERIAL + count):
            yield StampData(serial=serial_label(n), url=stamp_url(PUBLIC_URL, KEY, n))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.pdf"
        started, cpu = time.perf_counter(), time.process_time()
        with path.open("wb") as out:
            pages = write_pdf(fmt, stamps(), out)
        seconds = time.perf_counter() - started
        report = {
            "count": count,
            "pages": pages,
            "seconds": seconds,
            "cpu_seconds": time.process_time() - cpu,
            "bytes": path.stat().st_size,
            "max_rss_mb": max_rss_mb(),
        }
        if verify:
            result = verify_pdf(path, [url for _, url in stamp_pairs(count)])
            report.update(
                verified=str(result),
                verify_seconds=result.seconds,
                verify_max_rss_mb=max_rss_mb(),
            )
    return report


def main() -> None:
    """Run the comparison (and the big run when asked) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="stamps in the comparison")
    parser.add_argument("--big", type=int, default=0, help="also stream this many stamps")
    parser.add_argument("--verify-big", action="store_true", help="verify the big run too")
    parser.add_argument("--child-big", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, honestly
    if args.child_big:
        print(json.dumps(run_big(args.child_big, args.verify_big)))
        return

    count = args.count
    pairs = stamp_pairs(count)
    rss_start = max_rss_mb()
    cold, _, pdf = timed(fast_render, pairs)
    rss_fast = max_rss_mb() - rss_start
    warm = [timed(fast_render, pairs)[:2] for _ in range(3)]
    fast_rate = count / statistics.median(wall for wall, _ in warm)
    fast_cpu_rate = count / statistics.median(cpu for _, cpu in warm)
    tracemalloc.start()
    fast_render(pairs)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    result = verify_pdf(pdf, [url for _, url in pairs])

    naive_render(pairs[:40])  # warm up WeasyPrint's imports and font cache
    rss_before_naive = max_rss_mb()
    naive_seconds, naive_cpu, naive_pdf = timed(naive_render, pairs)
    rss_naive = max_rss_mb() - rss_before_naive
    naive_rate = count / naive_seconds
    ratio = fast_rate / naive_rate

    print(f"stamp sheets: {count:,} unique stamps on {FORMAT} (40 per A4 page), one core")
    print(
        f"  fast  zxing-cpp + ReportLab vector paths: {fast_rate:8,.0f} stamps/s "
        f"(median of 3 warm runs; first run {cold:.2f} s = {count / cold:,.0f}/s), "
        f"{len(pdf) / 1e3:,.0f} kB"
    )
    print(
        f"  naive python-qrcode SVG + WeasyPrint:     {naive_rate:8,.0f} stamps/s "
        f"({naive_seconds:.2f} s), {len(naive_pdf) / 1e3:,.0f} kB"
    )
    print(
        f"  ratio: {ratio:.1f}x; CPU time: fast {fast_cpu_rate:,.0f}/s, naive "
        f"{count / naive_cpu:,.0f}/s, ratio {fast_cpu_rate / (count / naive_cpu):.1f}x"
    )
    print(
        f"  peak memory, fast: +{rss_fast:.0f} MB RSS over start, {traced_peak:.0f} MB traced "
        f"by tracemalloc; naive: +{rss_naive:.0f} MB RSS"
    )
    print(f"  verification: {result} in {result.seconds:.2f} s")
    print(f"  >= 1,000 stamps/s: {verdict(fast_rate >= 1000)} ({fast_rate:,.0f}/s, wall clock)")
    print(f"  >= 8x naive:       {verdict(ratio >= 8)} ({ratio:.1f}x)")
    print(
        f"  verify < 2 s:      {verdict(result.ok and result.seconds < 2)} "
        f"({result.seconds:.2f} s, {result})"
    )
    if args.big:
        command = [sys.executable, __file__, "--child-big", str(args.big)]
        if args.verify_big:
            command.append("--verify-big")
        child = subprocess.run(command, check=True, capture_output=True, text=True)
        big = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"big run: {big['count']:,} stamps, {big['pages']:,} pages, {big['seconds']:.1f} s "
            f"({big['count'] / big['seconds']:,.0f} stamps/s; "
            f"{big['count'] / big['cpu_seconds']:,.0f}/s of CPU time), "
            f"{big['bytes'] / 1e6:.1f} MB PDF, "
            f"peak RSS {big['max_rss_mb']:.0f} MB"
        )
        if "verified" in big:
            print(
                f"  {big['verified']} in {big['verify_seconds']:.1f} s, "
                f"peak RSS with verification {big['verify_max_rss_mb']:.0f} MB"
            )
        print(
            f"  < 300 MB peak (rendering): {verdict(big['max_rss_mb'] < 300)} "
            f"({big['max_rss_mb']:.0f} MB)"
        )


if __name__ == "__main__":
    main()
