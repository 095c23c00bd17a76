"""Paper logs (issue 18): page codes on every printed page, keying sheets, and the Excel log's own checks.

The page codes are verified the way a scan meets them: the generated logs are printed to PDF by LibreOffice,
rasterised with pdftoppm at 150 and 200 dpi, and every page's QR code is decoded with zxing-cpp.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import Settings
from sglogs.core.identity import parse_qr_payload, qr_payload
from sglogs.errors import KeyingError
from sglogs.generate.keying import PAGES_SHEET, keying_workbook
from sglogs.generate.logs import GenerateOptions, generate_logs
from sglogs.generate.qr import page_code_png
from sglogs.models import LogIdentity, StaffMember
from sglogs.read.log import read_log

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed (pip install -e '.[paper]')")
Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed (pip install -e '.[paper]')")

HEADER = ["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level", "Period start"]
ROWS = [
    ["NF011", "Helen Cartwright", "Family support worker", "Riverside Family Hub", "Sam Okoro", "Norfolk",
     "Stage 7", "01/01/2026"],
    ["LN002", "Amy Li", "Nursery assistant", "Hillside Nursery", "Jo Reed", "London", "Level 2", "01/01/2026"],
]
IDENTITY = LogIdentity(log_id="LN002-20260101-0000", staff_id="LN002", framework="london", level="2",
                       period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))


def write_roster(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def decode(png: Path) -> list[str]:
    with Image.open(png) as image:
        return [code.text for code in zxingcpp.read_barcodes(image)]


def test_a_page_code_picture_decodes_back_to_its_identity_and_page() -> None:
    png = Path("code.png")
    png.write_bytes(page_code_png(IDENTITY, 3))
    assert [parse_qr_payload(t) for t in decode(png)] == [parse_qr_payload(qr_payload(IDENTITY, 3))]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_every_printed_page_of_word_and_excel_logs_carries_its_page_code(
    tmp_path: Path, settings: Settings, soffice: str
) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; make libreoffice installs it")
    generate_logs(GenerateOptions(roster=write_roster(tmp_path / "roster.csv"), out=tmp_path / "logs"), settings)
    logs = sorted((tmp_path / "logs").rglob("*.*x"))
    assert len(logs) == 4
    pages_read: dict[tuple[str, int], int] = {}
    for log in logs:
        expected = read_log(log, settings)  # the identity the file's properties carry
        folder = tmp_path / log.suffix[1:] / log.stem
        folder.mkdir(parents=True)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(log)],
                       check=True, capture_output=True, timeout=240)
        for dpi in (150, 200):
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(folder / f"{log.stem}.pdf"),
                            str(folder / f"p{dpi}")], check=True, timeout=120)
            pngs = sorted(folder.glob(f"p{dpi}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            assert len(pngs) >= 4
            for number, png in enumerate(pngs, start=1):
                codes = [parse_qr_payload(text) for text in decode(png)]
                assert len(codes) == 1 and codes[0] is not None, f"{log.name} page {number} at {dpi} dpi: {codes}"
                code = codes[0]
                assert (code.identity.log_id, code.identity.staff_id, code.identity.framework, code.identity.level,
                        code.identity.period_start, code.identity.period_end) == (
                    expected.log_id, expected.staff.id, expected.framework, expected.level,
                    expected.period.start, expected.period.end)
                # Excel's pages are laid out in advance and numbered; a Word footer is one for every page (0)
                assert code.page == (number if log.suffix == ".xlsx" else 0)
            pages_read[(log.suffix, dpi)] = pages_read.get((log.suffix, dpi), 0) + len(pngs)
    assert set(pages_read) == {(s, d) for s in (".docx", ".xlsx") for d in (150, 200)}


def test_excel_log_checks_dates_and_hints_and_takes_several_competencies(tmp_path: Path, settings: Settings) -> None:
    generate_logs(GenerateOptions(roster=write_roster(tmp_path / "roster.csv"), out=tmp_path / "logs"), settings)
    path = next((tmp_path / "logs").rglob("LN002_*.xlsx"))
    wb = openpyxl.load_workbook(path)
    validations = {str(dv.sqref).split(":")[0]: dv for dv in wb["Evidence"].data_validations.dataValidation}
    assert all(dv.showErrorMessage and dv.showInputMessage and dv.prompt for dv in validations.values())
    date, competencies = validations["A4"], validations["E4"]
    assert (date.type, date.errorStyle, date.formula1, date.formula2) == (
        "date", "warning", "DATE(2026,1,1)", "DATE(2026,12,31)")
    assert "1 January 2026 to 31 December 2026" in date.error
    # a list allows one id per cell; typing several with commas must only warn
    assert (competencies.type, competencies.errorStyle) == ("list", "warning")
    assert "commas" in competencies.prompt and "commas" in competencies.error
    ws = wb["Evidence"]
    ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["E4"] = dt.datetime(2026, 3, 2), "Course", "Face to face", 3, "2.1, 2.3"
    ws["F4"] = "I learned how to record a concern and did so the next week."
    wb.save(tmp_path / "filled.xlsx")
    log = read_log(tmp_path / "filled.xlsx", settings)
    assert [e.competencies for e in log.entries] == [("2.1", "2.3")]


def test_keying_sheet_is_an_excel_log_that_reads_back_with_what_was_typed(tmp_path: Path, settings: Settings) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    pages = [scans / "page 1.png", scans / "=HYPERLINK(1).png"]  # a name that looks like a formula stays text
    for page in pages:
        page.write_bytes(page_code_png(IDENTITY, 0))
    person = StaffMember(staff_id="LN002", name="Amy Li", role="Nursery assistant", setting="Hillside Nursery",
                         manager="Jo Reed", framework="london", level="2")
    (tmp_path / "keying").mkdir()
    out = keying_workbook(IDENTITY, pages, tmp_path / "keying" / "LN002-keying.xlsx", person)
    assert out == tmp_path / "keying" / "LN002-keying.xlsx"
    wb = openpyxl.load_workbook(out)
    listing = wb[PAGES_SHEET]
    assert [(c.value, c.data_type) for c in listing["B"][4:6]] == [("page 1.png", "s"), ("=HYPERLINK(1).png", "s")]
    assert [listing[f"B{r}"].hyperlink.target for r in (5, 6)] == ["../scans/page 1.png", "../scans/=HYPERLINK(1).png"]
    # the manager types two handwritten entries, as in Excel
    ws = wb["Evidence"]
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = dt.datetime(2026, 2, 10), "Safeguarding course", "Face to face", 3
    ws["E4"], ws["F4"] = "2.1, 2.2", "How to spot and report a concern; I used it at drop-off."
    ws["A5"], ws["B5"], ws["C5"], ws["D5"] = dt.datetime(2026, 5, 6), "Supervision", "Supervision", 1.5
    ws["E5"], ws["F5"] = "2.4", "Talked through a case with my manager and what I would do next time."
    wb.save(out)
    log = read_log(out, settings)
    assert (log.log_id, log.staff.id, log.staff.name, log.framework, log.level, log.period.start,
            log.period.end) == ("LN002-20260101-0000", "LN002", "Amy Li", "london", "2",
                                dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(e.date, e.activity, e.type, e.hours, e.competencies) for e in log.entries] == [
        (dt.date(2026, 2, 10), "Safeguarding course", "Face to face", 3.0, ("2.1", "2.2")),
        (dt.date(2026, 5, 6), "Supervision", "Supervision", 1.5, ("2.4",)),
    ]
    assert log.entries[1].reflection.startswith("Talked through a case")


def test_keying_sheet_refuses_someone_else_for_the_log(tmp_path: Path) -> None:
    other = StaffMember(staff_id="NF011", name="Helen Cartwright", framework="london", level="2")
    with pytest.raises(KeyingError, match="staff NF011"):
        keying_workbook(IDENTITY, [tmp_path / "p.png"], tmp_path / "k.xlsx", other)


def test_keying_sheet_command(tmp_path: Path, settings: Settings) -> None:
    runner = CliRunner()
    roster = write_roster(tmp_path / "roster.csv")
    (tmp_path / "p1.png").write_bytes(b"")
    args = ["keying-sheet", "--pages", "p1.png", "--out", "k.xlsx", "--log-id", "LN002-20260101-0000",
            "--staff", "LN002", "--framework", "london", "--level", "2", "--start", "01/01/2026",
            "--end", "31/12/2026", "--roster", str(roster)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert read_log(tmp_path / "k.xlsx", settings).staff.name == "Amy Li"
    # from the generated keying sheet itself, without a roster
    again = runner.invoke(app, ["keying-sheet", "k.xlsx", "--pages", "p1.png", "--out", "k2.xlsx"])
    assert again.exit_code == 0, again.output
    assert read_log(tmp_path / "k2.xlsx", settings).log_id == "LN002-20260101-0000"
    assert runner.invoke(app, ["keying-sheet", "--pages", "p1.png", "--out", "k3.xlsx"]).exit_code == 2
    missing = runner.invoke(app, [*args[:-1], str(tmp_path / "none.csv")])
    assert missing.exit_code == 3, missing.output
    (tmp_path / "other.csv").write_text("Staff ID,Name,Framework,Level\nXX1,A B,London,Level 2\n", encoding="utf-8")
    assert runner.invoke(app, [*args[:-1], str(tmp_path / "other.csv")]).exit_code == 2
