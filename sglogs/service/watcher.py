"""The watchdog observer (the only module that imports watchdog): native events or polling, its events put on a
queue, checked for life and restarted; and the service's choice between native events and polling."""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from ..errors import ConfigError
from .safety import (
    SHARED_FILESYSTEMS,
    filesystem_type,
)

logger = logging.getLogger("sglogs.service")


class _StopRaceFilter(logging.Filter):
    """watchdog's inotify emitter logs an error when it is stopped in the middle of a read: harmless, and it would
    read as a fault in the service's log at every stop."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop that one message."""
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_StopRaceFilter())


class _QueueHandler(FileSystemEventHandler):
    """Puts every event on the queue and does nothing else: all decisions are the service loop's."""

    def __init__(self, events: queue.Queue[tuple[str, str, str, bool]]) -> None:
        self._events = events

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Queue the event's kind and paths (nothing here can fail, so the observer thread cannot die of it)."""
        self._events.put((event.event_type, os.fsdecode(event.src_path), os.fsdecode(event.dest_path or b""),
                          event.is_directory))


class _Watcher:
    """The watchdog observer: native or polling, checked for life, restarted when it died."""

    def __init__(self, inbox: Path, events: queue.Queue[tuple[str, str, str, bool]], polling: bool,
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


class WatcherMixin:
    """``WatchService``'s watching side: choose, start, supervise and replace the observer."""

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
