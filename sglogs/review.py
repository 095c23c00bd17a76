"""Review: read a completed log, check it, and write what the manager needs into ``outbox/reviews/<staff-id>/``.

For one log: the feedback report, the sign-off sheet, the action-plan annex (Word and Excel "Annex 1") and the
parsed evidence with its findings as JSON. For a folder: every log, read and checked on all cores, with
reflections compared across people (evidence must be personal), and a batch summary of who is ready for
sign-off and why not.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .actions import action_items
from .checks import check_log, copied_reflections, ready_for_signoff
from .config import Settings
from .core.dates import add_months
from .core.names import review_names
from .core.processes import LimitedPool, TimeLimitExceeded, call_with_time_limit
from .errors import InputError, KeyingError, ReadTimeLimitError, UnsupportedFormatError, UsageError
from .files import atomic_write_bytes, make_folders
from .frameworks import installed_frameworks, required_competencies
from .models import (
    ActionItem,
    Competency,
    Finding,
    Framework,
    LogIdentity,
    OriginalFile,
    ParsedLog,
    RequiredCompetency,
)
from .read import read_log, read_logs
from .read.limited import time_limit_message
from .record_index import add_review, index_folder
from .reports.documents import ReviewTemplates, review_context
from .verdicts import readiness

#: File names sglogs never treats as logs in a folder (Office lock files, sync and system files).
IGNORED_PREFIXES = ("~$", ".~lock", "~RF", "._", ".")
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})


@dataclass(frozen=True)
class ReviewResult:
    """What reviewing one log produced.

    Example:
        >>> result = review_log(Path("inbox/NS001.docx"), settings, out_dir=Path("outbox/reviews"))  # doctest: +SKIP
        >>> result.ready, [p.name for p in result.outputs][:1]  # doctest: +SKIP
        (False, ['NS001-20260101-61a8_feedback.docx'])
    """

    source: Path
    staff_id: str | None
    log_id: str | None
    outputs: tuple[Path, ...]
    findings: tuple[Finding, ...]
    ready: bool
    entries: int = 0
    index_entry: Path | None = None
    staff_name: str | None = None
    period: tuple[dt.date | None, dt.date | None] = (None, None)


@dataclass
class BatchReport:
    """A folder review: one result per log read, and the files that could not be read, with why.

    Example:
        >>> BatchReport().ready_count
        0
    """

    results: list[ReviewResult] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # files that are no log (a README, a photo)
    summary: Path | None = None  # None: no log was reviewed, and a batch summary already there was kept

    @property
    def ready_count(self) -> int:
        """How many reviewed logs have nothing blocking sign-off."""
        return sum(1 for r in self.results if r.ready)


def _required(log: ParsedLog, framework: Framework | None) -> list[RequiredCompetency]:
    """The person's competencies with where each comes from: the framework's account, else the log's list."""
    listed = [c.id for c in log.competencies]
    if framework is not None and log.level:
        try:
            base = required_competencies(framework, log.level)
            extra = [cid for cid in listed if cid not in {c.id for c in base}]
            known = [cid for cid in extra if _has(framework, cid)]
            return required_competencies(framework, log.level, known) if known else base
        except KeyError:
            pass
    return [RequiredCompetency(competency=Competency(id=c.id, text=c.text or c.id), level_id=log.level or "?",
                               level_name=log.level or "") for c in log.competencies]


def _has(framework: Framework, competency_id: str) -> bool:
    try:
        framework.competency(competency_id)
    except KeyError:
        return False
    return True


def _write_json(path: Path, data: object, mode: int) -> None:
    atomic_write_bytes(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), mode)


def original_file(log: ParsedLog) -> OriginalFile:
    """The original of a log reviewed where it lies (``sglogs review``): filed where it was given, absolute.

    Example:
        >>> original_file(read_log(Path("inbox/NS001.docx"))).filed_as  # doctest: +SKIP
        '/home/dsl/inbox/NS001.docx'
    """
    path = Path(log.source.path)
    return OriginalFile(name=path.name, sha256=log.source.sha256, filed_as=os.path.abspath(path))


