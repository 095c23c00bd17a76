"""A hostile member of staff types formulas into their log and roster row; every workbook sglogs writes keeps them
as text (issue 15.1).

The log is a real completed Excel log (``examples/completed``) with its name, role, manager and a next step
overwritten the way a person would type them into Excel's cells; the roster is a CSV a manager wrote. The whole
cycle runs through the CLI: ``review`` (action plan, batch summary), ``register``, ``audit``, ``generate`` (the
Excel log) and ``roster-errors.csv``.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import PROJECT_DIR

HYPERLINK = '=HYPERLINK("http://evil.example/steal","Click for your certificate")'
ATTACKS = (HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)")


def _hostile_log(folder: Path) -> Path:
    folder.mkdir(parents=True)
    target = folder / "NS001_Hartley.xlsx"
    shutil.copy(PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.xlsx", target)
    wb = openpyxl.load_workbook(target)
    typed = {("Cover", "B5"): HYPERLINK, ("Cover", "B7"): ATTACKS[1], ("Cover", "B9"): ATTACKS[3],
             ("Next steps & sign-off", "A5"): HYPERLINK, ("Next steps & sign-off", "A6"): ATTACKS[2]}
    for (sheet, ref), text in typed.items():
        cell = wb[sheet][ref]
        cell.value = text
        cell.data_type = "s"  # what Excel stores when a person types a leading apostrophe: text in the log
    wb.save(target)
    return target


def _formulas(path: Path) -> list[str]:
    """Every formula element in every sheet part of the workbook, straight from the XML."""
    with zipfile.ZipFile(path) as package:
        return [name for name in package.namelist() if name.startswith("xl/worksheets/")
                and (b"<f>" in package.read(name) or b"<f " in package.read(name))]


def _texts(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_formulas_typed_into_a_log_and_roster_stay_text_in_every_workbook(tmp_path: Path) -> None:
    runner = CliRunner()
    _hostile_log(tmp_path / "inbox")
    result = runner.invoke(app, ["review", str(tmp_path / "inbox")])
    assert result.exit_code in (0, 1), result.output
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level"])
        writer.writerow(["NS001", HYPERLINK, ATTACKS[1], ATTACKS[3], ATTACKS[2], "norfolk-nscp-2024", "4"])
        writer.writerow(["NS002", "Bad Row", "", "", "", "norfolk-nscp-2024", HYPERLINK])
    assert runner.invoke(app, ["register", "--roster", str(roster), "--as-of", "2026-12-20"]).exit_code == 0
    assert runner.invoke(app, ["audit", "--roster", str(roster), "--as-of", "2026-12-20"]).exit_code == 0
    generated = runner.invoke(app, ["generate", str(roster), "--format", "xlsx", "--out", str(tmp_path / "logs"),
                                    "--start", "01/01/2026"])
    assert generated.exit_code == 1, generated.output  # the bad row

    outbox = tmp_path / "outbox"
    workbooks = {p.name: p for p in [*outbox.rglob("*.xlsx"), *(tmp_path / "logs").rglob("*.xlsx")]}
    action_plan = next(p for n, p in workbooks.items() if n.endswith("_action-plan.xlsx"))
    audit = next(p for n, p in workbooks.items() if n.startswith("q-card-self-assessment"))
    expected = {action_plan: {HYPERLINK, ATTACKS[2]}, workbooks["batch-summary.xlsx"]: set(),
                workbooks["register.xlsx"]: {HYPERLINK, ATTACKS[1], ATTACKS[3]}, audit: {HYPERLINK}}
    for path, typed in expected.items():
        assert _formulas(path) == [], f"{path.name} holds a live formula"
        assert typed <= _texts(path), f"{path.name} lost the typed text {typed - _texts(path)}"
    for path in workbooks.values():
        assert _formulas(path) == [], f"{path.name} holds a live formula"

    rows = list(csv.reader((tmp_path / "logs" / "roster-errors.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][2] == "Bad Row" and not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
