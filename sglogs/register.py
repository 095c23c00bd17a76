"""The staff register: one row per person with where they are in the annual cycle, and compliance figures.

Everything here is pure data: it takes roster rows and the ``ReviewRecord``s the reviews left in the outbox
(``sglogs.records``) and returns frozen models; ``sglogs.reports.register_xlsx`` turns them into
``register.xlsx`` and ``sglogs status`` prints the same headline figures.

A person is **in date** when their last known formal training plus the framework's refresher period (3 years,
2 for designated and named leads) has not passed; a "due within N days" band is still in date, it only warns.
A person is **compliant** when they are in date and their latest reviewed log is signed off with the outcome
met (``sglogs.verdicts``: a manager's name, a date that was not in the future when the log was read, an outcome
that is not "not yet met"). The manager's own assessment (``manager_met``) and sglogs' evidence view
(``competencies_met``) are kept apart, so neither is shown as the other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from .checks import required_ids
from .config import Settings
from .core.dates import add_months, add_years, period_end
from .core.formatting import count, framework_title, long_date
from .models import CompetencyStatus, Framework, Period, StaffMember
from .records import ReviewRecord, formal_training_dates, generated_periods, history_by_person, online_hours_needed
from .verdicts import SignOffVerdict, evidenced, manager_met

#: Days before the refresher due date that open the "due within" bands, nearest first (``[register]
#: band_days`` once it is a setting). A person 17 days from due is "due within 30 days".
BAND_DAYS: Final[tuple[int, ...]] = (30, 60, 90)

#: Fill colours (RGB hex) of the status bands in ``register.xlsx``: red, amber-red for the nearest "due"
#: band, amber for the others, green, grey where nothing is known (``[register] colours`` once a setting). Light
#: fills that keep black text readable on screen and printed in grey, as in the review documents.
RAG_COLOURS: Final[dict[str, str]] = {
    "overdue": "F4CCCC",
    "due_soon": "F8CBAD",
    "due": "FFE599",
    "in_date": "D9EAD3",
    "unknown": "D9D9D9",
}


class Band(StrEnum):
    """Where a person's refresher training stands today.

    ``DUE`` carries its number of days on the row (``RegisterRow.due_within_days``); ``UNKNOWN`` means no
    formal training is recorded in any reviewed log; ``NO_REVIEW`` means no log of theirs was reviewed yet.

    Example:
        >>> Band("no review yet").name
        'NO_REVIEW'
    """

    OVERDUE = "overdue"
    DUE = "due"
    IN_DATE = "in date"
    UNKNOWN = "unknown"
    NO_REVIEW = "no review yet"


def band_label(band: Band, days: int | None) -> str:
    """The words the register prints for a band: ``"due within 30 days"``, ``"in date"``, ``"overdue"``.

    Example:
        >>> band_label(Band.DUE, 60), band_label(Band.IN_DATE, None)
        ('due within 60 days', 'in date')
    """
    return f"due within {days} days" if band is Band.DUE else band.value


def band_labels(band_days: Sequence[int] = BAND_DAYS) -> list[str]:
    """Every status label the register can print, worst first (for legends and conditional formats).

    Example:
        >>> band_labels((30, 90))
        ['overdue', 'due within 30 days', 'due within 90 days', 'in date', 'unknown', 'no review yet']
    """
    return [Band.OVERDUE.value, *(band_label(Band.DUE, d) for d in sorted(band_days)), Band.IN_DATE.value,
            Band.UNKNOWN.value, Band.NO_REVIEW.value]


def band_colours(band_days: Sequence[int] = BAND_DAYS) -> dict[str, str]:
    """The ``RAG_COLOURS`` key of every status label: the nearest "due" band is amber-red, the others amber.

    Example:
        >>> band_colours((30, 60))["due within 30 days"], band_colours((30, 60))["due within 60 days"]
        ('due_soon', 'due')
    """
    nearest = min(band_days, default=None)
    colours = {Band.OVERDUE.value: "overdue"}
    colours.update({band_label(Band.DUE, d): "due_soon" if d == nearest else "due" for d in sorted(band_days)})
    colours.update({Band.IN_DATE.value: "in_date", Band.UNKNOWN.value: "unknown", Band.NO_REVIEW.value: "unknown"})
    return colours


class RegisterRow(BaseModel):
    """One person in the register.

    Dates are ``None`` when not known: no log read yet (``read_on``), no sign-off date written by the manager
    (``last_review``, the manager's review date), no formal training found in any reviewed log
    (``last_formal_training``, ``refresher_due``). Of the latest reviewed log's ``competencies_required``,
    ``manager_met`` is how many the manager marked met (``None``: the manager assessed none) and
    ``competencies_met`` sglogs' evidence view: specific evidence (no catch-all row) and not marked "not yet
    met". ``level``/``framework`` are the roster's (the current ones); ``reviewed_level`` is the level of the
    latest reviewed log, which differs after a level change until a fresh log is reviewed.

    Example:
        >>> row = RegisterRow(staff_id="NS001", name="Amelia Hartley", framework="norfolk-nscp-2024", level="4",
        ...     band=Band.IN_DATE, signed_off=True, outcome_met=True)
        >>> row.status, row.compliant
        ('in date', True)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    staff_id: str
    name: str
    setting: str = ""
    role: str = ""
    framework: str
    level: str
    level_name: str = ""
    framework_name: str = ""  # the framework's own title, for people; "" when not known (show the id)
    designated_lead: bool = False
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    read_on: dt.date | None = None
    last_review: dt.date | None = None
    reviewed_level: str | None = None
    signed_off: bool = False
    outcome_met: bool | None = None
    signoff_problem: str | None = None
    signoff_date: dt.date | None = None
    signoff_outcome: str | None = None
    manager_met: int | None = None
    competencies_met: int | None = None
    competencies_required: int | None = None
    last_formal_training: dt.date | None = None
    refresher_years: int | None = None
    refresher_due: dt.date | None = None
    band: Band
    due_within_days: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """The status band as the register prints it, e.g. ``"due within 30 days"``."""
        return band_label(self.band, self.due_within_days)

    @property
    def in_date(self) -> bool:
        """Refresher training known and not past its due date ("due within" bands included)."""
        return self.band in (Band.IN_DATE, Band.DUE)

    @property
    def compliant(self) -> bool:
        """In date, and the latest reviewed log signed off with the outcome met."""
        return self.in_date and self.signed_off and self.outcome_met is True

    @property
    def level_label(self) -> str:
        """The level as the framework names it ("Stage 4"), else its id."""
        return self.level_name or self.level


def _same_setting(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _level_name(framework: Framework | None, level: str) -> str:
    if framework is None:
        return level
    try:
        return framework.level(level).name
    except KeyError:
        return level


def _competency_figures(record: ReviewRecord,
                        framework: Framework | None) -> tuple[int | None, int | None, int | None]:
    """The manager's count of met, sglogs' evidenced count, and how many are required."""
    required = required_ids(record.log, framework)
    if required is None:
        return manager_met(record.log, None), None, None
    uncovered = [f.competency for f in record.findings if f.code == "COMPETENCY_UNCOVERED" and f.competency]
    not_yet = [c.id for c in record.log.competencies if c.status is CompetencyStatus.NOT_YET]
    return manager_met(record.log, required), evidenced(required, uncovered, not_yet), len(required)


def _band(due: dt.date, today: dt.date, band_days: Sequence[int]) -> tuple[Band, int | None]:
    days_left = (due - today).days
    if days_left < 0:
        return Band.OVERDUE, None
    for days in sorted(band_days):
        if days_left <= days:
            return Band.DUE, days
    return Band.IN_DATE, None


def _person_from_log(record: ReviewRecord) -> StaffMember | None:
    log = record.log
    if not (log.staff.id and log.framework and log.level):
        return None
    return StaffMember(staff_id=log.staff.id, name=log.staff.name or log.staff.id, role=log.staff.role or "",
                       setting=log.staff.organisation or "", framework=log.framework, level=log.level,
                       designated_lead=bool(log.staff.designated_lead), period_start=log.period.start)


def people_in_scope(
    roster_people: Sequence[StaffMember] | None,
    history: Mapping[str, Sequence[ReviewRecord]],
    setting: str | None = None,
) -> list[StaffMember]:
    """The people a register or audit covers: the roster's, else everyone a reviewed log names.

    Without a roster, a person is described by their latest reviewed log (its setting, role and level).
    ``setting`` keeps only people of that setting (case and spacing ignored).

    Example:
        >>> [p.staff_id for p in people_in_scope([StaffMember(staff_id="A1", name="Ann Able",
        ...     framework="london", level="2", setting="Acorns")], {}, setting="acorns")]
        ['A1']
    """
    if roster_people is not None:
        people = list(roster_people)
    else:
        people = [p for items in history.values() if items and (p := _person_from_log(items[-1])) is not None]
    if setting is not None:
        people = [p for p in people if _same_setting(p.setting, setting)]
    return sorted(people, key=lambda p: (p.setting.casefold(), p.staff_id))


def last_formal_training(records: Iterable[ReviewRecord], settings: Settings, today: dt.date,
                         online_hours: float | None = None) -> dt.date | None:
    """The latest formal training (``[checks] formal_types``) recorded in any of a person's reviewed logs.

    Dates after ``today`` are ignored (a mistyped year must not put someone in date). ``online_hours`` is how
    long online learning must last to count (``records.online_hours_needed``; default the setting).

    Example:
        >>> last_formal_training(history["NF011"], settings, dt.date(2027, 1, 15))  # doctest: +SKIP
        datetime.date(2024, 2, 10)
    """
    hours = settings.checks.refresher_min_online_hours if online_hours is None else online_hours
    dates = [d for r in records for d in formal_training_dates(r.log.entries, settings.checks.formal_types,
                                                                 settings.checks.online_types, hours)
             if d <= today]
    return max(dates, default=None)


def _row(
    person: StaffMember,
    history: Sequence[ReviewRecord],
    frameworks: Mapping[str, Framework],
    settings: Settings,
    today: dt.date,
    band_days: Sequence[int],
    generated: Period | None = None,
) -> RegisterRow:
    framework = frameworks.get(person.framework)
    latest = history[-1] if history else None
    designated = person.designated_lead  # the roster's flag; without a roster, the latest log's cover
    start, end = None, None
    if person.period_start is not None:
        start, end = person.period_start, period_end(person.period_start, settings.generate.period_months)
    elif generated is not None:  # the log they keep now, generated by sglogs (the roster gave no start)
        start, end = generated.start, generated.end
    elif latest is not None:
        start, end = latest.log.period.start, latest.log.period.end
    row: dict[str, object] = {
        "staff_id": person.staff_id, "name": person.name, "setting": person.setting, "role": person.role,
        "framework": person.framework, "level": person.level, "level_name": _level_name(framework, person.level),
        "framework_name": framework_title(person.framework, frameworks), "designated_lead": designated,
        "period_start": start, "period_end": end,
    }
    notes: list[str] = []
    if latest is None:
        row["band"] = Band.NO_REVIEW
        notes.append("No log of theirs has been reviewed yet.")
        return RegisterRow(**row, notes=tuple(notes))
    log = latest.log
    by_manager, met, required = _competency_figures(latest, frameworks.get(log.framework or ""))
    verdict = latest.signoff
    if verdict.signed_off and log.signoff.date and log.signoff.date > today:  # signed after the register's date
        verdict = SignOffVerdict(False, verdict.outcome_met,
                                 f"it was signed off on {long_date(log.signoff.date)}, after {long_date(today)}")
    row.update(read_on=latest.reviewed_on, last_review=log.signoff.date, reviewed_level=log.level,
               signed_off=verdict.signed_off, outcome_met=verdict.outcome_met, signoff_problem=verdict.reason,
               signoff_date=log.signoff.date, signoff_outcome=log.signoff.outcome, manager_met=by_manager,
               competencies_met=met, competencies_required=required)
    if log.level and (log.level != person.level or (log.framework or person.framework) != person.framework):
        notes.append(f"Last reviewed log was at {_level_name(frameworks.get(log.framework or ''), log.level)}; "
                     f"start a fresh log at {row['level_name']}.")
    if latest.matched_by:
        notes.append(f"The latest log has no staff id; it was {latest.matched_by} on its cover "
                     f"(\"{latest.log.staff.name}\").")
    if not verdict.signed_off:
        notes.append(f"Latest reviewed log is not signed off: {verdict.reason}.")
    elif verdict.outcome_met is not True:
        notes.append("Signed off, but the manager's outcome is not met"
                     + (f" (\"{' '.join((log.signoff.outcome or '').split())}\")" if log.signoff.outcome else "")
                     + ": not compliant until a later review records it met.")
    months = settings.review.next_review_months
    if (log.signoff.date or latest.reviewed_on) < add_months(today, -months):
        notes.append(f"Last review was more than {months} months ago: a review is due.")
    last = last_formal_training(history, settings, today, online_hours_needed(
        framework, person.level, settings.checks.refresher_min_online_hours))
    row["last_formal_training"] = last
    if framework is None or last is None:
        row["band"] = Band.UNKNOWN
        notes.append("No formal training recorded in any reviewed log: check the date of the last one."
                     if framework is not None else f"Framework {person.framework} is not known.")
        return RegisterRow(**row, notes=tuple(notes))
    years = framework.refresher.years_for(designated)
    due = add_years(last, years)
    band, days = _band(due, today, band_days)
    row.update(refresher_years=years, refresher_due=due, band=band, due_within_days=days)
    return RegisterRow(**row, notes=tuple(notes))


def _existed_by(record: ReviewRecord, today: dt.date) -> bool:
    """Whether the log behind a review existed by ``today``, so that a register "as at" that date counts it.

    A log is often reviewed (read by sglogs) days after its manager signed it: what counts is the log's own
    dates (its period's start, its sign-off, else its first evidence), not the day sglogs ran. A log whose period
    had not started, reviewed after ``today``, is left out.

    Example:
        >>> _existed_by(record, dt.date(2026, 11, 30))  # doctest: +SKIP
        True
    """
    log = record.log
    first = min((e.date for e in log.entries if e.date), default=None)  # a log with no period of its own
    known = [d for d in (log.period.start, log.signoff.date, first) if d is not None and d <= record.reviewed_on]
    return record.reviewed_on <= today or any(d <= today for d in known)


def build_register(
    roster_people: Sequence[StaffMember] | None,
    records: Iterable[ReviewRecord],
    frameworks: Mapping[str, Framework],
    settings: Settings,
    today: dt.date,
    setting: str | None = None,
    *,
    band_days: Sequence[int] = BAND_DAYS,
) -> list[RegisterRow]:
    """One register row per person, ordered by setting then staff id.

    People come from ``roster_people`` when given (someone with no review yet still appears, as "no review
    yet"); with ``None``, from the reviewed logs. The refresher is due ``years_for(designated lead)`` years
    after the latest formal training in *any* of the person's reviewed logs; whether someone is a designated
    lead is the roster's flag (without a roster, what their latest log's cover says).

    Args:
        roster_people: The roster's valid rows, or ``None`` to take people from the reviews.
        records: Every review (``sglogs.records.load_reviews(settings.outbox / "reviews")``).
        frameworks: Frameworks by id (``load_frameworks``).
        settings: The run's settings (``checks.formal_types``, ``generate.period_months``,
            ``review.next_review_months``).
        today: The date the register is worked out for; a log reviewed after it counts when its period had
            started or it was signed off by then.
        setting: Only people of this setting (``None``: everyone).
        band_days: The "due within" bands in days.

    Example:
        >>> rows = build_register(None, load_reviews(Path("outbox/reviews")), frameworks, settings,
        ...     dt.date(2027, 1, 15))  # doctest: +SKIP
        >>> rows[0].status, rows[0].refresher_due  # doctest: +SKIP
        ('in date', datetime.date(2029, 3, 4))
    """
    history = history_by_person(r for r in records if _existed_by(r, today))
    generated = generated_periods(settings.outbox / "logs", started_by=today)
    return [_row(p, history.get(p.staff_id, ()), frameworks, settings, today, band_days, generated.get(p.staff_id))
            for p in people_in_scope(roster_people, history, setting)]


# -------------------------------------------------------------------------------------------------- summary


class ComplianceGroup(BaseModel):
    """Compliance figures of a group of people (everyone, a level, a setting).

    Example:
        >>> ComplianceGroup(name="Acorns", people=4, in_date=3, signed_off=3, compliant=2).percent_compliant
        50.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    framework: str = ""
    framework_name: str = ""  # the framework's own title, for people
    level: str = ""
    people: int = 0
    in_date: int = 0
    signed_off: int = 0
    compliant: int = 0

    @staticmethod
    def _percent(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    @property
    def percent_in_date(self) -> float:
        """Share of the group in date for refresher training, 0-100 (0 for an empty group)."""
        return self._percent(self.in_date, self.people)

    @property
    def percent_signed_off(self) -> float:
        """Share of the group whose latest reviewed log is signed off, 0-100."""
        return self._percent(self.signed_off, self.people)

    @property
    def percent_compliant(self) -> float:
        """Share of the group in date and signed off with the outcome met, 0-100."""
        return self._percent(self.compliant, self.people)

    def fraction(self) -> str:
        """``"6/9 (67%)"``: compliant of people, with the rounded percentage."""
        return f"{self.compliant}/{self.people} ({self.percent_compliant:.0f}%)"


class RegisterSummary(BaseModel):
    """The register's headline figures: overall, by status band, by level, by setting.

    ``bands`` maps each status label (``band_labels()``) to how many people have it, worst first.

    Example:
        >>> summary([]).overall.people
        0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    overall: ComplianceGroup
    bands: dict[str, int]
    by_level: tuple[ComplianceGroup, ...]
    by_setting: tuple[ComplianceGroup, ...]


def _group(name: str, rows: Sequence[RegisterRow], **extra: str) -> ComplianceGroup:
    return ComplianceGroup(name=name, people=len(rows), in_date=sum(r.in_date for r in rows),
                           signed_off=sum(r.signed_off for r in rows), compliant=sum(r.compliant for r in rows),
                           **extra)


def _natural(text: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def summary(rows: Sequence[RegisterRow], band_days: Sequence[int] = BAND_DAYS) -> RegisterSummary:
    """Counts and percentages of people in date, signed off and compliant, overall, by level and by setting.

    Levels are grouped per framework (Norfolk "Stage 4" and London "Level 4" are different levels) and
    ordered naturally; settings alphabetically ("(no setting)" for rows without one).

    Example:
        >>> row = RegisterRow(staff_id="A1", name="Ann Able", framework="london", level="2", level_name="Level 2",
        ...     setting="Acorns", band=Band.IN_DATE, signed_off=True, outcome_met=True)
        >>> s = summary([row])
        >>> s.overall.compliant, s.by_setting[0].fraction(), s.bands["in date"]
        (1, '1/1 (100%)', 1)
    """
    bands = dict.fromkeys(band_labels(band_days), 0)
    for row in rows:
        bands[row.status] = bands.get(row.status, 0) + 1
    levels: dict[tuple[str, str], list[RegisterRow]] = {}
    settings_: dict[str, list[RegisterRow]] = {}
    for row in rows:
        levels.setdefault((row.framework, row.level), []).append(row)
        settings_.setdefault(row.setting or "(no setting)", []).append(row)
    by_level = tuple(
        _group(f"{members[0].framework_name or fw} {members[0].level_label}", members,
               framework=fw, framework_name=members[0].framework_name or fw, level=members[0].level_label)
        for (fw, level), members in sorted(levels.items(), key=lambda item: (item[0][0], _natural(item[0][1]))))
    by_setting = tuple(_group(name, members) for name, members in sorted(settings_.items(),
                                                                         key=lambda i: i[0].casefold()))
    return RegisterSummary(overall=_group("Everyone", rows), bands=bands, by_level=by_level, by_setting=by_setting)


def headline(result: RegisterSummary) -> list[str]:
    """The headline figures as short lines (what ``sglogs register`` and ``sglogs status`` print); no names.

    Example:
        >>> headline(summary([]))[0]
        'Register: 0 people; 0 compliant (0%): 0 in date for refresher training, 0 latest logs signed off.'
    """
    overall = result.overall
    people = count(overall.people, "person", "people")
    lines = [f"Register: {people}; {overall.compliant} compliant ({overall.percent_compliant:.0f}%): "
             f"{overall.in_date} in date for refresher training, {overall.signed_off} latest "
             f"{'log' if overall.signed_off == 1 else 'logs'} signed off."]
    bands = ", ".join(f"{n} {label}" for label, n in result.bands.items() if n)
    if bands:
        lines.append(f"Refresher training: {bands}.")
    if result.by_setting:
        lines.append("Compliant by setting: " + "; ".join(f"{g.name} {g.fraction()}" for g in result.by_setting)
                     + ".")
    if result.by_level:
        lines.append("Compliant by level: " + "; ".join(f"{g.name} {g.fraction()}" for g in result.by_level) + ".")
    return lines
