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

from collections.abc import Callable, Iterator
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

# qualified tag names, built once: these are compared for every element of a log
_W_ASCII = f"{W}ascii"
_W_BODY = f"{W}body"
_W_BR = f"{W}br"
_W_CHAR = f"{W}char"
_W_CR = f"{W}cr"
_W_CUSTOMXML = f"{W}customXml"
_W_DEL = f"{W}del"
_W_FLDCHAR = f"{W}fldChar"
_W_FLDCHARTYPE = f"{W}fldCharType"
_W_FONT = f"{W}font"
_W_GRIDBEFORE = f"{W}gridBefore"
_W_GRIDSPAN = f"{W}gridSpan"
_W_HANSI = f"{W}hAnsi"
_W_INS = f"{W}ins"
_W_MOVETO = f"{W}moveTo"
_W_NOBREAKHYPHEN = f"{W}noBreakHyphen"
_W_P = f"{W}p"
_W_PTAB = f"{W}ptab"
_W_R = f"{W}r"
_W_RFONTS = f"{W}rFonts"
_W_RPR = f"{W}rPr"
_W_SDT = f"{W}sdt"
_W_SDTCONTENT = f"{W}sdtContent"
_W_SYM = f"{W}sym"
_W_T = f"{W}t"
_W_TAB = f"{W}tab"
_W_TBL = f"{W}tbl"
_W_TC = f"{W}tc"
_W_TCPR = f"{W}tcPr"
_W_TR = f"{W}tr"
_W_TRPR = f"{W}trPr"
_W_VMERGE = f"{W}vMerge"
_W_VAL = f"{W}val"
_W_VANISH = f"{W}vanish"

# elements whose content is shown as if they were not there
_TRANSPARENT = {f"{W}{t}" for t in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "fldSimple", "ins",
                                   "moveTo", "bdo", "dir", "r", "txbxContent")}
# elements whose content Word does not show (deleted, moved away, properties, comments, notes)
_SKIPPED = {f"{W}{t}" for t in ("del", "moveFrom", "rPr", "pPr", "sdtPr", "sdtEndPr", "customXmlPr",
                               "smartTagPr", "instrText", "delText", "delInstrText", "footnoteReference",
                               "endnoteReference", "commentReference", "annotationRef", "tblPr", "tblGrid",
                               "trPr", "tcPr", "tblPrEx")}
_W_T, _W_TAB, _BREAK = _W_T, _W_TAB, (_W_BR, _W_CR)
_W_FLDCHAR, _W_VANISH = _W_FLDCHAR, _W_VANISH
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
    name = (fonts.get(_W_ASCII) or fonts.get(_W_HANSI) or "").strip().lower()
    return SYMBOL_FONTS.get(name)


def _run_hidden(run: etree._Element) -> bool:
    props = run.find(_W_RPR)
    if props is None:
        return False
    vanish = props.find(_W_VANISH)
    return vanish is not None and vanish.get(_W_VAL, "true") not in ("0", "false", "off")


