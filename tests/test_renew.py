"""Renewal over a year with a fixed clock: due logs are renewed once, with next steps and not-yet-met
competencies carried forward, at the roster's (possibly new) level."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import docx
from openpyxl import load_workbook

from sglogs.config import Settings
from sglogs.generate.logs import GenerateOptions, generate_logs
from sglogs.models import CompetencyAssessment, CompetencyStatus, ParsedLog, Period, SignOff, SourceFile, StaffInfo
from sglogs.renew import RenewOptions, renew_logs

HEADER = ["Staff ID", "Name", "Setting", "Framework", "Level", "Designated lead", "Period start"]


def roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def write_review_record(settings: Settings, staff_id: str, level: str, start: dt.date, end: dt.date, *,
                        signed: bool, next_steps: list[str], not_yet: list[str]) -> None:
    """The evidence JSON a review leaves behind (see sglogs.review.write_review)."""
    log = ParsedLog(
        log_id=f"{staff_id}-{start:%Y%m%d}-test",
        source=SourceFile(path=f"/tmp/{staff_id}.docx", sha256="0" * 64, format="docx"),
        staff=StaffInfo(id=staff_id, name="Test Person", organisation="Acorns"),
        framework="norfolk-nscp-2024", level=level, period=Period(start=start, end=end),
        competencies=(CompetencyAssessment(id="3.1", text="Have an understanding of child abuse",
                                           status=CompetencyStatus.NOT_YET if "3.1" in not_yet else
                                           CompetencyStatus.MET),),
        next_steps=tuple(next_steps),
        signoff=SignOff(manager="M", date=end, outcome="All competencies met") if signed else SignOff(),
    )
    folder = settings.outbox / "reviews" / staff_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{log.log_id}_evidence.json").write_text(json.dumps({
        "log": log.model_dump(mode="json"), "findings": [], "ready_for_signoff": True, "action_plan": [],
        "reviewed_on": end.isoformat()}), encoding="utf-8")


def test_a_year_of_renewals(tmp_path: Path, settings: Settings) -> None:
    logs = settings.outbox / "logs"
    first = roster(tmp_path / "roster-2025.csv", [
        ["A1", "Ann Able", "Acorns", "Norfolk", "Stage 3", "n", "01/01/2025"],
        ["B2", "Ben Bold", "Acorns", "Norfolk", "Stage 4", "n", "01/06/2025"],
        ["C3", "Cat Calm", "Acorns", "Norfolk", "Stage 4", "y", "01/01/2025"],
    ])
    generate_logs(GenerateOptions(roster=first, out=logs), settings)
    # A1's log was reviewed and signed off with a next step and a competency not yet met
    write_review_record(settings, "A1", "3", dt.date(2025, 1, 1), dt.date(2025, 12, 31), signed=True,
                        next_steps=["Attend multi-agency neglect training"], not_yet=["3.1"])
    # the new year's roster: A1 moved up a stage
    second = roster(tmp_path / "roster-2026.csv", [
        ["A1", "Ann Able", "Acorns", "Norfolk", "Stage 4", "n", ""],
        ["B2", "Ben Bold", "Acorns", "Norfolk", "Stage 4", "n", ""],
        ["C3", "Cat Calm", "Acorns", "Norfolk", "Stage 4", "y", ""],
        ["D4", "Dee New", "Acorns", "Norfolk", "Stage 2", "n", ""],
    ])
    options = RenewOptions(out=logs, roster=second, due_within_days=30)
    report = renew_logs(options, settings, today=dt.date(2025, 12, 15))
    assert sorted(sid for sid, _ in report.renewed) == ["A1", "C3"]  # B2's log runs to May 2026
    assert report.not_due == ["B2"] and report.without_log == ["D4"] and report.level_changed == ["A1"]
    renewed = dict(report.renewed)
    assert renewed["A1"].name == "A1_Able_2026-01-01_2026-12-31.docx"
    document = docx.Document(renewed["A1"])
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    carried = next(t for t in tables if t[0][0] == "From last log")
    assert carried[1:] == [["Next step", "", "Attend multi-agency neglect training"],
                           ["Not yet met", "3.1", "Have an understanding of child abuse"]]
    competencies = next(t for t in tables if t[0][:2] == ["Ref", "Competency"])
    assert any(row[0] == "4.1" for row in competencies[1:])  # the new stage's competencies
    wb = load_workbook(renewed["A1"].with_suffix(".xlsx"))
    assert [c.value for c in wb["Carried forward"][5]] == ["Next step", "", "Attend multi-agency neglect training"]
    # C3's log was not reviewed: nothing to carry forward, the section is left out
    c3 = [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(renewed["C3"]).tables]
    assert not any(t[0][0] == "From last log" for t in c3)
    # running again changes nothing
    again = renew_logs(options, settings, today=dt.date(2025, 12, 20))
    assert again.renewed == [] and again.not_due == ["B2"] and sorted(again.not_started) == ["A1", "C3"]
    # B2 falls due in May 2026
    later = renew_logs(options, settings, today=dt.date(2026, 5, 10))
    assert [sid for sid, _ in later.renewed] == ["B2"]
    assert later.renewed[0][1].name == "B2_Bold_2026-06-01_2027-05-31.docx"


def test_renewing_twice_with_a_wide_window_makes_nothing_new(tmp_path: Path, settings: Settings) -> None:
    # as `make demo` does (--due-within 400d): the first run starts next year's logs; the second must not
    # start the year after from logs that have not begun
    logs = settings.outbox / "logs"
    people = roster(tmp_path / "roster.csv", [["A1", "Ann Able", "Acorns", "Norfolk", "Stage 3", "n", "01/01/2026"],
                                              ["B2", "Ben Bold", "Acorns", "Norfolk", "Stage 4", "n", "01/03/2026"]])
    generate_logs(GenerateOptions(roster=people, out=logs), settings)
    options = RenewOptions(out=logs, roster=people, due_within_days=400)
    first = renew_logs(options, settings, today=dt.date(2026, 12, 5))
    assert sorted(sid for sid, _ in first.renewed) == ["A1", "B2"]
    before = sorted(p.name for p in logs.rglob("*.docx"))
    second = renew_logs(options, settings, today=dt.date(2026, 12, 5))
    assert second.renewed == [] and sorted(second.not_started) == ["A1", "B2"]
    assert sorted(p.name for p in logs.rglob("*.docx")) == before
    assert before == ["A1_Able_2026-01-01_2026-12-31.docx", "A1_Able_2027-01-01_2027-12-31.docx",
                      "B2_Bold_2026-03-01_2027-02-28.docx", "B2_Bold_2027-03-01_2028-02-29.docx"]
