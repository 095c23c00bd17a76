"""The documents a manager uses at review: feedback report, sign-off sheet and development action plan (annex 1).

``review_context`` turns a read log, its findings and its action items into one dict of plain values;
``ReviewTemplates`` fills the templates in ``templates/`` with it (``feedback.docx``, ``signoff.docx``,
``action_plan.docx`` and the ``action_plan.xlsx`` workbook). Findings and action items are inputs: this module
computes neither. Suggested next steps come from ``suggestions.toml`` beside this module, keyed by finding code.

The Word templates are docxtpl documents, prepared once per run and rendered per person without re-reading them
(``sglogs.generate.docx.DocxLogTemplate``), with autoescape on. The workbook is loaded from bytes read once and
written with openpyxl; its action rows are written here, not by Jinja (only the cells and footers holding
``{{ ... }}`` are templates). Every file is written atomically, readable by its owner only by default: review
documents quote a person's evidence.

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
import io
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from xml.sax.saxutils import escape

import jinja2
from lxml import etree
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from ..errors import ConfigError, TemplateError
from ..files import atomic_write_bytes
from ..generate.context import level_heading, uk_date
from ..generate.docx import DocxLogTemplate
from ..generate.package import MAX_PART_BYTES, write_package
from ..generate.properties import CORE_PART, CUSTOM_PART
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
from ..shipped import shipped_path, template_file
from ..workbook_text import put_text, set_text

__all__ = [
    "ACTION_BLANK_ROWS",
    "MATRIX_MAX_COLUMNS",
    "SUGGESTIONS_FILE",
    "ReviewTemplates",
    "load_suggestions",
    "review_context",
]

#: Above this many evidence rows the coverage matrix lists row numbers per competency instead of one column per
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

_TEMPLATE_FILES = {"feedback": "feedback.docx", "signoff": "signoff.docx", "action_plan": "action_plan.docx"}
_TITLES = {
    "feedback": "Feedback report",
    "signoff": "Review and sign-off",
    "action_plan": "Development action plan (annex 1)",
}
_WORKBOOK_FILE = "action_plan.xlsx"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


# ------------------------------------------------------------------------------------------------ context


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
        "ready_label": "No" if errors else "Yes",
        "ready_sentence": _ready_sentence(len(errors), len(warnings)),
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
        footer = identity.footer_line()
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
        evidence = _plural(len(entries), "entry", "entries")
        if dated:
            first = min(dated, key=lambda e: e.date)  # type: ignore[arg-type, return-value]
            last = max(dated, key=lambda e: e.date)  # type: ignore[arg-type, return-value]
            evidence += (f", dated {_long_date(first.date, first.date_precision)} to "
                         f"{_long_date(last.date, last.date_precision)}")  # fmt: skip
        if len(dated) < len(entries):
            evidence += f"; {_plural(len(entries) - len(dated), 'entry has', 'entries have')} no date"
    else:
        evidence = "No evidence rows"
    hours = f"{_hours(counts['hours'])} hours"
    if counts["entries_without_hours"]:
        hours += f"; {_plural(counts['entries_without_hours'], 'entry gives', 'entries give')} no hours"
    types = _types(log)
    type_text = _plural(len(types), "type", "types")
    if types:
        type_text += ": " + ", ".join(f"{name} ({n})" for name, n in types.most_common())
    uncovered = [c["id"] for c in coverage if not c["covered"]]
    coverage_text = f"{counts['covered']} of {_plural(counts['required'], 'competency', 'competencies')}"
    if not coverage:
        coverage_text = "Not known: the log lists no competencies"
    elif uncovered:
        coverage_text += f"; no evidence yet for {_join(uncovered)}"
    assessment = (f"{counts['met']} met, {counts['not_yet']} not yet met, "
                  f"{counts['blank']} not assessed")  # fmt: skip
    errors, warnings = counts["errors"], counts["warnings"]
    findings = "; ".join([
        f"{_plural(errors, 'error', 'errors')} (must be put right before sign-off)" if errors else "No errors",
        f"{_plural(warnings, 'warning', 'warnings')} (advice)" if warnings else "no warnings",
    ])  # fmt: skip
    return {"evidence": evidence, "hours": hours, "types": type_text, "coverage": coverage_text,
            "assessment": assessment, "findings": findings}  # fmt: skip


def _ready_sentence(errors: int, warnings: int) -> str:
    if errors:
        return f"Not ready for sign-off: {_plural(errors, 'error', 'errors')} must be put right first."
    if warnings:
        return f"Ready for sign-off: nothing blocks it; {_plural(warnings, 'warning is', 'warnings are')} advice."
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
        "target_date": _short_date(item.target_date),
        "success_criteria": item.success_criteria or "",
        "rag": item.rag.value.capitalize(),
        "rag_fill": _RAG_FILLS[item.rag],
        "review_date": _short_date(item.review_date),
        "progress": item.progress or "",
    }


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _join(values: Iterable[object]) -> str:
    return ", ".join(map(str, values))


def _hours(value: float) -> str:
    return f"{round(value, 2):g}"


def _short_date(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


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


# ---------------------------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class ReviewTemplates:
    """The review templates of a run, prepared once and written per person.

    Example:
        >>> templates = ReviewTemplates.prepare(Path("templates"))  # doctest: +SKIP
        >>> templates.write_signoff(Path("outbox/reviews/NS001/signoff.docx"), context)  # doctest: +SKIP
    """

    feedback: DocxLogTemplate
    signoff: DocxLogTemplate
    action_plan: DocxLogTemplate
    workbook: _ActionPlanWorkbook

    @classmethod
    def prepare(cls, templates_dir: Path | None = None) -> ReviewTemplates:
        """Read and compile the four review templates: the organisation's own in ``templates_dir``, else the shipped.

        Raises ``TemplateError`` when one is missing, damaged, has a malformed placeholder or no
        ``{{ log.footer }}`` in its page footer.

        Example:
            >>> ReviewTemplates.prepare().workbook.sheet  # doctest: +SKIP
            'Annex 1'
        """
        docs = {kind: DocxLogTemplate.prepare(template_file(name, templates_dir))
                for kind, name in _TEMPLATE_FILES.items()}
        return cls(workbook=_ActionPlanWorkbook.prepare(template_file(_WORKBOOK_FILE, templates_dir)), **docs)

    def write_feedback(self, path: Path, context: Mapping[str, Any], mode: int = 0o600) -> None:
        """Write the feedback report (summary, coverage matrix, findings, suggested next steps) atomically.

        Example:
            >>> templates.write_feedback(Path("feedback.docx"), context)  # doctest: +SKIP
        """
        _write_docx(self.feedback, "feedback", Path(path), context, mode)

    def write_signoff(self, path: Path, context: Mapping[str, Any], mode: int = 0o600) -> None:
        """Write the sign-off sheet (competencies with their assessment and evidence rows, signatures) atomically.

        Example:
            >>> templates.write_signoff(Path("signoff.docx"), context)  # doctest: +SKIP
        """
        _write_docx(self.signoff, "signoff", Path(path), context, mode)

    def write_action_plan_docx(self, path: Path, context: Mapping[str, Any], mode: int = 0o600) -> None:
        """Write the development action plan (annex 1) as a landscape Word table, atomically.

        Example:
            >>> templates.write_action_plan_docx(Path("action_plan.docx"), context)  # doctest: +SKIP
        """
        _write_docx(self.action_plan, "action_plan", Path(path), context, mode)

    def write_action_plan_xlsx(
        self, path: Path, actions: Sequence[ActionItem], context: Mapping[str, Any], mode: int = 0o600
    ) -> None:
        """Write the development action plan (annex 1) workbook, one row per action with real dates, atomically.

        Example:
            >>> templates.write_action_plan_xlsx(Path("action_plan.xlsx"), actions, context)  # doctest: +SKIP
        """
        atomic_write_bytes(Path(path), self.workbook.render(actions, context), mode)


def _write_docx(template: DocxLogTemplate, kind: str, path: Path, context: Mapping[str, Any], mode: int) -> None:
    rendered = template.render_parts(dict(context))
    rendered["word/document.xml"] = tidy_tables(rendered["word/document.xml"])
    rendered |= _property_parts(kind, context)
    write_package(path, template.order, template.static, rendered, mode=mode)


def _property_parts(kind: str, context: Mapping[str, Any]) -> dict[str, bytes]:
    """Core and custom properties naming the document and the log it reviews.

    They deliberately do not repeat the log's own ``sglogs_log_id`` properties or identity keywords: a review
    document dropped into the inbox must not pass for the log itself.
    """
    log, staff = context["log"], context["staff"]
    stamp = f"{context['review']['date_iso']}T00:00:00Z"  # the review date: the same inputs give the same file
    title = f"{_TITLES[kind]} - {staff['name']}"
    keywords = f"sglogs review; {kind}; reviews log {log['id']}"
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title>"
        f"<dc:subject>{escape('Review of safeguarding competency log ' + log['id'])}</dc:subject>"
        f"<dc:creator>{escape(context.get('organisation') or 'sglogs')}</dc:creator>"
        f"<cp:keywords>{escape(keywords)}</cp:keywords>"
        "<cp:lastModifiedBy>sglogs</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    props = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{pid}" name="{name}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(_review_properties(kind, context).items(), start=2)
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
    )
    return {CORE_PART: core.encode("utf-8"), CUSTOM_PART: custom.encode("utf-8")}


def _review_properties(kind: str, context: Mapping[str, Any]) -> dict[str, str]:
    return {
        "sglogs_document": kind,
        "sglogs_reviewed_log_id": context["log"]["id"],
        "sglogs_reviewed_sha256": context["log"]["sha256"],
        "sglogs_reviewed_on": context["review"]["date_iso"],
    }


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MIN_COLUMN_TWIPS = 567  # 1 cm: the narrowest a text column is squeezed to
# Children of w:tcPr that the schema puts after w:shd; docxtpl's cellbg writes w:shd first, which Word may refuse.
_AFTER_SHD = frozenset(f"{_W}{tag}" for tag in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"))


def tidy_tables(xml: bytes) -> bytes:
    """Make rendered tables valid and well laid out: grids that match their cells, cell properties in order.

    After ``{%tc for %}`` column loops add or remove cells, the table grid no longer matches the cells. docxtpl's
    own fix shares the width equally between all columns; here the repeated cells keep the width the template
    gives them and the widest column (the competency text) absorbs the difference, so the table keeps its width.
    ``{% cellbg %}`` puts the cell shading first among the cell properties, out of schema order; it is moved to
    its place. A document that needs neither is returned unchanged.

    Example:
        >>> tidy_tables(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    """
    if b"<w:tbl>" not in xml:
        return xml
    root = etree.fromstring(xml)
    changed = False
    for tbl in root.iter(f"{_W}tbl"):
        changed |= _fit_grid(tbl)
    if b"<w:tcPr><w:shd " in xml:
        for tc_pr in root.iter(f"{_W}tcPr"):
            changed |= _order_shading(tc_pr)
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _order_shading(tc_pr: etree._Element) -> bool:
    shd = tc_pr.find(f"{_W}shd")
    if shd is None:
        return False
    others = [child for child in tc_pr if child is not shd]
    place = next((i for i, child in enumerate(others) if child.tag in _AFTER_SHD), len(others))
    if tc_pr.index(shd) == place:
        return False
    tc_pr.remove(shd)
    tc_pr.insert(place, shd)
    return True


def _fit_grid(tbl: etree._Element) -> bool:
    grid = tbl.find(f"{_W}tblGrid")
    rows = tbl.findall(f"{_W}tr")
    if grid is None or not rows:
        return False
    row_cells = [r.findall(f"{_W}tc") for r in rows]
    widest = max(row_cells, key=len)
    widths = []
    for tc in widest:
        width = tc.find(f"{_W}tcPr/{_W}tcW")
        if width is None or tc.find(f"{_W}tcPr/{_W}gridSpan") is not None or width.get(f"{_W}type") != "dxa":
            return False  # merged or auto-width cells: leave the layout to Word
        widths.append(int(width.get(f"{_W}w")))
    current = [int(c.get(f"{_W}w", "0")) for c in grid.findall(f"{_W}gridCol")]
    tbl_w = tbl.find(f"{_W}tblPr/{_W}tblW")
    target = int(tbl_w.get(f"{_W}w")) if tbl_w is not None and tbl_w.get(f"{_W}type") == "dxa" else sum(widths)
    if current == widths and sum(widths) == target:
        return False
    slack = widths.index(max(widths))
    widths[slack] = max(_MIN_COLUMN_TWIPS, widths[slack] + target - sum(widths))
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        etree.SubElement(grid, f"{_W}gridCol").set(f"{_W}w", str(width))
    for cells in row_cells:
        if len(cells) == len(widths):
            cells[slack].find(f"{_W}tcPr/{_W}tcW").set(f"{_W}w", str(widths[slack]))
    return True


# ------------------------------------------------------------------------------------- action-plan workbook

#: Column headers of the action plan (normalised: lower case, letters only) and the ``ActionItem`` field each holds.
_ACTION_COLUMNS = {
    "reference": "reference", "ref": "reference", "action": "action", "competency": "competency",
    "owner": "owner", "resources": "resources", "targetdate": "target_date", "successcriteria": "success_criteria",
    "ragstatus": "rag", "rag": "rag", "reviewdate": "review_date", "progress": "progress",
}  # fmt: skip
_HEADER_SEARCH_ROWS = 20
# Arial 10 in Excel: about 1.2 average characters per unit of column width, 12.75 points per line.
_CHARS_PER_WIDTH, _POINTS_PER_LINE = 1.2, 12.75
_BLANK_ROW_POINTS = 28.0  # two lines of handwriting in the printed empty rows
_JINJA_MARK = re.compile(r"\{[{%#]")


def _hf(value: object) -> str:
    """Header/footer text treats ``&`` as a code prefix; a literal ampersand is written ``&&``."""
    return str(value).replace("&", "&&")


@functools.cache
def _xlsx_environment() -> jinja2.Environment:
    # openpyxl escapes cell text itself: HTML-escaping here would print "&amp;" in the cell
    # bandit B701: this renders workbook cells, not HTML; cells are written as text by sglogs.workbook_text
    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)  # nosec B701
    env.filters["hf"] = _hf
    return env


@dataclass(frozen=True)
class _ActionPlanWorkbook:
    """``templates/action_plan.xlsx`` read once: its bytes, where the header is, and its placeholder cells."""

    path: Path
    data: bytes
    sheet: str
    header_row: int
    columns: Mapping[str, int]
    cells: Mapping[str, jinja2.Template]
    footers: Mapping[tuple[str, str], jinja2.Template]

    @classmethod
    def prepare(cls, path: Path) -> _ActionPlanWorkbook:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TemplateError(
                f"The template {path} is missing; rebuild it (tools/build_review_templates.py) or restore it from git."
            ) from None
        if len(data) > MAX_PART_BYTES:
            raise TemplateError(f"The template {path} is larger than 20 MB; use a smaller template.")
        try:
            wb = load_workbook(io.BytesIO(data))
        except Exception as exc:  # openpyxl raises many types for a damaged file; the message names the file
            raise TemplateError(f"The template {path} is not a valid Excel workbook ({exc}); save it again from "
                                "Excel, or remove it to use the shipped one.") from exc
        for ws in wb.worksheets:
            found = _find_header(ws)
            if found is not None:
                header_row, columns = found
                break
        else:
            raise TemplateError(f"{path} has no header row with 'Reference' and 'Action'; restore the template.")
        env = _xlsx_environment()
        cells: dict[str, jinja2.Template] = {}
        footers: dict[tuple[str, str], jinja2.Template] = {}
        try:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and _JINJA_MARK.search(cell.value):
                        cells[cell.coordinate] = env.from_string(cell.value)
            for which in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
                for part in ("left", "center", "right"):
                    text = getattr(getattr(ws, which), part).text
                    if text and _JINJA_MARK.search(text):
                        footers[(which, part)] = env.from_string(text)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{path}: a placeholder is malformed ({exc.message}); fix it in Excel.") from exc
        if not any("log.footer" in (getattr(getattr(ws, w), p).text or "") for w, p in footers):
            raise TemplateError(
                f"{path} has no footer with {{{{ log.footer|hf }}}}; put it in the page footer so every printed page "
                "shows which log it belongs to."
            )
        return cls(path=path, data=data, sheet=ws.title, header_row=header_row, columns=columns, cells=cells,
                   footers=footers)  # fmt: skip

    def render(self, actions: Sequence[ActionItem], context: Mapping[str, Any]) -> bytes:
        wb = load_workbook(io.BytesIO(self.data))
        ws = wb[self.sheet]
        try:
            for coordinate, template in self.cells.items():
                set_text(ws[coordinate], template.render(context))  # security: text, never a formula
            for (which, part), template in self.footers.items():
                getattr(getattr(ws, which), part).text = _clean(template.render(context))
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"{self.path}: {exc.message}; use only the names listed in sglogs/reports/documents.py."
            ) from exc
        first = self.header_row + 1
        styled_last = _styled_last_row(ws, first)
        for index, item in enumerate(actions):
            row = first + index
            if row > styled_last:
                _copy_row_style(ws, first, row)
            lines = 1
            for field, col in self.columns.items():
                value = _cell_value(item, field)
                put_text(ws, row, col, value)  # security: text, never a formula
                if isinstance(value, str):
                    lines = max(lines, _lines(value, ws.column_dimensions[get_column_letter(col)].width))
            # Excel does not fit a row to wrapped text when it opens a file: the height is set from the text
            ws.row_dimensions[row].height = round(lines * _POINTS_PER_LINE + 4, 1)
        last = first + max(len(actions), 1) - 1
        if last > styled_last:
            _grow_ranges(ws, styled_last, last)
        last_col = get_column_letter(max(self.columns.values()))
        ws.auto_filter.ref = f"A{self.header_row}:{last_col}{last}"
        # the empty rows prepared for hand-added actions are bordered: Excel would print all of them, so the
        # print area stops a few rows below the plan, as the Word plan does
        print_last = first + len(actions) + ACTION_BLANK_ROWS - 1
        ws.print_area = f"A1:{last_col}{print_last}"
        for row in range(first + len(actions), print_last + 1):
            ws.row_dimensions[row].height = _BLANK_ROW_POINTS
        for name, value in _review_properties("action_plan", context).items():
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
        wb.properties.title = f"{_TITLES['action_plan']} - {context['staff']['name']}"
        wb.properties.creator = context.get("organisation") or "sglogs"
        stamp = dt.datetime.fromisoformat(context["review"]["date_iso"])
        wb.properties.created = wb.properties.modified = stamp
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def _find_header(ws: Any) -> tuple[int, dict[str, int]] | None:
    for row in ws.iter_rows(min_row=1, max_row=_HEADER_SEARCH_ROWS):
        columns: dict[str, int] = {}
        for cell in row:
            if isinstance(cell.value, str):
                field = _ACTION_COLUMNS.get(re.sub(r"[^a-z]", "", cell.value.lower()))
                if field and field not in columns:
                    columns[field] = cell.column
        if {"reference", "action"} <= columns.keys():
            return row[0].row, columns
    return None


def _cell_value(item: ActionItem, field: str) -> str | dt.date | None:
    value = getattr(item, field)
    if isinstance(value, RagStatus):
        return value.value.capitalize()
    if isinstance(value, str):
        return _clean(value)
    return value


def _clean(text: str) -> str:
    # a control character pasted from Word makes openpyxl refuse the whole workbook
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _lines(text: str, width: float | None) -> int:
    chars = max(int((width or 10) * _CHARS_PER_WIDTH) - 1, 1)
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


def _styled_last_row(ws: Any, first: int) -> int:
    """The last row the template prepared (bordered, with the drop-down), at least the first data row."""
    last = first
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            last = max(last, cell_range.max_row)
    return last


def _copy_row_style(ws: Any, source: int, target: int) -> None:
    for cell in ws[source]:
        new = ws.cell(row=target, column=cell.column)
        new._style = copy(cell._style)


def _grow_ranges(ws: Any, old_last: int, new_last: int) -> None:
    """Extend the drop-downs and colour rules that end on the template's last row to the plan's last row."""
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            if cell_range.max_row == old_last:
                cell_range.expand(down=new_last - old_last)
    grown = []
    for formatting in ws.conditional_formatting:
        for cell_range in formatting.sqref.ranges:
            if cell_range.max_row == old_last:
                bigger = CellRange(cell_range.coord)
                bigger.expand(down=new_last - old_last)
                grown.append((bigger.coord, formatting.rules))
    for coord, rules in grown:
        for rule in rules:
            ws.conditional_formatting.add(coord, rule)
