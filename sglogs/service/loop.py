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
import dataclasses
import hashlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import shutil
import socket
import stat
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from ..config import Settings
from ..dispatch import (
    Outcome,
    make_dirs,
    process_file,
)
from ..errors import UsageError
from ..store import (
    Claim,
    ClaimStatus,
    FileState,
    InstanceInfo,
    Journal,
    JournalEntry,
    describe_url,
    sqlite_path,
)
from .archive import (
    _COPY_CHUNK,
    ArchiveMixin,
)
from .handles import open_for_writing
from .inbox import (
    InboxMixin,
)
from .outcomes import OutcomeMixin
from .recovery import (
    RecoveryMixin,
)
from .safety import (
    _inside,
    check_folders,
    check_journal_location,
)
from .settings import (
    INBOX_STATE_DIR,
    ServiceSettings,
    WatchOptions,
    service_settings,
)
from .stability import (
    Signature,
    StabilityTracker,
    regular_file_signature,
)
from .status import (
    WatchReport,
    _report_text,
)
from .watcher import (
    WatcherMixin,
    _Watcher,
)
from .workers import (
    WorkerFailure,
    _host_key,
    _InFlight,
    _Job,
    _proc_token,
    _Snapshot,
    _Worker,
)

logger = logging.getLogger("sglogs.service")


_WINDOWS_SHARING_VIOLATIONS = (32, 33)  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


class _Changed(Exception):
    """The file changed while it was being copied: it is not whole yet."""


#: Failures after which a file is a suspect: it may hold a worker for its whole time limit again.
_SUSPECT_ERRORS = frozenset({"TimeoutError", "WorkerCrashed", "WorkerStopped"})


def _suspect(work: _InFlight) -> bool:
    """Whether a file ran out of time or crashed a worker before (see ``WatchService._feed``)."""
    return work.entry.attempts > 0 and work.entry.error_kind in _SUSPECT_ERRORS


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


class WatchService(InboxMixin, WatcherMixin, ArchiveMixin, RecoveryMixin, OutcomeMixin):
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
        # queue.Queue, not SimpleQueue: on CPython 3.11 SimpleQueue.get(timeout) waits for ever when a signal
        # handler runs longer than the time left (the timeout goes negative, which means "block"), so SIGTERM was
        # ignored for minutes; Queue's lock wait re-checks the time after a signal
        self.events: queue.Queue[tuple[str, str, str, bool]] = queue.Queue()
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
            ready = self.tracker.pop_ready(now, limit=1) if self._room() else []
            if ready:
                try:
                    self._prepare(ready[0])
                except Exception as exc:  # one file must never stop the loop
                    self._unexpected(exc, ready[0], None, started=False)
                self._feed()
                continue
            if self.options.once and not self.tracker and not self.in_flight and not self._later_due_soon():
                return
            self._wait(now, self._room())
        self._finish_in_flight()

    def _finish_in_flight(self) -> None:
        """Stopping: take no new file, let the files being processed finish for up to ``stop_seconds``, then end
        their workers and give those files back, uncounted, for the next start (SIGTERM's promise: a bounded stop)."""
        assert self.journal is not None
        for work in self.prepared:  # claimed but not started: given back for the next start to take at once
            with contextlib.suppress(Exception):  # the database away: the claim's lease runs out instead
                self.journal.release(work.entry.id, self.instance_id)
            self._done_with(work)
        self.prepared.clear()
        deadline = time.monotonic() + self.svc.stop_seconds
        while self.in_flight:
            now = time.monotonic()
            if now >= deadline:
                self._interrupt_in_flight()
                return
            self._maintain(now, stopping=True)
            self._collect(feed=False)
            self._wait(now, False)

    def _interrupt_in_flight(self) -> None:
        """End the workers still busy when the stop time is up; their files are given back without counting the
        attempt (stopping is not the file's fault) and are taken again at the next start, by this or another service."""
        assert self.journal is not None
        given_back = 0
        for worker in self.workers:
            work = worker.busy
            if work is None:
                continue
            worker.kill()
            worker.busy = None
            with contextlib.suppress(Exception):  # the database away: the claim's lease runs out instead
                self.journal.release(work.entry.id, self.instance_id, error_kind="Stopped",
                                     error="the service stopped while working on it", count_attempt=False)
            self._done_with(work)
            given_back += 1
        logger.info("stop: %d file(s) still being processed after %.0f s were given back for the next start",
                    given_back, self.svc.stop_seconds)

    def _feed(self) -> None:
        """Give prepared files to free workers; a file that has already run out of time (or crashed a worker)
        never takes the last free worker, so one slow file holds at most one worker and good files go on."""
        for worker in self.workers:
            if worker.busy is not None or not self.prepared:
                continue
            work = self._next_prepared()
            if work is not None:
                self._submit(work, worker)

    def _room(self) -> bool:
        """Whether to prepare another file: fewer prepared than workers, not counting suspects waiting their turn
        (they must not keep good files from being prepared for the free worker)."""
        return sum(1 for work in self.prepared if not _suspect(work)) < len(self.workers)

    def _next_prepared(self) -> _InFlight | None:
        """The first prepared file that may start now (see ``_feed``), taken off ``self.prepared``."""
        suspects = sum(1 for w in self.workers if w.busy is not None and _suspect(w.busy))
        free = sum(1 for w in self.workers if w.busy is None)
        for index, work in enumerate(self.prepared):
            if not _suspect(work) or len(self.workers) == 1 or (free > 1 and suspects < len(self.workers) - 1):
                return self.prepared.pop(index)
        return None

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

    def _prepare(self, path: Path) -> None:
        """Copy, record and claim a settled file; one to process joins ``self.prepared``, others are dealt with."""
        assert self.journal is not None
        if open_for_writing(path):  # a writer that stalls still holds it: not whole yet, however quiet (handles.py)
            self._set_aside(path, self.svc.settle_seconds)
            return
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