def _index(outbox: Path, evidence: Path, settings: Settings) -> Path:
    try:
        return add_review(outbox, evidence, file_mode=settings.output.file_mode_bits,
                          dir_mode=settings.output.dir_mode_bits)
    except OSError as exc:
        raise UsageError(f"The review {evidence.name} was written but could not be listed in the outbox's record "
                         f"index {index_folder(outbox)} ({exc.strerror or type(exc).__name__}), so the register "
                         "would not find it; make that folder writable (or give --outbox the installation's "
                         "outbox) and review the log again.") from exc


def _person_folder(out_dir: Path, name: str, mode: int) -> Path:
    folder = out_dir / name
    make_folders(out_dir, mode)  # security 15.2: configured mode for every folder, and no links below out_dir
    return make_folders(folder, mode, within=out_dir)


def write_review(
    log: ParsedLog,
    findings: Sequence[Finding],
    settings: Settings,
    *,
    out_dir: Path,
    templates: ReviewTemplates,
    frameworks: dict[str, Framework],
    today: dt.date,
    names: tuple[str, str] | None = None,
    outbox: Path | None = None,
    original: OriginalFile | None = None,
) -> ReviewResult:
    """Write the review documents of a log already read and checked, and list them in the record index.

    ``names`` is the (person folder, file stem) ``review_names`` chose for it in a batch; ``None``: its own.
    ``outbox`` is the installation whose record index lists the review (``None``: ``settings.outbox``), wherever
    ``out_dir`` is. ``original`` is the file as received (the service's, filed later); ``None``: the file read,
    where it lies.

    Example:
        >>> write_review(log, findings, settings, out_dir=Path("outbox/reviews"), templates=templates,
        ...     frameworks=frameworks, today=dt.date.today())  # doctest: +SKIP
    """
    framework = frameworks.get(log.framework or "")
    actions: list[ActionItem] = action_items(log, findings, settings.review, framework=framework, reviewed_on=today)
    required = _required(log, framework)
    context = review_context(log, findings, required, actions, organisation=settings.organisation,
                             reviewed_on=today, framework=framework,
                             next_review=add_months(today, settings.review.next_review_months))
    mode = settings.output.file_mode_bits
    # security 15.3: names unique by construction (sglogs.core.names); a batch passes names apart from each other
    folder_name, stem = names or review_names([(log.staff.id, _review_stem(log), log.source.path)])[0]
    folder = _person_folder(out_dir, folder_name, settings.output.dir_mode_bits)
    outputs = {
        "feedback": folder / f"{stem}_feedback.docx",
        "signoff": folder / f"{stem}_signoff.docx",
        "plan_docx": folder / f"{stem}_action-plan.docx",
        "plan_xlsx": folder / f"{stem}_action-plan.xlsx",
        "json": folder / f"{stem}_evidence.json",
    }
    templates.write_feedback(outputs["feedback"], context, mode=mode)
    templates.write_signoff(outputs["signoff"], context, mode=mode)
    templates.write_action_plan_docx(outputs["plan_docx"], context, mode=mode)
    templates.write_action_plan_xlsx(outputs["plan_xlsx"], actions, context, mode=mode)
    paper = _paper_pages(log, folder, stem, mode)
    ready = ready_for_signoff(findings)
    _write_json(outputs["json"], {
        "log": log.model_dump(mode="json"),
        "findings": [f.model_dump(mode="json") for f in findings],
        "ready_for_signoff": ready,
        "verdict": readiness(findings).value,
        "action_plan": [a.model_dump(mode="json") for a in actions],
        "reviewed_on": today.isoformat(),
        "original": (original or original_file(log)).model_dump(mode="json"),
    }, mode)
    entry = _index(outbox or settings.outbox, outputs["json"], settings)
    return ReviewResult(source=Path(log.source.path), staff_id=log.staff.id, log_id=log.log_id,
                        outputs=(*outputs.values(), *paper), findings=tuple(findings), ready=ready,
                        entries=len(log.entries), index_entry=entry, staff_name=log.staff.name,
                        period=(log.period.start, log.period.end))


