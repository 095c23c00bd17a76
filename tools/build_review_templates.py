"""Build the review templates a manager signs (in ``sglogs/data/templates/``): ``feedback.docx``, ``signoff.docx``,
``action_plan.docx`` (docxtpl documents) and ``action_plan.xlsx`` (the "Annex 1" workbook).

The Word templates use the names ``sglogs.reports.review_view.review_context`` defines (its module docstring lists
them): ``{%tr ... %}`` rows repeat table rows, ``{%tc ... %}`` cells repeat table columns (the coverage matrix),
``{%p ... %}`` paragraphs repeat or hide paragraphs, ``{% cellbg ... %}`` shades a cell. They are built with the
helpers of ``tools/build_log_docx.py`` so they look like the log they review (Arial, A4, the teal accent, shaded
label cells), and pruned to the styles they use.

The workbook is a normal openpyxl workbook: a title, the identity lines (placeholders), the column headers, and
empty styled rows with a RAG drop-down and colours; sglogs writes the action rows itself.

Rerun it from the project folder after changing a layout, and commit the templates it writes:

    .venv/bin/python tools/build_review_templates.py          # writes sglogs/data/templates/{feedback,...}.*
    .venv/bin/python tools/build_review_templates.py OUTDIR   # writes them to OUTDIR, e.g. to try a change
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from build_log_docx import (
    _PPR_ORDER,
    _TBLPR_ORDER,
    _TCPR_ORDER,
    FONT,
    MARGIN,
    SIGN_ROW_H,
    _border_set,
    _el,
    _field,
    _fill,
    _para_style,
    _put,
    _row_props,
    drop_unused_parts,
    para,
    prune_styles,
    set_cell,
    setup_numbering,
    setup_page,
    setup_styles,
    tag_para,
    tidy_settings,
)
from build_log_docx import ACCENT as LOG_DOCX_ACCENT
from build_log_docx import LABEL_FILL as LOG_DOCX_LABEL_FILL
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins

OUT_DIR = Path(__file__).resolve().parent.parent / "sglogs" / "data" / "templates"

# The house colours of sglogs' logs (the Excel log and the brief use these; build_log_docx.py still carries a
# near-identical 1B5E63 / E3EEEE): the log's helpers are used as they are and their colours swapped at the end.
ACCENT = "1F5F5B"
LABEL_FILL = "E6F0EF"
MUTED = "595959"

# Light fills that keep black text readable, on screen and printed in grey (the Word documents get the same ones
# from sglogs.reports.documents, per cell; the workbook carries them as conditional formats an organisation can edit).
RAG_FILLS = {"Red": "F4CCCC", "Amber": "FFE599", "Green": "D9EAD3"}

PORTRAIT_W = 21.0 - 2 * MARGIN  # 17.4 cm, as the log
LANDSCAPE_W = 29.7 - 2 * MARGIN  # 26.1 cm

# Evidence-row columns of the coverage matrix: narrow enough for 20 of them on A4 portrait (the report lists row
# numbers per competency above that), wide enough for "20" at 7.5 pt with the cell margins taken off.
MATRIX_COL_W = 0.45
# Template-only cells of a column loop ({%tc for %} / {%tc endfor %}): docxtpl removes them when rendering.
LOOP_TAG_W = 0.3

ACTION_HEADERS = ("Reference", "Action", "Competency", "Owner", "Resources", "Target date", "Success criteria",
                  "RAG status", "Review date", "Progress")  # fmt: skip
ACTION_FIELDS = ("reference", "action", "competency", "owner", "resources", "target_date", "success_criteria",
                 "rag", "review_date", "progress")  # fmt: skip


# --- shared pieces --------------------------------------------------------------------------------------


def new_document(*, landscape: bool = False):
    doc = Document()
    # python-docx's template starts with one empty paragraph; the title should be the first line.
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    setup_page(doc)
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    setup_styles(doc)
    setup_numbering(doc)
    _extra_styles(doc)
    return doc


def _extra_styles(doc) -> None:
    matrix = _para_style(doc, "Matrix Text", base="Table Text", size=7.5)
    matrix.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para_style(doc, "Note", base="Small Text", italic=True, colour=MUTED)
    _para_style(doc, "Code", base="Small Text", size=7, colour=MUTED)
    # ten columns on landscape A4: "Competency" and "Reference" fit their columns at 8 pt, not at 9
    _para_style(doc, "Table Heading Small", base="Table Heading", size=8)
    lead = _para_style(doc, "Lead In", bold=True, before=6, after=2, keep_next=True)
    lead.paragraph_format.keep_together = True


def table(doc, widths: Sequence[float], caption: str, headers: Sequence[str] | None = None, *,
          text_w: float = PORTRAIT_W, heading_style: str = "Table Heading"):  # fmt: skip
    """A full-width, fixed-layout table with the accent header row repeated on every page it spans.

    The log's own ``table`` is fixed to portrait width; this one also serves the landscape action plan.
    """
    assert abs(sum(widths) - text_w) < 0.01, f"{caption}: columns add up to {sum(widths)} cm, not {text_w}"
    t = doc.add_table(rows=1 if headers else 0, cols=len(widths))
    t.style = doc.styles["Table Grid"]
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    _put(tbl_pr, _el("w:tblW", w=str(round(text_w * 567)), type="dxa"), _TBLPR_ORDER)
    _put(tbl_pr, _el("w:tblLayout", type="fixed"), _TBLPR_ORDER)
    _put(tbl_pr, _el("w:tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
                     noHBand="1", noVBand="1"), _TBLPR_ORDER)  # fmt: skip
    _put(tbl_pr, _el("w:tblCaption", val=caption), _TBLPR_ORDER)
    for col, width in zip(t.columns, widths, strict=True):
        col.width = Cm(width)
    if headers:
        row = t.rows[0]
        _row_props(row, header=True)
        for cell, text, width in zip(row.cells, headers, widths, strict=True):
            cell.width = Cm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _fill(cell, ACCENT)
            set_cell(cell, text, heading_style)
    return t


def add_row(t, widths: Sequence[float], *, height: float | None = None):
    row = t.add_row()
    _row_props(row, height=height)
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Cm(width)
    return row


def loop_row(t, widths: Sequence[float], tag: str) -> None:
    """A ``{%tr ... %}`` row: docxtpl replaces the whole row with the tag, so one merged cell is enough."""
    row = add_row(t, widths)
    merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    set_cell(merged, tag, "Small Text")


def _tight(cell) -> None:
    """Take the side margins off a narrow cell so a two-digit row number fits in it."""
    mar = _el("w:tcMar")
    mar.append(_el("w:left", w="20", type="dxa"))
    mar.append(_el("w:right", w="20", type="dxa"))
    _put(cell._tc.get_or_add_tcPr(), mar, _TCPR_ORDER)


def tick_box(doc, text: str):
    """A paragraph starting with a box to tick by hand, larger than the text so a pen mark fits."""
    p = doc.add_paragraph()
    box = p.add_run("□")
    box.font.size = Pt(14)
    p.add_run("  " + text)
    return p


def heading(doc, text: str):
    return doc.add_paragraph(text, style="Heading 1")


def intro(doc, text: str):
    """A short line above a table, kept on the same page as the table's first rows."""
    p = para(doc, text, "Small Text")
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_after = Pt(3)
    return p


