"""Excel logs from ``templates/log.xlsx``, prepared once per run and rendered per person at the XML level.

openpyxl builds about 80 small workbooks a second; a 10,000-person roster needs far more. The template is a
normal workbook (edit it in Excel) whose cells may hold Jinja placeholders such as ``{{ staff.name }}``.
``XlsxLogTemplate.prepare`` turns those cells into inline strings inside compiled Jinja templates of the sheet
XML, once; per person only the sheets with placeholders, the workbook part and the properties are rendered.

Template conventions (docs/templates.md):

* a cell containing ``{{ ... }}`` or ``{% ... %}`` is rendered as text (the other cells are copied as they are);
* a row whose cell starts with ``{%row VAR in LIST %}`` is repeated once per item of ``LIST`` and must be the
  last row of its sheet; data validations and conditional formats that end on that row grow with it; each
  repeated row is ``VAR.row_height`` points tall when the item has one;
* defined names and data-validation formulas may use placeholders too (``Lists!$B$2:$B${{ 1 + n }}``);
* header/footer text may use placeholders; apply the ``hf`` filter to values (it doubles ``&``).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from ..core.ooxml import CORE_PART, CUSTOM_PART, CompressedPart, ensure_property_parts, read_parts
from ..errors import TemplateError
from ..models import LogIdentity
from .prepared import PreparedTemplate
from .qr import page_code_png

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_N = {"m": NS}
_JINJA_MARK = re.compile(r"\{[{%#]")
_ROW_LOOP = re.compile(r"^\s*\{%-?\s*row\s+(\w+)\s+in\s+(.+?)\s*-?%\}")
_MARKER = re.compile(r"<!--SGLOGS:(.*?)-->", re.DOTALL)
_JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_SHEET_PART = re.compile(r"xl/worksheets/sheet\d+\.xml")
_DRAWING_PART = re.compile(r"xl/drawings/drawing\d+\.xml")
_DRAWING_RELS = re.compile(r"xl/drawings/_rels/drawing\d+\.xml\.rels")
#: A drawing that links ``/xl/media/sglogs-page-<n>.png`` gets each log's code of page n drawn into that file.
_PAGE_MEDIA = re.compile(r'Target="/?(?:\.\./|xl/)?(media/sglogs-page-(\d+)\.png)"')
#: The pictures a template marks as page codes (tools/build_log_xlsx.py names them so; Excel keeps the name).
PAGE_CODE_NAME = "sglogs page code"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_DRAWING_NS = {"xdr": _XDR, "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
               "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_WORKBOOK = "xl/workbook.xml"
_SHARED_STRINGS = "xl/sharedStrings.xml"


def _hf(value: object) -> str:
    """Header/footer text treats ``&`` as a code prefix; a literal ampersand is written ``&&``."""
    return str(value).replace("&", "&&")


def _xlstr(value: object) -> str:
    """A string constant inside an Excel formula or defined name doubles its quotes."""
    return str(value).replace('"', '""')


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["hf"] = _hf
    env.filters["xlstr"] = _xlstr
    return env


@dataclass(frozen=True)
class XlsxLogTemplate(PreparedTemplate):
    """An Excel log template ready to render many logs.

    Example:
        >>> tpl = XlsxLogTemplate.prepare(Path("templates/log.xlsx"))  # doctest: +SKIP
        >>> tpl.write(Path("out.xlsx"), context, identity)  # doctest: +SKIP
    """

    #: the media parts holding the template's page-code pictures, replaced by each log's own code
    page_codes: tuple[str, ...] = ()

    @classmethod
    def prepare(cls, path: Path) -> XlsxLogTemplate:
        """Read the template once, turn placeholder cells into Jinja, and compile the changed parts."""
        parts = read_parts(path)
        if _WORKBOOK not in parts:
            raise TemplateError(f"The template {path} is not an Excel workbook (no {_WORKBOOK}); save it as .xlsx "
                                "from Excel, or remove it to use the shipped one.")
        shared = _shared_strings(parts.get(_SHARED_STRINGS))
        env = _environment()
        templates: dict[str, jinja2.Template] = {}
        for name in [n for n in parts if _SHEET_PART.fullmatch(n)]:
            source = _sheet_source(path, name, parts[name], shared)
            if source is not None:
                templates[name] = _compile(env, path, name, source)
        for name in [n for n in parts if _DRAWING_PART.fullmatch(n) or _DRAWING_RELS.fullmatch(n)]:
            # a drawing may repeat and number its pictures per page (the page codes)
            if _JINJA_MARK.search(parts[name].decode("utf-8", "replace")):
                templates[name] = _compile(env, path, name, parts[name].decode("utf-8"))
        page_codes = _page_code_media(parts)
        workbook = _workbook_source(parts[_WORKBOOK])
        templates[_WORKBOOK] = _compile(env, path, _WORKBOOK, workbook)
        if not any("log.footer" in parts[n].decode("utf-8", "replace") for n in parts if _SHEET_PART.fullmatch(n)):
            raise TemplateError(
                f"{path} has no footer with {{{{ log.footer|hf }}}}; add it to the page footer of every sheet."
            )
        if _SHARED_STRINGS in parts:
            # placeholder cells no longer use their shared strings, so the optional total count would be wrong
            parts[_SHARED_STRINGS] = re.sub(rb'\scount="\d+"', b"", parts[_SHARED_STRINGS], count=1)
        ct, rels = ensure_property_parts(parts["[Content_Types].xml"], parts["_rels/.rels"])
        parts["[Content_Types].xml"], parts["_rels/.rels"] = ct, rels
        dynamic = set(templates) | {CORE_PART, CUSTOM_PART}
        order = [n for n in parts if n not in dynamic or n in templates]
        order += [CORE_PART, CUSTOM_PART]
        static = {n: CompressedPart.from_bytes(n, c) for n, c in parts.items() if n not in dynamic | set(page_codes)}
        return cls(path=path, order=tuple(order), static=static, templates=templates, page_codes=page_codes)

    def page_code_parts(
        self, context: dict[str, Any], identity: LogIdentity, rendered: dict[str, bytes]
    ) -> dict[str, bytes]:
        """This log's QR codes: page n's in each ``sglogs-page-<n>.png`` its rendered drawings link, and page 0
        (not fixed) in place of pictures a template only names ``sglogs page code``.

        Example:
            >>> sorted(tpl.page_code_parts(context, identity, rendered))[:2]  # doctest: +SKIP
            ['xl/media/sglogs-page-1.png', 'xl/media/sglogs-page-10.png']
        """
        codes = {name: page_code_png(identity, 0) for name in self.page_codes}
        for name, content in rendered.items():
            if _DRAWING_RELS.fullmatch(name):
                for match in _PAGE_MEDIA.finditer(content.decode("utf-8")):
                    codes[f"xl/{match.group(1)}"] = page_code_png(identity, int(match.group(2)))
        return codes


def _page_code_media(parts: dict[str, bytes]) -> tuple[str, ...]:
    """The media parts of the pictures named ``sglogs page code`` in the template's drawings."""
    found: list[str] = []
    for name in [n for n in parts if _DRAWING_PART.fullmatch(n)]:
        rels_name = f"xl/drawings/_rels/{name.rsplit('/', 1)[1]}.rels"
        if rels_name not in parts:
            continue
        targets = {}
        for rel in etree.fromstring(parts[rels_name]).iterfind("rel:Relationship", _DRAWING_NS):
            target = rel.get("Target", "")
            # openpyxl writes absolute targets (/xl/media/..), Excel relative ones (../media/..)
            targets[rel.get("Id")] = target[1:] if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl/drawings", target))
        for pic in etree.fromstring(parts[name]).iter(f"{{{_XDR}}}pic"):
            c_nv_pr = pic.find("xdr:nvPicPr/xdr:cNvPr", _DRAWING_NS)
            blip = pic.find(".//a:blip", _DRAWING_NS)
            if c_nv_pr is None or blip is None or c_nv_pr.get("name") != PAGE_CODE_NAME:
                continue
            target = targets.get(blip.get(_R_EMBED))
            if target in parts and target not in found:
                found.append(target)
    return tuple(found)


