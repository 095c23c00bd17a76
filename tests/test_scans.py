"""Paper logs (issue 18): generated logs printed by LibreOffice, rasterised, damaged as copiers and phones damage
them, come back to the right person: identity on every page, pages grouped by log, OCR with confidences, safe
limits, and through the watched folder into the register and a bundle."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from sglogs.checks import check_log
from sglogs.config import Settings, load_settings
from sglogs.errors import DamagedFileError, ImageTooLargeError, NoPageCodeError
from sglogs.models import LogFileFormat
from sglogs.read.log import read_logs
from sglogs.read.sniff import sniff
from sglogs.review import review_logs
from sglogs.verdicts import readiness
from tests import scans
from tests.service_helpers import ServiceProcess, inbox_empty, reap_services, service_env, wait_until

CLI = "import sys; from sglogs.cli import main; sys.argv[0] = 'sglogs'; sys.exit(main())"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (make test installs it where apt-get is available)")
    tmp = tmp_path_factory.mktemp("printed")
    return scans.printed_logs(tmp, load_settings(outbox=tmp / "outbox"), soffice)


def _fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"read": settings.read.model_copy(update={"ocr": False})})


# ------------------------------------------------------------------------------------------ no LibreOffice


def test_an_image_is_a_scan_and_a_bomb_is_refused_in_one_sentence(tmp_path: Path, settings: Settings) -> None:
    photo = tmp_path / "photo.png"
    Image.new("L", (50, 50), 255).save(photo)
    assert sniff(photo).format is LogFileFormat.SCAN
    with pytest.raises(NoPageCodeError, match="no page shows a readable sglogs QR code"):
        read_logs(photo, _fast(settings))
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12_000, 12_000)).save(bomb)  # 144 megapixels in a few kilobytes
    small = settings.model_copy(update={"read": settings.read.model_copy(update={"max_image_megapixels": 50})})
    with pytest.raises(ImageTooLargeError, match=r"more than 50 megapixels.*read.max_image_megapixels") as caught:
        read_logs(bomb, small)
    assert caught.value.message.count(". ") == 0 and caught.value.exit_code == 3


@pytest.mark.parametrize(("quirk", "kind", "cut"), [
    ("png-cut-in-first-chunk", "PNG", 20),  # Pillow fails while opening: "Truncated File Read"
    ("jpeg-cut-in-header", "JPEG", 60),
    ("png-cut-mid-image", "PNG", 100),  # opens, fails while decoding: "image file is truncated"
    ("tiff-cut-in-half", "TIFF", 0),
])
def test_a_cut_short_image_is_refused_as_damaged_not_retried(quirk: str, kind: str, cut: int, tmp_path: Path,
                                                             settings: Settings) -> None:
    # Pillow's OSError here has no errno: the file's fault (DamagedFileError), never a full disk retried forever
    whole = io.BytesIO()
    Image.new("L", (300, 300), 128).save(whole, kind)
    data = whole.getvalue()
    scan = tmp_path / f"{quirk}.{kind.lower()}"
    scan.write_bytes(data[: cut or len(data) // 2])
    with pytest.raises(DamagedFileError, match=r"is a damaged image that cannot be decoded; scan") as caught:
        read_logs(scan, _fast(settings))
    assert caught.value.exit_code == 3


# ------------------------------------------------------------------------------------------ printed pages


def _damaged(printed: dict) -> dict[str, list[tuple[str, Image.Image]]]:
    """Every printed page of both logs under each kind of damage: kind -> [(staff id, page)]."""
    kinds = {"clean": lambda p, i: p, "noise": lambda p, i: scans.noisy(p, i),
             "skew +5": lambda p, i: scans.skewed(p, 5), "skew -5": lambda p, i: scans.skewed(p, -5),
             "turned 90": lambda p, i: scans.turned(p, 90), "turned 180": lambda p, i: scans.turned(p, 180),
             "jpeg q30": lambda p, i: scans.jpeg(p, 30), "phone photo": lambda p, i: scans.phone_photo(p, i)}
    return {kind: [(staff, damage(page, i)) for staff, (_, pages) in printed.items()
                   for i, page in enumerate(pages)] for kind, damage in kinds.items()}


@pytest.mark.libreoffice
@pytest.mark.slow
def test_identity_is_found_on_99_percent_of_damaged_pages(printed: dict, tmp_path: Path, settings: Settings) -> None:
    found, total = Counter(), Counter()
    for kind, pages in _damaged(printed).items():
        for n, (staff, page) in enumerate(pages):
            path = tmp_path / f"{kind}-{n}.png".replace(" ", "_")
            page.save(path)
            total[kind] += 1
            try:
                logs = read_logs(path, _fast(settings))
            except NoPageCodeError:
                continue
            found[kind] += logs[0].staff.id == staff and logs[0].paper_pages[0].code_found
    for kind in total:
        print(f"{kind}: {found[kind]}/{total[kind]}")  # the rate per damage kind (pytest -s)
    assert sum(found.values()) >= 0.99 * sum(total.values()), dict(found)


@pytest.mark.libreoffice
def test_shuffled_turned_pages_of_two_logs_in_one_pdf_are_grouped(printed: dict, tmp_path: Path,
                                                                  settings: Settings) -> None:
    (a_id, a), (b_id, b) = printed["PS001"], printed["PS002"]
    pages = [scans.turned(b[1], 180), a[0], scans.skewed(a[1], 4), b[0], scans.code_blacked_out(a[2]),
             scans.jpeg(b[2], 40)]
    scan = scans.as_pdf(pages, tmp_path / "copier.pdf")
    logs = read_logs(scan, _fast(settings))
    assert [log.staff.id for log in logs] == ["PS002", "PS001"]
    assert [p.source_page for p in logs[0].paper_pages] == [1, 4, 5, 6]  # page 5 follows its neighbour
    assert [p.code_found for p in logs[0].paper_pages] == [True, True, False, True]
    assert any("page 5 of copier.pdf has no readable QR code" in w for w in logs[0].warnings)
    assert logs[0].paper_pages[0].rotation == 180
    assert logs[0].log_id == b_id.log_id and logs[1].period.start == a_id.period_start
    findings = check_log(logs[1], settings.checks)
    assert "PAPER_NEEDS_KEYING" in {f.code for f in findings}
    assert readiness(findings).value != "ready"


@pytest.mark.libreoffice
def test_review_keeps_the_pages_and_a_keying_sheet_private(printed: dict, tmp_path: Path,
                                                           settings: Settings) -> None:
    _, a = printed["PS001"]
    scan = scans.as_tiff([a[0], scans.turned(a[1], 90)], tmp_path / "scanner.tiff")
    results = review_logs(scan, _fast(settings), out_dir=tmp_path / "reviews")
    assert [r.staff_id for r in results] == ["PS001"] and results[0].ready is False
    names = sorted(p.name for p in results[0].outputs)
    assert sum(n.endswith(".png") for n in names) == 2 and any(n.endswith("_keying.xlsx") for n in names)
    for path in results[0].outputs:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    evidence = json.loads(next(p for p in results[0].outputs if p.name.endswith("_evidence.json")).read_text())
    assert evidence["log"]["source"]["format"] == "scan" and "image_png" not in json.dumps(evidence)
    assert evidence["findings"][0]["message"].startswith("Paper log received")


@pytest.mark.libreoffice
@pytest.mark.slow
def test_ocr_values_carry_confidences_and_weak_lines_are_left_empty(printed: dict, tmp_path: Path,
                                                                   settings: Settings) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed (make ocr installs it where apt-get is available)")
    _, a = printed["PS001"]
    page = scans.handwriting(scans.handwriting(a[0], ["Attended LSCP briefing on neglect"], typed=True, top=0.45),
                             ["14/03/26 read the local thresholds guidance"], top=0.62)
    path = tmp_path / "filled.jpg"
    page.save(path, quality=50)
    log = read_logs(path, settings)[0]
    lines = log.paper_pages[0].ocr
    assert lines and all(0 <= line.confidence <= 100 for line in lines)
    assert any("LSCP briefing" in line.text for line in lines)
    weak = [line for line in lines if line.confidence < settings.read.ocr_min_confidence]
    assert all(line.text == "" for line in weak)
    assert sum("left empty" in w for w in log.warnings) == len(weak)
    assert not log.entries  # nothing is invented from OCR


# ------------------------------------------------------------------------------------------ end to end


@pytest.mark.libreoffice
@pytest.mark.slow
def test_scans_and_phone_photos_reach_the_register_and_a_bundle_through_the_service(
        printed: dict, tmp_path: Path) -> None:
    (_, a), (_, b) = printed["PS001"], printed["PS002"]
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    staging = tmp_path / "staging"
    staging.mkdir()
    scans.as_pdf([scans.turned(b[1], 180), a[1], a[0], scans.skewed(b[0], -3)], staging / "copier scan.pdf")
    scans.phone_photo(b[2], 3).save(staging / "IMG_0001.jpg", quality=60)
    env = {**service_env(tmp_path, settle_seconds=0.4), "SGLOGS_READ__OCR": "false"}
    service = ServiceProcess(["--inbox", str(inbox), "--outbox", str(outbox)], env, tmp_path / "service.log",
                             tmp_path)
    try:
        wait_until(service.started, 30, "the service to start")
        for path in staging.iterdir():
            os.replace(path, inbox / path.name)
        wait_until(lambda: len(list(outbox.rglob("*_evidence.json"))) >= 3, 120, "three paper logs reviewed")
        wait_until(lambda: inbox_empty(inbox), 30, "the scans filed")
        assert service.terminate() == 0
    finally:
        reap_services()
    log_text = (tmp_path / "service.log").read_text()
    assert "Traceback" not in log_text and "Amelia" not in log_text
    staff = sorted(json.loads(p.read_text())["log"]["staff"]["id"] for p in outbox.rglob("*_evidence.json"))
    assert staff == ["PS001", "PS002", "PS002"]
    cli = [sys.executable, "-W", "error", "-c", CLI]
    subprocess.run([*cli, "register", "--outbox", str(outbox), "--out", str(tmp_path / "register.xlsx")],
                   check=True, capture_output=True, env=env, cwd=tmp_path, timeout=120)
    sheet = load_workbook(tmp_path / "register.xlsx", read_only=True).worksheets[0]
    ids = {str(row[0]) for row in sheet.iter_rows(values_only=True)}
    assert {"PS001", "PS002"} <= ids
    bundle = tmp_path / "paper.zip"
    subprocess.run([*cli, "bundle", "--all", "--outbox", str(outbox), "--out", str(bundle)],
                   check=True, capture_output=True, env=env, cwd=tmp_path, timeout=120)
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        # the original as received (its name made safe for every unzip tool) and the pages it was read from
        assert sum(n.endswith("/original/copier-scan.pdf") for n in names) == 2, names  # PS001's and PS002's
        assert any(n.endswith("/original/IMG_0001.jpg") for n in names), names
        assert sum(n.endswith("_page-01.png") for n in names) == 3, names
        extract = next(n for n in names if n.endswith("register-extract.xlsx"))
        rows = load_workbook(io.BytesIO(zf.read(extract)), read_only=True).worksheets[0]
        assert {"PS001", "PS002"} <= {str(v) for row in rows.iter_rows(values_only=True) for v in row}
