"""A person simulator: fills generated sglogs logs the way staff fill them in over a year, and says what a reader
must get back.

Real people fill logs in Word and Excel in every way those programs allow: they type dates in any UK form, split
text across formatting runs, add and delete rows, paste a second table, merge and split cells, leave tracked changes
and comments, wrap things in content controls. ``fill_docx`` and ``fill_xlsx`` make those edits to a generated log,
each edit a small named *quirk* that can be switched on alone, and return an ``Expected``: exactly what
``sglogs.read.read_log`` must return for the evidence rows, next steps, sign-off and competency statuses.

Expectations follow the reader's contract (``sglogs/read/raw.py`` cell text rules, ``ParsedLog`` in
``sglogs/models.py``): text lines joined with ``"\\n"``, whitespace folded within a line, empty lines dropped,
empty values ``None``; dates day-first; a value not understood is ``None`` and its text appears in a warning.

All text is invented and neutral: no real person, no child, no family is named anywhere.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import openpyxl
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from sglogs.models import CompetencyStatus, DatePrecision, EvidenceEntry, SignOff

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

#: The fields of one evidence row that a reader returns and the fidelity test compares.
ENTRY_FIELDS = ("date", "activity", "type", "hours", "competencies", "reflection", "next_steps")
#: The text fields of an entry (whitespace is folded in these when comparing a PDF).
TEXT_FIELDS = ("activity", "type", "reflection", "next_steps")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ACTIVITIES = (
    "Safeguarding children refresher (e-learning module)",
    "Multi-agency training: recognising and responding to neglect",
    "Supervision with the designated safeguarding lead",
    "Read the local child safeguarding practice review (CSPR) summary",
    "Team meeting briefing on the updated safeguarding policy",
    "Webinar: keeping young people safe online",
    "Shadowed the DSL at a strategy discussion",
    "Prevent duty awareness e-learning",
    "Domestic abuse awareness workshop",
    "Reflective discussion on professional curiosity",
    "Reading: Working Together to Safeguard Children 2023, chapter 1",
    "Peer learning session on recording concerns",
    "Early help assessment training",
    "Conference: contextual safeguarding and risks outside the home",
    "Child exploitation awareness briefing",
    "Safer recruitment refresher",
    "Briefing on the local threshold document",
)
TYPES = (
    "Face-to-face training", "Multi-agency training", "E-learning", "Webinar or video conference", "Supervision",
    "Reflective discussion or peer learning", "Team meeting or briefing", "Shadowing", "Reading or research",
    "Conference or learning event", "Learning from a case review (CSPR/SAR)",
    # what people type when they ignore the drop-down
    "e-learning", "Face to face", "In-house training", "Multi-agency", "Self-directed reading",
)
SENTENCES = (
    "The course explained the four categories of abuse and the signs of neglect.",
    "I learned how to record a concern factually, using the words that were said.",
    "I now check the setting’s safeguarding policy before I pass on a concern.",
    "We discussed how cumulative harm can build up from small concerns over time.",
    "I shared the key points with my team at the next staff meeting.",
    "Since then I have used the chronology template for two concerns.",
    "It reminded me to be professionally curious and not to accept the first explanation.",
    "I know who the designated safeguarding lead is and how to contact the deputy when they are away.",
    "The case review showed how important it is to share information early with other agencies.",
    "I reflected on how I would respond if a colleague's behaviour worried me.",
    "I updated my notes on the local threshold document and the early help process.",
    "The session covered online safety, including how young people can be groomed through games.",
    "My supervisor and I agreed that I would observe a strategy discussion.",
    "I have changed the way I record conversations with parents, so that facts and opinions are separate.",
    "The e-learning module ended with a short quiz, which I passed (85%).",
    "I found the section on the voice of the child particularly useful.",
    "I will revisit the whistleblowing procedure at my next supervision.",
    "It helped me understand the role of the local authority designated officer (LADO).",
    "We practised using the body map form during the training.",
    "I now feel more confident to challenge decisions through the escalation policy.",
    "The briefing explained what changed in Working Together to Safeguard Children 2023 & why.",
    "I discussed contextual safeguarding and risks outside the home with a colleague.",
)
BULLETS = (
    "Signs of neglect can be subtle and build up over time",
    "Record facts, not opinions, and date every note",
    "Know the DSL and deputy contact details",
    "Use the escalation policy if a concern is not acted on",
    "Check the threshold document before making a referral",
    "Listen, do not promise confidentiality",
    "Share information early with the right agencies",
)
NEXT_STEPS = (
    "Complete the Prevent refresher e-learning",
    "Attend multi-agency neglect training",
    "Shadow the DSL at a child protection conference",
    "Read the latest local CSPR learning brief",
    "Book domestic abuse awareness training",
    "Review the setting’s online safety policy with the team",
    "Observe a strategy discussion and reflect on it in supervision",
)
MANAGERS = ("Jordan Ellis", "Priya Shah", "Morgan Reid", "Sam Okoye")
COMMENTS = ("Good range of evidence.", "Please add how you applied this in practice.",
            "Discussed in supervision; evidence is strong.", "Needs one more piece of evidence.")
UNDATED = ("Spring term", "TBC", "ongoing")


# ------------------------------------------------------------------------------------------- entries


def fold_lines(text: str | None) -> str | None:
    """The cell text rules: lines stripped and their whitespace folded, empty lines dropped, empty -> ``None``.

    Example:
        >>> fold_lines("  Went to\\t a  course \\n\\n and  learned ")
        'Went to a course\\nand learned'
    """
    if text is None:
        return None
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line) or None


def fold_all(text: str | None) -> str | None:
    """Fold every run of whitespace, line breaks included, to one space (how PDF text is compared).

    Example:
        >>> fold_all("Signs of\\nneglect  ")
        'Signs of neglect'
    """
    if text is None:
        return None
    return " ".join(text.split()) or None


@dataclass(frozen=True)
class WrittenEntry:
    """One evidence row as a person writes it, with what a reader must make of it.

    ``date_text``/``hours_text``/``competencies_text`` are what was typed; ``date``, ``hours`` and
    ``competencies`` what they mean. ``reflection`` holds the lines as typed (spaces may be messy); ``layout``
    says how a word processor shows them: ``one`` paragraph, ``paragraphs``, ``breaks`` (Shift+Enter) or
    ``bullets``. ``warnings`` are the verbatim texts a reader must report.

    Example:
        >>> e = WrittenEntry(date_text="14th March 2026", date=dt.date(2026, 3, 14), activity="Course",
        ...                  hours_text="2h 30m", hours=2.5)
        >>> e.expected(row=3).hours
        2.5
    """

    date_text: str | None = None
    date: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    date_form: str = "text"
    activity: str | None = None
    type: str | None = None
    hours_text: str | None = None
    hours: float | None = None
    competencies_text: str | None = None
    competencies: tuple[str, ...] = ()
    reflection: tuple[str, ...] = ()
    layout: str = "one"
    next_steps: str | None = None
    warnings: tuple[str, ...] = ()

    def expected(self, row: int, **overrides: Any) -> EvidenceEntry:
        """The entry a reader must return for this row; ``overrides`` replace fields a quirk changed."""
        values: dict[str, Any] = {
            "date": self.date, "date_precision": self.date_precision, "activity": fold_lines(self.activity),
            "type": fold_lines(self.type), "hours": self.hours, "competencies": self.competencies,
            "reflection": fold_lines("\n".join(self.reflection)) if self.reflection else None,
            "next_steps": fold_lines(self.next_steps),
        }
        values.update(overrides)
        return EvidenceEntry(row=row, **values)


def _ordinal(day: int) -> str:
    if 11 <= day <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


#: UK ways of writing a day; the second item says whether UK Excel turns the typed text into a date.
DATE_FORMS: dict[str, tuple[Callable[[dt.date], str], bool]] = {
    "dd/mm/yyyy": (lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}", True),
    "d/m/yy": (lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}", True),
    "d/m/yyyy": (lambda d: f"{d.day}/{d.month}/{d.year}", True),
    "dd.mm.yyyy": (lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}", False),
    "dd-Mon-yyyy": (lambda d: f"{d.day:02d}-{MONS[d.month - 1]}-{d.year}", True),
    "ordinal": (lambda d: f"{d.day}{_ordinal(d.day)} {MONTHS[d.month - 1]} {d.year}", False),
    "d Month yyyy": (lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}", True),
    "d Mon yy": (lambda d: f"{d.day} {'Sept' if d.month == 9 else MONS[d.month - 1]} {d.year % 100:02d}", False),
}


def write_date(rng: random.Random, day: dt.date, month_rate: float = 0.05,
               undated_rate: float = 0.03) -> tuple[str, dt.date | None, DatePrecision, str, tuple[str, ...]]:
    """Write ``day`` as a person might: ``(text, date meant, precision, form, warnings)``.

    Example:
        >>> write_date(random.Random(4), dt.date(2026, 3, 14), 0, 0)[1:3]
        (datetime.date(2026, 3, 14), <DatePrecision.DAY: 'day'>)
    """
    roll = rng.random()
    if roll < undated_rate:
        text = rng.choice(UNDATED)
        return text, None, DatePrecision.DAY, "undated", (text,)
    if roll < undated_rate + month_rate:
        text = f"{MONTHS[day.month - 1]} {day.year}"
        return text, day.replace(day=1), DatePrecision.MONTH, "month", (text,)
    form = rng.choice(list(DATE_FORMS))
    return DATE_FORMS[form][0](day), day, DatePrecision.DAY, form, ()


def write_hours(rng: random.Random, vague_rate: float = 0.04) -> tuple[str, float | None, tuple[str, ...]]:
    """Write a duration as a person might: ``(text, hours meant, warnings)``; "half day" is not understood.

    Example:
        >>> write_hours(random.Random(1), 0)[1] in (0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 6.0)
        True
    """
    if rng.random() < vague_rate:
        return "half day", None, ("half day",)
    value = rng.choice((0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 6.0))
    whole, minutes = int(value), round((value % 1) * 60)
    forms = [f"{value:g}", f"{value:g}", f"{whole}:{minutes:02d}"]
    if whole and minutes:
        forms += [f"{whole}h {minutes}m", f"{value:g} hrs"]
    elif whole:
        forms += [f"{whole} hrs" if whole > 1 else "1 hour", f"{whole} hours" if whole > 1 else "1 hr"]
    else:
        forms += [f"{minutes} mins"]
    return rng.choice(forms), float(value), ()


def write_competencies(rng: random.Random, ids: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """Write competency refs as a person might ("4.3, 4.5", "4.3/4.5", "4.3 & 4.5", "all", one per line).

    Example:
        >>> write_competencies(random.Random(0), ["4.1", "4.3"])[1] in (("4.1",), ("4.3",), ("4.1", "4.3"),
        ...     ("4.3", "4.1"))
        True
    """
    if rng.random() < 0.08:
        return rng.choice(("all", "All")), tuple(ids)
    chosen = rng.sample(list(ids), k=min(len(ids), rng.choice((1, 2, 2, 3))))
    written = list(chosen)
    if len(chosen) > 1 and rng.random() < 0.15:
        written.append(chosen[0])  # people repeat a ref; the reader keeps the first
    separator = rng.choice((", ", ", ", "/", " & ", " and ", "; ", ",", "\n"))
    return separator.join(written), tuple(chosen)


def write_reflection(rng: random.Random) -> tuple[tuple[str, ...], str]:
    """A reflection of 2-6 sentences: ``(lines, layout)``; some in paragraphs, with breaks, or as bullets.

    Example:
        >>> lines, layout = write_reflection(random.Random(2))
        >>> layout in ("one", "paragraphs", "breaks", "bullets") and len(lines) >= 1
        True
    """
    layout = rng.choices(("one", "paragraphs", "breaks", "bullets"), weights=(45, 25, 15, 15))[0]
    if layout == "bullets":
        return tuple(rng.sample(BULLETS, k=rng.randint(2, 4))), layout
    sentences = rng.sample(SENTENCES, k=rng.randint(2, 6))
    if layout == "one":
        return (" ".join(sentences),), layout
    cut = sorted(rng.sample(range(1, len(sentences)), k=min(len(sentences) - 1, rng.randint(1, 3))))
    bounds = [0, *cut, len(sentences)]
    return tuple(" ".join(sentences[a:b]) for a, b in pairwise(bounds)), layout


def make_entries(rng: random.Random, competency_ids: Sequence[str], start: dt.date, end: dt.date, count: int,
                 *, blank_rate: float = 0.0, next_steps: bool = False) -> list[WrittenEntry | None]:
    """``count`` realistic evidence rows dated within ``start``..``end``, in date order, with ``None`` for rows a
    person leaves blank in the middle (about ``blank_rate`` of them).

    Example:
        >>> rows = make_entries(random.Random(1), ["1.1", "1.2"], dt.date(2026, 1, 1), dt.date(2026, 12, 31), 5)
        >>> len(rows), all(r is not None for r in rows)
        (5, True)
    """
    span = (end - start).days
    days = sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))
    rows: list[WrittenEntry | None] = []
    for index, day in enumerate(days):
        if index > 0 and rng.random() < blank_rate:
            rows.append(None)
        date_text, date, precision, form, date_warnings = write_date(rng, day)
        hours_text, hours, hours_warnings = write_hours(rng)
        comp_text, comps = write_competencies(rng, competency_ids)
        reflection, layout = write_reflection(rng)
        rows.append(WrittenEntry(
            date_text=date_text, date=date, date_precision=precision, date_form=form,
            activity=rng.choice(ACTIVITIES), type=rng.choice(TYPES) if rng.random() > 0.05 else None,
            hours_text=hours_text, hours=hours, competencies_text=comp_text, competencies=comps,
            reflection=reflection, layout=layout,
            next_steps=rng.choice(NEXT_STEPS) if next_steps and rng.random() < 0.6 else None,
            warnings=date_warnings + hours_warnings,
        ))
    return rows


# ------------------------------------------------------------------------------------------- expectations


@dataclass
class Expected:
    """What ``read_log`` must return for a filled log.

    ``competencies`` pairs each competency id listed in the log with its status (``None``: not compared);
    ``identity`` holds the sglogs identity (``log_id``, ``staff_id``, ``framework``, ``level``,
    ``period_start``, ``period_end``; all ``None`` for a foreign layout; the whole dict ``None``: not compared);
    ``warnings`` pairs a row (or ``None``) with text a warning must contain; ``libreoffice`` holds values that
    only appear once LibreOffice re-saved the file (formula results, recomputed fields), keyed by
    ``(row, field)``; ``deleted_rows`` holds, for each tracked-deleted table row, the row number it would have
    if it counted; ``fold_whitespace`` is set for PDFs, where a soft wrap and a line break look alike.

    Example:
        >>> Expected(path=Path("a.docx"), entries=[EvidenceEntry(row=1, hours=2.0)]).to_json()["entries"][0]["hours"]
        2.0
    """

    path: Path
    entries: list[EvidenceEntry] = field(default_factory=list)
    next_steps: list[str] | None = field(default_factory=list)
    signoff: SignOff | None = field(default_factory=SignOff)
    competencies: list[tuple[str, CompetencyStatus]] | None = None
    identity: dict[str, str | None] | None = None
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    quirks: tuple[str, ...] = ()
    libreoffice: dict[tuple[int, str], Any] = field(default_factory=dict)
    deleted_rows: list[int] = field(default_factory=list)
    fold_whitespace: bool = False

    def restore_deleted_rows(self) -> Expected:
        """The expectation once tracked row deletions are lost but their (deleted) text is kept, as LibreOffice
        7.4 does in some tables: each such row is back as an empty row, so the rows after it count one more.

        Example:
            >>> e = Expected(path=Path("a.docx"), entries=[EvidenceEntry(row=4)], deleted_rows=[3])
            >>> e.restore_deleted_rows().entries[0].row
            5
        """
        entries, warnings, lo = list(self.entries), list(self.warnings), dict(self.libreoffice)
        for at in sorted(self.deleted_rows, reverse=True):
            entries = [e.model_copy(update={"row": e.row + 1}) if e.row >= at else e for e in entries]
            warnings = [(r + 1 if r is not None and r >= at else r, t) for r, t in warnings]
            lo = {(r + 1 if r >= at else r, name): v for (r, name), v in lo.items()}
        return replace(self, entries=entries, warnings=warnings, libreoffice=lo, deleted_rows=[])

    def after_libreoffice(self, path: Path | None = None, *, today: dt.date | None = None) -> Expected:
        """The expectation for the same log re-saved (or exported) by LibreOffice: formula results computed,
        DATE fields recomputed to ``today`` (as Word also does when it opens the file).

        Example:
            >>> e = Expected(path=Path("a.xlsx"), entries=[EvidenceEntry(row=1)], libreoffice={(1, "hours"): 1.5})
            >>> e.after_libreoffice().entries[0].hours
            1.5
        """
        today = today or dt.date.today()
        entries = []
        for entry in self.entries:
            changes = {name: value for (row, name), value in self.libreoffice.items() if row == entry.row}
            if changes.get("date") == "today":
                changes["date"], changes["date_precision"] = today, DatePrecision.DAY
            entries.append(entry.model_copy(update=changes) if changes else entry)
        return replace(self, path=path or self.path, entries=entries, libreoffice={})

    def as_pdf(self, path: Path, *, today: dt.date | None = None) -> Expected:
        """The expectation for a PDF export of this log: LibreOffice's values, whitespace folded when compared.

        LibreOffice prints tracked changes as they show on screen, struck through: a tracked-deleted row is on
        the page, so the rows after it count one more (the deleted row itself is not expected, and costs a field
        when read).

        Example:
            >>> Expected(path=Path("a.docx")).as_pdf(Path("a.pdf")).fold_whitespace
            True
        """
        return replace(self.after_libreoffice(path, today=today).restore_deleted_rows(), fold_whitespace=True)

    def to_json(self) -> dict[str, Any]:
        """The expectation in the shape of ``sglogs read --json`` (keys left out are not compared).

        Example:
            >>> sorted(Expected(path=Path("a.docx")).to_json())[:3]
            ['compare', 'entries', 'next_steps']
        """
        data: dict[str, Any] = {
            "entries": [e.model_dump(mode="json") for e in self.entries],
            "next_steps": self.next_steps,
            "signoff": self.signoff.model_dump(mode="json") if self.signoff is not None else None,
            "warnings_containing": [{"row": row, "text": text} for row, text in self.warnings],
            "compare": {"fold_whitespace": self.fold_whitespace, "quirks": list(self.quirks)},
        }
        if self.competencies is not None:
            data["competencies"] = [{"id": cid, "status": status.value} for cid, status in self.competencies]
        if self.identity is not None:
            data["identity"] = self.identity
        return data

    def write_json(self, path: Path) -> None:
        """Write ``to_json()`` to ``path`` (UTF-8, stable key order, trailing newline)."""
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, path: Path, data: dict[str, Any]) -> Expected:
        """Load an expectation written by ``to_json`` for the file at ``path``.

        Example:
            >>> Expected.from_json(Path("a.docx"), {"entries": [{"row": 2, "date": "2026-03"}]}).entries[0].date
            datetime.date(2026, 3, 1)
        """
        entries = []
        for raw in data.get("entries", []):
            raw = dict(raw)
            if isinstance(raw.get("date"), str) and len(raw["date"]) == 7:
                raw["date"], raw["date_precision"] = f"{raw['date']}-01", "month"
            entries.append(EvidenceEntry.model_validate(raw))
        competencies = data.get("competencies")
        compare = data.get("compare", {})
        return cls(
            path=path, entries=entries, next_steps=data.get("next_steps"),
            signoff=SignOff.model_validate(data["signoff"]) if data.get("signoff") is not None else None,
            competencies=None if competencies is None else [
                (c["id"], CompetencyStatus(c["status"])) for c in competencies],
            identity=data.get("identity"),
            warnings=[(w["row"], w["text"]) for w in data.get("warnings_containing", [])],
            quirks=tuple(compare.get("quirks", ())), fold_whitespace=bool(compare.get("fold_whitespace")),
        )


def tracked_row_deletions(path: Path) -> int:
    """How many table rows of a Word file are marked deleted with track changes (``w:trPr/w:del``).

    Example:
        >>> tracked_row_deletions(Path("filled.docx"))  # doctest: +SKIP
        1
    """
    body = docx.Document(str(path)).element.body
    return len(body.xpath(".//w:tr/w:trPr/w:del"))


def identity_from_keywords(keywords: str | None) -> dict[str, str | None]:
    """The sglogs identity from a log's keywords property ("sglogs; log_id=...; period=start/end").

    Example:
        >>> identity_from_keywords("sglogs; log_id=L1; staff_id=S1; framework=london; level=2; "
        ...                        "period=2026-01-01/2026-12-31")["period_end"]
        '2026-12-31'
    """
    pairs = dict(part.strip().split("=", 1) for part in (keywords or "").split(";") if "=" in part)
    start, _, end = pairs.get("period", "/").partition("/")
    return {"log_id": pairs.get("log_id"), "staff_id": pairs.get("staff_id"), "framework": pairs.get("framework"),
            "level": pairs.get("level"), "period_start": start or None, "period_end": end or None}


def log_competency_ids(path: Path) -> list[str]:
    """The competency ids a generated log lists, in log order (what "all" stands for).

    Example:
        >>> log_competency_ids(Path("N1_Hartley_2026-01-01_2026-12-31.docx"))  # doctest: +SKIP
        ['1.1', '1.2', '2.1', ...]
    """
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path)
        sheet = workbook["Competencies"]
        return [str(sheet.cell(row, 1).value) for row in range(5, sheet.max_row + 1) if sheet.cell(row, 1).value]
    document = docx.Document(str(path))
    table = _find_table(document, ("Ref", "Competency", "Core / Additional"))
    return [row.cells[0].text.strip() for row in table.rows[1:]]


def log_period(path: Path) -> tuple[dt.date, dt.date]:
    """The period a generated log covers, from its identity.

    Example:
        >>> log_period(Path("N1_Hartley_2026-01-01_2026-12-31.xlsx"))  # doctest: +SKIP
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    """
    if path.suffix == ".xlsx":
        keywords = openpyxl.load_workbook(path).properties.keywords
    else:
        keywords = docx.Document(str(path)).core_properties.keywords
    ident = identity_from_keywords(keywords)
    return dt.date.fromisoformat(ident["period_start"] or ""), dt.date.fromisoformat(ident["period_end"] or "")


# ------------------------------------------------------------------------------------------- Word XML helpers


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _el(tag: str, attrs: dict[str, str] | None = None, *children: etree._Element) -> etree._Element:
    element = etree.Element(_w(tag), nsmap={"w": W_NS})
    for key, value in (attrs or {}).items():
        element.set(key if key.startswith("{") else _w(key), value)
    element.extend(children)
    return element


def _text(text: str, tag: str = "t") -> etree._Element:
    element = _el(tag)
    element.text = text
    if text != text.strip() or "  " in text:
        element.set(XML_SPACE, "preserve")
    return element


def _run(text: str | None = None, *, bold: bool = False, italic: bool = False, vanish: bool = False,
         rpr: etree._Element | None = None) -> etree._Element:
    run = _el("r")
    props = copy.deepcopy(rpr) if rpr is not None else _el("rPr")
    for flag, name in ((bold, "b"), (italic, "i"), (vanish, "vanish")):
        if flag and props.find(_w(name)) is None:
            props.append(_el(name))
    if len(props):
        run.append(props)
    if text is not None:
        run.append(_text(text))
    return run


class _Ids:
    """Unique w:id values for revisions, comments and content controls in one document."""

    def __init__(self, start: int = 9000) -> None:
        self.value = start

    def __call__(self) -> str:
        self.value += 1
        return str(self.value)


def _revision(kind: str, ids: _Ids, *children: etree._Element) -> etree._Element:
    return _el(kind, {"id": ids(), "author": "Staff member", "date": "2026-06-01T10:00:00Z"}, *children)


def _sdt(ids: _Ids, alias: str, *content: etree._Element, props: Iterable[etree._Element] = ()) -> etree._Element:
    pr = _el("sdtPr", None, _el("alias", {"val": alias}), _el("tag", {"val": alias.lower().replace(" ", "-")}),
             _el("id", {"val": ids()}), *props)
    return _el("sdt", None, pr, _el("sdtContent", None, *content))


def _wrap(element: etree._Element, wrapper: etree._Element, into: etree._Element | None = None) -> None:
    """Put ``wrapper`` where ``element`` is and move ``element`` into it (or into ``into`` inside it)."""
    element.addprevious(wrapper)
    (into if into is not None else wrapper).append(element)


def _paragraphs(tc: etree._Element) -> list[etree._Element]:
    return tc.findall(_w("p"))


def _cell_text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))


def _find_table(document: Any, header: Sequence[str]) -> Table:
    for table in document.tables:
        first = [cell.text.strip() for cell in table.rows[0].cells]
        if first[: len(header)] == list(header):
            return table
    raise ValueError(f"no table headed {' | '.join(header)} in the log")


def _find_label_table(document: Any, label: str) -> Table:
    for table in document.tables:
        if table.rows and table.rows[0].cells[0].text.strip() == label:
            return table
    raise ValueError(f"no table starting with {label!r} in the log")


def _tcpr_insert(tc: etree._Element, child: etree._Element) -> None:
    """Add ``child`` to a cell's properties right after ``w:tcW`` (schema order: tcW, gridSpan, vMerge, ...)."""
    tcpr = tc.find(_w("tcPr"))
    if tcpr is None:
        tcpr = _el("tcPr")
        tc.insert(0, tcpr)
    anchor = tcpr.find(_w("gridSpan")) if child.tag == _w("vMerge") else None
    anchor = anchor if anchor is not None else tcpr.find(_w("tcW"))
    if anchor is not None:
        anchor.addnext(child)
    else:
        tcpr.insert(0, child)