def _review_stem(log: ParsedLog) -> str | None:
    """A Word, Excel or PDF log's review is named by its log id: a newer version of the log replaces it. The pages
    of one paper log may come in several scans and photos, each of only some pages: each keeps its own review,
    page images and keying sheet, named by the log id and the scan's own fingerprint."""
    if not log.paper_pages or not log.log_id:
        return log.log_id
    return f"{log.log_id}-scan-{log.source.sha256[:8]}"


def _paper_pages(log: ParsedLog, folder: Path, stem: str, mode: int) -> list[Path]:
    """The pages of a paper log kept as evidence beside its review, upright, in log order (private, like the rest),
    and the keying sheet (``generate.keying``) the manager types its handwritten entries into.
    """
    written: list[Path] = []
    for order, page in enumerate(log.paper_pages, start=1):
        if not page.image_png:
            continue
        path = folder / f"{stem}_page-{order:02d}.png"
        atomic_write_bytes(path, page.image_png, mode)
        written.append(path)
    if written and log.log_id and log.staff.id and log.framework and log.level and log.period.start \
            and log.period.end:
        from .generate.keying import keying_workbook

        identity = LogIdentity(log_id=log.log_id, staff_id=log.staff.id, framework=log.framework, level=log.level,
                               period_start=log.period.start, period_end=log.period.end)
        try:
            sheet = keying_workbook(identity, written, folder / f"{stem}_keying.xlsx")
        except KeyingError:
            return written  # a framework not installed here: the pages are kept, PAPER_NEEDS_KEYING still says why
        sheet.chmod(mode)
        written.append(sheet)
    return written


_templates_cache: dict[Path | None, ReviewTemplates] = {}


def _templates(settings: Settings) -> ReviewTemplates:
    # a service or a batch reviews many logs: the templates are prepared once per process
    key = settings.templates_dir.resolve() if settings.templates_dir else None
    if key not in _templates_cache:
        _templates_cache[key] = ReviewTemplates.prepare(settings.templates_dir)
    return _templates_cache[key]


def review_log(
    path: Path,
    settings: Settings,
    *,
    out_dir: Path,
    frameworks: dict[str, Framework] | None = None,
    today: dt.date | None = None,
    last_formal_training: dt.date | None = None,
    log: ParsedLog | None = None,
    outbox: Path | None = None,
    original: OriginalFile | None = None,
) -> ReviewResult:
    """Read, check and write the review documents of one completed log, in a child process ended after
    ``read.time_limit_seconds`` (a valid file can be made to take a reader or the review minutes); inside the
    service's workers, which have their own limit, directly.

    ``log`` is the file already read (the service reads each file once, to tell a log from a roster); without it
    the file is read here. ``outbox`` and ``original`` as for ``write_review``; with ``original`` (the service
    reviewing its private copy of a file) the evidence names the original, never the copy's path. Raises
    ``InputError`` (exit 3) when the file cannot be read as a log, or not within the time limit.

    Example:
        >>> review_log(Path("examples/completed/NS001_Hartley_completed.docx"), load_settings(),
        ...     out_dir=Path("outbox/reviews")).ready  # doctest: +SKIP
        True
    """
    return review_logs(path, settings, out_dir=out_dir, frameworks=frameworks, today=today,
                       last_formal_training=last_formal_training, log=log, outbox=outbox, original=original)[0]


def review_logs(
    path: Path,
    settings: Settings,
    *,
    out_dir: Path,
    frameworks: dict[str, Framework] | None = None,
    today: dt.date | None = None,
    last_formal_training: dt.date | None = None,
    log: ParsedLog | None = None,
    outbox: Path | None = None,
    original: OriginalFile | None = None,
) -> list[ReviewResult]:
    """``review_log`` for every log in the file: one for a Word, Excel or PDF log, one per person for a scan of
    several paper logs (each reviewed as that person's log, all naming the same original).

    Example:
        >>> [r.staff_id for r in review_logs(Path("inbox/copier-scan.pdf"), load_settings(),
        ...     out_dir=Path("outbox/reviews"))]  # doctest: +SKIP
        ['NS001', 'NS002']
    """
    frameworks = frameworks if frameworks is not None else installed_frameworks(settings.frameworks_dir)
    job = _ReviewJob(Path(path), settings, out_dir, frameworks, today or dt.date.today(), last_formal_training, log,
                     outbox, original)
    seconds = settings.read.time_limit_seconds
    try:
        return call_with_time_limit(_review_job, job, seconds)
    except TimeLimitExceeded:
        raise ReadTimeLimitError(time_limit_message(Path(path).name, seconds, "review")) from None


