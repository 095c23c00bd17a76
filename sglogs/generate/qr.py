"""Page codes as pictures: the QR code printed on every page of a paper log (the only module importing segno).

The text is ``core.identity.qr_payload``; here it becomes a PNG of a fixed printed size. Error correction M
survives a smudge or a fold across a few modules; the 4-module quiet zone is kept, since scanners (zxing-cpp
among them) need it to find the code beside the footer text.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import segno

from ..core.identity import qr_payload
from ..models import LogIdentity

#: Printed side of the code, quiet zone included, in centimetres: ~45 modules of 0.4 mm, which a 150 dpi scan
#: still resolves at 2.4 pixels a module and which fits beside the footer line without moving it.
QR_SIZE_CM = 1.8
#: EMU (English Metric Units, the unit of OOXML drawings) per centimetre.
EMU_PER_CM = 360_000
QR_SIZE_EMU = round(QR_SIZE_CM * EMU_PER_CM)
_QUIET_ZONE = 4
# One pixel a module: the picture is scaled to its printed size, and LibreOffice and Word scale a two-colour
# picture without blurring it (the rendering test decodes every page at 150 and 200 dpi).


def qr_png(text: str, mask: int | None = None) -> bytes:
    """A QR code of ``text`` as PNG bytes (error correction M, quiet zone of four modules, black on white).

    ``mask`` is the QR data mask (0-7); ``None`` lets segno choose the best, which costs four times the rest
    of the encoding.

    Example:
        >>> qr_png("SGLOG1;L1;S1;london;2;20260101;20261231;0")[:4]
        b'\\x89PNG'
    """
    return _png(segno.make_qr(text, error="m", boost_error=False, mask=mask))


def _png(code: segno.QRCode) -> bytes:
    """A one-bit greyscale PNG, one pixel a module, written directly: segno's general writer takes longer than
    encoding the code, and a log has a code for each of its pages."""
    size = len(code.matrix) + 2 * _QUIET_ZONE
    quiet = b"\x00" + b"\xff" * ((size + 7) // 8)  # filter byte, then white
    rows = [quiet] * _QUIET_ZONE
    for modules in code.matrix:
        bits = "1" * _QUIET_ZONE + "".join("0" if dark else "1" for dark in modules) + "1" * _QUIET_ZONE
        bits += "1" * (-len(bits) % 8)
        rows.append(b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big"))
    rows += [quiet] * _QUIET_ZONE
    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)  # 1 bit, greyscale, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(
        b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=1024)
def _first_code(identity: LogIdentity) -> segno.QRCode:
    # a log's page codes differ only in the page number: the mask segno finds best for page 0 (choosing it costs
    # four times the rest of the encoding) is used for all its pages; Word prints page 0 itself
    return segno.make_qr(qr_payload(identity, 0), error="m", boost_error=False)


def page_code_png(identity: LogIdentity, page: int = 0) -> bytes:
    """The PNG of one page's code: ``identity`` and ``page`` (0 when the layout does not fix page numbers).

    Example:
        >>> import datetime as dt
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> page_code_png(ident, 2)[:4]
        b'\\x89PNG'
    """
    first = _first_code(identity)
    return _png(first) if page == 0 else qr_png(qr_payload(identity, page), first.mask)
