"""Build the scenario logs in ``tests/scenarios/logs/`` (committed; the tests only read them).

Run from the repository root: ``.venv/bin/python tests/scenarios/build.py``. It writes ``roster.xlsx`` (and
``roster-previous.xlsx`` for the earlier logs of four people), runs ``sglogs generate`` on them as a user would,
fills each generated log the way a person does (python-docx/openpyxl edits of the generated file: typed evidence,
the manager's competency summary, next steps and sign-off), exports the PDFs with LibreOffice headless, and types
the logs in other layouts (an organisation's older in-house record, a published-style CPD table) from scratch, with
no sglogs identity. ``--readme`` only rewrites README.md's table from ``expected.toml``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import docx
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from content import (  # noqa: E402
    AS_OF,
    PEOPLE,
    PERIOD_START,
    PREVIOUS_STARTS,
    ROSTER_HEADER,
    written_date,
)
from scenarios import SCENARIOS, Entry, Review, Scenario  # noqa: E402

LOGS = HERE / "logs"


def write_roster(path: Path, starts: dict[str, dt.date] | None = None) -> None:
    """The roster as an office keeps it; rows without a start date take the run's ``--start``."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Staff"
    sheet.append(ROSTER_HEADER)
    for person in PEOPLE:
        if starts is not None and person[0] not in starts:
            continue
        start = starts.get(person[0]) if starts else None
        sheet.append([*person, dt.datetime.combine(start, dt.time()) if start else None])
    wb.save(path)


def generate(roster: Path, out: Path) -> None:
    """``sglogs generate`` as a user runs it."""
    subprocess.run([sys.executable, "-m", "sglogs", "generate", str(roster), "--out", str(out), "--start",
                    written_date(PERIOD_START, 5)], check=True, capture_output=True, timeout=300)


# --- Filling a generated Word log ------------------------------------------------------------------------------


def _set(cell, text: str) -> None:
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _table(document, first: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text.strip() == first)


def refs_docx(path: Path) -> list[str]:
    """The competency references the generated Word log lists (its competency summary)."""
    summary = _table(docx.Document(path), "Ref")
    return [row.cells[0].text.strip() for row in summary.rows[1:] if row.cells[0].text.strip()]


def refs_xlsx(path: Path) -> list[str]:
    sheet = load_workbook(path)["Competencies"]
    return [str(sheet.cell(row=r, column=1).value) for r in range(5, sheet.max_row + 1)
            if sheet.cell(row=r, column=1).value]


def typed_date(entry: Entry, index: int) -> str:
    return written_date(entry.when, index) if isinstance(entry.when, dt.date) else entry.when


