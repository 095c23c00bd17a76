"""Reading the sglogs QR code printed on a page: the only module importing zxing-cpp.

The text of a code is parsed by ``core.identity.parse_qr_payload``; a page may hold other codes (a form's own),
which are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import zxingcpp

from ..core.identity import PageCode, parse_qr_payload

__all__ = ["FoundCode", "find_page_code"]


@dataclass(frozen=True)
class FoundCode:
    """A page code found on an image: what it says and how the code is turned (degrees clockwise).

    Example:
        >>> FoundCode(code=None, orientation=0.0).orientation  # doctest: +SKIP
        0.0
    """

    code: PageCode
    orientation: float


def find_page_code(image: Any) -> FoundCode | None:
    """The sglogs page code on ``image`` (a greyscale Pillow image), or ``None`` when none can be read.

    zxing-cpp itself tries the image turned and at smaller sizes; the caller tries further variants.

    Example:
        >>> find_page_code(Image.open("page.png"))  # doctest: +SKIP
        FoundCode(code=PageCode(identity=LogIdentity(...), page=1), orientation=180.0)
    """
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=True,
                                         try_downscale=True):
        code = parse_qr_payload(result.text)
        if code is not None:
            return FoundCode(code, float(result.orientation))
    return None
