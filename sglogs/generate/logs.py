"""Bulk generation: a roster in, one Word and/or Excel log per valid person out, bad rows reported.

Templates are prepared once per run (``DocxLogTemplate``/``XlsxLogTemplate``); the roster is streamed, so
memory stays flat with roster size. Each file appears atomically; existing logs are kept unless ``force``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain, islice
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..config import Settings
from ..core.dates import period_end
from ..core.names import fit_name, fold, setting_folder, unique_part
from ..core.processes import die_with_parent
from ..errors import RosterError
from ..files import make_folders
from ..frameworks import installed_frameworks, required_competencies
from ..models import CarriedItem, Framework, LogIdentity, StaffMember
from ..roster import RosterRowError, RosterRules, read_roster, write_roster_errors
from ..shipped import template_file
from .context import log_context
from .docx import DocxLogTemplate
from .xlsx import XlsxLogTemplate

ROSTER_ERRORS_FILE = "roster-errors.csv"
#: Folder for people whose roster row names no setting.
NO_SETTING_FOLDER = "no-setting"


class LogFormat(StrEnum):
    """A file format sglogs writes logs in.

    Example:
        >>> LogFormat("xlsx").suffix
        '.xlsx'
    """

    DOCX = "docx"
    XLSX = "xlsx"

    @property
    def suffix(self) -> str:
        """The file name ending, with its dot."""
        return f".{self.value}"


class GenerateOptions(BaseModel):
    """One generation run: which roster, where to, which formats, from when.

    ``start`` is the period start for people whose roster row has none (``None``: today).

    Example:
        >>> GenerateOptions(roster=Path("roster.csv"), out=Path("outbox/logs")).formats
        (<LogFormat.DOCX: 'docx'>, <LogFormat.XLSX: 'xlsx'>)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    roster: Path
    out: Path
    formats: tuple[LogFormat, ...] = (LogFormat.DOCX, LogFormat.XLSX)
    start: dt.date | None = None
    force: bool = False


@dataclass
class GenerateReport:
    """What a run did: files written per format, logs kept because they existed, rows rejected.

    Example:
        >>> GenerateReport(out=Path("outbox/logs")).people
        0
    """

    out: Path
    people: int = 0
    written: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    rejected: list[RosterRowError] = field(default_factory=list)
    errors_file: Path | None = None


@dataclass(frozen=True)
class LogPlan:
    """Everything needed to write one person's log, decided before any file is touched.

    Example:
        >>> plan = plan_log(person, frameworks, settings, today=dt.date(2026, 1, 1))  # doctest: +SKIP
        >>> plan.identity.period_end  # doctest: +SKIP
        datetime.date(2026, 12, 31)
    """

    person: StaffMember
    framework: Framework
    identity: LogIdentity
    stem: Path

    def path(self, fmt: LogFormat) -> Path:
        """The log's file in one format (``with_suffix`` would cut a staff id that has a dot)."""
        return self.stem.parent / f"{self.stem.name}{fmt.suffix}"


def make_log_id(person: StaffMember, framework_id: str, level_id: str, start: dt.date) -> str:
    """A stable log id: staff id, start date and a short hash of what the log is for.

    Example:
        >>> p = StaffMember(staff_id="S001", name="A B", framework="london", level="2")
        >>> make_log_id(p, "london", "2", dt.date(2026, 1, 1))
        'S001-20260101-864a'
    """
    digest = hashlib.sha1(  # an id, not a security check: sha1 keeps existing log ids as they were
        f"{person.staff_id}|{framework_id}|{level_id}|{start.isoformat()}".encode(), usedforsecurity=False
    ).hexdigest()
    return f"{fold(person.staff_id, 'staff')}-{start:%Y%m%d}-{digest[:4]}"


def plan_log(
    person: StaffMember, frameworks: dict[str, Framework], settings: Settings, out: Path, today: dt.date
) -> LogPlan:
    """Decide a person's log: framework, period, identity and file name (without a suffix).

    Example:
        >>> plan_log(person, frameworks, settings, Path("outbox/logs"), dt.date.today()).stem.name  # doctest: +SKIP
        'S001_Lovelace_2026-01-01_2026-12-31'
    """
    framework = frameworks[person.framework]
    start = person.period_start or today
    identity = LogIdentity(
        log_id=make_log_id(person, framework.id, person.level, start),
        staff_id=person.staff_id,
        framework=framework.id,
        level=person.level,
        period_start=start,
        period_end=period_end(start, settings.generate.period_months),
    )
    # unique by construction: ids that fold alike ("AB/1", "AB 1", "AB-1") keep apart by a hash (sglogs.core.names)
    folder = out / (setting_folder(person.setting, NO_SETTING_FOLDER) if person.setting else NO_SETTING_FOLDER)
    period = f"{start.isoformat()}_{identity.period_end.isoformat()}"
    name = fit_name(f"{unique_part(person.staff_id, 'staff')}_{fold(person.surname)}_{period}")
    return LogPlan(person=person, framework=framework, identity=identity, stem=folder / name)


