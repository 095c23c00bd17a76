"""Each installation keeps its own journal with its outbox, so two set-ups never share history (issue 12)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import PROJECT_DIR

COMPLETED = PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.xlsx"


@pytest.mark.slow
def test_two_set_ups_each_review_the_same_file_and_keep_their_own_journal(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("trial", "real"):
        inbox = tmp_path / name / "inbox"
        inbox.mkdir(parents=True)
        shutil.copy(COMPLETED, inbox)
        outbox = tmp_path / name / "outbox"
        result = runner.invoke(app, ["watch", "--once", "--inbox", str(inbox), "--outbox", str(outbox)])
        assert result.exit_code == 0, result.output
        assert (outbox / ".sglogs" / "journal.sqlite3").is_file()
        # the second set-up reviews the file too: it is not a duplicate of the trial's
        assert list((outbox / "reviews").rglob("*_evidence.json")), name
        assert not (outbox / "duplicates").exists() or not any((outbox / "duplicates").iterdir())
        status = runner.invoke(app, ["status", "--inbox", str(inbox), "--outbox", str(outbox)])
        assert str(outbox / ".sglogs" / "journal.sqlite3") in " ".join(status.output.split())


def test_a_journal_that_cannot_be_written_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    journal = tmp_path / "a-file" / "journal.sqlite3"
    (tmp_path / "sglogs.toml").write_text(f'[service]\njournal = "{journal}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["watch", "--once"])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"The journal {journal} cannot be opened" in message and "writable" in message
    assert "Traceback" not in message and not journal.exists()
