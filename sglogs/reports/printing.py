"""How every workbook sglogs writes prints: A4, fitted to the page width (landscape where wide), a title with the
run date in the page header, page numbers in the footer, the header row repeated on every page.

One copy for the batch summary, the register and the Q-card workbook, so that they print alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from ..core.formatting import long_date

#: SpreadsheetML's paper size code for A4 (a write-only sheet has no ``PAPERSIZE_A4``).
PAPER_A4 = "9"
#: Dates in every workbook: real Excel dates shown day first.
DATE_FORMAT = "dd/mm/yyyy"
#: What every printed page of a workbook says in its footer about the data it holds.
PERSONAL_DATA = "Personal data: keep within the organisation"
#: The one accent colour of every workbook and document sglogs writes (a dark teal).
ACCENT = "1F5F5B"
#: Header rows: white bold on the accent. The font is named because LibreOffice's fallback is a serif.
HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=ACCENT)
#: Text cells wrap in their column, top-aligned: text running over the next cells widens the printed page.
WRAP = Alignment(wrap_text=True, vertical="top")


def style_header(cell: Cell, alignment: Alignment = WRAP) -> Cell:
    """Give ``cell`` the look of every header cell sglogs writes, and return it.

    Example:
        >>> from openpyxl import Workbook
        >>> cell = style_header(Workbook().active["A1"])
        >>> cell.font.bold, cell.fill.fgColor.rgb, cell.alignment.wrap_text
        (True, '001F5F5B', True)
    """
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, alignment
    return cell


def _hf(text: str) -> str:
    """Header and footer text treats ``&`` as a code: a literal ampersand is written ``&&``."""
    return text.replace("&", "&&")


def print_on_a4(ws: Worksheet | WriteOnlyWorksheet, title: str, *, run_date: dt.date | None = None,
                landscape: bool = True, header_rows: str | None = "1:1") -> None:  # fmt: skip
    """Set up ``ws`` to print on A4: fitted to one page wide (as many pages down as it needs), the title and run
    date at the top of each page, "Page n of m" and a personal-data note at the foot, ``header_rows`` repeated.

    Example:
        >>> from openpyxl import Workbook
        >>> ws = Workbook().active
        >>> print_on_a4(ws, "Batch review", run_date=dt.date(2026, 12, 14))
        >>> ws.oddHeader.center.text, ws.page_setup.paperSize
        ('Batch review · 14 December 2026', 9)
    """
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    # inches: the page header and footer sit in the margin, clear of the table and of the printer's edge
    ws.page_margins.top = ws.page_margins.bottom = 0.9
    ws.page_margins.header = ws.page_margins.footer = 0.35
    ws.oddHeader.center.text = _hf(f"{title} · {long_date(run_date)}" if run_date else title)
    ws.oddFooter.center.text = "Page &P of &N"
    ws.oddFooter.right.text = PERSONAL_DATA
    if header_rows:
        ws.print_title_rows = header_rows


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` units wide (Calibri 11), erring on the tall side.

    Example:
        >>> wrapped_lines("0123456789abcdef" * 4, 22), wrapped_lines("Feedback report", 22)
        (3, 1)
    """
    per_line = max(1, int(width * 1.2))  # Calibri 11: about 1.2 average characters a unit of width
    return sum(-(-len(part) // per_line) or 1 for part in text.split("\n"))


def fit_row_height(ws: Worksheet, cells: Sequence[Cell], *, line_height: float = 15.0) -> None:
    """Give the row of ``cells`` (just written, one row) the height its longest wrapped text needs.

    Neither Excel nor LibreOffice reliably grows a row written by openpyxl when it opens the file, so wrapped
    text would be cut off or overlap the next row. The estimate errs on the tall side. The caller passes the
    cells it wrote: ``ws[row]`` would scan the whole sheet for its width on every call.

    Example:
        >>> fit_row_height(worksheet, [worksheet.cell(2, 1, "A long note")])  # doctest: +SKIP
    """
    lines = 1
    for cell in cells:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            lines = max(lines, wrapped_lines(cell.value, ws.column_dimensions[cell.column_letter].width or 8.43))
    if lines > 1 and cells:
        ws.row_dimensions[cells[0].row].height = line_height * lines + 2
