"""Word logs: walk ``word/document.xml`` in document order and return its tables and text as a ``RawLog``.

python-docx's ``table.rows``/``cell.text`` silently lose what real edits produce (FIELD-NOTES): text in tracked
insertions, fields, content controls and smart tags; rows and cells inside content controls; and they return
tracked-deleted rows and repeat merged text. This walker reads what Word shows with changes accepted:

* ``w:ins``/``w:moveTo`` content is read, ``w:del``/``w:moveFrom`` content and deleted rows are not;
* a field shows its result (between ``separate`` and ``end``), never its instruction;
* ``w:sdt``, ``w:customXml``, ``w:smartTag``, ``w:hyperlink``, ``w:fldSimple`` are transparent wrappers, at
  run, cell, row and table level;
* hidden text (``w:vanish``), comments and footnote marks are not read;
* ``w:gridSpan``/``w:gridBefore``/``w:gridAfter``/``w:vMerge`` are turned into an explicit grid.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ..config import ReadSettings
from ..models import LogFileFormat
from .raw import RawLog, TableGrid, clean_text
from .safezip import SafeZip

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = f"{{{W_NS}}}"
MC = f"{{{MC_NS}}}"
DOCUMENT = "word/document.xml"

# elements whose content is shown as if they were not there
_TRANSPARENT = {f"{W}{t}" for t in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "fldSimple", "ins",
                                   "moveTo", "bdo", "dir", "r", "txbxContent")}
# elements whose content Word does not show (deleted, moved away, properties, comments, notes)
_SKIPPED = {f"{W}{t}" for t in ("del", "moveFrom", "rPr", "pPr", "sdtPr", "sdtEndPr", "customXmlPr",
                               "smartTagPr", "instrText", "delText", "delInstrText", "footnoteReference",
                               "endnoteReference", "commentReference", "annotationRef", "tblPr", "tblGrid",
                               "trPr", "tcPr", "tblPrEx")}
_TEXT, _TAB, _BREAK = f"{W}t", f"{W}tab", (f"{W}br", f"{W}cr")
_FIELD_CHAR, _VANISH = f"{W}fldChar", f"{W}vanish"
#: Symbols inserted with Insert > Symbol (``w:sym``) from the symbol fonts, as the Unicode characters they
#: draw: ticks, crosses and boxes are how people mark competencies in a tick matrix.
SYMBOL_FONTS: dict[str, dict[int, str]] = {
    "wingdings": {0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xFD: "☒", 0xA8: "☐", 0x6F: "☐", 0x78: "☒", 0x9F: "•",
                  0x6C: "●", 0xA7: "▪"},
    "wingdings 2": {0x50: "✓", 0x4F: "✗", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0xA3: "☐", 0x97: "•"},
    "symbol": {0xB7: "•", 0xD6: "√"},
}


class _FieldState:
    """Complex fields span runs: between ``begin`` and ``separate`` is the instruction, then the result."""

    __slots__ = ("stack",)

    def __init__(self) -> None:
        self.stack: list[str] = []  # one entry per open field: "instr" or "result"

    @property
    def hiding(self) -> bool:
        return "instr" in self.stack

    def on(self, kind: str | None) -> None:
        if kind == "begin":
            self.stack.append("instr")
        elif kind == "separate" and self.stack:
            self.stack[-1] = "result"
        elif kind == "end" and self.stack:
            self.stack.pop()


def _symbol_font(run: etree._Element) -> dict[int, str] | None:
    fonts = run.find(f"{W}rPr/{W}rFonts")
    if fonts is None:
        return None
    name = (fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or "").strip().lower()
    return SYMBOL_FONTS.get(name)


def _run_hidden(run: etree._Element) -> bool:
    props = run.find(f"{W}rPr")
    if props is None:
        return False
    vanish = props.find(_VANISH)
    return vanish is not None and vanish.get(f"{W}val", "true") not in ("0", "false", "off")


def _inline_text(element: etree._Element, fields: _FieldState, out: list[str]) -> None:
    """Append the visible text of a paragraph's content to ``out``."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _TEXT:
            if not fields.hiding:
                out.append(child.text or "")
        elif tag == _TAB or tag == f"{W}ptab":
            if not fields.hiding:
                out.append(" ")
        elif tag in _BREAK:
            if not fields.hiding:
                out.append("\n")
        elif tag == f"{W}noBreakHyphen":
            out.append("-")
        elif tag == f"{W}sym":
            out.append(symbol_text(child))
        elif tag == _FIELD_CHAR:
            fields.on(child.get(f"{W}fldCharType"))
        elif tag == f"{W}r":
            if not _run_hidden(child):
                symbols = _symbol_font(child)
                if symbols is None:
                    _inline_text(child, fields, out)
                else:  # "ü" typed in Wingdings is a tick on the page
                    piece: list[str] = []
                    _inline_text(child, fields, piece)
                    out.append("".join(symbols.get(ord(ch) & 0xFF, ch) if ord(ch) < 0xF100 else ch
                                       for ch in "".join(piece)))
            else:  # a hidden run can still open or close a field
                for fc in child.iter(_FIELD_CHAR):
                    fields.on(fc.get(f"{W}fldCharType"))
        elif tag == f"{MC}AlternateContent":
            choice = child.find(f"{MC}Choice")
            if choice is not None:
                _inline_text(choice, fields, out)
        elif tag == f"{W}p":  # a paragraph inside a text box
            _inline_text(child, fields, out)
            out.append("\n")
        elif tag in _TRANSPARENT or len(child):
            _inline_text(child, fields, out)


