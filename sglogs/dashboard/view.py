"""What the organisation dashboard shows, as plain data: figures, charts, who needs attention, each person.

Built from the register (``sglogs.register``) and the review records, so the page can never disagree with
``register.xlsx``: the same rows, the same bands, the same compliance rule. Everything a person reads is
already worded here (UK dates, level names, plain labels); ``page.py`` only lays it out.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.formatting import count, framework_title, long_date, period_text
from ..models import Framework
from ..records import ReviewRecord, latest_by_person
from ..register import Band, RegisterRow, RegisterSummary

#: Colours of the status bands (text stays black on all of them, and they stay distinct printed in grey).
BAND_COLOURS: dict[Band, str] = {
    Band.OVERDUE: "#e06666",
    Band.DUE: "#f6b26b",
    Band.IN_DATE: "#93c47d",
    Band.UNKNOWN: "#b7b7b7",
    Band.NO_REVIEW: "#d9d9d9",
}

#: What each band is called in the charts' legend ("due soon" joins the 30/60/90-day bands).
BAND_LABELS: dict[Band, str] = {
    Band.OVERDUE: "overdue",
    Band.DUE: "due soon",
    Band.IN_DATE: "in date",
    Band.UNKNOWN: "no training on record",
    Band.NO_REVIEW: "no log reviewed yet",
}

#: What a document's file-name suffix is called on the page.
DOCUMENT_LABELS: dict[str, str] = {
    "feedback.docx": "Feedback report",
    "signoff.docx": "Sign-off sheet",
    "action-plan.docx": "Action plan (Word)",
    "action-plan.xlsx": "Action plan (Excel)",
    "evidence.json": "Evidence (data)",
}


@dataclass(frozen=True)
class Link:
    """A link on the page: what it says and where it goes (relative to the page, ``/`` separated)."""

    label: str
    href: str


@dataclass(frozen=True)
class Segment:
    """One coloured part of a stacked bar: how many people, of which band, and the colour."""

    label: str
    people: int
    colour: str


@dataclass(frozen=True)
class GroupBar:
    """One group (a setting or a level) in a chart: its name, compliance figure and band segments."""

    name: str
    people: int
    compliant: int
    percent_compliant: float
    segments: tuple[Segment, ...]

    @property
    def figure(self) -> str:
        """``"6 of 9 compliant (67%)"``."""
        return f"{self.compliant} of {count(self.people, 'person', 'people')} compliant ({self.percent_compliant:.0f}%)"


@dataclass(frozen=True)
class PersonCard:
    """One person as the page lists them."""

    name: str
    staff_id: str
    setting: str
    role: str
    framework: str
    level: str
    status: str
    band: Band
    refresher_due: str
    refresher_lines: tuple[str, ...]
    log_lines: tuple[str, ...]
    compliant: bool
    notes: tuple[str, ...]
    documents: tuple[Link, ...]

    @property
    def colour(self) -> str:
        """The status band's colour."""
        return BAND_COLOURS[self.band]

    @property
    def anchor(self) -> str:
        """The page anchor of this person's row: from the staff id, but safe whatever the id holds."""
        return "staff-" + self.staff_id.encode("utf-8").hex()


@dataclass(frozen=True)
class UnmatchedLog:
    """A reviewed log that belongs to no one on the register (no staff id it could be matched by)."""

    name: str
    source: str
    reviewed: str
    documents: tuple[Link, ...]


@dataclass
class DashboardView:
    """Everything on the page.

    Example:
        >>> view = dashboard_view([], summary([]), [], {}, "Acorns Nursery", dt.date(2027, 1, 15),
        ...     Path("outbox/dashboard"))  # doctest: +SKIP
        >>> view.headline  # doctest: +SKIP
        'No one is on the register yet.'
    """

    organisation: str
    as_of: str
    people_count: int
    headline: str
    figures: list[tuple[str, str]]
    by_setting: list[GroupBar]
    by_level: list[tuple[str, list[GroupBar]]]
    attention: list[tuple[str, list[PersonCard]]]
    people: list[PersonCard]
    unmatched: list[UnmatchedLog] = field(default_factory=list)
    legend: list[Segment] = field(default_factory=list)


def _href(target: Path, page_dir: Path) -> str:
    # relative, so the page works from a file share, a copied folder or an unzipped bundle alike
    return Path(os.path.relpath(target.resolve(), page_dir.resolve())).as_posix()


