"""Evidence bundles: one zip an auditor or the safeguarding partnership can open offline and check.

``build_bundle`` gathers, for everyone in a ``BundleScope``, the original logs, the parsed evidence (JSON) and the
review documents (feedback, sign-off sheet, action plan) from ``outbox/reviews``, adds a register extract and an
index (HTML and XLSX) linking every item, and ends with ``manifest.json`` holding the SHA-256 and size of every
other file. ``verify_bundle`` re-hashes a bundle and names every file that was changed, added or removed.

Layout of a bundle::

    <staff-id>/<log-id>/original/<log file>      the log as it was reviewed (same SHA-256 as in the evidence JSON)
    <staff-id>/<log-id>/review/<log-id>_*         evidence.json, feedback.docx, signoff.docx, action-plan.docx/.xlsx
    register-extract.xlsx                         one row per person: their latest reviewed log
    index.html, index.xlsx                        every item, with relative links
    manifest.json                                 written last; not listed in itself

Both directions stream: each file is copied into the zip in 1 MiB chunks and hashed in the same pass, and
``verify_bundle`` inflates and hashes each member the same way, so memory does not depend on the size of the files.
What a run must remember per log and per file (for the index and the manifest, written last) goes to an unnamed
temporary file beside the bundle, and ``index.xlsx`` is streamed row by row, so the one thing that grows with the
number of files is zipfile's central directory (about 0.5 KB a file when building, 1 KB when verifying, where the
manifest's list of hashes is held too; measured by ``bench/bench_bundle.py``).

The manifest proves a bundle is unchanged since it was made, not who made it: someone who edits a file and the
manifest together is not detected. ``BundleReport.manifest_sha256`` is the fingerprint of the manifest itself;
sending it separately (in the covering e-mail) closes that gap.

Reading a bundle that came from outside uses ``SafeZip``'s checks made when a zip is opened (entry count checked
before zipfile parses the directory, unsafe or duplicate names, encryption, compression method, per-member ratio)
with limits sized for bundles (``BUNDLE_READ_LIMITS``). Its per-part XML cap is not used: members are never held in
memory (only ``manifest.json`` is, under its own cap), so a large member costs time, not memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import IO, Any, Final
from urllib.parse import quote

from jinja2 import Environment, StrictUndefined
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import __version__
from .config import ReadSettings, Settings
from .errors import InputError, UsageError
from .files import make_folders
from .generate.logs import slug
from .read.safezip import DamagedFileError, EncryptedFileError, SafeZip, UnsafeFileError, printable_name
from .records import EVIDENCE_SUFFIX, ReviewRecord, load_reviews

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_READ_LIMITS",
    "MAX_BUNDLE_FILES",
    "BundleOptions",
    "BundleReport",
    "BundleScope",
    "MissingItem",
    "ScopeKind",
    "VerifyReport",
    "build_bundle",
    "bundle_scope",
    "verify_bundle",
]

#: The ``format`` every manifest carries; ``verify_bundle`` refuses any other.
BUNDLE_FORMAT: Final = "sglogs-bundle/1"
MANIFEST_NAME: Final = "manifest.json"
INDEX_HTML: Final = "index.html"
INDEX_XLSX: Final = "index.xlsx"
REGISTER_EXTRACT: Final = "register-extract.xlsx"
MIB: Final = 1024 * 1024
#: Bytes copied and hashed per step, when writing and when verifying.
CHUNK_BYTES: Final = MIB
#: The most files one bundle may hold; ``verify_bundle`` refuses more (zipfile keeps ~500 bytes per entry).
MAX_BUNDLE_FILES: Final = 100_000
#: ``manifest.json`` is the one member read into memory; a real one is ~200 bytes per file.
MAX_MANIFEST_BYTES: Final = 64 * MIB
#: SafeZip's limits for a bundle: many entries, no practical cap on the total (it is streamed, never held), the
#: usual compression-ratio limit against zip bombs. ``max_xml_part_mb`` is unused here (see the module docstring).
BUNDLE_READ_LIMITS: Final = ReadSettings(
    max_zip_entries=MAX_BUNDLE_FILES + 10,
    max_uncompressed_mb=1024 * 1024,
    max_compression_ratio=200,
)
#: Files that are zip packages or images already: storing them again compressed only costs time.
_STORE_SUFFIXES = (".docx", ".xlsx", ".xlsm", ".pdf", ".zip", ".png", ".jpg", ".jpeg")
#: Review documents by what follows ``<log-id>_`` in their name, with how the index names them.
REVIEW_DOCUMENTS: Final = {
    "evidence.json": "Parsed evidence (JSON)",
    "feedback.docx": "Feedback report",
    "signoff.docx": "Sign-off sheet",
    "action-plan.docx": "Action plan (Word)",
    "action-plan.xlsx": "Action plan annex (Excel)",
}
_MEMBER_MODE = 0o600  # extracted files stay readable by their owner only, like the outbox they came from
_ZIP64_SAFE = 1 << 30  # a member that may pass 2 GiB is written with zip64 headers from the start
_HASH_MEMO = 1024  # files whose SHA-256 is remembered while planning
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError)

ProgressCallback = Callable[[int, int], None]


# ---------------------------------------------------------------------------------------------------- scope


class ScopeKind(StrEnum):
    """Who a bundle is for: one setting, named staff, or everyone with a review.

    Example:
        >>> ScopeKind("staff").value
        'staff'
    """

    SETTING = "setting"
    STAFF = "staff"
    ALL = "all"


def _setting_key(text: str | None) -> str:
    # "Sunflower Nursery", "sunflower  nursery" and "SunflowerNursery" are the same setting typed three ways
    return "".join((text or "").split()).casefold()


def log_span(record: ReviewRecord) -> tuple[dt.date, dt.date]:
    """The days a reviewed log covers, for the ``--from``/``--to`` window.

    The log's period, both ends included; an end the log does not state is taken as the review date (a log
    without a period sits on the day it was reviewed).

    Example:
        >>> log_span(record)  # doctest: +SKIP
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    """
    period = record.log.period
    start, end = period.start or record.reviewed_on, period.end or record.reviewed_on
    return (start, end) if start <= end else (end, start)


class BundleScope(BaseModel):
    """Who and which logs a bundle holds; exactly one of ``setting``, ``staff_ids`` and ``everyone`` is given.

    * ``setting``: logs whose cover names this setting (``log.staff.organisation``), compared ignoring letter case
      and spaces ("Sunflower Nursery" matches "SUNFLOWER  nursery" and "SunflowerNursery").
    * ``staff_ids``: logs of exactly these staff ids (case and characters as written in the log).
    * ``everyone``: every reviewed log, including logs that carry no staff id.

    ``date_from``/``date_to`` (each ``None`` = open) keep the logs whose period overlaps that window, both ends
    included; a log that states no period counts as covering its review date (see ``log_span``). A person has
    one folder per reviewed log in the window, so a window of two years can hold two logs for one person.

    Example:
        >>> scope = BundleScope(setting="Sunflower Nursery", date_from=dt.date(2026, 1, 1))
        >>> scope.kind, scope.describe()
        (<ScopeKind.SETTING: 'setting'>, "setting 'Sunflower Nursery', logs covering any day from 2026-01-01")
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    setting: str | None = None
    staff_ids: tuple[str, ...] = ()
    everyone: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @field_validator("setting")
    @classmethod
    def _setting_named(cls, value: str | None) -> str | None:
        if value is not None and not _setting_key(value):
            raise ValueError("--setting is empty; give the setting's name as written on the logs")
        return " ".join(value.split()) if value is not None else None

    @field_validator("staff_ids")
    @classmethod
    def _ids_named(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        ids = tuple(dict.fromkeys(v.strip() for v in value))
        if any(not v for v in ids):
            raise ValueError("--staff has an empty staff id; give ids such as NS001")
        return ids

    @model_validator(mode="after")
    def _one_kind(self) -> BundleScope:
        chosen = sum((self.setting is not None, bool(self.staff_ids), self.everyone))
        if chosen != 1:
            raise ValueError("choose exactly one of --setting, --staff and --all")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"--from {self.date_from} is after --to {self.date_to}; swap them")
        return self

    @cached_property
    def _staff_set(self) -> frozenset[str]:
        return frozenset(self.staff_ids)  # --staff may list hundreds of ids, checked against every review

    @property
    def kind(self) -> ScopeKind:
        """Which of the three kinds of scope this is."""
        if self.setting is not None:
            return ScopeKind.SETTING
        return ScopeKind.STAFF if self.staff_ids else ScopeKind.ALL

    def includes(self, record: ReviewRecord) -> bool:
        """Whether a reviewed log belongs in the bundle (its person is in scope and it overlaps the window).

        Example:
            >>> BundleScope(everyone=True).includes(record)  # doctest: +SKIP
            True
        """
        if self.kind is ScopeKind.SETTING:
            if _setting_key(record.log.staff.organisation) != _setting_key(self.setting):
                return False
        elif self.kind is ScopeKind.STAFF and record.staff_id not in self._staff_set:
            return False
        start, end = log_span(record)
        return not ((self.date_from and end < self.date_from) or (self.date_to and start > self.date_to))

    def describe(self) -> str:
        """The scope in one line, for the index and messages.

        Example:
            >>> BundleScope(staff_ids=("NS001", "NS002")).describe()
            'staff NS001, NS002'
        """
        who = {ScopeKind.SETTING: f"setting '{self.setting}'", ScopeKind.STAFF: f"staff {', '.join(self.staff_ids)}",
               ScopeKind.ALL: "everyone with a reviewed log"}[self.kind]
        if self.date_from and self.date_to:
            return f"{who}, logs covering any day from {self.date_from} to {self.date_to}"
        if self.date_from:
            return f"{who}, logs covering any day from {self.date_from}"
        if self.date_to:
            return f"{who}, logs covering any day up to {self.date_to}"
        return who

    def manifest_entry(self) -> dict[str, Any]:
        """The scope as it is written in ``manifest.json``."""
        return {"kind": self.kind.value, **self.model_dump(mode="json"), "description": self.describe(),
                "dates_rule": "logs whose period overlaps from..to, both included; a missing period end is the "
                              "review date"}


