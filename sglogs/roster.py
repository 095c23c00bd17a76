"""Read a staff roster (CSV or XLSX) into ``StaffMember`` rows, one row at a time.

A roster is whatever an office exported from its HR system or kept in Excel: a title above the header, blank
lines, extra columns, headers spelled a dozen ways, staff ids stored as numbers, dates in any UK form. This
module accepts all of that and reports what it cannot accept in words a roster's owner can act on:

* a problem with the whole file (wrong type, empty, password-protected, missing column) raises
  ``RosterError``;
* a problem with one person (no name, unknown level, impossible date, duplicate id) becomes a
  ``RosterRowError`` in the stream, and the other rows carry on.

Rows stream in file order and memory stays flat with roster size: nothing is kept but the staff ids seen so
far, to find duplicates (about 120 bytes a person). Which frameworks and levels exist is the caller's
knowledge, passed in as ``RosterRules``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import itertools
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import RosterError
from .files import atomic_output
from .frameworks import match_framework, match_level
from .models import ID_PATTERN, Framework, StaffMember
from .read.values import UkDateError, excel_serial, excel_serial_to_date, parse_uk_date
from .workbook_text import csv_text

StrPath: TypeAlias = str | os.PathLike[str]
#: ``known_levels(framework_id, level_id)``: the canonical level id, or ``None`` when the level is unknown.
LevelLookup: TypeAlias = Callable[[str, str], str | None]
#: ``known_frameworks(text)``: the framework id a roster cell means, or ``None`` when it is unknown.
FrameworkLookup: TypeAlias = Callable[[str], str | None]

#: Header spellings accepted for each roster column. Matching ignores case, spaces, punctuation and any
#: "(...)" hint, so "Employee No." and "employee_no" both match "Employee No". The first spelling is the
#: one messages use.
HEADER_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "staff_id": (
        "Staff ID",
        "Staff no",
        "Staff number",
        "Employee No",
        "Employee number",
        "Employee ID",
        "Payroll number",
        "Payroll no",
        "Payroll ID",
        "ID",
    ),
    "name": ("Name", "Full name", "Staff name", "Employee name"),
    "first_name": ("First name", "Forename", "Forenames", "Given name"),
    "surname": ("Surname", "Last name", "Family name"),
    "role": ("Role", "Job title", "Position", "Job role"),
    "setting": ("Setting", "Team", "Setting/team", "Team/setting", "Department", "Site"),
    "manager": ("Manager", "Line manager", "Supervisor"),
    "framework": ("Framework", "Competency framework", "Partnership", "Safeguarding framework"),
    "level": (
        "Level",
        "Stage",
        "Level/Stage",
        "Stage/Level",
        "Group",
        "Competency level",
        "Safeguarding level",
    ),
    "designated_lead": (
        "Designated lead",
        "DSL",
        "Designated/named lead",
        "Designated or named lead",
        "Named lead",
        "Designated safeguarding lead",
    ),
    "additional": ("Additional competencies", "Additional", "Additional competences"),
    "period_start": ("Period start", "Start date", "Log start", "Start", "Log start date", "Period start date"),
}

#: The header must be within this many rows from the top (title rows and blank lines may come first).
HEADER_SEARCH_ROWS: Final = 10
#: Larger rosters are refused before anything is parsed (about half a million staff as CSV).
MAX_ROSTER_BYTES: Final = 50 * 1024 * 1024
#: An xlsx whose parts declare more than this when unzipped is refused as a possible zip bomb.
MAX_XLSX_UNZIPPED_BYTES: Final = 200 * 1024 * 1024

_SNIFF_BYTES = 64 * 1024
_DECODE_CHUNK = 1024 * 1024
_XLSX_BATCH = 256
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_SAVE_AS = "open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8, then use that copy"
_BINARY_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
# Zip-based formats people pick by mistake, by the part that identifies them.
_OTHER_ZIP_FORMATS = (
    ("xl/workbook.bin", "an Excel binary workbook (.xlsb)"),
    ("word/document.xml", "a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file (.ods or .odt)"),
)

_TRUE_WORDS = frozenset({"y", "yes", "true", "1", "x", "✓", "✔"})
_FALSE_WORDS = frozenset({"", "n", "no", "false", "0"})
_ID_RE = re.compile(ID_PATTERN)
_WHOLE_FLOAT_RE = re.compile(r"^(\d+)\.0+$")
_ADDITIONAL_SPLIT_RE = re.compile(r"(?:[,;/\s]|\band\b|&)+", re.IGNORECASE)


# ------------------------------------------------------------------------------------------- public models


class RosterRowError(BaseModel):
    """A roster row that cannot become a ``StaffMember``, and why.

    ``staff_id`` and ``name`` are what the row holds (``None`` when the cell is empty), so a person can find
    the row; ``reason`` is one sentence naming the column and what to change.

    Example:
        >>> RosterRowError(row_number=4, staff_id="S002", name=None,
        ...     reason="Column 'Name' is empty: add the person's name.").row_number
        4
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    row_number: int = Field(ge=1, description="1-based spreadsheet row, as Excel numbers it.")
    staff_id: str | None = None
    name: str | None = None
    reason: str = Field(min_length=1)


