"""The LLR "Q-card" self-assessment: each question answered with figures from the reviews, a RAG judgement, and
the people behind every figure.

Auditors and safeguarding partnerships ask an organisation the seven questions of the LLR competency-log Q-card
(``shared/seeds/llr-competency-logs-and-q-cards.txt``). This module answers them from what sglogs already
knows: the roster and the reviews in ``outbox/reviews`` (``sglogs.records``). Each answer says what was
measured, so a reader can judge the figure. Pure data: ``sglogs.reports.audit_docs`` writes the documents.

Names of people appear in the answers (the self-assessment is the organisation's internal record), never in
log lines or terminal output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from .config import Settings
from .core.dates import add_months
from .frameworks import included_levels, required_competencies
from .models import CompetencyKind, Framework, RagStatus, StaffMember
from .records import ReviewRecord, history_by_person
from .register import people_in_scope

#: The seed file the questions are quoted from, word for word.
QCARD_SOURCE: Final = "llr-competency-logs-and-q-cards.txt"

#: The Q-card questions, verbatim (the source's spelling kept: "dependent of level").
QUESTIONS: Final[tuple[str, ...]] = (
    "Have additional competencies to sit alongside the core competencies been established for all staff, "
    "dependent of level of responsibility/contact with children and families?",
    "Are staff familiar with the competencies that they are expected to meet?",
    "Do managers and leaders provide clear guidance for practitioners with regard to appropriate evidence?",
    "Are competency logs discussed as a part of supervisions/appraisals?",
    "Is the evidence collated; varied, meaningful and personal to the individual?",
    "Do staff include online safeguarding learning when collating evidence? If so, what processes are in place "
    "to ensure that the practitioner is able to apply the theory of the learning to the context of their role?",
    "Are clear CPD next steps identified when reviewing staffs evidence logs?",
)
#: Short names of the questions for tables and terminal lines.
TITLES: Final[tuple[str, ...]] = (
    "Additional competencies established",
    "Staff familiar with their competencies",
    "Clear guidance on appropriate evidence",
    "Logs discussed in supervision/appraisal",
    "Evidence varied, meaningful and personal",
    "Online learning applied to the role",
    "Clear CPD next steps",
)

#: A figure at or above this percentage is green (``[audit] green_at`` once it is a setting).
GREEN_AT_PERCENT: Final = 90
#: A figure at or above this percentage, and below green, is amber; below it, red (``[audit] amber_at``).
AMBER_AT_PERCENT: Final = 70
#: Words in a job title (any case) of roles that need additional competencies alongside the core ones
#: (``[audit] additional_roles``); designated and named leads always do.
ADDITIONAL_COMPETENCY_ROLES: Final[tuple[str, ...]] = (
    "designated", "named", "safeguarding lead", "manager", "head", "leader", "coordinator", "senco", "deputy",
)
#: Findings that show a practitioner has not had clear guidance on what evidence is (question 3).
GUIDANCE_CODES: Final[dict[str, str]] = {
    "REFLECTION_MISSING": "no reflection",
    "REFLECTION_SHORT": "reflection too short",
    "VALUE_UNCLEAR": "entry not understood",
}
#: Findings that show evidence is not varied, spread over the year, or personal (question 5).
EVIDENCE_QUALITY_CODES: Final[dict[str, str]] = {
    "VARIETY_FEW_TYPES": "few types of learning",
    "VARIETY_ONE_TYPE": "one type of learning dominates",
    "EVIDENCE_BUNCHED": "evidence bunched in a few weeks",
    "REFLECTION_REPEATED": "reflection repeated",
    "REFLECTION_COPIED": "reflection copied from another person",
}


class AuditPerson(BaseModel):
    """A person behind a figure: whether they count towards it, and why or why not.

    Example:
        >>> AuditPerson(staff_id="NS003", name="Tomasz Nowak", counted=True, detail="additional: 6.10").counted
        True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    staff_id: str
    name: str
    counted: bool
    detail: str = ""


