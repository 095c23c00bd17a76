"""The values a log template is filled with: one plain dict per person, the same for Word and Excel.

Templates (``templates/log.docx``, ``templates/log.xlsx``) may use any of these names; this module is their
contract. Dates are written the UK way ("1 January 2026") for people, and ISO in ``*_iso`` for machines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..config import GenerateSettings
from ..models import Framework, LogIdentity, RequiredCompetency, StaffMember

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


def uk_date(value: dt.date) -> str:
    """Format a date the way UK staff write it in full.

    Example:
        >>> uk_date(dt.date(2026, 3, 4))
        '4 March 2026'
    """
    return f"{value.day} {value:%B %Y}"


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
    }


def log_context(
    person: StaffMember,
    framework: Framework,
    competencies: list[RequiredCompetency],
    identity: LogIdentity,
    settings: GenerateSettings,
    organisation: str = "",
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Build the template values for one person's log.

    Example:
        >>> ctx = log_context(person, framework, competencies, identity, settings)  # doctest: +SKIP
        >>> ctx["staff"]["name"]  # doctest: +SKIP
        'Ada Lovelace'
    """
    level = framework.level(person.level)
    today = today or dt.date.today()
    return {
        "organisation": organisation,
        "log": {
            "id": identity.log_id,
            "period_start": uk_date(identity.period_start),
            "period_end": uk_date(identity.period_end),
            "period_start_iso": identity.period_start.isoformat(),
            "period_end_iso": identity.period_end.isoformat(),
            "months": settings.period_months,
            "generated_on": uk_date(today),
            "footer": identity.footer_line(),
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
        "competencies": [competency_row(c) for c in competencies],
        "activity_types": list(settings.activity_types),
        "guidance": list(GUIDANCE),
        "evidence_rows": list(range(1, settings.evidence_rows_docx + 1)),
        "next_step_rows": list(range(1, settings.next_step_rows + 1)),
    }