@dataclass(frozen=True)
class _ReviewJob:
    """What ``review_log`` hands its time-limited child: the arguments it was given."""

    path: Path
    settings: Settings
    out_dir: Path
    frameworks: dict[str, Framework]
    today: dt.date
    last_formal_training: dt.date | None
    log: ParsedLog | None
    outbox: Path | None
    original: OriginalFile | None


def _review_job(job: _ReviewJob) -> list[ReviewResult]:
    logs = [job.log] if job.log is not None else read_logs(job.path, job.settings, job.frameworks)
    return [_review_one_log(job, log) for log in logs]


def _review_one_log(job: _ReviewJob, log: ParsedLog) -> ReviewResult:
    settings, frameworks, today, original = job.settings, job.frameworks, job.today, job.original
    if original is not None:  # a work copy's path means nothing once it is gone: the log is its original
        log = log.model_copy(update={"source": log.source.model_copy(update={"path": original.name})})
    findings = check_log(log, settings.checks, frameworks=frameworks, today=today,
                         last_formal_training=job.last_formal_training)
    return write_review(log, findings, settings, out_dir=job.out_dir, templates=_templates(settings),
                        frameworks=frameworks, today=today, outbox=job.outbox, original=original)


# ------------------------------------------------------------------------------------------------- folders


def log_files(folder: Path) -> list[Path]:
    """The files in a folder (and its subfolders) that may be logs: no hidden, lock, temp or system files.

    Example:
        >>> [p.name for p in log_files(Path("examples/completed"))][:1]  # doctest: +SKIP
        ['NS001_Hartley_completed.docx']
    """
    return _folder_files(folder)[0]


def _folder_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(files that may be logs, the files passed over with why); hidden folders are not looked in."""
    found, passed = [], []
    for path in sorted(folder.rglob("*")):
        name = path.name
        if any(part.startswith(".") for part in path.relative_to(folder).parts[:-1]) or not path.is_file():
            continue
        if name.lower() in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES):
            passed.append((path, "a system, hidden or Office lock file, not a log"))
        elif name.lower().endswith((".tmp", ".part", ".crdownload")):
            passed.append((path, "a file still being copied or downloaded"))
        elif path.is_symlink():
            passed.append((path, "a link, not a file; put the log itself in the folder"))
        else:
            found.append(path)
    return found, passed


def folder_review_stem(log: ParsedLog) -> str:
    """The readable stem of one log's documents in a folder review: surname, staff id, period and format, so that
    one person's Word, Excel and PDF logs side by side each keep their own documents.

    Example:
        >>> from sglogs.models import LogFileFormat, Period, SourceFile, StaffInfo
        >>> folder_review_stem(ParsedLog(source=SourceFile(path="a.docx", sha256="0" * 64,
        ...     format=LogFileFormat.DOCX), staff=StaffInfo(id="S001", name="Sam Hartley"),
        ...     period=Period(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))))
        'Hartley_S001_2026_docx'
    """
    start, end = log.period.start, log.period.end
    years = None
    if start is not None:
        years = str(start.year) if end is None or end.year == start.year else f"{start.year}-{end.year}"
    surname = log.staff.name.split()[-1] if log.staff.name and log.staff.name.split() else None
    who = [part for part in (surname, log.staff.id) if part]
    if not who:
        who = [Path(log.source.path.replace("\\", "/")).stem]
    return "_".join([*who, years or log.log_id or "no-period", log.source.format.value])


_worker_state: dict[str, object] = {}


def _init_worker(settings: Settings) -> None:
    _worker_state["settings"] = settings
    _worker_state["frameworks"] = installed_frameworks(settings.frameworks_dir)


def _read_one(path: Path) -> ParsedLog | tuple[bool, str]:
    """The log, or (is the file simply no log, why not)."""
    settings = _worker_state["settings"]
    try:
        return read_log(path, settings, _worker_state["frameworks"])  # type: ignore[arg-type]
    except UnsupportedFormatError as exc:
        return True, exc.message
    except InputError as exc:
        return False, exc.message


def _review_one(task: tuple[ParsedLog, dict[int, str], Path, dt.date, tuple[str, str], Path | None]) -> ReviewResult:
    log, copied, out_dir, today, names, outbox = task
    settings: Settings = _worker_state["settings"]  # type: ignore[assignment]
    frameworks: dict[str, Framework] = _worker_state["frameworks"]  # type: ignore[assignment]
    findings = check_log(log, settings.checks, frameworks=frameworks, today=today, copied=copied)
    return write_review(log, findings, settings, out_dir=out_dir, templates=_templates(settings),
                        frameworks=frameworks, today=today, names=names, outbox=outbox)


def _failure(path: Path, error: BaseException, seconds: float) -> str:
    """The sentence for a file whose child process failed: too slow, or an error that is not the file's fault."""
    if isinstance(error, TimeLimitExceeded):
        return time_limit_message(path.name, seconds, "read and review")
    if isinstance(error, InputError):
        return error.message
    raise error


