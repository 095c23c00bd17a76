"""The watched-folder service: files dropped into the inbox are processed exactly once, as soon as they are whole.

How it decides *when* (``sglogs.dispatch`` decides *what*):

* Filesystem events are a hint, never the source of truth. The watchdog observer only puts paths on a queue;
  the inbox is also scanned at start-up and rescanned periodically, and a supervisor restarts the observer (and
  rescans) when its thread dies. ``polling`` is used on network shares, WSL and Docker Desktop, where native
  events do not see other computers' changes, and whenever native watching fails or is found to miss files.
* ``StabilityTracker`` (pure: no clock, no I/O) says a file is ready once its size, mtime and inode have not
  changed for ``settle_seconds`` of observation; a file still changing is waited for, however long.
* A ready file is copied to a private work folder (hashing it on the way), recorded in the journal by SHA-256 and
  path, and claimed there atomically; only the claimant processes it, in a worker process with a time limit.
* Outputs are made durable first, then the journal row gets its outcome, then the original is filed away
  (``processed/YYYY-MM``, ``rejected``, ``duplicates``) and the row is closed. A restart after a crash redoes
  whatever step was not recorded, so each file gets exactly one outcome.

Nothing here logs a file name or anything read from a file: log lines name a file by its journal id and the
first eight hex digits of its SHA-256.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import errno
import hashlib
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import re
import shutil
import signal
import socket
import stat
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from . import __version__
from .config import Settings
from .dispatch import (
    FileKind,
    OutboxLayout,
    Outcome,
    duplicate_note,
    failure_message,
    make_dirs,
    process_file,
    rejection_note,
    sync_dir,
    write_atomic,
)
from .errors import ConfigError, UsageError
from .files import TEMP_PREFIX, TEMP_SUFFIX
from .frameworks import installed_frameworks
from .models import Framework
from .read.safezip import printable_name
from .store import (
    Claim,
    ClaimStatus,
    FileState,
    InstanceInfo,
    Journal,
    JournalEntry,
    describe_url,
    sqlite_path,
    sqlite_url,
)

logger = logging.getLogger("sglogs.service")


class _StopRaceFilter(logging.Filter):
    """watchdog's inotify emitter logs an error when it is stopped in the middle of a read: harmless, and it would
    read as a fault in the service's log at every stop."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop that one message."""
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_StopRaceFilter())

DEFAULT_SETTLE_SECONDS: Final = 2.0
DEFAULT_RESCAN_MINUTES: Final = 5.0
DEFAULT_MAX_ATTEMPTS: Final = 3
DEFAULT_LEASE_SECONDS: Final = 60.0
DEFAULT_HEARTBEAT_SECONDS: Final = 10.0
DEFAULT_RETRY_SECONDS: Final = 30.0
DEFAULT_INCOMPLETE_GRACE_SECONDS: Final = 60.0
DEFAULT_FILE_TIMEOUT_SECONDS: Final = 600.0
DEFAULT_POLL_INTERVAL_SECONDS: Final = 1.0
DEFAULT_WORKERS: Final = 1
#: Hidden folder sglogs keeps in the inbox: the inbox's id, and a note per running service watching it.
INBOX_STATE_DIR: Final = ".sglogs"
#: Filesystems where native change events miss other computers' changes and SQLite's WAL is unsafe.
SHARED_FILESYSTEMS: Final = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "ncpfs", "afs", "afpfs", "webdav", "davfs", "fuse.davfs2",
    "fuse.sshfs", "sshfs", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "9p", "drvfs",
    "virtiofs", "vboxsf", "prl_fs", "osxfs", "grpcfuse", "fuse.grpcfuse", "fakeowner", "fuse.rclone",
    "fuse.s3fs", "fuse.gcsfuse", "fuse.onedriver",
})
_IGNORED_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", ".ds_store"})
_IGNORED_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".lock")
_IGNORED_FOLDERS = frozenset({"$recycle.bin", "system volume information", "@eadir", "#recycle", "#snapshot"})
_EXCEL_TEMP_NAME = re.compile(r"[0-9A-F]{8}")  # Excel saves through extension-less 8-hex-digit temp files
_WINDOWS_SKIP_ATTRIBUTES = 0x2 | 0x4 | 0x100 | 0x400  # hidden, system, temporary, reparse point (junction)
_WINDOWS_SHARING_VIOLATIONS = (32, 33)  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
_COPY_CHUNK = 1024 * 1024
_MISSED_EVENT_MARGIN_SECONDS = 5.0


# ================================================================================================ settings


class ServiceSettings(BaseModel):
    """Knobs of the watched-folder service (``[service]`` in sglogs.toml, ``SGLOGS_SERVICE__*``).

    ``journal`` is the SQLite journal file (``None``: ``default_journal_path(outbox)``, with the installation's
    outbox, so two set-ups never share history); ``store_url`` (any SQLAlchemy URL, e.g. PostgreSQL for several
    hosts) wins over it. ``work_dir`` holds private copies of files being processed (``None``: ``work`` beside
    the default journal). Times are in seconds unless named.

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
    poll_interval_seconds: float = Field(default=DEFAULT_POLL_INTERVAL_SECONDS, gt=0, le=600)
    workers: int = Field(default=DEFAULT_WORKERS, ge=1, le=32)
    journal: Path | None = None
    work_dir: Path | None = None
    store_url: str | None = None

    @model_validator(mode="after")
    def _heartbeat_within_lease(self) -> ServiceSettings:
        if self.heartbeat_seconds * 2 > self.lease_seconds:
            raise ValueError("heartbeat_seconds must be at most half of lease_seconds, or claims would lapse")
        return self

    def journal_url(self, outbox: Path) -> str:
        """The journal's database URL: ``store_url``, else the SQLite file ``journal`` or the outbox's default.

        Example:
            >>> ServiceSettings(journal=Path("/var/lib/sglogs/j.sqlite3")).journal_url(Path("outbox"))
            'sqlite+pysqlite:////var/lib/sglogs/j.sqlite3'
        """
        return self.store_url or sqlite_url(self.journal or default_journal_path(outbox))

    def work_root(self, outbox: Path) -> Path:
        """The folder for private working copies (readable by the service's user only), one per installation so
        that one service never sweeps another's copies.

        Example:
            >>> ServiceSettings(work_dir=Path("/var/lib/sglogs/work")).work_root(Path("outbox"))
            PosixPath('/var/lib/sglogs/work')
        """
        return self.work_dir or default_journal_path(outbox).parent / "work"


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


# ================================================================================================ safety


def check_folders(inbox: Path, outbox: Path, dir_mode: int = 0o700) -> tuple[Path, Path]:
    """Resolve the inbox and outbox and refuse set-ups that would loop or leak; create a missing outbox.

    Refused: a missing inbox, an outbox inside the inbox (outputs would be picked up as new files), an inbox inside
    the outbox, and the two being the same folder (symlinks and bind mounts are seen through).

    Example:
        >>> check_folders(Path("inbox"), Path("inbox/out"))  # doctest: +SKIP
        Traceback (most recent call last):
        sglogs.errors.ConfigError: The outbox inbox/out is inside the inbox ...
    """
    if not inbox.is_dir():
        raise ConfigError(f"The inbox {inbox} does not exist or is not a folder; create it, or name another "
                          "with --inbox.")
    real_inbox = inbox.resolve(strict=True)
    if _inside(outbox.resolve(), real_inbox):
        raise ConfigError(f"The outbox {outbox} is inside the inbox {inbox} (or is the inbox), so every output "
                          "would come back in as a new file; choose an outbox outside the inbox with --outbox.")
    if not outbox.parent.resolve().is_dir():
        raise ConfigError(f"The outbox {outbox} cannot be created because {outbox.parent} does not exist; "
                          "create it, or name another outbox with --outbox.")
    make_dirs(outbox, dir_mode)
    real_outbox = outbox.resolve(strict=True)
    if _inside(real_inbox, real_outbox):
        raise ConfigError(f"The inbox {inbox} is inside the outbox {outbox}, so outputs could land in the inbox; "
                          "keep the two folders side by side.")
    return real_inbox, real_outbox


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or under it, compared by device and inode where the paths exist."""
    for candidate in (path, *path.parents):
        try:
            if os.path.samefile(candidate, folder):
                return True
        except OSError:
            if os.path.normcase(str(candidate)) == os.path.normcase(str(folder)):
                return True
    return False


def check_journal_location(url: str, inbox: Path) -> None:
    """Refuse a SQLite journal on a network filesystem (WAL needs local disk) or inside the inbox.

    Example:
        >>> check_journal_location("sqlite+pysqlite:////mnt/share/journal.sqlite3", Path("inbox"))
        ... # doctest: +SKIP
        Traceback (most recent call last):
        sglogs.errors.ConfigError: The journal /mnt/share/journal.sqlite3 is on a network filesystem (cifs) ...
    """
    path = sqlite_path(url)
    if path is None:
        return
    if _inside(path.absolute(), inbox):
        raise ConfigError(f"The journal {path} is inside the inbox; keep it on this computer's local disk "
                          "(service.journal in sglogs.toml).")
    kind = filesystem_type(path)
    if kind is not None and (kind in SHARED_FILESYSTEMS or kind == "remote"):
        raise ConfigError(
            f"The journal {path} is on a network filesystem ({kind}); SQLite's write-ahead log is not safe over "
            "SMB/NFS. Keep the journal on this computer's local disk (service.journal), or give several hosts "
            "one PostgreSQL journal with service.store_url."
        )


def filesystem_type(path: Path) -> str | None:
    """The type of filesystem ``path`` (or its nearest existing parent) is on: ``"cifs"``, ``"ext4"``, ... .

    Windows answers ``"remote"`` for a network drive or UNC path and ``"local"`` otherwise; ``None`` when it
    cannot be told.

    Example:
        >>> filesystem_type(Path("/proc")) in (None, "proc")
        True
    """
    existing = Path(os.path.abspath(path))
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if os.name == "nt":
        return _windows_filesystem_kind(existing)
    real = os.path.realpath(existing)
    mounts = _mounts()
    best: tuple[int, str] | None = None
    for mount_point, fs_type in mounts:
        if (real == mount_point or real.startswith(mount_point.rstrip("/") + "/")) and (
                best is None or len(mount_point) >= best[0]):
            best = (len(mount_point), fs_type)
    return best[1] if best else None


def _mounts() -> list[tuple[str, str]]:
    """Mount points and filesystem types: /proc/self/mounts on Linux, ``mount`` elsewhere (macOS, BSD)."""
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
        return [(_unescape_mount(parts[1]), parts[2]) for parts in (line.split() for line in lines) if len(parts) > 2]
    except OSError:
        pass
    import subprocess

    try:
        output = subprocess.run(["mount"], capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in output.splitlines():  # "//u@server/share on /Volumes/share (smbfs, nodev, ...)"
        match = re.match(r".+? on (.+) \(([^,)]+)", line)
        if match:
            found.append((match.group(1), match.group(2).strip()))
    return found


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def _windows_filesystem_kind(path: Path) -> str:
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "remote"
    drive_remote = 4
    root = os.path.splitdrive(text)[0] + "\\"
    kind = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))  # type: ignore[attr-defined]
    return "remote" if kind == drive_remote else "local"


