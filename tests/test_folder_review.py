"""Folder reviews never overwrite (issue 16, item 5): one person's Word, Excel and PDF logs side by side each get
their own documents, named by person, period and format; files that are no log are listed as skipped, not a
failure; a run that reviews nothing keeps the batch summary already there."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import PROJECT_DIR

runner = CliRunner()
COMPLETED = PROJECT_DIR / "examples" / "completed"
JUNK = {"README.txt": b"Put the logs here.\n", ".DS_Store": b"\0\0\0\1Bud1", "desktop.ini": b"[.ShellClassInfo]\r\n",
        "photo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}  # fmt: skip


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for suffix in ("docx", "xlsx", "pdf"):
        shutil.copy(COMPLETED / f"NS001_Hartley_completed.{suffix}", folder)
    for name, data in JUNK.items():
        (folder / name).write_bytes(data)
    return folder


def test_one_persons_three_formats_keep_their_own_documents_and_junk_is_skipped(tmp_path: Path) -> None:
    out = tmp_path / "reviews"
    result = runner.invoke(app, ["review", str(_folder(tmp_path)), "--out", str(out), "--outbox",
                                 str(tmp_path / "outbox")])
    assert result.exit_code == 1, result.output  # the logs have findings; the junk is no failure
    names = sorted(p.name for p in (out / "NS001").iterdir())
    for kind in ("docx", "xlsx", "pdf"):
        for document in ("feedback.docx", "signoff.docx", "action-plan.docx", "action-plan.xlsx", "evidence.json"):
            assert f"Hartley_NS001_2026_{kind}_{document}" in names
    assert len(names) == 15
    for name in JUNK:
        assert f"Skipped {name}:" in result.stderr
    assert "3 logs reviewed" in result.stderr and "4 skipped (not logs)" in result.stderr

    wb = load_workbook(out / "batch-summary.xlsx")
    assert wb.sheetnames == ["Reviews", "Not reviewed"]
    reviews = wb["Reviews"]
    header = [c.value for c in reviews[1]]
    assert header[:6] == ["Name", "Staff ID", "Period start", "Period end", "File", "Ready for sign-off"]
    rows = list(reviews.iter_rows(min_row=2, values_only=True))
    assert sorted(r[4] for r in rows) == [f"NS001_Hartley_completed.{s}" for s in ("docx", "pdf", "xlsx")]
    assert {(r[0], r[2]) for r in rows} == {("Amelia Hartley", dt.datetime(2026, 1, 1))}
    assert reviews.cell(2, 3).number_format == "dd/mm/yyyy"
    assert int(reviews.page_setup.paperSize) == 9 and reviews.page_setup.orientation == "landscape"
    assert reviews.print_title_rows == "$1:$1" and reviews.sheet_properties.pageSetUpPr.fitToPage
    assert reviews.oddHeader.center.text.startswith("Batch review")
    skipped = {r[0]: r[1] for r in wb["Not reviewed"].iter_rows(min_row=2, values_only=True)}
    assert skipped == dict.fromkeys(JUNK, "Skipped: not a log")


def test_a_run_that_reviews_nothing_keeps_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "reviews"
    outbox = tmp_path / "outbox"
    assert runner.invoke(app, ["review", str(_folder(tmp_path)), "--out", str(out), "--outbox", str(outbox)]
                         ).exit_code == 1  # fmt: skip
    before = (out / "batch-summary.xlsx").read_bytes()
    only_junk = tmp_path / "junk"
    only_junk.mkdir()
    (only_junk / "README.txt").write_text("Nothing here yet.\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(only_junk), "--out", str(out), "--outbox", str(outbox)])
    assert result.exit_code == 0, result.output
    assert "0 logs reviewed" in result.stderr and "no batch summary written" in result.stderr
    assert (out / "batch-summary.xlsx").read_bytes() == before


def test_a_log_without_a_staff_id_says_how_it_will_be_matched(tmp_path: Path) -> None:
    # an organisation's own template (tests/data, made by another writer): no sglogs identity, a name on the cover
    folder = tmp_path / "own-templates"
    folder.mkdir()
    shutil.copy(PROJECT_DIR / "tests" / "data" / "foreign-cpd-learning-record.docx", folder)
    out = tmp_path / "reviews"
    result = runner.invoke(app, ["review", str(folder), "--out", str(out), "--outbox", str(tmp_path / "outbox")])
    assert result.exit_code in (0, 1), result.output
    assert "(no staff id: the register matches it by the name on its cover)" in result.stdout
    rows = list(load_workbook(out / "batch-summary.xlsx")["Reviews"].values)
    assert rows[1][1] == "None on the log (matched by name in the register)"
