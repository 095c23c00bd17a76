"""Benchmark reading scanned paper logs: identity per page, time per page, memory, against the naive decode.

    .venv/bin/python bench/bench_scans.py [--copies 2] [--no-ocr]   # about 40 s without OCR, 7 min with

Prints the generated Word logs of two people with LibreOffice, rasterises them at 200 dpi (tests/scans.py, the
pages the tests use), damages every page eight ways (clean, noise, skew +5/-5 degrees, turned 90/180, JPEG
quality 30, phone photo), and shuffles them into one image-only PDF. Then it times ``read_scan`` on that PDF
(OCR off: the page codes alone, then with OCR when Tesseract is installed) and, for comparison in the same run,
the naive decode: zxing-cpp on every variant of every page (all turns, downscaled, despeckled, binarised)
without stopping at the first code found. Prints the identification rate per kind of damage, seconds per page,
pages a minute, peak memory of the process (its own page images included) and the ratio naive / sglogs.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/scans.py: the printed pages and the damage the tests use

DAMAGE = ("clean", "noise", "skew +5", "skew -5", "turned 90", "turned 180", "jpeg q30", "phone photo")


def damaged_pages(printed: dict, copies: int) -> list[tuple[str, str, object]]:
    """(kind of damage, staff id, page image) for every printed page under every kind of damage, ``copies`` times."""
    from tests import scans

    kinds = {"clean": lambda p, i: p, "noise": scans.noisy, "skew +5": lambda p, i: scans.skewed(p, 5),
             "skew -5": lambda p, i: scans.skewed(p, -5), "turned 90": lambda p, i: scans.turned(p, 90),
             "turned 180": lambda p, i: scans.turned(p, 180), "jpeg q30": lambda p, i: scans.jpeg(p, 30),
             "phone photo": scans.phone_photo}
    made = []
    for copy in range(copies):
        for kind in DAMAGE:
            for staff, (_, pages) in printed.items():
                for index, page in enumerate(pages):
                    made.append((kind, staff, kinds[kind](page, copy * 100 + index + 1)))
    return made


def sglogs_read(pdf: Path, settings: object) -> tuple[float, dict[int, str]]:
    """Seconds for ``read_scan`` on the whole PDF, and the staff id found for each page (by page number)."""
    from sglogs.read.scan import read_scan

    started = time.perf_counter()
    logs = read_scan(pdf.read_bytes(), True, pdf.name, settings.read)
    seconds = time.perf_counter() - started
    found = {page.source_page: log.identity.staff_id for log in logs for page in log.pages if page.code_found}
    return seconds, found


def naive_read(pdf: Path, dpi: int) -> float:
    """Seconds to render the PDF's pages and try zxing-cpp on every variant of every page, never stopping early."""
    from sglogs.read import images as variants
    from sglogs.read.pdf_layer import render_pages
    from sglogs.read.qr import find_page_code

    started = time.perf_counter()
    for image in render_pages(pdf.read_bytes(), dpi, 10**9):
        small = variants.downscaled(image)
        for variant in (image, *(variants.rotated(image, d) for d in (90, 180, 270)), small,
                        variants.despeckled(small), variants.binarised(variants.despeckled(small))):
            find_page_code(variant)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="times each damaged page set is repeated")
    parser.add_argument("--no-ocr", action="store_true", help="skip the OCR timing even if Tesseract is installed")
    args = parser.parse_args(argv)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed: no printed pages to scan (make test installs it).", file=sys.stderr)
        return 2
    from sglogs.config import load_settings
    from tests import scans

    with tempfile.TemporaryDirectory(prefix="sglogs-bench-scans-") as work:
        tmp = Path(work)
        settings = load_settings(outbox=tmp / "outbox")
        printed = scans.printed_logs(tmp, settings, soffice)
        pages = damaged_pages(printed, args.copies)
        order = list(range(len(pages)))
        random.Random(2026).shuffle(order)
        shuffled = [pages[i] for i in order]
        pdf = scans.as_pdf([page for _, _, page in shuffled], tmp / "copier-scan.pdf")
        # one PDF of every damaged page: more than a real copier run, so the page limit is raised to fit
        settings = settings.model_copy(update={"read": settings.read.model_copy(
            update={"max_scan_pages": len(pages)})})
        no_ocr = settings.model_copy(update={"read": settings.read.model_copy(update={"ocr": False})})
        seconds, found = sglogs_read(pdf, no_ocr)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        naive = naive_read(pdf, settings.read.scan_dpi)
        ocr_seconds = None
        if not args.no_ocr and shutil.which("tesseract"):
            ocr_seconds, _ = sglogs_read(pdf, settings)
    total, right = Counter(), Counter()
    for number, (kind, staff, _) in enumerate(shuffled, start=1):
        total[kind] += 1
        right[kind] += found.get(number) == staff
    n = len(shuffled)
    print(f"{n} pages of {len(printed)} people's printed Word logs at {scans.DPI} dpi, shuffled into one PDF")
    print(f"{'damage':<14}{'identified':>12}")
    for kind in DAMAGE:
        print(f"{kind:<14}{right[kind]:>6}/{total[kind]:<5}")
    print(f"{'all':<14}{sum(right.values()):>6}/{n:<5} ({sum(right.values()) / n:.1%})")
    print(f"sglogs read_scan, codes only: {seconds:.1f} s, {seconds / n:.2f} s a page, {n / seconds * 60:.0f} pages "
          f"a minute; peak memory of this process (the damaged pages included) {peak_mb:.0f} MB")
    print(f"naive (rendered, every variant of every page tried): {naive:.1f} s, {naive / n:.2f} s a page; "
          f"ratio naive / sglogs {naive / seconds:.1f}x")
    if ocr_seconds is not None:
        print(f"with Tesseract OCR: {ocr_seconds:.1f} s, {ocr_seconds / n:.2f} s a page")
    else:
        print("OCR not timed (Tesseract not installed, or --no-ocr)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