def _inline_text(element: etree._Element, fields: _FieldState, out: list[str]) -> None:
    """Append the visible text of a paragraph's content to ``out``."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _W_T:
            if not fields.hiding:
                out.append(child.text or "")
        elif tag in (_W_TAB, _W_PTAB):
            if not fields.hiding:
                out.append(" ")
        elif tag in _BREAK:
            if not fields.hiding:
                out.append("\n")
        elif tag == _W_NOBREAKHYPHEN:
            out.append("-")
        elif tag == _W_SYM:
            out.append(symbol_text(child))
        elif tag == _W_FLDCHAR:
            fields.on(child.get(_W_FLDCHARTYPE))
        elif tag == _W_R:
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
                for fc in child.iter(_W_FLDCHAR):
                    fields.on(fc.get(_W_FLDCHARTYPE))
        elif tag == f"{MC}AlternateContent":
            choice = child.find(f"{MC}Choice")
            if choice is not None:
                _inline_text(choice, fields, out)
        elif tag == _W_P:  # a paragraph inside a text box
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
    font = (symbol.get(_W_FONT) or "").strip().lower()
    try:
        code = int(symbol.get(_W_CHAR) or "", 16)
    except ValueError:
        return ""
    # symbol fonts are addressed in the private-use area F000-F0FF; the low byte is the glyph
    glyph = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
    if font in SYMBOL_FONTS:
        return SYMBOL_FONTS[font].get(glyph, "")
    return chr(code) if code < 0xF000 else ""


# What only the full walk reads right; a document with none of these is read by the fast path.
_NEEDS_WALK = (
    *(f"{W}{t}" for t in ("del", "moveFrom", "fldChar", "vanish", "sym", "instrText", "delText", "txbxContent",
                          "specVanish")),
    f"{MC}AlternateContent",
)
_FAST_TAGS = (_W_T, _W_TAB, _W_PTAB, _W_BR, _W_CR, _W_NOBREAKHYPHEN)


def needs_full_walk(root: etree._Element) -> bool:
    """Whether a part holds tracked deletions, fields, hidden text, symbols or text boxes.

    Example:
        >>> needs_full_walk(etree.fromstring(f'<w:p xmlns:w="{W_NS}"><w:r><w:t>Plain</w:t></w:r></w:p>'))
        False
    """
    if next(root.iter(*_NEEDS_WALK), None) is not None:
        return True
    return any((f.get(_W_ASCII) or "").strip().lower() in SYMBOL_FONTS for f in root.iter(_W_RFONTS))


def _fast_paragraph_text(paragraph: etree._Element) -> str:
    # no deletions, fields, hidden runs or symbols in the part: every w:t is shown, in document order
    out = []
    for element in paragraph.iter(*_FAST_TAGS):
        tag = element.tag
        if tag == _W_T:
            out.append(element.text or "")
        elif tag in _BREAK:
            out.append("\n")
        elif tag == _W_NOBREAKHYPHEN:
            out.append("-")
        else:
            out.append(" ")
    return "".join(out)


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
        elif tag in (_W_SDT, _W_CUSTOMXML):
            content = child.find(_W_SDTCONTENT) if tag == _W_SDT else child
            if content is not None:
                yield from _unwrap(content, wanted)
        elif tag in (_W_INS, _W_MOVETO):
            yield from _unwrap(child, wanted)


TextOf = Callable[[etree._Element], str]


def _block_lines(container: etree._Element, text_of: TextOf = paragraph_text) -> list[str]:
    """Text of a cell or body: paragraphs as lines, nested tables' rows as lines (cells joined by a space)."""
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if tag == _W_P:
            lines.append(text_of(child))
        elif tag == _W_TBL:
            for row in _table_rows(child, text_of):
                lines.append(" ".join(text for text in row if text))
        elif tag in (_W_SDT, _W_CUSTOMXML):
            content = child.find(_W_SDTCONTENT) if tag == _W_SDT else child
            if content is not None:
                lines.extend(_block_lines(content, text_of))
    return lines


#: Word tables have at most 63 columns; a larger span or offset in a file is damage or an attack on memory.
MAX_GRID_COLUMNS = 64


def _int_attr(element: etree._Element | None, name: str, default: int) -> int:
    """A grid count (span, columns before a row) kept between 0 and ``MAX_GRID_COLUMNS``."""
    if element is None:
        return default
    try:
        return min(max(int(element.get(f"{W}{name}", default)), 0), MAX_GRID_COLUMNS)
    except ValueError:
        return default


