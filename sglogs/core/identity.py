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
import urllib.parse
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


#: The first field of every page code: the format's name and version, so a reader can refuse what it cannot read.
QR_PREFIX = "SGLOG1"


def qr_payload(identity: LogIdentity, page: int = 0) -> str:
    """The text of the QR code printed on a page of a paper log: the identity and the page (0 = not fixed).

    Fields are ``;``-separated and percent-encoded, so a staff id holding ``;`` or spaces survives; dates are
    compact (``YYYYMMDD``) to keep the code small enough to print beside the footer line.

    Example:
        >>> ident = LogIdentity(log_id="S001-20260101-ab12", staff_id="S 001", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> qr_payload(ident, 3)
        'SGLOG1;S001-20260101-ab12;S%20001;london;2;20260101;20261231;3'
    """
    fields = (identity.log_id, identity.staff_id, identity.framework, identity.level,
              identity.period_start.strftime("%Y%m%d"), identity.period_end.strftime("%Y%m%d"), str(page))
    return ";".join([QR_PREFIX, *(urllib.parse.quote(f, safe="-_.") for f in fields)])


@dataclass(frozen=True)
class PageCode:
    """What one page's QR code says: whose log it is and which page (``page`` 0 when the layout does not fix it)."""

    identity: LogIdentity
    page: int


def parse_qr_payload(text: str) -> PageCode | None:
    """The identity and page in a decoded QR code's text, or ``None`` when it is not an sglogs page code.

    Example:
        >>> code = parse_qr_payload("SGLOG1;S001-20260101-ab12;S%20001;london;2;20260101;20261231;3")
        >>> code.identity.staff_id, code.page
        ('S 001', 3)
        >>> parse_qr_payload("https://example.org") is None
        True
    """
    parts = text.strip().split(";")
    if len(parts) != 8 or parts[0] != QR_PREFIX:
        return None
    log_id, staff_id, framework, level, start, end, page = (urllib.parse.unquote(p) for p in parts[1:])
    try:
        identity = LogIdentity(log_id=log_id, staff_id=staff_id, framework=framework, level=level,
                               period_start=dt.datetime.strptime(start, "%Y%m%d").date(),
                               period_end=dt.datetime.strptime(end, "%Y%m%d").date())
        return PageCode(identity, int(page))
    except ValueError:
        return None


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
