"""What the annual-cycle commands (register, audit, report, status) work from: frameworks, the roster's people,
the roster rows left out and every review found, and the checks that there is someone to report on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .errors import UsageError
from .frameworks import installed_frameworks
from .models import Framework, StaffMember
from .records import ReviewRecord, history_by_person, load_reviews
from .register import build_register, headline, people_in_scope, summary
from .roster import RosterRowError, RosterRules, read_roster

REGISTER_FILE = "register.xlsx"
AUDIT_FOLDER = "audit"
AUDIT_STEM = "q-card-self-assessment"


@dataclass(frozen=True)
class CycleInputs:
    """What the annual-cycle commands work from: frameworks, the roster's people (``None``: no roster given),
    the roster rows left out, and every review in ``outbox/reviews``.

    Example:
        >>> inputs = load_inputs(load_settings(), None)  # doctest: +SKIP
        >>> inputs.people is None  # doctest: +SKIP
        True
    """

    frameworks: dict[str, Framework]
    people: list[StaffMember] | None
    rejected: list[RosterRowError]
    records: list[ReviewRecord]


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
        people = []
        for item in read_roster(roster, RosterRules.from_frameworks(frameworks)):
            if isinstance(item, RosterRowError):
                rejected.append(item)
            else:
                people.append(item)
    return CycleInputs(frameworks=frameworks, people=people, rejected=rejected,
                       records=list(load_reviews(settings.outbox / "reviews")))


def status_figures(settings: Settings, today: dt.date) -> list[str]:
    """The register's headline figures for ``sglogs status`` (people from the reviews; no names).

    Example:
        >>> status_figures(load_settings(), dt.date(2027, 1, 15))[0]  # doctest: +SKIP
        'Register: 12 people; 8 compliant (67%): 9 in date for refresher training, 11 latest logs signed off.'
    """
    inputs = load_inputs(settings, None)
    if not inputs.records:
        return [f"Register: no reviewed logs yet in {settings.outbox / 'reviews'}."]
    rows = build_register(None, inputs.records, inputs.frameworks, settings, today,
                          band_days=settings.register_band_days)
    return headline(summary(rows))


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
        raise UsageError(f"There is no one to report on: no reviews in {settings.outbox / 'reviews'} and no "
                         "--roster; review logs first (sglogs review) or give the roster with --roster.")
    known = sorted({p.setting for p in people_in_scope(inputs.people, history) if p.setting})
    raise UsageError(f"No one has the setting '{setting}'; use one of: {', '.join(known) or 'none recorded'}.")


def rejected_rows_note(inputs: CycleInputs) -> list[str]:
    """A line saying how many roster rows were left out (none when all were used).

    Example:
        >>> rejected_rows_note(load_inputs(load_settings(), None))  # doctest: +SKIP
        []
    """
    if not inputs.rejected:
        return []
    return [f"{len(inputs.rejected)} roster rows could not be used and are left out; run sglogs generate on the "
            "roster to see which and why."]
