"""Flags several commands share, and the parsers that turn their text into values (one sentence when they can't)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import typer

from ..core.dates import parse_uk_date
from ..errors import UsageError

SettingOption = Annotated[str | None, typer.Option("--setting", help="Only people of this setting (as written in "
                                                   "the roster's Setting column).")]
RosterOption = Annotated[Path | None, typer.Option("--roster", help="Roster (.xlsx or .csv): everyone on it is "
                                                   "reported, reviewed or not [default: people with reviews].")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Work the figures out for this date, e.g. "
                                                "31/03/2027 [default: today].")]


def parse_date(text: str | None, flag: str) -> dt.date | None:
    """The date a flag was given, or ``None`` when it was not; a ``UsageError`` naming the flag otherwise.

    Example:
        >>> parse_date("01/04/2026", "--start")
        datetime.date(2026, 4, 1)
    """
    if text is None:
        return None
    try:
        return parse_uk_date(text)
    except ValueError:
        raise UsageError(f"{flag} '{text}' is not a date; write it as 01/01/2026 or 2026-01-01.") from None


def parse_as_of(text: str | None) -> dt.date:
    """The ``--as-of`` date, today when it was not given.

    Example:
        >>> parse_as_of("31/03/2027")
        datetime.date(2027, 3, 31)
    """
    return parse_date(text, "--as-of") or dt.date.today()


def parse_days(text: str, flag: str = "--due-within") -> int:
    """A number of days written as ``30d``, ``30 days`` or ``30``.

    Example:
        >>> parse_days("30d")
        30
    """
    match = re.fullmatch(r"\s*(\d+)\s*(d|days?)?\s*", text.lower())
    if match is None:
        raise UsageError(f"{flag} '{text}' is not a number of days; write it as 30d or 30.")
    return int(match.group(1))
