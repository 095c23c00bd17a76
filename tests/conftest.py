"""Shared fixtures: the shipped frameworks and settings that write into a temporary outbox."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sglogs.config import PROJECT_DIR, Settings, load_settings
from sglogs.frameworks import installed_frameworks
from sglogs.models import Framework

#: The throw-away PostgreSQL cluster and the store_url fixture (both databases); see tests/pg.py.
pytest_plugins = ["tests.pg"]

SEEDS = PROJECT_DIR.parent / "shared" / "seeds"
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never pick up a developer's sglogs.toml or SGLOGS_* variables."""
    for key in list(os.environ):
        if key.startswith("SGLOGS_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def frameworks() -> dict[str, Framework]:
    return installed_frameworks(None)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(outbox=tmp_path / "outbox", organisation="Sunflower Nursery & Pre-school")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice; tests that render PDFs are skipped where it is not installed."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.skip("LibreOffice is not installed (make test installs it where apt-get is available)")
    return path
