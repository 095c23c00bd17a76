"""Outcomes: the archive name reserved, the outcome recorded exactly once, the original filed; and the queries
``status`` and the service read rows with."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    func,
    select,
    update,
)
from sqlalchemy.exc import (
    IntegrityError,
)

from .database import (
    Database,
)
from .schema import (
    _OPEN,
    _OUTCOMES,
    FileState,
    JournalEntry,
    _entry,
    _files,
)


class OutcomesMixin(Database):
    """The journal's outcome operations and row queries."""

    def reserve_archive(self, file_id: int, owner: str, archive_path: str) -> bool:
        """Reserve the name the original will be filed under; ``False`` if another row has it (or the claim is lost).

        Example:
            >>> journal.reserve_archive(12, "a1b2", "processed/2026-05/log.docx")  # doctest: +SKIP
            True
        """
        try:
            with self._write() as conn:
                result = conn.execute(update(_files).where(_files.c.id == file_id, _files.c.claimed_by == owner)
                                      .values(archive_path=archive_path))
                return result.rowcount == 1
        except IntegrityError:
            return False

    def finish(
        self,
        file_id: int,
        owner: str,
        state: FileState,
        *,
        kind: str | None = None,
        outputs: Sequence[str] = (),
        error_kind: str | None = None,
        error: str | None = None,
        summary: str | None = None,
        process_seconds: float | None = None,
        now: float | None = None,
    ) -> bool:
        """Record a file's outcome (its outputs are already durable); ``False`` if ``owner`` lost the claim.

        The claim is kept: the original still has to be filed away (``mark_filed``) under the name
        ``reserve_archive`` took.

        Example:
            >>> journal.finish(12, "a1b2", FileState.DONE, kind="log", outputs=["reviews/S1/x.json"])  # doctest: +SKIP
            True
        """
        if not state.is_outcome:
            raise ValueError(f"finish() takes an outcome, not {state.value!r}")
        now = time.time() if now is None else now
        values: dict[str, Any] = {"state": state.value, "finished_at": now, "outputs": json.dumps(list(outputs)),
                                  "not_before": None}
        values.update({k: v for k, v in (("kind", kind), ("error_kind", error_kind), ("error", error),
                                         ("summary", summary), ("process_seconds", process_seconds))
                       if v is not None})
        with self._write() as conn:
            # an outcome, once recorded, is never replaced by another (only confirmed): exactly one per file
            unchanged = _files.c.state.not_in(_OUTCOMES) | (_files.c.state == state.value)
            result = conn.execute(update(_files).where(_files.c.id == file_id, _files.c.claimed_by == owner,
                                                       unchanged).values(**values))
            return result.rowcount == 1

    def mark_filed(self, file_id: int, owner: str, now: float | None = None) -> bool:
        """Record that the original was filed away and removed from the inbox; this ends the row's life.

        Example:
            >>> journal.mark_filed(12, "a1b2")  # doctest: +SKIP
            True
        """
        now = time.time() if now is None else now
        with self._write() as conn:
            result = conn.execute(update(_files).where(_files.c.id == file_id, _files.c.claimed_by == owner)
                                  .values(closed_at=now, claimed_by=None, lease_until=None))
            return result.rowcount == 1

    def entry(self, file_id: int) -> JournalEntry | None:
        """The row with this id, or ``None``.

        Example:
            >>> journal.entry(12).state  # doctest: +SKIP
            <FileState.DONE: 'done'>
        """
        with self._read() as conn:
            row = conn.execute(select(_files).where(_files.c.id == file_id)).mappings().first()
        return _entry(row) if row is not None else None

    def entries(self, *, open_only: bool = False, inbox_id: str | None = None) -> list[JournalEntry]:
        """Rows in id order; ``open_only`` keeps those whose original is not yet filed away.

        Example:
            >>> [e.state.value for e in journal.entries(open_only=True)]  # doctest: +SKIP
            ['processing']
        """
        query = select(_files).order_by(_files.c.id)
        if open_only:
            query = query.where(_OPEN)
        if inbox_id is not None:
            query = query.where(_files.c.inbox_id == inbox_id)
        with self._read() as conn:
            return [_entry(row) for row in conn.execute(query).mappings()]

    def claimed(self) -> list[JournalEntry]:
        """Rows some service holds right now.

        Example:
            >>> [e.claimed_by for e in journal.claimed()]  # doctest: +SKIP
            ['a1b2']
        """
        with self._read() as conn:
            rows = conn.execute(select(_files).where(_files.c.claimed_by.is_not(None))).mappings()
            return [_entry(row) for row in rows]

    def counts(self) -> dict[FileState, int]:
        """How many rows are in each state (every state present, zero when none).

        Example:
            >>> journal.counts()[FileState.DONE]  # doctest: +SKIP
            120
        """
        result = dict.fromkeys(FileState, 0)
        with self._read() as conn:
            for state, count in conn.execute(select(_files.c.state, func.count()).group_by(_files.c.state)):
                result[FileState(state)] = count
        return result

    def recent_errors(self, limit: int = 5) -> list[JournalEntry]:
        """The latest rows that carry an error (rejected, or failed and waiting to be tried again).

        Example:
            >>> [e.error_kind for e in journal.recent_errors(1)]  # doctest: +SKIP
            ['EncryptedFileError']
        """
        when = func.coalesce(_files.c.finished_at, _files.c.claimed_at, _files.c.seen_at)
        query = select(_files).where(_files.c.error_kind.is_not(None)).order_by(when.desc(), _files.c.id.desc())
        with self._read() as conn:
            return [_entry(row) for row in conn.execute(query.limit(limit)).mappings()]
