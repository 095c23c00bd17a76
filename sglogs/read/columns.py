"""What each column of an evidence table holds, from its header *and* its values, with the reason why.

A header is read by its words (exact spellings first, then phrases, including questions such as "How will you
apply this to your practice?"); the column's values then confirm or settle it: dates look like dates, durations
like durations, competency ids like ids, reflections are long free text. Where two columns claim one field, the
one whose values fit best wins and the other is reported; a column nobody can place is reported, never guessed.
Several reflection columns ("What did I learn?", "How will you apply it?") make one reflection, in column order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .refs import parse_competency_refs
from .values import parse_date, parse_hours

#: Phrases a header may hold, tried in this order on the normalised header (lower case, no punctuation).
#: Questions come first: "What was the learning activity?" is the activity, "What did you learn?" the reflection.
HEADER_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bparticipatory\b", "ignored:participatory hours are part of the hours of an activity"),
    (r"\bcompetenc|\bframework ref|\bpcf\b", "competencies"),
    (r"^by when\b|^target\b|\bnext steps?\b|\bfurther learning need|\bdevelopment need", "next_steps"),
    (r"^when\b|^date\b|\bdates?$|\bdate (of|completed|attended|undertaken)\b", "date"),
    (r"^how long\b|\bhours?\b|\bduration\b|\btime (spent|taken)\b|^time$|^length$|\bminutes\b|\bmins\b",
     "hours"),
    (r"^(type|method|format|delivery|mode)\b|\btype of\b|\blearning method\b", "type"),
    (r"^what (was|were) the (learning |cpd |training )?activit|^what (did you|i|we) (do|did)\b"
     r"|^what was the nature", "activity"),
    (r"\blearn|\breflect|\bappl(y|ied)\b|\bimprove|\bimpact\b|\bchange\b|\boutcome|\bevidence of learning\b"
     r"|\bnotes on\b|\bdifference\b|\bsignificance\b|\btake ?aways?\b", "reflection"),
    (r"\bactivit|\btraining\b|\bcourse\b|\btopic\b|\btitle\b|\bevent\b|\bcpd\b|\bsession\b", "activity"),
    (r"^evidence$|\bcertificate\b|\bproof\b", "ignored:it holds the proof kept (a certificate, notes), "
     "not what was learned"),
)
#: A value this long, on average, is free text (a reflection), not a label or a proof.
LONG_TEXT_CHARS = 60
#: Share of a column's values that must fit a field for the values to confirm the header.
FIT_SHARE = 0.6


@dataclass
class ColumnMeaning:
    """How one column was understood: its field (``None`` when not read) and why, in plain English."""

    index: int
    header: str
    field: str | None
    why: str


@dataclass
class TableMeaning:
    """The meaning of every column of one evidence table, and warnings about competing or unplaced columns."""

    columns: list[ColumnMeaning] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fields(self) -> dict[int, str]:
        """Grid column -> field, for the columns that are read."""
        return {c.index: c.field for c in self.columns if c.field}


def normalise_header(text: str) -> str:
    """Lower case, "&" as "and", punctuation as spaces, spaces folded: how headers and labels are compared.

    Example:
        >>> normalise_header("Activity/Training:")
        'activity training'
    """
    text = text.lower().replace("&", " and ").replace("’", "'").replace("'", "")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def header_guess(key: str, synonyms: Mapping[str, Sequence[str]]) -> tuple[str | None, str]:
    """The field a normalised header names and why; ``ignored:reason`` fields are columns not to read.

    Example:
        >>> header_guess("how will you apply this to your practice", {})[0]
        'reflection'
    """
    for name, spellings in synonyms.items():
        if key in spellings:
            return name, f"the header is one of the spellings of {_FIELD_NAMES.get(name, name)}"
    for pattern, name in HEADER_PHRASES:
        if re.search(pattern, key):
            return name, f"the header's words ('{key}') name {_FIELD_NAMES.get(name, 'a column sglogs leaves')}"
    return None, "its header names nothing sglogs reads"


_FIELD_NAMES = {"date": "the date", "activity": "the learning activity", "type": "the type of learning",
                "hours": "the hours", "competencies": "the competencies", "reflection": "the reflection",
                "next_steps": "the next steps"}


def fit(field_name: str, values: Sequence[str], known_ids: Sequence[str] = ()) -> float:
    """Share of non-empty values that look like ``field_name`` (1.0 when the column has no values yet).

    Example:
        >>> fit("date", ["03/09/2025", "24 September 2025", "Certificate"])
        0.6666666666666666
    """
    values = [v for v in values if v.strip()]
    if not values:
        return 1.0
    if field_name == "date":
        ok = sum(1 for v in values if parse_date(v).value is not None)
    elif field_name == "hours":
        ok = sum(1 for v in values if parse_hours(v).value is not None)
    elif field_name == "competencies":
        ok = sum(1 for v in values if parse_competency_refs(v, known_ids).ids)
    elif field_name == "reflection":
        ok = sum(1 for v in values if len(v) >= LONG_TEXT_CHARS)
    else:
        ok = len(values)
    return ok / len(values)


def understand(header: Sequence[str], data: Sequence[Sequence[str]],
               synonyms: Mapping[str, Sequence[str]], where: str) -> TableMeaning:
    """Give each column of an evidence table its field from its header and the values under it.

    ``data`` are the rows below the header (the values); ``synonyms`` the exact spellings per field (built in
    and from ``[read.headers]``). A header cell spanning several grid columns leaves ``""`` behind it: the span
    belongs to its field.

    Example:
        >>> m = understand(["When?", "What did you do?", "Evidence"], [["1/2/26", "Course", "Certificate"]],
        ...                {}, "table 1")
        >>> m.fields()
        {0: 'date', 1: 'activity'}
    """
    meaning = TableMeaning()
    # values are taken from rows of data: not a repeated header, not a heading or note across the table
    rows = [row for row in data if tuple(row) != tuple(header) and sum(1 for c in row if c) >= 2]
    column_values = [[row[i] for row in rows if i < len(row)] for i in range(len(header))]
    guesses: list[ColumnMeaning] = []
    last: ColumnMeaning | None = None

    for index, cell in enumerate(header):
        if not cell:
            if last is not None and last.field:
                guesses.append(ColumnMeaning(index, last.header, last.field, "it is under the same header"))
            continue
        name, why = header_guess(normalise_header(cell), synonyms)
        if name and name.startswith("ignored:"):
            values = column_values[index]
            if name.endswith("not what was learned") and values and fit("reflection", values) >= FIT_SHARE:
                last = ColumnMeaning(index, cell, "reflection", "its header says evidence, and it holds long "
                                                                 "free text about what was learned")
            else:
                last = ColumnMeaning(index, cell, None, name.removeprefix("ignored:"))
        elif name is None:
            last = ColumnMeaning(index, cell, None, why)
        else:
            last = ColumnMeaning(index, cell, name, why)
        guesses.append(last)
    _place_by_values(guesses, column_values, meaning, where)
    _settle(guesses, column_values, meaning, where)
    return meaning


#: Durations written with a unit ("2 hrs", "45 mins", "1h30") tell hours from other numbers (row numbers, ids).
_DURATION_UNIT = re.compile(r"\d\s*(h|hr|hrs|hours?|m|mins?|minutes?)\b|\d:\d\d\b|\d[.,]\d", re.IGNORECASE)


def _place_by_values(guesses: list[ColumnMeaning], values: list[list[str]], meaning: TableMeaning,
                     where: str) -> None:
    """A column whose header names nothing sglogs reads is placed by its values, when they leave no doubt and the
    field is not taken, and a warning says so: dates, durations with a unit, long free text (the reflection), or
    short text beside the date (the activity). Never a guess on an empty column, nor in a table whose header words
    name fewer than two fields."""
    taken = {g.field for g in guesses if g.field}
    if len(taken) < 2:
        return  # a table is known as evidence by its header's words first; values only fill the gaps
    for guess in guesses:
        if parse_date(guess.header).value is not None or parse_hours(guess.header).value is not None:
            continue  # a "header" that is itself a value is a data row, not a header
        column = [v for v in values[guess.index] if v.strip()] if guess.index < len(values) else []
        if guess.field or not column or guess.why != "its header names nothing sglogs reads":
            continue
        if "date" not in taken and fit("date", column) == 1.0:
            name = "date"
        elif "hours" not in taken and fit("hours", column) == 1.0 \
                and all(_DURATION_UNIT.search(v) for v in column):
            name = "hours"
        elif "reflection" not in taken and fit("reflection", column) >= FIT_SHARE:
            name = "reflection"
        elif "activity" not in taken and "date" in taken and fit("date", column) == 0 \
                and fit("hours", column) == 0 and sum(len(v) for v in column) / len(column) < LONG_TEXT_CHARS:
            name = "activity"
        else:
            continue
        guess.field, guess.why = name, (f"its header names nothing sglogs reads, but its values look like "
                                        f"{_FIELD_NAMES[name]}")
        taken.add(name)
        meaning.warnings.append(f"{where}: column '{guess.header}' was read as {_FIELD_NAMES[name]} from its "
                                "values (its header names nothing sglogs reads); if that is wrong, name the "
                                "column in [read.headers] of sglogs.toml")


def _settle(guesses: list[ColumnMeaning], values: list[list[str]], meaning: TableMeaning, where: str) -> None:
    """One column per field (except reflection); the values decide between competing columns, with a warning."""
    by_field: dict[str, list[ColumnMeaning]] = {}
    for guess in guesses:
        if guess.field and guess.why != "it is under the same header":
            by_field.setdefault(guess.field, []).append(guess)
    for name, claimants in by_field.items():
        if name == "reflection" or len(claimants) < 2:
            continue
        best = max(claimants, key=lambda g: (fit(name, values[g.index]), -g.index))
        for loser in claimants:
            if loser is best:
                continue
            meaning.warnings.append(
                f"{where}: columns '{best.header}' and '{loser.header}' both look like "
                f"{_FIELD_NAMES[name]}; '{best.header}' was read and '{loser.header}' was not")
            loser.field, loser.why = None, f"'{best.header}' fits {_FIELD_NAMES[name]} better"
    for guess in guesses:
        if guess.field and guess.field not in ("activity", "type", "reflection", "next_steps") \
                and fit(guess.field, values[guess.index]) < FIT_SHARE and any(v for v in values[guess.index]):
            meaning.warnings.append(f"{where}: column '{guess.header}' is read as {_FIELD_NAMES[guess.field]}, "
                                    "but many of its values do not look like that; check them")
    meaning.columns = guesses