def is_ignored_name(name: str) -> bool:
    """Whether a file name is one the service never touches: hidden, lock, temporary, partial or system files.

    Covers Office owner files (``~$x.docx``), LibreOffice locks (``.~lock.x#``), Word and OneDrive temp files
    (``~WRL0001.tmp``, ``~RF1a2b.TMP``), Excel's extension-less temp files (``3F2A1B4C``), macOS and Windows
    litter (``.DS_Store``, ``._x``, ``Thumbs.db``, ``desktop.ini``) and downloads in progress (``.part``,
    ``.crdownload``).

    Example:
        >>> [is_ignored_name(n) for n in ("~$log.docx", "3F2A1B4C", "log.docx", "roster.csv.part")]
        [True, True, False, True]
    """
    lower = name.lower()
    return (name.startswith((".", "~")) or lower in _IGNORED_NAMES or lower.endswith(_IGNORED_SUFFIXES)
            or bool(_EXCEL_TEMP_NAME.fullmatch(name)))


def _skipped_attributes(info: os.stat_result) -> bool:
    return bool(getattr(info, "st_file_attributes", 0) & _WINDOWS_SKIP_ATTRIBUTES)


# ================================================================================================ stability


@dataclass(frozen=True)
class Signature:
    """What tells one state of a file from another without reading it.

    Example:
        >>> Signature(10, 1, 2, 3) == Signature(10, 1, 2, 3)
        True
    """

    size: int
    mtime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, info: os.stat_result) -> Signature:
        """The signature of a ``stat`` result."""
        return cls(info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev)


def regular_file_signature(path: Path) -> Signature | None:
    """The signature of a regular file that is not a symlink; ``None`` if it is gone or anything else.

    Example:
        >>> regular_file_signature(Path("/nonexistent")) is None
        True
    """
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or _skipped_attributes(info):
        return None
    return Signature.of(info)


@dataclass
class _Track:
    signature: Signature
    since: float
    observed: float


class StabilityTracker:
    """Decides when a file has stopped changing, from observations alone (no clock, no filesystem).

    ``observe`` records what a file looked like at ``now``; a file is ready once the same signature has been
    observed across ``settle_seconds``. Files are never given up on: a file still changing stays tracked.

    Example:
        >>> tracker = StabilityTracker(settle_seconds=2)
        >>> sig = Signature(10, 1, 2, 3)
        >>> tracker.observe("a", sig, now=0.0); tracker.observe("a", sig, now=1.0); tracker.pop_ready(1.0)
        []
        >>> tracker.observe("a", sig, now=2.5); tracker.pop_ready(2.5)
        ['a']
    """

    def __init__(self, settle_seconds: float, check_seconds: float | None = None) -> None:
        self.settle_seconds = settle_seconds
        #: How often a tracked file should be looked at again.
        self.check_seconds = check_seconds if check_seconds is not None else min(0.5, max(0.05, settle_seconds / 4))
        self._files: dict[Any, _Track] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def observe(self, key: Any, signature: Signature | None, now: float) -> None:
        """Record a file's signature at ``now``; ``None`` (gone, or no longer a regular file) forgets it."""
        if signature is None:
            self._files.pop(key, None)
            return
        track = self._files.get(key)
        if track is None or track.signature != signature:
            self._files[key] = _Track(signature, since=now, observed=now)
        else:
            track.observed = max(track.observed, now)

    def mark_settled(self, key: Any, signature: Signature, now: float) -> None:
        """Track a file known to be whole already (it settled before and was set aside), ready at once."""
        self._files[key] = _Track(signature, since=now - self.settle_seconds, observed=now)

    def discard(self, key: Any) -> None:
        """Stop tracking a file."""
        self._files.pop(key, None)

    def due_checks(self, now: float) -> list[Any]:
        """Files to look at again: not observed for ``check_seconds``, or due to have settled by now."""
        return [key for key, track in self._files.items() if now >= self._due_at(track)]

    def _due_at(self, track: _Track) -> float:
        # looked at again every check_seconds, and exactly when it would have settled: no latency added
        settles_at = track.since + self.settle_seconds
        again = track.observed + self.check_seconds
        return min(again, settles_at) if track.observed < settles_at else again

    def pop_ready(self, now: float, limit: int | None = None) -> list[Any]:
        """Remove and return up to ``limit`` files that have settled, the longest settled first (the others keep
        their place in the queue)."""
        settled = [(track.since, key) for key, track in self._files.items()
                   if track.observed - track.since >= self.settle_seconds and track.since <= now]
        if limit == 1:  # the service's case, for every file: no need to sort them all
            taken = [min(settled, key=lambda pair: pair[0])[1]] if settled else []
        else:
            settled.sort(key=lambda pair: pair[0])
            taken = [key for _, key in (settled[:limit] if limit is not None else settled)]
        for key in taken:
            del self._files[key]
        return taken

    def next_due(self) -> float | None:
        """When the next check falls due (``None`` when nothing is tracked)."""
        if not self._files:
            return None
        return min(self._due_at(track) for track in self._files.values())

    def keys(self) -> list[Any]:
        """The files being tracked."""
        return list(self._files)


