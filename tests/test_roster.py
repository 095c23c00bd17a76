"""Tests for sglogs.roster: real CSV/XLSX files in tmp_path or tests/data/roster-*, no mocks."""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import os
import stat
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from sglogs.core.dates import UkDateError, parse_uk_date
from sglogs.errors import ExitCode, RosterError
from sglogs.models import Framework, Level, RefresherRule, StaffMember
from sglogs.roster import (
    HEADER_SYNONYMS,
    MAX_ROSTER_BYTES,
    RosterRowError,
    RosterRules,
    count_rows,
    normalise_level_text,
    read_roster,
    write_roster_errors,
)

DATA = Path(__file__).parent / "data"
NORFOLK = "norfolk-nscp-2024"
FRAMEWORK = Framework(
    id=NORFOLK,
    title="NSCP Safeguarding Children Competencies Framework 2024",
    level_label="Stage",
    refresher=RefresherRule(years=3, designated_lead_years=2),
    levels=tuple(Level(id=str(i), name=f"Stage {i}") for i in range(1, 10)),
)
RULES = RosterRules.from_frameworks({NORFOLK: FRAMEWORK})
HEADER = ["Staff ID", "Name", "Framework", "Level"]


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path


def read_all(path: Path, rules: RosterRules | None = RULES) -> list[StaffMember | RosterRowError]:
    return list(read_roster(path, rules))


def only_staff(items: Sequence[StaffMember | RosterRowError]) -> list[StaffMember]:
    assert all(isinstance(i, StaffMember) for i in items), items
    return [i for i in items if isinstance(i, StaffMember)]


def roster_error(path: Path, rules: RosterRules | None = RULES) -> str:
    with pytest.raises(RosterError) as info:
        read_all(path, rules)
    assert info.value.exit_code is ExitCode.UNREADABLE_INPUT
    return info.value.message


# ------------------------------------------------------------------------------------------- parse_uk_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01", dt.date(2026, 1, 1)),
        ("2026-1-9", dt.date(2026, 1, 9)),
        ("2026-01-01 00:00:00", dt.date(2026, 1, 1)),
        ("2026-01-01T09:30", dt.date(2026, 1, 1)),
        ("1/1/2026", dt.date(2026, 1, 1)),
        ("01/01/26", dt.date(2026, 1, 1)),
        ("03/04/2026", dt.date(2026, 4, 3)),  # day first, always
        ("12/11/2026", dt.date(2026, 11, 12)),
        ("1.1.2026", dt.date(2026, 1, 1)),
        ("31.12.26", dt.date(2026, 12, 31)),
        ("1-1-2026", dt.date(2026, 1, 1)),
        ("1 / 2 / 2026", dt.date(2026, 2, 1)),
        ("29/02/2028", dt.date(2028, 2, 29)),
        ("1-Jan-2026", dt.date(2026, 1, 1)),
        ("1-jan-26", dt.date(2026, 1, 1)),
        ("1 Jan 2026", dt.date(2026, 1, 1)),
        ("1 Jan. 2026", dt.date(2026, 1, 1)),
        ("1st January 2026", dt.date(2026, 1, 1)),
        ("2nd February 2026", dt.date(2026, 2, 2)),
        ("3rd March 2026", dt.date(2026, 3, 3)),
        ("4th Sept 2026", dt.date(2026, 9, 4)),
        ("21st of June, 2026", dt.date(2026, 6, 21)),
        ("Thursday 1st January 2026", dt.date(2026, 1, 1)),
        ("Thu, 1 Jan 2026", dt.date(2026, 1, 1)),
        ("  1   JANUARY   2026 ", dt.date(2026, 1, 1)),
        ("January 2026", dt.date(2026, 1, 1)),
        ("Sep 2026", dt.date(2026, 9, 1)),
        ("Jan-26", dt.date(2026, 1, 1)),
        ("march-2026", dt.date(2026, 3, 1)),
    ],
)
def test_parse_uk_date_reads_uk_forms(text: str, expected: dt.date) -> None:
    assert parse_uk_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "'31/02/2026' is not a real date (February 2026 has 28 days); check the day and month."),
        ("29/02/2026", "'29/02/2026' is not a real date (February 2026 has 28 days); check the day and month."),
        ("31 April 2026", "'31 April 2026' is not a real date (April 2026 has 30 days); check the day and month."),
        ("00/01/2026", "'00/01/2026' is not a real date (there is no day 0); check the day and month."),
        ("2026-02-30", "'2026-02-30' is not a real date (February 2026 has 28 days); check the day and month."),
        (
            "05/13/2026",
            "'05/13/2026' is not a real date (there is no month 13); dates are read day first (day/month/year).",
        ),
        ("13/13/2026", "'13/13/2026' is not a real date (there is no month 13); check the day and month."),
        ("1/1/3026", "'1/1/3026' is not a plausible date (year 3026); use a year from 1900 to 2099."),
        (
            "1 Janvier 2026",
            "'1 Janvier 2026' is not a date sglogs can read ('janvier' is not a month); "
            "write the month as e.g. Jan or January.",
        ),
        ("soon", "'soon' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026."),
        ("March 26", "'March 26' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026."),
        ("1/1", "'1/1' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026."),
        ("1/2-2026", "'1/2-2026' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026."),
        ("   ", "'   ' is empty; write a date such as 01/04/2026."),
    ],
)
def test_parse_uk_date_refuses_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_uk_date(text)
    assert isinstance(info.value, UkDateError)
    assert str(info.value) == message


