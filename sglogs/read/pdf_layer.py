"""What a PDF prints, through PDFium: each page's characters, its ruling lines and the ruled tables they draw.

``read/pdf.py`` owns this module; nothing else imports it (or PDFium). It gives ``pdf.py`` the same picture
pdfplumber gives (characters as dicts with ``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size`` in points
from the top left of the upright page; tables as pdfplumber ``Table`` geometry from its default ``lines``
strategy), about five times faster per page.

**Why PDFium.** Measured on a 13-page log exported from Word (bench/bench_read.py), pdfplumber spent 95% of its
time building ``page.chars``: pdfminer interpreting the content streams in Python (half) and pdfplumber turning
every glyph into a dict of 20 resolved attributes (half). pdfminer's layout analysis was not involved
(pdfplumber runs it only when asked), so switching it off or cropping to the table regions saves nothing: every
character has to be interpreted before it is known where it is. PDFium (``pypdfium2``, already installed as a
pdfplumber dependency) interprets the page in C++; per character this module asks it only for the origin, the
advance box and the font size. The tables are still found by pdfplumber's own algorithm (edges snapped and joined,
intersections, cells, tables), fed with the edges of the paths PDFium reports, so the cells are the same.

**Geometry as pdfplumber has it.** A character's ``x0`` is its origin, ``x1`` the right of PDFium's loose box
(the advance width), ``bottom`` the baseline and ``top`` the baseline less the font size (pdfminer's box, whose
descent it sets to zero). A hyphen also has ``alone``: whether it was the only character of its text object,
which is how LibreOffice prints the hyphens its hyphenation adds (pdfplumber cannot tell this). A path's edges
are the sides of each of its sub-paths that are horizontal or vertical (a rectangle gives four, a line one, a
diagonal none); paths that neither fill nor stroke draw nothing. Pages with ``/Rotate`` are turned upright as
pdfminer turns them.

**PDFium is not thread-safe**: one ``PdfLayer`` is open at a time in a process (a lock, held from open to
close); the service reads files in worker processes, so this only orders threads within one.
"""

from __future__ import annotations

import ctypes
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    Table,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    merge_edges,
)
from pdfplumber.utils import filter_edges

_LOCK = threading.Lock()
_TABLES = TableSettings.resolve(None)  # pdfplumber's defaults: the "lines" strategy
#: PDFium's codes for a hyphen it takes for a line-end hyphenation (per character / in the page text); pdfminer
#: reads the glyph, "-"
_HYPHEN_MARKS = ("\x02", "\ufffe")
_HYPHENS = ("-", "\u00ad")
_FLAT = 1e-3  # points: a side this close to level (or upright) is horizontal (vertical)
_BREAKS = frozenset(" \r\n\t")  # what PDFium may insert between the characters printed
_MAX_FORM_DEPTH = 8  # form XObjects nested deeper than this are not looked into for ruling lines
_METADATA_KEYS = ("Keywords", "Title", "Subject", "Creator", "Producer")

Point = tuple[float, float]


class PdfLayerError(Exception):
    """PDFium could not open or parse the file (damaged, encrypted, not a PDF)."""


@dataclass(frozen=True)
class PageLayer:
    """One page as printed: its box, characters (pdfplumber-style dicts) and ruled tables.

    Example:
        >>> PageLayer(1, (0.0, 0.0, 595.0, 842.0), [], []).height
        842.0
    """

    page_number: int
    bbox: tuple[float, float, float, float]
    chars: list[dict[str, Any]]
    tables: list[Table]

    @property
    def height(self) -> float:
        """The upright page's height in points."""
        return self.bbox[3] - self.bbox[1]


