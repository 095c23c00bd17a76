"""The view model of the review documents: a read log, its findings and its action items as plain values.

``review_context`` builds the one dict the review templates (``sglogs.reports.documents.ReviewTemplates``) are
filled with. Findings and action items are inputs: this module computes neither. Suggested next steps come from
``suggestions.toml`` beside this module, keyed by finding code.

Names the templates may use (text unless the example says otherwise; ``""`` when the log does not record it):

| name | example |
|---|---|
| `organisation` | `Sunflower Nursery & Pre-school` (the argument, else the log's cover) |
| `review.date`, `review.date_iso` | `14 December 2026`, `2026-12-14` |
| `log.id`, `log.footer` | `NS001-20260101-61a8`; the log's identity line, printed in every page footer |
| `log.period`, `log.period_start`, `log.period_end` | `1 January 2026 to 31 December 2026`, `1 January 2026`, … |
| `log.period_start_iso`, `log.period_end_iso` | `2026-01-01`, `2026-12-31` |
| `log.file`, `log.sha256`, `log.format` | the file reviewed, its SHA-256 fingerprint, `docx` |
| `staff.id`, `staff.name`, `staff.role`, `staff.designated_lead` | `NS001`, `Amelia Hartley`, …, `Yes`/`No`/`""` |
| `framework.id`, `framework.title` | `norfolk-nscp-2024`, `NSCP Safeguarding Children Competencies Framework 2024` |
| `level.id`, `level.name`, `level.heading` | `4`, `Stage 4`, `Stage 4 – Staff who have some degree of contact …` |
| `counts` | numbers: `entries`, `hours` (float), `entries_without_hours`, `types`, `required`, `covered`, |
| | `uncovered`, `met`, `not_yet`, `blank`, `errors`, `warnings`, `actions` |
| `summary.evidence`, `.hours`, `.types` | `8 entries, dated 14 January 2026 to 3 November 2026`, `9.5 hours; …`, … |
| `summary.coverage`, `.assessment`, `.findings` | `22 of 22 competencies`, `5 met, 1 not yet met, 16 not assessed`, … |
| `ready` (bool), `ready_label`, `ready_sentence` | `False`, `No`, `Not ready for sign-off: 1 error must be …` |
| `coverage` | one `c` per required competency: `c.id`, `c.text`, `c.short_text`, `c.level`, `c.rows` (ints), |
| | `c.rows_text` (`1, 4, 7` or `None`), `c.count`, `c.covered` (bool), `c.covered_label` (`Yes`/`No`), |
| | `c.status` (`met`/`not_yet`/`blank`), `c.status_label` (`Met`/`Not yet met`/`Not assessed`), |
| | `c.assessed` (bool), `c.count_fill` (cell shading for `{% cellbg %}`) |
| `matrix.columns` | evidence row numbers, one matrix column each; empty above `MATRIX_MAX_COLUMNS` rows |
| | (then list `c.rows_text` per competency instead) |
| `matrix.rows` | `m.id`, `m.short_text`, `m.cells` (each `cell.mark` `●`/`""`, `cell.fill`), `m.count`, |
| | `m.count_fill`, `m.status_label` |
| `other_cited` | references on evidence rows that are not in the log's list: `4.11 (row 3)` |
| `findings`, `errors`, `warnings` | errors first, then by row: `f.severity` (`Error`), `f.code`, |
| | `f.row` (`3`/`Whole log`), `f.competency`, `f.message`, `f.blocks` (bool), `f.fill` |
| `suggestions` | `s.code`, `s.text` (from `suggestions.toml`), `s.rows`, `s.competencies`, `s.where` |
| | (`rows 3, 5; competency 4.3`) |
| `own_next_steps` | the log's own next steps, then those written on evidence rows (with the row) |
| `entries` | `e.row`, `e.date` (`14/01/2026`, `March 2026`), `e.activity`, `e.type`, `e.hours`, `e.competencies` |
| `actions` | `a.reference`, `a.action`, `a.competency`, `a.owner`, `a.resources`, `a.target_date` (`31/03/2027`), |
| | `a.success_criteria`, `a.rag` (`Red`), `a.rag_fill`, `a.review_date`, `a.progress` |
| `action_blank_rows` | `[1, 2, 3]`: empty rows for actions added at the review |
| `signoff.manager`, `.date`, `.outcome` | as written in the log's sign-off block (dates in full) |
| `signoff.next_review` | the log's next review date, else the `next_review` argument, else `""` |

Example:
    >>> templates = ReviewTemplates.prepare()  # doctest: +SKIP
    >>> context = review_context(log, findings, required, actions, organisation="Sunflower Nursery")  # doctest: +SKIP
    >>> templates.write_feedback(Path("outbox/reviews/NS001/feedback.docx"), context)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..core.formatting import count, level_heading, short_date
from ..core.formatting import long_date as uk_date
from ..core.identity import footer_line
from ..errors import ConfigError
from ..models import (
    ActionItem,
    CompetencyStatus,
    DatePrecision,
    Finding,
    Framework,
    LogIdentity,
    ParsedLog,
    RagStatus,
    RequiredCompetency,
    Severity,
)
from ..shipped import shipped_path
from ..verdicts import Readiness, readiness

__all__ = ["ACTION_BLANK_ROWS", "MATRIX_MAX_COLUMNS", "SUGGESTIONS_FILE", "load_suggestions", "review_context"]

#: row: 20 columns of 0.45 cm still leave the competency column 4.4 cm on A4 portrait.
MATRIX_MAX_COLUMNS = 20
#: Empty rows under the prefilled actions of the Word action plan, for actions agreed at the review.
ACTION_BLANK_ROWS = 3
#: Where the suggested next step of each finding code is written (data, not code: edit the wording there).
SUGGESTIONS_FILE = shipped_path("reports", "suggestions.toml")
#: Competency text longer than this is shortened (at a word) in the coverage matrix; the sign-off sheet has it whole.
SHORT_TEXT_CHARS = 90

# Light cell fills that keep black text readable, on screen and printed in grey ("auto" is no fill).
_NO_FILL = "auto"
_MARK_FILL = "CFE3E1"
_UNCOVERED_FILL = "FFE599"
_SEVERITY_FILLS = {Severity.ERROR: "F4CCCC", Severity.WARNING: "FFF2CC"}
_RAG_FILLS = {RagStatus.RED: "F4CCCC", RagStatus.AMBER: "FFE599", RagStatus.GREEN: "D9EAD3"}
_STATUS_LABELS = {CompetencyStatus.MET: "Met", CompetencyStatus.NOT_YET: "Not yet met",
                  CompetencyStatus.BLANK: "Not assessed"}  # fmt: skip
_NOT_RECORDED = "Not recorded"


@functools.lru_cache(maxsize=8)
def load_suggestions(path: Path = SUGGESTIONS_FILE) -> Mapping[str, str]:
    """Read the suggested next step of each finding code from a TOML file of ``CODE = "text"`` lines.

    Raises ``ConfigError`` when the file is missing or not valid TOML. The result is read-only and cached.

    Example:
        >>> load_suggestions()["DATE_MISSING"].startswith("Add the date")
        True
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing; restore it from git (it holds the suggested next steps).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix the line it names.") from exc
    bad = sorted(code for code, text in data.items() if not isinstance(text, str) or not text.strip())
    if bad:
        raise ConfigError(f"{path}: {bad[0]} must be one line of text in quotes; fix it.")
    return MappingProxyType({code: " ".join(text.split()) for code, text in data.items()})


