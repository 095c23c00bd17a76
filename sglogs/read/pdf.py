"""PDF logs (saved from Word, LibreOffice or Excel): tables, body text, footers and properties as a ``RawLog``.

A PDF keeps no tables and no paragraphs, only characters at positions and the lines drawn around cells.
pdfplumber's default ``lines`` strategy finds the ruled tables (its ``text`` strategy finds none in these files,
FIELD-NOTES); this module turns the characters in each cell back into the cell's text and puts back together what
page breaks cut apart. One page is parsed at a time and closed before the next, so memory stays flat however long
the file is.

**Text in a cell.** A cell's printed lines are joined into one line of text: a PDF cannot tell a line the person
ended from one the layout wrapped, so a PDF cell never holds ``"\\n"``. Between two printed lines goes:

1. one space when a space glyph is printed after the line's last character (Word, LibreOffice and Excel print the
   space they wrap at whenever it fits on the line);
2. after a letter or digit and ``-``: nothing, and the hyphen goes too when it hyphenated a word. In a PDF from
   LibreOffice, which prints the hyphens its hyphenation adds as text objects of their own, that is exactly when
   the hyphen was printed alone (``"prac-"`` + ``"tice"`` is ``"practice"``; a typed ``"information-"`` +
   ``"sharing"`` keeps it). From other producers: when the next line starts with a lowercase letter, the piece
   before the hyphen is two or more letters, the producer is not a spreadsheet (Excel and Calc never hyphenate)
   and the file does not print the hyphenated compound elsewhere on one line (``"e-"`` + ``"learning"`` and
   ``"Face-to-"`` + ``"face"`` keep their hyphen, and so does ``"multi-"`` + ``"agency"`` in a log that prints
   "Multi-agency training" somewhere);
3. nothing when the line is one word that filled the cell, too long for the column and broken mid-word: no space
   glyph although one would have fitted, yet no room for the next line's first character (``"14/03/202"`` +
   ``"6"`` in a narrow Date column), or no room for a space between two digits;
4. one space otherwise.

Known limit: from producers other than LibreOffice, a real hyphen broken at a line end before a lowercase letter,
after a word of two or more letters, whose compound is printed nowhere else on one line, is taken for
hyphenation (``"re-"`` + ``"enacts"`` reads ``"reenacts"``).

**Tables across pages.** A table is a *continuation* when it is the first table on its page with no text above it,
the previous page's last table has no text below it (footers apart), and both have the same columns (count, and
every column edge within ``COLUMN_TOLERANCE`` points). A continuation is merged into the table it continues, giving
one ``TableGrid`` for the whole run of pages:

* its first row is dropped when it repeats the first (header) row of the table it continues;
* its next row is the rest of a row the page break split when its first cell is empty, it has some text, and the
  previous page's last row has some text: its cells are appended to that row's cells, joined as lines are (so a
  word hyphenated across the page is rejoined). Known limits: a new row whose first cell was left empty is taken
  for the rest of the row above it; a row whose first cell was itself cut by the page break stays two rows.

``where`` is ``"page N, table M"`` (M counts the tables on page N), or ``"pages N-L, table M"`` for a merged table;
row labels are ``"page N, row R"`` (R counts the rows of that page's part of the table, header included, as a
person counts them on paper; ``"page N, table M, row R"`` on a page with several tables), with ``", continued to
page P"`` for a row stitched across pages up to page P. A merged table's ``continues`` is false: nothing is
left to stitch.

**Text outside tables.** ``lines`` holds the page text outside tables, one printed line each, in reading order;
``footer_lines`` the page's footer: the lines from the first one in the bottom ``FOOTER_BAND`` of the page, below
its lowest table, that stands apart from what is above it (``FOOTER_GAP``) or is a page number (sglogs prints its
identity line and "Page 1 of 5" there); a list or paragraph that runs on into the band stays in ``lines``.
``properties`` holds the document's ``keywords``, ``title`` and ``subject`` as found (LibreOffice's export
rewrites the keywords' ``"; "`` separators as ``", "``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..config import ReadSettings
from ..errors import InputError
from ..models import LogFileFormat
from .pdf_layer import PageLayer, PdfLayer
from .raw import RawLog, TableGrid

#: Fraction of the page height, from the bottom, whose lines (below the lowest table) are footer lines.
FOOTER_BAND = 0.12
#: A line in the footer band starts the footer when the space above it is more than this many line heights
#: (a page's footer sits apart from the body; a list running on into the band does not).
FOOTER_GAP = 1.8
_PAGE_NUMBER = re.compile(r"(?i)(^|\bpage\s+)\d+\s*((of|/)\s*\d+)?\s*$")  # "3", "Page 3 of 5", "3 / 5"
#: Characters whose tops are this close (points) are on one printed line (pdfplumber's ``y_tolerance``).
LINE_TOLERANCE = 3.0
#: A gap wider than this (points) between two characters is a space (pdfplumber's ``x_tolerance``).
WORD_GAP = 3.0
#: Column edges this close (points) on two pages are the same column of a table that continues.
COLUMN_TOLERANCE = 3.0
#: Most of the cell padding assumed on the right when deciding whether a line fills its cell (points).
MAX_CELL_PADDING = 8.0
#: Width of a space, as a fraction of the font size; a little over Arial's 0.278 so a space that did not fit is
#: never taken for one that would have.
SPACE_EM = 0.3

_METADATA_KEYS = ("Keywords", "Title", "Subject")
_SPREADSHEETS = ("calc", "excel")  # producers (PDF Creator/Producer) that never hyphenate
_HYPHENS_APART = ("libreoffice",)  # producers that print the hyphens their hyphenation adds as text of their own
# PDF text can hold typographic ligatures as single characters; the words people typed do not.
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_HYPHENS = ("-", "\u00ad")  # a soft hyphen is drawn as "-"; a producer may still map it to U+00AD
_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’"


@dataclass(frozen=True, slots=True)  # slots: a long log holds tens of thousands of these until it is joined
class CellLine:
    """One printed line of a table cell, with what the PDF shows about how the line ended.

    ``wrapped_at_space``: a space glyph follows the line's last character. ``room``: points left between the
    line's end and the cell's right text edge (``inf``: not known). ``first_char_width``: width of the line's
    first character, to tell whether it would have fitted on the line above. ``space_width``: the width a space
    takes in the line's font. ``hyphen_apart``: the line ends in a hyphen printed as text of its own (``True``),
    or with the letters before it (``False``); ``None`` when it does not end in a hyphen or it is not known.

    Example:
        >>> CellLine("Face-to-face", wrapped_at_space=True).text
        'Face-to-face'
    """

    text: str
    wrapped_at_space: bool = False
    room: float = math.inf
    first_char_width: float = 0.0
    space_width: float = 0.0
    hyphen_apart: bool | None = None


@dataclass(frozen=True)
class JoinHints:
    """What the whole file says about how to join a cell's lines.

    ``hyphenates`` is false for producers that never hyphenate (spreadsheets), so a hyphen at a line end is a
    real one; ``compounds`` holds the hyphenated words (lower case) the file prints within a line, whose hyphen
    is kept when one of them is broken at a line end. ``hyphens_apart``: the producer prints the hyphens its
    hyphenation adds as text of their own (LibreOffice), so a line-end hyphen printed with its word was typed.

    Example:
        >>> JoinHints(hyphenates=False).compounds
        frozenset()
    """

    hyphenates: bool = True
    compounds: frozenset[str] = frozenset()
    hyphens_apart: bool = False


def join_lines(lines: Sequence[CellLine], hints: JoinHints | None = None) -> str:
    """Join a cell's printed lines into its text by the rules in the module docstring, folding whitespace.

    ``hints`` ``None`` joins as for a word processor's PDF with no compounds known (``JoinHints()``).

    Example:
        >>> join_lines([CellLine("Reflected on my prac-"), CellLine("tice and on e-"), CellLine("learning.")])
        'Reflected on my practice and on e-learning.'
    """
    hints = hints or JoinHints()
    joined = ""
    previous: CellLine | None = None
    for line in lines:
        text = " ".join(line.text.split())
        if not text:
            continue
        if previous is None:
            joined = text
        else:
            separator = _separator(previous, line, text, hints)
            joined = joined[:-1] + text if separator is None else joined + separator + text
        previous = line
    return joined


def _separator(before: CellLine, after: CellLine, after_text: str, hints: JoinHints) -> str | None:
    """What goes between two printed lines: a space, nothing, or ``None`` to drop a hyphenation hyphen too."""
    text = " ".join(before.text.split())
    if before.wrapped_at_space:
        return " "
    if text.endswith(_HYPHENS) and len(text) > 1 and text[-2].isalnum():
        if not hints.hyphenates:
            return ""
        if hints.hyphens_apart and before.hyphen_apart is not None:
            return None if before.hyphen_apart else ""
        fragment = text[:-1].rsplit(" ", 1)[-1]
        next_word = after_text.split(" ", 1)[0].rstrip(_PUNCTUATION)
        hyphenated = (after_text[:1].islower() and len(fragment) > 1 and fragment.isalpha()
                      and f"{fragment}-{next_word}".lower() not in hints.compounds)
        return None if hyphenated else ""
    if " " not in text:
        if before.space_width <= before.room < after.first_char_width:
            return ""  # a space would have been printed had the line wrapped at one
        if before.room < before.space_width and text[-1:].isdigit() and after_text[:1].isdigit():
            return ""
    return " "


def compounds_in(lines: Iterable[str]) -> frozenset[str]:
    """The hyphenated words printed within lines (lower case, punctuation stripped), not broken at a line end.

    Example:
        >>> sorted(compounds_in(["Multi-agency training", "on the e-", "learning (face-to-face)."]))
        ['face-to-face', 'multi-agency']
    """
    found: set[str] = set()
    for line in lines:
        words = line.split()
        if words and words[-1].endswith(_HYPHENS):
            words.pop()
        for word in words:
            word = word.strip(_PUNCTUATION)
            if "-" in word.strip("-"):
                found.add(word.lower())
    return frozenset(found)


def read_pdf(path: Path, settings: ReadSettings | None = None) -> RawLog:
    """Read a PDF log's tables, text outside tables, footers and document properties.

    ``settings.max_pdf_pages`` caps the pages read (default ``ReadSettings()``). Raises ``InputError``, and
    nothing else, when the file cannot be opened or parsed or has too many pages; encrypted, scanned and damaged
    files are refused before this, by ``sniff``.

    Example:
        >>> raw = read_pdf(Path("tests/data/pdf-word-40-entries.pdf"))  # doctest: +SKIP
        >>> raw.tables[2].where, raw.tables[2].rows[0][0]  # doctest: +SKIP
        ('pages 3-6, table 1', 'Date')
    """
    settings = settings or ReadSettings()
    try:
        with PdfLayer(path) as pdf:
            return _read(pdf, path, settings)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"{path.name} cannot be opened ({exc.strerror or exc}); check the file is there and "
                         "readable.") from exc
    except Exception as exc:  # PdfLayerError, or a failure inside the parsing: the file's, said in one sentence
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: Exception) -> InputError:
    detail = " ".join(str(exc).split())[:160] or type(exc).__name__
    return InputError(f"{path.name} could not be read as a PDF ({detail}); save it as PDF again from Word, "
                      "LibreOffice or Excel and send it again.")


# ------------------------------------------------------------------------------------------------- one page


@dataclass
class _PageTable:
    """A table as found on one page, its cells still as printed lines."""

    page_number: int
    index: int  # 1-based, among the tables of its page
    rows: list[list[list[CellLine]]]
    columns: tuple[float, ...]
    garbled_rows: list[int]  # 1-based rows whose text is printed over other text
    caption: str = ""  # the printed line just above the table (a heading naming its competency)


@dataclass
class _Page:
    number: int
    tables: list[_PageTable]
    lines: list[str]
    footer_lines: list[str]
    first_table_at_top: bool  # no text above the page's first table
    last_table_at_bottom: bool  # no text below the page's last table, footers apart


@dataclass(slots=True)
class _Line:
    """A printed line built from characters, before it is known whether it sits in a cell or on the page."""

    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    spaced: bool
    first_width: float
    size: float
    overlaps: bool
    hyphen_apart: bool | None = None  # CellLine.hyphen_apart


def _read_page(page: PageLayer) -> _Page:
    chars = page.chars
    tables = page.tables  # pdfplumber's default "lines" strategy
    grids: list[tuple[Sequence[float], list[float], list[Any]]] = []  # per table: bbox, row tops, rows
    for table in tables:
        rows = table.rows  # pdfplumber recomputes rows on each access
        grids.append((table.bbox, [row.bbox[1] for row in rows], rows))
    cell_chars: list[list[list[list[dict]]]] = [[[[] for _ in row.cells] for row in rows] for _, _, rows in grids]
    outside: list[dict] = []
    for char in chars:
        place = _cell_of(char, grids)
        if place is None:
            outside.append(char)
        else:
            t, r, c = place
            cell_chars[t][r][c].append(char)

    page_tables: list[_PageTable] = []
    for t, table in enumerate(tables):
        rows_lines: list[list[list[CellLine]]] = []
        garbled: list[int] = []
        for r, row in enumerate(grids[t][2]):
            row_lines = []
            for c, bbox in enumerate(row.cells):
                lines = _lines(cell_chars[t][r][c])
                if any(line.overlaps for line in lines) and r + 1 not in garbled:
                    garbled.append(r + 1)
                row_lines.append(_cell_lines(lines, bbox))
            rows_lines.append(row_lines)
        page_tables.append(_PageTable(page.page_number, t + 1, rows_lines, _columns(table.cells), garbled))

    footer_from = page.bbox[3] - FOOTER_BAND * page.height
    lowest = max((table.bbox[3] for table in tables), default=page.bbox[1])
    body, footer = _split_footer(_lines(outside), footer_from, lowest)
    previous_bottom = page.bbox[1]
    for page_table, table in zip(page_tables, tables, strict=True):
        above = [line for line in body if previous_bottom <= line.top and line.bottom <= table.bbox[1] + 1]
        page_table.caption = above[-1].text if above else ""
        previous_bottom = table.bbox[3]
    return _Page(
        number=page.page_number,
        tables=page_tables,
        lines=[line.text for line in body],
        footer_lines=footer,
        first_table_at_top=bool(tables) and not any(line.bottom <= tables[0].bbox[1] + 1 for line in body),
        last_table_at_bottom=bool(tables) and not any(line.top >= tables[-1].bbox[3] - 1 for line in body),
    )


def _split_footer(lines: list[_Line], footer_from: float, lowest: float) -> tuple[list[_Line], list[str]]:
    """The page's lines outside tables (top to bottom) as body lines and footer texts (module docstring)."""
    body: list[_Line] = []
    footer: list[str] = []
    above = lowest  # the bottom of what is printed above the line: the lowest table, then each line
    for line in lines:
        in_band = line.top >= footer_from and line.top >= lowest
        apart = line.top - above > FOOTER_GAP * (line.bottom - line.top)
        if footer or (in_band and (apart or _PAGE_NUMBER.search(line.text))):
            footer.append(line.text)
        else:
            body.append(line)
        above = max(above, line.bottom)
    return body, footer


