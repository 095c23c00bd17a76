"""Connecting to the journal's database: URLs, SQLite's durability settings (WAL, ``synchronous=FULL``, ``BEGIN
IMMEDIATE``), short transactions, and a damaged SQLite file reported in one sentence."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from sqlalchemy import (
    Connection,
    Engine,
    event,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
)

from ..errors import ConfigError

#: Seconds a SQLite connection waits for another process's write to finish before giving up.
SQLITE_BUSY_SECONDS: Final = 30
_READ_ONLY = "sglogs_read_only"


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


class Database:
    """A journal's engine and its short transactions; the journal's parts (claims, outcomes) build on it."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self.url = url
        self.journal_id = ""

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
