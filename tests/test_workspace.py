"""``sglogs init``: a working folder in one command, made once, never overwritten (issue 12)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.config import load_settings

runner = CliRunner()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"", p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def test_init_makes_the_folder_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    first = runner.invoke(app, ["init", "site"])
    assert first.exit_code == 0, first.output
    site = tmp_path / "site"
    assert {p.name for p in site.iterdir()} == {"sglogs.toml", "README.txt", "inbox", "outbox", "frameworks"}
    assert "Next:" in first.output and "sglogs generate" in first.output
    config = tomllib.loads((site / "sglogs.toml").read_text(encoding="utf-8"))
    assert config["frameworks_dir"] == "frameworks" and "# organisation =" in (site / "sglogs.toml").read_text()
    assert "inbox/" in (site / "README.txt").read_text() and "frameworks/" in (site / "README.txt").read_text()
    before = _snapshot(site)
    again = runner.invoke(app, ["init", "site"])
    assert again.exit_code == 0 and "nothing was changed" in again.output
    assert _snapshot(site) == before


def test_init_never_overwrites_and_the_settings_it_writes_load(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "sglogs.toml").write_text('organisation = "Acorns"\n', encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sglogs.toml").read_text() == 'organisation = "Acorns"\n'
    assert "Kept as they were: sglogs.toml" in result.output and (tmp_path / "frameworks").is_dir()
    fresh = tmp_path / "fresh"
    assert runner.invoke(app, ["init", str(fresh)]).exit_code == 0
    monkeypatch.chdir(fresh)
    settings = load_settings()
    assert settings.frameworks_dir == Path("frameworks") and settings.outbox == Path("outbox")
    assert runner.invoke(app, ["frameworks", "list"]).exit_code == 0


def test_a_file_where_a_folder_goes_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "inbox").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 2 and "inbox is not a folder; move it aside" in " ".join(result.output.split())
    assert (tmp_path / "inbox").read_text() == "not a folder" and not (tmp_path / "sglogs.toml").exists()
