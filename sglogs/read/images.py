"""Scans and photos as page images: the only module importing Pillow (and ``pillow-heif``, when installed).

Every image is untrusted: its pixel count is checked from the header before anything is decoded
(``Image.MAX_IMAGE_PIXELS`` is set from ``read.max_image_megapixels`` and a ``DecompressionBombWarning`` is an
error), and a multi-page TIFF is read one frame at a time up to ``read.max_scan_pages``.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

from PIL import Image, ImageFilter, ImageOps, ImageSequence, UnidentifiedImageError

from ..config import ReadSettings
from ..errors import DamagedFileError, ImageTooLargeError, TooManyPagesError, UnsupportedFormatError

try:  # HEIC (iPhone photos) only where the optional pillow-heif is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC = True
except ImportError:  # pragma: no cover - depends on the installation
    HEIC = False

__all__ = ["HEIC", "binarised", "despeckled", "downscaled", "image_pages", "png_bytes", "rotated", "upright"]

#: the longest side a page is shrunk to when the code is not found at full size (a 48 MP photo)
_DOWNSCALE_SIDE = 2000


def image_pages(data: bytes, name: str, settings: ReadSettings) -> Iterator[Image.Image]:
    """The pages of a scan or photo (JPEG, PNG, TIFF frames, HEIC) as greyscale images, upright as the camera
    recorded (EXIF orientation applied).

    Raises ``ImageTooLargeError`` for an image with more than ``read.max_image_megapixels`` (a decompression
    bomb), ``TooManyPagesError`` beyond ``read.max_scan_pages`` frames and ``DamagedFileError`` for an image
    Pillow cannot decode.

    Example:
        >>> [p.mode for p in image_pages(Path("photo.jpg").read_bytes(), "photo.jpg", ReadSettings())]
        ... # doctest: +SKIP
        ['L']
    """
    limit = settings.max_image_megapixels * 1_000_000
    Image.MAX_IMAGE_PIXELS = limit  # deliberate: Pillow's own check, the warning made an error below
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large(name, settings) from None
        except UnidentifiedImageError:
            heic = "" if HEIC else " (a HEIC photo needs pillow-heif: pip install pillow-heif)"
            raise UnsupportedFormatError(f"{name} is an image sglogs cannot decode{heic}; save it as JPEG or PNG "
                                         "and send it again.") from None
        except (OSError, SyntaxError, ValueError) as exc:  # a header Pillow recognised, then cut short
            raise _damaged(name) from exc
        try:
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                if index >= settings.max_scan_pages:
                    raise TooManyPagesError(f"{name} has more than {settings.max_scan_pages} pages, the most sglogs "
                                            "reads in one scan; scan each log on its own, or raise "
                                            "read.max_scan_pages in sglogs.toml.")
                if frame.width * frame.height > limit:
                    raise _too_large(name, settings)
                yield ImageOps.exif_transpose(frame).convert("L")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large(name, settings) from None
        except (OSError, SyntaxError, ValueError) as exc:  # Pillow's "truncated", "broken data stream" ...
            raise _damaged(name) from exc
        finally:
            image.close()


def _damaged(name: str) -> DamagedFileError:
    return DamagedFileError(f"{name} is a damaged image that cannot be decoded; scan or photograph the page again.")


def _too_large(name: str, settings: ReadSettings) -> ImageTooLargeError:
    return ImageTooLargeError(f"{name} is an image of more than {settings.max_image_megapixels} megapixels, more "
                              "than sglogs reads (or a decompression bomb); send a smaller scan or photo, or raise "
                              "read.max_image_megapixels in sglogs.toml if it is genuine.")


def rotated(image: Image.Image, degrees: int) -> Image.Image:
    """The image turned ``degrees`` clockwise (0, 90, 180, 270), keeping every pixel.

    Example:
        >>> rotated(Image.new("L", (20, 10)), 90).size
        (10, 20)
    """
    return image.rotate(-degrees, expand=True) if degrees % 360 else image


def upright(image: Image.Image, degrees: float) -> Image.Image:
    """The page turned so that its QR code's ``degrees`` (clockwise, as zxing-cpp reports) become 0: upside-down
    pages and small skews both corrected, the corners filled white.

    Example:
        >>> upright(Image.new("L", (20, 10)), 180).size
        (20, 10)
    """
    quarter = round(degrees / 90) * 90 % 360
    page = rotated(image, (360 - quarter) % 360)
    rest = (degrees - quarter + 180) % 360 - 180
    if abs(rest) >= 0.5:  # a skewed scan: straightened for OCR and for the page kept as evidence
        page = page.rotate(rest, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    return page


def downscaled(image: Image.Image) -> Image.Image:
    """The image shrunk so its longest side is at most 2000 pixels (a phone photo's fine grain hides a code).

    Example:
        >>> downscaled(Image.new("L", (4000, 3000))).size
        (2000, 1500)
    """
    side = max(image.size)
    if side <= _DOWNSCALE_SIDE:
        return image
    scale = _DOWNSCALE_SIDE / side
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)


def binarised(image: Image.Image) -> Image.Image:
    """Black and white after stretching the contrast: a grey photocopy or a shadowed photo made clean.

    Example:
        >>> page = Image.new("L", (4, 4), 200)
        >>> page.putpixel((0, 0), 90)  # one line of pencil on a grey copy
        >>> binarised(page).getextrema()
        (0, 255)
    """
    stretched = ImageOps.autocontrast(image, cutoff=2)
    return stretched.point(lambda v: 255 if v > 128 else 0)


def despeckled(image: Image.Image) -> Image.Image:
    """Copier speckle removed (a 3-pixel median): specks inside a code's modules break its finder patterns.

    Example:
        >>> despeckled(Image.new("L", (4, 4), 255)).getextrema()
        (255, 255)
    """
    return image.filter(ImageFilter.MedianFilter(3))


def png_bytes(image: Image.Image) -> bytes:
    """The image as PNG bytes: the page kept as evidence.

    Example:
        >>> png_bytes(Image.new("L", (2, 2)))[:4]
        b'\\x89PNG'
    """
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