def callout(doc, text: str):
    return para(doc, text, "Callout")


def bullet(doc, text: str):
    return para(doc, text, "List Bullet")


def keep_rows_together(t) -> None:
    """Every paragraph keeps with the next, so a short table (a signature block) moves whole to the next page."""
    rows = t.rows
    for row in rows[:-1]:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def title_block(doc, title: str, subtitle: str, detail: str = "{{ staff.name }} – {{ level.heading }}") -> None:
    para(doc, title, "Title")
    para(doc, subtitle, "Subtitle")
    tag_para(doc, "{%p if organisation %}")
    para(doc, "{{ organisation }}", "Title Detail", bold=True)
    tag_para(doc, "{%p endif %}")
    last = para(doc, detail, "Title Detail")
    # A rule under the title block separates it from the first table, as in the log.
    pbdr = _el("w:pBdr")
    pbdr.append(_border_set(("bottom",), ACCENT, size=12, space=6)[0])
    _put(last._p.get_or_add_pPr(), pbdr, _PPR_ORDER)
    last.paragraph_format.space_after = Pt(10)


def about_table(doc, caption: str, rows: Sequence[tuple[str, str, str, str]], *, text_w: float = PORTRAIT_W):
    """Label/value pairs two to a row: who and which log the document is about, in little height."""
    label = 3.0
    value = (text_w - 2 * label) / 2
    widths = (label, value, label, value)
    t = table(doc, widths, caption, text_w=text_w)
    for cells_text in rows:
        row = add_row(t, widths)
        for index, (cell, text) in enumerate(zip(row.cells, cells_text, strict=True)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if index % 2 == 0:
                _fill(cell, LABEL_FILL)
                set_cell(cell, text, bold=True)
            elif text.startswith("~"):  # long machine values (the file fingerprint) in small print
                set_cell(cell, text[1:], "Small Text")
            else:
                set_cell(cell, text)
    return t


ABOUT_ROWS = (
    ("Name", "{{ staff.name }}", "Staff ID", "{{ staff.id }}"),
    ("Role", "{{ staff.role }}", "Framework", "{{ framework.title }}"),
    ("Log period", "{{ log.period }}", "Log ID", "{{ log.id }}"),
    ("Log file", "{{ log.file }}", "SHA-256", "~{{ log.sha256 }}"),
)


def footer(doc, document_name: str, *, text_w: float = PORTRAIT_W) -> None:
    """Two lines on every page: the identity of the log reviewed, then what this document is and the page."""
    ftr = doc.sections[0].footer
    ftr.is_linked_to_previous = False
    first = ftr.paragraphs[0]
    first.style = "Footer"
    first.add_run("{{ log.footer }}")
    pbdr = _el("w:pBdr")
    pbdr.append(_border_set(("top",), "BFBFBF", size=4, space=4)[0])
    _put(first._p.get_or_add_pPr(), pbdr, _PPR_ORDER)
    second = ftr.add_paragraph(style="Footer")
    second.paragraph_format.tab_stops.add_tab_stop(Cm(text_w), WD_TAB_ALIGNMENT.RIGHT)
    second.add_run(f"{document_name} for {{{{ staff.name }}}}, prepared {{{{ review.date }}}}\tPage ")
    _field(second, "PAGE")
    second.add_run(" of ")
    _field(second, "NUMPAGES")


def end_paragraph(doc) -> None:
    # Word always ends a body with a paragraph; a tiny one cannot push a blank page after a full last page.
    end = para(doc, style="Small Text")
    end.paragraph_format.space_before = Pt(0)
    end.paragraph_format.line_spacing = Pt(1)


def recolour(doc, mapping: dict[str, str]) -> None:
    """Swap colour values everywhere they are written: shading fills, borders, font and bullet colours."""
    roots = [doc.element, doc.styles.element, doc.part.numbering_part.element]
    roots += [s.footer._element for s in doc.sections]
    attrs = (qn("w:fill"), qn("w:color"), qn("w:val"))
    for root in roots:
        for el in root.iter():
            for attr in attrs:
                value = el.get(attr)
                if value in mapping and (attr != qn("w:val") or el.tag == qn("w:color")):
                    el.set(attr, mapping[value])


def finish(doc, out: Path, title: str) -> Path:
    recolour(doc, {LOG_DOCX_ACCENT: ACCENT, LOG_DOCX_LABEL_FILL: LABEL_FILL})
    kept = prune_styles(doc)
    drop_unused_parts(doc)
    tidy_settings(doc)
    props = doc.core_properties
    props.title = title
    props.subject = "Safeguarding children competency log review"
    props.author = "sglogs"
    props.last_modified_by = "sglogs"
    props.keywords = "safeguarding; competency; review"
    props.comments = "Template for sglogs (tools/build_review_templates.py). Jinja tags are filled in per review."
    props.language = "en-GB"
    props.revision = 1
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {kept} styles)")
    return out