def bundle_scope(
    *,
    setting: str | None = None,
    staff_ids: Iterable[str] = (),
    everyone: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> BundleScope:
    """Build a ``BundleScope`` from command-line values; a bad combination is a ``UsageError`` naming the flag.

    Example:
        >>> bundle_scope(staff_ids=["NS001"]).kind
        <ScopeKind.STAFF: 'staff'>
        >>> bundle_scope(setting="A", everyone=True)
        Traceback (most recent call last):
        ...
        sglogs.errors.UsageError: Choose exactly one of --setting, --staff and --all.
    """
    try:
        return BundleScope(setting=setting, staff_ids=tuple(staff_ids), everyone=everyone, date_from=date_from,
                           date_to=date_to)
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UsageError(message[0].upper() + message[1:] + ".") from None


class BundleOptions(BaseModel):
    """One bundle to build: who goes in it and where the zip is written.

    Example:
        >>> BundleOptions(scope=BundleScope(everyone=True), out=Path("audit.zip")).out.name
        'audit.zip'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    scope: BundleScope
    out: Path = Field(description="The zip to write; replaced when it exists.")


# ---------------------------------------------------------------------------------------------------- reports


class MissingItem(BaseModel):
    """A file the bundle should hold but could not: recorded in the index and the manifest's ``missing`` list.

    Example:
        >>> MissingItem(staff_id="NS001", log_id="NS001-20260101-61a8", item="Original log", file="x.docx",
        ...     reason="not found").item
        'Original log'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    staff_id: str
    log_id: str
    item: str
    file: str
    reason: str

    def as_json(self) -> dict[str, str]:
        """The item as written in ``manifest.json``."""
        return self.model_dump()


@dataclass(frozen=True)
class BundleReport:
    """What ``build_bundle`` wrote.

    ``files`` and ``bytes`` count the files listed in the manifest (not the manifest itself); ``unmatched_staff``
    holds ``--staff`` ids that had no reviewed log in the window.

    Example:
        >>> report = build_bundle(options, settings)  # doctest: +SKIP
        >>> report.people, report.files, len(report.missing)  # doctest: +SKIP
        (8, 51, 1)
    """

    out: Path
    scope: BundleScope
    people: int
    logs: int
    files: int
    bytes: int
    manifest_sha256: str
    created: dt.datetime
    missing: tuple[MissingItem, ...] = ()
    unmatched_staff: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerifyReport:
    """What ``verify_bundle`` found: each file of the bundle and the manifest is in exactly one of the lists.

    ``changed``: in both but with other content (``damaged`` names those that could not even be unzipped);
    ``added``: in the zip, not in the manifest; ``removed``: in the manifest, not in the zip. Paths are sorted.

    Example:
        >>> report = verify_bundle(Path("audit.zip"))  # doctest: +SKIP
        >>> report.intact, report.changed  # doctest: +SKIP
        (False, ('NS001/NS001-20260101-61a8/review/NS001-20260101-61a8_feedback.docx',))
    """

    path: Path
    ok: tuple[str, ...]
    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    damaged: tuple[str, ...]
    manifest_sha256: str
    created: str
    scope: str
    sglogs_version: str
    missing: int = 0

    @property
    def intact(self) -> bool:
        """Whether every file matches the manifest and nothing was added or removed."""
        return not (self.changed or self.added or self.removed)


# ---------------------------------------------------------------------------------------------------- names


def _unique(name: str, used: set[str]) -> str:
    # SafeZip refuses two members whose names differ only in case ("ab1/" and "AB1/" are two people), and so
    # does Windows Explorer when it extracts: names are made unique ignoring case.
    stem, dot, suffix = name.partition(".") if not name.startswith(".") else (name, "", "")
    candidate, number = name, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{stem}-{number}{dot}{suffix}"
    used.add(candidate.casefold())
    return candidate


def safe_file_name(name: str, fallback: str = "file") -> str:
    """A file name fit for a zip member: kept when it is already plain, else slugged with its suffix kept.

    Example:
        >>> safe_file_name("NS001-20260101-61a8_feedback.docx"), safe_file_name("../Zoë's log (v2).docx")
        ('NS001-20260101-61a8_feedback.docx', 'Zoes-log-v2.docx')
    """
    name = re.split(r"[\\/]", name)[-1]
    if _SAFE_NAME.fullmatch(name) and ".." not in name:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    clean_suffix = slug(suffix, "")[:10]
    clean = slug(stem, fallback)
    return re.sub(r"\.{2,}", ".", clean + (f".{clean_suffix}" if clean_suffix else ""))


# ---------------------------------------------------------------------------------------------------- planning


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True)

    member: str
    source: str
    label: str


