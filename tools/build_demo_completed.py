"""Build the completed demo logs in ``examples/completed/`` (``make demo`` reads them back).

A fictional nursery practitioner's year: the log sglogs generated for NS001 in ``examples/roster.xlsx``, filled
in the way people do (UK dates in several forms, hours as "2h 30m", competencies as "4.1, 4.3" and "all",
reflections over several lines, one month-only date, one "half day"), reviewed by the manager. Saved as Word,
as Excel, and as a PDF exported by LibreOffice when it is installed; plus a log typed in an older in-house
layout. Every name and every word of evidence is invented.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from openpyxl import load_workbook

from sglogs import GenerateOptions, generate_logs, load_settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "completed"
ENTRIES = [
    ("14/01/2026", "Safeguarding children refresher (e-learning)", "E-learning", "2h 30m", "1.1, 1.2, 3.1",
     "Refreshed the four categories of abuse and the local contact numbers.\nI applied it by checking our room's "
     "noticeboard had the current DSL details, and it did not: I updated it."),
    ("5/2/26", "Supervision with my manager", "Supervision", "1", "4.4, 4.8",
     "We talked through a worry about a child's repeated bruising and when to share it.\nI learned to record what "
     "I see straight away, in the child's own words where they speak."),
    ("March 2026", "Team meeting: updated safeguarding policy", "Team meeting or briefing", "0.5", "3.3",
     "The policy now names a deputy DSL for the afternoon session. I know who to go to when the DSL is out."),
    ("18th April 2026", "Multi-agency training: neglect", "Multi-agency training", "half day", "4.1, 4.2",
     "Worked through a case study with health visitors and a social worker.\nI now look at patterns over weeks, "
     "not single days, and note them in the chronology."),
    ("02.05.2026", "Read the local CSPR summary on a toddler's death", "Learning from a case review (CSPR/SAR)",
     "1.5", "4.9, 4.10",
     "The review showed how professional optimism stopped people asking questions. I discussed with my manager "
     "how I would raise a concern that a colleague had dismissed."),
    ("20-Jun-2026", "Shadowed the DSL at an early help meeting", "Shadowing", "2", "4.5, 4.6",
     "Saw how the family's views were recorded and how actions were agreed. I will use the same plain wording "
     "when I write up my observations."),
    ("10/09/2026", "Prevent awareness (e-learning)", "E-learning", "1:30", "4.3",
     "Learned the signs of radicalisation in families and the referral route.\nI applied it by adding the Prevent "
     "contact to the key-person handbook."),
    ("3/11/2026", "Reflective discussion with peers on professional curiosity", "Reflective discussion or peer "
     "learning", "1", "all",
     "We practised asking open follow-up questions when an explanation does not fit an injury. I feel more "
     "confident to ask, kindly, a second time."),
]
SUMMARY = {"1.1": "Met", "1.2": "Met", "3.1": "Met", "4.1": "Met", "4.2": "Met", "4.3": "Not yet met"}
NEXT_STEPS = [("Complete the local Prevent face-to-face session", "4.3", "March 2027", "Yes"),
              ("Observe a strategy discussion with the DSL", "4.5", "June 2027", "Yes")]
SIGNOFF = {"Manager name": "Grace Okafor", "Date of review": "14/12/2026",
           "Outcome": "Not yet met – see next steps", "Next review date": "14/12/2027"}


def fill_docx(path: Path) -> None:
    document = docx.Document(path)
    tables = document.tables
    evidence = next(t for t in tables if t.rows[0].cells[0].text == "Date")
    for row, values in zip(evidence.rows[1:], ENTRIES, strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    summary = next(t for t in tables if [c.text for c in t.rows[0].cells][:3] == ["Ref", "Competency",
                                                                                  "Met / Not yet met"])
    for row in summary.rows[1:]:
        status = SUMMARY.get(row.cells[0].text)
        if status:
            row.cells[2].text = status
    steps = next(t for t in tables if t.rows[0].cells[0].text == "Next step")
    for row, values in zip(steps.rows[1:], NEXT_STEPS, strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    signoff = next(t for t in tables if t.rows[0].cells[0].text == "Manager name")
    for row in signoff.rows:
        label = row.cells[0].text.split("\n")[0]
        if label in SIGNOFF:
            row.cells[1].text = SIGNOFF[label]
    document.save(path)


def fill_xlsx(path: Path) -> None:
    wb = load_workbook(path)
    sheet = wb["Evidence"]
    for index, values in enumerate(ENTRIES):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=4 + index, column=column, value=value)
        sheet.row_dimensions[4 + index].height = 60  # as Excel grows a row while text is typed into it
    competencies = wb["Competencies"]
    for row in range(5, competencies.max_row + 1):
        status = SUMMARY.get(str(competencies.cell(row=row, column=1).value))
        if status:
            competencies.cell(row=row, column=5, value=status)
    steps = wb["Next steps & sign-off"]
    for index, values in enumerate(NEXT_STEPS):
        for column, value in enumerate(values, start=1):
            steps.cell(row=5 + index, column=column, value=value)
    for row in range(1, steps.max_row + 1):
        label = steps.cell(row=row, column=1).value
        if label in SIGNOFF:
            steps.cell(row=row, column=2, value=SIGNOFF[label])
    wb.save(path)


def build() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        generate_logs(GenerateOptions(roster=ROOT / "examples" / "roster.xlsx", out=folder / "logs",
                                      start=dt.date(2026, 1, 1)), load_settings())
        for source in (folder / "logs").rglob("NS001_*"):
            target = OUT / source.name.replace("NS001_Hartley_2026-01-01_2026-12-31", "NS001_Hartley_completed")
            shutil.copyfile(source, target)
            (fill_docx if target.suffix == ".docx" else fill_xlsx)(target)
        soffice = shutil.which("soffice")
        if soffice:
            subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'lo'}", "--headless", "--convert-to",
                            "pdf", "--outdir", str(OUT), str(OUT / "NS001_Hartley_completed.docx")],
                           check=True, capture_output=True, timeout=300)
    shutil.copyfile(ROOT / "tests" / "data" / "foreign-cpd-learning-record.docx",
                    OUT / "older-in-house-template.docx")


if __name__ == "__main__":
    build()
