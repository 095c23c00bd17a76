"""Build ``sglogs/data/templates/log.docx``, the Word template every person's competency log is filled from.

The template is a docxtpl document: Jinja tags in the text use the names ``sglogs.generate.context.log_context``
defines (``{%tr ... %}`` rows repeat table rows, ``{%p ... %}`` paragraphs repeat or hide paragraphs). It is built
with python-docx, then trimmed to the styles, numbering and parts it really uses, because python-docx's default
template (164 styles, two 440 kB style parts) makes every generated log slower and larger.

Rerun it from the project folder after changing the layout, and commit the template it writes:

    .venv/bin/python tools/build_log_docx.py            # writes sglogs/data/templates/log.docx
    .venv/bin/python tools/build_log_docx.py OUT.docx   # writes elsewhere, e.g. to try a change
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from sglogs.generate.qr import QR_SIZE_CM, qr_png

OUT = Path(__file__).resolve().parent.parent / "sglogs" / "data" / "templates" / "log.docx"

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans
ACCENT = "1B5E63"  # dark teal: headings, header-row shading
LABEL_FILL = "E3EEEE"  # pale tint of the accent for label cells
BORDER = "A6A6A6"
MUTED = "595959"  # footer and notes

PAGE_W, PAGE_H, MARGIN = 21.0, 29.7, 1.8
TEXT_W = PAGE_W - 2 * MARGIN  # 17.4 cm: every table is exactly this wide

# Evidence rows are for handwriting as well as typing: roughly two lines of writing.
EVIDENCE_ROW_H = 1.2
SIGN_ROW_H = 1.3

EVIDENCE_HEADERS = (
    "Date",
    "Learning activity",
    "Type of learning",
    "Hours",
    "Competencies evidenced",
    "What I learned and how I applied it to my practice",
)

# Word rejects a file whose property children are out of schema order, so new children go before these.
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_TRPR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
    "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
)  # fmt: skip
_TCPR_ORDER = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
    "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
)  # fmt: skip
_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
    "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
)  # fmt: skip


def _el(tag: str, **attrs: str) -> OxmlElement:
    return OxmlElement(tag, {qn(f"w:{k}"): v for k, v in attrs.items()})


def _put(parent, child, order: Sequence[str]) -> None:
    """Put ``child`` into ``parent`` in schema order, replacing a child of the same tag."""
    old = parent.find(child.tag)
    if old is not None:
        parent.replace(old, child)
        return
    tag = "w:" + child.tag.rsplit("}", 1)[1]
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])


def _border_set(tags: Iterable[str], colour: str, size: int = 4, space: int = 0) -> list:
    return [_el(f"w:{t}", val="single", sz=str(size), space=str(space), color=colour) for t in tags]


def _shd(fill: str) -> OxmlElement:
    return _el("w:shd", val="clear", color="auto", fill=fill)


# --- page and styles ------------------------------------------------------------------------------------


def setup_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_W), Cm(PAGE_H)
    for side in ("left_margin", "right_margin", "top_margin"):
        setattr(section, side, Cm(MARGIN))
    # The footer holds two lines; the bottom margin leaves room for them below the body.
    section.bottom_margin = Cm(2.2)
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(0.9)


def _clear_formatting(style_el) -> None:
    """Drop a built-in style's run and paragraph properties: theme fonts and colours would override ours."""
    for tag in ("w:rPr", "w:pPr", "w:tblPr", "w:rsid"):
        for found in style_el.findall(qn(tag)):
            style_el.remove(found)


def _para_style(doc, name, *, base="Normal", size=None, bold=None, italic=None, colour=None,
                before=None, after=None, keep_next=None, builtin=False):  # fmt: skip
    styles = doc.styles
    if builtin:
        style = styles[name]
        _clear_formatting(style.element)
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
    font, fmt = style.font, style.paragraph_format
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if colour is not None:
        font.color.rgb = RGBColor.from_string(colour)
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    return style


