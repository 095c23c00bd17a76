"""Benchmark bulk generation: sglogs against the naive docxtpl loop, measured in the same run.

    .venv/bin/python bench/bench_generate.py [--sizes 1000,10000] [--naive 200]

For each roster size a fresh process runs ``sglogs.generate_logs`` (Word + Excel) so that its peak RSS is its
own. The naive loop (``DocxTemplate(path).render(ctx).save(out)`` per person, the way docxtpl's README shows it)
runs on ``--naive`` people of the same roster; its rate is docs per second. Printed: time, documents per second
(Word and Excel counted apart), the ratio of sglogs' Word rate to the naive Word rate, and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A mix like a real organisation's: mostly frontline levels, a few managers and leads.
MIX = [("Norfolk", "Stage 4"), ("Norfolk", "Stage 3"), ("Norfolk", "Stage 6"), ("London", "Level 2"),
       ("PA3", "Level 2"), ("Norfolk", "Stage 7"), ("London", "Level 3"), ("PA3", "Level 1"),
       ("Norfolk", "Stage 2"), ("Norfolk", "Stage 5")]
SETTINGS = ["Sunflower Nursery & Pre-school", "Riverside Family Hub", "Hillside Primary School",
            "Brook Street Youth Club", "Oak Tree Children's Centre"]


def write_roster(path: Path, people: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level",
                         "Designated lead", "Additional competencies", "Period start"])
        for i in range(people):
            framework, level = MIX[i % len(MIX)]
            writer.writerow([f"E{i:06d}", f"Person{i} Surname{i % 997}", "Practitioner", SETTINGS[i % len(SETTINGS)],
                             "A Manager", framework, level, "y" if i % 25 == 0 else "n", "", "01/01/2026"])


def child_generate(roster: Path, out: Path, formats: tuple[str, ...] = ("docx", "xlsx")) -> None:
    from sglogs import GenerateOptions, generate_logs, load_settings

    start = time.perf_counter()
    report = generate_logs(GenerateOptions(roster=roster, out=out, formats=formats), load_settings())
    elapsed = time.perf_counter() - start
    # worker processes are this process's children: their peak is reported beside the main process's
    workers_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{elapsed:.3f} {report.written['docx']} {report.written['xlsx']} {workers_rss:.0f}")


def child_naive(roster: Path, out: Path, people: int) -> None:
    from docxtpl import DocxTemplate

    from sglogs import load_settings
    from sglogs.frameworks import installed_frameworks, required_competencies
    from sglogs.generate.context import log_context
    from sglogs.generate.logs import plan_log
    from sglogs.roster import RosterRules, read_roster
    from sglogs.shipped import template_file

    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    template = template_file("log.docx", settings.templates_dir)
    contexts = []
    for person in read_roster(roster, RosterRules.from_frameworks(frameworks)):
        if len(contexts) == people:
            break
        plan = plan_log(person, frameworks, settings, out, dt.date.today())
        comps = required_competencies(plan.framework, person.level)
        contexts.append(log_context(person, plan.framework, comps, plan.identity, settings.generate))
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i, context in enumerate(contexts):
        doc = DocxTemplate(template)
        doc.render(context, autoescape=True)
        doc.save(out / f"{i}.docx")
    print(f"{time.perf_counter() - start:.3f} {len(contexts)} 0 0")


def run_child(args: list[str]) -> tuple[float, int, int, float, float]:
    """Run this script as a child; return (seconds, docx, xlsx, its peak RSS, its workers' peak RSS) in MB."""
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    output = proc.stdout.read()
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child {args[0]} failed")
    seconds, docx, xlsx, workers_rss = output.split()
    return float(seconds), int(docx), int(xlsx), usage.ru_maxrss / 1024, float(workers_rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--naive", type=int, default=200, help="people for the naive loop")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".bench-work",
                        help="where files are written (on this machine /tmp creates files 10x slower than /work)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, roster, out, *rest = args.child
        if kind == "generate":
            child_generate(Path(roster), Path(out))
        elif kind == "generate-docx":
            child_generate(Path(roster), Path(out), formats=("docx",))
        else:
            child_naive(Path(roster), Path(out), int(rest[0]))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    args.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sglogs-bench-", dir=args.workdir))
    try:
        print(f"sglogs generation benchmark, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        roster = work / "naive-roster.csv"
        write_roster(roster, args.naive)
        seconds, naive_docs, _, naive_rss, _ = run_child(["--child", "naive", str(roster), str(work / "naive"),
                                                       str(args.naive)])
        naive_rate = naive_docs / seconds
        print(f"naive docxtpl loop : {naive_docs} docx in {seconds:.1f} s = {naive_rate:.0f} docx/s, "
              f"peak RSS {naive_rss:.0f} MB")
        for size in sizes:
            roster = work / f"roster-{size}.csv"
            write_roster(roster, size)
            seconds, docx, xlsx, rss, workers_rss = run_child(
                ["--child", "generate", str(roster), str(work / f"out-{size}")])
            print(f"sglogs {size:>6} people: {docx} docx + {xlsx} xlsx = {docx + xlsx} files in {seconds:.1f} s "
                  f"= {(docx + xlsx) / seconds:.0f} files/s, peak RSS {rss:.0f} MB "
                  f"(+ {workers_rss:.0f} MB per worker process)")
            shutil.rmtree(work / f"out-{size}")
        roster = work / f"roster-{sizes[-1]}.csv"
        seconds, docx, _, _, _ = run_child(["--child", "generate-docx", str(roster), str(work / "docx-only")])
        print(f"sglogs Word only   : {docx} docx in {seconds:.1f} s = {docx / seconds:.0f} docx/s "
              f"-> {docx / seconds / naive_rate:.1f}x the naive loop (whole run: roster, plan, render, write)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