class PdfLayer:
    """An open PDF, read one page at a time; use as a context manager (it holds the PDFium lock until closed).

    Example:
        >>> with PdfLayer(Path("tests/data/pdf-excel-export.pdf")) as pdf:  # doctest: +SKIP
        ...     pdf.page_count, next(pdf.pages()).tables[0].bbox[:2]
        (2, (42.5, 85.0))
    """

    def __init__(self, source: Path | bytes) -> None:
        self._source = str(source) if isinstance(source, Path) else source
        self._document: Any = None

    def __enter__(self) -> PdfLayer:
        _LOCK.acquire()
        try:
            self._document = pdfium.PdfDocument(self._source)
        except pdfium.PdfiumError as exc:
            _LOCK.release()
            raise PdfLayerError(str(exc)) from exc
        except BaseException:
            _LOCK.release()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._document.close()
        finally:
            _LOCK.release()

    @property
    def page_count(self) -> int:
        """How many pages the file has."""
        return len(self._document)

    def metadata(self) -> dict[str, str]:
        """The document information the reader uses (Keywords, Title, Subject, Creator, Producer) as found."""
        found = self._document.get_metadata_dict(skip_empty=True)
        return {key: value for key, value in found.items() if key in _METADATA_KEYS}

    def has_form_fields(self) -> bool:
        """Whether the file has an interactive form with at least one field (an AcroForm ``Fields`` entry)."""
        if pdfium_c.FPDF_GetFormType(self._document) == pdfium_c.FORMTYPE_NONE:
            return False
        # Rare (forms): PDFium says a form dictionary is there, not whether it lists fields; pdfminer reads the
        # catalog alone, without interpreting any page.
        return _catalog_lists_fields(self._source)

    def pages(self, limit: int | None = None) -> Iterator[PageLayer]:
        """Each page in order (the first ``limit``), its PDFium objects closed before the next is read."""
        count = self.page_count if limit is None else min(limit, self.page_count)
        for index in range(count):
            page = self._document[index]
            try:
                yield _page_layer(page, index + 1)
            finally:
                page.close()


def text_layer(data: bytes) -> str:
    """Whether a PDF prints characters: ``"text"``, ``"scan"`` (no characters, some image) or ``"empty"``.

    Raises ``PdfLayerError`` when PDFium cannot open the file.

    Example:
        >>> text_layer(Path("tests/data/pdf-excel-export.pdf").read_bytes())  # doctest: +SKIP
        'text'
    """
    saw_image = False
    with PdfLayer(data) as pdf:
        for index in range(pdf.page_count):
            page = pdf._document[index]
            try:
                text = page.get_textpage()
                try:
                    if text.count_chars() > 0:
                        return "text"
                finally:
                    text.close()
                saw_image = saw_image or any(True for _ in page.get_objects(
                    filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=_MAX_FORM_DEPTH))
            finally:
                page.close()
    return "scan" if saw_image else "empty"


def render_pages(data: bytes, dpi: int, max_pixels: int) -> Iterator[Any]:
    """Each page of a scanned PDF as a greyscale Pillow image at ``dpi`` (lower for a page that would exceed
    ``max_pixels``), one page at a time, closed as it goes.

    Pillow is imported by PDFium's own ``to_pil``; sglogs' image handling stays in ``read/images``.

    Example:
        >>> next(render_pages(Path("scan.pdf").read_bytes(), 200, 80_000_000)).mode  # doctest: +SKIP
        'L'
    """
    with PdfLayer(data) as pdf:
        for index in range(pdf.page_count):
            page = pdf._document[index]
            try:
                width, height = page.get_size()
                scale = dpi / 72
                if width * height * scale * scale > max_pixels:  # a page the size of a wall: rendered smaller
                    scale = math.sqrt(max_pixels / max(width * height, 1.0))
                bitmap = page.render(scale=scale, grayscale=True)
                try:
                    yield bitmap.to_pil().convert("L")
                finally:
                    bitmap.close()
            finally:
                page.close()


def _catalog_lists_fields(source: str | bytes) -> bool:
    import io

    import pdfplumber
    from pdfplumber.utils import resolve

    with pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else source) as pdf:
        form = resolve(pdf.doc.catalog.get("AcroForm"))
        return isinstance(form, dict) and bool(resolve(form.get("Fields")))


# -------------------------------------------------------------------------------------------------- a page


def _page_layer(page: Any, number: int) -> PageLayer:
    left, bottom, right, top = page.get_mediabox()
    upright = _upright(page.get_rotation(), left, bottom, right, top)
    width, height = (right - left, top - bottom) if page.get_rotation() in (0, 180) else (top - bottom, right - left)
    chars = _chars(page, upright, left, top)
    tables = _tables(_edges(page, upright))
    return PageLayer(number, (0.0, 0.0, width, height), chars, tables)


def _upright(rotation: int, x0: float, y0: float, x1: float, y1: float) -> Callable[[float, float], Point]:
    """PDF user space to (x, top) on the page as displayed, as pdfminer's rotated CTM gives it."""
    if rotation == 90:
        return lambda x, y: (y - y0, x - x0)
    if rotation == 180:
        return lambda x, y: (x1 - x, y - y0)
    if rotation == 270:
        return lambda x, y: (y1 - y, x1 - x)
    return lambda x, y: (x - x0, y1 - y)