def scan_inbox(inbox: Path) -> Iterator[tuple[Path, Signature]]:
    """Every candidate file under ``inbox``: regular, not a symlink, not hidden or ignored, in no hidden folder.

    Symlinked and junction folders are not entered, so nothing outside the inbox is ever reached. Raises
    ``OSError`` only when the inbox itself cannot be listed.

    Example:
        >>> [p.name for p, _ in scan_inbox(Path("inbox"))]  # doctest: +SKIP
        ['NS001_Hartley.docx']
    """
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            if folder == inbox:
                raise
            continue  # a subfolder removed or locked meanwhile: the next scan looks again
        for entry in entries:
            if is_ignored_name(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                if entry.name.lower() not in _IGNORED_FOLDERS and not _skipped_attributes(info):
                    stack.append(Path(entry.path))
            elif stat.S_ISREG(info.st_mode) and not _skipped_attributes(info):
                yield Path(entry.path), Signature.of(info)


# ================================================================================================ processes


def _host_key() -> str:
    """This host, precisely enough to test a pid: hostname, boot and pid namespace (containers differ)."""
    parts = [socket.gethostname()]
    with contextlib.suppress(OSError):
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    return "|".join(parts)


def _proc_token(pid: int) -> str | None:
    """The start time of a process (Linux), which tells it apart from a later process given the same pid."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[-1].split()[19]


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host (never sends it a signal on Windows).

    Example:
        >>> pid_alive(os.getpid())
        True
    """
    if os.name == "nt":
        synchronize, still_active = 0x100000 | 0x1000, 259
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(synchronize, False, pid)
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == still_active
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def instance_alive(info: InstanceInfo, now: float, lease_seconds: float, host_key: str | None = None) -> bool:
    """Whether a registered service still runs: stopped cleanly, its process gone, or silent for a lease: not.

    Example:
        >>> me = InstanceInfo(id="a", host="h", host_key=_host_key(), pid=os.getpid(), proc_token=None,
        ...     inbox="/in", mode="polling", version="0", started_at=0, heartbeat_at=time.time())
        >>> instance_alive(me, time.time(), 60)
        True
    """
    if info.stopped_at is not None or now - info.heartbeat_at > lease_seconds:
        return False
    if info.host_key == (host_key or _host_key()):
        if not pid_alive(info.pid):
            return False
        token = _proc_token(info.pid)
        if info.proc_token and token and token != info.proc_token:
            return False
    return True


class WorkerFailure(Exception):
    """Processing a file failed without an outcome: the worker raised, crashed or ran out of time.

    ``environmental`` failures (a full disk, a share that went away) are not the file's fault and do not count
    against its attempts.

    Example:
        >>> WorkerFailure("TimeoutError", "no answer after 600 s").environmental
        False
    """

    def __init__(self, kind: str, detail: str, environmental: bool = False) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.environmental = environmental


@dataclass(frozen=True)
class _Job:
    path: Path
    layout: OutboxLayout
    process: Callable[..., Outcome]


_worker_frameworks: dict[str, Any] = {}


def _frameworks(settings: Settings) -> dict[str, Framework]:
    """The frameworks, loaded once per worker and again when a file in the folder changes."""
    folder = settings.frameworks_dir
    with contextlib.suppress(OSError):
        key = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())) if folder else ()
        if _worker_frameworks.get("key") == key:
            return _worker_frameworks["value"]
        _worker_frameworks.update(key=key, value=installed_frameworks(folder))
        return _worker_frameworks["value"]
    return installed_frameworks(folder)


def _worker_main(conn: Any, settings: Settings, parent_pid: int) -> None:
    """The worker process: runs one job at a time; dies with the service; finishes its file on SIGTERM/SIGINT."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed when the service is
    if os.getppid() != parent_pid:
        return
    # The service decides when to stop: it lets the current file finish, then closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _warm_up(settings)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outcome = job.process(job.path, settings, job.layout, _frameworks(settings))
            conn.send(("ok", outcome))
        except OSError as exc:
            conn.send(("error", (type(exc).__name__, _where(exc), True)))
        except Exception as exc:
            conn.send(("error", (type(exc).__name__, _where(exc), False)))


def _warm_up(settings: Settings) -> None:
    """Load the readers, the review and the frameworks before the first file, so it is not slower than the rest."""
    import importlib

    with contextlib.suppress(Exception):  # whatever fails here fails again, reported, on the first file
        for module in ("sglogs.read.log", "sglogs.review"):
            importlib.import_module(module)
        _frameworks(settings)


def _where(exc: BaseException) -> str:
    """Where an exception was raised, as ``module.py:line`` (its message may quote a file's content)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "unknown place"


@dataclass
class _InFlight:
    """A file a worker is processing: its claimed row, where it is in the inbox, its private copy, its time limit."""

    entry: JournalEntry
    path: Path
    snapshot: _Snapshot
    started: float
    deadline: float


class _Worker:
    """A worker process that processes one file at a time, restarted after a crash or a time-out."""

    def __init__(self, settings: Settings, number: int) -> None:
        self._settings = settings
        self._number = number
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self.conn: Any = None
        self.busy: _InFlight | None = None

    def start(self) -> None:
        """Start the worker process (it loads the readers and frameworks while the service starts)."""
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_worker_main, args=(child, self._settings, os.getpid()),
                                              name=f"sglogs-worker-{self._number}", daemon=False)
        self._process.start()
        child.close()
        self.conn = parent

    def submit(self, job: _Job, work: _InFlight) -> None:
        """Hand a file to the worker; ``WorkerFailure`` if it cannot take it."""
        if self._process is None or not self._process.is_alive():
            self.kill()
            self.start()
        try:
            self.conn.send(job)
        except OSError:
            self.kill()
            raise WorkerFailure("WorkerStopped", "the worker process stopped before it was given the file") from None
        self.busy = work

    def result(self) -> Outcome | None:
        """The outcome of the busy file once there is one (``None`` meanwhile); ``WorkerFailure`` if it failed."""
        assert self.busy is not None
        if self.conn.poll(0):
            try:
                status, payload = self.conn.recv()
            except (EOFError, OSError):
                self.kill()
                raise WorkerFailure("WorkerCrashed", "the worker process stopped while processing") from None
            if status == "ok":
                return payload
            raise WorkerFailure(*payload)
        if not self._process.is_alive():
            code = self._process.exitcode
            self.kill()
            raise WorkerFailure("WorkerCrashed", f"the worker process stopped (exit code {code})")
        if time.monotonic() >= self.busy.deadline:
            limit = self.busy.deadline - self.busy.started
            self.kill()
            raise WorkerFailure("TimeoutError", f"no result after {limit:.0f} s; the worker was stopped")
        return None

    def kill(self) -> None:
        """Stop the worker process at once (a crash or a time-out); the next file starts a new one."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(10)
            self._process.close()
        if self.conn is not None:
            self.conn.close()
        self._process = self.conn = None

    def stop(self) -> None:
        """Ask the worker process to exit once idle, and wait for it."""
        if self._process is None or self.conn is None:
            return
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self._process.join(10)
        self.kill()


# ================================================================================================ watching


class _QueueHandler(FileSystemEventHandler):
    """Puts every event on the queue and does nothing else: all decisions are the service loop's."""

    def __init__(self, events: queue.SimpleQueue[tuple[str, str, str, bool]]) -> None:
        self._events = events

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Queue the event's kind and paths (nothing here can fail, so the observer thread cannot die of it)."""
        self._events.put((event.event_type, os.fsdecode(event.src_path), os.fsdecode(event.dest_path or b""),
                          event.is_directory))


class _Watcher:
    """The watchdog observer: native or polling, checked for life, restarted when it died."""

    def __init__(self, inbox: Path, events: queue.SimpleQueue[tuple[str, str, str, bool]], polling: bool,
                 poll_interval: float) -> None:
        self.inbox = inbox
        self.polling = polling
        self._events = events
        self._poll_interval = poll_interval
        self._observer: BaseObserver | None = None
        self._identity: tuple[int, int] | None = None
        self.handler = _QueueHandler(events)

    @property
    def mode(self) -> str:
        """``"polling"`` or ``"native events"``, as log lines say it."""
        return "polling" if self.polling else "native events"

    def start(self) -> None:
        """Start a new observer on the inbox; ``OSError`` when it cannot watch it."""
        observer: BaseObserver = (PollingObserver(timeout=self._poll_interval) if self.polling else Observer())
        info = os.stat(self.inbox)
        observer.schedule(self.handler, str(self.inbox), recursive=True)
        observer.start()
        self._observer = observer
        self._identity = (info.st_dev, info.st_ino)

    def problem(self) -> str | None:
        """Why the observer is not watching (``None`` when it is)."""
        if self._observer is None:
            return "it is not running"
        if not self._observer.is_alive():
            return "its thread stopped (an error in it, or in a handler)"
        if any(not emitter.is_alive() for emitter in self._observer.emitters):
            return "it stopped reading the inbox (the folder was unreachable or went away)"
        try:
            info = os.stat(self.inbox)
        except OSError:
            return "the inbox folder cannot be reached"
        if (info.st_dev, info.st_ino) != self._identity:
            return "the inbox folder was replaced by another folder of the same name"
        return None

    def stop(self) -> None:
        """Stop the observer, whether it is alive or not."""
        observer, self._observer = self._observer, None
        if observer is None:
            return
        with contextlib.suppress(Exception):  # a dead observer may fail to stop; it is being replaced anyway
            observer.stop()
            if observer.is_alive() and observer is not threading.current_thread():
                observer.join(5)


