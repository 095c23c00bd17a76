"""What happens once a worker is done with a file, or failed without an outcome: the outcome recorded and the file
filed away, a file that looks cut short looked at again after a grace period, a failure retried (counted against
the file's attempts unless the system was at fault) until it is refused after ``max_attempts``."""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path

from ..dispatch import FileKind, Outcome, failure_message
from ..read.safezip import printable_name
from ..store import JournalEntry
from .workers import WorkerFailure, _InFlight, _Snapshot, _where

logger = logging.getLogger("sglogs.service")


class OutcomeMixin:
    """``WatchService``'s outcome side: recording what became of each file, retries and giving up."""

    def _unexpected(self, exc: Exception, path: Path, entry: JournalEntry | None, *, started: bool) -> None:
        """Something failed around one file (the outbox's share gone while filing, the database away): say what,
        give the file back untouched as far as its attempts go, and try it again later."""
        assert self.journal is not None
        delay = self.svc.retry_seconds
        what = f"file #{entry.id} sha256:{entry.short_sha}" if entry is not None else "a file"
        level = logging.WARNING if isinstance(exc, OSError) else logging.ERROR
        logger.log(level, "%s could not be dealt with (%s at %s); trying again in %.1f s", what,
                   type(exc).__name__, _where(exc), delay)
        if entry is not None:
            with contextlib.suppress(Exception):
                self.journal.release(entry.id, self.instance_id, not_before=time.time() + delay,
                                     error_kind=type(exc).__name__, error=f"{type(exc).__name__} at {_where(exc)}",
                                     count_attempt=not started)
        self._set_aside(path, delay)

    def _complete(self, work: _InFlight, outcome: Outcome) -> None:
        """A file's processing is over: record its outcome and file it away, or look again later."""
        entry, path, snapshot = work.entry, work.path, work.snapshot
        seconds = time.monotonic() - work.started
        if outcome.degraded and not self._degraded_said:
            self._degraded_said = True
            logger.warning("logs are only read, not reviewed: %s", outcome.degraded)
        if (not outcome.accepted and outcome.maybe_incomplete and entry.rechecks == 0
                and self.svc.incomplete_grace_seconds > 0):
            self._recheck_later(entry, path, outcome)
            return
        self._record_outcome(entry, path, snapshot, outcome, seconds)

    def _too_large(self, snapshot: _Snapshot) -> Outcome:
        limit = self.settings.read.max_file_mb
        return Outcome(
            kind=FileKind.OTHER, accepted=False, error_kind="FileTooLargeError", summary="refused (too large)",
            message=(f"{printable_name(snapshot.name)} is {snapshot.size / 2**20:.1f} MB, more than sglogs reads "
                     f"({limit} MB); remove large pictures from it and save it again, or raise read.max_file_mb "
                     "in sglogs.toml."))

    def _recheck_later(self, entry: JournalEntry, path: Path, outcome: Outcome) -> None:
        assert self.journal is not None
        grace = self.svc.incomplete_grace_seconds
        self.journal.release(entry.id, self.instance_id, not_before=time.time() + grace,
                             error_kind=outcome.error_kind, error=outcome.message, count_attempt=False, recheck=True)
        logger.info("file #%d sha256:%s looks incomplete (%s); looking at it again in %.0f s before refusing it",
                    entry.id, entry.short_sha, outcome.error_kind, grace)
        self._set_aside(path, grace)

    def _failed(self, entry: JournalEntry, path: Path, snapshot: _Snapshot, failure: WorkerFailure) -> None:
        assert self.journal is not None
        error = f"{failure.kind} at {failure.detail}" if failure.detail else failure.kind
        if not failure.environmental and entry.attempts >= self.svc.max_attempts:
            self._give_up(entry, path, snapshot, error)
            return
        delay = self.svc.retry_seconds * (1 if failure.environmental else entry.attempts)
        self.journal.release(entry.id, self.instance_id, not_before=time.time() + delay, error_kind=failure.kind,
                             error=error, count_attempt=not failure.environmental)
        self.report.retries += 1
        counted = "not counted" if failure.environmental else f"attempt {entry.attempts} of {self.svc.max_attempts}"
        logger.warning("file #%d sha256:%s failed (%s; %s); trying again in %.0f s", entry.id, entry.short_sha,
                       error, counted, delay)
        self._set_aside(path, delay)

    def _give_up(self, entry: JournalEntry, path: Path, snapshot: _Snapshot, last_error: str) -> None:
        attempts = min(entry.attempts, self.svc.max_attempts)
        outcome = Outcome(kind=FileKind(entry.kind or "other"), accepted=False, error_kind="TooManyAttempts",
                          message=failure_message(snapshot.name, attempts, last_error),
                          summary=f"refused after {attempts} failed attempts")
        self._record_outcome(entry, path, snapshot, outcome, 0.0)