# ------------------------------------------------------------------------------------------- levels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", "4"),
        ("Stage 4", "4"),
        ("stage4", "4"),
        ("STAGE: 4", "4"),
        ("Level 4", "4"),
        ("level-4", "4"),
        ("Lvl 4", "4"),
        ("L4", "4"),
        ("l 4", "4"),
        ("Group 3", "3"),
        ("Competency level 2", "2"),
        ("4.0", "4"),
        ("Level 4.0", "4"),
        ("Stage four", "4"),
        ("Level 3 (DSL)", "3"),
        ("  Stage   6 ", "6"),
        ("3a", "3a"),
        ("4.5", "4.5"),
        ("Level", "Level"),
        ("", ""),
    ],
)
def test_normalise_level_text(text: str, expected: str) -> None:
    assert normalise_level_text(text) == expected


def test_known_levels_receives_the_bare_level_id(tmp_path: Path) -> None:
    calls: list[tuple[str, str]] = []

    def known_levels(framework_id: str, level_id: str) -> str | None:
        calls.append((framework_id, level_id))
        return level_id if level_id in {"2", "4"} else None

    path = write_csv(
        tmp_path / "r.csv",
        [HEADER, ["S1", "Ann", "fw", "Stage 4"], ["S2", "Bob", "fw", "L2"], ["S3", "Cy", "fw", "Level 7"]],
    )
    items = list(read_roster(path, known_levels))  # a bare callback stands for RosterRules(known_levels=...)
    assert sorted(calls) == [("fw", "2"), ("fw", "4"), ("fw", "7")]
    assert [getattr(i, "level", None) for i in items] == ["4", "2", None]
    assert items[2] == RosterRowError(
        row_number=4,
        staff_id="S3",
        name="Cy",
        reason="Column 'Level' has 'Level 7', which is not a level of framework 'fw': correct it.",
    )


def test_no_rules_accepts_any_framework_and_level(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER, ["S1", "Ann", "Anything", "Group 12"]])
    [member] = only_staff(read_all(path, rules=None))
    assert (member.framework, member.level) == ("Anything", "12")


def test_from_frameworks_matches_ids_titles_and_place_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [
            HEADER,
            ["S1", "Ann", "norfolk-nscp-2024", "Stage 1"],
            ["S2", "Bob", "NSCP Safeguarding Children Competencies Framework 2024", "9"],
            ["S3", "Cy", "Norfolk", "level 5"],
        ],
    )
    assert [(m.framework, m.level) for m in only_staff(read_all(path))] == [
        (NORFOLK, "1"),
        (NORFOLK, "9"),
        (NORFOLK, "5"),
    ]


# ------------------------------------------------------------------------------------------- headers


def test_header_synonyms_never_collide() -> None:
    from sglogs.roster import _header_key  # the matching rule itself, to prove the table is unambiguous

    owner: dict[str, str] = {}
    for column, spellings in HEADER_SYNONYMS.items():
        for spelling in spellings:
            assert owner.setdefault(_header_key(spelling), column) == column, spelling


VALUES = {
    "staff_id": ("S1", "staff_id", "S1"),
    "name": ("Ann Example", "name", "Ann Example"),
    "role": ("Cook", "role", "Cook"),
    "setting": ("Kitchen", "setting", "Kitchen"),
    "manager": ("Meg Boss", "manager", "Meg Boss"),
    "framework": ("Norfolk", "framework", NORFOLK),
    "level": ("Stage 2", "level", "2"),
    "designated_lead": ("yes", "designated_lead", True),
    "additional": ("6.1;6.3", "additional", ("6.1", "6.3")),
    "period_start": ("1/2/2026", "period_start", dt.date(2026, 2, 1)),
}
BASE = {"staff_id": "Staff ID", "name": "Name", "framework": "Framework", "level": "Level"}


@pytest.mark.parametrize(
    ("column", "spelling"),
    [(c, s) for c, spellings in HEADER_SYNONYMS.items() if c in VALUES for s in spellings]
    + [
        ("staff_id", "EMPLOYEE NO."),
        ("staff_id", "staff_id"),
        ("staff_id", "Staff #"),
        ("staff_id", "Staff ID (required)"),
        ("level", "Level / Stage"),
        ("designated_lead", "Designated/Named Lead"),
        ("period_start", "Start Date (dd/mm/yyyy)"),
        ("setting", "setting / team"),
    ],
)
def test_header_synonyms_and_spelling_variants(tmp_path: Path, column: str, spelling: str) -> None:
    headers = dict(BASE) | {column: spelling}
    cells = {c: VALUES[c][0] for c in headers}
    path = write_csv(tmp_path / "r.csv", [list(headers.values()), [cells[c] for c in headers]])
    [member] = only_staff(read_all(path))
    _, attribute, expected = VALUES[column]
    assert getattr(member, attribute) == expected