# --- feedback report ------------------------------------------------------------------------------------


def feedback_summary(doc) -> None:
    heading(doc, "1. Summary")
    callout(doc, "{{ ready_sentence }}{% if not ready %} The findings are in section 3.{% endif %}")
    widths = (4.6, PORTRAIT_W - 4.6)
    t = table(doc, widths, "Summary")
    for label, value in (
        ("Evidence recorded", "{{ summary.evidence }}"),
        ("Hours", "{{ summary.hours }}"),
        ("Types of learning", "{{ summary.types }}"),
        ("Competencies with evidence", "{{ summary.coverage }}"),
        ("Assessed in the log", "{{ summary.assessment }}"),
        ("Findings", "{{ summary.findings }}"),
    ):
        label_cell, value_cell = add_row(t, widths).cells
        _fill(label_cell, LABEL_FILL)
        set_cell(label_cell, label, bold=True)
        set_cell(value_cell, value)


def coverage_matrix(doc) -> None:
    heading(doc, "2. Coverage of competencies")
    tag_para(doc, "{%p if not coverage %}")
    para(doc, "The log does not list its competencies and its framework and level could not be found, so coverage "
              "cannot be shown.")  # fmt: skip
    tag_para(doc, "{%p elif matrix.columns %}")
    intro(doc, "Each numbered column is a row of the evidence log (listed in section 5); ● marks the competencies "
               "that row says it evidences. “Rows” counts them; “Assessed” is the manager's assessment in the log.")
    fixed = 1.0 + 1.3 + 2.2 + 2 * LOOP_TAG_W + MATRIX_COL_W
    # the competency column takes what is left; sglogs narrows it as evidence columns are added (the widest
    # column of a table whose columns repeat absorbs the difference)
    widths = (1.0, PORTRAIT_W - fixed, LOOP_TAG_W, MATRIX_COL_W, LOOP_TAG_W, 1.3, 2.2)
    headers = ("Ref", "Competency", "{%tc for n in matrix.columns %}", "{{ n }}", "{%tc endfor %}", "Rows",
               "Assessed")  # fmt: skip
    t = table(doc, widths, "Coverage matrix", headers)
    header_cells = t.rows[0].cells
    for index in (2, 3, 4):
        _tight(header_cells[index])
        header_cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    header_cells[5].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    loop_row(t, widths, "{%tr for m in matrix.rows %}")
    cells = add_row(t, widths).cells
    set_cell(cells[0], "{{ m.id }}", "Small Text", bold=True)
    set_cell(cells[1], "{{ m.short_text }}", "Small Text")
    set_cell(cells[2], "{%tc for cell in m.cells %}", "Matrix Text")
    set_cell(cells[3], "{% cellbg cell.fill %}{{ cell.mark }}", "Matrix Text")
    set_cell(cells[4], "{%tc endfor %}", "Matrix Text")
    set_cell(cells[5], "{% cellbg m.count_fill %}{{ m.count }}", "Matrix Text", bold=True)
    set_cell(cells[6], "{{ m.status_label }}", "Small Text")
    for index in (2, 3, 4):
        _tight(cells[index])
    for cell in cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    loop_row(t, widths, "{%tr endfor %}")
    tag_para(doc, "{%p else %}")
    intro(doc, "The evidence rows that say they evidence each competency (listed in section 5). “Assessed” is the "
               "manager's assessment in the log.")
    widths = (1.0, 8.5, 4.4, 1.3, 2.2)
    t = table(doc, widths, "Coverage", ("Ref", "Competency", "Evidence rows", "Rows", "Assessed"))
    loop_row(t, widths, "{%tr for c in coverage %}")
    cells = add_row(t, widths).cells
    set_cell(cells[0], "{{ c.id }}", "Small Text", bold=True)
    set_cell(cells[1], "{{ c.short_text }}", "Small Text")
    set_cell(cells[2], "{{ c.rows_text }}", "Small Text")
    set_cell(cells[3], "{% cellbg c.count_fill %}{{ c.count }}", "Small Text", bold=True)
    set_cell(cells[4], "{{ c.status_label }}", "Small Text")
    loop_row(t, widths, "{%tr endfor %}")
    tag_para(doc, "{%p endif %}")
    tag_para(doc, "{%p if other_cited %}")
    p = para(doc, "Evidence rows {% if coverage %}also {% endif %}name references that are not competencies listed "
                  "for this log: ", "Note")
    p.add_run("{{ other_cited }}.")
    p.paragraph_format.space_before = Pt(4)
    tag_para(doc, "{%p endif %}")