def _trpr(tr: etree._Element) -> etree._Element:
    trpr = tr.find(_w("trPr"))
    if trpr is None:
        trpr = _el("trPr")
        tr.insert(1 if tr.find(_w("tblPrEx")) is not None else 0, trpr)
    return trpr


# ------------------------------------------------------------------------------------------- filling Word logs

#: Evidence table columns of a generated Word log, in order.
DOCX_COLUMNS = ("date", "activity", "type", "hours", "competencies", "reflection")


@dataclass(eq=False)
class _Row:
    """One evidence table row while a log is filled: its XML, cells by column key, what it must read as.

    ``cells`` maps a column key to its w:tc (``None`` once merged away); ``locked`` names cells other quirks must
    not edit (a vertical-merge continuation, a split cell); ``busy`` names the quirks applied, so quirks that
    need a row to themselves pick another.
    """

    tr: etree._Element
    cells: dict[str, etree._Element | None] = field(default_factory=dict)
    locked: set[str] = field(default_factory=set)
    entry: WrittenEntry | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    counted: bool = True
    dropped: bool = False
    busy: set[str] = field(default_factory=set)
    lo: dict[str, Any] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    def warnings(self) -> list[str]:
        """The verbatim texts a reader must warn about, less those of cells a merge took away."""
        assert self.entry is not None
        gone = {getattr(self.entry, f"{name}_text", None) for name in self.removed}
        return [text for text in self.entry.warnings if text not in gone]


