"""``sglogs init``: make a working folder for one installation (parsing and printing only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .console import err, user_errors


def register(app: typer.Typer) -> None:
    """Add the ``init`` command to ``app``.

    Example:
        >>> from sglogs.cli import app
        >>> register(app)  # doctest: +SKIP
    """

    @app.command("init")
    @user_errors
    def init_command(
        folder: Annotated[Path, typer.Argument(help="Folder to set up [default: this folder].")] = Path("."),
    ) -> None:
        """Set up a working folder: sglogs.toml, inbox/, outbox/, frameworks/ and a README; never overwrites.

        Example: sglogs init /srv/sglogs
        """
        from ..workspace import init_workspace

        report = init_workspace(folder)
        for path in report.made:
            err.print(f"Made {path}" + ("/" if path.is_dir() else ""))
        if not report.made:
            err.print(f"{folder} is already set up; nothing was changed.")
        elif report.kept:
            err.print(f"Kept as they were: {', '.join(p.name for p in report.kept)}.")
        where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
        err.print("Next: " + where + "sglogs generate ROSTER.xlsx (logs for your staff, in outbox/logs/), then put "
                  "completed logs in inbox/ and run sglogs watch (or sglogs review inbox/).")
