"""When a file in the inbox is whole: its signature, the pure ``StabilityTracker``, which names are never touched,
and the scan that lists the candidate files."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_IGNORED_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", ".ds_store"})
_IGNORED_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".lock")
_IGNORED_FOLDERS = frozenset({"$recycle.bin", "system volume information", "@eadir", "#recycle", "#snapshot"})
_EXCEL_TEMP_NAME = re.compile(r"[0-9A-F]{8}")  # Excel saves through extension-less 8-hex-digit temp files
_WINDOWS_SKIP_ATTRIBUTES = 0x2 | 0x4 | 0x100 | 0x400  # hidden, system, temporary, reparse point (junction)


def is_ignored_name(name: str) -> bool:
    """Whether a file name is one the service never touches: hidden, lock, temporary, partial or system files.

    Covers Office owner files (``~$x.docx``), LibreOffice locks (``.~lock.x#``), Word and OneDrive temp files
    (``~WRL0001.tmp``, ``~RF1a2b.TMP``), Excel's extension-less temp files (``3F2A1B4C``), macOS and Windows
    litter (``.DS_Store``, ``._x``, ``Thumbs.db``, ``desktop.ini``) and downloads in progress (``.part``,
    ``.crdownload``).

    Example:
        >>> [is_ignored_name(n) for n in ("~$log.docx", "3F2A1B4C", "log.docx", "roster.csv.part")]
        [True, True, False, True]
    """
    lower = name.lower()
    return (name.startswith((".", "~")) or lower in _IGNORED_NAMES or lower.endswith(_IGNORED_SUFFIXES)
            or bool(_EXCEL_TEMP_NAME.fullmatch(name)))


def _skipped_attributes(info: os.stat_result) -> bool:
    return bool(getattr(info, "st_file_attributes", 0) & _WINDOWS_SKIP_ATTRIBUTES)


@dataclass(frozen=True)
class Signature:
    """What tells one state of a file from another without reading it.

    Example:
        >>> Signature(10, 1, 2, 3) == Signature(10, 1, 2, 3)
        True
    """

    size: int
    mtime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, info: os.stat_result) -> Signature:
        """The signature of a ``stat`` result."""
        return cls(info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev)


def regular_file_signature(path: Path) -> Signature | None:
    """The signature of a regular file that is not a symlink; ``None`` if it is gone or anything else.

    Example:
        >>> regular_file_signature(Path("/nonexistent")) is None
        True
    """
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or _skipped_attributes(info):
        return None
    return Signature.of(info)


@dataclass
class _Track:
    signature: Signature
    since: float
    observed: float


class StabilityTracker:
    """Decides when a file has stopped changing, from observations alone (no clock, no filesystem).

    ``observe`` records what a file looked like at ``now``; a file is ready once the same signature has been
    observed across ``settle_seconds``. Files are never given up on: a file still changing stays tracked.

    Example:
        >>> tracker = StabilityTracker(settle_seconds=2)
        >>> sig = Signature(10, 1, 2, 3)
        >>> tracker.observe("a", sig, now=0.0); tracker.observe("a", sig, now=1.0); tracker.pop_ready(1.0)
        []
        >>> tracker.observe("a", sig, now=2.5); tracker.pop_ready(2.5)
        ['a']
    """

    def __init__(self, settle_seconds: float, check_seconds: float | None = None) -> None:
        self.settle_seconds = settle_seconds
        #: How often a tracked file should be looked at again.
        self.check_seconds = check_seconds if check_seconds is not None else min(0.5, max(0.05, settle_seconds / 4))
        self._files: dict[Any, _Track] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def observe(self, key: Any, signature: Signature | None, now: float) -> None:
        """Record a file's signature at ``now``; ``None`` (gone, or no longer a regular file) forgets it."""
        if signature is None:
            self._files.pop(key, None)
            return
        track = self._files.get(key)
        if track is None or track.signature != signature:
            self._files[key] = _Track(signature, since=now, observed=now)
        else:
            track.observed = max(track.observed, now)

    def mark_settled(self, key: Any, signature: Signature, now: float) -> None:
        """Track a file known to be whole already (it settled before and was set aside), ready at once."""
        self._files[key] = _Track(signature, since=now - self.settle_seconds, observed=now)

    def discard(self, key: Any) -> None:
        """Stop tracking a file."""
        self._files.pop(key, None)

    def due_checks(self, now: float) -> list[Any]:
        """Files to look at again: not observed for ``check_seconds``, or due to have settled by now."""
        return [key for key, track in self._files.items() if now >= self._due_at(track)]

    def _due_at(self, track: _Track) -> float:
        # looked at again every check_seconds, and exactly when it would have settled: no latency added
        settles_at = track.since + self.settle_seconds
        again = track.observed + self.check_seconds
        return min(again, settles_at) if track.observed < settles_at else again

    def pop_ready(self, now: float, limit: int | None = None) -> list[Any]:
        """Remove and return up to ``limit`` files that have settled, the longest settled first (the others keep
        their place in the queue)."""
        settled = [(track.since, key) for key, track in self._files.items()
                   if track.observed - track.since >= self.settle_seconds and track.since <= now]
        if limit == 1:  # the service's case, for every file: no need to sort them all
            taken = [min(settled, key=lambda pair: pair[0])[1]] if settled else []
        else:
            settled.sort(key=lambda pair: pair[0])
            taken = [key for _, key in (settled[:limit] if limit is not None else settled)]
        for key in taken:
            del self._files[key]
        return taken

    def next_due(self) -> float | None:
        """When the next check falls due (``None`` when nothing is tracked)."""
        if not self._files:
            return None
        return min(self._due_at(track) for track in self._files.values())

    def keys(self) -> list[Any]:
        """The files being tracked."""
        return list(self._files)


def scan_inbox(inbox: Path) -> Iterator[tuple[Path, Signature]]:
    """Every candidate file under ``inbox``: regular, not a symlink, not hidden or ignored, in no hidden folder.

    Symlinked and junction folders are not entered, so nothing outside the inbox is ever reached. Raises
    ``OSError`` only when the inbox itself cannot be listed.

    Example:
        >>> [p.name for p, _ in scan_inbox(Path("inbox"))]  # doctest: +SKIP
        ['NS001_Hartley.docx']
    """
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            if folder == inbox:
                raise
            continue  # a subfolder removed or locked meanwhile: the next scan looks again
        for entry in entries:
            if is_ignored_name(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                if entry.name.lower() not in _IGNORED_FOLDERS and not _skipped_attributes(info):
                    stack.append(Path(entry.path))
            elif stat.S_ISREG(info.st_mode) and not _skipped_attributes(info):
                yield Path(entry.path), Signature.of(info)