@dataclass(frozen=True, kw_only=True)
class RosterRules:
    """What the caller knows about frameworks and levels, used to check each roster row.

    Every field is optional: without ``known_frameworks`` the framework cell is taken as written, without
    ``known_levels`` any level is accepted (as its bare id, see ``normalise_level_text``).

    Attributes:
        known_frameworks: Maps a framework cell ("Norfolk", "norfolk-nscp-2024") to a framework id, or
            ``None`` when it means no known framework.
        known_levels: Called as ``known_levels(framework_id, level_id)`` with the level already reduced to
            its bare id ("Stage 4" -> "4"); returns the canonical level id, or ``None`` when unknown.
        default_framework: Framework id for rows whose framework cell is empty; when set, the roster needs
            no framework column. Used as given (not passed through ``known_frameworks``).
        framework_choices: Framework ids listed in the message for an unknown framework (may be empty).
        level_choices: ``level_choices(framework_id)`` lists the level ids named in the message for an
            unknown level; ``None`` when the caller cannot tell.

    Example:
        >>> rules = RosterRules(known_levels=lambda fw, lv: lv if lv in {"1", "2"} else None,
        ...     default_framework="norfolk-nscp-2024")
        >>> rules.needs_framework_column
        False
    """

    known_frameworks: FrameworkLookup | None = None
    known_levels: LevelLookup | None = None
    default_framework: str | None = None
    framework_choices: tuple[str, ...] = ()
    level_choices: Callable[[str], Sequence[str]] | None = field(default=None, repr=False)

    @property
    def needs_framework_column(self) -> bool:
        """Whether the roster must have a framework column (it must unless ``default_framework`` is set)."""
        return not self.default_framework

    @classmethod
    def from_frameworks(
        cls, frameworks: Mapping[str, Framework], *, default_framework: str | None = None
    ) -> RosterRules:
        """Rules that accept exactly the given frameworks and their levels.

        Framework cells match by id, title or a unique word of the id (``sglogs.frameworks.match_framework``);
        level cells by id or name (``match_level``).

        Args:
            frameworks: Frameworks keyed by id, as ``sglogs.frameworks.load_frameworks`` returns them.
            default_framework: Framework id for rows with an empty framework cell.

        Example:
            >>> from sglogs.models import Level, RefresherRule
            >>> fw = Framework(id="norfolk-nscp-2024", title="NSCP", level_label="Stage",
            ...     refresher=RefresherRule(years=3, designated_lead_years=2),
            ...     levels=(Level(id="1", name="Stage 1"), Level(id="2", name="Stage 2")))
            >>> rules = RosterRules.from_frameworks({fw.id: fw})
            >>> rules.known_frameworks("Norfolk"), rules.known_levels(fw.id, "2"), rules.known_levels(fw.id, "7")
            ('norfolk-nscp-2024', '2', None)
        """
        by_id = dict(frameworks)

        def known_levels(framework_id: str, level_id: str) -> str | None:
            framework = by_id.get(framework_id)
            return match_level(framework, level_id) if framework else None

        def level_choices(framework_id: str) -> Sequence[str]:
            framework = by_id.get(framework_id)
            return [lv.id for lv in framework.levels] if framework else []

        return cls(
            known_frameworks=functools.partial(match_framework, by_id),
            known_levels=known_levels,
            default_framework=default_framework,
            framework_choices=tuple(by_id),
            level_choices=level_choices,
        )

    @classmethod
    def resolve(cls, rules: RosterRules | LevelLookup | None) -> RosterRules:
        """Accept rules, a bare ``known_levels`` callback, or nothing (accept every framework and level).

        Example:
            >>> RosterRules.resolve(None).known_levels is None
            True
        """
        if rules is None:
            return cls()
        if isinstance(rules, RosterRules):
            return rules
        return cls(known_levels=rules)


