"""Text from people written into workbooks and CSVs as text, never as a formula.

openpyxl turns any string starting with ``=`` into a live formula (``=HYPERLINK("http://…","click")``), and
Excel runs a CSV cell starting ``= + - @``, a tab or a carriage return. Names, roles, settings, next steps and
document properties come from rosters and dropped logs, so every cell sglogs writes goes through
``put_text`` / ``text_cell`` (workbooks) or ``csv_text`` (CSVs): one copy of the rule.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

#: First characters that make Excel or LibreOffice treat a CSV cell as a formula.
CSV_FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def put_text(ws: Any, row: int, column: int, value: object) -> Any:
    """Write ``value`` into ``ws`` at (row, column); a string stays a string whatever it starts with.

    Args:
        ws: An openpyxl worksheet (not write-only).
        row: 1-based row number.
        column: 1-based column number.
        value: A string (text, never a formula), a number, a date, or ``None`` (empty cell).

    Returns:
        The openpyxl cell, for styling.

    Example:
        >>> from openpyxl import Workbook
        >>> put_text(Workbook().active, 1, 1, "=HYPERLINK(\\"http://x\\")").data_type
        's'
    """
    cell = ws.cell(row=row, column=column)
    return set_text(cell, value)


def set_text(cell: Any, value: object) -> Any:
    """Give an existing openpyxl cell ``value``, a string always as text.

    Example:
        >>> from openpyxl import Workbook
        >>> set_text(Workbook().active["A1"], "=1+1").value
        '=1+1'
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # a control character typed into a log: openpyxl refuses it
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # after the assignment: openpyxl has just marked "=..." as a formula
    return cell


def text_cell(ws: Any, value: object) -> WriteOnlyCell:
    """A cell for a write-only worksheet's ``append``, a string always as text.

    Example:
        >>> from openpyxl import Workbook
        >>> ws = Workbook(write_only=True).create_sheet()
        >>> text_cell(ws, "@SUM(A1)").data_type
        's'
    """
    return set_text(WriteOnlyCell(ws), value)


def append_text(ws: Any, values: list[object]) -> list[Any]:
    """Append one row of values to a normal worksheet, each string as text; returns the cells.

    Example:
        >>> from openpyxl import Workbook
        >>> [c.data_type for c in append_text(Workbook().active, ["=A1", 3])]
        ['s', 'n']
    """
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    return [put_text(ws, row, column, value) for column, value in enumerate(values, start=1)]


def csv_text(value: object) -> str:
    """A CSV cell that Excel shows as text: a leading ``= + - @``, tab or carriage return gets an apostrophe.

    Example:
        >>> [csv_text(v) for v in ("=1+1", "-2", "Zoë", None)]
        ["'=1+1", "'-2", 'Zoë', '']
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_LEADERS) else text
