"""Headless Chromium for the tests that look at pages: screenshots, the rendered text, console errors, overflow.

Driven through Selenium and Debian's chromedriver (packages ``chromium`` and ``chromium-driver``, installed by
``make test`` where apt-get is available). ``browser_or_skip()`` skips the test with a message elsewhere.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)


def _find(names: tuple[str, ...]) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


def browser_or_skip() -> tuple[str, str]:
    """Paths of Chromium and chromedriver, or skip the calling test saying how to get them."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed: run make test (it installs the dev extra)")
    chromium, driver = _find(CHROMIUM_NAMES), _find(DRIVER_NAMES)
    if not chromium or not driver:
        pytest.skip("headless Chromium is not installed: apt-get install chromium chromium-driver (make test does "
                    "this where apt-get is available)")
    return chromium, driver


@dataclass
class PageCheck:
    """What the browser saw of one page at one width."""

    width: int
    text: str
    console_errors: list[str]
    overflow_px: int
    screenshot: Path
    links: list[str]


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium session (a Selenium WebDriver) with a throw-away profile, closed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = browser_or_skip()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="sglogs-chromium-")
    # the flags the machine's notes give: no sandbox as root, no background traffic on a closed network
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def look_at(driver: object, page: Path, width: int, screenshot: Path, height: int = 900) -> PageCheck:
    """Load ``page`` at ``width`` CSS pixels, save a full-page screenshot and report what was rendered."""
    driver.set_window_size(width, height)  # type: ignore[attr-defined]
    driver.get(page.resolve().as_uri())  # type: ignore[attr-defined]
    full = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(width, min(int(full) + 120, 16000))  # type: ignore[attr-defined]
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(screenshot))  # type: ignore[attr-defined]
    overflow = driver.execute_script(  # type: ignore[attr-defined]
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    text = driver.execute_script("return document.body.innerText")  # type: ignore[attr-defined]
    links = driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    errors = [entry["message"] for entry in driver.get_log("browser")  # type: ignore[attr-defined]
              if entry.get("level") in ("SEVERE", "ERROR")]
    return PageCheck(width=width, text=text, console_errors=errors, overflow_px=int(overflow),
                     screenshot=screenshot, links=list(links))


def broken_links(page: Path, links: list[str]) -> list[str]:
    """The links of ``page`` that point nowhere: a missing file, or an ``#anchor`` the page does not have."""
    html = page.read_text(encoding="utf-8")
    broken = []
    for href in links:
        if href.startswith("#"):
            if f'id="{href[1:]}"' not in html:
                broken.append(href)
        elif "://" in href or href.startswith("mailto:"):
            broken.append(href)  # an offline page links only to files beside it
        elif not (page.parent / href.split("#")[0]).is_file():
            broken.append(href)
    return broken
