"""The staff register over a simulated year: who is in date, due, overdue or unknown, who is signed off, by setting
and by level, and the register workbook.

The year (built once, shared with ``test_audit.py``): 13 people across Norfolk, London and PA3 settings. Logs are
generated from rosters year by year, filled the way people fill them (``tests/simulator.py``), and reviewed with
``review_log`` on dates in the year. Most current logs come back; one was never returned, one is not signed off;
earlier years' logs hold the last formal training of people whose refresher is overdue or due soon; one person
changed level between years and one was promoted after their last review; renewal logs are generated at the end.
The clock is fixed: every date is passed explicitly, and the register is worked out for ``TODAY``.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
import random
import shutil
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from sglogs.cli import app as sglogs_app
from sglogs.config import Settings, load_settings
from sglogs.cycle import status_figures
from sglogs.frameworks import installed_frameworks, required_competencies
from sglogs.generate.logs import GenerateOptions, generate_logs
from sglogs.models import CompetencyStatus, Framework, StaffMember
from sglogs.records import ReviewRecord, load_reviews
from sglogs.register import (
    BAND_DAYS,
    Band,
    RegisterRow,
    band_colours,
    build_register,
    headline,
    last_formal_training,
    summary,
)
from sglogs.review import review_log
from sglogs.roster import RosterRules, read_roster
from tests.simulator import (
    ACTIVITIES,
    SENTENCES,
    Expected,
    WrittenEntry,
    fill_docx,
    fill_xlsx,
    log_competency_ids,
    write_competencies,
    write_date,
    write_hours,
)

TODAY = dt.date(2027, 1, 15)
#: Current logs are reviewed the day after the simulator's sign-off dates (1-20 December 2026).
REVIEWED = dt.date(2026, 12, 21)
ORGANISATION = "Riverside Children's Trust (fictional)"
SUNFLOWER, RIVERSIDE = "Sunflower Nursery & Pre-school", "Riverside Family Hub"
HILLSIDE, BROOK = "Hillside Primary School", "Brook Street Youth Club"
NORFOLK, LONDON, PA3 = "norfolk-nscp-2024", "london", "lscp-pa3"

# Types of learning: none of the informal ones counts as formal training or as online learning.
INFORMAL = ("Supervision", "Reading or research", "Team meeting or briefing", "Shadowing",
            "Reflective discussion or peer learning", "Learning from a case review (CSPR/SAR)")
F2F, MULTI, ELEARN, WEBINAR = "Face-to-face training", "Multi-agency training", "E-learning", \
    "Webinar or video conference"
APPLIED = "Since then I have applied this in my practice with the families I work with."
NOT_APPLIED = ("The module covered the signs of online grooming and how abusers build trust with young people "
               "through games and chat.")
ONLINE = (ELEARN, WEBINAR)


@dataclass(frozen=True)
class Person:
    staff_id: str
    name: str
    role: str
    setting: str
    framework: str
    level: str
    dsl: bool = False
    additional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    day: dt.date
    kind: str
    flag: str = ""  # "short" reflection, "half_day" hours, "not_applied" online learning


@dataclass(frozen=True)
class Log:
    """One log of one person: generated for ``start``, filled with ``entries``, reviewed on ``reviewed``."""

    person: Person
    start: dt.date
    fmt: str
    entries: tuple[Entry, ...]
    reviewed: dt.date | None
    quirks: frozenset[str] = frozenset({"next_steps", "signoff"})
    signed: dt.date | None = None  # an earlier year's log: signed off by hand on this date


def _informal(days: list[str]) -> list[Entry]:
    return [Entry(dt.date.fromisoformat(day), INFORMAL[i % len(INFORMAL)]) for i, day in enumerate(days)]


def _year(*entries: Entry) -> tuple[Entry, ...]:
    return tuple(sorted(entries, key=lambda e: e.day))


P = {p.staff_id: p for p in (
    Person("NS001", "Amelia Hartley", "Nursery practitioner", SUNFLOWER, NORFOLK, "4"),
    Person("NS002", "Grace Okafor", "Nursery manager", SUNFLOWER, NORFOLK, "5", dsl=True),
    Person("NS003", "Tomasz Nowak", "Room leader", SUNFLOWER, NORFOLK, "4", additional=("6.10",)),
    Person("NS004", "Chloe Barnes", "Administrator", SUNFLOWER, NORFOLK, "2"),
    Person("NF010", "Marcus Adebayo", "Family support worker", RIVERSIDE, NORFOLK, "6"),
    Person("NF011", "Helen Cartwright", "Team manager", RIVERSIDE, NORFOLK, "7", dsl=True),
    Person("NF012", "Priya Shah-Whitfield", "Youth worker", RIVERSIDE, NORFOLK, "7"),
    Person("LD020", "Fatima Rahman", "Teaching assistant", HILLSIDE, LONDON, "2"),
    Person("LD021", "Oliver Grant", "Designated safeguarding lead", HILLSIDE, LONDON, "3", dsl=True,
           additional=("4.1",)),
    Person("LD024", "Leah Goldberg", "Class teacher", HILLSIDE, LONDON, "2"),
    Person("PA031", "Aaron Blake", "Youth club coordinator", BROOK, PA3, "2", dsl=True),
    Person("PA033", "Callum Fraser", "Sports coach", BROOK, PA3, "2", additional=("3.1",)),
    Person("PA035", "Hamza Ali", "Detached youth worker", BROOK, PA3, "3"),
)}


def _as(staff_id: str, **changes: object) -> Person:
    person = P[staff_id]
    return Person(**{**person.__dict__, **changes})


D = dt.date.fromisoformat
#: Every log of the simulated years, in the order they are reviewed.
LOGS: tuple[Log, ...] = (
    # 2023-24: Leah's log, reviewed in July 2024; its face-to-face training is her last (refresher now overdue)
    Log(P["LD024"], D("2023-09-01"), "xlsx", _year(Entry(D("2023-11-20"), F2F), *_informal(
        ["2024-01-15", "2024-03-12", "2024-05-21"])), D("2024-07-10"), frozenset({"next_steps"}), D("2024-07-10")),
    # 2024: the formal training of Priya (due within 30 days now), Hamza (60) and Helen (a lead, 2 years: overdue)
    Log(_as("NF011"), D("2024-01-01"), "xlsx", _year(Entry(D("2024-02-10"), MULTI), *_informal(
        ["2024-04-03", "2024-06-19", "2024-09-02", "2024-11-05"])), D("2024-12-10"), frozenset({"next_steps"}),
        D("2024-12-10")),
    Log(_as("NF012", level="6"), D("2024-01-01"), "xlsx", _year(Entry(D("2024-02-01"), F2F), *_informal(
        ["2024-03-27", "2024-06-05", "2024-08-28", "2024-10-30"])), D("2024-12-12"), frozenset({"next_steps"}),
        D("2024-12-12")),
    Log(P["PA035"], D("2024-01-01"), "xlsx", _year(Entry(D("2024-03-01"), F2F), *_informal(
        ["2024-05-08", "2024-07-17", "2024-10-09"])), D("2024-12-05"), frozenset({"next_steps"}), D("2024-12-05")),
    # 2025: Tomasz at stage 3 before his move to stage 4; Aaron's webinar (a lead: due within 90 days now)
    Log(_as("NS003", level="3", additional=()), D("2025-01-01"), "xlsx", _year(Entry(D("2025-06-10"), F2F),
        *_informal(["2025-02-12", "2025-04-09", "2025-08-20", "2025-10-15"])), D("2025-12-15"),
        frozenset({"next_steps"}), D("2025-12-15")),
    Log(P["PA031"], D("2025-01-01"), "xlsx", _year(Entry(D("2025-03-20"), WEBINAR), *_informal(
        ["2025-05-14", "2025-08-06", "2025-10-22"])), D("2025-12-10"), frozenset({"next_steps"}), D("2025-12-10")),
    # the current year: reviewed on REVIEWED (Hillside's school-year logs late, in December)
    Log(P["NS001"], D("2026-01-01"), "docx", _year(
        Entry(D("2026-01-20"), F2F), Entry(D("2026-04-22"), ELEARN), Entry(D("2026-09-09"), ELEARN),
        *_informal(["2026-03-05", "2026-06-10", "2026-08-14", "2026-10-02", "2026-11-18"])), REVIEWED,
        frozenset({"next_steps", "signoff", "split_runs"})),
    Log(P["NS002"], D("2026-01-01"), "xlsx", _year(
        Entry(D("2026-02-11"), ELEARN), Entry(D("2026-06-03"), WEBINAR), Entry(D("2026-09-15"), MULTI),
        *_informal(["2026-03-18", "2026-05-06", "2026-07-22", "2026-10-28", "2026-11-25"])), REVIEWED,
        frozenset({"next_steps", "signoff", "dates_serial"})),
    Log(P["NS003"], D("2026-01-01"), "docx", _year(*_informal(
        ["2026-01-28", "2026-03-11", "2026-05-13", "2026-07-08", "2026-09-23", "2026-11-11"])), REVIEWED),
    Log(_as("NF010"), D("2026-01-01"), "docx", _year(
        Entry(D("2026-05-12"), ELEARN), Entry(D("2026-09-22"), WEBINAR), Entry(D("2026-07-01"), INFORMAL[1], "short"),
        *_informal(["2026-02-04", "2026-04-01", "2026-10-21", "2026-11-30"])), REVIEWED,
        frozenset({"split_runs"})),  # no next steps, not signed off
    Log(P["NF011"], D("2026-01-01"), "xlsx", _year(*_informal(
        ["2026-01-14", "2026-03-04", "2026-05-20", "2026-07-15", "2026-09-09", "2026-11-04"])), REVIEWED,
        frozenset({"next_steps", "signoff", "manager_summary"})),
    Log(_as("NF012", level="6"), D("2026-01-01"), "docx", _year(*_informal(
        ["2026-02-18", "2026-04-15", "2026-06-24", "2026-08-19", "2026-10-14"])), REVIEWED),
    Log(P["LD020"], D("2025-09-01"), "docx", _year(
        Entry(D("2025-10-08"), ELEARN, "not_applied"), Entry(D("2026-03-04"), WEBINAR),
        *_informal(["2025-09-17", "2025-12-03", "2026-01-21", "2026-05-13", "2026-07-08"])), REVIEWED),
    Log(P["LD021"], D("2025-09-01"), "xlsx", _year(
        Entry(D("2025-11-19"), ELEARN), Entry(D("2026-02-02"), WEBINAR), Entry(D("2026-05-20"), F2F),
        Entry(D("2026-01-07"), INFORMAL[0], "half_day"),
        *_informal(["2025-09-24", "2025-10-15", "2026-03-25", "2026-06-17"])), REVIEWED),
    Log(P["PA031"], D("2026-01-01"), "docx", _year(*_informal(
        ["2026-01-21", "2026-03-18", "2026-05-27", "2026-08-05", "2026-10-07", "2026-11-25"])), REVIEWED),
    Log(P["PA033"], D("2026-01-01"), "xlsx", _year(  # one type of learning: not varied
        *(Entry(D(day), INFORMAL[0]) for day in ("2026-02-03", "2026-04-07", "2026-06-02", "2026-08-04",
                                                 "2026-10-06")), Entry(D("2026-11-03"), INFORMAL[1])), REVIEWED),
    Log(P["PA035"], D("2026-01-01"), "docx", _year(  # most of it recorded in November: bunched
        *_informal(["2026-02-10", "2026-06-16", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"])), REVIEWED),
)
#: Period starts on today's roster: renewed after sign-off, except Marcus (not signed off) and Chloe (log never
#: returned); Hillside runs school years.
TODAY_STARTS = {"NF010": D("2026-01-01"), "NS004": D("2026-01-01"), "LD020": D("2026-09-01"),
                "LD021": D("2026-09-01"), "LD024": D("2026-09-01")}
RENEWED = D("2027-01-01")


@dataclass
class Year:
    root: Path
    settings: Settings
    frameworks: dict[str, Framework]
    roster: Path
    people: list[StaffMember]
    records: list[ReviewRecord]
    filled: dict[tuple[str, dt.date], Expected] = field(default_factory=dict)


def write_roster(path: Path, people: list[tuple[Person, dt.date]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Job title", "Setting", "Framework", "Level", "Designated lead",
                         "Additional competencies", "Period start"])
        for person, start in people:
            writer.writerow([person.staff_id, person.name, person.role, person.setting, person.framework,
                             person.level, "Y" if person.dsl else "N", ", ".join(person.additional),
                             start.strftime("%d/%m/%Y")])
    return path


def _written(rng: random.Random, sentences: Iterator[str], entry: Entry, ids: list[str],
             share: list[str]) -> WrittenEntry:
    date_text, day, precision, form, _ = write_date(rng, entry.day, 0, 0)
    hours_text, hours, warnings = ("half day", None, ("half day",)) if entry.flag == "half_day" else \
        write_hours(rng, 0)
    if entry.kind in ONLINE and hours is not None and hours < 3:
        # these logs' online courses are full refresher courses: short e-learning renews nothing (issue 13)
        hours_text, hours = "3.5", 3.5
    # each row names its own share of the log's competencies: specific evidence, so together they cover all
    # ("all" on one row is a catch-all and covers none, issue 13)
    comp_text, comps = (", ".join(share), tuple(share)) if share else write_competencies(rng, ids)
    if entry.flag == "short":
        reflection: tuple[str, ...] = ("Attended.",)
    elif entry.flag == "not_applied":
        reflection = (NOT_APPLIED,)
    else:  # two sentences no other row of the log uses: long enough, and personal
        reflection = (next(sentences), next(sentences), *((APPLIED,) if entry.kind in ONLINE else ()))
    return WrittenEntry(date_text=date_text, date=day, date_precision=precision, date_form=form,
                        activity=rng.choice(ACTIVITIES), type=entry.kind, hours_text=hours_text, hours=hours,
                        competencies_text=comp_text, competencies=comps, reflection=reflection,
                        layout="paragraphs" if len(reflection) > 1 else "one", warnings=warnings)


def _sign_xlsx(path: Path, day: dt.date) -> None:
    """An earlier year's log signed off by its manager in Excel (the simulator signs in December 2026 only)."""
    wb = openpyxl.load_workbook(path)
    sheet = wb["Next steps & sign-off"]
    rows = {str(sheet.cell(r, 1).value).split("\n")[0].strip(): r for r in range(13, sheet.max_row + 1)
            if sheet.cell(r, 1).value}
    for label, value in (("Manager name", "Jordan Ellis"), ("Date of review", dt.datetime(day.year, day.month,
                                                                                           day.day)),
                         ("Outcome", "All competencies met")):
        cell = sheet.cell(rows[label], 2)
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = "dd/mm/yyyy"
    wb.save(path)


