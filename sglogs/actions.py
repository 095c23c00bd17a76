"""Action-plan lines ("annex 1") prefilled at review, from what the member of staff and the manager wrote.

One line per action, in this order: each of the person's own next steps with its competency and "by when"; each
competency the manager marked not yet met that no next step already plans (the manager's comment, when there is
one, is the action); one line for the competencies with no evidence yet. No date is invented: a target date is
the person's "by when" where it is a date, otherwise left for the manager to agree. RAG status is left blank for
the manager to set at the review. Resources are the training the framework lists for the level a competency
belongs to, written once and referred back to on later lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .config import ReviewSettings
from .models import ActionItem, CompetencyStatus, Finding, Framework, NextStep, ParsedLog

#: Two next steps whose words match this closely are one action written twice ("Complete Prevent training" and
#: "complete Prevent training."), so the plan keeps the first.
SAME_ACTION_RATIO = 0.9


def action_items(
    log: ParsedLog,
    findings: Sequence[Finding],
    settings: ReviewSettings,
    *,
    framework: Framework | None = None,
    reviewed_on: dt.date,
) -> list[ActionItem]:
    """The action-plan lines for one person's review.

    Args:
        log: The completed log as read.
        findings: The review's findings; ``COMPETENCY_UNCOVERED`` ones become one line.
        settings: The wording of the lines sglogs writes itself.
        framework: The log's framework, for competency text and resources; ``None`` when not known (no resources).
        reviewed_on: The review day: a "by when" before it is noted as passed.

    Example:
        >>> [(a.action, a.competency, a.target_date) for a in action_items(log, findings, ReviewSettings(),
        ...     reviewed_on=dt.date(2026, 12, 14))][:1]  # doctest: +SKIP
        [('Complete the local Prevent face-to-face session', '4.3', datetime.date(2027, 3, 31))]
    """
    plan = _Plan(prefix=log.staff.id or log.log_id or "LOG", owner=log.staff.name, framework=framework)
    for step in _own_steps(log):
        progress = None
        if step.by_when and step.due is None:
            progress = f"By when, as written: '{step.by_when}'; agree a date."
        elif step.due is not None and step.due < reviewed_on:
            progress = "The date in the log has passed; agree a new one."
        plan.add(step.text, step.competencies, target=step.due, success=settings.next_step_success,
                 progress=progress)
    planned = {c for item in plan.items for c in _ids(item.competency)}
    texts = {c.id: c.text or _framework_text(framework, c.id) for c in log.competencies}
    for comp in log.competencies:
        if comp.status is not CompetencyStatus.NOT_YET or comp.id in planned:
            continue
        action = (comp.comment or "").strip() or settings.not_met_action.format(competency=comp.id,
                                                                              text=texts[comp.id])
        plan.add(action, (comp.id,), success=settings.uncovered_success.format(competency=comp.id,
                                                                                text=texts[comp.id]))
        planned.add(comp.id)
    uncovered = [f.competency for f in findings
                 if f.code == "COMPETENCY_UNCOVERED" and f.competency and f.competency not in planned]
    uncovered = list(dict.fromkeys(c for c in uncovered if c))
    if uncovered:
        ids = ", ".join(uncovered)
        if len(uncovered) == 1:
            text = texts.get(uncovered[0]) or _framework_text(framework, uncovered[0])
            action = settings.uncovered_action.format(competency=ids, text=text)
        else:
            action = settings.uncovered_many_action.format(competencies=ids)
        plan.add(action, tuple(uncovered), success=settings.uncovered_success.format(competency=ids, text=""))
    return plan.items


@dataclass
class _Plan:
    """The lines so far, the resources already written and the texts already planned."""

    prefix: str
    owner: str | None
    framework: Framework | None
    items: list[ActionItem] = field(default_factory=list)
    resources_at: dict[str, str] = field(default_factory=dict)  # level name -> the reference its training is on
    seen: list[str] = field(default_factory=list)

    def add(self, action: str, competencies: Sequence[str], *, success: str, target: dt.date | None = None,
            progress: str | None = None) -> None:  # fmt: skip
        action = " ".join(action.split())
        key = _plain(action)
        if not key or any(SequenceMatcher(None, key, s).ratio() >= SAME_ACTION_RATIO for s in self.seen):
            return
        self.seen.append(key)
        reference = f"{self.prefix}-{len(self.items) + 1}"
        parts = []
        for level, training in _resources(self.framework, competencies):
            if level in self.resources_at:
                parts.append(f"{level}: as {self.resources_at[level]}")
            else:
                parts.append(f"{level}: {training}")
                self.resources_at[level] = reference
        resources = "\n".join(parts) or None
        self.items.append(ActionItem(
            reference=reference, action=action, competency=", ".join(competencies) or None, owner=self.owner,
            resources=resources, target_date=target, success_criteria=success, rag=None, progress=progress,
        ))


def _own_steps(log: ParsedLog) -> list[NextStep]:
    """The person's next steps: the next-steps table with its columns, then those written on evidence rows."""
    steps = list(log.next_step_details) or [NextStep(text=s) for s in log.next_steps]
    steps += [NextStep(text=e.next_steps, competencies=e.competencies) for e in log.entries if e.next_steps]
    return steps


def _resources(framework: Framework | None, competencies: Sequence[str]) -> list[tuple[str, str]]:
    """(level name, its training) for each level these competencies belong to that lists training."""
    if framework is None:
        return []
    return [(level.name, "; ".join(level.training)) for level in framework.levels
            if level.training and {c.id for c in level.competencies}.intersection(competencies)]


def _ids(competency: str | None) -> list[str]:
    return [c.strip() for c in (competency or "").split(",") if c.strip()]


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.casefold()).strip()


def _framework_text(framework: Framework | None, competency_id: str) -> str:
    if framework is None:
        return ""
    try:
        return framework.competency(competency_id).text
    except KeyError:
        return ""
