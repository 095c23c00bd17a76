"""The ``sglogs`` command: a thin layer that parses flags, calls one library function and prints.

One module per group of commands; errors become one sentence and an exit code in ``console.user_errors`` only.
Data goes to stdout, messages and progress to stderr.

Example:
    >>> from sglogs.cli import app
    >>> sorted(c.name or c.callback.__name__ for c in app.registered_commands)[:3]  # doctest: +SKIP
    ['audit', 'bundle', 'check']
"""

from __future__ import annotations

from . import bundle, cycle, frameworks, init, logs, paper, report, service  # noqa: F401  (commands add themselves)
from .app import app

init.register(app)
service.register(app)
cycle.register(app)
bundle.register(app)
report.register(app)


def main() -> None:
    """Entry point of the ``sglogs`` console script.

    Example:
        >>> main()  # doctest: +SKIP
    """
    app()


__all__ = ["app", "main"]
