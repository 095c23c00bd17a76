"""A streamed SpreadsheetML writer for large tables with hyperlinks (``index.xlsx``)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Final

from ..reports.printing import wrapped_lines

# ------------------------------------------------------------------------------ index.xlsx, streamed
#
# openpyxl keeps every hyperlink of a sheet in memory until it saves (about 2 KB each: 60 MB for a bundle of
# 4,000 people), so index.xlsx is written here as SpreadsheetML, row by row, in three passes over the spooled
# index: the cells, then the <hyperlinks> that follow them in the sheet, then the sheet's relationships.


@dataclass(frozen=True)
class _Link:
    """A cell showing ``text`` that opens ``target`` (a path relative to the workbook)."""

    text: str
    target: str


_Cell = str | int | dt.date | None | _Link
_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Excel opens at most 65,530 hyperlinks per worksheet: longer indexes continue on another sheet.
ROWS_PER_SHEET: Final = 60_000
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STYLE_HEADER, _STYLE_LINK, _STYLE_DATE, _STYLE_TEXT = 1, 2, 3, 4
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 1900 leap-year bug included)
_STYLES_XML = (
    f'{_XML_HEAD}<styleSheet xmlns="{_XLSX_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1F5F5B"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    # every cell wraps in its column, top-aligned: a 64-character fingerprint or a long file name running over the
    # next cells would make the printed page (fitted to one page wide) too small to read
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment wrapText="1" vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment wrapText="1" vertical="top"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment wrapText="1" vertical="top"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


@dataclass(frozen=True)
class _StreamedSheet:
    """One table of a streamed workbook; ``rows`` is called once per pass and must give the same rows each time."""

    title: str
    header: tuple[str, ...]
    widths: tuple[int, ...]
    rows: Callable[[], Iterable[Sequence[_Cell]]]
    print_title: str = ""  # the page header of every printed page; "" for none


def _xml_text(value: str) -> str:
    # Excel refuses a cell over 32,767 characters and XML refuses control characters
    return _XML_ILLEGAL.sub("", value)[:32767].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(value: str) -> str:
    return _xml_text(value).replace('"', "&quot;")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_xml(ref: str, value: _Cell, style: int = _STYLE_TEXT) -> str:
    styled = f' s="{style}"' if style else ""
    if value is None:
        return ""
    if isinstance(value, _Link):
        value, styled = value.text, f' s="{_STYLE_LINK}"'
    if isinstance(value, dt.date):  # a real date: the serial number, shown as 04/12/2026
        return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{styled}><v>{value}</v></c>'
    # inline strings: never a formula, whatever a name starts with ("=HYPERLINK(...)" stays text)
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'


def _sheet_rows(sheet: _StreamedSheet, first: int) -> Iterator[Sequence[_Cell]]:
    for index, row in enumerate(sheet.rows()):
        if index >= first + ROWS_PER_SHEET:
            return
        if index >= first:
            yield row


def _write_sheet_part(package: zipfile.ZipFile, number: int, sheet: _StreamedSheet, first: int) -> int:
    """Write ``xl/worksheets/sheet<number>.xml`` and its relationships; returns the number of data rows."""
    last_column = _column(len(sheet.header) - 1)
    rows = 0
    with package.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(sheet.widths, start=1))
        part.write((f'{_XML_HEAD}<worksheet xmlns="{_XLSX_MAIN}" xmlns:r="{_OFFICE_RELS}">'
                    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews>'
                    '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                    'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
                    f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                    '<row r="1" ht="30" customHeight="1">' + "".join(_cell_xml(f"{_column(i)}1", text, _STYLE_HEADER)
                                            for i, text in enumerate(sheet.header)) + "</row>").encode())
        for number_in_sheet, row in enumerate(_sheet_rows(sheet, first), start=2):
            cells = "".join(_cell_xml(f"{_column(i)}{number_in_sheet}", v) for i, v in enumerate(row))
            # the height the wrapped text needs: neither Excel nor LibreOffice reliably grows a row on opening
            lines = max((wrapped_lines(v.text if isinstance(v, _Link) else v, w)
                         for v, w in zip(row, sheet.widths, strict=False) if isinstance(v, str | _Link)), default=1)
            height = f' ht="{15 * lines + 2}" customHeight="1"' if lines > 1 else ""
            part.write(f'<row r="{number_in_sheet}"{height}>{cells}</row>'.encode())
            rows += 1
        part.write(f'</sheetData><autoFilter ref="A1:{last_column}{rows + 1}"/>'.encode())
        links = 0
        for number_in_sheet, row in enumerate(_sheet_rows(sheet, first), start=2):
            for i, value in enumerate(row):
                if isinstance(value, _Link):
                    links += 1
                    if links == 1:
                        part.write(b"<hyperlinks>")
                    part.write(f'<hyperlink ref="{_column(i)}{number_in_sheet}" r:id="rId{links}"/>'.encode())
        part.write((("</hyperlinks>" if links else "") + _print_xml(sheet.print_title) + "</worksheet>").encode())
    with package.open(f"xl/worksheets/_rels/sheet{number}.xml.rels", "w") as part:
        part.write(f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">'.encode())
        links = 0
        for row in _sheet_rows(sheet, first):
            for value in row:
                if isinstance(value, _Link):
                    links += 1
                    part.write((f'<Relationship Id="rId{links}" Type="{_OFFICE_RELS}/hyperlink" '
                                f'Target="{_xml_attr(value.target)}" TargetMode="External"/>').encode())
        part.write(b"</Relationships>")
    return rows


def _print_xml(title: str) -> str:
    """A4 landscape, one page wide, the title at the top and page numbers at the foot (as reports.printing does)."""
    header = f"<oddHeader>&amp;C{_xml_text(title.replace('&', '&&'))}</oddHeader>" if title else ""
    return ('<pageMargins left="0.4" right="0.4" top="0.9" bottom="0.9" header="0.35" footer="0.35"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            f"<headerFooter>{header}<oddFooter>&amp;CPage &amp;P of &amp;N&amp;RPersonal data: keep within the "
            "organisation</oddFooter></headerFooter>")


def _write_streamed_xlsx(out: IO[bytes], sheets: Sequence[_StreamedSheet]) -> None:
    """Write a workbook of simple tables (bold header row, frozen, filtered; text, numbers and hyperlinks)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        parts: list[tuple[str, str, int]] = []  # (sheet name, last column, data rows)
        for sheet in sheets:
            first = 0
            while True:
                number = len(parts) + 1
                title = sheet.title if first == 0 else f"{sheet.title} ({first // ROWS_PER_SHEET + 1})"
                rows = _write_sheet_part(package, number, sheet, first)
                parts.append((title[:31], _column(len(sheet.header) - 1), rows))
                first += ROWS_PER_SHEET
                if rows < ROWS_PER_SHEET or next(iter(_sheet_rows(sheet, first)), None) is None:
                    break
        names = "".join(f'<sheet name="{_xml_attr(t)}" sheetId="{n}" r:id="rId{n}"/>'
                        for n, (t, _, _) in enumerate(parts, start=1))
        filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
                          f"'{_xml_text(t)}'!$A$1:${c}${r + 1}</definedName>" for n, (t, c, r) in enumerate(parts))
        # the header row repeats on every printed page
        filters += "".join(f"<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{n}\">'{_xml_text(t)}'!$1:$1"
                           "</definedName>" for n, (t, _, _) in enumerate(parts))
        package.writestr("xl/workbook.xml", f'{_XML_HEAD}<workbook xmlns="{_XLSX_MAIN}" xmlns:r="{_OFFICE_RELS}">'
                         f"<bookViews><workbookView/></bookViews><sheets>{names}</sheets>"
                         f"<definedNames>{filters}</definedNames></workbook>")
        rels = "".join(f'<Relationship Id="rId{n}" Type="{_OFFICE_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                       for n in range(1, len(parts) + 1))
        package.writestr("xl/_rels/workbook.xml.rels", f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{rels}'
                         f'<Relationship Id="rId{len(parts) + 1}" Type="{_OFFICE_RELS}/styles" '
                         'Target="styles.xml"/></Relationships>')
        package.writestr("xl/styles.xml", _STYLES_XML)
        package.writestr("_rels/.rels", f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
                         f'Type="{_OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                            for n in range(1, len(parts) + 1))
        package.writestr("[Content_Types].xml", (
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}'
            "</Types>"))


