"""Fidelity: logs filled the way people fill them read back exactly, field by field.

``tests/simulator.py`` fills generated logs with realistic evidence and named quirks (split runs, tracked changes,
content controls, merged and split cells, extra tables and columns, Excel serial dates, inserted rows...) and says
what ``read_log`` must return. Each file is read back and compared field by field; the accuracy (fields correct /
fields expected) is printed per kind of file at the end of the module (run with ``-s`` to see it).

Word and Excel files, LibreOffice re-saves of them and the foreign layouts in ``tests/data`` must read back at
100%. PDF exports cannot tell a soft wrap from a line break, and show tracked changes as printed text, so their
text is compared with all whitespace folded and only a measured floor is asserted.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import json
import random
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sglogs.config import Settings
from sglogs.generate.logs import GenerateOptions, LogFormat, generate_logs
from sglogs.models import DatePrecision, EvidenceEntry, Framework, ParsedLog

from . import simulator as sim

DATA = Path(__file__).parent / "data"

#: Fictional people whose logs are filled: three frameworks, so competency ids and list lengths differ.
PEOPLE = (
    ("N1", "Amelia Hartley", "Sunflower Nursery & Pre-school", "Norfolk", "Stage 4", "6.10", "01/01/2026"),
    ("L1", "Fatima Rahman", "Hillside Primary", "London", "Level 2", "", "01/09/2026"),
    ("P1", "Zoe Brien", "Brook Street Youth Club", "PA3", "Level 3", "", "01/04/2026"),
)
SEEDS = (11, 23)

#: Word cases: (person, entries, quirks). Each quirk set groups edits that could meet in one real log.
DOCX_CASES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "plain": (0, 10, ("manager_summary", "next_steps", "signoff")),
    "layout": (1, 14, ("blank_rows_middle", "rows_deleted", "messy_whitespace", "paragraphs_and_breaks",
                       "bullet_list")),
    "inline": (2, 18, ("split_runs", "tab_in_cell", "hyperlink", "hidden_text", "comment", "field_simple",
                       "field_complex", "field_formtext", "smart_tag", "sdt_word", "tracked_text", "signoff")),
    "rows": (0, 40, ("blank_rows_middle", "second_table", "header_repeated", "tracked_row_inserted",
                     "tracked_row_deleted", "sdt_cell", "sdt_row", "sdt_table", "manager_summary")),
    "columns": (1, 14, ("column_added", "columns_reordered", "columns_renamed", "hmerge", "vmerge", "split_cell",
                        "nested_table", "next_steps")),
    "everything": (2, 40, tuple(sim.DOCX_QUIRKS)),
}
XLSX_CASES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "plain": (0, 10, ("manager_summary", "next_steps", "signoff")),
    "cells": (1, 24, ("dates_serial", "dates_text", "date_with_time", "hours_text", "hours_time_cell",
                      "competency_as_number", "bullets_typed", "whitespace_only_cells", "blank_rows_middle")),
    "structure": (2, 75, ("dates_real", "rows_inserted", "rows_deleted", "merged_reflection", "formula_hours",
                          "formula_unrelated", "extra_sheets", "autofilter", "signoff")),
    "everything": (0, 70, sim.XLSX_QUIRKS),
}
#: Lowest field accuracy accepted for PDF exports (whitespace folded), over all cases of one source format, and for
#: each committed ``sim-*.pdf``: floors a little under what was measured (LibreOffice 7.4, November 2026: docx
#: 97.1%, xlsx 80.1%, committed 97.1%), not goals. What PDFs lose: Word list bullets print as "•" text, tracked
#: deletions print struck through, a wrapped "3.7" can split over two lines, and Excel rows typed below the
#: prepared ones without the list's format print a reflection on one line, so the page shrinks and text overlaps
#: (``rows_beyond_unformatted``); a row of fixed height clips what does not fit, but pdfplumber still sees it.
PDF_FLOOR = {"docx": 0.93, "xlsx": 0.75, "committed": 0.93}

_SCORES: dict[str, list[int]] = defaultdict(lambda: [0, 0])


def read_log() -> Callable[..., ParsedLog]:
    """``sglogs.read.read_log``, imported when a test runs so that collection works while it is being written."""
    module = importlib.import_module("sglogs.read")
    function = getattr(module, "read_log", None)
    if function is None:
        pytest.skip("sglogs.read.read_log does not exist yet")
    return function


@pytest.fixture(scope="module", autouse=True)
def _print_accuracy() -> Iterator[None]:
    yield
    if not _SCORES:
        return
    print("\n\nField accuracy (fields correct / fields expected)")
    for kind, (correct, expected) in _SCORES.items():
        print(f"  {kind:<34} {correct:>6} / {expected:<6} {100 * correct / max(expected, 1):6.2f}%")


# ------------------------------------------------------------------------------------------- comparison


@dataclass
class Score:
    """Fields compared for one file: how many were expected, how many matched, and what did not."""

    expected: int = 0
    correct: int = 0
    problems: list[str] = field(default_factory=list)

    def check(self, ok: bool, problem: str) -> None:
        self.expected += 1
        self.correct += ok
        if not ok:
            self.problems.append(problem)

    @property
    def accuracy(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def _value(entry: EvidenceEntry, name: str, fold: bool) -> Any:
    value = getattr(entry, name)
    if name == "date" and value is not None:
        return f"{value:%Y-%m}" if entry.date_precision is DatePrecision.MONTH else value.isoformat()
    if name == "hours" and value is not None:
        return round(value, 6)
    if name == "competencies":
        return list(value)
    if fold and isinstance(value, str):
        return sim.fold_all(value)
    return value


def _mentions_row(warnings: tuple[str, ...], rows: set[int]) -> bool:
    return any(re.search(rf"\brow {n}\b", w, re.IGNORECASE) for w in warnings for n in rows)


def compare(expected: sim.Expected, got: ParsedLog, row_aliases: int = 0) -> Score:
    """Compare a read log with what the simulator wrote; every problem names file, row, field, expected and got.

    ``row_aliases`` is how far a spreadsheet's own row numbers are from entry rows (3 on an Excel Evidence
    sheet), so a warning may cite either.
    """
    score = Score()
    name = expected.path.name
    fold = expected.fold_whitespace
    text: Callable[[str | None], str | None] = sim.fold_all if fold else (lambda s: s)
    by_row: dict[int, EvidenceEntry] = {}
    for entry in got.entries:
        if entry.row in by_row:
            score.check(False, f"{name}: row {entry.row} was read twice")
        by_row[entry.row] = entry
    for want in expected.entries:
        have = by_row.pop(want.row, None)
        if have is None:
            covered = _mentions_row(got.warnings, {want.row, want.row + row_aliases})
            for field_name in sim.ENTRY_FIELDS:
                score.check(False, f"{name}: row {want.row}, {field_name}: expected {_value(want, field_name, fold)!r}"
                                   f", got no entry{' (a warning names the row)' if covered else ''}")
            continue
        for field_name in sim.ENTRY_FIELDS:
            a, b = _value(want, field_name, fold), _value(have, field_name, fold)
            score.check(a == b, f"{name}: row {want.row}, {field_name}: expected {a!r}, got {b!r}")
    for row, extra in sorted(by_row.items()):
        score.check(False, f"{name}: row {row} is not evidence but was read as {extra.model_dump(mode='json')}")
    for row, verbatim in expected.warnings:
        score.check(any(verbatim in w for w in got.warnings),
                    f"{name}: row {row}, warnings: expected one quoting {verbatim!r}, got {list(got.warnings)!r}")
    if expected.next_steps is not None:
        want_steps, have_steps = [text(s) for s in expected.next_steps], [text(s) for s in got.next_steps]
        for index in range(max(len(want_steps), len(have_steps))):
            a = want_steps[index] if index < len(want_steps) else None
            b = have_steps[index] if index < len(have_steps) else None
            score.check(a == b, f"{name}: next step {index + 1}: expected {a!r}, got {b!r}")
    if expected.signoff is not None:
        for field_name in ("manager", "date", "outcome", "next_review"):
            a, b = getattr(expected.signoff, field_name), getattr(got.signoff, field_name)
            if isinstance(a, str) or isinstance(b, str):
                a, b = text(a), text(b)
            score.check(a == b, f"{name}: sign-off {field_name}: expected {a!r}, got {b!r}")
    if expected.competencies is not None:
        have_status = {c.id: c.status for c in got.competencies}
        score.check([c for c, _ in expected.competencies] == [c.id for c in got.competencies],
                    f"{name}: competencies listed: expected {[c for c, _ in expected.competencies]}, "
                    f"got {[c.id for c in got.competencies]}")
        for cid, status in expected.competencies:
            have = have_status.get(cid)
            score.check(have == status, f"{name}: competency {cid} status: expected {status.value!r}, "
                                        f"got {have.value if have else None!r}")
    if expected.identity is not None:
        have_identity = {"log_id": got.log_id, "staff_id": got.staff.id, "framework": got.framework,
                         "level": got.level,
                         "period_start": got.period.start.isoformat() if got.period.start else None,
                         "period_end": got.period.end.isoformat() if got.period.end else None}
        for key, want_value in expected.identity.items():
            score.check(have_identity[key] == want_value,
                        f"{name}: identity {key}: expected {want_value!r}, got {have_identity[key]!r}")
    return score


def uncovered_rows(expected: sim.Expected, got: ParsedLog, row_aliases: int = 0, *,
                   by_content: bool = False) -> list[int]:
    """Rows a person wrote in that are neither an entry nor named in a warning (nothing may vanish silently).

    With ``by_content`` (PDFs, whose row count can shift when a printed page shows a tracked deletion), an entry
    with the same date and activity under another row number also counts as read.
    """
    read = {e.row for e in got.entries}
    seen = {(e.date, sim.fold_all(e.activity)) for e in got.entries}
    return [e.row for e in expected.entries
            if e.row not in read and not _mentions_row(got.warnings, {e.row, e.row + row_aliases})
            and not (by_content and (e.date, sim.fold_all(e.activity)) in seen)]


def record(kind: str, score: Score) -> None:
    _SCORES[kind][0] += score.correct
    _SCORES[kind][1] += score.expected


def assert_exact(score: Score, expected: sim.Expected, got: ParsedLog, row_aliases: int = 0) -> None:
    missing = uncovered_rows(expected, got, row_aliases)
    assert not missing, f"{expected.path.name}: rows {missing} were written in but are neither entries nor warnings"
    assert not score.problems, (f"{expected.path.name} (quirks: {', '.join(expected.quirks) or 'none'}): "
                                f"{score.correct}/{score.expected} fields right\n  " + "\n  ".join(score.problems))


# ------------------------------------------------------------------------------------------- making filled logs


def generate_log(tmp_path: Path, settings: Settings, person: int, fmt: str) -> Path:
    """Generate one person's log with sglogs itself, the way the tests of ``generate`` do."""
    roster = tmp_path / f"roster-{person}.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Setting", "Framework", "Level", "Additional competencies",
                         "Period start"])
        writer.writerow(PEOPLE[person])
    out = tmp_path / f"generated-{person}-{fmt}"
    generate_logs(GenerateOptions(roster=roster, out=out, formats=(LogFormat(fmt),)), settings)
    return next(out.rglob(f"*.{fmt}"))


