"""Generated logs render to PDF with LibreOffice headless, and every page shows which log it belongs to.

This is how staff print a log or save it as PDF; the footer line is the identity that survives that."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from sglogs.config import Settings
from sglogs.generate.logs import GenerateOptions, generate_logs

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def to_pdf(soffice: str, files: list[Path], out: Path) -> list[Path]:
    profile = out / "lo-profile"  # a private profile: a desktop LibreOffice left open must not block the test
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=240,
    )
    return [out / f"{f.stem}.pdf" for f in files]


def test_word_and_excel_logs_render_with_the_identity_on_every_page(
    tmp_path: Path, settings: Settings, soffice: str
) -> None:
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Setting", "Framework", "Level", "Period start"])
        writer.writerow(["NF011", "Helen Cartwright", "Riverside Family Hub", "Norfolk", "Stage 7", "01/01/2026"])
    generate_logs(GenerateOptions(roster=roster, out=tmp_path / "logs"), settings)
    files = sorted((tmp_path / "logs").rglob("*.*"))
    assert [f.suffix for f in files] == [".docx", ".xlsx"]
    footer = "framework norfolk-nscp-2024 | level 7 | 2026-01-01 to 2026-12-31"
    for pdf_path in to_pdf(soffice, files, tmp_path):
        with pdfplumber.open(pdf_path) as pdf:
            assert len(pdf.pages) >= 4
            first = pdf.pages[0].extract_text()
            assert "Safeguarding Children Competency Log" in first and "Helen Cartwright" in first
            for page in pdf.pages:
                text = " ".join(page.extract_text().split())
                assert footer in text, f"{pdf_path.name} page {page.page_number} has no identity footer"
            # core properties survive export: the keywords carry the identity for PDFs too
            assert "log_id=NF011-20260101" in (pdf.metadata.get("Keywords") or "")
