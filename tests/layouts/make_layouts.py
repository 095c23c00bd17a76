"""Build the foreign-layout corpus: logs in the shapes of templates organisations publish, with truth files.

Run from the repository root: ``.venv/bin/python tests/layouts/make_layouts.py`` (python-docx, openpyxl; the PDFs
need LibreOffice headless and are skipped without it). Each layout ``NAME`` gives ``NAME.docx`` or ``NAME.xlsx``,
``NAME.pdf`` (LibreOffice's export of it) and ``NAME.truth.json``: what the document shows, field by field.

The shapes (column headers, questions, headings, cover fields) come from published templates, listed per layout
in ``README.md``; none of them was made by sglogs. The truth is what a person reading the page sees: a date typed
"3rd Sept 2025" is 2025-09-03, "1 hr 30" is 1.5 hours, a competency named in the heading above a table belongs to
every row of that table. Columns the log does not have are not in the truth (``None`` is never asserted as a
value a reader must produce, only compared when the layout shows it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
FIXED = (1980, 1, 1, 0, 0, 0)

# ------------------------------------------------------------------------------------------ what was done

ACTIVITIES = [
    ("2025-09-03", "Safeguarding children level 3 refresher", "Face to face", 3.0, ["3.1", "3.2"],
     "The trainer went through the new local referral pathway. I had not known that a consultation call can be "
     "made before a referral, and I used it the following week for a family I was unsure about.",
     "Certificate on file"),
    ("2025-09-24", "Prevent awareness e-learning", "E-learning", 1.5, ["3.4"],
     "The module showed how grooming into extremist views can start in online games. I have since added this "
     "to the questions I ask when a parent says their child is gaming late at night.",
     "Completion screenshot"),
    ("2025-10-15", "Reflective supervision with named nurse", "Supervision", 1.0, ["3.3", "3.5"],
     "We talked through a case where I felt the threshold was not met. Talking it through helped me see the "
     "pattern of missed appointments, and I now record them as a safeguarding flag.",
     "Supervision notes"),
    ("2025-11-06", "Multi-agency domestic abuse briefing", "Workshop", 2.25, ["3.2", "3.6"],
     "Police and the IDVA service explained the DASH risk checklist. I practised it with a colleague and "
     "feel confident to complete one with a parent rather than passing it on.",
     "Attendance register signed"),
    ("2025-12-02", "Case review learning event: neglect", "Conference", 4.0, ["3.1", "3.7"],
     "The review showed how each agency saw only part of the picture. I now check the chronology before a "
     "core group meeting so that small concerns are not lost.",
     "Slides and notes"),
    ("2026-01-20", "Reading: Working Together to Safeguard Children chapter 3", "Self-directed reading", 0.75,
     ["3.4"],
     "Reading the chapter again reminded me of the duty to share information. I shared it with the team at "
     "our next huddle and we updated the information-sharing flowchart.",
     "Reading notes"),
    ("2026-02-11", "Shadowing the designated safeguarding lead", "Shadowing", 2.5, ["3.5", "3.6"],
     "I sat in on a strategy discussion and saw how the lead summarised the risks in two minutes. I have used "
     "the same structure when I escalate a concern to my manager.",
     "Reflective note signed by DSL"),
    ("2026-03-04", "Child sexual exploitation webinar", "Webinar", 1.25, ["3.3", "3.7"],
     "The webinar described how exploitation is often missed when a young person is seen as making choices. "
     "I now write what I see and hear rather than judging whether they agreed.",
     "Certificate on file"),
]
NEXT_STEPS = ["Book onto the multi-agency neglect course by June 2026",
              "Ask for a supervision session on working with fathers",
              "Read the updated local escalation policy"]
PEOPLE = [("Priya Raman", "Health visitor"), ("Tom Okafor", "Nursery room leader"),
          ("Aisha Begum", "School nurse"), ("Gareth Lloyd", "Early years practitioner"),
          ("Hannah Whitfield", "Midwife"), ("Marek Nowak", "Family support worker")]
STAGE = "Level 3"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def show_date(iso: str, style: str) -> str:
    """How a person typed the date."""
    d = dt.date.fromisoformat(iso)
    if style == "uk":
        return d.strftime("%d/%m/%Y")
    if style == "long":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "short":
        return d.strftime("%d.%m.%y")
    if style == "ordinal":
        suffix = "th" if 10 <= d.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
        return f"{d.day}{suffix} {MONTHS[d.month - 1][:3]} {d.year}"
    raise ValueError(style)


def show_hours(hours: float, style: str) -> str:
    """How a person typed the duration."""
    minutes = round(hours * 60)
    h, m = divmod(minutes, 60)
    if style == "decimal":
        return f"{hours:g}"
    if style == "mins":
        return f"{minutes} mins"
    if style == "hr_min":
        return f"{h} hr {m}" if m else f"{h} hr"
    if style == "h":
        return f"{hours:g}h"
    if style == "hours_words":
        return f"{hours:g} hours"
    raise ValueError(style)


# ---------------------------------------------------------------------------------------------- layouts

@dataclass(frozen=True)
class Layout:
    """One template shape. ``columns`` is (field, header) in order; fields the truth compares are date,
    activity, type, hours, competencies, reflection (two reflection columns are one reflection, joined by a
    line break in column order); any other field is an extra column a reader must not take for one of these."""

    name: str
    fmt: str
    source: str
    columns: tuple[tuple[str, str], ...]
    date_style: str = "uk"
    hours_style: str = "decimal"
    cover: str = "table"              # table | breaks | lines | none
    next_steps: str = "none"          # none | paragraphs | list | table
    per_competency: bool = False      # one table per competency, the competency in a heading above
    header_offset: int = 0            # xlsx: rows of title and notes above the header row
    two_row_header: bool = False      # a group header row above the column headers, merged across
    notes_rows: bool = False          # a "Notes:" row after some entries, across the table
    split: bool = False               # the log continues in a second table (docx: after a page break) / sheet
    landscape: bool = False
    entries: int = 6
    people: int = 0
    extra_tables: bool = False        # another table on the page (contacts, sign-off)
    ignore_cover: bool = False


def L(name, fmt, source, cols, **kw) -> Layout:
    return Layout(name, fmt, source, tuple(cols), **kw)


NMC = [("date", "Dates"), ("type", "Method"), ("activity", "Topic"), ("hours", "Number of hours"),
       ("extra", "Number of participatory hours"), ("extra", "Link to the Code"), ("extra", "Evidence")]
LSCP = [("date", "Date"), ("activity", "Learning activity"), ("competencies", "Competency"),
        ("reflection", "How has this improved my practice?"), ("extra", "Evidence")]
EY = [("date", "Date"), ("activity", "Course title"), ("extra", "Provider"), ("hours", "Duration"),
      ("reflection", "What did I learn?"), ("reflection", "How will you apply this to your practice?")]
SUP = [("date", "Date of session"), ("activity", "Topic discussed"), ("reflection", "Reflection"),
       ("competencies", "Competencies evidenced"), ("hours", "Time")]
HCPC = [("date", "Date"), ("activity", "Activity"), ("type", "Type of activity"), ("hours", "Hours"),
        ("reflection", "Learning outcome"), ("extra", "Benefit to service users")]
TRAIN = [("activity", "Training undertaken"), ("date", "Date completed"), ("type", "Delivery"),
         ("hours", "CPD hours"), ("competencies", "Framework ref"), ("extra", "Certificate seen")]
REFLECT = [("date", "When"), ("activity", "What was the learning activity?"),
           ("reflection", "What did you learn from it?"),
           ("reflection", "How did you change or improve your practice as a result?"),
           ("competencies", "Which competencies does it evidence?")]

LAYOUTS: list[Layout] = [
    L("nmc-cpd-log", "docx", "NMC revalidation CPD log (method, topic, hours, participatory hours, part of the "
      "Code, evidence)", NMC, landscape=True, hours_style="hours_words", cover="breaks"),
    L("nmc-cpd-log-xlsx", "xlsx", "NMC revalidation CPD log kept as a spreadsheet", NMC, header_offset=4,
      cover="lines"),
    L("nmc-reflective-questions", "docx", "NMC reflective account questions as a table", REFLECT,
      date_style="long", cover="breaks", next_steps="paragraphs"),
    L("lscp-evidence-log", "docx", "LSCP competency evidence log with an Evidence column", LSCP,
      cover="table", next_steps="list"),
    L("lscp-evidence-log-xlsx", "xlsx", "LSCP competency evidence log as a workbook", LSCP, header_offset=2),
    L("lscp-per-competency", "docx", "LLR/LSCP log with one table per competency, the competency as a heading",
      [("date", "Date"), ("activity", "Learning activity"), ("reflection", "How has this improved my practice?"),
       ("extra", "Evidence")], per_competency=True, cover="breaks"),
    L("lscp-per-competency-xlsx", "xlsx", "one block per competency on one sheet, competency title row above",
      [("date", "Date"), ("activity", "Learning activity"), ("reflection", "Reflection on practice")],
      per_competency=True),
    L("early-years-cpd", "docx", "early-years CPD record (course, provider, duration, learning, application)",
      EY, hours_style="mins", cover="breaks", next_steps="list"),
    L("early-years-cpd-xlsx", "xlsx", "early-years CPD record kept in Excel", EY, hours_style="mins",
      header_offset=3),
    L("supervision-record", "docx", "reflective supervision record", SUP, hours_style="hr_min",
      date_style="ordinal", next_steps="table"),
    L("supervision-record-xlsx", "xlsx", "supervision log as a spreadsheet", SUP, hours_style="hr_min"),
    L("hcpc-cpd-profile", "docx", "HCPC-style CPD activity log", HCPC, hours_style="h", cover="lines"),
    L("hcpc-cpd-profile-xlsx", "xlsx", "HCPC-style CPD activity log, header on row 6", HCPC, header_offset=5,
      hours_style="h"),
    L("training-matrix-row", "docx", "training record with the activity first and the date second", TRAIN,
      date_style="short"),
    L("training-record-xlsx", "xlsx", "training record, activity first", TRAIN, header_offset=1),
    L("two-row-header", "docx", "CPD log with a merged group header above the columns",
      [("date", "Date"), ("activity", "Activity"), ("hours", "Hours"), ("reflection", "What I learned"),
       ("reflection", "Impact on my practice")], two_row_header=True),
    L("two-row-header-xlsx", "xlsx", "CPD log workbook with merged group headers",
      [("date", "Date"), ("activity", "Activity"), ("hours", "Hours"), ("reflection", "What I learned"),
       ("reflection", "Impact on my practice")], two_row_header=True, header_offset=2),
    L("notes-between", "docx", "evidence log with a notes row after some entries", LSCP, notes_rows=True),
    L("notes-between-xlsx", "xlsx", "evidence log workbook with notes rows", LSCP, notes_rows=True),
    L("continued-table", "docx", "log continued on a second table after a page break", HCPC, split=True,
      entries=8),
    L("quarters-xlsx", "xlsx", "one sheet per quarter", SUP, split=True, entries=8),
    L("several-tables", "docx", "evidence table with a contacts table and a sign-off table on the same page",
      LSCP, extra_tables=True, cover="table"),
    L("landscape-wide", "docx", "landscape log with many columns",
      [("date", "Date"), ("activity", "Activity title"), ("type", "Type of learning"), ("extra", "Provider"),
       ("hours", "Duration"), ("competencies", "Competency ref"), ("reflection", "Reflection"),
       ("extra", "Cost"), ("extra", "Manager initials")], landscape=True),
    L("reordered-columns", "docx", "reflection first, date last",
      [("reflection", "Reflection on learning"), ("activity", "Activity"), ("competencies", "Competencies"),
       ("hours", "Hours"), ("date", "Date")]),
    L("reordered-columns-xlsx", "xlsx", "reflection first, date last",
      [("reflection", "Reflection on learning"), ("activity", "Activity"), ("competencies", "Competencies"),
       ("hours", "Hours"), ("date", "Date")], date_style="long"),
    L("question-headers", "docx", "headers as questions only",
      [("date", "When did it take place?"), ("activity", "What did you do?"),
       ("hours", "How long did it take?"), ("reflection", "How will you apply this to your practice?")],
      hours_style="mins"),
    L("question-headers-xlsx", "xlsx", "headers as questions only",
      [("date", "When did it take place?"), ("activity", "What did you do?"),
       ("hours", "How long did it take?"), ("reflection", "How will you apply this to your practice?")],
      hours_style="hr_min"),
    L("evidence-only", "docx", "log whose free-text column is headed 'Evidence of learning'",
      [("date", "Date"), ("activity", "Training / activity"), ("reflection", "Evidence of learning"),
       ("competencies", "Competency")]),
    L("cpd-record-cover-lines", "docx", "CPD record with Name / Job title / Stage in one paragraph",
      [("date", "Date"), ("activity", "CPD activity"), ("hours", "Hours"), ("reflection", "Reflection")],
      cover="breaks", next_steps="paragraphs", hours_style="h"),
    L("mixed-durations", "docx", "durations written every which way",
      [("date", "Date"), ("activity", "Activity"), ("hours", "Length"), ("reflection", "Notes on learning")],
      hours_style="hr_min"),
    L("school-staff-training", "xlsx", "school staff training log with a title block",
      [("date", "Date of training"), ("activity", "Name of course"), ("type", "Format"), ("hours", "Hours"),
       ("reflection", "Impact on practice"), ("extra", "Signed by DSL")], header_offset=6, cover="lines"),
    L("domiciliary-care-cpd", "docx", "care-sector CPD log (activity, date, hours, what I learnt)",
      [("activity", "Learning activity"), ("date", "Date"), ("hours", "Hours"),
       ("reflection", "What I learnt"), ("extra", "Evidence")], date_style="long"),
    L("social-work-cpd", "xlsx", "social work CPD record",
      [("date", "Date"), ("activity", "CPD activity"), ("type", "Type"), ("hours", "Time spent"),
       ("reflection", "Reflection and impact"), ("competencies", "PCF / competency")], header_offset=2),
    L("nursery-room-log", "docx", "nursery room CPD log", EY, next_steps="paragraphs", cover="lines",
      hours_style="mins"),
    L("gp-practice-log", "xlsx", "GP practice safeguarding training log", TRAIN, header_offset=3,
      hours_style="h"),
    L("youth-work-log", "docx", "youth work reflective log", REFLECT, date_style="ordinal",
      next_steps="list"),
    L("per-competency-reflect", "docx", "one table per competency, question headers", REFLECT[:4],
      per_competency=True, cover="lines"),
    L("school-nurse-log", "docx", "school nursing CPD log", SUP, date_style="long", hours_style="mins",
      cover="table"),
    # kept aside while the reader was changed (see README): checked only once the code was done
    L("held-pvi-setting", "docx", "PVI setting CPD and safeguarding log", LSCP, date_style="ordinal",
      cover="breaks", next_steps="list"),
    L("held-trust-xlsx", "xlsx", "NHS trust safeguarding training log", HCPC, header_offset=4,
      hours_style="mins"),
    L("held-childminder", "docx", "childminder CPD record", EY, hours_style="hr_min", cover="lines"),
    L("held-foster", "xlsx", "fostering service supervision log", SUP, hours_style="h", split=True),
    L("held-two-row", "docx", "two-row header, reordered", [("activity", "Activity"), ("date", "Date"),
      ("reflection", "What I learned"), ("reflection", "Impact on my practice"), ("hours", "Hours")],
      two_row_header=True, hours_style="mins"),
    L("held-questions-xlsx", "xlsx", "question headers in a workbook", REFLECT, header_offset=2,
      date_style="long"),
    L("held-continued", "docx", "continued table, notes rows", LSCP, split=True, notes_rows=True, entries=8),
    L("held-per-competency", "docx", "per competency with evidence column", LSCP[:2] + LSCP[3:],
      per_competency=True, next_steps="paragraphs"),
]


# -------------------------------------------------------------------------------------------- the rows

@dataclass
class Row:
    """One entry as shown, and its truth."""

    cells: list[str]
    truth: dict[str, object]


def rows_for(layout: Layout, index: int) -> list[tuple[str | None, list[Row]]]:
    """The entries of a layout, grouped by competency heading when the layout has one table per competency."""
    chosen = [ACTIVITIES[(index + k) % len(ACTIVITIES)] for k in range(layout.entries)]
    chosen.sort(key=lambda a: a[0])
    fields = [f for f, _ in layout.columns]

    def make(activity, competencies: list[str]) -> Row:
        iso, title, kind, hours, _refs, reflection, evidence = activity
        learned, applied = ([*reflection.split(". ", 1), ""])[:2]
        cells, truth, reflections = [], {"date": iso}, []
        n_reflections = fields.count("reflection")
        for f in fields:
            if f == "date":
                cells.append(show_date(iso, layout.date_style))
            elif f == "activity":
                cells.append(title)
                truth["activity"] = title
            elif f == "type":
                cells.append(kind)
                truth["type"] = kind
            elif f == "hours":
                cells.append(show_hours(hours, layout.hours_style))
                truth["hours"] = hours
            elif f == "competencies":
                cells.append(", ".join(competencies))
            elif f == "reflection":
                text = reflection if n_reflections == 1 else (learned + "." if not reflections else applied)
                cells.append(text)
                reflections.append(text)
            else:
                cells.append(evidence if "vidence" in dict(layout.columns).get(f, "") else _extra(f, hours))
        if "competencies" in fields or layout.per_competency:
            truth["competencies"] = competencies
        if reflections:
            truth["reflection"] = "\n".join(reflections)
        return Row(cells, truth)

    if not layout.per_competency:
        return [(None, [make(a, a[4]) for a in chosen])]
    groups: dict[str, list[Row]] = {}
    for a in chosen:
        groups.setdefault(a[4][0], []).append(make(a, [a[4][0]]))
    return [(ref, groups[ref]) for ref in sorted(groups)]


def _extra(f: str, hours: float) -> str:
    return {"extra": "Yes"}.get(f, "")


COMPETENCY_TITLES = {
    "3.1": "Recognise the signs of abuse and neglect", "3.2": "Take part in multi-agency work",
    "3.3": "Reflect on practice in supervision", "3.4": "Know the law and guidance on information sharing",
    "3.5": "Escalate concerns when a response does not protect the child",
    "3.6": "Contribute to risk assessment", "3.7": "Learn from case reviews",
}


def cover_lines(layout: Layout, person: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Name", person[0]), ("Job title", person[1]), ("Stage", STAGE),
            ("Organisation", "Riverside Children's Centre")]


# ------------------------------------------------------------------------------------------------ Word

def write_docx(layout: Layout, index: int, path: Path) -> dict:
    person = PEOPLE[index % len(PEOPLE)]
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(9)
    section = document.sections[0]
    if layout.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)
    document.add_heading("Safeguarding children: continuing professional development record", level=1)
    cover = cover_lines(layout, person)
    if layout.cover == "breaks":  # one paragraph, a line break after each label (Shift+Enter)
        paragraph = document.add_paragraph()
        for k, (label, value) in enumerate(cover):
            run = paragraph.add_run(f"{label}: {value}")
            if k < len(cover) - 1:
                run.add_break()
    elif layout.cover == "lines":
        for label, value in cover:
            document.add_paragraph(f"{label}: {value}")
    elif layout.cover == "table":
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in cover:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    document.add_paragraph("Record each learning activity below. Keep certificates with this record.")
    truth_entries: list[dict] = []
    headers = [h for _, h in layout.columns]
    groups = rows_for(layout, index)
    for group_ref, rows in groups:
        if group_ref is not None:
            document.add_heading(f"Competency {group_ref}: {COMPETENCY_TITLES[group_ref]}", level=2)
        chunks = [rows[: len(rows) // 2], rows[len(rows) // 2:]] if layout.split else [rows]
        for part, chunk in enumerate(chunks):
            if part:
                document.add_page_break()
                document.add_paragraph("Learning log (continued)")
            table = document.add_table(rows=0, cols=len(headers))
            table.style = "Table Grid"
            if layout.two_row_header:
                top = table.add_row()
                top.cells[0].text = "About the activity"
                refl = [k for k, (f, _) in enumerate(layout.columns) if f == "reflection"]
                if refl:
                    cells = top.cells
                    merged = cells[refl[0]].merge(cells[refl[-1]]) if len(refl) > 1 else cells[refl[0]]
                    merged.text = "Reflection"
            cells = table.add_row().cells
            for k, h in enumerate(headers):
                cells[k].text = h
                for run in cells[k].paragraphs[0].runs:
                    run.bold = True
            for k, row in enumerate(chunk):
                cells = table.add_row().cells
                for c, text in enumerate(row.cells):
                    cells[c].text = text
                truth_entries.append(row.truth)
                if layout.notes_rows and k % 2 == 0:
                    notes = table.add_row().cells
                    merged = notes[0].merge(notes[-1])
                    merged.text = "Notes: discussed at team meeting"
    if layout.extra_tables:
        document.add_paragraph("Useful contacts")
        table = document.add_table(rows=3, cols=3)
        table.style = "Table Grid"
        for r, values in enumerate([("Contact", "Phone", "Email"), ("Children's services front door",
                                    "0300 123 4567", "frontdoor@example.org"),
                                    ("LADO", "0300 765 4321", "lado@example.org")]):
            for c, v in enumerate(values):
                table.rows[r].cells[c].text = v
    truth_steps: list[str] = []
    if layout.next_steps != "none":
        document.add_heading("Next steps", level=2)
        if layout.next_steps == "paragraphs":
            for step in NEXT_STEPS:
                document.add_paragraph(step)
        elif layout.next_steps == "list":
            for step in NEXT_STEPS:
                document.add_paragraph(step, style="List Bullet")
        else:
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Development need", "By when"
            for step in NEXT_STEPS:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = step, "30/06/2026"
        truth_steps = list(NEXT_STEPS)
        document.add_paragraph("Signed by line manager: ______________")
    document.core_properties.author = "Training team"
    document.save(path)
    _fixed_zip(path)
    return _truth(layout, person, truth_entries, truth_steps)


# ----------------------------------------------------------------------------------------------- Excel

RULED = Border(*(Side(style="thin"),) * 4)


def write_xlsx(layout: Layout, index: int, path: Path) -> dict:
    person = PEOPLE[index % len(PEOPLE)]
    book = Workbook()
    headers = [h for _, h in layout.columns]
    groups = rows_for(layout, index)
    all_rows = [(ref, row) for ref, rows in groups for row in rows]
    sheets = ([all_rows[: len(all_rows) // 2], all_rows[len(all_rows) // 2:]] if layout.split else [all_rows])
    truth_entries: list[dict] = []
    for s, chunk in enumerate(sheets):
        sheet = book.active if s == 0 else book.create_sheet()
        sheet.title = f"Q{s + 1}" if layout.split else "CPD log"
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        r = 1
        sheet.cell(r, 1, "Safeguarding training and CPD log").font = Font(bold=True, size=14)
        r += 1
        if layout.cover == "lines" and s == 0:
            for label, value in cover_lines(layout, person):
                sheet.cell(r, 1, f"{label}:")
                sheet.cell(r, 2, value)
                r += 1
        while r <= layout.header_offset:
            sheet.cell(r, 1, "Please complete one row per activity" if r == 2 else None)
            r += 1
        r += 1
        previous_ref = None
        for ref, row in chunk:
            if (ref != previous_ref and layout.per_competency) or previous_ref is None:
                if ref is not None:
                    r += 1
                    sheet.cell(r, 1, f"Competency {ref}: {COMPETENCY_TITLES[ref]}").font = Font(bold=True)
                    r += 1
                if layout.two_row_header:
                    sheet.cell(r, 1, "About the activity")
                    refl = [k for k, (f, _) in enumerate(layout.columns) if f == "reflection"]
                    for c in range(1, len(headers) + 1):
                        sheet.cell(r, c).border = RULED
                    if refl:
                        sheet.cell(r, refl[0] + 1, "Reflection")
                        sheet.merge_cells(start_row=r, start_column=refl[0] + 1, end_row=r,
                                          end_column=refl[-1] + 1)
                    r += 1
                for c, h in enumerate(headers, start=1):
                    sheet.cell(r, c, h).font = Font(bold=True)
                    sheet.cell(r, c).border = RULED
                    sheet.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
                tallest = max(-(-len(h) // 16) for h in headers)  # a wrapped header grows its row, as in Excel
                sheet.row_dimensions[r].height = 15 * tallest + 4
                r += 1
                previous_ref = ref if ref is not None else "-"
            for c, (f, text) in enumerate(zip([f for f, _ in layout.columns], row.cells, strict=True), start=1):
                value: object = text
                if f == "date" and layout.date_style == "uk" and c % 2:
                    value = dt.datetime.fromisoformat(row.truth["date"])  # a real Excel date
                    sheet.cell(r, c).number_format = "DD/MM/YYYY"
                elif f == "hours" and layout.hours_style == "decimal":
                    value = row.truth["hours"]
                target = sheet.cell(r, c, value)
                target.alignment = Alignment(wrap_text=True, vertical="top")
                target.border = RULED  # published Excel templates rule their tables; the PDF shows the lines
            # Excel grows a row to fit wrapped text when it is typed; openpyxl does not, so set the height
            widths = [48 if f == "reflection" else 18 for f, _ in layout.columns]
            lines = max(-(-len(text) // int(w * 0.9)) + text.count("\n") for text, w in zip(row.cells, widths,
                                                                                            strict=True))
            sheet.row_dimensions[r].height = 15 * max(lines, 1) + 4
            truth_entries.append(row.truth)
            r += 1
            if layout.notes_rows and len(truth_entries) % 2 == 1:
                sheet.cell(r, 1, "Notes: discussed at team meeting")
                for c in range(1, len(headers) + 1):
                    sheet.cell(r, c).border = RULED
                sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
                r += 1
        for c in range(1, len(headers) + 1):
            f = layout.columns[c - 1][0]
            sheet.column_dimensions[chr(64 + c)].width = 48 if f == "reflection" else 18
    truth_steps: list[str] = []
    if layout.cover == "table" or layout.next_steps != "none":
        sheet = book.create_sheet("About me")
        for r, (label, value) in enumerate(cover_lines(layout, person), start=1):
            sheet.cell(r, 1, label)
            sheet.cell(r, 2, value)
    book.properties.creator = "Training team"
    book.save(path)
    _fixed_zip(path)
    truth = _truth(layout, person, truth_entries, truth_steps)
    if layout.cover == "none":
        truth["staff"] = {}
    return truth


def _truth(layout: Layout, person: tuple[str, str], entries: list[dict], steps: list[str]) -> dict:
    staff = {} if layout.cover == "none" else {"name": person[0], "role": person[1]}
    if layout.fmt == "xlsx" and layout.cover not in ("lines", "table"):
        staff = {}
    return {"layout": layout.name, "format": layout.fmt, "source": layout.source, "staff": staff,
            "entries": entries, "next_steps": steps if steps else None}


def _fixed_zip(path: Path) -> None:
    """Fixed member times and document dates, so a rebuild changes no byte."""
    with zipfile.ZipFile(path) as src:
        parts = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-02-01T09:00:00Z", data)
            out.writestr(zipfile.ZipInfo(name, date_time=FIXED), data, compress_type=zipfile.ZIP_DEFLATED)


def export_pdfs(paths: list[Path]) -> None:
    """LibreOffice's PDF export of each file, beside it, with a private profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice not found: PDFs not rebuilt")
        return
    with tempfile.TemporaryDirectory(prefix="sglogs-layouts-lo-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(HERE), *map(str, [p for p in paths if p.parent == HERE])], check=True,
                       capture_output=True, timeout=600)