def _generate(root: Path, settings: Settings, name: str, people: list[tuple[Person, dt.date]],
              today: dt.date) -> Path:
    roster = write_roster(root / f"{name}.csv", people)
    generate_logs(GenerateOptions(roster=roster, out=settings.outbox / "logs"), settings, today=today)
    return roster


def build_year(root: Path) -> Year:
    """Generate, fill and review every log of ``LOGS``; generate the renewal logs; return the year's data."""
    with pytest.MonkeyPatch.context() as mp:  # built once per session: no developer settings may leak in
        for key in [k for k in os.environ if k.startswith("SGLOGS_")]:
            mp.delenv(key)
        mp.chdir(root)
        settings = load_settings(outbox=root / "outbox", organisation=ORGANISATION)
    frameworks = installed_frameworks(None)
    year = Year(root=root, settings=settings, frameworks=frameworks, roster=root / "roster.csv", people=[],
                records=[])
    for start in sorted({log.start for log in LOGS}):
        people = [(log.person, start) for log in LOGS if log.start == start]
        if start == D("2026-01-01"):
            people.append((P["NS004"], start))  # generated, never returned
        _generate(root, settings, f"roster-{start}", people, start)
    reviews = settings.outbox / "reviews"
    for index, log in enumerate(LOGS):
        (path,) = (settings.outbox / "logs").rglob(f"{log.person.staff_id}_*_{log.start}_*.{log.fmt}")
        ids = log_competency_ids(path)
        rng = random.Random(index)
        sentences = iter(rng.sample(SENTENCES, k=len(SENTENCES)))
        count = len(log.entries)
        entries = [_written(rng, sentences, e, ids, ids[n::count]) for n, e in enumerate(log.entries)]
        fill = fill_docx if log.fmt == "docx" else fill_xlsx
        year.filled[(log.person.staff_id, log.start)] = fill(path, entries, log.quirks, seed=index)
        if log.signed:
            _sign_xlsx(path, log.signed)
        assert log.reviewed is not None
        earlier = [r for r in load_reviews(reviews) if r.staff_id == log.person.staff_id]
        review_log(path, settings, out_dir=reviews, frameworks=frameworks, today=log.reviewed,
                   last_formal_training=last_formal_training(earlier, settings, log.reviewed))
    today_roster = [(P[sid], TODAY_STARTS.get(sid, RENEWED)) for sid in sorted(P)]
    write_roster(year.roster, today_roster)
    generate_logs(GenerateOptions(roster=year.roster, out=settings.outbox / "logs"), settings, today=RENEWED)
    year.people = [p for p in read_roster(year.roster, RosterRules.from_frameworks(frameworks))
                   if isinstance(p, StaffMember)]
    year.records = list(load_reviews(reviews))
    return year


