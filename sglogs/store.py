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
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)

from .errors import ConfigError, SetupError

#: Version of the tables below; a journal written by a newer sglogs is refused rather than misread.
SCHEMA_VERSION: Final = 1
#: Seconds a SQLite connection waits for another process's write to finish before giving up.
SQLITE_BUSY_SECONDS: Final = 30
_READ_ONLY = "sglogs_read_only"
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


# ------------------------------------------------------------------------------------------------- URLs


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite journal file (absolute, so the working folder does not matter).

    Example:
        >>> sqlite_url(Path("/var/lib/sglogs/journal.sqlite3"))
        'sqlite+pysqlite:////var/lib/sglogs/journal.sqlite3'
    """
    return URL.create("sqlite+pysqlite", database=str(Path(path).absolute())).render_as_string()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; ``None`` for another database or an in-memory SQLite.

    Example:
        >>> sqlite_path("postgresql+psycopg://sglogs@db/sglogs") is None
        True
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def describe_url(url: str) -> str:
    """The URL fit to print: a password is masked.

    Example:
        >>> describe_url("postgresql://sglogs:secret@db/sglogs")
        'postgresql://sglogs:***@db/sglogs'
    """
    path = sqlite_path(url)
    return str(path) if path is not None else _parse_url(url).render_as_string(hide_password=True)


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            "service.store_url is not a database URL; write it like postgresql+psycopg://user@host/sglogs, "
            "or remove it to use the local SQLite journal."
        ) from exc


# ------------------------------------------------------------------------------------------------- the journal


class Journal:
    """The service's journal in a database; each method is one short transaction.

    Example:
        >>> journal = Journal.open(sqlite_url(Path("/tmp/j.sqlite3")))  # doctest: +SKIP
        >>> entry = journal.record("inbox-id", "log.docx", "ab" * 32, 1234)  # doctest: +SKIP
        >>> journal.claim(entry.id, "me", lease_seconds=60).status  # doctest: +SKIP
        <ClaimStatus.CLAIMED: 'claimed'>
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self.url = url
        self.journal_id = ""

    @classmethod
    def open(cls, url: str, *, create: bool = True) -> Journal:
        """Connect to the journal at ``url``, creating its tables when ``create`` (else they must exist).

        Raises ``ConfigError`` when the database cannot be opened or was written by a newer sglogs.

        Example:
            >>> Journal.open("sqlite+pysqlite:////tmp/journal.sqlite3").url  # doctest: +SKIP
            'sqlite+pysqlite:////tmp/journal.sqlite3'
        """
        parsed = _parse_url(url)
        path = sqlite_path(url)
        if path is not None and not create and not path.is_file():
            raise ConfigError(f"There is no journal at {path}; start the service once to create it, or check "
                              "service.journal.")
        try:
            if path is not None:
                engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS})
                _sqlite_transactions(engine)
            else:
                engine = create_engine(parsed, pool_pre_ping=True)
        except (ImportError, NoSuchModuleError) as exc:
            raise ConfigError(
                f"The database driver for {describe_url(url)} is not installed ({exc}); install it in "
                "sglogs' environment or use the default SQLite journal."
            ) from exc
        journal = cls(engine, url)
        try:
            journal._prepare(create)
        except BaseException:
            engine.dispose()  # a refused journal leaves no connection open behind it
            raise
        return journal

    def _prepare(self, create: bool) -> None:
        try:
            self._prepare_tables(create)
        except (OperationalError, ProgrammingError) as exc:
            raise SetupError(  # exit 2: a journal location that cannot be written is a set-up mistake (issue 12)
                f"The journal {describe_url(self.url)} cannot be opened ({_first_line(exc.orig)}); check that the "
                "folder exists and is writable, or that the database server is reachable and holds sglogs' tables."
            ) from exc

    def close(self) -> None:
        """Close the journal's connections.

        Example:
            >>> journal.close()  # doctest: +SKIP
        """
        self._engine.dispose()

    # --------------------------------------------------------------------------------------- set-up

    def _prepare_tables(self, create: bool) -> None:
        postgres = self._engine.dialect.name == "postgresql"
        if create and not postgres:
            with self._damage_is_one_sentence():
                _metadata.create_all(self._engine)
        with self._write() as conn:
            if postgres:
                # Services starting together would race to create the same tables (a unique violation in
                # PostgreSQL's catalog): one transaction-scoped advisory lock makes them take turns, and the DDL
                # is transactional, so a later one finds the tables made.
                conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))
                if create:
                    _metadata.create_all(conn)
            values = {key: value for key, value in conn.execute(select(_meta.c.key, _meta.c.value))}
            version = int(values.get("schema", SCHEMA_VERSION))
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"The journal {describe_url(self.url)} was written by a newer sglogs (schema {version}); "
                    "upgrade sglogs on this computer."
                )
            if "journal_id" not in values:
                values["journal_id"] = _new_id()
                conn.execute(insert(_meta), [{"key": "schema", "value": str(SCHEMA_VERSION)},
                                             {"key": "journal_id", "value": values["journal_id"]}])
        self.journal_id = values["journal_id"]

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._damage_is_one_sentence(), self._engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._damage_is_one_sentence(), self._engine.connect() as conn:
            yield conn.execution_options(**{_READ_ONLY: True})

    @contextlib.contextmanager
    def _damage_is_one_sentence(self) -> Iterator[None]:
        """A SQLite journal that is not a database or is damaged: one sentence saying how to recover, so that
        ``watch`` and ``status`` stop with it instead of a traceback (wherever SQLite first notices)."""
        try:
            yield
        except DatabaseError as exc:
            if not _is_damaged(exc):
                raise
            raise ConfigError(damaged_journal_message(sqlite_path(self.url) or Path(describe_url(self.url)),
                                                      _first_line(exc.orig))) from exc

    # --------------------------------------------------------------------------------------- instances

    def register_instance(self, info: InstanceInfo) -> None:
        """Record a service that starts.

        Example:
            >>> journal.register_instance(info)  # doctest: +SKIP
        """
        with self._write() as conn:
            conn.execute(insert(_instances).values(**_instance_values(info)))

    def heartbeat(self, instance_id: str, lease_seconds: float, now: float | None = None) -> int:
        """Say ``instance_id`` is alive and extend the leases of its claims; return how many claims it holds.

        Example:
            >>> journal.heartbeat("a1b2", lease_seconds=60)  # doctest: +SKIP
            1
        """
        now = time.time() if now is None else now
        with self._write() as conn:
            conn.execute(update(_instances).where(_instances.c.id == instance_id).values(heartbeat_at=now))
            result = conn.execute(update(_files).where(_files.c.claimed_by == instance_id)
                                  .values(lease_until=now + lease_seconds))
            return result.rowcount

    def stop_instance(self, instance_id: str, now: float | None = None) -> None:
        """Record that a service stopped cleanly.

        Example:
            >>> journal.stop_instance("a1b2")  # doctest: +SKIP
        """
        now = time.time() if now is None else now
        with self._write() as conn:
            conn.execute(update(_instances).where(_instances.c.id == instance_id)
                         .values(stopped_at=now, heartbeat_at=now))

    def instances(self, *, running_only: bool = True) -> list[InstanceInfo]:
        """Services known to the journal, newest first; ``running_only`` leaves out those that stopped cleanly.

        Example:
            >>> [i.pid for i in journal.instances()]  # doctest: +SKIP
            [4242]
        """
        query = select(_instances).order_by(_instances.c.started_at.desc())
        if running_only:
            query = query.where(_instances.c.stopped_at.is_(None))
        with self._read() as conn:
            return [_instance(row) for row in conn.execute(query).mappings()]

    def instances_by_id(self, instance_ids: Sequence[str]) -> dict[str, InstanceInfo]:
        """The services with these ids (those the journal does not know are left out).

        Example:
            >>> journal.instances_by_id(["a1b2"])["a1b2"].pid  # doctest: +SKIP
            4242
        """
        if not instance_ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(select(_instances).where(_instances.c.id.in_(list(instance_ids)))).mappings()
            return {row["id"]: _instance(row) for row in rows}

    def forget_instances(self, instance_ids: Sequence[str]) -> None:
        """Mark services found dead as stopped, so they are not shown as running.

        Example:
            >>> journal.forget_instances(["a1b2"])  # doctest: +SKIP
        """
        if not instance_ids:
            return
        with self._write() as conn:
            conn.execute(update(_instances).where(_instances.c.id.in_(list(instance_ids)),
                                                  _instances.c.stopped_at.is_(None))
                         .values(stopped_at=_instances.c.heartbeat_at))

    # --------------------------------------------------------------------------------------- files

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

    # --------------------------------------------------------------------------------------- queries

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


