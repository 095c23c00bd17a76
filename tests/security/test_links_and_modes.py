"""Links planted in output folders, and folders or files that come out wider than the configured mode (15.2).

Each attack is a real set-up on disk: a manager who can write to their outbox plants ``roster-errors.csv`` as a
link to the service's journal, or replaces ``reviews`` with a link to a folder outside the outbox; then the CLI
runs, and the service's own per-file pipeline (``sglogs.dispatch.process_file``) handles the dropped file.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import PROJECT_DIR, load_settings
from sglogs.dispatch import OutboxLayout, process_file
from sglogs.errors import UnsafeOutputError
from sglogs.files import atomic_write_bytes, make_folders
from tests.service_helpers import roster_csv

COMPLETED = PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.xlsx"
BAD_ROSTER = roster_csv([("S1", "Ann Able"), ("S1", "Duplicate Id")])  # the second row is a roster error
pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links and POSIX modes")


def _journal(folder: Path) -> tuple[Path, bytes]:
    folder.mkdir(parents=True)
    journal = folder / "journal.sqlite3"
    content = b"SQLite format 3\x00" + bytes(range(256)) * 8
    journal.write_bytes(content)
    return journal, content


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_cli_refuses_a_roster_errors_file_planted_as_a_link_to_the_journal(tmp_path: Path) -> None:
    journal, content = _journal(tmp_path / "state")
    out = tmp_path / "outbox" / "logs"
    out.mkdir(parents=True)
    (out / "roster-errors.csv").symlink_to(journal)
    (tmp_path / "roster.csv").write_bytes(BAD_ROSTER)
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "roster.csv"), "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert "is a link" in result.output and "Traceback" not in result.output
    assert journal.read_bytes() == content


def test_service_refuses_the_planted_roster_errors_link_and_says_why(tmp_path: Path) -> None:
    journal, content = _journal(tmp_path / "state")
    layout = OutboxLayout(tmp_path / "outbox")
    layout.logs.mkdir(parents=True)
    (layout.logs / "roster-errors.csv").symlink_to(journal)
    dropped = tmp_path / "work" / "roster.csv"
    dropped.parent.mkdir()
    dropped.write_bytes(BAD_ROSTER)
    outcome = process_file(dropped, load_settings(outbox=layout.root), layout)
    assert not outcome.accepted and outcome.error_kind == "UnsafeOutputError"
    assert "roster-errors.csv is a link" in (outcome.message or "")
    assert journal.read_bytes() == content


def test_a_reviews_folder_that_is_a_link_is_refused_by_cli_and_service(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "reviews").symlink_to(elsewhere, target_is_directory=True)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(COMPLETED, inbox / "NS001.xlsx")
    result = CliRunner().invoke(app, ["review", str(inbox / "NS001.xlsx"), "--out", str(outbox / "reviews")])
    assert result.exit_code == 3 and "is a link" in result.output, result.output
    outcome = process_file(inbox / "NS001.xlsx", load_settings(outbox=outbox), OutboxLayout(outbox))
    assert not outcome.accepted and "is a link" in (outcome.message or "")
    assert list(elsewhere.iterdir()) == []


def test_a_person_folder_planted_as_a_link_inside_reviews_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    reviews = tmp_path / "outbox" / "reviews"
    reviews.mkdir(parents=True)
    (reviews / "NS001").symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(app, ["review", str(COMPLETED), "--out", str(reviews)])
    assert result.exit_code == 3 and "is a link" in result.output, result.output
    assert list(elsewhere.iterdir()) == []


def test_folders_sglogs_makes_get_the_configured_mode_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: what made 0755 folders before
    try:
        runner = CliRunner()
        shutil.copy(COMPLETED, tmp_path / "NS001.xlsx")
        assert runner.invoke(app, ["review", str(tmp_path / "NS001.xlsx"), "--out", "a/b"]).exit_code in (0, 1)
        assert runner.invoke(app, ["review", str(tmp_path / "NS001.xlsx")]).exit_code in (0, 1)  # outbox/reviews
        result = runner.invoke(app, ["register", "--out", "c/d/x.xlsx", "--as-of", "2026-12-20"])
        assert result.exit_code == 0, result.output
    finally:
        os.umask(old)
    for folder in ("a", "a/b", "a/b/NS001", "outbox", "outbox/reviews", "c", "c/d"):
        assert _mode(tmp_path / folder) == 0o700, folder
    assert _mode(tmp_path / "c/d/x.xlsx") == 0o600


def test_roster_errors_csv_does_not_keep_an_existing_files_wider_mode(tmp_path: Path) -> None:
    out = tmp_path / "logs"
    out.mkdir()
    old = out / "roster-errors.csv"
    old.write_text("old\n")
    old.chmod(0o644)
    (tmp_path / "roster.csv").write_bytes(BAD_ROSTER)
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "roster.csv"), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert _mode(old) == 0o600 and "Duplicate Id" in old.read_text(encoding="utf-8-sig")


def test_files_writer_and_folder_maker_refuse_links_directly(tmp_path: Path) -> None:
    target = tmp_path / "victim"
    target.write_bytes(b"keep")
    (tmp_path / "out.json").symlink_to(target)
    with pytest.raises(UnsafeOutputError):
        atomic_write_bytes(tmp_path / "out.json", b"{}")
    assert target.read_bytes() == b"keep"
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "sub").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UnsafeOutputError, match="is a link"):
        make_folders(tmp_path / "root" / "sub" / "deeper", within=tmp_path / "root")
    with pytest.raises(UnsafeOutputError, match="outside"):
        make_folders(tmp_path / "root" / ".." / "escape", within=tmp_path / "root")
    assert not (tmp_path / "sub" / "deeper").exists() and not (tmp_path / "escape").exists()
