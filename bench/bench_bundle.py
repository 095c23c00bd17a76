"""Benchmark evidence bundles: time, throughput and peak memory of ``build_bundle`` and ``verify_bundle`` for N
and 4N people, to show memory does not grow with the size of a bundle.

    .venv/bin/python bench/bench_bundle.py [--people 1000] [--big-mb 4] [--work DIR] [--keep]

Makes one real reviewed log (generated, filled with 40 evidence entries, reviewed by ``review_log``), then
outboxes of N and 4N people by cloning that person's review folder under new staff ids (a new evidence JSON per person;
the original log and review documents are hard links, so the disk holds one copy), one outbox per size, bundled
with ``--all`` as an audit of a whole organisation would be. Each measurement runs in a
fresh process; "peak RSS" is the process's peak during the step (reset after imports and set-up), "growth" that
peak minus the RSS the step started with.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = 40


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:  # resident pages now
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _reset_peak() -> None:
    # Linux keeps the peak (VmHWM) since the process started; importing sglogs peaks above what a bundle needs,
    # so the peak is reset once set-up is done. Without /proc the lifetime peak is reported instead.
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def make_person(work: Path) -> Path:
    """One generated, filled and reviewed log; returns the outbox holding its review folder."""
    import docx

    from sglogs import GenerateOptions, generate_logs, load_settings
    from sglogs.review import review_log

    roster = work / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Setting", "Framework", "Level", "Period start"])
        writer.writerow(["B0", "Bench Person", "Bench Setting", "Norfolk", "Stage 6", "01/01/2026"])
    settings = load_settings(outbox=work / "seed")
    generate_logs(GenerateOptions(roster=roster, out=work / "logs"), settings)
    path = next((work / "logs").rglob("*.docx"))
    document = docx.Document(path)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Date")
    while len(table.rows) < ENTRIES + 1:
        table.add_row()
    for index, row in enumerate(table.rows[1:ENTRIES + 1]):
        values = (f"{1 + index % 28}/{1 + index % 12}/2026", f"Learning activity number {index}", "E-learning",
                  "1.5", f"6.{1 + index % 9}", "I learned how to record a concern factually. Since then I have used "
                  "the chronology template twice and discussed it in supervision with my manager.")
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = value
    document.save(path)
    review_log(path, settings, out_dir=settings.outbox / "reviews", today=dt.date(2026, 12, 15))
    return settings.outbox


def clone_people(seed: Path, outbox: Path, count: int, original_mb: int = 0) -> None:
    """``count`` people in ``outbox/reviews``, each a copy of the seed's review under a new staff id.

    ``original_mb`` > 0 pads the original log with random bytes to that size (a scanned, signed PDF is that
    large), to show that the size of the files does not change the memory a bundle takes.
    """
    evidence = next((seed / "reviews").rglob("*_evidence.json"))
    data = json.loads(evidence.read_text(encoding="utf-8"))
    old_stem = evidence.name.removesuffix("_evidence.json")
    original = Path(data["log"]["source"]["path"])
    originals = outbox / "originals"
    originals.mkdir(parents=True)
    if original_mb:
        padded = originals / f"padded-{original.name}"
        content = original.read_bytes()
        padded.write_bytes(content + random.Random(0).randbytes(original_mb * 1024 * 1024 - len(content)))
        original = padded
        data["log"]["source"]["sha256"] = hashlib.sha256(padded.read_bytes()).hexdigest()
    for number in range(count):
        staff_id = f"B{number:05d}"
        stem = old_stem.replace("B0-", f"{staff_id}-", 1)
        folder = outbox / "reviews" / staff_id
        folder.mkdir(parents=True)
        for doc in evidence.parent.glob(f"{old_stem}_*"):
            if not doc.name.endswith("_evidence.json"):
                os.link(doc, folder / doc.name.replace(old_stem, stem))
        copy = originals / f"{staff_id}_{original.name}"
        os.link(original, copy)
        log = dict(data["log"], log_id=stem, staff=dict(data["log"]["staff"], id=staff_id),
                   source=dict(data["log"]["source"], path=str(copy)))
        (folder / f"{stem}_evidence.json").write_text(json.dumps(dict(data, log=log)), encoding="utf-8")


def child(args: argparse.Namespace) -> None:
    """One measurement in a fresh process; prints one JSON line."""
    from sglogs import load_settings
    from sglogs.bundle import BundleOptions, BundleScope, build_bundle, verify_bundle

    settings = load_settings(outbox=Path(args.outbox))
    out = Path(args.out)
    if args.child == "build":
        scope = BundleScope(everyone=True)
        _reset_peak()
        base = _rss_mb()
        start = time.perf_counter()
        report = build_bundle(BundleOptions(scope=scope, out=out), settings)
        seconds = time.perf_counter() - start
        result = {"people": report.people, "files": report.files, "bytes": report.bytes}
    else:
        _reset_peak()
        base = _rss_mb()
        start = time.perf_counter()
        report = verify_bundle(out)
        seconds = time.perf_counter() - start
        assert report.intact, report
        result = {"files": len(report.ok), "bytes": None}
    print(json.dumps({**result, "seconds": seconds, "base_mb": base, "peak_mb": _peak_mb(),
                      "zip_bytes": out.stat().st_size}))


def measure(kind: str, outbox: Path, out: Path, people: int) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--outbox", str(outbox), "--out", str(out),
               "--people", str(people)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="N (the second run bundles 4N)")
    parser.add_argument("--work", type=Path, help="folder for the data [default: a temporary folder]")
    parser.add_argument("--big-mb", type=int, default=4, help="a third run: N/4 people whose original log is "
                        "padded to this many MB (0: skip)")
    parser.add_argument("--keep", action="store_true", help="keep the data")
    parser.add_argument("--child", choices=("build", "verify"), help=argparse.SUPPRESS)
    parser.add_argument("--outbox", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="sglogs-bench-bundle-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        seed = make_person(work)
        runs = [(args.people, 0), (4 * args.people, 0)]
        if args.big_mb:
            runs.append((max(1, args.people // 4), args.big_mb))
        for people, big in runs:
            clone_people(seed, work / f"outbox-{people}-{big}", people, big)
        print(f"data made in {time.perf_counter() - start:.1f} s ({work})")
        print(f"{'people':>7} {'original':>8} {'step':>6} {'files':>7} {'MB in':>8} {'zip MB':>8} {'seconds':>8} "
              f"{'MB/s':>7} {'peak RSS MB':>12} {'growth MB':>10}")
        for people, big in runs:
            outbox, out = work / f"outbox-{people}-{big}", work / f"bundle-{people}-{big}.zip"
            built = measure("build", outbox, out, people)
            checked = measure("verify", outbox, out, people)
            out.unlink()
            for step, row in (("build", built), ("verify", checked)):
                size = built["bytes"] / 1024 / 1024
                print(f"{people:>7} {f'{big} MB' if big else 'real':>8} {step:>6} {row['files']:>7} {size:>8.1f} "
                      f"{row['zip_bytes'] / 1024 / 1024:>8.1f} {row['seconds']:>8.2f} {size / row['seconds']:>7.1f} "
                      f"{row['peak_mb']:>12.1f} {row['peak_mb'] - row['base_mb']:>10.1f}")
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