def filled_log(tmp_path: Path, settings: Settings, fmt: str, case: str, seed: int) -> sim.Expected:
    """Generate a log, fill it as case ``case`` with ``seed``, and return what must be read back."""
    person, count, quirks = (DOCX_CASES if fmt == "docx" else XLSX_CASES)[case]
    path = tmp_path / f"{fmt}-{case}-s{seed}.{fmt}"
    shutil.copyfile(generate_log(tmp_path, settings, person, fmt), path)
    rng = random.Random(seed)
    entries = sim.make_entries(rng, sim.log_competency_ids(path), *sim.log_period(path), count, blank_rate=0.06)
    fill = sim.fill_docx if fmt == "docx" else sim.fill_xlsx
    return fill(path, entries, quirks, seed)


def libreoffice(soffice: str, files: list[Path], out: Path, target: str) -> list[Path]:
    """Convert ``files`` with LibreOffice headless in one run (a private profile, so a desktop session cannot
    block it) and return the converted paths in order."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, f"-env:UserInstallation=file://{out / 'lo-profile'}", "--headless", "--convert-to",
                    target, "--outdir", str(out), *map(str, files)], check=True, capture_output=True, timeout=240)
    suffix = "." + target.split(":")[0]
    converted = [out / f"{f.stem}{suffix}" for f in files]
    missing = [p.name for p in converted if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return converted


def report_pdf(path: Path, score: Score) -> None:
    """Print a PDF's accuracy and its first differences (PDFs are measured, not required to be exact)."""
    print(f"\n{path.name}: {score.correct}/{score.expected} fields ({score.accuracy:.1%})")
    for problem in score.problems[:3]:
        print(f"    {problem[:220]}")


