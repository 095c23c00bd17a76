"""The ``Journal``: opened (tables created or checked, one schema lock on PostgreSQL), the services registered in
it and their heartbeats; claims and outcomes come from ``claims`` and ``outcomes``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    create_engine,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import (
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)

from ..errors import ConfigError, SetupError
from .claims import (
    ClaimsMixin,
)
from .database import (
    SQLITE_BUSY_SECONDS,
    _first_line,
    _parse_url,
    _sqlite_transactions,
    describe_url,
    sqlite_path,
)
from .outcomes import (
    OutcomesMixin,
)
from .schema import (
    _SCHEMA_LOCK_KEY,
    SCHEMA_VERSION,
    InstanceInfo,
    _files,
    _instance,
    _instance_values,
    _instances,
    _meta,
    _metadata,
    _new_id,
)


class Journal(ClaimsMixin, OutcomesMixin):
    """The service's journal in a database; each method is one short transaction.

    Example:
        >>> journal = Journal.open(sqlite_url(Path("/tmp/j.sqlite3")))  # doctest: +SKIP
        >>> entry = journal.record("inbox-id", "log.docx", "ab" * 32, 1234)  # doctest: +SKIP
        >>> journal.claim(entry.id, "me", lease_seconds=60).status  # doctest: +SKIP
        <ClaimStatus.CLAIMED: 'claimed'>
    """

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
                engine = create_engine(parsed, pool_pre_ping=True, connect_args=_bounded_waits(parsed))
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
            raise SetupError(
                f"The journal {describe_url(self.url)} cannot be opened ({_first_line(exc.orig)}); check that the "
                "folder exists and is writable, or that the database server is reachable and holds sglogs' tables."
            ) from exc

    def close(self) -> None:
        """Close the journal's connections.

        Example:
            >>> journal.close()  # doctest: +SKIP
        """
        self._engine.dispose()

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


#: libpq settings that bound every wait on a PostgreSQL journal (issue 17): a database host that dies or a network
#: that drops packets must not hold a service's loop (and so SIGTERM) for ever. A URL's own values win.
_PG_BOUNDS = {"connect_timeout": "10", "keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
              "keepalives_count": "3",
              "options": "-c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000"}


def _bounded_waits(url: Any) -> dict[str, str]:
    """Connection arguments that bound waits on PostgreSQL through psycopg; none for other databases.

    Example:
        >>> from sqlalchemy.engine import make_url
        >>> _bounded_waits(make_url("postgresql+psycopg://u@h/db?connect_timeout=3"))["connect_timeout"]
        '3'
    """
    if url.get_backend_name() != "postgresql" or url.get_driver_name() not in ("psycopg", "psycopg2"):
        return {}
    return {key: str(url.query.get(key, value)) for key, value in _PG_BOUNDS.items()}
