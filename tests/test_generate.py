"""Generation from a roster: every valid person gets a Word and an Excel log that list exactly their
competencies, carry their identity three ways, appear atomically, and are kept on a re-run."""

from __future__ import annotations

import csv
import datetime as dt
import stat
import zipfile
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from lxml import etree
from openpyxl import load_workbook

from sglogs.config import PROJECT_DIR, Settings
from sglogs.core.dates import period_end
from sglogs.frameworks import required_competencies
from sglogs.generate.context import log_context
from sglogs.generate.docx import DocxLogTemplate
from sglogs.generate.logs import GenerateOptions, LogFormat, generate_logs
from sglogs.models import Framework, LogIdentity, StaffMember

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADER = ["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level", "Designated lead",
          "Additional competencies", "Period start"]
EVIDENCE_HEADERS = ["Date", "Learning activity", "Type of learning", "Hours", "Competencies evidenced",
                    "What I learned and how I applied it to my practice"]


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


ROWS = [
    ["N1", "Amelia Hartley", "Practitioner", "Sunflower Nursery & Pre-school", "Grace <Okafor>", "Norfolk",
     "Stage 4", "n", "6.10", "01/01/2026"],
    ["N2", "Grace Okafor", "Manager", "Sunflower Nursery & Pre-school", "", "norfolk-nscp-2024", "7", "y", "",
     "1 April 2026"],
    ["L1", "Fatima Rahman", "Teaching assistant", "Hillside Primary", "Oliver Grant", "London", "Level 2", "",
     "", ""],
    ["P1", "Zoë O'Brien", "Trustee", "", "", "PA3", "Level 5", "no", "", "2026-09-01"],
]


@pytest.fixture
def generated(tmp_path: Path, settings: Settings) -> tuple[Path, object]:
    roster = write_roster(tmp_path / "roster.csv", ROWS)
    out = tmp_path / "logs"
    report = generate_logs(GenerateOptions(roster=roster, out=out, start=dt.date(2026, 2, 1)), settings,
                           today=dt.date(2026, 1, 15))
    return out, report


def docx_paragraph_texts(path: Path) -> list[str]:
    document = docx.Document(path)
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in document.element.body.iter(f"{W}p")]


def docx_tables(path: Path) -> list[list[list[str]]]:
    document = docx.Document(path)
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def test_every_person_gets_both_files_in_their_setting_folder(generated: tuple[Path, object]) -> None:
    out, report = generated
    assert report.people == 4 and report.written == {"docx": 4, "xlsx": 4} and not report.rejected
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*"))
    assert names == [
        "Hillside-Primary/L1_Rahman_2026-02-01_2027-01-31.docx",
        "Hillside-Primary/L1_Rahman_2026-02-01_2027-01-31.xlsx",
        "Sunflower-Nursery-Pre-school/N1_Hartley_2026-01-01_2026-12-31.docx",
        "Sunflower-Nursery-Pre-school/N1_Hartley_2026-01-01_2026-12-31.xlsx",
        "Sunflower-Nursery-Pre-school/N2_Okafor_2026-04-01_2027-03-31.docx",
        "Sunflower-Nursery-Pre-school/N2_Okafor_2026-04-01_2027-03-31.xlsx",
        "no-setting/P1_OBrien_2026-09-01_2027-08-31.docx",
        "no-setting/P1_OBrien_2026-09-01_2027-08-31.xlsx",
    ]


def test_word_log_lists_exactly_the_persons_competencies(
    generated: tuple[Path, object], frameworks: dict[str, Framework]
) -> None:
    out, _ = generated
    path = next(out.rglob("N1_*.docx"))
    expected = required_competencies(frameworks["norfolk-nscp-2024"], "4", additional=["6.10"])
    tables = docx_tables(path)
    competency_table = next(t for t in tables if t[0][:2] == ["Ref", "Competency"])
    rows = competency_table[1:]
    assert [r[0] for r in rows] == [c.id for c in expected]
    assert [r[1].split("\n")[0] for r in rows] == [c.competency.text for c in expected]
    assert rows[-1][0] == "6.10" and rows[-1][2] == "Additional"
    assert {r[2] for r in rows[:-1]} == {"Core"}
    # stage 4 inherits stages 1-3, as its text says
    assert {r[3] for r in rows} == {"Stage 1", "Stage 2", "Stage 3", "Stage 4", "Stage 6"}


def test_word_log_has_the_evidence_table_cover_and_escaped_values(generated: tuple[Path, object]) -> None:
    out, _ = generated
    path = next(out.rglob("N1_*.docx"))
    tables = docx_tables(path)
    evidence = next(t for t in tables if t[0][0] == "Date")
    assert evidence[0] == EVIDENCE_HEADERS
    assert len(evidence) == 1 + 15 and all(not any(cell.strip() for cell in row) for row in evidence[1:])
    text = "\n".join(docx_paragraph_texts(path))
    assert "Sunflower Nursery & Pre-school" in text  # an ampersand in a value does not break the document
    assert "Grace <Okafor>" in text
    assert "1 January 2026 to 31 December 2026 (12 months)" in text
    assert "Remember to date your evidence to allow you to revisit and review relevance." in text
    assert "DEVELOPMENT ACTION PLAN (ANNEX 1)" in text.upper()