def _cell_of(
    char: dict, grids: list[tuple[Sequence[float], list[float], list[Any]]]
) -> tuple[int, int, int] | None:
    """Which table, row and cell a character's midpoint falls in (as pdfplumber's ``Table.extract`` decides)."""
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    for t, (box, tops, rows) in enumerate(grids):
        if not (box[0] <= x < box[2] and box[1] <= y < box[3]):
            continue
        # the last row starting above the point, else an earlier one whose cell spans rows down to it
        for r in range(bisect_right(tops, y) - 1, -1, -1):
            if rows[r].bbox[3] <= y:
                continue
            for c, bbox in enumerate(rows[r].cells):
                if bbox is not None and bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]:
                    return t, r, c
    return None


def _lines(chars: list[dict]) -> list[_Line]:
    """Group characters into printed lines, top to bottom, with spaces where the PDF prints them or leaves a gap."""
    if not chars:
        return []
    lines: list[_Line] = []
    for cluster in _by_line(chars):
        top, bottom = cluster[0]["top"], max(map(_BOTTOM, cluster))
        cluster.sort(key=_X0)
        parts: list[str] = []
        previous: dict | None = None
        first: dict | None = None
        pending_space = overlaps = False
        for char in cluster:
            text = char["text"]
            if not text or text.isspace():
                pending_space = previous is not None
                continue
            if previous is None:
                first = char
            else:
                if text == previous["text"] and abs(char["x0"] - previous["x0"]) < 1:
                    continue  # the same glyph drawn twice (simulated bold)
                width = min(char["x1"] - char["x0"], previous["x1"] - previous["x0"])
                if previous["x1"] - char["x0"] > 0.5 * width > 0:
                    overlaps = True  # two lines printed over each other: more text than its row shows
                if pending_space or char["x0"] - previous["x1"] > WORD_GAP:
                    parts.append(" ")
            parts.append(_LIGATURES.get(text, text))
            previous, pending_space = char, False
        if previous is None or first is None:
            continue
        lines.append(_Line(
            text=" ".join("".join(parts).split()),
            top=top,
            bottom=bottom,
            x0=first["x0"],
            x1=previous["x1"],
            spaced=pending_space,
            first_width=first["x1"] - first["x0"],
            size=previous.get("size") or (previous["bottom"] - previous["top"]),
            overlaps=overlaps,
            hyphen_apart=previous.get("alone"),
        ))
    for above, below in pairwise(lines):
        if below.top < above.bottom - 0.5 * (above.bottom - above.top) and below.x0 < above.x1:
            above.overlaps = below.overlaps = True
    return lines


