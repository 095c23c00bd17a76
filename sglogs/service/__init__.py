"""The watched-folder service: files dropped into the inbox are processed exactly once, as soon as they are whole.

One job per module (``docs/architecture.md`` has the map):

* ``settings``  the ``[service]`` settings, their defaults, where the service keeps its own data, one run's options;
* ``safety``    set-ups refused before start (folders that loop or leak, a SQLite journal on a share);
* ``stability`` when a file is whole (``StabilityTracker``), which names are ignored, the inbox scan;
* ``workers``   the worker processes (one file each, with a time limit) and process liveness;
* ``watcher``   the watchdog observer, the only module importing watchdog;
* ``inbox``     events and scans feeding the tracker, and the notes sglogs keeps in the inbox;
* ``archive``   outcomes recorded and originals filed away, never overwriting;
* ``recovery``  claims of dead services taken back, their leftovers removed;
* ``status``    what a run did and what ``sglogs status`` shows;
* ``signals``   SIGTERM/SIGINT handling;
* ``loop``      ``WatchService``: start, the loop, one file from settled to handed to a worker, stop.

The names below are the package's public interface.
"""

from .loop import (
    WatchService,
    run_watch,
)
from .safety import (
    SHARED_FILESYSTEMS,
    check_folders,
    check_journal_location,
    filesystem_type,
)
from .settings import (
    DEFAULT_FILE_TIMEOUT_SECONDS,
    DEFAULT_HEARTBEAT_SECONDS,
    DEFAULT_INCOMPLETE_GRACE_SECONDS,
    DEFAULT_LEASE_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_POLL_INTERVAL_SECONDS,
    DEFAULT_RESCAN_MINUTES,
    DEFAULT_RETRY_SECONDS,
    DEFAULT_SETTLE_SECONDS,
    DEFAULT_STOP_SECONDS,
    INBOX_STATE_DIR,
    MAX_DEFAULT_WORKERS,
    ServiceSettings,
    WatchOptions,
    data_dir,
    default_journal_path,
    default_workers,
    service_settings,
)
from .signals import (
    handle_stop_signals,
)
from .stability import (
    Signature,
    StabilityTracker,
    is_ignored_name,
    regular_file_signature,
    scan_inbox,
)
from .status import (
    ServiceStatus,
    WatchReport,
    service_status,
)
from .workers import (
    WorkerFailure,
    instance_alive,
    pid_alive,
)

__all__ = [
    "DEFAULT_FILE_TIMEOUT_SECONDS",
    "DEFAULT_HEARTBEAT_SECONDS",
    "DEFAULT_INCOMPLETE_GRACE_SECONDS",
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_POLL_INTERVAL_SECONDS",
    "DEFAULT_RESCAN_MINUTES",
    "DEFAULT_RETRY_SECONDS",
    "DEFAULT_SETTLE_SECONDS",
    "DEFAULT_STOP_SECONDS",
    "INBOX_STATE_DIR",
    "MAX_DEFAULT_WORKERS",
    "SHARED_FILESYSTEMS",
    "ServiceSettings",
    "ServiceStatus",
    "Signature",
    "StabilityTracker",
    "WatchOptions",
    "WatchReport",
    "WatchService",
    "WorkerFailure",
    "check_folders",
    "check_journal_location",
    "data_dir",
    "default_journal_path",
    "default_workers",
    "filesystem_type",
    "handle_stop_signals",
    "instance_alive",
    "is_ignored_name",
    "pid_alive",
    "regular_file_signature",
    "run_watch",
    "scan_inbox",
    "service_settings",
    "service_status",
]