# ================================================================================================ the service


@dataclass
class WatchReport:
    """What a run of the service did: outcomes by state, failures that will be retried, files left waiting.

    Example:
        >>> WatchReport().total
        0
    """

    outcomes: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in FileState if s.is_outcome})
    retries: int = 0
    waiting: int = 0
    mode: str = ""

    @property
    def total(self) -> int:
        """Files given an outcome in this run."""
        return sum(self.outcomes.values())


@dataclass(frozen=True)
class _Snapshot:
    """A private copy of a file in the inbox, hashed while copied; ``copy`` is ``None`` for a file too large."""

    copy: Path | None
    sha256: str
    size: int
    signature: Signature
    name: str


class _Changed(Exception):
    """The file changed while it was being copied: it is not whole yet."""


def run_watch(options: WatchOptions, settings: Settings, *, stop: threading.Event | None = None,
              service: ServiceSettings | None = None) -> WatchReport:
    """Run the watched-folder service until ``stop`` is set (or, with ``options.once``, until the inbox is done).

    Raises ``ConfigError`` for an unsafe set-up (outbox inside the inbox, journal on a network share, another
    service watching the inbox with a different journal). Files are processed in a worker process started with
    ``spawn``: as for any multiprocessing code, call this from a script under ``if __name__ == "__main__":``.

    Example:
        >>> run_watch(WatchOptions(inbox=Path("inbox"), outbox=Path("outbox"), once=True), load_settings()).total
        ... # doctest: +SKIP
        12
    """
    return WatchService(options, settings, service or service_settings(settings), stop=stop).run()