def _documents(record: ReviewRecord | None, page_dir: Path) -> tuple[Link, ...]:
    if record is None:
        return ()
    links = []
    stem = record.path.name.removesuffix("_evidence.json")
    for path in record.documents():
        suffix = path.name.removeprefix(stem + "_")
        label = DOCUMENT_LABELS.get(suffix)
        if label:
            links.append(Link(label, _href(path, page_dir)))
    order = list(DOCUMENT_LABELS.values())
    return tuple(sorted(links, key=lambda link: order.index(link.label)))


def _refresher_lines(row: RegisterRow) -> tuple[str, ...]:
    if row.refresher_due is None:
        due = "Refresher due date not known"
    elif row.band is Band.OVERDUE:
        due = f"Refresher was due on {long_date(row.refresher_due)}"
    else:
        due = f"Refresher due by {long_date(row.refresher_due)}"
    training = (f"Last formal training {long_date(row.last_formal_training)}" if row.last_formal_training
                else "No formal training on record")
    return due, training


def _log_lines(row: RegisterRow) -> tuple[str, ...]:
    if row.read_on is None:
        return ("No log reviewed yet",)
    if row.signed_off:
        when = f" on {long_date(row.signoff_date)}" if row.signoff_date else ""
        outcome = f": {row.signoff_outcome}" if row.signoff_outcome else ""
        lines = [f"Signed off{when}{outcome}"]
    else:
        lines = [f"Not signed off: {row.signoff_problem}" if row.signoff_problem else "Not signed off yet"]
    if row.period_start or row.period_end:
        lines.append(f"Log period {period_text(row.period_start, row.period_end)}")
    lines.append(f"Read by sglogs {long_date(row.read_on)}")
    if row.competencies_required is not None:
        if row.manager_met is not None:
            lines.append(f"Manager: {row.manager_met} of {row.competencies_required} competencies met")
        lines.append(f"Evidence: {row.competencies_met or 0} of {row.competencies_required} competencies "
                     "evidenced")
    return tuple(lines)


def person_card(row: RegisterRow, record: ReviewRecord | None, frameworks: Mapping[str, Framework],
                page_dir: Path) -> PersonCard:
    """One register row as the page shows it, with links to the person's latest review documents.

    Example:
        >>> row = RegisterRow(staff_id="A1", name="Ann Able", framework="london", level="2", band=Band.UNKNOWN)
        >>> person_card(row, None, {}, Path(".")).log_lines
        ('No log reviewed yet',)
    """
    notes = tuple(n for n in row.notes if row.read_on or "been reviewed" not in n)
    return PersonCard(
        name=row.name, staff_id=row.staff_id, setting=row.setting or "(no setting)", role=row.role,
        framework=framework_title(row.framework, frameworks), level=row.level_label, status=row.status,
        band=row.band, refresher_due=long_date(row.refresher_due, "not known"),
        refresher_lines=_refresher_lines(row), log_lines=_log_lines(row), compliant=row.compliant,
        notes=notes, documents=_documents(record, page_dir))


def _segments(rows: Sequence[RegisterRow]) -> tuple[Segment, ...]:
    segments = []
    for band, label in BAND_LABELS.items():
        members = sum(r.band is band for r in rows)
        if members:
            segments.append(Segment(label, members, BAND_COLOURS[band]))
    return tuple(segments)


def _bars(groups: Iterable[tuple[str, list[RegisterRow]]]) -> list[GroupBar]:
    bars = []
    for name, rows in groups:
        compliant = sum(r.compliant for r in rows)
        percent = round(100 * compliant / len(rows), 1) if rows else 0.0
        bars.append(GroupBar(name, len(rows), compliant, percent, _segments(rows)))
    return bars


def _by_setting(rows: Sequence[RegisterRow]) -> list[tuple[str, list[RegisterRow]]]:
    groups: dict[str, list[RegisterRow]] = {}
    for row in rows:
        groups.setdefault(row.setting or "(no setting)", []).append(row)
    return sorted(groups.items(), key=lambda item: item[0].casefold())


