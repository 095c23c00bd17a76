"""Page codes as pictures: the QR code printed on every page of a paper log (the only module importing segno).

The text is ``core.identity.qr_payload``; here it becomes a PNG of a fixed printed size. Error correction M
survives a smudge or a fold across a few modules; the 4-module quiet zone is kept, since scanners (zxing-cpp
among them) need it to find the code beside the footer text.
"""

from __future__ import annotations

import io
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
# pixels per module in the PNG: the picture is scaled to QR_SIZE_CM when printed; 8 keeps edges sharp at 600 dpi
_PNG_SCALE = 8


@lru_cache(maxsize=4096)
def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (error correction M, quiet zone of four modules, black on white).

    Example:
        >>> qr_png("SGLOG1;L1;S1;london;2;20260101;20261231;0")[:4]
        b'\\x89PNG'
    """
    code = segno.make_qr(text, error="m", boost_error=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=_PNG_SCALE, border=_QUIET_ZONE)
    return buffer.getvalue()


def page_code_png(identity: LogIdentity, page: int = 0) -> bytes:
    """The PNG of one page's code: ``identity`` and ``page`` (0 when the layout does not fix page numbers).

    Example:
        >>> import datetime as dt
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> page_code_png(ident, 2)[:4]
        b'\\x89PNG'
    """
    return qr_png(qr_payload(identity, page))