@dataclass(frozen=True)
class LogJob:
    """One person's files still to write: small and picklable (no framework inside), for a worker process.

    Example:
        >>> LogJob(person=plan.person, identity=plan.identity, stem=plan.stem,
        ...     formats=(LogFormat.DOCX,)).path(LogFormat.DOCX)  # doctest: +SKIP
        PosixPath('outbox/logs/Sunflower/S001_Lovelace_2026-01-01_2026-12-31.docx')
    """

    person: StaffMember
    identity: LogIdentity
    stem: Path
    formats: tuple[LogFormat, ...]
    carried_forward: tuple[CarriedItem, ...] = ()

    def path(self, fmt: LogFormat) -> Path:
        """The file this job writes in one format."""
        return self.stem.parent / f"{self.stem.name}{fmt.suffix}"


class LogWriter:
    """Prepared templates plus what every log of a run shares; writes the files of one ``LogJob``.

    Example:
        >>> writer = LogWriter(settings, (LogFormat.DOCX,), dt.date.today())  # doctest: +SKIP
        >>> writer.write(job)  # doctest: +SKIP
        ['docx']
    """

    def __init__(
        self,
        settings: Settings,
        formats: tuple[LogFormat, ...],
        today: dt.date,
        frameworks: dict[str, Framework] | None = None,
    ) -> None:
        self.settings = settings
        self.frameworks = frameworks if frameworks is not None else installed_frameworks(settings.frameworks_dir)
        self.today = today
        self.now = dt.datetime.now(dt.UTC)
        self.templates: dict[LogFormat, DocxLogTemplate | XlsxLogTemplate] = {}
        if LogFormat.DOCX in formats:
            self.templates[LogFormat.DOCX] = DocxLogTemplate.prepare(template_file("log.docx", settings.templates_dir))
        if LogFormat.XLSX in formats:
            self.templates[LogFormat.XLSX] = XlsxLogTemplate.prepare(template_file("log.xlsx", settings.templates_dir))

    def write(self, job: LogJob) -> list[str]:
        """Write the job's files atomically; return the formats written."""
        person = job.person
        framework = self.frameworks[person.framework]
        competencies = required_competencies(framework, person.level, person.additional)
        context = log_context(person, framework, competencies, job.identity, self.settings.generate,
                              self.settings.organisation, self.today, job.carried_forward)
        mode = self.settings.output.file_mode_bits
        for fmt in job.formats:
            self.templates[fmt].write(job.path(fmt), context, job.identity, mode=mode, now=self.now)
        return [fmt.value for fmt in job.formats]


#: People per batch sent to a worker process; a run with fewer people than one batch stays in-process.
BATCH_SIZE = 100
_worker: LogWriter | None = None


def _start_worker(settings: Settings, formats: tuple[LogFormat, ...], today: dt.date, parent_pid: int) -> None:
    global _worker
    die_with_parent(parent_pid)  # kill -9 of `sglogs generate` leaves no pool worker behind (issue 17)
    _worker = LogWriter(settings, formats, today)


def _write_batch(jobs: list[LogJob]) -> list[str]:
    assert _worker is not None, "worker process was not initialised"
    return [fmt for job in jobs for fmt in _worker.write(job)]