def setup_styles(doc) -> None:
    styles_el = doc.styles.element
    # Fonts and language are set once in the document defaults; explicit fonts (not theme fonts) keep the
    # look identical in Word and LibreOffice whatever theme a user's Office applies.
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    rpr.append(_el("w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT))
    rpr.append(_el("w:sz", val="20"))
    rpr.append(_el("w:szCs", val="20"))
    rpr.append(_el("w:lang", val="en-GB", eastAsia="en-GB", bidi="ar-SA"))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(_el("w:spacing", after="100", line="264", lineRule="auto"))

    _para_style(doc, "Normal", builtin=True)
    _para_style(doc, "Title", builtin=True, size=22, bold=True, colour=ACCENT, after=2)
    _para_style(doc, "Subtitle", builtin=True, size=14, colour="262626", after=2)
    _para_style(doc, "Heading 1", builtin=True, size=14, bold=True, colour=ACCENT, before=16, after=6,
                keep_next=True)  # fmt: skip
    h1 = doc.styles["Heading 1"]
    h1.paragraph_format.keep_together = True
    _put(h1.element.get_or_add_pPr(), _el("w:outlineLvl", val="0"), _PPR_ORDER)

    bullet = _para_style(doc, "List Bullet", builtin=True, after=3)
    num_pr = _el("w:numPr")
    num_pr.append(_el("w:numId", val="1"))
    _put(bullet.element.get_or_add_pPr(), num_pr, _PPR_ORDER)

    _para_style(doc, "Footer", builtin=True, size=8, colour=MUTED, after=0)
    footer_ppr = doc.styles["Footer"].element.get_or_add_pPr()
    _put(footer_ppr, _el("w:spacing", after="0", line="240", lineRule="auto"), _PPR_ORDER)

    _para_style(doc, "Title Detail", size=11, colour="404040", after=0)
    table_text = _para_style(doc, "Table Text", size=9.5, after=0)
    table_text.paragraph_format.line_spacing = 1.0
    _para_style(doc, "Table Heading", base="Table Text", size=9, bold=True, colour="FFFFFF", keep_next=True)
    _para_style(doc, "Small Text", base="Table Text", size=8.5)
    callout = _para_style(doc, "Callout", size=9.5, bold=True, before=2, after=8)
    callout_ppr = callout.element.get_or_add_pPr()
    pbdr = _el("w:pBdr")
    for b in _border_set(("top", "left", "bottom", "right"), ACCENT, size=6, space=4):
        pbdr.append(b)
    _put(callout_ppr, pbdr, _PPR_ORDER)
    _put(callout_ppr, _shd(LABEL_FILL), _PPR_ORDER)
    _put(callout_ppr, _el("w:ind", left="100", right="100"), _PPR_ORDER)

    grid = doc.styles["Table Grid"].element
    _clear_formatting(grid)
    tbl_pr = _el("w:tblPr")
    borders = _el("w:tblBorders")
    for b in _border_set(("top", "left", "bottom", "right", "insideH", "insideV"), BORDER):
        borders.append(b)
    tbl_pr.append(_el("w:tblInd", w="0", type="dxa"))
    tbl_pr.append(borders)
    margins = _el("w:tblCellMar")
    for side, width in (("top", "57"), ("left", "100"), ("bottom", "57"), ("right", "100")):
        margins.append(_el(f"w:{side}", w=width, type="dxa"))
    tbl_pr.append(margins)
    grid.append(tbl_pr)


def setup_numbering(doc) -> None:
    """Replace python-docx's nine list definitions with the one bullet the guidance list uses."""
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    abstract = _el("w:abstractNum", abstractNumId="0")
    abstract.append(_el("w:multiLevelType", val="singleLevel"))
    lvl = _el("w:lvl", ilvl="0")
    for tag, val in (("start", "1"), ("numFmt", "bullet"), ("pStyle", "ListBullet"), ("lvlText", "•"),
                     ("lvlJc", "left")):  # fmt: skip
        lvl.append(_el(f"w:{tag}", val=val))
    lvl_ppr = _el("w:pPr")
    lvl_ppr.append(_el("w:ind", left="340", hanging="227"))
    lvl.append(lvl_ppr)
    lvl_rpr = _el("w:rPr")
    # A plain bullet character in the body font: Word's default Symbol-font bullet shows as a box in some
    # LibreOffice set-ups.
    lvl_rpr.append(_el("w:rFonts", ascii=FONT, hAnsi=FONT, hint="default"))
    lvl_rpr.append(_el("w:color", val=ACCENT))
    lvl.append(lvl_rpr)
    abstract.append(lvl)
    numbering.append(abstract)
    num = _el("w:num", numId="1")
    num.append(_el("w:abstractNumId", val="0"))
    numbering.append(num)


# --- building blocks ------------------------------------------------------------------------------------


def para(container, text: str = "", style: str | None = None, *, bold=False, italic=False):
    """Add a paragraph whose text is one run, so a Jinja tag in it is never split across runs."""
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
    return p


def tag_para(container, tag: str, style: str | None = None) -> None:
    """A ``{%p ... %}`` paragraph: docxtpl replaces the whole paragraph with the tag when rendering."""
    para(container, tag, style)


def _keep_with_next(p) -> None:
    p.paragraph_format.keep_with_next = True


def _row_props(row, *, header=False, cant_split=True, height=None) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        _put(tr_pr, _el("w:cantSplit"), _TRPR_ORDER)
    if height is not None:
        row.height = Cm(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if header:
        _put(tr_pr, _el("w:tblHeader"), _TRPR_ORDER)


def _fill(cell, colour: str) -> None:
    _put(cell._tc.get_or_add_tcPr(), _shd(colour), _TCPR_ORDER)


def set_cell(cell, text: str = "", style: str = "Table Text", *, bold=False, italic=False):
    p = cell.paragraphs[0]
    p.style = style
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
    return p


def table(doc, widths: Sequence[float], caption: str, headers: Sequence[str] | None = None):
    """A full-width, fixed-layout table with the accent header row (repeated on every page it spans)."""
    assert abs(sum(widths) - TEXT_W) < 0.01, f"{caption}: columns add up to {sum(widths)} cm"
    t = doc.add_table(rows=1 if headers else 0, cols=len(widths))
    t.style = doc.styles["Table Grid"]
    # Fixed layout keeps the widths below whatever people type; autofit would squeeze the reflection column.
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    _put(tbl_pr, _el("w:tblW", w=str(round(TEXT_W * 567)), type="dxa"), _TBLPR_ORDER)
    _put(tbl_pr, _el("w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
                     noHBand="1", noVBand="1"), _TBLPR_ORDER)  # fmt: skip
    # A caption names the table for screen readers (and for anyone reading the file back).
    _put(tbl_pr, _el("w:tblCaption", val=caption), _TBLPR_ORDER)
    for col, width in zip(t.columns, widths, strict=True):
        col.width = Cm(width)
    if headers:
        row = t.rows[0]
        # Header rows keep with the first data row so a table never starts with a lonely header at a page foot.
        _row_props(row, header=True)
        for cell, text, width in zip(row.cells, headers, widths, strict=True):
            cell.width = Cm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _fill(cell, ACCENT)
            set_cell(cell, text, "Table Heading")
    return t


def add_row(t, widths: Sequence[float], *, height=None, cant_split=True):
    row = t.add_row()
    _row_props(row, cant_split=cant_split, height=height)
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Cm(width)
    return row


def loop_row(t, widths: Sequence[float], tag: str) -> None:
    """A ``{%tr ... %}`` row: docxtpl replaces the whole row with the tag, so one merged cell is enough."""
    row = add_row(t, widths)
    merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    set_cell(merged, tag, "Small Text")


def label_value_table(doc, caption: str, rows: Sequence[tuple[str, str]], *, height=None, keep=False):
    widths = (4.6, TEXT_W - 4.6)
    t = table(doc, widths, caption)
    for index, (label, value) in enumerate(rows):
        row = add_row(t, widths, height=height)
        label_cell, value_cell = row.cells
        _fill(label_cell, LABEL_FILL)
        label_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        lp = set_cell(label_cell, label, bold=True)
        vp = set_cell(value_cell, value, "Table Text")
        if keep and index < len(rows) - 1:
            _keep_with_next(lp)
            _keep_with_next(vp)
    return t


def heading(doc, text: str, *, new_page=False):
    p = doc.add_paragraph(text, style="Heading 1")
    if new_page:
        p.paragraph_format.page_break_before = True
    return p


# --- sections -------------------------------------------------------------------------------------------


def title_block(doc) -> None:
    para(doc, "Safeguarding Children Competency Log", "Title")
    tag_para(doc, "{%p if organisation %}")
    para(doc, "{{ organisation }}", "Subtitle")
    tag_para(doc, "{%p endif %}")
    para(doc, "{{ framework.title }}", "Title Detail")
    last = para(doc, "{{ level.name }}{% if level.title %} – {{ level.title }}{% endif %}", "Title Detail",
                bold=True)  # fmt: skip
    # A rule under the title block separates it from the cover table.
    ppr = last._p.get_or_add_pPr()
    pbdr = _el("w:pBdr")
    pbdr.append(_border_set(("bottom",), ACCENT, size=12, space=6)[0])
    _put(ppr, pbdr, _PPR_ORDER)
    last.paragraph_format.space_after = Pt(12)


def cover_table(doc) -> None:
    t = label_value_table(
        doc,
        "About this log",
        (
            ("Name", "{{ staff.name }}"),
            ("Staff ID", "{{ staff.id }}"),
            ("Role", "{{ staff.role }}"),
            ("Setting / team", "{{ staff.setting }}"),
            ("Manager", "{{ staff.manager }}"),
            ("Framework", "{{ framework.title }}"),
            ("Level", "{{ level.heading }}"),
            ("Log period", "{{ log.period_start }} to {{ log.period_end }} ({{ log.months }} months)"),
            ("Designated or named lead", "{{ staff.designated_lead }}"),
            ("Refresher", "{{ refresher.sentence }}"),
            ("Log ID", "{{ log.id }}"),
        ),
    )
    # who the level is for, where the framework says more than the level's name (London and PA3 levels)
    level_cell = next(row.cells[1] for row in t.rows if row.cells[0].text == "Level")
    tag_para(level_cell, "{%p if level.who %}", "Small Text")
    para(level_cell, "{{ level.who }}", "Small Text", italic=True)
    tag_para(level_cell, "{%p endif %}", "Small Text")


def guidance(doc) -> None:
    heading(doc, "How to use this log")
    tag_para(doc, "{%p for g in guidance %}")
    para(doc, "{{ g }}", "List Bullet")
    tag_para(doc, "{%p endfor %}")
    tag_para(doc, "{%p if level.training %}")
    p = para(doc, "Suggested types of learning for your level: ", bold=True)
    p.add_run("{{ level.training|join('; ') }}")
    p.paragraph_format.space_before = Pt(6)
    tag_para(doc, "{%p endif %}")


def carried_forward(doc) -> None:
    # only a renewed log has anything carried forward: the whole section is conditional
    tag_para(doc, "{%p if carried_forward %}")
    heading(doc, "Carried forward from your last log")
    para(doc, "Your last log's next steps and the competencies not yet met. Plan evidence for these first.")
    widths = (3.0, 2.8, 11.6)
    t = table(doc, widths, "Carried forward", ("From last log", "Competency", "What to do"))
    loop_row(t, widths, "{%tr for c in carried_forward %}")
    kind, competency, text = add_row(t, widths).cells
    set_cell(kind, "{{ c.kind }}", bold=True)
    set_cell(competency, "{{ c.competency }}")
    set_cell(text, "{{ c.text }}")
    loop_row(t, widths, "{%tr endfor %}")
    tag_para(doc, "{%p endif %}")


def competencies(doc) -> None:
    heading(doc, "1. Your competencies", new_page=True)
    para(doc, "These are the competencies for your level, including those your level takes on from earlier "
              "levels. Record evidence against them in section 2.")  # fmt: skip
    widths = (1.4, 11.0, 2.4, 2.6)
    t = table(doc, widths, "Your competencies", ("Ref", "Competency", "Core / Additional", "From"))
    loop_row(t, widths, "{%tr for c in competencies %}")
    ref, text, kind, source = add_row(t, widths).cells
    set_cell(ref, "{{ c.id }}", bold=True)
    set_cell(text, "{{ c.text }}")
    tag_para(text, "{%p if c.examples %}", "Small Text")
    para(text, "Including: {{ c.examples }}", "Small Text", italic=True)
    tag_para(text, "{%p endif %}", "Small Text")
    set_cell(kind, "{{ c.kind }}")
    set_cell(source, "{{ c.from }}")
    loop_row(t, widths, "{%tr endfor %}")


def evidence(doc) -> None:
    heading(doc, "2. Evidence log", new_page=True)
    para(doc, "Date every entry. Add rows as you need them (Tab in the last cell).")
    # the date column fits "14/03/2026" on one line at 9 pt (2.0 cm broke it as "14/03/202" + "6")
    widths = (2.3, 3.1, 2.5, 1.3, 2.6, 5.6)
    t = table(doc, widths, "Evidence log", EVIDENCE_HEADERS)
    loop_row(t, widths, "{%tr for r in evidence_rows %}")
    for cell in add_row(t, widths, height=EVIDENCE_ROW_H).cells:
        set_cell(cell)
    loop_row(t, widths, "{%tr endfor %}")
    p = para(doc, "Types of learning: ", "Small Text", bold=True)
    p.add_run("{{ activity_types|join('; ') }}")
    p.paragraph_format.space_before = Pt(4)


def summary(doc) -> None:
    heading(doc, "3. Competency summary (completed by your manager at review)", new_page=True)
    widths = (1.2, 6.6, 2.2, 2.2, 5.2)
    t = table(doc, widths, "Competency summary",
              ("Ref", "Competency", "Met / Not yet met", "Evidence rows", "Manager comment"))  # fmt: skip
    loop_row(t, widths, "{%tr for c in competencies %}")
    ref, text, met, rows, comment = add_row(t, widths, height=0.9).cells
    set_cell(ref, "{{ c.id }}", "Small Text", bold=True)
    set_cell(text, "{{ c.text }}", "Small Text")
    for cell in (met, rows, comment):
        set_cell(cell, style="Small Text")
    loop_row(t, widths, "{%tr endfor %}")


def next_steps(doc) -> None:
    # Next steps and sign-off are filled in together at the review, so they share a page.
    heading(doc, "4. CPD next steps", new_page=True)
    para(doc, "ENSURE NEXT STEPS IDENTIFIED ARE CAPTURED ON YOUR SETTING'S DEVELOPMENT ACTION PLAN (ANNEX 1) – "
              "this will allow you to monitor developments and evidence progress made.", "Callout")  # fmt: skip
    widths = (7.0, 3.0, 2.6, 4.8)
    t = table(doc, widths, "CPD next steps",
              ("Next step", "Competency", "By when", "Added to action plan (annex 1)?"))  # fmt: skip
    loop_row(t, widths, "{%tr for r in next_step_rows %}")
    for cell in add_row(t, widths, height=EVIDENCE_ROW_H).cells:
        set_cell(cell)
    loop_row(t, widths, "{%tr endfor %}")


def sign_off(doc) -> None:
    heading(doc, "5. Review and sign-off")
    # Every row keeps with the next so the whole block moves to a new page rather than splitting.
    t = label_value_table(
        doc,
        "Review and sign-off",
        (
            ("Manager name", ""),
            ("Manager signature", ""),
            ("Date of review", ""),
            ("Outcome", ""),
            ("Staff signature", ""),
            ("Date", ""),
            ("Next review date", ""),
        ),
        height=SIGN_ROW_H,
        keep=True,
    )
    # the choices go under the label, so an outcome left blank reads as blank, not as the prompt
    outcome = next(row.cells[0] for row in t.rows if row.cells[0].text == "Outcome")
    para(outcome, "All competencies met, or not yet met – see next steps", "Small Text", italic=True)
    # Word always ends a body with a paragraph; a tiny one cannot push a blank page after a full sign-off page.
    end = para(doc, style="Small Text")
    end.paragraph_format.space_before = Pt(0)
    end.paragraph_format.line_spacing = Pt(1)


def footer(doc) -> None:
    ftr = doc.sections[0].footer
    ftr.is_linked_to_previous = False
    first = ftr.paragraphs[0]
    first.style = "Footer"
    first.add_run("{{ log.footer }}")
    ppr = first._p.get_or_add_pPr()
    pbdr = _el("w:pBdr")
    pbdr.append(_border_set(("top",), "BFBFBF", size=4, space=4)[0])
    _put(ppr, pbdr, _PPR_ORDER)
    pages = ftr.add_paragraph(style="Footer")
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run("Page ")
    _field(pages, "PAGE")
    pages.add_run(" of ")
    _field(pages, "NUMPAGES")
    # the footer text stops short of the code (text wrapping round a footer picture differs between editors)
    for p in (first, pages):
        p.paragraph_format.right_indent = Cm(QR_RIGHT_GAP + QR_SIZE_CM + QR_TEXT_GAP - MARGIN)
    page_code(first)


#: The name the generator finds the page-code picture by (sglogs/generate/docx.py swaps in each log's code).
PAGE_CODE_NAME = "sglogs page code"
# gaps to the page's right and bottom edges (cm): the quiet zone takes the printer's unprintable edge (about 4 mm),
# and the code's top (27.5 cm) is where the body ends (2.2 cm bottom margin), so it never covers a table
QR_RIGHT_GAP, QR_BOTTOM_GAP = 0.7, 0.4
QR_TEXT_GAP = 0.2


def _drawing_el(tag: str, **attrs: str) -> OxmlElement:
    """DrawingML attributes have no namespace (``_el`` puts Word's on them)."""
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(name, value)
    return element


def page_code(paragraph) -> None:
    """A placeholder QR code floating at the bottom right of every page, beside the footer text."""
    # any valid QR of the right size will do: every log gets its own in place of this one
    placeholder = io.BytesIO(qr_png("SGLOG1;placeholder;placeholder;placeholder;0;20000101;20000101;0"))
    run = paragraph.add_run()
    inline = run.add_picture(placeholder, width=Cm(QR_SIZE_CM), height=Cm(QR_SIZE_CM))._inline
    doc_pr = inline.find(qn("wp:docPr"))
    doc_pr.set("name", PAGE_CODE_NAME)
    doc_pr.set("descr", "QR code: which log and page this is, for scanned paper logs")
    size = round(QR_SIZE_CM * 360000)
    x = round((PAGE_W - QR_RIGHT_GAP - QR_SIZE_CM) * 360000)
    y = round((PAGE_H - QR_BOTTOM_GAP - QR_SIZE_CM) * 360000)
    # an anchor, not an inline picture: inline it would make the footer 1.8 cm tall and push the body up
    anchor = _drawing_el("wp:anchor", distT="0", distB="0", distL="72000", distR="0", simplePos="0", relativeHeight="2",
                 behindDoc="0", locked="1", layoutInCell="1", allowOverlap="1")
    anchor.append(_drawing_el("wp:simplePos", x="0", y="0"))
    for axis, offset in (("H", x), ("V", y)):
        pos = _drawing_el(f"wp:position{axis}", relativeFrom="page")
        off = _drawing_el("wp:posOffset")
        off.text = str(offset)
        pos.append(off)
        anchor.append(pos)
    anchor.append(_drawing_el("wp:extent", cx=str(size), cy=str(size)))
    anchor.append(_drawing_el("wp:effectExtent", l="0", t="0", r="0", b="0"))
    anchor.append(_drawing_el("wp:wrapNone"))
    for child in list(inline):
        if child.tag in (qn("wp:docPr"), qn("wp:cNvGraphicFramePr"), qn("a:graphic")):
            anchor.append(child)
    inline.getparent().replace(inline, anchor)


def _field(p, instruction: str) -> None:
    """A complex field; Word and LibreOffice replace the cached "1" with the real number when laying out."""
    p.add_run()._r.append(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    p.add_run()._r.append(instr)
    p.add_run()._r.append(_el("w:fldChar", fldCharType="separate"))
    p.add_run("1")
    p.add_run()._r.append(_el("w:fldChar", fldCharType="end"))


# --- trimming -------------------------------------------------------------------------------------------


def _style_refs(elements) -> set[str]:
    refs = set()
    for root in elements:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            refs.update(e.get(qn("w:val")) for e in root.iter(qn(tag)))
    return refs


def prune_styles(doc) -> int:
    """Keep only the styles the document, footer and numbering use, the defaults, and what they are based on."""
    styles_el = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles_el.findall(qn("w:style"))}
    parts = [doc.element, doc.part.numbering_part.element]
    parts += [s.footer._element for s in doc.sections]
    wanted = _style_refs(parts) | {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"}
    # Normal is the implicit style of every unstyled paragraph and the base Word resets to.
    wanted.add("Normal")
    keep: set[str] = set()
    while wanted:
        sid = wanted.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        based = by_id[sid].find(qn("w:basedOn"))
        if based is not None:
            wanted.add(based.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep:
            styles_el.remove(style)
            continue
        # A link or next-style pointing at a removed style makes Word repair the file.
        for tag in ("w:link", "w:next"):
            ref = style.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in keep:
                style.remove(ref)
        for rsid in style.findall(qn("w:rsid")):
            style.remove(rsid)
    # The latent-style table only tunes Word's style gallery; Word falls back to its own defaults without it.
    latent = styles_el.find(qn("w:latentStyles"))
    if latent is not None:
        styles_el.remove(latent)
    return len(keep)


def drop_unused_parts(doc) -> None:
    """Drop parts of python-docx's template no log needs; what nothing relates to is not written."""
    unused_doc_rels = {
        RT.WEB_SETTINGS,
        RT.CUSTOM_XML,
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    }
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype in unused_doc_rels:
            del doc.part.rels[rid]
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            del package.rels[rid]


def tidy_settings(doc) -> None:
    settings = doc.settings.element
    # Edit history ids, the "spelling already checked" flag and the thumbnail request belong to python-docx's
    # own template, not to logs.
    for tag in ("w:rsids", "w:proofState", "w:savePreviewPicture"):
        for found in settings.findall(qn(tag)):
            settings.remove(found)
    sect_pr = doc.sections[0]._sectPr
    for name in ("rsidR", "rsidRPr", "rsidSect"):
        sect_pr.attrib.pop(qn(f"w:{name}"), None)
    # Word 2013+ layout: tables align with the text margin instead of hanging into it.
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def set_properties(doc) -> None:
    props = doc.core_properties
    props.title = "Safeguarding Children Competency Log"
    props.subject = "Safeguarding children competency log"
    props.author = "sglogs"
    props.last_modified_by = "sglogs"
    props.keywords = "safeguarding; competency; CPD"
    props.comments = "Template for sglogs (tools/build_log_docx.py). Jinja tags are filled in per person."
    props.language = "en-GB"
    props.revision = 1


def build(out: Path) -> Path:
    doc = Document()
    # python-docx's template starts with one empty paragraph; the title should be the first line.
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    setup_page(doc)
    setup_styles(doc)
    setup_numbering(doc)
    title_block(doc)
    cover_table(doc)
    guidance(doc)
    carried_forward(doc)
    competencies(doc)
    evidence(doc)
    summary(doc)
    next_steps(doc)
    sign_off(doc)
    footer(doc)
    kept = prune_styles(doc)
    drop_unused_parts(doc)
    tidy_settings(doc)
    set_properties(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {kept} styles)")
    return out


def main(argv: list[str]) -> int:
    build(Path(argv[1]) if len(argv) > 1 else OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