_TOP, _BOTTOM, _X0 = itemgetter("top"), itemgetter("bottom"), itemgetter("x0")


def _by_line(chars: list[dict]) -> list[list[dict]]:
    """Characters in groups, top to bottom, whose tops are chained within ``LINE_TOLERANCE`` (as pdfplumber's
    ``cluster_objects`` groups them), each group in order of its tops."""
    groups: list[list[dict]] = []
    last = -math.inf
    for char in sorted(chars, key=_TOP):
        if char["top"] > last + LINE_TOLERANCE:
            groups.append([char])
        else:
            groups[-1].append(char)
        last = char["top"]
    return groups


def _cell_lines(lines: list[_Line], bbox: Sequence[float] | None) -> list[CellLine]:
    if not lines or bbox is None:
        return []
    # The right padding is taken to equal the left one seen in the cell, capped so centred text is not "full".
    padding = min(max(min(line.x0 for line in lines) - bbox[0], 0.0), MAX_CELL_PADDING)
    right = bbox[2] - padding
    return [CellLine(line.text, line.spaced, right - line.x1, line.first_width, SPACE_EM * line.size,
                     line.hyphen_apart) for line in lines]


def _columns(cells: list[Sequence[float]]) -> tuple[float, ...]:
    """The x positions of a table's column edges, near-equal edges counted once."""
    edges = sorted({round(c[0], 1) for c in cells} | {round(max(c[2] for c in cells), 1)})
    merged: list[float] = []
    for x in edges:
        if not merged or x - merged[-1] > 1:
            merged.append(x)
    return tuple(merged)


