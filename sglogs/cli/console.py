"""Where the ``sglogs`` command prints, and the one place an error becomes a sentence and an exit code.

Data goes to ``out`` (stdout), messages and progress to ``err`` (stderr). ``user_errors`` wraps every command:
an ``SglogsError`` is printed as its one sentence and ends the run with its exit code; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..errors import ExitCode, SglogsError

# markup only where a call asks for it: data printed here (names, evidence) may contain "[" and "]"
out = Console(highlight=False, soft_wrap=True, markup=False)
# messages are never wrapped: a path or a sentence broken over lines is harder to copy into an e-mail to IT
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

#: Set by ``--debug`` (see ``sglogs.cli.app``): errors then raise with their traceback.
debug_state = {"debug": False}

#: Below this many files a bundle is written (or verified) before a progress bar would be worth drawing.
PROGRESS_MIN_FILES = 50

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn sglogs errors into one sentence on stderr and their exit code: the only place this happens.

    Example:
        >>> @user_errors
        ... def command() -> None:
        ...     raise SglogsError("The roster is empty; add people and run again.")
        >>> command()  # doctest: +SKIP
        Error: The roster is empty; add people and run again.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SglogsError as exc:
            if debug_state["debug"]:
                raise
            err.print(f"[bold red]Error:[/] {escape(exc.message)}", markup=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except ValidationError as exc:  # an option's value out of range, caught by the options model
            if debug_state["debug"]:
                raise
            problem = exc.errors()[0]
            name = "--" + str(problem["loc"][0]).replace("_", "-") if problem["loc"] else "an option"
            err.print(f"[bold red]Error:[/] {escape(name)} is not allowed: {escape(problem['msg'].lower())}; "
                      "change it and run again.", markup=True)
            raise typer.Exit(int(ExitCode.USAGE)) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def file_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback ``(done, total)`` drawing a bar on stderr once the total is large enough.

    Example:
        >>> with file_progress("Bundling") as advance:
        ...     advance(1, 2)
    """
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
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