def generate_logs(
    options: GenerateOptions,
    settings: Settings,
    on_progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> GenerateReport:
    """Generate a log per valid roster row; report rejected rows in ``roster-errors.csv`` beside the logs.

    Large rosters are written by ``settings.generate.workers`` processes (0: one per core), each preparing
    the templates once; the roster is read and checked here, in file order. ``on_progress`` is called with
    the number of roster rows dealt with (for a progress bar). Raises ``RosterError`` when the roster as a
    whole cannot be used, ``FrameworkError``/``TemplateError`` for set-up problems.

    Example:
        >>> report = generate_logs(GenerateOptions(roster=Path("examples/roster.xlsx"),
        ...     out=Path("outbox/logs")), load_settings())  # doctest: +SKIP
        >>> report.written["docx"]  # doctest: +SKIP
        30
    """
    frameworks = installed_frameworks(settings.frameworks_dir)
    today = today or dt.date.today()
    # templates are prepared here even when workers write: a bad template stops the run before any file
    writer = LogWriter(settings, options.formats, today, frameworks)
    report = GenerateReport(out=options.out)
    progress = on_progress or (lambda n: None)
    jobs = _jobs(options, settings, frameworks, today, report, progress)
    workers = settings.generate.workers or os.cpu_count() or 1
    first = list(islice(jobs, BATCH_SIZE))
    if workers > 1 and len(first) == BATCH_SIZE:
        _write_in_workers(chain(first, jobs), workers, options.formats, settings, today, report, progress)
    else:
        for job in chain(first, jobs):
            report.written.update(writer.write(job))
            progress(1)
    if report.people == 0 and not report.rejected:
        raise RosterError(f"The roster {options.roster} has no staff rows; add one row per member of staff.")
    report.errors_file = _write_errors(report, options.out, settings.output.file_mode_bits,
                                       settings.output.dir_mode_bits)
    return report


def _jobs(
    options: GenerateOptions,
    settings: Settings,
    frameworks: dict[str, Framework],
    today: dt.date,
    report: GenerateReport,
    progress: Callable[[int], None],
) -> Iterator[LogJob]:
    """Read and check the roster; yield the logs to write, recording rejected rows and kept logs."""
    made_dirs: set[Path] = set()
    formats = options.formats
    for item in read_roster(options.roster, RosterRules.from_frameworks(frameworks)):
        if isinstance(item, RosterRowError):
            report.rejected.append(item)
            progress(1)
            continue
        person = item
        if person.period_start is None and options.start is not None:
            person = person.model_copy(update={"period_start": options.start})
        framework = frameworks[person.framework]
        try:
            required_competencies(framework, person.level, person.additional)
        except KeyError as exc:
            report.rejected.append(_unknown_additional(person, framework, str(exc.args[0])))
            progress(1)
            continue
        plan = plan_log(person, frameworks, settings, options.out, today)
        report.people += 1
        missing = formats if options.force else tuple(f for f in formats if not plan.path(f).exists())
        if not missing:
            report.skipped += 1
            progress(1)
            continue
        if plan.stem.parent not in made_dirs:
            make_folders(options.out, settings.output.dir_mode_bits)
            make_folders(plan.stem.parent, settings.output.dir_mode_bits, within=options.out)
            made_dirs.add(plan.stem.parent)
        yield LogJob(person=person, identity=plan.identity, stem=plan.stem, formats=missing)


def _write_in_workers(
    jobs: Iterator[LogJob],
    workers: int,
    formats: tuple[LogFormat, ...],
    settings: Settings,
    today: dt.date,
    report: GenerateReport,
    progress: Callable[[int], None],
) -> None:
    """Send batches to worker processes, at most two per worker in flight so memory stays flat."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(settings, formats, today, os.getpid())) as pool:
        pending: set[Future[list[str]]] = set()
        sizes: dict[Future[list[str]], int] = {}
        try:
            while True:
                batch = list(islice(jobs, BATCH_SIZE))
                if batch:
                    future = pool.submit(_write_batch, batch)
                    pending.add(future)
                    sizes[future] = len(batch)
                if pending and (not batch or len(pending) >= 2 * workers):
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        report.written.update(future.result())
                        progress(sizes.pop(future))
                if not batch and not pending:
                    break
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _unknown_additional(person: StaffMember, framework: Framework, competency_id: str) -> RosterRowError:
    return RosterRowError(
        row_number=person.row_number or 0,
        staff_id=person.staff_id,
        name=person.name,
        reason=(
            f"Additional competency '{competency_id}' is not in {framework.title}; use ids from "
            f"'sglogs frameworks show {framework.id}' in the Additional competencies column."
        ),
    )


def _write_errors(report: GenerateReport, out: Path, mode: int, dir_mode: int) -> Path | None:
    target = out / ROSTER_ERRORS_FILE
    if not report.rejected:
        target.unlink(missing_ok=True)  # a fixed roster should not leave last run's errors behind
        return None
    make_folders(out, dir_mode)
    write_roster_errors(report.rejected, target, file_mode=mode)
    return target
