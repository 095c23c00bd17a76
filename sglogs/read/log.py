"""``read_log``: sniff a file, read it with the reader for its format, and assemble the ``ParsedLog``."""

from __future__ import annotations

from pathlib import Path

from ..config import Settings, load_settings
from ..errors import NotALogError
from ..frameworks import installed_frameworks
from ..models import Framework, LogFileFormat, ParsedLog, SourceFile
from .docx import read_docx
from .layout import NO_EVIDENCE_TABLE, assemble
from .pdf import read_pdf
from .raw import RawLog
from .sniff import sniff
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
    settings = settings or load_settings()
    if frameworks is None:
        frameworks = installed_frameworks(settings.frameworks_dir)
    sniffed = sniff(Path(path), settings.read)
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