@dataclass
class _DocxCtx:
    document: Any
    table: Table
    rng: random.Random
    quirks: frozenset[str]
    ids: _Ids
    header: _Row
    rows: list[_Row]
    order: list[str]
    bullet_style: str
    next_steps: list[str] = field(default_factory=list)
    signoff: SignOff = field(default_factory=SignOff)
    statuses: list[tuple[str, CompetencyStatus]] = field(default_factory=list)

    def filled(self, *needs: str, exclude: Iterable[str] = ("exclusive",), text: bool = True,
               where: Callable[[_Row], bool] | None = None) -> list[_Row]:
        """Rows with an entry whose cells ``needs`` exist unlocked (and, with ``text``, hold text)."""
        blocked = set(exclude)
        return [r for r in self.rows if r.entry is not None and not r.dropped and not (r.busy & blocked)
                and all(r.cells.get(k) is not None and k not in r.locked
                        and (not text or r.expect.get(k) not in (None, ())) for k in needs)
                and (where is None or where(r))]

    def pick(self, quirk: str, *needs: str, exclusive: bool = False, **kwargs: Any) -> _Row:
        """A random filled row fit for ``quirk`` (marked busy with it); an error when there is none."""
        candidates = self.filled(*needs, **kwargs)
        if not candidates:
            raise ValueError(f"quirk {quirk!r}: no filled row has {', '.join(needs) or 'an entry'} to edit; "
                             "give the log more entries")
        row = self.rng.choice(candidates)
        row.busy.add(quirk)
        if exclusive:
            row.busy.add("exclusive")
        return row

    def cell(self, row: _Row, key: str) -> _Cell:
        tc = row.cells[key]
        assert tc is not None
        return _Cell(tc, self.table)


