"""``read_pdf`` on logs people saved as PDF: tables back as grids, rows put together across pages, identity kept.

The ``pdf-*.pdf`` fixtures are real LibreOffice exports of logs filled the way people fill them, made by
``tests/data/make_pdf_fixtures.py``, which also wrote what it put in each evidence row to
``pdf-*.expected.json`` (whitespace folded): the tests compare the reading with that record, not with strings
copied from the reader's own output.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from sglogs.config import ReadSettings
from sglogs.errors import InputError
from sglogs.models import LogFileFormat
from sglogs.read.pdf import CellLine, JoinHints, compounds_in, join_lines, read_pdf
from sglogs.read.raw import RawLog, TableGrid

DATA = Path(__file__).parent / "data"
FIXTURES = ("pdf-word-40-entries", "pdf-excel-export", "pdf-row-split-across-pages", "pdf-hyphen-wrapped-words")

#: Cells the reader gets wrong, on purpose kept visible, keyed by fixture, 1-based evidence row and column header.
#: None left: "honour-" + "based" at a line end in the Writer PDF read "honourbased" until the reader learned
#: that LibreOffice prints the hyphens its hyphenation adds as text of their own.
KNOWN_MISREADS: dict[str, dict[tuple[int, str], str]] = {}


def expected(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def readings() -> dict[str, RawLog]:
    return {name: read_pdf(DATA / f"{name}.pdf") for name in FIXTURES}


def evidence_tables(raw: RawLog, header: list[str]) -> list[TableGrid]:
    return [t for t in raw.tables if t.rows and list(t.rows[0]) == header]


def evidence_rows(table: TableGrid) -> list[list[str]]:
    """The table's rows after its header, without the empty rows a template leaves for handwriting."""
    return [list(row) for row in table.rows[1:] if any(row)]


