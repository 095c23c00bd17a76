"""The organisation dashboard (``sglogs report``) over the simulated year of ``test_register.py``.

The page must say what the register says (same people, same bands, same compliance), be safe with whatever
people typed, work offline from a copied folder, and look right in a real browser at desktop and phone widths:
headless Chromium renders it, screenshots go to ``test-output/dashboard/`` for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sglogs.cli import app
from sglogs.dashboard import build_dashboard
from sglogs.register import Band, RegisterRow, build_register, summary
from tests.browser import broken_links, chromium, look_at
from tests.test_register import ORGANISATION, TODAY, Year, simulated_year

#: Where screenshots are written for people to look at (kept out of git).
TEST_OUTPUT = Path(os.environ.get("SGLOGS_TEST_OUTPUT", Path(__file__).resolve().parent.parent / "test-output"))
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    return simulated_year(tmp_path_factory)


@pytest.fixture
def page(year: Year, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The dashboard written by the CLI into a copy of the year's outbox."""
    outbox = tmp_path / "outbox"
    shutil.copytree(year.settings.outbox / "reviews", outbox / "reviews")
    monkeypatch.setenv("SGLOGS_OUTBOX", str(outbox))
    monkeypatch.setenv("SGLOGS_ORGANISATION", ORGANISATION)
    result = CliRunner().invoke(app, ["report", "--roster", str(year.roster), "--as-of", TODAY.strftime("%d/%m/%Y")])
    assert result.exit_code == 0, result.output
    path = outbox / "dashboard" / "index.html"
    assert result.stdout == f"{path}\n"
    return path


def _text(page: Path) -> str:
    """The page's visible text, roughly: tags, the style and the script removed, entities decoded."""
    source = page.read_text(encoding="utf-8")
    source = re.sub(r"<(style|script)\b.*?</\1>", " ", source, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", source))


def _register(year: Year) -> list[RegisterRow]:
    return build_register(year.people, year.records, year.frameworks, year.settings, TODAY)


def test_the_page_says_what_the_register_says(year: Year, page: Path) -> None:
    rows = _register(year)
    overall = summary(rows).overall
    text = " ".join(_text(page).split())
    assert stat.S_IMODE(page.stat().st_mode) == 0o600  # it names people and links to their evidence
    assert f"{overall.compliant} of {overall.people} people compliant ({overall.percent_compliant:.0f}%)" in text
    assert ORGANISATION in text and "figures as at 15 January 2027" in text
    for row in rows:
        assert row.name in text
    overdue = [r.name for r in rows if r.band is Band.OVERDUE]
    assert overdue, "the simulated year has people whose refresher is overdue"
    section = text.split("Refresher training overdue", 1)[1].split("Due within 30 days", 1)[0]
    assert all(name in section for name in overdue)
    assert f"Refresher training overdue ({len(overdue)})" in text
    assert not ISO_DATE.search(text), ISO_DATE.search(text)
    assert "norfolk-nscp-2024" not in text and "NSCP Safeguarding Children Competencies Framework 2024" in text


def test_people_text_is_escaped_never_markup(tmp_path: Path) -> None:
    hostile = '<img src=x onerror="alert(1)">'
    row = RegisterRow(staff_id='X"1', name=f"Ann {hostile}", setting="</table><script>alert(2)</script>",
                      role="=HYPERLINK(\"http://example.invalid\")", framework="london", level="2",
                      band=Band.UNKNOWN, notes=("<b>note</b>",))
    report = build_dashboard([row], [], {}, "Acorns & <Co>", TODAY, tmp_path)
    source = report.path.read_text(encoding="utf-8")
    assert hostile not in source and "<script>alert(2)" not in source and "<b>note</b>" not in source
    assert "Ann &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in source
    assert "Acorns &amp; &lt;Co&gt;" in source
    assert "http://" not in source.split("<body>", 1)[1].replace("http://example.invalid", "")


def test_links_are_relative_and_survive_a_copy(page: Path, tmp_path: Path) -> None:
    hrefs = re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
    assert hrefs and not [h for h in hrefs if h.startswith(("/", "file:")) or "://" in h]
    assert broken_links(page, hrefs) == []
    copy = tmp_path / "share" / "copied-outbox"
    shutil.copytree(page.parent.parent, copy)
    assert broken_links(copy / "dashboard" / "index.html", hrefs) == []
    documents = [h for h in hrefs if not h.startswith("#")]
    assert any(h.endswith("_signoff.docx") for h in documents)


def test_an_empty_outbox_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SGLOGS_OUTBOX", str(tmp_path / "empty"))
    result = CliRunner().invoke(app, ["report"])
    assert result.exit_code == 2 and "There is no one to report on" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("width", [1280, 390])
def test_in_a_real_browser(year: Year, page: Path, width: int) -> None:
    with chromium() as driver:
        seen = look_at(driver, page, width, TEST_OUTPUT / "dashboard" / f"dashboard-{width}.png")
        assert seen.console_errors == []
        assert seen.overflow_px <= 0, f"the page is {seen.overflow_px} px wider than a {width} px screen"
        assert broken_links(page, seen.links) == []
        rows = _register(year)
        assert "Safeguarding competency dashboard" in seen.text
        assert all(row.name in seen.text for row in rows)
        # the find box filters the list of people as a person types
        one = rows[0]
        box = driver.find_element("id", "find")  # type: ignore[attr-defined]
        box.send_keys(one.name)
        visible = driver.execute_script(  # type: ignore[attr-defined]
            "return Array.from(document.querySelectorAll('table.people tbody tr')).filter(r => !r.hidden)"
            ".map(r => r.innerText)")
        assert visible and all(one.name in text for text in visible)
    assert seen.screenshot.stat().st_size > 10_000


def test_the_page_can_be_written_under_a_file_name(year: Year, tmp_path: Path) -> None:
    rows = _register(year)
    report = build_dashboard(rows, year.records, year.frameworks, ORGANISATION, dt.date(2027, 1, 15),
                             tmp_path / "page.html")
    assert report.path == tmp_path / "page.html" and report.people == len(rows)