def findings(doc) -> None:
    heading(doc, "3. Findings")
    tag_para(doc, "{%p if findings %}")
    intro(doc, "Errors must be put right before the log can be signed off; warnings are advice to discuss.")
    widths = (2.0, 2.0, PORTRAIT_W - 4.0)
    t = table(doc, widths, "Findings", ("Severity", "Evidence row", "What was found and what to do"))
    loop_row(t, widths, "{%tr for f in findings %}")
    severity, row, message = add_row(t, widths).cells
    set_cell(severity, "{% cellbg f.fill %}{{ f.severity }}", bold=True)
    set_cell(row, "{{ f.row }}")
    set_cell(message, "{{ f.message }}")
    # the code ties the line to `sglogs check --json` and to suggestions.toml, for whoever maintains them
    para(message, "{{ f.code }}", "Code")
    loop_row(t, widths, "{%tr endfor %}")
    tag_para(doc, "{%p else %}")
    para(doc, "No problems were found in this log.")
    tag_para(doc, "{%p endif %}")


def next_steps(doc) -> None:
    heading(doc, "4. Suggested next steps")
    tag_para(doc, "{%p if suggestions %}")
    para(doc, "From this review", "Lead In")
    tag_para(doc, "{%p for s in suggestions %}")
    p = bullet(doc, "{{ s.text }}")
    p.add_run("{% if s.where %} ({{ s.where }}){% endif %}")
    tag_para(doc, "{%p endfor %}")
    tag_para(doc, "{%p endif %}")
    tag_para(doc, "{%p if own_next_steps %}")
    para(doc, "Next steps in the log", "Lead In")
    tag_para(doc, "{%p for s in own_next_steps %}")
    bullet(doc, "{{ s }}")
    tag_para(doc, "{%p endfor %}")
    tag_para(doc, "{%p endif %}")
    tag_para(doc, "{%p if not suggestions and not own_next_steps %}")
    para(doc, "No next steps are suggested or recorded yet: agree them at the review.")
    tag_para(doc, "{%p endif %}")
    p = callout(doc, "Agree next steps with the member of staff and record them on the setting's development action "
                     "plan (annex 1), so progress can be monitored and evidenced.")  # fmt: skip
    p.paragraph_format.space_before = Pt(8)


