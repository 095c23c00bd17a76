"""Benchmark reading scanned paper logs: sglogs' ``read_scan`` against the naive zxing-cpp loop, same run.

    .venv/bin/python bench/bench_scans.py [--pages 12] [--dpi 200] [--ocr | --no-ocr] [--ocr-pages 4]

Prints several people's generated Word logs with LibreOffice and rasterises them (tests/scans.py, the pages the
tests use), shuffles ``--pages`` of them into one image-only PDF (what a copier writes) and measures:
(a) ``read_scan`` with OCR off, the page codes alone: seconds a page and pages a minute; (b) the same with
Tesseract OCR on the first ``--ocr-pages`` pages, when ``tesseract`` is on PATH; (c) the naive way, in the same
run on the same PDF: the pages rendered and ``zxingcpp.read_barcodes`` tried on every variant of every page
(four turns, downscaled, despeckled, binarised) with no early stop, and the ratio naive / sglogs; (d) peak RSS of
a fresh process reading the PDF (and a one-page PDF, for the cost of each further page); (e) the share of pages
whose identity was found, for each kind of damage (the tests' eight: clean, noise, skew, turns, JPEG, photo).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/scans.py: printed pages and the damage the tests use
FRAMEWORKS = [("Norfolk", "Stage 4"), ("London", "Level 2"), ("PA3", "Level 2"), ("Norfolk", "Stage 6"),
              ("London", "Level 3"), ("Norfolk", "Stage 3")]


def damage_kinds() -> dict[str, Callable[[Any, int], Any]]:
    """Kind of damage -> function(page, seed) -> damaged page, as in tests/test_scans.py ``_damaged``."""
    from tests import scans

    return {"clean": lambda p, i: p, "noise": scans.noisy, "skew +5": lambda p, i: scans.skewed(p, 5),
            "skew -5": lambda p, i: scans.skewed(p, -5), "turned 90": lambda p, i: scans.turned(p, 90),
            "turned 180": lambda p, i: scans.turned(p, 180), "jpeg q30": lambda p, i: scans.jpeg(p, 30),
            "phone photo": scans.phone_photo}


def shuffled_pages(work: Path, settings: Any, soffice: str, count: int) -> tuple[list[tuple[str, Any]], int]:
    """``count`` printed pages of several people's logs, shuffled: ([(staff id, page image)], people)."""
    from tests import scans

    people = max(3, math.ceil(count / 4))
    rows = [scans.ROSTER[0]] + [[f"SB{i:03d}", f"Person{i} Bench", "Bench Nursery", *FRAMEWORKS[i % len(FRAMEWORKS)],
                                 "01/01/2026"] for i in range(people)]
    printed = scans.printed_logs(work, settings, soffice, rows)
    pages = [(staff, page) for staff, (_, images) in printed.items() for page in images]
    random.Random(2026).shuffle(pages)
    return (pages * math.ceil(count / len(pages)))[:count], people


def read_found(pdf: Path, read_settings: Any) -> tuple[float, dict[int, str]]:
    """Seconds for ``read_scan`` on the PDF and the staff id whose code was read on each page (by page number)."""
    from sglogs.errors import NoPageCodeError
    from sglogs.read.scan import read_scan

    start = time.perf_counter()
    try:
        logs = read_scan(pdf.read_bytes(), True, pdf.name, read_settings)
    except NoPageCodeError:
        return time.perf_counter() - start, {}
    seconds = time.perf_counter() - start
    return seconds, {p.source_page: log.identity.staff_id for log in logs for p in log.pages if p.code_found}


def naive_found(pdf: Path, dpi: int) -> tuple[float, dict[int, str]]:
    """The naive loop: render each page, run zxing-cpp on all seven variants, always (no early stop)."""
    import zxingcpp

    from sglogs.core.identity import parse_qr_payload
    from sglogs.read import images
    from sglogs.read.pdf_layer import render_pages

    start = time.perf_counter()
    found: dict[int, str] = {}
    for number, image in enumerate(render_pages(pdf.read_bytes(), dpi, 10**9), start=1):
        small = images.downscaled(image)
        clean = images.despeckled(small)
        variants = [image, *(images.rotated(image, d) for d in (90, 180, 270)), small, clean, images.binarised(clean)]
        for variant in variants:
            for result in zxingcpp.read_barcodes(variant, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=True,
                                                 try_downscale=True):
                code = parse_qr_payload(result.text)
                if code is not None:
                    found.setdefault(number, code.identity.staff_id)
    return time.perf_counter() - start, found


def correct(found: dict[int, str], truth: list[tuple[str, Any]]) -> int:
    """Pages whose code was read and names the person the page belongs to."""
    return sum(found.get(number) == staff for number, (staff, _) in enumerate(truth, start=1))


def peak_rss(pdf: Path, dpi: int, pages: int) -> float:
    """Peak RSS in MB of a fresh process that imports sglogs and reads ``pdf`` (OCR off)."""
    out = subprocess.run([sys.executable, __file__, "--child", str(pdf), str(dpi), str(pages)], check=True,
                         capture_output=True, text=True, timeout=600).stdout
    return float(out.split()[-1])


