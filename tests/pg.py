"""A throw-away PostgreSQL cluster for the tests, and the ``store_url`` fixture that runs a test on both databases.

The cluster is made once per session with the server's own tools (``initdb`` + ``pg_ctl``) in a temporary folder,
listening on a Unix socket in that folder only (no TCP), and stopped and removed at the end. PostgreSQL refuses to
run as root, so where the tests run as root the cluster belongs to a system user ``sglogs-pg``, created if missing.
Where the server or the psycopg driver is missing the PostgreSQL cases skip and say how to get them.

Each test that asks for ``store_url`` gets a new empty database (``CREATE DATABASE``), so tests never see each
other's rows, and that database is dropped afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sglogs.store import sqlite_url

PG_USER = "sglogs-pg"
HOW_TO_GET_IT = ("PostgreSQL is not available here: install it (apt-get install postgresql, which make test does "
                 "where apt-get is available) and the driver (pip install 'sglogs[postgres]')")
STORES = ("sqlite", "postgres")


@dataclass(frozen=True)
class Cluster:
    """A running throw-away cluster: its data and socket folder, port and superuser."""

    root: Path
    port: int
    user: str = "postgres"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` in this cluster, over the Unix socket."""
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.root}&port={self.port}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (``CREATE DATABASE`` needs that)."""
        import psycopg

        with psycopg.connect(host=str(self.root), port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)


def pg_bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: Debian keeps them out of PATH, under /usr/lib/postgresql/<v>/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    # the port only names the socket file here (no TCP), but a free one keeps two sessions from clashing
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_cluster_owner() -> tuple[list[str], str | None]:
    """The command prefix that runs the server's tools as a non-root user, and that user (``None``: ourselves)."""
    if os.geteuid() != 0:
        return [], None
    if subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                       check=True, capture_output=True)
    return ["runuser", "-u", PG_USER, "--"], PG_USER


def start_cluster() -> Cluster:
    """Make and start a cluster in a new temporary folder; raise ``RuntimeError`` saying why it cannot.

    Example:
        >>> cluster = start_cluster()  # doctest: +SKIP
        >>> cluster.url("sglogs")  # doctest: +SKIP
        'postgresql+psycopg://postgres@/sglogs?host=/tmp/sglogs-pg-x&port=54321'
    """
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise RuntimeError("initdb and pg_ctl were not found")
    prefix, owner = _as_cluster_owner()
    root = Path(tempfile.mkdtemp(prefix="sglogs-pg-"))
    if owner is not None:
        shutil.chown(root, user=owner, group=owner)
    port = _free_port()
    data = root / "data"
    run = {"check": True, "capture_output": True, "text": True, "cwd": root}
    try:
        subprocess.run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "--no-sync", "-E", "UTF8", "--locale=C"], **run)
        # fsync off: a test cluster need not survive a power cut, and it spares the shared disk
        options = f"-k {root} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=200"
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                        str(root / "server.log"), "-w", "-t", "60", "start"], **run)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"the test cluster did not start: {exc.stderr.strip() or exc.stdout.strip()}") from exc
    return Cluster(root=root, port=port)


def stop_cluster(cluster: Cluster) -> None:
    """Stop the cluster (fast shutdown: connections are cut) and remove its folder."""
    prefix, _owner = _as_cluster_owner()
    bin_dir = pg_bin_dir()
    if bin_dir is not None:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(cluster.root / "data"), "-m", "fast", "-w",
                        "stop"], capture_output=True, cwd=cluster.root)
    shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One PostgreSQL cluster for the whole session; tests that use it skip where PostgreSQL is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip(f"{HOW_TO_GET_IT} (psycopg is not installed)")
    try:
        cluster = start_cluster()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"{HOW_TO_GET_IT} ({exc})")
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@contextlib.contextmanager
def fresh_database(cluster: Cluster) -> Iterator[str]:
    """A new empty database for one test; its URL. Dropped afterwards (``FORCE``: a killed service's sessions)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    cluster.execute(f'CREATE DATABASE "{name}"')
    try:
        yield cluster.url(name)
    finally:
        cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The journal's URL, once for a SQLite file and once for a fresh PostgreSQL database."""
    if request.param == "sqlite":
        (tmp_path / "journal").mkdir(exist_ok=True)
        yield sqlite_url(tmp_path / "journal" / "journal.sqlite3")
        return
    with fresh_database(request.getfixturevalue("pg_cluster")) as url:
        yield url


# ------------------------------------------------------------------------------------------------ service tests

_SERVICE_URLS: dict[Path, str] = {}


def pg_store_url(tmp: Path) -> str | None:
    """The PostgreSQL journal a service test under ``tmp`` uses; ``None``: the SQLite file in ``tmp/journal``."""
    return _SERVICE_URLS.get(Path(tmp))


def journal_url(tmp: Path) -> str:
    """The journal URL of the service test under ``tmp``, whichever database it runs on."""
    return pg_store_url(tmp) or sqlite_url(Path(tmp) / "journal" / "journal.sqlite3")


def journal_exists(tmp: Path) -> bool:
    """Whether the service test's journal exists yet, tables and all (a PostgreSQL one is made before the test
    starts; a SQLite file is there a moment before the service has created its tables in it)."""
    if pg_store_url(tmp) is not None:
        return True
    path = Path(tmp) / "journal" / "journal.sqlite3"
    if not path.exists():
        return False
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)) as db:
            made = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {"meta", "files", "instances"} <= made
    except sqlite3.Error:
        return False


@pytest.fixture(params=STORES)
def service_store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Runs a service test once on SQLite and once on PostgreSQL (``service.store_url`` for in-process services,
    ``SGLOGS_SERVICE__STORE_URL`` for service processes and the CLI tests; see ``pg_store_url``)."""
    if request.param == "sqlite":
        yield request.param
        return
    from sglogs.store import Journal

    with fresh_database(request.getfixturevalue("pg_cluster")) as url:
        Journal.open(url).close()  # the tables exist from the start, as a database an administrator set up
        _SERVICE_URLS[tmp_path] = url
        if "cli_app" in request.fixturenames:  # the command line reads its settings from the environment
            monkeypatch.setenv("SGLOGS_SERVICE__STORE_URL", url)
        try:
            yield request.param
        finally:
            _SERVICE_URLS.pop(tmp_path, None)