_YEAR: list[Year] = []


def simulated_year(factory: pytest.TempPathFactory) -> Year:
    """The simulated year, built on first use and shared by the tests of this module and ``test_audit.py``."""
    if not _YEAR:
        _YEAR.append(build_year(factory.mktemp("year")))
    return _YEAR[0]


@pytest.fixture
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    return simulated_year(tmp_path_factory)


def _required(staff_id: str, level: str | None = None, additional: tuple[str, ...] | None = None) -> int:
    person = P[staff_id]
    framework = installed_frameworks(None)[person.framework]
    return len(required_competencies(framework, level or person.level,
                                     person.additional if additional is None else additional))


# ---------------------------------------------------------------------------------------------------- tests


def test_the_year_left_the_reviews_the_register_needs(year: Year) -> None:
    assert len(year.records) == len(LOGS) == 17
    assert len(year.people) == 13
    # renewal: fresh logs for 2027 exist for the people who were signed off in December
    renewed = sorted(p.name.split("_")[0] for p in (year.settings.outbox / "logs").rglob("*_2027-01-01_*.docx"))
    assert renewed == ["NF011", "NF012", "NS001", "NS002", "NS003", "PA031", "PA033", "PA035"]


def _rows(year: Year, setting: str | None = None) -> dict[str, RegisterRow]:
    rows = build_register(year.people, year.records, year.frameworks, year.settings, TODAY, setting)
    return {r.staff_id: r for r in rows}


