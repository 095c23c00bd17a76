"""What every part of a bundle shares: its constants, the progress callback and the reports.

A bundle's layout is described in the ``sglogs.bundle`` package docstring.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict

from ..config import ReadSettings
from .scope import BundleScope

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
    signed: bool = False


@dataclass(frozen=True)
class VerifyReport:
    """What ``verify_bundle`` found: each file of the bundle and the manifest is in exactly one of the lists.

    ``changed``: in both but with other content (``damaged`` names those that could not even be unzipped);
    ``added``: in the zip, not in the manifest; ``removed``: in the manifest, not in the zip. Paths are sorted.
    ``refused``: entries no sglogs bundle holds, each with why (a symbolic link, a folder entry carrying data).
    ``signature``: ``"valid"``/``"invalid"`` when a public key was given, ``"absent"`` when one was given but the
    bundle holds no ``manifest.sig``, ``"unchecked"`` when it holds one and no key was given, else ``"none"``.
    ``fingerprint_ok``: whether the manifest's SHA-256 is the one the auditor was given (``None``: none given).

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
    refused: tuple[tuple[str, str], ...] = ()
    signature: str = "none"
    fingerprint_ok: bool | None = None

    @property
    def authentic(self) -> bool:
        """Whether the key or fingerprint the auditor gave (if any) vouches for the manifest."""
        return self.signature not in ("invalid", "absent") and self.fingerprint_ok is not False

    @property
    def intact(self) -> bool:
        """Whether every file matches the manifest, nothing was added, removed or refused, and it is authentic."""
        return not (self.changed or self.added or self.removed or self.refused) and self.authentic

