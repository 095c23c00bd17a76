"""Tests for sglogs.read.values: what people type in one cell, read without guessing."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sglogs.core.dates import DATE_YEARS, UkDateError, excel_serial, excel_serial_to_date, parse_uk_date
from sglogs.models import DatePrecision
from sglogs.read.refs import ParsedRefs, parse_competency_refs
from sglogs.read.values import (
    MAX_HOURS,
    ParsedDate,
    ParsedHours,
    is_tick,
    parse_date,
    parse_hours,
)

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)
D = dt.date
NORFOLK_4 = ("4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10")
LLR = ("A1", "A2", "C1", "C2", "C3")

# Anything a cell can hold: text (often date-like or number-like), numbers, Excel dates, times, None.
CELLS = st.one_of(
    st.text(),
    st.text(alphabet="0123456789/.-: ,&thsndrJanMrchourmi", max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


# ------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14/03/2026", D(2026, 3, 14)),
        ("14/3/26", D(2026, 3, 14)),
        ("14.03.2026", D(2026, 3, 14)),
        ("14-03-2026", D(2026, 3, 14)),
        ("14-Mar-2026", D(2026, 3, 14)),
        ("14 Mar 2026", D(2026, 3, 14)),
        ("14th March 2026", D(2026, 3, 14)),
        ("Saturday 14 March 2026", D(2026, 3, 14)),
        ("Sat 14th March 2026", D(2026, 3, 14)),
        ("2026-03-14", D(2026, 3, 14)),
        ("14/03/2026 10:30", D(2026, 3, 14)),
        ("14/03/2026 10:30am", D(2026, 3, 14)),
        ("14/03/2026 2pm", D(2026, 3, 14)),
        ("2026-03-14 00:00:00", D(2026, 3, 14)),
        ("  14 / 03 / 2026  ", D(2026, 3, 14)),
        ("Date: 14/03/2026", D(2026, 3, 14)),
        ("on 14/03/2026", D(2026, 3, 14)),
        ("14/03/2026.", D(2026, 3, 14)),
        # Day first, always: these would be other dates in the US.
        ("03/04/2026", D(2026, 4, 3)),
        ("03/04/26", D(2026, 4, 3)),
        ("12/11/2026", D(2026, 11, 12)),
        ("01.02.2026", D(2026, 2, 1)),
        # Two-digit years are 20xx.
        ("1/1/99", D(2099, 1, 1)),
        ("29/02/2028", D(2028, 2, 29)),
        # Excel serial numbers, as numbers or as five-digit text (a CSV of a General-formatted date cell).
        (46095, D(2026, 3, 14)),
        (46095.0, D(2026, 3, 14)),
        (46095.75, D(2026, 3, 14)),
        ("46095", D(2026, 3, 14)),
        # Excel date cells.
        (D(2026, 3, 14), D(2026, 3, 14)),
        (dt.datetime(2026, 3, 14, 10, 30), D(2026, 3, 14)),
    ],
)
def test_dates_are_read_day_first(value: object, expected: dt.date) -> None:
    assert parse_date(value) == ParsedDate(expected, DatePrecision.DAY, None)


def test_serial_numbers_follow_the_1904_date_system() -> None:
    assert parse_date(44561, epoch_1904=True).value == D(2026, 1, 1)
    assert parse_date("44561", epoch_1904=True).value == D(2026, 1, 1)
    assert parse_date(44561).value == D(2021, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2026", D(2026, 3, 1)),
        ("Mar 2026", D(2026, 3, 1)),
        ("march-2026", D(2026, 3, 1)),
        ("Sept 2026", D(2026, 9, 1)),
        ("03/2026", D(2026, 3, 1)),
        ("3/2026", D(2026, 3, 1)),
        ("2026-03", D(2026, 3, 1)),
        ("Jan-26", D(2026, 1, 1)),
    ],
)
def test_a_month_alone_is_the_first_of_the_month_with_a_warning(text: str, expected: dt.date) -> None:
    parsed = parse_date(text)
    assert (parsed.value, parsed.precision) == (expected, DatePrecision.MONTH)
    assert parsed.warning == f"date '{text}' gives only the month; it is kept as {expected:%Y-%m}, add the day"


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("3-4 March 2026", D(2026, 3, 3)),
        ("3 - 4 March 2026", D(2026, 3, 3)),
        ("3rd-4th March 2026", D(2026, 3, 3)),
        ("3 to 4 March 2026", D(2026, 3, 3)),
        ("3 & 4 March 2026", D(2026, 3, 3)),
        ("03/03/2026 - 04/03/2026", D(2026, 3, 3)),
        ("03/03/2026-04/03/2026", D(2026, 3, 3)),
        ("03/03/2026 – 04/03/2026", D(2026, 3, 3)),
        ("2026-03-03 to 2026-03-04", D(2026, 3, 3)),
        ("3 March - 4 March 2026", D(2026, 3, 3)),
        ("28 Feb - 1 Mar 2026", D(2026, 2, 28)),
    ],
)
def test_a_range_is_read_as_its_first_day_with_a_warning(text: str, first: dt.date) -> None:
    parsed = parse_date(text)
    assert (parsed.value, parsed.precision) == (first, DatePrecision.DAY)
    assert parsed.warning == (
        f"date '{text}' covers more than one day; it was read as its first day, {first.day} {first:%B} {first.year} "
        "(write the date the activity started, or one row per day)"
    )


def test_a_range_of_one_day_is_that_day() -> None:
    assert parse_date("14/03/2026 - 14/03/2026") == ParsedDate(D(2026, 3, 14))


@pytest.mark.parametrize(
    ("value", "warning"),
    [
        ("31/02/2026", "date '31/02/2026' is not a real date (February 2026 has 28 days); check the day and month"),
        ("29/02/2026", "date '29/02/2026' is not a real date (February 2026 has 28 days); check the day and month"),
        ("31 April 2026", "date '31 April 2026' is not a real date (April 2026 has 30 days); check the day and month"),
        ("14/13/2026", "date '14/13/2026' is not a real date (there is no month 13); check the day and month"),
        (
            "03/14/2026",
            "date '03/14/2026' is not a real date (there is no month 14); dates are read day first (day/month/year)",
        ),
        ("1/1/3026", "date '1/1/3026' is not a plausible date (year 3026); use a year from 1900 to 2099"),
        (
            "ongoing",
            "date 'ongoing' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026",
        ),
        (
            "various",
            "date 'various' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026",
        ),
        (
            "see above",
            "date 'see above' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026",
        ),
        # Ambiguous: the 26th of March, or March 2026?
        (
            "March 26",
            "date 'March 26' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026",
        ),
        (
            "13/2026",
            "date '13/2026' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026",
        ),
        ("14/03", "date '14/03' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or 1 April 2026"),
        (
            "1 Janvier 2026",
            "date '1 Janvier 2026' is not a date sglogs can read ('janvier' is not a month); "
            "write the month as e.g. Jan or January",
        ),
        (
            "Friday 14 March 2026",
            "date 'Friday 14 March 2026' says Friday, but 14 March 2026 is a Saturday; "
            "check the date and write it again",
        ),
        (
            "04/03/2026 - 03/03/2026",
            "date '04/03/2026 - 03/03/2026' is a range that ends before it starts; "
            "write the date the activity took place",
        ),
        (
            "14/03/2026 - ongoing",
            "date '14/03/2026 - ongoing' is not a date sglogs can read; write it day first, e.g. 01/04/2026 or "
            "1 April 2026",
        ),
        (123, "date '123' is a number, not a date; format the cell as a date, or write it day first, e.g. 14/03/2026"),
        (
            "12345",
            "date '12345' is a number, not a date; format the cell as a date, or write it day first, e.g. 14/03/2026",
        ),
        (True, "date 'TRUE' is not a date; write it day first, e.g. 14/03/2026 or 14 March 2026"),
        (dt.time(10, 30), "date '10:30:00' is a time, not a date; format the cell as a date, e.g. 14/03/2026"),
        (
            D(1850, 1, 1),
            "date '1850-01-01' is not a plausible date (year 1850); write it day first, e.g. 14/03/2026 or "
            "14 March 2026",
        ),
    ],
)
def test_what_is_not_a_date_gives_none_and_a_warning_quoting_it(value: object, warning: str) -> None:
    assert parse_date(value) == ParsedDate(None, DatePrecision.DAY, warning)


@pytest.mark.parametrize("value", [None, "", "   ", "\n\t"])
def test_an_empty_date_cell_is_none_without_a_warning(value: object) -> None:
    assert parse_date(value) == ParsedDate(None)


def test_warnings_quote_the_text_verbatim() -> None:
    text = "Don't know\n(ask Sam)"
    assert f"'{text}'" in (parse_date(text).warning or "")


def test_there_is_one_date_parser_and_rosters_keep_their_rules() -> None:
    from sglogs import roster

    assert roster.parse_uk_date is parse_uk_date
    # A roster's month alone means the 1st, silently; in a log it is kept with a warning and MONTH precision.
    assert parse_uk_date("March 2026") == parse_date("March 2026").value == D(2026, 3, 1)
    assert parse_date("March 2026").warning
    # "03/2026" is a month only in log cells; rosters refuse it as before.
    with pytest.raises(UkDateError):
        parse_uk_date("03/2026")


def test_excel_serial_helpers() -> None:
    assert excel_serial(46095) == excel_serial("46095") == 46095.0
    assert excel_serial("1234") is None
    assert excel_serial(False) is None
    assert excel_serial_to_date(46095) == D(2026, 3, 14)
    assert excel_serial_to_date(36525) is None  # 31/12/1999: before 2000, not taken as a date
    assert excel_serial_to_date(float("inf")) is None
    assert excel_serial_to_date(float("nan")) is None


@given(CELLS, st.booleans())
@FAST
def test_parse_date_never_raises_and_stays_in_range(value: object, epoch_1904: bool) -> None:
    parsed = parse_date(value, epoch_1904=epoch_1904)
    assert isinstance(parsed, ParsedDate)
    if parsed.value is not None:
        assert DATE_YEARS[0] <= parsed.value.year <= DATE_YEARS[1]
    if parsed.value is None or parsed.precision is DatePrecision.MONTH:
        # Nothing is dropped silently: an unread or imprecise date always says so, unless the cell was empty.
        assert (parsed.warning is None) == (value is None or (isinstance(value, str) and not value.strip()))


# ------------------------------------------------------------------------------------------- hours


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, 2.0),
        (2.5, 2.5),
        (0, 0.0),
        ("2", 2.0),
        ("2.5", 2.5),
        ("2,5", 2.5),
        ("0.5", 0.5),
        (".5", 0.5),
        ("0.75", 0.75),
        ("1.3", 1.3),
        ("1.25", 1.25),
        ("2h", 2.0),
        ("2 h", 2.0),
        ("2hr", 2.0),
        ("2 hrs", 2.0),
        ("2 hrs.", 2.0),
        ("1 hour", 1.0),
        ("2 hours", 2.0),
        ("2 Hours", 2.0),
        ("1.5 hours", 1.5),
        ("2h 30m", 2.5),
        ("2h30m", 2.5),
        ("2h30", 2.5),
        ("2 hrs 30 mins", 2.5),
        ("2 hours and 30 minutes", 2.5),
        ("90 mins", 1.5),
        ("90 minutes", 1.5),
        ("45m", 0.75),
        ("20 mins", 0.33),
        ("1:30", 1.5),
        ("0:45", 0.75),
        ("1:30:00", 1.5),
        ("1:30 hrs", 1.5),
        ("200", 200.0),
        (dt.time(1, 30), 1.5),
        (dt.time(0, 20), 0.33),
        (dt.timedelta(hours=26, minutes=15), 26.25),
        (2.345678, 2.35),
    ],
)
def test_hours_are_read_in_every_common_form(value: object, expected: float) -> None:
    assert parse_hours(value) == ParsedHours(expected, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("approx 2 hours", 2.0), ("about 1.5", 1.5), ("~3h", 3.0), ("c. 2 hrs", 2.0)],
)
def test_approximate_hours_are_kept_with_a_warning(text: str, expected: float) -> None:
    assert parse_hours(text) == ParsedHours(expected, f"hours '{text}' is approximate; it is kept as {expected:g}")


DAY_ADVICE = (
    "is not a number of hours; sglogs does not guess how long a day or session is, so write the hours, e.g. 3.5"
)
NOT_HOURS = "is not a number of hours; write the time spent in hours, e.g. 3.5 (or 3:30)"


@pytest.mark.parametrize(
    ("value", "warning"),
    [
        ("half day", f"hours 'half day' {DAY_ADVICE}"),
        ("full day", f"hours 'full day' {DAY_ADVICE}"),
        ("1 day", f"hours '1 day' {DAY_ADVICE}"),
        ("a morning", f"hours 'a morning' {DAY_ADVICE}"),
        ("Ongoing", f"hours 'Ongoing' {NOT_HOURS}"),
        ("n/a", f"hours 'n/a' {NOT_HOURS}"),
        ("two", f"hours 'two' {NOT_HOURS}"),
        ("2+", f"hours '2+' {NOT_HOURS}"),
        (True, f"hours 'TRUE' {NOT_HOURS}"),
        (float("nan"), f"hours 'nan' {NOT_HOURS}"),
        ("2-3 hours", "hours '2-3 hours' is a range; write one number, the hours actually spent, e.g. 2.5"),
        ("2 to 3", "hours '2 to 3' is a range; write one number, the hours actually spent, e.g. 2.5"),
        ("-2", "hours '-2' is negative; write the time spent, e.g. 2.5"),
        (-0.5, "hours '-0.5' is negative; write the time spent, e.g. 2.5"),
        (
            "250",
            "hours '250' is more than 200 hours, too many for one activity; check the number (hours, not minutes), "
            "e.g. 2.5",
        ),
        (
            201,
            "hours '201' is more than 200 hours, too many for one activity; check the number (hours, not minutes), "
            "e.g. 2.5",
        ),
        (
            "1.30",
            "hours '1.30' is ambiguous (decimal hours, or hours and minutes?); for 1 h 30 min write 1.5 or 1:30",
        ),
        (
            "2.15",
            "hours '2.15' is ambiguous (decimal hours, or hours and minutes?); for 2 h 15 min write 2.25 or 2:15",
        ),
        (
            "1,45",
            "hours '1,45' is ambiguous (decimal hours, or hours and minutes?); for 1 h 45 min write 1.75 or 1:45",
        ),
        ("2,500", "hours '2,500' is ambiguous (a comma before three digits); write e.g. 2.5 for two and a half"),
        (
            dt.datetime(2026, 3, 14),
            "hours '2026-03-14T00:00:00' is a date, not a number of hours; format the cell as a number and write "
            "e.g. 3.5",
        ),
    ],
)
def test_what_is_not_a_number_of_hours_gives_none_and_a_warning_quoting_it(value: object, warning: str) -> None:
    assert parse_hours(value) == ParsedHours(None, warning)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_empty_hours_cell_is_none_without_a_warning(value: object) -> None:
    assert parse_hours(value) == ParsedHours(None, None)


@given(CELLS)
@FAST
def test_parse_hours_never_raises_and_stays_in_range(value: object) -> None:
    parsed = parse_hours(value)
    assert isinstance(parsed, ParsedHours)
    if parsed.value is not None:
        assert 0 <= parsed.value <= MAX_HOURS
        assert parsed.value == round(parsed.value, 2)
    else:
        assert (parsed.warning is None) == (value is None or (isinstance(value, str) and not value.strip()))


# ------------------------------------------------------------------------------------------- competency ids


@pytest.mark.parametrize(
    "text",
    [
        "4.3, 4.5",
        "4.3,4.5",
        "4.3/4.5",
        "4.3 & 4.5",
        "4.3 and 4.5",
        "4.3; 4.5",
        "4.3 4.5",
        "4.3\n4.5",
        "4.3 + 4.5",
        "(4.3) (4.5)",
        "[4.3], [4.5]",
        "• 4.3\n• 4.5",
        "4.3.\n4.5.",
        "C4.3, C4.5",
        "Comp 4.3, Comp 4.5",
        "Comp. 4.3 and competency 4.5",
        "Competencies: 4.3, 4.5",
        "4.3, 4.5, 4.3",
    ],
)
def test_competency_ids_are_split_on_any_separator(text: str) -> None:
    assert parse_competency_refs(text) == ParsedRefs(("4.3", "4.5"), False, None)


@pytest.mark.parametrize("text", ["(4.3)", "4.3", " 4.3 ", "C4.3", "comp4.3", "Competency 4.3"])
def test_one_id(text: str) -> None:
    assert parse_competency_refs(text, NORFOLK_4) == ParsedRefs(("4.3",))


def test_ids_are_kept_in_the_order_written_and_not_filtered_by_known_ids() -> None:
    assert parse_competency_refs("9.9, 4.3, 1.1", NORFOLK_4).ids == ("9.9", "4.3", "1.1")


def test_4_10_written_as_text_stays_4_10() -> None:
    assert parse_competency_refs("4.10, 4.1", NORFOLK_4).ids == ("4.10", "4.1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.1-4.3", ("4.1", "4.2", "4.3")),
        ("4.1 - 4.3", ("4.1", "4.2", "4.3")),
        ("4.1–4.3", ("4.1", "4.2", "4.3")),
        ("4.1 to 4.3", ("4.1", "4.2", "4.3")),
        ("4.8-4.10", ("4.8", "4.9", "4.10")),
        ("4.1-4.2, 4.5", ("4.1", "4.2", "4.5")),
        ("4.2, 4.1-4.3", ("4.2", "4.1", "4.3")),
    ],
)
def test_ranges_are_expanded_in_the_logs_order(text: str, expected: tuple[str, ...]) -> None:
    assert parse_competency_refs(text, NORFOLK_4) == ParsedRefs(expected)


@pytest.mark.parametrize(
    ("text", "known", "ids", "why"),
    [
        ("4.1-4.3", (), ("4.1", "4.3"), "the log's competency list was not available"),
        ("4.1 to 4.12", NORFOLK_4, ("4.1", "4.12"), "4.12 is not one of the log's competencies"),
        ("4.3-4.1", NORFOLK_4, ("4.3", "4.1"), "it runs backwards in the log's order"),
    ],
)
def test_a_range_that_cannot_be_expanded_keeps_its_ends_with_a_warning(
    text: str, known: tuple[str, ...], ids: tuple[str, ...], why: str
) -> None:
    assert parse_competency_refs(text, known) == ParsedRefs(
        ids,
        warning=f"competencies '{text}': the range '{text}' was kept as its two ends, {ids[0]} and {ids[1]}, "
        f"because {why}; list the ids the evidence covers, e.g. 4.1, 4.3",
    )


@pytest.mark.parametrize(
    "text", ["all", "All", "ALL.", "All competencies", "all competences", "all of the above", "All the above", "(all)"]
)
def test_all(text: str) -> None:
    assert parse_competency_refs(text, NORFOLK_4) == ParsedRefs((), True, None)


@pytest.mark.parametrize("text", ["All except 4.3", "all but 4.3", "All level 3", "4.1-4.10 excluding 4.3"])
def test_a_cell_that_excludes_or_qualifies_is_refused_not_misread(text: str) -> None:
    assert parse_competency_refs(text, NORFOLK_4) == ParsedRefs(
        warning=f"competencies '{text}' could not be read; write all, or list the ids the evidence covers, e.g. 4.1, "
        "4.3"
    )


@pytest.mark.parametrize(
    ("text", "ids"),
    [("C1, A2", ("C1", "A2")), ("c1 a2", ("C1", "A2")), ("C1-C3", ("C1", "C2", "C3")), ("Comp C2", ("C2",))],
)
def test_id_letters_are_kept_when_the_log_has_them(text: str, ids: tuple[str, ...]) -> None:
    assert parse_competency_refs(text, LLR) == ParsedRefs(ids)


def test_a_c_prefix_is_dropped_when_the_log_has_no_c_ids_and_other_letters_are_kept() -> None:
    assert parse_competency_refs("C4.3, A1").ids == ("4.3", "A1")


@pytest.mark.parametrize(
    ("value", "known", "ids"), [(4.3, (), ("4.3",)), (4.0, (), ("4",)), (4, (), ("4",)), (4.1, ("4.1",), ("4.1",))]
)
def test_excel_numbers_become_their_shortest_form(value: object, known: tuple[str, ...], ids: tuple[str, ...]) -> None:
    assert parse_competency_refs(value, known) == ParsedRefs(ids)


def test_an_excel_number_that_may_have_lost_a_trailing_zero_warns() -> None:
    assert parse_competency_refs(4.1, NORFOLK_4) == ParsedRefs(
        ("4.1",),
        warning="competencies '4.1' was stored by Excel as a number and may have been 4.10; it is kept as 4.1, "
        "format the column as text and write the id again if 4.10 was meant",
    )


@pytest.mark.parametrize(
    ("text", "ids", "junk"),
    [
        ("4.3 safeguarding", ("4.3",), "'safeguarding' is not a competency id and was left out"),
        ("4.3 (see reflection)", ("4.3",), "'see reflection' is not a competency id and was left out"),
        (
            "4.3 see reflection, 4.5 e.g. toolkit",
            ("4.3", "4.5"),
            "'see reflection', 'e.g. toolkit' are not competency ids and were left out",
        ),
        ("Level 3: 3.1", ("3.1",), "'Level 3:' is not a competency id and was left out"),
        ("4.3 or 4.5", ("4.3", "4.5"), "'or' is not a competency id and was left out"),
    ],
)
def test_words_that_are_no_ids_are_left_out_with_a_warning_quoting_them(
    text: str, ids: tuple[str, ...], junk: str
) -> None:
    assert parse_competency_refs(text) == ParsedRefs(
        ids, warning=f"competencies '{text}': {junk}; list the ids the evidence covers, e.g. 4.1, 4.3"
    )


@pytest.mark.parametrize("value", ["see reflection", "safeguarding", "comp", "4.3a", True, float("nan")])
def test_a_cell_without_ids_warns(value: object) -> None:
    text = {True: "TRUE"}.get(value, str(value)) if not isinstance(value, str) else value
    assert parse_competency_refs(value) == ParsedRefs(
        warning=f"competencies '{text}' has no competency ids; list the ids the evidence covers, e.g. 4.1, 4.3"
    )


@pytest.mark.parametrize("value", [None, "", "  ", "none", "N/A", "-"])
def test_an_empty_competency_cell_has_no_ids_and_no_warning(value: object) -> None:
    assert parse_competency_refs(value, NORFOLK_4) == ParsedRefs()


@given(CELLS, st.lists(st.sampled_from([*NORFOLK_4, *LLR, "1", "4.3a"]), max_size=8))
@FAST
def test_parse_competency_refs_never_raises(value: object, known: list[str]) -> None:
    parsed = parse_competency_refs(value, known)
    assert isinstance(parsed, ParsedRefs)
    assert len(set(parsed.ids)) == len(parsed.ids)
    assert all(isinstance(i, str) and i for i in parsed.ids)
    assert not (parsed.all and parsed.ids)


# ------------------------------------------------------------------------------------------- ticks


@pytest.mark.parametrize(
    "value", ["✓", "✔", "☑", "☒", "x", "X", "yes", "Yes", "y", "true", "TRUE", "1", "•", " ✓ ", True, 1, 1.0]
)
def test_ticks(value: object) -> None:
    assert is_tick(value) is True


@pytest.mark.parametrize(
    "value", [None, "", "  ", "no", "No", "n", "false", "FALSE", "0", "✗", "✘", "-", "☐", False, 0]
)
def test_not_ticked(value: object) -> None:
    assert is_tick(value) is False


@pytest.mark.parametrize("value", ["maybe", "4.3", "partly", "?", 2, 0.5, math.nan])
def test_anything_else_is_neither(value: object) -> None:
    assert is_tick(value) is None


@given(CELLS)
@FAST
def test_is_tick_never_raises(value: object) -> None:
    assert is_tick(value) in (True, False, None)