def evidence_reviewed(doc) -> None:
    heading(doc, "5. Evidence reviewed")
    tag_para(doc, "{%p if entries %}")
    intro(doc, "The evidence rows as read from the log (reflections are in the log itself).")
    widths = (1.1, 2.2, 6.1, 3.4, 1.4, 3.2)
    t = table(doc, widths, "Evidence reviewed",
              ("Row", "Date", "Learning activity", "Type of learning", "Hours", "Competencies"))  # fmt: skip
    loop_row(t, widths, "{%tr for e in entries %}")
    cells = add_row(t, widths).cells
    for cell, text in zip(cells, ("{{ e.row }}", "{{ e.date }}", "{{ e.activity }}", "{{ e.type }}",
                                  "{{ e.hours }}", "{{ e.competencies }}"), strict=True):  # fmt: skip
        set_cell(cell, text, "Small Text")
    loop_row(t, widths, "{%tr endfor %}")
    tag_para(doc, "{%p else %}")
    para(doc, "The log has no evidence rows.")
    tag_para(doc, "{%p endif %}")


def build_feedback(out: Path) -> Path:
    doc = new_document()
    title_block(doc, "Feedback report", "Safeguarding children competency log review")
    about_table(doc, "About this review", ABOUT_ROWS)
    feedback_summary(doc)
    coverage_matrix(doc)
    findings(doc)
    next_steps(doc)
    evidence_reviewed(doc)
    end_paragraph(doc)
    footer(doc, "Feedback report")
    return finish(doc, out, "Safeguarding competency log: feedback report")


