"""What the annual-cycle commands (register, audit, report, status) work from: frameworks, the roster's people,
the roster rows left out and every review found, and the checks that there is someone to report on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .core.formatting import count
from .errors import UsageError
from .frameworks import installed_frameworks
from .matching import UnmatchedLog, attribute_logs
from .models import Framework, StaffMember
from .records import ReviewRecord, history_by_person, outbox_reviews
from .register import build_register, headline, people_in_scope, summary
from .roster import RosterRowError, RosterRules, roster_people

REGISTER_FILE = "register.xlsx"
AUDIT_FOLDER = "audit"
AUDIT_STEM = "q-card-self-assessment"


@dataclass(frozen=True)
class CycleInputs:
    """What the annual-cycle commands work from: frameworks, the roster's people (``None``: no roster given),
    the roster rows left out, every review the outbox's record index finds (``records.outbox_reviews``) with logs
    without a staff id matched to roster people by their cover's name, and the logs no one could be matched to.

    Example:
        >>> inputs = load_inputs(load_settings(), None)  # doctest: +SKIP
        >>> inputs.people is None  # doctest: +SKIP
        True
    """

    frameworks: dict[str, Framework]
    people: list[StaffMember] | None
    rejected: list[RosterRowError]
    records: list[ReviewRecord]
    unmatched: list[UnmatchedLog] = field(default_factory=list)


def load_inputs(settings: Settings, roster: Path | None) -> CycleInputs:
    """Load the frameworks, the roster's valid rows (when a roster is given) and the reviews.

    Raises ``RosterError`` when the roster as a whole cannot be used; bad rows are returned in ``rejected``.

    Example:
        >>> len(load_inputs(load_settings(), Path("examples/roster.xlsx")).people)  # doctest: +SKIP
        30
    """
    frameworks = installed_frameworks(settings.frameworks_dir)
    people: list[StaffMember] | None = None
    rejected: list[RosterRowError] = []
    if roster is not None:
        people, rejected = roster_people(roster, RosterRules.from_frameworks(frameworks))
    records, unmatched = attribute_logs(outbox_reviews(settings.outbox), people)
    return CycleInputs(frameworks=frameworks, people=people, rejected=rejected, records=records,
                       unmatched=unmatched)


def status_figures(settings: Settings, today: dt.date) -> list[str]:
    """The register's headline figures for ``sglogs status`` (people from the reviews; no names).

    Example:
        >>> status_figures(load_settings(), dt.date(2027, 1, 15))[0]  # doctest: +SKIP
        'Register: 12 people; 8 compliant (67%): 9 in date for refresher training, 11 latest logs signed off.'
    """
    inputs = load_inputs(settings, None)
    if not inputs.records:
        if inputs.unmatched:
            return [f"Register: no reviewed log names a staff id in the outbox {settings.outbox}.",
                    *input_notes(inputs)]
        return [f"Register: no reviewed logs yet in the outbox {settings.outbox}."]
    rows = build_register(None, inputs.records, inputs.frameworks, settings, today,
                          band_days=settings.register_band_days)
    return [*headline(summary(rows)), *input_notes(inputs)]


def check_scope(inputs: CycleInputs, setting: str | None, settings: Settings) -> None:
    """Refuse to write an empty register or audit, saying why and what to do.

    Example:
        >>> check_scope(load_inputs(load_settings(), None), None, load_settings())  # doctest: +SKIP
        Traceback (most recent call last):
        UsageError: There is no one to report on: ...
    """
    history = history_by_person(inputs.records)
    if people_in_scope(inputs.people, history, setting):
        return
    if setting is None:
        raise UsageError(f"There is no one to report on: the outbox {settings.outbox} has no reviews and there is "
                         "no --roster; review logs first (sglogs review), give the roster with --roster, or name "
                         "the installation's outbox with --outbox.")
    known = sorted({p.setting for p in people_in_scope(inputs.people, history) if p.setting})
    raise UsageError(f"No one has the setting '{setting}'; use one of: {', '.join(known) or 'none recorded'}.")


def input_notes(inputs: CycleInputs) -> list[str]:
    """Lines saying what was left out: roster rows that could not be used, reviewed logs matched to no one.

    Example:
        >>> input_notes(load_inputs(load_settings(), None))  # doctest: +SKIP
        []
    """
    notes = []
    if inputs.rejected:
        verb = "is" if len(inputs.rejected) == 1 else "are"
        notes.append(f"{count(len(inputs.rejected), 'roster row')} could not be used and {verb} left out; run "
                     "sglogs generate on the roster to see which and why.")
    if inputs.unmatched:
        notes.append(f"Unmatched logs: {count(len(inputs.unmatched), 'reviewed log')} could not be matched to anyone "
                     "on the roster (no staff id, and the name on the cover did not point to one person); the "
                     "register lists them with the reason.")
    return notes
