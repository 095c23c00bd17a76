"""Planning a bundle: each reviewed log reduced to its members (safe, unique names), found originals, spools."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..core.names import fold
from ..models import Framework
from ..records import EVIDENCE_SUFFIX, ReviewRecord
from ..verdicts import Readiness, readiness
from .model import _HASH_MEMO, _SAFE_NAME, CHUNK_BYTES, REVIEW_DOCUMENTS, MissingItem
from .verdict import verdict_of

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
    clean_suffix = fold(suffix, "")[:10]
    clean = fold(stem, fallback)
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
    framework_name: str = ""
    level_name: str = ""
    reasons: tuple[str, ...] = ()
    period_start: dt.date | None
    period_end: dt.date | None
    reviewed_on: dt.date
    ready: bool
    cannot_judge: bool = False
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

    def __init__(self, finder: _OriginalFinder, frameworks: Mapping[str, Framework] | None = None) -> None:
        self._finder = finder
        self._frameworks = frameworks or {}
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
            self._staff_folders[staff_key] = _unique(fold(record.staff_id or record.folder.name, "unknown"),
                                                     self._used_staff)
        staff_folder = self._staff_folders[staff_key]
        stem = record.path.name.removesuffix(EVIDENCE_SUFFIX)
        log_id = log.log_id or stem
        base = f"{staff_folder}/{_unique(fold(stem, 'log'), self._used_logs.setdefault(staff_folder, set()))}"
        staff_id = record.staff_id or ""
        items: list[_Item] = []
        missing: list[MissingItem] = []
        # where the review says the original was filed (the service's archive, a per-setting one too), else the
        # path it was read from (reviews made before the evidence named its original)
        recorded = str(record.original_path) if record.original_path is not None else log.source.path
        original_name = record.original.name if record.original else re.split(r"[\\/]", log.source.path)[-1]
        original, reason = self._finder.find(recorded, log.source.sha256)
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
        ready, reasons = verdict_of(record)
        framework = self._frameworks.get(log.framework or "")
        level = next((lv for lv in framework.levels if lv.id == log.level), None) if framework else None
        return _PlannedLog(
            staff_key=staff_folder, staff_id=staff_id, name=log.staff.name or "", setting=log.staff.organisation or "",
            role=log.staff.role or "", framework=log.framework or "", level=log.level or "",
            period_start=log.period.start, period_end=log.period.end, reviewed_on=record.reviewed_on,
            framework_name=framework.title if framework else "", level_name=level.name if level else "",
            reasons=reasons, ready=ready, cannot_judge=readiness(record.findings) is Readiness.CANNOT_JUDGE,
            outcome=log.signoff.outcome or "", manager=log.signoff.manager or "",
            log_id=log_id,
            items=tuple(items), missing=tuple(missing),
        )


def _planned(spool: _Spool) -> Iterator[_PlannedLog]:
    for _, line in spool:
        yield _PlannedLog.model_validate_json(line)


