"""The PDF file's own checks before a log is read from it: complete, no decompression bomb, not encrypted or
damaged, not too many pages, and a text layer to read (a scan has none).

``read/sniff`` calls ``check_pdf`` once it has seen "%PDF-"; pdfplumber, pdfminer and PDFium are imported only
here, in ``read/pdf_layer`` and in ``read/pdf``.
"""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from itertools import islice

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfplumber.utils.exceptions import PdfminerException

from ..config import ReadSettings
from ..errors import InputError, NoTextLayerError, TooManyPagesError
from .pdf_layer import text_layer
from .safezip import MIB, RATIO_FLOOR_BYTES, DamagedFileError, EncryptedFileError, UnsafeFileError

__all__ = ["check_pdf"]

_PDF_EOF_WINDOW = 1024  # readers accept trailing bytes after "%%EOF" within the last kilobyte
_SEND_ORIGINAL = "send the original Word or Excel file, or a PDF saved from it"
_PDF_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_PDF_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_PDF_DICT_LOOKBACK = 4096
_PDF_IN_CHUNK = 64 * 1024
_PDF_OUT_CHUNK = 256 * 1024


def check_pdf(data: bytes, name: str, settings: ReadSettings) -> str:
    """Refuse a PDF that is cut short, a decompression bomb, encrypted, damaged, too long or without anything to
    read; return ``"text"`` for a PDF with a text layer and ``"scan"`` for one of scanned pages (images, no
    characters: a paper log, read by ``read/scan``).

    ``name`` is the printable file name the message uses. Raises an ``InputError`` subclass, never anything else.

    Example:
        >>> check_pdf(b"%PDF-1.7 not really", "log.pdf", ReadSettings())
        Traceback (most recent call last):
        sglogs.errors.DamagedFileError: log.pdf is an incomplete PDF (it has no end marker, ...
    """
    if b"%%EOF" not in data[-_PDF_EOF_WINDOW:]:
        raise DamagedFileError(
            f"{name} is an incomplete PDF (it has no end marker, so it was probably cut short while being copied "
            "or saved); send or save it again."
        )
    _check_pdf_streams(data, name, settings)
    try:
        return _inspect_pdf(data, name, settings)
    except InputError:
        raise
    except Exception as exc:
        # pdfminer answers hostile input with whatever its parser trips over (KeyError, TypeError,
        # RecursionError, AssertionError ...); every one of them means "this PDF cannot be read".
        raise _damaged_pdf(name) from exc


def _inspect_pdf(data: bytes, name: str, settings: ReadSettings) -> str:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedFileError(
                f"{name} is a PDF that needs a password to open, which sglogs does not have; save a copy without the "
                "password, or send the original Word or Excel file."
            ) from exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedFileError(
                f"{name} is a PDF protected in a way sglogs cannot open (a certificate or rights management); "
                f"{_SEND_ORIGINAL}."
            ) from exc
        raise _damaged_pdf(name) from exc
    pages_built = False
    try:
        limit = settings.max_pdf_pages
        # Counted lazily through pdfminer, stopping at limit + 1: pdfplumber's page list builds every page.
        count = sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), limit + 1))
        if count > limit:
            raise TooManyPagesError(
                f"{name} has more than {limit} pages, the most sglogs reads in one PDF; send the log on its own, or "
                "raise read.max_pdf_pages in sglogs.toml."
            )
        if count == 0:
            raise DamagedFileError(f"{name} is a PDF with no pages; {_SEND_ORIGINAL}.")
        pages_built = True
        return _require_text_layer(data, name)
    finally:
        # pdfplumber's close() builds the page list first, so a file refused before that only drops its caches
        # (the stream is our BytesIO); closing must never replace the outcome with an error of its own.
        with contextlib.suppress(Exception):
            pdf.close() if pages_built else pdf.flush_cache()


def _require_text_layer(data: bytes, name: str) -> str:
    # PDFium (in pdf_layer, as the reader uses it) counts each page's characters without interpreting the page
    # in Python: pdfplumber took 70 ms to build the first page's characters for this yes/no question.
    found = text_layer(data)
    if found == "empty":
        raise NoTextLayerError(f"{name} is a PDF with no text layer (its pages hold no characters); "
                               f"{_SEND_ORIGINAL}.")
    return found


def _check_pdf_streams(data: bytes, name: str, settings: ReadSettings) -> None:
    """Inflate each Flate stream a reader will decode, in bounded steps, and refuse a decompression bomb.

    pdfminer inflates a stream whole with ``zlib.decompress``, so one 200 KB stream of zeros costs it 200 MB.
    Image streams are skipped (pdfplumber never decodes them); streams that are not plain zlib data (encrypted,
    another filter first) fail at once and are left to pdfminer.
    """
    view = memoryview(data)
    ratio = settings.max_compression_ratio
    part_limit = settings.max_xml_part_mb * MIB
    total_limit = settings.max_uncompressed_mb * MIB
    total = 0
    for match in _PDF_STREAM.finditer(data):
        window = max(0, match.start() - _PDF_DICT_LOOKBACK)
        head = data[max(window, data.rfind(b"obj", window, match.start())) : match.start()]
        if b"/FlateDecode" not in head or _PDF_IMAGE.search(head):
            continue
        inflater = zlib.decompressobj()
        start = position = match.end()
        pending: bytes | memoryview = b""
        size = 0
        while not inflater.eof:
            if not pending:
                pending = view[position : position + _PDF_IN_CHUNK]
                position += len(pending)
                if not pending:
                    break
            try:
                size += len(inflater.decompress(pending, _PDF_OUT_CHUNK))
            except zlib.error:
                break
            pending = inflater.unconsumed_tail
            used = position - start - len(pending)
            if (size > RATIO_FLOOR_BYTES and size > ratio * max(used, 1)) or size > part_limit:
                raise UnsafeFileError(
                    f"{name} is a PDF with a compressed stream that inflates {size // max(used, 1)}:1 to over "
                    f"{size / MIB:.0f} MB (a decompression bomb, not a log), so it is refused as unsafe; "
                    f"{_SEND_ORIGINAL}, or raise read.max_compression_ratio in sglogs.toml if it is genuine."
                )
            if total + size > total_limit:
                raise UnsafeFileError(
                    f"{name} is a PDF whose streams inflate to more than the {settings.max_uncompressed_mb} MB "
                    f"sglogs allows, so it is refused as unsafe; {_SEND_ORIGINAL}."
                )
        total += size


def _damaged_pdf(name: str) -> DamagedFileError:
    return DamagedFileError(
        f"{name} is a damaged PDF that cannot be read; export it again from Word or Excel, or send the original file."
    )
