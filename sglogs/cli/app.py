"""The ``sglogs`` Typer app, its ``frameworks`` group and the options every command shares (``--debug``,
``--version``). The commands add themselves from the modules beside this one."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from .console import debug_state, out

app = typer.Typer(
    help="Safeguarding-children competency logs: generate, read, check and review them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help texts hold "[default: ...]": plain text, not Rich markup that would swallow the brackets
    rich_markup_mode=None,
)
frameworks_app = typer.Typer(help="List, show, validate, import and export competency frameworks.",
                             no_args_is_help=True)
app.add_typer(frameworks_app, name="frameworks")


def _version(value: bool) -> None:
    if value:
        out.print(f"sglogs {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """sglogs: competency logs from a roster, read back, checked and reviewed.

    Exit codes: 0 ok, 1 findings or rejected rows, 2 usage, 3 unreadable or unsafe input, 4 configuration.
    """
    debug_state["debug"] = debug
