"""Claims: a file recorded once, taken by exactly one service (compare-and-set, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), given back, taken back from a service that died, or forgotten when it left the inbox."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import (
    Connection,
    case,
    delete,
    insert,
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
    _WORKED_ON,
    Claim,
    ClaimStatus,
    FileState,
    JournalEntry,
    _entry,
    _files,
)


class ClaimsMixin(Database):
    """The journal's claim operations (each one short transaction)."""

    def record(self, inbox_id: str, path: str, sha256: str, size: int, now: float | None = None) -> JournalEntry:
        """Return the open row of this content at this path, adding it (state ``seen``) when there is none.

        An unclaimed ``seen`` row of other content at the same path is removed: the file was replaced before
        anyone worked on it.

        Example:
            >>> journal.record("inbox-id", "Sunflower/log.docx", "ab" * 32, 52311).state  # doctest: +SKIP
            <FileState.SEEN: 'seen'>
        """
        now = time.time() if now is None else now
        where = (_files.c.inbox_id == inbox_id, _files.c.path == path, _files.c.sha256 == sha256, _OPEN)
        for _ in range(3):
            try:
                with self._write() as conn:
                    row = conn.execute(select(_files).where(*where)).mappings().first()
                    if row is not None:
                        return _entry(row)
                    conn.execute(delete(_files).where(
                        _files.c.inbox_id == inbox_id, _files.c.path == path, _files.c.sha256 != sha256, _OPEN,
                        _files.c.state == FileState.SEEN.value, _files.c.claimed_by.is_(None)))
                    result = conn.execute(insert(_files).values(
                        inbox_id=inbox_id, path=path, sha256=sha256, size=size, state=FileState.SEEN.value,
                        attempts=0, rechecks=0, seen_at=now))
                    file_id = result.inserted_primary_key[0]
                    return _entry(conn.execute(select(_files).where(_files.c.id == file_id)).mappings().one())
            except IntegrityError:
                continue  # another service inserted the same row between our select and insert: read theirs
        raise RuntimeError("journal: could not record a file after three tries")

    def claim(self, file_id: int, owner: str, *, lease_seconds: float, count_attempt: bool = True,
              now: float | None = None) -> Claim:
        """Take a row for ``owner`` if nobody holds it: atomically, so of two services only one succeeds.

        A ``seen`` row becomes ``processing`` and its ``attempts`` go up by one; so does a ``processing`` row
        taken over from a service that died. ``count_attempt=False`` leaves the count to ``start_attempt``, for a
        claimant that takes files ahead of processing them. A finished row keeps its state (it is claimed to be
        filed away). If another row with the same content is already ``done``, this row becomes a ``duplicate``.

        Example:
            >>> journal.claim(12, "a1b2", lease_seconds=60).status  # doctest: +SKIP
            <ClaimStatus.CLAIMED: 'claimed'>
        """
        now = time.time() if now is None else now
        for _ in range(3):
            try:
                return self._claim_once(file_id, owner, lease_seconds, now, count_attempt)
            except IntegrityError:
                pass  # the same content is processing or done under another row: decided below
            outcome = self._claim_copy(file_id, owner, lease_seconds, now)
            if outcome is not None:
                return outcome
        return Claim(ClaimStatus.BUSY, self.entry(file_id))

    def _claim_once(self, file_id: int, owner: str, lease_seconds: float, now: float, count: bool) -> Claim:
        with self._write() as conn:
            row = _locked_row(conn, file_id)
            if row is None:
                return _not_lockable(conn, file_id)
            if row["closed_at"] is not None:
                return Claim(ClaimStatus.GONE, _entry(row))
            current = _entry(row)
            if current.claimed_by is not None and not _lapsed(current, now):
                return Claim(ClaimStatus.BUSY, current)
            if current.not_before is not None and current.not_before > now:
                return Claim(ClaimStatus.NOT_YET, current)
            working = current.state in (FileState.SEEN, FileState.PROCESSING)
            result = conn.execute(
                update(_files).where(_files.c.id == file_id, _free(now)).values(
                    state=FileState.PROCESSING.value if working else current.state.value,
                    attempts=current.attempts + (1 if working and count else 0),
                    claimed_by=owner, lease_until=now + lease_seconds, claimed_at=now, not_before=None))
            if result.rowcount != 1:
                return Claim(ClaimStatus.BUSY, current)
            return Claim(ClaimStatus.CLAIMED, _entry(
                conn.execute(select(_files).where(_files.c.id == file_id)).mappings().one()))

    def _claim_copy(self, file_id: int, owner: str, lease_seconds: float, now: float) -> Claim | None:
        """Our row's content is worked on under another row: a duplicate if that one is done, else busy."""
        with self._write() as conn:
            row = _locked_row(conn, file_id)
            if row is None:
                return _not_lockable(conn, file_id)
            current = _entry(row)
            other_row = conn.execute(select(_files).where(
                _files.c.sha256 == current.sha256, _WORKED_ON, _files.c.id != file_id)).mappings().first()
            if other_row is None:
                return None  # the other copy was released meanwhile: try the claim again
            other = _entry(other_row)
            if other.state is not FileState.DONE:
                return Claim(ClaimStatus.BUSY, current, other)
            result = conn.execute(
                update(_files).where(_files.c.id == file_id, _free(now),
                                     _files.c.state == FileState.SEEN.value).values(
                    state=FileState.DUPLICATE.value, duplicate_of=other.id, claimed_by=owner,
                    lease_until=now + lease_seconds, claimed_at=now, finished_at=now, not_before=None))
            if result.rowcount != 1:
                return Claim(ClaimStatus.BUSY, current, other)
            return Claim(ClaimStatus.DUPLICATE, _entry(
                conn.execute(select(_files).where(_files.c.id == file_id)).mappings().one()), other)

    def start_attempt(self, file_id: int, owner: str) -> int | None:
        """Count one more attempt at processing a row ``owner`` holds; the new count, ``None`` if the claim is lost.

        Example:
            >>> journal.start_attempt(12, "a1b2")  # doctest: +SKIP
            1
        """
        with self._write() as conn:
            result = conn.execute(update(_files).where(_files.c.id == file_id, _files.c.claimed_by == owner)
                                  .values(attempts=_files.c.attempts + 1))
            if result.rowcount != 1:
                return None
            return conn.execute(select(_files.c.attempts).where(_files.c.id == file_id)).scalar_one()

    def release(
        self,
        file_id: int,
        owner: str,
        *,
        not_before: float | None = None,
        error_kind: str | None = None,
        error: str | None = None,
        count_attempt: bool = True,
        recheck: bool = False,
    ) -> bool:
        """Give a claimed row back to be tried again after ``not_before``; ``False`` if ``owner`` lost the claim.

        A row being processed goes back to ``seen`` (so another copy of the content may go ahead); a finished
        row keeps its outcome and only waits to be filed away again. ``count_attempt=False`` takes back the
        attempt the claim counted (the failure was not the file's: a full disk, a share that went away).
        ``recheck`` records that the file was given a second look because it may have been incomplete.

        Example:
            >>> journal.release(12, "a1b2", not_before=time.time() + 30, error_kind="TimeoutError")  # doctest: +SKIP
            True
        """
        values: dict[str, Any] = {
            "claimed_by": None, "lease_until": None, "not_before": not_before,
            "state": _released_state(), "attempts": _released_attempts(count_attempt),
            "rechecks": _files.c.rechecks + (1 if recheck else 0),
        }
        if error_kind is not None:
            values.update(error_kind=error_kind, error=error)
        with self._write() as conn:
            result = conn.execute(update(_files).where(_files.c.id == file_id, _files.c.claimed_by == owner)
                                  .values(**values))
            return result.rowcount == 1

    def take_back(self, file_id: int, dead_owner: str) -> bool:
        """Release the claim of a service that died, if it still holds the row (compare-and-set).

        Example:
            >>> journal.take_back(12, "dead-instance")  # doctest: +SKIP
            True
        """
        with self._write() as conn:
            result = conn.execute(update(_files).where(_files.c.id == file_id, _files.c.claimed_by == dead_owner)
                                  .values(claimed_by=None, lease_until=None))
            return result.rowcount == 1

    def forget(self, file_id: int, owner: str) -> bool:
        """Remove a row whose file left the inbox before anything was made from it.

        Only a row ``owner`` claimed and that has no outcome is removed (a ``duplicate`` counts as one only once
        it has a name to be filed under).

        Example:
            >>> journal.forget(12, "a1b2")  # doctest: +SKIP
            True
        """
        with self._write() as conn:
            result = conn.execute(delete(_files).where(
                _files.c.id == file_id, _files.c.claimed_by == owner,
                _files.c.state.in_((FileState.SEEN.value, FileState.PROCESSING.value))
                | ((_files.c.state == FileState.DUPLICATE.value) & _files.c.archive_path.is_(None))))
            return result.rowcount == 1

    def forget_unclaimed(self, file_id: int) -> bool:
        """Remove a row nobody holds whose file left the inbox before it had an outcome.

        Example:
            >>> journal.forget_unclaimed(12)  # doctest: +SKIP
            True
        """
        with self._write() as conn:
            result = conn.execute(delete(_files).where(
                _files.c.id == file_id, _files.c.claimed_by.is_(None),
                _files.c.state.in_((FileState.SEEN.value, FileState.PROCESSING.value))))
            return result.rowcount == 1


