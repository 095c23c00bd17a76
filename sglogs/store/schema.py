"""The journal's tables and the values read from them: file states, rows, claims, registered services."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

#: Version of the tables below; a journal written by a newer sglogs is refused rather than misread.
SCHEMA_VERSION: Final = 1
#: PostgreSQL advisory-lock key under which services create the tables one at a time ("sglogs" in ASCII).
_SCHEMA_LOCK_KEY: Final = 0x73676C6F6773


class FileState(StrEnum):
    """Where a file is in its life; ``done``, ``rejected`` and ``duplicate`` are outcomes, exactly one per file.

    Example:
        >>> FileState("done").is_outcome
        True
    """

    SEEN = "seen"
    PROCESSING = "processing"
    DONE = "done"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"

    @property
    def is_outcome(self) -> bool:
        """Whether the file has its final outcome (its original may still be waiting to be filed away)."""
        return self in (FileState.DONE, FileState.REJECTED, FileState.DUPLICATE)


class ClaimStatus(StrEnum):
    """What ``Journal.claim`` got.

    ``claimed``: the row is ours to work on (or, for a finished row, to file away). ``duplicate``: the content
    was already done under another row, and this row is now ours to file away as a duplicate. ``busy``: another
    service holds this row or is working on the same content. ``not_yet``: the row waits until ``not_before``.
    ``gone``: the row was closed or removed meanwhile.

    Example:
        >>> ClaimStatus.BUSY.value
        'busy'
    """

    CLAIMED = "claimed"
    DUPLICATE = "duplicate"
    BUSY = "busy"
    NOT_YET = "not_yet"
    GONE = "gone"


@dataclass(frozen=True)
class JournalEntry:
    """One row of the journal: a file (its content at a path) and what happened to it.

    ``path`` is relative to the inbox, with ``/`` separators; ``outputs`` and ``archive_path`` are relative to
    the outbox. ``claimed_by`` is ``None`` when no service holds the file. ``closed_at`` is ``None`` until the
    original has been filed away and removed from the inbox. ``attempts`` counts the times processing started.

    Example:
        >>> JournalEntry(id=1, inbox_id="x", path="a.docx", sha256="0" * 64, size=1, state=FileState.SEEN,
        ...     seen_at=0.0).short_sha
        '00000000'
    """

    id: int
    inbox_id: str
    path: str
    sha256: str
    size: int
    state: FileState
    seen_at: float
    kind: str | None = None
    attempts: int = 0
    rechecks: int = 0
    claimed_by: str | None = None
    lease_until: float | None = None
    not_before: float | None = None
    duplicate_of: int | None = None
    outputs: tuple[str, ...] = ()
    archive_path: str | None = None
    error_kind: str | None = None
    error: str | None = None
    summary: str | None = None
    process_seconds: float | None = None
    claimed_at: float | None = None
    finished_at: float | None = None
    closed_at: float | None = None

    @property
    def short_sha(self) -> str:
        """The first 8 hex digits of the SHA-256, enough to tell files apart in a log line."""
        return self.sha256[:8]


@dataclass(frozen=True)
class Claim:
    """The answer of ``Journal.claim``: the status, our row as it now is, and the row that blocks or matches it.

    Example:
        >>> Claim(ClaimStatus.GONE).entry is None
        True
    """

    status: ClaimStatus
    entry: JournalEntry | None = None
    other: JournalEntry | None = None


@dataclass(frozen=True)
class InstanceInfo:
    """A service that registered in the journal: where it runs and when it last said it was alive.

    ``host_key`` identifies the host and process namespace precisely enough to test ``pid`` there;
    ``proc_token`` tells a process apart from a later one that reuses its pid (``None``: unknown).

    Example:
        >>> InstanceInfo(id="a", host="h", host_key="h", pid=1, proc_token=None, inbox="/in", mode="polling",
        ...     version="0", started_at=0.0, heartbeat_at=0.0).stopped_at is None
        True
    """

    id: str
    host: str
    host_key: str
    pid: int
    proc_token: str | None
    inbox: str
    mode: str
    version: str
    started_at: float
    heartbeat_at: float
    stopped_at: float | None = None


# ------------------------------------------------------------------------------------------------- tables

_metadata = MetaData()

_meta = Table(
    "meta", _metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

_files = Table(
    "files", _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("inbox_id", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("kind", String(16)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("rechecks", Integer, nullable=False, default=0),
    Column("claimed_by", String(64)),
    Column("lease_until", Float),
    Column("not_before", Float),
    Column("duplicate_of", Integer),
    Column("outputs", Text),
    Column("archive_path", Text),
    Column("error_kind", String(64)),
    Column("error", Text),
    Column("summary", Text),
    Column("process_seconds", Float),
    Column("seen_at", Float, nullable=False),
    Column("claimed_at", Float),
    Column("finished_at", Float),
    Column("closed_at", Float),
    sqlite_autoincrement=True,  # an id names one file forever (log lines use it): never reuse a deleted row's
)

_OPEN = _files.c.closed_at.is_(None)
_OUTCOMES = (FileState.DONE.value, FileState.REJECTED.value, FileState.DUPLICATE.value)
_WORKED_ON = _files.c.state.in_((FileState.PROCESSING.value, FileState.DONE.value))
Index("files_open_path", _files.c.inbox_id, _files.c.path, _files.c.sha256, unique=True,
      sqlite_where=_OPEN, postgresql_where=_OPEN)
Index("files_one_copy_worked_on", _files.c.sha256, unique=True,
      sqlite_where=_WORKED_ON, postgresql_where=_WORKED_ON)
_ARCHIVED = _files.c.archive_path.is_not(None)
Index("files_one_row_per_archive_path", _files.c.archive_path, unique=True,
      sqlite_where=_ARCHIVED, postgresql_where=_ARCHIVED)
Index("files_sha256", _files.c.sha256)
Index("files_claimed_by", _files.c.claimed_by)
Index("files_state", _files.c.state)

_instances = Table(
    "instances", _metadata,
    Column("id", String(64), primary_key=True),
    Column("host", String(255), nullable=False),
    Column("host_key", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("proc_token", Text),
    Column("inbox", Text, nullable=False),
    Column("mode", String(32), nullable=False),
    Column("version", String(32), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
    Column("stopped_at", Float),
)


def _entry(row: Any) -> JournalEntry:
    outputs = tuple(json.loads(row["outputs"])) if row["outputs"] else ()
    return JournalEntry(
        id=row["id"], inbox_id=row["inbox_id"], path=row["path"], sha256=row["sha256"], size=row["size"],
        state=FileState(row["state"]), seen_at=row["seen_at"], kind=row["kind"], attempts=row["attempts"],
        rechecks=row["rechecks"], claimed_by=row["claimed_by"], lease_until=row["lease_until"],
        not_before=row["not_before"], duplicate_of=row["duplicate_of"], outputs=outputs,
        archive_path=row["archive_path"], error_kind=row["error_kind"], error=row["error"],
        summary=row["summary"], process_seconds=row["process_seconds"], claimed_at=row["claimed_at"],
        finished_at=row["finished_at"], closed_at=row["closed_at"],
    )


def _instance(row: Any) -> InstanceInfo:
    return InstanceInfo(**{name: row[name] for name in InstanceInfo.__dataclass_fields__})


def _instance_values(info: InstanceInfo) -> dict[str, Any]:
    return {name: getattr(info, name) for name in InstanceInfo.__dataclass_fields__}


def _new_id() -> str:
    return uuid.uuid4().hex
