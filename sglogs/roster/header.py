"""Finding the header row of a roster and naming the columns it lacks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from ..errors import RosterError
from .cells import _is_blank, _is_blank_row
from .constants import HEADER_SEARCH_ROWS, HEADER_SYNONYMS
from .levels import _TRAILING_NOTE_RE

# ------------------------------------------------------------------------------------------- headers


def _header_key(text: object) -> str:
    value = _TRAILING_NOTE_RE.sub("", str(text)).casefold().replace("#", "no").replace("&", "and")
    return "".join(ch for ch in value if ch.isalnum())


_HEADER_KEYS: Final[dict[str, str]] = {
    _header_key(spelling): column for column, spellings in HEADER_SYNONYMS.items() for spelling in spellings
}


@dataclass(frozen=True)
class _Header:
    """Where each known column is (0-based ``index``) and how the file spells it (``labels``)."""

    row_number: int
    index: Mapping[str, int]
    labels: Mapping[str, str]
    sheet: str | None = None

    def label(self, column: str) -> str:
        return self.labels.get(column, HEADER_SYNONYMS[column][0])

    def name_label(self) -> str:
        if "name" in self.index:
            return f"column {self.label('name')!r}"
        return f"columns {self.label('first_name')!r} and {self.label('surname')!r}"

    def where(self) -> str:
        return f"row {self.row_number}" + (f" of sheet {self.sheet!r}" if self.sheet else "")


def _header_from_row(row_number: int, cells: Sequence[object], sheet: str | None) -> _Header:
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    for i, cell in enumerate(cells):
        if _is_blank(cell):
            continue
        column = _HEADER_KEYS.get(_header_key(cell))
        # The first of two columns with the same meaning wins; a later "ID" must not shadow "Staff ID".
        if column and column not in index:
            index[column] = i
            labels[column] = " ".join(str(cell).split())
    return _Header(row_number, index, labels, sheet)


def _missing_columns(header: _Header, need_framework: bool) -> list[str]:
    missing = []
    if "staff_id" not in header.index:
        missing.append("staff_id")
    if "name" not in header.index and not {"first_name", "surname"} <= header.index.keys():
        missing.append("name")
    if "level" not in header.index:
        missing.append("level")
    if need_framework and "framework" not in header.index:
        missing.append("framework")
    return missing


@dataclass
class _HeaderSearch:
    """The best header candidate seen so far, kept to explain what is missing when none is complete."""

    need_framework: bool
    best: _Header | None = None
    cells_seen: bool = False
    best_cells: list[str] = field(default_factory=list)

    def find(self, rows: Sequence[tuple[int, Sequence[object]]], sheet: str | None) -> int | None:
        """Return the position in ``rows`` of the first complete header, or ``None``."""
        for position, (row_number, cells) in enumerate(rows):
            if _is_blank_row(cells):
                continue
            self.cells_seen = True
            header = _header_from_row(row_number, cells, sheet)
            if not _missing_columns(header, self.need_framework):
                self.best = header
                return position
            if self.best is None or len(header.index) > len(self.best.index):
                self.best = header
                self.best_cells = [" ".join(str(c).split()) for c in cells if not _is_blank(c)]
        return None

    def score(self) -> int:
        """How many known columns the best candidate has."""
        return len(self.best.index) if self.best else 0

    def error(self) -> RosterError:
        if not self.cells_seen:
            return RosterError(
                "The roster has no rows at all; export it again with a header row and one row per member of staff."
            )
        header = self.best
        if header is None or not header.index:
            return RosterError(
                f"The roster has no header row in its first {HEADER_SEARCH_ROWS} rows; put column names such as "
                "'Staff ID', 'Name', 'Framework' and 'Level' in the first row and run again."
            )
        missing = _missing_columns(header, self.need_framework)
        shown = ", ".join(repr(c) for c in self.best_cells[:15])
        if len(self.best_cells) > 15:
            shown += f" and {len(self.best_cells) - 15} more"
        what = " or ".join(_MISSING_NAMES[c] for c in missing)
        plural = "columns" if len(missing) > 1 else "column"
        fixes = "; ".join(_MISSING_FIXES[c] for c in missing)
        return RosterError(
            f"The roster has no {what} {plural} ({header.where()} looks like the header and has {shown}); "
            f"{fixes}, then run again."
        )


_MISSING_NAMES = {"staff_id": "Staff ID", "name": "Name", "level": "Level", "framework": "Framework"}
_MISSING_FIXES = {
    "staff_id": "add a column headed 'Staff ID' (or 'Employee No', 'Payroll number', 'ID')",
    "name": "add a column headed 'Name' (or 'Full name', or two columns 'First name' and 'Surname')",
    "level": "add a column headed 'Level' (or 'Stage', 'Group', 'Competency level')",
    "framework": "add a column headed 'Framework' (or 'Partnership') naming each person's framework, e.g. 'Norfolk'",
}


def _no_staff_message(header: _Header) -> str:
    return (
        f"The roster has a header ({header.where()}) but no staff rows below it; "
        "add one row per member of staff under the header and run again."
    )