def _set_lines(tc: etree._Element, lines: Sequence[str], *, style: str | None = None, breaks: bool = False) -> None:
    """Replace a cell's paragraphs with one paragraph per line (or one paragraph with line breaks)."""
    old = _paragraphs(tc)
    ppr = old[0].find(_w("pPr")) if old else None
    for p in old:
        tc.remove(p)

    def paragraph() -> etree._Element:
        p = _el("p")
        props = copy.deepcopy(ppr) if ppr is not None else _el("pPr")
        if style is not None:
            pstyle = props.find(_w("pStyle"))
            if pstyle is None:
                pstyle = _el("pStyle")
                props.insert(0, pstyle)
            pstyle.set(_w("val"), style)
        p.append(props)
        tc.append(p)
        return p

    if breaks:
        p = paragraph()
        for index, line in enumerate(lines):
            if index:
                p.append(_el("r", None, _el("br")))
            p.append(_run(line))
        return
    for line in lines or [""]:
        p = paragraph()
        if line:
            p.append(_run(line))


def _messy(rng: random.Random, text: str) -> str:
    """The same text as a careless typist leaves it: spaces before and after, two spaces after a full stop."""
    text = text.replace(". ", ".  ") if rng.random() < 0.7 else text
    return rng.choice(("", " ", "  ")) + text + rng.choice(("", " ", "\t"))


def _fill_docx_row(ctx: _DocxCtx, row: _Row, entry: WrittenEntry) -> None:
    messy = "messy_whitespace" in ctx.quirks and ctx.rng.random() < 0.5
    tidy: Callable[[str], str] = (lambda s: _messy(ctx.rng, s)) if messy else (lambda s: s)
    values = {"date": entry.date_text, "activity": entry.activity, "type": entry.type, "hours": entry.hours_text}
    for key, value in values.items():
        if value and row.cells.get(key) is not None:
            _set_lines(row.cells[key], [tidy(value)])
    if entry.competencies_text:
        _set_lines(row.cells["competencies"], [tidy(x) for x in entry.competencies_text.split("\n")])
    lines = [tidy(x) for x in entry.reflection]
    tc = row.cells["reflection"]
    assert tc is not None
    if entry.layout == "bullets" and "bullet_list" in ctx.quirks:
        _set_lines(tc, lines, style=ctx.bullet_style)
    elif entry.layout == "breaks" and "paragraphs_and_breaks" in ctx.quirks:
        _set_lines(tc, lines, breaks=True)
    elif "paragraphs_and_breaks" in ctx.quirks and len(lines) > 1 and ctx.rng.random() < 0.5:
        # Enter pressed twice between paragraphs: the empty paragraph is not a line
        _set_lines(tc, [part for line in lines for part in (line, "")][:-1])
    else:
        _set_lines(tc, lines)
    if messy and ctx.rng.random() < 0.5:
        _paragraphs(tc)[0].addprevious(copy.deepcopy(_paragraphs(tc)[0]))
        for r in _paragraphs(tc)[0].findall(_w("r")):
            r.getparent().remove(r)  # an empty first paragraph, as left by a stray Enter


# -- column quirks (before merges, so every row still has one cell per grid column)


def _grid_cols(tbl: etree._Element) -> list[etree._Element]:
    return tbl.find(_w("tblGrid")).findall(_w("gridCol"))


def _all_rows(ctx: _DocxCtx) -> list[_Row]:
    return [ctx.header, *ctx.rows]


def _column_added(ctx: _DocxCtx) -> None:
    """A "Certificate?" column added by the person (Word: Insert column right); the reader must ignore it."""
    at = ctx.rng.choice((ctx.order.index("hours") + 1, len(ctx.order)))
    grid = _grid_cols(ctx.table._tbl)
    grid[min(at, len(grid)) - 1].addnext(_el("gridCol", {"w": "900"}))
    for row in _all_rows(ctx):
        neighbour = row.cells[ctx.order[at - 1]]
        tc = copy.deepcopy(neighbour)
        text = "Certificate?" if row is ctx.header else ("" if row.entry is None else ctx.rng.choice(("Yes", "No", "")))
        _set_lines(tc, [text] if text else [])
        neighbour.addnext(tc)
        row.cells["certificate"] = tc
    ctx.order.insert(at, "certificate")


def _columns_reordered(ctx: _DocxCtx) -> None:
    """A column dragged elsewhere: its cell moved in every row, its grid column too."""
    key, before = ctx.rng.choice((("hours", None), ("type", "activity"), ("reflection", "competencies"),
                                  ("competencies", "hours")))
    old = ctx.order.index(key)
    ctx.order.remove(key)
    new = len(ctx.order) if before is None else ctx.order.index(before)
    ctx.order.insert(new, key)
    grid = _grid_cols(ctx.table._tbl)
    col = grid[old]
    parent = col.getparent()
    parent.remove(col)
    parent.insert(new, col)
    for row in _all_rows(ctx):
        tc = row.cells[key]
        tr = tc.getparent()
        tr.remove(tc)
        others = tr.findall(_w("tc"))
        if new < len(others):
            others[new].addprevious(tc)
        else:
            others[-1].addnext(tc)


def _columns_renamed(ctx: _DocxCtx) -> None:
    """Headers retyped by an organisation: "Date of learning"/"When", "Activity/Training", "Reflection"."""
    names = {"date": ctx.rng.choice(("Date of learning", "When")), "activity": "Activity/Training",
             "reflection": "Reflection"}
    if ctx.rng.random() < 0.5:
        names.update({"type": "Format", "hours": "Duration", "competencies": "Competency ref"})
    for key, name in names.items():
        tc = ctx.header.cells[key]
        for t in tc.iter(_w("t")):
            t.text = ""
        next(tc.iter(_w("t"))).text = name


# -- merges and nested content


def _hmerge(ctx: _DocxCtx) -> None:
    """Learning activity merged with the cell to its right in one row (gridSpan): the text stays in the first."""
    right = ctx.order[ctx.order.index("activity") + 1]
    row = ctx.pick("hmerge", "activity", right, exclusive=True, text=False)
    first, second = row.cells["activity"], row.cells[right]
    _tcpr_insert(first, _el("gridSpan", {"val": "2"}))
    second.getparent().remove(second)
    row.cells[right] = None
    row.removed.add(right)
    if right in row.expect:
        row.expect[right] = None


def _vmerge(ctx: _DocxCtx) -> None:
    """Reflection cells of two neighbouring rows merged vertically: only the first row keeps a reflection."""
    pairs = [(a, b) for a, b in pairwise(ctx.rows)
             if a in ctx.filled("reflection") and b in ctx.filled("reflection", "activity")]
    if not pairs:
        raise ValueError("quirk 'vmerge': no two neighbouring filled rows")
    top, below = ctx.rng.choice(pairs)
    top.busy |= {"vmerge", "exclusive", "pinned"}
    below.busy |= {"vmerge", "exclusive", "pinned-below"}
    _tcpr_insert(top.cells["reflection"], _el("vMerge", {"val": "restart"}))
    continued = below.cells["reflection"]
    _tcpr_insert(continued, _el("vMerge"))
    _set_lines(continued, [])
    below.locked.add("reflection")
    below.expect["reflection"] = None