def test_refresher_bands_from_the_last_formal_training_in_any_reviewed_log(year: Year) -> None:
    rows = _rows(year)
    got = {sid: (r.status, r.last_formal_training, r.refresher_years, r.refresher_due) for sid, r in rows.items()}
    assert got == {
        "NS001": ("in date", D("2026-09-09"), 3, D("2029-09-09")),
        "NS002": ("in date", D("2026-09-15"), 2, D("2028-09-15")),  # designated lead: 2 years
        "NS003": ("in date", D("2025-06-10"), 3, D("2028-06-10")),  # from the 2025 log, at his earlier level
        "NS004": ("no review yet", None, None, None),
        "NF010": ("in date", D("2026-09-22"), 3, D("2029-09-22")),
        "NF011": ("overdue", D("2024-02-10"), 2, D("2026-02-10")),  # designated lead, > 2 years ago
        "NF012": ("due within 30 days", D("2024-02-01"), 3, D("2027-02-01")),
        "LD020": ("in date", D("2026-03-04"), 3, D("2029-03-04")),
        "LD021": ("in date", D("2026-05-20"), 2, D("2028-05-20")),
        "LD024": ("overdue", D("2023-11-20"), 3, D("2026-11-20")),
        "PA031": ("due within 90 days", D("2025-03-20"), 2, D("2027-03-20")),
        "PA033": ("unknown", None, None, None),  # no formal training in any log
        "PA035": ("due within 60 days", D("2024-03-01"), 3, D("2027-03-01")),
    }
    assert [sid for sid, r in rows.items() if r.band is Band.DUE] == ["PA031", "PA035", "NF012"]


