"""The journal of the watched-folder service: every file it met, by SHA-256 and path, with its state and times.

SQLAlchemy Core only, and only here (STYLE rule 6). A SQLite file on local disk by default, in WAL mode with
``synchronous=FULL`` so that a committed row survives a crash or a power cut; any SQLAlchemy URL (PostgreSQL)
works unchanged, which is what several hosts sharing one folder need: SQLite's WAL does not work over SMB/NFS.

Exactly-once rests on these database rules, each enforced by one atomic statement or index:

* a file's *claim* is a compare-and-set ``UPDATE ... WHERE claimed_by IS NULL OR lease_until < now`` in one
  short transaction: of two services only one gets ``rowcount == 1``. On PostgreSQL the row is first locked with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` (as procrastinate fetches jobs), so a service never waits behind
  another's claim of the same row, it sees the row as busy and moves on; on SQLite ``BEGIN IMMEDIATE`` makes
  the transaction exclusive instead;
* an outcome (``done``, ``rejected``, ``duplicate``) is recorded only by the claim's holder and never replaced
  by another outcome, so each file has exactly one;
* a unique index over ``sha256`` for rows in ``processing`` or ``done`` lets at most one copy of some content be
  worked on or finished; a second copy's claim fails on that index and the copy becomes a ``duplicate``;
* a unique index over ``(inbox_id, path, sha256)`` for rows not yet closed gives a file sitting in the inbox one
  row, however many services see it;
* a unique index over ``archive_path`` reserves the name an original is filed under before anything is written
  there, so two files called ``log.docx`` never overwrite each other's original or note.

A claim carries a lease that the owner's heartbeat extends; a claim whose owner died is released (``take_back``)
by whoever notices, or simply claimed over once its lease has run out, and the file is picked up again. Times
are Unix seconds (``time.time()``) as floats.

Modules: ``schema`` (tables, states, rows), ``database`` (URLs, engine, SQLite durability, short transactions),
``claims`` (record, claim, release, take back), ``outcomes`` (archive names, outcomes, queries), ``journal`` (open,
registered services, heartbeats).
"""

from __future__ import annotations

from .database import (
    SQLITE_BUSY_SECONDS,
    damaged_journal_message,
    describe_url,
    sqlite_path,
    sqlite_url,
)
from .journal import (
    Journal,
)
from .schema import (
    SCHEMA_VERSION,
    Claim,
    ClaimStatus,
    FileState,
    InstanceInfo,
    JournalEntry,
)

__all__ = [
    "SCHEMA_VERSION",
    "SQLITE_BUSY_SECONDS",
    "Claim",
    "ClaimStatus",
    "FileState",
    "InstanceInfo",
    "Journal",
    "JournalEntry",
    "damaged_journal_message",
    "describe_url",
    "sqlite_path",
    "sqlite_url",
]