def _natural(text: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _by_framework_level(rows: Sequence[RegisterRow], frameworks: Mapping[str, Framework]) -> list[
        tuple[str, list[GroupBar]]]:
    """Levels grouped under their framework: Norfolk's "Stage 4" and London's "Level 4" are not one level."""
    per_framework: dict[str, dict[str, list[RegisterRow]]] = {}
    for row in rows:
        per_framework.setdefault(row.framework, {}).setdefault(row.level, []).append(row)
    groups = []
    for framework_id, levels in per_framework.items():
        ordered = sorted(levels.items(), key=lambda item: _natural(item[0]))
        groups.append((framework_title(framework_id, frameworks),
                       _bars((members[0].level_label, members) for _, members in ordered)))
    return sorted(groups, key=lambda item: item[0].casefold())


def _attention(cards: Sequence[PersonCard], rows: Sequence[RegisterRow], band_days: Sequence[int]) -> list[
        tuple[str, list[PersonCard]]]:
    """Who needs something done: overdue first, then due within each band, then no training on record."""
    by_id = {c.staff_id: c for c in cards}
    lists: list[tuple[str, list[PersonCard]]] = [
        ("Refresher training overdue", [by_id[r.staff_id] for r in rows if r.band is Band.OVERDUE])]
    previous = 0
    for days in band_days:
        members = [by_id[r.staff_id] for r in rows if r.band is Band.DUE and r.due_within_days is not None
                   and previous < r.due_within_days <= days]
        lists.append((f"Due within {days} days", members))
        previous = days
    lists.append(("No formal training on record", [by_id[r.staff_id] for r in rows if r.band is Band.UNKNOWN]))
    lists.append(("No log reviewed yet", [by_id[r.staff_id] for r in rows if r.band is Band.NO_REVIEW]))
    lists.append(("Latest log not signed off", [by_id[r.staff_id] for r in rows if r.read_on and
                                                 not r.signed_off]))
    return lists


def _unmatched(records: Iterable[ReviewRecord], page_dir: Path) -> list[UnmatchedLog]:
    logs = []
    for record in records:
        if record.staff_id:
            continue
        name = record.log.staff.name or "No name on the log"
        logs.append(UnmatchedLog(name=name, source=Path(record.log.source.path).name,
                                 reviewed=long_date(record.reviewed_on), documents=_documents(record, page_dir)))
    return sorted(logs, key=lambda u: u.name.casefold())


def dashboard_view(rows: Sequence[RegisterRow], result: RegisterSummary, records: Sequence[ReviewRecord],
                   frameworks: Mapping[str, Framework], organisation: str, today: dt.date, page_dir: Path,
                   band_days: Sequence[int] = (30, 60, 90)) -> DashboardView:
    """The whole page as data, for the register ``rows`` worked out for ``today``.

    ``page_dir`` is where the page will be written: links to review documents are relative to it.

    Example:
        >>> from sglogs.register import summary
        >>> dashboard_view([], summary([]), [], {}, "Acorns", dt.date(2027, 1, 15), Path(".")).headline
        'No one is on the register yet: review some logs, or give the roster.'
    """
    latest = latest_by_person(r for r in records if r.reviewed_on <= today)
    cards = [person_card(row, latest.get(row.staff_id), frameworks, page_dir) for row in rows]
    overall = result.overall
    if overall.people:
        headline = (f"{overall.compliant} of {count(overall.people, 'person', 'people')} compliant "
                    f"({overall.percent_compliant:.0f}%)")
    else:
        headline = "No one is on the register yet: review some logs, or give the roster."
    figures = [
        ("People on the register", f"{overall.people:,}"),
        ("Compliant", f"{overall.compliant:,} ({overall.percent_compliant:.0f}%)"),
        ("In date for refresher training", f"{overall.in_date:,} ({overall.percent_in_date:.0f}%)"),
        ("Latest log signed off", f"{overall.signed_off:,} ({overall.percent_signed_off:.0f}%)"),
        ("Overdue", f"{sum(r.band is Band.OVERDUE for r in rows):,}"),
    ]
    legend = [Segment(label, 0, BAND_COLOURS[band]) for band, label in BAND_LABELS.items()]
    return DashboardView(
        organisation=organisation, as_of=long_date(today), people_count=overall.people, headline=headline,
        figures=figures, by_setting=_bars(_by_setting(rows)),
        by_level=_by_framework_level(rows, frameworks), attention=_attention(cards, rows, band_days),
        people=sorted(cards, key=lambda c: (c.setting.casefold(), c.name.casefold())),
        unmatched=_unmatched(records, page_dir), legend=legend)