def fill_docx(path: Path, entries: list[Entry], review: Review) -> None:
    """Type the evidence and the manager's review into a generated Word log."""
    document = docx.Document(path)
    evidence = _table(document, "Date")
    while len(evidence.rows) - 1 < len(entries):
        evidence.add_row()
    for index, (row, entry) in enumerate(zip(evidence.rows[1:], entries, strict=False)):
        values = [typed_date(entry, index), entry.activity, entry.type, entry.hours, entry.competencies,
                  entry.reflection]
        for cell, value in zip(row.cells, values, strict=True):
            _set(cell, value)
    summary = next(t for t in document.tables if [c.text for c in t.rows[0].cells][:3] == ["Ref", "Competency",
                                                                                           "Met / Not yet met"])
    for row in summary.rows[1:]:
        ref = row.cells[0].text.strip()
        if ref in review.statuses:
            row.cells[2].text = review.statuses[ref]
        if ref in review.comments:
            row.cells[4].text = review.comments[ref]
    steps = _table(document, "Next step")
    for row, values in zip(steps.rows[1:], review.next_steps, strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    box = {"Manager name": review.manager, "Manager signature": review.signature, "Date of review": review.date,
           "Outcome": review.outcome, "Staff signature": review.staff_signature, "Date": review.staff_date,
           "Next review date": review.next_review}
    for row in _table(document, "Manager name").rows:
        label = row.cells[0].text.split("\n")[0].strip()
        if box.get(label):
            row.cells[1].text = box[label]
    document.save(path)


# --- Filling a generated Excel log -----------------------------------------------------------------------------


def _number_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


def fill_xlsx(path: Path, entries: list[Entry], review: Review) -> None:
    """Type into a generated Excel log: Excel keeps a typed date as a date, some people type text instead."""
    wb = load_workbook(path)
    sheet = wb["Evidence"]
    for index, entry in enumerate(entries):
        row = 4 + index
        if isinstance(entry.when, dt.date) and index % 3 != 2:
            cell = sheet.cell(row=row, column=1, value=dt.datetime.combine(entry.when, dt.time()))
            cell.number_format = "dd/mm/yyyy"
        else:
            sheet.cell(row=row, column=1, value=typed_date(entry, index) or None)
        for column, value in enumerate([entry.activity, entry.type], start=2):
            sheet.cell(row=row, column=column, value=value)
        sheet.cell(row=row, column=4, value=_number_or_text(entry.hours))
        sheet.cell(row=row, column=5, value=_number_or_text(entry.competencies) if entry.competencies.count(".") == 1
                   and "," not in entry.competencies and " " not in entry.competencies else entry.competencies)
        sheet.cell(row=row, column=6, value=entry.reflection or None)
        sheet.row_dimensions[row].height = 60
    competencies = wb["Competencies"]
    for row in range(5, competencies.max_row + 1):
        ref = str(competencies.cell(row=row, column=1).value)
        if ref in review.statuses:
            competencies.cell(row=row, column=5, value=review.statuses[ref])
        if ref in review.comments:
            competencies.cell(row=row, column=7, value=review.comments[ref])
    steps = wb["Next steps & sign-off"]
    for index, values in enumerate(review.next_steps):
        for column, value in enumerate(values, start=1):
            steps.cell(row=5 + index, column=column, value=value or None)
    box = {"Manager name": review.manager, "Manager signature": review.signature, "Date of review": review.date,
           "Outcome": review.outcome, "Staff signature": review.staff_signature, "Date": review.staff_date,
           "Next review date": review.next_review}
    for row in range(1, steps.max_row + 1):
        label = steps.cell(row=row, column=1).value
        if box.get(label):
            steps.cell(row=row, column=2, value=box[label])
    wb.save(path)


# --- Logs in other layouts, typed from scratch ----------------------------------------------------------------


def inhouse_docx(path: Path, scenario: Scenario, entries: list[Entry], review: Review) -> None:
    """An organisation's own older record: its own headings, no competency list, review lines at the end."""
    document = docx.Document()
    document.add_heading("Safeguarding Training & Reflection Record", level=1)
    document.add_paragraph("Please complete after each piece of learning and bring this record to supervision.")
    cover = document.add_table(rows=0, cols=2)
    cover.style = "Table Grid"
    for label, value in scenario.cover.items():
        row = cover.add_row()
        row.cells[0].text, row.cells[1].text = label, value
    document.add_paragraph("")
    with_refs = scenario.layout == "inhouse-level"
    headers = ["Date", "Training / activity", "Format", "Length"] + (["Competency ref"] if with_refs else []) + [
        "What did I learn and what will I do differently?"]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for index, entry in enumerate(entries):
        values = [typed_date(entry, index), entry.activity, entry.type, entry.hours]
        values += [entry.competencies] if with_refs else []
        values += [entry.reflection]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _set(cell, value)
    if review.next_steps:
        document.add_heading("Next steps", level=2)
        for step in review.next_steps:
            document.add_paragraph(f"{step[0]} (by {step[2]})", style="List Bullet")
    document.add_heading("Manager's review", level=2)
    if review.manager:
        document.add_paragraph(f"Manager name: {review.manager}")
        document.add_paragraph(f"Date of review: {review.date}")
    if review.outcome:
        document.add_paragraph(f"Outcome: {review.outcome}")
    document.add_paragraph("Comments: a good year of learning; keep recording how you use it.")
    document.save(path)


def cpd_table_xlsx(path: Path, scenario: Scenario, entries: list[Entry], review: Review) -> None:
    """A published-style CPD record kept in Excel: a title block, then Date / activity / type / time / reflection."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "CPD record"
    sheet["A1"] = "Continuing Professional Development (CPD) record 2025-26"
    sheet["A1"].font = Font(bold=True, size=14)
    row = 3
    for label, value in scenario.cover.items():
        sheet.cell(row=row, column=1, value=label)
        sheet.cell(row=row, column=2, value=value)
        row += 1
    header_row = row + 1
    for column, text in enumerate(["Date", "CPD activity", "Type", "Time spent", "Reflection and impact"], start=1):
        sheet.cell(row=header_row, column=column, value=text).font = Font(bold=True)
    for index, entry in enumerate(entries):
        values = [dt.datetime.combine(entry.when, dt.time()) if isinstance(entry.when, dt.date) else entry.when,
                  entry.activity, entry.type, entry.hours, entry.reflection]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + 1 + index, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column == 1:
                cell.number_format = "dd/mm/yyyy"
    for letter, width in zip("ABCDE", (12, 40, 24, 10, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    wb.save(path)


# --- The run ---------------------------------------------------------------------------------------------------


def to_pdf(source: Path, target: Path, profile: Path) -> None:
    """Export a Word file to PDF with LibreOffice headless, as staff "save as PDF"."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to export the PDF scenarios.")
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(source.parent), str(source)], check=True, capture_output=True, timeout=300)
    shutil.move(source.with_suffix(".pdf"), target)


