"""``sglogs report``: the organisation dashboard as an offline HTML page (parsing and printing only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..config import load_settings
from ..cycle import check_scope, load_inputs, rejected_rows_note
from .console import err, out, user_errors
from .options import AsOfOption, RosterOption, SettingOption, parse_as_of

#: Where the dashboard goes inside the outbox unless ``--out`` says otherwise.
DASHBOARD_FOLDER = "dashboard"


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``.

    Example:
        >>> from sglogs.cli import app
        >>> register(app)  # doctest: +SKIP
    """

    @app.command("report")
    @user_errors
    def report_command(
        setting: SettingOption = None,
        roster: RosterOption = None,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Folder (or .html file) for the page "
                                                     "[default: outbox/dashboard].")] = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Write the dashboard: compliance by setting and level, who is due or overdue, each person's latest review.

        Open the page in any browser; it needs no internet and links to the review documents beside it.

        Example: sglogs report --roster examples/roster.xlsx
        """
        from ..dashboard import build_dashboard
        from ..register import build_register, headline, summary

        settings, today = load_settings(), parse_as_of(as_of)
        inputs = load_inputs(settings, roster)
        check_scope(inputs, setting, settings)
        rows = build_register(inputs.people, inputs.records, inputs.frameworks, settings, today, setting,
                              band_days=settings.register_band_days)
        folder = out_dir or settings.outbox / DASHBOARD_FOLDER
        target_dir = folder.parent if folder.suffix.lower() in (".html", ".htm") else folder
        target_dir.mkdir(mode=settings.output.dir_mode_bits, parents=True, exist_ok=True)
        report = build_dashboard(rows, inputs.records, inputs.frameworks, settings.organisation or "",
                                 today, folder, band_days=settings.register_band_days,
                                 file_mode=settings.output.file_mode_bits)
        out.print(str(report.path))
        for line in [*rejected_rows_note(inputs), *headline(summary(rows, settings.register_band_days))]:
            err.print(line)
