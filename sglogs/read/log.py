"""``read_log``: sniff a file, read it with the reader for its format, and assemble the ``ParsedLog``."""

from __future__ import annotations

from pathlib import Path

from ..config import Settings, load_settings
from ..frameworks import load_frameworks
from ..models import Framework, LogFileFormat, ParsedLog, SourceFile
from .docx import read_docx
from .layout import assemble
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
        frameworks = load_frameworks(settings.frameworks_dir)
    sniffed = sniff(Path(path), settings.read)
    raw: RawLog = _READERS[sniffed.format](Path(path), settings.read)
    source = SourceFile(path=str(path), sha256=sniffed.sha256, format=sniffed.format)
    return assemble(raw, source, frameworks, sniffed.warnings)