def all_cases() -> list[tuple[str, str, int]]:
    return ([("docx", case, seed) for case in DOCX_CASES for seed in SEEDS]
            + [("xlsx", case, seed) for case in XLSX_CASES for seed in SEEDS])


# ------------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize(("fmt", "case", "seed"), all_cases(), ids=lambda v: str(v))
def test_filled_log_reads_back_exactly(tmp_path: Path, settings: Settings, frameworks: dict[str, Framework],
                                       fmt: str, case: str, seed: int) -> None:
    expected = filled_log(tmp_path, settings, fmt, case, seed)
    got = read_log()(expected.path, settings, frameworks)
    aliases = sim.XLSX_HEADER_ROW if fmt == "xlsx" else 0
    score = compare(expected, got, aliases)
    record(fmt, score)
    assert_exact(score, expected, got, aliases)


@pytest.mark.libreoffice
def test_libreoffice_resaved_logs_read_back_exactly(tmp_path: Path, settings: Settings,
                                                    frameworks: dict[str, Framework], soffice: str) -> None:
    reader = read_log()
    filled = [filled_log(tmp_path, settings, fmt, case, seed) for fmt, case, seed in all_cases()
              if seed == SEEDS[0]]
    today = dt.date.today()
    problems = []
    for fmt, target in (("docx", 'docx:MS Word 2007 XML'), ("xlsx", 'xlsx:Calc MS Excel 2007 XML')):
        originals = [e for e in filled if e.path.suffix == f".{fmt}"]
        converted = libreoffice(soffice, [e.path for e in originals], tmp_path / f"resaved-{fmt}", target)
        for original, path in zip(originals, converted, strict=True):
            expected = original.after_libreoffice(path, today=today)
            if fmt == "docx" and sim.tracked_row_deletions(path) < len(expected.deleted_rows):
                expected = expected.restore_deleted_rows()  # LibreOffice 7.4 dropped the row's deletion mark
            got = reader(path, settings, frameworks)
            aliases = sim.XLSX_HEADER_ROW if fmt == "xlsx" else 0
            score = compare(expected, got, aliases)
            record(f"{fmt} re-saved by LibreOffice", score)
            try:
                assert_exact(score, expected, got, aliases)
            except AssertionError as error:
                problems.append(str(error))
    assert not problems, "\n".join(problems)


