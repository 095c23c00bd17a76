"""``sglogs watch`` and ``sglogs status``: the watched-folder service on the command line.

``register(app)`` adds both commands to the ``sglogs`` Typer app (``sglogs.cli`` calls it, as it does for the
other ``cli_*`` modules). As in ``sglogs.cli``: parsing and printing only, errors through ``user_errors``, data
on stdout, log lines on stderr, never a person's name.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from ..core.formatting import count, long_datetime
from ..errors import SglogsError
from ..service import ServiceStatus, WatchOptions, handle_stop_signals, run_watch, service_status
from .console import err, out, user_errors
from .options import OutboxOption, outbox_settings


def register(app: typer.Typer) -> None:
    """Add ``watch`` and ``status`` to the ``sglogs`` command.

    Example:
        >>> from sglogs.cli import app
        >>> register(app)  # doctest: +SKIP
    """

    app.command()(user_errors(watch))
    app.command()(user_errors(status))


def watch(
    inbox: Annotated[Path | None, typer.Option("--inbox", help="Folder to watch [default: inbox].")] = None,
    outbox: OutboxOption = None,
    once: Annotated[bool, typer.Option("--once", help="Process what is in the inbox, then exit (for cron or "
                                                      "Task Scheduler).")] = False,
    polling: Annotated[bool, typer.Option("--polling", help="Poll the inbox instead of using change events "
                                                            "(network shares, WSL, Docker Desktop).")] = False,
) -> None:
    """Watch the inbox: rosters generate logs, completed logs are reviewed, anything else is rejected with a reason.

    Stops cleanly on Ctrl-C or SIGTERM after finishing the current file. See docs/service.md.

    Example: sglogs watch --inbox /srv/sglogs/inbox --outbox /srv/sglogs/outbox
    """

    settings = outbox_settings(outbox)
    options = WatchOptions(inbox=inbox or settings.inbox, outbox=settings.outbox, once=once, polling=polling)
    _log_to_stderr()
    stop = threading.Event()
    restore = handle_stop_signals(stop)
    try:
        report = run_watch(options, settings, stop=stop)
    finally:
        restore()
    done = ", ".join(f"{n} {state}" for state, n in report.outcomes.items())
    err.print(f"Stopped ({report.mode}): {done}; {count(report.waiting, 'file')} left waiting.")


def status(
    inbox: Annotated[Path | None, typer.Option("--inbox", help="Inbox to count waiting files in "
                                                               "[default: inbox].")] = None,
    outbox: OutboxOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show the service: whether it runs, files by state, files waiting, the latest errors, the register's figures.

    Example: sglogs status --json
    """
    settings = outbox_settings(outbox)
    report = service_status(settings, inbox or settings.inbox, outbox=settings.outbox)
    figures = _register_figures(settings)
    if as_json:
        sys.stdout.write(json.dumps({**_status_data(report), "register": figures}, indent=2) + "\n")
        return
    _print_status(report, figures)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is logged (tests swap it between commands)."""

    @property  # type: ignore[override]
    def stream(self) -> object:
        """The current ``sys.stderr``."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""


def _log_to_stderr() -> None:
    # watchdog's own warnings (a share briefly unreachable while polling) belong in the same log
    for name, level in (("sglogs", logging.INFO), ("watchdog", logging.WARNING)):
        named = logging.getLogger(name)
        named.setLevel(level)
        if not any(isinstance(h, _StderrHandler) for h in named.handlers):
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            named.addHandler(handler)


def _register_figures(settings: object) -> list[str]:
    """The register's headline figures (no names)."""
    from ..cycle import status_figures

    try:
        return status_figures(settings, dt.date.today())  # type: ignore[arg-type]
    except SglogsError as exc:
        return [f"Register: not available ({exc.message})"]


def _when(timestamp: float | None) -> str:
    """A journal time as people read it ("6 December 2026 at 12:48"); "not recorded" when there is none."""
    return long_datetime(dt.datetime.fromtimestamp(timestamp)) if timestamp else "not recorded"


def _iso_when(timestamp: float | None) -> str | None:
    # status --json is for programs: ISO time, null when not recorded
    return dt.datetime.fromtimestamp(timestamp).isoformat(timespec="seconds") if timestamp else None


def _status_data(report: ServiceStatus) -> dict[str, object]:
    return {
        "journal": report.journal,
        "journal_exists": report.journal_exists,
        "running": [asdict(i) for i in report.running],
        "counts": report.counts,
        "waiting": report.waiting,
        "last_errors": [{"id": e.id, "sha256": e.sha256, "state": e.state.value, "error_kind": e.error_kind,
                         "error": e.error, "when": _iso_when(e.finished_at or e.claimed_at or e.seen_at)}
                        for e in report.last_errors],
    }


def _print_status(report: ServiceStatus, figures: list[str]) -> None:

    for info in report.running:
        out.print(f"Service: running, pid {info.pid} on {info.host} ({info.mode}), since "
                  f"{_when(info.started_at)}, last heartbeat {_when(info.heartbeat_at)}")
    if not report.running:
        out.print("Service: not running")
    out.print(f"Journal: {report.journal}" + ("" if report.journal_exists else " (not created yet)"))
    if report.counts:
        out.print("Files: " + ", ".join(f"{n} {state}" for state, n in report.counts.items()))
    waiting = "cannot be read" if report.waiting is None else count(report.waiting, "file")
    out.print(f"Waiting in the inbox ({report.inbox}): {waiting}")
    if report.last_errors:
        out.print("Latest errors:")
        for entry in report.last_errors:
            when = _when(entry.finished_at or entry.claimed_at or entry.seen_at)
            # the error's class name (error_kind) is for the journal and --json, not for people
            out.print(f"  #{entry.id}, {when}: {entry.state.value}. {entry.error or 'No reason recorded.'}")
    for line in figures:
        out.print(line)
