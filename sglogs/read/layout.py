"""Give meaning to what a reader found: which table is the evidence, what each column holds, who the log is for.

The same rules serve Word, Excel and PDF logs, and logs made from an organisation's own older template:
tables are recognised by their header rows (spellings in ``HEADER_SYNONYMS``), label/value pairs by their
labels (``LABELS``), and the log's identity by the markers sglogs writes (properties, defined names, the
footer line). Nothing is invented: a value that is not understood is ``None`` and a warning quotes it.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..core.dates import period_end
from ..core.identity import find_identity
from ..frameworks import match_framework, match_level, required_competencies
from ..models import (
    CompetencyAssessment,
    CompetencyStatus,
    DatePrecision,
    EvidenceEntry,
    Framework,
    LogFileFormat,
    NextStep,
    ParsedLog,
    Period,
    SignOff,
    SourceFile,
    StaffInfo,
)
from .columns import TableMeaning, normalise_header, understand
from .prose import labels_in_lines, steps_under_heading
from .raw import RawLog, TableGrid
from .refs import parse_competency_refs
from .values import is_tick, parse_date, parse_hours

#: Header spellings of each evidence column, after ``normalise_header`` (lower case, "&" as "and", no
#: punctuation). Exact spellings are tried first, then the keyword rules in ``_HEADER_KEYWORDS``.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "date of learning", "when", "date completed", "date of activity", "date attended",
             "date of training", "dates", "date undertaken", "date of event"),
    "activity": ("learning activity", "activity", "activity training", "training", "course", "course activity",
                 "learning", "title", "what did you do", "description of activity", "event", "training course",
                 "learning event", "cpd activity", "activity undertaken", "name of course"),
    "type": ("type of learning", "type", "learning type", "format", "method", "type of activity", "delivery",
             "mode", "type of training", "learning method"),
    "hours": ("hours", "duration", "time", "length", "hrs", "cpd hours", "time spent", "hours spent",
              "duration hours", "no of hours", "number of hours"),
    "competencies": ("competencies evidenced", "competencies", "competency", "competency ref", "competency refs",
                     "competencies met", "refs", "links to competencies", "framework ref", "competency number",
                     "competence", "competences", "competencies covered", "competency reference"),
    "reflection": ("what i learned and how i applied it to my practice", "reflection", "reflections",
                   "what i learned", "learning outcome", "learning outcomes", "impact on practice",
                   "how applied", "impact", "reflection on practice", "what i learnt", "reflective account",
                   "how i applied it", "notes", "comments"),
    "next_steps": ("next steps", "next step", "further learning needs", "cpd next steps", "actions",
                   "future learning", "development needs"),
}
_HEADER_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("competenc", "competencies"),
    ("next step", "next_steps"),
    ("reflect", "reflection"),
    ("learned", "reflection"),
    ("learnt", "reflection"),
    ("applied", "reflection"),
    ("impact", "reflection"),
    ("date", "date"),
    ("hour", "hours"),
    ("duration", "hours"),
    ("type", "type"),
    ("format", "type"),
    ("activity", "activity"),
    ("training", "activity"),
    ("course", "activity"),
)
_ALL_SPELLINGS = frozenset(s for spellings in HEADER_SYNONYMS.values() for s in spellings)
# "Evidence" alone is settled by its values in ``columns.py``: long free text is a reflection, a proof is not read
#: Keyword rules apply to short headers only; a longer header must be one of the exact spellings.
MAX_KEYWORD_HEADER_WORDS = 6
#: Headers of the other tables a log holds.
COMPETENCY_REF_HEADERS = ("ref", "id", "no", "number", "competency ref", "reference", "ref no")
COMPETENCY_TEXT_HEADERS = ("competency", "competence", "competency text", "description")
STATUS_HEADERS = ("met not yet met", "met", "met not met", "status", "assessment", "met not yet", "outcome")
STEP_COMPETENCY_HEADERS = ("competency", "competencies", "competency ref", "competency refs", "ref")
EVIDENCE_ROWS_HEADERS = ("evidence rows", "evidence", "evidence row")
COMMENT_HEADERS = ("manager comment", "comment", "comments", "managers comment")
#: Headings above next steps written as paragraphs or a list (foreign logs only).
NEXT_STEP_HEADINGS = ("next steps", "my next steps", "cpd next steps", "development needs", "future learning",
                      "learning needs", "next steps and development needs")
NEXT_STEP_HEADERS = ("next step", "next steps", "cpd next step", "cpd next steps", "action", "development need")
#: Labels of label/value pairs (cover and sign-off), normalised, and the field each fills.
LABELS: dict[str, str] = {
    "name": "name", "staff name": "name", "full name": "name", "name of practitioner": "name",
    "staff id": "staff_id", "employee no": "staff_id", "employee number": "staff_id", "payroll number": "staff_id",
    "role": "role", "job title": "role", "position": "role",
    "setting team": "setting", "setting": "setting", "team": "setting", "organisation": "setting",
    "manager": "manager", "line manager": "manager",
    "framework": "framework", "level": "level", "stage": "level",
    "log period": "period", "period": "period",
    "log id": "log_id",
    "designated or named lead": "designated_lead", "designated lead": "designated_lead", "dsl": "designated_lead",
    "manager name": "signoff_manager", "reviewed by": "signoff_manager",
    "date of review": "signoff_date", "review date": "signoff_date",
    "outcome": "signoff_outcome",
    "next review date": "signoff_next_review", "next review": "signoff_next_review",
}
#: How the warning that a file has no evidence table begins (a file with none, and no identity, is not a log).
NO_EVIDENCE_TABLE = "no evidence table was found"
#: Section titles of sglogs' own logs: a row holding only one of these ends the table region above it.
SECTION_TITLES = frozenset({"review and sign off", "cpd next steps", "evidence log", "how to use this log",
                            "your competencies", "competency summary"})
_MET_WORDS = frozenset({"met", "yes", "y", "achieved", "complete", "completed", "✓", "✔", "x"})
_NOT_YET_WORDS = frozenset({"not yet met", "not yet", "not met", "no", "n", "partly met", "partially met",
                            "in progress", "not achieved"})
_COMPETENCY_ID = re.compile(r"^[A-Za-z]{0,2}\d+(?:\.\d+)*$")
@functools.lru_cache(maxsize=4096)
@functools.lru_cache(maxsize=4096)
def evidence_field(header: str) -> str | None:
    """Which evidence field a header names ("When" -> date), or ``None``.

    Example:
        >>> evidence_field("Date of learning"), evidence_field("Reflection on practice"), evidence_field("Cost")
        ('date', 'reflection', None)
    """
    key = normalise_header(header)
    if not key:
        return None
    for name, spellings in HEADER_SYNONYMS.items():
        if key in spellings:
            return name
    if key.startswith("by when") or key.startswith("target") or len(key.split()) > MAX_KEYWORD_HEADER_WORDS:
        return None
    for keyword, name in _HEADER_KEYWORDS:
        # at the start of a word: "updated" is not a date column
        if re.search(rf"\b{keyword}", key):
            return name
    return None


# ------------------------------------------------------------------------------------------- identity


# ---------------------------------------------------------------------------------------------- regions


@dataclass
class _Evidence:
    columns: dict[int, str]            # grid column -> field; header spans give several columns one field
    matrix: dict[int, str]             # grid column -> competency id (tick matrices)
    header: tuple[str, ...]
    meaning: TableMeaning | None = None


#: A heading naming the competency a table is about: "Competency 3.2: Take part ..." or "3.2 – Take part ...".
_COMPETENCY_HEADING = re.compile(
    r"^(?:competenc(?:y|e)\s+(?P<a>[A-Za-z]{0,2}\d+(?:\.\d+)*)\b|(?P<b>[A-Za-z]{0,2}\d+\.\d+)\s*[:–-]\s)",
    re.IGNORECASE)
MAX_HEADING_CHARS = 120


def competency_heading(text: str) -> str | None:
    """The competency id a heading or caption names, or ``None``.

    Example:
        >>> competency_heading("Competency 3.2: Take part in multi-agency work")
        '3.2'
    """
    line = text.split("\n")[-1].strip() if text else ""
    if not line or len(line) > MAX_HEADING_CHARS:
        return None
    match = _COMPETENCY_HEADING.match(line)
    return (match["a"] or match["b"]) if match else None


@dataclass
class _Found:
    """What the scan of all tables collected, before values are parsed."""

    evidence_rows: list[tuple[str, tuple[str, ...], _Evidence, str | None]] = field(default_factory=list)
    meanings: list[tuple[str, str, _Evidence]] = field(default_factory=list)  # (table, header row, meaning)
    context: str | None = None  # the competency of the last evidence row, from a heading
    competencies: dict[str, CompetencyAssessment] = field(default_factory=dict)
    next_steps: list[str] = field(default_factory=list)
    step_details: list[tuple[str, str, str]] = field(default_factory=list)  # (step, competency, by when) as written
    labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


#: A header cell is a label, not a sentence: longer cells (a reflection that mentions "date") are data.
MAX_HEADER_CHARS, MAX_HEADER_WORDS = 80, 14
# a cell holding a date is data; "4.1" (a competency column of a tick matrix) is not a date
_DATE_LIKE = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3}"
)


def _looks_like_header(row: Sequence[str]) -> bool:
    cells = [c for c in row if c]
    return all(len(c) <= MAX_HEADER_CHARS and len(c.split()) <= MAX_HEADER_WORDS and not _DATE_LIKE.search(c)
               for c in cells)


def _evidence_header(row: Sequence[str], data: Sequence[Sequence[str]] = (), where: str = "",
                     synonyms: Mapping[str, Sequence[str]] = HEADER_SYNONYMS) -> _Evidence | None:
    matrix: dict[int, str] = {}
    for index, cell in enumerate(row):
        if cell and normalise_header(cell) not in _ALL_SPELLINGS and _COMPETENCY_ID.match(cell.strip()) \
                and any(ch.isdigit() for ch in cell):
            matrix[index] = cell.strip()
    header = [("" if index in matrix else cell) for index, cell in enumerate(row)]
    # a tick-matrix column ends the span of the header before it
    meaning = understand(header, data, synonyms, where)
    columns = {i: f for i, f in meaning.fields().items() if i not in matrix and not _after_matrix(i, matrix, row)}
    fields = set(columns.values())
    if "date" not in fields:
        return None
    if fields & {"activity", "reflection"} and (len(matrix) >= 2 or len(fields) >= 3):
        return _Evidence(columns=columns, matrix=matrix, header=tuple(row), meaning=meaning)
    return None


def _after_matrix(index: int, matrix: dict[int, str], row: Sequence[str]) -> bool:
    """An empty header cell after a matrix column belongs to no field."""
    while index > 0 and not row[index]:
        index -= 1
        if index in matrix:
            return True
    return False


def _column_of(row: Sequence[str], headers: Iterable[str]) -> int | None:
    wanted = set(headers)
    for index, cell in enumerate(row):
        if normalise_header(cell) in wanted:
            return index
    return None


def _competency_header(row: Sequence[str]) -> dict[str, int] | None:
    ref = _column_of(row, COMPETENCY_REF_HEADERS)
    text = _column_of(row, COMPETENCY_TEXT_HEADERS)
    if ref is None or text is None or ref == text:
        return None
    columns = {"ref": ref, "text": text}
    for name, headers in (("status", STATUS_HEADERS), ("rows", EVIDENCE_ROWS_HEADERS),
                          ("comment", COMMENT_HEADERS)):
        index = _column_of(row, headers)
        if index is not None:
            columns[name] = index
    return columns


def _next_steps_header(row: Sequence[str]) -> int | None:
    index = _column_of(row, NEXT_STEP_HEADERS)
    if index is None or sum(1 for c in row if c) < 2:
        return None  # a header has several columns: a lone "CPD next steps" is a title
    if any(evidence_field(c) == "date" for c in row if normalise_header(c) != "by when"):
        return None  # with a date column it is an evidence table that has a next-steps column
    return index


#: Hints sglogs' own templates print under a label; a PDF puts them on the label's line.
LABEL_HINTS = ("all competencies met or not yet met see next steps",)


@functools.lru_cache(maxsize=4096)
def _label_key(cell: str) -> str | None:
    """The field a label cell names, ignoring a hint printed with it ("Outcome" then "All competencies met,
    or not yet met"): on its next line in Word and Excel, on the same line once printed to PDF."""
    key = normalise_header(cell.split("\n")[0])
    for hint in LABEL_HINTS:
        key = key.removesuffix(" " + hint)
    return LABELS.get(key)


def _label_value(row: Sequence[str]) -> tuple[str, str] | None:
    cells = [c for c in row if c]
    if not cells or len(cells) > 3:
        return None
    key = _label_key(cells[0])
    if key is None:
        return None
    return key, (cells[1] if len(cells) > 1 else "")


def header_synonyms(extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """The built-in header spellings plus an organisation's own (``[read.headers]``), normalised.

    Example:
        >>> "what difference has this made" in header_synonyms({"reflection": ["What difference has this made?"]})[
        ...     "reflection"]
        True
    """
    merged = dict(HEADER_SYNONYMS)
    for name, spellings in (extra or {}).items():
        merged[name] = (*merged.get(name, ()), *(normalise_header(s) for s in spellings))
    return merged


def scan_tables(raw: RawLog, synonyms: Mapping[str, Sequence[str]] | None = None) -> _Found:
    """What the tables of a log hold, before values are parsed: evidence rows, how each evidence table's columns
    were understood (``meanings``), competencies, next steps, labels and warnings (used by ``--explain``).

    Example:
        >>> scan_tables(RawLog(format=LogFileFormat.DOCX)).evidence_rows
        []
    """
    found = _Found()
    for table in raw.tables:
        _scan_table(table, found, synonyms or HEADER_SYNONYMS)
    return found


def _scan_table(table: TableGrid, found: _Found, synonyms: Mapping[str, Sequence[str]]) -> None:
    # the competency named above the table, if any; a table carried on over a page break keeps the last one
    context = competency_heading(table.caption) or (found.context if table.continues else None)
    region: str | None = None
    evidence: _Evidence | None = None
    comp_cols: dict[str, int] = {}
    step_col = 0
    step_cols: tuple[int | None, int | None] = (None, None)  # the competency and "by when" of a next step
    for index, row in enumerate(table.rows):
        label = table.label(index)
        cells = [c for c in row if c]
        if evidence is not None and region == "evidence" and tuple(row) == evidence.header:
            continue  # a header row repeated inside the table (or on a new page) is not a row of evidence
        # only a row of short labels can be a header: most rows are data and skip the header checks
        header_like = bool(cells) and _looks_like_header(row)
        if len(cells) == 1 and competency_heading(cells[0]):
            context = competency_heading(cells[0])  # a block per competency on one sheet
            continue
        header = (_evidence_header(row, table.rows[index + 1:index + 31], table.where, synonyms)
                  if header_like else None)
        if header is not None:
            if header.meaning is not None:
                found.warnings.extend(header.meaning.warnings)
                found.meanings.append((table.where, label, header))
            if evidence is not None and region == "evidence" and _same_fields(header, evidence):
                continue
            region, evidence = "evidence", header
            continue
        competency_cols = _competency_header(row) if header_like else None
        if competency_cols is not None:
            region, comp_cols = "competencies", competency_cols
            continue
        step = _next_steps_header(row) if header_like else None
        if step is not None:
            region, step_col = "next_steps", step
            step_cols = (_column_of(row, STEP_COMPETENCY_HEADERS), _column_of(row, ("by when", "target date")))
            continue
        if len(cells) == 1 and normalise_header(cells[0]).lstrip("0123456789 ") in SECTION_TITLES:
            region = None
            continue
        pair = _label_value(row) if region != "evidence" else None
        if pair is not None and (region is None or len(cells) <= 2):
            key, value = pair
            found.labels.setdefault(key, value)
            if region != "competencies":
                region = None
            continue
        if region == "evidence" and evidence is not None:
            if _is_note_row(row, evidence):
                found.warnings.append(f"{label}: '{cells[0][:60]}' runs across the table, a note rather than an "
                                      "entry; it was not read")
                continue
            found.evidence_rows.append((label, tuple(row), evidence, context))
            found.context = context
        elif region == "competencies" and cells:
            _competency_row(row, comp_cols, label, found)
        elif region == "next_steps" and step_col < len(row) and row[step_col]:
            found.next_steps.append(row[step_col])
            found.step_details.append((row[step_col], *(row[c] if c is not None and c < len(row) else ""
                                                         for c in step_cols)))


def _next_step(row: tuple[str, str, str], known_ids: Sequence[str]) -> NextStep:
    """A next step with its competencies and the date its "by when" means; a month alone means its last day."""
    text, competency, by_when = row
    due = parse_date(by_when) if by_when else None
    day = due.value if due else None
    if day is not None and due is not None and due.precision is DatePrecision.MONTH:
        day = period_end(day, 1)
    return NextStep(text=text, competencies=parse_competency_refs(competency, known_ids).ids if competency else (),
                    by_when=by_when or None, due=day)


def _is_note_row(row: Sequence[str], evidence: _Evidence) -> bool:
    """A row whose only text is in the first column, across the table, that is not a date: a note."""
    filled = [i for i, c in enumerate(row) if c]
    if len(filled) != 1 or len(set(evidence.columns.values())) < 3:
        return False
    text = row[filled[0]]
    if normalise_header(text).startswith(("note", "notes")):
        return True
    return evidence.columns.get(filled[0]) == "date" and parse_date(text).value is None and len(text) > 20


def _same_fields(a: _Evidence, b: _Evidence) -> bool:
    return set(a.columns.values()) == set(b.columns.values()) and a.matrix == b.matrix


def _competency_row(row: Sequence[str], cols: dict[str, int], label: str, found: _Found) -> None:
    def cell(name: str) -> str:
        index = cols.get(name)
        return row[index] if index is not None and index < len(row) else ""

    ref = cell("ref").split()[0] if cell("ref") else ""
    if not ref:
        return
    text = cell("text").split("\n")[0]
    status, warning = _status(cell("status"))
    if warning:
        found.warnings.append(f"{label}: {warning}")
    previous = found.competencies.get(ref)
    if previous is not None:  # a log lists competencies and, later, the manager's summary of them
        status = status if status is not CompetencyStatus.BLANK else previous.status
        text = previous.text or text
    comment = cell("comment") or (previous.comment if previous else None)
    found.competencies[ref] = CompetencyAssessment(id=ref, text=text, status=status, comment=comment or None)


def _status(text: str) -> tuple[CompetencyStatus, str | None]:
    key = normalise_header(text) if text not in ("✓", "✔") else text
    if not key:
        return CompetencyStatus.BLANK, None
    if key in _NOT_YET_WORDS or key.startswith("not"):
        return CompetencyStatus.NOT_YET, None
    if key in _MET_WORDS:
        return CompetencyStatus.MET, None
    return CompetencyStatus.BLANK, f"assessment '{text}' is not 'Met' or 'Not yet met', so it was left blank"


# --------------------------------------------------------------------------------------------- evidence


def _entries(found: _Found, known_ids: Sequence[str]) -> tuple[list[EvidenceEntry], list[str]]:
    entries: list[EvidenceEntry] = []
    warnings: list[str] = []
    for number, (where, row, evidence, context) in enumerate(found.evidence_rows, start=1):
        # the row number of the JSON first, then where a person finds it in the file
        label = f"evidence row {number} ({where})"
        values: dict[str, list[str]] = {}
        unread: list[str] = []
        ticked: list[str] = []
        for index, cell in enumerate(row):
            if not cell:
                continue
            name = evidence.columns.get(index)
            if name is not None:
                values.setdefault(name, []).append(cell)
            elif index in evidence.matrix:
                tick = is_tick(cell)
                if tick:
                    ticked.append(evidence.matrix[index])
                elif tick is None:
                    warnings.append(f"{label}: '{cell}' under competency {evidence.matrix[index]} is not a tick; "
                                    "it was not counted")
            else:
                unread.append(cell)
        if not values and not ticked:
            if unread:
                warnings.append(f"{label}: this row has text only in columns sglogs does not read "
                                f"({'; '.join(unread)[:80]}); move it under Learning activity or Reflection")
            continue
        if context and context not in ticked:
            ticked.append(context)  # the competency the table is about, from its heading
        entries.append(_entry(number, label, values, ticked, known_ids, warnings))
    return entries, warnings


def _entry(number: int, label: str, values: dict[str, list[str]], ticked: list[str], known_ids: Sequence[str],
           warnings: list[str]) -> EvidenceEntry:
    def text(name: str) -> str | None:
        parts = values.get(name)
        return "\n".join(parts) if parts else None

    date = parse_date(text("date") or "")
    hours = parse_hours(text("hours") or "")
    refs = parse_competency_refs(text("competencies") or "", known_ids)
    for warning in (date.warning, hours.warning, refs.warning):
        if warning:
            warnings.append(f"{label}: {warning}")
    ids = list(refs.ids)
    if refs.all:
        if known_ids:
            ids = list(known_ids)
        else:
            warnings.append(f"{label}: 'all' competencies could not be listed because the log lists none")
    ids = list(dict.fromkeys([*ids, *ticked]))
    return EvidenceEntry(
        row=number,
        date=date.value,
        date_precision=date.precision if date.value else DatePrecision.DAY,
        activity=text("activity"),
        type=text("type"),
        hours=hours.value,
        competencies=tuple(ids),
        reflection=text("reflection"),
        next_steps=text("next_steps"),
    )


# --------------------------------------------------------------------------------------------- assembly


def _yes_no(text: str) -> bool | None:
    key = normalise_header(text)
    if key in ("yes", "y", "true"):
        return True
    if key in ("no", "n", "false"):
        return False
    return None


def _period_from_text(text: str) -> Period:
    parts = re.split(r"\s+(?:to|until|-|–)\s+", text.split("(")[0].strip(), maxsplit=1)
    if len(parts) != 2:
        return Period()
    start, end = parse_date(parts[0]), parse_date(parts[1])
    return Period(start=start.value, end=end.value)


def _level_from_text(framework: Framework | None, text: str) -> str | None:
    if not text:
        return None
    name = re.split(r"\s+[–-]\s+|\s*\(", text, maxsplit=1)[0].strip()
    if framework is not None:
        return match_level(framework, name) or match_level(framework, text)
    return None


def assemble(raw: RawLog, source: SourceFile, frameworks: dict[str, Framework] | None = None,
             extra_warnings: Sequence[str] = (), headers: Mapping[str, Sequence[str]] | None = None) -> ParsedLog:
    """Turn a reader's ``RawLog`` into the ``ParsedLog`` contract.

    ``frameworks`` lets a log without embedded identity be matched to its framework and level by its cover,
    and lets "all" competencies be listed for a log that does not list them.

    Example:
        >>> log = assemble(read_docx(path), SourceFile(path=str(path), sha256=digest,
        ...     format=LogFileFormat.DOCX))  # doctest: +SKIP
    """
    frameworks = frameworks or {}
    warnings: list[str] = [*extra_warnings, *raw.warnings]
    identity, identity_warnings = find_identity(raw.properties, (*raw.footer_lines, *raw.lines))
    warnings += identity_warnings
    found = scan_tables(raw, header_synonyms(headers))
    printed = raw.format is LogFileFormat.PDF
    for key, value in labels_in_lines(raw.lines, LABELS, normalise_header, printed=printed).items():
        found.labels.setdefault(key, value)  # what tables say comes first
    if identity is None and not found.next_steps:
        found.next_steps = steps_under_heading(raw.lines, NEXT_STEP_HEADINGS, normalise_header)
    labels = found.labels
    framework_id = identity.framework if identity else match_framework(frameworks, labels.get("framework", ""))
    framework = frameworks.get(framework_id or "")
    level = identity.level if identity else _level_from_text(framework, labels.get("level", ""))
    known_ids = list(found.competencies)
    if not known_ids and framework is not None and level is not None:
        with contextlib.suppress(KeyError):
            known_ids = [c.id for c in required_competencies(framework, level)]
    entries, entry_warnings = _entries(found, known_ids)
    warnings += found.warnings + entry_warnings
    if identity is None:
        warnings.insert(0, "this log carries no sglogs identity (not generated by sglogs, or its markers were "
                           "removed); it was read by its table headers, and who it belongs to is taken from its "
                           "cover where it says")
    if not found.evidence_rows and not any("evidence" in w for w in warnings):
        warnings.append(f"{NO_EVIDENCE_TABLE}: sglogs looks for a table with a Date column and a Learning "
                        "activity or Reflection column")
    signoff_date = parse_date(labels.get("signoff_date", ""))
    next_review = parse_date(labels.get("signoff_next_review", ""))
    for name, parsed in (("Date of review", signoff_date), ("Next review date", next_review)):
        if parsed.warning:
            warnings.append(f"sign-off {name}: {parsed.warning}")
    period = Period(start=identity.start, end=identity.end) if identity else _period_from_text(
        labels.get("period", ""))
    return ParsedLog(
        log_id=identity.log_id if identity else (labels.get("log_id") or None),
        source=source,
        staff=StaffInfo(
            id=identity.staff_id if identity else (labels.get("staff_id") or None),
            name=labels.get("name") or None,
            role=labels.get("role") or None,
            organisation=labels.get("setting") or None,
            designated_lead=_yes_no(labels.get("designated_lead", "")),
        ),
        framework=framework_id,
        level=level,
        period=period,
        competencies=tuple(found.competencies.values()),
        entries=tuple(entries),
        next_steps=tuple(found.next_steps),
        next_step_details=tuple(_next_step(row, known_ids) for row in found.step_details),
        signoff=SignOff(
            manager=labels.get("signoff_manager") or None,
            date=signoff_date.value,
            outcome=labels.get("signoff_outcome") or None,
            next_review=next_review.value,
        ),
        warnings=tuple(dict.fromkeys(warnings)),
    )
