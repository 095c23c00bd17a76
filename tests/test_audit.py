"""The Q-card self-assessment over the simulated year of ``test_register.py``: the exact figures, RAG and people
behind each of the seven questions, the Word and Excel documents, the ``audit`` command, and how they render."""

from __future__ import annotations

import datetime as dt
import re
import stat
import subprocess
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest
import typer
from typer.testing import CliRunner

from sglogs.audit import (
    ADDITIONAL_COMPETENCY_ROLES,
    QUESTIONS,
    QCardAnswer,
    audit_lines,
    judge,
    self_assessment,
)
from sglogs.cli import app as sglogs_app
from sglogs.models import RagStatus
from sglogs.reports.audit_docs import RAG_FILLS, write_audit_docx, write_audit_xlsx
from tests.conftest import SEEDS
from tests.test_register import BROOK, ORGANISATION, TODAY, P, Year, simulated_year

RED, AMBER, GREEN = RagStatus.RED, RagStatus.AMBER, RagStatus.GREEN


@pytest.fixture
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    return simulated_year(tmp_path_factory)


@pytest.fixture
def answers(year: Year) -> list[QCardAnswer]:
    return self_assessment(year.records, year.people, year.frameworks, year.settings, TODAY)


def test_questions_are_the_q_card_word_for_word() -> None:
    source = SEEDS / "llr-competency-logs-and-q-cards.txt"
    if not source.is_file():
        pytest.skip("shared/seeds is not beside this checkout")
    text = " ".join(source.read_text(encoding="utf-8").replace("[bookmark: _GoBack]", "").split())
    assert len(QUESTIONS) == 7
    for question in QUESTIONS:
        assert question in text


def figures(answer: QCardAnswer) -> list[tuple[int, int, RagStatus | None]]:
    return [(f.numerator, f.denominator, f.rag) for f in answer.figures]


def test_figures_and_rag_for_the_year(answers: list[QCardAnswer]) -> None:
    assert [(a.number, figures(a), a.rag) for a in answers] == [
        (1, [(2, 5, RED)], RED),  # of the 4 leads and the room leader, 2 have additional competencies
        (2, [(11, 13, AMBER)], AMBER),  # Chloe's log never came back; Leah's was reviewed in 2024
        (3, [(9, 11, AMBER)], AMBER),  # a short reflection, an entry not understood ("half day")
        (4, [(10, 13, AMBER)], AMBER),  # Marcus not signed off, Leah in 2024, Chloe never
        (5, [(9, 11, AMBER)], AMBER),  # Callum: one type of learning; Hamza: bunched in November
        (6, [(9, 10, GREEN), (5, 11, None)], GREEN),  # one online entry without how it was applied
        (7, [(10, 11, GREEN), (10, 10, GREEN)], GREEN),  # Marcus has no next steps
    ]
    assert [a.figure for a in answers][:2] == ["2 of 5 staff (40%)", "11 of 13 staff (85%)"]
    assert answers[5].figures[1].text == "5 of 11 logs (45%)"
    assert answers[0].question.startswith("Have additional competencies to sit alongside the core competencies")


def test_the_people_behind_each_figure(answers: list[QCardAnswer]) -> None:
    not_counted = {a.number: [p.staff_id for p in a.people if not p.counted] for a in answers}
    assert not_counted == {1: ["NF011", "NS002", "PA031"], 2: ["LD024", "NS004"], 3: ["LD021", "NF010"],
                           4: ["LD024", "NF010", "NS004"], 5: ["PA033", "PA035"], 6: ["LD020"], 7: ["NF010"]}
    # question 1 counts those who need additional competencies: the leads and the room leader
    assert sorted(p.staff_id for p in answers[0].people) == ["LD021", "NF011", "NS002", "NS003", "PA031"]
    for answer in answers:
        if answer.number != 6:  # question 6 counts entries; its people are those with online learning
            assert len(answer.people) == answer.denominator
        assert all(p.name == P[p.staff_id].name for p in answer.people)
    details = {(a.number, p.staff_id): p.detail for a in answers for p in a.people}
    assert details[(1, "NS003")] == "role Room leader: additional 6.10"
    assert details[(1, "NS002")] == "designated lead, role Nursery manager: none named"
    assert details[(3, "NF010")] == "reflection too short (row 4)"
    assert details[(3, "LD021")] == "entry not understood (row 4)"
    assert details[(4, "LD024")] == "last signed off 10/07/2024, more than 12 months ago"
    assert details[(5, "PA035")] == "evidence bunched in a few weeks"
    assert details[(6, "LD020")] == "2 online entries; row 2 says nothing of how the learning was applied"
    assert details[(7, "NS001")] == "3 next steps; 3 action-plan lines"