def test_excel_log_lists_competencies_and_has_validations(
    generated: tuple[Path, object], frameworks: dict[str, Framework]
) -> None:
    out, _ = generated
    path = next(out.rglob("N2_*.xlsx"))
    wb = load_workbook(path)
    expected = required_competencies(frameworks["norfolk-nscp-2024"], "7")
    ws = wb["Competencies"]
    ids = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    assert ids == [c.id for c in expected]
    assert ws.cell(row=5, column=2).value == expected[0].competency.text
    evidence = wb["Evidence"]
    assert [c.value for c in evidence[3]] == EVIDENCE_HEADERS
    assert evidence.freeze_panes == "A4"
    kinds = {str(dv.sqref): dv for dv in evidence.data_validations.dataValidation}
    assert kinds["A4:A63"].type == "date" and kinds["A4:A63"].formula1 == "DATE(2026,4,1)"
    assert kinds["C4:C63"].formula1 == "=ActivityTypes"
    assert kinds["E4:E63"].formula1 == "=CompetencyIds"
    assert wb.defined_names["CompetencyIds"].attr_text == f"Lists!$B$2:$B${1 + len(expected)}"
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=r, column=2).value for r in range(2, 2 + len(expected))] == [c.id for c in expected]
    cover = wb["Cover"]
    assert cover.protection.sheet is True
    assert cover["B5"].value == "Grace Okafor"
    assert int(evidence.page_setup.paperSize) == 9  # A4
    met = next(dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"Met,Not yet met"')
    assert str(met.sqref) == f"E5:E{4 + len(expected)}"


def test_identity_is_carried_three_ways_in_both_formats(generated: tuple[Path, object]) -> None:
    out, _ = generated
    docx_path = next(out.rglob("L1_*.docx"))
    xlsx_path = next(out.rglob("L1_*.xlsx"))
    footer = "framework london | level 2 | 2026-02-01 to 2027-01-31"
    # 1. document properties (custom and core)
    for path in (docx_path, xlsx_path):
        with zipfile.ZipFile(path) as zf:
            custom = etree.fromstring(zf.read("docProps/custom.xml"))
            props = {p.get("name"): "".join(p.itertext()) for p in custom}
            core = zf.read("docProps/core.xml").decode()
        assert props["sglogs_staff_id"] == "L1" and props["sglogs_framework"] == "london"
        assert props["sglogs_period_start"] == "2026-02-01" and props["sglogs_period_end"] == "2027-01-31"
        assert f"log_id={props['sglogs_log_id']}" in core
    # 2. defined names (xlsx)
    wb = load_workbook(xlsx_path)
    assert wb.defined_names["sglogs_staff_id"].attr_text == '"L1"'
    assert wb.defined_names["sglogs_level"].attr_text == '"2"'
    # 3. the visible footer line
    word_footer = [p.text for p in docx.Document(docx_path).sections[0].footer.paragraphs]
    assert any(footer in line for line in word_footer)
    assert all(footer in ws.oddFooter.left.text for ws in wb.worksheets)


def test_rerun_keeps_existing_logs_and_force_regenerates(tmp_path: Path, settings: Settings) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROWS[:2])
    options = GenerateOptions(roster=roster, out=tmp_path / "logs")
    first = generate_logs(options, settings)
    path = next((tmp_path / "logs").rglob("N1_*.docx"))
    before = path.stat().st_mtime_ns
    second = generate_logs(options, settings)
    assert first.written["docx"] == 2 and second.skipped == 2 and not second.written
    assert path.stat().st_mtime_ns == before
    forced = generate_logs(options.model_copy(update={"force": True}), settings)
    assert forced.written == {"docx": 2, "xlsx": 2}


def test_one_format_only_and_a_missing_format_is_filled_in(tmp_path: Path, settings: Settings) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROWS[:1])
    out = tmp_path / "logs"
    generate_logs(GenerateOptions(roster=roster, out=out, formats=(LogFormat.XLSX,)), settings)
    assert [p.suffix for p in out.rglob("*.*")] == [".xlsx"]
    report = generate_logs(GenerateOptions(roster=roster, out=out), settings)
    assert report.written == {"docx": 1}


def test_outputs_are_private_and_no_temp_files_are_left(generated: tuple[Path, object]) -> None:
    out, _ = generated
    for path in out.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
        assert not path.name.startswith(".~sglogs-")


