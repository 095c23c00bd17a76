"""Checks a read log against what the frameworks ask of evidence: dated, in period, varied, personal, covering
every competency, applied to practice, ending in CPD next steps.

Each check is a small named function ``(ctx) -> list[Finding]`` listed in ``CHECKS``; thresholds come from
``CheckSettings`` (``[checks]`` in sglogs.toml) and wording and severity from ``sglogs/findings.toml``. Checks
know nothing of files: they take a ``ParsedLog``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import CheckSettings
from .core.dates import add_years
from .core.formatting import count, short_date
from .errors import ConfigError
from .frameworks import required_competencies
from .models import CompetencyStatus, DatePrecision, EvidenceEntry, Finding, Framework, ParsedLog, Period, Severity
from .records import formal_training_dates, online_hours_needed
from .shipped import shipped_path
from .verdicts import outcome_met, signoff_verdict

FINDINGS_FILE = shipped_path("findings.toml")


@dataclass(frozen=True)
class CheckContext:
    """Everything the checks look at for one log.

    ``required`` are the competency ids the person must evidence (``None`` when unknown: the log lists none and
    its framework or level is unknown); ``last_formal_training`` comes from earlier logs where sglogs knows
    them; ``copied`` maps an evidence row to the person whose log in the same batch has the same reflection.

    Example:
        >>> ctx = CheckContext(log=log, required=("1.1",), settings=CheckSettings(),
        ...     today=dt.date(2026, 12, 1))  # doctest: +SKIP
    """

    log: ParsedLog
    required: tuple[str, ...] | None
    settings: CheckSettings
    today: dt.date
    framework: Framework | None = None
    level_name: str = ""
    refresher_years: int | None = None
    last_formal_training: dt.date | None = None
    copied: Mapping[int, str] = field(default_factory=dict)


Check = Callable[[CheckContext], list[Finding]]


@functools.cache
def _wording() -> dict[str, dict[str, str]]:
    try:
        data = tomllib.loads(FINDINGS_FILE.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{FINDINGS_FILE} cannot be read ({exc}); restore it from git.") from exc
    return data


def finding(code: str, *, row: int | None = None, competency: str | None = None, **values: object) -> Finding:
    """A finding with the wording and severity ``findings.toml`` gives ``code``.

    Example:
        >>> finding("DATE_MISSING", row=3).message
        'Evidence row 3 has no date; add the date of the learning so it can be revisited and its relevance reviewed.'
    """
    entry = _wording().get(code)
    if entry is None:
        raise ConfigError(f"{FINDINGS_FILE} has no wording for finding {code}; add a [{code}] table.")
    try:
        message = entry["message"].format(row=row, competency=competency, **values)
        severity = Severity(entry["severity"])
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError(f"{FINDINGS_FILE}: [{code}] is malformed ({exc}); check its message and severity.") from exc
    return Finding(code=code, severity=severity, message=message, row=row, competency=competency)


def _uk(day: dt.date) -> str:
    return short_date(day)


def _words(text: str | None) -> int:
    return len((text or "").split())


def _normalised(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", (text or "").lower()).split())


# ---------------------------------------------------------------------------------------------- the checks


def check_has_evidence(ctx: CheckContext) -> list[Finding]:
    """No entries at all (or fewer than ``min_entries``); a paper log not keyed in yet says so instead."""
    if ctx.log.paper_pages and not ctx.log.entries:
        return [finding("PAPER_NEEDS_KEYING", pages=count(len(ctx.log.paper_pages), "page"))]
    return [finding("NO_EVIDENCE")] if len(ctx.log.entries) < max(1, ctx.settings.min_entries) else []


def in_period(entry: EvidenceEntry, period: Period) -> bool:
    """Whether an entry's date falls within the log period (undated entries count: they are flagged apart).

    A month-only date ("March 2026") is read as the 1st, so the period's first month counts as in it.

    Example:
        >>> in_period(EvidenceEntry(row=1, date=dt.date(2025, 6, 14)), Period(start=dt.date(2025, 11, 1)))
        False
    """
    if entry.date is None:
        return True
    if period.end and entry.date > period.end:
        return False
    if period.start and entry.date < period.start:
        return entry.date_precision is DatePrecision.MONTH and entry.date == period.start.replace(day=1)
    return True


def check_dates(ctx: CheckContext) -> list[Finding]:
    """Every entry dated, not in the future, within the log period, to the day."""
    out: list[Finding] = []
    period = ctx.log.period
    for entry in ctx.log.entries:
        if entry.date is None:
            out.append(finding("DATE_MISSING", row=entry.row))
            continue
        shown = f"{entry.date:%B %Y}" if entry.date_precision is DatePrecision.MONTH else _uk(entry.date)
        if entry.date > ctx.today:
            out.append(finding("DATE_FUTURE", row=entry.row, date=shown))
        elif period.end and entry.date > period.end:
            out.append(finding("DATE_AFTER_PERIOD", row=entry.row, date=shown, end=_uk(period.end)))
        month_start = period.start.replace(day=1) if period.start else None
        if period.start and entry.date < period.start and not (
            entry.date_precision is DatePrecision.MONTH and entry.date == month_start
        ):
            out.append(finding("DATE_BEFORE_PERIOD", row=entry.row, date=shown, start=_uk(period.start),
                               end=_uk(period.end) if period.end else "?"))
        if entry.date_precision is DatePrecision.MONTH:
            out.append(finding("DATE_MONTH_ONLY", row=entry.row, date=shown))
    return out


def check_coverage(ctx: CheckContext) -> list[Finding]:
    """Every required competency has specific evidence; evidence names only competencies in the log.

    Unknown framework or level: "cannot judge yet" (LLR: "All practitioners are expected to meet the Core
    Competencies", so coverage needs the list of competencies).
    """
    if ctx.required is None:
        return [finding("FRAMEWORK_UNKNOWN")]
    # a catch-all row ("all", or most of the log's competencies) is not specific evidence of any one
    catch_all = catch_all_rows(ctx.log, ctx.required, ctx.settings)
    # learning dated outside the log's year is not evidence of this year (flagged by check_dates)
    evidenced = {cid for entry in ctx.log.entries if entry.row not in catch_all and in_period(entry, ctx.log.period)
                 for cid in entry.competencies}
    texts = {c.id: c.text for c in ctx.log.competencies}
    if ctx.framework is not None:
        for cid in ctx.required:
            if not texts.get(cid):
                with contextlib.suppress(KeyError):
                    texts[cid] = ctx.framework.competency(cid).text
    out = [finding("COMPETENCY_UNCOVERED", competency=cid, text=_quoted(texts.get(cid, "")))
           for cid in ctx.required if cid not in evidenced]
    known = set(ctx.required)
    for entry in ctx.log.entries:
        for cid in entry.competencies:
            if cid not in known:
                out.append(finding("COMPETENCY_NOT_IN_LOG", row=entry.row, competency=cid))
    return out


def catch_all_rows(log: ParsedLog, required: Sequence[str] | None, settings: CheckSettings) -> set[int]:
    """Rows claiming more than ``max_row_competency_share`` of the log's competencies (at least three).

    LLR Q-card: "Is the evidence collated; varied, meaningful and personal to the individual?" -- one row
    ticking every competency is none of these.

    Example:
        >>> catch_all_rows(log, ("1.1", "1.2", "2.1", "2.2"), CheckSettings())  # doctest: +SKIP
        {4}
    """
    total = len(required or ()) or len(log.competencies)
    if total < 3:
        return set()
    limit = max(2, settings.max_row_competency_share * total)
    return {e.row for e in log.entries if len(set(e.competencies)) > limit}


def check_catch_all(ctx: CheckContext) -> list[Finding]:
    """A row claiming (nearly) every competency is flagged and covers none."""
    total = len(ctx.required or ()) or len(ctx.log.competencies)
    rows = catch_all_rows(ctx.log, ctx.required, ctx.settings)
    return [finding("CATCH_ALL_ROW", row=e.row, count=len(set(e.competencies)), total=total)
            for e in ctx.log.entries if e.row in rows]


def check_manager_assessment(ctx: CheckContext) -> list[Finding]:
    """The manager's own assessment is respected: "not yet met" or "not assessed" is never made "ready".

    LLR: "After 12months, competencies should be 'signed off' and a fresh log created" -- signed off by the
    manager, so sglogs' evidence view never overrides the manager's per-competency assessment or outcome.
    Before the manager has assessed anything the log is not ready either ("not assessed" is never "ready"):
    the sign-off sheet is where the manager records the assessment.
    """
    out: list[Finding] = []
    statuses = ctx.log.competencies
    started = any(c.status is not CompetencyStatus.BLANK for c in statuses)
    for c in statuses:
        if c.status is CompetencyStatus.NOT_YET:
            out.append(finding("MANAGER_NOT_YET", competency=c.id, text=_quoted(c.text)))
    blank = [c.id for c in statuses if c.status is CompetencyStatus.BLANK]
    if statuses and not started:
        out.append(finding("MANAGER_NONE_ASSESSED", count=len(statuses)))
    elif blank:
        shown = ", ".join(blank[:6]) + (f" and {len(blank) - 6} more" if len(blank) > 6 else "")
        out.append(finding("MANAGER_NOT_ASSESSED", count=len(blank), ids=shown))
    if outcome_met(ctx.log.signoff.outcome) is False:
        out.append(finding("OUTCOME_NOT_MET", outcome=" ".join((ctx.log.signoff.outcome or "").split())))
    return out


def _quoted(text: str) -> str:
    """A competency's text for a message: ' ("...")' without its closing punctuation, or nothing."""
    text = " ".join(text.split()).rstrip(" ,;:.")
    return f' ("{text}")' if text else ""


def _type_key(entry: EvidenceEntry) -> str | None:
    return _normalised(entry.type) or None


def check_variety(ctx: CheckContext) -> list[Finding]:
    """Enough different types of learning, and no one type dominating."""
    entries = ctx.log.entries
    if len(entries) < ctx.settings.min_entries_for_pattern_checks:
        return []
    counts = Counter(key for e in entries if (key := _type_key(e)))
    out: list[Finding] = []
    if counts and len(counts) < ctx.settings.min_activity_types:
        names = {_type_key(e): e.type for e in entries if e.type}
        out.append(finding("VARIETY_FEW_TYPES", count=len(counts), minimum=ctx.settings.min_activity_types,
                           types=", ".join(str(names[k]) for k in counts)))
    if counts:
        key, top = counts.most_common(1)[0]
        share = top / len(entries)
        name = next(e.type for e in entries if _type_key(e) == key)
        if len(counts) == 1 and len(entries) > 1:
            out.append(finding("VARIETY_ONE_TYPE", type=name))
        elif share > ctx.settings.max_type_share and len(counts) > 1:
            out.append(finding("VARIETY_MOSTLY_ONE_TYPE", share=f"{share:.0%}", type=name))
    return out


def check_bunching(ctx: CheckContext) -> list[Finding]:
    """Most of the evidence recorded within a short window (e.g. the month before review)."""
    dates = sorted(e.date for e in ctx.log.entries if e.date is not None)
    if len(dates) < ctx.settings.min_entries_for_pattern_checks:
        return []
    window = dt.timedelta(days=ctx.settings.bunching_days)
    best, best_start = 0, 0
    end = 0
    for start in range(len(dates)):
        while end < len(dates) and dates[end] - dates[start] <= window:
            end += 1
        if end - start > best:
            best, best_start = end - start, start
    share = best / len(dates)
    if share <= ctx.settings.max_bunched_share:
        return []
    return [finding("EVIDENCE_BUNCHED", share=f"{share:.0%}", days=ctx.settings.bunching_days,
                    start=_uk(dates[best_start]), end=_uk(dates[best_start + best - 1]))]


def check_reflections(ctx: CheckContext) -> list[Finding]:
    """Each entry has a reflection, long enough, and not copied from another row or another person."""
    out: list[Finding] = []
    seen: list[tuple[int, str]] = []
    for entry in ctx.log.entries:
        if not (entry.reflection or "").strip():
            out.append(finding("REFLECTION_MISSING", row=entry.row))
            continue
        words = _words(entry.reflection)
        if words < ctx.settings.min_reflection_words:
            out.append(finding("REFLECTION_SHORT", row=entry.row, count=words,
                               minimum=ctx.settings.min_reflection_words))
        text = _normalised(entry.reflection)
        for other_row, other in seen:
            if _similar(text, other, ctx.settings.repeated_reflection_similarity):
                out.append(finding("REFLECTION_REPEATED", row=entry.row, other=other_row))
                break
        seen.append((entry.row, text))
        if entry.row in ctx.copied:
            out.append(finding("REFLECTION_COPIED", row=entry.row, other=ctx.copied[entry.row]))
    return out


def _similar(a: str, b: str, threshold: float) -> bool:
    if min(len(a), len(b)) < 20:  # short texts ("Attended.") are caught as too short, not as copies
        return False
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold


def check_online_applied(ctx: CheckContext) -> list[Finding]:
    """Online learning says how it was applied to practice (the LLR Q-card question)."""
    online = tuple(t.lower() for t in ctx.settings.online_types)
    applied = [re.compile(rf"(?<!\w){re.escape(w.lower())}(?!\w)") for w in ctx.settings.application_words]
    out: list[Finding] = []
    for entry in ctx.log.entries:
        kind = (entry.type or "").lower()
        if not kind or not any(word in kind for word in online):
            continue
        reflection = (entry.reflection or "").lower()
        if not any(word.search(reflection) for word in applied):
            out.append(finding("ONLINE_NOT_APPLIED", row=entry.row, type=entry.type))
    return out


def check_next_steps(ctx: CheckContext) -> list[Finding]:
    """CPD next steps are identified (in the next-steps table or the evidence's next-steps column)."""
    if ctx.log.next_steps or any(e.next_steps for e in ctx.log.entries):
        return []
    return [finding("NEXT_STEPS_MISSING")]


def check_signoff(ctx: CheckContext) -> list[Finding]:
    """The manager has signed the review: a name, a date and an outcome, the date neither in the future nor
    before the year's evidence (``verdicts.signoff_verdict``, the one copy of the rule).

    LLR: "After 12months, competencies should be 'signed off' and a fresh log created." A sign-off problem
    makes the log "not signed off", not "not ready": these findings are warnings.
    """
    verdict = signoff_verdict(ctx.log, ctx.today)
    out = [finding(verdict.code, **dict(verdict.values))] if verdict.code else []
    not_yet = [c.id for c in ctx.log.competencies if c.status is CompetencyStatus.NOT_YET]
    if not_yet and outcome_met(ctx.log.signoff.outcome) is True:
        marked = (f"competency {not_yet[0]} is marked" if len(not_yet) == 1
                  else f"competencies {', '.join(not_yet)} are marked")
        out.append(finding("OUTCOME_CONTRADICTS", outcome=" ".join((ctx.log.signoff.outcome or "").split()),
                           marked=marked))
    return out


def check_hours(ctx: CheckContext) -> list[Finding]:
    """Total hours at least the organisation's minimum for the framework and level, where one is set."""
    minimums = ctx.settings.min_hours.get(ctx.log.framework or "", {})
    minimum = minimums.get(ctx.log.level or "")
    if minimum is None:
        return []
    total = sum(e.hours or 0 for e in ctx.log.entries)
    if total >= minimum:
        return []
    return [finding("HOURS_BELOW_MINIMUM", hours=f"{total:g}", minimum=f"{minimum:g}",
                    level=ctx.level_name or f"level {ctx.log.level}")]


def check_refresher(ctx: CheckContext) -> list[Finding]:
    """Formal training within the refresher period (3 years, 2 for designated/named leads).

    LSCP: "For designated safeguarding leads ..., this should be at least every two years"; "For all other
    staff, at least every 3 years". London: "Named, Designated Leads for Child Protection should undertake
    refresher training every 2 yrs."
    """
    if ctx.refresher_years is None:
        return []
    # one copy of "what renews a refresher" (records.formal_training_dates), shared with the register
    hours = online_hours_needed(ctx.framework, ctx.log.level, ctx.settings.refresher_min_online_hours)
    dates = formal_training_dates(ctx.log.entries, ctx.settings.formal_types, ctx.settings.online_types, hours)
    if ctx.last_formal_training:
        dates.append(ctx.last_formal_training)
    if not dates:
        return [finding("REFRESHER_UNKNOWN", years=ctx.refresher_years)]
    last = max(dates)
    due = add_years(last, ctx.refresher_years)
    # a log already signed off is judged as at its sign-off: last year's log, read today, was in date when its
    # manager signed it (whether the person is in date *now* is the register's question)
    signed = signoff_verdict(ctx.log, ctx.today)
    as_at = ctx.log.signoff.date if signed.signed_off and ctx.log.signoff.date else ctx.today
    if due < as_at:
        return [finding("REFRESHER_OVERDUE", last=_uk(last), years=ctx.refresher_years)]
    return []


# A child's personal data in evidence: NHS numbers, dates of birth, named children, addresses.
_NHS_NUMBER = re.compile(r"\b(\d{3})[ -]?(\d{3})[ -]?(\d{4})\b")
_DATE_OF_BIRTH = re.compile(r"\b(?:d\.?\s?o\.?\s?b\b\.?|date of birth\b|born on\b|born\b)(?:\s*(?:is|was|:|-))?\s*\d",
                            re.IGNORECASE)
_NAMED_CHILD = re.compile(r"\b(?i:child|boy|girl|baby|toddler|pupil|young person|son|daughter)\s+(?i:called|named)\s+"
                          r"[A-Z][a-z]+")
_NAME_AND_AGE = re.compile(r"\b[A-Z][a-z]{2,}(?:\s*\((?:aged?\s*)?\d{1,2}(?:\s*(?:yrs?|years?|months?))?\)"
                           r"|,\s+aged\s+\d{1,2}\b)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_STREET = re.compile(r"\b\d{1,4}\s+(?!(?:Family|Crown|County|Youth|Magistrates|High)\s+Court\b)"
                     r"[A-Z][a-z]+\s+(?:Road|Street|Avenue|Close|Lane|Drive|Way|Crescent|Gardens|Court)\b")


def _nhs_checksum_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def child_data_in(text: str) -> str | None:
    """What in ``text`` looks like a child's personal data, or ``None``.

    Example:
        >>> child_data_in("Discussed a boy called Jamie, DOB 03/04/2019")
        'a date of birth'
        >>> child_data_in("Completed the neglect module") is None
        True
    """
    if _DATE_OF_BIRTH.search(text):
        return "a date of birth"
    for match in _NHS_NUMBER.finditer(text):
        if _nhs_checksum_ok("".join(match.groups())):
            return "what looks like an NHS number"
    if _NAMED_CHILD.search(text) or _NAME_AND_AGE.search(text):
        return "a child's name"
    if _STREET.search(text) or _POSTCODE.search(text):
        return "an address"
    return None


def check_child_data(ctx: CheckContext) -> list[Finding]:
    """Free text that looks like a child's personal data (name with DOB, NHS number, address)."""
    out: list[Finding] = []
    for entry in ctx.log.entries:
        text = " ".join(filter(None, (entry.activity, entry.reflection, entry.next_steps)))
        what = child_data_in(text)
        if what:
            out.append(finding("CHILD_DATA", row=entry.row, what=what))
    return out


_ROW_WARNING = re.compile(r"^evidence row (\d+) \(")


def check_read_warnings(ctx: CheckContext) -> list[Finding]:
    """Values the reader could not understand, so the person can correct them.

    A month-only date is already ``DATE_MONTH_ONLY``; its reader warning is not repeated.
    """
    month_rows = {e.row for e in ctx.log.entries if e.date_precision is DatePrecision.MONTH}
    out: list[Finding] = []
    for warning in ctx.log.warnings:
        match = _ROW_WARNING.match(warning)
        if match is None:
            continue
        row = int(match.group(1))
        if row in month_rows and " date '" in warning:
            continue
        # the manager needs the problem, not where the reader found it in the file ("(table 3, row 11): ")
        detail = warning.split("): ", 1)[-1].rstrip(".")
        out.append(finding("VALUE_UNCLEAR", row=row, text=detail))
    return out


#: The checks, in the order their findings are reported.
CHECKS: tuple[Check, ...] = (
    check_has_evidence,
    check_dates,
    check_coverage,
    check_catch_all,
    check_manager_assessment,
    check_reflections,
    check_online_applied,
    check_variety,
    check_bunching,
    check_hours,
    check_refresher,
    check_next_steps,
    check_signoff,
    check_child_data,
    check_read_warnings,
)


def required_ids(log: ParsedLog, framework: Framework | None) -> tuple[str, ...] | None:
    """The competency ids a log must evidence: those it lists, else those its framework and level give.

    Example:
        >>> required_ids(log, None)  # doctest: +SKIP
        ('1.1', '1.2')
    """
    if log.competencies:
        return tuple(c.id for c in log.competencies)
    if framework is not None and log.level:
        try:
            return tuple(c.id for c in required_competencies(framework, log.level))
        except KeyError:
            return None
    return None


def check_log(
    log: ParsedLog,
    settings: CheckSettings,
    *,
    frameworks: Mapping[str, Framework] | None = None,
    today: dt.date | None = None,
    last_formal_training: dt.date | None = None,
    copied: Mapping[int, str] | None = None,
) -> list[Finding]:
    """Run every check on a read log; error-level findings block sign-off.

    Example:
        >>> findings = check_log(read_log(path), load_settings().checks)  # doctest: +SKIP
        >>> [f.code for f in findings if f.severity is Severity.ERROR]  # doctest: +SKIP
        ['COMPETENCY_UNCOVERED']
    """
    framework = (frameworks or {}).get(log.framework or "")
    level_name = ""
    if framework is not None and log.level:
        try:
            level_name = framework.level(log.level).name
        except KeyError:
            level_name = ""
    refresher = framework.refresher.years_for(bool(log.staff.designated_lead)) if framework else None
    ctx = CheckContext(
        log=log,
        required=required_ids(log, framework),
        settings=settings,
        today=today or dt.date.today(),
        framework=framework,
        level_name=level_name,
        refresher_years=refresher,
        last_formal_training=last_formal_training,
        copied=copied or {},
    )
    return [f for check in CHECKS for f in check(ctx)]


def ready_for_signoff(findings: Sequence[Finding]) -> bool:
    """Whether nothing blocks sign-off (no error-level finding).

    Example:
        >>> ready_for_signoff([finding("SIGNOFF_MISSING")])
        True
    """
    return not any(f.severity.blocks_signoff for f in findings)


def copied_reflections(logs: Sequence[ParsedLog]) -> list[dict[int, str]]:
    """For each log of a batch, the rows whose reflection is the same as in another person's log.

    The value names the other person by staff id (or file name when the log has none), never by name.

    Example:
        >>> copied_reflections([log_a, log_b])  # doctest: +SKIP
        [{3: 'NS002'}, {5: 'NS001'}]
    """
    owners: dict[str, set[str]] = {}
    keys = [log.staff.id or Path(log.source.path).stem for log in logs]
    for key, log in zip(keys, logs, strict=True):
        for entry in log.entries:
            text = _normalised(entry.reflection)
            if _words(text) >= 5:  # "Attended training." is too short to call a copy
                owners.setdefault(text, set()).add(key)
    result: list[dict[int, str]] = []
    for key, log in zip(keys, logs, strict=True):
        rows: dict[int, str] = {}
        for entry in log.entries:
            others = sorted(owners.get(_normalised(entry.reflection), set()) - {key})
            if others:
                # name a few: a reflection pasted into a whole team's logs should not print the whole team
                shown = ", ".join(others[:3])
                rows[entry.row] = shown if len(others) <= 3 else f"{shown} and {len(others) - 3} more"
        result.append(rows)
    return result