def _chars(page: Any, upright: Callable[[float, float], Point], left: float, top: float) -> list[dict[str, Any]]:
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if not count:
            return []
        handle = textpage.raw
        text = _page_text(handle, count)
        rotated = page.get_rotation() != 0
        is_generated = pdfium_c.FPDFText_IsGenerated
        get_origin = pdfium_c.FPDFText_GetCharOrigin
        get_box = pdfium_c.FPDFText_GetLooseCharBox
        get_size = pdfium_c.FPDFText_GetFontSize
        origin_x, origin_y, box = ctypes.c_double(), ctypes.c_double(), pdfium_c.FS_RECTF()
        ox, oy, rect = ctypes.byref(origin_x), ctypes.byref(origin_y), ctypes.byref(box)
        chars: list[dict[str, Any]] = []
        previous: dict[str, Any] = {}
        last = (math.nan, math.nan, math.nan)  # the previous character's x0, x1 and top
        for index in range(count):
            glyph = text[index] if text is not None else chr(pdfium_c.FPDFText_GetUnicode(handle, index))
            if glyph in _BREAKS and is_generated(handle, index):
                continue  # a space or line break PDFium inferred; pdf.py decides spacing from the gaps itself
            get_origin(handle, index, ox, oy)
            get_box(handle, index, rect)
            size = get_size(handle, index)
            if rotated:
                (ax, at), (bx, bt) = upright(box.left, box.bottom), upright(box.right, box.top)
                x0, x1, char_top, char_bottom = min(ax, bx), max(ax, bx), min(at, bt), max(at, bt)
            else:
                x0, x1, char_bottom = origin_x.value - left, box.right - left, top - origin_y.value
                char_top = char_bottom - size
            if glyph in _HYPHEN_MARKS:
                glyph = "-"
            alone = glyph in _HYPHENS and _printed_alone(handle, index, count)
            if (x0, x1, char_top) == last:
                # one glyph PDFium split into several characters (a ligature: "ﬀ" is "f", "f" in one box);
                # PDFium has already dropped text drawn twice in one place (simulated bold)
                previous["text"] += glyph
                continue
            last = (x0, x1, char_top)
            previous = {"text": glyph, "x0": x0, "x1": x1 if x1 > x0 else x0, "top": char_top,
                        "bottom": char_bottom, "size": size}
            if glyph in _HYPHENS:
                previous["alone"] = alone
            chars.append(previous)
        return chars
    finally:
        textpage.close()


def _printed_alone(handle: Any, index: int, count: int) -> bool:
    """Whether character ``index`` is the only one PDFium read from its text object (LibreOffice prints the hyphen
    its hyphenation adds so; a hyphen that was typed comes in one object with the letters before it)."""
    own = _text_object(handle, index)
    if own is None:
        return False
    for step in (-1, 1):
        neighbour = index + step
        while 0 <= neighbour < count and pdfium_c.FPDFText_IsGenerated(handle, neighbour):
            neighbour += step
        if 0 <= neighbour < count and _text_object(handle, neighbour) == own:
            return False
    return True


def _text_object(handle: Any, index: int) -> int | None:
    return ctypes.cast(pdfium_c.FPDFText_GetTextObject(handle, index), ctypes.c_void_p).value


def _page_text(handle: Any, count: int) -> str | None:
    """All the page's characters in one call, or ``None`` when they do not map one to one (astral characters)."""
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = pdfium_c.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: max(written - 1, 0) * 2].decode("utf-16-le", errors="replace")
    return text if len(text) == count else None


# ------------------------------------------------------------------------------------------ ruling lines


def _edges(page: Any, upright: Callable[[float, float], Point]) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = []
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    objects = [pdfium_c.FPDFPage_GetObject(page.raw, index) for index in range(count)]
    _collect_edges(objects, _IDENTITY, upright, edges, 0)
    return edges


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _collect_edges(objects: list[Any], outer: tuple[float, ...], upright: Callable[[float, float], Point],
                   edges: list[dict[str, Any]], depth: int) -> None:
    matrix = pdfium_c.FS_MATRIX()
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
            inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
            _collect_edges(inner, _compose(_as_tuple(matrix), outer), upright, edges, depth + 1)
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if not _paints(obj):
                continue
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
            to_page = _compose(_as_tuple(matrix), outer)
            for points in _subpaths(obj):
                placed = [upright(*_apply(to_page, x, y)) for x, y in points]
                edges.extend(_sides(placed))


