"""Turning one roster row into a ``StaffMember`` or a ``RosterRowError``."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from pydantic import ValidationError

from ..core.dates import UkDateError, excel_serial, excel_serial_to_date, parse_uk_date
from ..models import StaffMember
from .cells import _cell_text, _id_text, _is_blank
from .constants import _ADDITIONAL_SPLIT_RE, _FALSE_WORDS, _ID_RE, _TRUE_WORDS, HEADER_SYNONYMS
from .header import _Header
from .levels import normalise_level_text
from .model import RosterRowError, RosterRules

# ------------------------------------------------------------------------------------------- rows


class _RowBuilder:
    """Turns one data row into a ``StaffMember`` or a ``RosterRowError``; remembers ids for duplicates."""

    def __init__(self, header: _Header, rules: RosterRules, epoch_1904: bool) -> None:
        self.header = header
        self.rules = rules
        self.epoch_1904 = epoch_1904
        self.first_row_of_id: dict[str, int] = {}
        # Callbacks may be slow (a database, a file); rosters repeat the same few values on every row.
        self.framework_of = functools.lru_cache(maxsize=256)(rules.known_frameworks or (lambda text: text))
        self.level_of = functools.lru_cache(maxsize=1024)(rules.known_levels or (lambda fw, level: level))

    def cell(self, cells: Sequence[object], column: str) -> object:
        i = self.header.index.get(column)
        return cells[i] if i is not None and i < len(cells) else None

    def build(self, row_number: int, cells: Sequence[object]) -> StaffMember | RosterRowError:
        label = self.header.label
        problems: list[str] = []
        staff_id = _id_text(self.cell(cells, "staff_id"))
        name = _cell_text(self.cell(cells, "name"))
        if not name:
            name = " ".join(
                t for t in (_cell_text(self.cell(cells, "first_name")), _cell_text(self.cell(cells, "surname"))) if t
            )

        if not staff_id:
            problems.append(f"column {label('staff_id')!r} is empty: add the person's staff ID")
        else:
            # Compared without case: logs are named by staff id and Windows file names ignore case.
            key = staff_id.casefold()
            first_row = self.first_row_of_id.setdefault(key, row_number)
            if first_row != row_number:
                problems.append(
                    f"staff ID {staff_id!r} is already used on row {first_row}: give each person their own ID "
                    f"in column {label('staff_id')!r}, or delete the repeated row"
                )
        if not name:
            problems.append(f"{self.header.name_label()} is empty: add the person's name")

        framework = self._framework(cells, problems)
        level = self._level(cells, framework, problems)
        designated_lead = self._designated_lead(cells, problems)
        additional = self._additional(cells, problems)
        period_start = self._period_start(cells, problems)

        if problems or framework is None or level is None:
            return self._error(row_number, staff_id, name, problems)
        try:
            return StaffMember(
                staff_id=staff_id,
                name=name,
                role=_cell_text(self.cell(cells, "role")),
                setting=_cell_text(self.cell(cells, "setting")),
                manager=_cell_text(self.cell(cells, "manager")),
                framework=framework,
                level=level,
                designated_lead=designated_lead,
                additional=additional,
                period_start=period_start,
                row_number=row_number,
            )
        except ValidationError as exc:  # the checks above should leave nothing for pydantic to refuse
            detail = exc.errors()[0]
            column = str(detail["loc"][0]) if detail["loc"] else ""
            where = label(column) if column in HEADER_SYNONYMS else column or "row"
            return self._error(
                row_number, staff_id, name, [f"column {where!r} is not valid ({detail['msg']}): correct it"]
            )

    def _error(self, row_number: int, staff_id: str, name: str, problems: list[str]) -> RosterRowError:
        reason = "; ".join(problems)
        return RosterRowError(
            row_number=row_number,
            staff_id=staff_id or None,
            name=name or None,
            reason=reason[:1].upper() + reason[1:] + ".",
        )

    def _framework(self, cells: Sequence[object], problems: list[str]) -> str | None:
        label = self.header.label("framework")
        text = _cell_text(self.cell(cells, "framework"))
        if not text:
            if self.rules.default_framework:
                return self.rules.default_framework
            problems.append(f"column {label!r} is empty: add the framework{_choices(self.rules.framework_choices)}")
            return None
        framework = self.framework_of(text)
        if framework is None:
            problems.append(
                f"column {label!r} has {text!r}, which is not a framework sglogs knows: "
                f"correct it{_choices(self.rules.framework_choices)}"
            )
        return framework

    def _level(self, cells: Sequence[object], framework: str | None, problems: list[str]) -> str | None:
        label = self.header.label("level")
        text = _cell_text(self.cell(cells, "level"))
        level_id = normalise_level_text(text)
        if not level_id:
            problems.append(f"column {label!r} is empty: add the person's level{self._level_choices(framework)}")
            return None
        if framework is None:
            return None  # the framework problem is reported; its levels cannot be checked
        level = self.level_of(framework, level_id)
        if level is None:
            problems.append(
                f"column {label!r} has {text!r}, which is not a level of framework {framework!r}: "
                f"correct it{self._level_choices(framework)}"
            )
        return level

    def _level_choices(self, framework: str | None) -> str:
        if framework is None or self.rules.level_choices is None:
            return ""
        return _choices(tuple(self.rules.level_choices(framework)))

    def _designated_lead(self, cells: Sequence[object], problems: list[str]) -> bool:
        value = self.cell(cells, "designated_lead")
        if isinstance(value, bool):
            return value
        text = _cell_text(value).casefold().rstrip(".")
        if text in _TRUE_WORDS:
            return True
        if text not in _FALSE_WORDS:
            problems.append(
                f"column {self.header.label('designated_lead')!r} has {_cell_text(value)!r}, which is not yes or "
                "no: write yes (or y, x, ✓) for a designated or named lead, and no or nothing otherwise"
            )
        return False

    def _additional(self, cells: Sequence[object], problems: list[str]) -> tuple[str, ...]:
        text = _cell_text(self.cell(cells, "additional"))
        ids = [t.rstrip(".") for t in _ADDITIONAL_SPLIT_RE.split(text) if t.rstrip(".")]
        bad = [t for t in ids if not _ID_RE.match(t)]
        if bad:
            problems.append(
                f"column {self.header.label('additional')!r} has {bad[0]!r}, which is not a competency id: "
                "list ids such as 6.1 separated by commas"
            )
        return tuple(dict.fromkeys(ids))

    def _period_start(self, cells: Sequence[object], problems: list[str]) -> dt.date | None:
        value = self.cell(cells, "period_start")
        label = self.header.label("period_start")
        if _is_blank(value):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        serial = excel_serial(value)
        if serial is not None:
            date = excel_serial_to_date(serial, self.epoch_1904)
            if date is None:
                problems.append(
                    f"column {label!r} has the number {_cell_text(value)}, which is not a date: "
                    "format the cell as a date, or write it day first, e.g. 01/04/2026"
                )
            return date
        try:
            return parse_uk_date(_cell_text(value))
        except UkDateError as exc:
            problems.append(f"column {label!r} has {exc.text!r}, which is {exc.problem}: {exc.advice}")
            return None


def _choices(ids: Sequence[str]) -> str:
    if not ids:
        return ""
    return f" (one of {', '.join(ids)})"


