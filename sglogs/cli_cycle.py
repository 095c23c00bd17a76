"""The annual-cycle commands ``sglogs register`` and ``sglogs audit``, and the figures ``sglogs status`` prints.

``register(app)`` adds the commands to the main Typer app (``sglogs.cli`` calls it). Like the rest of the CLI
they only parse, call the library (``sglogs.register``, ``sglogs.audit``, ``sglogs.reports``) and print: file
paths on stdout, figures on stderr, never a person's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from .config import Settings, load_settings
from .core.dates import parse_uk_date
from .core.names import fold
from .errors import UsageError
from .files import make_folders
from .frameworks import installed_frameworks
from .models import Framework, StaffMember
from .records import ReviewRecord, history_by_person, outbox_reviews
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
                       records=list(outbox_reviews(settings.outbox)))


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


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return parse_uk_date(text)
    except ValueError:
        raise UsageError(f"--as-of '{text}' is not a date; write it as 31/03/2027 or 2027-03-31.") from None


def _check_scope(inputs: CycleInputs, setting: str | None, settings: Settings) -> None:
    """Refuse to write an empty register or audit, saying why and what to do."""
    history = history_by_person(inputs.records)
    if people_in_scope(inputs.people, history, setting):
        return
    if setting is None:
        raise UsageError(f"There is no one to report on: no reviews in {settings.outbox / 'reviews'} and no "
                         "--roster; review logs first (sglogs review) or give the roster with --roster.")
    known = sorted({p.setting for p in people_in_scope(inputs.people, history) if p.setting})
    raise UsageError(f"No one has the setting '{setting}'; use one of: {', '.join(known) or 'none recorded'}.")


def _warn_rejected(inputs: CycleInputs) -> list[str]:
    if not inputs.rejected:
        return []
    return [f"{len(inputs.rejected)} roster rows could not be used and are left out; run sglogs generate on the "
            "roster to see which and why."]


SettingOption = Annotated[str | None, typer.Option("--setting", help="Only people of this setting (as written in "
                                                   "the roster's Setting column).")]
RosterOption = Annotated[Path | None, typer.Option("--roster", help="Roster (.xlsx or .csv): everyone on it is "
                                                   "reported, reviewed or not [default: people with reviews].")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Work the figures out for this date, e.g. "
                                                "31/03/2027 [default: today].")]


def register(app: typer.Typer) -> None:
    """Add the ``register`` and ``audit`` commands to ``app``.

    Example:
        >>> from sglogs.cli import app
        >>> register(app)  # doctest: +SKIP
    """
    # sglogs.cli calls this at its end: importing it here, not at the top, avoids a circular import
    from .cli import _user_errors, err, out

    @app.command("register")
    @_user_errors
    def register_command(
        setting: SettingOption = None,
        roster: RosterOption = None,
        out_file: Annotated[Path | None, typer.Option("--out", help="Workbook to write "
                                                      "[default: outbox/register.xlsx].")] = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Write the staff register: each person's log, review, sign-off and refresher status, with a summary.

        Example: sglogs register --roster examples/roster.xlsx --setting "Hillside Primary School"
        """
        from .reports.register_xlsx import write_register

        settings, today = load_settings(), _as_of(as_of)
        inputs = load_inputs(settings, roster)
        _check_scope(inputs, setting, settings)
        rows = build_register(inputs.people, inputs.records, inputs.frameworks, settings, today, setting,
                              band_days=settings.register_band_days)
        result = summary(rows)
        target = out_file or settings.outbox / REGISTER_FILE
        make_folders(target.parent, settings.output.dir_mode_bits)  # security 15.2: folders get the configured mode
        path = write_register(rows, result, target,
                              settings.output.file_mode_bits, organisation=settings.organisation, as_of=today)
        out.print(str(path))
        for line in [*_warn_rejected(inputs), *headline(result)]:
            err.print(line)

    @app.command("audit")
    @_user_errors
    def audit_command(
        setting: SettingOption = None,
        roster: RosterOption = None,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the Word and Excel self-assessment "
                                                     "[default: outbox/audit].")] = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Answer the LLR Q-card questions with figures, a RAG and the people behind each (Word and Excel).

        Example: sglogs audit --roster examples/roster.xlsx --out outbox/audit
        """
        from .audit import audit_lines, self_assessment
        from .reports.audit_docs import write_audit_docx, write_audit_xlsx

        settings, today = load_settings(), _as_of(as_of)
        inputs = load_inputs(settings, roster)
        _check_scope(inputs, setting, settings)
        answers = self_assessment(inputs.records, inputs.people, inputs.frameworks, settings, today, setting,
                                  green_at=settings.audit.green_at, amber_at=settings.audit.amber_at,
                                  additional_roles=settings.audit.additional_roles)
        folder = out_dir or settings.outbox / AUDIT_FOLDER
        make_folders(folder, settings.output.dir_mode_bits)  # security 15.2: every folder, whatever the umask
        stem = f"{AUDIT_STEM}_{today.isoformat()}" + (f"_{fold(setting)}" if setting else "")
        scope = f"Setting: {setting}" if setting else "Whole organisation"
        for write, suffix in ((write_audit_docx, ".docx"), (write_audit_xlsx, ".xlsx")):
            path = write(answers, folder / f"{stem}{suffix}", organisation=settings.organisation, as_of=today,
                         scope=scope, mode=settings.output.file_mode_bits)
            out.print(str(path))
        for line in [*_warn_rejected(inputs), *audit_lines(answers)]:
            err.print(line)
