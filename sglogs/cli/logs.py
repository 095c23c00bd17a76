"""The log commands: ``generate``, ``read``, ``check``, ``review`` and ``renew`` (parsing and printing only)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..config import load_settings
from ..core.formatting import count
from ..errors import ExitCode, UsageError
from ..frameworks import installed_frameworks
from ..generate.logs import GenerateOptions, LogFormat, generate_logs
from ..roster import count_rows
from .app import app
from .console import err, out, user_errors
from .options import OutboxOption, outbox_settings, parse_date, parse_days

# ------------------------------------------------------------------------------------------------ generate


def _parse_formats(text: str) -> tuple[LogFormat, ...]:
    try:
        formats = tuple(dict.fromkeys(LogFormat(part.strip().lower()) for part in text.split(",") if part.strip()))
    except ValueError:
        raise UsageError(f"--format '{text}' is not understood; use docx, xlsx or docx,xlsx.") from None
    if not formats:
        raise UsageError("--format is empty; use docx, xlsx or docx,xlsx.")
    return formats


@app.command()
@user_errors
def generate(
    roster: Annotated[Path, typer.Argument(help="Roster spreadsheet (.xlsx or .csv), one row per member of staff.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the logs [default: logs in the "
                                                 "outbox].")] = None,
    formats: Annotated[str | None, typer.Option("--format", help="docx, xlsx or docx,xlsx [default: both].")] = None,
    start: Annotated[str | None, typer.Option(help="Period start for rows without one, e.g. 01/04/2026 "
                                              "[default: today].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Regenerate logs that already exist.")] = False,
    outbox: OutboxOption = None,
) -> None:
    """Generate each person's 12-month competency log (Word and Excel) from a roster.

    Example: sglogs generate examples/roster.xlsx --start 01/01/2026
    """
    settings = outbox_settings(outbox)
    options = GenerateOptions(
        roster=roster,
        out=out_dir or settings.outbox / "logs",
        formats=_parse_formats(formats) if formats else tuple(LogFormat(f) for f in settings.generate.formats),
        start=parse_date(start, "--start"),
        force=force,
    )
    total = count_rows(roster)
    with Progress(TextColumn("Generating logs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=total < 20) as progress:
        task = progress.add_task("generate", total=total)
        report = generate_logs(options, settings, on_progress=lambda n: progress.advance(task, n))
    for rejected in report.rejected:
        who = f" ({rejected.staff_id})" if rejected.staff_id else ""
        err.print(f"Row {rejected.row_number}{who}: {rejected.reason}")
    written = ", ".join(f"{n} {fmt}" for fmt, n in sorted(report.written.items())) or "no new files"
    err.print(f"{count(report.people, 'person', 'people')}: wrote {written} in {report.out}.")
    if report.skipped:
        err.print(f"{count(report.skipped, 'log')} already existed and were kept (use --force to regenerate them).")
    if report.rejected:
        err.print(f"[bold yellow]{len(report.rejected)} roster rows were rejected[/]; see "
                  f"{escape(str(report.errors_file))}, fix those rows and run again (existing logs are kept).",
                  markup=True)
        raise typer.Exit(int(ExitCode.FINDINGS))


# ---------------------------------------------------------------------------------------------------- read


@app.command()
@user_errors
def read(
    path: Annotated[Path, typer.Argument(help="A completed log: .docx, .xlsx or .pdf.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the structured evidence as JSON.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Say how each table and column was understood, "
                                          "and what was left out and why.")] = False,
) -> None:
    """Read a completed log back into structured evidence.

    Example: sglogs read inbox/NS001_Hartley.docx --json
    """
    from ..read.limited import read_log_in_time  # the readers load lxml and pdfplumber: only when a log is read

    if explain:
        from ..read.explain import explain_log

        for line in explain_log(path):
            out.print(line, markup=False, highlight=False)
    log = read_log_in_time(path)  # in a child process, ended after read.time_limit_seconds
    if as_json:
        sys.stdout.write(log.model_dump_json(indent=2) + "\n")
        return
    _print_log_summary(log)


def _print_log_summary(log: Any) -> None:
    staff = log.staff
    who = " ".join(p for p in (staff.name, f"({staff.id})" if staff.id else None) if p) or "unknown person"
    out.print(Text(who, style="bold"))
    period = log.period
    span = f"{period.start} to {period.end}" if period.start and period.end else "period not stated"
    fw = f"{log.framework} level {log.level}" if log.framework else "framework not stated"
    out.print(f"Log {log.log_id or '(no sglogs identity)'} | {fw} | {span} | {log.source.format.value}")
    met = sum(1 for c in log.competencies if c.status.value == "met")
    out.print(f"{count(len(log.entries), 'evidence entry', 'evidence entries')}, "
              f"{count(len(log.competencies), 'competency', 'competencies')} listed ({met} met), "
              f"{len(log.next_steps)} next steps; sign-off: {log.signoff.outcome or 'not yet'}")
    if log.entries:
        # words wrap, never cut: Rich folds long cells at spaces; reflections are shown in full (issue 16)
        table = Table(box=None, expand=True)
        for name, ratio in (("row", None), ("date", None), ("learning activity", 2), ("type", 1), ("hours", None),
                            ("competencies", 1), ("reflection", 4)):
            table.add_column(name, ratio=ratio, min_width=len(name) if ratio else None, overflow="ellipsis",
                             no_wrap=ratio is None)
        for entry in log.entries:
            date = entry.date.strftime("%d/%m/%Y") if entry.date else "-"
            if entry.date and entry.date_precision.value == "month":
                date = f"{entry.date:%m/%Y}"
            # Text(): what people typed is shown as typed, never read as Rich markup
            table.add_row(str(entry.row), date, Text(entry.activity or "-"), Text(entry.type or "-"),
                          "-" if entry.hours is None else f"{entry.hours:g}",
                          Text(", ".join(entry.competencies) or "-"), Text(entry.reflection or "-"))
        out.print(table)
    if log.warnings:
        out.print(f"[bold yellow]{count(len(log.warnings), 'thing')} could not be read as written:[/]", markup=True)
        for warning in log.warnings:
            out.print(f"  - {warning}", markup=False)


# ------------------------------------------------------------------------------------------- check, review


@app.command()
@user_errors
def check(
    path: Annotated[Path, typer.Argument(help="A completed log: .docx, .xlsx or .pdf.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check a completed log; exit 0 when nothing blocks sign-off, 1 when something does.

    Example: sglogs check inbox/NS001_Hartley.docx
    """
    from ..checks import check_log, ready_for_signoff
    from ..read.limited import read_log_in_time
    from ..verdicts import readiness

    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    log = read_log_in_time(path, settings, frameworks)
    findings = check_log(log, settings.checks, frameworks=frameworks)
    ready = ready_for_signoff(findings)
    verdict = readiness(findings)
    if as_json:
        sys.stdout.write(json.dumps({
            "log_id": log.log_id, "staff_id": log.staff.id, "ready_for_signoff": ready,
            "verdict": verdict.value.replace(" ", "_"),
            "findings": [f.model_dump(mode="json") for f in findings],
        }, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_findings(log, findings, verdict)
    if not ready:
        raise typer.Exit(int(ExitCode.FINDINGS))


def _print_findings(log: Any, findings: list[Any], verdict: Any) -> None:
    who = " ".join(p for p in (log.staff.name, f"({log.staff.id})" if log.staff.id else None) if p)
    entries = count(len(log.entries), "evidence entry", "evidence entries")
    out.print(Text(f"{who or Path(log.source.path).name}: {entries}", style="bold"))
    for item in findings:
        colour = "red" if item.severity.blocks_signoff else "yellow"
        # the code is for programs (check --json); people read the sentence
        out.print(Text.assemble((f"  {item.severity.value.capitalize():<7} ", colour), item.message))
    words, colour = {"ready": ("Ready for sign-off", "green"),
                     "not ready": ("Not ready for sign-off: fix the errors above", "red"),
                     "cannot judge yet": ("Cannot judge yet: sglogs does not know this log's framework and level; "
                                          "write them on its cover or match it to the roster", "yellow")}[verdict.value]
    out.print(Text(words, style=f"bold {colour}"))


@app.command()
@user_errors
def review(
    path: Annotated[Path, typer.Argument(help="A completed log, or a folder of them.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the review documents, in the outbox or "
                                                 "anywhere else (the outbox's record index lists them) "
                                                 "[default: reviews in the outbox].")] = None,
    outbox: OutboxOption = None,
) -> None:
    """Read and check logs, then write the feedback report, sign-off sheet and action plan for each.

    Example: sglogs review inbox/ --out outbox/reviews
    """
    from ..review import review_folder, review_log
    from ..verdicts import readiness

    settings = outbox_settings(outbox)
    target = out_dir or settings.outbox / "reviews"
    if path.is_dir():
        from ..review import log_files

        total = len(log_files(path))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=err, transient=True, disable=total < 5) as progress:
            reading = progress.add_task("Reading logs", total=total)
            reviewing = progress.add_task("Reviewing", total=total)
            batch = review_folder(path, settings, out_dir=target,
                                  on_progress=lambda stage, n: progress.advance(reading if stage == "read"
                                                                                else reviewing, n))
        for result in sorted(batch.results, key=lambda r: (r.ready, r.staff_id or "")):
            errors = sum(1 for f in result.findings if f.severity.blocks_signoff)
            state = ("ready" if result.ready else "cannot judge yet (framework or level unknown)"
                     if readiness(result.findings).value == "cannot judge yet" else f"not ready ({errors} to fix)")
            who = " ".join(p for p in (result.staff_id, result.staff_name) if p)
            unnamed = "" if result.staff_id else " (no staff id: the register matches it by the name on its cover)"
            out.print(f"{who + ', ' if who else ''}{result.source.name}: {state}{unnamed}")
        for source, reason in batch.failures:
            err.print(f"{source.name}: {reason}")
        for source, reason in batch.skipped:
            err.print(f"Skipped {source.name}: {reason}")
        summary = (f"summary in {batch.summary}" if batch.summary else
                   "no batch summary written (the one already there, if any, is kept)")
        err.print(f"{count(len(batch.results), 'log')} reviewed, {batch.ready_count} ready for sign-off, "
                  f"{len(batch.failures)} could not be read, {len(batch.skipped)} skipped (not logs); {summary}, "
                  f"documents in {target}.")
        if batch.failures:
            raise typer.Exit(int(ExitCode.UNREADABLE_INPUT))
        if batch.ready_count < len(batch.results):
            raise typer.Exit(int(ExitCode.FINDINGS))
        return
    result = review_log(path, settings, out_dir=target)
    for output in result.outputs:
        out.print(str(output))
    errors = sum(1 for f in result.findings if f.severity.blocks_signoff)
    err.print(f"{'Ready' if result.ready else 'Not ready'} for sign-off: {count(errors, 'error')}, "
              f"{count(len(result.findings) - errors, 'warning')}. Open the feedback report first.")
    if not result.ready:
        raise typer.Exit(int(ExitCode.FINDINGS))


# --------------------------------------------------------------------------------------------------- renew


@app.command()
@user_errors
def renew(
    due_within: Annotated[str, typer.Option("--due-within", help="Renew logs ending within this many days, "
                                            "e.g. 30d (signed-off logs are always renewed).")] = "30d",
    roster: Annotated[Path | None, typer.Option(help="Current roster: its levels win (a level change gets the "
                                                "new level's competencies).")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the logs [default: logs in the "
                                                 "outbox].")] = None,
    outbox: OutboxOption = None,
) -> None:
    """Start the next 12-month log for everyone whose log is ending or signed off, carrying next steps forward.

    Example: sglogs renew --due-within 30d --roster roster.xlsx
    """
    from ..renew import RenewOptions, renew_logs

    settings = outbox_settings(outbox)
    options = RenewOptions(out=out_dir or settings.outbox / "logs", roster=roster,
                           due_within_days=parse_days(due_within),
                           formats=tuple(LogFormat(f) for f in settings.generate.formats))
    report = renew_logs(options, settings)
    for staff_id, path in report.renewed:
        out.print(f"{staff_id}: {path}")
    err.print(f"{count(len(report.renewed), 'log')} renewed, {len(report.already_renewed)} already renewed, "
              f"{len(report.not_due)} not due yet, {len(report.not_started)} whose next log has not begun, "
              f"{count(len(report.without_log), 'person', 'people')} with no log to renew"
              + (f" (run 'sglogs generate' for them: {', '.join(report.without_log[:10])})"
                 if report.without_log else "") + ".")
    if report.level_changed:
        err.print(f"Level changed since the last log (new competencies): {', '.join(report.level_changed)}.")
    for rejected in report.rejected:
        err.print(f"Roster row {rejected.row_number}: {rejected.reason}")
    if report.rejected:
        raise typer.Exit(int(ExitCode.FINDINGS))