def _split_cell(ctx: _DocxCtx) -> None:
    """One row's reflection cell split in two (Word: Split Cells); every other row's cell spans both columns.
    A reader joins the two halves with a line break."""
    row = ctx.pick("split_cell", "reflection", exclusive=True,
                   where=lambda r: len(_paragraphs(r.cells["reflection"])) > 1)
    tc = row.cells["reflection"]
    assert tc is not None
    paragraphs = _paragraphs(tc)
    second = copy.deepcopy(tc)
    for p in _paragraphs(second):
        second.remove(p)
    for p in paragraphs[ctx.rng.randint(1, len(paragraphs) - 1):]:
        second.append(p)
    tc.addnext(second)
    col = _grid_cols(ctx.table._tbl)[ctx.order.index("reflection")]
    width = int(col.get(_w("w"), "3000"))
    col.set(_w("w"), str(width // 2))
    col.addnext(_el("gridCol", {"w": str(width - width // 2)}))
    for other in _all_rows(ctx):
        target = other.cells.get("reflection")
        if other is not row and target is not None:
            _tcpr_insert(target, _el("gridSpan", {"val": "2"}))
    row.locked.add("reflection")


def _nested_table(ctx: _DocxCtx) -> None:
    """A small before/after table typed inside a reflection cell: its rows are read as lines."""
    row = ctx.pick("nested_table", "reflection", exclusive=True)
    pairs = [("Before:", "unsure who to contact out of hours"), ("After:", "I know the out-of-hours duty team route")]
    if ctx.rng.random() < 0.5:
        pairs.append(("Next:", "share the contact card with the team"))
    nested = ctx.cell(row, "reflection").add_table(len(pairs), 2)
    for (left, right), nested_row in zip(pairs, nested.rows, strict=True):
        nested_row.cells[0].text = left
        nested_row.cells[1].text = right
    row.expect["reflection"] = "\n".join(filter(None, [row.expect["reflection"], *(f"{a} {b}" for a, b in pairs)]))


# -- inline quirks (inside one cell's paragraphs)


def _simple_runs(p: etree._Element) -> list[etree._Element]:
    return [r for r in p.findall(_w("r")) if len(r.findall(_w("t"))) == 1 and len(r) <= 2]


def _text_paragraphs(tc: etree._Element | None) -> list[etree._Element]:
    """The paragraphs of a cell that hold text (a stray empty paragraph may come first)."""
    assert tc is not None
    return [p for p in _paragraphs(tc) if _cell_text(p).strip()]


def _split_runs(ctx: _DocxCtx) -> None:
    """Text split across runs with bold and italic starting mid-word, as Word leaves it after editing."""
    for _ in range(3):
        row = ctx.pick("split_runs", "activity", "reflection", exclusive=True)
        for key in ("activity", "reflection"):
            for p in _text_paragraphs(row.cells[key])[:2]:
                for r in _simple_runs(p):
                    text = r.find(_w("t")).text or ""
                    if len(text) < 6:
                        continue
                    cuts = sorted(ctx.rng.sample(range(1, len(text)), k=min(3, len(text) - 1)))
                    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
                    rpr = r.find(_w("rPr"))
                    for piece in pieces:
                        r.addprevious(_run(piece, bold=ctx.rng.random() < 0.4, italic=ctx.rng.random() < 0.3,
                                           rpr=rpr))
                    p.remove(r)


def _tab_in_cell(ctx: _DocxCtx) -> None:
    """A tab typed between two words of the activity (read as one space)."""
    row = ctx.pick("tab_in_cell", "activity", exclusive=True)
    p = _text_paragraphs(row.cells["activity"])[0]
    r = _simple_runs(p)[0]
    before, _, after = (r.find(_w("t")).text or "").strip().partition(" ")
    r.addprevious(_run(before))
    r.addprevious(_el("r", None, _el("tab")))
    r.addprevious(_run(after))
    p.remove(r)


def _hyperlink(ctx: _DocxCtx) -> None:
    """A web link typed at the end of a reflection: its text is part of the reflection."""
    row = ctx.pick("hyperlink", "reflection", exclusive=True)
    p = _text_paragraphs(row.cells["reflection"])[-1]
    rid = ctx.document.part.relate_to("https://www.gov.uk/government/publications/working-together-to-safeguard"
                                      "-children--2", RT.HYPERLINK, is_external=True)
    link = _el("hyperlink", {"history": "1"}, _run("Working Together 2023", rpr=_el("rPr", None, _el("u", {
        "val": "single"}))))
    link.set(f"{{{R_NS}}}id", rid)
    p.extend([_run(" See "), link, _run(".")])
    lines = row.expect["reflection"].split("\n")
    lines[-1] += " See Working Together 2023."
    row.expect["reflection"] = "\n".join(lines)


def _hidden_text(ctx: _DocxCtx) -> None:
    """A hidden run (w:vanish) in a reflection: not shown, so not read."""
    row = ctx.pick("hidden_text", "reflection", exclusive=True)
    p = _text_paragraphs(row.cells["reflection"])[0]
    first = p.find(_w("r"))
    first.addprevious(_run("[Draft: ask my manager before sending] ", vanish=True))


def _comment(ctx: _DocxCtx) -> None:
    """A manager's comment anchored on the activity: the comment text is not part of the log's text."""
    row = ctx.pick("comment", "activity", exclusive=True)
    p = _text_paragraphs(row.cells["activity"])[0]
    paragraph = Paragraph(p, ctx.cell(row, "activity"))
    ctx.document.add_comment(paragraph.runs, text="Please add what you will do differently as a result.",
                             author="Line manager", initials="LM")


def _date_field(ctx: _DocxCtx, quirk: str, complex_field: bool) -> None:
    row = ctx.pick(quirk, "date", exclusive=True, where=lambda r: r.expect["date_precision"] == DatePrecision.DAY)
    p = _text_paragraphs(row.cells["date"])[0]
    runs = p.findall(_w("r"))
    instr = ' DATE \\@ "dd/MM/yyyy" '
    if complex_field:
        runs[0].addprevious(_el("r", None, _el("fldChar", {"fldCharType": "begin"})))
        runs[0].addprevious(_el("r", None, _text(instr, "instrText")))
        runs[0].addprevious(_el("r", None, _el("fldChar", {"fldCharType": "separate"})))
        runs[-1].addnext(_el("r", None, _el("fldChar", {"fldCharType": "end"})))
    else:
        simple = _el("fldSimple", {"instr": instr})
        runs[0].addprevious(simple)
        simple.extend(runs)
    row.lo["date"] = "today"  # LibreOffice (like Word on opening) recomputes a DATE field to the current day


def _field_simple(ctx: _DocxCtx) -> None:
    """A date inserted as an updating DATE field (w:fldSimple): its cached result is what the log shows."""
    _date_field(ctx, "field_simple", complex_field=False)


def _field_complex(ctx: _DocxCtx) -> None:
    """A date as a complex field (fldChar begin / instrText / separate / result / end): only the result is read."""
    _date_field(ctx, "field_complex", complex_field=True)


def _field_formtext(ctx: _DocxCtx) -> None:
    """A legacy text form field (FORMTEXT, as in older organisation templates) holding the activity."""
    row = ctx.pick("field_formtext", "activity", exclusive=True)
    p = _text_paragraphs(row.cells["activity"])[0]
    runs = p.findall(_w("r"))
    ffdata = _el("ffData", None, _el("name", {"val": "Activity"}), _el("enabled"), _el("calcOnExit", {"val": "0"}),
                 _el("textInput"))
    runs[0].addprevious(_el("r", None, _el("fldChar", {"fldCharType": "begin"}, ffdata)))
    runs[0].addprevious(_el("r", None, _text(" FORMTEXT ", "instrText")))
    runs[0].addprevious(_el("r", None, _el("fldChar", {"fldCharType": "separate"})))
    runs[-1].addnext(_el("r", None, _el("fldChar", {"fldCharType": "end"})))


def _smart_tag(ctx: _DocxCtx) -> None:
    """Word's smart tag around a date (w:smartTag wrapping runs): its text is read."""
    row = ctx.pick("smart_tag", "date", exclusive=True)
    p = _text_paragraphs(row.cells["date"])[0]
    runs = p.findall(_w("r"))
    tag = _el("smartTag", {"uri": "urn:schemas-microsoft-com:office:smarttags", "element": "date"},
              _el("smartTagPr", None, _el("attr", {"name": "Year", "val": "2026"})))
    runs[0].addprevious(tag)
    tag.extend(runs)


def _sdt_word(ctx: _DocxCtx) -> None:
    """Content controls inside paragraphs: a drop-down around the type, a plain-text control around one word."""
    row = ctx.pick("sdt_word", "type", "reflection", exclusive=True)
    p = _text_paragraphs(row.cells["type"])[0]
    runs = p.findall(_w("r"))
    items = [_el("listItem", {"displayText": t, "value": t}) for t in TYPES[:5]]
    control = _sdt(ctx.ids, "Type of learning", props=[_el("dropDownList", None, *items)])
    runs[0].addprevious(control)
    control.find(_w("sdtContent")).extend(runs)
    p = _text_paragraphs(row.cells["reflection"])[0]
    r = _simple_runs(p)[0]
    head, space, tail = (r.find(_w("t")).text or "").strip().partition(" ")
    r.addprevious(_sdt(ctx.ids, "Word", _run(head)))
    if space:
        r.addprevious(_run(" " + tail))
    p.remove(r)


def _tracked_text(ctx: _DocxCtx) -> None:
    """Tracked changes inside cells: hours retyped (w:del "1.5" + w:ins "2"), a sentence inserted and a phrase
    deleted in a reflection. Insertions are read, deletions are not."""
    row = ctx.pick("tracked_text", "hours", exclusive=True)
    p = _text_paragraphs(row.cells["hours"])[0]
    runs = p.findall(_w("r"))
    old = "1.5" if row.entry and row.entry.hours_text != "1.5" else "1"
    runs[0].addprevious(_revision("del", ctx.ids, _el("r", None, _text(old, "delText"))))
    insertion = _revision("ins", ctx.ids)
    runs[0].addprevious(insertion)
    insertion.extend(runs)
    row = ctx.pick("tracked_text", "reflection", exclusive=True)
    p = _text_paragraphs(row.cells["reflection"])[-1]
    p.append(_revision("del", ctx.ids, _el("r", None, _text(" (check with the DSL)", "delText"))))
    p.append(_revision("ins", ctx.ids, _run(" I have since shared this with my team.")))
    lines = row.expect["reflection"].split("\n")
    lines[-1] += " I have since shared this with my team."
    row.expect["reflection"] = "\n".join(lines)


# -- row and table quirks


def _tbl_child(tr: etree._Element) -> etree._Element:
    """The element directly under w:tbl that holds ``tr`` (the row itself, or a content control around it)."""
    node = tr
    while node.getparent() is not None and node.getparent().tag != _w("tbl"):
        node = node.getparent()
    return node


def _movable_gap(ctx: _DocxCtx, index: int) -> bool:
    """True when a table can be cut, or a row put, before ``ctx.rows[index]`` without splitting a merge."""
    return "pinned-below" not in ctx.rows[index].busy


def _second_table(ctx: _DocxCtx) -> None:
    """The evidence table cut in two, a paragraph between: a second table with the same header, pasted below.
    Its rows carry on the count of the first."""
    filled = [i for i, r in enumerate(ctx.rows) if r.entry is not None]
    gaps = [i for i in range(filled[1], len(ctx.rows)) if _movable_gap(ctx, i) and i <= filled[-1]]
    if not gaps:
        raise ValueError("quirk 'second_table': too few rows to cut the table")
    cut = ctx.rng.choice(gaps)
    tbl = ctx.table._tbl
    new = _el("tbl", None, copy.deepcopy(tbl.find(_w("tblPr"))), copy.deepcopy(tbl.find(_w("tblGrid"))),
              copy.deepcopy(ctx.header.tr))
    for row in ctx.rows[cut:]:
        child = _tbl_child(row.tr)
        if child.getparent() is tbl:
            new.append(child)
    note = _el("p", None, _run("Evidence log (continued)"))
    tbl.addnext(note)
    note.addnext(new)


def _header_repeated(ctx: _DocxCtx) -> None:
    """A copy of the header row pasted as a row inside the table (not evidence, not counted as a row)."""
    gaps = [i for i in range(2, len(ctx.rows)) if _movable_gap(ctx, i) and ctx.rows[i].entry is not None]
    if not gaps:
        raise ValueError("quirk 'header_repeated': too few rows")
    at = ctx.rng.choice(gaps)
    copy_tr = copy.deepcopy(ctx.header.tr)
    _tbl_child(ctx.rows[at].tr).addprevious(copy_tr)
    ctx.rows.insert(at, _Row(tr=copy_tr, counted=False, busy={"header"}))


def _mark_runs(tr: etree._Element, kind: str, ids: _Ids) -> None:
    for r in list(tr.iter(_w("r"))):
        if r.getparent().tag in (_w("ins"), _w("del")):
            continue
        if kind == "del":
            for t in r.findall(_w("t")):
                t.tag = _w("delText")
        _wrap(r, _revision(kind, ids))


def _tracked_row_inserted(ctx: _DocxCtx) -> None:
    """A row added with track changes on (w:trPr/w:ins, its runs in w:ins): read like any row."""
    row = ctx.pick("tracked_row_inserted", exclusive=True)
    _trpr(row.tr).append(_revision("ins", ctx.ids))
    _mark_runs(row.tr, "ins", ctx.ids)


def _tracked_row_deleted(ctx: _DocxCtx) -> None:
    """A row deleted with track changes on (w:trPr/w:del, its text in w:delText): gone once accepted, so not read
    and not counted."""
    row = ctx.pick("tracked_row_deleted", exclusive=True, exclude=("exclusive", "pinned", "pinned-below"))
    _trpr(row.tr).append(_revision("del", ctx.ids))
    _mark_runs(row.tr, "del", ctx.ids)
    row.dropped, row.counted = True, False


def _sdt_cell(ctx: _DocxCtx) -> None:
    """A content control around a whole cell (w:sdt as a child of w:tr): the cell keeps its column."""
    row = ctx.pick("sdt_cell", "hours", exclusive=True)
    tc = row.cells["hours"]
    control = _sdt(ctx.ids, "Hours")
    _wrap(tc, control, control.find(_w("sdtContent")))


def _sdt_row(ctx: _DocxCtx) -> None:
    """A content control around a whole row (w:sdt as a child of w:tbl, as repeating sections make)."""
    row = ctx.pick("sdt_row", exclusive=True, exclude=("exclusive", "pinned", "pinned-below"))
    control = _sdt(ctx.ids, "Evidence row")
    _wrap(row.tr, control, control.find(_w("sdtContent")))


def _sdt_table(ctx: _DocxCtx) -> None:
    """A content control around the whole evidence table (w:sdt in the body)."""
    control = _sdt(ctx.ids, "Evidence table")
    _wrap(ctx.table._tbl, control, control.find(_w("sdtContent")))


# -- the manager's parts


def _status_text(rng: random.Random) -> tuple[str, CompetencyStatus]:
    status = rng.choices((CompetencyStatus.MET, CompetencyStatus.NOT_YET, CompetencyStatus.BLANK), (6, 2, 2))[0]
    if status is CompetencyStatus.MET:
        return rng.choice(("Met", "Met", "met", "Met ")), status
    if status is CompetencyStatus.NOT_YET:
        return rng.choice(("Not yet met", "Not yet met", "not yet met")), status
    return "", status


def _manager_summary(ctx: _DocxCtx) -> None:
    """The manager fills Met / Not yet met, the evidence rows and a comment in the competency summary."""
    table = _find_table(ctx.document, ("Ref", "Competency", "Met / Not yet met"))
    ctx.statuses = []
    for row in table.rows[1:]:
        text, status = _status_text(ctx.rng)
        cells = row.cells
        if text:
            cells[2].text = text
            cells[3].text = ", ".join(str(ctx.rng.randint(1, 12)) for _ in range(ctx.rng.randint(1, 3)))
            if ctx.rng.random() < 0.4:
                cells[4].text = ctx.rng.choice(COMMENTS)
        ctx.statuses.append((cells[0].text.strip(), status))


def _next_steps(ctx: _DocxCtx) -> None:
    """CPD next steps agreed at review, one row left empty between two of them."""
    table = _find_table(ctx.document, ("Next step", "Competency"))
    chosen = ctx.rng.sample(NEXT_STEPS, k=3)
    rows = table.rows[1:]
    slots = [0, 1, 3] if len(rows) > 3 else [0, 1, 2]
    for text, slot in zip(chosen, slots, strict=True):
        cells = rows[slot].cells
        cells[0].text = text
        cells[1].text = ctx.rng.choice(("4.3", "all", ""))
        cells[2].text = ctx.rng.choice(("March 2027", "next review", "31/01/2027"))
        cells[3].text = ctx.rng.choice(("Yes", "No"))
    ctx.next_steps = chosen


def _signoff(ctx: _DocxCtx) -> None:
    """The review and sign-off block filled in: names, dates in UK forms, the outcome chosen."""
    table = _find_label_table(ctx.document, "Manager name")
    manager = ctx.rng.choice(MANAGERS)
    review = dt.date(2026, 12, ctx.rng.randint(1, 20))
    next_review = review + dt.timedelta(days=ctx.rng.choice((182, 365)))
    outcome = ctx.rng.choice(("All competencies met", "Not yet met – see next steps"))
    values = {"Manager name": manager, "Manager signature": manager.split()[0][0] + ". " + manager.split()[-1],
              "Date of review": DATE_FORMS[ctx.rng.choice(("dd/mm/yyyy", "d Month yyyy", "d/m/yy"))][0](review),
              "Outcome": outcome, "Staff signature": "Signed", "Date": review.strftime("%d/%m/%Y"),
              "Next review date": DATE_FORMS[ctx.rng.choice(("dd/mm/yyyy", "ordinal"))][0](next_review)}
    written = set()
    for row in table.rows:
        label = row.cells[0].text.strip().split("\n")[0].strip()  # a label may carry a hint on its next line
        if label in values:
            row.cells[1].text = values[label]
            written.add(label)
    if written != set(values):
        raise ValueError(f"sign-off labels {sorted(set(values) - written)} not found in the log's sign-off table")
    ctx.signoff = SignOff(manager=manager, date=review, outcome=outcome, next_review=next_review)


#: Word quirks by name, in the order they are applied (columns before merges, merges before text edits, whole
#: rows and tables last), each one small edit a real person makes.
DOCX_QUIRKS: dict[str, Callable[[_DocxCtx], None] | None] = {
    # applied while filling rows
    "blank_rows_middle": None,
    "rows_deleted": None,
    "messy_whitespace": None,
    "paragraphs_and_breaks": None,
    "bullet_list": None,
    # columns
    "column_added": _column_added,
    "columns_reordered": _columns_reordered,
    "columns_renamed": _columns_renamed,
    # merges and nested content
    "hmerge": _hmerge,
    "vmerge": _vmerge,
    "split_cell": _split_cell,
    "nested_table": _nested_table,
    # inline
    "split_runs": _split_runs,
    "tab_in_cell": _tab_in_cell,
    "hyperlink": _hyperlink,
    "hidden_text": _hidden_text,
    "comment": _comment,
    "field_simple": _field_simple,
    "field_complex": _field_complex,
    "field_formtext": _field_formtext,
    "smart_tag": _smart_tag,
    "sdt_word": _sdt_word,
    "tracked_text": _tracked_text,
    # rows and tables
    "second_table": _second_table,
    "header_repeated": _header_repeated,
    "tracked_row_inserted": _tracked_row_inserted,
    "tracked_row_deleted": _tracked_row_deleted,
    "sdt_cell": _sdt_cell,
    "sdt_row": _sdt_row,
    "sdt_table": _sdt_table,
    # the manager's parts
    "manager_summary": _manager_summary,
    "next_steps": _next_steps,
    "signoff": _signoff,
}


def _check_quirks(quirks: Iterable[str], known: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(quirks)
    unknown = sorted(chosen - set(known))
    if unknown:
        raise ValueError(f"unknown quirk(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


def _with_blank_rows(rng: random.Random, entries: Sequence[WrittenEntry | None]) -> list[WrittenEntry | None]:
    slots = list(entries)
    for _ in range(rng.randint(2, 3)):
        slots.insert(rng.randint(1, max(1, len(slots) - 1)), None)
    return slots


def _statuses_blank(ids: Sequence[str]) -> list[tuple[str, CompetencyStatus]]:
    return [(cid, CompetencyStatus.BLANK) for cid in ids]


def fill_docx(path: Path, entries: Sequence[WrittenEntry | None], quirks: Iterable[str], seed: int) -> Expected:
    """Fill the evidence table of a generated Word log with ``entries`` (``None``: a row left blank) and apply
    ``quirks`` (names from ``DOCX_QUIRKS``); save in place and return what a reader must read back.

    Rows are added when there are more entries than blank rows, as a person does with Tab in the last cell.

    Example:
        >>> ids = log_competency_ids(path)  # doctest: +SKIP
        >>> rows = make_entries(random.Random(1), ids, *log_period(path), 12)  # doctest: +SKIP
        >>> fill_docx(path, rows, {"split_runs", "tracked_text", "signoff"}, seed=1).entries[0].row  # doctest: +SKIP
        1
    """
    chosen = _check_quirks(quirks, DOCX_QUIRKS)
    rng = random.Random(seed)
    document = docx.Document(str(path))
    identity = identity_from_keywords(document.core_properties.keywords)
    ids = log_competency_ids(path)
    table = _find_table(document, ("Date", "Learning activity"))
    tbl = table._tbl
    trs = tbl.findall(_w("tr"))

    def row_for(tr: etree._Element) -> _Row:
        return _Row(tr=tr, cells=dict(zip(DOCX_COLUMNS, tr.findall(_w("tc")), strict=True)))

    slots = _with_blank_rows(rng, entries) if "blank_rows_middle" in chosen else list(entries)
    blank_template = copy.deepcopy(trs[-1])
    while len(trs) - 1 < len(slots):
        trs[-1].addnext(copy.deepcopy(blank_template))
        trs = tbl.findall(_w("tr"))
    if "rows_deleted" in chosen:
        spare = trs[1 + len(slots):]
        for tr in spare[: max(1, len(spare) - rng.randint(0, 2))]:
            tbl.remove(tr)  # the unused rows deleted; a couple may stay
        trs = tbl.findall(_w("tr"))
    ctx = _DocxCtx(document=document, table=table, rng=rng, quirks=chosen, ids=_Ids(), header=row_for(trs[0]),
                   rows=[row_for(tr) for tr in trs[1:]], order=list(DOCX_COLUMNS),
                   bullet_style=document.styles["List Bullet"].style_id)
    for row, entry in zip(ctx.rows, slots, strict=False):
        if entry is not None:
            row.entry = entry
            row.expect = {k: v for k, v in entry.expected(1).model_dump().items() if k in ENTRY_FIELDS}
            row.expect["date_precision"] = entry.date_precision
            _fill_docx_row(ctx, row, entry)
    for name, apply in DOCX_QUIRKS.items():
        if name in chosen and apply is not None:
            apply(ctx)
    document.save(str(path))
    entries_out, warnings, lo, deleted = [], [], {}, []
    number = 0
    for row in ctx.rows:
        number += row.counted
        if row.dropped:
            deleted.append(number + 1)
        if row.entry is None or row.dropped:
            continue
        entries_out.append(EvidenceEntry(row=number, **row.expect))
        warnings += [(number, text) for text in row.warnings()]
        lo.update({(number, name): value for name, value in row.lo.items()})
    return Expected(path=path, entries=entries_out, next_steps=ctx.next_steps, signoff=ctx.signoff,
                    competencies=ctx.statuses or _statuses_blank(ids), identity=identity, warnings=warnings,
                    quirks=tuple(sorted(chosen)), libreoffice=lo, deleted_rows=deleted)


# ------------------------------------------------------------------------------------------- filling Excel logs

#: Excel quirks a person's workbook may show; the ``dates_*`` and ``hours_*`` ones choose how cells are stored.
XLSX_QUIRKS = (
    "dates_real", "dates_serial", "dates_text", "date_with_time", "hours_text", "hours_time_cell",
    "competency_as_number", "bullets_typed", "blank_rows_middle", "whitespace_only_cells", "rows_inserted",
    "rows_deleted", "rows_beyond_unformatted", "merged_reflection", "formula_hours", "formula_unrelated",
    "extra_sheets", "autofilter", "manager_summary", "next_steps", "signoff",
)
#: Header row of the Evidence sheet of a generated Excel log; entry ``row`` is the Excel row minus this.
XLSX_HEADER_ROW = 3
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(eq=False)
class _XRow:
    entry: WrittenEntry | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    lo: dict[str, Any] = field(default_factory=dict)


def _date_cell(rng: random.Random, entry: WrittenEntry, quirks: frozenset[str]) -> tuple[Any, str]:
    """How a typed date is stored: a real date (UK Excel converts what it understands), a serial number in a
    General cell, a date with a time, or text."""
    day = entry.date
    if day is None or entry.date_precision is not DatePrecision.DAY or not DATE_FORMS[entry.date_form][1]:
        return entry.date_text, "@"
    kinds = [k for k, q in (("text", "dates_text"), ("serial", "dates_serial"), ("time", "date_with_time"))
             if q in quirks]
    if "dates_real" in quirks or not kinds:
        kinds.append("real")
    kind = rng.choice(kinds)
    if kind == "text":
        return entry.date_text, "@"
    if kind == "serial":
        return (day - EXCEL_EPOCH).days, "General"
    if kind == "time":
        return dt.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.choice((0, 15, 30))), \
            "dd/mm/yyyy hh:mm"
    return dt.datetime(day.year, day.month, day.day), "dd/mm/yyyy"


def _hours_cell(entry: WrittenEntry, quirks: frozenset[str]) -> tuple[Any, str]:
    text = entry.hours_text or ""
    if re.fullmatch(r"\d+(\.\d+)?", text) and "hours_text" not in quirks:
        number = float(text)
        return (int(number) if number.is_integer() else number), "General"
    time = re.fullmatch(r"(\d+):(\d\d)", text)
    if time and "hours_time_cell" in quirks:
        return dt.time(int(time[1]), int(time[2])), "h:mm"  # what Excel makes of a typed 1:30
    return text or None, "@"


def _autofit(ws: Any, excel_row: int) -> None:
    """Grow a row the way Excel does as a person types into wrapped cells (rows with a fixed height stay fixed,
    and clip what does not fit, as in Excel); openpyxl itself never sizes rows."""
    dimension = ws.row_dimensions[excel_row]
    if dimension.customHeight:
        return
    lines = 1
    for cell in ws[excel_row][:6]:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            width = ws.column_dimensions[cell.column_letter].width or 8.43
            per_line = max(1, int(width * 1.1))  # a little under Arial 10's real fit, so nothing is clipped
            lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in cell.value.split("\n")))
    if lines > 1:
        dimension.height = 13.5 * lines + 3


def _write_xlsx_row(ws: Any, excel_row: int, entry: WrittenEntry, rng: random.Random,
                    quirks: frozenset[str]) -> dict[str, Any]:
    expect = {k: v for k, v in entry.expected(1).model_dump().items() if k in ENTRY_FIELDS}
    expect["date_precision"] = entry.date_precision
    date_value, date_format = _date_cell(rng, entry, quirks)
    hours_value, hours_format = _hours_cell(entry, quirks)
    comps: Any = entry.competencies_text
    if ("competency_as_number" in quirks and len(entry.competencies) == 1 and comps == entry.competencies[0]
            and re.fullmatch(r"\d+\.[1-9]", comps)):
        comps = float(comps)  # typed 4.3 into a General cell: Excel keeps the number 4.3
    lines = list(entry.reflection)
    if entry.layout == "bullets" and "bullets_typed" in quirks:
        lines = [f"{rng.choice(('•', '-', '*'))} {line}" for line in lines]
        expect["reflection"] = fold_lines("\n".join(lines))
    values = (date_value, entry.activity, entry.type, hours_value, comps, "\n".join(lines) or None)
    formats = (date_format, None, None, hours_format, None, None)
    for column, (value, number_format) in enumerate(zip(values, formats, strict=True), start=1):
        cell = ws.cell(excel_row, column)
        cell.value = value
        if number_format is not None:
            cell.number_format = number_format
    _autofit(ws, excel_row)
    return expect


def _xlsx_manager(wb: Any, rng: random.Random, quirks: frozenset[str],
                  ids: Sequence[str]) -> tuple[list[tuple[str, CompetencyStatus]], list[str], SignOff]:
    statuses = _statuses_blank(ids)
    if "manager_summary" in quirks:
        sheet = wb["Competencies"]
        statuses = []
        for excel_row in range(5, 5 + len(ids)):
            text, status = _status_text(rng)
            if text:
                sheet.cell(excel_row, 5).value = text
                sheet.cell(excel_row, 6).value = ", ".join(str(rng.randint(1, 30)) for _ in range(rng.randint(1, 3)))
                if rng.random() < 0.4:
                    sheet.cell(excel_row, 7).value = rng.choice(COMMENTS)
            statuses.append((str(sheet.cell(excel_row, 1).value), status))
    sheet = wb["Next steps & sign-off"]
    steps: list[str] = []
    if "next_steps" in quirks:
        steps = rng.sample(NEXT_STEPS, k=3)
        for text, excel_row in zip(steps, (5, 6, 8), strict=True):
            sheet.cell(excel_row, 1).value = text
            sheet.cell(excel_row, 2).value = rng.choice(("4.3", "all", None))
            sheet.cell(excel_row, 3).value = dt.datetime(2027, rng.randint(1, 6), 1)
            sheet.cell(excel_row, 3).number_format = "mmm yyyy"
            sheet.cell(excel_row, 4).value = rng.choice(("Yes", "No"))
    signoff = SignOff()
    if "signoff" in quirks:
        manager = rng.choice(MANAGERS)
        review = dt.date(2026, 12, rng.randint(1, 20))
        next_review = review + dt.timedelta(days=rng.choice((182, 365)))
        outcome = rng.choice(("All competencies met", "Not yet met – see next steps"))
        labels = {str(sheet.cell(r, 1).value).split("\n")[0].strip(): r for r in range(13, sheet.max_row + 1)
                  if sheet.cell(r, 1).value}
        review_value = dt.datetime(review.year, review.month, review.day) if rng.random() < 0.7 else \
            DATE_FORMS["d/m/yy"][0](review)
        for label, value in (("Manager name", manager), ("Manager signature", manager),
                             ("Date of review", review_value), ("Outcome", outcome), ("Staff signature", "Signed"),
                             ("Date", dt.datetime(review.year, review.month, review.day)),
                             ("Next review date", DATE_FORMS["dd/mm/yyyy"][0](next_review))):
            cell = sheet.cell(labels[label], 2)
            cell.value = value
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy"
        signoff = SignOff(manager=manager, date=review, outcome=outcome, next_review=next_review)
    return statuses, steps, signoff


def fill_xlsx(path: Path, entries: Sequence[WrittenEntry | None], quirks: Iterable[str], seed: int) -> Expected:
    """Fill the Evidence sheet of a generated Excel log with ``entries`` (``None``: a row left blank) from row 4
    down, past the 60 prepared rows when there are more, apply ``quirks`` (names from ``XLSX_QUIRKS``), save in
    place and return what a reader must read back (``row`` = Excel row - 3).

    Example:
        >>> rows = make_entries(random.Random(2), log_competency_ids(path), *log_period(path), 70)  # doctest: +SKIP
        >>> fill_xlsx(path, rows, {"dates_serial", "rows_inserted"}, seed=2).entries[-1].row > 60  # doctest: +SKIP
        True
    """
    chosen = _check_quirks(quirks, XLSX_QUIRKS)
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(path)
    identity = identity_from_keywords(wb.properties.keywords)
    ids = log_competency_ids(path)
    ws = wb["Evidence"]
    slots = _with_blank_rows(rng, entries) if "blank_rows_middle" in chosen else list(entries)
    later: list[WrittenEntry] = []
    if "rows_inserted" in chosen:
        while len(later) < 2 and slots:
            slot = slots.pop()
            if slot is not None:
                later.insert(0, slot)
    if "rows_deleted" in chosen:
        slots.insert(rng.randint(1, max(1, len(slots) - 1)), None)  # a blank row that is deleted below
    model: list[_XRow] = []
    prepared = ws.max_row  # the last row the template formatted
    for index, slot in enumerate(slots):
        excel_row = XLSX_HEADER_ROW + 1 + index
        if excel_row > prepared and "rows_beyond_unformatted" not in chosen:
            # Excel's "extend data range formats" gives a row typed under a formatted list the list's format
            for column in range(1, 7):
                ws.cell(excel_row, column)._style = copy.copy(ws.cell(prepared, column)._style)
        if slot is None:
            if "whitespace_only_cells" in chosen and rng.random() < 0.6:
                ws.cell(excel_row, rng.randint(1, 6)).value = rng.choice((" ", "  ", "\t"))
            model.append(_XRow())
        else:
            model.append(_XRow(slot, _write_xlsx_row(ws, excel_row, slot, rng, chosen)))
    if later:
        at = rng.randint(1, max(1, len(model) - 1))
        first = XLSX_HEADER_ROW + 1 + at
        ws.insert_rows(first, amount=len(later))
        for new_row in range(first, first + len(later)):
            # Excel's Insert copies the formatting of the row above; openpyxl's insert_rows does not
            ws.row_dimensions[new_row].height = ws.row_dimensions[first - 1].height
            for column in range(1, 7):
                ws.cell(new_row, column)._style = copy.copy(ws.cell(first - 1, column)._style)
        for offset, entry in enumerate(later):
            model.insert(at + offset, _XRow(entry, _write_xlsx_row(ws, XLSX_HEADER_ROW + 1 + at + offset, entry, rng,
                                                                   chosen)))
    if "rows_deleted" in chosen:
        blanks = [i for i, r in enumerate(model) if r.entry is None and i > 0]
        gone = rng.choice(blanks)
        ws.delete_rows(XLSX_HEADER_ROW + 1 + gone)
        model.pop(gone)
    filled = [i for i, r in enumerate(model) if r.entry is not None]
    if "merged_reflection" in chosen:
        pairs = [i for i in filled if i + 1 in filled]
        top = rng.choice(pairs)
        excel_row = XLSX_HEADER_ROW + 1 + top
        ws.merge_cells(start_row=excel_row, start_column=6, end_row=excel_row + 1, end_column=6)
        model[top + 1].expect["reflection"] = None  # Excel keeps only the top-left value of a merge
    if "formula_hours" in chosen:
        index = rng.choice([i for i in filled if model[i].expect["hours"] is not None])
        hours = model[index].expect["hours"]
        cell = ws.cell(XLSX_HEADER_ROW + 1 + index, 4)
        cell.value, cell.number_format = f"={round(hours * 60)}/60", "General"  # a time format would show 0:00
        model[index].expect["hours"] = None  # openpyxl stores no cached result; only a re-save computes it
        model[index].lo["hours"] = hours
    last = XLSX_HEADER_ROW + len(model)
    if "formula_unrelated" in chosen:
        ws["H1"] = "Total hours"
        ws["I1"] = f"=SUM(D{XLSX_HEADER_ROW + 1}:D{last + 20})"
    if "autofilter" in chosen:
        ws.auto_filter.ref = f"A{XLSX_HEADER_ROW}:F{last}"
    if "extra_sheets" in chosen:
        notes = wb.create_sheet("My notes", 0)
        notes["A1"] = "Things to bring to supervision"
        notes["A2"] = rng.choice(NEXT_STEPS)
        notes["B2"] = "=LEN(A2)"
        wb.create_sheet("Sheet1")
    statuses, steps, signoff = _xlsx_manager(wb, rng, chosen, ids)
    wb.save(path)
    entries_out, warnings, lo = [], [], {}
    for index, row in enumerate(model, start=1):
        if row.entry is None:
            continue
        entries_out.append(EvidenceEntry(row=index, **row.expect))
        warnings += [(index, text) for text in row.entry.warnings]
        lo.update({(index, name): value for name, value in row.lo.items()})
    return Expected(path=path, entries=entries_out, next_steps=steps, signoff=signoff, competencies=statuses,
                    identity=identity, warnings=warnings, quirks=tuple(sorted(chosen)), libreoffice=lo)
