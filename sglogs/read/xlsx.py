"""Excel logs: every sheet as a grid of cell texts, read from the package XML with lxml.

The parts are read through ``SafeZip`` (size and bomb limits, no DTDs) and parsed with libxml2, which has
none of expat's quadratic slowdowns on huge tokens (FIELD-NOTES). Cells become text the way Excel shows them
to a person who reads values: dates (by the cell's number format) as ISO dates, times as ``h:mm``, numbers in
their shortest form, booleans as TRUE/FALSE. A formula's saved result is read; a formula with none is reported.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

from lxml import etree

from ..config import ReadSettings
from ..models import LogFileFormat
from .raw import RawLog, TableGrid, clean_text
from .safezip import SafeZip

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
S = f"{{{NS}}}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
# built-in number formats that show dates or times (ECMA-376 18.8.30)
_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 22, 27, 30, 36, 50, 57}
_BUILTIN_TIME_FORMATS = {18, 19, 20, 21, 45, 46, 47}
# a custom format is a date if it has d, m or y outside quotes, brackets and escapes
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
#: Rows read from one sheet at most: a log has tens of rows; more means a pasted export, not evidence.
MAX_SHEET_ROWS = 20000
MAX_SHEET_COLUMNS = 200


def column_index(letters: str) -> int:
    """0-based column index of Excel column letters.

    Example:
        >>> column_index("A"), column_index("AA")
        (0, 26)
    """
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _format_kind(code: str) -> str | None:
    stripped = _FORMAT_NOISE.sub("", code).lower()
    if any(ch in stripped for ch in "dy") or ("m" in stripped and "h" not in stripped and "s" not in stripped):
        return "date"
    if "h" in stripped or "s" in stripped:
        return "time"
    return None


def _style_kinds(package: SafeZip) -> list[str | None]:
    """For each cell style index, whether its number format shows a date, a time, or neither."""
    if not package.has("xl/styles.xml"):
        return []
    root = package.read_xml("xl/styles.xml")
    custom = {
        int(fmt.get("numFmtId", "-1")): _format_kind(fmt.get("formatCode", ""))
        for fmt in root.iterfind(f"{S}numFmts/{S}numFmt")
    }
    kinds: list[str | None] = []
    for xf in root.iterfind(f"{S}cellXfs/{S}xf"):
        fmt_id = int(xf.get("numFmtId", "0"))
        if fmt_id in custom:
            kinds.append(custom[fmt_id])
        elif fmt_id in _BUILTIN_DATE_FORMATS:
            kinds.append("date")
        elif fmt_id in _BUILTIN_TIME_FORMATS:
            kinds.append("time")
        else:
            kinds.append(None)
    return kinds


def _shared_strings(package: SafeZip) -> list[str]:
    if not package.has("xl/sharedStrings.xml"):
        return []
    root = package.read_xml("xl/sharedStrings.xml")
    # rich text keeps its runs in r/t; phonetic guides (rPh) are not shown in the cell
    return ["".join(t.text or "" for t in si.iter(f"{S}t") if t.getparent().tag != f"{S}rPh")
            for si in root.iterfind(f"{S}si")]


def _number_text(raw: str) -> str:
    value = float(raw)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _serial_to_text(raw: str, kind: str, epoch_1904: bool) -> str:
    serial = float(raw)
    epoch = dt.datetime(1904, 1, 1) if epoch_1904 else dt.datetime(1899, 12, 30)
    if kind == "time" and 0 <= serial < 1:
        minutes = round(serial * 24 * 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    try:
        moment = epoch + dt.timedelta(days=serial)
    except OverflowError:
        return _number_text(raw)
    if not 1900 <= moment.year <= 2099:
        return _number_text(raw)
    return moment.date().isoformat()


class _SheetContext:
    __slots__ = ("epoch_1904", "shared", "styles", "warnings")

    def __init__(self, shared: list[str], styles: list[str | None], epoch_1904: bool) -> None:
        self.shared, self.styles, self.epoch_1904 = shared, styles, epoch_1904
        self.warnings: list[str] = []


def _cell_text(cell: etree._Element, ctx: _SheetContext, where: str) -> str:
    kind = cell.get("t", "n")
    value = cell.findtext(f"{S}v")
    if kind == "inlineStr":
        inline = cell.find(f"{S}is")
        return "".join(t.text or "" for t in inline.iter(f"{S}t")) if inline is not None else ""
    if value is None:
        if cell.find(f"{S}f") is not None:
            ctx.warnings.append(f"{where}: cell {cell.get('r')} has a formula with no saved value, so it was read "
                                "as empty; open the file in Excel and save it again")
        return ""
    if kind == "s":
        index = int(value)
        return ctx.shared[index] if 0 <= index < len(ctx.shared) else ""
    if kind in ("str", "e"):
        return value
    if kind == "b":
        return "TRUE" if value.strip() == "1" else "FALSE"
    try:
        style = int(cell.get("s", "0"))
        number_kind = ctx.styles[style] if style < len(ctx.styles) else None
        if number_kind:
            return _serial_to_text(value, number_kind, ctx.epoch_1904)
        return _number_text(value)
    except ValueError:
        return value


def _sheet_grid(root: etree._Element, ctx: _SheetContext, name: str) -> TableGrid | None:
    where = f"sheet '{name}'"
    by_row: dict[int, dict[int, str]] = {}
    width = 0
    for row in root.iterfind(f"{S}sheetData/{S}row"):
        cells: dict[int, str] = {}
        next_column = 0
        for cell in row.iterfind(f"{S}c"):
            match = _CELL_REF.match(cell.get("r", ""))
            column = column_index(match.group(1)) if match else next_column
            next_column = column + 1
            if column >= MAX_SHEET_COLUMNS:
                continue
            text = clean_text(_cell_text(cell, ctx, where))
            if text:
                cells[column] = text
                width = max(width, column + 1)
        if cells:
            number = int(row.get("r") or (max(by_row, default=0) + 1))
            by_row[number] = cells
            if len(by_row) > MAX_SHEET_ROWS:
                ctx.warnings.append(f"{where} has more than {MAX_SHEET_ROWS} rows; only the first were read")
                break
    if not by_row:
        return None
    last = max(by_row)
    if last > MAX_SHEET_ROWS:  # a cell far down the sheet must not make a grid of a million empty rows
        ctx.warnings.append(f"{where} has text below row {MAX_SHEET_ROWS}, which was not read")
        last = MAX_SHEET_ROWS
    numbers = range(1, last + 1)
    rows = tuple(tuple(by_row.get(n, {}).get(c, "") for c in range(width)) for n in numbers)
    return TableGrid(rows=rows, where=where, row_labels=tuple(f"{where}, row {n}" for n in numbers))


_FOOTER_CODES = re.compile(r'&(?:[LCR]|"[^"]*"|\d+|K[0-9A-Fa-f]{6}|[BIUSEXYDTPNAFZG])')


def footer_text(code: str) -> str:
    """The text of an Excel header/footer, without its section and formatting codes.

    Example:
        >>> footer_text('&L&"Arial"&7sglogs log A&&B&RPage &P of &N')
        'sglogs log A&B Page of'
    """
    # "&&" is a literal ampersand: hide it first so "&&B" is not taken for the bold code "&B"
    text = _FOOTER_CODES.sub(" ", code.replace("&&", "\x00"))
    return clean_text(text.replace("\x00", "&"))


def _relationships(package: SafeZip, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    if not package.has(rels_name):
        return {}
    targets = {}
    for rel in package.read_xml(rels_name).iterfind(f"{{{PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        targets[rel.get("Id", "")] = full
    return targets


def _properties(package: SafeZip, workbook: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    if package.has("docProps/custom.xml"):
        for prop in package.read_xml("docProps/custom.xml"):
            if prop.get("name"):
                found[prop.get("name")] = "".join(prop.itertext()).strip()
    if package.has("docProps/core.xml"):
        for element in package.read_xml("docProps/core.xml"):
            local = etree.QName(element).localname.lower()
            if local in ("keywords", "title", "subject", "identifier") and element.text:
                found[local] = element.text.strip()
    # defined names carry the identity too, and survive where custom properties are dropped
    for defined in workbook.iterfind(f"{S}definedNames/{S}definedName"):
        name = defined.get("name", "")
        if name.startswith("sglogs_") and defined.text:
            found.setdefault(name, defined.text.strip().strip('"').replace('""', '"'))
    return found


def read_xlsx(path: Path, settings: ReadSettings | None = None) -> RawLog:
    """Read every sheet of an Excel log as a grid, with its identity properties and footer text.

    Raises ``InputError`` when the package is unsafe or damaged.

    Example:
        >>> raw = read_xlsx(Path("outbox/logs/Acorns/N1_Hartley_2026-01-01_2026-12-31.xlsx"))  # doctest: +SKIP
        >>> [t.where for t in raw.tables][:2]  # doctest: +SKIP
        ["sheet 'Cover'", "sheet 'Competencies'"]
    """
    with SafeZip(path, settings or ReadSettings()) as package:
        workbook = package.read_xml("xl/workbook.xml")
        props = workbook.find(f"{S}workbookPr")
        epoch_1904 = props is not None and props.get("date1904", "0") in ("1", "true")
        ctx = _SheetContext(_shared_strings(package), _style_kinds(package), epoch_1904)
        rels = _relationships(package, "xl/workbook.xml")
        tables: list[TableGrid] = []
        footer_lines: list[str] = []
        for sheet in workbook.iterfind(f"{S}sheets/{S}sheet"):
            part = rels.get(sheet.get(f"{{{R_NS}}}id", ""))
            if not part or not package.has(part):
                continue
            root = package.read_xml(part)
            grid = _sheet_grid(root, ctx, sheet.get("name", "?"))
            if grid is not None:
                tables.append(grid)
            footer = root.findtext(f"{S}headerFooter/{S}oddFooter")
            if footer:
                footer_lines.append(footer_text(footer))
        return RawLog(
            format=LogFileFormat.XLSX,
            tables=tuple(tables),
            footer_lines=tuple(line for line in footer_lines if line),
            properties=_properties(package, workbook),
            warnings=tuple(ctx.warnings),
        )
