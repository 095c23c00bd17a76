"""Evidence bundles: built from real reviewed logs, holding exactly the people in scope, with a manifest that
``verify`` checks, and tampering (a changed byte, an added file, a removed file) named file by file."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import random
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from sglogs.bundle import (
    MANIFEST_NAME,
    BundleOptions,
    BundleScope,
    build_bundle,
    bundle_scope,
    safe_file_name,
    verify_bundle,
)
from sglogs.config import Settings, load_settings
from sglogs.errors import InputError, UsageError
from sglogs.generate.logs import GenerateOptions, generate_logs
from sglogs.review import review_log
from tests.simulator import fill_docx, fill_xlsx, log_competency_ids, log_period, make_entries

HEADER = ["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level", "Designated lead",
          "Additional competencies", "Period start"]
SUNFLOWER = "Sunflower Nursery & Pre-school"
HILLSIDE = "Hillside Primary"
PEOPLE = {  # staff id: (name, setting, framework, level, period start)
    "N1": ("Amelia Hartley", SUNFLOWER, "Norfolk", "Stage 4", "01/01/2026"),
    "N2": ("Grace <script>alert('x')</script> Okafor", SUNFLOWER, "norfolk-nscp-2024", "7", "01/04/2026"),
    "L1": ("Fatima Rahman", HILLSIDE, "London", "Level 2", "01/09/2026"),
    "L2": ("Oliver Grant", HILLSIDE, "London", "Level 3", "01/09/2025"),
    "P1": ("Zoë O'Brien", "Brook Street Youth Club", "PA3", "Level 5", "01/01/2026"),
}
REVIEWED_ON = {"N1": dt.date(2026, 12, 10), "N2": dt.date(2027, 3, 20), "L1": dt.date(2027, 8, 20),
               "L2": dt.date(2026, 8, 25), "P1": dt.date(2026, 12, 15)}
CREATED = dt.datetime(2027, 9, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``logs/`` (five people in three settings, two logs filled in) and ``outbox/reviews/``."""
    root = tmp_path_factory.mktemp("reviewed")
    roster = root / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for sid, (name, setting, framework, level, start) in PEOPLE.items():
            writer.writerow([sid, name, "Practitioner", setting, "Priya Shah", framework, level, "n", "", start])
    settings = load_settings(outbox=root / "outbox")
    generate_logs(GenerateOptions(roster=roster, out=root / "logs"), settings, today=dt.date(2025, 8, 1))
    logs = {p.name.split("_")[0]: p for p in sorted((root / "logs").rglob("*.docx"))}
    xlsx = next((root / "logs").rglob("L1_*.xlsx"))
    for path, fill, seed in ((logs["N1"], fill_docx, 1), (xlsx, fill_xlsx, 2)):
        rows = make_entries(random.Random(seed), log_competency_ids(path), *log_period(path), 8)
        fill(path, rows, {"signoff"}, seed=seed)
    for sid in PEOPLE:
        review_log(xlsx if sid == "L1" else logs[sid], settings, out_dir=settings.outbox / "reviews",
                   today=REVIEWED_ON[sid])
    return root


@pytest.fixture
def outbox(reviewed: Path, tmp_path: Path) -> tuple[Settings, Path]:
    """A private copy of the reviewed data (tests may remove or move originals), and its settings."""
    shutil.copytree(reviewed, tmp_path / "data")
    root = tmp_path / "data"
    for evidence in (root / "outbox" / "reviews").rglob("*_evidence.json"):
        # the review recorded where the original was: point it at this copy
        text = evidence.read_text(encoding="utf-8").replace(str(reviewed), str(root))
        evidence.write_text(text, encoding="utf-8")
    return load_settings(outbox=root / "outbox"), root


def build(settings: Settings, out: Path, **scope: object) -> object:
    return build_bundle(BundleOptions(scope=bundle_scope(**scope), out=out), settings, now=CREATED)  # type: ignore[arg-type]


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(MANIFEST_NAME))


def staff_folders(path: Path) -> set[str]:
    return {name.split("/")[0] for name in members(path) if "/" in name}