@pytest.mark.parametrize(
    "header",
    [["Forename", "Surname"], ["First name", "Last name"], ["Given name", "Family name"], ["Last name", "First name"]],
)
def test_first_name_and_surname_are_combined(tmp_path: Path, header: list[str]) -> None:
    values = {"Forename": "Zoë", "First name": "Zoë", "Given name": "Zoë"}
    row = [values.get(h, "Brontë") for h in header]
    path = write_csv(tmp_path / "r.csv", [["Staff ID", *header, "Framework", "Level"], ["S1", *row, NORFOLK, "3"]])
    [member] = only_staff(read_all(path))
    assert member.name == "Zoë Brontë"
    assert member.surname == "Brontë"


def test_first_name_alone_is_still_a_name_when_the_full_name_column_is_empty(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["Staff ID", "Name", "First name", "Surname", "Framework", "Level"], ["S1", "", "Ann", "", NORFOLK, "3"]],
    )
    [member] = only_staff(read_all(path))
    assert member.name == "Ann"


def test_extra_blank_and_repeated_columns_are_ignored(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["Notes", "Staff ID", "", "Name", "Email", "Framework", "Level", "ID", "Manager email"],
            ["hello", "S1", "", "Ann", "a@example.org", NORFOLK, "3", "999", "m@example.org"],
        ],
    )
    [member] = only_staff(read_all(path))
    assert (member.staff_id, member.name, member.manager) == ("S1", "Ann", "")


def test_title_row_and_blank_lines_above_the_header_xlsx() -> None:
    path = DATA / "roster-title-row-and-blank-lines.xlsx"
    members = only_staff(read_all(path))
    assert [(m.row_number, m.staff_id, m.name) for m in members] == [
        (5, "1001", "Ada Lovelace"),
        (8, "1002", "Grace Hopper"),
        (9, "1003", "Mary Seacole"),
    ]
    ada = members[0]
    assert ada == StaffMember(
        staff_id="1001",
        name="Ada Lovelace",
        role="Room leader",
        setting="Acorns",
        manager="M. Smith",
        framework=NORFOLK,
        level="4",
        designated_lead=True,
        additional=("6.1", "6.3"),
        period_start=dt.date(2026, 1, 1),
        row_number=5,
    )
    assert members[1].period_start == dt.date(2026, 4, 1)
    assert (members[2].level, members[2].period_start) == ("2", None)
    assert count_rows(path) == 3


def test_title_row_and_blank_lines_above_the_header_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["Roster, spring term"], [], ["", ""], HEADER, ["S1", "Ann", NORFOLK, "3"]])
    [member] = only_staff(read_all(path))
    assert member.row_number == 5


def test_header_below_row_ten_is_not_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["Roster"], *[[] for _ in range(10)], HEADER, ["S1", "Ann", NORFOLK, "3"]])
    assert roster_error(path) == (
        "The roster has no header row in its first 10 rows; put column names such as 'Staff ID', 'Name', "
        "'Framework' and 'Level' in the first row and run again."
    )


def test_missing_required_columns_are_named_with_what_was_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["Roster"], ["Staff ID", "Name", "Team"], ["S1", "Ann", "A"]])
    assert roster_error(path) == (
        "The roster has no Level or Framework columns (row 2 looks like the header and has 'Staff ID', 'Name', "
        "'Team'); add a column headed 'Level' (or 'Stage', 'Group', 'Competency level'); add a column headed "
        "'Framework' (or 'Partnership') naming each person's framework, e.g. 'Norfolk', then run again."
    )


def test_missing_name_column_mentions_first_name_and_surname(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["Staff ID", "Forename", "Framework", "Level"], ["S1", "Ann", "x", "3"]])
    assert roster_error(path) == (
        "The roster has no Name column (row 1 looks like the header and has 'Staff ID', 'Forename', 'Framework', "
        "'Level'); add a column headed 'Name' (or 'Full name', or two columns 'First name' and 'Surname'), "
        "then run again."
    )


def test_default_framework_makes_the_framework_column_optional(tmp_path: Path) -> None:
    rules = RosterRules.from_frameworks({NORFOLK: FRAMEWORK}, default_framework=NORFOLK)
    path = write_csv(tmp_path / "r.csv", [["Staff ID", "Name", "Stage"], ["S1", "Ann", "Stage 3"]])
    [member] = only_staff(read_all(path, rules))
    assert (member.framework, member.level) == (NORFOLK, "3")


def test_default_framework_fills_empty_framework_cells_only(tmp_path: Path) -> None:
    rules = RosterRules(default_framework="fallback")
    path = write_csv(tmp_path / "r.csv", [HEADER, ["S1", "Ann", "", "3"], ["S2", "Bob", "own", "3"]])
    assert [m.framework for m in only_staff(read_all(path, rules))] == ["fallback", "own"]


