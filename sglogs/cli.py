"""The ``sglogs`` command: argument parsing and printing only; the work is done by library functions.

Errors raised by the library are turned into one plain sentence and an exit code here, in ``_user_errors``
(``--debug`` shows the traceback instead). Data goes to stdout, messages and progress to stderr.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from . import __version__
from .config import load_settings
from .core.dates import parse_uk_date
from .errors import ExitCode, SglogsError, UsageError
from .files import make_folders
from .frameworks import (
    export_csv,
    framework_yaml,
    installed_frameworks,
    json_schema,
    load_framework,
    read_framework_table,
    required_competencies,
)
from .generate.logs import GenerateOptions, LogFormat, generate_logs
from .roster import count_rows

app = typer.Typer(
    help="Safeguarding-children competency logs: generate, read, check and review them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help texts hold "[default: ...]": plain text, not Rich markup that would swallow the brackets
    rich_markup_mode=None,
)
frameworks_app = typer.Typer(help="List, show, validate, import and export competency frameworks.",
                             no_args_is_help=True)
app.add_typer(frameworks_app, name="frameworks")

# markup only where a call asks for it: data printed here (names, evidence) may contain "[" and "]"
out = Console(highlight=False, soft_wrap=True, markup=False)
# messages are never wrapped: a path or a sentence broken over lines is harder to copy into an e-mail to IT
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
_state = {"debug": False}
F = TypeVar("F", bound=Callable[..., Any])


def _user_errors(func: F) -> F:
    """Turn sglogs errors into one sentence on stderr and their exit code: the only place this happens."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SglogsError as exc:
            if _state["debug"]:
                raise
            err.print(f"[bold red]Error:[/] {escape(exc.message)}", markup=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except ValidationError as exc:  # an option's value out of range, caught by the options model
            if _state["debug"]:
                raise
            problem = exc.errors()[0]
            name = "--" + str(problem["loc"][0]).replace("_", "-") if problem["loc"] else "an option"
            err.print(f"[bold red]Error:[/] {escape(name)} is not allowed: {escape(problem['msg'].lower())}; "
                      "change it and run again.", markup=True)
            raise typer.Exit(int(ExitCode.USAGE)) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        out.print(f"sglogs {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """sglogs: competency logs from a roster, read back, checked and reviewed.

    Exit codes: 0 ok, 1 findings or rejected rows, 2 usage, 3 unreadable or unsafe input, 4 configuration.
    """
    _state["debug"] = debug


# ------------------------------------------------------------------------------------------------ generate


def _parse_formats(text: str) -> tuple[LogFormat, ...]:
    try:
        formats = tuple(dict.fromkeys(LogFormat(part.strip().lower()) for part in text.split(",") if part.strip()))
    except ValueError:
        raise UsageError(f"--format '{text}' is not understood; use docx, xlsx or docx,xlsx.") from None
    if not formats:
        raise UsageError("--format is empty; use docx, xlsx or docx,xlsx.")
    return formats


def _parse_start(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_uk_date(text)
    except ValueError:
        raise UsageError(f"--start '{text}' is not a date; write it as 2026-01-01 or 01/01/2026.") from None


@app.command()
@_user_errors
def generate(
    roster: Annotated[Path, typer.Argument(help="Roster spreadsheet (.xlsx or .csv), one row per member of staff.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the logs [default: outbox/logs].")] = None,
    formats: Annotated[str | None, typer.Option("--format", help="docx, xlsx or docx,xlsx [default: both].")] = None,
    start: Annotated[str | None, typer.Option(help="Period start for rows without one, e.g. 01/04/2026 "
                                              "[default: today].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Regenerate logs that already exist.")] = False,
) -> None:
    """Generate each person's 12-month competency log (Word and Excel) from a roster.

    Example: sglogs generate examples/roster.xlsx --start 01/01/2026
    """
    settings = load_settings()
    options = GenerateOptions(
        roster=roster,
        out=out_dir or settings.outbox / "logs",
        formats=_parse_formats(formats) if formats else tuple(LogFormat(f) for f in settings.generate.formats),
        start=_parse_start(start),
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
    err.print(f"{report.people} people: wrote {written} in {report.out}.")
    if report.skipped:
        err.print(f"{report.skipped} logs already existed and were kept (use --force to regenerate them).")
    if report.rejected:
        err.print(f"[bold yellow]{len(report.rejected)} roster rows were rejected[/]; see "
                  f"{escape(str(report.errors_file))}, fix those rows and run again (existing logs are kept).",
                  markup=True)
        raise typer.Exit(int(ExitCode.FINDINGS))


# ---------------------------------------------------------------------------------------------------- read


@app.command()
@_user_errors
def read(
    path: Annotated[Path, typer.Argument(help="A completed log: .docx, .xlsx or .pdf.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the structured evidence as JSON.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Say how each table and column was understood, "
                                          "and what was left out and why.")] = False,
) -> None:
    """Read a completed log back into structured evidence.

    Example: sglogs read inbox/NS001_Hartley.docx --json
    """
    from .read.limited import read_log_in_time  # the readers load lxml and pdfplumber: only when a log is read

    if explain:
        from .read.explain import explain_log

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
    out.print(f"{len(log.entries)} evidence entries, {len(log.competencies)} competencies listed ({met} met), "
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
        out.print(f"[bold yellow]{len(log.warnings)} things could not be read as written:[/]", markup=True)
        for warning in log.warnings:
            out.print(f"  - {warning}", markup=False)


# ------------------------------------------------------------------------------------------- check, review


@app.command()
@_user_errors
def check(
    path: Annotated[Path, typer.Argument(help="A completed log: .docx, .xlsx or .pdf.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check a completed log; exit 0 when nothing blocks sign-off, 1 when something does.

    Example: sglogs check inbox/NS001_Hartley.docx
    """
    from .checks import check_log, ready_for_signoff
    from .read.limited import read_log_in_time

    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    log = read_log_in_time(path, settings, frameworks)
    findings = check_log(log, settings.checks, frameworks=frameworks)
    ready = ready_for_signoff(findings)
    if as_json:
        sys.stdout.write(json.dumps({
            "log_id": log.log_id, "staff_id": log.staff.id, "ready_for_signoff": ready,
            "findings": [f.model_dump(mode="json") for f in findings],
        }, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_findings(log, findings, ready)
    if not ready:
        raise typer.Exit(int(ExitCode.FINDINGS))


def _print_findings(log: Any, findings: list[Any], ready: bool) -> None:
    who = " ".join(p for p in (log.staff.name, f"({log.staff.id})" if log.staff.id else None) if p)
    out.print(Text(f"{who or Path(log.source.path).name}: {len(log.entries)} evidence entries", style="bold"))
    for item in findings:
        colour = "red" if item.severity.blocks_signoff else "yellow"
        out.print(Text.assemble((f"  {item.severity.value:<7} ", colour), (f"{item.code:<22} ", "dim"),
                                item.message))
    verdict = ("Ready for sign-off", "green") if ready else ("Not ready for sign-off: fix the errors above", "red")
    out.print(Text(verdict[0], style=f"bold {verdict[1]}"))


@app.command()
@_user_errors
def review(
    path: Annotated[Path, typer.Argument(help="A completed log, or a folder of them.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the review documents "
                                                 "[default: outbox/reviews].")] = None,
) -> None:
    """Read and check logs, then write the feedback report, sign-off sheet and action plan for each.

    Example: sglogs review inbox/ --out outbox/reviews
    """
    from .review import review_folder, review_log

    settings = load_settings()
    target = out_dir or settings.outbox / "reviews"
    if path.is_dir():
        from .review import log_files

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
            state = "ready" if result.ready else f"not ready ({errors} to fix)"
            out.print(f"{result.staff_id or result.source.name}: {state}")
        for source, reason in batch.failures:
            err.print(f"{source.name}: {reason}")
        err.print(f"{len(batch.results)} logs reviewed, {batch.ready_count} ready for sign-off, "
                  f"{len(batch.failures)} could not be read; summary in {batch.summary}, documents in {target}.")
        if batch.failures:
            raise typer.Exit(int(ExitCode.UNREADABLE_INPUT))
        if batch.ready_count < len(batch.results):
            raise typer.Exit(int(ExitCode.FINDINGS))
        return
    result = review_log(path, settings, out_dir=target)
    for output in result.outputs:
        out.print(str(output))
    errors = sum(1 for f in result.findings if f.severity.blocks_signoff)
    err.print(f"{'Ready' if result.ready else 'Not ready'} for sign-off: {errors} errors, "
              f"{len(result.findings) - errors} warnings. Open the feedback report first.")
    if not result.ready:
        raise typer.Exit(int(ExitCode.FINDINGS))


# --------------------------------------------------------------------------------------------------- renew


def _parse_days(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*(d|days?)?\s*", text.lower())
    if match is None:
        raise UsageError(f"--due-within '{text}' is not a number of days; write it as 30d or 30.")
    return int(match.group(1))


@app.command()
@_user_errors
def renew(
    due_within: Annotated[str, typer.Option("--due-within", help="Renew logs ending within this many days, "
                                            "e.g. 30d (signed-off logs are always renewed).")] = "30d",
    roster: Annotated[Path | None, typer.Option(help="Current roster: its levels win (a level change gets the "
                                                "new level's competencies).")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the logs [default: outbox/logs].")] = None,
) -> None:
    """Start the next 12-month log for everyone whose log is ending or signed off, carrying next steps forward.

    Example: sglogs renew --due-within 30d --roster roster.xlsx
    """
    from .renew import RenewOptions, renew_logs

    settings = load_settings()
    options = RenewOptions(out=out_dir or settings.outbox / "logs", roster=roster,
                           due_within_days=_parse_days(due_within),
                           formats=tuple(LogFormat(f) for f in settings.generate.formats))
    report = renew_logs(options, settings)
    for staff_id, path in report.renewed:
        out.print(f"{staff_id}: {path}")
    err.print(f"{len(report.renewed)} logs renewed, {len(report.already_renewed)} already renewed, "
              f"{len(report.not_due)} not due yet, {len(report.without_log)} people with no log to renew"
              + (f" (run 'sglogs generate' for them: {', '.join(report.without_log[:10])})"
                 if report.without_log else "") + ".")
    if report.level_changed:
        err.print(f"Level changed since the last log (new competencies): {', '.join(report.level_changed)}.")
    for rejected in report.rejected:
        err.print(f"Roster row {rejected.row_number}: {rejected.reason}")
    if report.rejected:
        raise typer.Exit(int(ExitCode.FINDINGS))


# ---------------------------------------------------------------------------------------------- frameworks


@frameworks_app.command("list")
@_user_errors
def frameworks_list() -> None:
    """List the frameworks sglogs knows (from the frameworks folder).

    Example: sglogs frameworks list
    """
    settings = load_settings()
    header = ("id", "title", "levels", "competencies", "refresher (years)")
    rows = []
    for fw in installed_frameworks(settings.frameworks_dir).values():
        count = sum(len(lv.competencies) for lv in fw.levels)
        rows.append((fw.id, fw.title, ", ".join(lv.id for lv in fw.levels), str(count),
                     f"{fw.refresher.years} ({fw.refresher.designated_lead_years} for designated leads)"))
    if not out.is_terminal:  # piped: one tab-separated line per framework, easy to cut or sort
        for row in (header, *rows):
            out.print("\t".join(row), markup=False)
        return
    table = Table(*header, box=None)
    for row in rows:
        table.add_row(*row)
    out.print(table)


@frameworks_app.command("show")
@_user_errors
def frameworks_show(
    framework_id: Annotated[str, typer.Argument(help="Framework id, e.g. norfolk-nscp-2024.")],
    level: Annotated[str | None, typer.Option(help="Show the full list a person at this level gets.")] = None,
) -> None:
    """Show a framework's levels and competencies, with where each comes from.

    Example: sglogs frameworks show norfolk-nscp-2024 --level 7
    """
    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    if framework_id not in frameworks:
        raise UsageError(f"There is no framework '{framework_id}'; choose one of: {', '.join(frameworks)}.")
    fw = frameworks[framework_id]
    out.print(f"[bold]{escape(fw.title)}[/] ({fw.id})", markup=True)
    if fw.publisher:
        out.print(fw.publisher)
    if level is not None:
        try:
            comps = required_competencies(fw, level)
        except KeyError:
            known = ", ".join(lv.id for lv in fw.levels)
            raise UsageError(f"{fw.id} has no level '{level}'; choose one of: {known}.") from None
        for c in comps:
            origin = f" [dim](from {c.level_name})[/]" if c.inherited else ""
            out.print(f"  {c.id:>6}  {escape(c.competency.text)}{origin}", markup=True)
        return
    for lv in fw.levels:
        heading = f"{lv.name}" + (f" – {lv.title}" if lv.title else "")
        out.print(f"\n[bold]{escape(heading)}[/]", markup=True)
        if lv.includes:
            out.print(f"  includes: {', '.join(lv.includes)}  [dim]({escape(lv.includes_text)})[/]", markup=True)
        for c in lv.competencies:
            out.print(f"  {c.id:>6}  {escape(c.text)}  [dim]\\[{c.kind.value}][/]", markup=True)


@frameworks_app.command("validate")
@_user_errors
def frameworks_validate(
    path: Annotated[Path, typer.Argument(help="Framework YAML file to check.")],
) -> None:
    """Check a framework file; on error, name the file, the line and the field.

    Example: sglogs frameworks validate frameworks/london.yaml
    """
    fw = load_framework(path)
    count = sum(len(lv.competencies) for lv in fw.levels)
    err.print(f"{path} is valid: {fw.id}, {len(fw.levels)} levels, {count} competencies.")


@frameworks_app.command("import")
@_user_errors
def frameworks_import(
    path: Annotated[Path, typer.Argument(help="Framework table (.csv or .xlsx), format in docs/frameworks.md.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder to write the YAML to "
                                                 "[default: frameworks_dir of sglogs.toml].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a framework file that exists.")] = False,
) -> None:
    """Import a framework from a CSV/XLSX table (e.g. LLR 2014 with core and additional competencies).

    Example: sglogs frameworks import llr-2014.csv
    """
    settings = load_settings()
    target_dir = out_dir or settings.frameworks_dir
    if target_dir is None:
        raise UsageError("There is no folder for your own frameworks yet; name one with frameworks_dir in sglogs.toml "
                         "(sglogs init makes one), or give --out FOLDER.")
    for fw in read_framework_table(path):
        target = target_dir / f"{fw.id}.yaml"
        if target.exists() and not force:
            raise UsageError(f"{target} exists; use --force to replace it.")
        make_folders(target_dir, 0o755)  # security 15.2: one folder maker (frameworks are not personal data)
        target.write_text(framework_yaml(fw), encoding="utf-8")
        count = sum(len(lv.competencies) for lv in fw.levels)
        err.print(f"Imported {fw.id}: {len(fw.levels)} levels, {count} competencies -> {target}")


@frameworks_app.command("export")
@_user_errors
def frameworks_export(
    framework_id: Annotated[str, typer.Argument(help="Framework id.")],
    csv: Annotated[bool, typer.Option("--csv", help="Write the CSV table format (the only format so far).")] = True,
    out_file: Annotated[Path | None, typer.Option("--out", help="File to write [default: stdout].")] = None,
) -> None:
    """Export a framework as a CSV table that 'frameworks import' reads back unchanged.

    Example: sglogs frameworks export london --csv --out london.csv
    """
    settings = load_settings()
    frameworks = installed_frameworks(settings.frameworks_dir)
    if framework_id not in frameworks:
        raise UsageError(f"There is no framework '{framework_id}'; choose one of: {', '.join(frameworks)}.")
    text = export_csv(frameworks[framework_id])
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        err.print(f"Wrote {out_file}")


@frameworks_app.command("schema")
@_user_errors
def frameworks_schema() -> None:
    """Print the JSON Schema of a framework file.

    Example: sglogs frameworks schema > framework.schema.json
    """
    sys.stdout.write(json_schema())


def _register_commands() -> None:
    # the service, annual-cycle and bundle commands live in their own modules to keep this one readable
    from . import cli_bundle, cli_cycle, cli_init, cli_report, cli_service

    cli_init.register(app)
    cli_service.register(app)
    cli_cycle.register(app)
    cli_bundle.register(app)
    cli_report.register(app)


_register_commands()


def main() -> None:
    """Entry point of the ``sglogs`` console script.

    Example:
        >>> main()  # doctest: +SKIP
    """
    app()