def review_folder(
    folder: Path,
    settings: Settings,
    *,
    out_dir: Path,
    today: dt.date | None = None,
    on_progress: Callable[[str, int], None] | None = None,
    outbox: Path | None = None,
) -> BatchReport:
    """Review every log in a folder on all cores; compare reflections across people; write a batch summary.

    ``on_progress(stage, n)`` is called with ``"read"`` then ``"review"`` as files are done; ``outbox`` is the
    installation whose record index lists the reviews (``None``: ``settings.outbox``).

    Example:
        >>> report = review_folder(Path("inbox"), load_settings(), out_dir=Path("outbox/reviews"))  # doctest: +SKIP
        >>> report.ready_count  # doctest: +SKIP
        12
    """
    today = today or dt.date.today()
    files, passed = _folder_files(folder)
    report = BatchReport(skipped=passed)
    progress = on_progress or (lambda stage, n: None)
    workers = min(settings.review.workers or os.cpu_count() or 1, max(1, len(files)))
    seconds = settings.read.time_limit_seconds
    # Each file is read and reviewed in a child process ended after read.time_limit_seconds (a valid file can
    # keep a parser busy for minutes); children die with this process.
    with LimitedPool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        read: dict[int, ParsedLog] = {}
        for index, ok, value in pool.map(_read_one, files, seconds):
            if ok and isinstance(value, tuple):
                (report.skipped if value[0] else report.failures).append((files[index], value[1]))
            elif ok:
                read[index] = value
            else:
                report.failures.append((files[index], _failure(files[index], value, seconds)))
            progress("read", 1)
        logs = [read[index] for index in sorted(read)]
        report.failures.sort(key=lambda failure: files.index(failure[0]))
        copied = copied_reflections(logs)
        # security 15.3: unique by construction; readable, so that a person's docx, xlsx and pdf never collide
        names = review_names([(log.staff.id, folder_review_stem(log), log.source.path) for log in logs])
        tasks = [(log, rows, out_dir, today, name, outbox)
                 for log, rows, name in zip(logs, copied, names, strict=True)]
        reviewed: dict[int, ReviewResult] = {}
        for index, ok, value in pool.map(_review_one, tasks, seconds):
            if ok:
                reviewed[index] = value
            else:
                source = Path(tasks[index][0].source.path)
                report.failures.append((source, _failure(source, value, seconds)))
            progress("review", 1)
        report.results = [reviewed[index] for index in sorted(reviewed)]
    report.skipped.sort()
    # a run that reviewed nothing (a folder of READMEs, every file unreadable) keeps the summary already there
    if report.results:
        from .reports.batch import write_batch_summary

        report.summary = write_batch_summary(report, out_dir / "batch-summary.xlsx", settings.output.file_mode_bits,
                                             today=today)
    return report