# --- sign-off sheet -------------------------------------------------------------------------------------


def signoff_competencies(doc) -> None:
    heading(doc, "Competencies")
    tag_para(doc, "{%p if coverage %}")
    intro(doc, "The manager's assessment of each competency, with the evidence rows of the log behind it. Tick "
               "one box where the log does not yet record an assessment.")
    widths = (1.1, 10.3, 2.6, 3.4)
    t = table(doc, widths, "Competencies assessed", ("Ref", "Competency", "Evidence rows", "Assessment"))
    loop_row(t, widths, "{%tr for c in coverage %}")
    ref, text, rows, status = add_row(t, widths).cells
    set_cell(ref, "{{ c.id }}", "Small Text", bold=True)
    set_cell(text, "{{ c.text }}", "Small Text")
    set_cell(rows, "{{ c.rows_text }}", "Small Text")
    set_cell(status, "{% if c.assessed %}{{ c.status_label }}{% else %}□ Met    □ Not yet met{% endif %}",
             "Small Text", bold=True)  # fmt: skip
    loop_row(t, widths, "{%tr endfor %}")
    tag_para(doc, "{%p else %}")
    para(doc, "The log does not list its competencies and its framework and level could not be found: record the "
              "competencies assessed here.")  # fmt: skip
    widths = (1.4, 10.0, 2.6, 3.4)
    t = table(doc, widths, "Competencies assessed", ("Ref", "Competency", "Evidence rows", "Assessment"))
    for _ in range(6):
        cells = add_row(t, widths, height=1.0).cells
        set_cell(cells[3], "□ Met    □ Not yet met", "Small Text", bold=True)
        cells[3].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    tag_para(doc, "{%p endif %}")


def signoff_outcome(doc) -> None:
    heading(doc, "Outcome")
    for text in ("All competencies met: the log is signed off and a fresh log starts for the next 12 months.",
                 "Not yet met: next steps are agreed and recorded on the development action plan (annex 1)."):
        tick_box(doc, text)
    tag_para(doc, "{%p if signoff.outcome %}")
    p = para(doc, "Outcome written in the log: ", "Note")
    p.add_run("{{ signoff.outcome }}")
    tag_para(doc, "{%p endif %}")


def signatures(doc) -> None:
    h = heading(doc, "Signatures")
    h.paragraph_format.keep_with_next = True
    intro(doc, "The manager confirms the log was reviewed with the member of staff and the assessment above is "
               "agreed. The member of staff confirms they have discussed the review and the next steps.")
    widths = (3.4, 7.0, 7.0)
    t = table(doc, widths, "Signatures", ("", "Manager", "Member of staff"))
    for label, left, right, height in (
        ("Name", "{{ signoff.manager }}", "{{ staff.name }}", 1.0),
        ("Signature", "", "", 1.8),
        ("Date", "", "", SIGN_ROW_H),
    ):
        cells = add_row(t, widths, height=height).cells
        _fill(cells[0], LABEL_FILL)
        for cell in cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        set_cell(cells[0], label, bold=True)
        set_cell(cells[1], left)
        set_cell(cells[2], right)
    cells = add_row(t, widths, height=SIGN_ROW_H).cells
    _fill(cells[0], LABEL_FILL)
    cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    set_cell(cells[0], "Next review date", bold=True)
    merged = cells[1].merge(cells[2])
    merged.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    set_cell(merged, "{{ signoff.next_review }}")
    keep_rows_together(t)


def build_signoff(out: Path) -> Path:
    doc = new_document()
    title_block(doc, "Review and sign-off", "Safeguarding children competency log")
    about_table(doc, "About this review", (*ABOUT_ROWS[:3], ("Level", "{{ level.name }}", "Reviewed on",
                                                            "{{ review.date }}"), ABOUT_ROWS[3]))  # fmt: skip
    callout(doc, "{{ ready_sentence }}{% if not ready %} The findings are listed in the feedback report.{% endif %}"
            ).paragraph_format.space_before = Pt(10)
    signoff_competencies(doc)
    signoff_outcome(doc)
    signatures(doc)
    end_paragraph(doc)
    footer(doc, "Review and sign-off")
    return finish(doc, out, "Safeguarding competency log: review and sign-off")


