"""Typed and clearly printed text on a paper page, read by Tesseract: the only module calling ``tesseract``.

Tesseract is optional (Debian ``tesseract-ocr``): without it a paper log is still received, its entries keyed
in. Every line carries Tesseract's confidence (the mean of its words'); a line below ``read.ocr_min_confidence``
is left empty with a warning, so nothing a person did not write is ever taken as written.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess  # nosec B404 - a fixed program with fixed arguments; the image goes through stdin
from dataclasses import dataclass

from ..models import OcrLine

__all__ = ["OcrPage", "ocr_available", "read_text"]

#: seconds Tesseract may take for one page (the whole file also has the per-file time limit)
_PAGE_SECONDS = 60


@dataclass(frozen=True)
class OcrPage:
    """The lines read on one page and the warnings for lines left empty.

    Example:
        >>> OcrPage((), ()).lines
        ()
    """

    lines: tuple[OcrLine, ...]
    warnings: tuple[str, ...]


def ocr_available() -> bool:
    """Whether Tesseract is installed (``tesseract`` on the PATH).

    Example:
        >>> isinstance(ocr_available(), bool)
        True
    """
    return shutil.which("tesseract") is not None


def read_text(png: bytes, min_confidence: float, where: str) -> OcrPage:
    """The lines of text Tesseract reads on a page image (PNG bytes); ``where`` names the page in warnings.

    Example:
        >>> read_text(Path("page.png").read_bytes(), 70, "page 1").lines[0].confidence  # doctest: +SKIP
        93.1
    """
    program = shutil.which("tesseract")
    if program is None:
        return OcrPage((), ())
    done = subprocess.run([program, "stdin", "stdout", "-l", "eng", "--psm", "3", "tsv"],  # nosec B603
                          input=png, capture_output=True, timeout=_PAGE_SECONDS, check=False)
    if done.returncode != 0:
        return OcrPage((), (f"{where}: the text could not be read by OCR; key the entries in by hand",))
    return _lines(done.stdout.decode("utf-8", "replace"), min_confidence, where)


def _lines(tsv: str, min_confidence: float, where: str) -> OcrPage:
    words: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        try:
            confidence = float(row.get("conf") or -1)
        except ValueError:
            continue
        if text and confidence >= 0:
            key = (row["block_num"], row["par_num"], row["line_num"])
            words.setdefault(key, []).append((text, confidence))
    lines, warnings = [], []
    for number, parts in enumerate(words.values(), start=1):
        confidence = round(sum(c for _, c in parts) / len(parts), 1)
        if confidence < min_confidence:
            lines.append(OcrLine(text="", confidence=confidence))
            warnings.append(f"{where}, line {number}: the text was read with confidence {confidence:g}% (below "
                            f"{min_confidence:g}%), so it was left empty; key it in from the page image")
        else:
            lines.append(OcrLine(text=" ".join(t for t, _ in parts), confidence=confidence))
    return OcrPage(tuple(lines), tuple(warnings))