def _truth(year: Year, staff_id: str) -> tuple[dt.date | None, bool, bool, int | None]:
    """What the person's latest log, as filled in, says: the manager's review date, signed off (a name, a date
    and an outcome), the outcome met (written as met, no competency marked not yet met), and how many
    competencies the manager marked met (``None``: none assessed). Written from the fill, not from sglogs."""
    logs = [log for log in LOGS if log.person.staff_id == staff_id and log.reviewed and log.reviewed <= TODAY]
    if not logs:
        return None, False, False, None
    latest = max(logs, key=lambda log: log.start)
    if latest.signed:  # signed by hand in Excel: "All competencies met", no competency assessed
        return latest.signed, True, True, None
    truth = year.filled[(staff_id, latest.start)]
    signoff, statuses = truth.signoff, truth.competencies or []
    signed = bool(signoff and signoff.manager and signoff.date and signoff.outcome)
    met = signed and signoff.outcome == "All competencies met" and not any(
        status is CompetencyStatus.NOT_YET for _, status in statuses)
    assessed = [status for _, status in statuses if status is not CompetencyStatus.BLANK]
    by_manager = sum(1 for status in assessed if status is CompetencyStatus.MET) if assessed else None
    return (signoff.date if signoff else None), signed, met, by_manager


#: In date for refresher training on TODAY (see the bands test): what compliance needs besides the sign-off.
IN_DATE = frozenset({"NS001", "NS002", "NS003", "NF010", "NF012", "LD020", "LD021", "PA031", "PA035"})


def _compliant(year: Year, people: Iterable[str] = P) -> set[str]:
    """Who is compliant by the rule (signed off, outcome met, in date), from the logs as filled in."""
    return {sid for sid in people if sid in IN_DATE and _truth(year, sid)[1] and _truth(year, sid)[2]}


def _headline(people: int, compliant: int, in_date: int, signed: int) -> str:
    return (f"Register: {people} people; {compliant} compliant ({100 * compliant / people:.0f}%): {in_date} in "
            f"date for refresher training, {signed} latest logs signed off.")


def test_review_outcome_competencies_and_compliance_per_person(year: Year) -> None:
    rows = _rows(year)
    got = {sid: (r.last_review, r.signed_off, r.competencies_met, r.competencies_required, r.compliant)
           for sid, r in rows.items()}
    # Helen's manager marked some competencies "not yet met"; everyone else evidenced each of theirs
    statuses = year.filled[("NF011", D("2026-01-01"))].competencies or []
    helen_not_yet = sum(1 for _, status in statuses if status is CompetencyStatus.NOT_YET)
    assert helen_not_yet > 0
    everyone = {sid: _required(sid) for sid in P}
    evidence = {**everyone, "NS004": None, "NF011": everyone["NF011"] - helen_not_yet,
                "NF012": _required("NF012", "6")}  # Priya's reviewed log is at stage 6
    in_date = IN_DATE
    expected = {}
    for sid in P:
        review_date, signed, met, _ = _truth(year, sid)
        required = None if sid == "NS004" else evidence[sid] if sid == "NF012" else everyone[sid]
        expected[sid] = (review_date, signed, evidence[sid], required, signed and met and sid in in_date)
    assert got == expected
    assert {sid: r.manager_met for sid, r in rows.items()} == {sid: _truth(year, sid)[3] for sid in P}
    # the manager's outcome, never overridden: a "Not yet met" outcome is signed off but not compliant
    for row in rows.values():
        if row.signoff_outcome and row.signoff_outcome.startswith("Not yet met"):
            assert row.signed_off and not row.compliant and any("outcome is not met" in n for n in row.notes)
    assert everyone["NS003"] == _required("NS003", "4", ()) + 1  # stage 4 and the additional 6.10
    assert rows["NS001"].signoff_outcome in ("All competencies met", "Not yet met – see next steps")
    assert rows["LD024"].signoff_outcome == "All competencies met"