class AuditFigure(BaseModel):
    """One measured share: ``numerator`` of ``denominator`` ``unit``, with its RAG (``None``: not judged, or
    nothing to measure).

    Example:
        >>> AuditFigure(label="staff with additional competencies", numerator=2, denominator=5, unit="staff",
        ...     rag=RagStatus.RED).text
        '2 of 5 staff (40%)'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    numerator: int = Field(ge=0)
    denominator: int = Field(ge=0)
    unit: str
    rag: RagStatus | None = None

    @property
    def percent(self) -> float | None:
        """The share as 0-100, ``None`` when there is nothing to measure."""
        return 100 * self.numerator / self.denominator if self.denominator else None

    @property
    def text(self) -> str:
        """``"7 of 9 staff (78%)"``, or ``"no staff to measure"``."""
        if not self.denominator:
            return f"no {self.unit} to measure"
        return f"{self.numerator} of {self.denominator} {self.unit} ({self.percent:.0f}%)"


class QCardAnswer(BaseModel):
    """One Q-card question answered: what was measured, the figures, the RAG, the people behind them.

    ``figures[0]`` is the headline (``numerator``/``denominator``/``figure``); a second figure refines it (for
    question 6, how many logs include online learning at all, not judged; for question 7, how many reviews
    with next steps put them on the action plan). ``rag`` is the worst judged figure's (``None``: nothing to
    measure). ``people`` lists everyone in the headline's denominator, those who do not count first.

    Example:
        >>> answer = QCardAnswer(number=4, question=QUESTIONS[3], title=TITLES[3], measure="...",
        ...     figures=(AuditFigure(label="signed off", numerator=3, denominator=4, unit="staff",
        ...     rag=RagStatus.AMBER),), rag=RagStatus.AMBER)
        >>> answer.figure, answer.numerator, answer.denominator
        ('3 of 4 staff (75%)', 3, 4)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1, le=len(QUESTIONS))
    question: str
    title: str
    measure: str
    figures: tuple[AuditFigure, ...] = Field(min_length=1)
    rag: RagStatus | None
    people: tuple[AuditPerson, ...] = ()

    @property
    def numerator(self) -> int:
        """The headline figure's numerator."""
        return self.figures[0].numerator

    @property
    def denominator(self) -> int:
        """The headline figure's denominator."""
        return self.figures[0].denominator

    @property
    def figure(self) -> str:
        """The headline figure as words, e.g. ``"7 of 9 staff (78%)"``."""
        return self.figures[0].text


def judge(numerator: int, denominator: int, *, green_at: int = GREEN_AT_PERCENT,
          amber_at: int = AMBER_AT_PERCENT) -> RagStatus | None:
    """The RAG of a share against percentage thresholds; ``None`` when there is nothing to measure.

    Integers only, so 9 of 10 against 90% is green (no floating-point rounding).

    Example:
        >>> judge(9, 10), judge(7, 10), judge(6, 10), judge(0, 0)
        (<RagStatus.GREEN: 'green'>, <RagStatus.AMBER: 'amber'>, <RagStatus.RED: 'red'>, None)
    """
    if denominator == 0:
        return None
    if numerator * 100 >= green_at * denominator:
        return RagStatus.GREEN
    if numerator * 100 >= amber_at * denominator:
        return RagStatus.AMBER
    return RagStatus.RED


_RAG_ORDER = {RagStatus.RED: 0, RagStatus.AMBER: 1, RagStatus.GREEN: 2}


def _worst(figures: Sequence[AuditFigure]) -> RagStatus | None:
    judged = [f.rag for f in figures if f.rag is not None]
    return min(judged, key=_RAG_ORDER.__getitem__) if judged else None


def _uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "not recorded"


