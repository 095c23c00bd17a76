"""Attacks on evidence bundles, each as a real zip an attacker could send: ``sglogs verify`` must not pass them.

A bundle is built once from a generated, reviewed log and signed with a fresh organisation key; each test
rewrites it the way an attacker with a zip tool would (CRCs recomputed, the manifest rewritten to match where
that helps the attacker) and runs the real ``sglogs verify`` command on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sglogs.bundle import MANIFEST_NAME, BundleOptions, build_bundle, bundle_scope, verify_bundle
from sglogs.bundle.sign import PRIVATE_KEY_NAME, PUBLIC_KEY_NAME, SIGNATURE_NAME
from sglogs.config import load_settings
from sglogs.generate.logs import GenerateOptions, generate_logs
from sglogs.review import review_log

CREATED = dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC)


def _cli() -> object:
    from sglogs.cli import app

    return app


def _run(*args: str) -> object:
    return CliRunner().invoke(_cli(), list(args))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """A real signed bundle of two reviewed logs, its key pair and its manifest fingerprint."""
    root = tmp_path_factory.mktemp("attacks")
    roster = root / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level", "Period start"])
        writer.writerow(["K1", "Maya Lindqvist", "Nursery nurse", "Orchard Day Nursery", "Sam Ng", "Norfolk",
                         "Stage 4", "01/01/2026"])
        writer.writerow(["K2", "Tom Ashby", "Youth worker", "Orchard Day Nursery", "Sam Ng", "London", "Level 2",
                         "01/03/2026"])
    settings = load_settings(outbox=root / "outbox")
    generate_logs(GenerateOptions(roster=roster, out=root / "logs"), settings, today=dt.date(2025, 12, 1))
    for log in sorted((root / "logs").rglob("*.docx")):
        review_log(log, settings, out_dir=settings.outbox / "reviews", today=dt.date(2027, 1, 15))
    result = _run("keys", "new", "--out", str(root / "keys"))
    assert result.exit_code == 0, result.output
    bundle = root / "signed.zip"
    report = build_bundle(BundleOptions(scope=bundle_scope(everyone=True), out=bundle,
                                        sign=root / "keys" / PRIVATE_KEY_NAME), settings, now=CREATED)
    assert report.signed
    return {"bundle": bundle, "public": root / "keys" / PUBLIC_KEY_NAME, "sha": report.manifest_sha256,
            "root": root}


def _copy(src: Path, out: Path, *, edit: dict[str, bytes | None] | None = None,
          extra: list[tuple[zipfile.ZipInfo, bytes]] = ()) -> Path:
    """Rewrite a zip member by member: ``edit`` replaces (bytes) or drops (None) members; ``extra`` adds some."""
    edit = edit or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in edit:
                if edit[info.filename] is None:
                    continue
                zout.writestr(info, edit[info.filename])  # type: ignore[arg-type]
            else:
                zout.writestr(info, zin.read(info))
        for info, data in extra:
            zout.writestr(info, data)
    return out


def _forged_manifest(src: Path, change: dict[str, bytes | None]) -> bytes:
    """The manifest an attacker writes to match their edits: new hashes, dropped entries removed."""
    with zipfile.ZipFile(src) as zf:
        manifest = json.loads(zf.read(MANIFEST_NAME))
    files = []
    for entry in manifest["files"]:
        if entry["path"] in change:
            data = change[entry["path"]]
            if data is None:
                continue
            entry = {"path": entry["path"], "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        files.append(entry)
    manifest["files"] = files
    return json.dumps(manifest, indent=2).encode()


def _a_log_member(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as zf:
        return next(n for n in zf.namelist() if "/original/" in n)


def _verify_fails(bundle: Path, *args: str) -> str:
    result = _run("verify", str(bundle), *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def test_an_untouched_signed_bundle_verifies_by_key_and_by_fingerprint(signed: dict) -> None:
    ok = _run("verify", str(signed["bundle"]), "--key", str(signed["public"]))
    assert ok.exit_code == 0, ok.output
    assert "Signature: valid" in ok.stderr
    ok = _run("verify", str(signed["bundle"]), "--expect", f"SHA-256 {signed['sha'].upper()}")
    assert ok.exit_code == 0, ok.output
    assert "Fingerprint" in ok.stderr


def test_a_new_key_pair_is_private_and_never_overwritten(signed: dict) -> None:
    keys = signed["root"] / "keys"
    assert stat.S_IMODE((keys / PRIVATE_KEY_NAME).stat().st_mode) == 0o600
    before = (keys / PRIVATE_KEY_NAME).read_bytes()
    again = _run("keys", "new", "--out", str(keys))
    assert again.exit_code == 2 and "never overwritten" in again.output
    assert (keys / PRIVATE_KEY_NAME).read_bytes() == before


def test_rewriting_a_file_and_the_manifest_is_caught_by_key_and_fingerprint(signed: dict, tmp_path: Path) -> None:
    member = _a_log_member(signed["bundle"])
    change: dict[str, bytes | None] = {member: b"a different log altogether"}
    forged = _copy(signed["bundle"], tmp_path / "forged.zip",
                   edit={**change, MANIFEST_NAME: _forged_manifest(signed["bundle"], change)})
    assert verify_bundle(forged).changed == ()  # without a key the manifest alone is fooled, as documented
    assert "not authentic" in _verify_fails(forged, "--key", str(signed["public"]))
    assert "not authentic" in _verify_fails(forged, "--expect", signed["sha"])


def test_removing_a_file_with_its_entry_is_caught(signed: dict, tmp_path: Path) -> None:
    member = _a_log_member(signed["bundle"])
    change: dict[str, bytes | None] = {member: None}
    forged = _copy(signed["bundle"], tmp_path / "fewer.zip",
                   edit={**change, MANIFEST_NAME: _forged_manifest(signed["bundle"], change)})
    assert verify_bundle(forged).removed == ()
    assert "not authentic" in _verify_fails(forged, "--key", str(signed["public"]))


def test_dropping_the_signature_is_caught(signed: dict, tmp_path: Path) -> None:
    forged = _copy(signed["bundle"], tmp_path / "unsigned.zip", edit={SIGNATURE_NAME: None})
    assert "carries no signature" in _verify_fails(forged, "--key", str(signed["public"]))


def test_a_symlink_entry_is_refused(signed: dict, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("K1/passwd", date_time=(2027, 2, 1, 10, 0, 0))
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    forged = _copy(signed["bundle"], tmp_path / "link.zip", extra=[(link, b"/etc/passwd")])
    output = _verify_fails(forged)
    assert "refused: K1/passwd (a symbolic link" in output
    assert not (tmp_path / "K1").exists()  # nothing is extracted


def test_a_symlink_replacing_a_listed_file_is_refused(signed: dict, tmp_path: Path) -> None:
    member = _a_log_member(signed["bundle"])
    link = zipfile.ZipInfo(member, date_time=(2027, 2, 1, 10, 0, 0))
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    change: dict[str, bytes | None] = {member: b"/etc/passwd"}
    forged = _copy(signed["bundle"], tmp_path / "swap.zip", edit={member: None, MANIFEST_NAME: _forged_manifest(
        signed["bundle"], change)}, extra=[(link, b"/etc/passwd")])
    report = verify_bundle(forged)
    assert [m for m, _ in report.refused] == [member] and not report.intact
    _verify_fails(forged)


def test_a_directory_entry_carrying_data_is_refused(signed: dict, tmp_path: Path) -> None:
    folder = zipfile.ZipInfo("K1/hidden/", date_time=(2027, 2, 1, 10, 0, 0))
    folder.external_attr = (stat.S_IFDIR | 0o755) << 16
    forged = _copy(signed["bundle"], tmp_path / "dir.zip", extra=[(folder, b"#!/bin/sh\nrm -rf ~\n")])
    assert "a folder entry carrying data" in _verify_fails(forged)


def test_an_unlisted_entry_is_named(signed: dict, tmp_path: Path) -> None:
    extra = zipfile.ZipInfo("K2/read-me-first.html", date_time=(2027, 2, 1, 10, 0, 0))
    forged = _copy(signed["bundle"], tmp_path / "extra.zip", extra=[(extra, b"<script>steal()</script>")])
    assert "added: K2/read-me-first.html" in _verify_fails(forged, "--key", str(signed["public"]))


def test_a_wrong_key_is_caught(signed: dict, tmp_path: Path) -> None:
    other = _run("keys", "new", "--out", str(tmp_path / "other"))
    assert other.exit_code == 0, other.output
    output = _verify_fails(signed["bundle"], "--key", str(tmp_path / "other" / PUBLIC_KEY_NAME))
    assert "not that key's signature" in output


def test_a_wrong_fingerprint_is_caught(signed: dict) -> None:
    wrong = hashlib.sha256(b"another manifest").hexdigest()
    assert "fingerprint is not the one given" in _verify_fails(signed["bundle"], "--expect", wrong)


def test_bad_key_and_fingerprint_arguments_are_usage_errors(signed: dict, tmp_path: Path) -> None:
    not_a_key = tmp_path / "key.pem"
    not_a_key.write_text("hello", encoding="utf-8")
    for args in (["--key", str(not_a_key)], ["--key", str(tmp_path / "absent.pem")], ["--expect", "abc"],
                 ["--key", str(signed["root"] / "keys" / PRIVATE_KEY_NAME)]):
        result = _run("verify", str(signed["bundle"]), *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    copy = shutil.copy(signed["bundle"], tmp_path / "b.zip")
    bad_sign = _run("bundle", "--all", "--out", str(copy), "--sign", str(not_a_key))
    assert bad_sign.exit_code == 2 and "Traceback" not in bad_sign.output