def test_periods_levels_and_notes_follow_the_roster(year: Year) -> None:
    rows = _rows(year)
    assert (rows["NS001"].period_start, rows["NS001"].period_end) == (RENEWED, D("2027-12-31"))
    assert (rows["LD021"].period_start, rows["LD021"].period_end) == (D("2026-09-01"), D("2027-08-31"))
    assert (rows["NF010"].period_start, rows["NF010"].period_end) == (D("2026-01-01"), D("2026-12-31"))
    # Priya was promoted after her last review: the register shows the roster's level and says what to do
    assert (rows["NF012"].level, rows["NF012"].level_label, rows["NF012"].reviewed_level) == ("7", "Stage 7", "6")
    assert rows["NF012"].notes == ("Last reviewed log was at Stage 6; start a fresh log at Stage 7.",)
    # Tomasz moved from stage 3 to 4 between years; his current log is at stage 4: nothing to say
    assert (rows["NS003"].level, rows["NS003"].reviewed_level) == ("4", "4")
    outcome_note = tuple(n for n in rows["NS003"].notes if "outcome is not met" in n)
    assert rows["NS003"].notes == outcome_note and bool(outcome_note) != _truth(year, "NS003")[2]
    assert rows["NF010"].notes == ("Latest reviewed log is not signed off: no manager's name, date or outcome in "
                                   "the sign-off.",)
    assert rows["NS004"].notes == ("No log of theirs has been reviewed yet.",)
    assert rows["LD024"].notes == ("Last review was more than 12 months ago: a review is due.",)
    assert rows["PA033"].notes[-1].startswith("No formal training recorded")
    assert [r.designated_lead for r in rows.values()].count(True) == 4


def test_summary_by_level_and_setting(year: Year) -> None:
    result = summary(list(_rows(year).values()))
    overall = result.overall
    compliant = _compliant(year)
    assert 0 < len(compliant) < 9  # the fill gives some "Not yet met" outcomes: signed off, not compliant
    assert (overall.people, overall.in_date, overall.signed_off, overall.compliant) == (13, 9, 11, len(compliant))
    assert overall.percent_compliant == round(100 * len(compliant) / 13, 1)
    assert result.bands == {"overdue": 2, "due within 30 days": 1, "due within 60 days": 1,
                            "due within 90 days": 1, "in date": 6, "unknown": 1, "no review yet": 1}
    def among(setting: str | None = None, framework: str | None = None, level: str | None = None) -> int:
        return sum(1 for sid in compliant if (setting is None or P[sid].setting == setting)
                   and (framework is None or P[sid].framework == framework)
                   and (level is None or P[sid].level == level))

    assert [(g.name, g.people, g.in_date, g.signed_off, g.compliant) for g in result.by_setting] == [
        (BROOK, 3, 2, 3, among(BROOK)), (HILLSIDE, 3, 2, 3, among(HILLSIDE)), (RIVERSIDE, 3, 2, 2, among(RIVERSIDE)),
        (SUNFLOWER, 4, 3, 3, among(SUNFLOWER))]
    assert [(g.framework, g.level, g.compliant, g.people) for g in result.by_level] == [
        (LONDON, "Level 2", among(None, LONDON, "2"), 2), (LONDON, "Level 3", among(None, LONDON, "3"), 1),
        (PA3, "Level 2", among(None, PA3, "2"), 2), (PA3, "Level 3", among(None, PA3, "3"), 1),
        (NORFOLK, "Stage 2", 0, 1), (NORFOLK, "Stage 4", among(None, NORFOLK, "4"), 2),
        (NORFOLK, "Stage 5", among(None, NORFOLK, "5"), 1), (NORFOLK, "Stage 6", among(None, NORFOLK, "6"), 1),
        (NORFOLK, "Stage 7", among(None, NORFOLK, "7"), 2)]
    assert headline(result)[:2] == [
        _headline(13, len(compliant), 9, 11),
        "Refresher training: 2 overdue, 1 due within 30 days, 1 due within 60 days, 1 due within 90 days, "
        "6 in date, 1 unknown, 1 no review yet.",
    ]
    riverside = among(RIVERSIDE)
    assert f"{RIVERSIDE} {riverside}/3 ({100 * riverside / 3:.0f}%)" in headline(result)[2]


def test_one_setting_and_no_roster(year: Year) -> None:
    rows = _rows(year, setting="brook street youth club")
    assert sorted(rows) == ["PA031", "PA033", "PA035"]
    assert summary(list(rows.values())).overall.compliant == len(_compliant(year, rows))
    # without a roster, people come from the reviews: Chloe (never returned) is not known
    from_reviews = {r.staff_id: r for r in build_register(None, year.records, year.frameworks, year.settings,
                                                          TODAY)}
    assert sorted(from_reviews) == sorted(set(P) - {"NS004"})
    assert from_reviews["NF012"].level == "6"  # the level of her latest log
    assert from_reviews["NF011"].designated_lead and from_reviews["NF011"].status == "overdue"
    assert from_reviews["LD020"].setting == HILLSIDE and from_reviews["LD020"].period_start == D("2025-09-01")


