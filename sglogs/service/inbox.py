"""The service's view of the inbox: events and scans feed the tracker, rows whose file left are settled, and the
notes sglogs keeps in the inbox (its id, one note per running service)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import socket
import time
import uuid
from pathlib import Path

from ..dispatch import (
    make_dirs,
    write_atomic,
)
from ..errors import ConfigError
from ..files import TEMP_PREFIX, TEMP_SUFFIX
from ..store import (
    ClaimStatus,
    JournalEntry,
)
from .settings import (
    INBOX_STATE_DIR,
)
from .stability import (
    _IGNORED_FOLDERS,
    is_ignored_name,
    regular_file_signature,
    scan_inbox,
)
from .workers import (
    _where,
    pid_alive,
)

logger = logging.getLogger("sglogs.service")


_MISSED_EVENT_MARGIN_SECONDS = 5.0


class InboxMixin:
    """``WatchService``'s inbox side: events, scans, and the inbox's notes."""

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
