"""Review: read a completed log, check it, and write what the manager needs into ``outbox/reviews/<staff-id>/``.

For one log: the feedback report, the sign-off sheet, the action-plan annex (Word and Excel "Annex 1") and the
parsed evidence with its findings as JSON. For a folder: every log, read and checked on all cores, with
reflections compared across people (evidence must be personal), and a batch summary of who is ready for
sign-off and why not.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .actions import action_items
from .checks import check_log, copied_reflections, ready_for_signoff
from .config import Settings
from .core.dates import add_months
from .core.names import review_names
from .errors import InputError
from .files import atomic_write_bytes, make_folders
from .frameworks import installed_frameworks, required_competencies
from .models import ActionItem, Competency, Finding, Framework, ParsedLog, RequiredCompetency
from .read import read_log
from .reports.documents import ReviewTemplates, review_context

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


@dataclass
class BatchReport:
    """A folder review: one result per log read, and the files that could not be read, with why.

    Example:
        >>> BatchReport().ready_count
        0
    """

    results: list[ReviewResult] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    summary: Path | None = None

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
) -> ReviewResult:
    """Write the review documents of a log already read and checked.

    ``names`` is the (person folder, file stem) ``review_names`` chose for it in a batch; ``None``: its own.

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
    folder_name, stem = names or review_names([(log.staff.id, log.log_id, log.source.path)])[0]
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
    ready = ready_for_signoff(findings)
    _write_json(outputs["json"], {
        "log": log.model_dump(mode="json"),
        "findings": [f.model_dump(mode="json") for f in findings],
        "ready_for_signoff": ready,
        "action_plan": [a.model_dump(mode="json") for a in actions],
        "reviewed_on": today.isoformat(),
    }, mode)
    return ReviewResult(source=Path(log.source.path), staff_id=log.staff.id, log_id=log.log_id,
                        outputs=tuple(outputs.values()), findings=tuple(findings), ready=ready,
                        entries=len(log.entries))


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
) -> ReviewResult:
    """Read, check and write the review documents of one completed log.

    ``log`` is the file already read (the service reads each file once, to tell a log from a roster); without it
    the file is read here. Raises ``InputError`` (exit 3) when the file cannot be read as a log.

    Example:
        >>> review_log(Path("examples/completed/NS001_Hartley_completed.docx"), load_settings(),
        ...     out_dir=Path("outbox/reviews")).ready  # doctest: +SKIP
        True
    """
    frameworks = frameworks if frameworks is not None else installed_frameworks(settings.frameworks_dir)
    today = today or dt.date.today()
    log = log if log is not None else read_log(path, settings, frameworks)
    findings = check_log(log, settings.checks, frameworks=frameworks, today=today,
                         last_formal_training=last_formal_training)
    return write_review(log, findings, settings, out_dir=out_dir, templates=_templates(settings),
                        frameworks=frameworks, today=today)


# ------------------------------------------------------------------------------------------------- folders


def log_files(folder: Path) -> list[Path]:
    """The files in a folder (and its subfolders) that may be logs: no hidden, lock, temp or system files.

    Example:
        >>> [p.name for p in log_files(Path("examples/completed"))][:1]  # doctest: +SKIP
        ['NS001_Hartley_completed.docx']
    """
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.name
        if any(part.startswith(".") for part in path.relative_to(folder).parts[:-1]):
            continue
        if name.lower() in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES) or name.lower().endswith(
                (".tmp", ".part", ".crdownload")):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


_worker_state: dict[str, object] = {}


def _init_worker(settings: Settings) -> None:
    _worker_state["settings"] = settings
    _worker_state["frameworks"] = installed_frameworks(settings.frameworks_dir)


def _read_one(path: Path) -> ParsedLog | str:
    settings = _worker_state["settings"]
    try:
        return read_log(path, settings, _worker_state["frameworks"])  # type: ignore[arg-type]
    except InputError as exc:
        return exc.message


def _review_one(task: tuple[ParsedLog, dict[int, str], Path, dt.date, tuple[str, str]]) -> ReviewResult:
    log, copied, out_dir, today, names = task
    settings: Settings = _worker_state["settings"]  # type: ignore[assignment]
    frameworks: dict[str, Framework] = _worker_state["frameworks"]  # type: ignore[assignment]
    findings = check_log(log, settings.checks, frameworks=frameworks, today=today, copied=copied)
    return write_review(log, findings, settings, out_dir=out_dir, templates=_templates(settings),
                        frameworks=frameworks, today=today, names=names)


def _mapped(pool: ProcessPoolExecutor | None, function: Callable, items: Sequence) -> Iterator:
    if pool is None:
        return map(function, items)
    return pool.map(function, items, chunksize=max(1, len(items) // 64))


def review_folder(
    folder: Path,
    settings: Settings,
    *,
    out_dir: Path,
    today: dt.date | None = None,
    on_progress: Callable[[str, int], None] | None = None,
) -> BatchReport:
    """Review every log in a folder on all cores; compare reflections across people; write a batch summary.

    ``on_progress(stage, n)`` is called with ``"read"`` then ``"review"`` as files are done.

    Example:
        >>> report = review_folder(Path("inbox"), load_settings(), out_dir=Path("outbox/reviews"))  # doctest: +SKIP
        >>> report.ready_count  # doctest: +SKIP
        12
    """
    today = today or dt.date.today()
    files = log_files(folder)
    report = BatchReport()
    progress = on_progress or (lambda stage, n: None)
    workers = settings.review.workers or os.cpu_count() or 1
    pool = None
    if workers > 1 and len(files) >= 8:  # starting processes costs about a second: only worth it for a batch
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(settings,))
    else:
        _init_worker(settings)
    try:
        logs: list[ParsedLog] = []
        for path, result in zip(files, _mapped(pool, _read_one, files), strict=True):
            if isinstance(result, str):
                report.failures.append((path, result))
            else:
                logs.append(result)
            progress("read", 1)
        copied = copied_reflections(logs)
        names = review_names([(log.staff.id, log.log_id, log.source.path) for log in logs])  # security 15.3
        tasks = [(log, rows, out_dir, today, name) for log, rows, name in zip(logs, copied, names, strict=True)]
        for result in _mapped(pool, _review_one, tasks):
            report.results.append(result)
            progress("review", 1)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if report.results or report.failures:
        from .reports.batch import write_batch_summary

        report.summary = write_batch_summary(report, out_dir / "batch-summary.xlsx", settings.output.file_mode_bits)
    return report
