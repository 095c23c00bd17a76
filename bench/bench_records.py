"""Benchmark finding an installation's reviews through the record index, against the folder glob it replaced.

    .venv/bin/python bench/bench_records.py [--people 5000] [--work DIR] [--keep]

Makes one real reviewed log (generated, filled with 30 evidence entries, reviewed by ``review_log``), then clones
its evidence JSON under N staff ids: a third in ``outbox/reviews`` (the old layout), a third in a setting's
``outbox/<setting>/reviews`` and a third in a folder outside the outbox, each clone listed in the record index as
``review`` lists it. It times, best of 5:

* finding the evidence files: ``indexed_reviews`` (index + the outbox's own review folders) against the naive
  ``rglob`` of ``outbox/reviews`` that the cycle used before (which finds only a third of them);
* loading every record: ``outbox_reviews`` against ``load_reviews(outbox/reviews)`` (the same third), per record.

The ratio says what finding every review costs over the glob; per record, the index adds one small read.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _one_review(work: Path) -> Path:
    from sglogs.config import load_settings
    from sglogs.generate.logs import GenerateOptions, generate_logs
    from sglogs.review import review_log
    from tests.simulator import fill_docx, log_competency_ids, log_period, make_entries

    roster = work / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Setting", "Framework", "Level", "Period start"])
        writer.writerow(["B1", "Sam Bench", "Acorns", "norfolk-nscp-2024", "7", "01/01/2026"])
    settings = load_settings(outbox=work / "seed")
    generate_logs(GenerateOptions(roster=roster, out=work / "logs"), settings, today=dt.date(2025, 12, 1))
    log = next((work / "logs").rglob("*.docx"))
    fill_docx(log, make_entries(random.Random(1), log_competency_ids(log), *log_period(log), 30), {"signoff"}, 1)
    result = review_log(log, settings, out_dir=work / "seed" / "reviews", today=dt.date(2026, 12, 15))
    return next(p for p in result.outputs if p.name.endswith("_evidence.json"))


def _clone(evidence: Path, outbox: Path, elsewhere: Path, people: int) -> None:
    from sglogs.record_index import add_review

    data = json.loads(evidence.read_text(encoding="utf-8"))
    for n in range(people):
        sid = f"P{n:05d}"
        data["log"]["staff"]["id"] = sid
        data["log"]["log_id"] = f"{sid}-20260101-b0b0"
        base = (outbox / "reviews", outbox / "Acorns" / "reviews", elsewhere)[n % 3]
        target = base / sid / f"{sid}-20260101-b0b0_evidence.json"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(data), encoding="utf-8")
        add_review(outbox, target)


def _best(function: object, repeat: int = 5) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = function()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times), count


def main() -> None:
    """Run the benchmark and print its numbers.

    Example:
        >>> main()  # doctest: +SKIP
    """
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="sglogs-bench-records-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        from sglogs.record_index import EVIDENCE_SUFFIX, indexed_reviews
        from sglogs.records import load_reviews, outbox_reviews

        outbox, elsewhere = work / "outbox", work / "elsewhere"
        _clone(_one_review(work), outbox, elsewhere, args.people)
        find_index, found = _best(lambda: len(indexed_reviews(outbox).found))
        find_glob, globbed = _best(lambda: len(list((outbox / "reviews").rglob(f"*{EVIDENCE_SUFFIX}"))))
        load_index, loaded = _best(lambda: sum(1 for _ in outbox_reviews(outbox)), repeat=3)
        load_glob, loaded_glob = _best(lambda: sum(1 for _ in load_reviews(outbox / "reviews")), repeat=3)
        print(f"{args.people} reviews: a third in outbox/reviews, a third in outbox/<setting>/reviews, a third "
              "outside the outbox")
        print(f"find  index: {found} found in {find_index * 1000:.1f} ms ({find_index / found * 1e6:.1f} µs each); "
              f"naive glob: {globbed} found in {find_glob * 1000:.1f} ms ({find_glob / globbed * 1e6:.1f} µs each)")
        print(f"load  index: {loaded} records in {load_index:.2f} s ({load_index / loaded * 1e3:.2f} ms each); "
              f"naive glob: {loaded_glob} in {load_glob:.2f} s ({load_glob / loaded_glob * 1e3:.2f} ms each)")
        print(f"ratio per record, index / naive glob: find {find_index / found / (find_glob / globbed):.2f}x, "
              f"load {load_index / loaded / (load_glob / loaded_glob):.2f}x")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
