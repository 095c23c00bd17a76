"""Reading a log within a time limit: ``read_log`` in a child process that is ended when its time is up.

A valid file can keep the XML parser busy for minutes (one huge token; FIELD-NOTES, "Quadratic XML parsing") in C
code nothing can interrupt, so the commands read each file in a child process (``sglogs.core.processes``) and
end it after ``read.time_limit_seconds``. The service's workers already run under their own limit
(``service.file_timeout_seconds``), so there the read is direct.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings, load_settings
from ..core.processes import TimeLimitExceeded, call_with_time_limit
from ..errors import ReadTimeLimitError
from ..frameworks import installed_frameworks
from ..models import Framework, ParsedLog
from .safezip import printable_name

__all__ = ["ReadTimeLimitError", "read_log_in_time", "time_limit_message"]


def time_limit_message(name: str, seconds: float, doing: str = "read") -> str:
    """The sentence for a file that took too long to read (or review: ``doing``).

    Example:
        >>> time_limit_message("log.xlsx", 120).startswith("log.xlsx took more than 120 s to read")
        True
    """
    return (f"{printable_name(name)} took more than {seconds:g} s to {doing}, so sglogs stopped (a file can be made "
            "to be slow to read, or be far larger than a log); open it in Word or Excel, check it holds one "
            "person's log, save it as a new file and send that, or raise read.time_limit_seconds in sglogs.toml "
            "if it is genuine.")


def _read(job: tuple[Path, Settings, dict[str, Framework]]) -> ParsedLog:
    from .log import read_log

    return read_log(*job)


def read_log_in_time(path: Path, settings: Settings | None = None,
                     frameworks: dict[str, Framework] | None = None) -> ParsedLog:
    """``read_log``, ended after ``settings.read.time_limit_seconds`` with ``ReadTimeLimitError`` (exit 3).

    Example:
        >>> read_log_in_time(Path("inbox/NS001_Hartley.xlsx")).staff.id  # doctest: +SKIP
        'NS001'
    """
    settings = settings or load_settings()
    if frameworks is None:
        frameworks = installed_frameworks(settings.frameworks_dir)
    seconds = settings.read.time_limit_seconds
    try:
        return call_with_time_limit(_read, (Path(path), settings, frameworks), seconds)
    except TimeLimitExceeded:
        raise ReadTimeLimitError(time_limit_message(Path(path).name, seconds)) from None