def _table_rows(table: etree._Element, text_of: TextOf = paragraph_text) -> list[list[str]]:
    """A table's rows as a grid: spans leave ``""`` behind them, vertical-merge continuations are ``""``."""
    rows: list[list[str]] = []
    for row in _unwrap(table, _W_TR):
        props = row.find(_W_TRPR)
        if props is not None and props.find(_W_DEL) is not None:
            continue  # a tracked-deleted row is not in the document once changes are accepted
        cells: list[str] = [""] * _int_attr(props.find(_W_GRIDBEFORE), "val", 0) if props is not None else []
        for cell in _unwrap(row, _W_TC):
            span, continued = 1, False
            cell_props = cell.find(_W_TCPR)
            if cell_props is not None:
                span = max(1, _int_attr(cell_props.find(_W_GRIDSPAN), "val", 1))
                merge = cell_props.find(_W_VMERGE)
                continued = merge is not None and merge.get(_W_VAL, "continue") == "continue"
            cells.append("" if continued else clean_text("\n".join(_block_lines(cell, text_of))))
            if span > 1:
                cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows


_FLAT_TABLE_TAGS = (_W_TR, _W_TC, _W_P, *_FAST_TAGS)


def _flat_table_rows(table: etree._Element) -> list[list[str]]:
    """``_table_rows`` for a part that needs no full walk and a table with no nested tables: one pass.

    A log's tables hold hundreds of cells; visiting their elements in one C-level ``iter`` is several times
    faster than walking each cell's children in Python.
    """
    rows: list[list[str]] = []
    cells: list[str] = []
    parts: list[str] | None = None  # the current cell's text; None inside a merge continuation
    at = 0  # where the current cell's text goes: the first grid column of its span

    for element in table.iter(*_FLAT_TABLE_TAGS):
        tag = element.tag
        if tag == _W_T:
            if parts is not None:
                parts.append(element.text or "")
        elif tag == _W_P:
            if parts:
                parts.append("\n")
        elif tag in (_W_TC, _W_TR):
            if parts:
                cells[at] = clean_text("".join(parts))
            parts = None
            if tag == _W_TR:
                props = element.find(_W_TRPR)
                cells = [""] * (_int_attr(props.find(_W_GRIDBEFORE), "val", 0) if props is not None else 0)
                rows.append(cells)
                continue
            span, continued = 1, False
            props = element.find(_W_TCPR)
            if props is not None:
                span = max(1, _int_attr(props.find(_W_GRIDSPAN), "val", 1))
                merge = props.find(_W_VMERGE)
                continued = merge is not None and merge.get(_W_VAL, "continue") == "continue"
            at = len(cells)
            cells.extend([""] * span)
            parts = None if continued else []
        elif parts is not None:
            parts.append("\n" if tag in _BREAK else "-" if tag == _W_NOBREAKHYPHEN else " ")
    if parts:
        cells[at] = clean_text("".join(parts))
    return rows


def _body_blocks(container: etree._Element, tables: list[TableGrid], lines: list[str], text_of: TextOf,
                 seen: list[int] | None = None) -> None:
    # ``seen`` holds how many lines there were at the last table, so a caption is a line between two tables
    seen = seen if seen is not None else [0]
    for child in container:
        tag = child.tag
        if tag == _W_P:
            text = clean_text(text_of(child))
            if text:
                lines.append(text)
        elif tag == _W_TBL:
            flat = text_of is _fast_paragraph_text and not any(t is not child for t in child.iter(_W_TBL))
            rows = _flat_table_rows(child) if flat else _table_rows(child, text_of)
            if rows:
                caption = lines[-1] if len(lines) > seen[0] else ""
                seen[0] = len(lines)
                tables.append(TableGrid(rows=tuple(tuple(r) for r in rows), where=f"table {len(tables) + 1}",
                                        caption=caption))
        elif tag in (_W_SDT, _W_CUSTOMXML):
            content = child.find(_W_SDTCONTENT) if tag == _W_SDT else child
            if content is not None:
                _body_blocks(content, tables, lines, text_of, seen)
        elif tag in (_W_INS, _W_MOVETO):
            _body_blocks(child, tables, lines, text_of, seen)


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
        body = package.read_xml(DOCUMENT).find(_W_BODY)
        tables: list[TableGrid] = []
        lines: list[str] = []
        if body is not None:
            text_of = paragraph_text if needs_full_walk(body) else _fast_paragraph_text
            _body_blocks(body, tables, lines, text_of)
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
