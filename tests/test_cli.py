"""The command line: exact exit codes, one-sentence errors without tracebacks, data on stdout."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sglogs.cli import app

runner = CliRunner()

ROSTER_HEADER = ["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level", "Designated lead"]


def roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(rows)
    return path


def test_generate_writes_logs_and_exits_0(tmp_path: Path) -> None:
    path = roster(tmp_path / "r.csv", [["A1", "Ann Able", "Cook", "Acorns", "M", "Norfolk", "Stage 3", "n"]])
    result = runner.invoke(app, ["generate", str(path), "--out", str(tmp_path / "logs"), "--start", "1/9/2026"])
    assert result.exit_code == 0, result.output
    assert "1 person: wrote 1 docx, 1 xlsx" in result.output
    assert sorted(p.name for p in (tmp_path / "logs" / "Acorns").iterdir()) == [
        "A1_Able_2026-09-01_2027-08-31.docx", "A1_Able_2026-09-01_2027-08-31.xlsx"]
    again = runner.invoke(app, ["generate", str(path), "--out", str(tmp_path / "logs"), "--start", "2026-09-01"])
    assert again.exit_code == 0 and "already existed and were kept" in again.output


def test_rejected_rows_exit_1_and_are_listed(tmp_path: Path) -> None:
    path = roster(tmp_path / "r.csv", [
        ["A1", "Ann Able", "Cook", "Acorns", "M", "Norfolk", "Stage 3", "n"],
        ["A2", "", "Cook", "Acorns", "M", "Norfolk", "Stage 3", "n"],
    ])
    result = runner.invoke(app, ["generate", str(path), "--out", str(tmp_path / "logs")])
    assert result.exit_code == 1
    assert "Row 3 (A2)" in result.output and "roster-errors.csv" in result.output
    assert (tmp_path / "logs" / "roster-errors.csv").is_file()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not a roster spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600,
         "password"),
        (b"Name,Role\nAnn,Cook\n", "Staff ID"),
    ],
    ids=["empty", "pdf", "encrypted", "missing-columns"],
)
def test_unusable_roster_is_one_sentence_and_exit_3(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    result = runner.invoke(app, ["generate", str(path), "--out", str(tmp_path / "logs")])
    assert result.exit_code == 3, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "logs").exists() or not any((tmp_path / "logs").rglob("*.docx"))


def test_missing_roster_file_exit_3(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 3 and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf"], "--format 'pdf' is not understood"),
    (["--start", "31/02/2026"], "--start '31/02/2026' is not a date"),
])
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    path = roster(tmp_path / "r.csv", [["A1", "Ann Able", "Cook", "Acorns", "M", "Norfolk", "Stage 3", "n"]])
    result = runner.invoke(app, ["generate", str(path), *args])
    assert result.exit_code == 2 and message in result.output


def test_broken_framework_exits_2_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\ntitle: Bad\nlevel_label: Stage\nrefresher:\n  years: 30\n  designated_lead_years: 2\n"
                    "levels:\n  - id: '1'\n    name: Stage 1\n", encoding="utf-8")
    result = runner.invoke(app, ["frameworks", "validate", str(path)])
    assert result.exit_code == 2
    assert "bad.yaml, line 5, field 'refresher.years'" in result.output


def test_a_broken_framework_in_the_folder_stops_generation_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    (folder / "x.yaml").write_text("id: x\ntitle: X\n", encoding="utf-8")
    monkeypatch.setenv("SGLOGS_FRAMEWORKS_DIR", str(folder))
    path = roster(tmp_path / "r.csv", [["A1", "Ann Able", "Cook", "Acorns", "M", "x", "1", "n"]])
    result = runner.invoke(app, ["generate", str(path)])
    assert result.exit_code == 2 and "x.yaml" in result.output and "field 'level_label'" in result.output


def test_bad_setting_exits_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SGLOGS_GENERATE__PERIOD_MONTHS", "0")
    result = runner.invoke(app, ["frameworks", "list"])
    assert result.exit_code == 4 and "generate.period_months" in result.output


def test_frameworks_list_show_export(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["frameworks", "list"])
    assert listed.exit_code == 0 and "norfolk-nscp-2024" in listed.output and "lscp-pa3" in listed.output
    shown = runner.invoke(app, ["frameworks", "show", "norfolk-nscp-2024", "--level", "9"])
    assert shown.exit_code == 0
    assert "Have knowledge of LADO processes." in shown.output and "(from Stage 3)" in shown.output
    assert runner.invoke(app, ["frameworks", "show", "nope"]).exit_code == 2
    exported = runner.invoke(app, ["frameworks", "export", "london", "--csv"])
    assert exported.exit_code == 0 and exported.output.startswith("framework_id,level,competency_id,text")


def test_import_writes_yaml_that_validates(tmp_path: Path) -> None:
    table = tmp_path / "llr.csv"
    table.write_text("Framework,Level/Group,Competency ID,Text,Core|Additional\n"
                     "llr-example,1,C1,Example core,core\nllr-example,1,A1,Example additional,additional\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["frameworks", "import", str(table), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["frameworks", "validate", str(tmp_path / "llr-example.yaml")]).exit_code == 0
    again = runner.invoke(app, ["frameworks", "import", str(table), "--out", str(tmp_path)])
    assert again.exit_code == 2 and "--force" in again.output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = runner.invoke(app, ["--debug", "generate", str(path)])
    assert result.exit_code != 0 and result.exception is not None


def test_console_script_runs_as_a_subprocess(tmp_path: Path) -> None:
    """End to end through ``python -m sglogs``: stdout carries data only, errors go to stderr."""
    done = subprocess.run([sys.executable, "-m", "sglogs", "frameworks", "export", "lscp-pa3", "--csv"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("framework_id,") and done.stderr == ""
    missing = subprocess.run([sys.executable, "-m", "sglogs", "generate", str(tmp_path / "none.csv")],
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 3 and missing.stdout == "" and "Error:" in missing.stderr
    assert "Traceback" not in missing.stderr
