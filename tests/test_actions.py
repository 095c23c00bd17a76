"""Action plans from what the member of staff and the manager wrote (issue 16, item 3): a real generated log is
filled in as a person would in Word (evidence, next steps with competency and "by when", the manager's marks),
reviewed, and the action plan it gives is opened in Excel and Word and read back."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import docx
from openpyxl import load_workbook

from sglogs.config import Settings
from sglogs.generate.logs import GenerateOptions, generate_logs
from sglogs.review import review_log

REVIEWED_ON = dt.date(2026, 12, 14)
STEPS = [  # (next step, competency, by when) as the member of staff writes them
    ("Complete the local Prevent face-to-face session", "4.3", "31/03/2027"),
    ("Observe a strategy discussion with the DSL", "4.5", "ASAP"),
    ("Read the updated whistleblowing policy", "", ""),
    ("complete the local Prevent face to face session.", "4.3", "March 2027"),  # written twice
]


def _log(tmp_path: Path, settings: Settings) -> Path:
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            ["Staff ID", "Name", "Setting", "Framework", "Level", "Designated lead", "Period start"],
            ["S001", "Sam Hartley", "Acorns", "Norfolk", "Stage 4", "n", "01/01/2026"],
        ])
    generate_logs(GenerateOptions(roster=roster, out=tmp_path / "logs"), settings)
    return next((tmp_path / "logs").rglob("*.docx"))


def _fill(path: Path) -> None:
    document = docx.Document(str(path))
    evidence, assessment, steps = (next(t for t in document.tables if t.rows[0].cells[0].text.startswith(head))
                                   for head in ("Date", "Ref", "Next step"))  # fmt: skip
    assessment = [t for t in document.tables if t.rows[0].cells[0].text == "Ref"][-1]
    for cell, text in zip(evidence.rows[1].cells, ["14/01/2026", "Safeguarding refresher", "E-learning", "3",
                                                   "1.1, 4.1", "Refreshed the categories of abuse and how to "
                                                   "report a worry to the DSL the same day."], strict=False):
        cell.text = text
    marks = {"1.1": ("Met", ""), "4.1": ("Met", ""), "4.3": ("Not yet met", ""),
             "4.4": ("Not yet met", "Shadow the DSL at a child protection conference"), "4.6": ("Not yet met", "")}
    for row in assessment.rows[1:]:
        if row.cells[0].text in marks:
            row.cells[2].text, row.cells[4].text = marks[row.cells[0].text]
    while len(steps.rows) <= len(STEPS):
        steps.add_row()
    for row, values in zip(steps.rows[1:], STEPS, strict=False):
        for cell, text in zip(row.cells, values, strict=False):
            cell.text = text
    document.save(str(path))


def test_the_plan_is_built_from_the_staff_members_steps_and_the_managers_marks(tmp_path: Path,
                                                                               settings: Settings) -> None:
    log = _log(tmp_path, settings)
    _fill(log)
    result = review_log(log, settings, out_dir=tmp_path / "reviews", today=REVIEWED_ON)
    evidence = json.loads(next((tmp_path / "reviews").rglob("*_evidence.json")).read_text(encoding="utf-8"))
    plan = evidence["action_plan"]
    rows = [(a["action"], a["competency"], a["target_date"]) for a in plan]
    # the person's steps with their competency and date; "ASAP" and a blank "by when" give no invented date
    assert rows[:3] == [("Complete the local Prevent face-to-face session", "4.3", "2027-03-31"),
                        ("Observe a strategy discussion with the DSL", "4.5", None),
                        ("Read the updated whistleblowing policy", None, None)]
    assert plan[1]["progress"] == "By when, as written: 'ASAP'; agree a date."
    # 4.3 is planned by the person's step; the manager's comment is the action for 4.4; 4.6 gets a line
    assert rows[3] == ("Shadow the DSL at a child protection conference", "4.4", None)
    assert rows[4][1] == "4.6" and rows[4][0].startswith("Agree with the manager how to meet competency 4.6")
    # the competencies with no evidence yet are one line, not one near-identical line each
    assert len(plan) == 6 and plan[5]["competency"].count(",") > 5 and "4.3" not in plan[5]["competency"]
    assert all(a["rag"] is None for a in plan)
    # resources: the framework's Stage 4 training once, then referred back to; none on a step with no competency
    assert plan[0]["resources"].startswith("Stage 4: ") and plan[1]["resources"] == "Stage 4: as S001-1"
    assert plan[2]["resources"] is None
    assert sum("Stage 4: As stage 1-3" in (a["resources"] or "") for a in plan) == 1

    xlsx = next(p for p in result.outputs if p.name.endswith("_action-plan.xlsx"))
    ws = load_workbook(xlsx).worksheets[0]
    header = next(r for r in ws.iter_rows() if r[0].value == "Reference")
    columns = {c.value: c.column for c in header}
    first = header[0].row + 1
    cells = [(ws.cell(first + i, columns["Action"]).value, ws.cell(first + i, columns["Competency"]).value,
              ws.cell(first + i, columns["Target date"]).value, ws.cell(first + i, columns["RAG status"]).value)
             for i in range(len(plan))]  # fmt: skip
    assert cells[0] == ("Complete the local Prevent face-to-face session", "4.3", dt.datetime(2027, 3, 31), None)
    assert cells[1][2] == "To agree" and cells[2][1] is None
    assert ws.cell(first + len(plan), columns["Action"]).value is None

    word = docx.Document(str(next(p for p in result.outputs if p.name.endswith("_action-plan.docx"))))
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Reference")
    texts = [[c.text for c in row.cells] for row in table.rows[1:len(plan) + 1]]
    heads = [c.text for c in table.rows[0].cells]
    assert texts[0][heads.index("Target date")] == "31/03/2027"
    assert texts[1][heads.index("Target date")] == "To agree"
    assert {row[heads.index("RAG status")] for row in texts} == {""}
