"""A person's year, judged once: signed off, the manager's assessment, sglogs' evidence view, compliance.

Every output that says "signed off" or "compliant" — the register, the Q-card audit, the dashboard, renewal,
the bundle index, ``sglogs status`` — takes it from here, so none can say "Yes" where another says "No".

The rules, each from the frameworks' text (docs/frameworks.md has the sources):

- **Signed off** (LLR: "After 12months, competencies should be 'signed off' and a fresh log created"): a
  manager's name, a date, and an outcome, where the date is neither later than the day sglogs read the log (a
  date in the future when it was written) nor earlier than the period's evidence began.
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

from .core.formatting import long_date
from .models import CompetencyStatus, ParsedLog

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
        return SignOffVerdict(False, met, f"no {words} in the sign-off")
    assert signoff.date is not None
    if signoff.date > read_on:
        return SignOffVerdict(False, met, f"the sign-off is dated {long_date(signoff.date)}, later than the day "
                                          f"the log was read ({long_date(read_on)})")
    dated = [e.date for e in log.entries if e.date]
    begins = log.period.start or (min(dated) if dated else None)
    if begins and signoff.date < begins:
        return SignOffVerdict(False, met, f"the sign-off is dated {long_date(signoff.date)}, before the "
                                          f"period's evidence began ({long_date(begins)})")
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