def _rows(record: ReviewRecord, codes: Iterable[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    wanted = set(codes)
    for item in record.findings:
        if item.code in wanted:
            found.setdefault(item.code, [])
            if item.row is not None:
                found[item.code].append(item.row)
    return found


def _describe(found: Mapping[str, list[int]], labels: Mapping[str, str]) -> str:
    parts = []
    for code, rows in found.items():
        where = f" (row{'s' if len(rows) > 1 else ''} {', '.join(map(str, sorted(set(rows))))})" if rows else ""
        parts.append(f"{labels[code]}{where}")
    return "; ".join(parts)


def _people(items: Iterable[AuditPerson]) -> tuple[AuditPerson, ...]:
    return tuple(sorted(items, key=lambda p: (p.counted, p.staff_id)))


class _Scope:
    """The people an audit covers and their reviews, worked out once for all seven questions."""

    def __init__(self, records: Iterable[ReviewRecord], roster_people: Sequence[StaffMember] | None,
                 frameworks: Mapping[str, Framework], settings: Settings, today: dt.date,
                 setting: str | None) -> None:
        history = history_by_person(r for r in records if r.reviewed_on <= today)  # no review from the future
        self.frameworks = frameworks
        self.settings = settings
        self.today = today
        self.people = people_in_scope(roster_people, history, setting)
        self.latest = {p.staff_id: history[p.staff_id][-1] for p in self.people if history.get(p.staff_id)}
        self.since = add_months(today, -settings.review.next_review_months)
        # the evidence questions look at this cycle's reviews: a log last reviewed years ago says little of now
        self.current = {sid: r for sid, r in self.latest.items() if r.reviewed_on >= self.since}
        self.names = {p.staff_id: p.name for p in self.people}
        self.window = f"the last {settings.review.next_review_months} months"

    def person(self, staff_id: str, counted: bool, detail: str) -> AuditPerson:
        return AuditPerson(staff_id=staff_id, name=self.names[staff_id], counted=counted, detail=detail)


def _offers_additional(framework: Framework | None, level_id: str) -> bool:
    if framework is None:
        return False
    try:
        levels = [*included_levels(framework, level_id), framework.level(level_id)]
    except KeyError:
        return False
    return any(c.kind is CompetencyKind.ADDITIONAL for lv in levels for c in lv.competencies)


def _log_extras(record: ReviewRecord | None, framework: Framework | None) -> list[str]:
    """Competencies a log lists beyond its level's own: the additional ones chosen for the person."""
    if record is None or framework is None or not record.log.level:
        return []
    try:
        base = {c.id for c in required_competencies(framework, record.log.level)}
    except KeyError:
        return []
    return [c.id for c in record.log.competencies if c.id not in base]


def _q1(scope: _Scope, number: int, roles: Sequence[str], **thresholds: int) -> QCardAnswer:
    people = []
    for person in scope.people:
        framework = scope.frameworks.get(person.framework)
        role = person.role.casefold()
        reasons = []
        if person.designated_lead:
            reasons.append("designated lead")
        if any(word.casefold() in role for word in roles):
            reasons.append(f"role {person.role}")
        if _offers_additional(framework, person.level):
            reasons.append("level offers additional competencies")
        if not reasons:
            continue
        chosen = list(dict.fromkeys([*person.additional,
                                     *_log_extras(scope.latest.get(person.staff_id), framework)]))
        detail = f"{', '.join(reasons)}: " + (f"additional {', '.join(chosen)}" if chosen else "none named")
        people.append(scope.person(person.staff_id, bool(chosen), detail))
    figure = _figure("staff with additional competencies named", sum(p.counted for p in people), len(people),
                     "staff", **thresholds)
    return _answer(number, (
        "Staff whose roster row (or latest reviewed log) names additional competencies beyond their level's, "
        "among those who need them: designated and named leads, roles whose title says "
        f"{', '.join(roles)}, and levels where the framework offers additional competencies."),
        (figure,), people)


def _q2(scope: _Scope, number: int, **thresholds: int) -> QCardAnswer:
    people = []
    for person in scope.people:
        record = scope.latest.get(person.staff_id)
        if record is None:
            people.append(scope.person(person.staff_id, False, "no log reviewed yet"))
            continue
        log = record.log
        covers = bool(log.period.start and log.period.end and log.period.start <= scope.today <= log.period.end)
        counted = bool(log.competencies) and (record.reviewed_on >= scope.since or covers)
        detail = (f"log {_uk(log.period.start)} to {_uk(log.period.end)} lists {len(log.competencies)} "
                  f"competencies; reviewed {_uk(record.reviewed_on)}")
        if not counted:
            detail += (f", more than {scope.settings.review.next_review_months} months ago" if log.competencies
                       else "; the log lists no competencies")
        people.append(scope.person(person.staff_id, counted, detail))
    figure = _figure("staff with a current log listing their competencies", sum(p.counted for p in people),
                     len(people), "staff", **thresholds)
    return _answer(number, (
        "Staff with a log listing the competencies they are expected to meet that was reviewed with them in "
        f"{scope.window} or whose period covers today (a log generated but not yet returned is not counted)."),
        (figure,), people)


def _findings_question(scope: _Scope, number: int, codes: Mapping[str, str], label: str, measure: str,
                       **thresholds: int) -> QCardAnswer:
    people = []
    for staff_id, record in scope.current.items():
        found = _rows(record, codes)
        detail = _describe(found, codes) if found else f"none of these findings ({len(record.log.entries)} entries)"
        people.append(scope.person(staff_id, not found, detail))
    figure = _figure(label, sum(p.counted for p in people), len(people), "logs", **thresholds)
    return _answer(number, measure, (figure,), people)


def _q4(scope: _Scope, number: int, **thresholds: int) -> QCardAnswer:
    people = []
    for person in scope.people:
        record = scope.latest.get(person.staff_id)
        if record is None:
            people.append(scope.person(person.staff_id, False, "no log reviewed yet"))
            continue
        signed = record.log.signoff.date or record.reviewed_on
        counted = record.signed_off and scope.since <= signed <= scope.today
        if counted:
            outcome = f" ({record.log.signoff.outcome})" if record.log.signoff.outcome else ""
            detail = f"reviewed {_uk(record.reviewed_on)}, signed off {_uk(signed)}{outcome}"
        elif record.signed_off:
            detail = f"last signed off {_uk(signed)}, more than {scope.settings.review.next_review_months} months ago"
        else:
            detail = f"reviewed {_uk(record.reviewed_on)}, not signed off"
        people.append(scope.person(person.staff_id, counted, detail))
    figure = _figure("staff whose log was reviewed and signed off", sum(p.counted for p in people), len(people),
                     "staff", **thresholds)
    return _answer(number, (
        f"Staff whose latest log was reviewed and signed off (manager's name and date in the sign-off block) in "
        f"{scope.window}; sglogs reviews are meant to happen in supervision or appraisal."), (figure,), people)


def _is_online(kind: str | None, online_types: Sequence[str]) -> bool:
    text = (kind or "").lower()
    return bool(text) and any(word.lower() in text for word in online_types)


def _q6(scope: _Scope, number: int, **thresholds: int) -> QCardAnswer:
    online_types = scope.settings.checks.online_types
    people = []
    entries = applied = 0
    for staff_id, record in scope.current.items():
        rows = [e.row for e in record.log.entries if _is_online(e.type, online_types)]
        if not rows:
            continue
        missing = sorted(set(_rows(record, ["ONLINE_NOT_APPLIED"]).get("ONLINE_NOT_APPLIED", [])) & set(rows))
        entries += len(rows)
        applied += len(rows) - len(missing)
        detail = f"{len(rows)} online entries"
        if missing:
            rows_text = f"rows {', '.join(map(str, missing))} say" if len(missing) > 1 else f"row {missing[0]} says"
            detail += f"; {rows_text} nothing of how the learning was applied"
        else:
            detail += ", each says how it was applied"
        people.append(scope.person(staff_id, not missing, detail))
    figures = (
        _figure("online entries saying how the learning was applied", applied, entries, "online entries",
                **thresholds),
        AuditFigure(label="logs that include online learning", numerator=len(people),
                    denominator=len(scope.current), unit="logs"),
    )
    return _answer(number, (
        f"Online learning entries (types containing {', '.join(online_types)}) in logs reviewed in "
        f"{scope.window} whose reflection says how the learning was applied in the person's role (no "
        "finding that it was not applied); and, not judged, how many of those logs include online learning at all. "
        "The process behind it: every review checks this and asks the person to add how they applied it."),
        figures, people)


def _q7(scope: _Scope, number: int, **thresholds: int) -> QCardAnswer:
    people = []
    with_steps = on_plan = 0
    for staff_id, record in scope.current.items():
        steps = list(dict.fromkeys([*record.log.next_steps,
                                    *(e.next_steps for e in record.log.entries if e.next_steps)]))
        planned = len(record.actions)
        with_steps += bool(steps)
        on_plan += bool(steps) and planned > 0
        if steps:
            detail = f"{len(steps)} next steps; {planned} action-plan lines" if planned else \
                f"{len(steps)} next steps, none on the action plan"
        else:
            detail = "no CPD next steps identified"
        people.append(scope.person(staff_id, bool(steps) and planned > 0, detail))
    figures = (
        _figure("reviews with CPD next steps", with_steps, len(scope.current), "logs", **thresholds),
        _figure("of those, with the next steps on the action plan", on_plan, with_steps, "logs", **thresholds),
    )
    return _answer(number, (
        f"Logs reviewed in {scope.window} with CPD next steps identified (in the next-steps table or the "
        "evidence rows); and of those, how many have lines on the setting's development action plan (annex 1)."),
        figures, people)


def _figure(label: str, numerator: int, denominator: int, unit: str, **thresholds: int) -> AuditFigure:
    return AuditFigure(label=label, numerator=numerator, denominator=denominator, unit=unit,
                       rag=judge(numerator, denominator, **thresholds))


def _answer(number: int, measure: str, figures: tuple[AuditFigure, ...], people: Iterable[AuditPerson]) -> QCardAnswer:
    return QCardAnswer(number=number, question=QUESTIONS[number - 1], title=TITLES[number - 1], measure=measure,
                       figures=figures, rag=_worst(figures), people=_people(people))


def self_assessment(
    records: Iterable[ReviewRecord],
    roster_people: Sequence[StaffMember] | None,
    frameworks: Mapping[str, Framework],
    settings: Settings,
    today: dt.date,
    setting: str | None = None,
    *,
    green_at: int = GREEN_AT_PERCENT,
    amber_at: int = AMBER_AT_PERCENT,
    additional_roles: Sequence[str] = ADDITIONAL_COMPETENCY_ROLES,
) -> list[QCardAnswer]:
    """Answer the seven Q-card questions with figures from the roster and the reviews.

    People are the roster's (``None``: everyone a reviewed log names), optionally of one ``setting``. Questions
    about people (1, 2, 4) count everyone in scope; questions about evidence (3, 5, 6, 7) count each person's
    latest log reviewed in the last ``[review] next_review_months`` months.

    Args:
        records: Every review (``load_reviews(settings.outbox / "reviews")``).
        roster_people: The roster's valid rows, or ``None``.
        frameworks: Frameworks by id.
        settings: Run settings (``checks.online_types``, ``review.next_review_months``).
        today: The date the audit is made on.
        setting: Only people of this setting (``None``: the whole organisation).
        green_at: Percentage at or above which a figure is green.
        amber_at: Percentage at or above which a figure below green is amber; below it, red.
        additional_roles: Job-title words of roles that need additional competencies (question 1).

    Returns:
        Seven answers, in the Q-card's order.

    Example:
        >>> answers = self_assessment(load_reviews(Path("outbox/reviews")), None, frameworks, settings,
        ...     dt.date(2027, 1, 15))  # doctest: +SKIP
        >>> answers[3].figure, answers[3].rag  # doctest: +SKIP
        ('10 of 13 staff (77%)', <RagStatus.AMBER: 'amber'>)
    """
    scope = _Scope(records, roster_people, frameworks, settings, today, setting)
    limits = {"green_at": green_at, "amber_at": amber_at}
    window = scope.window
    return [
        _q1(scope, 1, additional_roles, **limits),
        _q2(scope, 2, **limits),
        _findings_question(scope, 3, GUIDANCE_CODES, "logs whose evidence follows the guidance", (
            f"Latest logs reviewed in {window} in which every evidence row has a reflection of the expected "
            f"length and could be understood (none of: {'; '.join(GUIDANCE_CODES.values())}). Logs that do not show "
            "practitioners have not been given clear guidance on appropriate evidence."), **limits),
        _q4(scope, 4, **limits),
        _findings_question(scope, 5, EVIDENCE_QUALITY_CODES, "logs with varied, meaningful, personal evidence", (
            f"Latest logs reviewed in {window} with none of: {'; '.join(EVIDENCE_QUALITY_CODES.values())}. Several "
            "types of learning, none dominating, spread over the year, each reflection the person's own."),
            **limits),
        _q6(scope, 6, **limits),
        _q7(scope, 7, **limits),
    ]


def audit_lines(answers: Sequence[QCardAnswer]) -> list[str]:
    """One line per answer for the terminal: number, short title, headline figure, RAG; never a name.

    Example:
        >>> audit_lines([QCardAnswer(number=7, question=QUESTIONS[6], title=TITLES[6], measure="...",
        ...     figures=(AuditFigure(label="x", numerator=1, denominator=2, unit="logs", rag=RagStatus.RED),),
        ...     rag=RagStatus.RED)])
        ['Q7 Clear CPD next steps: 1 of 2 logs (50%) - red']
    """
    return [f"Q{a.number} {a.title}: {a.figure} - {a.rag.value if a.rag else 'no data'}" for a in answers]
