"""What sglogs knows about each person across the annual cycle, from the files it wrote.

Each review leaves ``<reviews folder>/<staff-id>/<log-id>_evidence.json`` (the read log, its findings, the action
plan, the review date and the original file) and lists it in its installation's record index
(``sglogs.record_index``). This module reads them back into ``ReviewRecord``s — the register, renewal, the
Q-card audit and evidence bundles all start from here — so the annual cycle finds every review the installation
made, wherever it was written, with or without the watched-folder service's database.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .core.formatting import count
from .models import ActionItem, CompetencyStatus, EvidenceEntry, Finding, Framework, OriginalFile, ParsedLog, Period
from .record_index import EVIDENCE_SUFFIX, indexed_reviews
from .verdicts import SignOffVerdict, signoff_verdict

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReviewRecord:
    """One reviewed log, as its review left it.

    Example:
        >>> record = next(iter(outbox_reviews(Path("outbox"))))  # doctest: +SKIP
        >>> record.staff_id, record.ready  # doctest: +SKIP
        ('NS001', True)
    """

    path: Path
    log: ParsedLog
    findings: tuple[Finding, ...]
    actions: tuple[ActionItem, ...]
    ready: bool
    reviewed_on: dt.date
    #: The file as received and where it was filed (``None`` for a review made before sglogs recorded it).
    original: OriginalFile | None = None
    #: Where that original is now: ``original.filed_as`` resolved against the outbox the record was found in.
    original_path: Path | None = None
    #: For a log without a staff id: the roster person its cover's name was matched to (``sglogs.matching``).
    matched_staff_id: str | None = None
    #: How that match was made, in words ("matched by initial and surname and setting").
    matched_by: str | None = None

    @property
    def staff_id(self) -> str | None:
        """The staff id the log carries, else the one its cover was matched to (``None``: neither)."""
        return self.log.staff.id or self.matched_staff_id

    @property
    def folder(self) -> Path:
        """The person's review folder (all of their review documents)."""
        return self.path.parent

    @property
    def signoff(self) -> SignOffVerdict:
        """The sign-off judged as it was on the day the log was read (``sglogs.verdicts``)."""
        return signoff_verdict(self.log, self.reviewed_on)

    @property
    def signed_off(self) -> bool:
        """Whether the manager signed the log off: a name, a date that was not in the future when the log was
        read nor before its evidence, and an outcome."""
        return self.signoff.signed_off

    @property
    def not_yet_met(self) -> tuple[str, ...]:
        """Competencies the manager assessed as not yet met, or that have no evidence."""
        uncovered = {f.competency for f in self.findings if f.code == "COMPETENCY_UNCOVERED" and f.competency}
        assessed = {c.id for c in self.log.competencies if c.status is CompetencyStatus.NOT_YET}
        return tuple(c.id for c in self.log.competencies if c.id in uncovered | assessed) or tuple(
            sorted(uncovered | assessed))

    def documents(self) -> list[Path]:
        """The review documents written for this log (feedback, sign-off, action plan, evidence JSON)."""
        stem = self.path.name.removesuffix(EVIDENCE_SUFFIX)
        return sorted(p for p in self.folder.glob(f"{stem}_*") if p.is_file())


# generated logs are named <staff-id>_<surname>_<start>_<end>.<docx|xlsx>
_LOG_NAME = re.compile(r"^(?P<staff>.+?)_(?P<surname>[^_]+)_(?P<start>\d{4}-\d{2}-\d{2})_(?P<end>\d{4}-\d{2}-\d{2})$")


def generated_periods(logs_dir: Path, started_by: dt.date | None = None) -> dict[str, Period]:
    """The newest generated log period of each staff id, from the file names ``generate`` writes; with
    ``started_by``, the newest that had begun by then (the log a person is keeping on that day).

    Example:
        >>> generated_periods(Path("outbox/logs"))["NS001"].end  # doctest: +SKIP
        datetime.date(2026, 12, 31)
    """
    periods: dict[str, Period] = {}
    if not logs_dir.is_dir():
        return periods
    for pattern in ("*.docx", "*.xlsx"):  # Word first; an Excel-only roster run has only .xlsx
        for path in logs_dir.rglob(pattern):
            match = _LOG_NAME.match(path.stem)
            if match is None:
                continue
            try:
                period = Period(start=dt.date.fromisoformat(match["start"]), end=dt.date.fromisoformat(match["end"]))
            except ValueError:
                continue  # a name that only looks like one of ours
            if started_by is not None and period.start is not None and period.start > started_by:
                continue
            current = periods.get(match["staff"])
            if current is None or (period.end or dt.date.min) > (current.end or dt.date.min):
                periods[match["staff"]] = period
    return periods


_ONLINE_TRAINING = re.compile(r"\be-?\s?learning\b|\bonline\b", re.IGNORECASE)
_STATED_HOURS = re.compile(r"\d\s*(?:-\s*\d+\s*)?(?:hours?|hrs?)\b", re.IGNORECASE)


def online_hours_needed(framework: Framework | None, level_id: str | None, default: float) -> float:
    """How long online learning must last to renew a refresher at a framework's level.

    Where the framework itself names e-learning as training for the level without a length (PA3: "Level 1
    Training – Single Agency / E-Learning / Multi-Agency"; Norfolk's "Introductory e-learning"), an e-learning
    course of any length renews it; elsewhere, and where the text gives a length (Norfolk stages 3-4: "E-learning
    packages (2-3 hours)"), ``default`` (``[checks] refresher_min_online_hours``, 3, from that sentence).

    Example:
        >>> online_hours_needed(None, "1", 3.0)
        3.0
    """
    if framework is None or not level_id:
        return default
    try:
        training = framework.level(level_id).training
    except KeyError:
        return default
    named = [t for t in training if _ONLINE_TRAINING.search(t)]
    # "E-learning packages (2-3 hours)" (Norfolk stages 3-4) states a length: the setting's minimum holds
    return 0.0 if named and not any(_STATED_HOURS.search(t) for t in named) else default


