"""A person's year, judged once: signed off, the manager's assessment, sglogs' evidence view, compliance.

Every output that says "signed off" or "compliant" — the register, the Q-card audit, the dashboard, renewal,
the bundle index, ``sglogs status`` — takes it from here, so none can say "Yes" where another says "No".

The rules, each from the frameworks' text (docs/frameworks.md has the sources):

- **Signed off** (LLR: "After 12months, competencies should be 'signed off' and a fresh log created"): a
  manager's name, a date, and an outcome, where the date is neither later than the day sglogs read the log (a
  date in the future when it was written) nor earlier than the period's evidence began, nor earlier than the
  log's last dated evidence in its period (signed before the year's evidence was in).
- **Outcome met**: the manager's written outcome does not say "not (yet) met", "partially" or "unmet", and the
  manager marked no competency "not yet met".
- **Compliant**: signed off, outcome met, and refresher training in date (refresher rule in ``register``).

Example:
    >>> from sglogs.models import ParsedLog, SignOff, SourceFile, LogFileFormat
    >>> log = ParsedLog(source=SourceFile(path="log.docx", format=LogFileFormat.DOCX, sha256="0" * 64),
    ...     signoff=SignOff(manager="J. Bloggs", date=dt.date(2026, 12, 1), outcome="Competencies met"))
    >>> signoff_verdict(log, read_on=dt.date(2026, 12, 4)).signed_off
    True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .core.formatting import long_date, short_date
from .models import CompetencyStatus, Finding, ParsedLog


class Readiness(StrEnum):
    """Whether a log is ready for the manager's sign-off, in the words every output uses.

    Example:
        >>> Readiness.CANNOT_JUDGE.sentence_start
        'Cannot judge yet'
    """

    READY = "ready"
    NOT_READY = "not ready"
    CANNOT_JUDGE = "cannot judge yet"

    @property
    def sentence_start(self) -> str:
        """The verdict as it opens a sentence ("Ready for sign-off", "Not ready for sign-off", "Cannot judge yet")."""
        return {"ready": "Ready for sign-off", "not ready": "Not ready for sign-off",
                "cannot judge yet": "Cannot judge yet"}[self.value]


#: The finding that says sglogs cannot know which competencies the log must show (``checks.check_coverage``).
CANNOT_JUDGE_CODE = "FRAMEWORK_UNKNOWN"


def readiness(findings: Sequence[Finding]) -> Readiness:
    """The readiness verdict of a checked log: "cannot judge yet" when its framework or level is unknown
    (LLR: "All practitioners are expected to meet the Core Competencies" -- without the list, coverage cannot be
    shown), else "not ready" when any finding blocks sign-off, else "ready".

    Example:
        >>> readiness([])
        <Readiness.READY: 'ready'>
    """
    if any(f.code == CANNOT_JUDGE_CODE for f in findings):
        return Readiness.CANNOT_JUDGE
    return Readiness.NOT_READY if any(f.severity.blocks_signoff for f in findings) else Readiness.READY


_NOT_MET_OUTCOME = re.compile(r"\bnot\s+(?:yet\s+)?(?:met|achieved|signed)|\bpartially\b|\bunmet\b", re.IGNORECASE)


def outcome_met(outcome: str | None) -> bool | None:
    """Whether the manager's written outcome says met (``None`` when there is none).

    Example:
        >>> outcome_met("Not yet met – see next steps"), outcome_met("Competencies met"), outcome_met(None)
        (False, True, None)
    """
    if not (outcome or "").strip():
        return None
    return not _NOT_MET_OUTCOME.search(outcome or "")


@dataclass(frozen=True)
class SignOffVerdict:
    """Whether a log is signed off, and why not in plain words (``reason`` is ``None`` when it is).

    Example:
        >>> SignOffVerdict(signed_off=False, reason="no manager's name").signed_off
        False
    """

    signed_off: bool
    outcome_met: bool | None = None
    reason: str | None = None
    #: the finding that names the problem (``checks.check_signoff``) and its values; empty when signed off
    code: str = ""
    values: tuple[tuple[str, str], ...] = ()

    @property
    def signed_off_met(self) -> bool:
        """Signed off with the outcome met: what compliance asks of the log."""
        return self.signed_off and self.outcome_met is True


def signoff_verdict(log: ParsedLog, read_on: dt.date) -> SignOffVerdict:
    """Judge a log's sign-off block as it was on ``read_on`` (the day sglogs read it).

    Example:
        >>> signoff_verdict(ParsedLog.model_validate({"source": {"path": "x.docx", "format": "docx",
        ...     "sha256": "0" * 64}}), dt.date(2026, 12, 4)).reason
        "no manager's name, date or outcome in the sign-off"
    """
    signoff = log.signoff
    missing = [what for what, value in (("manager's name", signoff.manager), ("date", signoff.date),
                                        ("outcome", (signoff.outcome or "").strip())) if not value]
    met = _outcome_met(log)
    if missing:
        words = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
        code = "SIGNOFF_MISSING" if len(missing) == 3 else "SIGNOFF_INCOMPLETE"
        return SignOffVerdict(False, met, f"no {words} in the sign-off", code, (("missing", words),))
    assert signoff.date is not None
    signed = long_date(signoff.date)
    if signoff.date > read_on:
        return SignOffVerdict(False, met, f"the sign-off is dated {signed}, later than the day "
                                          f"the log was read ({long_date(read_on)})",
                              "SIGNOFF_FUTURE", (("date", short_date(signoff.date)),))
    dated = [e for e in log.entries if e.date]
    begins = log.period.start or min((e.date for e in dated if e.date), default=None)
    if begins and signoff.date < begins:
        return SignOffVerdict(False, met, f"the sign-off is dated {signed}, before the period's evidence began "
                                          f"({long_date(begins)})", "SIGNOFF_BEFORE_EVIDENCE",
                              (("date", short_date(signoff.date)), ("first", short_date(begins))))
    # evidence dated after the sign-off (within the period, and not after the day the log was read) went in once
    # the manager had signed: the manager signed before the year's evidence was in
    later = [e for e in dated if e.date and signoff.date < e.date <= read_on
             and (log.period.end is None or e.date <= log.period.end)]
    if later:
        last = max(later, key=lambda e: (e.date, e.row))
        assert last.date is not None
        return SignOffVerdict(False, met, f"the sign-off is dated {signed}, before the log's last evidence "
                                          f"({long_date(last.date)})", "SIGNOFF_BEFORE_LAST_EVIDENCE",
                              (("date", short_date(signoff.date)), ("last", short_date(last.date)),
                               ("row", str(last.row))))
    return SignOffVerdict(True, met)


def _outcome_met(log: ParsedLog) -> bool | None:
    written = outcome_met(log.signoff.outcome)
    if any(c.status is CompetencyStatus.NOT_YET for c in log.competencies):
        return False
    return written


def manager_met(log: ParsedLog, required: Sequence[str] | None) -> int | None:
    """How many required competencies the manager marked met (``None`` when the manager marked none at all).

    Example:
        >>> manager_met(ParsedLog.model_validate({"source": {"path": "x.docx", "format": "docx",
        ...     "sha256": "0" * 64}}), ("1.1",)) is None
        True
    """
    if not any(c.status is not CompetencyStatus.BLANK for c in log.competencies):
        return None
    wanted = set(required) if required is not None else {c.id for c in log.competencies}
    return sum(1 for c in log.competencies if c.id in wanted and c.status is CompetencyStatus.MET)


def evidenced(required: Sequence[str] | None, uncovered: Sequence[str], not_yet: Sequence[str]) -> int | None:
    """How many required competencies have specific evidence (catch-all rows do not count) and were not marked
    "not yet met" by the manager: sglogs' own view, shown beside the manager's.

    Example:
        >>> evidenced(("1.1", "1.2", "1.3"), uncovered=("1.2",), not_yet=("1.3",))
        1
    """
    if required is None:
        return None
    left_out = set(uncovered) | set(not_yet)
    return sum(1 for cid in required if cid not in left_out)