class WatchService:
    """One running service: an inbox, an outbox, a journal, an observer and a worker process.

    ``process`` is what a file is handed to (``sglogs.dispatch.process_file``); it runs in the worker process, so
    it must be importable by name.

    Example:
        >>> WatchService(options, settings, ServiceSettings(), stop=threading.Event()).run()  # doctest: +SKIP
        WatchReport(...)
    """

    def __init__(self, options: WatchOptions, settings: Settings, service: ServiceSettings, *,
                 stop: threading.Event | None = None, process: Callable[..., Outcome] = process_file) -> None:
        if options.once and options.polling:
            raise UsageError("--once scans the inbox once and does not watch it, so --polling does not apply; "
                             "use one of them.")
        self.options = options
        self.settings = settings
        self.svc = service
        self.stop = stop or threading.Event()
        self.process = process
        self.report = WatchReport()
        self.tracker = StabilityTracker(service.settle_seconds)
        self.events: queue.SimpleQueue[tuple[str, str, str, bool]] = queue.SimpleQueue()
        self.later: dict[Path, float] = {}
        self.event_paths: set[Path] = set()
        self.instance_id = uuid.uuid4().hex
        self.host_key = _host_key()
        self.watcher: _Watcher | None = None
        self.journal: Journal | None = None
        self.workers: list[_Worker] = []
        self.prepared: list[_InFlight] = []
        self.in_flight: set[Path] = set()
        self.inbox = options.inbox
        self.outbox = options.outbox
        self.inbox_id = ""
        self.work: Path | None = None
        self._next_beat = self._next_rescan = self._next_restart = 0.0
        self._last_scan_wall = 0.0
        self._inbox_unreadable = False
        self._watcher_down = False
        self._degraded_said = False

    # ------------------------------------------------------------------------------------------- life

    def run(self) -> WatchReport:
        """Start, loop until stopped (or done with ``once``), then stop cleanly; return what was done.

        Example:
            >>> WatchService(WatchOptions(inbox=Path("inbox"), outbox=Path("outbox"), once=True), load_settings(),
            ...     ServiceSettings()).run().outcomes  # doctest: +SKIP
            {'done': 12, 'rejected': 1, 'duplicate': 0}
        """
        try:
            self._start()
            self._loop()
        finally:
            self._shutdown()
        self.report.waiting = len(self.tracker) + len(self.later)
        return self.report

    def _start(self) -> None:
        svc = self.svc
        self.inbox, self.outbox = check_folders(self.options.inbox, self.options.outbox,
                                                self.settings.output.dir_mode_bits)
        url = svc.journal_url(self.outbox)
        check_journal_location(url, self.inbox)
        journal_file = sqlite_path(url)
        if journal_file is not None:
            make_dirs(journal_file.parent, 0o700)
        self.journal = Journal.open(url)
        if journal_file is not None:  # it holds file names, which are personal data; SQLite gives its -wal and
            for suffix in ("", "-wal", "-shm"):  # -shm files the database file's mode when it makes them again
                with contextlib.suppress(OSError):
                    os.chmod(f"{journal_file}{suffix}", 0o600)
        self.inbox_id = self._inbox_identity()
        self._refuse_other_journals()
        polling = self._choose_polling()
        self.report.mode = "once" if self.options.once else "polling" if polling else "native events"
        self.journal.register_instance(InstanceInfo(
            id=self.instance_id, host=socket.gethostname(), host_key=self.host_key, pid=os.getpid(),
            proc_token=_proc_token(os.getpid()), inbox=str(self.inbox), mode=self.report.mode, version=__version__,
            started_at=time.time(), heartbeat_at=time.time()))
        self._write_marker()
        work = svc.work_root(self.outbox) / self.instance_id
        make_dirs(work, 0o700)
        self.work = work
        self._sweep_work_dirs(work)
        self._sweep_temp_files()
        import pyexpat

        logger.info("service %s started (sglogs %s, pid %d): %s; settle %.1f s, rescan every %.1f min, "
                    "journal %s, %s", self.instance_id[:8], __version__, os.getpid(), self.report.mode,
                    svc.settle_seconds, svc.rescan_minutes, describe_url(url), pyexpat.EXPAT_VERSION)
        self.workers = [_Worker(self.settings, n) for n in range(svc.workers)]
        for worker in self.workers:
            worker.start()
        if not self.options.once:
            self.watcher = _Watcher(self.inbox, self.events, polling, svc.poll_interval_seconds)
            self._start_watcher()
        self._scan(startup=True)
        self._recover_claims()
        now = time.monotonic()
        self._next_beat = now + svc.heartbeat_seconds
        self._next_rescan = now + svc.rescan_minutes * 60

    def _shutdown(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        for worker in self.workers:
            worker.stop()
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
        if self.journal is not None:
            with contextlib.suppress(OSError):
                (self.inbox / INBOX_STATE_DIR / "services" / f"{self.instance_id}.json").unlink()
            with contextlib.suppress(Exception):  # stopping must not hide the error that stopped us
                self.journal.stop_instance(self.instance_id)
                logger.info("service %s stopped: %s", self.instance_id[:8], _report_text(self.report))
            self.journal.close()

    # ------------------------------------------------------------------------------------------- the loop

    def _loop(self) -> None:
        while not self.stop.is_set():
            now = time.monotonic()
            self._drain_events(now)
            self._maintain(now)
            self._check_tracked(now)
            self._collect()
            # Prepare the next file (copy, record, claim) while the workers are busy, so that a worker that
            # finishes gets it at once; the longest settled file first, one per turn, so events, heartbeats and
            # supervision run between files.
            ready = self.tracker.pop_ready(now, limit=1) if len(self.prepared) < len(self.workers) else []
            if ready:
                try:
                    self._prepare(ready[0])
                except Exception as exc:  # one file must never stop the loop
                    self._unexpected(exc, ready[0], None, started=False)
                self._feed()
                continue
            if self.options.once and not self.tracker and not self.in_flight and not self._later_due_soon():
                return
            self._wait(now, len(self.prepared) < len(self.workers))
        self._finish_in_flight()

    def _finish_in_flight(self) -> None:
        """Stopping: take no new file, but let the files being processed finish (SIGTERM's promise)."""
        assert self.journal is not None
        for work in self.prepared:  # claimed but not started: given back for the next start to take at once
            self.journal.release(work.entry.id, self.instance_id)
            self._done_with(work)
        self.prepared.clear()
        while self.in_flight:
            now = time.monotonic()
            self._maintain(now, stopping=True)
            self._collect(feed=False)
            self._wait(now, False)

    def _feed(self) -> None:
        """Give prepared files to free workers."""
        for worker in self.workers:
            if worker.busy is None and self.prepared:
                self._submit(self.prepared.pop(0), worker)

    def _collect(self, feed: bool = True) -> None:
        """Record the outcome of every file a worker has finished (or failed on), after giving that worker its
        next file, so that the bookkeeping here overlaps with the next file's processing."""
        for worker in self.workers:
            work = worker.busy
            if work is None:
                continue
            try:
                outcome = worker.result()
            except WorkerFailure as failure:
                worker.busy = None
                if feed:
                    self._feed()
                try:
                    self._failed(work.entry, work.path, work.snapshot, failure)
                except Exception as exc:  # one file must never stop the loop
                    self._unexpected(exc, work.path, work.entry, started=True)
                finally:
                    self._done_with(work)
                continue
            if outcome is None:
                continue
            worker.busy = None
            if feed:
                self._feed()
            try:
                self._complete(work, outcome)
            except Exception as exc:  # one file must never stop the loop
                self._unexpected(exc, work.path, work.entry, started=True)
            finally:
                self._done_with(work)

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

    def _done_with(self, work: _InFlight) -> None:
        self.in_flight.discard(work.path)
        if work.snapshot.copy is not None:
            shutil.rmtree(work.snapshot.copy.parent, ignore_errors=True)

    def _wait(self, now: float, can_take: bool) -> None:
        deadlines = [self._next_beat]
        if not self.options.once:
            deadlines.append(self._next_rescan)
        if can_take and (due := self.tracker.next_due()) is not None:
            deadlines.append(due)
        if can_take:
            deadlines.extend(self.later.values())
        timeout = min(0.25, max(0.0, min(deadlines) - now))
        busy = [w.conn for w in self.workers if w.busy is not None and w.conn is not None]
        if busy:  # a result is what matters most now; events wait in their queue meanwhile
            multiprocessing.connection.wait(busy, timeout=min(timeout, 0.05) if can_take else timeout)
            return
        with contextlib.suppress(queue.Empty):
            self.events.put(self.events.get(timeout=timeout))  # woken by an event: keep it for _drain_events

    def _later_due_soon(self) -> bool:
        # --once does not wait for retries (they are the next run's); files set aside for a moment are taken now
        horizon = time.monotonic() + max(1.0, self.svc.settle_seconds)
        return any(when <= horizon for when in self.later.values())

    def _drain_events(self, now: float) -> None:
        while True:
            try:
                kind, src, dest, is_dir = self.events.get_nowait()
            except queue.Empty:
                return
            if kind in ("opened", "closed_no_write"):
                continue  # reading a file (our own copy included) changes nothing
            for raw in (src, dest):
                if not raw:
                    continue
                path = Path(raw)
                if not self._watchable(path):
                    continue
                if is_dir:
                    if kind in ("created", "moved") and raw == (dest or src):
                        self._scan_folder(path, now)  # a folder moved in brings files no event names
                    continue
                self.event_paths.add(path)
                if path not in self.in_flight:
                    self.tracker.observe(path, regular_file_signature(path), now)

    def _watchable(self, path: Path) -> bool:
        try:
            parts = path.relative_to(self.inbox).parts
        except ValueError:
            return False
        return bool(parts) and not any(is_ignored_name(part) or part.lower() in _IGNORED_FOLDERS for part in parts)

    def _check_tracked(self, now: float) -> None:
        for path in self.tracker.due_checks(now):
            self.tracker.observe(path, regular_file_signature(path), now)
        for path, when in list(self.later.items()):
            if when <= now:
                del self.later[path]
                signature = regular_file_signature(path)
                if signature is not None:
                    self.tracker.mark_settled(path, signature, now)
                else:
                    self._settle_path(path)

    def _settle_path(self, path: Path) -> None:
        """A file set aside has left the inbox: settle the rows nobody holds that it left open."""
        assert self.journal is not None
        rel = path.relative_to(self.inbox).as_posix()
        for entry in self.journal.entries(open_only=True, inbox_id=self.inbox_id):
            if entry.path == rel and entry.claimed_by is None and regular_file_signature(path) is None:
                self._settle_missing(entry)

    def _maintain(self, now: float, stopping: bool = False) -> None:
        if now >= self._next_beat:
            self._next_beat = now + self.svc.heartbeat_seconds
            self._beat()
            if not stopping:
                self._recover_claims()
        if stopping:
            return
        if self.watcher is not None:
            self._supervise_watcher(now)
        if not self.options.once and now >= self._next_rescan:
            self._next_rescan = now + self.svc.rescan_minutes * 60
            self._scan()

    def _beat(self) -> None:
        assert self.journal is not None
        try:
            self.journal.heartbeat(self.instance_id, self.svc.lease_seconds)
        except Exception as exc:  # the database away for a moment must not stop the service
            logger.warning("could not update the journal's heartbeat (%s); will try again", type(exc).__name__)
        self._write_marker()

    # ------------------------------------------------------------------------------------------- scanning

    def _scan(self, startup: bool = False) -> None:
        """Look at every file in the inbox: events are hints, this is the truth."""
        now, wall = time.monotonic(), time.time()
        try:
            found = dict(scan_inbox(self.inbox))
        except OSError as exc:
            if not self._inbox_unreadable:
                logger.warning("the inbox cannot be read (%s); waiting for it to come back", exc.strerror or exc)
            self._inbox_unreadable = True
            return
        if self._inbox_unreadable:
            logger.info("the inbox can be read again; rescanned it")
            self._inbox_unreadable = False
        missed = 0
        for path, signature in found.items():
            if path in self.tracker or path in self.later or path in self.in_flight:
                continue
            if not startup and self._missed_by_events(path, wall):
                missed += 1
            self.tracker.observe(path, signature, now)
        self.event_paths.clear()
        self._last_scan_wall = wall
        try:
            self._reconcile(set(found))
        except Exception as exc:  # the journal away for a moment: the next scan settles those rows
            logger.warning("could not settle the journal's open rows (%s at %s); will try at the next scan",
                           type(exc).__name__, _where(exc))
        if missed and self.watcher is not None and not self.watcher.polling:
            logger.warning("the rescan found %d files the inbox's change events never reported (usual on network "
                           "shares, WSL and Docker Desktop); switching to polling", missed)
            self._switch_to_polling()

    def _missed_by_events(self, path: Path, wall: float) -> bool:
        if path in self.event_paths or not self._last_scan_wall:
            return False
        try:
            changed = os.lstat(path).st_ctime
        except OSError:
            return False
        return self._last_scan_wall < changed < wall - self.svc.settle_seconds - _MISSED_EVENT_MARGIN_SECONDS

    def _scan_folder(self, folder: Path, now: float) -> None:
        with contextlib.suppress(OSError):
            for path, signature in scan_inbox(folder):
                if self._watchable(path) and path not in self.in_flight:
                    self.event_paths.add(path)
                    self.tracker.observe(path, signature, now)

    def _reconcile(self, present: set[Path]) -> None:
        """Settle open journal rows of this inbox whose file is gone and that nobody holds."""
        assert self.journal is not None
        for entry in self.journal.entries(open_only=True, inbox_id=self.inbox_id):
            path = self.inbox / entry.path
            # the scan is a moment old: look again before deciding a file is gone
            if entry.claimed_by is None and path not in present and regular_file_signature(path) is None:
                self._settle_missing(entry)

    def _settle_missing(self, entry: JournalEntry) -> None:
        """An open row whose file is no longer in the inbox: forget it, or close it if it has its outcome."""
        assert self.journal is not None
        if not entry.state.is_outcome:
            if self.journal.forget_unclaimed(entry.id):
                logger.info("file #%d sha256:%s left the inbox before it was processed; forgotten",
                            entry.id, entry.short_sha)
            return
        claim = self.journal.claim(entry.id, self.instance_id, lease_seconds=self.svc.lease_seconds)
        if claim.status is ClaimStatus.CLAIMED and claim.entry is not None:
            self._file_away(claim.entry, self.inbox / entry.path, None)

    # ------------------------------------------------------------------------------------------- watcher

    def _choose_polling(self) -> bool:
        if self.options.polling:
            return True
        kind = filesystem_type(self.inbox)
        if not self.options.once and kind is not None and (kind in SHARED_FILESYSTEMS or kind == "remote"):
            logger.warning("the inbox is on a %s filesystem, where native change events miss other computers' "
                           "changes; polling it instead (every %.1f s)", kind, self.svc.poll_interval_seconds)
            return True
        return False

    def _start_watcher(self) -> None:
        assert self.watcher is not None
        try:
            self.watcher.start()
        except OSError as exc:
            if self.watcher.polling:
                raise ConfigError(f"The inbox {self.inbox} cannot be watched ({exc.strerror or exc}); check that "
                                  "it is reachable and readable.") from exc
            logger.warning("native change events are not available for the inbox (%s); polling it instead "
                           "(every %.1f s)", exc.strerror or type(exc).__name__, self.svc.poll_interval_seconds)
            self._switch_to_polling()

    def _switch_to_polling(self) -> None:
        assert self.watcher is not None
        self.watcher.stop()
        self.watcher = _Watcher(self.inbox, self.events, True, self.svc.poll_interval_seconds)
        self.report.mode = "polling"
        try:
            self.watcher.start()
        except OSError as exc:
            logger.error("the inbox cannot be polled either (%s); relying on rescans until it can",
                         exc.strerror or type(exc).__name__)

    def _supervise_watcher(self, now: float) -> None:
        """Restart a watcher that died (and say so); rescan meanwhile, so the service is never running but blind."""
        assert self.watcher is not None
        problem = self.watcher.problem()
        if problem is None or now < self._next_restart:
            return
        self._next_restart = now + max(1.0, 2 * self.svc.poll_interval_seconds)
        if not self._watcher_down:
            logger.warning("the inbox watcher (%s) stopped: %s; restarting it", self.watcher.mode, problem)
        self.watcher.stop()
        try:
            self.watcher.start()
        except OSError as exc:
            if not self._watcher_down:
                logger.warning("the inbox watcher cannot be restarted yet (%s); trying again every %.0f s and "
                               "rescanning the inbox meanwhile", exc.strerror or type(exc).__name__,
                               self._next_restart - now)
            self._watcher_down = True
        else:
            if self._watcher_down:
                logger.info("the inbox watcher is running again")
            self._watcher_down = False
        self._scan()

    # ------------------------------------------------------------------------------------------- one file

    def _prepare(self, path: Path) -> None:
        """Copy, record and claim a settled file; one to process joins ``self.prepared``, others are dealt with."""
        assert self.journal is not None
        try:
            snapshot = self._snapshot(path)
        except _Changed:
            self.tracker.observe(path, regular_file_signature(path), time.monotonic())
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if getattr(exc, "winerror", None) in _WINDOWS_SHARING_VIOLATIONS:
                self._set_aside(path, self.svc.settle_seconds)  # open in Word, or antivirus scanning it: not ready
                return
            logger.warning("a file in the inbox cannot be read (%s); trying again in %.0f s",
                           exc.strerror or type(exc).__name__, self.svc.retry_seconds)
            self._set_aside(path, self.svc.retry_seconds)
            return
        if snapshot is None:
            return
        work = None
        try:
            rel = path.relative_to(self.inbox).as_posix()
            entry = self.journal.record(self.inbox_id, rel, snapshot.sha256, snapshot.size)
            # claimed ahead of a free worker: the attempt is counted when processing starts (_submit)
            claim = self.journal.claim(entry.id, self.instance_id, lease_seconds=self.svc.lease_seconds,
                                       count_attempt=False)
            work = self._act_on_claim(claim, path, snapshot)
        finally:
            if work is None and snapshot.copy is not None:
                shutil.rmtree(snapshot.copy.parent, ignore_errors=True)
        if work is not None:
            self.prepared.append(work)
            self.in_flight.add(path)

    def _act_on_claim(self, claim: Claim, path: Path, snapshot: _Snapshot) -> _InFlight | None:
        """Do what the claim allows; a file to process is returned (it then owns the private copy)."""
        assert self.journal is not None
        entry = claim.entry
        fresh = claim.status is ClaimStatus.DUPLICATE or (
            claim.status is ClaimStatus.CLAIMED and entry is not None and entry.state is FileState.PROCESSING)
        if fresh and entry is not None and regular_file_signature(path) != snapshot.signature:
            # Another service filed this file away (and closed its row) between our copy and our claim, or the
            # file changed: what we hold is no longer what is in the inbox, so it gets no outcome from us.
            self.journal.forget(entry.id, self.instance_id)
            self.tracker.observe(path, regular_file_signature(path), time.monotonic())
            return None
        if claim.status is ClaimStatus.CLAIMED and entry is not None:
            first = self.journal.entry(entry.duplicate_of) if entry.duplicate_of is not None else None
            if entry.state is FileState.PROCESSING:
                return self._process(entry, path, snapshot)
            if entry.archive_path is None and first is not None:
                self._duplicate(entry, first, path, snapshot)  # stopped between the claim and its note
            else:
                self._file_away(entry, path, snapshot)
        elif claim.status is ClaimStatus.DUPLICATE and entry is not None and claim.other is not None:
            self._duplicate(entry, claim.other, path, snapshot)
        elif claim.status is ClaimStatus.NOT_YET and entry is not None and entry.not_before is not None:
            self._set_aside(path, entry.not_before - time.time())
        elif claim.status is ClaimStatus.BUSY:
            # another service holds it or works on the same content; if that service dies, its claim is taken back
            self._set_aside(path, self.svc.heartbeat_seconds)
        elif claim.status is ClaimStatus.GONE:
            self._set_aside(path, self.svc.settle_seconds)
        return None

    def _set_aside(self, path: Path, seconds: float) -> None:
        self.later[path] = time.monotonic() + max(0.0, seconds)

    def _snapshot(self, path: Path) -> _Snapshot | None:
        """Copy the file into the private work folder, hashing it; refuse anything but a regular file inside."""
        if not _inside(Path(os.path.realpath(path)), self.inbox):
            return None  # reached through a symlinked folder: outside the inbox, never touched
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        try:
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                return None
            digest = hashlib.sha256()
            copy: Path | None = None
            limit = self.settings.read.max_file_bytes
            with open(fd, "rb", closefd=False) as source:
                if before.st_size > limit:
                    while chunk := source.read(_COPY_CHUNK):
                        digest.update(chunk)
                else:
                    assert self.work is not None
                    folder = self.work / uuid.uuid4().hex
                    folder.mkdir(mode=0o700)
                    copy = folder / path.name
                    with open(copy, "wb") as target:
                        while chunk := source.read(_COPY_CHUNK):
                            digest.update(chunk)
                            target.write(chunk)
            after = os.fstat(fd)
        finally:
            os.close(fd)
        signature = Signature.of(before)
        if Signature.of(after) != signature or regular_file_signature(path) != signature:
            if copy is not None:
                shutil.rmtree(copy.parent, ignore_errors=True)
            raise _Changed
        return _Snapshot(copy=copy, sha256=digest.hexdigest(), size=before.st_size, signature=signature,
                         name=path.name)

    def _process(self, entry: JournalEntry, path: Path, snapshot: _Snapshot) -> _InFlight | None:
        """The file, ready for a worker; or its outcome at once (too large, too many attempts) and ``None``."""
        now = time.monotonic()
        work = _InFlight(entry, path, snapshot, started=now, deadline=now + self.svc.file_timeout_seconds)
        if entry.attempts >= self.svc.max_attempts:  # started that often, never finished: it may be what stops us
            self._give_up(entry, path, snapshot, f"sglogs stopped while working on it ({entry.error_kind or 'crash'})")
            return None
        if snapshot.copy is None:
            self._complete(work, self._too_large(snapshot))
            return None
        return work

    def _submit(self, work: _InFlight, worker: _Worker) -> None:
        assert self.journal is not None and work.snapshot.copy is not None
        attempts = self.journal.start_attempt(work.entry.id, self.instance_id)
        if attempts is None:
            self._lost_claim(work.entry)
            self._done_with(work)
            return
        work.entry = dataclasses.replace(work.entry, attempts=attempts)
        work.started = time.monotonic()
        work.deadline = work.started + self.svc.file_timeout_seconds
        try:
            worker.submit(_Job(work.snapshot.copy, self._layout(work.entry), self.process), work)
        except WorkerFailure as failure:
            try:
                self._failed(work.entry, work.path, work.snapshot, failure)
            finally:
                self._done_with(work)

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

    def _layout(self, entry: JournalEntry) -> OutboxLayout:
        """``outbox``, or ``outbox/<setting>`` for a file dropped in ``inbox/<setting>/...``."""
        parts = entry.path.split("/")
        return OutboxLayout(self.outbox / parts[0] if len(parts) > 1 else self.outbox)

    def _record_outcome(self, entry: JournalEntry, path: Path, snapshot: _Snapshot, outcome: Outcome,
                        seconds: float) -> None:
        assert self.journal is not None
        layout = self._layout(entry)
        folder = layout.processed(dt.datetime.now()) if outcome.accepted else layout.rejected
        archive = self._reserve_archive(entry, folder, snapshot.name)
        if archive is None:
            return
        outputs = list(outcome.outputs)
        if not outcome.accepted:
            note = archive.with_name(archive.name + ".error.txt")
            text = rejection_note(snapshot.name, outcome.message or "", file_id=entry.id, sha256=entry.sha256,
                                  received=dt.datetime.fromtimestamp(entry.seen_at))
            write_atomic(note, text.encode("utf-8"), self.settings.output.file_mode_bits)
            outputs.append(note)
        state = FileState.DONE if outcome.accepted else FileState.REJECTED
        if not self.journal.finish(entry.id, self.instance_id, state, kind=outcome.kind.value,
                                   outputs=[self._outbox_rel(p) for p in outputs], error_kind=outcome.error_kind,
                                   error=outcome.message, summary=outcome.summary, process_seconds=seconds):
            self._lost_claim(entry)
            return
        logger.info("file #%d sha256:%s (%s) %s: %s in %.2f s", entry.id, entry.short_sha, outcome.kind.value,
                    state.value, outcome.summary, seconds)
        finished = self.journal.entry(entry.id)
        if finished is not None:
            self._file_away(finished, path, snapshot)

    def _duplicate(self, entry: JournalEntry, first: JournalEntry, path: Path, snapshot: _Snapshot) -> None:
        assert self.journal is not None
        archive = self._reserve_archive(entry, self._layout(entry).duplicates, snapshot.name)
        if archive is None:
            return
        note = archive.with_name(archive.name + ".duplicate.txt")
        done = dt.datetime.fromtimestamp(first.finished_at) if first.finished_at else None
        text = duplicate_note(snapshot.name, file_id=entry.id, first_id=first.id, first_done=done,
                              first_filed=first.archive_path)
        write_atomic(note, text.encode("utf-8"), self.settings.output.file_mode_bits)
        if not self.journal.finish(entry.id, self.instance_id, FileState.DUPLICATE, kind=first.kind,
                                   outputs=[self._outbox_rel(note)], summary=f"same content as file #{first.id}"):
            self._lost_claim(entry)
            return
        logger.info("file #%d sha256:%s duplicate of file #%d: nothing to do", entry.id, entry.short_sha, first.id)
        finished = self.journal.entry(entry.id)
        if finished is not None:
            self._file_away(finished, path, snapshot)

    def _reserve_archive(self, entry: JournalEntry, folder: Path, name: str) -> Path | None:
        """The path the original will be filed under, reserved in the journal (kept from an earlier attempt)."""
        assert self.journal is not None
        if entry.archive_path is not None:
            folder = (self.outbox / entry.archive_path).parent  # made again: it may have gone since
            make_dirs(folder, self.settings.output.dir_mode_bits)
            return self.outbox / entry.archive_path
        make_dirs(folder, self.settings.output.dir_mode_bits)
        stem, dot, suffix = name.rpartition(".")
        candidates = [name, f"{stem} (#{entry.id}).{suffix}" if dot and stem else f"{name} (#{entry.id})"]
        for candidate in candidates:
            if (folder / candidate).exists() and candidate != candidates[-1]:
                continue
            if self.journal.reserve_archive(entry.id, self.instance_id, self._outbox_rel(folder / candidate)):
                return folder / candidate
        self._lost_claim(entry)
        return None

    def _lost_claim(self, entry: JournalEntry) -> None:
        logger.warning("file #%d sha256:%s was taken over by another service while this one worked on it (this "
                       "one missed its heartbeats); leaving it to that service", entry.id, entry.short_sha)

    def _outbox_rel(self, path: Path) -> str:
        return Path(os.path.abspath(path)).relative_to(self.outbox).as_posix()

    # ------------------------------------------------------------------------------------------- filing away

    def _file_away(self, entry: JournalEntry, path: Path, snapshot: _Snapshot | None) -> None:
        """Put the original where its outcome says, remove it from the inbox, and close the row."""
        assert self.journal is not None
        try:
            if entry.archive_path is not None:
                self._place_original(entry, path, snapshot, self.outbox / entry.archive_path)
            else:  # never expected: the original stays, and comes back as a duplicate rather than be lost
                logger.warning("file #%d sha256:%s has no name to be filed under; its original stays in the inbox",
                               entry.id, entry.short_sha)
        except OSError as exc:
            delay = self.svc.retry_seconds
            self.journal.release(entry.id, self.instance_id, not_before=time.time() + delay, count_attempt=False)
            logger.warning("file #%d sha256:%s has its outcome, but its original could not be filed away (%s); "
                           "trying again in %.0f s", entry.id, entry.short_sha, exc.strerror or type(exc).__name__,
                           delay)
            self._set_aside(path, delay)
            return
        if self.journal.mark_filed(entry.id, self.instance_id):
            self.report.outcomes[entry.state.value] = self.report.outcomes.get(entry.state.value, 0) + 1
        self.tracker.discard(path)

    def _place_original(self, entry: JournalEntry, path: Path, snapshot: _Snapshot | None, target: Path) -> None:
        mode = self.settings.output.file_mode_bits
        make_dirs(target.parent, self.settings.output.dir_mode_bits)
        signature = snapshot.signature if snapshot is not None else None
        unchanged = signature is not None and regular_file_signature(path) == signature
        if target.exists():
            if _sha256_of(target) != entry.sha256:
                raise FileExistsError(17, "another file is already filed under the reserved name")
        elif unchanged:
            # A second name, then the first removed: a link never overwrites, and removing a file is reported at
            # once, while watchdog holds back a move out of the inbox for 0.5 s (to pair it with its other half),
            # delaying every event behind it.
            _file_by_link(path, target, mode)
            sync_dir(target.parent)
        elif snapshot is not None and snapshot.copy is not None:
            _copy_atomic(snapshot.copy, target, mode)  # the original changed meanwhile: file the bytes processed
        else:
            logger.warning("file #%d sha256:%s: its original is no longer in the inbox and no copy was kept; "
                           "closing it without filing", entry.id, entry.short_sha)
        if unchanged and regular_file_signature(path) == signature:
            path.unlink()
            sync_dir(path.parent)

    # ------------------------------------------------------------------------------------------- recovery

    def _recover_claims(self) -> None:
        """Take back claims whose service died (its process is gone, or it missed heartbeats for a lease)."""
        assert self.journal is not None
        try:
            claimed = [e for e in self.journal.claimed() if e.claimed_by != self.instance_id]
            owners = self.journal.instances_by_id(sorted({e.claimed_by for e in claimed if e.claimed_by}))
        except Exception as exc:
            logger.warning("could not read the journal's claims (%s); will try again", type(exc).__name__)
            return
        now = time.time()
        dead = {owner_id for owner_id in {e.claimed_by for e in claimed if e.claimed_by}
                if owner_id not in owners or not instance_alive(owners[owner_id], now, self.svc.lease_seconds,
                                                                self.host_key)}
        for entry in claimed:
            if entry.claimed_by not in dead or not self.journal.take_back(entry.id, entry.claimed_by or ""):
                continue
            owner = owners.get(entry.claimed_by or "")
            logger.warning("file #%d sha256:%s was held by service %s (pid %s), which stopped; taking it over",
                           entry.id, entry.short_sha, (entry.claimed_by or "")[:8], owner.pid if owner else "?")
            if entry.inbox_id == self.inbox_id:
                path = self.inbox / entry.path
                signature = regular_file_signature(path)
                if signature is not None:
                    self.tracker.mark_settled(path, signature, time.monotonic())
                else:
                    refreshed = self.journal.entry(entry.id)
                    if refreshed is not None and refreshed.claimed_by is None and refreshed.closed_at is None:
                        self._settle_missing(refreshed)
        self.journal.forget_instances(sorted(d for d in dead if d in owners))

    def _sweep_work_dirs(self, work: Path) -> None:
        """Remove the private copies of services on this host that are no longer running."""
        assert self.journal is not None
        root = work.parent
        with contextlib.suppress(OSError):
            names = [p.name for p in root.iterdir() if p.is_dir() and re.fullmatch(r"[0-9a-f]{32}", p.name)
                     and p.name != self.instance_id]
            known = self.journal.instances_by_id(names)
            now = time.time()
            for name in names:
                info = known.get(name)
                if info is None or not instance_alive(info, now, self.svc.lease_seconds, self.host_key):
                    shutil.rmtree(root / name, ignore_errors=True)

    def _sweep_temp_files(self) -> None:
        """Remove half-written temp files that a killed service left in the outbox (older than two leases, so no
        running service can still be writing them)."""
        cutoff = time.time() - 2 * self.svc.lease_seconds
        removed = 0
        for dirpath, _dirnames, filenames in os.walk(self.outbox):
            for filename in filenames:
                if filename.startswith(TEMP_PREFIX) and filename.endswith(TEMP_SUFFIX):
                    path = Path(dirpath) / filename
                    with contextlib.suppress(OSError):
                        if path.lstat().st_mtime < cutoff:
                            path.unlink()
                            removed += 1
        if removed:
            logger.info("removed %d half-written temporary files left in the outbox by a stopped service", removed)

    # ------------------------------------------------------------------------------------------- the inbox's notes

    def _inbox_identity(self) -> str:
        """The inbox's id, kept in the inbox itself so that every host sharing it agrees."""
        folder = self.inbox / INBOX_STATE_DIR
        path = folder / "inbox-id"
        try:
            make_dirs(folder, 0o700)
            if not path.exists():
                _create_with_content(path, uuid.uuid4().hex + "\n")
        except FileExistsError:
            pass  # another service made it first: theirs is the id
        except OSError as exc:
            raise ConfigError(f"sglogs cannot write its notes into the inbox {self.inbox} ({exc.strerror}); it must "
                              "be able to write there to take files out of it.") from exc
        deadline = time.monotonic() + 5
        while True:  # a service that made the file without hard links may not have written it yet
            text = path.read_text(encoding="ascii", errors="replace").strip()
            if re.fullmatch(r"[0-9a-f]{32}", text):
                return text
            if time.monotonic() > deadline:
                raise ConfigError(f"{path} is damaged; delete it and start sglogs again.")
            self.stop.wait(0.05)

    def _write_marker(self) -> None:
        assert self.journal is not None
        folder = self.inbox / INBOX_STATE_DIR / "services"
        data = {"instance": self.instance_id, "journal": self.journal.journal_id, "host": socket.gethostname(),
                "host_key": self.host_key, "pid": os.getpid(), "heartbeat": time.time()}
        try:
            make_dirs(folder, 0o700)
            write_atomic(folder / f"{self.instance_id}.json", json.dumps(data).encode("utf-8"), 0o600)
        except OSError as exc:
            logger.warning("could not write this service's note in the inbox (%s)", exc.strerror or exc)

    def _refuse_other_journals(self) -> None:
        """Refuse to start beside a live service that watches this inbox with another journal (it would not see
        our claims, so both would process every file)."""
        assert self.journal is not None
        folder = self.inbox / INBOX_STATE_DIR / "services"
        now = time.time()
        with contextlib.suppress(OSError):
            for marker in folder.glob("*.json"):
                try:
                    data = json.loads(marker.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if data.get("journal") == self.journal.journal_id:
                    continue
                fresh = now - float(data.get("heartbeat", 0)) <= 3 * self.svc.lease_seconds
                alive = fresh and (data.get("host_key") != self.host_key or pid_alive(int(data.get("pid", 0))))
                if not alive:
                    marker.unlink(missing_ok=True)
                    continue
                raise ConfigError(
                    f"Another sglogs service (pid {data.get('pid')} on {data.get('host')}) is watching this inbox "
                    "with a different journal, so the two would both process every file; stop it, or give both "
                    "the same journal (service.journal on one computer, service.store_url for several)."
                )


# ================================================================================================ status


@dataclass(frozen=True)
class ServiceStatus:
    """What ``sglogs status`` shows: counts by state, waiting files, running services and the latest errors.

    ``waiting`` is the number of files in the inbox (``None`` when the inbox cannot be read); ``counts`` is empty
    when the journal does not exist yet.

    Example:
        >>> ServiceStatus(journal="j", journal_exists=False, inbox=Path("inbox")).running
        ()
    """

    journal: str
    journal_exists: bool
    inbox: Path
    counts: dict[str, int] = field(default_factory=dict)
    waiting: int | None = None
    running: tuple[InstanceInfo, ...] = ()
    last_errors: tuple[JournalEntry, ...] = ()


def service_status(settings: Settings, inbox: Path | None = None, *, service: ServiceSettings | None = None,
                   errors: int = 5, outbox: Path | None = None) -> ServiceStatus:
    """Read the journal and the inbox for ``sglogs status``; never creates a journal.

    Example:
        >>> service_status(load_settings()).counts.get("done", 0)  # doctest: +SKIP
        120
    """
    svc = service or service_settings(settings)
    inbox = inbox or settings.inbox
    url = svc.journal_url((outbox or settings.outbox).resolve())
    try:
        waiting: int | None = sum(1 for _ in scan_inbox(inbox))
    except OSError:
        waiting = None
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return ServiceStatus(journal=describe_url(url), journal_exists=False, inbox=inbox, waiting=waiting)
    journal = Journal.open(url, create=False)
    try:
        now = time.time()
        running = tuple(i for i in journal.instances()
                        if instance_alive(i, now, svc.lease_seconds))
        return ServiceStatus(
            journal=describe_url(url), journal_exists=True, inbox=inbox, waiting=waiting,
            counts={state.value: n for state, n in journal.counts().items()}, running=running,
            last_errors=tuple(journal.recent_errors(errors)))
    finally:
        journal.close()


# ================================================================================================ helpers


def handle_stop_signals(stop: threading.Event) -> Callable[[], None]:
    """Make SIGTERM and SIGINT set ``stop`` (the current file is finished first); a second one stops at once.

    Returns a function that puts the previous handlers back.

    Example:
        >>> restore = handle_stop_signals(threading.Event()); restore()
    """
    signals = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def _on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set():
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
        stop.set()
        logger.info("stop requested (%s): finishing the current file", signal.Signals(signum).name)

    for sig in signals:
        signal.signal(sig, _on_signal)

    def _restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return _restore


def _report_text(report: WatchReport) -> str:
    parts = [f"{n} {state}" for state, n in report.outcomes.items()]
    if report.retries:
        parts.append(f"{report.retries} failures to retry")
    return ", ".join(parts)


def _create_with_content(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``, appearing whole; ``FileExistsError`` if it exists (never overwritten)."""
    import tempfile

    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp_name, path)  # fails if the file exists: atomic create-with-content
        except FileExistsError:
            raise
        except OSError:  # no hard links on this share: create exclusively, then write
            with open(path, "x", encoding="ascii") as fh:
                fh.write(text)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _file_by_link(path: Path, target: Path, mode: int) -> None:
    """Give the original its name in the outbox (the caller then removes it from the inbox).

    A hard link never overwrites; a file that has other links (someone linked a private file into the inbox) is
    copied, so the filed original cannot change with it. Without hard links (FAT, some shares) it is renamed, and
    across filesystems copied.
    """
    if os.lstat(path).st_nlink > 1:
        _copy_atomic(path, target, mode)
        return
    try:
        os.link(path, target)
    except FileExistsError:
        raise
    except OSError:
        try:
            os.replace(path, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _copy_atomic(path, target, mode)
    os.chmod(target, mode)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_atomic(source: Path, target: Path, mode: int) -> None:
    """Copy a file so that it appears whole at ``target`` and is on disk before returning."""
    import tempfile

    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, _COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    sync_dir(target.parent)
