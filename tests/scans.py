"""Real paper logs for the scan tests: generated logs printed to PDF by LibreOffice, rasterised, the page's QR
code stamped where the printed page shows it (until the generated logs carry it themselves: branch paper-gen),
filled in with text, then damaged the way copiers and phones damage pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from sglogs.config import Settings
from sglogs.core.identity import qr_payload
from sglogs.generate.logs import GenerateOptions, LogFormat, generate_logs
from sglogs.generate.qr import qr_png
from sglogs.models import LogIdentity
from sglogs.read.log import read_logs

DPI = 200
#: the generated logs print their own page code (paper-gen, merged); stamping is kept for older templates
CODES_PRINTED = True
_CM = DPI / 2.54
_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ROSTER = [["Staff ID", "Name", "Setting", "Framework", "Level", "Period start"],
          ["PS001", "Amelia Hartley", "Sunflower Nursery", "Norfolk", "Stage 4", "01/01/2026"],
          ["PS002", "Rowan Price", "Sunflower Nursery", "London", "Level 2", "01/02/2026"]]


def printed_logs(tmp: Path, settings: Settings, soffice: str, rows: list[list[str]] = ROSTER
                 ) -> dict[str, tuple[LogIdentity, list[Image.Image]]]:
    """Each roster person's generated Word log as printed pages (200 dpi, greyscale, QR stamped): staff id ->
    (identity, pages)."""
    roster = tmp / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    generate_logs(GenerateOptions(roster=roster, out=tmp / "logs", formats=(LogFormat.DOCX,)), settings,
                  today=dt.date(2026, 1, 15))
    files = sorted((tmp / "logs").rglob("*.docx"))
    profile = tmp / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp / "pdf"), *map(str, files)], check=True, capture_output=True, timeout=240)
    logs = {}
    for docx in files:
        identity = read_logs(docx, settings)[0]
        ident = LogIdentity(log_id=identity.log_id, staff_id=identity.staff.id, framework=identity.framework,
                            level=identity.level, period_start=identity.period.start, period_end=identity.period.end)
        pdf = pdfium.PdfDocument(str(tmp / "pdf" / f"{docx.stem}.pdf"))
        pages = []
        for number, page in enumerate(pdf, start=1):
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            pages.append(image if CODES_PRINTED else stamp_code(image, qr_payload(ident, number)))
        pdf.close()
        logs[ident.staff_id] = (ident, pages)
    return logs


def stamp_code(page: Image.Image, payload: str) -> Image.Image:
    """The page with its QR code printed 2 cm wide at the bottom right, beside the footer line."""
    side = round(2 * _CM)
    image = Image.open(io.BytesIO(qr_png(payload))).convert("L").resize((side, side), Image.Resampling.NEAREST)
    page = page.copy()
    page.paste(image, (page.width - side - round(1.2 * _CM), page.height - side - round(0.6 * _CM)))
    return page


def handwriting(page: Image.Image, lines: list[str], typed: bool = False, top: float = 0.55) -> Image.Image:
    """The page with lines written in the space of its evidence table (italic serif stands in for handwriting
    where no script font is installed; ``typed`` uses a plain sans)."""
    page = page.copy()
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(_FONTS[1] if typed else _FONTS[0], round(0.45 * _CM))
    y = round(page.height * top)
    for line in lines:
        draw.text((round(2.5 * _CM), y), line, fill=20, font=font)
        y += round(0.8 * _CM)
    return page


# ----------------------------------------------------------------------------------------------- damage

def noisy(page: Image.Image, seed: int = 1) -> Image.Image:
    """Copier speckle: 2% of pixels flipped."""
    rng = random.Random(seed)
    page = page.copy()
    pixels = page.load()
    for _ in range(page.width * page.height // 50):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        pixels[x, y] = 255 - pixels[x, y]
    return page


def skewed(page: Image.Image, degrees: float) -> Image.Image:
    """Fed crooked through the scanner."""
    return page.rotate(degrees, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)


def turned(page: Image.Image, degrees: int) -> Image.Image:
    """Put in sideways or upside down (clockwise)."""
    return page.rotate(-degrees, expand=True)


def jpeg(page: Image.Image, quality: int) -> Image.Image:
    """Saved as a low-quality JPEG."""
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("L")


def phone_photo(page: Image.Image, seed: int = 1) -> Image.Image:
    """Photographed from an angle on a desk: perspective, a grey background, soft focus, uneven light."""
    rng = random.Random(seed)
    w, h = page.size
    canvas = Image.new("L", (round(w * 1.2), round(h * 1.2)), 110)
    dx, dy = round(w * 0.1), round(h * 0.1)
    canvas.paste(page, (dx, dy))
    # the camera held at an angle: each corner of the frame lands 0-6% of the page outside the paper's corner,
    # so the page is seen as a trapezium on the desk, whole (a photo that cuts the code off is a retake)
    j = [rng.uniform(0, 0.06) * w for _ in range(8)]
    quad = (dx - j[0], dy - j[1], dx - j[2], dy + h + j[3], dx + w + j[4], dy + h + j[5], dx + w + j[6], dy - j[7])
    warped = canvas.transform(canvas.size, Image.Transform.QUAD, quad, Image.Resampling.BILINEAR, fillcolor=110)
    shade = Image.linear_gradient("L").resize(warped.size).point(lambda v: 200 + v // 5)
    return Image.composite(warped, shade, Image.new("L", warped.size, 200)).filter(ImageFilter.GaussianBlur(1))


def code_blacked_out(page: Image.Image) -> Image.Image:
    """A page whose code was covered (a sticky note, a punched hole, a marker)."""
    page = page.copy()
    side = round(2.4 * _CM)
    ImageDraw.Draw(page).rectangle((page.width - side - round(1.0 * _CM), page.height - side - round(0.4 * _CM),
                                    page.width, page.height), fill=0)
    return page


def as_pdf(pages: list[Image.Image], path: Path) -> Path:
    """Pages saved as a PDF of images (what a copier writes): no text layer."""
    pages[0].save(path, format="PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return path


def as_tiff(pages: list[Image.Image], path: Path) -> Path:
    """Pages saved as one multi-page TIFF (what some scanners write)."""
    pages = [Image.frombytes("L", p.size, p.tobytes()) for p in pages]  # no metadata left by earlier saves
    pages[0].save(path, format="TIFF", save_all=True, append_images=pages[1:], compression="packbits")
    return path