def _compile(env: jinja2.Environment, path: Path, name: str, source: str) -> jinja2.Template:
    try:
        return env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{path}: a placeholder in {name} is malformed ({exc.message}); fix it in Excel.") from exc


def _shared_strings(content: bytes | None) -> list[str]:
    if content is None:
        return []
    root = etree.fromstring(content)
    return ["".join(si.itertext()) for si in root.iterfind("m:si", _N)]


def _sheet_source(path: Path, name: str, content: bytes, shared: list[str]) -> str | None:
    """The Jinja source of a sheet, or ``None`` when it has no placeholders (it is then copied as it is)."""
    root = etree.fromstring(content)
    changed = False
    loop: tuple[etree._Element, str, str] | None = None
    for cell in root.iterfind("m:sheetData/m:row/m:c", _N):
        text = _cell_text(cell, shared)
        if text is None or not _JINJA_MARK.search(text):
            continue
        row = cell.getparent()
        match = _ROW_LOOP.match(text)
        if match:
            if loop is not None and loop[0] is not row:
                raise TemplateError(f"{path}: {name} has two repeating rows; keep one per sheet.")
            loop = (row, match.group(1), match.group(2))
            text = text[match.end() :]
        _make_inline(cell, text)
        changed = True
    if loop is not None:
        _expand_row_loop(path, name, root, *loop)
    elif not changed and not _JINJA_MARK.search(content.decode("utf-8", "replace")):
        return None
    return _to_jinja(root)