def test_as_at_an_earlier_date_logs_not_yet_started_are_left_out(year: Year) -> None:
    # a log counts when its period had started (or it was signed off) by then, whenever sglogs read it; NS003's
    # and PA031's logs had started, but their sign-offs (December 2025) come after the date, so they are not
    # signed off as at it
    rows = build_register(year.people, year.records, year.frameworks, year.settings, D("2025-01-15"))
    assert {r.staff_id: (r.status, r.last_review) for r in rows if r.last_review} == {
        "LD024": ("in date", D("2024-07-10")), "NF011": ("in date", D("2024-12-10")),
        "NF012": ("in date", D("2024-12-12")), "PA035": ("in date", D("2024-12-05")),
        "NS003": ("unknown", D("2025-12-15")), "PA031": ("unknown", D("2025-12-10"))}
    assert not any(r.signed_off for r in rows if r.staff_id in {"NS003", "PA031"})
    assert sum(r.compliant for r in rows) == 4 and sum(r.band is Band.NO_REVIEW for r in rows) == 7


def test_bands_are_data() -> None:
    assert BAND_DAYS == (30, 60, 90)
    assert band_colours((14, 45)) == {"overdue": "overdue", "due within 14 days": "due_soon",
                                      "due within 45 days": "due", "in date": "in_date", "unknown": "unknown",
                                      "no review yet": "unknown"}


def test_a_band_boundary_is_inclusive(year: Year) -> None:
    # Priya's refresher falls due on 1 February 2027: 60 days before is "within 60", 30 days before "within 30",
    # the due date itself still "within 30", the day after overdue
    def status(today: dt.date) -> str:
        rows = build_register(year.people, year.records, year.frameworks, year.settings, today, band_days=(30, 60))
        return next(r.status for r in rows if r.staff_id == "NF012")

    days = ("2026-12-02", "2026-12-03", "2027-01-01", "2027-01-02", "2027-02-01", "2027-02-02")
    assert [status(D(day)) for day in days] == [
        "in date", "due within 60 days", "due within 60 days", "due within 30 days", "due within 30 days", "overdue"]


# ---------------------------------------------------------------------------------------------- workbook


def test_register_workbook_structure(year: Year, tmp_path: Path) -> None:
    from sglogs.reports.register_xlsx import COLUMNS, STATUS_COLUMN, write_register

    rows = build_register(year.people, year.records, year.frameworks, year.settings, TODAY)
    path = write_register(rows, summary(rows), tmp_path / "out" / "register.xlsx", organisation=ORGANISATION,
                          as_of=TODAY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["register.xlsx"]  # no temporary file left behind
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Register", "Summary"]
    ws = wb["Register"]
    assert [c.value for c in ws[1]] == [c[0] for c in COLUMNS]
    assert ws.max_row == 14
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(COLUMNS))}14"
    assert ws.freeze_panes == "C2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    by_id = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    helen = by_id["NF011"]
    assert helen[1].value == "Helen Cartwright" and helen[STATUS_COLUMN - 1].value == "overdue"
    due = helen[[c[0] for c in COLUMNS].index("Refresher due")]
    assert due.value == dt.datetime(2026, 2, 10) and due.number_format == "dd/mm/yyyy"
    assert by_id["NS004"][STATUS_COLUMN - 1].value == "no review yet"
    rules = {rule.formula[0]: rule.dxf.fill.bgColor.rgb
             for rng in ws.conditional_formatting for rule in rng.rules}
    assert rules['"overdue"'].endswith("F4CCCC") and rules['"due within 30 days"'].endswith("F8CBAD")
    assert rules['"due within 60 days"'].endswith("FFE599") and rules['"in date"'].endswith("D9EAD3")
    assert rules['"unknown"'].endswith("D9D9D9") and rules['"no review yet"'].endswith("D9D9D9")
    summary_ws = wb["Summary"]
    assert len(summary_ws._charts) == 1
    cells = {c.value: c for row in summary_ws.iter_rows() for c in row if isinstance(c.value, str)}
    setting_row = cells[BROOK].row
    brook = len(_compliant(year, [sid for sid in P if P[sid].setting == BROOK]))
    assert [summary_ws.cell(setting_row, col).value for col in range(2, 6)] == [3, 2, 3, brook]
    assert summary_ws.cell(setting_row, 8).value == pytest.approx(round(brook / 3, 3))
    assert summary_ws.cell(setting_row, 8).number_format == "0%"


def test_register_workbook_chart_points_at_the_settings(year: Year, tmp_path: Path) -> None:
    from sglogs.reports.register_xlsx import write_register

    rows = build_register(year.people, year.records, year.frameworks, year.settings, TODAY)
    path = write_register(rows, summary(rows), tmp_path / "register.xlsx")
    wb = openpyxl.load_workbook(path)
    # openpyxl keeps charts it reads only as drawings; the chart part itself must name the setting rows
    import zipfile

    with zipfile.ZipFile(path) as package:
        (chart,) = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
        xml = package.read(chart).decode()
    first = next(c.row for c in wb["Summary"]["A"] if c.value == BROOK)
    assert f"Summary!$H${first}:$H${first + 3}" in xml.replace("'", "")
    assert f"Summary!$A${first}:$A${first + 3}" in xml.replace("'", "")
    assert "% compliant by setting" in xml


