"""Turn what a person typed in one cell into a value: a date, a number of hours, a tick (competency ids: refs.py).

People fill in a log over a year, in Word or Excel, in their own words. These functions read what is plainly
meant and nothing more: they never guess. Each parser returns the value (or ``None``) together with a warning
sentence when the text was not understood or was imprecise; the warning quotes the text as written, so the
person can find it, and says what to write instead. The caller puts the row in front ("row 3: ...").

Dates are always read day first (03/04/2026 is 3 April 2026), as everywhere in the UK. ``parse_uk_date`` is the
strict core that rosters and the command line use; ``parse_date`` builds on it for log cells, which also hold
Excel values, month-only dates and ranges. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Final

from ..core.dates import (
    DATE_YEARS,
    MONTH_NAMES,
    SERIAL_TEXT_RE,
    WEEKDAY_NAMES,
    DateReading,
    UkDateError,
    checked_date,
    excel_serial_to_date,
    read_date_text,
)
from ..core.formatting import long_date
from ..models import DatePrecision

#: More hours than this for one activity is taken to be a mistake (minutes in the hours column, a typo).
MAX_HOURS: Final = 200.0

# A cell longer than this is prose, not a date (and trying every split of it as a range would be slow).
_MAX_DATE_CHARS = 80
_DATE_ADVICE = "write it day first, e.g. 14/03/2026 or 14 March 2026"
_HOURS_ADVICE = "write the time spent in hours, e.g. 3.5 (or 3:30)"


# ------------------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date read from one cell.

    ``value`` is ``None`` when the cell is empty (then ``warning`` is ``None`` too) or was not understood (then
    ``warning`` says why). ``precision`` is ``MONTH`` when only a month was written; ``value`` is then the first
    of that month. ``warning`` is also set for a value that was read but is imprecise (a month, a range).

    Example:
        >>> parse_date("March 2026").precision
        <DatePrecision.MONTH: 'month'>
    """

    value: dt.date | None
    precision: DatePrecision = DatePrecision.DAY
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedHours:
    """A number of hours read from one cell, rounded to 2 decimals.

    ``value`` is ``None`` when the cell is empty (no ``warning``) or was not a plain number of hours (``warning``
    says why); an approximate value ("about 2 hours") is kept, with a warning.

    Example:
        >>> parse_hours("1:30")
        ParsedHours(value=1.5, warning=None)
    """

    value: float | None
    warning: str | None = None


_NO_DATE = ParsedDate(None)
_NO_HOURS = ParsedHours(None)


# ------------------------------------------------------------------------------------------- dates in log cells


def parse_date(value: object, *, epoch_1904: bool = False) -> ParsedDate:
    """Read the date of one log cell: text written the UK way, or what Excel stored.

    Text is read by the same rules as ``parse_uk_date`` (day first, two-digit years are 20xx, a time after the
    date is ignored), plus: a label in front ("Date: 14/03/2026"); "03/2026" and "2026-03" for a month; a range
    ("3-4 March 2026", "03/03/2026 - 04/03/2026"), read as its first day with a warning; five-digit text, read
    as an Excel serial number. A month alone ("March 2026") gives the first of the month, ``MONTH`` precision
    and a warning. A weekday that does not match the date ("Friday 14 March 2026") is refused, since either
    could be the mistake.

    Args:
        value: The cell: text, a ``date`` or ``datetime`` (Excel date cells; the time is dropped), or an
            ``int``/``float`` Excel serial number (a date cell formatted as a number).
        epoch_1904: The workbook uses the 1904 date system, for serial numbers.

    Returns:
        The date (``None`` when the cell is empty or not understood), its precision and any warning.

    Example:
        >>> parse_date("03/04/2026").value, parse_date(46095).value
        (datetime.date(2026, 4, 3), datetime.date(2026, 3, 14))
    """
    if value is None:
        return _NO_DATE
    if isinstance(value, bool):
        return _refused_date(number_text(value), "not a date", _DATE_ADVICE)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if DATE_YEARS[0] <= value.year <= DATE_YEARS[1]:
            return ParsedDate(value)
        return _refused_date(value.isoformat(), f"not a plausible date (year {value.year})", _DATE_ADVICE)
    if isinstance(value, dt.time | dt.timedelta):
        return _refused_date(str(value), "a time, not a date", "format the cell as a date, e.g. 14/03/2026")
    if isinstance(value, int | float):
        return _serial_date(number_text(value), as_float(value), epoch_1904)
    text = str(value).strip()
    if not text:
        return _NO_DATE
    if SERIAL_TEXT_RE.match(text):
        return _serial_date(text, float(text), epoch_1904)
    if len(text) > _MAX_DATE_CHARS:
        return _refused_date(text, "not a date sglogs can read", _DATE_ADVICE)
    tidy = _tidy_date_text(text)
    try:
        reading = read_date_text(tidy, numeric_month=True)
    except UkDateError as exc:
        return _date_range(text, tidy) or _refused_date(text, exc.problem, exc.advice)
    if mismatch := _weekday_mismatch(text, reading):
        return mismatch
    if reading.precision is DatePrecision.MONTH:
        return ParsedDate(
            reading.date,
            DatePrecision.MONTH,
            f"date {quote_cell(text)} gives only the month; it is kept as {reading.date:%Y-%m}, add the day",
        )
    return ParsedDate(reading.date)


