"""Outcomes and filing away: the notes for refused and duplicate files, the reserved archive name, and the original
moved from the inbox into ``processed``, ``rejected`` or ``duplicates`` without ever overwriting."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

from ..dispatch import (
    OutboxLayout,
    Outcome,
    duplicate_note,
    make_dirs,
    note_filed,
    rejection_note,
    sync_dir,
    write_atomic,
)
from ..files import TEMP_PREFIX, TEMP_SUFFIX
from ..store import (
    FileState,
    JournalEntry,
)
from .stability import (
    regular_file_signature,
)
from .workers import (
    _Snapshot,
)

logger = logging.getLogger("sglogs.service")


_COPY_CHUNK = 1024 * 1024


class ArchiveMixin:
    """``WatchService``'s outbox side: record an outcome, then file the original away."""

    def _layout(self, entry: JournalEntry) -> OutboxLayout:
        """``outbox``, or ``outbox/<setting>`` for a file dropped in ``inbox/<setting>/...``."""
        parts = entry.path.split("/")
        return OutboxLayout(self.outbox / parts[0] if len(parts) > 1 else self.outbox, outbox=self.outbox)

    def _record_outcome(self, entry: JournalEntry, path: Path, snapshot: _Snapshot, outcome: Outcome,
                        seconds: float) -> None:
        assert self.journal is not None
        layout = self._layout(entry)
        folder = layout.processed(dt.datetime.now()) if outcome.accepted else layout.rejected
        archive = self._reserve_archive(entry, folder, snapshot.name)
        if archive is None:
            return
        outputs = list(outcome.outputs)
        if outcome.accepted:  # the review's evidence says where its original is filed
            note_filed(outcome, self._outbox_rel(archive), self.settings.output.file_mode_bits)
        else:
            note = archive.with_name(archive.name + ".error.txt")
            text = rejection_note(snapshot.name, outcome.message or "", file_id=entry.id, sha256=entry.sha256,
                                  received=dt.datetime.fromtimestamp(entry.seen_at))
            write_atomic(note, text.encode("utf-8"), self.settings.output.file_mode_bits)
            outputs.append(note)
        state = FileState.DONE if outcome.accepted else FileState.REJECTED
        if not self.journal.finish(entry.id, self.instance_id, state, kind=outcome.kind.value,
                                   outputs=[self._outbox_rel(p) for p in outputs], error_kind=outcome.error_kind,
                                   error=outcome.message, summary=outcome.summary, process_seconds=seconds):
            self._lost_claim(entry)
            return
        logger.info("file #%d sha256:%s (%s) %s: %s in %.2f s", entry.id, entry.short_sha, outcome.kind.value,
                    state.value, outcome.summary, seconds)
        finished = self.journal.entry(entry.id)
        if finished is not None:
            self._file_away(finished, path, snapshot)

    def _duplicate(self, entry: JournalEntry, first: JournalEntry, path: Path, snapshot: _Snapshot) -> None:
        assert self.journal is not None
        archive = self._reserve_archive(entry, self._layout(entry).duplicates, snapshot.name)
        if archive is None:
            return
        note = archive.with_name(archive.name + ".duplicate.txt")
        done = dt.datetime.fromtimestamp(first.finished_at) if first.finished_at else None
        text = duplicate_note(snapshot.name, file_id=entry.id, first_id=first.id, first_done=done,
                              first_filed=first.archive_path)
        write_atomic(note, text.encode("utf-8"), self.settings.output.file_mode_bits)
        if not self.journal.finish(entry.id, self.instance_id, FileState.DUPLICATE, kind=first.kind,
                                   outputs=[self._outbox_rel(note)], summary=f"same content as file #{first.id}"):
            self._lost_claim(entry)
            return
        logger.info("file #%d sha256:%s duplicate of file #%d: nothing to do", entry.id, entry.short_sha, first.id)
        finished = self.journal.entry(entry.id)
        if finished is not None:
            self._file_away(finished, path, snapshot)

    def _reserve_archive(self, entry: JournalEntry, folder: Path, name: str) -> Path | None:
        """The path the original will be filed under, reserved in the journal (kept from an earlier attempt)."""
        assert self.journal is not None
        if entry.archive_path is not None:
            folder = (self.outbox / entry.archive_path).parent  # made again: it may have gone since
            make_dirs(folder, self.settings.output.dir_mode_bits)
            return self.outbox / entry.archive_path
        make_dirs(folder, self.settings.output.dir_mode_bits)
        stem, dot, suffix = name.rpartition(".")
        candidates = [name, f"{stem} (#{entry.id}).{suffix}" if dot and stem else f"{name} (#{entry.id})"]
        for candidate in candidates:
            if (folder / candidate).exists() and candidate != candidates[-1]:
                continue
            if self.journal.reserve_archive(entry.id, self.instance_id, self._outbox_rel(folder / candidate)):
                return folder / candidate
        self._lost_claim(entry)
        return None

    def _lost_claim(self, entry: JournalEntry) -> None:
        logger.warning("file #%d sha256:%s was taken over by another service while this one worked on it (this "
                       "one missed its heartbeats); leaving it to that service", entry.id, entry.short_sha)

    def _outbox_rel(self, path: Path) -> str:
        return Path(os.path.abspath(path)).relative_to(self.outbox).as_posix()

    def _file_away(self, entry: JournalEntry, path: Path, snapshot: _Snapshot | None) -> None:
        """Put the original where its outcome says, remove it from the inbox, and close the row."""
        assert self.journal is not None
        try:
            if entry.archive_path is not None:
                self._place_original(entry, path, snapshot, self.outbox / entry.archive_path)
            else:  # never expected: the original stays, and comes back as a duplicate rather than be lost
                logger.warning("file #%d sha256:%s has no name to be filed under; its original stays in the inbox",
                               entry.id, entry.short_sha)
        except OSError as exc:
            delay = self.svc.retry_seconds
            self.journal.release(entry.id, self.instance_id, not_before=time.time() + delay, count_attempt=False)
            logger.warning("file #%d sha256:%s has its outcome, but its original could not be filed away (%s); "
                           "trying again in %.0f s", entry.id, entry.short_sha, exc.strerror or type(exc).__name__,
                           delay)
            self._set_aside(path, delay)
            return
        if self.journal.mark_filed(entry.id, self.instance_id):
            self.report.outcomes[entry.state.value] = self.report.outcomes.get(entry.state.value, 0) + 1
        self.tracker.discard(path)

    def _place_original(self, entry: JournalEntry, path: Path, snapshot: _Snapshot | None, target: Path) -> None:
        mode = self.settings.output.file_mode_bits
        make_dirs(target.parent, self.settings.output.dir_mode_bits)
        signature = snapshot.signature if snapshot is not None else None
        unchanged = signature is not None and regular_file_signature(path) == signature
        if target.exists():
            if _sha256_of(target) != entry.sha256:
                raise FileExistsError(17, "another file is already filed under the reserved name")
        elif unchanged:
            # A second name, then the first removed: a link never overwrites, and removing a file is reported at
            # once, while watchdog holds back a move out of the inbox for 0.5 s (to pair it with its other half),
            # delaying every event behind it.
            _file_by_link(path, target, mode)
            sync_dir(target.parent)
        elif snapshot is not None and snapshot.copy is not None:
            _copy_atomic(snapshot.copy, target, mode)  # the original changed meanwhile: file the bytes processed
        else:
            logger.warning("file #%d sha256:%s: its original is no longer in the inbox and no copy was kept; "
                           "closing it without filing", entry.id, entry.short_sha)
        if unchanged and regular_file_signature(path) == signature:
            path.unlink()
            sync_dir(path.parent)


def _file_by_link(path: Path, target: Path, mode: int) -> None:
    """Give the original its name in the outbox (the caller then removes it from the inbox).

    A hard link never overwrites; a file that has other links (someone linked a private file into the inbox) is
    copied, so the filed original cannot change with it. Without hard links (FAT, some shares) it is renamed, and
    across filesystems copied.
    """
    if os.lstat(path).st_nlink > 1:
        _copy_atomic(path, target, mode)
        return
    try:
        os.link(path, target)
    except FileExistsError:
        raise
    except OSError:
        try:
            os.replace(path, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _copy_atomic(path, target, mode)
    os.chmod(target, mode)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_atomic(source: Path, target: Path, mode: int) -> None:
    """Copy a file so that it appears whole at ``target`` and is on disk before returning."""
    import tempfile

    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, _COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    sync_dir(target.parent)