# ------------------------------------------------------------------------------------------------- helpers


def _sqlite_transactions(engine: Engine) -> None:
    """WAL, full durability and BEGIN IMMEDIATE on every SQLite connection of the engine.

    pysqlite starts transactions lazily and only before writes, so a transaction that reads then writes can hit
    "database is locked" without waiting; taking the write lock at BEGIN makes every transaction wait its turn.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            cursor.execute("PRAGMA synchronous=FULL")
            _use_wal(cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(_READ_ONLY) else "BEGIN IMMEDIATE")


def _use_wal(cursor: Any) -> None:
    """Switch the database to WAL (it stays so in the file). Two services creating a journal at the same moment
    can get "database is locked" here without SQLite's busy handler ever waiting, so this waits itself."""
    import sqlite3

    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def damaged_journal_message(path: Path, reason: str) -> str:
    """The one sentence for a journal file that is damaged or not a database, with the way to recover.

    Example:
        >>> damaged_journal_message(Path("/var/lib/sglogs/journal.sqlite3"), "file is not a database")[:60]
        'The journal /var/lib/sglogs/journal.sqlite3 is damaged or is'
    """
    return (f"The journal {path} is damaged or is not a database ({reason}); stop every sglogs service that uses "
            f"it, move it aside (for example to {path.name}.damaged) and start the service again: it makes a new "
            "journal and finds the files still in the inbox, and the outbox keeps every output already written.")


def _is_damaged(exc: DatabaseError) -> bool:
    import sqlite3

    code = getattr(exc.orig, "sqlite_errorcode", None)
    return isinstance(exc.orig, sqlite3.DatabaseError) and code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


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
