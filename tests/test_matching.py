"""Logs without sglogs identity reach the right roster person by the name on their cover, or are listed as
unmatched with the reason; never given to one of two people who could be meant.

Expectations are written from what a manager would accept as "the same person" (issue 13, part 4): case,
spacing, accents, initials, surname first and one-letter typos are the same name; a different first name with
the same initial is not, unless setting, role or level on the cover leave one person.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import PROJECT_DIR
from sglogs.matching import match_person
from sglogs.models import StaffMember

OLDER_TEMPLATE = PROJECT_DIR / "examples" / "completed" / "older-in-house-template.docx"
ROSTER = PROJECT_DIR / "examples" / "roster.xlsx"


def person(
    staff_id: str, name: str, setting: str = "Sunflower Nursery", level: str = "4", role: str = ""
) -> StaffMember:
    return StaffMember(staff_id=staff_id, name=name, framework="norfolk-nscp-2024", level=level, setting=setting,
                       role=role)


PEOPLE = [
    person("NS001", "Amelia Hartley"),
    person("NS006", "Zoë Lindqvist"),
    person("NS007", "Ellie-May Robinson"),
    person("RF011", "Adam Hartley", setting="Riverside Family Centre", level="7", role="Team manager"),
    person("RF012", "Priya Shah-Whitfield", setting="Riverside Family Centre"),
]


@pytest.mark.parametrize(("written", "expected"), [
    ("Amelia Hartley", "NS001"),
    ("  amelia   HARTLEY ", "NS001"),
    ("Hartley, Amelia", "NS001"),
    ("Amelia Hartly", "NS001"),  # one letter left out
    ("Zoe Lindqvist", "NS006"),  # no accent
    ("ZOË LINDQVIST", "NS006"),
    ("Ellie May Robinson", "NS007"),  # no hyphen
    ("Priya Shah Whitfield", "RF012"),
    ("P. Shah-Whitfield", "RF012"),  # initial and surname, one candidate
])
def test_the_same_name_written_another_way_is_matched(written: str, expected: str) -> None:
    found = match_person(written, PEOPLE)
    assert found.staff_id == expected, found.how


@pytest.mark.parametrize(("written", "why"), [
    ("A. Hartley", "two people could be meant: NS001, RF011"),
    ("Alex Morgan", "no one on the roster has this name"),
    ("", "no name on the cover"),
    (None, "no name on the cover"),
    ("Amy Hart", "no one on the roster has this name"),  # a different person, not a typo
])
def test_no_match_or_two_candidates_is_unmatched(written: str | None, why: str) -> None:
    found = match_person(written, PEOPLE)
    assert (found.staff_id, found.how) == (None, why)


def test_setting_role_or_level_on_the_cover_decide_between_two_candidates() -> None:
    by_setting = match_person("A. Hartley", PEOPLE, setting="Riverside Family Centre")
    assert by_setting.staff_id == "RF011" and by_setting.how == "matched by initial and surname and setting"
    assert match_person("A Hartley", PEOPLE, level="Stage 4").staff_id == "NS001"
    assert match_person("A. Hartley", PEOPLE, role="team manager").staff_id == "RF011"
    # a setting the cover gives that fits neither leaves the two candidates as they were
    assert match_person("A. Hartley", PEOPLE, setting="Hillside Primary").staff_id is None


def _cover_named(source: Path, target: Path, name: str) -> Path:
    """The organisation's older template with another name typed on its cover, as a person would."""
    document = docx.Document(source)
    for table in document.tables:
        for row in table.rows:
            if row.cells[0].text.strip() == "Name":
                row.cells[1].text = name
    document.save(target)
    return target


def test_register_matches_an_unidentified_log_and_lists_the_unmatched(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    outbox = tmp_path / "outbox"
    runner = CliRunner()
    ours = _cover_named(OLDER_TEMPLATE, tmp_path / "hartley-own-template.docx", "hartley, amelia")
    stranger = tmp_path / "morgan-own-template.docx"
    shutil.copy(OLDER_TEMPLATE, stranger)  # "Alex Morgan": no one on the roster
    for log in (ours, stranger):
        result = runner.invoke(app, ["review", str(log), "--outbox", str(outbox)])
        assert result.exit_code in (0, 1), result.output
    result = runner.invoke(app, ["register", "--roster", str(ROSTER), "--outbox", str(outbox),
                                 "--as-of", "20/12/2026"])
    assert result.exit_code == 0, result.output
    assert "Unmatched logs: 1 reviewed log could not be matched to anyone on the roster" in result.stderr
    wb = openpyxl.load_workbook(outbox / "register.xlsx")
    assert wb.sheetnames == ["Register", "Summary", "Unmatched logs"]
    header = [c.value for c in wb["Register"][1]]
    amelia = next(dict(zip(header, (c.value for c in row), strict=True))
                  for row in wb["Register"].iter_rows(min_row=2) if row[0].value == "NS001")
    assert amelia["Signed off"] == "No" and "matched by same name" in amelia["Notes"]
    unmatched = [[c.value for c in row] for row in wb["Unmatched logs"].iter_rows()]
    assert unmatched[1][0] == "Alex Morgan"
    assert unmatched[1][-1] == "No one on the roster has this name."
    assert unmatched[1][5] == stranger.name
    # without a roster there is no one to match against: both are listed by status as unmatched
    status = runner.invoke(app, ["status", "--outbox", str(outbox)])
    assert "Unmatched logs: 2 reviewed logs could not be matched" in status.output
