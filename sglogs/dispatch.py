"""What the watched-folder service does with one file: decided by its content, never by its name.

A roster (CSV or XLSX with a roster header) generates logs into ``logs/``; a completed log (Word, Excel or PDF
that reads as a log) is reviewed into ``reviews/<staff-id>/``; anything else is refused with one sentence saying
what is wrong and what to do, which the service files in ``rejected/`` beside the file.

This module knows nothing of folders being watched, journals or processes: ``process_file`` takes a private copy
of the file and an ``OutboxLayout`` and returns an ``Outcome``. Every output appears whole (temp file + rename)
and is flushed to disk before ``process_file`` returns, so the service may record it as done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .config import Settings
from .core.formatting import a_or_an, count, long_datetime
from .errors import DamagedFileError, EmptyFileError, InputError, NotALogError, RosterError, UnsupportedFormatError
from .files import atomic_output
from .generate.logs import GenerateOptions, LogFormat, generate_logs
from .models import Framework, LogFileFormat, OriginalFile, ParsedLog
from .read.safezip import printable_name
from .read.sniff import sniff
from .roster import count_rows

#: Prefix of the temporary files sglogs writes before renaming them into place (shared with generation).
_TEXT_PROBE_BYTES = 64 * 1024
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileKind(StrEnum):
    """What a dropped file turned out to be.

    Example:
        >>> FileKind("roster").value
        'roster'
    """

    ROSTER = "roster"
    LOG = "log"
    OTHER = "other"


@dataclass(frozen=True)
class OutboxLayout:
    """The folders one file's outputs go to: ``root`` is the outbox, or ``outbox/<setting>`` for a subfolder.

    ``outbox`` is the installation's outbox itself (whose record index lists every review), ``None``: ``root``.

    Example:
        >>> OutboxLayout(Path("outbox/Hillside"), outbox=Path("outbox")).installation
        PosixPath('outbox')
    """

    root: Path
    outbox: Path | None = None

    @property
    def installation(self) -> Path:
        """The installation's outbox: the record index and the journal live there."""
        return self.outbox or self.root

    @property
    def logs(self) -> Path:
        """Logs generated from rosters, and ``roster-errors.csv``."""
        return self.root / "logs"

    @property
    def reviews(self) -> Path:
        """Review outputs, one folder per staff id."""
        return self.root / "reviews"

    @property
    def rejected(self) -> Path:
        """Files that could not be used, each with ``<name>.error.txt``."""
        return self.root / "rejected"

    @property
    def duplicates(self) -> Path:
        """Copies of files already processed, each with ``<name>.duplicate.txt``."""
        return self.root / "duplicates"

    def processed(self, when: dt.datetime) -> Path:
        """Where originals go once their outputs are safe: ``processed/YYYY-MM``."""
        return self.root / "processed" / f"{when:%Y-%m}"


@dataclass(frozen=True)
class Outcome:
    """What processing one file did: outputs made, or why it was refused.

    ``message`` is for the person who dropped the file (what is wrong and what to do), ``None`` when accepted;
    ``summary`` holds ids and counts only, fit for a log line. ``maybe_incomplete`` is true for a refusal that
    a half-copied file also gets (empty, cut short), which deserves another look once the file settles.
    ``degraded`` names a step that was skipped (the review module not installed), ``None`` normally.

    Example:
        >>> Outcome(kind=FileKind.OTHER, accepted=False, message="x.txt is not a log.").outputs
        ()
    """

    kind: FileKind
    accepted: bool
    outputs: tuple[Path, ...] = ()
    summary: str = ""
    message: str | None = None
    error_kind: str | None = None
    maybe_incomplete: bool = False
    staff_id: str | None = None
    degraded: str | None = None