class _PlannedLog(BaseModel):
    """One reviewed log reduced to what the bundle needs (the ``ParsedLog`` itself is not kept)."""

    model_config = ConfigDict(frozen=True)

    staff_key: str
    staff_id: str
    name: str
    setting: str
    role: str
    framework: str
    level: str
    period_start: dt.date | None
    period_end: dt.date | None
    reviewed_on: dt.date
    ready: bool
    outcome: str
    manager: str
    log_id: str
    items: tuple[_Item, ...]
    missing: tuple[MissingItem, ...]


class _Spool:
    """Records kept in an unnamed temporary file, one JSON line each, instead of on the heap.

    A run remembers something for every log and every file (the index and the manifest are written last);
    kept in memory that would grow with the bundle. The file is created 0600 beside the bundle and is gone
    when closed (or when the process dies, where the OS supports unnamed files).
    """

    def __init__(self, folder: Path) -> None:
        self._fh = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by close()
        self._end = 0

    def append(self, line: str) -> int:
        """Add a line; returns its offset for ``read_at``."""
        offset = self._end
        self._fh.seek(offset)
        data = line.encode("utf-8") + b"\n"
        self._fh.write(data)
        self._end += len(data)
        return offset

    def __iter__(self) -> Iterator[tuple[int, str]]:
        self._fh.seek(0)
        offset = 0
        while offset < self._end:
            self._fh.seek(offset)
            line = self._fh.readline()
            yield offset, line.decode("utf-8")
            offset += len(line)

    def read_at(self, offset: int) -> str:
        self._fh.seek(offset)
        return self._fh.readline().decode("utf-8")

    def close(self) -> None:
        self._fh.close()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