# ------------------------------------------------------------------------------------------- public API


def read_roster(
    path: StrPath, rules: RosterRules | LevelLookup | None = None
) -> Iterator[StaffMember | RosterRowError]:
    """Stream a roster's people in file order: a ``StaffMember`` per good row, a ``RosterRowError`` per bad one.

    Nothing is read until the first ``next()``; that call raises ``RosterError`` when the file as a whole
    cannot be used (wrong type, empty, password-protected, too large, a required column missing, no staff
    rows). Blank rows are skipped and not reported. For an xlsx the active sheet is used if it has a roster
    header, else the first other sheet that has one.

    Args:
        path: A ``.csv`` or ``.xlsx`` file; the type is decided by content, not by the file name.
        rules: Which frameworks and levels exist (``RosterRules``), or just a ``known_levels`` callback, or
            ``None`` to accept any framework and level.

    Yields:
        ``StaffMember`` with ``row_number`` set, or ``RosterRowError``, one per non-blank data row.

    Raises:
        RosterError: The file cannot be used; the message says what to do.

    Example:
        >>> for item in read_roster("tests/data/roster-row-errors.csv"):  # doctest: +SKIP
        ...     print(item.row_number, item.staff_id, type(item).__name__)
        2 S001 StaffMember
        3 S002 RosterRowError
    """
    resolved = RosterRules.resolve(rules)
    with _open_table(path, resolved.needs_framework_column) as table:
        builder = _RowBuilder(table.header, resolved, table.epoch_1904)
        count = 0
        for row_number, cells in table.rows:
            if _is_blank_row(cells):
                continue
            count += 1
            yield builder.build(row_number, cells)
        if count == 0:
            raise RosterError(_no_staff_message(table.header))


def count_rows(path: StrPath) -> int:
    """Count a roster's non-blank data rows (what ``read_roster`` will yield), for a progress bar.

    Reads the file once without checking rows; raises ``RosterError`` for the same whole-file problems as
    ``read_roster``. The header check assumes a default framework, so a missing framework column is left
    for ``read_roster`` to report.

    Example:
        >>> count_rows("tests/data/roster-title-row-and-blank-lines.xlsx")  # doctest: +SKIP
        3
    """
    with _open_table(path, need_framework=False) as table:
        count = sum(1 for _, cells in table.rows if not _is_blank_row(cells))
        if count == 0:
            raise RosterError(_no_staff_message(table.header))
        return count