def _locked_row(conn: Connection, file_id: int) -> Any:
    """The row, locked for this short transaction; ``None`` if it is gone or another transaction holds it.

    On PostgreSQL ``FOR UPDATE SKIP LOCKED``: a service never waits behind another one's claim of the same row,
    it moves on (the row is busy). SQLite has no row locks and renders no ``FOR UPDATE``; there ``BEGIN
    IMMEDIATE`` already makes the whole transaction exclusive.
    """
    query = select(_files).where(_files.c.id == file_id).with_for_update(skip_locked=True)
    return conn.execute(query).mappings().first()


def _not_lockable(conn: Connection, file_id: int) -> Claim:
    """Why ``_locked_row`` found nothing: the row is gone, or another service is claiming it right now."""
    row = conn.execute(select(_files).where(_files.c.id == file_id)).mappings().first()
    return Claim(ClaimStatus.GONE) if row is None else Claim(ClaimStatus.BUSY, _entry(row))


def _lapsed(entry: JournalEntry, now: float) -> bool:
    """A claim whose lease ran out: its holder stopped renewing it (heartbeat), so another may take it over."""
    return entry.lease_until is not None and entry.lease_until < now


def _free(now: float) -> Any:
    """The compare-and-set condition of a claim: nobody holds the row, or its holder's lease has run out."""
    return _files.c.claimed_by.is_(None) | (_files.c.lease_until < now)


def _released_state() -> Any:
    return case((_files.c.state == FileState.PROCESSING.value, FileState.SEEN.value), else_=_files.c.state)


def _released_attempts(count_attempt: bool) -> Any:
    if count_attempt:
        return _files.c.attempts
    return case((_files.c.state == FileState.PROCESSING.value, _files.c.attempts - 1), else_=_files.c.attempts)
