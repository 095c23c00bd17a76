"""The one data model that carries everything between sglogs' stages.

Frameworks (levels, competencies, inheritance, refresher rules), staff rows from a roster, and the identity
every generated log carries. All models are pydantic v2, frozen, and forbid unknown fields so a typo in a
framework file is an error rather than a silently ignored key.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: Characters allowed in ids of frameworks, levels and competencies.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class CompetencyKind(StrEnum):
    """Whether everyone at a level must meet a competency (core) or it is chosen per person by role (additional).

    Example:
        >>> CompetencyKind("additional").label
        'Additional'
    """

    CORE = "core"
    ADDITIONAL = "additional"

    @property
    def label(self) -> str:
        """The word printed in logs ("Core" or "Additional")."""
        return self.value.capitalize()


class SourceRef(BaseModel):
    """Where a piece of framework data comes from: a document and a section in it.

    Example:
        >>> SourceRef(document="london-competency-framework.txt", section="4, Level 1").cite()
        'london-competency-framework.txt, 4, Level 1'
    """

    model_config = _FROZEN

    document: str = Field(min_length=1, description="File name of the source text (under shared/seeds/).")
    section: str = Field(min_length=1, description="Section, heading or table of the source the data is in.")

    def cite(self) -> str:
        """Return the reference as one line, "document, section"."""
        return f"{self.document}, {self.section}"


class Competency(BaseModel):
    """One competency, word for word from its framework.

    ``examples`` holds sub-items the source lists under the competency (e.g. the wider safeguarding issues
    under Norfolk 6.23); ``source`` is ``None`` only while loading, then inherited from the level.

    Example:
        >>> Competency(id="4.3", text="Have an awareness of specific vulnerabilities.").kind
        <CompetencyKind.CORE: 'core'>
    """

    model_config = _FROZEN

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    kind: CompetencyKind = CompetencyKind.CORE
    examples: tuple[str, ...] = ()
    source: SourceRef | None = None


class Level(BaseModel):
    """A level (stage, group) of a framework with its own competencies and the levels it includes.

    ``includes`` lists the level ids whose competencies this level takes on, exactly as the framework text
    says (``includes_text`` keeps that sentence); inclusion is transitive ("Stage 6 competences" brings in
    what stage 6 includes).

    Example:
        >>> Level(id="2", name="Stage 2", includes=("1",)).includes
        ('1',)
    """

    model_config = _FROZEN

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, description='How the level is named in the text, e.g. "Stage 4".')
    title: str = ""
    description: str = ""
    includes: tuple[str, ...] = ()
    includes_text: str = ""
    training: tuple[str, ...] = Field(default=(), description="Types of training the framework suggests.")
    example_roles: tuple[str, ...] = ()
    groups: tuple[str, ...] = Field(default=(), description="Workforce groups of this level (London).")
    intercollegiate: str = Field(default="", description='Intercollegiate level(s), e.g. "2-3".')
    source: SourceRef | None = None
    competencies: tuple[Competency, ...] = ()


class RefresherRule(BaseModel):
    """How often refresher training falls due under a framework.

    Example:
        >>> RefresherRule(years=3, designated_lead_years=2).years_for(designated_lead=True)
        2
    """

    model_config = _FROZEN

    years: int = Field(ge=1, le=10)
    designated_lead_years: int = Field(ge=1, le=10)
    source: SourceRef | None = None
    note: str = ""

    def years_for(self, designated_lead: bool) -> int:
        """Return the refresher period in years for a person, shorter for designated/named leads."""
        return self.designated_lead_years if designated_lead else self.years


class Framework(BaseModel):
    """A local safeguarding partnership's competency framework, loaded from ``frameworks/*.yaml``.

    Example:
        >>> fw = Framework(id="x", title="X", level_label="Level", refresher=RefresherRule(years=3,
        ...     designated_lead_years=2), levels=(Level(id="1", name="Level 1"),))
        >>> fw.level("1").name
        'Level 1'
    """

    model_config = _FROZEN

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    publisher: str = ""
    level_label: str = Field(min_length=1, description='What the text calls a level: "Stage", "Level", "Group".')
    source: SourceRef | None = None
    notes: str = ""
    refresher: RefresherRule
    levels: tuple[Level, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique_and_includes_known(self) -> Framework:
        level_ids = [lv.id for lv in self.levels]
        duplicates = sorted({i for i in level_ids if level_ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"level id {duplicates[0]!r} is used twice")
        competency_ids = [c.id for lv in self.levels for c in lv.competencies]
        duplicates = sorted({i for i in competency_ids if competency_ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"competency id {duplicates[0]!r} is used twice")
        known = set(level_ids)
        for lv in self.levels:
            for inc in lv.includes:
                if inc not in known:
                    raise ValueError(f"level {lv.id!r} includes unknown level {inc!r}")
                if inc == lv.id:
                    raise ValueError(f"level {lv.id!r} includes itself")
        return self

    def level(self, level_id: str) -> Level:
        """Return the level with this id; raise ``KeyError`` when there is none."""
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        raise KeyError(level_id)

    def competency(self, competency_id: str) -> Competency:
        """Return the competency with this id from any level; raise ``KeyError`` when there is none."""
        for lv in self.levels:
            for c in lv.competencies:
                if c.id == competency_id:
                    return c
        raise KeyError(competency_id)


class RequiredCompetency(BaseModel):
    """A competency as it appears in one person's log: with the level it comes from and why it is there.

    Example:
        >>> c = Competency(id="1.1", text="Recognise concerns.")
        >>> RequiredCompetency(competency=c, level_id="1", level_name="Stage 1", inherited=True).id
        '1.1'
    """

    model_config = _FROZEN

    competency: Competency
    level_id: str
    level_name: str
    inherited: bool = False
    chosen: bool = Field(default=False, description="Named for this person in the roster (additional).")

    @property
    def id(self) -> str:
        """The competency id, e.g. ``"4.3"``."""
        return self.competency.id

    @property
    def kind(self) -> CompetencyKind:
        """Core, or additional when the framework marks it so or the roster chose it for this person."""
        return CompetencyKind.ADDITIONAL if self.chosen else self.competency.kind


class StaffMember(BaseModel):
    """One valid roster row: a person and the log they need.

    ``period_start`` is ``None`` when the roster gave none (the run's ``--start`` or today applies);
    ``row_number`` is the 1-based spreadsheet row the person came from.

    Example:
        >>> StaffMember(staff_id="S001", name="Ada Lovelace", framework="london", level="2").surname
        'Lovelace'
    """

    model_config = _FROZEN

    staff_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    role: str = ""
    setting: str = ""
    manager: str = ""
    framework: str = Field(min_length=1)
    level: str = Field(min_length=1)
    designated_lead: bool = False
    additional: tuple[str, ...] = ()
    period_start: dt.date | None = None
    row_number: int | None = None

    @field_validator("staff_id", "name", "role", "setting", "manager", "framework", "level")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())

    @property
    def surname(self) -> str:
        """The last word of the name (used in file names)."""
        return self.name.split()[-1]


class CarriedItem(BaseModel):
    """Something a renewed log carries forward from the person's last log.

    Example:
        >>> CarriedItem(kind="Not yet met", competency="4.3", text="Have an awareness of ...").kind
        'Not yet met'
    """

    model_config = _FROZEN

    kind: str = Field(description='"Next step" or "Not yet met".')
    text: str
    competency: str | None = None


class LogIdentity(BaseModel):
    """What makes a generated log recognisable after it went round: carried in properties, names and footer.

    Example:
        >>> ident = LogIdentity(log_id="S001-20260101-ab12", staff_id="S001", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> ident.period_end
        datetime.date(2026, 12, 31)
    """

    model_config = _FROZEN

    log_id: str
    staff_id: str
    framework: str
    level: str
    period_start: dt.date
    period_end: dt.date
    generator: str = "sglogs"


# ------------------------------------------------------------------------------------------ reading logs


class LogFileFormat(StrEnum):
    """The kinds of file a completed log can arrive as.

    Example:
        >>> LogFileFormat("pdf").value
        'pdf'
    """

    DOCX = "docx"
    XLSX = "xlsx"
    PDF = "pdf"
    #: a paper log: a PDF of scanned pages (no text layer) or photos/scans as JPEG, PNG, TIFF or HEIC
    SCAN = "scan"


class DatePrecision(StrEnum):
    """How much of a date a person wrote: a day, or only a month ("March 2026").

    Example:
        >>> DatePrecision.MONTH.value
        'month'
    """

    DAY = "day"
    MONTH = "month"


class CompetencyStatus(StrEnum):
    """A manager's assessment of one competency at review.

    Example:
        >>> CompetencyStatus("not_yet").label
        'Not yet met'
    """

    MET = "met"
    NOT_YET = "not_yet"
    BLANK = "blank"

    @property
    def label(self) -> str:
        """How the status is written in a log."""
        return {"met": "Met", "not_yet": "Not yet met", "blank": ""}[self.value]


class SourceFile(BaseModel):
    """The file a log was read from.

    Example:
        >>> SourceFile(path="a.docx", sha256="0" * 64, format=LogFileFormat.DOCX).format.value
        'docx'
    """

    model_config = _FROZEN

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: LogFileFormat


class OriginalFile(BaseModel):
    """The completed log a review was made from, as received: its name, its checksum and where it was filed.

    ``filed_as`` is relative to the outbox for a file the service filed (``processed/2026-12/log.docx``), the
    absolute path of the file reviewed for ``sglogs review``; ``None`` while the service has not yet filed it.

    Example:
        >>> OriginalFile(name="log.docx", sha256="0" * 64, filed_as="processed/2026-12/log.docx").name
        'log.docx'
    """

    model_config = _FROZEN

    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filed_as: str | None = None


class StaffInfo(BaseModel):
    """Who a log belongs to, as the log itself says; ``None`` is "not found in the log".

    Example:
        >>> StaffInfo(id="S001").name is None
        True
    """

    model_config = _FROZEN

    id: str | None = None
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    designated_lead: bool | None = Field(default=None, description="Designated or named lead, as the cover says.")


class Period(BaseModel):
    """A log's 12-month period; either end is ``None`` when the log does not say.

    Example:
        >>> Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)).end.year
        2026
    """

    model_config = _FROZEN

    start: dt.date | None = None
    end: dt.date | None = None


class CompetencyAssessment(BaseModel):
    """A competency listed in a log, with the manager's met / not yet met (``blank`` when not filled in).

    Example:
        >>> CompetencyAssessment(id="4.3", text="Have an awareness...").status
        <CompetencyStatus.BLANK: 'blank'>
    """

    model_config = _FROZEN

    id: str
    text: str = ""
    status: CompetencyStatus = CompetencyStatus.BLANK
    comment: str | None = None


class EvidenceEntry(BaseModel):
    """One row of evidence as the person wrote it; a value left empty, or not understood, is ``None``.

    ``row`` is the 1-based row of the evidence table as a person counts it (header excluded, blank rows
    counted, a continuation table carries on the count). ``date_precision`` is ``month`` when only a month
    was written ("March 2026"); the date is then the first of that month and ``date`` is written "2026-03"
    in JSON.

    Example:
        >>> EvidenceEntry(row=1, date=dt.date(2026, 3, 1), date_precision=DatePrecision.MONTH).model_dump(
        ...     mode="json")["date"]
        '2026-03'
    """

    model_config = _FROZEN

    row: int = Field(ge=1)
    date: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    activity: str | None = None
    type: str | None = None
    hours: float | None = Field(default=None, ge=0)
    competencies: tuple[str, ...] = ()
    reflection: str | None = None
    next_steps: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _month_from_json(cls, value: object) -> object:
        # "2026-03" is how JSON holds a month-precision date: it reads back as the first of that month
        if isinstance(value, str) and len(value) == 7 and value[4] == "-":
            return f"{value}-01"
        return value

    @model_serializer(mode="wrap")
    def _month_dates(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, Any]:
        data = handler(self)
        if info.mode == "json" and self.date is not None and self.date_precision is DatePrecision.MONTH:
            data["date"] = f"{self.date:%Y-%m}"
        return data


class NextStep(BaseModel):
    """One row of a log's own next-steps table, as the member of staff wrote it.

    ``competencies`` is empty when the row names none; ``by_when`` is the text as written ("March 2027",
    "ASAP") and ``due`` the date it means (the last day of a month written alone), ``None`` when the row gives
    no date or words that are not one.

    Example:
        >>> NextStep(text="Attend Prevent training", by_when="March 2027", due=dt.date(2027, 3, 31)).due
        datetime.date(2027, 3, 31)
    """

    model_config = _FROZEN

    text: str
    competencies: tuple[str, ...] = ()
    by_when: str | None = None
    due: dt.date | None = None


class SignOff(BaseModel):
    """The review and sign-off block; each field ``None`` when not filled in.

    Example:
        >>> SignOff(manager="J. Bloggs").date is None
        True
    """

    model_config = _FROZEN

    manager: str | None = None
    date: dt.date | None = None
    outcome: str | None = None
    next_review: dt.date | None = None


class OcrLine(BaseModel):
    """One line of typed or printed text Tesseract read on a paper page, with its confidence (0-100).

    ``text`` is empty when the confidence was below ``read.ocr_min_confidence``: a line read badly is left for a
    person to key in, never guessed.

    Example:
        >>> OcrLine(text="Date: 14/03/2026", confidence=91.5).confidence
        91.5
    """

    model_config = _FROZEN

    text: str
    confidence: float = Field(ge=0, le=100)


class PaperPage(BaseModel):
    """One page of a paper log as scanned or photographed.

    ``number`` is the page of the log its code names (``None``: no readable code, or a code whose layout does not
    fix the page); ``source_page`` the 1-based page (or frame) of the file it was found on; ``rotation`` the
    degrees it was turned clockwise to stand upright; ``code_found`` whether its own QR code was read (``False``:
    attached to its neighbours' log). ``image_png`` is the upright page, kept as evidence in the review folder
    and never put in the JSON.

    Example:
        >>> PaperPage(source_page=2, number=1, code_found=True).rotation
        0
    """

    model_config = _FROZEN

    source_page: int = Field(ge=1)
    number: int | None = None
    rotation: int = 0
    code_found: bool = False
    ocr: tuple[OcrLine, ...] = ()
    image_png: bytes = Field(default=b"", exclude=True, repr=False)


class ParsedLog(BaseModel):
    """A completed log read back into structured evidence (the ``sglogs read --json`` contract).

    Identity fields are ``None`` when the log does not carry them (a log from an organisation's own older
    template); ``warnings`` holds, verbatim and with their row, the values that could not be understood.

    Example:
        >>> log = ParsedLog(source=SourceFile(path="a.docx", sha256="0" * 64, format=LogFileFormat.DOCX))
        >>> log.entries, log.warnings
        ((), ())
    """

    model_config = _FROZEN

    log_id: str | None = None
    source: SourceFile
    staff: StaffInfo = StaffInfo()
    framework: str | None = None
    level: str | None = None
    period: Period = Period()
    competencies: tuple[CompetencyAssessment, ...] = ()
    entries: tuple[EvidenceEntry, ...] = ()
    next_steps: tuple[str, ...] = ()
    next_step_details: tuple[NextStep, ...] = Field(
        default=(), description="The rows of the next-steps table with their competency and 'by when'.")
    signoff: SignOff = SignOff()
    warnings: tuple[str, ...] = ()
    #: the pages of a paper log (a scan or photos), in log order; empty for a Word, Excel or PDF file
    paper_pages: tuple[PaperPage, ...] = ()


# ----------------------------------------------------------------------------------- checks and review


class Severity(StrEnum):
    """How much a finding matters: an error blocks sign-off, a warning is advice.

    Example:
        >>> Severity("error").blocks_signoff
        True
    """

    ERROR = "error"
    WARNING = "warning"

    @property
    def blocks_signoff(self) -> bool:
        """Whether a finding of this severity stops a log being signed off."""
        return self is Severity.ERROR


class Finding(BaseModel):
    """One thing a check found in a log, with a stable code and a plain-English message saying what to do.

    ``row`` is the evidence row (``EvidenceEntry.row``) it concerns, ``None`` when it is about the whole log;
    ``competency`` the competency id it concerns, if any.

    Example:
        >>> Finding(code="DATE_MISSING", severity=Severity.ERROR, row=3,
        ...     message="Evidence row 3 has no date; add the date of the learning.").severity.blocks_signoff
        True
    """

    model_config = _FROZEN

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    severity: Severity
    message: str = Field(min_length=1)
    row: int | None = None
    competency: str | None = None


class RagStatus(StrEnum):
    """Red / amber / green status of an action-plan item.

    Example:
        >>> RagStatus.RED.value
        'red'
    """

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class ActionItem(BaseModel):
    """One line of the setting's development action plan ("annex 1"), prefilled at review.

    Example:
        >>> ActionItem(reference="NS001-1", action="Complete Prevent training", competency="4.3").rag is None
        True
    """

    model_config = _FROZEN

    reference: str
    action: str
    competency: str | None = None
    owner: str | None = None
    resources: str | None = None
    target_date: dt.date | None = None
    success_criteria: str | None = None
    rag: RagStatus | None = Field(default=None, description="None: left for the manager to set at the review.")
    review_date: dt.date | None = None
    progress: str | None = None
