"""The Office Open XML layer of the review documents: writing a filled Word template, its properties, its tables.

``write_docx`` renders a prepared docxtpl template with a review context, makes its tables valid
(``tidy_tables``) and writes the package atomically with core and custom properties naming the document and the
log it reviews (``property_parts``). ``review_properties`` are the same names for the action-plan workbook.

Example:
    >>> write_docx(template, "feedback", Path("feedback.docx"), context, 0o600)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from ..core.ooxml import CORE_PART, CUSTOM_PART, core_xml, custom_xml, write_package
from ..generate.docx import DocxLogTemplate

__all__ = ["TITLES", "property_parts", "review_properties", "tidy_tables", "write_docx"]

#: The title of each kind of review document, as its properties and headings name it.
TITLES = {
    "feedback": "Feedback report",
    "signoff": "Review and sign-off",
    "action_plan": "Development action plan (annex 1)",
}


def write_docx(template: DocxLogTemplate, kind: str, path: Path, context: Mapping[str, Any], mode: int) -> None:
    """Render ``template`` with ``context`` and write it to ``path`` atomically with the document's properties.

    Example:
        >>> write_docx(template, "signoff", Path("signoff.docx"), context, 0o600)  # doctest: +SKIP
    """
    rendered = template.render_parts(dict(context))
    rendered["word/document.xml"] = tidy_tables(rendered["word/document.xml"])
    rendered |= property_parts(kind, context)
    write_package(path, template.order, template.static, rendered, mode=mode)


def property_parts(kind: str, context: Mapping[str, Any]) -> dict[str, bytes]:
    """Core and custom properties naming the document and the log it reviews.

    Example:
        >>> sorted(property_parts("feedback", context))  # doctest: +SKIP
        ['docProps/core.xml', 'docProps/custom.xml']

    They deliberately do not repeat the log's own ``sglogs_log_id`` properties or identity keywords: a review
    document dropped into the inbox must not pass for the log itself.
    """
    log, staff = context["log"], context["staff"]
    # the review date: the same inputs give the same file
    reviewed = dt.datetime.combine(dt.date.fromisoformat(context["review"]["date_iso"]), dt.time())
    title = f"{TITLES[kind]} - {staff['name']}"
    keywords = f"sglogs review; {kind}; reviews log {log['id']}"
    core = core_xml(title=title, subject=f"Review of safeguarding competency log {log['id']}",
                    creator=context.get("organisation") or "sglogs", keywords=keywords, modified=reviewed)
    return {CORE_PART: core, CUSTOM_PART: custom_xml(review_properties(kind, context))}


def review_properties(kind: str, context: Mapping[str, Any]) -> dict[str, str]:
    """The custom properties of a review document: its kind and the log (id, fingerprint) it reviews.

    Example:
        >>> review_properties("feedback", context)["sglogs_document"]  # doctest: +SKIP
        'feedback'
    """
    return {
        "sglogs_document": kind,
        "sglogs_reviewed_log_id": context["log"]["id"],
        "sglogs_reviewed_sha256": context["log"]["sha256"],
        "sglogs_reviewed_on": context["review"]["date_iso"],
    }


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MIN_COLUMN_TWIPS = 567  # 1 cm: the narrowest a text column is squeezed to
# Children of w:tcPr that the schema puts after w:shd; docxtpl's cellbg writes w:shd first, which Word may refuse.
_AFTER_SHD = frozenset(f"{_W}{tag}" for tag in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"))


def tidy_tables(xml: bytes) -> bytes:
    """Make rendered tables valid and well laid out: grids that match their cells, cell properties in order.

    After ``{%tc for %}`` column loops add or remove cells, the table grid no longer matches the cells. docxtpl's
    own fix shares the width equally between all columns; here the repeated cells keep the width the template
    gives them and the widest column (the competency text) absorbs the difference, so the table keeps its width.
    ``{% cellbg %}`` puts the cell shading first among the cell properties, out of schema order; it is moved to
    its place. A document that needs neither is returned unchanged.

    Example:
        >>> tidy_tables(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    """
    if b"<w:tbl>" not in xml:
        return xml
    root = etree.fromstring(xml)
    changed = False
    for tbl in root.iter(f"{_W}tbl"):
        changed |= _fit_grid(tbl)
    if b"<w:tcPr><w:shd " in xml:
        for tc_pr in root.iter(f"{_W}tcPr"):
            changed |= _order_shading(tc_pr)
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _order_shading(tc_pr: etree._Element) -> bool:
    shd = tc_pr.find(f"{_W}shd")
    if shd is None:
        return False
    others = [child for child in tc_pr if child is not shd]
    place = next((i for i, child in enumerate(others) if child.tag in _AFTER_SHD), len(others))
    if tc_pr.index(shd) == place:
        return False
    tc_pr.remove(shd)
    tc_pr.insert(place, shd)
    return True


def _fit_grid(tbl: etree._Element) -> bool:
    grid = tbl.find(f"{_W}tblGrid")
    rows = tbl.findall(f"{_W}tr")
    if grid is None or not rows:
        return False
    row_cells = [r.findall(f"{_W}tc") for r in rows]
    widest = max(row_cells, key=len)
    widths = []
    for tc in widest:
        width = tc.find(f"{_W}tcPr/{_W}tcW")
        if width is None or tc.find(f"{_W}tcPr/{_W}gridSpan") is not None or width.get(f"{_W}type") != "dxa":
            return False  # merged or auto-width cells: leave the layout to Word
        widths.append(int(width.get(f"{_W}w")))
    current = [int(c.get(f"{_W}w", "0")) for c in grid.findall(f"{_W}gridCol")]
    tbl_w = tbl.find(f"{_W}tblPr/{_W}tblW")
    target = int(tbl_w.get(f"{_W}w")) if tbl_w is not None and tbl_w.get(f"{_W}type") == "dxa" else sum(widths)
    if current == widths and sum(widths) == target:
        return False
    slack = widths.index(max(widths))
    widths[slack] = max(_MIN_COLUMN_TWIPS, widths[slack] + target - sum(widths))
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        etree.SubElement(grid, f"{_W}gridCol").set(f"{_W}w", str(width))
    for cells in row_cells:
        if len(cells) == len(widths):
            cells[slack].find(f"{_W}tcPr/{_W}tcW").set(f"{_W}w", str(widths[slack]))
    return True
