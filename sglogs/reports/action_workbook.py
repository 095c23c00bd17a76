"""The development action plan (annex 1) as a workbook: ``templates/action_plan.xlsx`` filled with one row per action.

The workbook is loaded from bytes read once and written with openpyxl; its action rows are written here, not by
Jinja (only the cells and footers holding ``{{ ... }}`` are templates). Cells are always text or real dates.

Example:
    >>> workbook = ActionPlanWorkbook.prepare(Path("templates/action_plan.xlsx"))  # doctest: +SKIP
    >>> data = workbook.render(actions, context)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from ..core.ooxml import MAX_PART_BYTES
from ..errors import TemplateError
from ..models import ActionItem, RagStatus
from ..workbook_text import put_text, set_text
from .ooxml import TITLES, review_properties
from .review_view import ACTION_BLANK_ROWS

__all__ = ["ActionPlanWorkbook"]

#: Column headers of the action plan (normalised: lower case, letters only) and the ``ActionItem`` field each holds.
_ACTION_COLUMNS = {
    "reference": "reference", "ref": "reference", "action": "action", "competency": "competency",
    "owner": "owner", "resources": "resources", "targetdate": "target_date", "successcriteria": "success_criteria",
    "ragstatus": "rag", "rag": "rag", "reviewdate": "review_date", "progress": "progress",
}  # fmt: skip
_HEADER_SEARCH_ROWS = 20
# Arial 10 in Excel: about 1.2 average characters per unit of column width, 12.75 points per line.
_CHARS_PER_WIDTH, _POINTS_PER_LINE = 1.2, 12.75
_BLANK_ROW_POINTS = 28.0  # two lines of handwriting in the printed empty rows
_JINJA_MARK = re.compile(r"\{[{%#]")


def _hf(value: object) -> str:
    """Header/footer text treats ``&`` as a code prefix; a literal ampersand is written ``&&``."""
    return str(value).replace("&", "&&")


@functools.cache
def _xlsx_environment() -> jinja2.Environment:
    # openpyxl escapes cell text itself: HTML-escaping here would print "&amp;" in the cell
    # bandit B701: this renders workbook cells, not HTML; cells are written as text by sglogs.workbook_text
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)  # nosec B701
    env.filters["hf"] = _hf
    return env


@dataclass(frozen=True)
class ActionPlanWorkbook:
    """``templates/action_plan.xlsx`` read once: its bytes, where the header is, and its placeholder cells."""

    path: Path
    data: bytes
    sheet: str
    header_row: int
    columns: Mapping[str, int]
    cells: Mapping[str, jinja2.Template]
    footers: Mapping[tuple[str, str], jinja2.Template]

    @classmethod
    def prepare(cls, path: Path) -> ActionPlanWorkbook:
        """Read the template at ``path`` once: find its header row, compile its placeholders.

        Raises ``TemplateError`` when it is missing, damaged, has no header row or no ``{{ log.footer }}`` footer.

        Example:
            >>> ActionPlanWorkbook.prepare(Path("templates/action_plan.xlsx")).sheet  # doctest: +SKIP
            'Annex 1'
        """
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TemplateError(
                f"The template {path} is missing; rebuild it (tools/build_review_templates.py) or restore it from git."
            ) from None
        if len(data) > MAX_PART_BYTES:
            raise TemplateError(f"The template {path} is larger than 20 MB; use a smaller template.")
        try:
            wb = load_workbook(io.BytesIO(data))
        except Exception as exc:  # openpyxl raises many types for a damaged file; the message names the file
            raise TemplateError(f"The template {path} is not a valid Excel workbook ({exc}); save it again from "
                                "Excel, or remove it to use the shipped one.") from exc
        for ws in wb.worksheets:
            found = _find_header(ws)
            if found is not None:
                header_row, columns = found
                break
        else:
            raise TemplateError(f"{path} has no header row with 'Reference' and 'Action'; restore the template.")
        env = _xlsx_environment()
        cells: dict[str, jinja2.Template] = {}
        footers: dict[tuple[str, str], jinja2.Template] = {}
        try:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and _JINJA_MARK.search(cell.value):
                        cells[cell.coordinate] = env.from_string(cell.value)
            for which in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
                for part in ("left", "center", "right"):
                    text = getattr(getattr(ws, which), part).text
                    if text and _JINJA_MARK.search(text):
                        footers[(which, part)] = env.from_string(text)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{path}: a placeholder is malformed ({exc.message}); fix it in Excel.") from exc
        if not any("log.footer" in (getattr(getattr(ws, w), p).text or "") for w, p in footers):
            raise TemplateError(
                f"{path} has no footer with {{{{ log.footer|hf }}}}; put it in the page footer so every printed page "
                "shows which log it belongs to."
            )
        return cls(path=path, data=data, sheet=ws.title, header_row=header_row, columns=columns, cells=cells,
                   footers=footers)  # fmt: skip

    def render(self, actions: Sequence[ActionItem], context: Mapping[str, Any]) -> bytes:
        """The filled workbook as bytes: the placeholders from ``context``, one row per action.

        Example:
            >>> workbook.render(actions, context)[:2]  # doctest: +SKIP
            b'PK'
        """
        wb = load_workbook(io.BytesIO(self.data))
        ws = wb[self.sheet]
        try:
            for coordinate, template in self.cells.items():
                set_text(ws[coordinate], template.render(context))  # security: text, never a formula
            for (which, part), template in self.footers.items():
                getattr(getattr(ws, which), part).text = _clean(template.render(context))
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"{self.path}: {exc.message}; use only the names listed in sglogs/reports/review_view.py."
            ) from exc
        first = self.header_row + 1
        styled_last = _styled_last_row(ws, first)
        for index, item in enumerate(actions):
            row = first + index
            if row > styled_last:
                _copy_row_style(ws, first, row)
            lines = 1
            for field, col in self.columns.items():
                value = _cell_value(item, field)
                put_text(ws, row, col, value)  # security: text, never a formula
                if isinstance(value, str):
                    lines = max(lines, _lines(value, ws.column_dimensions[get_column_letter(col)].width))
            # Excel does not fit a row to wrapped text when it opens a file: the height is set from the text
            ws.row_dimensions[row].height = round(lines * _POINTS_PER_LINE + 4, 1)
        last = first + max(len(actions), 1) - 1
        if last > styled_last:
            _grow_ranges(ws, styled_last, last)
        last_col = get_column_letter(max(self.columns.values()))
        ws.auto_filter.ref = f"A{self.header_row}:{last_col}{last}"
        # the empty rows prepared for hand-added actions are bordered: Excel would print all of them, so the
        # print area stops a few rows below the plan, as the Word plan does
        print_last = first + len(actions) + ACTION_BLANK_ROWS - 1
        ws.print_area = f"A1:{last_col}{print_last}"
        for row in range(first + len(actions), print_last + 1):
            ws.row_dimensions[row].height = _BLANK_ROW_POINTS
        for name, value in review_properties("action_plan", context).items():
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
        wb.properties.title = f"{TITLES['action_plan']} - {context['staff']['name']}"
        wb.properties.creator = context.get("organisation") or "sglogs"
        stamp = dt.datetime.fromisoformat(context["review"]["date_iso"])
        wb.properties.created = wb.properties.modified = stamp
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def _find_header(ws: Any) -> tuple[int, dict[str, int]] | None:
    for row in ws.iter_rows(min_row=1, max_row=_HEADER_SEARCH_ROWS):
        columns: dict[str, int] = {}
        for cell in row:
            if isinstance(cell.value, str):
                field = _ACTION_COLUMNS.get(re.sub(r"[^a-z]", "", cell.value.lower()))
                if field and field not in columns:
                    columns[field] = cell.column
        if {"reference", "action"} <= columns.keys():
            return row[0].row, columns
    return None


def _cell_value(item: ActionItem, field: str) -> str | dt.date | None:
    value = getattr(item, field)
    if field == "target_date" and value is None:
        return "To agree"  # no date is invented: the manager agrees one with the member of staff
    if isinstance(value, RagStatus):
        return value.value.capitalize()
    if isinstance(value, str):
        return _clean(value)
    return value


def _clean(text: str) -> str:
    # a control character pasted from Word makes openpyxl refuse the whole workbook
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _lines(text: str, width: float | None) -> int:
    chars = max(int((width or 10) * _CHARS_PER_WIDTH) - 1, 1)
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


def _styled_last_row(ws: Any, first: int) -> int:
    """The last row the template prepared (bordered, with the drop-down), at least the first data row."""
    last = first
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            last = max(last, cell_range.max_row)
    return last


def _copy_row_style(ws: Any, source: int, target: int) -> None:
    for cell in ws[source]:
        new = ws.cell(row=target, column=cell.column)
        new._style = copy(cell._style)


def _grow_ranges(ws: Any, old_last: int, new_last: int) -> None:
    """Extend the drop-downs and colour rules that end on the template's last row to the plan's last row."""
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            if cell_range.max_row == old_last:
                cell_range.expand(down=new_last - old_last)
    grown = []
    for formatting in ws.conditional_formatting:
        for cell_range in formatting.sqref.ranges:
            if cell_range.max_row == old_last:
                bigger = CellRange(cell_range.coord)
                bigger.expand(down=new_last - old_last)
                grown.append((bigger.coord, formatting.rules))
    for coord, rules in grown:
        for rule in rules:
            ws.conditional_formatting.add(coord, rule)
