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

The package: ``constants``, ``model`` (row errors, rules), ``levels``, ``header``, ``rows`` (one row to a
person), ``files`` (what a file is and its rows, with the shared safety checks); this module holds the API.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..core.dates import parse_uk_date
from ..errors import RosterError
from ..files import atomic_output
from ..models import StaffMember
from .cells import _csv_safe, _is_blank_row
from .constants import (
    HEADER_SEARCH_ROWS,
    HEADER_SYNONYMS,
    MAX_ROSTER_BYTES,
    MAX_XLSX_UNZIPPED_BYTES,
    LevelLookup,
    StrPath,
)
from .files import _open_table
from .header import _header_key, _no_staff_message
from .levels import normalise_level_text
from .model import RosterRowError, RosterRules
from .rows import _RowBuilder

__all__ = [
    "HEADER_SEARCH_ROWS",
    "HEADER_SYNONYMS",
    "MAX_ROSTER_BYTES",
    "MAX_XLSX_UNZIPPED_BYTES",
    "RosterError",
    "RosterRowError",
    "RosterRules",
    "StaffMember",
    "StrPath",
    "_header_key",
    "count_rows",
    "normalise_level_text",
    "parse_uk_date",
    "read_roster",
    "roster_people",
    "write_roster_errors",
]


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




def roster_people(path: StrPath, rules: RosterRules | LevelLookup | None = None
                  ) -> tuple[list[StaffMember], list[RosterRowError]]:
    """A whole roster at once: its valid people and its rejected rows (``read_roster`` gathered).

    Raises ``RosterError`` when the file as a whole cannot be used.

    Example:
        >>> people, rejected = roster_people("examples/roster.xlsx")  # doctest: +SKIP
        >>> len(people), len(rejected)  # doctest: +SKIP
        (30, 0)
    """
    people: list[StaffMember] = []
    rejected: list[RosterRowError] = []
    for item in read_roster(path, rules):
        (rejected if isinstance(item, RosterRowError) else people).append(item)  # type: ignore[arg-type]
    return people, rejected

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