def child_read(pdf: Path, dpi: int, pages: int) -> None:
    """In the child: read the PDF with OCR off and print this process's peak RSS in MB."""
    from sglogs.config import ReadSettings

    read_found(pdf, ReadSettings(ocr=False, scan_dpi=dpi, max_scan_pages=max(60, pages)))
    print(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


def main() -> None:
    """Make the printed pages, run every measurement, print the numbers and a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=12, help="pages in the shuffled PDF")
    parser.add_argument("--dpi", type=int, default=200, help="rasterising and reading resolution (100-400)")
    parser.add_argument("--ocr", action=argparse.BooleanOptionalAction, default=True,
                        help="also time read_scan with Tesseract OCR (skipped when tesseract is not on PATH)")
    parser.add_argument("--ocr-pages", type=int, default=4, help="pages OCR is timed on (Tesseract: seconds each)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_read(Path(args.child[0]), int(args.child[1]), int(args.child[2]))
        return
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed: there are no printed pages to scan")
    from sglogs import load_settings
    from tests import scans

    scans.DPI = args.dpi  # printed_logs and as_pdf read the module's resolution when called
    (ROOT / ".bench-work").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sglogs-bench-scans-", dir=ROOT / ".bench-work"))
    try:
        settings = load_settings(outbox=work / "outbox")
        read = settings.read.model_copy(update={"ocr": False, "scan_dpi": args.dpi,
                                                "max_scan_pages": max(settings.read.max_scan_pages, args.pages)})
        start = time.perf_counter()
        truth, people = shuffled_pages(work, settings, soffice, args.pages)
        n = len(truth)
        print(f"sglogs scan benchmark: {n} printed pages of {people} people's Word logs, shuffled into one "
              f"image-only PDF at {args.dpi} dpi (printed and rasterised in {time.perf_counter() - start:.1f} s)")
        pdf = scans.as_pdf([page for _, page in truth], work / "copier.pdf")
        one = scans.as_pdf([truth[0][1]], work / "one.pdf")
        read_found(one, read)  # warm imports and PDFium, as a service reading many scans would be
        ours, found = read_found(pdf, read)
        print(f"  (a) read_scan, OCR off : {ours:.2f} s = {ours / n:.3f} s/page = {n / ours * 60:.0f} pages/min; "
              f"identity on {correct(found, truth)}/{n} pages")
        ocr_per_page = None
        if not args.ocr:
            print("  (b) OCR on              : skipped (--no-ocr)")
        elif shutil.which("tesseract") is None:
            print("  (b) OCR on              : skipped (tesseract is not on PATH)")
        else:
            k = max(1, min(args.ocr_pages, n))
            ocr_pdf = scans.as_pdf([page for _, page in truth[:k]], work / "ocr.pdf")
            seconds, _ = read_found(ocr_pdf, read.model_copy(update={"ocr": True}))
            ocr_per_page = seconds / k
            print(f"  (b) read_scan, OCR on  : {seconds:.1f} s for {k} pages = {ocr_per_page:.2f} s/page = "
                  f"{60 / ocr_per_page:.1f} pages/min")
        naive, naive_hits = naive_found(pdf, args.dpi)
        ratio = naive / ours
        print(f"  (c) naive zxing-cpp    : {naive:.2f} s = {naive / n:.3f} s/page (7 variants a page, no early stop); "
              f"identity on {correct(naive_hits, truth)}/{n} pages -> naive/sglogs {ratio:.1f}x")
        rss_n, rss_1 = peak_rss(pdf, args.dpi, n), peak_rss(one, args.dpi, 1)
        per_page = (rss_n - rss_1) / (n - 1) if n > 1 else 0.0
        print(f"  (d) peak RSS           : {rss_n:.0f} MB reading {n} pages, {rss_1:.0f} MB reading 1 page "
              f"(fresh process, imports included) = {per_page:.1f} MB per further page")
        rates = {}
        for kind, damage in damage_kinds().items():
            if kind == "clean":
                hits = correct(found, truth)
            else:
                damaged = scans.as_pdf([damage(page, i + 1) for i, (_, page) in enumerate(truth)],
                                       work / f"{kind.replace(' ', '-')}.pdf")
                hits = correct(read_found(damaged, read)[1], truth)
            rates[kind] = hits
        print("  (e) identity found     : " + ", ".join(f"{kind} {hits}/{n}" for kind, hits in rates.items()))
        print()
        print(f"{'measure':<34}{'value':>14}")
        print(f"{'pages (people)':<34}{f'{n} ({people})':>14}")
        print(f"{'sglogs s/page, OCR off':<34}{ours / n:>14.3f}")
        print(f"{'sglogs pages/min, OCR off':<34}{n / ours * 60:>14.0f}")
        ocr_text = f"{ocr_per_page:.2f}" if ocr_per_page is not None else "skipped"
        print(f"{'sglogs s/page, OCR on':<34}{ocr_text:>14}")
        print(f"{'naive s/page':<34}{naive / n:>14.3f}")
        print(f"{'naive / sglogs':<34}{f'{ratio:.1f}x':>14}")
        print(f"{'peak RSS MB, ' + str(n) + ' pages':<34}{rss_n:>14.0f}")
        for kind, hits in rates.items():
            print(f"{'decode rate, ' + kind:<34}{f'{hits / n:.0%}':>14}")
        print(f"measured {dt.datetime.now():%Y-%m-%d %H:%M}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