def test_bad_rows_are_reported_and_good_rows_still_generated(tmp_path: Path, settings: Settings) -> None:
    rows = [
        *ROWS[:1],
        ["N9", "", "Cook", "Sunflower", "", "Norfolk", "Stage 3", "", "", ""],
        ["N1", "Someone Else", "Cook", "Sunflower", "", "Norfolk", "Stage 3", "", "", ""],
        ["N8", "Unknown Level", "Cook", "Sunflower", "", "Norfolk", "Stage 10", "", "", ""],
        ["N7", "Bad Additional", "Cook", "Sunflower", "", "Norfolk", "Stage 3", "", "99.9", ""],
        ["N6", "Bad Date", "Cook", "Sunflower", "", "Norfolk", "Stage 3", "", "", "30/02/2026"],
    ]
    roster = write_roster(tmp_path / "roster.csv", rows)
    out = tmp_path / "logs"
    report = generate_logs(GenerateOptions(roster=roster, out=out), settings)
    assert report.people == 1 and report.written == {"docx": 1, "xlsx": 1}
    assert [(e.row_number, e.staff_id) for e in report.rejected] == [
        (3, "N9"), (4, "N1"), (5, "N8"), (6, "N7"), (7, "N6"),
    ]
    with (out / "roster-errors.csv").open(encoding="utf-8-sig") as fh:
        errors = list(csv.DictReader(fh))
    assert sorted(int(e["row"]) for e in errors) == [3, 4, 5, 6, 7]
    by_row = {int(e["row"]): e["reason"] for e in errors}
    assert "Name" in by_row[3]
    assert "already used on row 2" in by_row[4]
    assert "Stage 10" in by_row[5]
    assert "'99.9' is not in" in by_row[6]
    assert "30/02/2026" in by_row[7]


def test_period_is_twelve_months_ending_the_day_before() -> None:
    assert period_end(dt.date(2026, 1, 1), 12) == dt.date(2026, 12, 31)
    assert period_end(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 27)
    assert period_end(dt.date(2026, 9, 1), 12) == dt.date(2027, 8, 31)


def test_fast_word_path_renders_the_same_text_as_docxtpl(
    tmp_path: Path, settings: Settings, frameworks: dict[str, Framework]
) -> None:
    """The prepared-once renderer must say exactly what docxtpl's own render says, for awkward values too."""
    fw = frameworks["norfolk-nscp-2024"]
    person = StaffMember(staff_id="S&1", name="Zoë <O'Brien> & Co", role='Lead "DSL"', setting="A & B",
                         manager="M", framework=fw.id, level="8", designated_lead=True)
    identity = LogIdentity(log_id="S1-x", staff_id=person.staff_id, framework=fw.id, level="8",
                           period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    context = log_context(person, fw, required_competencies(fw, "8"), identity, settings.generate, "Org & Co")
    template_path = PROJECT_DIR / "sglogs" / "data" / "templates" / "log.docx"
    fast = tmp_path / "fast.docx"
    DocxLogTemplate.prepare(template_path).write(fast, context, identity)
    naive = DocxTemplate(template_path)
    naive.render(context, autoescape=True)
    naive.save(tmp_path / "naive.docx")
    assert docx_paragraph_texts(fast) == docx_paragraph_texts(tmp_path / "naive.docx")
    with zipfile.ZipFile(fast) as zf:
        assert zf.testzip() is None
    fast_footer = [p.text for p in docx.Document(fast).sections[0].footer.paragraphs]
    naive_footer = [p.text for p in docx.Document(tmp_path / "naive.docx").sections[0].footer.paragraphs]
    assert fast_footer == naive_footer


def test_a_large_roster_is_written_by_worker_processes_in_full(
    tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    """Rosters of a batch or more go to worker processes; every person still gets exactly their files."""
    from sglogs.config import load_settings
    from sglogs.generate.logs import BATCH_SIZE

    people = BATCH_SIZE * 2 + 7
    rows = [[f"E{i:04d}", f"Person {i} Test{i}", "Practitioner", f"Setting {i % 3}", "M",
             ["Norfolk", "London", "PA3"][i % 3], ["Stage 4", "Level 2", "Level 1"][i % 3], "", "", "01/01/2026"]
            for i in range(people)]
    rows[5][0] = rows[4][0]  # one duplicate: rejected in the main process, in roster order
    roster = write_roster(tmp_path / "roster.csv", rows)
    settings = load_settings(generate={"workers": 2, "activity_types": ["E-learning"]})
    report = generate_logs(GenerateOptions(roster=roster, out=tmp_path / "logs"), settings)
    assert report.people == people - 1 and [e.row_number for e in report.rejected] == [7]
    assert report.written == {"docx": people - 1, "xlsx": people - 1}
    files = [f for f in (tmp_path / "logs").rglob("*.*") if f.suffix in (".docx", ".xlsx")]
    assert len(files) == 2 * (people - 1)
    sample = next(f for f in files if f.name.startswith("E0001_") and f.suffix == ".xlsx")
    ids = [c.value for c in load_workbook(sample)["Competencies"]["A"][4:]]
    assert ids == [c.id for c in required_competencies(frameworks["london"], "2")]
