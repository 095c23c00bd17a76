"""Evidence bundles: one zip an auditor or the safeguarding partnership can open offline and check.

``build_bundle`` gathers, for everyone in a ``BundleScope``, the original logs, the parsed evidence (JSON) and the
review documents (feedback, sign-off sheet, action plan) of every review the outbox's record index finds, adds a
register extract and an index (HTML and XLSX) linking every item, and ends with ``manifest.json`` holding the
SHA-256 and size of every other file. ``verify_bundle`` re-hashes a bundle and names every file that was changed,
added or removed.

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
A bundle built with the organisation's Ed25519 key (``BundleOptions.sign``) also holds ``manifest.sig``
(see ``sign``), checked by ``verify_bundle(..., key=PUBLIC)``; ``expect=SHA256`` checks the fingerprint.

Reading a bundle that came from outside uses ``SafeZip``'s checks made when a zip is opened (entry count checked
before zipfile parses the directory, unsafe or duplicate names, encryption, compression method, per-member ratio)
with limits sized for bundles (``BUNDLE_READ_LIMITS``). Its per-part XML cap is not used: members are never held in
memory (only ``manifest.json`` is, under its own cap), so a large member costs time, not memory.

Modules, one job each: ``scope`` (who is in a bundle), ``plan`` (members, originals, spools), ``zipwrite`` (the
hashed zip stream), ``xlsxstream`` (a streamed SpreadsheetML writer), ``index`` (index.html, index.xlsx, register
extract), ``build`` (``build_bundle``), ``verify`` (``verify_bundle``), ``sign`` (keys and
``manifest.sig``, the one module importing ``cryptography``) and ``model`` (constants and reports).
"""

from __future__ import annotations

from .build import build_bundle
from .model import (
    BUNDLE_FORMAT,
    BUNDLE_READ_LIMITS,
    CHUNK_BYTES,
    INDEX_HTML,
    INDEX_XLSX,
    MANIFEST_NAME,
    MAX_BUNDLE_FILES,
    MAX_MANIFEST_BYTES,
    REGISTER_EXTRACT,
    REVIEW_DOCUMENTS,
    BundleReport,
    MissingItem,
    ProgressCallback,
    VerifyReport,
)
from .plan import safe_file_name
from .scope import BundleOptions, BundleScope, ScopeKind, bundle_scope, log_span
from .verify import verify_bundle

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_READ_LIMITS",
    "CHUNK_BYTES",
    "INDEX_HTML",
    "INDEX_XLSX",
    "MANIFEST_NAME",
    "MAX_BUNDLE_FILES",
    "MAX_MANIFEST_BYTES",
    "REGISTER_EXTRACT",
    "REVIEW_DOCUMENTS",
    "BundleOptions",
    "BundleReport",
    "BundleScope",
    "MissingItem",
    "ProgressCallback",
    "ScopeKind",
    "VerifyReport",
    "build_bundle",
    "bundle_scope",
    "log_span",
    "safe_file_name",
    "verify_bundle",
]
