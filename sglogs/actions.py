"""Action-plan lines ("annex 1") prefilled at review: the person's own next steps, then a line for every
competency that has no evidence yet. The manager edits owners, resources and dates in the document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .config import ReviewSettings
from .core.dates import add_months
from .models import ActionItem, Finding, Framework, ParsedLog, RagStatus


def action_items(
    log: ParsedLog,
    findings: Sequence[Finding],
    settings: ReviewSettings,
    *,
    framework: Framework | None = None,
    reviewed_on: dt.date,
) -> list[ActionItem]:
    """The action-plan lines for one person's review.

    Each next step the log records becomes a line; each ``COMPETENCY_UNCOVERED`` finding becomes a line
    pointing at the training the framework suggests for the person's level. New lines start red (not started).

    Example:
        >>> [a.action for a in action_items(log, findings, ReviewSettings(),
        ...     reviewed_on=dt.date(2026, 12, 14))]  # doctest: +SKIP
        ['Complete the local Prevent face-to-face session', 'Gather and record dated evidence for competency 4.3: ...']
    """
    prefix = log.staff.id or log.log_id or "LOG"
    target = add_months(reviewed_on, settings.action_target_months)
    owner = log.staff.name
    resources = None
    if framework is not None and log.level:
        try:
            training = framework.level(log.level).training
        except KeyError:
            training = ()
        resources = "; ".join(training[:6]) or None
    items: list[ActionItem] = []
    steps = list(log.next_steps) + [e.next_steps for e in log.entries if e.next_steps]
    for step in dict.fromkeys(steps):
        items.append(ActionItem(
            reference=f"{prefix}-{len(items) + 1}", action=step, owner=owner, resources=resources,
            target_date=target, success_criteria=settings.next_step_success, rag=RagStatus.RED, review_date=target,
        ))
    texts = {c.id: c.text for c in log.competencies}
    for found in findings:
        if found.code != "COMPETENCY_UNCOVERED" or not found.competency:
            continue
        text = texts.get(found.competency) or _framework_text(framework, found.competency)
        items.append(ActionItem(
            reference=f"{prefix}-{len(items) + 1}",
            action=settings.uncovered_action.format(competency=found.competency, text=text),
            competency=found.competency, owner=owner, resources=resources, target_date=target,
            success_criteria=settings.uncovered_success.format(competency=found.competency, text=text),
            rag=RagStatus.RED, review_date=target,
        ))
    return items


def _framework_text(framework: Framework | None, competency_id: str) -> str:
    if framework is None:
        return ""
    try:
        return framework.competency(competency_id).text
    except KeyError:
        return ""
