"""Benchmark the watched-folder service: latency from a file settling to its outputs, and files per minute.

    .venv/bin/python bench/bench_watch.py [--drops 500] [--settle 2] [--load 0.7] [--polling] [--workers 1]

Makes ``--drops`` distinct completed logs (sglogs' Word and Excel logs with ten evidence rows each), then:

1. review alone: ``sglogs.dispatch.process_file`` on a sample, in one warm process: the floor the service
   cannot beat, since it runs the same function in its worker process;
2. steady stream: ``sglogs watch`` runs as a process and the files are dropped one by one at ``--load`` (70%) of
   that rate;
   for each file, latency = the journal's ``finished_at`` (outputs durable, outcome recorded) minus the moment
   the file settled (its last write + the settle time). Prints p50/p95/max;
3. burst: all files dropped at once into a fresh inbox; files per minute from the first file settling to the last
   outcome, against review alone.

Targets (the issue): p95 under 2 s beyond the settle time; throughput limited by review, not by the service.

    .venv/bin/python bench/bench_watch.py --instances 1,2,3 [--store sqlite|postgres] [--drops 1000]

Scale-out instead: for each count, that many ``sglogs watch`` processes on one inbox and one journal (a SQLite
file, or a database of a throw-away PostgreSQL cluster made as the tests make it, ``tests/pg.py``), all files
dropped at once; files per minute from the first file settling to the last outcome, and the ratio to one instance.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = ("from sglogs.cli import app\n"
       "if __name__ == '__main__':\n"
       "    app()\n")


def make_logs(work: Path, count: int) -> list[Path]:
    """``count`` completed logs, half Word, half Excel, each with ten evidence rows (unique content)."""
    import docx
    from openpyxl import load_workbook

    from sglogs import GenerateOptions, generate_logs, load_settings

    work.mkdir(parents=True, exist_ok=True)
    roster = work / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Setting", "Framework", "Level", "Period start"])
        for i in range((count + 1) // 2):
            writer.writerow([f"B{i:04d}", f"Bench Person{i}", "Bench", "Norfolk", "Stage 4", "01/01/2026"])
    generate_logs(GenerateOptions(roster=roster, out=work / "logs"), load_settings())
    paths = sorted((work / "logs").rglob("*.docx"))[: (count + 1) // 2]
    paths += sorted((work / "logs").rglob("*.xlsx"))[: count // 2]
    rows = [(f"{1 + i * 2}/{1 + i}/2026", f"Learning activity {i}", "E-learning", "1.5", "4.1, 4.2",
             "I learned how to record a concern factually. Since then I have used the chronology template in "
             "my role and discussed it in supervision.") for i in range(10)]
    for path in paths:
        if path.suffix == ".docx":
            document = docx.Document(path)
            table = next(t for t in document.tables if t.rows[0].cells[0].text == "Date")
            for row, values in zip(table.rows[1:], rows, strict=False):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
            document.save(path)
        else:
            wb = load_workbook(path)
            for index, values in enumerate(rows):
                for column, value in enumerate(values, start=1):
                    wb["Evidence"].cell(row=4 + index, column=column, value=value)
            wb.save(path)
    return paths


def review_alone(files: list[Path], work: Path) -> float:
    """Seconds per file for ``process_file`` in one warm process (what the service's worker runs)."""
    from sglogs import load_settings
    from sglogs.dispatch import OutboxLayout, process_file
    from sglogs.frameworks import installed_frameworks

    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    layout = OutboxLayout(work / "review-alone")
    process_file(files[0], settings, layout, frameworks)  # warm up: imports, templates
    sample = files[: min(len(files), 60)]
    started = time.perf_counter()
    for path in sample:
        process_file(path, settings, layout, frameworks)
    return (time.perf_counter() - started) / len(sample)


class Service:
    """``sglogs watch`` as a process with its own journal, stopped with SIGTERM."""

    def __init__(self, root: Path, settle: float, polling: bool, workers: int, *, store_url: str | None = None,
                 name: str = "service") -> None:
        from sglogs.store import sqlite_url

        self.root = root
        self.inbox, self.outbox = root / "inbox", root / "outbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.journal = root / "journal" / "journal.sqlite3"
        self.url = store_url or sqlite_url(self.journal)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SGLOGS_SERVICE__")}
        env.update(SGLOGS_SERVICE__JOURNAL=str(self.journal), SGLOGS_SERVICE__WORK_DIR=str(root / f"work-{name}"),
                   SGLOGS_SERVICE__SETTLE_SECONDS=str(settle), SGLOGS_SERVICE__WORKERS=str(workers))
        if store_url:
            env["SGLOGS_SERVICE__STORE_URL"] = store_url
        args = ["watch", "--inbox", str(self.inbox), "--outbox", str(self.outbox)] + (["--polling"] * polling)
        log_path = root / f"{name}.log"
        self.log = open(log_path, "wb")  # noqa: SIM115 - open for the process's lifetime
        self.proc = subprocess.Popen([sys.executable, "-c", CLI, *args], env=env, cwd=ROOT, stderr=self.log)
        deadline = time.monotonic() + 60
        while b"started (sglogs" not in log_path.read_bytes():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("the service did not start; see " + str(log_path))
            time.sleep(0.05)

    def finished(self) -> dict[str, float]:
        """Outcome time of every closed row, by path in the inbox."""
        from sglogs.store import Journal

        if self.url.startswith("sqlite") and not self.journal.exists():
            return {}
        journal = Journal.open(self.url, create=False)
        try:
            return {e.path: e.finished_at for e in journal.entries() if e.closed_at and e.finished_at}
        finally:
            journal.close()

    def wait_for(self, count: int, timeout: float) -> dict[str, float]:
        deadline = time.monotonic() + timeout
        while len(done := self.finished()) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {len(done)} of {count} files done after {timeout:.0f} s")
            time.sleep(0.2)
        return done

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(60)
        self.log.close()


def drop(source: Path, target: Path) -> float:
    """Copy a file into the inbox; return its last write time (what its settling is counted from)."""
    shutil.copyfile(source, target)
    return target.stat().st_mtime


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def scale_out(files: list[Path], work: Path, counts: list[int], store: str, settle: float, workers: int) -> None:
    """Files per minute for each number of instances on one inbox and one journal, and the ratio to one."""
    sys.path.insert(0, str(ROOT))
    from tests.pg import fresh_database, start_cluster, stop_cluster

    cluster = start_cluster() if store == "postgres" else None
    first: float | None = None
    try:
        for count in counts:
            root = work / f"scale-{count}"
            with contextlib.ExitStack() as stack:
                url = stack.enter_context(fresh_database(cluster)) if cluster else None
                if url:
                    from sglogs.store import Journal

                    Journal.open(url).close()  # tables made once, before the services race for them
                services = [Service(root, settle, False, workers, store_url=url, name=f"service-{n}")
                            for n in range(count)]
                settled = [drop(path, services[0].inbox / f"{i:04d}-{path.name}") + settle
                           for i, path in enumerate(files)]
                done = services[0].wait_for(len(files), timeout=300 + len(files))
                for service in services:
                    service.stop()
            per_minute = len(files) / (max(done.values()) - min(settled)) * 60
            first = first or per_minute
            print(f"{store}, {count} instance(s) x {workers} worker(s), {len(files)} files at once: "
                  f"{per_minute:.0f} files/min ({per_minute / first:.2f}x one instance)", flush=True)
    finally:
        if cluster is not None:
            stop_cluster(cluster)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=500)
    parser.add_argument("--settle", type=float, default=2.0)
    parser.add_argument("--load", type=float, default=0.7, help="steady stream rate, as a share of review alone")
    parser.add_argument("--polling", action="store_true", help="poll the inbox instead of native events")
    parser.add_argument("--workers", type=int, default=1, help="service.workers (processes reviewing files)")
    parser.add_argument("--instances", help="scale-out: comma-separated numbers of services, e.g. 1,2,3")
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite", help="journal for --instances")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sglogs-bench-watch-") as tmp:
        work = Path(tmp)
        print(f"Making {options.drops} completed logs ...", flush=True)
        files = make_logs(work / "corpus", options.drops)
        per_file = review_alone(files, work)
        print(f"review alone (process_file in one warm process): {per_file * 1000:.0f} ms a file, "
              f"{60 / per_file:.0f} files/min")
        if options.instances:
            counts = [int(n) for n in options.instances.split(",")]
            scale_out(files, work, counts, options.store, options.settle, options.workers)
            return

        rate = options.load / per_file
        service = Service(work / "stream", options.settle, options.polling, options.workers)
        settled: dict[str, float] = {}
        started = time.monotonic()
        for index, path in enumerate(files):
            name = f"{index:04d}-{path.name}"
            settled[name] = drop(path, service.inbox / name) + options.settle
            time.sleep(max(0.0, started + (index + 1) / rate - time.monotonic()))
        done = service.wait_for(len(files), timeout=120 + len(files) * per_file * 3)
        service.stop()
        latency = [done[name] - at for name, at in settled.items()]
        print(f"steady stream, {len(files)} drops at {rate:.1f}/s, settle {options.settle:g} s "
              f"({'polling' if options.polling else 'native events'}): latency beyond the settle time "
              f"p50 {statistics.median(latency):.2f} s, p95 {percentile(latency, 0.95):.2f} s, "
              f"max {max(latency):.2f} s")

        service = Service(work / "burst", options.settle, options.polling, options.workers)
        settled = {}
        for index, path in enumerate(files):
            name = f"{index:04d}-{path.name}"
            settled[name] = drop(path, service.inbox / name) + options.settle
        done = service.wait_for(len(files), timeout=120 + len(files) * per_file * 3)
        service.stop()
        span = max(done.values()) - min(settled.values())
        per_minute = len(files) / span * 60
        print(f"burst, {len(files)} drops at once, {options.workers} worker(s): {per_minute:.0f} files/min from the "
              f"first file settling to the last outcome ({per_minute * per_file / 60:.0%} of review alone)")


if __name__ == "__main__":
    main()
