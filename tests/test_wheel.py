"""The built wheel works outside the checkout: installed in a fresh venv, run from an empty folder (issue 12).

Builds the wheel (``pip wheel --no-deps``), installs it into a new virtual environment (its dependencies from the
configured index, PyPI in CI), and from an empty temporary folder runs init, generate, read, review, watch --once,
register, bundle and verify with no access to the checkout (no PYTHONPATH, another working folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from sglogs.config import PROJECT_DIR

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in ok, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_the_installed_wheel_runs_the_whole_cycle_from_an_empty_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SGLOGS_", "PYTHON", "VIRTUAL_ENV"))}
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(PROJECT_DIR)], tmp_path, env)
    [wheel] = dist.glob("sglogs-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)], tmp_path, env)
    sglogs = str(env_dir / "bin" / "sglogs")
    work = tmp_path / "empty"
    work.mkdir()
    where = _run([str(python), "-c", "import sglogs; print(sglogs.__file__)"], work, env)
    assert str(PROJECT_DIR) not in where and str(env_dir) in where, "the checkout must not be importable"
    given = tmp_path / "given"  # what a user brings: a roster and a completed log, outside the working folder
    given.mkdir()
    shutil.copy(PROJECT_DIR / "examples" / "roster.xlsx", given)
    completed = shutil.copy(PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.xlsx", given)

    assert "Next:" in _run([sglogs, "init"], work, env)
    assert "nothing was changed" in _run([sglogs, "init"], work, env)
    assert "30 people" in _run([sglogs, "generate", str(given / "roster.xlsx"), "--start", "01/01/2026"], work, env)
    assert "Amelia Hartley (NS001)" in _run([sglogs, "read", str(completed)], work, env)
    _run([sglogs, "review", completed, "--out", "outbox/reviews"], work, env, ok=(0, 1))
    shutil.copy(PROJECT_DIR / "examples" / "completed" / "NS001_Hartley_completed.docx", work / "inbox")
    assert "1 done" in _run([sglogs, "watch", "--once"], work, env)
    assert (work / "outbox" / ".sglogs" / "journal.sqlite3").is_file()
    _run([sglogs, "register", "--roster", str(given / "roster.xlsx"), "--as-of", "2026-12-20"], work, env)
    assert (work / "outbox" / "register.xlsx").is_file()
    _run([sglogs, "bundle", "--all", "--out", "outbox/bundles/b.zip"], work, env)
    assert "OK: all" in _run([sglogs, "verify", "outbox/bundles/b.zip"], work, env)