def test_empty_framework_cell_without_default_is_a_row_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER, ["S1", "Ann", "", "3"]])
    assert read_all(path) == [
        RosterRowError(
            row_number=2,
            staff_id="S1",
            name="Ann",
            reason="Column 'Framework' is empty: add the framework (one of norfolk-nscp-2024).",
        )
    ]


def test_xlsx_finds_the_roster_sheet_behind_an_instructions_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Instructions"
    wb.active.append(["Fill in one row per person."])
    roster = wb.create_sheet("Roster")
    roster.append(HEADER)
    roster.append(["S1", "Ann", NORFOLK, "3"])
    wb.save(tmp_path / "r.xlsx")
    [member] = only_staff(read_all(tmp_path / "r.xlsx"))
    assert (member.staff_id, member.row_number) == ("S1", 2)


def test_xlsx_prefers_the_active_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Roster 2025"
    wb.active.append(HEADER)
    wb.active.append(["OLD", "Old Person", NORFOLK, "3"])
    current = wb.create_sheet("Roster 2026")
    current.append(HEADER)
    current.append(["NEW", "New Person", NORFOLK, "3"])
    wb.active = current
    wb.save(tmp_path / "r.xlsx")
    assert [m.staff_id for m in only_staff(read_all(tmp_path / "r.xlsx"))] == ["NEW"]


def test_xlsx_missing_column_names_the_sheet_when_there_are_several(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Staff"
    wb.active.append(["Staff ID", "Name", "Framework"])
    wb.create_sheet("Notes").append(["Anything"])
    wb.save(tmp_path / "r.xlsx")
    assert "(row 1 of sheet 'Staff' looks like the header and has 'Staff ID', 'Name', 'Framework')" in roster_error(
        tmp_path / "r.xlsx"
    )


# ------------------------------------------------------------------------------------------- cells


def test_excel_numbers_and_dates_fixture() -> None:
    members = only_staff(read_all(DATA / "roster-excel-numbers-and-dates.xlsx"))
    assert [(m.row_number, m.staff_id, m.level, m.designated_lead, m.period_start) for m in members] == [
        (2, "2001", "4", True, dt.date(2026, 1, 1)),  # int id, date cell, TRUE
        (3, "2002", "4", False, dt.date(2026, 1, 1)),  # float id 2002.0, serial 46023 in a General cell
        (4, "2003", "5", True, dt.date(2026, 3, 4)),  # date cell, 1 for yes
        (5, "2004", "6", False, dt.date(2026, 1, 1)),  # text id, "1-Jan-2026"
        (6, "2005", "1", True, dt.date(2026, 2, 1)),  # serial with a time part, "x" for yes
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(1001, "1001"), (1001.0, "1001"), ("1001", "1001"), ("1001.0", "1001"), (" S-001 ", "S-001"), ("00123", "00123")],
)
def test_numeric_staff_ids_lose_the_excel_float(tmp_path: Path, cell: object, expected: str) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, [cell, "Ann", NORFOLK, 3.0]])
    [member] = only_staff(read_all(path))
    assert (member.staff_id, member.level) == (expected, "3")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2026, 1, 1, 0, 0), dt.date(2026, 1, 1)),
        (dt.datetime(2026, 1, 1, 14, 30), dt.date(2026, 1, 1)),
        (46023, dt.date(2026, 1, 1)),
        (46023.5, dt.date(2026, 1, 1)),
        ("46023", dt.date(2026, 1, 1)),
        ("2026-01-01", dt.date(2026, 1, 1)),
        ("01/01/26", dt.date(2026, 1, 1)),
        ("January 2026", dt.date(2026, 1, 1)),
        (None, None),
        ("  ", None),
    ],
)
def test_period_start_cells(tmp_path: Path, cell: object, expected: dt.date | None) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [[*HEADER, "Period start"], ["S1", "Ann", NORFOLK, "3", cell]])
    [member] = only_staff(read_all(path))
    assert member.period_start == expected


def test_serial_numbers_follow_the_1904_date_system(tmp_path: Path) -> None:
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.active.append([*HEADER, "Start"])
    wb.active.append(["S1", "Ann", NORFOLK, "3", 44561])  # 1 January 2026 counted from 1904
    wb.save(tmp_path / "r.xlsx")
    [member] = only_staff(read_all(tmp_path / "r.xlsx"))
    assert member.period_start == dt.date(2026, 1, 1)


@pytest.mark.parametrize("cell", [123, 99999, "12345"])
def test_implausible_serial_numbers_are_row_errors(tmp_path: Path, cell: object) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [[*HEADER, "Start date"], ["S1", "Ann", NORFOLK, "3", cell]])
    [error] = read_all(path)
    assert error == RosterRowError(
        row_number=2,
        staff_id="S1",
        name="Ann",
        reason=f"Column 'Start date' has the number {cell}, which is not a date: format the cell as a date, or "
        "write it day first, e.g. 01/04/2026.",
    )


