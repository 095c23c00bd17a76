"""Dates and periods every layer uses: log periods, refresher years, and the one UK date grammar.

``parse_uk_date`` is the strict reader that rosters and the command line use (always day first); the log-cell
reader ``sglogs.read.values.parse_date`` builds on the same grammar (``read_date_text``). ``add_months`` and
``period_end`` make log periods; ``add_years`` refresher due dates. Standard library only (and the models'
``DatePrecision``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from ..models import DatePrecision

#: Excel serial numbers in a date column are only taken as dates within these years.
SERIAL_DATE_YEARS: Final = (2000, 2099)
#: Years ``parse_uk_date`` and ``parse_date`` accept at all.
DATE_YEARS: Final = (1900, 2099)


# ------------------------------------------------------------------------------------------- periods


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb).

    Example:
        >>> add_months(dt.date(2026, 1, 31), 1)
        datetime.date(2026, 2, 28)
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a log period that starts on ``start`` and runs ``months`` months.

    Example:
        >>> period_end(dt.date(2026, 4, 1), 12)
        datetime.date(2027, 3, 31)
    """
    return add_months(start, months) - dt.timedelta(days=1)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February).

    Example:
        >>> add_years(dt.date(2024, 2, 29), 2)
        datetime.date(2026, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# ------------------------------------------------------------------------------------------- the UK date grammar


class UkDateError(ValueError):
    """A text that ``parse_uk_date`` cannot turn into a date.

    ``problem`` completes "<text> is ..." and ``advice`` says what to write instead; ``str()`` joins them.

    Example:
        >>> str(UkDateError("31/02/2026", "not a real date (February 2026 has 28 days)", "check the day"))
        "'31/02/2026' is not a real date (February 2026 has 28 days); check the day."
    """

    def __init__(self, text: str, problem: str, advice: str) -> None:
        super().__init__(f"{text!r} is {problem}; {advice}.")
        self.text = text
        self.problem = problem
        self.advice = advice


def parse_uk_date(text: str) -> dt.date:
    """Read a date written the UK way: always day first, two-digit years in 2000-2099.

    Accepted: ISO ``2026-01-01``; ``1/1/2026``, ``01/01/26``, ``1.1.2026``, ``1-1-2026``; ``1-Jan-2026``,
    ``1 Jan 26``, ``1st January 2026``, ``Thursday 1st of January, 2026``; and a month alone,
    ``January 2026`` or Excel's ``Jan-26``, meaning the first of that month. A time after the date (as in
    ``2026-01-01 00:00:00``) is ignored. Years outside 1900-2099 are refused. This is the strict form for
    rosters and options; log cells go through ``parse_date``, which warns about a month alone.

    Raises:
        UkDateError: (a ``ValueError``) the text is no date, or an impossible one such as 31/02/2026.

    Example:
        >>> parse_uk_date("03/04/2026"), parse_uk_date("1st January 2026"), parse_uk_date("Jan-26")
        (datetime.date(2026, 4, 3), datetime.date(2026, 1, 1), datetime.date(2026, 1, 1))
    """
    return read_date_text(str(text)).date


# Spelled out rather than taken from calendar.month_name, which follows the process locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = {name.casefold(): i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS |= {name[:3].casefold(): i for i, name in enumerate(MONTH_NAMES, start=1)} | {"sept": 9}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = {name[:3].casefold(): i for i, name in enumerate(WEEKDAY_NAMES)}
_TIME_SUFFIX_RE = re.compile(r"(?:[ t])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_WEEKDAY_PREFIX_RE = re.compile(
    r"^(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
    r"\.?,?\s+(?=\d)"
)
_ISO_RE = re.compile(r"(?P<year>\d{4})([-/.])(?P<month>\d{1,2})\2(?P<day>\d{1,2})")
_NUMERIC_DMY_RE = re.compile(r"(?P<day>\d{1,2}) ?(?P<sep>[-/.]) ?(?P<month>\d{1,2}) ?(?P=sep) ?(?P<year>\d{4}|\d{2})")
_NAMED_DMY_RE = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?: of)?[ ./-]*(?P<month>[a-z]+)\.?[ ,./-]*(?P<year>\d{4}|\d{2})"
)
_MONTH_YEAR_RE = re.compile(r"(?P<month>[a-z]+)\.?[ ,./-]*(?P<year>\d{4})")
# Excel's "mmm-yy" display format; without the hyphen "March 26" could as well be the 26th of March.
_EXCEL_MONTH_YEAR_RE = re.compile(r"(?P<month>[a-z]{3,9})-(?P<year>\d{2})")
# Only for log cells: "03/2026" and "2026-03" can be nothing but a month (a four-digit year is required,
# since "03/26" could be a day and month with the year left off).
_NUMERIC_MONTH_YEAR_RE = re.compile(r"(?P<month>\d{1,2}) ?[-/.] ?(?P<year>\d{4})")
_ISO_MONTH_YEAR_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
SERIAL_TEXT_RE = re.compile(r"^\d{5}(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date read by ``read_date_text``: the date, its precision and the weekday the text named (if any)."""

    date: dt.date
    precision: DatePrecision
    weekday: int | None = None  # the weekday the text named (0 = Monday), to compare with the date


def read_date_text(original: str, *, numeric_month: bool = False) -> DateReading:
    """The one date grammar: raise ``UkDateError`` or return the date, its precision and any weekday named."""
    value = " ".join(original.split()).casefold()
    if not value:
        raise UkDateError(original, "empty", "write a date such as 01/04/2026")
    value = _TIME_SUFFIX_RE.sub("", value)
    weekday = None
    if m := _WEEKDAY_PREFIX_RE.match(value):
        weekday = _WEEKDAYS[m["weekday"][:3]]
        value = value[m.end() :]
    precision = DatePrecision.DAY
    if m := _ISO_RE.fullmatch(value):
        year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    elif m := _NUMERIC_DMY_RE.fullmatch(value):
        year, month, day = _full_year(m["year"]), int(m["month"]), int(m["day"])
    elif m := _NAMED_DMY_RE.fullmatch(value):
        year, month, day = _full_year(m["year"]), _month_number(original, m["month"]), int(m["day"])
    elif (m := _MONTH_YEAR_RE.fullmatch(value)) or (m := _EXCEL_MONTH_YEAR_RE.fullmatch(value)):
        year, month, day = _full_year(m["year"]), _month_number(original, m["month"]), 1
        precision = DatePrecision.MONTH
    elif numeric_month and (year_month := _numeric_month(value)):
        (year, month), day = year_month, 1
        precision = DatePrecision.MONTH
    else:
        raise UkDateError(original, "not a date sglogs can read", "write it day first, e.g. 01/04/2026 or 1 April 2026")
    return DateReading(checked_date(original, year, month, day), precision, weekday)


def _numeric_month(value: str) -> tuple[int, int] | None:
    m = _NUMERIC_MONTH_YEAR_RE.fullmatch(value) or _ISO_MONTH_YEAR_RE.fullmatch(value)
    # A 13th month is no month: the text may be a day and month with the year left off.
    return (int(m["year"]), int(m["month"])) if m and 1 <= int(m["month"]) <= 12 else None


def _full_year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _month_number(original: str, name: str) -> int:
    month = _MONTHS.get(name)
    if month is None:
        raise UkDateError(
            original, f"not a date sglogs can read ({name!r} is not a month)", "write the month as e.g. Jan or January"
        )
    return month


def checked_date(original: str, year: int, month: int, day: int) -> dt.date:
    """``dt.date(year, month, day)``, or ``UkDateError`` saying in words why that day does not exist."""
    if not 1 <= month <= 12:
        advice = "dates are read day first (day/month/year)" if day <= 12 else "check the day and month"
        raise UkDateError(original, f"not a real date (there is no month {month})", advice)
    if not DATE_YEARS[0] <= year <= DATE_YEARS[1]:
        raise UkDateError(
            original, f"not a plausible date (year {year})", f"use a year from {DATE_YEARS[0]} to {DATE_YEARS[1]}"
        )
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        detail = f"there is no day {day}" if day < 1 else f"{MONTH_NAMES[month - 1]} {year} has {days_in_month} days"
        raise UkDateError(original, f"not a real date ({detail})", "check the day and month")
    return dt.date(year, month, day)


def excel_serial(value: object) -> float | None:
    """The Excel serial number a date cell holds, or ``None`` when the value is not one.

    A number (not a bool) is a serial; so is five-digit text, because a CSV saved from a General-formatted date
    cell holds the serial as text. Whether the serial is a plausible date is ``excel_serial_to_date``'s call.

    Example:
        >>> excel_serial(46095), excel_serial("46095"), excel_serial("14/03/2026"), excel_serial(True)
        (46095.0, 46095.0, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and SERIAL_TEXT_RE.match(value.strip()):
        return float(value)
    return None


def excel_serial_to_date(serial: float, epoch_1904: bool = False) -> dt.date | None:
    """The date an Excel serial number stands for, or ``None`` when it is not in 2000-2099.

    Args:
        serial: Days since the workbook's epoch; a fraction (the time of day) is dropped.
        epoch_1904: The workbook uses the 1904 date system (old Mac Excel).

    Example:
        >>> excel_serial_to_date(46095), excel_serial_to_date(44561, epoch_1904=True), excel_serial_to_date(123)
        (datetime.date(2026, 3, 14), datetime.date(2026, 1, 1), None)
    """
    # 1899-12-30 absorbs Excel's phantom 29 February 1900; serials that old are out of range anyway.
    base = dt.date(1904, 1, 1) if epoch_1904 else dt.date(1899, 12, 30)
    try:
        value = base + dt.timedelta(days=int(serial))
    except (OverflowError, ValueError):
        return None
    return value if SERIAL_DATE_YEARS[0] <= value.year <= SERIAL_DATE_YEARS[1] else None