def _paints(obj: Any) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return True
    return bool(fill.value) or bool(stroke.value)


def _subpaths(obj: Any) -> Iterator[list[Point]]:
    """Each sub-path's points in order (curve control points included, as pdfminer lists them), closed ones
    ending back at their start."""
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[Point] = []
    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO and points:
            yield points
            points = []
        points.append((x.value, y.value))
        if pdfium_c.FPDFPathSegment_GetClose(segment) and points[0] != points[-1]:
            points.append(points[0])
    if points:
        yield points


def _sides(points: list[Point]) -> list[dict[str, Any]]:
    """A sub-path's horizontal and vertical sides as pdfplumber edges."""
    sides = []
    for (ax, at), (bx, bt) in pairwise(points):
        if abs(at - bt) <= _FLAT:
            orientation = "h"
        elif abs(ax - bx) <= _FLAT:
            orientation = "v"
        else:
            continue
        x0, x1, top, bottom = min(ax, bx), max(ax, bx), min(at, bt), max(at, bt)
        if orientation == "h":
            top = bottom = at
        else:
            x0 = x1 = ax
        sides.append({"object_type": "path_edge", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
                      "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top})
    return sides


def _as_tuple(matrix: Any) -> tuple[float, ...]:
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


def _apply(matrix: tuple[float, ...], x: float, y: float) -> Point:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)


# ------------------------------------------------------------------------------------------------- tables


def _tables(edges: list[dict[str, Any]]) -> list[Table]:
    """pdfplumber's ``lines`` table finder (``TableFinder``) on the given edges."""
    settings = _TABLES
    prefiltered = (filter_edges(edges, "v", min_length=settings.edge_min_length_prefilter)
                   + filter_edges(edges, "h", min_length=settings.edge_min_length_prefilter))
    merged = merge_edges(prefiltered, snap_x_tolerance=settings.snap_x_tolerance,
                         snap_y_tolerance=settings.snap_y_tolerance, join_x_tolerance=settings.join_x_tolerance,
                         join_y_tolerance=settings.join_y_tolerance)
    final = filter_edges(merged, min_length=settings.edge_min_length)
    intersections = edges_to_intersections(final, settings.intersection_x_tolerance,
                                           settings.intersection_y_tolerance)
    return [Table(None, group) for group in cells_to_tables(_cells(intersections))]  # geometry only


def _cells(intersections: dict[Point, dict[str, list[dict[str, Any]]]]) -> list[tuple[float, ...]]:
    """pdfplumber's ``intersections_to_cells``, the same cells in the same order, without its quadratic scans.

    For each intersection (sorted by x, then top) the smallest cell whose top-left it is: the nearest point
    below and the nearest point to the right joined to it by one edge, and the corner between them joined to
    both. pdfplumber rebuilds each point's edge sets for every pair and scans all later points for the ones
    below and right; here both are looked up once (most of the reading time of a ruled page went there).
    """
    points = sorted(intersections)
    v_edges = {pt: {_bbox(e) for e in found["v"]} for pt, found in intersections.items()}
    h_edges = {pt: {_bbox(e) for e in found["h"]} for pt, found in intersections.items()}
    same_x: dict[float, list[Point]] = {}
    same_top: dict[float, list[Point]] = {}
    for pt in points:  # sorted: each list runs top to bottom (same x) or left to right (same top)
        same_x.setdefault(pt[0], []).append(pt)
        same_top.setdefault(pt[1], []).append(pt)
    after_in_x = {pt: i for column in same_x.values() for i, pt in enumerate(column)}
    after_in_top = {pt: i for row in same_top.values() for i, pt in enumerate(row)}
    cells = []
    for pt in points:
        below = same_x[pt[0]][after_in_x[pt] + 1:]
        right = same_top[pt[1]][after_in_top[pt] + 1:]
        cell = _smallest_cell(pt, below, right, v_edges, h_edges)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(pt: Point, below: list[Point], right: list[Point], v_edges: dict[Point, set],
                   h_edges: dict[Point, set]) -> tuple[float, ...] | None:
    for below_pt in below:
        if not v_edges[pt] & v_edges[below_pt]:
            continue
        for right_pt in right:
            if not h_edges[pt] & h_edges[right_pt]:
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in v_edges and v_edges[corner] & v_edges[right_pt] and h_edges[corner] & h_edges[below_pt]:
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def _bbox(edge: dict[str, Any]) -> tuple[float, float, float, float]:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])