# --- action plan (annex 1) ------------------------------------------------------------------------------

# Reference, action, competency, owner, resources, target date, success criteria, RAG, review date, progress.
ACTION_WIDTHS = (1.8, 4.2, 2.2, 2.2, 4.0, 1.9, 4.0, 1.5, 1.9, 2.4)
ACTION_BLANK_ROW_H = 0.9


def build_action_plan_docx(out: Path) -> Path:
    doc = new_document(landscape=True)
    title_block(doc, "Annex 1: Development action plan", "Safeguarding children competency log review",
                "{{ staff.name }} – {{ level.name }}")
    about_table(doc, "About this action plan", (
        ("Name", "{{ staff.name }}", "Staff ID", "{{ staff.id }}"),
        ("Log period", "{{ log.period }}", "Log ID", "{{ log.id }}"),
        ("Reviewed on", "{{ review.date }}", "Framework", "{{ framework.title }}"),
    ), text_w=LANDSCAPE_W)  # fmt: skip
    para(doc, "Next steps from the review and competencies without evidence, prefilled by sglogs; add rows for "
              "further actions agreed at the review.", "Small Text").paragraph_format.space_before = Pt(8)  # fmt: skip
    t = table(doc, ACTION_WIDTHS, "Development action plan", ACTION_HEADERS, text_w=LANDSCAPE_W,
              heading_style="Table Heading Small")
    loop_row(t, ACTION_WIDTHS, "{%tr for a in actions %}")
    cells = add_row(t, ACTION_WIDTHS).cells
    for cell, name in zip(cells, ACTION_FIELDS, strict=True):
        if name == "rag":
            set_cell(cell, "{% cellbg a.rag_fill %}{{ a.rag }}", "Small Text", bold=True)
        else:
            set_cell(cell, f"{{{{ a.{name} }}}}", "Small Text", bold=name == "reference")
    loop_row(t, ACTION_WIDTHS, "{%tr endfor %}")
    loop_row(t, ACTION_WIDTHS, "{%tr for r in action_blank_rows %}")
    for cell in add_row(t, ACTION_WIDTHS, height=ACTION_BLANK_ROW_H).cells:
        set_cell(cell)
    loop_row(t, ACTION_WIDTHS, "{%tr endfor %}")
    p = para(doc, "RAG status: ", "Small Text", bold=True)
    p.add_run("Red – not started or at risk of missing its target date; Amber – under way; Green – achieved "
              "(success criteria met). Review progress at each supervision.")  # fmt: skip
    p.paragraph_format.space_before = Pt(4)
    p.paragraph_format.space_after = Pt(10)
    widths = (3.4, 7.6, 3.4, 7.6, 1.6, 2.5)
    agreed = table(doc, widths, "Action plan agreed", text_w=LANDSCAPE_W)
    cells = add_row(agreed, widths, height=SIGN_ROW_H).cells
    for index, text in enumerate(("Manager signature", "", "Staff signature", "", "Date", "")):
        cells[index].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if text:
            _fill(cells[index], LABEL_FILL)
        set_cell(cells[index], text, bold=True)
    end_paragraph(doc)
    footer(doc, "Annex 1: Development action plan", text_w=LANDSCAPE_W)
    return finish(doc, out, "Safeguarding competency log: development action plan (annex 1)")


# --- action plan workbook -------------------------------------------------------------------------------

#: Styled empty rows below the header: the RAG drop-down, colours and date format are ready there for rows
#: people add by hand; sglogs extends them when a plan has more actions.
XLSX_ROWS = 100
XLSX_HEADER_ROW = 5
# Excel column widths in characters, in ACTION_HEADERS order.
XLSX_WIDTHS = (11, 34, 12, 15, 22, 11, 32, 10, 11, 26)


