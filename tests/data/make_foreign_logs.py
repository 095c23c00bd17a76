"""Rebuild the foreign-layout logs and the simulated PDF exports in tests/data, with their expected JSON.

Run from the repository root: ``.venv/bin/python tests/data/make_foreign_logs.py`` (python-docx 1.2, openpyxl 3.1;
the ``sim-*.pdf`` files also need LibreOffice headless, and are skipped without it).

``foreign-*`` files are logs from an organisation's own older template, typed from scratch, never made by sglogs:
no identity, their own headers. ``sim-*.pdf`` are generated sglogs logs filled by ``tests/simulator.py`` and
exported to PDF by LibreOffice, as staff "save as PDF". Every file gets ``<name>.expected.json`` beside it: what
``read_log`` must return (keys left out are not compared). Zip timestamps and document dates are fixed so a rebuild
changes no byte of the Word and Excel files; PDFs carry LibreOffice's creation time.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sglogs.config import load_settings  # noqa: E402
from sglogs.generate.logs import GenerateOptions, LogFormat, generate_logs  # noqa: E402
from sglogs.models import DatePrecision, EvidenceEntry, SignOff  # noqa: E402
from tests import simulator as sim  # noqa: E402

DATA = ROOT / "tests" / "data"
FIXED = dt.datetime(2026, 2, 1, 9, 0, 0)
MONTH = DatePrecision.MONTH


def _fixed_zip(path: Path) -> None:
    """Rewrite a docx/xlsx zip with fixed member times and fixed document dates, so rebuilds are identical."""
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as src:
        parts = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            out.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def _set_cell(cell: _Cell, text: str, *, bullets: bool = False) -> None:
    """Type ``text`` into a Word cell, one paragraph per line (bulleted when asked)."""
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    if bullets:
        cell.paragraphs[0].style = "List Bullet"
    for line in lines[1:]:
        cell.add_paragraph(line, style="List Bullet" if bullets else None)


def _write(expected: sim.Expected, path: Path) -> None:
    expected.write_json(path.with_suffix(".expected.json"))
    print(f"wrote {path.relative_to(ROOT)} and its .expected.json")


def _no_identity(path: Path, entries: list[EvidenceEntry], warnings: list[tuple[int | None, str]],
                 competencies: list | None) -> sim.Expected:
    identity = dict.fromkeys(("log_id", "staff_id", "framework", "level", "period_start", "period_end"))
    return sim.Expected(path=path, entries=entries, next_steps=None, signoff=SignOff(), competencies=competencies,
                        identity=identity, warnings=warnings)


# ------------------------------------------------------------------------------------------- (a) CPD record


def cpd_learning_record() -> None:
    """(a) A Word "CPD & Safeguarding Learning Record": a name/role table, then an evidence table headed
    When | Activity/Training | Format | Duration | Competency ref | Reflection | Next steps."""
    path = DATA / "foreign-cpd-learning-record.docx"
    document = docx.Document()
    document.core_properties.author = "Little Acorns Day Nursery"
    document.core_properties.created = document.core_properties.modified = FIXED
    document.add_heading("CPD & Safeguarding Learning Record", level=1)
    document.add_paragraph("Complete after each piece of learning and bring to supervision.")
    about = document.add_table(rows=3, cols=2)
    about.style = "Table Grid"
    for row, (label, value) in zip(about.rows, (("Name", "Alex Morgan"), ("Role", "Early years practitioner"),
                                                ("Year", "2025-26")), strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_paragraph()
    headers = ("When", "Activity/Training", "Format", "Duration", "Competency ref", "Reflection", "Next steps")
    rows: list[tuple[str, ...] | None] = [
        ("03/09/2025", "Safeguarding induction refresher", "Face to face", "3 hours", "2.1, 2.3",
         "Went through the setting's safeguarding policy with the manager.\nI now know where the concern forms are "
         "kept and who to give them to.", "Read the updated policy summary"),
        ("17th September 2025", "Prevent awareness", "E-learning", "1.5", "2.4",
         "The module explained how radicalisation can start online. I would now pass on a worry the same day.", ""),
        None,
        ("October 2025", "Team briefing: domestic abuse", "Team meeting", "45 mins", "2.2/2.5",
         "We talked about how children are affected by what they see and hear at home.",
         "Book onto the multi-agency domestic abuse course"),
        ("12.11.2025", "Peer observation of a key person session", "Shadowing", "2h 30m", "2.1 & 2.6",
         "Noticed how the key person records small changes in mood\nUses the child's own words in notes\n"
         "Checks in with parents at collection", ""),
        ("5/1/26", "Reading a local CSPR learning brief", "Reading", "1:15", "2.3",
         "The review showed what happens when small concerns are not put together.", "Share the brief at the "
         "next team meeting"),
        ("28-Jan-2026", "Multi-agency neglect training", "Multi-agency", "half day", "2.2, 2.4, 2.6",
         "Used the neglect toolkit on a practice case study.   I will use it before my next supervision.", ""),
        None,
        None,
    ]
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].font.bold = True
    for row, values in zip(table.rows[1:], rows, strict=True):
        for index, (cell, value) in enumerate(zip(row.cells, values or (), strict=False)):
            if value:
                _set_cell(cell, value, bullets=index == 5 and "\nUses" in value)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(10)
    document.save(str(path))
    _fixed_zip(path)
    entries = [
        EvidenceEntry(row=1, date=dt.date(2025, 9, 3), activity="Safeguarding induction refresher",
                      type="Face to face", hours=3.0, competencies=("2.1", "2.3"),
                      reflection="Went through the setting's safeguarding policy with the manager.\nI now know where "
                                 "the concern forms are kept and who to give them to.",
                      next_steps="Read the updated policy summary"),
        EvidenceEntry(row=2, date=dt.date(2025, 9, 17), activity="Prevent awareness", type="E-learning", hours=1.5,
                      competencies=("2.4",), reflection="The module explained how radicalisation can start online. "
                                                        "I would now pass on a worry the same day."),
        EvidenceEntry(row=4, date=dt.date(2025, 10, 1), date_precision=MONTH, activity="Team briefing: domestic abuse",
                      type="Team meeting", hours=0.75, competencies=("2.2", "2.5"),
                      reflection="We talked about how children are affected by what they see and hear at home.",
                      next_steps="Book onto the multi-agency domestic abuse course"),
        EvidenceEntry(row=5, date=dt.date(2025, 11, 12), activity="Peer observation of a key person session",
                      type="Shadowing", hours=2.5, competencies=("2.1", "2.6"),
                      reflection="Noticed how the key person records small changes in mood\nUses the child's own "
                                 "words in notes\nChecks in with parents at collection"),
        EvidenceEntry(row=6, date=dt.date(2026, 1, 5), activity="Reading a local CSPR learning brief", type="Reading",
                      hours=1.25, competencies=("2.3",),
                      reflection="The review showed what happens when small concerns are not put together.",
                      next_steps="Share the brief at the next team meeting"),
        EvidenceEntry(row=7, date=dt.date(2026, 1, 28), activity="Multi-agency neglect training", type="Multi-agency",
                      hours=None, competencies=("2.2", "2.4", "2.6"),
                      reflection="Used the neglect toolkit on a practice case study. I will use it before my next "
                                 "supervision."),
    ]
    _write(_no_identity(path, entries, [(4, "October 2025"), (7, "half day")], []), path)


# ------------------------------------------------------------------------------------------- (b) Excel record


def training_record_xlsx() -> None:
    """(b) An Excel record: a title row, a blank row, then Date of learning | Course / activity | Type | Hours |
    Competencies | Reflection on practice on row 3, dates as Excel dates."""
    path = DATA / "foreign-training-record.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Training record"
    ws["A1"] = "Safeguarding training record 2025-26 – Brookside Community Centre"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["Date of learning", "Course / activity", "Type", "Hours", "Competencies", "Reflection on practice"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    rows: list[tuple | None] = [
        (dt.datetime(2025, 9, 10), "Safeguarding basics for volunteers", "Face to face", 2, "1.1, 1.2",
         "Learned the signs of abuse and neglect.\nI know to speak to the safeguarding lead the same day."),
        (dt.datetime(2025, 10, 2), "Online safety webinar", "Webinar", 1.5, "1.3",
         "Covered how young people are contacted through games and apps."),
        None,
        (dt.datetime(2025, 11, 20), "Recording concerns", "In-house", "2 hrs", "1.2/1.4",
         "Practised writing down exactly what was said, without adding my opinion."),
        (46050, "Code of conduct refresher", "Reading", 0.5, 1.5,
         "Re-read the code of conduct and the whistleblowing section."),
        (dt.datetime(2026, 2, 14), "Supervision discussion", "Supervision", 1, "1.1 & 1.5",
         "Talked through a worry I had passed on and what happened next."),
        ("March 2026", "Team meeting briefing", "Team meeting", 0.25, "1.4",
         "Heard the updated contact details for the safeguarding lead."),
    ]
    for values in rows:
        ws.append(list(values) if values else [])
    for excel_row in range(4, 4 + len(rows)):
        cell = ws.cell(excel_row, 1)
        cell.number_format = "General" if isinstance(cell.value, int) else "dd/mm/yyyy"
        ws.cell(excel_row, 6).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["F"].width = 60
    wb.properties.creator = "Brookside Community Centre"
    wb.properties.created = wb.properties.modified = FIXED
    wb.save(path)
    _fixed_zip(path)
    entries = [
        EvidenceEntry(row=1, date=dt.date(2025, 9, 10), activity="Safeguarding basics for volunteers",
                      type="Face to face", hours=2.0, competencies=("1.1", "1.2"),
                      reflection="Learned the signs of abuse and neglect.\nI know to speak to the safeguarding "
                                 "lead the same day."),
        EvidenceEntry(row=2, date=dt.date(2025, 10, 2), activity="Online safety webinar", type="Webinar", hours=1.5,
                      competencies=("1.3",), reflection="Covered how young people are contacted through games and "
                                                        "apps."),
        EvidenceEntry(row=4, date=dt.date(2025, 11, 20), activity="Recording concerns", type="In-house", hours=2.0,
                      competencies=("1.2", "1.4"),
                      reflection="Practised writing down exactly what was said, without adding my opinion."),
        EvidenceEntry(row=5, date=dt.date(2026, 1, 28), activity="Code of conduct refresher", type="Reading",
                      hours=0.5, competencies=("1.5",),
                      reflection="Re-read the code of conduct and the whistleblowing section."),
        EvidenceEntry(row=6, date=dt.date(2026, 2, 14), activity="Supervision discussion", type="Supervision",
                      hours=1.0, competencies=("1.1", "1.5"),
                      reflection="Talked through a worry I had passed on and what happened next."),
        EvidenceEntry(row=7, date=dt.date(2026, 3, 1), date_precision=MONTH, activity="Team meeting briefing",
                      type="Team meeting", hours=0.25, competencies=("1.4",),
                      reflection="Heard the updated contact details for the safeguarding lead."),
    ]
    _write(_no_identity(path, entries, [(7, "March 2026")], []), path)


# ------------------------------------------------------------------------------------------- (c) tick matrix

TICK_ROWS: list[tuple[str, str, tuple[str, ...], str] | None] = [
    ("14/10/2025", "Level 3 safeguarding refresher", ("4.1", "4.3"), "Good update on thresholds and referrals."),
    ("2 Nov 2025", "Supervision with the DSL", ("4.2",), ""),
    None,
    ("19/11/25", "Multi-agency case discussion", ("4.1", "4.2", "4.3", "4.4"),
     "Saw how health and social care share information.\nAgreed actions were written down by the chair."),
    ("December 2025", "Reading: local procedures update", ("4.4",), ""),
    ("07/01/2026", "Webinar on online harms", ("4.1",), "Follow up with the IT lead about filtering."),
]
TICK_IDS = ("4.1", "4.2", "4.3", "4.4")
TICK_DATES = {"14/10/2025": dt.date(2025, 10, 14), "2 Nov 2025": dt.date(2025, 11, 2),
              "19/11/25": dt.date(2025, 11, 19), "December 2025": dt.date(2025, 12, 1),
              "07/01/2026": dt.date(2026, 1, 7)}


def _tick_matrix(path: Path, tick: Callable[[Paragraph, int], object]) -> None:
    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = FIXED
    document.add_heading("Safeguarding competency tracker", level=1)
    document.add_paragraph("Tick each competency the learning covered.")
    headers = ("Date", "Activity", *TICK_IDS, "Notes")
    table = document.add_table(rows=1 + len(TICK_ROWS) + 1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
    for index, (row, values) in enumerate(zip(table.rows[1:], TICK_ROWS, strict=False)):
        if values is None:
            continue
        date, activity, ticked, notes = values
        cells = row.cells
        cells[0].text, cells[1].text = date, activity
        for offset, cid in enumerate(TICK_IDS):
            if cid in ticked:
                tick(cells[2 + offset].paragraphs[0], index + offset)
        if notes:
            _set_cell(cells[6], notes)
    document.save(str(path))
    _fixed_zip(path)
    entries, warnings = [], []
    for number, values in enumerate(TICK_ROWS, start=1):
        if values is None:
            continue
        date, activity, ticked, notes = values
        month = date == "December 2025"
        precision = MONTH if month else DatePrecision.DAY
        entries.append(EvidenceEntry(row=number, date=TICK_DATES[date], date_precision=precision, activity=activity,
                                     competencies=ticked, reflection=notes or None))
        if month:
            warnings.append((number, date))
    _write(_no_identity(path, entries, warnings, None), path)


def tick_matrix() -> None:
    """(c) A Word tick matrix: Date | Activity | 4.1 | 4.2 | 4.3 | 4.4 | Notes, ticks typed as ✓ (one as ✔)."""
    _tick_matrix(DATA / "foreign-tick-matrix.docx",
                 lambda paragraph, n: paragraph.add_run("✔" if n == 5 else "✓"))


def tick_matrix_wingdings() -> None:
    """(d) The same tracker with ticks from Word's Insert > Symbol: ``w:sym`` Wingdings F0FC, no ✓ character in
    the text at all (how Word stores a symbol-font tick)."""

    def symbol(paragraph: Paragraph, _: int) -> None:
        run = paragraph.add_run()
        sym = etree.SubElement(run._r, qn("w:sym"))
        sym.set(qn("w:font"), "Wingdings")
        sym.set(qn("w:char"), "F0FC")

    _tick_matrix(DATA / "foreign-tick-matrix-wingdings.docx", symbol)


# ------------------------------------------------------------------------------------------- simulated PDFs

#: (name, roster row, format, entries, quirks, seed) of the PDFs exported from filled sglogs logs.
SIM_PDFS = (
    ("sim-docx-filled", ("N9", "Robin Ashby", "Sunflower Nursery & Pre-school", "Norfolk", "Stage 4", "",
                         "01/01/2026"), "docx", 24,
     ("blank_rows_middle", "split_runs", "bullet_list", "paragraphs_and_breaks", "tracked_row_inserted",
      "second_table", "manager_summary", "next_steps", "signoff"), 5),
    ("sim-xlsx-filled", ("L9", "Kit Palmer", "Hillside Primary", "London", "Level 3", "", "01/09/2025"), "xlsx", 30,
     ("dates_serial", "dates_text", "hours_text", "blank_rows_middle", "bullets_typed", "manager_summary",
      "next_steps", "signoff"), 6),
)


def simulated_pdfs() -> None:
    """Fill generated logs with the simulator and export them to PDF with LibreOffice, as staff save as PDF."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed: sim-*.pdf not rebuilt")
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = load_settings(outbox=tmp / "outbox", organisation="Sunflower Nursery & Pre-school")
        for name, person, fmt, count, quirks, seed in SIM_PDFS:
            roster = tmp / f"{name}.csv"
            with roster.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["Staff ID", "Name", "Setting", "Framework", "Level", "Additional competencies",
                                 "Period start"])
                writer.writerow(person)
            generate_logs(GenerateOptions(roster=roster, out=tmp / name, formats=(LogFormat(fmt),)), settings)
            filled = tmp / f"{name}.{fmt}"
            shutil.copyfile(next((tmp / name).rglob(f"*.{fmt}")), filled)
            rng = random.Random(seed)
            entries = sim.make_entries(rng, sim.log_competency_ids(filled), *sim.log_period(filled), count,
                                       blank_rate=0.06)
            fill = sim.fill_docx if fmt == "docx" else sim.fill_xlsx
            expected = fill(filled, entries, quirks, seed)
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp / 'lo-profile'}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(tmp), str(filled)], check=True,
                           capture_output=True, timeout=240)
            target = DATA / f"{name}.pdf"
            shutil.copyfile(tmp / f"{name}.pdf", target)
            _write(expected.as_pdf(target), target)


if __name__ == "__main__":
    cpd_learning_record()
    training_record_xlsx()
    tick_matrix()
    tick_matrix_wingdings()
    simulated_pdfs()