# ----------------------------------------------------------------------------------- tables across pages


@dataclass
class _Run:
    """A table and the continuations merged into it so far."""

    first: _PageTable
    last_page: int
    rows: list[list[list[CellLine]]]
    labels: list[str]
    bases: list[str]  # each row's label without ", continued to page P"
    garbled: dict[int, list[int]] = field(default_factory=dict)  # page number: its rows printed over other text

    def where(self) -> str:
        if self.last_page == self.first.page_number:
            return f"page {self.first.page_number}, table {self.first.index}"
        return f"pages {self.first.page_number}-{self.last_page}, table {self.first.index}"


def _row_label(table: _PageTable, row_number: int, tables_on_page: int) -> str:
    if tables_on_page > 1:
        return f"page {table.page_number}, table {table.index}, row {row_number}"
    return f"page {table.page_number}, row {row_number}"


def _start_run(table: _PageTable, tables_on_page: int) -> _Run:
    labels = [_row_label(table, n, tables_on_page) for n in range(1, len(table.rows) + 1)]
    run = _Run(table, table.page_number, [list(row) for row in table.rows], list(labels), labels)
    if table.garbled_rows:
        run.garbled[table.page_number] = table.garbled_rows
    return run


def _same_columns(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= COLUMN_TOLERANCE for x, y in zip(a, b, strict=True))


