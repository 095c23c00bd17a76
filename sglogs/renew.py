"""Renewal: when a log's 12 months end (or it is signed off), start the next one.

The next log starts the day after the current one ends, at the person's level in the roster (a person whose
level changed gets the new level's competencies), and carries forward last year's next steps and the
competencies not yet met. Renewal is idempotent: a log that already exists is kept, and a log whose period has
not begun is never renewed from (running ``renew`` twice changes nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .config import Settings
from .files import make_folders
from .frameworks import installed_frameworks, required_competencies
from .generate.logs import LogFormat, LogJob, LogWriter, plan_log
from .models import CarriedItem, Framework, Period, StaffMember
from .records import ReviewRecord, generated_periods, latest_by_person, outbox_reviews
from .roster import RosterRowError, RosterRules, read_roster


class RenewOptions(BaseModel):
    """One renewal run.

    ``roster`` gives each person's current framework and level (without it, the last reviewed log's are used);
    a log is due when its period ends within ``due_within_days`` of today, or when it has been signed off.

    Example:
        >>> RenewOptions(out=Path("outbox/logs")).due_within_days
        30
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    out: Path
    roster: Path | None = None
    due_within_days: int = Field(default=30, ge=0, le=3660)
    formats: tuple[LogFormat, ...] = (LogFormat.DOCX, LogFormat.XLSX)


@dataclass
class RenewReport:
    """What a renewal run did, by staff id (never by name: this is printed and logged).

    Example:
        >>> RenewReport().renewed
        []
    """

    renewed: list[tuple[str, Path]] = field(default_factory=list)
    already_renewed: list[str] = field(default_factory=list)
    not_due: list[str] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    without_log: list[str] = field(default_factory=list)
    level_changed: list[str] = field(default_factory=list)
    rejected: list[RosterRowError] = field(default_factory=list)


@dataclass(frozen=True)
class CurrentLog:
    """A person's newest log period that sglogs knows of, from generated files or reviews."""

    period: Period
    record: ReviewRecord | None


def carried_forward(record: ReviewRecord | None) -> tuple[CarriedItem, ...]:
    """Last year's next steps and not-yet-met competencies, to carry into the next log.

    Example:
        >>> [c.kind for c in carried_forward(record)]  # doctest: +SKIP
        ['Next step', 'Not yet met']
    """
    if record is None:
        return ()
    log = record.log
    items = [CarriedItem(kind="Next step", text=step) for step in dict.fromkeys(
        [*log.next_steps, *(e.next_steps for e in log.entries if e.next_steps)])]
    texts = {c.id: c.text for c in log.competencies}
    items += [CarriedItem(kind="Not yet met", competency=cid, text=texts.get(cid) or cid)
              for cid in record.not_yet_met]
    return tuple(items)


def _people(options: RenewOptions, frameworks: dict[str, Framework], records: dict[str, ReviewRecord],
            report: RenewReport) -> list[StaffMember]:
    if options.roster is not None:
        people = []
        for item in read_roster(options.roster, RosterRules.from_frameworks(frameworks)):
            if isinstance(item, RosterRowError):
                report.rejected.append(item)
            else:
                people.append(item)
        return people
    people = []
    for staff_id, record in records.items():
        log = record.log
        if log.framework in frameworks and log.level:
            people.append(StaffMember(staff_id=staff_id, name=log.staff.name or staff_id, role=log.staff.role or "",
                                      setting=log.staff.organisation or "", framework=log.framework,
                                      level=log.level, designated_lead=bool(log.staff.designated_lead)))
    return people


def renew_logs(options: RenewOptions, settings: Settings, *, today: dt.date | None = None) -> RenewReport:
    """Generate the next 12-month log for everyone whose log ends within the window or was signed off.

    Example:
        >>> report = renew_logs(RenewOptions(out=Path("outbox/logs"), roster=Path("roster.xlsx")),
        ...     load_settings())  # doctest: +SKIP
        >>> len(report.renewed)  # doctest: +SKIP
        4
    """
    today = today or dt.date.today()
    frameworks = installed_frameworks(settings.frameworks_dir)
    records = latest_by_person(outbox_reviews(settings.outbox))
    generated = generated_periods(options.out)
    report = RenewReport()
    writer: LogWriter | None = None
    for person in _people(options, frameworks, records, report):
        sid = person.staff_id
        current = _current(generated.get(sid), records.get(sid))
        if current is None:
            report.without_log.append(sid)
            continue
        end = current.period.end
        assert end is not None
        if current.period.start is not None and current.period.start > today:
            # the next log already exists and has not begun: renewing from it would skip a whole year
            report.not_started.append(sid)
            continue
        signed = current.record is not None and current.record.signed_off
        if (end - today).days > options.due_within_days and not signed:
            report.not_due.append(sid)
            continue
        last_level = current.record.log.level if current.record else None
        if last_level and last_level != person.level:
            report.level_changed.append(sid)
        required_competencies(frameworks[person.framework], person.level, person.additional)
        person = person.model_copy(update={"period_start": end + dt.timedelta(days=1)})
        plan = plan_log(person, frameworks, settings, options.out, today)
        missing = tuple(f for f in options.formats if not plan.path(f).exists())
        if not missing:
            report.already_renewed.append(sid)
            continue
        writer = writer or LogWriter(settings, options.formats, today, frameworks)
        make_folders(plan.stem.parent, settings.output.dir_mode_bits)  # security 15.2
        writer.write(LogJob(person=person, identity=plan.identity, stem=plan.stem, formats=missing,
                            carried_forward=carried_forward(current.record)))
        report.renewed.append((sid, plan.path(missing[0])))
    return report


def _current(generated: Period | None, record: ReviewRecord | None) -> CurrentLog | None:
    """The newest period known: a reviewed log, or a generated log newer than the last review."""
    reviewed = record.log.period if record and record.log.period.end else None
    if generated and generated.end and (reviewed is None or generated.end > (reviewed.end or dt.date.min)):
        same = reviewed is not None and reviewed.start == generated.start
        return CurrentLog(period=generated, record=record if same else None)
    if reviewed is not None:
        return CurrentLog(period=reviewed, record=record)
    return None
