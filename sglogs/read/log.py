"""``read_log``: sniff a file, read it with the reader for its format, and assemble the ``ParsedLog``."""

from __future__ import annotations

from pathlib import Path

from ..config import Settings, load_settings
from ..errors import NotALogError
from ..frameworks import installed_frameworks
from ..models import Framework, LogFileFormat, ParsedLog, Period, SourceFile, StaffInfo
from .docx import read_docx
from .layout import NO_EVIDENCE_TABLE, assemble
from .pdf import read_pdf
from .raw import RawLog
from .safezip import printable_name
from .sniff import Sniffed, sniff
from .xlsx import read_xlsx

_READERS = {LogFileFormat.DOCX: read_docx, LogFileFormat.XLSX: read_xlsx, LogFileFormat.PDF: read_pdf}


def read_log(
    path: Path,
    settings: Settings | None = None,
    frameworks: dict[str, Framework] | None = None,
) -> ParsedLog:
    """Read a completed log (.docx, .xlsx or .pdf, decided by content) into a ``ParsedLog``.

    ``frameworks`` defaults to the configured frameworks folder; they let a log without embedded identity be
    matched by its cover. Raises ``InputError`` (exit code 3) for a file that is unsafe, damaged, encrypted,
    scanned or not a log at all.

    Example:
        >>> log = read_log(Path("inbox/NS001_Hartley.docx"))  # doctest: +SKIP
        >>> log.entries[0].date  # doctest: +SKIP
        datetime.date(2026, 3, 14)
    """
    logs = read_logs(path, settings, frameworks)
    if len(logs) > 1:  # read shows the first; review and the service review each (read_logs)
        first = logs[0]
        others = ", ".join(log.log_id or "" for log in logs[1:])
        return first.model_copy(update={"warnings": (*first.warnings, f"this scan also holds log(s) {others}; "
                                                     "sglogs review and the watched folder review each of them")})
    return logs[0]


def read_logs(
    path: Path,
    settings: Settings | None = None,
    frameworks: dict[str, Framework] | None = None,
) -> list[ParsedLog]:
    """Every log in a file: one for a Word, Excel or PDF log; one per log id for a scan of paper logs (pages of
    several people's logs scanned together, in any order).

    Raises what ``read_log`` raises, and for a scan ``NoPageCodeError`` (no page's QR code readable) or
    ``PaperSupportMissingError`` (the optional ``sglogs[paper]`` libraries missing).

    Example:
        >>> [log.staff.id for log in read_logs(Path("inbox/copier-scan.pdf"))]  # doctest: +SKIP
        ['NS001', 'NS002']
    """
    settings = settings or load_settings()
    if frameworks is None:
        frameworks = installed_frameworks(settings.frameworks_dir)
    sniffed = sniff(Path(path), settings.read)
    if sniffed.format is LogFileFormat.SCAN:
        return _paper_logs(Path(path), sniffed.sha256, settings)
    return [_read_one(Path(path), sniffed, settings, frameworks)]


def _paper_logs(path: Path, sha256: str, settings: Settings) -> list[ParsedLog]:
    from .scan import read_scan  # Pillow and zxing-cpp are optional: loaded only for a scan

    data = path.read_bytes()
    source = SourceFile(path=str(path), sha256=sha256, format=LogFileFormat.SCAN)
    return [ParsedLog(log_id=found.identity.log_id, source=source, staff=StaffInfo(id=found.identity.staff_id),
                      framework=found.identity.framework, level=found.identity.level,
                      period=Period(start=found.identity.period_start, end=found.identity.period_end),
                      warnings=found.warnings, paper_pages=found.pages)
            for found in read_scan(data, b"%PDF-" in data[:1024], printable_name(path.name),
                                   settings.read)]


def _read_one(path: Path, sniffed: Sniffed, settings: Settings, frameworks: dict[str, Framework]) -> ParsedLog:
    raw: RawLog = _READERS[sniffed.format](Path(path), settings.read)
    source = SourceFile(path=str(path), sha256=sniffed.sha256, format=sniffed.format)
    log = assemble(raw, source, frameworks, sniffed.warnings, settings.read.headers)
    if log.log_id is None and not log.entries and not log.competencies and any(
            w.startswith(NO_EVIDENCE_TABLE) for w in log.warnings):
        # refused here, in the read layer, so that read, check, review and the service all refuse alike
        raise NotALogError(
            f"{Path(path).name} is not a competency log: it has no sglogs log identity, no list of competencies "
            "and no evidence table with a Date column and a Learning activity or Reflection column, so nothing "
            "was read or written; send the completed log instead.")
    return log

