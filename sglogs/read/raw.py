"""What a reader takes out of a file before any meaning is given to it: tables, lines of text, properties.

Each format's reader (``docx.py``, ``xlsx.py``, ``pdf.py``) turns a file into a ``RawLog``; ``layout.py`` alone
decides which table is the evidence table and what each column means, the same way for every format.

Cell text rules, the same in every reader:

* paragraphs and line breaks inside a cell become ``"\\n"``; each line has its runs of spaces and tabs folded
  to one space and is stripped; empty lines are dropped;
* what the document shows is what is read: accepted tracked changes (insertions in, deletions out), field
  results, content-control and smart-tag contents; hidden text and comments are not read;
* a merged cell's text is in the first grid column (and first row) it covers; the columns (rows) it spans are
  ``""``, so nothing is read twice;
* a table nested in a cell adds its rows to the cell's text as lines, cells of a nested row joined by ``" "``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..models import LogFileFormat


@dataclass(frozen=True)
class TableGrid:
    """A table as a grid of cell texts, one entry per grid column, merges made explicit.

    ``where`` says where the table is, for messages ("table 3", "sheet 'Evidence'", "page 2");
    ``row_labels`` names each row the way a person finds it (Excel row numbers, PDF page and line), or is
    empty when table position is enough. ``continues`` is true when the table carries on the one before it
    across a page break (PDF), so its first row may finish the previous table's last row. ``caption`` is the
    line of text just above it (a heading naming a competency), when there is one.

    Example:
        >>> TableGrid(rows=(("Date", "Activity"), ("1/2/26", "Course")), where="table 1").width
        2
    """

    rows: tuple[tuple[str, ...], ...]
    where: str
    row_labels: tuple[str, ...] = ()
    continues: bool = False
    #: The last line of text above the table, after the previous table (a heading or caption naming what the
    #: table is about, e.g. "Competency 3.2: Take part in multi-agency work"), or "".
    caption: str = ""

    @property
    def width(self) -> int:
        """The number of grid columns (the widest row)."""
        return max((len(r) for r in self.rows), default=0)

    def label(self, index: int) -> str:
        """How a person finds row ``index`` (0-based): its label, else its position in the table."""
        if index < len(self.row_labels):
            return self.row_labels[index]
        return f"{self.where}, row {index + 1}"


@dataclass(frozen=True)
class RawLog:
    """Everything a reader found in one file, without interpretation.

    ``properties`` holds identity markers as found (``sglogs_log_id`` ... from custom properties or defined
    names, ``keywords`` from the core properties); ``lines`` is the body text outside tables in reading
    order; ``footer_lines`` the page footers' text (for PDFs: the last lines of each page); ``cells`` holds
    label/value pairs a spreadsheet keeps outside tables (Excel cover sheets).

    Example:
        >>> RawLog(format=LogFileFormat.DOCX).tables
        ()
    """

    format: LogFileFormat
    tables: tuple[TableGrid, ...] = ()
    lines: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ()
    properties: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def clean_text(text: str) -> str:
    """Apply the cell text rules to text already joined with ``"\\n"`` between lines.

    Example:
        >>> clean_text("  Went to\\t a  course \\n\\n and  learned ")
        'Went to a course\\nand learned'
    """
    if "\n" not in text:  # most cells hold one line
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