def _continue_run(run: _Run, table: _PageTable, tables_on_page: int) -> None:
    """Merge ``table``, which carries ``run`` on over a page break, into it (rules in the module docstring)."""
    rows = [list(row) for row in table.rows]
    numbers = list(range(1, len(rows) + 1))
    if rows and run.rows and _texts(rows[0]) == _texts(run.rows[0]):
        rows, numbers = rows[1:], numbers[1:]  # the header row repeated on the new page
    if rows and run.rows and _rest_of_split_row(run.rows[-1], rows[0]):
        last = run.rows[-1]
        for column, lines in enumerate(rows[0][: len(last)]):
            last[column] = [*last[column], *lines]
        run.labels[-1] = f"{run.bases[-1]}, continued to page {table.page_number}"
        rows, numbers = rows[1:], numbers[1:]
    for row, number in zip(rows, numbers, strict=True):
        label = _row_label(table, number, tables_on_page)
        run.rows.append(row)
        run.labels.append(label)
        run.bases.append(label)
    if table.garbled_rows:
        run.garbled[table.page_number] = table.garbled_rows
    run.last_page = table.page_number


def _texts(row: list[list[CellLine]]) -> tuple[str, ...]:
    return tuple(join_lines(cell) for cell in row)


def _rest_of_split_row(previous: list[list[CellLine]], row: list[list[CellLine]]) -> bool:
    if not (row and any(row) and any(previous)):
        return False
    if not row[0]:
        return True
    # the tail of long cells only (a reflection first, its last lines on the new page): at most half the
    # columns hold text, each of them a column the row before filled too
    filled = [c for c, lines in enumerate(row) if lines]
    return 2 * len(filled) <= len(row) and all(c < len(previous) and previous[c] for c in filled)