def process_file(
    path: Path,
    settings: Settings,
    layout: OutboxLayout,
    frameworks: dict[str, Framework] | None = None,
) -> Outcome:
    """Generate logs from a roster, review a completed log, or say why the file cannot be used.

    ``path`` should be a private copy (it is read more than once). A refused file is an ``Outcome`` with
    ``accepted=False``; only unexpected failures (a bug, a full disk, a broken template) raise, and the service
    counts those as failed attempts.

    Example:
        >>> process_file(Path("work/roster.csv"), load_settings(), OutboxLayout(Path("outbox"))).kind
        ... # doctest: +SKIP
        <FileKind.ROSTER: 'roster'>
    """
    kind = FileKind.OTHER
    try:
        kind, log = classify(path, settings, frameworks)
        if kind is FileKind.ROSTER:
            return _generate(path, settings, layout)
        return _review(path, log, settings, layout, frameworks)
    except InputError as exc:
        return Outcome(kind=kind, accepted=False, message=exc.message, error_kind=type(exc).__name__,
                       maybe_incomplete=isinstance(exc, EmptyFileError | DamagedFileError),
                       summary=f"refused ({type(exc).__name__})")


def classify(
    path: Path, settings: Settings, frameworks: dict[str, Framework] | None = None
) -> tuple[FileKind, ParsedLog | None]:
    """Decide by content whether a file is a roster or a completed log; raise ``InputError`` when it is neither.

    A CSV or workbook whose header is a roster's is a roster (a log workbook never has one: its cover stacks
    labels down a column). Anything else that is a Word, Excel or PDF file is read as a log, and is a log only
    if sglogs recognises it as one: it carries a log identity, lists competencies or has evidence entries. The
    log read here is returned so it need not be read again. A scan or photo is a log without being read here:
    its pages may hold several people's logs, each reviewed as that person's (``review_logs``).

    Example:
        >>> classify(Path("examples/roster.xlsx"), load_settings())[0]  # doctest: +SKIP
        <FileKind.ROSTER: 'roster'>
    """
    name = printable_name(path.name)
    try:
        sniffed = sniff(path, settings.read)
    except UnsupportedFormatError as exc:
        if not _is_text(path):
            raise
        roster_problem = _roster_problem(path)
        if roster_problem is None:
            return FileKind.ROSTER, None
        raise RosterError(
            f"{name} is a text file, which sglogs takes only as a roster, and it is not a usable roster: "
            f"{roster_problem.message}"
        ) from exc
    roster_problem = None
    if sniffed.format.value == "xlsx":
        roster_problem = _roster_problem(path)
    if sniffed.format.value == "xlsx" and roster_problem is None:
        return FileKind.ROSTER, None
    if sniffed.format is LogFileFormat.SCAN:
        return FileKind.LOG, None  # a scan or photo is only ever a paper log: decoded once, in the review
    from .read import read_log  # the readers load lxml and pdfplumber: only when a log is read

    try:
        log = read_log(path, settings, frameworks)
    except NotALogError:
        log = None  # the read layer refuses it too; the sentence below also says why it is not a roster
    if log is None or (log.log_id is None and not log.entries and not log.competencies):
        as_roster = f" Read as a roster: {roster_problem.message}" if roster_problem is not None else ""
        raise UnsupportedFormatError(
            f"{name} is {a_or_an(sniffed.format.value.upper())} file but not a competency log sglogs recognises "
            "(it has "
            "no sglogs log identity, no list of competencies and no evidence table with Date and Learning "
            "activity columns); send the completed log made from your sglogs log, or your organisation's "
            f"own log template with those columns.{as_roster}"
        )
    return FileKind.LOG, log


def _roster_problem(path: Path) -> RosterError | None:
    try:
        count_rows(path)
    except RosterError as exc:
        return exc
    return None


def _is_text(path: Path) -> bool:
    """Whether a file sniff refused looks like text (so the roster's reason is the useful one to give)."""
    with path.open("rb") as fh:
        head = fh.read(_TEXT_PROBE_BYTES)
    return head.startswith(_UTF16_BOMS) or b"\x00" not in head


# ------------------------------------------------------------------------------------------------- rosters


