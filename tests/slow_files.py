"""Hostile-but-valid files: well-formed, within every size limit, and slow to read or review (issue 17).

* ``ruled_pdf``: a PDF whose pages are dense grids of ruling lines with a little text in the cells. pdfplumber's
  table finder works through every crossing; 100 x 100 lines a page costs 1-3 s a page here, so 30 pages hold a
  reader for a minute or more (the file is about 75 KB a page). It is a valid PDF; read to the end it is refused
  as not a log.
* ``long_xlsx``: a log sglogs generated, its Evidence sheet filled with 20,000 rows (1.6 MB). Reading takes a few
  seconds; reviewing it (checks, then Word and Excel documents with every row) takes minutes.

The FIELD-NOTES case (one 24 MB XML comment: half a minute in expat) is refused in 0.2 s since the readers use
lxml, so it cannot stand in for a slow file any more.
"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

_WORDS = ["concern", "chronology", "supervision", "referral", "safeguarding", "practice", "learned", "applied",
          "record", "child", "family", "meeting", "lead", "designated"]


def ruled_pdf(path: Path, pages: int = 30, lines: int = 100) -> Path:
    """Write a PDF of ``pages`` pages, each a grid of ``lines`` x ``lines`` ruling lines with words in cells."""
    ops = ["0.2 w"]
    for i in range(lines + 1):
        y = 20 + i * 780 / lines
        ops.append(f"20 {y:.2f} m 580 {y:.2f} l S")
    for i in range(lines + 1):
        x = 20 + i * 560 / lines
        ops.append(f"{x:.2f} 20 m {x:.2f} 800 l S")
    ops.append("BT /F1 4 Tf")
    for row in range(lines):
        for column in range(0, lines, max(1, lines // 20)):
            ops.append(f"1 0 0 1 {21 + column * 560 / lines:.2f} {21 + row * 780 / lines:.2f} Tm (Date) Tj")
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for _ in range(pages):
        page, stream = len(objects) + 1, len(objects) + 2
        kids.append(page)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 820] /Resources << /Font << /F1 3 0 R >> "
                       f">> /Contents {stream} 0 R >>".encode("ascii"))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {pages} >>".encode("ascii")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def long_xlsx(source: Path, path: Path, rows: int = 20000, seed: int = 17) -> Path:
    """Copy a generated Excel log to ``path`` with ``rows`` filled evidence rows (dates, words, competencies)."""
    rng = random.Random(seed)
    with zipfile.ZipFile(source) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
        names = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', parts["xl/workbook.xml"].decode())
    rels = {}
    for tag in re.findall(r"<Relationship [^>]*>", parts["xl/_rels/workbook.xml.rels"].decode()):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        rels[attributes["Id"]] = attributes["Target"]
    sheet = "xl/" + rels[dict(names)["Evidence"]].lstrip("/").removeprefix("xl/")
    xml = parts[sheet].decode()
    xml = re.sub(r'<row r="(\d+)"[^>]*>(?:(?!</row>).)*</row>',
                 lambda m: "" if int(m.group(1)) >= 4 else m.group(0), xml)
    filled = []
    for r in range(4, 4 + rows):
        values = [f"{1 + r % 28}/{1 + r % 12}/2026", " ".join(rng.choices(_WORDS, k=4)), "E-learning", "1",
                  "4.1, 4.2", " ".join(rng.choices(_WORDS, k=12))]
        filled.append(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                                                 for c, v in zip("ABCDEF", values, strict=True)) + "</row>")
    xml = xml.replace("</sheetData>", "".join(filled) + "</sheetData>")
    parts[sheet] = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:F{3 + rows}"/>', xml).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path