@pytest.mark.parametrize("cell", ["y", "Yes", "TRUE", "true", "1", "x", "X", "✓", "✔", True, 1, 1.0])
def test_designated_lead_yes(tmp_path: Path, cell: object) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [[*HEADER, "DSL"], ["S1", "Ann", NORFOLK, "3", cell]])
    assert only_staff(read_all(path))[0].designated_lead is True


@pytest.mark.parametrize("cell", ["n", "No", "FALSE", "0", "", "  ", None, False, 0])
def test_designated_lead_no(tmp_path: Path, cell: object) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [[*HEADER, "Named lead"], ["S1", "Ann", NORFOLK, "3", cell]])
    assert only_staff(read_all(path))[0].designated_lead is False


@pytest.mark.parametrize(
    "cell", ["6.1, 6.3", "6.1;6.3", "6.1/6.3", "6.1 6.3", "6.1\n6.3", "6.1,\n 6.3;", "6.1 and 6.3", "6.1, 6.3, 6.1"]
)
def test_additional_competency_separators(tmp_path: Path, cell: str) -> None:
    path = write_csv(tmp_path / "r.csv", [[*HEADER, "Additional"], ["S1", "Ann", NORFOLK, "6", cell]])
    assert only_staff(read_all(path))[0].additional == ("6.1", "6.3")


def test_quoted_line_breaks_do_not_shift_row_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [[*HEADER, "Additional"], ["S1", "Ann", NORFOLK, "6", "6.1\n6.3\n6.4"], ["S2", "Bob", NORFOLK, "6", ""]],
    )
    assert [m.row_number for m in only_staff(read_all(path))] == [2, 3]


# ------------------------------------------------------------------------------------------- row errors


def test_each_row_error_with_its_row_number_and_reason() -> None:
    items = read_all(DATA / "roster-row-errors.csv")
    errors = {i.row_number: i for i in items if isinstance(i, RosterRowError)}
    assert [m.row_number for m in items if isinstance(m, StaffMember)] == [2, 11]
    assert errors == {
        3: RosterRowError(
            row_number=3, staff_id="S002", name=None, reason="Column 'Name' is empty: add the person's name."
        ),
        4: RosterRowError(
            row_number=4,
            staff_id=None,
            name="Bo Brown",
            reason="Column 'Staff ID' is empty: add the person's staff ID.",
        ),
        5: RosterRowError(
            row_number=5,
            staff_id="s001",
            name="Cy Clone",
            reason="Staff ID 's001' is already used on row 2: give each person their own ID in column 'Staff ID', "
            "or delete the repeated row.",
        ),
        6: RosterRowError(
            row_number=6,
            staff_id="S005",
            name="Di Dee",
            reason="Column 'Framework' has 'Narfolk', which is not a framework sglogs knows: correct it "
            "(one of norfolk-nscp-2024).",
        ),
        7: RosterRowError(
            row_number=7,
            staff_id="S006",
            name="Ed Eve",
            reason="Column 'Level' has 'Stage 12', which is not a level of framework 'norfolk-nscp-2024': "
            "correct it (one of 1, 2, 3, 4, 5, 6, 7, 8, 9).",
        ),
        8: RosterRowError(
            row_number=8,
            staff_id="S007",
            name="Flo Fay",
            reason="Column 'Period start' has '31/02/2026', which is not a real date (February 2026 has 28 days): "
            "check the day and month.",
        ),
        9: RosterRowError(
            row_number=9,
            staff_id="S008",
            name="Gus Gee",
            reason="Column 'Designated lead' has 'maybe', which is not yes or no: write yes (or y, x, ✓) for a "
            "designated or named lead, and no or nothing otherwise.",
        ),
        12: RosterRowError(
            row_number=12,
            staff_id="S010",
            name="Ivy Ivo",
            reason="Column 'Level' is empty: add the person's level (one of 1, 2, 3, 4, 5, 6, 7, 8, 9).",
        ),
        13: RosterRowError(
            row_number=13,
            staff_id="S011",
            name="Jo Jay",
            reason="Column 'Additional competencies' has '6.1!', which is not a competency id: list ids such as "
            "6.1 separated by commas.",
        ),
        14: RosterRowError(
            row_number=14,
            staff_id="S001",
            name="Ada Again",
            reason="Staff ID 'S001' is already used on row 2: give each person their own ID in column 'Staff ID', "
            "or delete the repeated row.",
        ),
    }
    assert count_rows(DATA / "roster-row-errors.csv") == len(items) == 12  # the blank row 10 is not counted


def test_several_problems_in_one_row_make_one_sentence(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [[*HEADER, "DSL"], ["", "", NORFOLK, "Stage 3", "perhaps"]],
    )
    [error] = read_all(path)
    assert error == RosterRowError(
        row_number=2,
        staff_id=None,
        name=None,
        reason="Column 'Staff ID' is empty: add the person's staff ID; column 'Name' is empty: add the person's "
        "name; column 'DSL' has 'perhaps', which is not yes or no: write yes (or y, x, ✓) for a designated or "
        "named lead, and no or nothing otherwise.",
    )