def _generate(path: Path, settings: Settings, layout: OutboxLayout) -> Outcome:
    started_ns = time.time_ns()
    options = GenerateOptions(roster=path, out=layout.logs,
                              formats=tuple(LogFormat(f) for f in settings.generate.formats))
    report = generate_logs(options, settings)
    outputs = _written_since(layout.logs, started_ns)
    if report.errors_file is not None and report.errors_file not in outputs:
        outputs.append(report.errors_file)
    make_durable(outputs)
    written = ", ".join(f"{n} {fmt}" for fmt, n in sorted(report.written.items())) or "no new logs"
    summary = (f"{count(report.people, 'person', 'people')}, {written}, {report.skipped} kept, "
               f"{count(len(report.rejected), 'row')} rejected")
    return Outcome(kind=FileKind.ROSTER, accepted=True, outputs=tuple(outputs), summary=summary)


def _written_since(folder: Path, since_ns: int) -> list[Path]:
    """Files under ``folder`` changed since ``since_ns``: the logs a roster run wrote (it reports only counts)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if filename.startswith("."):
                continue
            candidate = Path(dirpath) / filename
            try:
                if candidate.stat().st_mtime_ns >= since_ns:
                    found.append(candidate)
            except FileNotFoundError:
                continue
    return sorted(found)


# ------------------------------------------------------------------------------------------------- logs


def _review(
    path: Path,
    log: ParsedLog | None,
    settings: Settings,
    layout: OutboxLayout,
    frameworks: dict[str, Framework] | None,
) -> Outcome:
    staff_id, outputs, ready, degraded = review_or_read(path, log, settings, out_dir=layout.reviews,
                                                        frameworks=frameworks, outbox=layout.installation)
    make_durable(outputs)
    state = "ready for sign-off" if ready else "not ready for sign-off" if ready is not None else "read"
    return Outcome(kind=FileKind.LOG, accepted=True, outputs=tuple(outputs), staff_id=staff_id,
                   summary=f"{count(len(outputs), 'output')}, {state}", degraded=degraded)


def review_or_read(
    path: Path,
    log: ParsedLog | None,
    settings: Settings,
    *,
    out_dir: Path,
    frameworks: dict[str, Framework] | None = None,
    outbox: Path | None = None,
) -> tuple[str | None, list[Path], bool | None, str | None]:
    """Review a completed log with ``sglogs.review.review_log``, from ``log`` when ``classify`` has read it
    already. Returns the staff id, the outputs, ready-for-sign-off and what was skipped (``None``: nothing).

    ``path`` is the service's private copy: the evidence names the original (same name and bytes), to be filed
    later (``note_filed``), and the review is listed in ``outbox``'s record index (``None``: ``settings.outbox``).

    Example:
        >>> review_or_read(Path("work/log.docx"), None, load_settings(), out_dir=Path("outbox/reviews"))
        ... # doctest: +SKIP
        ('NS001', [PosixPath('outbox/reviews/NS001/NS001-20260101-61a8_evidence.json')], None, None)
    """
    from .review import review_logs

    sha256 = log.source.sha256 if log is not None else _sha256_file(path)
    original = OriginalFile(name=path.name, sha256=sha256)
    # a Word, Excel or PDF log was read once, in classify; a scan (log None) is decoded once, here
    results = review_logs(path, settings, out_dir=out_dir, frameworks=frameworks, log=log,
                          outbox=outbox, original=original)
    make_durable([r.index_entry for r in results if r.index_entry is not None])  # the outputs: by the caller
    staff = ", ".join(dict.fromkeys(r.staff_id for r in results if r.staff_id)) or None
    ready = all(r.ready for r in results) if all(r.ready is not None for r in results) else None
    return staff, [p for r in results for p in r.outputs], ready, None


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def note_filed(outcome: Outcome, filed_as: str, mode: int) -> None:
    """Record in a review's evidence where the service files its original (``filed_as``, relative to the outbox).

    Called once the name is reserved and before the outcome is recorded: a crash in between reviews the file again.

    Example:
        >>> note_filed(outcome, "Hillside/processed/2026-12/NS001.docx", 0o600)  # doctest: +SKIP
    """
    for path in outcome.outputs:
        if not path.name.endswith("_evidence.json"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("original"), dict) or data["original"].get("filed_as") == filed_as:
            continue
        data["original"]["filed_as"] = filed_as
        write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), mode)


# ------------------------------------------------------------------------------------------------- notes


def rejection_note(name: str, message: str, *, file_id: int, sha256: str, received: dt.datetime) -> str:
    """The text of ``<name>.error.txt``: what is wrong, what to do, and how to quote the file to support.

    Example:
        >>> print(rejection_note("x.txt", "x.txt is not a log; send the log.", file_id=3, sha256="ab" * 32,
        ...     received=dt.datetime(2026, 5, 1, 9, 30)).splitlines()[0])
        sglogs could not use the file x.txt.
    """
    return (
        f"sglogs could not use the file {printable_name(name)}.\n\n"
        f"What is wrong, and what to do:\n{message}\n\n"
        "Once it is put right, drop the corrected file into the inbox again; this copy can then be deleted.\n\n"
        f"Received {long_datetime(received)}; file #{file_id} in sglogs' journal; SHA-256 {sha256}.\n"
    )


def duplicate_note(name: str, *, file_id: int, first_id: int, first_done: dt.datetime | None,
                   first_filed: str | None) -> str:
    """The text of ``<name>.duplicate.txt``: the same content was processed before, so nothing was done.

    Example:
        >>> duplicate_note("log.docx", file_id=9, first_id=4, first_done=None, first_filed=None).split(".")[0]
        'log'
    """
    when = f" on {long_datetime(first_done)}" if first_done else ""
    where = f" (the original is filed as {first_filed})" if first_filed else ""
    return (
        f"{printable_name(name)} has exactly the same content as file #{first_id}, which sglogs processed"
        f"{when}{where}; its outputs are in the outbox.\n\n"
        "Nothing was done with this copy and it can be deleted. To have a changed version processed, save the "
        "changes in Word or Excel and drop the file into the inbox again.\n\n"
        f"File #{file_id} in sglogs' journal.\n"
    )


def failure_message(name: str, attempts: int, last_error: str | None) -> str:
    """The sentence for a file sglogs failed on ``attempts`` times without a reason a person could fix.

    Example:
        >>> failure_message("log.docx", 3, "TimeoutError").startswith("sglogs failed on log.docx 3 times")
        True
    """
    last = f" (the last time: {last_error})" if last_error else ""
    return (
        f"sglogs failed on {printable_name(name)} {attempts} times{last}, so it stopped trying; the file may be "
        "damaged in a way sglogs does not recognise. Open it in Word or Excel, save a copy and drop the copy "
        "into the inbox; if that fails too, send this note to whoever runs sglogs."
    )


# ------------------------------------------------------------------------------------------------- files


def make_dirs(path: Path, mode: int) -> None:
    """Create ``path`` and any missing parents with ``mode`` (not world-readable: outputs hold evidence).

    Example:
        >>> make_dirs(Path("outbox/rejected"), 0o700)  # doctest: +SKIP
    """
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue  # another process made it meanwhile
        os.chmod(folder, mode)


def write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` so that it appears whole or not at all, and is on disk when this returns.

    Example:
        >>> write_atomic(Path("outbox/rejected/x.txt.error.txt"), b"...", 0o600)  # doctest: +SKIP
    """
    with atomic_output(path, mode) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())  # the service records an outcome only once its outputs are on disk
    sync_dir(path.parent)


def make_durable(paths: Iterable[Path]) -> None:
    """Flush files written by others (generation, review) and their folders to disk.

    Example:
        >>> make_durable([Path("outbox/logs/S1.docx")])  # doctest: +SKIP
    """
    folders = set()
    for path in paths:
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
        folders.add(path.parent)
    for folder in folders:
        sync_dir(folder)


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk; nothing to do on Windows.

    Example:
        >>> sync_dir(Path("outbox"))  # doctest: +SKIP
    """
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
