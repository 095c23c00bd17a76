"""Competency ids as people write them in one cell: "4.3/4.5", "4.3 & 4.5", "4.1-4.4", "C4.3", "all".

Like the other cell parsers (values.py) it reads what is plainly meant and never guesses: ids are returned in
the order written, and whatever was left out is named in a warning that quotes the text.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .values import number_text, quote_cell

_REFS_ADVICE = "list the ids the evidence covers, e.g. 4.1, 4.3"


@dataclass(frozen=True, slots=True)
class ParsedRefs:
    """Competency ids read from one cell, in the order written, without repeats.

    ``all`` is true when the cell says "all" (the caller expands it to the log's ids); ``ids`` is then empty.
    ``ids`` are not checked against the log: an id the log does not have is kept for the checks to report.
    ``warning`` lists what was left out or could not be expanded; ``None`` when everything was understood.

    Example:
        >>> parse_competency_refs("4.3 & 4.5")
        ParsedRefs(ids=('4.3', '4.5'), all=False, warning=None)
    """

    ids: tuple[str, ...] = ()
    all: bool = False
    warning: str | None = None


_NO_REFS = ParsedRefs()


def parse_competency_refs(value: object, known_ids: Sequence[str] = ()) -> ParsedRefs:
    """Read the competency ids one evidence row covers.

    Ids may be separated by commas, semicolons, slashes, ``&``, "and", spaces or line breaks, and wrapped in
    brackets; "Comp", "Competency" and a "C" in front are dropped ("C4.3" is 4.3) unless ``known_ids`` has
    ids with that letter (LLR's "C1"); another letter is kept ("A1"). "all", "All competencies" and "all of
    the above" set ``all``. A range ("4.1-4.3", "4.1 to 4.3") is expanded in ``known_ids`` order; without
    ``known_ids``, or when an end is not among them, only its two ends are kept, with a warning. Words that are
    no id are left out with a warning quoting them; a cell like "All except 4.3" is refused rather than
    misread. An Excel number becomes its shortest form (4.1), with a warning when ``known_ids`` has an id the
    number could have been before Excel dropped its trailing zero (4.10).

    Args:
        value: The cell: text, or a number Excel stored.
        known_ids: The log's competency ids in log order, for ranges, id letters and letter case. The ids
            returned are not filtered by them.

    Returns:
        The ids in the order written, without repeats, ``all``, and any warning.

    Example:
        >>> parse_competency_refs("4.1-4.3, 4.5", known_ids=["4.1", "4.2", "4.3", "4.4", "4.5"]).ids
        ('4.1', '4.2', '4.3', '4.5')
    """
    if value is None:
        return _NO_REFS
    known = _known_ids(tuple(str(i) for i in known_ids))
    if isinstance(value, bool):
        text = number_text(value)
        return ParsedRefs(warning=f"competencies {quote_cell(text)} has no competency ids; {_REFS_ADVICE}")
    if isinstance(value, float):
        return _refs_from_number(value, known)
    text = (number_text(value) if isinstance(value, int) else str(value)).strip()
    if not text:
        return _NO_REFS
    return _refs_from_text(text, known)


_ALL_RE = re.compile(r"all(?: (?:of|the|above|listed|them|these|competenc(?:y|ies|e|es)|comps?))*")
_NONE_WORDS = frozenset({"none", "nil", "n/a", "na", "-", "–", "—"})
# A cell that excludes ids or qualifies "all" means the opposite of its ids; reading the ids would mislead.
_REFUSE_RE = re.compile(r"^all\b|\b(?:except|excluding|exclude|apart from|other than)\b")
_REF_TOKEN_RE = re.compile(r"[-–—]|[^\s,;/&+|()\[\]{}<>•·▪◦*\-–—]+")
_REF_ID_RE = re.compile(r"(?:(?P<prefix>[a-z]{1,2}|comps?|competenc(?:y|e))\.?)?(?P<num>\d+(?:\.\d+)*)")
_NUMERIC_ID_RE = re.compile(r"\d+(?:\.\d+)?")
_COMPETENCY_PREFIXES = frozenset({"c", "comp", "comps", "competency", "competence"})
_NOISE_WORDS = frozenset(
    {"comp", "comps", "competency", "competencies", "competence", "competences", "no", "nos", "number", "ref", "refs"}
)
_SEP_WORDS = frozenset({"and"})
_RANGE_WORDS = frozenset({"-", "–", "—", "to"})
# A number after one of these is a level, page or row, not a competency id.
_QUALIFIER_WORDS = frozenset({"level", "stage", "group", "lvl", "page", "p", "pg", "para", "section", "row"})


class _KnownIds:
    """The log's ids, looked up without regard to case."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.ids = tuple(str(i) for i in ids)
        self.by_fold = {i.casefold(): i for i in reversed(self.ids)}  # the first spelling wins
        self.position = {i.casefold(): n for n, i in reversed(list(enumerate(self.ids)))}
        self.letters = {m[1] for i in self.ids if (m := re.match(r"([a-z]+)\d", i.casefold()))}

    def normalise(self, token: str) -> str | None:
        """The id a token stands for, or ``None`` when it is no id."""
        folded = token.casefold()
        if folded in self.by_fold:
            return self.by_fold[folded]
        m = _REF_ID_RE.fullmatch(folded)
        if m is None:
            return None
        prefix, num = m["prefix"], m["num"]
        if not prefix:
            return num
        if prefix in self.letters:
            return self.by_fold.get(prefix + num, prefix.upper() + num)
        if prefix in _COMPETENCY_PREFIXES:
            return num
        return prefix.upper() + num if len(prefix) == 1 else None


@functools.lru_cache(maxsize=64)
def _known_ids(ids: tuple[str, ...]) -> _KnownIds:
    # every row of a log is read against the same ids: build their lookups once per log, not per row
    return _KnownIds(ids)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "id", "range", "junk"
    start: int
    end: int
    id: str = ""


def _refs_from_number(value: float, known: _KnownIds) -> ParsedRefs:
    if not math.isfinite(value):
        return ParsedRefs(warning=f"competencies {quote_cell(repr(value))} has no competency ids; {_REFS_ADVICE}")
    text = number_text(value)
    parsed = _refs_from_text(text, known)
    # Excel keeps numbers, not text: an id typed as 4.10 into a General cell is stored as 4.1.
    lost = [i for i in known.ids if i != text and _NUMERIC_ID_RE.fullmatch(i) and float(i) == value]
    if not lost or text not in parsed.ids:
        return parsed
    note = (
        f"competencies {quote_cell(text)} was stored by Excel as a number and may have been {lost[0]}; "
        f"it is kept as {text}, format the column as text and write the id again if {lost[0]} was meant"
    )
    return ParsedRefs(parsed.ids, parsed.all, "; ".join(w for w in (parsed.warning, note) if w))


def _refs_from_text(text: str, known: _KnownIds) -> ParsedRefs:
    folded = " ".join(text.split()).casefold()
    bare = folded.strip(" .!:;,()[]")
    if _ALL_RE.fullmatch(bare):
        return ParsedRefs(all=True)
    if bare in _NONE_WORDS:
        return _NO_REFS
    if _REFUSE_RE.search(bare):
        return ParsedRefs(
            warning=f"competencies {quote_cell(text)} could not be read; write all, or {_REFS_ADVICE}",
        )
    tokens = _ref_tokens(text, known)
    ids: list[str] = []
    problems: list[str] = []
    junk: list[_Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "id":
            if i + 2 < len(tokens) and tokens[i + 1].kind == "range" and tokens[i + 2].kind == "id":
                end = tokens[i + 2]
                expanded, problem = _expand_range(text[token.start : end.end], token.id, end.id, known)
                ids += expanded
                if problem:
                    problems.append(problem)
                i += 3
                continue
            ids.append(token.id)
        elif token.kind == "junk":
            junk.append(token)
        i += 1
    unique = tuple(dict.fromkeys(ids))
    phrases = _junk_phrases(text, junk)
    if not unique:
        return ParsedRefs(warning=f"competencies {quote_cell(text)} has no competency ids; {_REFS_ADVICE}")
    if phrases:
        quoted = ", ".join(quote_cell(p) for p in phrases)
        verb = "is not a competency id and was" if len(phrases) == 1 else "are not competency ids and were"
        problems.insert(0, f"{quoted} {verb} left out")
    if not problems:
        return ParsedRefs(unique)
    return ParsedRefs(unique, warning=f"competencies {quote_cell(text)}: {'; '.join(problems)}; {_REFS_ADVICE}")


def _ref_tokens(text: str, known: _KnownIds) -> list[_Token]:
    tokens: list[_Token] = []
    qualified = False
    for m in _REF_TOKEN_RE.finditer(text):
        raw = m.group()
        word = raw.strip(".:#").casefold()
        start, end = m.start(), m.end()
        if raw in _RANGE_WORDS or word in _RANGE_WORDS:
            tokens.append(_Token("range", start, end))
        elif word in _SEP_WORDS or word in _NOISE_WORDS or not word:
            continue
        elif word in _QUALIFIER_WORDS:
            tokens.append(_Token("junk", start, end))
            qualified = True
            continue
        elif qualified and word.replace(".", "").isdigit():
            tokens.append(_Token("junk", start, end))
        elif (normal := known.normalise(raw.strip(".:#"))) is not None:
            tokens.append(_Token("id", start, end, normal))
        else:
            tokens.append(_Token("junk", start, end))
        qualified = False
    return tokens


def _expand_range(written: str, start: str, end: str, known: _KnownIds) -> tuple[list[str], str | None]:
    first, last = known.position.get(start.casefold()), known.position.get(end.casefold())
    if first is not None and last is not None and first <= last:
        return list(known.ids[first : last + 1]), None
    if not known.ids:
        why = "the log's competency list was not available"
    elif first is None or last is None:
        why = f"{start if first is None else end} is not one of the log's competencies"
    else:
        why = "it runs backwards in the log's order"
    return [start, end], f"the range {quote_cell(written)} was kept as its two ends, {start} and {end}, because {why}"


def _junk_phrases(text: str, junk: Sequence[_Token]) -> list[str]:
    """Join junk tokens that only spaces separate, so "see reflection" is quoted as one phrase."""
    phrases: list[tuple[int, int]] = []
    for token in junk:
        if phrases and not text[phrases[-1][1] : token.start].strip():
            phrases[-1] = (phrases[-1][0], token.end)
        else:
            phrases.append((token.start, token.end))
    return list(dict.fromkeys(text[a:b] for a, b in phrases))
