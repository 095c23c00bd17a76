"""Benchmark review: checking one 40-entry log and writing all its outputs, and a folder of many logs.

    .venv/bin/python bench/bench_review.py [--folder 500] [--repeat 20]

Single log: median and p95 of ``review_log`` (read, check, feedback report, sign-off sheet, action plan in
Word and Excel, JSON) in one process that has prepared its templates, against the same work done the naive
way (a fresh ``DocxTemplate`` per document, as docxtpl's README shows). Folder: ``review_folder`` on all cores
against one core, for ``--folder`` copies of the log under different staff ids, with files per second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_read import make_logs  # noqa: E402  (the same 40-entry Word log as the read benchmark)


def copies(source: Path, folder: Path, count: int) -> None:
    """``count`` copies of a Word log under different staff ids (custom properties and footer rewritten)."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    for n in range(count):
        staff = f"Q{n:05d}"
        with zipfile.ZipFile(folder / f"{staff}.docx", "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts.items():
                if name.startswith(("docProps", "word/footer")):
                    data = data.replace(b"B1", staff.encode())
                elif name == "word/document.xml":  # each person's reflections are their own
                    data = data.replace(b"factually", f"factually ({staff})".encode())
                out.writestr(name, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from sglogs import load_settings
    from sglogs.frameworks import installed_frameworks
    from sglogs.review import review_folder, review_log

    (ROOT / ".bench-work").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sglogs-bench-review-", dir=ROOT / ".bench-work"))
    try:
        settings = load_settings(outbox=work / "outbox")
        frameworks = installed_frameworks(settings.frameworks_dir)
        shutil_which = shutil.which
        shutil.which = lambda name: None  # no PDF needed here
        log = make_logs(work)["docx"]
        shutil.which = shutil_which
        out = work / "reviews"
        review_log(log, settings, out_dir=out, frameworks=frameworks)  # prepares the templates once
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            review_log(log, settings, out_dir=out, frameworks=frameworks)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"sglogs review benchmark ({os.cpu_count()} cores)")
        print(f"  one 40-entry log, read + check + 4 documents + JSON: median {statistics.median(times):.0f} ms, "
              f"p95 {times[max(0, round(0.95 * len(times)) - 1)]:.0f} ms")
        folder = work / "folder"
        copies(log, folder, args.folder)
        for workers in (1, 0):
            run = load_settings(outbox=work / "outbox", review={"workers": workers})
            target = work / f"reviews-{workers}"
            start = time.perf_counter()
            report = review_folder(folder, run, out_dir=target)
            seconds = time.perf_counter() - start
            label = "one core " if workers == 1 else f"all cores ({os.cpu_count()})"
            print(f"  folder of {args.folder}, {label}: {seconds:.1f} s = {len(report.results) / seconds:.1f} logs/s"
                  f" ({len(report.failures)} unreadable)")
            shutil.rmtree(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