def test_duplicates_name_the_first_row_and_use_the_file_s_column_name(tmp_path: Path) -> None:
    rows = [["Payroll no", "Name", "Framework", "Level"]]
    rows += [[1001, f"Person {i}", NORFOLK, "3"] for i in range(3)]
    rows += [[1002, "Other", NORFOLK, "3"]]
    items = read_all(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [type(i).__name__ for i in items] == ["StaffMember", "RosterRowError", "RosterRowError", "StaffMember"]
    assert [i.reason for i in items if isinstance(i, RosterRowError)] == [
        "Staff ID '1001' is already used on row 2: give each person their own ID in column 'Payroll no', "
        "or delete the repeated row."
    ] * 2


def test_a_rejected_first_row_still_owns_its_staff_id(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER, ["S1", "", NORFOLK, "3"], ["S1", "Ann", NORFOLK, "3"]])
    first, second = read_all(path)
    assert isinstance(first, RosterRowError) and isinstance(second, RosterRowError)
    assert second.reason.startswith("Staff ID 'S1' is already used on row 2")


def test_blank_rows_are_skipped_and_not_counted(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [
            HEADER,
            ["S1", "Ann", NORFOLK, "3"],
            [],
            ["", " ", "", ""],
            [" ", "", "", "", "", ""],
            ["S2", "Bob", NORFOLK, "3"],
        ],
    )
    assert [m.row_number for m in only_staff(read_all(path))] == [2, 6]
    assert count_rows(path) == 2


# ------------------------------------------------------------------------------------------- whole files


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"")
    assert roster_error(path) == "The roster file roster.csv is empty (0 bytes); export the roster again and retry."
    with pytest.raises(RosterError):
        count_rows(path)


