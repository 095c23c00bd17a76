"""Level text as people type it ("Level 3", "L3", "three (DSL)") reduced to what frameworks name."""

from __future__ import annotations

import re

from .constants import _WHOLE_FLOAT_RE


def normalise_level_text(text: str) -> str:
    """Reduce how a roster writes a level to the bare level id: "Stage 4", "Level 4", "L4", "4.0" -> "4".

    A word prefix (Level, Stage, Group, Lvl, L, "Competency level"), separators after it, a trailing
    "(...)" note and a ".0" Excel adds to whole numbers are dropped; "four" becomes "4". Anything else is
    returned as written (whitespace collapsed) for the caller's ``known_levels`` to judge.

    Example:
        >>> [normalise_level_text(t) for t in ("Stage 4", "level-3", "L4", "4.0", "Group three", "3a")]
        ['4', '3', '4', '4', '3', '3a']
    """
    value = " ".join(str(text).split())
    value = _TRAILING_NOTE_RE.sub("", value).strip()
    value = _LEVEL_PREFIX_RE.sub("", value, count=1).strip().rstrip(".").strip()
    word = _NUMBER_WORDS.get(value.casefold())
    if word:
        return word
    whole = _WHOLE_FLOAT_RE.match(value)
    return whole.group(1) if whole else value


# ------------------------------------------------------------------------------------------- levels


_NUMBER_WORDS = {
    word: str(i)
    for i, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"), start=0
    )
}
_TRAILING_NOTE_RE = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")
_LEVEL_PREFIX_RE = re.compile(
    r"^(?:(?:competency|safeguarding|training)\s+level|level|lvl|lev|stage|group|grp|l)\s*[-:.#]?\s*"
    rf"(?=\d|(?:{'|'.join(_NUMBER_WORDS)})\b)",
    re.IGNORECASE,
)