# A label in front of the date, as people copy the column heading into the cell.
_DATE_LABEL_RE = re.compile(r"^(?:date(?:\s+of\s+activity)?|dated|on)\b\s*[:=-]?\s*", re.IGNORECASE)
# A time written with am/pm, or after "at"; the core already drops a plain "10:30" after the date.
_CLOCK_SUFFIX_RE = re.compile(
    r",?\s+(?:at\s+)?\d{1,2}(?:(?:[:.]\d{2})?\s*[ap]\.?m\.?|:\d{2}(?::\d{2})?)$", re.IGNORECASE
)
_RANGE_SEP_RE = re.compile(r"\s*(?:[-–—&]|\b(?:to|until|till|and)\b)\s*", re.IGNORECASE)
_DAY_ONLY_RE = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?", re.IGNORECASE)
_DAY_MONTH_RE = re.compile(r"\d{1,2}(?:st|nd|rd|th)?(?: of)?[ ./-]*[a-z]+\.?", re.IGNORECASE)


def _tidy_date_text(text: str) -> str:
    tidy = " ".join(text.split())
    tidy = _DATE_LABEL_RE.sub("", tidy, count=1)
    tidy = _CLOCK_SUFFIX_RE.sub("", tidy)
    return tidy.rstrip(".,;").strip()


def _serial_date(text: str, serial: float, epoch_1904: bool) -> ParsedDate:
    date = excel_serial_to_date(serial, epoch_1904)
    if date is None:
        return _refused_date(
            text, "a number, not a date", "format the cell as a date, or write it day first, e.g. 14/03/2026"
        )
    return ParsedDate(date)


def _date_range(text: str, tidy: str) -> ParsedDate | None:
    """Read "3-4 March 2026" or "03/03/2026 - 04/03/2026" as its first day; ``None`` when it is no range."""
    # Every separator is tried as the middle of the range; a real range splits at exactly one place (the
    # hyphens inside 03-03-2026 do not leave a whole date on both sides).
    found: set[tuple[dt.date, dt.date]] = set()
    for sep in _RANGE_SEP_RE.finditer(tidy):
        left, right = tidy[: sep.start()].strip(), tidy[sep.end() :].strip()
        if not left or not right:
            continue
        try:
            end = read_date_text(right)
        except UkDateError:
            continue
        if end.precision is not DatePrecision.DAY or _weekday_mismatch(right, end):
            continue
        start = _range_start(left, end.date)
        if start is not None:
            found.add((start, end.date))
    if len(found) != 1:
        return None
    [(start, end)] = found
    if end < start:
        return _refused_date(text, "a range that ends before it starts", "write the date the activity took place")
    if end == start:
        return ParsedDate(start)
    return ParsedDate(
        start,
        warning=f"date {quote_cell(text)} covers more than one day; it was read as its first day, "
        f"{long_date(start)} "
        "(write the date the activity started, or one row per day)",
    )


def _range_start(left: str, end: dt.date) -> dt.date | None:
    try:
        if m := _DAY_ONLY_RE.fullmatch(left):  # "3-4 March 2026": month and year come from the end
            return checked_date(left, end.year, end.month, int(m["day"]))
        if _DAY_MONTH_RE.fullmatch(left):  # "28 Feb - 1 Mar 2026": the year comes from the end
            left = f"{left} {end.year}"
        start = read_date_text(left)
    except UkDateError:
        return None
    if start.precision is not DatePrecision.DAY or _weekday_mismatch(left, start):
        return None
    return start.date


def _weekday_mismatch(text: str, reading: DateReading) -> ParsedDate | None:
    if reading.weekday is None or reading.weekday == reading.date.weekday():
        return None
    written, actual = WEEKDAY_NAMES[reading.weekday], WEEKDAY_NAMES[reading.date.weekday()]
    day = f"{reading.date.day} {MONTH_NAMES[reading.date.month - 1]} {reading.date.year}"
    return ParsedDate(
        None, warning=f"date {quote_cell(text)} says {written}, but {day} is a {actual}; "
                      "check the date and write it again"
    )