def test_file_with_only_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("\n \n,,,\n", encoding="utf-8")
    assert roster_error(path) == (
        "The roster has no rows at all; export it again with a header row and one row per member of staff."
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_header_without_staff_rows(tmp_path: Path, suffix: str) -> None:
    rows = [["Roster"], HEADER, [], ["", ""]]
    path = write_csv(tmp_path / "r.csv", rows) if suffix == ".csv" else write_xlsx(tmp_path / "r.xlsx", rows)
    expected = (
        "The roster has a header (row 2) but no staff rows below it; add one row per member of staff under the "
        "header and run again."
    )
    assert roster_error(path) == expected
    with pytest.raises(RosterError, match=r"no staff rows"):
        count_rows(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist; check the file name and folder" in roster_error(tmp_path / "nope.xlsx")


def test_a_folder_is_not_a_roster(tmp_path: Path) -> None:
    assert "is a folder, not a roster file" in roster_error(tmp_path)


def test_errors_come_from_the_first_next_not_the_call(tmp_path: Path) -> None:
    rows = read_roster(tmp_path / "nope.csv")
    assert inspect.isgenerator(rows)
    with pytest.raises(RosterError):
        next(rows)


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (bytes(range(256)) * 4, "a binary file"),
        (b"<html><body><table><tr><td>Staff ID</td></tr></table></body></html>", "an HTML or XML file"),
    ],
)
def test_files_that_are_not_rosters(tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    assert roster_error(path).startswith(f"roster.csv is {what}")
    assert "not a roster spreadsheet; export the roster from Excel as .xlsx or CSV" in roster_error(path)


def ole_file(stream_names: Sequence[str], *, filler_sectors: int = 0) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) whose directory lists these streams.

    Password-protected OOXML is such a file with "EncryptionInfo" and "EncryptedPackage" streams; a legacy
    .xls has a "Workbook" stream. ``filler_sectors`` pushes the directory past the first 64 KB.
    """
    free, end_of_chain, fat_marker = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat_sectors = (filler_sectors + 2 + 127) // 128 + 1  # enough FAT entries for every sector, itself included
    directory_sector = fat_sectors + filler_sectors
    header = bytearray(b"\xff" * 512)
    header[:0x4C] = bytes(0x4C)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into(
        "<IIIIIIII", header, 0x2C, fat_sectors, directory_sector, 0, 4096, end_of_chain, 0, end_of_chain, 0
    )
    struct.pack_into(f"<{fat_sectors}I", header, 0x4C, *range(fat_sectors))  # DIFAT: where the FAT sectors are
    fat = [fat_marker] * fat_sectors + [free] * filler_sectors + [end_of_chain]
    fat += [free] * (128 * fat_sectors - len(fat))
    directory = b""
    for i, name in enumerate(["Root Entry", *stream_names]):
        encoded = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 0x40, len(encoded), 5 if i == 0 else 2, 1)
        struct.pack_into("<III", entry, 0x44, free, free, 1 if i == 0 else free)
        directory += bytes(entry)
    directory = directory.ljust(512, b"\0")
    return bytes(header) + struct.pack(f"<{len(fat)}I", *fat) + bytes(512 * filler_sectors) + directory


PASSWORD_MESSAGE = (
    "roster.xlsx is a password-protected Excel file, which sglogs cannot open; in Excel remove the password "
    "(File > Info > Protect Workbook > Encrypt with Password) and save an unprotected copy."
)


@pytest.mark.parametrize("filler_sectors", [0, 200])
def test_password_protected_xlsx(tmp_path: Path, filler_sectors: int) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(ole_file(["EncryptionInfo", "EncryptedPackage"], filler_sectors=filler_sectors))
    assert path.stat().st_size > 64 * 1024 or filler_sectors == 0
    assert roster_error(path) == PASSWORD_MESSAGE


def test_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "roster.xls"
    path.write_bytes(ole_file(["Workbook", "\x05SummaryInformation"]))
    assert roster_error(path) == (
        "roster.xls is an old Excel 97-2003 file (.xls) or another old Office file; open it in Excel and save it "
        "as .xlsx (Excel Workbook) or CSV UTF-8, then use that copy."
    )


def zip_file(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"},
            "roster.xlsx is a Word document, not a roster spreadsheet",
        ),
        ({"ppt/presentation.xml": b"<p/>"}, "roster.xlsx is a PowerPoint presentation, not a roster spreadsheet"),
        ({"xl/workbook.bin": b"\0"}, "roster.xlsx is an Excel binary workbook (.xlsb), not a roster spreadsheet"),
        (
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
            "roster.xlsx is an OpenDocument spreadsheet (.ods); open it in Excel and save it as .xlsx",
        ),
        ({"photo.jpg": b"\xff\xd8\xff"}, "roster.xlsx is a zip archive, not a roster spreadsheet"),
    ],
)
def test_zips_that_are_not_xlsx(tmp_path: Path, parts: dict[str, bytes], message: str) -> None:
    assert roster_error(zip_file(tmp_path / "roster.xlsx", parts)).startswith(message)


def test_docx_made_by_word_tools_is_refused(tmp_path: Path) -> None:
    from docx import Document  # python-docx is a project dependency; a real .docx, not a hand-made zip

    path = tmp_path / "roster.xlsx"
    Document().save(path)
    assert roster_error(path).startswith("roster.xlsx is a Word document, not a roster spreadsheet")


def test_damaged_xlsx(tmp_path: Path) -> None:
    path = zip_file(tmp_path / "roster.xlsx", {"xl/workbook.xml": b"<not a workbook"})
    message = roster_error(path)
    assert message.startswith("roster.xlsx cannot be read as an Excel workbook (")
    assert message.endswith("open it in Excel, save it again as .xlsx, and use that copy.")


def test_truncated_zip(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "full.xlsx", [HEADER, ["S1", "Ann", NORFOLK, "3"]])
    path = tmp_path / "roster.xlsx"
    path.write_bytes(source.read_bytes()[:600])
    assert "roster.xlsx looks like an Excel file but is damaged" in roster_error(path)


def test_zip_bomb_is_refused_by_declared_size(tmp_path: Path) -> None:
    data = bytearray(write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["S1", "Ann", NORFOLK, "3"]]).read_bytes())
    # Forge the central directory so one part claims 300 MB unpacked, as a zip bomb's does.
    entry = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, 300 * 1024 * 1024)
    path = tmp_path / "roster.xlsx"
    path.write_bytes(bytes(data))
    # SafeZip's checks (here its compression-ratio limit) refuse it, worded for a roster
    message = roster_error(path)
    assert message.startswith("roster.xlsx is refused as unsafe") and "200 MB" in message


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    with path.open("wb") as f:
        f.truncate(MAX_ROSTER_BYTES + 1)  # sparse: nothing is written
    assert roster_error(path) == (
        "The roster file roster.csv is 50 MB, more than sglogs reads (50 MB); remove unused sheets and columns or "
        "split the roster."
    )


def test_openpyxl_warnings_do_not_leak(tmp_path: Path) -> None:
    # Excel writes data-validation lists as an extension openpyxl warns about while reading the sheet; with
    # warnings as errors (pyproject) a leaked warning would fail this test.
    source = write_xlsx(tmp_path / "plain.xlsx", [HEADER, ["S1", "Ann", NORFOLK, "3"]])
    extension = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<x14:dataValidations count="0"/></ext></extLst></worksheet>'
    )
    path = tmp_path / "validated.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", extension)
            out.writestr(info, data)
    assert [m.staff_id for m in only_staff(read_all(path))] == ["S1"]


def open_descriptors(path: Path) -> list[str]:
    fd_dir = Path("/proc/self/fd")
    found = []
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(fd_dir / fd) == str(path):
                found.append(fd)
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_files_are_closed_when_the_caller_stops_early(tmp_path: Path, suffix: str) -> None:
    rows = [HEADER, *[[f"S{i}", f"Person {i}", NORFOLK, "3"] for i in range(50)]]
    path = write_csv(tmp_path / "r.csv", rows) if suffix == ".csv" else write_xlsx(tmp_path / "r.xlsx", rows)
    stream = read_roster(path, RULES)
    next(stream)
    assert open_descriptors(path)
    stream.close()
    assert open_descriptors(path) == []
    list(read_roster(path, RULES))
    assert open_descriptors(path) == []


# ------------------------------------------------------------------------------------------- encodings and dialects


def test_semicolon_delimited_cp1252_csv() -> None:
    path = DATA / "roster-semicolon-cp1252.csv"
    members = only_staff(read_all(path))
    assert [(m.row_number, m.staff_id, m.name, m.setting, m.level) for m in members] == [
        (2, "S001", "Zoë Brontë", "Bluebells, Room 2", "3"),
        (3, "S002", "Renée d’Arcy", "Office", "6"),
        (4, "S003", "Smith, Jo", "Kitchen", "2"),
    ]
    assert members[0].period_start == dt.date(2026, 4, 3)
    assert members[1].role == "Manager – deputy"
    assert members[1].designated_lead is True


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-8-sig", ";"), ("cp1252", "\t"), ("utf-16", "\t")],
)
def test_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [["Roster; see notes, please"], HEADER, ["S1", "Zoë Brontë", NORFOLK, "Stage 3"]]
    path = write_csv(tmp_path / "r.csv", rows, delimiter=delimiter, encoding=encoding)
    [member] = only_staff(read_all(path))
    assert (member.staff_id, member.name, member.row_number) == ("S1", "Zoë Brontë", 3)


def test_text_that_is_neither_utf8_nor_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"Staff ID,Name,Framework,Level\nS1,\x81\x8d\x9d,x,3\n")
    assert roster_error(path) == (
        "roster.csv is text in an encoding sglogs cannot read (not UTF-8 or Windows-1252); in Excel choose "
        "Save As > CSV UTF-8 and use that copy."
    )


def test_csv_with_a_runaway_quote(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text('Staff ID,Name,Framework,Level\nS1,"Ann,x,3\n' + "y" * 140_000 + "\n", encoding="utf-8")
    assert "cannot be read as CSV" in roster_error(path)


# ------------------------------------------------------------------------------------------- size


def test_ten_thousand_rows_stream_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Staff ID", "Name", "Role", "Setting", "Framework", "Level", "DSL", "Start date"])
        for i in range(10_000):
            writer.writerow([f"S{i:05}", f"Person {i}", "Practitioner", "Acorns", NORFOLK, "Stage 3", "", "01/01/2026"])
    started = time.perf_counter()
    assert count_rows(path) == 10_000
    stream = read_roster(path, RULES)
    assert inspect.isgenerator(stream)
    tracemalloc.start()
    try:
        count = sum(1 for item in stream if isinstance(item, StaffMember))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 10_000
    # Ten thousand StaffMember objects held at once take about 15 MB; streaming keeps only the ids seen.
    assert peak < 4 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB"
    assert time.perf_counter() - started < 10  # generous bound; about 1 s here


def test_xlsx_rows_stream(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Roster")
    ws.append(HEADER)
    for i in range(2_000):
        ws.append([1000 + i, f"Person {i}", NORFOLK, 3])
    wb.save(tmp_path / "big.xlsx")
    stream = read_roster(tmp_path / "big.xlsx", RULES)
    assert inspect.isgenerator(stream)
    members = only_staff(list(stream))
    assert (len(members), members[-1].staff_id, members[-1].row_number) == (2_000, "2999", 2_001)
    assert count_rows(tmp_path / "big.xlsx") == 2_000


# ------------------------------------------------------------------------------------------- error report


def test_write_roster_errors(tmp_path: Path) -> None:
    errors = [
        RosterRowError(row_number=3, staff_id="S002", name=None, reason="Column 'Name' is empty: add the name."),
        RosterRowError(row_number=7, staff_id='=HYPERLINK("x")', name="Zoë Brontë", reason="Bad id."),
    ]
    path = tmp_path / "roster-errors.csv"
    assert write_roster_errors(errors, path) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfrow,staff_id,name,reason\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        ["row", "staff_id", "name", "reason"],
        ["3", "S002", "", "Column 'Name' is empty: add the name."],
        ["7", '\'=HYPERLINK("x")', "Zoë Brontë", "Bad id."],
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_roster_errors_from_a_roster(tmp_path: Path) -> None:
    items = read_all(DATA / "roster-row-errors.csv")
    path = tmp_path / "errors.csv"
    written = write_roster_errors((i for i in items if isinstance(i, RosterRowError)), path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert written == len(rows) == 10
    assert rows[0] == {
        "row": "3",
        "staff_id": "S002",
        "name": "",
        "reason": "Column 'Name' is empty: add the person's name.",
    }


def test_an_excel_roster_saved_under_a_csv_name_is_read_by_content(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["Staff ID", "Name", "Framework", "Level"])
    wb.active.append(["X1", "Ann Able", "norfolk-nscp-2024", "Stage 3"])
    path = tmp_path / "staff.csv"
    wb.save(path)
    people = [p for p in read_roster(path) if isinstance(p, StaffMember)]
    assert [p.staff_id for p in people] == ["X1"] and count_rows(path) == 1
