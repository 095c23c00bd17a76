"""Paper logs: a scanned PDF or photos/scans (JPEG, PNG, TIFF, HEIC) back to whose log each page is.

Each page is decoded as it comes (a PDF rendered by ``read/pdf_layer``, an image by ``read/images``), its QR code
read by ``read/qr`` (as is, then turned 90/180/270, then smaller and black-and-white), turned upright by the
code's orientation and kept as PNG evidence; Tesseract (``read/ocr``) reads its typed text where installed.
Pages are grouped into logs by log id, whatever their order in the file; a page without a readable code joins
the log of the page before it (or after it, for the first) and is flagged. Nothing here invents an entry: what
is handwritten is keyed in by a person (``PAPER_NEEDS_KEYING``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..config import ReadSettings
from ..errors import NoPageCodeError, PaperSupportMissingError, TooManyPagesError
from ..models import LogIdentity, PaperPage

__all__ = ["PAPER_INSTALL", "ScannedLog", "read_scan"]

#: what to do when the optional paper libraries are missing (one sentence, for the refusal)
PAPER_INSTALL = "pip install 'sglogs[paper]'"


@dataclass(frozen=True)
class ScannedLog:
    """One person's paper log found in a scan: its identity, its pages in log order and what to check.

    Example:
        >>> ScannedLog(identity=ident, pages=(), warnings=()).pages  # doctest: +SKIP
        ()
    """

    identity: LogIdentity
    pages: tuple[PaperPage, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Page:
    source_page: int
    identity: LogIdentity | None
    number: int
    rotation: int
    png: bytes


def read_scan(data: bytes, is_pdf: bool, name: str, settings: ReadSettings) -> list[ScannedLog]:
    """The paper logs in a scan or photo, one per log id, in the order their first page appears.

    Raises ``PaperSupportMissingError`` without zxing-cpp and Pillow, ``NoPageCodeError`` when no page's code
    can be read, and the image limits' ``InputError``s.

    Example:
        >>> [log.identity.staff_id for log in read_scan(Path("scan.pdf").read_bytes(), True, "scan.pdf",
        ...     ReadSettings())]  # doctest: +SKIP
        ['NS001', 'NS002']
    """
    try:
        from . import images, qr
    except ImportError:
        raise PaperSupportMissingError(
            f"{name} is a scan or photo of a paper log, and reading those needs the optional libraries zxing-cpp and "
            f"Pillow, which are not installed; run {PAPER_INSTALL} and send it again.") from None
    found = [_decode(index, image, images, qr) for index, image in enumerate(_pages(data, is_pdf, name, settings), 1)]
    if not any(page.identity for page in found):
        raise NoPageCodeError(
            f"{name} is a scan or photo, but no page shows a readable sglogs QR code, so sglogs cannot tell whose "
            "log it is; scan or photograph each whole page (the code is at the foot of the page), flat and in focus, "
            "and send it again.")
    placed, warnings = _attach_orphans(found, name)
    return [_log(identity, pages, warnings, settings) for identity, pages in _grouped(placed).items()]


def _pages(data: bytes, is_pdf: bool, name: str, settings: ReadSettings) -> Iterator[Any]:
    if not is_pdf:
        yield from _images().image_pages(data, name, settings)
        return
    from .pdf_layer import render_pages

    for index, page in enumerate(render_pages(data, settings.scan_dpi, settings.max_image_megapixels * 1_000_000)):
        if index >= settings.max_scan_pages:
            raise TooManyPagesError(f"{name} has more than {settings.max_scan_pages} scanned pages, the most sglogs "
                                    "reads in one scan; scan each log on its own, or raise read.max_scan_pages.")
        yield page


def _images() -> Any:
    from . import images

    return images


def _decode(index: int, image: Any, images: Any, qr: Any) -> _Page:
    for variant, turned in _variants(image, images):
        code = qr.find_page_code(variant)
        if code is None:
            continue
        # the code's orientation is measured on the variant: add the turn that made it
        page = images.upright(image, (code.orientation + turned) % 360)
        return _Page(index, code.code.identity, code.code.page, round(code.orientation + turned) % 360,
                     images.png_bytes(page))
    return _Page(index, None, 0, 0, images.png_bytes(image))


def _variants(image: Any, images: Any) -> Iterator[tuple[Any, int]]:
    yield image, 0
    for degrees in (90, 180, 270):
        yield images.rotated(image, degrees), degrees
    small = images.downscaled(image)
    if small is not image:
        yield small, 0
    yield images.despeckled(small), 0
    yield images.binarised(images.despeckled(small)), 0


def _attach_orphans(pages: list[_Page], name: str) -> tuple[list[_Page], dict[str, list[str]]]:
    """Give each page without a readable code its neighbours' log: the page before, else the page after."""
    warnings: dict[str, list[str]] = {}
    placed = list(pages)
    for at, page in enumerate(placed):
        if page.identity is not None:
            continue
        before = next((p for p in reversed(placed[:at]) if p.identity is not None), None)
        after = next((p for p in placed[at + 1:] if p.identity is not None), None)
        neighbour = before or after
        assert neighbour is not None and neighbour.identity is not None  # some page has a code: checked above
        placed[at] = replace(page, identity=neighbour.identity, number=-1)
        warnings.setdefault(neighbour.identity.log_id, []).append(
            f"page {page.source_page} of {name} has no readable QR code, so it was put with the pages beside it "
            f"(log {neighbour.identity.log_id}); check it is this person's page")
    return placed, warnings


def _grouped(pages: list[_Page]) -> dict[LogIdentity, list[tuple[float, _Page]]]:
    groups: dict[LogIdentity, list[tuple[float, _Page]]] = {}
    last: dict[str, float] = {}
    for page in pages:
        assert page.identity is not None
        log_id = page.identity.log_id
        # a page without a number of its own stays just after the page it followed in the file
        order = float(page.number) if page.number > 0 else last.get(log_id, 0.0) + 0.001
        last[log_id] = order
        groups.setdefault(page.identity, []).append((order, page))
    return groups


def _log(identity: LogIdentity, pages: list[tuple[float, _Page]], warnings: dict[str, list[str]],
         settings: ReadSettings) -> ScannedLog:
    from .ocr import ocr_available, read_text

    ordered = [page for _, page in sorted(pages, key=lambda item: (item[0], item[1].source_page))]
    notes = list(warnings.get(identity.log_id, []))
    kept = []
    ocr = settings.ocr and ocr_available()
    for page in ordered:
        lines: tuple = ()
        if ocr:
            text = read_text(page.png, settings.ocr_min_confidence, f"page {page.source_page}")
            lines, notes = text.lines, notes + list(text.warnings)
        kept.append(PaperPage(source_page=page.source_page, number=page.number if page.number > 0 else None,
                              rotation=page.rotation, code_found=page.number >= 0, ocr=lines, image_png=page.png))
    numbers = [p.number for p in kept if p.number]
    if numbers and len(set(numbers)) != len(numbers):
        notes.append(f"log {identity.log_id} has page {_first_repeat(numbers)} more than once in the scan; check no "
                     "page was scanned twice or belongs to another copy")
    if settings.ocr and not ocr:
        notes.append("Tesseract (OCR) is not installed, so no text was read from the pages; key the entries in")
    return ScannedLog(identity, tuple(kept), tuple(notes))


def _first_repeat(numbers: list[int]) -> int:
    seen: set[int] = set()
    for number in numbers:
        if number in seen:
            return number
        seen.add(number)
    return math.nan  # type: ignore[return-value]  # unreachable: called only when there is a repeat
