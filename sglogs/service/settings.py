"""The service's settings: ``[service]`` in sglogs.toml and ``SGLOGS_SERVICE__*``, the defaults, where its own
data lives on this computer, and the options of one run."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..config import Settings
from ..errors import ConfigError
from ..store import (
    sqlite_url,
)

DEFAULT_SETTLE_SECONDS: Final = 2.0
DEFAULT_RESCAN_MINUTES: Final = 5.0
DEFAULT_MAX_ATTEMPTS: Final = 3
DEFAULT_LEASE_SECONDS: Final = 60.0
DEFAULT_HEARTBEAT_SECONDS: Final = 10.0
DEFAULT_RETRY_SECONDS: Final = 30.0
DEFAULT_INCOMPLETE_GRACE_SECONDS: Final = 60.0
DEFAULT_FILE_TIMEOUT_SECONDS: Final = 120.0
DEFAULT_STOP_SECONDS: Final = 20.0
DEFAULT_POLL_INTERVAL_SECONDS: Final = 1.0
#: At most this many worker processes by default (each holds the readers and a framework set, ~150 MB).
MAX_DEFAULT_WORKERS: Final = 4
#: Hidden folder sglogs keeps in the inbox: the inbox's id, and a note per running service watching it.
INBOX_STATE_DIR: Final = ".sglogs"


class ServiceSettings(BaseModel):
    """Knobs of the watched-folder service (``[service]`` in sglogs.toml, ``SGLOGS_SERVICE__*``).

    ``workers`` worker processes review files side by side (default ``default_workers()``: one per core, at most
    four), so one slow file never holds the others; each file has ``file_timeout_seconds``, after which its worker
    is ended. SIGTERM lets files being processed finish for up to ``stop_seconds``, then ends their workers and
    gives the files back uncounted.

    ``journal`` is the SQLite journal file (``None``: ``default_journal_path()``, on local disk); ``store_url``
    (any SQLAlchemy URL, e.g. PostgreSQL for several hosts) wins over it. ``work_dir`` holds private copies of
    files being processed (``None``: ``work`` beside the default journal). Times are in seconds unless named.

    Example:
        >>> ServiceSettings().settle_seconds
        2.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    settle_seconds: float = Field(default=DEFAULT_SETTLE_SECONDS, ge=0.05, le=3600)
    rescan_minutes: float = Field(default=DEFAULT_RESCAN_MINUTES, gt=0, le=1440)
    max_attempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, ge=1, le=100)
    lease_seconds: float = Field(default=DEFAULT_LEASE_SECONDS, ge=1, le=86400)
    heartbeat_seconds: float = Field(default=DEFAULT_HEARTBEAT_SECONDS, gt=0, le=3600)
    retry_seconds: float = Field(default=DEFAULT_RETRY_SECONDS, ge=0, le=86400)
    incomplete_grace_seconds: float = Field(default=DEFAULT_INCOMPLETE_GRACE_SECONDS, ge=0, le=86400)
    file_timeout_seconds: float = Field(default=DEFAULT_FILE_TIMEOUT_SECONDS, gt=0, le=86400)
    stop_seconds: float = Field(default=DEFAULT_STOP_SECONDS, ge=0, le=3600)
    poll_interval_seconds: float = Field(default=DEFAULT_POLL_INTERVAL_SECONDS, gt=0, le=600)
    workers: int = Field(default_factory=lambda: default_workers(), ge=1, le=32)
    journal: Path | None = None
    work_dir: Path | None = None
    store_url: str | None = None

    @model_validator(mode="after")
    def _heartbeat_within_lease(self) -> ServiceSettings:
        if self.heartbeat_seconds * 2 > self.lease_seconds:
            raise ValueError("heartbeat_seconds must be at most half of lease_seconds, or claims would lapse")
        return self

    def journal_url(self, outbox: Path) -> str:
        """The journal's database URL: ``store_url``, else the SQLite file ``journal`` or its default.

        Example:
            >>> ServiceSettings(journal=Path("/var/lib/sglogs/j.sqlite3")).journal_url(Path("outbox"))
            'sqlite+pysqlite:////var/lib/sglogs/j.sqlite3'
        """
        return self.store_url or sqlite_url(self.journal or default_journal_path(outbox))

    def work_root(self, outbox: Path) -> Path:
        """The folder for private working copies (local disk, readable by the service's user only).

        Example:
            >>> ServiceSettings(work_dir=Path("/var/lib/sglogs/work")).work_root(Path("outbox"))
            PosixPath('/var/lib/sglogs/work')
        """
        return self.work_dir or default_journal_path(outbox).parent / "work"


def default_workers() -> int:
    """Worker processes by default: the cores this process may use, at least one, at most four.

    Example:
        >>> 1 <= default_workers() <= MAX_DEFAULT_WORKERS
        True
    """
    try:
        cores = len(os.sched_getaffinity(0))  # what a container or taskset allows, not the machine's count
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def service_settings(settings: Settings) -> ServiceSettings:
    """The service's settings, from ``[service]`` in sglogs.toml and ``SGLOGS_SERVICE__*`` variables.

    Example:
        >>> service_settings(load_settings()).rescan_minutes  # doctest: +SKIP
        5.0
    """
    # the [service] table of sglogs.toml, with SGLOGS_SERVICE__* variables already merged into it
    values = dict(settings.service)
    try:
        return ServiceSettings.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"]) or "service"
        raise ConfigError(
            f"Setting 'service.{key}' (SGLOGS_SERVICE__{key.upper()}) is invalid ({error['msg']}); "
            "correct it and start again."
        ) from exc


def data_dir() -> Path:
    """sglogs' folder for its own data on this computer's local disk (per user).

    ``%LOCALAPPDATA%\\sglogs`` on Windows (not the roaming profile, which may live on a server),
    ``~/Library/Application Support/sglogs`` on macOS, ``$XDG_DATA_HOME/sglogs`` (``~/.local/share/sglogs``)
    elsewhere.

    Example:
        >>> data_dir().name
        'sglogs'
    """
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "sglogs"


def default_journal_path(outbox: Path) -> Path:
    """Where the journal lives unless configured: with the installation's outbox, ``<outbox>/.sglogs/journal.sqlite3``
    (issue 12: a per-user journal made a second set-up see every file the first had processed as a duplicate).

    Example:
        >>> default_journal_path(Path("outbox")).as_posix()
        'outbox/.sglogs/journal.sqlite3'
    """
    return outbox / ".sglogs" / "journal.sqlite3"


class WatchOptions(BaseModel):
    """One run of the service: which folders, once or for good, native events or polling.

    Example:
        >>> WatchOptions(inbox=Path("inbox"), outbox=Path("outbox"), once=True).polling
        False
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    inbox: Path
    outbox: Path
    once: bool = False
    polling: bool = False