def test_compliance_counts_are_consistent_with_rows(year: Year) -> None:
    rows = list(_rows(year).values())
    result = summary(rows)
    for groups in (result.by_setting, result.by_level):
        assert sum(g.people for g in groups) == len(rows)
        assert sum(g.compliant for g in groups) == result.overall.compliant
    assert sum(result.bands.values()) == len(rows)
    assert all(not r.compliant for r in rows if r.band in (Band.OVERDUE, Band.UNKNOWN, Band.NO_REVIEW))
    assert list(itertools.chain.from_iterable([r.notes for r in rows if r.compliant])) == [
        "Last reviewed log was at Stage 6; start a fresh log at Stage 7."] * ("NF012" in _compliant(year))


# ------------------------------------------------------------------------------------------------ the CLI


def _cycle_app() -> typer.Typer:
    return sglogs_app


@pytest.fixture
def outbox_copy(year: Year, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the year's reviews as the outbox the commands use (they write register.xlsx into it)."""
    outbox = tmp_path / "outbox"
    shutil.copytree(year.settings.outbox / "reviews", outbox / "reviews")
    monkeypatch.setenv("SGLOGS_OUTBOX", str(outbox))
    monkeypatch.setenv("SGLOGS_ORGANISATION", ORGANISATION)
    return outbox


def test_register_command(year: Year, outbox_copy: Path) -> None:
    result = CliRunner().invoke(_cycle_app(), ["register", "--roster", str(year.roster), "--as-of", "15/01/2027"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{outbox_copy / 'register.xlsx'}\n"
    assert stat.S_IMODE((outbox_copy / "register.xlsx").stat().st_mode) == 0o600
    assert result.stderr.splitlines()[0] == _headline(13, len(_compliant(year)), 9, 11)
    assert not [name for name in (p.name for p in P.values()) if name.split()[-1] in result.output]
    sheet = openpyxl.load_workbook(outbox_copy / "register.xlsx")["Register"]
    assert sheet.max_row == 14


def test_register_command_setting_out_and_errors(year: Year, outbox_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "elsewhere" / "hillside.xlsx"
    result = runner.invoke(_cycle_app(), ["register", "--roster", str(year.roster), "--setting", HILLSIDE,
                                          "--out", str(target), "--as-of", "2027-01-15"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target)["Register"].max_row == 4
    hillside = len(_compliant(year, [sid for sid in P if P[sid].setting == HILLSIDE]))
    assert f"Compliant by setting: {HILLSIDE} {hillside}/3 ({100 * hillside / 3:.0f}%)." in result.stderr
    wrong = runner.invoke(_cycle_app(), ["register", "--setting", "Hilside"])
    assert wrong.exit_code == 2 and "No one has the setting 'Hilside'; use one of:" in wrong.stderr
    missing = runner.invoke(_cycle_app(), ["register", "--roster", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 3 and "Traceback" not in missing.output


def test_register_command_with_nothing_to_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SGLOGS_OUTBOX", str(tmp_path / "empty"))
    result = CliRunner().invoke(_cycle_app(), ["register"])
    assert result.exit_code == 2
    assert f"There is no one to report on: the outbox {tmp_path / 'empty'} has no reviews" in result.stderr


def test_status_figures(year: Year, tmp_path: Path) -> None:
    lines = status_figures(year.settings, TODAY)
    # from the reviews alone: Chloe, never reviewed, is not known; Priya counts at the level of her log
    assert lines[0] == _headline(12, len(_compliant(year)), 9, 11)
    assert lines[1] == ("Refresher training: 2 overdue, 1 due within 30 days, 1 due within 60 days, "
                        "1 due within 90 days, 6 in date, 1 unknown.")
    empty = year.settings.model_copy(update={"outbox": tmp_path})
    assert status_figures(empty, TODAY) == [f"Register: no reviewed logs yet in the outbox {tmp_path}."]


def test_the_log_period_shows_for_everyone_who_has_a_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a roster with no period start: the logs were generated with --start; nobody has been reviewed yet
    monkeypatch.chdir(tmp_path)
    settings = load_settings(outbox=tmp_path / "outbox")
    people = [(P["NS004"], D("2026-04-01")), (P["LD020"], D("2026-04-01"))]
    roster = write_roster(tmp_path / "roster.csv", people)
    generate_logs(GenerateOptions(roster=roster, out=settings.outbox / "logs", start=D("2026-04-01")), settings,
                  today=D("2026-04-01"))
    undated = tmp_path / "undated.csv"
    undated.write_text("\n".join(line.rsplit(",", 1)[0] for line in roster.read_text().splitlines()) + "\n")
    staff = [p for p in read_roster(undated, RosterRules.from_frameworks(installed_frameworks(None)))
             if isinstance(p, StaffMember)]
    assert [p.period_start for p in staff] == [None, None]
    rows = build_register(staff, [], installed_frameworks(None), settings, D("2026-06-15"))
    assert [(r.staff_id, r.period_start, r.period_end, r.band) for r in rows] == [
        ("LD020", D("2026-04-01"), D("2027-03-31"), Band.NO_REVIEW), ("NS004", D("2026-04-01"), D("2027-03-31"),
                                                                     Band.NO_REVIEW)]
