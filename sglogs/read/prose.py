"""Details written as text rather than in tables: "Label: value" lines and a list under a "Next steps" heading.

Many templates put the cover in one paragraph ("Name: … / Job title: … / Stage: …", one line each, broken with
Shift+Enter) and the next steps as paragraphs or bullets under a heading. These read them from the text lines a
reader found outside tables (``RawLog.lines``), in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

_LABEL_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z /'’&()-]{0,40}?)\s*:\s*(?P<value>.*?)\s*$")
#: A value of only these characters is a blank to fill in ("Signed: ________").
_BLANK = re.compile(r"^[\s_.…-]*$")
#: A list bullet as printed: symbols, dashes, and the Symbol font's private-use glyphs a PDF keeps (U+F0B7).
_BULLET = re.compile(r"^[\s•·◦▪■●\-–*\uf000-\uf0ff]+")
#: At most this many lines after a heading are next steps (a heading with no end does not swallow the page).
MAX_STEPS = 20


def _split(lines: Iterable[str]) -> list[str]:
    return [part.strip() for line in lines for part in line.split("\n") if part.strip()]


def labels_in_lines(lines: Iterable[str], labels: Mapping[str, str],
                    normalise: Callable[[str], str], *, printed: bool = False) -> dict[str, str]:
    """Field -> value for each "Label: value" line whose label is known (the first one of each field wins).

    ``printed`` (PDF text) also takes a known label followed by a capitalised value without a colon, as a
    spreadsheet's two cells print.

    Example:
        >>> labels_in_lines(["Name: Ann Lee\\nJob title: Nurse"], {"name": "name", "job title": "role"},
        ...                 str.lower)
        {'name': 'Ann Lee', 'role': 'Nurse'}
    """
    found: dict[str, str] = {}
    for line in _split(lines):
        match = _LABEL_LINE.match(line)
        if match is None and printed:
            pair = _printed_pair(line, labels, normalise)
            if pair:
                found.setdefault(*pair)
            continue
        if not match or _BLANK.match(match["value"]):
            continue
        key = labels.get(normalise(match["label"]))
        if key is not None:
            found.setdefault(key, match["value"])
    return found


def _printed_pair(line: str, labels: Mapping[str, str], normalise: Callable[[str], str]) -> tuple[str, str] | None:
    """A label and its value printed side by side in two spreadsheet cells ("Job title   School nurse"): the
    printed line has lost the cell border, so a known label at its start, then a capitalised value, is a pair."""
    words = line.split()
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        key = labels.get(normalise(" ".join(words[:size])))
        value = " ".join(words[size:])
        if key is not None and (value[0].isupper() or value[0].isdigit()):
            return key, value
    return None


def steps_under_heading(lines: Iterable[str], headings: Iterable[str],
                        normalise: Callable[[str], str]) -> list[str]:
    """The lines after a "Next steps" heading, up to the next "Label:" line, as next steps.

    Example:
        >>> steps_under_heading(["Next steps", "Read the policy", "Signed: ____"], ["next steps"], str.lower)
        ['Read the policy']
    """
    wanted = set(headings)
    parts = _split(lines)
    for index, line in enumerate(parts):
        if normalise(line) not in wanted:
            continue
        steps: list[str] = []
        for step in parts[index + 1:index + 1 + MAX_STEPS]:
            if _LABEL_LINE.match(step) or normalise(step).startswith("signed"):
                break
            steps.append(_BULLET.sub("", step))
        return [s for s in steps if s]
    return []