def write_roster_errors(errors: Iterable[RosterRowError], path: StrPath, *, file_mode: int = 0o600) -> int:
    """Write rejected rows to a CSV (columns row, staff_id, name, reason) that Excel opens correctly.

    The file is UTF-8 with a byte-order mark (without it Excel shows "Zoë" as "ZoÃ«"). Cells that Excel would
    run as a formula (starting ``=``, ``+``, ``-``, ``@``) get a leading apostrophe, because the values come
    from an untrusted roster. The file is created readable by its owner only, as other sglogs outputs are.

    Args:
        errors: The ``RosterRowError`` items from ``read_roster``.
        path: Where to write; an existing file is replaced.
        file_mode: Permission bits for a new file (``Settings.output.file_mode_bits``).

    Returns:
        The number of error rows written.

    Example:
        >>> write_roster_errors([RosterRowError(row_number=3, staff_id="S9", name=None,
        ...     reason="Column 'Name' is empty: add the person's name.")], "roster-errors.csv")  # doctest: +SKIP
        1
    """
    count = 0
    # security 15.2: a temp file beside it, renamed over it: never through a planted link, always ``file_mode``
    with atomic_output(Path(path), file_mode) as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("row", "staff_id", "name", "reason"))
        for error in errors:
            writer.writerow(
                (error.row_number, _csv_safe(error.staff_id), _csv_safe(error.name), _csv_safe(error.reason))
            )
            count += 1
    return count


def normalise_level_text(text: str) -> str:
    """Reduce how a roster writes a level to the bare level id: "Stage 4", "Level 4", "L4", "4.0" -> "4".

    A word prefix (Level, Stage, Group, Lvl, L, "Competency level"), separators after it, a trailing
    "(...)" note and a ".0" Excel adds to whole numbers are dropped; "four" becomes "4". Anything else is
    returned as written (whitespace collapsed) for the caller's ``known_levels`` to judge.

    Example:
        >>> [normalise_level_text(t) for t in ("Stage 4", "level-3", "L4", "4.0", "Group three", "3a")]
        ['4', '3', '4', '4', '3', '3a']
    """
    value = " ".join(str(text).split())
    value = _TRAILING_NOTE_RE.sub("", value).strip()
    value = _LEVEL_PREFIX_RE.sub("", value, count=1).strip().rstrip(".").strip()
    word = _NUMBER_WORDS.get(value.casefold())
    if word:
        return word
    whole = _WHOLE_FLOAT_RE.match(value)
    return whole.group(1) if whole else value


# ------------------------------------------------------------------------------------------- levels


_NUMBER_WORDS = {
    word: str(i)
    for i, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), start=0
    )
}
_TRAILING_NOTE_RE = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")
_LEVEL_PREFIX_RE = re.compile(
    r"^(?:(?:competency|safeguarding|training)\s+level|level|lvl|lev|stage|group|grp|l)\s*[-:.#]?\s*"
    rf"(?=\d|(?:{'|'.join(_NUMBER_WORDS)})\b)",
    re.IGNORECASE,
)


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
    "framework": "add a column headed 'Framework' (or 'Partnership'), or choose a default framework for the run",
}


def _no_staff_message(header: _Header) -> str:
    return (
        f"The roster has a header ({header.where()}) but no staff rows below it; "
        "add one row per member of staff under the header and run again."
    )


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


# ------------------------------------------------------------------------------------------- files


@dataclass
class _Table:
    """An open roster: its header and the rows below it as ``(row_number, cells)``."""

    header: _Header
    rows: Iterator[tuple[int, Sequence[object]]]
    epoch_1904: bool = False


@contextmanager
def _open_table(path: StrPath, need_framework: bool) -> Iterator[_Table]:
    path = Path(path)
    kind, encoding = _sniff(path)
    if kind == "xlsx":
        with _xlsx_table(path, _HeaderSearch(need_framework)) as table:
            yield table
    else:
        with _csv_table(path, encoding, need_framework) as table:
            yield table