def build_one(scenario: Scenario, generated: Path, work: Path) -> Path:
    """Write one scenario's file into ``logs/`` and return its path."""
    ext = "xlsx" if scenario.fmt == "xlsx" else "docx"
    target = LOGS / f"{scenario.name}.{scenario.fmt}"
    source = next(generated.rglob(f"{scenario.person}_*.{ext}"), None) if scenario.person else None
    refs = (refs_xlsx if ext == "xlsx" else refs_docx)(source) if source else []
    entries, review = scenario.evidence(refs), scenario.review(refs)
    draft = work / f"{scenario.name}.{ext}"
    if scenario.layout == "sglogs":
        shutil.copyfile(source, draft)
        (fill_xlsx if ext == "xlsx" else fill_docx)(draft, entries, review)
    elif scenario.layout == "cpd-table":
        cpd_table_xlsx(draft, scenario, entries, review)
    else:
        inhouse_docx(draft, scenario, entries, review)
    if scenario.fmt == "pdf":
        to_pdf(draft, target, work / "lo-profile")
    else:
        shutil.copyfile(draft, target)
    return target


def build() -> None:
    LOGS.mkdir(exist_ok=True)
    for old in LOGS.iterdir():
        old.unlink()
    write_roster(HERE / "roster.xlsx")
    write_roster(HERE / "roster-previous.xlsx", PREVIOUS_STARTS)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        generate(HERE / "roster.xlsx", work / "current")
        generate(HERE / "roster-previous.xlsx", work / "previous")
        for scenario in SCENARIOS:
            target = build_one(scenario, work / ("previous" if scenario.previous else "current"), work)
            print(f"{target.relative_to(HERE)}")
    write_readme()


WORDS = {"ready": "ready for sign-off", "not ready": "not ready", "cannot judge yet": "cannot judge yet"}


def write_readme() -> None:
    """README.md's table, from expected.toml (one copy of every expectation)."""
    expected = tomllib.loads((HERE / "expected.toml").read_text(encoding="utf-8"))
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    start, end = "<!-- table -->", "<!-- /table -->"
    rows = ["| scenario | file | rests on (seed) | verdict | signed off | compliant | expected findings |",
            "|---|---|---|---|---|---|---|"]
    for case in expected["scenario"]:
        quote = case["rests_on"].replace("|", "\\|")
        signed = {True: "yes", False: "no"}.get(case.get("signed_off"), "–")
        compliant = {True: "yes", False: "no"}.get(case.get("compliant"), "–")
        rows.append(f"| {case['name']} | `{case['file']}` | “{quote}” ({case['seed']}) | {WORDS[case['verdict']]} | "
                    f"{signed} | {compliant} | {case['plain']} |")
    table = "\n".join(rows)
    if start in text:
        head, rest = text.split(start, 1)
        text = head + start + "\n" + table + "\n" + end + rest.split(end, 1)[1]
    else:
        text += f"\n{start}\n{table}\n{end}\n"
    readme.write_text(text, encoding="utf-8")
    print(f"README.md: {len(expected['scenario'])} scenarios; register as at {AS_OF}")


if __name__ == "__main__":
    if "--readme" in sys.argv:
        write_readme()
    else:
        build()
