"""The Q-card self-assessment as documents: a Word report to read and file, and a workbook to sort and filter.

The Word report is built with python-docx (no template: its layout is the same for every organisation): A4,
a cover block (organisation, date, scope, thresholds), a summary table, then one section per question with the
question word for word, what was measured, the figures, a RAG badge and the people behind the figures. It names
people: it is the organisation's internal record and is written readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..audit import AMBER_AT_PERCENT, GREEN_AT_PERCENT, QCARD_SOURCE, AuditFigure, QCardAnswer
from ..files import atomic_save
from ..models import RagStatus
from ..workbook_text import put_text  # security: every string a string, never a formula
from .printing import ACCENT, WRAP, fit_row_height, print_on_a4, style_header

#: Badge fills (RGB hex) per RAG, the same light fills as the review documents' action plan; grey: no data.
RAG_FILLS = {RagStatus.RED: "F4CCCC", RagStatus.AMBER: "FFE599", RagStatus.GREEN: "D9EAD3", None: "E7E6E6"}
_FONT = "Arial"
TITLE = "Q-card self-assessment"
SUBTITLE = "Safeguarding competency logs"


def rag_word(rag: RagStatus | None) -> str:
    """The badge text: ``"Red"``, ``"Amber"``, ``"Green"`` or ``"No data"``.

    Example:
        >>> rag_word(RagStatus.AMBER), rag_word(None)
        ('Amber', 'No data')
    """
    return rag.value.capitalize() if rag else "No data"


def _shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, colour: str | None = None,
               size: float | None = None) -> None:
    # only what differs from the table style is set: a report lists every person up to seven times
    lines = text.split("\n")
    run = cell.paragraphs[0].add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    if bold:
        run.bold = True
    if size is not None:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)


def _table(document: WordDocument, headers: Sequence[str], widths: Sequence[float]) -> Table:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths)
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _shade(cell, ACCENT)
        _cell_text(cell, header, bold=True, colour="FFFFFF")
    _repeat_header(table)
    return table


def _widths(table: Table, widths: Sequence[float]) -> None:
    # LibreOffice reads the table grid, Word the first row's cell widths (later rows follow the fixed layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = Cm(width)


def _repeat_header(table: Table) -> None:
    # the header row repeats on every page a long list of people runs onto
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _add_row(table: Table, values: Sequence[str]) -> list[_Cell]:
    cells = table.add_row().cells
    for cell, value in zip(cells, values, strict=True):
        _cell_text(cell, value)
    return cells


def _badge(cell: _Cell, rag: RagStatus | None) -> None:
    _shade(cell, RAG_FILLS[rag])
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.bold = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page_number(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _setup(document: WordDocument, footer_text: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = document.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), _FONT)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = _FONT
        style.font.color.rgb = RGBColor.from_string(ACCENT)
    document.styles["Title"].font.size = Pt(20)
    document.styles["Heading 1"].font.size = Pt(13)
    grid = document.styles["Table Grid"]  # the text of every table: small, no space under paragraphs
    grid.font.size = Pt(9)
    grid.paragraph_format.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.text = f"{footer_text} · page "
    footer.runs[0].font.size = Pt(8)
    _page_number(footer)


def _figure_line(figure: AuditFigure) -> str:
    judged = f" ({rag_word(figure.rag).lower()})" if figure.rag is not None else " (not judged)"
    return f"{figure.text}: {figure.label}{judged}"


_PEOPLE_WIDTHS = (2.0, 4.2, 1.6, 9.2)
_SUMMARY_WIDTHS = (1.0, 6.8, 6.2, 3.0)


def write_audit_docx(
    answers: Sequence[QCardAnswer],
    path: Path,
    *,
    organisation: str = "",
    as_of: dt.date | None = None,
    scope: str = "Whole organisation",
    mode: int = 0o600,
) -> Path:
    """Write the Q-card self-assessment as an A4 Word report, atomically, readable by its owner only.

    Args:
        answers: ``sglogs.audit.self_assessment(...)``.
        path: The .docx to write; an existing one is replaced whole.
        organisation: Printed in the heading and footer.
        as_of: The date of the assessment (``None``: today).
        scope: What the figures cover, e.g. ``"Setting: Hillside Primary School"``.
        mode: File permission bits (``settings.output.file_mode_bits``).

    Example:
        >>> write_audit_docx(answers, Path("outbox/audit/q-card-self-assessment.docx"),
        ...     organisation="Sunflower Nursery", as_of=dt.date(2027, 1, 15))  # doctest: +SKIP
        PosixPath('outbox/audit/q-card-self-assessment.docx')
    """
    as_of = as_of or dt.date.today()
    document = Document()
    _setup(document, " · ".join(p for p in ("Q-card self-assessment", organisation, f"{as_of:%d/%m/%Y}",
                                            "internal record: contains names") if p))
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph(f"{SUBTITLE} · LLR LSCB Safeguarding Competency Framework", style="Subtitle")
    facts = (("Organisation", organisation or "Not named"),
             ("Date", f"{as_of:%d/%m/%Y}"), ("Scope", scope),
             ("Questions", f"LLR LSCB Safeguarding Competency Framework Q-cards ({QCARD_SOURCE})"),
             ("RAG", f"Green at {GREEN_AT_PERCENT}% or more, amber at {AMBER_AT_PERCENT}% or more, red below; "
                     "no data when there is nothing to measure."))
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_paragraph(
        "Each question is answered with figures from the staff roster and the competency-log reviews sglogs "
        "recorded. Under each figure is what was measured and the people behind it, those who do not count "
        "towards it first, so the answer can be checked and acted on.")
    document.add_heading("Summary", level=1)
    summary = _table(document, ("Q", "Question", "Figure", "RAG"), _SUMMARY_WIDTHS)
    for answer in answers:
        cells = _add_row(summary, (str(answer.number), answer.title, answer.figure, rag_word(answer.rag)))
        _badge(cells[3], answer.rag)
    for answer in answers:
        document.add_heading(f"Q{answer.number}. {answer.title}", level=1)
        question = document.add_paragraph(style="Quote" if "Quote" in document.styles else None)
        question.add_run(answer.question).italic = True
        measured = document.add_paragraph()
        measured.add_run("What we measured: ").bold = True
        measured.add_run(answer.measure)
        for paragraph in (question, measured):  # a question is not split from its figure by a page break
            paragraph.paragraph_format.keep_with_next = True
        badge = document.add_table(rows=1, cols=2)
        badge.style = "Table Grid"
        badge.autofit = False
        _widths(badge, (13.6, 3.4))
        left, right = badge.rows[0].cells
        _cell_text(left, "\n".join(_figure_line(f) for f in answer.figures), size=10)
        _cell_text(right, rag_word(answer.rag), size=12)
        _badge(right, answer.rag)
        if answer.people:
            document.add_paragraph().paragraph_format.space_after = Pt(0)
            people = _table(document, ("Staff ID", "Name", "Counts", "Detail"), _PEOPLE_WIDTHS)
            for person in answer.people:
                _add_row(people, (person.staff_id, person.name, "Yes" if person.counted else "No", person.detail))
        else:
            document.add_paragraph("No one is behind this figure: there was nothing to measure.")
    document.core_properties.title = f"{TITLE}: {SUBTITLE.lower()}"
    document.core_properties.author = "sglogs"
    return atomic_save(document.save, path, mode)


# ------------------------------------------------------------------------------------------------- workbook



def _sheet_header(ws: Worksheet, headers: Sequence[str], widths: Sequence[float]) -> None:
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        style_header(put_text(ws, 1, column, header))
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"


_ANSWER_HEADERS = ("Q", "Title", "Question", "What we measured", "Figure", "Numerator", "Denominator", "%", "RAG",
                   "Further figure")
_ANSWER_WIDTHS = (4, 24, 50, 60, 22, 10, 12, 7, 9, 40)
_PEOPLE_HEADERS = ("Q", "Title", "Staff ID", "Name", "Counts", "Detail")
_PEOPLE_WIDTHS_XLSX = (4, 30, 10, 24, 8, 70)


def write_audit_xlsx(
    answers: Sequence[QCardAnswer],
    path: Path,
    *,
    organisation: str = "",
    as_of: dt.date | None = None,
    scope: str = "Whole organisation",
    mode: int = 0o600,
) -> Path:
    """Write the Q-card self-assessment as a workbook: "Answers" (one row a question) and "People" (one row a
    person behind a figure, filterable), atomically, readable by its owner only.

    Example:
        >>> write_audit_xlsx(answers, Path("outbox/audit/q-card-self-assessment.xlsx"))  # doctest: +SKIP
        PosixPath('outbox/audit/q-card-self-assessment.xlsx')
    """
    as_of = as_of or dt.date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = "Answers"
    _sheet_header(ws, _ANSWER_HEADERS, _ANSWER_WIDTHS)
    for row, answer in enumerate(answers, start=2):
        head = answer.figures[0]
        further = "\n".join(f"{f.text}: {f.label}" for f in answer.figures[1:])
        values = (answer.number, answer.title, answer.question, answer.measure, answer.figure, head.numerator,
                  head.denominator, (head.percent / 100) if head.percent is not None else None,
                  rag_word(answer.rag), further or None)
        cells = [put_text(ws, row, column, value) for column, value in enumerate(values, start=1)]
        for cell in cells:
            cell.alignment = WRAP
        cells[7].number_format = "0%"
        cells[8].fill = PatternFill("solid", fgColor=RAG_FILLS[answer.rag])
        fit_row_height(ws, cells)
    title = " · ".join(p for p in ("Q-card self-assessment", organisation, scope) if p)
    print_on_a4(ws, title, run_date=as_of)
    people = wb.create_sheet("People")
    _sheet_header(people, _PEOPLE_HEADERS, _PEOPLE_WIDTHS_XLSX)
    row = 1
    for answer in answers:
        for person in answer.people:
            row += 1
            cells = [put_text(people, row, column, value) for column, value in enumerate(
                (answer.number, answer.title, person.staff_id, person.name, "Yes" if person.counted else "No",
                 person.detail), start=1)]
            for cell in cells:
                cell.alignment = WRAP
            fit_row_height(people, cells)
    people.auto_filter.ref = f"A1:F{max(row, 2)}"
    print_on_a4(people, f"{title} · the people behind each figure", run_date=as_of)
    wb.properties.title = f"{TITLE}: {SUBTITLE.lower()}"
    wb.properties.creator = "sglogs"
    return atomic_save(wb.save, path, mode)
