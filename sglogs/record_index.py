"""The record index: where every review an installation made left its ``*_evidence.json``.

A review can be written anywhere: by the service into ``<outbox>/reviews/`` or ``<outbox>/<setting>/reviews/``,
by ``sglogs review --out SOMEWHERE`` into any folder. The annual cycle (register, audit, bundles, renewal, the
dashboard, ``sglogs status``) must find all of them, so each review adds one entry to its installation's index,
``<outbox>/.sglogs/records/``, and the cycle reads the index instead of guessing folders.

One entry is one small JSON file, ``{"version": 1, "evidence": "<path>"}``, named after a hash of that path and
written by temp file + rename (``files.atomic_write_bytes``). So writers never need a lock — the worker
processes of a folder review, several services sharing an outbox, a CLI review while the service runs — an entry
appears whole or not at all, and writing the same review again replaces its entry rather than adding a second.
The path is relative to the outbox when the review is inside it (the outbox may be moved or mounted elsewhere),
absolute otherwise.

Reading also scans the outbox's own review folders (``reviews/`` and ``<setting>/reviews/``), so reviews written
before the index existed, or copied in by hand, are found too. An entry whose review has gone (the folder was
deleted or moved) is reported as missing, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .core.names import SGLOGS_FOLDERS
from .files import atomic_write_bytes, make_folders

#: The index folder, inside the outbox (beside the service's journal).
INDEX_FOLDER = Path(".sglogs") / "records"
#: How the review documents' evidence file ends (``<log-id>_evidence.json``).
EVIDENCE_SUFFIX = "_evidence.json"
#: The outbox's own folder of reviews (the service also writes ``<setting>/reviews``).
REVIEWS_FOLDER = "reviews"
_VERSION = 1
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexedReviews:
    """The evidence files of an installation's reviews: those found, and those its index lists but that are gone.

    Example:
        >>> IndexedReviews(found=(), missing=()).missing
        ()
    """

    found: tuple[Path, ...]
    missing: tuple[Path, ...]


def index_folder(outbox: Path) -> Path:
    """The folder holding an outbox's record index.

    Example:
        >>> index_folder(Path("outbox")).as_posix()
        'outbox/.sglogs/records'
    """
    return outbox / INDEX_FOLDER


def _key(outbox: Path, evidence: Path) -> str:
    """How an entry names its review: relative to the outbox when inside it (posix), else the absolute path."""
    absolute = Path(os.path.abspath(evidence))
    try:
        return absolute.relative_to(os.path.abspath(outbox)).as_posix()
    except ValueError:
        return str(absolute)


def add_review(outbox: Path, evidence: Path, *, file_mode: int = 0o600, dir_mode: int = 0o700) -> Path:
    """List a review's evidence file in the outbox's record index; returns the entry (replaced if it existed).

    Entries hold paths whose folder names are staff ids, so they get the evidence modes.

    Example:
        >>> add_review(Path("outbox"), Path("elsewhere/NS001/NS001-20260101-61a8_evidence.json"))  # doctest: +SKIP
        PosixPath('outbox/.sglogs/records/3f0c2d....json')
    """
    key = _key(outbox, evidence)
    folder = make_folders(index_folder(outbox), dir_mode, within=outbox)
    entry = folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"
    data = json.dumps({"version": _VERSION, "evidence": key}, ensure_ascii=False) + "\n"
    return atomic_write_bytes(entry, data.encode("utf-8"), file_mode)


def _indexed(outbox: Path) -> list[Path]:
    """The evidence paths the index lists (damaged or foreign entries are skipped with a warning)."""
    folder = index_folder(outbox)
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json") and e.is_file())
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:  # unreadable (permissions, a share gone): the outbox's own folders are still scanned
        _log.warning("the record index %s cannot be read (%s), so reviews written outside the outbox are left "
                     "out; give this user read access to it.", folder, exc.strerror or type(exc).__name__)
        return []
    paths = []
    for name in names:
        try:
            key = json.loads((folder / name).read_text(encoding="utf-8"))["evidence"]
            if not isinstance(key, str) or not key.endswith(EVIDENCE_SUFFIX):
                raise ValueError
        except (OSError, ValueError, KeyError, TypeError) as exc:
            _log.warning("record index entry %s skipped: %s", name, type(exc).__name__)
            continue
        path = Path(key)
        paths.append(path if path.is_absolute() else outbox / path)
    return paths


def _outbox_folders(outbox: Path) -> list[Path]:
    """The outbox's own review folders: ``reviews/`` and each setting's ``<setting>/reviews/``."""
    folders = [outbox / REVIEWS_FOLDER]
    try:
        settings = sorted(e.name for e in os.scandir(outbox)
                          if not e.name.startswith(".") and e.name not in SGLOGS_FOLDERS and e.is_dir())
    except OSError:  # no outbox yet, or not readable: nothing of its own to scan
        return []
    folders.extend(outbox / name / REVIEWS_FOLDER for name in settings)
    return [f for f in folders if f.is_dir() and not f.is_symlink()]


def indexed_reviews(outbox: Path) -> IndexedReviews:
    """Every review evidence file of an installation: the index's entries, then the outbox's own review folders.

    Each file once (by its real path), in index order then folder order; entries whose file is gone are
    ``missing``.

    Example:
        >>> len(indexed_reviews(Path("outbox")).found)  # doctest: +SKIP
        30
    """
    found: list[Path] = []
    missing: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def add(path: Path) -> bool:
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return False
        if stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) not in seen:  # one file, however reached
            seen.add((info.st_dev, info.st_ino))
            found.append(path)
        return True

    for path in _indexed(outbox):
        if not add(path):
            missing.append(path)
    for folder in _outbox_folders(outbox):
        for path in sorted(folder.rglob(f"*{EVIDENCE_SUFFIX}")):
            add(path)
    return IndexedReviews(found=tuple(found), missing=tuple(missing))