def _refused_date(text: str, problem: str, advice: str) -> ParsedDate:
    return ParsedDate(None, warning=f"date {quote_cell(text)} is {problem}; {advice}")


# ------------------------------------------------------------------------------------------- hours


def parse_hours(value: object) -> ParsedHours:
    """Read how long an activity took, in hours, rounded to 2 decimals.

    Accepted: a number (``2``, ``2.5``, ``"2,5"``, ``".5"``); a number with units (``2h``, ``2 hrs``,
    ``1.5 hours``, ``2h 30m``, ``2 hrs 30 mins``, ``90 minutes``, ``45m``); hours and minutes as ``1:30``;
    Excel time cells (``datetime.time``, ``datetime.timedelta``). An approximate value ("about 2 hours") is kept
    with a warning. Refused, with a warning: days and parts of days ("half day", "a morning"), ranges ("2-3"),
    words, negative numbers, more than ``MAX_HOURS``, and "1.30", "2.15", "1.45", which people write for hours
    and minutes as often as for decimal hours.

    Args:
        value: The cell: text, a number, or an Excel time.

    Returns:
        The hours (``None`` when the cell is empty or not a plain number of hours) and any warning.

    Example:
        >>> parse_hours("2 hrs 30 mins").value, parse_hours("half day").value
        (2.5, None)
    """
    if value is None:
        return _NO_HOURS
    if isinstance(value, bool):
        return _refused_hours(number_text(value), "not a number of hours", _HOURS_ADVICE)
    if isinstance(value, dt.timedelta):
        return _checked_hours(str(value), value.total_seconds() / 3600)
    if isinstance(value, dt.datetime | dt.date):
        # A date-time in the hours column is a date, or a duration of a day or more that Excel shows as a
        # date; either way the number of hours is not what the cell shows.
        return _refused_hours(
            value.isoformat(), "a date, not a number of hours", "format the cell as a number and write e.g. 3.5"
        )
    if isinstance(value, dt.time):
        return _checked_hours(
            value.isoformat(), value.hour + value.minute / 60 + (value.second + value.microsecond / 1e6) / 3600
        )
    if isinstance(value, int | float):
        return _checked_hours(number_text(value), as_float(value))
    text = str(value).strip()
    if not text:
        return _NO_HOURS
    return _hours_from_text(text)


_NUM = r"\d+(?:[.,]\d+)?|[.,]\d+"
_H_UNIT = r"(?:h|hr|hrs|hour|hours)\.?"
_M_UNIT = r"(?:m|min|mins|minute|minutes)\.?"
_APPROX_RE = re.compile(r"^(?:approx(?:imately|\.)?|about|around|circa|c\.|ca\.|roughly|~)\s*")
_PLAIN_HOURS_RE = re.compile(rf"(?P<sign>-)?\s*(?P<h>{_NUM})(?:\s*{_H_UNIT})?")
_CLOCK_HOURS_RE = re.compile(rf"(?P<h>\d{{1,3}}):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?:\s*{_H_UNIT})?")
_MINUTES_RE = re.compile(rf"(?P<m>{_NUM})\s*{_M_UNIT}")
_HOURS_MINUTES_RE = re.compile(
    rf"(?P<h>\d+)\s*{_H_UNIT}\s*(?:,|and|&)?\s*(?P<m>\d{{1,3}}(?:[.,]\d+)?)\s*(?:{_M_UNIT})?"
)
_HOURS_RANGE_RE = re.compile(rf"(?:{_NUM})\s*(?:{_H_UNIT})?\s*(?:-|–|—|to|or)\s*(?:{_NUM})\s*(?:{_H_UNIT}|{_M_UNIT})?")
_DAY_WORDS_RE = re.compile(r"\b(?:days?|morning|afternoon|evening|session|week|weeks|shift)\b")
# "1.30" is as often 1 hour 30 minutes as 1.3 hours; the minutes people round to make it a guess either way.
_HOURS_DOT_MINUTES = frozenset({"15", "30", "45"})