def symbol_text(symbol: etree._Element) -> str:
    """The character a ``w:sym`` draws, mapped from its symbol font to Unicode (``""`` when unknown).

    Example:
        >>> symbol_text(etree.fromstring(f'<w:sym xmlns:w="{W_NS}" w:font="Wingdings" w:char="F0FC"/>'))
        '✓'
    """
    font = (symbol.get(f"{W}font") or "").strip().lower()
    try:
        code = int(symbol.get(f"{W}char") or "", 16)
    except ValueError:
        return ""
    # symbol fonts are addressed in the private-use area F000-F0FF; the low byte is the glyph
    glyph = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
    if font in SYMBOL_FONTS:
        return SYMBOL_FONTS[font].get(glyph, "")
    return chr(code) if code < 0xF000 else ""


def paragraph_text(paragraph: etree._Element) -> str:
    """The text a paragraph shows, with tracked changes accepted and fields showing their results.

    Example:
        >>> p = etree.fromstring(f'<w:p xmlns:w="{W_NS}"><w:r><w:t>Hello</w:t></w:r>'
        ...     '<w:del><w:r><w:delText> old</w:delText></w:r></w:del>'
        ...     '<w:ins><w:r><w:t> world</w:t></w:r></w:ins></w:p>')
        >>> paragraph_text(p)
        'Hello world'
    """
    out: list[str] = []
    _inline_text(paragraph, _FieldState(), out)
    return "".join(out)


def _unwrap(element: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """Children with tag ``wanted``, looking through content controls and custom XML wrappers."""
    for child in element:
        tag = child.tag
        if tag == wanted:
            yield child
        elif tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
            if content is not None:
                yield from _unwrap(content, wanted)
        elif tag in (f"{W}ins", f"{W}moveTo"):
            yield from _unwrap(child, wanted)


def _block_lines(container: etree._Element) -> list[str]:
    """Text of a cell or body: paragraphs as lines, nested tables' rows as lines (cells joined by a space)."""
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            lines.append(paragraph_text(child))
        elif tag == f"{W}tbl":
            for row in _table_rows(child):
                lines.append(" ".join(text for text in row if text))
        elif tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
            if content is not None:
                lines.extend(_block_lines(content))
    return lines


def _int_attr(element: etree._Element | None, name: str, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{W}{name}", default))
    except ValueError:
        return default


def _row_deleted(row: etree._Element) -> bool:
    props = row.find(f"{W}trPr")
    return props is not None and props.find(f"{W}del") is not None


def _table_rows(table: etree._Element) -> list[list[str]]:
    """A table's rows as a grid: spans leave ``""`` behind them, vertical-merge continuations are ``""``."""
    rows: list[list[str]] = []
    for row in _unwrap(table, f"{W}tr"):
        if _row_deleted(row):
            continue
        props = row.find(f"{W}trPr")
        cells: list[str] = [""] * _int_attr(props.find(f"{W}gridBefore") if props is not None else None, "val", 0)
        for cell in _unwrap(row, f"{W}tc"):
            cell_props = cell.find(f"{W}tcPr")
            span = max(1, _int_attr(cell_props.find(f"{W}gridSpan") if cell_props is not None else None, "val", 1))
            merge = cell_props.find(f"{W}vMerge") if cell_props is not None else None
            continued = merge is not None and merge.get(f"{W}val", "continue") == "continue"
            text = "" if continued else clean_text("\n".join(_block_lines(cell)))
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows


def _body_blocks(container: etree._Element, tables: list[TableGrid], lines: list[str]) -> None:
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            text = clean_text(paragraph_text(child))
            if text:
                lines.append(text)
        elif tag == f"{W}tbl":
            rows = _table_rows(child)
            if rows:
                tables.append(TableGrid(rows=tuple(tuple(r) for r in rows), where=f"table {len(tables) + 1}"))
        elif tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
            if content is not None:
                _body_blocks(content, tables, lines)
        elif tag in (f"{W}ins", f"{W}moveTo"):
            _body_blocks(child, tables, lines)


def _properties(package: SafeZip) -> dict[str, str]:
    found: dict[str, str] = {}
    if package.has("docProps/custom.xml"):
        for prop in package.read_xml("docProps/custom.xml"):
            name = prop.get("name")
            if name:
                found[name] = "".join(prop.itertext()).strip()
    if package.has("docProps/core.xml"):
        for element in package.read_xml("docProps/core.xml"):
            local = etree.QName(element).localname.lower()
            if local in ("keywords", "title", "subject", "identifier") and element.text:
                found[local] = element.text.strip()
    return found


def read_docx(path: Path, settings: ReadSettings | None = None) -> RawLog:
    """Read a Word log's tables, body text, footers and identity properties.

    Raises ``InputError`` when the package is unsafe or damaged (see ``safezip``).

    Example:
        >>> raw = read_docx(Path("outbox/logs/Acorns/N1_Hartley_2026-01-01_2026-12-31.docx"))  # doctest: +SKIP
        >>> raw.tables[2].rows[0][0]  # doctest: +SKIP
        'Date'
    """
    with SafeZip(path, settings or ReadSettings()) as package:
        body = package.read_xml(DOCUMENT).find(f"{W}body")
        tables: list[TableGrid] = []
        lines: list[str] = []
        if body is not None:
            _body_blocks(body, tables, lines)
        footer_lines: list[str] = []
        for name in sorted(n for n in package.names() if n.startswith("word/footer") and n.endswith(".xml")):
            footer_lines.extend(_block_lines(package.read_xml(name)))
        return RawLog(
            format=LogFileFormat.DOCX,
            tables=tuple(tables),
            lines=tuple(lines),
            footer_lines=tuple(line for line in (clean_text(x) for x in footer_lines) if line),
            properties=_properties(package),
        )
