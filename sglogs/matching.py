"""Whose log is it? Logs without sglogs identity matched to roster people by the name on their cover.

An organisation's own older template carries no staff id, so the register, the audit and bundles would not know
whose it is. ``match_person`` finds the roster person by the cover's name, tolerant of case, spacing, accents,
initials ("A. Hartley", "Hartley, Amelia") and small typos (``rapidfuzz``), and narrows by setting, role and
level where the cover gives them. It never guesses between two people: no match, or two close candidates, is
an *unmatched log* that the register lists with the reason.

Example:
    >>> from sglogs.models import StaffMember
    >>> ann = StaffMember(staff_id="A1", name="Ann Able", framework="london", level="2", setting="Acorns")
    >>> match_person("ann  able", [ann]).staff_id
    'A1'
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .models import StaffMember
from .records import ReviewRecord

#: A full-name similarity (0-100) at or above this is the same name with a small typo ("Amelia Hartly").
SAME_NAME_SCORE = 88.0
#: Two candidates closer than this are both plausible: the log is not given to either.
AMBIGUOUS_MARGIN = 4.0
#: Setting names at or above this similarity are the same setting ("Sunflower Nursery" / "Sunflower nursery").
SAME_SETTING_SCORE = 85.0


@dataclass(frozen=True)
class PersonMatch:
    """The roster person a log was matched to (``staff_id``), how, or why not (``staff_id`` is ``None``).

    Example:
        >>> PersonMatch(None, "no name on the cover").matched
        False
    """

    staff_id: str | None
    how: str
    candidates: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        """Whether one person was found."""
        return self.staff_id is not None


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    if "," in text:  # "Hartley, Amelia": surname first
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    return [w for w in re.split(r"[^a-z0-9']+", text.replace("'", "")) if w]


def _name_score(written: list[str], roster_name: str) -> tuple[float, str]:
    """How alike two names are (0-100) and which rule said so."""
    wanted = _words(roster_name)
    if not written or not wanted:
        return 0.0, ""
    if written == wanted:
        return 100.0, "same name"
    if sorted(written) == sorted(wanted):
        return 99.0, "same name in another order"
    # "A. Hartley", "A Hartley": initials and the surname
    if len(written) >= 2 and written[-1] == wanted[-1] and all(len(w) == 1 for w in written[:-1]) \
            and [w[0] for w in written[:-1]] == [w[0] for w in wanted[:len(written) - 1]]:
        return 95.0, "initial and surname"
    score = fuzz.token_sort_ratio(" ".join(written), " ".join(wanted))
    return float(score), f"name alike ({score:.0f}% similar)"


def _same_setting(a: str, b: str) -> bool:
    return bool(a and b) and fuzz.token_set_ratio(a.casefold(), b.casefold()) >= SAME_SETTING_SCORE


def match_person(name: str | None, people: Sequence[StaffMember], *, setting: str | None = None,
                 role: str | None = None, level: str | None = None) -> PersonMatch:
    """The one roster person the cover's ``name`` (and setting, role, level when given) points to.

    Example:
        >>> from sglogs.models import StaffMember
        >>> people = [StaffMember(staff_id="A1", name="Amelia Hartley", framework="f", level="4"),
        ...           StaffMember(staff_id="A2", name="Adam Hartley", framework="f", level="2")]
        >>> match_person("A. Hartley", people).how
        'two people could be meant: A1, A2'
        >>> match_person("A. Hartley", people, level="4").staff_id
        'A1'
    """
    written = _words(name or "")
    if not written:
        return PersonMatch(None, "no name on the cover")
    scored = []
    for person in people:
        score, rule = _name_score(written, person.name)
        if score >= SAME_NAME_SCORE:
            scored.append((score, rule, person))
    if not scored:
        return PersonMatch(None, "no one on the roster has this name")
    narrowed, because = _narrow(scored, setting=setting, role=role, level=level)
    narrowed.sort(key=lambda item: -item[0])
    best = narrowed[0]
    close = [item for item in narrowed if best[0] - item[0] < AMBIGUOUS_MARGIN]
    if len(close) > 1:
        ids = tuple(item[2].staff_id for item in close)
        return PersonMatch(None, f"two people could be meant: {', '.join(ids)}", ids)
    return PersonMatch(best[2].staff_id, "matched by " + " and ".join([best[1], *because]),
                       tuple(item[2].staff_id for item in narrowed))


def _narrow(scored: list[tuple[float, str, StaffMember]], *, setting: str | None, role: str | None,
            level: str | None) -> tuple[list[tuple[float, str, StaffMember]], list[str]]:
    """Keep the candidates the cover's setting, role and level agree with (each only when it narrows)."""
    because: list[str] = []
    tests = (
        ("setting", setting, lambda p, v: _same_setting(p.setting, v)),
        ("role", role, lambda p, v: bool(p.role) and fuzz.token_set_ratio(p.role.casefold(), v.casefold()) >= 85),
        ("level", level, lambda p, v: re.sub(r"\D", "", p.level) == re.sub(r"\D", "", v) != ""),
    )
    for label, value, agrees in tests:
        if not value or len(scored) == 1:
            continue
        kept = [item for item in scored if agrees(item[2], value)]
        if kept and len(kept) < len(scored):
            scored, because = kept, [*because, label]
    return scored, because


@dataclass(frozen=True)
class UnmatchedLog:
    """A reviewed log that is no one's on the roster (yet), and why: the register lists these.

    Example:
        >>> UnmatchedLog(record, "no one on the roster has this name").cover_name  # doctest: +SKIP
        'Jo Bloggs'
    """

    record: ReviewRecord
    reason: str

    @property
    def cover_name(self) -> str:
        """The name written on the log's cover, or "(no name)"."""
        return self.record.log.staff.name or "(no name)"


def attribute_logs(records: Iterable[ReviewRecord],
                   people: Sequence[StaffMember] | None) -> tuple[list[ReviewRecord], list[UnmatchedLog]]:
    """Give each log without a staff id to the roster person its cover names, or list it as unmatched.

    Without a roster (``people`` is ``None``) there is no one to match against: every such log is unmatched.

    Example:
        >>> records, unmatched = attribute_logs(outbox_reviews(Path("outbox")), people)  # doctest: +SKIP
        >>> [u.reason for u in unmatched]  # doctest: +SKIP
        ['two people could be meant: NS001, NS014']
    """
    kept: list[ReviewRecord] = []
    unmatched: list[UnmatchedLog] = []
    for record in records:
        staff = record.log.staff
        if staff.id:
            kept.append(record)
            continue
        if people is None:
            unmatched.append(UnmatchedLog(record, "the log has no staff id; give the roster (--roster) to match "
                                                  "the name on its cover"))
            continue
        found = match_person(staff.name, people, setting=staff.organisation, role=staff.role, level=record.log.level)
        if found.matched:
            kept.append(dataclasses.replace(record, matched_staff_id=found.staff_id, matched_by=found.how))
        else:
            unmatched.append(UnmatchedLog(record, found.how))
    return kept, unmatched
