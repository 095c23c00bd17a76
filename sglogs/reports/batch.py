"""The batch summary of a folder review: who is ready for sign-off, who is not and why, and the files that were
not reviewed (could not be read, or are no log), printable on A4."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..files import atomic_save
from ..verdicts import readiness
from ..workbook_text import append_text  # security: every string a string, never a formula
from .printing import DATE_FORMAT, WRAP, fit_row_height, print_on_a4, style_header

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..review import BatchReport

#: The columns of the "Reviews" sheet and their widths (characters); headers wrap, so none is cut when printed.
_COLUMNS = (("Name", 22), ("Staff ID", 16), ("Period start", 12), ("Period end", 12), ("File", 30),
            ("Ready for sign-off", 13), ("Errors", 8), ("Warnings", 9), ("Entries", 8), ("What blocks sign-off", 70))
#: A log from an organisation's own template carries no staff id: the register, the audit and bundles match it
#: to a roster person by the name (and setting, role, level) on its cover, and list it as unmatched otherwise.
_NO_STAFF_ID = "None on the log (matched by name in the register)"
_MAX_REASONS = 5  # the rest are in the feedback report: a row stays short enough to print many a page


def write_batch_summary(report: BatchReport, path: Path, mode: int = 0o600, *, today: dt.date | None = None) -> Path:
    """Write ``batch-summary.xlsx``: one row per reviewed log, then (on a second sheet, only when there are any) the
    files that were not reviewed, with why.

    Example:
        >>> write_batch_summary(report, Path("outbox/reviews/batch-summary.xlsx"))  # doctest: +SKIP
        PosixPath('outbox/reviews/batch-summary.xlsx')
    """
    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = "Reviews"
    append_text(ws, [name for name, _ in _COLUMNS])
    for result in sorted(report.results, key=lambda r: (r.ready, r.staff_name or "", r.staff_id or "")):
        errors = [f for f in result.findings if f.severity.blocks_signoff]
        state = "Yes" if result.ready else readiness(result.findings).sentence_start.replace(" for sign-off", "")
        more = len(errors) - _MAX_REASONS
        reasons = "\n".join(f.message for f in errors[:_MAX_REASONS]) + (
            f"\n… and {more} more in the feedback report" if more > 0 else "")
        append_text(ws, [result.staff_name or "", result.staff_id or _NO_STAFF_ID, result.period[0], result.period[1],
                         result.source.name, state, len(errors), len(result.findings) - len(errors), result.entries,
                         reasons])
    _style(ws, [width for _, width in _COLUMNS], dates=(3, 4))
    if report.results:
        table = Table(displayName="Reviews", ref=f"A1:{get_column_letter(len(_COLUMNS))}{len(report.results) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    print_on_a4(ws, "Batch review: who is ready for sign-off", run_date=today)
    not_reviewed = [(source, "Could not be read", reason) for source, reason in report.failures]
    not_reviewed += [(source, "Skipped: not a log", reason) for source, reason in report.skipped]
    if not_reviewed:  # no empty sheet: it would print as a page of headers
        other = wb.create_sheet("Not reviewed")
        append_text(other, ["File", "What happened", "Why, and what to do"])
        for source, what, reason in not_reviewed:
            append_text(other, [source.name, what, reason])
        _style(other, [36, 18, 90])
        print_on_a4(other, "Batch review: files not reviewed", run_date=today)
    atomic_save(wb.save, path, mode)
    return path


def _style(ws: Worksheet, widths: list[int], dates: tuple[int, ...] = ()) -> None:
    for cell in ws[1]:
        style_header(cell)
    ws.row_dimensions[1].height = 30  # two lines: "Ready for / sign-off" is never cut
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP
            if cell.column in dates:
                cell.number_format = DATE_FORMAT
        fit_row_height(ws, list(row))
    ws.freeze_panes = "A2"