class _OriginalFinder:
    """Finds the log file a review read: at its recorded path, else in ``outbox/processed/YYYY-MM/``.

    A candidate counts only when its SHA-256 is the one recorded at review: a file edited since is another log.
    """

    def __init__(self, processed: Path) -> None:
        self._processed = processed
        self._hashes: dict[tuple[str, int, int], str] = {}
        self._by_hash: dict[str, Path] | None = None

    def _sha(self, path: Path) -> str | None:
        try:
            info = path.stat()
            key = (str(path.resolve()), info.st_size, info.st_mtime_ns)
            if key not in self._hashes:  # the same file is often the original of many records (re-reviews)
                if len(self._hashes) >= _HASH_MEMO:
                    self._hashes.clear()  # bounded: memory must not grow with the number of logs
                self._hashes[key] = _sha256_file(path)
            return self._hashes[key]
        except OSError:
            return None

    def _months(self) -> list[Path]:
        if not self._processed.is_dir():
            return []
        return sorted((p for p in self._processed.iterdir() if p.is_dir()), reverse=True)

    def _index(self) -> dict[str, Path]:
        # Built once, and only when a file is not found by name: the service may have renamed it on a clash.
        if self._by_hash is None:
            self._by_hash = {}
            for month in self._months():
                for path in sorted(month.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        sha = self._sha(path)
                        if sha:
                            self._by_hash.setdefault(sha, path)
        return self._by_hash

    def find(self, recorded: str, sha256: str) -> tuple[Path | None, str]:
        """The file, or ``None`` and why it is missing."""
        path = Path(recorded)
        changed = False
        if path.is_file():
            if self._sha(path) == sha256:
                return path, ""
            changed = True
        name = re.split(r"[\\/]", recorded)[-1]
        for month in self._months():
            candidate = month / name
            if candidate.is_file() and self._sha(candidate) == sha256:
                return candidate, ""
        found = self._index().get(sha256)
        if found is not None:
            return found, ""
        if changed:
            return None, ("the file at the path recorded at review was changed afterwards, and no copy with the "
                          "reviewed SHA-256 is in outbox/processed")
        return None, "not found at the path recorded at review, nor in outbox/processed"


def _review_label(record: ReviewRecord, path: Path) -> str:
    stem = record.path.name.removesuffix(EVIDENCE_SUFFIX)
    return REVIEW_DOCUMENTS.get(path.name.removeprefix(f"{stem}_"), "Review document")


class _Planner:
    """Turns reviews into planned logs with safe, unique member names (unique ignoring case, see ``_unique``)."""

    def __init__(self, finder: _OriginalFinder) -> None:
        self._finder = finder
        self._staff_folders: dict[str, str] = {}
        self._used_staff: set[str] = set()
        self._used_logs: dict[str, set[str]] = {}

    @property
    def people(self) -> int:
        """How many people were planned so far."""
        return len(self._staff_folders)

    def plan(self, record: ReviewRecord) -> _PlannedLog:
        log = record.log
        staff_key = record.staff_id or f"(no id) {record.folder.name}"
        if staff_key not in self._staff_folders:
            self._staff_folders[staff_key] = _unique(slug(record.staff_id or record.folder.name, "unknown"),
                                                     self._used_staff)
        staff_folder = self._staff_folders[staff_key]
        stem = record.path.name.removesuffix(EVIDENCE_SUFFIX)
        log_id = log.log_id or stem
        base = f"{staff_folder}/{_unique(slug(stem, 'log'), self._used_logs.setdefault(staff_folder, set()))}"
        staff_id = record.staff_id or ""
        items: list[_Item] = []
        missing: list[MissingItem] = []
        original_name = re.split(r"[\\/]", log.source.path)[-1]
        original, reason = self._finder.find(log.source.path, log.source.sha256)
        if original is not None:
            items.append(_Item(member=f"{base}/original/{safe_file_name(original_name, 'log')}",
                               source=str(original), label="Original log"))
        else:
            missing.append(MissingItem(staff_id=staff_id, log_id=log_id, item="Original log", file=original_name,
                                       reason=reason))
        order = list(REVIEW_DOCUMENTS.values())
        # the index lists a log's documents in the order a reader needs them: evidence, feedback, sign-off, plan
        documents = sorted(((_review_label(record, p), p) for p in record.documents()), key=lambda pair: (
            order.index(pair[0]) if pair[0] in order else len(order), pair[1].name))
        used_docs: set[str] = set()
        for label, path in documents:
            member = _unique(safe_file_name(path.name), used_docs)
            items.append(_Item(member=f"{base}/review/{member}", source=str(path), label=label))
        present = {label for label, _ in documents}
        for suffix, label in REVIEW_DOCUMENTS.items():
            if label not in present:
                missing.append(MissingItem(staff_id=staff_id, log_id=log_id, item=label, file=f"{stem}_{suffix}",
                                           reason="not found in the person's review folder"))
        return _PlannedLog(
            staff_key=staff_folder, staff_id=staff_id, name=log.staff.name or "", setting=log.staff.organisation or "",
            role=log.staff.role or "", framework=log.framework or "", level=log.level or "",
            period_start=log.period.start, period_end=log.period.end, reviewed_on=record.reviewed_on,
            ready=record.ready, outcome=log.signoff.outcome or "", manager=log.signoff.manager or "", log_id=log_id,
            items=tuple(items), missing=tuple(missing),
        )


def _planned(spool: _Spool) -> Iterator[_PlannedLog]:
    for _, line in spool:
        yield _PlannedLog.model_validate_json(line)


# ---------------------------------------------------------------------------------------------------- writing


class _HashingWriter:
    """A write-only stream that hashes and counts what passes through to a zip member."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        self._raw.write(data)
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here; zipfile flushes the member on close."""

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


class _BundleWriter:
    """The zip being written; what the manifest needs of each file goes to ``files`` (a spool), in order."""

    def __init__(self, fh: IO[bytes], files: _Spool, *, stamp: tuple[int, ...], total: int,
                 on_progress: ProgressCallback | None) -> None:
        self._zip = zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = stamp
        self._total = total
        self._progress = on_progress
        self.files = files
        self.count = 0
        self.bytes = 0

    @contextlib.contextmanager
    def member(self, name: str, *, size_hint: int = 0, listed: bool = True) -> Iterator[_HashingWriter]:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(_STORE_SUFFIXES) else zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | _MEMBER_MODE) << 16
        info.file_size = size_hint
        with self._zip.open(info, "w", force_zip64=size_hint > _ZIP64_SAFE) as raw:
            writer = _HashingWriter(raw)
            yield writer
        if listed:
            self.files.append(json.dumps([name, writer.hexdigest(), writer.size], ensure_ascii=False))
            self.count += 1
            self.bytes += writer.size
        if self._progress is not None:
            self._progress(self.count + (not listed), self._total)

    def copy(self, name: str, source: Path) -> None:
        try:
            src = source.open("rb")
        except OSError as exc:
            raise InputError(f"{source} could not be read ({exc.strerror or type(exc).__name__}); check that it "
                             "was not moved or deleted while the bundle was made, and run the bundle again.") from exc
        with src:
            size = os.fstat(src.fileno()).st_size
            with self.member(name, size_hint=size) as dst:
                while chunk := src.read(CHUNK_BYTES):
                    dst.write(chunk)

    def close(self) -> None:
        self._zip.close()


