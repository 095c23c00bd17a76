"""The batch summary of a folder review: who is ready for sign-off, who is not and why, what could not be read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..files import atomic_save
from ..verdicts import readiness
from ..workbook_text import append_text  # security: every string a string, never a formula

if TYPE_CHECKING:
    from ..review import BatchReport

_HEADER = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="1F5F5B")
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_batch_summary(report: BatchReport, path: Path, mode: int = 0o600) -> Path:
    """Write ``batch-summary.xlsx``: one row per reviewed log, and the files that could not be read.

    Example:
        >>> write_batch_summary(report, Path("outbox/reviews/batch-summary.xlsx"))  # doctest: +SKIP
        PosixPath('outbox/reviews/batch-summary.xlsx')
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Reviews"
    append_text(ws, ["Staff ID", "Log ID", "File", "Ready for sign-off", "Errors", "Warnings", "Entries",
               "What blocks sign-off"])
    for result in sorted(report.results, key=lambda r: (r.ready, r.staff_id or "")):
        errors = [f for f in result.findings if f.severity.blocks_signoff]
        append_text(ws, [result.staff_id or "", result.log_id or "", result.source.name,
                         "Yes" if result.ready else readiness(result.findings).sentence_start.replace(
                             " for sign-off", ""), len(errors), len(result.findings) - len(errors),
                         result.entries,
                         "\n".join(f.message for f in errors[:12]) + ("\n…" if len(errors) > 12 else "")])
    _style(ws, (12, 24, 36, 12, 8, 10, 8, 90))
    if report.results:
        table = Table(displayName="Reviews", ref=f"A1:H{len(report.results) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    failed = wb.create_sheet("Could not be read")
    append_text(failed, ["File", "Why, and what to do"])
    for source, reason in report.failures:
        append_text(failed, [source.name, reason])
    _style(failed, (40, 120))
    atomic_save(wb.save, path, mode)
    return path


def _style(ws, widths: tuple[int, ...]) -> None:
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER, _FILL
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(65 + index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP
    ws.freeze_panes = "A2"