def review_context(
    log: ParsedLog,
    findings: Sequence[Finding],
    required: Sequence[RequiredCompetency],
    actions: Sequence[ActionItem],
    *,
    organisation: str = "",
    reviewed_on: dt.date | None = None,
    framework: Framework | None = None,
    next_review: dt.date | None = None,
    suggestions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build the values the review templates are filled with (the names are listed in the module docstring).

    ``required`` are the competencies of the person's level (``sglogs.frameworks.required_competencies``); when
    empty (a log whose framework is unknown) the competencies the log itself lists are used. ``framework``, when
    given, supplies the framework's title and the level's full heading. ``reviewed_on`` defaults to today;
    ``next_review`` is printed as the next review date when the log's sign-off block records none (``None``:
    left blank to write by hand); ``suggestions`` defaults to ``load_suggestions()``. A finding whose code has
    no suggestion is shown without one.

    Example:
        >>> from sglogs.models import SourceFile, LogFileFormat
        >>> log = ParsedLog(source=SourceFile(path="a.docx", sha256="0" * 64, format=LogFileFormat.DOCX))
        >>> ctx = review_context(log, [], [], [], reviewed_on=dt.date(2026, 12, 14))
        >>> ctx["ready"], ctx["review"]["date"], ctx["summary"]["evidence"]
        (True, '14 December 2026', 'No evidence rows')
    """
    reviewed_on = reviewed_on or dt.date.today()
    next_review_on = log.signoff.next_review or next_review
    table = load_suggestions() if suggestions is None else suggestions
    ordered = sorted(findings, key=_finding_order)
    coverage = _coverage(log, required)
    columns = [e.row for e in log.entries] if 0 < len(log.entries) <= MATRIX_MAX_COLUMNS else []
    errors = [f for f in ordered if f.severity.blocks_signoff]
    warnings = [f for f in ordered if not f.severity.blocks_signoff]
    counts = _counts(log, coverage, errors, warnings, actions)
    finding_rows = [_finding_row(f) for f in ordered]
    staff = log.staff
    return {
        "organisation": organisation or staff.organisation or "",
        "review": {"date": uk_date(reviewed_on), "date_iso": reviewed_on.isoformat()},
        "log": _log_values(log),
        "staff": {
            "id": staff.id or "",
            "name": staff.name or "Name not recorded",
            "role": staff.role or "",
            "designated_lead": {True: "Yes", False: "No", None: ""}[staff.designated_lead],
        },
        "framework": {
            "id": log.framework or "",
            "title": framework.title if framework else (log.framework or _NOT_RECORDED),
        },
        "level": _level_values(log, required, framework),
        "counts": counts,
        "summary": _summary(log, coverage, counts),
        "ready": not errors,
        "ready_label": ("Cannot judge yet" if readiness(findings) is Readiness.CANNOT_JUDGE
                        else "No" if errors else "Yes"),
        "ready_sentence": _ready_sentence(len(errors), len(warnings), readiness(findings)),
        "verdict": readiness(findings).value,
        "coverage": coverage,
        "matrix": {
            "columns": columns,
            "rows": [
                {
                    "id": c["id"],
                    "short_text": c["short_text"],
                    "cells": [
                        {"mark": "●", "fill": _MARK_FILL} if row in c["rows"] else {"mark": "", "fill": _NO_FILL}
                        for row in columns
                    ],
                    "count": c["count"],
                    "count_fill": c["count_fill"],
                    "status_label": c["status_label"],
                }
                for c in coverage
            ],
        },
        "other_cited": _other_cited(log, coverage),
        "findings": finding_rows,
        "errors": [r for r in finding_rows if r["blocks"]],
        "warnings": [r for r in finding_rows if not r["blocks"]],
        "suggestions": _suggestions(ordered, table),
        "own_next_steps": _own_next_steps(log),
        "entries": [
            {
                "row": e.row,
                "date": _entry_date(e.date, e.date_precision),
                "activity": e.activity or "",
                "type": e.type or "",
                "hours": _hours(e.hours) if e.hours is not None else "",
                "competencies": ", ".join(e.competencies),
            }
            for e in log.entries
        ],
        "actions": [_action_row(a) for a in actions],
        "action_blank_rows": list(range(1, ACTION_BLANK_ROWS + 1)),
        "signoff": {
            "manager": log.signoff.manager or "",
            "date": uk_date(log.signoff.date) if log.signoff.date else "",
            "outcome": log.signoff.outcome or "",
            "next_review": uk_date(next_review_on) if next_review_on else "",
        },
    }


def _finding_order(finding: Finding) -> tuple[int, int, int]:
    # errors first; within a severity, what concerns the whole log before evidence rows in row order
    return (0 if finding.severity.blocks_signoff else 1, finding.row is not None, finding.row or 0)


def _identity(log: ParsedLog) -> LogIdentity | None:
    if log.log_id and log.staff.id and log.framework and log.level and log.period.start and log.period.end:
        return LogIdentity(log_id=log.log_id, staff_id=log.staff.id, framework=log.framework, level=log.level,
                           period_start=log.period.start, period_end=log.period.end)  # fmt: skip
    return None


def _log_values(log: ParsedLog) -> dict[str, Any]:
    identity = _identity(log)
    name = Path(log.source.path).name
    if identity is not None:
        footer = footer_line(identity)
    else:
        # a log from an older template carries no identity: the file and its fingerprint name it instead
        footer = f"log without sglogs identity | file {name} | sha256 {log.source.sha256[:16]}"
        if log.staff.id or log.staff.name:
            footer += f" | staff {log.staff.id or log.staff.name}"
    start, end = log.period.start, log.period.end
    return {
        "id": log.log_id or _NOT_RECORDED,
        "footer": footer,
        "period": f"{uk_date(start)} to {uk_date(end)}" if start and end else _NOT_RECORDED,
        "period_start": uk_date(start) if start else "",
        "period_end": uk_date(end) if end else "",
        "period_start_iso": start.isoformat() if start else "",
        "period_end_iso": end.isoformat() if end else "",
        "file": name,
        "sha256": log.source.sha256,
        "format": log.source.format.value,
    }


def _level_values(log: ParsedLog, required: Sequence[RequiredCompetency], framework: Framework | None) -> dict:
    if log.level is None:
        return {"id": "", "name": _NOT_RECORDED, "heading": "level not recorded"}
    if framework is not None:
        try:
            level = framework.level(log.level)
        except KeyError:
            pass
        else:
            return {"id": level.id, "name": level.name, "heading": level_heading(level)}
    name = next((r.level_name for r in required if r.level_id == log.level), f"Level {log.level}")
    return {"id": log.level, "name": name, "heading": name}


def _coverage(log: ParsedLog, required: Sequence[RequiredCompetency]) -> list[dict[str, Any]]:
    cited = _cited_rows(log)
    assessed = {a.id: a for a in log.competencies}
    if required:
        listed = [(r.id, r.competency.text, r.level_name) for r in required]
    else:
        listed = [(a.id, a.text, "") for a in log.competencies]
    rows = []
    for cid, text, level in listed:
        found = cited.get(cid, [])
        status = assessed[cid].status if cid in assessed else CompetencyStatus.BLANK
        rows.append({
            "id": cid,
            "text": text or (assessed[cid].text if cid in assessed else ""),
            "short_text": _short_text(text),
            "level": level,
            "rows": found,
            "rows_text": ", ".join(map(str, found)) or "None",
            "count": len(found),
            "count_fill": _NO_FILL if found else _UNCOVERED_FILL,
            "covered": bool(found),
            "covered_label": "Yes" if found else "No",
            "status": status.value,
            "status_label": _STATUS_LABELS[status],
            "assessed": status is not CompetencyStatus.BLANK,
        })  # fmt: skip
    return rows


def _cited_rows(log: ParsedLog) -> dict[str, list[int]]:
    cited: dict[str, list[int]] = {}
    for entry in log.entries:
        for cid in dict.fromkeys(entry.competencies):
            cited.setdefault(cid, []).append(entry.row)
    return cited


def _other_cited(log: ParsedLog, coverage: Sequence[Mapping[str, Any]]) -> str:
    known = {c["id"] for c in coverage}
    others = [(cid, rows) for cid, rows in _cited_rows(log).items() if cid not in known]
    return ", ".join(f"{cid} ({'row' if len(rows) == 1 else 'rows'} {_join(rows)})" for cid, rows in others)


def _counts(log: ParsedLog, coverage: Sequence[Mapping[str, Any]], errors: Sequence[Finding],
            warnings: Sequence[Finding], actions: Sequence[ActionItem]) -> dict[str, Any]:  # fmt: skip
    statuses = Counter(c["status"] for c in coverage)
    covered = sum(1 for c in coverage if c["covered"])
    return {
        "entries": len(log.entries),
        "hours": sum(e.hours for e in log.entries if e.hours is not None),
        "entries_without_hours": sum(1 for e in log.entries if e.hours is None),
        "types": len(_types(log)),
        "required": len(coverage),
        "covered": covered,
        "uncovered": len(coverage) - covered,
        "met": statuses[CompetencyStatus.MET.value],
        "not_yet": statuses[CompetencyStatus.NOT_YET.value],
        "blank": statuses[CompetencyStatus.BLANK.value],
        "errors": len(errors),
        "warnings": len(warnings),
        "actions": len(actions),
    }


def _types(log: ParsedLog) -> Counter[str]:
    # "E-learning" and "e-learning " are one type; the first spelling met is the one shown
    spelling: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for entry in log.entries:
        if entry.type and entry.type.strip():
            key = " ".join(entry.type.lower().split())
            counts[spelling.setdefault(key, " ".join(entry.type.split()))] += 1
    return counts


def _summary(log: ParsedLog, coverage: Sequence[Mapping[str, Any]], counts: Mapping[str, Any]) -> dict[str, str]:
    entries = log.entries
    if entries:
        dated = [e for e in entries if e.date is not None]
        evidence = count(len(entries), "entry", "entries")
        if dated:
            first = min(dated, key=lambda e: e.date)  # type: ignore[arg-type, return-value]
            last = max(dated, key=lambda e: e.date)  # type: ignore[arg-type, return-value]
            evidence += (f", dated {_long_date(first.date, first.date_precision)} to "
                         f"{_long_date(last.date, last.date_precision)}")  # fmt: skip
        if len(dated) < len(entries):
            evidence += f"; {count(len(entries) - len(dated), 'entry has', 'entries have')} no date"
    else:
        evidence = "No evidence rows"
    hours = f"{_hours(counts['hours'])} hours"
    if counts["entries_without_hours"]:
        hours += f"; {count(counts['entries_without_hours'], 'entry gives', 'entries give')} no hours"
    types = _types(log)
    type_text = count(len(types), "type", "types")
    if types:
        type_text += ": " + ", ".join(f"{name} ({n})" for name, n in types.most_common())
    uncovered = [c["id"] for c in coverage if not c["covered"]]
    coverage_text = f"{counts['covered']} of {count(counts['required'], 'competency', 'competencies')}"
    if not coverage:
        coverage_text = "Not known: the log lists no competencies"
    elif uncovered:
        coverage_text += f"; no evidence yet for {_join(uncovered)}"
    assessment = (f"{counts['met']} met, {counts['not_yet']} not yet met, "
                  f"{counts['blank']} not assessed")  # fmt: skip
    errors, warnings = counts["errors"], counts["warnings"]
    findings = "; ".join([
        f"{count(errors, 'error', 'errors')} (must be put right before sign-off)" if errors else "No errors",
        f"{count(warnings, 'warning', 'warnings')} (advice)" if warnings else "no warnings",
    ])  # fmt: skip
    return {"evidence": evidence, "hours": hours, "types": type_text, "coverage": coverage_text,
            "assessment": assessment, "findings": findings}  # fmt: skip


def _ready_sentence(errors: int, warnings: int, verdict: Readiness = Readiness.READY) -> str:
    if verdict is Readiness.CANNOT_JUDGE:
        return ("Cannot judge yet: sglogs does not know this log's framework and level, so it cannot tell which "
                "competencies the log must show; write them on the log's cover or match it to the roster, then "
                "review it again.")
    if errors:
        return f"Not ready for sign-off: {count(errors, 'error', 'errors')} must be put right first."
    if warnings:
        return f"Ready for sign-off: nothing blocks it; {count(warnings, 'warning is', 'warnings are')} advice."
    return "Ready for sign-off: no findings."


def _finding_row(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity.value.capitalize(),
        "code": finding.code,
        "row": str(finding.row) if finding.row is not None else "Whole log",
        "competency": finding.competency or "",
        "message": finding.message,
        "blocks": finding.severity.blocks_signoff,
        "fill": _SEVERITY_FILLS[finding.severity],
    }


def _suggestions(findings: Iterable[Finding], table: Mapping[str, str]) -> list[dict[str, str]]:
    grouped: dict[str, tuple[list[int], list[str]]] = {}
    for finding in findings:
        if finding.code not in table:
            continue
        rows, competencies = grouped.setdefault(finding.code, ([], []))
        if finding.row is not None and finding.row not in rows:
            rows.append(finding.row)
        if finding.competency and finding.competency not in competencies:
            competencies.append(finding.competency)
    result = []
    for code, (rows, competencies) in grouped.items():
        rows.sort()
        where = []
        if rows:
            where.append(f"{'row' if len(rows) == 1 else 'rows'} {_join(rows)}")
        if competencies:
            where.append(f"{'competency' if len(competencies) == 1 else 'competencies'} {_join(competencies)}")
        result.append({"code": code, "text": table[code], "rows": _join(rows), "competencies": _join(competencies),
                       "where": "; ".join(where)})  # fmt: skip
    return result


def _own_next_steps(log: ParsedLog) -> list[str]:
    steps = [" ".join(s.split()) for s in log.next_steps if s.strip()]
    steps += [f"{' '.join(e.next_steps.split())} (evidence row {e.row})" for e in log.entries
              if e.next_steps and e.next_steps.strip()]  # fmt: skip
    return list(dict.fromkeys(steps))


def _action_row(item: ActionItem) -> dict[str, str]:
    return {
        "reference": item.reference,
        "action": item.action,
        "competency": item.competency or "",
        "owner": item.owner or "",
        "resources": item.resources or "",
        "target_date": short_date(item.target_date) or "To agree",
        "success_criteria": item.success_criteria or "",
        "rag": item.rag.value.capitalize() if item.rag else "",
        "rag_fill": _RAG_FILLS.get(item.rag, "FFFFFF"),
        "review_date": short_date(item.review_date),
        "progress": item.progress or "",
    }


def _join(values: Iterable[object]) -> str:
    return ", ".join(map(str, values))


def _hours(value: float) -> str:
    return f"{round(value, 2):g}"


def _entry_date(value: dt.date | None, precision: DatePrecision) -> str:
    if value is None:
        return "Not given"
    return f"{value:%B %Y}" if precision is DatePrecision.MONTH else f"{value:%d/%m/%Y}"


def _long_date(value: dt.date | None, precision: DatePrecision) -> str:
    if value is None:
        return ""
    return f"{value:%B %Y}" if precision is DatePrecision.MONTH else uk_date(value)


def _short_text(text: str, limit: int = SHORT_TEXT_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + "…"