_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F5F5B")


def _text_cell(ws: Any, value: object) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # a control character typed into a log: openpyxl refuses it
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # names and evidence are untrusted: "=HYPERLINK(...)" stays text, never a formula
    return cell


def _sheet(wb: Workbook, title: str, header: list[str], widths: list[int]) -> Any:
    ws = wb.create_sheet(title)
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(65 + index)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{chr(64 + len(header))}1"
    cells = []
    for text in header:
        cell = _text_cell(ws, text)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cells.append(cell)
    ws.append(cells)
    return ws


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _write_register_extract(out: IO[bytes], plan: _Spool) -> None:
    # per person only the offset of their latest log (as latest_by_person orders: period start, then review date)
    latest: dict[str, tuple[tuple[dt.date, dt.date], int, int]] = {}
    for offset, line in plan:
        log = _PlannedLog.model_validate_json(line)
        order = (log.period_start or dt.date.min, log.reviewed_on)
        current = latest.get(log.staff_key)
        if current is None:
            latest[log.staff_key] = (order, offset, 1)
        else:
            latest[log.staff_key] = (order, offset, current[2] + 1) if order >= current[0] else (
                current[0], current[1], current[2] + 1)
    wb = Workbook(write_only=True)
    ws = _sheet(wb, "Register extract",
                ["Staff ID", "Name", "Setting", "Role", "Framework", "Level", "Period start", "Period end",
                 "Last review", "Ready for sign-off", "Sign-off outcome", "Signed off by", "Logs in bundle"],
                [12, 28, 30, 22, 20, 8, 12, 12, 12, 12, 22, 22, 10])
    for key in sorted(latest, key=str.casefold):
        _, offset, count = latest[key]
        log = _PlannedLog.model_validate_json(plan.read_at(offset))
        ws.append([_text_cell(ws, v) for v in (
            log.staff_id, log.name, log.setting, log.role, log.framework, log.level, _iso(log.period_start),
            _iso(log.period_end), _iso(log.reviewed_on), "Yes" if log.ready else "No", log.outcome, log.manager,
            count)])
    wb.save(out)


# ------------------------------------------------------------------------------ index.xlsx, streamed
#
# openpyxl keeps every hyperlink of a sheet in memory until it saves (about 2 KB each: 60 MB for a bundle of
# 4,000 people), so index.xlsx is written here as SpreadsheetML, row by row, in three passes over the spooled
# index: the cells, then the <hyperlinks> that follow them in the sheet, then the sheet's relationships.


@dataclass(frozen=True)
class _Link:
    """A cell showing ``text`` that opens ``target`` (a path relative to the workbook)."""

    text: str
    target: str


