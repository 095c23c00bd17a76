"""After a crash: claims of services that died are taken back, their private copies and half-written temp files
removed."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
from pathlib import Path

from ..files import TEMP_PREFIX, TEMP_SUFFIX
from .stability import (
    regular_file_signature,
)
from .workers import (
    instance_alive,
)

logger = logging.getLogger("sglogs.service")


class RecoveryMixin:
    """``WatchService``'s recovery side: what a stopped service left behind."""

    def _recover_claims(self) -> None:
        """Take back claims whose service died (its process is gone, or it missed heartbeats for a lease)."""
        assert self.journal is not None
        try:
            claimed = [e for e in self.journal.claimed() if e.claimed_by != self.instance_id]
            owners = self.journal.instances_by_id(sorted({e.claimed_by for e in claimed if e.claimed_by}))
        except Exception as exc:
            logger.warning("could not read the journal's claims (%s); will try again", type(exc).__name__)
            return
        now = time.time()
        dead = {owner_id for owner_id in {e.claimed_by for e in claimed if e.claimed_by}
                if owner_id not in owners or not instance_alive(owners[owner_id], now, self.svc.lease_seconds,
                                                                self.host_key)}
        for entry in claimed:
            if entry.claimed_by not in dead or not self.journal.take_back(entry.id, entry.claimed_by or ""):
                continue
            owner = owners.get(entry.claimed_by or "")
            logger.warning("file #%d sha256:%s was held by service %s (pid %s), which stopped; taking it over",
                           entry.id, entry.short_sha, (entry.claimed_by or "")[:8], owner.pid if owner else "?")
            if entry.inbox_id == self.inbox_id:
                path = self.inbox / entry.path
                signature = regular_file_signature(path)
                if signature is not None:
                    self.tracker.mark_settled(path, signature, time.monotonic())
                else:
                    refreshed = self.journal.entry(entry.id)
                    if refreshed is not None and refreshed.claimed_by is None and refreshed.closed_at is None:
                        self._settle_missing(refreshed)
        self.journal.forget_instances(sorted(d for d in dead if d in owners))

    def _sweep_work_dirs(self, work: Path) -> None:
        """Remove the private copies of services on this host that are no longer running."""
        assert self.journal is not None
        root = work.parent
        with contextlib.suppress(OSError):
            names = [p.name for p in root.iterdir() if p.is_dir() and re.fullmatch(r"[0-9a-f]{32}", p.name)
                     and p.name != self.instance_id]
            known = self.journal.instances_by_id(names)
            now = time.time()
            for name in names:
                info = known.get(name)
                if info is None or not instance_alive(info, now, self.svc.lease_seconds, self.host_key):
                    shutil.rmtree(root / name, ignore_errors=True)

    def _sweep_temp_files(self) -> None:
        """Remove half-written temp files that a killed service left in the outbox (older than two leases, so no
        running service can still be writing them)."""
        cutoff = time.time() - 2 * self.svc.lease_seconds
        removed = 0
        for dirpath, _dirnames, filenames in os.walk(self.outbox):
            for filename in filenames:
                if filename.startswith(TEMP_PREFIX) and filename.endswith(TEMP_SUFFIX):
                    path = Path(dirpath) / filename
                    with contextlib.suppress(OSError):
                        if path.lstat().st_mtime < cutoff:
                            path.unlink()
                            removed += 1
        if removed:
            logger.info("removed %d half-written temporary files left in the outbox by a stopped service", removed)
