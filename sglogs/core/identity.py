"""The log identity codec: how a generated log says whose it is, and how that is read back.

A log carries its identity three ways, each surviving a different journey: ``sglogs_*`` custom document
properties (Word) or defined names (Excel), which survive re-saving; the keywords core property, which also
survives export to PDF (LibreOffice writes it back with commas); and a visible footer line on every page, which
survives printing and scanning. The writers and the parser of all three are here, side by side, so that a change
to one format cannot leave its reader behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..models import LogIdentity

#: The identity fields, in the order the properties carry them (as ``sglogs_<field>``).
_FIELDS = ("log_id", "staff_id", "framework", "level", "period_start", "period_end")

_FOOTER_IDENTITY = re.compile(
    r"sglogs log (?P<log_id>\S+) \| staff (?P<staff_id>.+?) \| framework (?P<framework>\S+) \| "
    r"level (?P<level>\S+) \| (?P<start>\d{4}-\d{2}-\d{2}) to (?P<end>\d{4}-\d{2}-\d{2})"
)
# LibreOffice's PDF export writes the keywords back separated by commas instead of semicolons
_KEYWORD_IDENTITY = re.compile(
    r"log_id=(?P<log_id>[^;,]+)[;,] ?staff_id=(?P<staff_id>[^;,]+)[;,] ?framework=(?P<framework>[^;,]+)[;,] ?"
    r"level=(?P<level>[^;,]+)[;,] ?period=(?P<start>\d{4}-\d{2}-\d{2})/(?P<end>\d{4}-\d{2}-\d{2})"
)


# ------------------------------------------------------------------------------------------- writing


def footer_line(identity: LogIdentity) -> str:
    """The short visible line printed in every page footer (survives PDF export and printing).

    Example:
        >>> ident = LogIdentity(log_id="S001-20260101-ab12", staff_id="S001", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> footer_line(ident)
        'sglogs log S001-20260101-ab12 | staff S001 | framework london | level 2 | 2026-01-01 to 2026-12-31'
    """
    return (
        f"sglogs log {identity.log_id} | staff {identity.staff_id} | framework {identity.framework} | "
        f"level {identity.level} | {identity.period_start.isoformat()} to {identity.period_end.isoformat()}"
    )


def identity_keywords(identity: LogIdentity) -> str:
    """The identity as a keywords string, the one property that also survives export to PDF.

    Example:
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> identity_keywords(ident)
        'sglogs; log_id=L1; staff_id=S1; framework=london; level=2; period=2026-01-01/2026-12-31'
    """
    return (
        f"sglogs; log_id={identity.log_id}; staff_id={identity.staff_id}; framework={identity.framework}; "
        f"level={identity.level}; period={identity.period_start.isoformat()}/{identity.period_end.isoformat()}"
    )


def identity_properties(identity: LogIdentity) -> dict[str, str]:
    """The identity as ``sglogs_*`` string properties (custom document properties, defined names).

    Example:
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> identity_properties(ident)["sglogs_period_end"]
        '2026-12-31'
    """
    values = identity.model_dump(include=set(_FIELDS))
    return {f"sglogs_{name}": str(values[name]) for name in _FIELDS}


# ------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class FoundIdentity:
    """The identity markers found in a log, and where (``document properties``, ``keywords`` or ``footer``)."""

    log_id: str
    staff_id: str
    framework: str
    level: str
    start: dt.date
    end: dt.date
    where: str


def find_identity(properties: Mapping[str, str], lines: Iterable[str]) -> tuple[FoundIdentity | None, list[str]]:
    """The log's identity from properties/defined names, else keywords, else the first footer line in ``lines``.

    Returns the identity (``None`` when the log carries none) and warnings, e.g. when markers disagree.

    Example:
        >>> find_identity({}, ["sglogs log A-1 | staff A | framework london | level 2 | 2026-01-01 to 2026-12-31"]
        ...     )[0].staff_id
        'A'
    """
    found: list[FoundIdentity] = []
    props = properties
    if all(props.get(f"sglogs_{k}") for k in ("log_id", "staff_id", "framework", "level", "period_start")):
        with contextlib.suppress(ValueError):
            found.append(FoundIdentity(
                props["sglogs_log_id"], props["sglogs_staff_id"], props["sglogs_framework"], props["sglogs_level"],
                dt.date.fromisoformat(props["sglogs_period_start"]),
                dt.date.fromisoformat(props.get("sglogs_period_end", "")), "document properties"))
    match = _KEYWORD_IDENTITY.search(props.get("keywords", ""))
    if match:
        found.append(_from_match(match, "keywords"))
    for line in lines:
        match = _FOOTER_IDENTITY.search(line)
        if match:
            found.append(_from_match(match, "footer"))
            break
    if not found:
        return None, []
    first = found[0]
    warnings = []
    for other in found[1:]:
        if (other.log_id, other.staff_id) != (first.log_id, first.staff_id):
            warnings.append(f"the log's {other.where} name log {other.log_id} (staff {other.staff_id}) but its "
                            f"{first.where} name log {first.log_id} (staff {first.staff_id}); the {first.where} "
                            "were used: check the file is the right person's log")
            break
    return first, warnings


def _from_match(match: re.Match[str], where: str) -> FoundIdentity:
    return FoundIdentity(match["log_id"].strip(), match["staff_id"].strip(), match["framework"].strip(),
                         match["level"].strip(), dt.date.fromisoformat(match["start"]),
                         dt.date.fromisoformat(match["end"]), where)
