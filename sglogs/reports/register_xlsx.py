"""``register.xlsx``: the staff register (one row per person, RAG status bands) and a compliance summary with a chart.

The "Register" sheet is a plain list a manager sorts and filters: header frozen, autofilter on, dates as real
dates shown dd/mm/yyyy, the status band coloured by conditional formatting (so the colour follows the text when
someone sorts, filters or corrects a cell). The "Summary" sheet holds the compliance tables by setting and by
level and a bar chart of % compliant by setting. Both print on A4 landscape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..files import atomic_save
from ..matching import UnmatchedLog
from ..register import BAND_DAYS, RAG_COLOURS, ComplianceGroup, RegisterRow, RegisterSummary, band_colours
from ..workbook_text import put_text  # security: every string a string, never a formula
from .printing import ACCENT, DATE_FORMAT, WRAP, fit_row_height, print_on_a4, style_header

PERCENT_FORMAT = "0%"
# fonts are named: a Font without a name falls back to a serif face in LibreOffice
_FONT = "Calibri"
_TITLE_FONT = Font(name=_FONT, bold=True, size=14)
_HEADING_FONT = Font(name=_FONT, bold=True, size=11, color=ACCENT)
_TOP = Alignment(vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top")
_CENTRE_WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


#: The Register sheet's columns: header, width, the value of a row, and its kind (text, wrap, date, number).
COLUMNS: tuple[tuple[str, float, Callable[[RegisterRow], Any], str], ...] = (
    ("Staff ID", 10, lambda r: r.staff_id, "text"),
    ("Name", 22, lambda r: r.name, "text"),
    ("Setting", 26, lambda r: r.setting, "text"),
    ("Role", 24, lambda r: r.role, "wrap"),
    ("Framework", 24, lambda r: r.framework_name or r.framework, "wrap"),
    ("Level", 9, lambda r: r.level_label, "text"),
    ("Designated lead", 11, lambda r: _yes(r.designated_lead), "text"),
    ("Log period start", 11, lambda r: r.period_start, "date"),
    ("Log period end", 11, lambda r: r.period_end, "date"),
    ("Sign-off date", 11, lambda r: r.last_review, "date"),
    ("Signed off", 9, lambda r: _yes(r.signed_off) if r.read_on else "", "text"),
    ("Manager's outcome", 28, lambda r: r.signoff_outcome, "wrap"),
    ("Met (manager's assessment)", 13, lambda r: r.manager_met, "number"),
    ("Evidenced (sglogs' view)", 13, lambda r: r.competencies_met, "number"),
    ("Competencies required", 13, lambda r: r.competencies_required, "number"),
    ("Last formal training", 11, lambda r: r.last_formal_training, "date"),
    ("Refresher due", 11, lambda r: r.refresher_due, "date"),
    ("Status", 17, lambda r: r.status, "text"),
    ("Compliant", 10, lambda r: _yes(r.compliant), "text"),
    ("Notes", 48, lambda r: "\n".join(r.notes), "wrap"),
)
#: 1-based columns of the status band and of "Compliant" (their fills are conditional formats).
STATUS_COLUMN = next(i for i, c in enumerate(COLUMNS, start=1) if c[0] == "Status")
COMPLIANT_COLUMN = next(i for i, c in enumerate(COLUMNS, start=1) if c[0] == "Compliant")


def _fill(key: str) -> PatternFill:
    colour = RAG_COLOURS[key]
    # conditional formats use the background colour of a solid fill
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid", bgColor=colour)


def _header(ws: Worksheet, row: int, labels: Sequence[str], first_column: int = 1, *, numbers_from: int = 0) -> None:
    """A header row; labels from index ``numbers_from`` (when > 0) head numbers and are centred over them."""
    for offset, label in enumerate(labels):
        cell = put_text(ws, row, first_column + offset, label)
        centred = 0 < numbers_from <= offset
        style_header(cell, _CENTRE_WRAP if centred else WRAP)


def _register_sheet(ws: Worksheet, rows: Sequence[RegisterRow], title: str, band_days: Sequence[int],
                    as_of: dt.date | None) -> None:  # fmt: skip
    ws.title = "Register"
    _header(ws, 1, [c[0] for c in COLUMNS])
    ws.row_dimensions[1].height = 30
    for column, (_, width, _, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for row_number, row in enumerate(rows, start=2):
        cells = []
        for column, (_, _, value_of, kind) in enumerate(COLUMNS, start=1):
            value = value_of(row)
            cell = put_text(ws, row_number, column, value if value not in (None, "") else None)
            cell.alignment = WRAP if kind == "wrap" else _TOP
            if kind == "date":
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        fit_row_height(ws, cells)
    last_column = get_column_letter(len(COLUMNS))
    last_row = max(2, len(rows) + 1)
    ws.auto_filter.ref = f"A1:{last_column}{last_row}"
    ws.freeze_panes = "C2"  # the header and who the row is about stay in view
    status = get_column_letter(STATUS_COLUMN)
    for label, key in band_colours(band_days).items():
        ws.conditional_formatting.add(f"{status}2:{status}{last_row}",
                                      CellIsRule(operator="equal", formula=[f'"{label}"'], fill=_fill(key)))
    compliant = get_column_letter(COMPLIANT_COLUMN)
    for label, key in (("Yes", "in_date"), ("No", "overdue")):
        ws.conditional_formatting.add(f"{compliant}2:{compliant}{last_row}",
                                      CellIsRule(operator="equal", formula=[f'"{label}"'], fill=_fill(key)))
    print_on_a4(ws, title, run_date=as_of)


_GROUP_HEADERS = ("People", "In date", "Signed off", "Compliant", "% in date", "% signed off", "% compliant")


def _group_cells(ws: Worksheet, row: int, column: int, group: ComplianceGroup) -> None:
    values: list[Any] = [group.people, group.in_date, group.signed_off, group.compliant,
                         group.percent_in_date / 100, group.percent_signed_off / 100, group.percent_compliant / 100]
    for offset, value in enumerate(values):
        cell = put_text(ws, row, column + offset, value)
        cell.alignment = _CENTRE
        if offset >= 4:
            cell.number_format = PERCENT_FORMAT


def _summary_sheet(ws: Worksheet, result: RegisterSummary, *, organisation: str, as_of: dt.date | None,
                   title: str, band_days: Sequence[int]) -> None:
    put_text(ws, 1, 1, "Safeguarding competency register: summary")
    ws["A1"].font = _TITLE_FONT
    put_text(ws, 2, 1, " · ".join(p for p in (organisation, f"as at {as_of:%d/%m/%Y}" if as_of else "") if p))
    ws["A3"] = ("In date: refresher training not past its due date (3 years after the last formal training in any "
                "reviewed log, 2 for designated leads). Compliant: in date, and the latest reviewed log signed off "
                "by the manager with the outcome met.")
    ws["A3"].alignment = Alignment(wrap_text=False)
    row = 5
    put_text(ws, row, 1, "Overall").font = _HEADING_FONT
    _header(ws, row + 1, ["", *_GROUP_HEADERS], numbers_from=1)
    ws.row_dimensions[row + 1].height = 30
    put_text(ws, row + 2, 1, "Everyone")
    _group_cells(ws, row + 2, 2, result.overall)
    row += 4
    put_text(ws, row, 1, "Refresher training").font = _HEADING_FONT
    _header(ws, row + 1, ["Status", "People"], numbers_from=1)
    colours = band_colours(band_days)
    for offset, (label, count) in enumerate(result.bands.items(), start=2):
        cell = put_text(ws, row + offset, 1, label)
        cell.fill = _fill(colours.get(label, "unknown"))
        put_text(ws, row + offset, 2, count).alignment = _CENTRE
    row += len(result.bands) + 3
    put_text(ws, row, 1, "Compliance by setting").font = _HEADING_FONT
    _header(ws, row + 1, ["Setting", *_GROUP_HEADERS], numbers_from=1)
    ws.row_dimensions[row + 1].height = 30
    first_setting = row + 2
    for offset, group in enumerate(result.by_setting):
        put_text(ws, first_setting + offset, 1, group.name)
        _group_cells(ws, first_setting + offset, 2, group)
    last_setting = first_setting + len(result.by_setting) - 1
    row = max(last_setting, first_setting) + 2
    put_text(ws, row, 1, "Compliance by level").font = _HEADING_FONT
    _header(ws, row + 1, ["Level", "Framework", *_GROUP_HEADERS], numbers_from=2)
    ws.row_dimensions[row + 1].height = 30
    for offset, group in enumerate(result.by_level, start=2):
        put_text(ws, row + offset, 1, group.level)
        put_text(ws, row + offset, 2, group.framework_name or group.framework).alignment = WRAP
        _group_cells(ws, row + offset, 3, group)
    for column, width in zip("ABCDEFGHI", (30, 34, 10, 10, 10, 10, 10, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    if result.by_setting:
        ws.add_chart(_chart(ws, first_setting, last_setting), "L5")
    print_on_a4(ws, title, run_date=as_of, header_rows=None)


def _chart(ws: Worksheet, first_row: int, last_row: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: setting names stay readable however long they are
    chart.title = "% compliant by setting"
    chart.style = 10
    data = Reference(ws, min_col=8, min_row=first_row - 1, max_row=last_row)  # "% compliant" with its header
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first_row, max_row=last_row))
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.25
    chart.y_axis.number_format = PERCENT_FORMAT
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # settings top to bottom, in the table's order
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    for unwanted in ("showSerName", "showCatName", "showLegendKey", "showPercent", "showBubbleSize"):
        setattr(chart.dataLabels, unwanted, False)
    chart.series[0].graphicalProperties.solidFill = "1F5F5B"
    chart.height = max(5.0, 1.2 * (last_row - first_row + 1) + 3)
    chart.width = 16
    return chart


_UNMATCHED_COLUMNS = (("Name on the cover", 24), ("Setting on the cover", 26), ("Log period start", 12),
                      ("Log period end", 12), ("Read by sglogs", 12), ("Log file", 40), ("Why it is unmatched", 60))


def _unmatched_sheet(ws: Worksheet, unmatched: Sequence[UnmatchedLog], title: str, as_of: dt.date | None) -> None:
    """The logs that are no one's on the roster: put the staff id on the log, or fix the roster, and review again."""
    _header(ws, 1, [name for name, _ in _UNMATCHED_COLUMNS])
    ws.row_dimensions[1].height = 30
    for column, (_, width) in enumerate(_UNMATCHED_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    for row_number, item in enumerate(unmatched, start=2):
        log = item.record.log
        source = item.record.original.name if item.record.original else Path(log.source.path).name
        values = (item.cover_name, log.staff.organisation or "", log.period.start, log.period.end,
                  item.record.reviewed_on, source, item.reason[:1].upper() + item.reason[1:] + ".")
        cells = []
        for column, value in enumerate(values, start=1):
            cell = put_text(ws, row_number, column, value if value not in (None, "") else None)
            cell.alignment = WRAP
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        fit_row_height(ws, cells)
    ws.freeze_panes = "B2"
    print_on_a4(ws, title, run_date=as_of)


def write_register(
    rows: Sequence[RegisterRow],
    summary: RegisterSummary,
    path: Path,
    mode: int = 0o600,
    *,
    organisation: str = "",
    as_of: dt.date | None = None,
    band_days: Sequence[int] = BAND_DAYS,
    unmatched: Sequence[UnmatchedLog] = (),
) -> Path:
    """Write ``register.xlsx``: the "Register" and "Summary" sheets (and "Unmatched logs" when a reviewed log
    could not be matched to anyone), atomically, readable by its owner only.

    Args:
        rows: The register (``sglogs.register.build_register``).
        summary: Its figures (``sglogs.register.summary(rows)``).
        path: The workbook to write; an existing one is replaced whole.
        mode: File permission bits (``settings.output.file_mode_bits``).
        organisation: Printed in the summary and the page header.
        as_of: The date the register was worked out for (``None``: not printed).
        band_days: The "due within" bands the rows were built with (for the status colours).
        unmatched: Reviewed logs no roster person could be matched to (``sglogs.matching.attribute_logs``).

    Example:
        >>> rows = build_register(people, records, frameworks, settings, dt.date(2027, 1, 15))  # doctest: +SKIP
        >>> write_register(rows, summary(rows), Path("outbox/register.xlsx"))  # doctest: +SKIP
        PosixPath('outbox/register.xlsx')
    """
    title = " · ".join(p for p in ("Safeguarding competency register", organisation) if p)
    wb = Workbook()
    _register_sheet(wb.active, rows, title, band_days, as_of)
    _summary_sheet(wb.create_sheet("Summary"), summary, organisation=organisation, as_of=as_of, title=title,
                   band_days=band_days)
    if unmatched:
        _unmatched_sheet(wb.create_sheet("Unmatched logs"), unmatched, title, as_of)
    wb.properties.title = "Safeguarding competency register"
    wb.properties.creator = "sglogs"
    return atomic_save(wb.save, path, mode)
