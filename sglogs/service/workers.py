"""Processes: the worker processes that process one file at a time under a time limit, and whether a process
(a worker, another service) is still alive."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..core.processes import die_with_parent, mark_time_limited
from ..dispatch import (
    OutboxLayout,
    Outcome,
)
from ..frameworks import installed_frameworks
from ..models import Framework
from ..store import (
    InstanceInfo,
    JournalEntry,
)
from .stability import (
    Signature,
)

logger = logging.getLogger("sglogs.service")


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
    die_with_parent(parent_pid)  # killed when the service is, kill -9 included
    mark_time_limited()  # this process is the time limit: readers here read directly
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
            # only a failure the system reports (errno: a full disk, a share gone) is the environment's; a library's
            # OSError about the data ("Truncated File Read") is the file's, and counts towards giving up on it
            conn.send(("error", (type(exc).__name__, _where(exc), exc.errno is not None)))
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


@dataclass(frozen=True)
class _Snapshot:
    """A private copy of a file in the inbox, hashed while copied; ``copy`` is ``None`` for a file too large."""

    copy: Path | None
    sha256: str
    size: int
    signature: Signature
    name: str


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