@pytest.mark.libreoffice
def test_pdf_exports_read_back_above_the_floor(tmp_path: Path, settings: Settings,
                                               frameworks: dict[str, Framework], soffice: str) -> None:
    reader = read_log()
    filled = [filled_log(tmp_path, settings, fmt, case, seed) for fmt, case, seed in all_cases()
              if seed == SEEDS[0]]
    pdfs = libreoffice(soffice, [e.path for e in filled], tmp_path / "pdf", "pdf")
    today = dt.date.today()
    totals: dict[str, Score] = defaultdict(Score)
    lost: list[str] = []
    for original, path in zip(filled, pdfs, strict=True):
        expected = original.as_pdf(path, today=today)
        got = reader(path, settings, frameworks)
        score = compare(expected, got, sim.XLSX_HEADER_ROW)
        record(f"pdf from {original.path.suffix[1:]}", score)
        report_pdf(path, score)
        total = totals[original.path.suffix[1:]]
        total.expected, total.correct = total.expected + score.expected, total.correct + score.correct
        lost += [f"{path.name} row {row}"
                 for row in uncovered_rows(expected, got, sim.XLSX_HEADER_ROW, by_content=True)]
    # PDF warnings cite page and line, not the entry row, so a row named only that way cannot be told from a
    # lost one: the count is printed for the record rather than asserted.
    print(f"\nPDF rows neither read (by row, or by date and activity) nor named by row in a warning: {len(lost)}")
    for fmt, total in totals.items():
        assert total.accuracy >= PDF_FLOOR[fmt], (f"PDFs exported from {fmt} read back at {total.accuracy:.1%}, "
                                                  f"below the floor of {PDF_FLOOR[fmt]:.0%}")


def _fixtures(pattern: str) -> list[Path]:
    return sorted(p for p in DATA.glob(pattern) if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", _fixtures("foreign-*.*"), ids=lambda p: p.name)
def test_foreign_layout_reads_back_exactly(path: Path, settings: Settings, frameworks: dict[str, Framework]) -> None:
    expected = sim.Expected.from_json(path, json.loads(path.with_suffix(".expected.json").read_text("utf-8")))
    got = read_log()(path, settings, frameworks)
    assert (got.log_id, got.staff.id, got.framework, got.level) == (None, None, None, None)
    assert any("identity" in w.lower() for w in got.warnings), f"{path.name}: no warning says it has no identity"
    aliases = 0 if path.suffix == ".docx" else 3  # the foreign workbook's header is on row 3 too
    score = compare(expected, got, aliases)
    record("foreign layouts", score)
    assert_exact(score, expected, got, aliases)


@pytest.mark.parametrize("path", _fixtures("sim-*.pdf"), ids=lambda p: p.name)
def test_committed_pdf_reads_back_above_the_floor(path: Path, settings: Settings,
                                                  frameworks: dict[str, Framework]) -> None:
    expected = sim.Expected.from_json(path, json.loads(path.with_suffix(".expected.json").read_text("utf-8")))
    got = read_log()(path, settings, frameworks)
    score = compare(expected, got, sim.XLSX_HEADER_ROW)
    record("pdf (committed sim-*.pdf)", score)
    report_pdf(path, score)
    lost = uncovered_rows(expected, got, sim.XLSX_HEADER_ROW, by_content=True)
    print(f"    rows neither read nor named by row in a warning: {lost or 'none'}")
    floor = PDF_FLOOR["committed"]
    assert score.accuracy >= floor, f"{path.name} read back at {score.accuracy:.1%}, below the floor of {floor:.0%}"