README_HEAD = """# Foreign-layout corpus

Logs in the shapes of templates organisations publish, none made by sglogs, built by `make_layouts.py` (run it from
the repository root; it rewrites every file here, PDFs with LibreOffice). Each layout has its file, `NAME.pdf`
(LibreOffice's export) and `NAME.truth.json` (what the page shows). `tests/test_layouts.py` reads them all.

Where the shapes come from (looked up, not copied): the NMC revalidation CPD log (method, topic, dates, number of
hours, participatory hours, part of the Code, evidence) and its reflective account form (what was the nature of
the CPD activity, what did you learn, how did you change or improve your practice, how is it relevant to the
Code); the LLR safeguarding competency framework sign-off documents and LSCP competency logs (one section per
competency group, evidence of learning); early-years CPD records (course, provider, duration, what did I learn, how
will you apply this to your practice); reflective supervision records; HCPC-style CPD profiles (activity, type,
learning outcome, benefit to service users); school and GP practice staff training logs (training undertaken,
date completed, certificate seen). Layouts named `held-*` were kept aside while the reader was changed and only
read once the code was done.

| layout | format | shape | quirks |
|---|---|---|---|
"""


def write_readme() -> None:
    """``README.md``: one line per layout, its shape and what is unusual about it."""
    lines = [README_HEAD.rstrip("\n")]
    defaults = Layout("", "", "", ())
    for layout in LAYOUTS:
        quirks = [f"{k}={v}" for k, v in vars(layout).items()
                  if k not in ("name", "fmt", "source", "columns") and v != getattr(defaults, k)]
        headers = " / ".join(h for _, h in layout.columns)
        lines.append(f"| {layout.name} | {layout.fmt} | {layout.source}: {headers} | {', '.join(quirks)} |")
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_not_logs(folder: Path) -> list[Path]:
    """Documents that are not competency logs, which reading must refuse: minutes, a roster, a budget."""
    folder.mkdir(exist_ok=True)
    minutes = docx.Document()
    minutes.add_heading("Team meeting minutes, 12 March 2026", level=1)
    minutes.add_paragraph("Present: Priya Raman, Tom Okafor, Aisha Begum\nApologies: Gareth Lloyd")
    table = minutes.add_table(rows=3, cols=3)
    for r, values in enumerate([("Item", "Discussion", "Action by"), ("Rota", "Summer cover agreed", "TO"),
                                ("Safeguarding", "Policy review due in May", "PR")]):
        for c, value in enumerate(values):
            table.rows[r].cells[c].text = value
    paths = [folder / "team-meeting-minutes.docx", folder / "staff-roster.xlsx", folder / "budget-2026.xlsx"]
    minutes.save(paths[0])
    roster = Workbook()
    roster.active.append(["Staff ID", "Name", "Role", "Setting", "Start date"])
    for n, (name, role) in enumerate(PEOPLE, start=1):
        roster.active.append([f"RC{n:03d}", name, role, "Riverside", dt.datetime(2024, n, 1)])
    roster.save(paths[1])
    budget = Workbook()
    budget.active.append(["Budget line", "Q1", "Q2", "Q3", "Q4", "Total"])
    for line in ("Training", "Supply cover", "Resources"):
        budget.active.append([line, 1200, 900, 1100, 800, 4000])
    budget.save(paths[2])
    for path in paths:
        _fixed_zip(path)
    return paths


def main() -> None:
    written: list[Path] = []
    written += write_not_logs(HERE / "not-logs")
    for index, layout in enumerate(LAYOUTS):
        path = HERE / f"{layout.name}.{layout.fmt}"
        truth = (write_docx if layout.fmt == "docx" else write_xlsx)(layout, index, path)
        path.with_suffix(".truth.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    write_readme()
    if "--no-pdf" not in sys.argv:
        export_pdfs(written)
    print(f"wrote {len(written)} layouts")


if __name__ == "__main__":
    main()