def formal_training_dates(entries: Iterable[EvidenceEntry], formal_types: Sequence[str],
                          online_types: Sequence[str] = (), min_online_hours: float = 0) -> list[dt.date]:
    """Dates of the entries that count as refresher training: a formal type, and online learning only when it
    lasted at least ``min_online_hours`` (one short e-learning does not renew a refresher, issue 13).

    Example:
        >>> formal_training_dates([EvidenceEntry(row=1, date=dt.date(2026, 3, 1), type="E-learning", hours=1.5)],
        ...     ["e-learning"], ["e-learning"], 3)
        []
    """
    wanted = [t.lower() for t in formal_types]
    online = [t.lower() for t in online_types]

    def counts(entry: EvidenceEntry) -> bool:
        kind = (entry.type or "").lower()
        if not kind or not any(w in kind or kind in w for w in wanted):
            return False
        return not any(w in kind for w in online) or (entry.hours or 0) >= min_online_hours

    return [e.date for e in entries if e.date and counts(e)]


def load_review(path: Path, outbox: Path | None = None) -> ReviewRecord | None:
    """Read one ``*_evidence.json``; ``None`` when it is not one sglogs wrote (or is damaged).

    ``outbox`` is the installation the record belongs to: where a filed original's relative path starts.

    Example:
        >>> load_review(Path("outbox/reviews/NS001/NS001-20260101-61a8_evidence.json")).ready  # doctest: +SKIP
        True
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        original = OriginalFile.model_validate(data["original"]) if data.get("original") else None
        return ReviewRecord(
            path=path,
            log=ParsedLog.model_validate(data["log"]),
            findings=tuple(Finding.model_validate(f) for f in data.get("findings", ())),
            actions=tuple(ActionItem.model_validate(a) for a in data.get("action_plan", ())),
            ready=bool(data.get("ready_for_signoff")),
            reviewed_on=dt.date.fromisoformat(data["reviewed_on"]),
            original=original,
            original_path=_filed_at(original, outbox),
        )
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
        # a damaged or foreign file must not stop a register, but must not vanish silently either
        _log.warning("review record %s skipped: %s", path.name, type(exc).__name__)
        return None


def _filed_at(original: OriginalFile | None, outbox: Path | None) -> Path | None:
    if original is None or not original.filed_as:
        return None
    filed = Path(original.filed_as)
    if filed.is_absolute():
        return filed
    return outbox / filed if outbox is not None else None


def outbox_reviews(outbox: Path) -> Iterator[ReviewRecord]:
    """Every review the installation made: those its record index lists (wherever they were written) and those in
    the outbox's own review folders. Reviews the index lists that are gone are left out with one warning.

    Example:
        >>> len(list(outbox_reviews(Path("outbox"))))  # doctest: +SKIP
        30
    """
    files = indexed_reviews(outbox)
    if files.missing:
        shown = ", ".join(str(p) for p in files.missing[:3]) + (", ..." if len(files.missing) > 3 else "")
        gone = len(files.missing)
        _log.warning("%s listed in the record index of %s %s no longer where %s written (%s) and %s left out; put "
                     "the folders back if they were moved by mistake.", count(gone, "review"), outbox,
                     "is" if gone == 1 else "are", "it was" if gone == 1 else "they were", shown,
                     "is" if gone == 1 else "are")
    for path in files.found:
        record = load_review(path, outbox)
        if record is not None:
            yield record


def load_reviews(reviews_dir: Path) -> Iterator[ReviewRecord]:
    """Every review under one reviews folder, in folder order (``outbox_reviews`` finds an installation's).

    Example:
        >>> len(list(load_reviews(Path("outbox/reviews"))))  # doctest: +SKIP
        30
    """
    if not reviews_dir.is_dir():
        return
    for path in sorted(reviews_dir.rglob(f"*{EVIDENCE_SUFFIX}")):
        record = load_review(path)
        if record is not None:
            yield record


def latest_by_person(records: Iterable[ReviewRecord]) -> dict[str, ReviewRecord]:
    """The most recent review of each person (by log period start, then review date), keyed by staff id.

    Example:
        >>> latest_by_person(outbox_reviews(Path("outbox")))["NS001"].log.period.start  # doctest: +SKIP
        datetime.date(2026, 1, 1)
    """
    latest: dict[str, ReviewRecord] = {}
    for record in records:
        key = record.staff_id
        if not key:
            continue
        current = latest.get(key)
        order = (record.log.period.start or dt.date.min, record.reviewed_on)
        if current is None or order >= (current.log.period.start or dt.date.min, current.reviewed_on):
            latest[key] = record
    return latest


def history_by_person(records: Iterable[ReviewRecord]) -> dict[str, list[ReviewRecord]]:
    """All reviews of each person, oldest first, keyed by staff id.

    Example:
        >>> [r.reviewed_on for r in history_by_person(records)["NS001"]]  # doctest: +SKIP
        [datetime.date(2025, 12, 10), datetime.date(2026, 12, 14)]
    """
    history: dict[str, list[ReviewRecord]] = {}
    for record in records:
        if record.staff_id:
            history.setdefault(record.staff_id, []).append(record)
    for items in history.values():
        items.sort(key=lambda r: (r.log.period.start or dt.date.min, r.reviewed_on))
    return history
