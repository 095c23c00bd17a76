"""``verify_bundle``: re-hash every member of a bundle against its manifest, never extracting."""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import DamagedFileError, EncryptedFileError, InputError, UnsafeFileError, UsageError
from ..read.safezip import SafeZip, printable_name
from .model import (
    _ZIP_ERRORS,
    BUNDLE_FORMAT,
    BUNDLE_READ_LIMITS,
    CHUNK_BYTES,
    MANIFEST_NAME,
    MAX_BUNDLE_FILES,
    MAX_MANIFEST_BYTES,
    MIB,
    ProgressCallback,
    VerifyReport,
)
from .sign import MAX_SIGNATURE_BYTES, SIGNATURE_NAME, load_public_key, signature_valid

# ---------------------------------------------------------------------------------------------------- verify


class _ManifestHead(BaseModel):
    """What ``verify_bundle`` needs of a manifest besides its list of files (checked entry by entry instead)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    format: str
    sglogs_version: str = ""
    created: str = ""
    scope: dict[str, Any] = Field(default_factory=dict)
    missing: tuple[dict[str, Any], ...] = ()


_SHA256 = re.compile(r"[0-9a-f]{64}")


class _TooManyObjects(ValueError):
    pass


_FILE_KEYS = frozenset({"path", "sha256", "size"})


def _manifest_hook(limit: int) -> Callable[[dict[str, Any]], object]:
    """A JSON object hook that keeps a manifest's file entries small and stops a forged one early.

    A file entry becomes a ``(path, sha256, size)`` tuple as soon as it is parsed (a third of a dict's memory);
    a forged manifest of millions of tiny objects is refused once ``limit`` objects were read.
    """
    count = 0

    def hook(obj: dict[str, Any]) -> object:
        nonlocal count
        count += 1
        if count > limit:
            raise _TooManyObjects
        return (obj["path"], obj["sha256"], obj["size"]) if obj.keys() == _FILE_KEYS else obj

    return hook


_AGAIN = "ask whoever sent it for a new copy"


def _open_checked(path: Path) -> zipfile.ZipFile:
    name = printable_name(path.name)
    if not path.is_file():
        raise InputError(f"{name} does not exist or is not a file; check the path to the bundle.")
    # SafeZip's messages speak of Word and Excel logs; a bundle gets its own sentence (--debug shows the cause).
    try:
        SafeZip(path, BUNDLE_READ_LIMITS, name=name).close()
    except EncryptedFileError as exc:
        raise InputError(f"{name} is password-protected, which sglogs bundles never are; {_AGAIN}.") from exc
    except UnsafeFileError as exc:
        raise InputError(f"{name} is refused as unsafe: it holds zip structures sglogs never writes (unsafe or "
                         f"duplicate names, an unusual compression, or a zip-bomb ratio); {_AGAIN}.") from exc
    except DamagedFileError as exc:
        raise InputError(f"{name} is damaged or incomplete and cannot be unzipped; {_AGAIN}.") from exc
    try:
        return zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        raise InputError(f"{name} is damaged or incomplete and cannot be unzipped; {_AGAIN}.") from exc


def _read_manifest(zf: zipfile.ZipFile, name: str) -> tuple[_ManifestHead, dict[str, tuple[str, int]], str]:
    try:
        info = zf.getinfo(MANIFEST_NAME)
    except KeyError:
        raise InputError(f"{name} has no {MANIFEST_NAME}, so it is not an sglogs evidence bundle or it was cut "
                         f"short; {_AGAIN}.") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise InputError(f"{name} has a {MANIFEST_NAME} of {info.file_size // MIB} MB, more than any sglogs bundle "
                         f"writes; {_AGAIN}.")
    damaged = f"{name} has a damaged {MANIFEST_NAME} that cannot be read; {_AGAIN}."
    try:
        with zf.open(info) as fh:
            data = fh.read(MAX_MANIFEST_BYTES + 1)
        raw = json.loads(data, object_hook=_manifest_hook(6 * MAX_BUNDLE_FILES + 100))
        head = _ManifestHead.model_validate(raw)
        entries = raw["files"]
    except (*_ZIP_ERRORS, ValidationError, KeyError, TypeError) as exc:
        raise InputError(damaged) from exc
    if head.format != BUNDLE_FORMAT:
        raise InputError(f"{name} has a manifest of format '{printable_name(head.format)}', not "
                         f"{BUNDLE_FORMAT}; verify it with the sglogs version that made it.")
    expected: dict[str, tuple[str, int]] = {}
    for entry in entries if isinstance(entries, list) else [None]:
        if isinstance(entry, dict):  # a file entry with extra keys (a later format may add some)
            entry = (entry.get("path"), entry.get("sha256"), entry.get("size"))
        if not (isinstance(entry, tuple) and isinstance(entry[0], str) and entry[0] and isinstance(entry[1], str)
                and _SHA256.fullmatch(entry[1]) and type(entry[2]) is int and entry[2] >= 0):
            raise InputError(damaged)
        path, sha, size = entry
        if path in expected:
            raise InputError(f"{name} has a {MANIFEST_NAME} that lists a file twice, which sglogs never writes; "
                             f"{_AGAIN}.")
        expected[path] = (sha, size)
    return head, expected, hashlib.sha256(data).hexdigest()


def _hash_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int] | None:
    digest = hashlib.sha256()
    size = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
    except _ZIP_ERRORS:
        return None  # a failed checksum or broken deflate stream: the member is not what was written
    return digest.hexdigest(), size


def _expected_fingerprint(text: str) -> str:
    # accept it as people paste it from an e-mail: "SHA-256 AB12...", with spaces or colons, any case
    clean = re.sub(r"[\s:]", "", text).lower().removeprefix("sha-256").removeprefix("sha256")
    if not _SHA256.fullmatch(clean):
        raise UsageError(f"--expect '{printable_name(text)[:80]}' is not a SHA-256 fingerprint; give the 64 letters "
                         "and digits the sender gave you with the bundle.")
    return clean


def _refusal(info: zipfile.ZipInfo) -> str | None:
    # sglogs writes regular files only; anything else could point outside the folder it is extracted to
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link, which no sglogs bundle holds"
    if info.is_dir() and (info.file_size or info.compress_size):
        return "a folder entry carrying data, which no sglogs bundle holds"
    return None


def _read_signature(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(SIGNATURE_NAME)
    except KeyError:
        return None
    if info.file_size > MAX_SIGNATURE_BYTES:
        return b""  # not a signature sglogs writes: it will not verify
    try:
        with zf.open(info) as fh:
            return fh.read(MAX_SIGNATURE_BYTES + 1)
    except _ZIP_ERRORS:
        return b""


def verify_bundle(path: Path, on_progress: ProgressCallback | None = None, *, key: Path | None = None,
                  expect: str | None = None) -> VerifyReport:
    """Re-hash every file of a bundle and compare it with ``manifest.json``.

    Every member is streamed (memory stays flat whatever the bundle's size). A member that fails its zip
    checksum or cannot be inflated is reported as changed (and in ``damaged``), not as an error.

    With ``key`` (the sender's public key), ``manifest.sig`` must be that key's signature of the exact manifest;
    with ``expect``, the manifest's SHA-256 must be that fingerprint. Either way a file rewritten together with
    the manifest, or removed with its entry, no longer passes. Symbolic links and folder entries carrying data
    are refused (``refused``). Nothing is extracted.

    Args:
        path: The bundle zip.
        on_progress: Called as ``on_progress(members_done, members_total)``.
        key: The public key (PEM) the bundle's sender published.
        expect: The manifest fingerprint the sender gave apart from the bundle.

    Raises:
        UsageError: (exit 2) ``key`` is not an Ed25519 public key, or ``expect`` is not a SHA-256.
        InputError: (exit 3) the file is missing, not a zip, damaged, refused as unsafe, or has no readable
            ``manifest.json``.

    Example:
        >>> verify_bundle(Path("outbox/bundles/sunflower.zip")).intact  # doctest: +SKIP
        True
    """
    name = printable_name(path.name)
    public = load_public_key(key) if key is not None else None
    fingerprint = _expected_fingerprint(expect) if expect is not None else None
    with _open_checked(path) as zf:
        manifest, expected, manifest_sha = _read_manifest(zf, name)
        refused = tuple((i.filename, why) for i in zf.infolist() if (why := _refusal(i)) is not None)
        refused_names = {member for member, _ in refused}
        members = [i for i in zf.infolist() if not i.is_dir() and i.filename not in (MANIFEST_NAME, SIGNATURE_NAME)
                   and i.filename not in refused_names]
        sig = _read_signature(zf, name)
        ok: list[str] = []
        changed: list[str] = []
        added: list[str] = []
        damaged: list[str] = []
        for done, info in enumerate(members, start=1):
            want = expected.get(info.filename)
            if want is None:
                added.append(info.filename)
            else:
                got = _hash_member(zf, info)
                if got is None:
                    damaged.append(info.filename)
                    changed.append(info.filename)
                elif got != want:
                    changed.append(info.filename)
                else:
                    ok.append(info.filename)
            if on_progress is not None:
                on_progress(done, len(members))
        present = {i.filename for i in members}
        removed = [p for p in expected if p not in present and p not in refused_names]
    if public is not None:
        signature = "absent" if sig is None else ("valid" if signature_valid(sig, public, manifest_sha) else "invalid")
    else:
        signature = "none" if sig is None else "unchecked"
    return VerifyReport(path=path, ok=tuple(sorted(ok)), changed=tuple(sorted(changed)), added=tuple(sorted(added)),
                        removed=tuple(sorted(removed)), damaged=tuple(sorted(damaged)), manifest_sha256=manifest_sha,
                        created=manifest.created, scope=str(manifest.scope.get("description", "")),
                        sglogs_version=manifest.sglogs_version, missing=len(manifest.missing),
                        refused=tuple(sorted(refused)), signature=signature,
                        fingerprint_ok=None if fingerprint is None else fingerprint == manifest_sha)