def rewrite(path: Path, out: Path, *, change: str | None = None, drop: str | None = None,
            add: tuple[str, bytes] | None = None) -> Path:
    """Copy a bundle member by member (CRCs recomputed, as a zip tool would), changing, dropping or adding one."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            data = src.read(info)
            if info.filename == change:
                data = data[:10] + bytes([data[10] ^ 0x01]) + data[11:]
            dst.writestr(info, data)
        if add:
            dst.writestr(*add)
    return out


@pytest.fixture
def cli_app() -> typer.Typer:
    """The real ``sglogs`` app."""
    from sglogs.cli import app

    return app


# ------------------------------------------------------------------------------------------------ scope


@pytest.mark.parametrize(("scope", "expected"), [
    ({"setting": SUNFLOWER}, {"N1", "N2"}),
    ({"setting": "  hillside   PRIMARY "}, {"L1", "L2"}),
    ({"setting": "HillsidePrimary"}, {"L1", "L2"}),
    ({"staff_ids": ["P1", "N2"]}, {"P1", "N2"}),
    ({"everyone": True}, set(PEOPLE)),
])
def test_bundle_holds_exactly_the_people_in_scope(outbox: tuple[Settings, Path], tmp_path: Path,
                                                  scope: dict, expected: set[str]) -> None:
    settings, _ = outbox
    out = tmp_path / "bundle.zip"
    report = build(settings, out, **scope)
    assert staff_folders(out) == expected
    assert report.people == len(expected) and report.logs == len(expected) and not report.missing
    content = members(out)
    # nobody else anywhere: not in a path, the index, the register extract, the manifest or any evidence JSON
    outsiders = set(PEOPLE) - expected
    texts = {name: data.decode("utf-8") for name, data in content.items() if name.endswith((".json", ".html"))}
    for sid in outsiders:
        name = PEOPLE[sid][0]
        for member, text in texts.items():
            assert f"{sid}-20" not in text and f'"{sid}"' not in text, (sid, member)
            assert name.split()[-1] not in text, (name, member)
    register_rows = list(load_workbook(io.BytesIO(content["register-extract.xlsx"]))["Register extract"].values)
    assert sorted(row[0] for row in register_rows[1:]) == sorted(expected)
    assert manifest(out)["scope"]["kind"] == BundleScope(**{k: (tuple(v) if isinstance(v, list) else v)
                                                            for k, v in scope.items()}).kind.value


def test_staff_ids_are_exact_and_unmatched_ids_are_reported(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, _ = outbox
    report = build(settings, tmp_path / "b.zip", staff_ids=["n1", "L1", "X9"])
    assert staff_folders(tmp_path / "b.zip") == {"L1"}
    assert report.unmatched_staff == ("n1", "X9")
    with pytest.raises(UsageError, match="No reviewed log"):
        build(settings, tmp_path / "c.zip", staff_ids=["n1"])
    assert not (tmp_path / "c.zip").exists() and not list(tmp_path.glob(".~sglogs-*"))
    with pytest.raises(UsageError, match=r"settings with reviews: Brook Street Youth Club, Hillside Primary, "):
        build(settings, tmp_path / "c.zip", setting="Hillside Secondary")
    (tmp_path / "folder.zip").mkdir()
    with pytest.raises(UsageError, match="is a folder"):
        build(settings, tmp_path / "folder.zip", everyone=True)


@pytest.mark.parametrize(("window", "expected"), [
    ({"date_from": dt.date(2026, 12, 1)}, {"N1", "N2", "L1", "P1"}),  # L2's log ended on 2026-08-31
    ({"date_to": dt.date(2026, 3, 31)}, {"N1", "L2", "P1"}),  # N2 starts 2026-04-01, L1 2026-09-01
    ({"date_from": dt.date(2026, 9, 1), "date_to": dt.date(2026, 9, 1)}, {"N1", "N2", "L1", "P1"}),
    ({"date_from": dt.date(2026, 8, 31), "date_to": dt.date(2026, 8, 31)}, {"N1", "N2", "L2", "P1"}),  # both ends in
    ({"date_from": dt.date(2027, 8, 31)}, {"L1"}),  # the last day of L1's period
])
def test_from_and_to_keep_logs_whose_period_overlaps(outbox: tuple[Settings, Path], tmp_path: Path, window: dict,
                                                     expected: set[str]) -> None:
    settings, _ = outbox
    build(settings, tmp_path / "b.zip", everyone=True, **window)
    assert staff_folders(tmp_path / "b.zip") == expected
    assert manifest(tmp_path / "b.zip")["scope"]["date_from"] == (str(window["date_from"]) if "date_from" in window
                                                                  else None)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "exactly one of --setting, --staff and --all"),
    ({"setting": "A", "everyone": True}, "exactly one of"),
    ({"setting": "A", "staff_ids": ["N1"]}, "exactly one of"),
    ({"setting": "   "}, "--setting is empty"),
    ({"everyone": True, "date_from": dt.date(2026, 2, 1), "date_to": dt.date(2026, 1, 1)}, "after --to"),
])
def test_scope_mistakes_are_usage_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        bundle_scope(**kwargs)
    assert caught.value.message.endswith(".") and "\n" not in caught.value.message


def test_a_bundle_of_an_outbox_with_no_reviews_says_to_review_first(tmp_path: Path) -> None:
    settings = load_settings(outbox=tmp_path / "outbox")
    with pytest.raises(UsageError) as caught:
        build(settings, tmp_path / "b.zip", everyone=True)
    assert caught.value.message.startswith("There are no reviewed logs in ") and "run 'sglogs review'" in \
        caught.value.message
    assert not (tmp_path / "b.zip").exists()


# ------------------------------------------------------------------------------------------------ contents


def test_layout_manifest_and_verify(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, root = outbox
    out = tmp_path / "bundles" / "sunflower.zip"
    report = build(settings, out, setting=SUNFLOWER)
    content = members(out)
    names = list(content)
    assert names[-1] == MANIFEST_NAME  # written last
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    n1 = next(n for n in names if n.startswith("N1/") and "/original/" in n)
    log_dir = n1.split("/original/")[0]
    assert re.fullmatch(r"N1/N1-20260101-[0-9a-f]{4}/original/N1_Hartley_2026-01-01_2026-12-31\.docx", n1)
    stem = log_dir.split("/")[1]
    assert sorted(n for n in names if n.startswith(f"{log_dir}/review/")) == sorted(
        f"{log_dir}/review/{stem}_{s}" for s in ("action-plan.docx", "action-plan.xlsx", "evidence.json",
                                                 "feedback.docx", "signoff.docx"))
    original = next((root / "logs").rglob("N1_*.docx"))
    assert content[n1] == original.read_bytes()
    data = manifest(out)
    assert {"sglogs_version", "created", "scope", "files", "missing"} <= set(data)
    assert data["created"] == CREATED.astimezone().isoformat(timespec="seconds") and data["missing"] == []
    listed = {f["path"]: f for f in data["files"]}
    assert set(listed) == set(names) - {MANIFEST_NAME}  # every file, the manifest not in its own list
    assert {"register-extract.xlsx", "index.html", "index.xlsx"} <= set(listed)
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(content[name]).hexdigest() and entry["size"] == len(content[name])
    assert report.files == len(listed) and report.manifest_sha256 == hashlib.sha256(content[MANIFEST_NAME]).hexdigest()
    assert all(".." not in n.split("/") and not n.startswith("/") for n in names)
    result = verify_bundle(out)
    assert result.intact and len(result.ok) == len(listed) and result.manifest_sha256 == report.manifest_sha256


def test_index_links_every_item_and_escapes_names(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, _ = outbox
    out = tmp_path / "b.zip"
    build(settings, out, everyone=True)
    content = members(out)
    html = content["index.html"].decode("utf-8")
    items = [n for n in content if n.count("/") >= 3]
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    assert set(items) <= hrefs and {"register-extract.xlsx", "index.xlsx", MANIFEST_NAME} <= hrefs
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "Sunflower Nursery &amp; Pre-school" in html and "Zoë O&#39;Brien" in html
    assert not re.search(r'(src|href)="(https?:)?//', html) and "<link" not in html  # nothing fetched from outside
    sheet = load_workbook(io.BytesIO(content["index.xlsx"]))["Index"]
    links = {cell.hyperlink.target for row in sheet.iter_rows(min_row=2) for cell in row if cell.hyperlink}
    assert links == set(items)
    names = {row[1].value for row in sheet.iter_rows(min_row=2)}
    assert "Grace <script>alert('x')</script> Okafor" in names


@pytest.mark.parametrize("width", [1280, 390])
def test_index_html_reads_on_a_desktop_and_a_phone(outbox: tuple[Settings, Path], tmp_path: Path, width: int) -> None:
    # an auditor opens index.html from the extracted zip, at a desk or on a phone: no sideways scrolling
    from tests.browser import broken_links, chromium, look_at

    settings, _ = outbox
    out = tmp_path / "b.zip"
    build(settings, out, everyone=True)
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "extracted")
    page = tmp_path / "extracted" / "index.html"
    with chromium() as driver:
        seen = look_at(driver, page, width, tmp_path / f"index-{width}.png")
    assert seen.console_errors == [] and broken_links(page, seen.links) == []
    assert seen.overflow_px <= 0, f"index.html is {seen.overflow_px} px wider than a {width} px screen"
    assert "Zoë O'Brien" in seen.text
    assert "Ready for sign-off" in seen.text or "Not ready" in seen.text


def test_a_long_index_continues_on_further_sheets(outbox: tuple[Settings, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Excel opens at most 65,530 hyperlinks per sheet; the same split, at 7 rows a sheet
    monkeypatch.setattr("sglogs.bundle.xlsxstream.ROWS_PER_SHEET", 7)
    settings, _ = outbox
    out = tmp_path / "b.zip"
    build(settings, out, everyone=True)
    content = members(out)
    workbook = load_workbook(io.BytesIO(content["index.xlsx"]))
    items = [n for n in content if n.count("/") >= 3]
    sheets = [ws for ws in workbook.worksheets if ws.title.startswith("Index")]
    assert [ws.title for ws in sheets] == ["Index"] + [f"Index ({n})" for n in range(2, len(sheets) + 1)]
    assert len(sheets) == -(-len(items) // 7) and all(ws.max_row <= 8 for ws in sheets)
    links = [c.hyperlink.target for ws in sheets for row in ws.iter_rows(min_row=2) for c in row if c.hyperlink]
    assert links == items


@pytest.mark.libreoffice
@pytest.mark.slow
def test_index_xlsx_opens_in_libreoffice(outbox: tuple[Settings, Path], tmp_path: Path, soffice: str) -> None:
    # index.xlsx is written as SpreadsheetML directly (streamed): a real spreadsheet program must open it
    settings, _ = outbox
    out = tmp_path / "b.zip"
    build(settings, out, setting=SUNFLOWER)
    (tmp_path / "index.xlsx").write_bytes(members(out)["index.xlsx"])
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "html", "index.xlsx", "--outdir", str(tmp_path / "html")], cwd=tmp_path, check=True,
                   capture_output=True, timeout=180)
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8", errors="replace")
    items = [n for n in members(out) if n.count("/") >= 3]
    assert all(f'href="{(tmp_path / n).as_uri()}"' in html for n in items)
    assert "Grace &lt;script&gt;" in html


def test_register_extract_has_one_row_per_person(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, _ = outbox
    out = tmp_path / "b.zip"
    build(settings, out, setting=HILLSIDE)
    rows = list(load_workbook(io.BytesIO(members(out)["register-extract.xlsx"]))["Register extract"].values)
    header = rows[0]
    assert header[:10] == ("Staff ID", "Name", "Setting", "Role", "Framework", "Level", "Period start", "Period end",
                           "Last review", "Ready for sign-off")
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {"L1", "L2"}
    assert by_id["L1"]["Name"] == "Fatima Rahman" and by_id["L1"]["Setting"] == HILLSIDE
    # the framework's own names, and real Excel dates (not ISO text)
    assert by_id["L1"]["Framework"] == "London Competency Framework" and by_id["L1"]["Level"] == "Level 2"
    assert by_id["L1"]["Period start"] == dt.datetime(2026, 9, 1)
    assert by_id["L2"]["Last review"] == dt.datetime(2026, 8, 25) and by_id["L2"]["Ready for sign-off"] in ("Yes", "No")
    assert by_id["L2"]["Verdict"] == "Ready for sign-off" or by_id["L2"]["Verdict"].startswith("Not ready: ")


def test_missing_original_is_listed_not_fatal(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, root = outbox
    gone = next((root / "logs").rglob("N2_*.docx"))
    gone.unlink()
    out = tmp_path / "b.zip"
    report = build(settings, out, setting=SUNFLOWER)
    assert [(m.staff_id, m.item, m.file) for m in report.missing] == [("N2", "Original log", gone.name)]
    data = manifest(out)
    assert [(m["staff_id"], m["item"], m["file"]) for m in data["missing"]] == [("N2", "Original log", gone.name)]
    assert not any(n.startswith("N2/") and "/original/" in n for n in members(out))
    assert any(n.startswith("N2/") and n.endswith("_feedback.docx") for n in members(out))
    html = members(out)["index.html"].decode("utf-8")
    assert gone.name in html and "not found at the path recorded at review" in html
    assert verify_bundle(out).intact


def test_missing_review_document_is_listed(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, _ = outbox
    feedback = next((settings.outbox / "reviews" / "P1").glob("*_feedback.docx"))
    feedback.unlink()
    report = build(settings, tmp_path / "b.zip", staff_ids=["P1"])
    assert [(m.item, m.file) for m in report.missing] == [("Feedback report", feedback.name)]


def test_staff_ids_differing_only_in_case_get_their_own_folders(outbox: tuple[Settings, Path],
                                                                tmp_path: Path) -> None:
    # Windows and SafeZip treat "N1/" and "n1/" as one folder: the second person's folder is renamed
    settings, _ = outbox
    source = settings.outbox / "reviews" / "N1"
    twin = settings.outbox / "reviews" / "n1x"
    twin.mkdir()
    for path in source.iterdir():
        target = twin / path.name.replace("N1-", "n1-")
        if path.name.endswith("_evidence.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            data["log"]["staff"]["id"], data["log"]["log_id"] = "n1", data["log"]["log_id"].replace("N1-", "n1-")
            target.write_text(json.dumps(data), encoding="utf-8")
        else:
            shutil.copyfile(path, target)
    out = tmp_path / "b.zip"
    report = build(settings, out, staff_ids=["N1", "n1"])
    assert report.people == 2 and staff_folders(out) == {"N1", "n1-2"}
    assert verify_bundle(out).intact


def test_original_moved_to_processed_is_found_by_name_and_hash(outbox: tuple[Settings, Path],
                                                              tmp_path: Path) -> None:
    settings, root = outbox
    original = next((root / "logs").rglob("N1_*.docx"))
    month = settings.outbox / "processed" / "2026-12"
    month.mkdir(parents=True)
    shutil.move(original, month / original.name)
    renamed = next((root / "logs").rglob("P1_*.docx"))  # the service renamed this one on a clash
    shutil.move(renamed, month / f"1_{renamed.name}")
    out = tmp_path / "b.zip"
    report = build(settings, out, everyone=True)
    assert not report.missing
    content = members(out)
    assert content[next(n for n in content if n.startswith("N1/") and "/original/" in n)] == (
        month / original.name).read_bytes()
    assert any(n.startswith("P1/") and n.endswith(f"/original/{renamed.name}") for n in content)


def test_an_original_edited_after_review_is_not_bundled(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, root = outbox
    original = next((root / "logs").rglob("N1_*.docx"))
    original.write_bytes(original.read_bytes() + b"\0")
    report = build(settings, tmp_path / "b.zip", staff_ids=["N1"])
    assert [m.item for m in report.missing] == ["Original log"] and "changed afterwards" in report.missing[0].reason


def test_progress_is_reported_to_the_total(outbox: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, _ = outbox
    calls: list[tuple[int, int]] = []
    build_bundle(BundleOptions(scope=BundleScope(everyone=True), out=tmp_path / "b.zip"), settings,
                 on_progress=lambda done, total: calls.append((done, total)))
    total = calls[0][1]
    assert [done for done, _ in calls] == list(range(1, total + 1)) and all(t == total for _, t in calls)
    assert total == len(members(tmp_path / "b.zip"))


def test_safe_member_names() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..\\..\\Zoë's log (final).docx") == "Zoes-log-final.docx"
    assert safe_file_name("..") == "file" and safe_file_name("a..b.docx") == "a.b.docx"


# ------------------------------------------------------------------------------------------------ tampering


@pytest.fixture
def bundle_zip(outbox: tuple[Settings, Path], tmp_path: Path) -> Path:
    settings, _ = outbox
    out = tmp_path / "good.zip"
    build(settings, out, setting=HILLSIDE)
    return out


def test_tampered_bundles_name_each_file(bundle_zip: Path, tmp_path: Path) -> None:
    names = [n for n in members(bundle_zip) if n != MANIFEST_NAME]
    evidence = next(n for n in names if n.endswith("_evidence.json"))
    feedback = next(n for n in names if n.endswith("_feedback.docx"))
    changed = verify_bundle(rewrite(bundle_zip, tmp_path / "changed.zip", change=evidence))
    assert (changed.changed, changed.added, changed.removed) == ((evidence,), (), ())
    assert len(changed.ok) == len(names) - 1 and not changed.intact
    added = verify_bundle(rewrite(bundle_zip, tmp_path / "added.zip", add=("L1/extra.docx", b"not evidence")))
    assert (added.changed, added.added, added.removed) == ((), ("L1/extra.docx",), ())
    removed = verify_bundle(rewrite(bundle_zip, tmp_path / "removed.zip", drop=feedback))
    assert (removed.changed, removed.added, removed.removed) == ((), (), (feedback,))


def test_a_corrupted_member_is_reported_changed(bundle_zip: Path, tmp_path: Path) -> None:
    # bytes flipped inside the zip itself (no CRC recomputed): the member fails its checksum
    data = bytearray(bundle_zip.read_bytes())
    with zipfile.ZipFile(bundle_zip) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("_feedback.docx"))
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
    data[at] ^= 0xFF
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(data))
    report = verify_bundle(broken)
    assert report.changed == (info.filename,) and report.damaged == (info.filename,)


def test_cli_verify_exit_codes(bundle_zip: Path, tmp_path: Path, cli_app: typer.Typer) -> None:
    runner = CliRunner()
    result = runner.invoke(cli_app, ["verify", str(bundle_zip)])
    assert result.exit_code == 0 and "OK: all" in result.stdout
    names = [n for n in members(bundle_zip) if n != MANIFEST_NAME]
    tampered = rewrite(bundle_zip, tmp_path / "t.zip", change=names[0], drop=names[1], add=("new.txt", b"x"))
    result = runner.invoke(cli_app, ["verify", str(tampered)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"changed: {names[0]}", "added: new.txt", f"removed: {names[1]}"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "does not exist"),
    (b"PK\x03\x04 not really a zip", "damaged or incomplete"),
    (b"%PDF-1.7\n", "damaged or incomplete"),
    ("no-manifest", "has no manifest.json"),
    ("bad-manifest", "damaged manifest.json"),
    ('{"format": "sglogs-bundle/1", "files": [{"path": "a.txt", "sha256": "00", "size": 1}]}', "damaged manifest"),
    ('{"format": "sglogs-bundle/1", "files": [' + ", ".join(["{}"] * 700_000) + "]}", "damaged manifest"),
    ('{"format": "other/9", "files": []}', "not sglogs-bundle/1"),
    ("twice", "lists a file twice"),
])
def test_cli_verify_unreadable_bundle_is_exit_3(tmp_path: Path, cli_app: typer.Typer, content: object,
                                                message: str) -> None:
    path = tmp_path / "bundle.zip"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("a.txt", "a")
            entry = {"path": "a.txt", "sha256": hashlib.sha256(b"a").hexdigest(), "size": 1}
            text = {"no-manifest": None, "bad-manifest": "{not json",
                    "twice": json.dumps({"format": "sglogs-bundle/1", "files": [entry, entry]})}.get(content, content)
            if text is not None:
                zf.writestr(MANIFEST_NAME, text)
    result = CliRunner().invoke(cli_app, ["verify", str(path)])
    assert result.exit_code == 3, result.output
    assert message in result.stderr and "Traceback" not in result.output
    with pytest.raises(InputError):
        verify_bundle(path)


def test_cli_bundle(outbox: tuple[Settings, Path], tmp_path: Path, cli_app: typer.Typer,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    settings, _ = outbox
    monkeypatch.setenv("SGLOGS_OUTBOX", str(settings.outbox))
    runner = CliRunner()
    out = tmp_path / "cli.zip"
    result = runner.invoke(cli_app, ["bundle", "--staff", "N1,P1", "--staff", "L2", "--from", "01/09/2026",
                                     "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == str(out) and lines[1] == f"SHA-256 {verify_bundle(out).manifest_sha256}"
    assert "SHA-256" in result.stderr
    assert staff_folders(out) == {"N1", "P1"}  # L2's log ended on 31 August 2026
    assert "No reviewed log in scope for: L2" in result.stderr
    for args in (["--all", "--setting", SUNFLOWER], ["--from", "01/01/2026"], ["--all", "--from", "soon"],
                 ["--all"]):
        result = runner.invoke(cli_app, ["bundle", *args, *(["--out", str(out)] if args != ["--all"] else
                                                             ["--out", str(tmp_path / "x.txt")])])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
