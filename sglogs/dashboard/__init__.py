"""The organisation dashboard (``sglogs report``): one offline HTML page of who is compliant, who is due, and
each person's latest review with links to its documents.

``view.py`` works out what the page says from the register; ``page.py`` lays it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write_bytes
from ..models import Framework
from ..records import ReviewRecord
from ..register import RegisterRow, summary
from .page import render_page
from .view import DashboardView, dashboard_view

#: The page's file name inside the folder it is written to.
PAGE_NAME = "index.html"


@dataclass(frozen=True)
class DashboardReport:
    """What ``build_dashboard`` wrote: the page and how many people and unmatched logs are on it."""

    path: Path
    people: int
    unmatched: int


def build_dashboard(rows: Sequence[RegisterRow], records: Sequence[ReviewRecord],
                    frameworks: Mapping[str, Framework], organisation: str, today: dt.date, out: Path, *,
                    band_days: Sequence[int] = (30, 60, 90), file_mode: int = 0o600,
                    made: dt.datetime | None = None) -> DashboardReport:
    """Write the dashboard page for the register ``rows`` to ``out`` (a folder, or a ``.html`` file name).

    The page names people and links to their evidence, so it is written with the outputs' file mode.

    Example:
        >>> report = build_dashboard(rows, records, frameworks, "Acorns", dt.date(2027, 1, 15),
        ...     Path("outbox/dashboard"))  # doctest: +SKIP
        >>> report.path.name  # doctest: +SKIP
        'index.html'
    """
    path = out if out.suffix.lower() in (".html", ".htm") else out / PAGE_NAME
    view = dashboard_view(rows, summary(rows, band_days), records, frameworks, organisation, today,
                          path.parent, band_days)
    html = render_page(view, made or dt.datetime.now().astimezone())
    atomic_write_bytes(path, html.encode("utf-8"), file_mode)
    return DashboardReport(path=path, people=view.people_count, unmatched=len(view.unmatched))


__all__ = ["PAGE_NAME", "DashboardReport", "DashboardView", "build_dashboard", "dashboard_view", "render_page"]