def build_action_plan_xlsx(out: Path) -> Path:
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = "Annex 1"
    for index, width in enumerate(XLSX_WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws["A1"] = "Annex 1: Development action plan"
    ws["A1"].font = Font(name=FONT, bold=True, size=16, color=ACCENT)
    ws["A2"] = ("{{ staff.name }}{% if staff.id %} ({{ staff.id }}){% endif %}"
                "{% if organisation %}, {{ organisation }}{% endif %}")
    ws["A2"].font = Font(name=FONT, bold=True, size=11)
    ws["A3"] = "Safeguarding children competency log {{ log.id }}, {{ log.period }}; reviewed on {{ review.date }}"
    ws["A3"].font = Font(name=FONT, size=10, color=MUTED)
    ws["A4"] = "Next steps from the review and competencies without evidence, prefilled by sglogs; add rows below."
    ws["A4"].font = Font(name=FONT, size=9, italic=True, color=MUTED)
    header_font = Font(name=FONT, bold=True, color="FFFFFF", size=10)
    header_fill = PatternFill("solid", fgColor=ACCENT)
    for col, label in enumerate(ACTION_HEADERS, start=1):
        c = ws.cell(row=XLSX_HEADER_ROW, column=col, value=label)
        c.font, c.fill, c.border = header_font, header_fill, border
        c.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[XLSX_HEADER_ROW].height = 20
    first, last = XLSX_HEADER_ROW + 1, XLSX_HEADER_ROW + XLSX_ROWS
    body = Font(name=FONT, size=10)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    for row in range(first, last + 1):
        for col, name in enumerate(ACTION_FIELDS, start=1):
            c = ws.cell(row=row, column=col)
            c.font, c.border = body, border
            c.alignment = centre if name == "rag" or name.endswith("_date") else wrap
            if name.endswith("_date"):
                c.number_format = "dd/mm/yyyy"
    rag_col = chr(ord("A") + ACTION_FIELDS.index("rag"))
    rag_range = f"{rag_col}{first}:{rag_col}{last}"
    rag = DataValidation(type="list", formula1='"Red,Amber,Green"', allow_blank=True, showErrorMessage=True)
    rag.errorTitle, rag.error = "RAG status", "Choose Red, Amber or Green."
    rag.promptTitle, rag.prompt = "RAG status", "Red: not started or at risk; Amber: under way; Green: achieved."
    ws.add_data_validation(rag)
    rag.add(rag_range)
    for label, fill in RAG_FILLS.items():
        ws.conditional_formatting.add(
            rag_range, CellIsRule(operator="equal", formula=[f'"{label}"'], fill=PatternFill("solid", bgColor=fill))
        )
    for col in (6, 9):  # target and review dates: a real date, so Excel sorts and filters them as dates
        dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
        dates.errorTitle, dates.error = "Date", "Enter a date, e.g. 31/03/2027."
        ws.add_data_validation(dates)
        letter = chr(ord("A") + col - 1)
        dates.add(f"{letter}{first}:{letter}{last}")
    ws.freeze_panes = f"A{first}"
    ws.auto_filter.ref = f"A{XLSX_HEADER_ROW}:{chr(ord('A') + len(ACTION_HEADERS) - 1)}{first}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.8, footer=0.3)
    ws.print_title_rows = f"{XLSX_HEADER_ROW}:{XLSX_HEADER_ROW}"
    ws.oddFooter.left.text = "{{ log.footer|hf }}"
    ws.oddFooter.left.size, ws.oddFooter.left.color = 7, "808080"
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size, ws.oddFooter.right.color = 7, "808080"
    wb.properties.title = "Safeguarding competency log: development action plan (annex 1)"
    wb.properties.creator = "sglogs"
    wb.properties.keywords = "safeguarding; competency; review; action plan"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return out


def build(out_dir: Path) -> list[Path]:
    return [
        build_feedback(out_dir / "feedback.docx"),
        build_signoff(out_dir / "signoff.docx"),
        build_action_plan_docx(out_dir / "action_plan.docx"),
        build_action_plan_xlsx(out_dir / "action_plan.xlsx"),
    ]


def main(argv: list[str]) -> int:
    build(Path(argv[1]) if len(argv) > 1 else OUT_DIR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
