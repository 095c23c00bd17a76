"""File names made from people's data: ids that fold alike, reserved and over-long names, settings named like
sglogs' own folders, two logs with one log id in a review batch (issue 15.3)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import PROJECT_DIR
from sglogs.core.names import NAME_MAX_BYTES, SGLOGS_FOLDERS, fit_name, person_folder

COMPLETED = PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.xlsx"
#: Ids a roster really holds that one folding rule maps to one name ("AB-1", "Zoe1", ...).
LOOKALIKE_IDS = ("AB/1", "AB-1", "AB 1", "Zoë1", "Zoe1", "ＡＢ１", "AB１")


def _roster(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Setting", "Framework", "Level"])
        for staff_id, name, setting in rows:
            writer.writerow([staff_id, name, setting, "norfolk-nscp-2024", "3"])
    return path


def test_lookalike_staff_ids_each_get_their_own_log(tmp_path: Path) -> None:
    roster = _roster(tmp_path / "roster.csv", [(i, "Sam Smith", "Acorns") for i in LOOKALIKE_IDS])
    result = CliRunner().invoke(app, ["generate", str(roster), "--out", "logs", "--start", "01/01/2026"])
    assert result.exit_code == 0, result.output
    docx = sorted((tmp_path / "logs" / "Acorns").glob("*.docx"))
    assert len(docx) == len(LOOKALIKE_IDS), [p.name for p in docx]
    assert len({p.name.casefold() for p in docx}) == len(docx)  # apart on case-insensitive disks too
    again = CliRunner().invoke(app, ["generate", str(roster), "--out", "logs", "--start", "01/01/2026"])
    assert again.exit_code == 0 and len(list((tmp_path / "logs" / "Acorns").glob("*.docx"))) == len(docx)


def test_reserved_long_and_outbox_folder_names_are_avoided(tmp_path: Path) -> None:
    long_surname = "Featherstonehaugh-" * 20 + "Smith"
    rows = [("CON", "Con Nor", "reviews"), ("AUX", "Aux Ill", ".sglogs"), ("S3", f"Ann {long_surname}", "logs")]
    roster = _roster(tmp_path / "roster.csv", rows)
    result = CliRunner().invoke(app, ["generate", str(roster), "--out", "logs", "--start", "01/01/2026"])
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(tmp_path / "logs") for p in (tmp_path / "logs").rglob("*.docx"))
    assert len(made) == 3, made
    for path in made:
        assert path.parts[0].casefold() not in SGLOGS_FOLDERS, path
        assert path.name.split(".")[0].casefold() not in {"con", "aux"}, path  # Windows: CON, CON.docx
        assert len(path.name.encode()) + len("_action-plan.xlsx (#1234567).error.txt") <= NAME_MAX_BYTES


def test_two_logs_with_one_log_id_in_a_review_folder_keep_both_reviews(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(COMPLETED, inbox / "Hartley-first.xlsx")
    shutil.copy(COMPLETED, inbox / "Hartley-copy.xlsx")
    result = CliRunner().invoke(app, ["review", str(inbox), "--out", "reviews"])
    assert result.exit_code in (0, 1), result.output
    plans = sorted((tmp_path / "reviews").rglob("*_action-plan.xlsx"))
    evidence = sorted((tmp_path / "reviews").rglob("*_evidence.json"))
    assert len(plans) == 2 and len(evidence) == 2, plans
    sources = {json.loads(p.read_text(encoding="utf-8"))["original"]["name"] for p in evidence}
    assert sources == {"Hartley-first.xlsx", "Hartley-copy.xlsx"}  # one review per file, neither overwritten


def test_a_name_too_long_for_its_error_note_is_cut_so_the_note_fits(tmp_path: Path) -> None:
    dropped = "é" * 123 + ".docx"  # 251 bytes: the filesystem takes it, "<name>.error.txt" it would not
    (tmp_path / dropped).write_bytes(b"not a log")
    assert len(dropped.encode()) + len(".error.txt") > NAME_MAX_BYTES
    archived = fit_name(dropped)
    assert archived.endswith(".docx") and len(f"{archived} (#123456).error.txt".encode()) <= NAME_MAX_BYTES
    (tmp_path / f"{archived} (#123456).error.txt").write_text("the note fits")
    assert fit_name("é" * 122 + "x.docx") != archived  # two long names sharing their start stay apart
    assert fit_name("minutes. . ") == "minutes" and fit_name("nul.txt") == "nul_.txt"
    assert person_folder("reviews", "x") == "reviews-staff"