def test_one_setting(year: Year) -> None:
    answers = self_assessment(year.records, year.people, year.frameworks, year.settings, TODAY, setting=BROOK)
    assert [(a.number, figures(a)[0]) for a in answers] == [
        (1, (0, 1, RED)), (2, (3, 3, GREEN)), (3, (3, 3, GREEN)), (4, (3, 3, GREEN)), (5, (1, 3, RED)),
        (6, (0, 0, None)), (7, (3, 3, GREEN))]
    assert answers[5].rag is None and answers[5].figure == "no online entries to measure"
    assert {p.staff_id for a in answers for p in a.people} <= {"PA031", "PA033", "PA035"}


def test_without_a_roster_people_come_from_the_reviews(year: Year) -> None:
    answers = self_assessment(year.records, None, year.frameworks, year.settings, TODAY)
    assert (answers[1].numerator, answers[1].denominator) == (11, 12)  # Chloe is unknown without the roster
    assert (answers[0].numerator, answers[0].denominator) == (2, 5)  # leads from the logs' covers
    # a year on, no review is in the last 12 months: the evidence questions have nothing to measure
    later = self_assessment(year.records, year.people, year.frameworks, year.settings, dt.date(2028, 1, 15))
    assert [a.rag for a in later][2:] == [None, RED, None, None, None]


def test_as_at_an_earlier_date(year: Year) -> None:
    answers = self_assessment(year.records, year.people, year.frameworks, year.settings, dt.date(2025, 1, 15))
    # only the four 2024 reviews had happened; question 1 reads the roster it is given (today's)
    assert [(a.numerator, a.denominator) for a in answers] == [(2, 5), (4, 13), (4, 4), (4, 13), (4, 4), (0, 0),
                                                               (4, 4)]


def test_rag_thresholds_are_data() -> None:
    assert judge(9, 10) is GREEN and judge(89, 100) is AMBER and judge(7, 10) is AMBER and judge(69, 100) is RED
    assert judge(3, 4, green_at=75, amber_at=50) is GREEN and judge(1, 2, green_at=75, amber_at=50) is AMBER
    assert judge(0, 0) is None
    assert "manager" in ADDITIONAL_COMPETENCY_ROLES


def test_stricter_role_list_changes_question_1(year: Year) -> None:
    answers = self_assessment(year.records, year.people, year.frameworks, year.settings, TODAY,
                              additional_roles=())
    assert (answers[0].numerator, answers[0].denominator) == (1, 4)  # only the designated leads


def test_terminal_lines_have_figures_not_names(answers: list[QCardAnswer]) -> None:
    lines = audit_lines(answers)
    assert lines[0] == "Q1 Additional competencies established: 2 of 5 staff (40%) - red"
    assert lines[5] == "Q6 Online learning applied to the role: 9 of 10 online entries (90%) - green"
    names = [p.name for p in P.values()]
    assert not [line for line in lines for name in names if name in line or name.split()[-1] in line]


# ---------------------------------------------------------------------------------------------- documents


def _shading(cell: docx.table._Cell) -> str | None:
    shd = cell._tc.tcPr.find(docx.oxml.ns.qn("w:shd")) if cell._tc.tcPr is not None else None
    return shd.get(docx.oxml.ns.qn("w:fill")) if shd is not None else None


def test_word_report(answers: list[QCardAnswer], tmp_path: Path) -> None:
    path = write_audit_docx(answers, tmp_path / "audit" / "q-card.docx", organisation=ORGANISATION, as_of=TODAY,
                            scope="Whole organisation")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["q-card.docx"]
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Organisation: {ORGANISATION}" in text and "Date: 15/01/2027" in text
    assert "Scope: Whole organisation" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Summary" and len(headings) == 8 and headings[7] == "Q7. Clear CPD next steps"
    for question in QUESTIONS:
        assert question in text
    summary = document.tables[0]
    assert [c.text for c in summary.rows[1].cells] == ["1", "Additional competencies established",
                                                       "2 of 5 staff (40%)", "Red"]
    assert [_shading(row.cells[3]) for row in summary.rows[1:]] == [
        RAG_FILLS[a.rag] for a in answers]
    # each question: a figure-and-badge table, then the people behind it (those who do not count first)
    badge, people = document.tables[1], document.tables[2]
    assert badge.rows[0].cells[1].text == "Red" and _shading(badge.rows[0].cells[1]) == RAG_FILLS[RED]
    assert "2 of 5 staff (40%): staff with additional competencies named (red)" in badge.rows[0].cells[0].text
    assert [c.text for c in people.rows[0].cells] == ["Staff ID", "Name", "Counts", "Detail"]
    assert [(r.cells[0].text, r.cells[1].text, r.cells[2].text) for r in people.rows[1:3]] == [
        ("NF011", "Helen Cartwright", "No"), ("NS002", "Grace Okafor", "No")]
    footer = document.sections[0].footer.paragraphs[0].text
    assert "Q-card self-assessment" in footer and "internal record" in footer