def _grid(run: _Run, hints: JoinHints) -> TableGrid:
    width = max((len(row) for row in run.rows), default=0)
    rows = tuple(tuple(join_lines(cell, hints) for cell in row) + ("",) * (width - len(row)) for row in run.rows)
    return TableGrid(rows=rows, where=run.where(), row_labels=tuple(run.labels), caption=run.first.caption)


# ---------------------------------------------------------------------------------------------- the file


def _read(pdf: PdfLayer, path: Path, settings: ReadSettings) -> RawLog:
    if pdf.page_count > settings.max_pdf_pages:
        raise InputError(f"{path.name} has {pdf.page_count} pages, more than the {settings.max_pdf_pages} a log may "
                         "have (read.max_pdf_pages); check it is the right file, or raise the limit in sglogs.toml.")
    runs: list[_Run] = []
    open_run: _Run | None = None  # the previous page's last table, when nothing but footers follows it
    lines: list[str] = []
    footer_lines: list[str] = []
    for page in pdf.pages():  # each page's PDFium objects are closed before the next: memory stays flat
        found = _read_page(page)
        lines.extend(found.lines)
        footer_lines.extend(found.footer_lines)
        for index, table in enumerate(found.tables):
            if (index == 0 and open_run is not None and found.first_table_at_top
                    and _same_columns(open_run.first.columns, table.columns)):
                _continue_run(open_run, table, len(found.tables))
            else:
                runs.append(_start_run(table, len(found.tables)))
        open_run = runs[-1] if found.tables and found.last_table_at_bottom else None

    metadata = pdf.metadata()
    producer = f"{metadata.get('Creator', '')} {metadata.get('Producer', '')}".lower()
    cell_texts = (line.text for run in runs for row in run.rows for cell in row for line in cell)
    hints = JoinHints(hyphenates=not any(name in producer for name in _SPREADSHEETS),
                      compounds=compounds_in([*cell_texts, *lines]),
                      hyphens_apart=any(name in producer for name in _HYPHENS_APART))
    warnings = [
        f"{run.where()}: text in {_pages_and_rows(run.garbled)} is printed over other text (a row too short for "
        "what was typed?), so it may read garbled; check those cells against the PDF"
        for run in runs if run.garbled
    ]
    if pdf.has_form_fields():
        warnings.append("the PDF has form fields: sglogs reads what is printed on the pages, not values typed "
                        "into a PDF form, so ask for the log as a Word or Excel file if entries are missing")
    return RawLog(
        format=LogFileFormat.PDF,
        tables=tuple(_grid(run, hints) for run in runs),
        lines=tuple(lines),
        footer_lines=tuple(footer_lines),
        properties=_properties(metadata),
        warnings=tuple(warnings),
    )


def _pages_and_rows(rows_by_page: dict[int, list[int]]) -> str:
    """``{3: [2, 3]}`` as "page 3 rows 2, 3", for a warning."""
    return "; ".join(f"page {page} row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}"
                     for page, rows in rows_by_page.items())


def _properties(metadata: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in _METADATA_KEYS:
        value = metadata.get(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if isinstance(value, str) and value.strip():
            found[key.lower()] = " ".join(value.split())
    return found
