"""Review documents from a real completed log: the feedback report, the sign-off sheet and the action plan (annex 1)
in Word and Excel say who and which log they are about, show every competency with its status and evidence rows,
quote the findings, keep "&" and "<" as typed, and are written atomically, readable by their owner only.

Findings and action items are made by hand here (checks and the action-item builder are tested on their own)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from lxml import etree
from openpyxl import load_workbook

from sglogs.config import PROJECT_DIR
from sglogs.errors import TemplateError
from sglogs.frameworks import required_competencies
from sglogs.models import (
    ActionItem,
    EvidenceEntry,
    Finding,
    Framework,
    ParsedLog,
    RagStatus,
    RequiredCompetency,
    Severity,
)
from sglogs.read import read_log
from sglogs.reports.documents import MATRIX_MAX_COLUMNS, ReviewTemplates, load_suggestions, review_context

COMPLETED = PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REVIEWED_ON = dt.date(2026, 12, 14)
FOOTER = ("sglogs log NS001-20260101-61a8 | staff NS001 | framework norfolk-nscp-2024 | level 4 | "
          "2026-01-01 to 2026-12-31")
# the evidence rows of the example log that name each competency (row 8 names them all)
EXAMPLE_ROWS = {"1.1": [1, 8], "1.2": [1, 8], "3.1": [1, 8], "4.4": [2, 8], "4.8": [2, 8], "3.3": [3, 8],
                "4.1": [4, 8], "4.2": [4, 8], "4.9": [5, 8], "4.10": [5, 8], "4.5": [6, 8], "4.6": [6, 8],
                "4.3": [7, 8]}  # fmt: skip
ACTION_HEADERS = ["Reference", "Action", "Competency", "Owner", "Resources", "Target date", "Success criteria",
                  "RAG status", "Review date", "Progress"]  # fmt: skip


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def log(frameworks: dict[str, Framework]) -> ParsedLog:
    return read_log(COMPLETED, frameworks=frameworks)


@pytest.fixture
def framework(frameworks: dict[str, Framework]) -> Framework:
    return frameworks["norfolk-nscp-2024"]


@pytest.fixture
def required(framework: Framework) -> list[RequiredCompetency]:
    return required_competencies(framework, "4")


@pytest.fixture
def findings() -> list[Finding]:
    return [
        Finding(code="DATE_MONTH_ONLY", severity=Severity.WARNING, row=3,
                message="Evidence row 3 is dated 'March 2026' without a day; add the day of the team meeting."),
        Finding(code="VALUE_UNCLEAR", severity=Severity.ERROR, row=4,
                message="Evidence row 4 gives its hours as 'half day'; write the number of hours, e.g. 3.5."),
        Finding(code="REFLECTION_SHORT", severity=Severity.WARNING, row=8, competency="4.7",
                message="Evidence row 8 names all 22 competencies for one hour; keep the few it really shows."),
        Finding(code="SIGNOFF_MISSING", severity=Severity.ERROR,
                message="16 competencies are not assessed; mark each met or not yet met with the member of staff."),
        Finding(code="NOT_A_KNOWN_CODE", severity=Severity.WARNING,
                message="Supervision notes from Smith & Jones <Ltd> are referred to but not attached."),
    ]  # fmt: skip


@pytest.fixture
def actions() -> list[ActionItem]:
    return [
        ActionItem(reference="NS001-1", action="Complete the local Prevent face-to-face session", competency="4.3",
                   owner="Amelia Hartley", resources="Prevent calendar & 3 hours release", rag=RagStatus.RED,
                   target_date=dt.date(2027, 3, 31), review_date=dt.date(2027, 2, 15),
                   success_criteria="Attended; reflection recorded in the log and discussed in supervision."),
        ActionItem(reference="NS001-2", action="Observe a strategy discussion with the DSL", competency="4.6",
                   owner="Amelia Hartley & Grace Okafor", target_date=dt.date(2027, 6, 30), rag=RagStatus.AMBER,
                   progress="Date agreed <pending confirmation>"),
        ActionItem(reference="NS001-3", action="Re-record evidence row 8 against the competencies it shows",
                   owner="Amelia Hartley", target_date=dt.date(2027, 1, 31), rag=RagStatus.GREEN),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def templates() -> ReviewTemplates:
    return ReviewTemplates.prepare()


@pytest.fixture
def context(log: ParsedLog, findings: list[Finding], required: list[RequiredCompetency],
            actions: list[ActionItem], framework: Framework) -> dict[str, Any]:  # fmt: skip
    return review_context(log, findings, required, actions, organisation="Sunflower Nursery & <Pre-school>",
                          reviewed_on=REVIEWED_ON, framework=framework)  # fmt: skip


def write_all(templates: ReviewTemplates, out: Path, context: dict[str, Any], actions: list[ActionItem],
              mode: int = 0o600) -> dict[str, Path]:  # fmt: skip
    paths = {name: out / name for name in ("feedback.docx", "signoff.docx", "action_plan.docx", "action_plan.xlsx")}
    templates.write_feedback(paths["feedback.docx"], context, mode=mode)
    templates.write_signoff(paths["signoff.docx"], context, mode=mode)
    templates.write_action_plan_docx(paths["action_plan.docx"], context, mode=mode)
    templates.write_action_plan_xlsx(paths["action_plan.xlsx"], actions, context, mode=mode)
    return paths


def table_rows(path: Path, caption: str) -> list[list[str]]:
    """The text of each row of the table with this caption, read from the XML in document order."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    for tbl in root.iter(f"{W}tbl"):
        found = tbl.find(f"{W}tblPr/{W}tblCaption")
        if found is not None and found.get(f"{W}val") == caption:
            return [["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.findall(f"{W}tc")]
                    for tr in tbl.findall(f"{W}tr")]  # fmt: skip
    raise AssertionError(f"{path.name} has no table {caption!r}")


def body_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def footer_text(path: Path) -> str:
    return "\n".join(p.text for s in docx.Document(str(path)).sections for p in s.footer.paragraphs)


# ------------------------------------------------------------------------------------------------ context


def test_context_counts_and_identity_from_the_real_log(context: dict[str, Any]) -> None:
    assert context["staff"]["name"] == "Amelia Hartley"
    assert context["log"]["footer"] == FOOTER
    assert context["log"]["period"] == "1 January 2026 to 31 December 2026"
    assert context["level"]["name"] == "Stage 4"
    counts = context["counts"]
    assert (counts["entries"], counts["hours"], counts["entries_without_hours"], counts["types"]) == (8, 10.0, 1, 7)
    assert (counts["required"], counts["covered"], counts["uncovered"]) == (22, 22, 0)
    assert (counts["met"], counts["not_yet"], counts["blank"]) == (5, 1, 16)
    assert (counts["errors"], counts["warnings"], counts["actions"]) == (2, 3, 3)
    assert context["summary"]["evidence"] == "8 entries, dated 14 January 2026 to 3 November 2026"
    assert context["summary"]["hours"] == "10 hours; 1 entry gives no hours"
    assert context["summary"]["findings"] == "2 errors (must be put right before sign-off); 3 warnings (advice)"
    assert context["ready"] is False and context["ready_label"] == "No"
    assert context["ready_sentence"].startswith("Not ready for sign-off: 2 errors")


def test_coverage_lists_every_required_competency_with_its_rows_and_status(
    context: dict[str, Any], required: list[RequiredCompetency]
) -> None:
    coverage = {c["id"]: c for c in context["coverage"]}
    assert list(coverage) == [r.id for r in required]
    for cid, rows in EXAMPLE_ROWS.items():
        assert coverage[cid]["rows"] == rows
        assert coverage[cid]["rows_text"] == ", ".join(map(str, rows))
        assert coverage[cid]["count"] == len(rows)
    assert coverage["4.3"]["status"] == "not_yet" and coverage["4.3"]["status_label"] == "Not yet met"
    assert coverage["1.1"]["status_label"] == "Met" and coverage["4.7"]["status_label"] == "Not assessed"
    assert all(c["covered"] for c in coverage.values())


def test_matrix_has_one_column_per_evidence_row_and_marks_the_rows_cited(context: dict[str, Any]) -> None:
    matrix = context["matrix"]
    assert matrix["columns"] == [1, 2, 3, 4, 5, 6, 7, 8]
    for row in matrix["rows"]:
        marked = [n for n, cell in zip(matrix["columns"], row["cells"], strict=True) if cell["mark"]]
        assert marked == EXAMPLE_ROWS.get(row["id"], [8]), row["id"]


def test_findings_errors_first_and_suggestions_from_the_data_file(context: dict[str, Any]) -> None:
    assert [(f["severity"], f["row"]) for f in context["findings"]] == [
        ("Error", "Whole log"), ("Error", "4"), ("Warning", "Whole log"), ("Warning", "3"), ("Warning", "8")]
    assert [f["code"] for f in context["errors"]] == ["SIGNOFF_MISSING", "VALUE_UNCLEAR"]
    table = load_suggestions()
    suggestions = {s["code"]: s for s in context["suggestions"]}
    # one suggestion per known code, in the order of the findings; an unknown code gets none
    assert list(suggestions) == ["SIGNOFF_MISSING", "VALUE_UNCLEAR", "DATE_MONTH_ONLY", "REFLECTION_SHORT"]
    assert suggestions["VALUE_UNCLEAR"]["text"] == table["VALUE_UNCLEAR"]
    assert suggestions["REFLECTION_SHORT"]["where"] == "row 8; competency 4.7"
    assert context["own_next_steps"] == ["Complete the local Prevent face-to-face session",
                                         "Observe a strategy discussion with the DSL"]  # fmt: skip


def test_suggestions_file_has_text_for_every_check_code() -> None:
    codes = ["DATE_MISSING", "DATE_FUTURE", "DATE_BEFORE_PERIOD", "DATE_AFTER_PERIOD", "DATE_MONTH_ONLY",
             "COMPETENCY_UNCOVERED", "COMPETENCY_NOT_IN_LOG", "VARIETY_FEW_TYPES", "VARIETY_ONE_TYPE",
             "EVIDENCE_BUNCHED", "REFLECTION_MISSING", "REFLECTION_SHORT", "REFLECTION_REPEATED", "REFLECTION_COPIED",
             "ONLINE_NOT_APPLIED", "NEXT_STEPS_MISSING", "SIGNOFF_MISSING", "HOURS_BELOW_MINIMUM",
             "REFRESHER_OVERDUE", "REFRESHER_UNKNOWN", "CHILD_DATA", "VALUE_UNCLEAR", "NO_EVIDENCE"]
    table = load_suggestions()
    assert sorted(table) == sorted(codes)
    assert all(text.endswith(".") and len(text) > 20 for text in table.values())


def test_ready_for_signoff_when_only_warnings(log: ParsedLog, findings: list[Finding],
                                              required: list[RequiredCompetency]) -> None:  # fmt: skip
    context = review_context(log, [f for f in findings if f.severity is Severity.WARNING], required, [],
                             reviewed_on=REVIEWED_ON)  # fmt: skip
    assert context["ready"] is True and context["ready_label"] == "Yes"
    assert context["ready_sentence"] == "Ready for sign-off: nothing blocks it; 3 warnings are advice."
    assert context["summary"]["findings"] == "No errors; 3 warnings (advice)"
    # without an argument the organisation comes from the log's cover
    assert context["organisation"] == "Sunflower Nursery & Pre-school"


def test_uncovered_competencies_are_shown_and_counted(log: ParsedLog, required: list[RequiredCompetency]) -> None:
    without_row_8 = log.model_copy(update={"entries": log.entries[:7]})
    context = review_context(without_row_8, [], required, [], reviewed_on=REVIEWED_ON)
    coverage = {c["id"]: c for c in context["coverage"]}
    uncovered = [cid for cid, c in coverage.items() if not c["covered"]]
    assert uncovered == ["2.1", "2.2", "2.3", "2.4", "2.5", "3.2", "3.4", "3.5", "4.7"]
    assert coverage["2.1"]["rows_text"] == "None" and coverage["2.1"]["count"] == 0
    assert context["counts"]["uncovered"] == 9
    assert context["summary"]["coverage"].startswith("13 of 22 competencies; no evidence yet for 2.1, 2.2")


def test_next_review_date_from_the_log_else_the_argument(log: ParsedLog, required: list[RequiredCompetency]) -> None:
    def next_review(parsed: ParsedLog, proposed: dt.date | None) -> str:
        return review_context(parsed, [], required, [], next_review=proposed)["signoff"]["next_review"]

    unsigned = log.model_copy(update={"signoff": log.signoff.model_copy(update={"next_review": None})})
    assert next_review(log, dt.date(2027, 12, 1)) == "14 December 2027"  # the log's own date wins
    assert next_review(unsigned, dt.date(2027, 12, 1)) == "1 December 2027"
    assert next_review(unsigned, None) == ""  # left blank, to write by hand


# -------------------------------------------------------------------------------------------- documents


def test_feedback_report(tmp_path: Path, templates: ReviewTemplates, context: dict[str, Any],
                         findings: list[Finding], actions: list[ActionItem]) -> None:  # fmt: skip
    paths = write_all(templates, tmp_path, context, actions)
    text = body_text(paths["feedback.docx"])
    for expected in ("Feedback report", "Amelia Hartley", "Sunflower Nursery & <Pre-school>", "NS001-20260101-61a8",
                     "Not ready for sign-off: 2 errors", *[f.message for f in findings],
                     load_suggestions()["VALUE_UNCLEAR"], "Complete the local Prevent face-to-face session"):
        assert expected in text, expected
    assert FOOTER in footer_text(paths["feedback.docx"])
    rows = table_rows(paths["feedback.docx"], "Coverage matrix")
    assert rows[0] == ["Ref", "Competency", "1", "2", "3", "4", "5", "6", "7", "8", "Rows", "Assessed"]
    for row in rows[1:]:
        cid, marks = row[0], row[2:10]
        assert [n for n, mark in enumerate(marks, start=1) if mark == "●"] == EXAMPLE_ROWS.get(cid, [8]), cid
        assert row[10] == str(len(EXAMPLE_ROWS.get(cid, [8])))
    assert [r[0] for r in rows[1:]] == [c["id"] for c in context["coverage"]]
    # the grid was rebuilt for the 8 evidence columns and the table still spans the text width
    root = etree.fromstring(zipfile.ZipFile(paths["feedback.docx"]).read("word/document.xml"))
    matrix = next(t for t in root.iter(f"{W}tbl")
                  if t.find(f"{W}tblPr/{W}tblCaption").get(f"{W}val") == "Coverage matrix")  # fmt: skip
    grid = [int(c.get(f"{W}w")) for c in matrix.find(f"{W}tblGrid")]
    assert len(grid) == 12 and sum(grid) == int(matrix.find(f"{W}tblPr/{W}tblW").get(f"{W}w"))
    findings_rows = table_rows(paths["feedback.docx"], "Findings")
    assert [r[0] for r in findings_rows[1:]] == ["Error", "Error", "Warning", "Warning", "Warning"]
    assert [r[1] for r in findings_rows[1:]] == ["Whole log", "4", "Whole log", "3", "8"]


def test_feedback_report_lists_rows_per_competency_above_the_matrix_limit(
    tmp_path: Path, templates: ReviewTemplates, log: ParsedLog, required: list[RequiredCompetency]
) -> None:
    many = [EvidenceEntry(row=n, date=dt.date(2026, 1 + n % 12, 1 + n), activity=f"Session {n}", type="Supervision",
                          hours=1, competencies=("4.3",) if n % 2 else ("1.1", "4.3"))
            for n in range(1, MATRIX_MAX_COLUMNS + 2)]  # fmt: skip
    context = review_context(log.model_copy(update={"entries": tuple(many)}), [], required, [],
                             reviewed_on=REVIEWED_ON)  # fmt: skip
    assert context["matrix"]["columns"] == []
    templates.write_feedback(tmp_path / "feedback.docx", context)
    rows = table_rows(tmp_path / "feedback.docx", "Coverage")
    assert rows[0] == ["Ref", "Competency", "Evidence rows", "Rows", "Assessed"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["1.1"][2] == ", ".join(str(n) for n in range(2, MATRIX_MAX_COLUMNS + 2, 2))
    assert by_id["4.3"][3] == str(MATRIX_MAX_COLUMNS + 1)
    assert by_id["2.1"][2:4] == ["None", "0"]


def test_signoff_sheet_lists_every_required_competency(tmp_path: Path, templates: ReviewTemplates,
                                                      context: dict[str, Any], log: ParsedLog,
                                                      required: list[RequiredCompetency]) -> None:  # fmt: skip
    path = tmp_path / "signoff.docx"
    templates.write_signoff(path, context)
    rows = table_rows(path, "Competencies assessed")
    assert rows[0] == ["Ref", "Competency", "Evidence rows", "Assessment"]
    assert [r[0] for r in rows[1:]] == [r.id for r in required]
    status = {a.id: a.status.value for a in log.competencies}
    for (cid, text, evidence, assessment), req in zip(rows[1:], required, strict=True):
        assert text == req.competency.text
        assert evidence == ", ".join(map(str, EXAMPLE_ROWS.get(cid, [8])))
        expected = {"met": "Met", "not_yet": "Not yet met", "blank": "□ Met    □ Not yet met"}[status[cid]]
        assert assessment == expected, cid
    signatures = table_rows(path, "Signatures")
    assert [r[0] for r in signatures] == ["", "Name", "Signature", "Date", "Next review date"]
    assert signatures[1][1:] == ["Grace Okafor", "Amelia Hartley"]
    assert signatures[4][1] == "14 December 2027"
    assert FOOTER in footer_text(path)
    assert "Outcome written in the log: Not yet met – see next steps" in body_text(path)


def test_action_plan_docx_is_landscape_with_the_actions(tmp_path: Path, templates: ReviewTemplates,
                                                       context: dict[str, Any]) -> None:  # fmt: skip
    path = tmp_path / "action_plan.docx"
    templates.write_action_plan_docx(path, context)
    section = docx.Document(str(path)).sections[0]
    assert section.page_width > section.page_height
    assert round(section.page_width.cm, 1) == 29.7 and round(section.page_height.cm, 1) == 21.0
    rows = table_rows(path, "Development action plan")
    assert rows[0] == ACTION_HEADERS
    assert rows[1] == ["NS001-1", "Complete the local Prevent face-to-face session", "4.3", "Amelia Hartley",
                       "Prevent calendar & 3 hours release", "31/03/2027",
                       "Attended; reflection recorded in the log and discussed in supervision.", "Red", "15/02/2027",
                       ""]  # fmt: skip
    assert rows[2][3] == "Amelia Hartley & Grace Okafor" and rows[2][9] == "Date agreed <pending confirmation>"
    assert [r[7] for r in rows[1:4]] == ["Red", "Amber", "Green"]
    assert rows[4:] == [[""] * 10] * 3  # empty rows for actions agreed at the review
    assert FOOTER in footer_text(path)


def test_action_plan_workbook(tmp_path: Path, templates: ReviewTemplates, context: dict[str, Any],
                             actions: list[ActionItem]) -> None:  # fmt: skip
    path = tmp_path / "action_plan.xlsx"
    templates.write_action_plan_xlsx(path, actions, context)
    wb = load_workbook(path)
    ws = wb["Annex 1"]
    assert ws["A1"].value == "Annex 1: Development action plan"
    assert ws["A2"].value == "Amelia Hartley (NS001), Sunflower Nursery & <Pre-school>"
    assert "NS001-20260101-61a8" in ws["A3"].value
    assert [c.value for c in ws[5]] == ACTION_HEADERS
    assert [c.value for c in ws[6]] == ["NS001-1", "Complete the local Prevent face-to-face session", "4.3",
                                        "Amelia Hartley", "Prevent calendar & 3 hours release",
                                        dt.datetime(2027, 3, 31),
                                        "Attended; reflection recorded in the log and discussed in supervision.",
                                        "Red", dt.datetime(2027, 2, 15), None]  # fmt: skip
    assert ws["J7"].value == "Date agreed <pending confirmation>"
    assert [ws[f"H{r}"].value for r in (6, 7, 8)] == ["Red", "Amber", "Green"]
    assert ws["F6"].number_format == ws["I6"].number_format == "dd/mm/yyyy"
    rag = next(dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"Red,Amber,Green"')
    assert all(f"H{r}" in rag.sqref for r in (6, 8, 105))
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert sorted(rule.formula[0] for rule in rules) == ['"Amber"', '"Green"', '"Red"']
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == "A5:J8"
    assert ws.print_area == "'Annex 1'!$A$1:$J$11"  # the plan and three empty rows, not all the prepared rows
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.oddFooter.left.text == FOOTER
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["sglogs_reviewed_log_id"] == "NS001-20260101-61a8"
    assert "sglogs_log_id" not in props  # a review must not pass for the log it reviews


def test_workbook_grows_its_drop_downs_for_a_long_plan(tmp_path: Path, templates: ReviewTemplates,
                                                      context: dict[str, Any]) -> None:  # fmt: skip
    many = [ActionItem(reference=f"NS001-{n}", action=f"Action {n}", rag=RagStatus.AMBER,
                       target_date=dt.date(2027, 1, 1)) for n in range(1, 131)]  # fmt: skip
    path = tmp_path / "action_plan.xlsx"
    templates.write_action_plan_xlsx(path, many, context)
    ws = load_workbook(path)["Annex 1"]
    assert ws["A135"].value == "NS001-130" and ws["F135"].number_format == "dd/mm/yyyy"
    rag = next(dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"Red,Amber,Green"')
    assert "H135" in rag.sqref
    assert any("H135" in cf.sqref for cf in ws.conditional_formatting)
    assert ws.auto_filter.ref == "A5:J135"


def test_values_with_ampersands_and_angle_brackets_stay_text(tmp_path: Path, templates: ReviewTemplates,
                                                            context: dict[str, Any],
                                                            actions: list[ActionItem]) -> None:  # fmt: skip
    context["staff"]["name"] = "Amelia <Millie> Hartley & co"
    paths = write_all(templates, tmp_path, context, actions)
    for name in ("feedback.docx", "signoff.docx", "action_plan.docx"):
        with zipfile.ZipFile(paths[name]) as zf:
            for part in zf.namelist():
                if part.endswith(".xml"):
                    etree.fromstring(zf.read(part))  # every part is still well-formed XML
        assert "Amelia <Millie> Hartley & co" in body_text(paths[name]), name
        assert "Amelia <Millie> Hartley & co" in footer_text(paths[name]), name
    assert "Smith & Jones <Ltd>" in body_text(paths["feedback.docx"])
    assert load_workbook(paths["action_plan.xlsx"])["Annex 1"]["A2"].value.startswith("Amelia <Millie> Hartley & co")


def test_outputs_are_private_and_replaced_atomically(tmp_path: Path, templates: ReviewTemplates,
                                                    context: dict[str, Any],
                                                    actions: list[ActionItem]) -> None:  # fmt: skip
    paths = write_all(templates, tmp_path, context, actions)
    for path in paths.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    again = write_all(templates, tmp_path, context, actions, mode=0o640)
    for path in again.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(paths)  # no temporary files left behind
    # the same inputs give the same Word files (the review date, not the clock, stamps them)
    first = paths["feedback.docx"].read_bytes()
    templates.write_feedback(paths["feedback.docx"], context)
    assert paths["feedback.docx"].read_bytes() == first


def test_review_documents_do_not_pass_for_the_log(tmp_path: Path, templates: ReviewTemplates,
                                                 context: dict[str, Any]) -> None:  # fmt: skip
    path = tmp_path / "signoff.docx"
    templates.write_signoff(path, context)
    with zipfile.ZipFile(path) as zf:
        custom = zf.read("docProps/custom.xml").decode()
        core = zf.read("docProps/core.xml").decode()
    assert "sglogs_reviewed_log_id" in custom and "sglogs_log_id" not in custom
    assert "log_id=" not in core and "<dc:title>Review and sign-off - Amelia Hartley</dc:title>" in core


def test_log_without_identity_names_its_file_in_the_footer(tmp_path: Path, templates: ReviewTemplates,
                                                          frameworks: dict[str, Framework]) -> None:  # fmt: skip
    older = read_log(PROJECT_DIR / "examples" / "completed" / "older-in-house-template.docx", frameworks=frameworks)
    context = review_context(older, [], [], [], reviewed_on=REVIEWED_ON)
    assert context["log"]["footer"].startswith("log without sglogs identity | file older-in-house-template.docx")
    assert context["coverage"] == [] and context["summary"]["coverage"].startswith("Not known")
    templates.write_feedback(tmp_path / "feedback.docx", context)
    templates.write_signoff(tmp_path / "signoff.docx", context)
    assert "older-in-house-template.docx" in footer_text(tmp_path / "signoff.docx")
    assert "coverage cannot be shown" in body_text(tmp_path / "feedback.docx")


def test_four_documents_in_well_under_150_ms(tmp_path: Path, templates: ReviewTemplates, log: ParsedLog,
                                             findings: list[Finding], required: list[RequiredCompetency],
                                             actions: list[ActionItem]) -> None:  # fmt: skip
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        context = review_context(log, findings, required, actions, reviewed_on=REVIEWED_ON)
        write_all(templates, tmp_path, context, actions)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.150, f"best of 5: {min(timings) * 1000:.0f} ms"


# ---------------------------------------------------------------------------------------------- templates


def _builder() -> Any:
    tools = PROJECT_DIR / "tools"
    sys.path.insert(0, str(tools))  # the builder imports the log's builder as a sibling script
    try:
        spec = importlib.util.spec_from_file_location("build_review_templates", tools / "build_review_templates.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(tools))


def test_builder_writes_templates_that_prepare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = _builder().build(tmp_path)
    assert sorted(p.name for p in written) == ["action_plan.docx", "action_plan.xlsx", "feedback.docx", "signoff.docx"]
    prepared = ReviewTemplates.prepare(tmp_path)
    assert prepared.workbook.sheet == "Annex 1" and prepared.workbook.header_row == 5
    assert "wrote" in capsys.readouterr().out


def test_template_without_the_log_footer_is_refused(tmp_path: Path) -> None:
    _builder().build(tmp_path)
    document = docx.Document(str(tmp_path / "signoff.docx"))
    for p in document.sections[0].footer.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("{{ log.footer }}", "")
    document.save(str(tmp_path / "signoff.docx"))
    with pytest.raises(TemplateError, match=r"log\.footer"):
        ReviewTemplates.prepare(tmp_path)
    _builder().build(tmp_path)
    wb = load_workbook(tmp_path / "action_plan.xlsx")
    wb["Annex 1"].oddFooter.left.text = "Annex 1"
    wb.save(tmp_path / "action_plan.xlsx")
    with pytest.raises(TemplateError, match=r"log\.footer"):
        ReviewTemplates.prepare(tmp_path)


# -------------------------------------------------------------------------------------------------- PDF


@pytest.mark.libreoffice
@pytest.mark.slow
def test_documents_render_to_a4_pdf_with_their_text(tmp_path: Path, soffice: str, templates: ReviewTemplates,
                                                    context: dict[str, Any], actions: list[ActionItem],
                                                    findings: list[Finding]) -> None:  # fmt: skip
    paths = write_all(templates, tmp_path, context, actions)
    workbook = paths["action_plan.xlsx"].rename(tmp_path / "action_plan_annex.xlsx")  # its PDF needs its own name
    files = [paths["feedback.docx"], paths["signoff.docx"], paths["action_plan.docx"], workbook]
    profile = tmp_path / "lo-profile"  # a private profile: a desktop LibreOffice left open must not block the test
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), *map(str, files)],
                   check=True, capture_output=True, timeout=240)  # fmt: skip
    expected = {
        "feedback": ("portrait", ["Feedback report", "Amelia Hartley", "Coverage of competencies",
                                  *[f.message for f in findings]]),
        "signoff": ("portrait", ["Review and sign-off", "Grace Okafor", "Signature", "Next review date",
                                 "Know what your role is in relation to safeguarding"]),
        "action_plan": ("landscape", ["Annex 1: Development action plan", "Sunflower Nursery & <Pre-school>",
                                      "NS001-2", "30/06/2027", "Amber"]),
        "action_plan_annex": ("landscape", ["Annex 1: Development action plan", "Sunflower Nursery & <Pre-school>",
                                            "NS001-3", "31/01/2027", "Green"]),
    }  # fmt: skip
    for stem, (orientation, phrases) in expected.items():
        with pdfplumber.open(tmp_path / "pdf" / f"{stem}.pdf") as pdf:
            text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
            for phrase in phrases:
                assert " ".join(phrase.split()) in text, f"{stem}: {phrase!r}"
            for page in pdf.pages:
                size = sorted((round(page.width), round(page.height)))
                assert size == [595, 842], f"{stem} page {page.page_number} is not A4"
                assert (page.width > page.height) == (orientation == "landscape"), stem
                page_text = " ".join((page.extract_text() or "").split())
                assert FOOTER in page_text, f"{stem} page {page.page_number} has no identity footer"


def test_a_log_with_nothing_in_it_still_gives_all_four_documents(tmp_path: Path, templates: ReviewTemplates) -> None:
    empty = ParsedLog.model_validate({"source": {"path": "blank.docx", "sha256": "0" * 64, "format": "docx"}})
    context = review_context(empty, [], [], [], reviewed_on=REVIEWED_ON)
    assert context["summary"]["evidence"] == "No evidence rows" and context["ready"] is True
    paths = write_all(templates, tmp_path, context, [])
    text = body_text(paths["feedback.docx"])
    assert "No problems were found in this log." in text and "The log has no evidence rows." in text
    assert "Name not recorded" in body_text(paths["signoff.docx"])
    assert table_rows(paths["action_plan.docx"], "Development action plan")[1:] == [[""] * 10] * 3
    assert load_workbook(paths["action_plan.xlsx"])["Annex 1"]["A6"].value is None
