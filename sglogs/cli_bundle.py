"""The ``sglogs bundle`` and ``sglogs verify`` commands: argument parsing and printing only (see ``sglogs.bundle``).

``cli.py`` calls ``register(app)`` once, after ``_user_errors`` and the consoles are defined (at its end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .errors import ExitCode, UsageError

#: Below this many files a bundle is written (or verified) before a progress bar would be worth drawing.
PROGRESS_MIN_FILES = 50


def _parse_date(text: str | None, flag: str) -> dt.date | None:
    from .read.values import parse_uk_date

    if text is None:
        return None
    try:
        return parse_uk_date(text)
    except ValueError:
        raise UsageError(f"{flag} '{text}' is not a date; write it as 2026-01-01 or 01/01/2026.") from None


@contextmanager
def _progress(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a bar on stderr once the total is known to be large enough."""
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                   transient=True)
    task = bar.add_task(label, total=None)
    started = False

    def advance(done: int, total: int) -> None:
        nonlocal started
        if not started and total >= PROGRESS_MIN_FILES:
            bar.start()
            started = True
        bar.update(task, completed=done, total=total)

    try:
        yield advance
    finally:
        if started:
            bar.stop()


def register(app: typer.Typer) -> None:
    """Add ``bundle`` and ``verify`` to the ``sglogs`` Typer app.

    Example:
        >>> register(app)  # doctest: +SKIP
    """
    from .cli import _user_errors, err, out  # cli.py calls register() after defining these

    @app.command()
    @_user_errors
    def bundle(
        out_file: Annotated[Path, typer.Option("--out", metavar="FILE.zip",
                                               help="The bundle to write, e.g. audit-2026.zip.")],
        setting: Annotated[str | None, typer.Option(
            "--setting", metavar="NAME", help="Everyone whose log names this setting (letter case and spaces "
            "ignored).")] = None,
        staff: Annotated[list[str] | None, typer.Option(
            "--staff", metavar="ID", help="A staff id (exact); repeat the flag or separate ids with commas.")] = None,
        everyone: Annotated[bool, typer.Option("--all", help="Everyone with a reviewed log.")] = False,
        date_from: Annotated[str | None, typer.Option(
            "--from", metavar="DATE", help="Only logs whose period reaches this date or later, e.g. 01/01/2026.")
        ] = None,
        date_to: Annotated[str | None, typer.Option(
            "--to", metavar="DATE", help="Only logs whose period starts on or before this date.")] = None,
    ) -> None:
        """Bundle the evidence of a setting, named staff or everyone: logs, reviews, register extract, index.

        Example: sglogs bundle --setting "Sunflower Nursery" --from 01/01/2026 --to 31/12/2026 --out audit.zip
        """
        from .bundle import BundleOptions, build_bundle, bundle_scope
        from .config import load_settings

        ids = [part.strip() for value in staff or () for part in value.split(",") if part.strip()]
        scope = bundle_scope(setting=setting, staff_ids=ids, everyone=everyone,
                             date_from=_parse_date(date_from, "--from"), date_to=_parse_date(date_to, "--to"))
        with _progress(err, "Bundling") as on_progress:
            report = build_bundle(BundleOptions(scope=scope, out=out_file), load_settings(), on_progress=on_progress)
        out.print(str(report.out))
        for gone in report.missing:
            err.print(f"Missing: {gone.staff_id or '(no staff id)'} {gone.item} ({gone.file}): {gone.reason}.")
        if report.unmatched_staff:
            err.print(f"No reviewed log in scope for: {', '.join(report.unmatched_staff)}.")
        err.print(f"{report.people} people, {report.logs} logs, {report.files} files "
                  f"({report.bytes / 1024 / 1024:.1f} MB), {len(report.missing)} missing. Send this fingerprint "
                  f"separately so the recipient can trust manifest.json: SHA-256 {report.manifest_sha256}")

    @app.command()
    @_user_errors
    def verify(
        path: Annotated[Path, typer.Argument(metavar="FILE.zip", help="An evidence bundle made by 'sglogs bundle'.")],
    ) -> None:
        """Re-hash every file of a bundle; name any file changed, added or removed (exit 1 when any is).

        Example: sglogs verify audit-2026.zip
        """
        from .bundle import verify_bundle

        with _progress(err, "Verifying") as on_progress:
            report = verify_bundle(path, on_progress=on_progress)
        for label, paths in (("changed", report.changed), ("added", report.added), ("removed", report.removed)):
            for member in paths:
                note = " (cannot be unzipped)" if member in report.damaged else ""
                out.print(f"{label}: {member}{note}")
        err.print(f"Bundle made {report.created} by sglogs {report.sglogs_version or '?'} for {report.scope}; "
                  f"manifest SHA-256 {report.manifest_sha256}.")
        if report.intact:
            out.print(f"OK: all {len(report.ok)} files match the manifest.")
            if report.missing:
                what = "1 item was" if report.missing == 1 else f"{report.missing} items were"
                err.print(f"{what} already missing when the bundle was made (see index.html).")
            return
        err.print(f"{path.name} does not match its manifest: {len(report.changed)} changed, {len(report.added)} "
                  f"added, {len(report.removed)} removed; do not rely on those files, ask the sender for a new copy.")
        raise typer.Exit(int(ExitCode.FINDINGS))
