"""The values a log template is filled with: one plain dict per person, the same for Word and Excel.

Templates (``templates/log.docx``, ``templates/log.xlsx``) may use any of these names; this module is their
contract. Dates are written the UK way ("1 January 2026") for people, and ISO in ``*_iso`` for machines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import zip_longest
from typing import Any

from ..config import GenerateSettings
from ..core.formatting import level_heading, long_date
from ..core.identity import footer_line
from ..models import CarriedItem, Framework, LogIdentity, RequiredCompetency, StaffMember

#: Guidance printed in every log, from the frameworks' own words (LLR logs and Q-cards, London 1.6, PA3 1.8).
GUIDANCE = (
    "Remember to date your evidence to allow you to revisit and review relevance.",
    "Record evidence against the competencies listed for your level: what you did, the type of learning, "
    "and which competencies it shows.",
    "Evidence should be varied, meaningful and personal to you. Learning is not limited to formal courses: "
    "it can include shared expertise, shadowing, supervision, presentations and e-learning.",
    "If you include online safeguarding learning, say how you applied the theory of the learning to the "
    "context of your role.",
    "Do not record information that could identify a child or family (names, dates of birth, addresses).",
    "Your manager reviews this log with you in supervision or appraisal. After 12 months the competencies are "
    "signed off and a fresh log is created.",
    "Ensure next steps identified are captured on your setting's development action plan (annex 1): this "
    "allows you to monitor developments and evidence progress made.",
)


#: Characters per line of the competency column in the Excel log (70 wide, Arial 10), and points per line.
XLSX_CHARS_PER_LINE, XLSX_POINTS_PER_LINE = 85, 13.0


def _row_height(chars: int) -> float:
    """Excel does not grow rows to fit wrapped text on opening a file, so the height is set from the length."""
    lines = max(1, -(-chars // XLSX_CHARS_PER_LINE))
    return round(lines * XLSX_POINTS_PER_LINE + 3, 1)


#: The Excel log's printed pages (tools/build_log_xlsx.py lays them out): evidence rows per page, the height of
#: the Competencies sheet's repeated header row, the points of its title rows above it, and the points of rows
#: one landscape page holds at the sheet's fit-to-width scale (645 measured, less a tenth so LibreOffice's and
#: Excel's own rounding never push a row onto a page of its own without a page code).
EVIDENCE_ROWS_PER_PAGE = 30
COMPETENCY_HEADER_POINTS, COMPETENCY_TITLE_POINTS, COMPETENCY_PAGE_POINTS = 30.0, 50.0, 580.0
#: The first competency row of the Competencies sheet (1-based).
COMPETENCY_FIRST_ROW = 5


def competency_pages(heights: Sequence[float]) -> dict[str, list[int]]:
    """Where the Competencies sheet's pages break, so that each printed page carries its own page code.

    Returns ``competency_breaks`` (the 1-based last row of each page but the last, as Excel's page breaks
    count) and ``competency_rows`` (the 0-based row of each page's page code, as drawings count).

    Example:
        >>> competency_pages([200.0, 200.0, 200.0, 200.0])
        {'competency_breaks': [6], 'competency_rows': [4, 6]}
    """
    breaks: list[int] = []
    rows = [COMPETENCY_FIRST_ROW - 1]  # page 1's code sits beside the first competency, under the header
    used = COMPETENCY_TITLE_POINTS + COMPETENCY_HEADER_POINTS
    for index, height in enumerate(heights):
        row_number = COMPETENCY_FIRST_ROW + index
        if index and used + height > COMPETENCY_PAGE_POINTS:
            breaks.append(row_number - 1)
            rows.append(row_number - 1)
            used = COMPETENCY_HEADER_POINTS
        used += height
    return {"competency_breaks": breaks, "competency_rows": rows}


def _excel_date(value: dt.date) -> str:
    return f"DATE({value.year},{value.month},{value.day})"


def refresher_sentence(framework: Framework, designated_lead: bool) -> str:
    """The refresher rule as one sentence for this person.

    Example:
        >>> from sglogs.models import Level, RefresherRule
        >>> fw = Framework(id="x", title="X", level_label="Level", levels=(Level(id="1", name="Level 1"),),
        ...     refresher=RefresherRule(years=3, designated_lead_years=2))
        >>> refresher_sentence(fw, designated_lead=True).split("(")[0]
        'Refresher training is due at least every 2 years for designated and named leads '
    """
    rule = framework.refresher
    if designated_lead:
        return (
            f"Refresher training is due at least every {rule.designated_lead_years} years for designated and "
            f"named leads (every {rule.years} years for other staff)."
        )
    return (
        f"Refresher training is due at least every {rule.years} years "
        f"(every {rule.designated_lead_years} years for designated and named leads)."
    )


def competency_row(required: RequiredCompetency) -> dict[str, Any]:
    """One competency as a template row.

    Example:
        >>> from sglogs.models import Competency
        >>> row = competency_row(RequiredCompetency(competency=Competency(id="2.1", text="Know."),
        ...     level_id="2", level_name="Stage 2"))
        >>> row["id"], row["kind"], row["from"]
        ('2.1', 'Core', 'Stage 2')
    """
    comp = required.competency
    return {
        "id": comp.id,
        "text": comp.text,
        "kind": required.kind.label,
        "from": required.level_name,
        "inherited": required.inherited,
        "examples": "; ".join(comp.examples),
        "row_height": _row_height(len(comp.text) + sum(len(e) + 2 for e in comp.examples)),
    }


def log_context(
    person: StaffMember,
    framework: Framework,
    competencies: list[RequiredCompetency],
    identity: LogIdentity,
    settings: GenerateSettings,
    organisation: str = "",
    today: dt.date | None = None,
    carried_forward: Sequence[CarriedItem] = (),
) -> dict[str, Any]:
    """Build the template values for one person's log.

    Example:
        >>> ctx = log_context(person, framework, competencies, identity, settings)  # doctest: +SKIP
        >>> ctx["staff"]["name"]  # doctest: +SKIP
        'Ada Lovelace'
    """
    level = framework.level(person.level)
    rows = [competency_row(c) for c in competencies]
    today = today or dt.date.today()
    return {
        "organisation": organisation,
        "log": {
            "id": identity.log_id,
            "period_start": long_date(identity.period_start),
            "period_end": long_date(identity.period_end),
            "period_start_iso": identity.period_start.isoformat(),
            "period_end_iso": identity.period_end.isoformat(),
            "months": settings.period_months,
            "generated_on": long_date(today),
            "footer": footer_line(identity),
            # Excel formulas (date validation of the evidence sheet) need the dates as DATE(y,m,d)
            "period_start_excel": _excel_date(identity.period_start),
            "period_end_excel": _excel_date(identity.period_end),
        },
        "staff": {
            "id": person.staff_id,
            "name": person.name,
            "role": person.role,
            "setting": person.setting,
            "manager": person.manager,
            "designated_lead": "Yes" if person.designated_lead else "No",
        },
        "framework": {
            "id": framework.id,
            "title": framework.title,
            "publisher": framework.publisher,
            "level_label": framework.level_label,
        },
        "level": {
            "id": level.id,
            "name": level.name,
            "heading": level_heading(level),
            # the text's own description of who the level is for, unless it only repeats the title
            "who": level.description if level.description and level.description != level.title else "",
            "title": level.title,
            "description": level.description,
            "training": list(level.training),
            "example_roles": list(level.example_roles),
            "intercollegiate": level.intercollegiate,
            "groups": ", ".join(level.groups),
        },
        "refresher": {
            "years": framework.refresher.years_for(person.designated_lead),
            "sentence": refresher_sentence(framework, person.designated_lead),
        },
        "competencies": rows,
        "page_codes": competency_pages([r["row_height"] for r in rows]),
        "activity_types": list(settings.activity_types),
        # the hidden drop-down lists of the Excel log: one row per activity type / competency id, side by side
        "list_rows": [
            {"activity_type": t or "", "competency_id": c["id"] if c else ""}
            for t, c in zip_longest(settings.activity_types, rows)
        ],
        "guidance": list(GUIDANCE),
        "carried_forward": [
            {"kind": item.kind, "competency": item.competency or "", "text": item.text, "row_height": 30}
            for item in carried_forward
        ],
        "evidence_rows": list(range(1, settings.evidence_rows_docx + 1)),
        "next_step_rows": list(range(1, settings.next_step_rows + 1)),
    }
