"""``build_bundle``: plan the logs in scope, copy their files, write the indexes and the manifest last."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .. import __version__
from ..config import Settings
from ..errors import SglogsError, UsageError
from ..files import make_folders  # the one folder maker (security 15.2)
from ..frameworks import installed_frameworks
from ..matching import attribute_logs
from ..models import Framework
from ..records import ReviewRecord, outbox_reviews
from ..roster import RosterRules, roster_people
from .index import _write_index_html, _write_index_xlsx, _write_register_extract
from .model import (
    BUNDLE_FORMAT,
    INDEX_HTML,
    INDEX_XLSX,
    MANIFEST_NAME,
    MAX_BUNDLE_FILES,
    REGISTER_EXTRACT,
    BundleReport,
    MissingItem,
    ProgressCallback,
)
from .plan import _OriginalFinder, _planned, _Planner, _Spool
from .scope import BundleOptions, BundleScope, ScopeKind
from .sign import SIGNATURE_NAME, Ed25519PrivateKey, load_private_key, signature_bytes
from .zipwrite import _BundleWriter


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


def _framework_names(settings: Settings) -> dict[str, Framework]:
    # for the names people know ("NSCP ... 2024, Stage 4"); a broken frameworks folder leaves the ids shown
    try:
        return installed_frameworks(settings.frameworks_dir)
    except SglogsError:
        return {}


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
        settings: Where the outbox is (its record index finds the reviews) and the file modes.
        on_progress: Called as ``on_progress(files_done, files_total)`` after each file is written.
        now: The creation time recorded in the manifest and on every member (default: now, local time zone).

    Raises:
        UsageError: the output is not a ``.zip``, nobody's review matches the scope, or the bundle would hold
            more than ``MAX_BUNDLE_FILES`` files.

    Example:
        >>> from sglogs.bundle import bundle_scope
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
    signer = load_private_key(options.sign) if options.sign is not None else None  # a bad key fails first
    created_at = (now or dt.datetime.now(dt.UTC)).astimezone()
    created = created_at.isoformat(timespec="seconds")
    stamp = max(created_at.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    settings_seen: set[str] = set()

    reviews: Iterable[ReviewRecord] = outbox_reviews(settings.outbox)
    if options.roster is not None:  # the register's matching, so both put a log without identity in one place
        people, _ = roster_people(options.roster, RosterRules.from_frameworks(
            installed_frameworks(settings.frameworks_dir)))
        matched, unmatched = attribute_logs(reviews, people)
        reviews = [*matched, *(u.record for u in unmatched)]  # unmatched logs stay in, under no staff id

    def in_scope() -> Iterator[ReviewRecord]:
        for record in reviews:
            settings_seen.add(record.log.staff.organisation or "")
            if scope.includes(record):
                yield record

    try:
        return _build(out, scope, settings, in_scope(), settings_seen, stamp=stamp, created=created,
                      created_at=created_at, on_progress=on_progress, signer=signer)
    except OSError as exc:  # the output side: reading a source is an InputError raised in _BundleWriter.copy
        raise UsageError(f"The bundle cannot be written to {out} ({exc.strerror or type(exc).__name__}); choose "
                         "another --out or free some disk space.") from exc


def _build(out: Path, scope: BundleScope, settings: Settings, records: Iterator[ReviewRecord],
           settings_seen: set[str], *, stamp: tuple[int, ...], created: str, created_at: dt.datetime,
           on_progress: ProgressCallback | None, signer: Ed25519PrivateKey | None) -> BundleReport:
    make_folders(out.parent, settings.output.dir_mode_bits)
    with contextlib.ExitStack() as stack:
        plan = _Spool(out.parent)
        stack.callback(plan.close)
        files = _Spool(out.parent)
        stack.callback(files.close)
        planner = _Planner(_OriginalFinder(settings.outbox / "processed"), _framework_names(settings))
        log_count, total, missing, found_ids = 0, 3, [], set()
        for record in records:
            log = planner.plan(record)
            plan.append(log.model_dump_json())
            log_count += 1
            total += len(log.items)
            missing.extend(log.missing)
            if scope.kind is ScopeKind.STAFF:
                found_ids.add(log.staff_id)
        if not log_count and scope.kind is ScopeKind.ALL:
            raise UsageError(f"There are no reviewed logs in {settings.outbox} yet, so there is nothing to bundle; "
                             "run 'sglogs review' on the completed logs (or let the watched-folder service review "
                             "them) first.")
        if not log_count:
            known = sorted(s for s in settings_seen if s)
            hint = f" (settings with reviews: {', '.join(known[:10])}{', ...' if len(known) > 10 else ''})" if (
                scope.kind is ScopeKind.SETTING and known) else ""
            raise UsageError(f"No reviewed log of {settings.outbox} matches {scope.describe()}{hint}; check the "
                             "spelling of the setting or staff ids and the --from/--to dates, or run 'sglogs review' "
                             "first.")
        if total > MAX_BUNDLE_FILES:
            raise UsageError(f"This bundle would hold {total} files, more than the {MAX_BUNDLE_FILES} one bundle "
                             "can hold; make one bundle per setting with --setting, or split the dates with "
                             "--from/--to.")
        people = planner.people
        manifest_sha, writer = _write_zip(out, settings, plan, files, stamp=stamp, total=total + 1,
                                          on_progress=on_progress, scope=scope, created=created, people=people,
                                          log_count=log_count, missing=missing, signer=signer)
    return BundleReport(out=out, scope=scope, people=people, logs=log_count, files=writer.count, signed=bool(signer),
                        bytes=writer.bytes, manifest_sha256=manifest_sha, created=created_at, missing=tuple(missing),
                        unmatched_staff=tuple(i for i in scope.staff_ids if i not in found_ids))


def _write_zip(out: Path, settings: Settings, plan: _Spool, files: _Spool, *, stamp: tuple[int, ...], total: int,
               on_progress: ProgressCallback | None, scope: BundleScope, created: str, people: int, log_count: int,
               missing: list[MissingItem], signer: Ed25519PrivateKey | None) -> tuple[str, _BundleWriter]:
    fd, tmp = tempfile.mkstemp(prefix=".~sglogs-", suffix=".part", dir=out.parent)
    try:
        with open(fd, "wb") as fh:
            writer = _BundleWriter(fh, files, stamp=stamp, total=total, on_progress=on_progress)
            for log in _planned(plan):
                for item in log.items:
                    writer.copy(item.member, Path(item.source))
            with writer.member(REGISTER_EXTRACT) as member:
                _write_register_extract(member, plan, dt.datetime.fromisoformat(created).date())
            with writer.member(INDEX_HTML) as member:
                _write_index_html(member, plan, scope=scope, created=created, people=people, log_count=log_count,
                                  file_count=total - 1, missing=missing)
            with writer.member(INDEX_XLSX) as member:
                _write_index_xlsx(member, plan, files, dt.datetime.fromisoformat(created).date())
            with writer.member(MANIFEST_NAME, listed=False) as member:
                _write_manifest(member, scope=scope, created=created, people=people, logs=log_count, files=files,
                                missing=missing)
            manifest_sha = member.hexdigest()
            if signer is not None:  # written after the manifest, over its exact bytes, and not listed in it
                with writer.member(SIGNATURE_NAME, listed=False) as member:
                    member.write(signature_bytes(signer, manifest_sha))
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, settings.output.file_mode_bits)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest_sha, writer