def test_excel_workbook(answers: list[QCardAnswer], tmp_path: Path) -> None:
    path = write_audit_xlsx(answers, tmp_path / "q-card.xlsx", organisation=ORGANISATION, as_of=TODAY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Answers", "People"]
    ws = wb["Answers"]
    assert ws.freeze_panes == "A2"
    assert [ws.cell(row, 1).value for row in range(2, 9)] == list(range(1, 8))
    assert [(ws.cell(row, 6).value, ws.cell(row, 7).value, ws.cell(row, 9).value) for row in (2, 7, 8)] == [
        (2, 5, "Red"), (9, 10, "Green"), (10, 11, "Green")]
    assert ws.cell(2, 3).value == QUESTIONS[0]
    assert ws.cell(2, 9).fill.fgColor.rgb.endswith(RAG_FILLS[RED])
    assert ws.cell(8, 10).value == "10 of 10 logs (100%): of those, with the next steps on the action plan"
    people = wb["People"]
    rows = list(people.iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(a.people) for a in answers) == 5 + 13 + 11 + 13 + 11 + 5 + 11
    assert rows[0] == (1, "Additional competencies established", "NF011", "Helen Cartwright", "No",
                       "designated lead, role Team manager: none named")
    assert people.auto_filter.ref == f"A1:F{len(rows) + 1}"


# ------------------------------------------------------------------------------------------------ the CLI


def cycle_app() -> typer.Typer:
    return sglogs_app


@pytest.fixture
def cli_env(year: Year, monkeypatch: pytest.MonkeyPatch) -> Year:
    monkeypatch.setenv("SGLOGS_OUTBOX", str(year.settings.outbox))
    monkeypatch.setenv("SGLOGS_ORGANISATION", ORGANISATION)
    return year


def test_audit_command_writes_word_and_excel(cli_env: Year, tmp_path: Path) -> None:
    result = CliRunner().invoke(cycle_app(), ["audit", "--roster", str(cli_env.roster), "--out",
                                              str(tmp_path / "audit"), "--as-of", "15/01/2027"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(tmp_path / "audit" / "q-card-self-assessment_2027-01-15.docx"),
                                          str(tmp_path / "audit" / "q-card-self-assessment_2027-01-15.xlsx")]
    assert "Q4 Logs discussed in supervision/appraisal: 10 of 13 staff (77%) - amber" in result.stderr
    assert "Cartwright" not in result.output
    assert stat.S_IMODE((tmp_path / "audit").stat().st_mode) == 0o700


def test_audit_command_one_setting_and_a_wrong_one(cli_env: Year, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cycle_app(), ["audit", "--roster", str(cli_env.roster), "--setting", BROOK, "--out",
                                     str(tmp_path), "--as-of", "2027-01-15"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.splitlines()[0].endswith("q-card-self-assessment_2027-01-15_Brook-Street-Youth-Club.docx")
    assert "Q1 Additional competencies established: 0 of 1 staff (0%) - red" in ok.stderr
    wrong = runner.invoke(cycle_app(), ["audit", "--setting", "Brook St", "--out", str(tmp_path)])
    assert wrong.exit_code == 2
    assert "No one has the setting 'Brook St'; use one of: Brook Street Youth Club, Hillside" in wrong.stderr
    assert "Traceback" not in wrong.output
    bad_date = runner.invoke(cycle_app(), ["audit", "--as-of", "soon"])
    assert bad_date.exit_code == 2 and "--as-of 'soon' is not a date" in bad_date.stderr


# ------------------------------------------------------------------------------------------------ rendering


@pytest.mark.libreoffice
@pytest.mark.slow
def test_reports_render_on_a4(year: Year, answers: list[QCardAnswer], tmp_path: Path, soffice: str) -> None:
    from sglogs.register import build_register, summary
    from sglogs.reports.register_xlsx import write_register

    rows = build_register(year.people, year.records, year.frameworks, year.settings, TODAY)
    files = [
        write_audit_docx(answers, tmp_path / "audit.docx", organisation=ORGANISATION, as_of=TODAY),
        write_audit_xlsx(answers, tmp_path / "audit-workbook.xlsx", organisation=ORGANISATION, as_of=TODAY),
        write_register(rows, summary(rows), tmp_path / "register.xlsx", organisation=ORGANISATION, as_of=TODAY),
    ]
    profile = tmp_path / "lo-profile"  # a private profile: a desktop LibreOffice left open must not block the test
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), *map(str, files)], check=True, capture_output=True,
                   timeout=240)
    with pdfplumber.open(tmp_path / "pdf" / "audit.pdf") as pdf:
        first = pdf.pages[0]
        assert (round(first.width), round(first.height)) == (595, 842)  # A4 portrait, in points
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
        assert len(pdf.pages) >= 3
    assert "Q-card self-assessment Safeguarding competency logs · LLR LSCB" in text
    assert "Are clear CPD next steps identified when reviewing staffs evidence logs?" in text
    assert re.search(r"Helen Cartwright No designated lead, role Team manager: none named", text)
    with pdfplumber.open(tmp_path / "pdf" / "register.pdf") as pdf:
        first = pdf.pages[0]
        assert first.width > first.height  # landscape
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "Helen Cartwright" in text and "overdue" in text and "% compliant by setting" not in text[:200]
    assert "Compliance by setting" in text
