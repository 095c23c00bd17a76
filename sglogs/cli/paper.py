"""``sglogs keying-sheet``: the Excel log a manager types a handwritten paper log into (parsing and printing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from ..errors import UsageError
from ..generate.keying import KeyingOptions, identity_from_log, keying_sheet
from ..models import LogIdentity
from .app import app
from .console import err, out, user_errors
from .options import OutboxOption, outbox_settings, parse_date

RosterOption = Annotated[Path | None, typer.Option("--roster", help="Roster (.xlsx or .csv) to take the person's "
                                                   "name, role, setting and manager from.")]


@app.command("keying-sheet")
@user_errors
def keying_sheet_command(
    log: Annotated[Path | None, typer.Argument(help="The person's generated log (its identity is used).")] = None,
    pages: Annotated[list[Path] | None, typer.Option("--pages", help="A scanned page image; repeat per page.")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="The keying workbook to write (.xlsx).")] = None,
    log_id: Annotated[str | None, typer.Option("--log-id", help="Log id, as on the page code.")] = None,
    staff: Annotated[str | None, typer.Option("--staff", help="Staff id.")] = None,
    framework: Annotated[str | None, typer.Option("--framework", help="Framework id.")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Level id.")] = None,
    start: Annotated[str | None, typer.Option("--start", help="Period start, e.g. 01/01/2026.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Period end, e.g. 31/12/2026.")] = None,
    roster: RosterOption = None,
    outbox: OutboxOption = None,
) -> None:
    """Write an Excel log for a paper log's entries to be typed into, listing its scanned pages.

    Example: sglogs keying-sheet NS001_Hartley_2026-01-01_2026-12-31.xlsx --pages p1.png --pages p2.png --out k.xlsx
    """
    settings = outbox_settings(outbox)
    if not pages or out_file is None:
        raise UsageError("Give the page images with --pages (once per page) and the workbook to write with --out.")
    if log is not None:
        identity = identity_from_log(log, settings)
    else:
        try:
            identity = LogIdentity(log_id=log_id, staff_id=staff, framework=framework, level=level,
                                   period_start=parse_date(start, "--start"), period_end=parse_date(end, "--end"))
        except ValidationError:
            raise UsageError("Give the generated log, or all of --log-id, --staff, --framework, --level, --start "
                             "and --end.") from None
    written = keying_sheet(KeyingOptions(identity=identity, pages=tuple(pages), out=out_file, roster=roster),
                           settings)
    out.print(str(written))
    err.print(f"Type the entries of log {identity.log_id} into {written}; its 'Scanned pages' sheet links the pages.")
