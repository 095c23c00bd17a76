"""``sglogs read FILE --explain``: how each evidence table and column of a log was understood, in plain English.

It re-reads the file the way ``read_log`` does and describes what ``layout.py`` decided: which tables hold
evidence, which field each column was read as and why (its header's words, its values), which columns were left
and why, and the competency a heading above a table gave its rows.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings, load_settings
from .docx import read_docx
from .layout import header_synonyms, scan_tables
from .pdf import read_pdf
from .sniff import sniff
from .xlsx import read_xlsx

_READERS = {"docx": read_docx, "xlsx": read_xlsx, "pdf": read_pdf}
_NAMES = {"date": "Date", "activity": "Learning activity", "type": "Type of learning", "hours": "Hours",
          "competencies": "Competencies", "reflection": "Reflection", "next_steps": "Next steps"}


def explain_log(path: Path, settings: Settings | None = None) -> list[str]:
    """Lines that say how each evidence table and column of the log at ``path`` was understood.

    Example:
        >>> explain_log(Path("tests/layouts/question-headers.docx"))[1]  # doctest: +SKIP
        "  column 1 'When did it take place?' -> Date: the header's words ('when did it take place') name the date"
    """
    settings = settings or load_settings()
    sniffed = sniff(Path(path), settings.read)
    raw = _READERS[sniffed.format.value](Path(path), settings.read)
    found = scan_tables(raw, header_synonyms(settings.read.headers))
    lines: list[str] = []
    if not found.meanings:
        lines.append("No evidence table was found: no table has a header row with a Date column and a Learning "
                     "activity or Reflection column.")
    for _table, header_row, evidence in found.meanings:
        lines.append(f"{header_row}: the header of an evidence table")
        for column in evidence.meaning.columns if evidence.meaning else ():
            target = _NAMES.get(column.field or "", "not read, because")
            lines.append(f"  column {column.index + 1} '{column.header}' -> {target}: {column.why}")
        for index, ref in evidence.matrix.items():
            lines.append(f"  column {index + 1} '{ref}' -> a tick column for competency {ref}")
    contexts = sorted({ctx for *_, ctx in found.evidence_rows if ctx})
    if contexts:
        lines.append("Competencies from the headings above tables: " + ", ".join(contexts))
    lines.append(f"{len(found.evidence_rows)} rows were under evidence headers; rows with no text are skipped.")
    for warning in found.warnings:
        lines.append(f"Note: {warning}")
    return lines
