"""What a run did (``WatchReport``) and what ``sglogs status`` shows (``service_status``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..store import (
    FileState,
    InstanceInfo,
    Journal,
    JournalEntry,
    describe_url,
    sqlite_path,
)
from .settings import (
    ServiceSettings,
    service_settings,
)
from .stability import (
    scan_inbox,
)
from .workers import (
    instance_alive,
)


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


def _report_text(report: WatchReport) -> str:
    parts = [f"{n} {state}" for state, n in report.outcomes.items()]
    if report.retries:
        parts.append(f"{report.retries} failures to retry")
    return ", ".join(parts)


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