def with_known_misreads(name: str, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    rows = [list(row) for row in rows]
    for (row_number, column), text in KNOWN_MISREADS.get(name, {}).items():
        rows[row_number - 1][header.index(column)] = text
    return rows


# ------------------------------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("name", FIXTURES)
def test_every_evidence_row_reads_back_as_written(name: str, readings: dict[str, RawLog]) -> None:
    want = expected(name)
    raw = readings[name]
    tables = evidence_tables(raw, want["header"])
    assert len(tables) == 1, f"{name}: the evidence table should be one table, got {[t.where for t in tables]}"
    table = tables[0]
    assert table.width == 6
    assert sum(list(row) == want["header"] for row in table.rows) == 1, "a repeated header row was kept"
    got = evidence_rows(table)
    assert len(got) == len(want["rows"])
    assert got == with_known_misreads(name, want["header"], want["rows"])
    assert raw.format is LogFileFormat.PDF
    assert raw.warnings == ()


def test_word_log_table_is_merged_across_four_pages_with_rows_labelled_by_page(readings: dict[str, RawLog]) -> None:
    raw = readings["pdf-word-40-entries"]
    assert [t.where for t in raw.tables] == [
        "page 1, table 1",  # cover
        "page 2, table 1",  # competencies
        "pages 3-6, table 1",  # evidence: header repeated on pages 4-6, dropped
        "pages 7-8, table 1",  # competency summary, also across a page break
        "page 9, table 1",
        "page 9, table 2",
    ]
    evidence = raw.tables[2]
    assert len(evidence.rows) == 41 and len(evidence.row_labels) == 41
    assert evidence.label(0) == "page 3, row 1"
    assert evidence.label(1) == "page 3, row 2"
    assert evidence.label(11) == "page 4, row 2"  # first row after the repeated header on page 4
    assert raw.tables[5].label(0) == "page 9, table 2, row 1"
    assert all(not t.continues for t in raw.tables)


def test_word_log_cells_read_with_whitespace_folded(readings: dict[str, RawLog]) -> None:
    rows = evidence_rows(readings["pdf-word-40-entries"].tables[2])
    # "14/03/2026" does not fit the template's Date column and is printed "14/03/202" + "6": rejoined
    assert [row[0] for row in rows[:3]] == ["08/01/2026", "15/01/2026", "22/01/2026"]
    assert rows[0][2] == "Face-to-face training"
    assert rows[0][4] == "4.1, 4.5, 4.10"
    assert rows[2][2] == "E-learning"
    # a line break typed in the cell becomes one space
    assert rows[1][5] == ("Went through two recent concern forms I had written. I learned to record facts and the "
                          "child’s own words, not my interpretation. Since then my records say who, what, when and "
                          "where.")
    assert rows[10][3] == "2.5" and rows[11][3] == "0.75"


def test_row_split_by_page_breaks_is_stitched_into_one_row(readings: dict[str, RawLog]) -> None:
    table = readings["pdf-row-split-across-pages"].tables[0]
    want = expected("pdf-row-split-across-pages")
    assert table.where == "pages 1-9, table 1"
    assert len(table.rows) == 1 + len(want["rows"])  # 9 pages, 8 repeated headers and 7 row parts merged away
    assert table.row_labels == (
        "page 1, row 1",
        "page 1, row 2, continued to page 2",
        "page 2, row 3, continued to page 3",
        "page 3, row 3, continued to page 5",  # a row longer than a page
        "page 5, row 3, continued to page 6",
        "page 6, row 3, continued to page 8",
        "page 8, row 3, continued to page 9",
    )
    reflection = table.rows[3][5]
    assert reflection == want["rows"][2][5] and reflection.endswith("after a referral is made.")


def test_words_hyphenated_at_line_ends_are_rejoined_and_real_hyphens_kept(readings: dict[str, RawLog]) -> None:
    rows = evidence_rows(readings["pdf-hyphen-wrapped-words"].tables[0])
    assert rows[0][1] == "E-learning: safeguarding basics"
    assert rows[0][5].startswith("Understanding the responsibilities of every practitioner, I reviewed the "
                                 "information sharing protocol")
    assert "accountability, confidentiality and proportionality" in rows[1][5]
    assert "My e-learning certificate is filed" in rows[2][5]  # printed "e-" + "learning": one letter, kept


def test_excel_export_keeps_the_template_rows_and_reads_numbers_as_shown(readings: dict[str, RawLog]) -> None:
    raw = readings["pdf-excel-export"]
    evidence = evidence_tables(raw, expected("pdf-excel-export")["header"])[0]
    assert evidence.where == "pages 3-6, table 1"
    assert len(evidence.rows) == 61  # header + the template's 60 rows, 35 of them left empty
    rows = evidence_rows(evidence)
    assert rows[0][:5] == ["08/01/2026", "Whole-setting safeguarding refresher", "Face-to-face training", "3.0",
                           "4.1, 4.5, 4.10"]
    # Calc never hyphenates, so a hyphen at a line end is a real one
    assert "re-enacts" in rows[8][5] and "holiday-absence" in rows[22][5]


@pytest.mark.parametrize("name", ["pdf-word-40-entries", "pdf-excel-export"])
def test_footers_carry_the_identity_line_on_every_page(name: str, readings: dict[str, RawLog]) -> None:
    raw, want = readings[name], expected(name)
    with pdfplumber.open(DATA / f"{name}.pdf") as pdf:
        pages = len(pdf.pages)
    identity = [line for line in raw.footer_lines if want["footer_line"] in line]
    assert len(identity) == pages
    assert any(f"Page 1 of {pages}" in line for line in raw.footer_lines)
    assert not any(want["footer_line"] in line for line in raw.lines), "a footer line was left in the body text"


def test_body_lines_are_the_text_outside_tables_in_reading_order(readings: dict[str, RawLog]) -> None:
    lines = readings["pdf-word-40-entries"].lines
    assert lines[0] == "Safeguarding Children Competency Log"
    assert lines.index("How to use this log") < lines.index("2. Evidence log") < lines.index("4. CPD next steps")
    assert not any("Whole-setting safeguarding refresher" in line for line in lines)  # a table cell
    assert readings["pdf-row-split-across-pages"].lines == (
        "My safeguarding learning log 2026",
        "Amelia Hartley, Sunflower Nursery & Pre-school. Evidence for NSCP stage 4.",
        "Signed: ______________________ Date: ____________",
    )


@pytest.mark.parametrize("name", FIXTURES)
def test_properties_come_from_the_pdf_metadata(name: str, readings: dict[str, RawLog]) -> None:
    want, properties = expected(name), readings[name].properties
    # LibreOffice's export writes the keywords back separated by ", " (and splits them at spaces)
    if name.startswith(("pdf-word", "pdf-excel")):
        assert properties["keywords"] == want["keywords"].replace("; ", ", ")
        assert "log_id=NS001-20260101-" in properties["keywords"]
        assert properties["title"] == "Safeguarding Children Competency Log - Amelia Hartley"
        assert properties["subject"] == "NSCP Safeguarding Children Competencies Framework 2024, Stage 4"
    else:
        assert properties == {"keywords": "safeguarding, learning, log, NS001", "title": want["title"]}


def test_time_per_page_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    total_pages = 0
    started = time.perf_counter()
    for name in FIXTURES:
        read_pdf(DATA / f"{name}.pdf")
        with pdfplumber.open(DATA / f"{name}.pdf") as pdf:
            total_pages += len(pdf.pages)
    per_page = (time.perf_counter() - started) * 1000 / total_pages
    with capsys.disabled():
        print(f"\nread_pdf: {per_page:.0f} ms per page over {total_pages} pages (target < 150 ms)")
    assert total_pages == 9 + 7 + 9 + 1


# --------------------------------------------------------------------------------------- joining cell lines


@pytest.mark.parametrize(
    ("lines", "hints", "text"),
    [
        ([CellLine("Went on a", wrapped_at_space=True), CellLine("course")], None, "Went on a course"),
        ([CellLine("Went on a  "), CellLine("  course.")], None, "Went on a course."),  # a typed line break
        ([CellLine("my prac-"), CellLine("tice")], None, "my practice"),
        ([CellLine("my prac\u00ad"), CellLine("tice")], None, "my practice"),
        ([CellLine("an e-"), CellLine("learning")], None, "an e-learning"),
        ([CellLine("Face-to-"), CellLine("face")], None, "Face-to-face"),
        ([CellLine("Face-to-"), CellLine("Face")], None, "Face-to-Face"),
        ([CellLine("2025-"), CellLine("26")], None, "2025-26"),
        ([CellLine("Date -"), CellLine("time")], None, "Date - time"),
        ([CellLine("multi-"), CellLine("agency")], None, "multiagency"),  # the known limit, unless:
        ([CellLine("multi-"), CellLine("agency")], JoinHints(compounds=frozenset({"multi-agency"})), "multi-agency"),
        ([CellLine("multi-"), CellLine("agency")], JoinHints(hyphenates=False), "multi-agency"),
        ([CellLine("re-", wrapped_at_space=True), CellLine("enacts")], None, "re- enacts"),
        # LibreOffice prints the hyphens its hyphenation adds on their own: how the hyphen was printed decides
        ([CellLine("information-", hyphen_apart=False), CellLine("sharing")], JoinHints(hyphens_apart=True),
         "information-sharing"),
        ([CellLine("informa-", hyphen_apart=True), CellLine("tion")], JoinHints(hyphens_apart=True), "information"),
        ([CellLine("informa-", hyphen_apart=True), CellLine("tion")], JoinHints(hyphenates=False, hyphens_apart=True),
         "informa-tion"),  # a spreadsheet never hyphenates
        ([CellLine("multi-"), CellLine("agency")], JoinHints(hyphens_apart=True), "multiagency"),  # not known
        # a word too long for the column, broken where the next character did not fit
        ([CellLine("14/03/202", room=4.0, space_width=2.7), CellLine("6", first_char_width=5.0)], None,
         "14/03/2026"),
        ([CellLine("14/03/202", room=1.0, space_width=2.7), CellLine("6", first_char_width=5.0)], None,
         "14/03/2026"),  # less room than a space, but between two digits
        # a word that just fitted, wrapped at a space too wide to print
        ([CellLine("Competencies", room=2.0, space_width=2.7), CellLine("evidenced", first_char_width=5.0)], None,
         "Competencies evidenced"),
        # a short word that ended a paragraph: the next word would have fitted
        ([CellLine("Supervision", room=40.0, space_width=2.7), CellLine("DSL", first_char_width=6.0)], None,
         "Supervision DSL"),
        ([CellLine("two words", room=1.0, space_width=2.7), CellLine("more", first_char_width=5.0)], None,
         "two words more"),
        ([CellLine(""), CellLine("  "), CellLine("only")], None, "only"),
        ([], None, ""),
    ],
)
def test_join_lines(lines: list[CellLine], hints: JoinHints | None, text: str) -> None:
    assert join_lines(lines, hints) == text


def test_compounds_are_the_hyphenated_words_printed_within_a_line() -> None:
    assert compounds_in(["Multi-agency training; e-learning.", "the well-", "being of (self-harm)"]) == frozenset(
        {"multi-agency", "e-learning", "self-harm"}
    )


# ------------------------------------------------------------------------------------- files that go wrong


def tiny_pdf(path: Path, pages: int = 1, *, form_field: bool = False) -> Path:
    """A hand-made PDF of ``pages`` pages with one line of Helvetica each, optionally with a form field."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    acroform = f" /AcroForm << /Fields [{4 + 2 * pages} 0 R] >>" if form_field else ""
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R{acroform} >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i in range(pages):
        stream = f"BT /F1 12 Tf 72 720 Td (Page {i + 1} of a hand-made log) Tj ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    if form_field:
        objects.append("<< /FT /Tx /T (Date) /V (14/03/2026) /Rect [72 600 200 620] >>")
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    data += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(data))
    return path


def test_a_pdf_without_tables_gives_its_lines(tmp_path: Path) -> None:
    raw = read_pdf(tiny_pdf(tmp_path / "plain.pdf", pages=2))
    assert raw.tables == ()
    assert raw.lines == ("Page 1 of a hand-made log", "Page 2 of a hand-made log")
    assert raw.footer_lines == () and raw.properties == {} and raw.warnings == ()


def test_form_fields_are_flagged_because_their_values_are_not_read(tmp_path: Path) -> None:
    raw = read_pdf(tiny_pdf(tmp_path / "form.pdf", form_field=True))
    assert len(raw.warnings) == 1 and "form fields" in raw.warnings[0]


def test_too_many_pages_is_refused(tmp_path: Path) -> None:
    path = tiny_pdf(tmp_path / "long.pdf", pages=3)
    assert len(read_pdf(path, ReadSettings(max_pdf_pages=3)).lines) == 3
    with pytest.raises(InputError, match=r"long\.pdf has 3 pages, more than the 2 .*read\.max_pdf_pages"):
        read_pdf(path, ReadSettings(max_pdf_pages=2))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"This is a letter, not a PDF.\n" * 20,
        lambda data: data[: len(data) // 2],  # cut off in transfer
        lambda data: data[:20] + bytes(range(256)) * 40,  # a PDF header, then noise
        lambda data: data.replace(b"/Root", b"/Ruut"),
        lambda data: data.replace(b"endstream", b"endstraem"),
        lambda data: data.replace(b"/Length", b"/Length 99999999 /Ignored"),
    ],
    ids=["empty", "not-a-pdf", "truncated", "noise", "no-root", "broken-stream", "bad-length"],
)
def test_a_damaged_file_raises_input_error_or_reads_and_nothing_else(tmp_path: Path, damage: Any) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(damage((DATA / "pdf-hyphen-wrapped-words.pdf").read_bytes()))
    try:
        raw = read_pdf(path)
    except InputError as error:
        assert error.message.startswith("damaged.pdf ") and error.message.endswith(".")
    else:
        assert isinstance(raw, RawLog)


def test_a_missing_file_or_a_folder_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.pdf cannot be opened"):
        read_pdf(tmp_path / "missing.pdf")
    with pytest.raises(InputError, match="cannot be opened"):
        read_pdf(tmp_path)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_text_printed_over_other_rows_is_flagged(tmp_path: Path, soffice: str) -> None:
    """A sheet whose rows were given no height (as a script writes them) prints wrapped text over the rows below."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Learning activity", "Hours", "What I learned and how I applied it to my practice"])
    text = ("We went through the neglect toolkit and practised the graded care profile with case studies. I now look "
            "at the whole picture over time rather than one incident, and I record what I see.")
    for day in range(1, 9):
        sheet.append([f"{day:02d}/03/2026", "Neglect toolkit training", 2.5, text])
    side = Side(style="thin")
    for row in sheet.iter_rows():
        for cell in row:
            cell.border = Border(left=side, right=side, top=side, bottom=side)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCD", (12, 24, 8, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0
    workbook.save(tmp_path / "short-rows.xlsx")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tmp_path / "short-rows.xlsx")],
        check=True, capture_output=True, timeout=240,
    )
    raw = read_pdf(tmp_path / "short-rows.pdf")
    assert len(raw.tables) == 1 and raw.tables[0].rows[0][0] == "Date"
    assert len(raw.warnings) == 1
    assert raw.warnings[0].startswith("page 1, table 1: text in page 1 rows ")
    assert "printed over other text" in raw.warnings[0]
