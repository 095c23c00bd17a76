"""The annual-cycle commands ``sglogs register`` and ``sglogs audit`` (parsing and printing only).

``register(app)`` adds the commands to the main Typer app (``sglogs.cli`` calls it). Like the rest of the CLI
they only parse, call the library (``sglogs.cycle``, ``sglogs.register``, ``sglogs.audit``, ``sglogs.reports``)
and print: file paths on stdout, figures on stderr, never a person's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..config import load_settings
from ..core.names import fold
from ..cycle import AUDIT_FOLDER, AUDIT_STEM, REGISTER_FILE, check_scope, load_inputs, rejected_rows_note
from ..files import make_folders
from ..register import build_register, headline, summary
from .console import err, out, user_errors
from .options import AsOfOption, RosterOption, SettingOption, parse_as_of


def register(app: typer.Typer) -> None:
    """Add the ``register`` and ``audit`` commands to ``app``.

    Example:
        >>> from sglogs.cli import app
        >>> register(app)  # doctest: +SKIP
    """
    @app.command("register")
    @user_errors
    def register_command(
        setting: SettingOption = None,
        roster: RosterOption = None,
        out_file: Annotated[Path | None, typer.Option("--out", help="Workbook to write "
                                                      "[default: outbox/register.xlsx].")] = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Write the staff register: each person's log, review, sign-off and refresher status, with a summary.

        Example: sglogs register --roster examples/roster.xlsx --setting "Hillside Primary School"
        """
        from ..reports.register_xlsx import write_register

        settings, today = load_settings(), parse_as_of(as_of)
        inputs = load_inputs(settings, roster)
        check_scope(inputs, setting, settings)
        rows = build_register(inputs.people, inputs.records, inputs.frameworks, settings, today, setting,
                              band_days=settings.register_band_days)
        result = summary(rows)
        target = out_file or settings.outbox / REGISTER_FILE
        make_folders(target.parent, settings.output.dir_mode_bits)  # security 15.2: folders get the configured mode
        path = write_register(rows, result, target,
                              settings.output.file_mode_bits, organisation=settings.organisation, as_of=today)
        out.print(str(path))
        for line in [*rejected_rows_note(inputs), *headline(result)]:
            err.print(line)

    @app.command("audit")
    @user_errors
    def audit_command(
        setting: SettingOption = None,
        roster: RosterOption = None,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the Word and Excel self-assessment "
                                                     "[default: outbox/audit].")] = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Answer the LLR Q-card questions with figures, a RAG and the people behind each (Word and Excel).

        Example: sglogs audit --roster examples/roster.xlsx --out outbox/audit
        """
        from ..audit import audit_lines, self_assessment
        from ..reports.audit_docs import write_audit_docx, write_audit_xlsx

        settings, today = load_settings(), parse_as_of(as_of)
        inputs = load_inputs(settings, roster)
        check_scope(inputs, setting, settings)
        answers = self_assessment(inputs.records, inputs.people, inputs.frameworks, settings, today, setting,
                                  green_at=settings.audit.green_at, amber_at=settings.audit.amber_at,
                                  additional_roles=settings.audit.additional_roles)
        folder = out_dir or settings.outbox / AUDIT_FOLDER
        make_folders(folder, settings.output.dir_mode_bits)  # security 15.2: every folder, whatever the umask
        stem = f"{AUDIT_STEM}_{today.isoformat()}" + (f"_{fold(setting)}" if setting else "")
        scope = f"Setting: {setting}" if setting else "Whole organisation"
        for write, suffix in ((write_audit_docx, ".docx"), (write_audit_xlsx, ".xlsx")):
            path = write(answers, folder / f"{stem}{suffix}", organisation=settings.organisation, as_of=today,
                         scope=scope, mode=settings.output.file_mode_bits)
            out.print(str(path))
        for line in [*rejected_rows_note(inputs), *audit_lines(answers)]:
            err.print(line)