def _sniff(path: Path) -> tuple[str, str]:
    """Decide by content whether ``path`` is an xlsx or a text CSV (and its encoding), or refuse it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise RosterError(f"The roster file {path} does not exist; check the file name and folder.") from None
    except IsADirectoryError:
        raise RosterError(f"{path} is a folder, not a roster file; give the path of the .xlsx or .csv.") from None
    except OSError as exc:
        raise RosterError(f"The roster file {path} cannot be opened ({exc.strerror}); check its permissions.") from exc
    if size == 0:
        raise RosterError(f"The roster file {path.name} is empty (0 bytes); export the roster again and retry.")
    if size > MAX_ROSTER_BYTES:
        raise RosterError(
            f"The roster file {path.name} is {size / 2**20:.0f} MB, more than sglogs reads "
            f"({MAX_ROSTER_BYTES // 2**20} MB); remove unused sheets and columns or split the roster."
        )
    if head.startswith(_OLE_MAGIC):
        raise RosterError(_ole_message(path, head))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _check_zip(path)
        return "xlsx", ""
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise RosterError(_not_roster_message(path, what))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode Text" export
    else:
        if b"\x00" in head or _control_share(head) > 0.01:
            raise RosterError(_not_roster_message(path, "a binary file"))
        if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<"):
            raise RosterError(_not_roster_message(path, "an HTML or XML file (web systems often name these .xls)"))
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        if _decodes(path, encoding):
            return "csv", encoding
    raise RosterError(
        f"{path.name} is text in an encoding sglogs cannot read (not UTF-8 or Windows-1252); "
        "in Excel choose Save As > CSV UTF-8 and use that copy."
    )


def _not_roster_message(path: Path, what: str) -> str:
    return (
        f"{path.name} is {what}, not a roster spreadsheet; export the roster from Excel as .xlsx or CSV and use that."
    )


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\f\v")


def _control_share(head: bytes) -> float:
    return (len(head) - len(head.translate(None, _CONTROL_BYTES))) / max(len(head), 1)


def _decodes(path: Path, encoding: str) -> bool:
    # Decode the whole file up front so a bad byte on row 9,000 cannot stop a run half way through.
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_DECODE_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _ole_message(path: Path, head: bytes) -> str:
    # Password-protected OOXML is an OLE compound file with an "EncryptionInfo" stream; legacy .xls is OLE
    # without one. The stream's name sits in a directory sector, usually early, else where the header points.
    found = _ENCRYPTION_INFO in head
    if not found and len(head) >= 0x34:
        sector_size = 1 << int.from_bytes(head[0x1E:0x20], "little")
        first_directory = int.from_bytes(head[0x30:0x34], "little")
        if 128 <= sector_size <= 4096 and first_directory < 0xFFFFFFFA:
            with path.open("rb") as f:
                f.seek((first_directory + 1) * sector_size)
                found = _ENCRYPTION_INFO in f.read(sector_size)
    if found:
        return (
            f"{path.name} is a password-protected Excel file, which sglogs cannot open; in Excel remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password) and save an unprotected copy."
        )
    return f"{path.name} is an old Excel 97-2003 file (.xls) or another old Office file; {_SAVE_AS}."


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            # zipfile stops inflating a member at its declared size (then fails its CRC check), so the
            # declared total bounds what openpyxl can unpack even when the sizes are forged.
            declared = sum(info.file_size for info in infos)
            mimetype = zf.read("mimetype") if "mimetype" in names and zf.getinfo("mimetype").file_size < 100 else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise RosterError(
            f"{path.name} looks like an Excel file but is damaged ({exc}); open it in Excel and save it again."
        ) from exc
    if declared > MAX_XLSX_UNZIPPED_BYTES:
        raise RosterError(
            f"{path.name} would unpack to {declared / 2**20:.0f} MB, more than sglogs allows "
            f"({MAX_XLSX_UNZIPPED_BYTES // 2**20} MB), so it is refused as unsafe; {_SAVE_AS}."
        )
    if "xl/workbook.xml" in names:
        return
    if b"opendocument.spreadsheet" in mimetype:
        raise RosterError(f"{path.name} is an OpenDocument spreadsheet (.ods); {_SAVE_AS}.")
    for part, what in _OTHER_ZIP_FORMATS:
        if part in names:
            raise RosterError(_not_roster_message(path, what))
    raise RosterError(_not_roster_message(path, "a zip archive"))


def _numbered_head(
    rows: Iterator[Sequence[object]],
) -> tuple[list[tuple[int, Sequence[object]]], Iterator[tuple[int, Sequence[object]]]]:
    numbered = enumerate(rows, start=1)
    return list(itertools.islice(numbered, HEADER_SEARCH_ROWS)), numbered


@contextmanager
def _csv_table(path: Path, encoding: str, need_framework: bool) -> Iterator[_Table]:
    # Sniffer's guess is tried first; the delimiter that yields a complete header is the right one. When none
    # does, the message comes from the delimiter that found the most columns (the first on a tie).
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(_SNIFF_BYTES)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = ","
    closest: _HeaderSearch | None = None
    for delimiter in dict.fromkeys((sniffed, ",", ";", "\t")):
        search = _HeaderSearch(need_framework)
        with path.open(encoding=encoding, newline="") as f:
            head, rest = _numbered_head(_csv_rows(f, delimiter))
            position = search.find(head, sheet=None)
            if position is not None:
                assert search.best is not None
                yield _Table(search.best, itertools.chain(head[position + 1 :], rest))
                return
        if closest is None or search.score() > closest.score():
            closest = search
    assert closest is not None
    raise closest.error()


def _csv_rows(f: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(f, delimiter=delimiter)
    row_number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RosterError(
                f"Row {row_number + 1} of the roster cannot be read as CSV ({exc}); check it for a stray "
                "quote mark or a very long cell, or save the roster as .xlsx instead."
            ) from exc
        row_number += 1
        yield row


@contextmanager
def _xlsx_table(path: Path, search: _HeaderSearch) -> Iterator[_Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    # an open file, not the name: openpyxl refuses a workbook saved as "staff.csv" by its extension alone
    handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after the read-only workbook
    try:
        with _openpyxl_quiet():
            wb = load_workbook(handle, read_only=True, data_only=True)
    except _XLSX_FAILURES as exc:
        handle.close()
        raise _damaged(path, exc) from exc
    try:
        active = wb.active
        sheets = [active] if active in wb.worksheets else []
        sheets += [ws for ws in wb.worksheets if ws is not active]
        for ws in sheets:
            # Some writers record a wrong sheet size, which would cut rows or columns short.
            ws.reset_dimensions()
            rows = _quiet_rows(path, ws.iter_rows(values_only=True))
            try:
                head, rest = _numbered_head(rows)
                position = search.find(head, sheet=ws.title if len(sheets) > 1 else None)
                if position is not None:
                    assert search.best is not None
                    yield _Table(
                        search.best, itertools.chain(head[position + 1 :], rest), wb.epoch == CALENDAR_MAC_1904
                    )
                    return
            finally:
                rows.close()
        raise search.error()
    finally:
        wb.close()
        handle.close()


_XLSX_FAILURES = (
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,  # includes xml.etree.ElementTree.ParseError
    EOFError,
    RuntimeError,  # a zip member encrypted with a zip password
    OSError,
)


def _damaged(path: Path, exc: BaseException) -> RosterError:
    return RosterError(
        f"{path.name} cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
        "open it in Excel, save it again as .xlsx, and use that copy."
    )


@contextmanager
def _openpyxl_quiet() -> Iterator[None]:
    # openpyxl warns about features it drops (data validation, default styles); they do not matter for
    # reading values, and under "warnings as errors" they would stop the run.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        yield


def _quiet_rows(path: Path, rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    # Warning filters are process-wide, so they are set only while openpyxl parses a batch, never across a
    # yield to the caller.
    try:
        while True:
            try:
                with _openpyxl_quiet():
                    batch = list(itertools.islice(rows, _XLSX_BATCH))
            except _XLSX_FAILURES as exc:
                raise _damaged(path, exc) from exc
            if not batch:
                return
            yield from batch
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()