_Cell = str | int | None | _Link
_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Excel opens at most 65,530 hyperlinks per worksheet: longer indexes continue on another sheet.
ROWS_PER_SHEET: Final = 60_000
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STYLE_HEADER, _STYLE_LINK = 1, 2
_STYLES_XML = (
    f'{_XML_HEAD}<styleSheet xmlns="{_XLSX_MAIN}">'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>'
    '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1F5F5B"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


@dataclass(frozen=True)
class _StreamedSheet:
    """One table of a streamed workbook; ``rows`` is called once per pass and must give the same rows each time."""

    title: str
    header: tuple[str, ...]
    widths: tuple[int, ...]
    rows: Callable[[], Iterable[Sequence[_Cell]]]


def _xml_text(value: str) -> str:
    # Excel refuses a cell over 32,767 characters and XML refuses control characters
    return _XML_ILLEGAL.sub("", value)[:32767].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(value: str) -> str:
    return _xml_text(value).replace('"', "&quot;")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_xml(ref: str, value: _Cell, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    if value is None:
        return ""
    if isinstance(value, _Link):
        value, styled = value.text, f' s="{_STYLE_LINK}"'
    if isinstance(value, int):
        return f'<c r="{ref}"{styled}><v>{value}</v></c>'
    # inline strings: never a formula, whatever a name starts with ("=HYPERLINK(...)" stays text)
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'


def _sheet_rows(sheet: _StreamedSheet, first: int) -> Iterator[Sequence[_Cell]]:
    for index, row in enumerate(sheet.rows()):
        if index >= first + ROWS_PER_SHEET:
            return
        if index >= first:
            yield row


def _write_sheet_part(package: zipfile.ZipFile, number: int, sheet: _StreamedSheet, first: int) -> int:
    """Write ``xl/worksheets/sheet<number>.xml`` and its relationships; returns the number of data rows."""
    last_column = _column(len(sheet.header) - 1)
    rows = 0
    with package.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(sheet.widths, start=1))
        part.write((f'{_XML_HEAD}<worksheet xmlns="{_XLSX_MAIN}" xmlns:r="{_OFFICE_RELS}"><sheetViews>'
                    '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                    'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
                    f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                    '<row r="1">' + "".join(_cell_xml(f"{_column(i)}1", text, _STYLE_HEADER)
                                            for i, text in enumerate(sheet.header)) + "</row>").encode())
        for number_in_sheet, row in enumerate(_sheet_rows(sheet, first), start=2):
            cells = "".join(_cell_xml(f"{_column(i)}{number_in_sheet}", v) for i, v in enumerate(row))
            part.write(f'<row r="{number_in_sheet}">{cells}</row>'.encode())
            rows += 1
        part.write(f'</sheetData><autoFilter ref="A1:{last_column}{rows + 1}"/>'.encode())
        links = 0
        for number_in_sheet, row in enumerate(_sheet_rows(sheet, first), start=2):
            for i, value in enumerate(row):
                if isinstance(value, _Link):
                    links += 1
                    if links == 1:
                        part.write(b"<hyperlinks>")
                    part.write(f'<hyperlink ref="{_column(i)}{number_in_sheet}" r:id="rId{links}"/>'.encode())
        part.write((("</hyperlinks>" if links else "") + '<pageMargins left="0.7" right="0.7" top="0.75" '
                    'bottom="0.75" header="0.3" footer="0.3"/></worksheet>').encode())
    with package.open(f"xl/worksheets/_rels/sheet{number}.xml.rels", "w") as part:
        part.write(f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">'.encode())
        links = 0
        for row in _sheet_rows(sheet, first):
            for value in row:
                if isinstance(value, _Link):
                    links += 1
                    part.write((f'<Relationship Id="rId{links}" Type="{_OFFICE_RELS}/hyperlink" '
                                f'Target="{_xml_attr(value.target)}" TargetMode="External"/>').encode())
        part.write(b"</Relationships>")
    return rows


def _write_streamed_xlsx(out: IO[bytes], sheets: Sequence[_StreamedSheet]) -> None:
    """Write a workbook of simple tables (bold header row, frozen, filtered; text, numbers and hyperlinks)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        parts: list[tuple[str, str, int]] = []  # (sheet name, last column, data rows)
        for sheet in sheets:
            first = 0
            while True:
                number = len(parts) + 1
                title = sheet.title if first == 0 else f"{sheet.title} ({first // ROWS_PER_SHEET + 1})"
                rows = _write_sheet_part(package, number, sheet, first)
                parts.append((title[:31], _column(len(sheet.header) - 1), rows))
                first += ROWS_PER_SHEET
                if rows < ROWS_PER_SHEET or next(iter(_sheet_rows(sheet, first)), None) is None:
                    break
        names = "".join(f'<sheet name="{_xml_attr(t)}" sheetId="{n}" r:id="rId{n}"/>'
                        for n, (t, _, _) in enumerate(parts, start=1))
        filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
                          f"'{_xml_text(t)}'!$A$1:${c}${r + 1}</definedName>" for n, (t, c, r) in enumerate(parts))
        package.writestr("xl/workbook.xml", f'{_XML_HEAD}<workbook xmlns="{_XLSX_MAIN}" xmlns:r="{_OFFICE_RELS}">'
                         f"<bookViews><workbookView/></bookViews><sheets>{names}</sheets>"
                         f"<definedNames>{filters}</definedNames></workbook>")
        rels = "".join(f'<Relationship Id="rId{n}" Type="{_OFFICE_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                       for n in range(1, len(parts) + 1))
        package.writestr("xl/_rels/workbook.xml.rels", f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{rels}'
                         f'<Relationship Id="rId{len(parts) + 1}" Type="{_OFFICE_RELS}/styles" '
                         'Target="styles.xml"/></Relationships>')
        package.writestr("xl/styles.xml", _STYLES_XML)
        package.writestr("_rels/.rels", f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
                         f'Type="{_OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                            for n in range(1, len(parts) + 1))
        package.writestr("[Content_Types].xml", (
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}'
            "</Types>"))


def _index_rows(plan: _Spool, files: _Spool) -> Iterator[list[_Cell]]:
    """One row per file and per missing item; the plan and the file list are read side by side."""
    written = iter(files)
    for log in _planned(plan):
        period = f"{_iso(log.period_start)} to {_iso(log.period_end)}" if log.period_start or log.period_end else ""
        head: list[_Cell] = [log.staff_id, log.name, log.setting, log.log_id, period, _iso(log.reviewed_on)]
        for item in log.items:
            path, sha, size = json.loads(next(written)[1])
            if path != item.member:  # cannot happen: items are copied in plan order
                raise RuntimeError(f"bundle index out of step at {path}")
            yield [*head, item.label, _Link(item.member, item.member), sha, size, None]
        for gone in log.missing:
            yield [*head, gone.item, gone.file, None, None, gone.reason]


def _write_index_xlsx(out: IO[bytes], plan: _Spool, files: _Spool) -> None:
    index = _StreamedSheet(
        "Index", ("Staff ID", "Name", "Setting", "Log ID", "Period", "Reviewed on", "Item", "File", "SHA-256",
                  "Size (bytes)", "Missing because"),
        (12, 28, 30, 24, 24, 12, 26, 60, 66, 12, 50), lambda: _index_rows(plan, files))
    extra = _StreamedSheet("Bundle files", ("Item", "File"), (34, 26), lambda: [
        ["Register extract", _Link(REGISTER_EXTRACT, REGISTER_EXTRACT)],
        ["Index (open in a browser)", _Link(INDEX_HTML, INDEX_HTML)],
        ["Manifest: SHA-256 of every file", _Link(MANIFEST_NAME, MANIFEST_NAME)]])
    _write_streamed_xlsx(out, [index, extra])


_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Safeguarding competency evidence bundle</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; margin: 1.5em; color: #1b1b1b; line-height: 1.4; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #b8c4c3; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #1f5f5b; color: #fff; }
tbody tr:nth-child(even) td { background: #f2f6f6; }
ul { margin: 0; padding-left: 1.1em; }
.missing { color: #9b1c1c; }
.no { color: #9b1c1c; font-weight: bold; } .yes { color: #1e6b2f; font-weight: bold; }
.meta td:first-child { font-weight: bold; width: 12em; }
code { font-size: .9em; }
@media print { a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>Safeguarding competency evidence bundle</h1>
<table class="meta">
<tr><td>Scope</td><td>{{ scope }}</td></tr>
<tr><td>Created</td><td>{{ created }}</td></tr>
<tr><td>Contents</td><td>{{ people }} people, {{ log_count }} reviewed logs, {{ file_count }} files
{%- if missing %}, {{ missing|length }} items missing{% endif %}</td></tr>
<tr><td>Made by</td><td>sglogs {{ version }}</td></tr>
</table>
<p>Extract the whole zip file first (in Windows: right-click it, <em>Extract All</em>), then open this page: each
link opens a file of the bundle. The same list is in <a href="index.xlsx">index.xlsx</a>; the latest review of
each person is in <a href="register-extract.xlsx">register-extract.xlsx</a>.</p>
<p><a href="manifest.json">manifest.json</a> holds the SHA-256 fingerprint of every file. <code>sglogs verify</code>
checks them all and names any file changed, added or removed; one file can be checked by hand with
<code>certutil -hashfile FILE SHA256</code> (Windows) or <code>sha256sum FILE</code>.</p>
{% if missing %}
<h2>Missing items</h2>
<ul>
{% for gone in missing %}<li class="missing">{{ gone.staff_id or "(no staff id)" }}, log {{ gone.log_id }}:
{{ gone.item }} ({{ gone.file }}) &ndash; {{ gone.reason }}</li>
{% endfor %}</ul>
{% endif %}
<h2>Reviewed logs</h2>
<table>
<thead><tr><th>Staff ID</th><th>Name</th><th>Setting</th><th>Framework, level</th><th>Period</th><th>Reviewed</th>
<th>Ready for sign-off</th><th>Sign-off</th><th>Files</th></tr></thead>
<tbody>
{% for log in logs %}<tr id="log-{{ loop.index }}">
<td>{{ log.staff_id }}</td><td>{{ log.name }}</td><td>{{ log.setting }}</td>
<td>{{ log.framework }}{% if log.level %}, level {{ log.level }}{% endif %}</td>
<td>{{ iso(log.period_start) }}{% if log.period_start or log.period_end %} to {% endif %}{{ iso(log.period_end) }}</td>
<td>{{ iso(log.reviewed_on) }}</td>
<td>{% if log.ready %}<span class="yes">Yes</span>{% else %}<span class="no">No</span>{% endif %}</td>
<td>{{ log.outcome }}{% if log.manager %} ({{ log.manager }}){% endif %}</td>
<td><ul>
{% for item in log.items %}<li><a href="{{ href(item.member) }}">{{ item.label }}</a></li>
{% endfor %}{% for gone in log.missing %}<li class="missing">{{ gone.item }}: missing</li>
{% endfor %}</ul></td>
</tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


def _write_index_html(out: IO[bytes], plan: _Spool, *, scope: BundleScope, created: str, people: int,
                      log_count: int, file_count: int, missing: list[MissingItem]) -> None:
    # autoescape: names, settings and outcomes are typed by people and may hold "<script>"
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_INDEX_TEMPLATE)
    for chunk in template.generate(scope=scope.describe(), created=created, people=people, logs=_planned(plan),
                                   log_count=log_count, file_count=file_count, missing=missing, version=__version__,
                                   iso=_iso, href=lambda member: quote(member, safe="/")):
        out.write(chunk.encode("utf-8"))


def _write_manifest(out: IO[bytes], *, scope: BundleScope, created: str, people: int, logs: int, files: _Spool,
                    missing: list[MissingItem]) -> None:
    head = {"format": BUNDLE_FORMAT, "sglogs_version": __version__, "created": created,
            "scope": scope.manifest_entry(), "people": people, "logs": logs,
            "missing": [m.as_json() for m in missing]}
    text = json.dumps(head, indent=2, ensure_ascii=False)
    out.write(text[:-2].encode("utf-8") + b',\n  "files": [')
    # one file per line, written as it goes: a manifest of 100,000 files is never one string in memory
    separator = b"\n"
    for _, line in files:
        path, sha, size = json.loads(line)
        entry = json.dumps({"path": path, "sha256": sha, "size": size}, ensure_ascii=False)
        out.write(separator + f"    {entry}".encode())
        separator = b",\n"
    out.write(b"\n  ]\n}\n")


def _make_dirs(path: Path, mode: int) -> None:
    make_folders(path, mode)  # security 15.2: the one folder maker


def build_bundle(
    options: BundleOptions,
    settings: Settings,
    on_progress: ProgressCallback | None = None,
    now: dt.datetime | None = None,
) -> BundleReport:
    """Write the evidence bundle of everyone in ``options.scope`` to ``options.out``.

    The zip is written beside its target under a temporary name, with ``settings.output.file_mode`` (0600), and
    renamed into place only when complete; an existing file of that name is replaced. An original log that can
    no longer be found (see the module docstring) is listed as missing, not an error.

    Args:
        options: Scope and output path.
        settings: Where the outbox is (``outbox/reviews``, ``outbox/processed``) and the file modes.
        on_progress: Called as ``on_progress(files_done, files_total)`` after each file is written.
        now: The creation time recorded in the manifest and on every member (default: now, local time zone).

    Raises:
        UsageError: the output is not a ``.zip``, nobody's review matches the scope, or the bundle would hold
            more than ``MAX_BUNDLE_FILES`` files.

    Example:
        >>> scope = bundle_scope(setting="Sunflower Nursery & Pre-school")
        >>> report = build_bundle(BundleOptions(scope=scope, out=Path("outbox/bundles/sunflower.zip")),
        ...     load_settings())  # doctest: +SKIP
        >>> report.people, report.missing  # doctest: +SKIP
        (8, ())
    """
    out = options.out
    if out.suffix.lower() != ".zip":
        raise UsageError(f"--out {out} must name a .zip file, e.g. --out {out.with_suffix('.zip').name}.")
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; name the bundle file inside it, e.g. --out {out / 'bundle.zip'}.")
    scope = options.scope
    created_at = (now or dt.datetime.now(dt.UTC)).astimezone()
    created = created_at.isoformat(timespec="seconds")
    stamp = max(created_at.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    reviews = settings.outbox / "reviews"
    settings_seen: set[str] = set()

    def in_scope() -> Iterator[ReviewRecord]:
        for record in load_reviews(reviews):
            settings_seen.add(record.log.staff.organisation or "")
            if scope.includes(record):
                yield record

    try:
        return _build(out, scope, settings, in_scope(), settings_seen, stamp=stamp, created=created,
                      created_at=created_at, on_progress=on_progress)
    except OSError as exc:  # the output side: reading a source is an InputError raised in _BundleWriter.copy
        raise UsageError(f"The bundle cannot be written to {out} ({exc.strerror or type(exc).__name__}); choose "
                         "another --out or free some disk space.") from exc


def _build(out: Path, scope: BundleScope, settings: Settings, records: Iterator[ReviewRecord],
           settings_seen: set[str], *, stamp: tuple[int, ...], created: str, created_at: dt.datetime,
           on_progress: ProgressCallback | None) -> BundleReport:
    reviews = settings.outbox / "reviews"
    _make_dirs(out.parent, settings.output.dir_mode_bits)
    with contextlib.ExitStack() as stack:
        plan = _Spool(out.parent)
        stack.callback(plan.close)
        files = _Spool(out.parent)
        stack.callback(files.close)
        planner = _Planner(_OriginalFinder(settings.outbox / "processed"))
        log_count, total, missing, found_ids = 0, 3, [], set()
        for record in records:
            log = planner.plan(record)
            plan.append(log.model_dump_json())
            log_count += 1
            total += len(log.items)
            missing.extend(log.missing)
            if scope.kind is ScopeKind.STAFF:
                found_ids.add(log.staff_id)
        if not log_count:
            known = sorted(s for s in settings_seen if s)
            hint = f" (settings with reviews: {', '.join(known[:10])}{', ...' if len(known) > 10 else ''})" if (
                scope.kind is ScopeKind.SETTING and known) else ""
            raise UsageError(f"No reviewed log in {reviews} matches {scope.describe()}{hint}; check the spelling "
                             "of the setting or staff ids and the --from/--to dates, or run 'sglogs review' first.")
        if total > MAX_BUNDLE_FILES:
            raise UsageError(f"This bundle would hold {total} files, more than the {MAX_BUNDLE_FILES} one bundle "
                             "can hold; make one bundle per setting with --setting, or split the dates with "
                             "--from/--to.")
        people = planner.people
        manifest_sha, writer = _write_zip(out, settings, plan, files, stamp=stamp, total=total + 1,
                                          on_progress=on_progress, scope=scope, created=created, people=people,
                                          log_count=log_count, missing=missing)
    return BundleReport(out=out, scope=scope, people=people, logs=log_count, files=writer.count,
                        bytes=writer.bytes, manifest_sha256=manifest_sha, created=created_at, missing=tuple(missing),
                        unmatched_staff=tuple(i for i in scope.staff_ids if i not in found_ids))


def _write_zip(out: Path, settings: Settings, plan: _Spool, files: _Spool, *, stamp: tuple[int, ...], total: int,
               on_progress: ProgressCallback | None, scope: BundleScope, created: str, people: int, log_count: int,
               missing: list[MissingItem]) -> tuple[str, _BundleWriter]:
    fd, tmp = tempfile.mkstemp(prefix=".~sglogs-", suffix=".part", dir=out.parent)
    try:
        with open(fd, "wb") as fh:
            writer = _BundleWriter(fh, files, stamp=stamp, total=total, on_progress=on_progress)
            for log in _planned(plan):
                for item in log.items:
                    writer.copy(item.member, Path(item.source))
            with writer.member(REGISTER_EXTRACT) as member:
                _write_register_extract(member, plan)
            with writer.member(INDEX_HTML) as member:
                _write_index_html(member, plan, scope=scope, created=created, people=people, log_count=log_count,
                                  file_count=total - 1, missing=missing)
            with writer.member(INDEX_XLSX) as member:
                _write_index_xlsx(member, plan, files)
            with writer.member(MANIFEST_NAME, listed=False) as member:
                _write_manifest(member, scope=scope, created=created, people=people, logs=log_count, files=files,
                                missing=missing)
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, settings.output.file_mode_bits)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return member.hexdigest(), writer


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


def verify_bundle(path: Path, on_progress: ProgressCallback | None = None) -> VerifyReport:
    """Re-hash every file of a bundle and compare it with ``manifest.json``.

    Every member is streamed (memory stays flat whatever the bundle's size). A member that fails its zip
    checksum or cannot be inflated is reported as changed (and in ``damaged``), not as an error.

    Args:
        path: The bundle zip.
        on_progress: Called as ``on_progress(members_done, members_total)``.

    Raises:
        InputError: (exit 3) the file is missing, not a zip, damaged, refused as unsafe, or has no readable
            ``manifest.json``.

    Example:
        >>> verify_bundle(Path("outbox/bundles/sunflower.zip")).intact  # doctest: +SKIP
        True
    """
    name = printable_name(path.name)
    with _open_checked(path) as zf:
        manifest, expected, manifest_sha = _read_manifest(zf, name)
        members = [i for i in zf.infolist() if not i.is_dir() and i.filename != MANIFEST_NAME]
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
        removed = [p for p in expected if p not in present]
    return VerifyReport(path=path, ok=tuple(sorted(ok)), changed=tuple(sorted(changed)), added=tuple(sorted(added)),
                        removed=tuple(sorted(removed)), damaged=tuple(sorted(damaged)), manifest_sha256=manifest_sha,
                        created=manifest.created, scope=str(manifest.scope.get("description", "")),
                        sglogs_version=manifest.sglogs_version, missing=len(manifest.missing))

