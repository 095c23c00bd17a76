"""One roster cell as text: blanks, ids stored as numbers, text made safe for a CSV."""


from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..workbook_text import csv_text
from .constants import _WHOLE_FLOAT_RE

# ------------------------------------------------------------------------------------------- cells


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_blank_row(cells: Sequence[object]) -> bool:
    return all(_is_blank(c) for c in cells)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel keeps every number as a float, so staff id 1001 can arrive as 1001.0.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return " ".join(str(value).split())


def _id_text(value: object) -> str:
    text = _cell_text(value)
    # A CSV written by a tool that read the workbook (pandas, for one) spells id 1001 as "1001.0".
    whole = _WHOLE_FLOAT_RE.match(text)
    return whole.group(1) if whole else text


def _csv_safe(value: str | None) -> str:
    return csv_text(value)  # security 15.1: the one CSV-cell rule