def _hours_from_text(text: str) -> ParsedHours:
    folded = " ".join(text.split()).casefold().rstrip(".")
    approx = _APPROX_RE.match(folded)
    if approx:
        folded = folded[approx.end() :]
    if m := _PLAIN_HOURS_RE.fullmatch(folded):
        number = m["h"]
        if ambiguous := _ambiguous_hours(text, number):
            return ambiguous
        hours = _decimal(number)
        if hours is None:
            return _refused_hours(text, "ambiguous (a comma before three digits)", "write e.g. 2.5 for two and a half")
        result = _checked_hours(text, -hours if m["sign"] else hours)
    elif m := _CLOCK_HOURS_RE.fullmatch(folded):
        result = _checked_hours(text, int(m["h"]) + int(m["m"]) / 60 + int(m["s"] or 0) / 3600)
    elif (m := _MINUTES_RE.fullmatch(folded)) and (minutes := _decimal(m["m"])) is not None:
        result = _checked_hours(text, minutes / 60)
    elif (m := _HOURS_MINUTES_RE.fullmatch(folded)) and (minutes := _decimal(m["m"])) is not None:
        result = _checked_hours(text, int(m["h"]) + minutes / 60)
    elif _HOURS_RANGE_RE.fullmatch(folded):
        return _refused_hours(text, "a range", "write one number, the hours actually spent, e.g. 2.5")
    elif _DAY_WORDS_RE.search(folded):
        return _refused_hours(
            text,
            "not a number of hours",
            "sglogs does not guess how long a day or session is, so write the hours, e.g. 3.5",
        )
    else:
        return _refused_hours(text, "not a number of hours", _HOURS_ADVICE)
    if approx and result.value is not None:
        return ParsedHours(result.value, f"hours {quote_cell(text)} is approximate; it is kept as {result.value:g}")
    return result


def _ambiguous_hours(text: str, number: str) -> ParsedHours | None:
    whole, sep, fraction = number.replace(",", ".").partition(".")
    if not sep or fraction not in _HOURS_DOT_MINUTES:
        return None
    whole = whole or "0"
    minutes = int(fraction)
    return _refused_hours(
        text,
        "ambiguous (decimal hours, or hours and minutes?)",
        f"for {whole} h {minutes} min write {int(whole) + minutes / 60:g} or {whole}:{fraction}",
    )


def _decimal(number: str) -> float | None:
    """A number written with a decimal point or comma; ``None`` for "2,500", a UK thousands separator."""
    whole, sep, fraction = number.partition(",")
    if sep and len(fraction) == 3 and whole:
        return None
    return float(number.replace(",", "."))


def _checked_hours(text: str, hours: float) -> ParsedHours:
    if not math.isfinite(hours):
        return _refused_hours(text, "not a number of hours", _HOURS_ADVICE)
    if hours < 0:
        return _refused_hours(text, "negative", "write the time spent, e.g. 2.5")
    if hours > MAX_HOURS:
        return _refused_hours(
            text,
            f"more than {MAX_HOURS:g} hours, too many for one activity",
            "check the number (hours, not minutes), e.g. 2.5",
        )
    return ParsedHours(round(hours, 2))


def _refused_hours(text: str, problem: str, advice: str) -> ParsedHours:
    return ParsedHours(None, f"hours {quote_cell(text)} is {problem}; {advice}")


# ------------------------------------------------------------------------------------------- ticks


_TICK_TRUE = frozenset({"✓", "✔", "☑", "☒", "✅", "x", "yes", "y", "true", "1", "•", "●"})
_TICK_FALSE = frozenset({"", "no", "n", "false", "0", "✗", "✘", "-", "–", "—", "☐"})


def is_tick(value: object) -> bool | None:
    """Whether a cell of a tick matrix (a column per competency) is ticked.

    ``True`` for a tick, a cross, yes, y, true, 1, a bullet and Excel's TRUE; ``False`` for an empty cell, no,
    n, false, 0, ✗ and a dash; ``None`` for anything else, which the caller reports (a cross "x" is a tick, as
    people mark boxes with one; the heavy ✗ is the "no" of tick lists).

    Example:
        >>> is_tick("✓"), is_tick(""), is_tick("maybe")
        (True, False, None)
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    text = " ".join(str(value).split()).casefold().rstrip(".")
    if text in _TICK_TRUE:
        return True
    if text in _TICK_FALSE:
        return False
    return None


# ------------------------------------------------------------------------------------------- shared


def quote_cell(text: str) -> str:
    # Quoted verbatim, not with repr(): the person must recognise what they typed, and repr would escape it.
    return f"'{text}'"


def number_text(value: bool | int | float) -> str:
    """A number as Excel shows it in a General cell: TRUE/FALSE, 4 for 4.0, else the shortest form."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    try:
        return str(value)
    except ValueError:  # an int too long to print (Python refuses over 4300 digits)
        return f"a number of {value.bit_length()} bits"


def as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int too large for a float is no date and no number of hours either
        return math.inf