def _cell_text(cell: etree._Element, shared: list[str]) -> str | None:
    """The text of a string cell, shared (Excel's way) or inline (openpyxl's way); ``None`` for other cells."""
    kind = cell.get("t")
    if kind == "s":
        return shared[int(cell.findtext("m:v", namespaces=_N))]
    if kind == "inlineStr":
        inline = cell.find("m:is", _N)
        return "".join(inline.itertext()) if inline is not None else ""
    return None


def _make_inline(cell: etree._Element, text: str) -> None:
    for child in list(cell):
        cell.remove(child)
    cell.set("t", "inlineStr")
    inline = etree.SubElement(cell, f"{{{NS}}}is")
    t = etree.SubElement(inline, f"{{{NS}}}t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _expand_row_loop(path: Path, name: str, root: etree._Element, row: etree._Element, var: str, items: str) -> None:
    first = int(row.get("r"))
    if row.getnext() is not None:
        raise TemplateError(f"{path}: the repeating row {first} in {name} must be the last row of its sheet.")
    for merge in root.iterfind("m:mergeCells/m:mergeCell", _N):
        if any(int(_CELL_REF.match(ref).group(2)) == first for ref in merge.get("ref").split(":")):
            raise TemplateError(f"{path}: the repeating row {first} in {name} has merged cells; unmerge them.")
    row.set("r", "{{ _r }}")
    # Excel does not fit wrapped text on opening a file; an item may say how tall its row is
    row.set("ht", f"{{{{ {var}.row_height|default({row.get('ht') or 15}) }}}}")
    row.set("customHeight", "1")
    for cell in row.iterfind("m:c", _N):
        column = _CELL_REF.match(cell.get("r")).group(1)
        cell.set("r", f"{column}{{{{ _r }}}}")
    row.addprevious(etree.Comment(f"SGLOGS:{{% for {var} in {items} %}}{{% set _r = {first} + loop.index0 %}}"))
    row.addnext(etree.Comment("SGLOGS:{% endfor %}"))
    root.insert(0, etree.Comment(f"SGLOGS:{{% set _end = {first} + [({items})|length, 1]|max - 1 %}}"))
    dimension = root.find("m:dimension", _N)
    if dimension is not None:
        root.remove(dimension)
    for element, attr in (
        *((e, "sqref") for e in root.iterfind("m:dataValidations/m:dataValidation", _N)),
        *((e, "sqref") for e in root.iterfind("m:conditionalFormatting", _N)),
        *((e, "ref") for e in root.iterfind("m:autoFilter", _N)),
    ):
        element.set(attr, " ".join(_grow_range(r, first) for r in element.get(attr).split()))


def _grow_range(ref: str, loop_row: int) -> str:
    """Make a range that ends on the repeating row end on the last repeated row instead."""
    start, _, end = ref.partition(":")
    end = end or start
    match = _CELL_REF.match(end.replace("$", ""))
    if not match or int(match.group(2)) != loop_row:
        return ref
    return f"{start}:{match.group(1)}{{{{ _end }}}}"


def _workbook_source(content: bytes) -> str:
    root = etree.fromstring(content)
    names = root.find("m:definedNames", _N)
    if names is None:
        names = etree.Element(f"{{{NS}}}definedNames")
        anchor = root.find("m:sheets", _N)
        anchor.addnext(names)
    for element in list(names):
        if element.get("name", "").startswith("sglogs_"):
            names.remove(element)
    for key, expr in (
        ("sglogs_log_id", "log.id"),
        ("sglogs_staff_id", "staff.id"),
        ("sglogs_framework", "framework.id"),
        ("sglogs_level", "level.id"),
        ("sglogs_period_start", "log.period_start_iso"),
        ("sglogs_period_end", "log.period_end_iso"),
    ):
        element = etree.SubElement(names, f"{{{NS}}}definedName", name=key)
        element.text = f'"{{{{ {expr}|xlstr }}}}"'
    return _to_jinja(root)


def _to_jinja(root: etree._Element) -> str:
    xml = etree.tostring(root, encoding="unicode")
    xml = _MARKER.sub(lambda m: m.group(1), xml)
    # lxml escaped quotes and comparison signs inside the placeholders; Jinja needs them back
    xml = _JINJA_SPAN.sub(lambda m: html.unescape(m.group(0)), xml)
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml
