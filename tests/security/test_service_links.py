"""The planted-link attacks against the real service: ``sglogs watch --once`` as its own process (issue 15.2).

A manager who can write to the outbox plants ``logs/roster-errors.csv`` as a link to the service's journal, or
replaces ``reviews`` with a link to a folder outside the outbox, then drops a file into the inbox.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sglogs.config import PROJECT_DIR
from tests.service_helpers import CLI, roster_csv, service_env

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name == "nt", reason="symbolic links")]


def _watch_once(tmp: Path) -> subprocess.CompletedProcess[str]:
    args = ["watch", "--once", "--inbox", str(tmp / "inbox"), "--outbox", str(tmp / "outbox")]
    return subprocess.run([sys.executable, "-W", "error", "-c", CLI, *args], env=service_env(tmp), cwd=tmp,
                          capture_output=True, text=True, timeout=240, check=False)


def _notes(outbox: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (outbox / "rejected").rglob("*.error.txt"))


def test_service_keeps_its_journal_when_roster_errors_csv_is_a_link_to_it(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    first = _watch_once(tmp_path)  # makes the journal
    assert first.returncode == 0, first.stderr
    journal = tmp_path / "journal" / "journal.sqlite3"
    logs = tmp_path / "outbox" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "roster-errors.csv").symlink_to(journal)
    (tmp_path / "inbox" / "roster.csv").write_bytes(roster_csv([("S1", "Ann Able"), ("S1", "Duplicate Id")]))
    second = _watch_once(tmp_path)
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr
    with sqlite3.connect(journal) as db:  # still a database: it was not overwritten with CSV text
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "roster-errors.csv is a link" in _notes(tmp_path / "outbox")
    third = _watch_once(tmp_path)  # and the next start works
    assert third.returncode == 0 and "Traceback" not in third.stderr, third.stderr


def test_service_writes_no_review_through_a_linked_reviews_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / "reviews").symlink_to(elsewhere, target_is_directory=True)
    (tmp_path / "inbox").mkdir()
    shutil.copy(PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.xlsx", tmp_path / "inbox")
    result = _watch_once(tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert list(elsewhere.iterdir()) == []
    assert "reviews is a link" in _notes(tmp_path / "outbox")
