"""How sglogs writes things for people: UK dates, counts with the right plural, framework and level names.

Every document, workbook, page and terminal line that a person reads goes through these, so a date is never
printed as ``2026-12-04`` and a level never as ``norfolk-nscp-2024, 4``. JSON keeps ISO dates and ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..models import Framework, Level


def long_date(day: dt.date | None, missing: str = "not recorded") -> str:
    """A date as UK staff write it in full; ``missing`` when there is none.

    Example:
        >>> long_date(dt.date(2026, 12, 4))
        '4 December 2026'
    """
    if day is None:
        return missing
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date | None, missing: str = "") -> str:
    """A date for a table cell: day first, as ``04/12/2026``; ``missing`` when there is none.

    Example:
        >>> short_date(dt.date(2026, 12, 4))
        '04/12/2026'
    """
    return day.strftime("%d/%m/%Y") if day else missing


def long_datetime(moment: dt.datetime) -> str:
    """A moment as people read it: the UK date and the time of day, in the moment's own time zone.

    Example:
        >>> long_datetime(dt.datetime(2026, 12, 4, 20, 12, 40))
        '4 December 2026 at 20:12'
    """
    return f"{long_date(moment.date())} at {moment:%H:%M}"


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    """A log period as a sentence fragment.

    Example:
        >>> period_text(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        '1 January 2026 to 31 December 2026'
    """
    if start is None and end is None:
        return "not recorded"
    return f"{long_date(start)} to {long_date(end)}"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` with the noun in the right form.

    Example:
        >>> count(1, "warning"), count(3, "person", "people")
        ('1 warning', '3 people')
    """
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {word}"


def a_or_an(word: str) -> str:
    """``word`` with the indefinite article it takes when read aloud (file formats are read letter by letter).

    Example:
        >>> a_or_an("XLSX"), a_or_an("DOCX"), a_or_an("entry")
        ('an XLSX', 'a DOCX', 'an entry')
    """
    spoken_vowel = word[:1].lower() in "aeio" or (word.isupper() and word[:1] in "AEFHILMNORSX")
    return f"{'an' if spoken_vowel else 'a'} {word}"


def framework_title(framework_id: str, frameworks: Mapping[str, Framework]) -> str:
    """The framework's own title, or its id when it is not loaded.

    Example:
        >>> framework_title("unknown-framework", {})
        'unknown-framework'
    """
    framework = frameworks.get(framework_id)
    return framework.title if framework else framework_id


def level_name(framework_id: str, level_id: str, frameworks: Mapping[str, Framework]) -> str:
    """The level as the framework names it ("Stage 4", "Level 2"); the framework's level word otherwise.

    Example:
        >>> level_name("unknown-framework", "4", {})
        'Level 4'
    """
    framework = frameworks.get(framework_id)
    if framework is None:
        return f"Level {level_id}"
    try:
        return framework.level(level_id).name
    except (KeyError, ValueError):
        return f"{framework.level_label} {level_id}"


def framework_and_level(framework_id: str, level_id: str, frameworks: Mapping[str, Framework]) -> str:
    """Framework and level in one phrase, as a person would write them.

    Example:
        >>> framework_and_level("unknown-framework", "2", {})
        'unknown-framework, Level 2'
    """
    return f"{framework_title(framework_id, frameworks)}, {level_name(framework_id, level_id, frameworks)}"


def level_heading(level: Level) -> str:
    """A level as one line: its name, title, and London's groups and Intercollegiate levels.

    Example:
        >>> level_heading(Level(id="2", name="Level 2", groups=("2", "3"), intercollegiate="2-3"))
        'Level 2 (groups 2 and 3; Intercollegiate levels 2-3)'
    """
    text = level.name + (f" – {level.title}" if level.title else "")
    extras = []
    if level.groups:
        groups = " and ".join(level.groups)
        extras.append(f"group{'s' if len(level.groups) > 1 else ''} {groups}")
    if level.intercollegiate:
        plural = "s" if "-" in level.intercollegiate else ""
        extras.append(f"Intercollegiate level{plural} {level.intercollegiate}")
    return text + (f" ({'; '.join(extras)})" if extras else "")
