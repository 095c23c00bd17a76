"""Set-ups the service refuses before it starts: folders that would loop or leak, a SQLite journal on a network
share or inside the inbox; and what kind of filesystem a folder is on."""

from __future__ import annotations

import ctypes
import os
import re
from pathlib import Path
from typing import Final

from ..dispatch import (
    make_dirs,
)
from ..errors import ConfigError
from ..store import (
    sqlite_path,
)

#: Filesystems where native change events miss other computers' changes and SQLite's WAL is unsafe.
SHARED_FILESYSTEMS: Final = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "ncpfs", "afs", "afpfs", "webdav", "davfs", "fuse.davfs2",
    "fuse.sshfs", "sshfs", "glusterfs", "fuse.glusterfs", "ceph", "fuse.ceph", "lustre", "gpfs", "9p", "drvfs",
    "virtiofs", "vboxsf", "prl_fs", "osxfs", "grpcfuse", "fuse.grpcfuse", "fakeowner", "fuse.rclone",
    "fuse.s3fs", "fuse.gcsfuse", "fuse.onedriver",
})


def check_folders(inbox: Path, outbox: Path, dir_mode: int = 0o700) -> tuple[Path, Path]:
    """Resolve the inbox and outbox and refuse set-ups that would loop or leak; create a missing outbox.

    Refused: a missing inbox, an outbox inside the inbox (outputs would be picked up as new files), an inbox inside
    the outbox, and the two being the same folder (symlinks and bind mounts are seen through).

    Example:
        >>> check_folders(Path("inbox"), Path("inbox/out"))  # doctest: +SKIP
        Traceback (most recent call last):
        sglogs.errors.ConfigError: The outbox inbox/out is inside the inbox ...
    """
    if not inbox.is_dir():
        raise ConfigError(f"The inbox {inbox} does not exist or is not a folder; create it, or name another "
                          "with --inbox.")
    real_inbox = inbox.resolve(strict=True)
    if _inside(outbox.resolve(), real_inbox):
        raise ConfigError(f"The outbox {outbox} is inside the inbox {inbox} (or is the inbox), so every output "
                          "would come back in as a new file; choose an outbox outside the inbox with --outbox.")
    if not outbox.parent.resolve().is_dir():
        raise ConfigError(f"The outbox {outbox} cannot be created because {outbox.parent} does not exist; "
                          "create it, or name another outbox with --outbox.")
    make_dirs(outbox, dir_mode)
    real_outbox = outbox.resolve(strict=True)
    if _inside(real_inbox, real_outbox):
        raise ConfigError(f"The inbox {inbox} is inside the outbox {outbox}, so outputs could land in the inbox; "
                          "keep the two folders side by side.")
    return real_inbox, real_outbox


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or under it, compared by device and inode where the paths exist."""
    for candidate in (path, *path.parents):
        try:
            if os.path.samefile(candidate, folder):
                return True
        except OSError:
            if os.path.normcase(str(candidate)) == os.path.normcase(str(folder)):
                return True
    return False


def check_journal_location(url: str, inbox: Path) -> None:
    """Refuse a SQLite journal on a network filesystem (WAL needs local disk) or inside the inbox.

    Example:
        >>> check_journal_location("sqlite+pysqlite:////mnt/share/journal.sqlite3", Path("inbox"))
        ... # doctest: +SKIP
        Traceback (most recent call last):
        sglogs.errors.ConfigError: The journal /mnt/share/journal.sqlite3 is on a network filesystem (cifs) ...
    """
    path = sqlite_path(url)
    if path is None:
        return
    if _inside(path.absolute(), inbox):
        raise ConfigError(f"The journal {path} is inside the inbox; keep it on this computer's local disk "
                          "(service.journal in sglogs.toml).")
    kind = filesystem_type(path)
    if kind is not None and (kind in SHARED_FILESYSTEMS or kind == "remote"):
        raise ConfigError(
            f"The journal {path} is on a network filesystem ({kind}); SQLite's write-ahead log is not safe over "
            "SMB/NFS. Keep the journal on this computer's local disk (service.journal), or give several hosts "
            "one PostgreSQL journal with service.store_url."
        )


def filesystem_type(path: Path) -> str | None:
    """The type of filesystem ``path`` (or its nearest existing parent) is on: ``"cifs"``, ``"ext4"``, ... .

    Windows answers ``"remote"`` for a network drive or UNC path and ``"local"`` otherwise; ``None`` when it
    cannot be told.

    Example:
        >>> filesystem_type(Path("/proc")) in (None, "proc")
        True
    """
    existing = Path(os.path.abspath(path))
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if os.name == "nt":
        return _windows_filesystem_kind(existing)
    real = os.path.realpath(existing)
    mounts = _mounts()
    best: tuple[int, str] | None = None
    for mount_point, fs_type in mounts:
        if (real == mount_point or real.startswith(mount_point.rstrip("/") + "/")) and (
                best is None or len(mount_point) >= best[0]):
            best = (len(mount_point), fs_type)
    return best[1] if best else None


def _mounts() -> list[tuple[str, str]]:
    """Mount points and filesystem types: /proc/self/mounts on Linux, ``mount`` elsewhere (macOS, BSD)."""
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
        return [(_unescape_mount(parts[1]), parts[2]) for parts in (line.split() for line in lines) if len(parts) > 2]
    except OSError:
        pass
    import subprocess

    try:
        output = subprocess.run(["mount"], capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in output.splitlines():  # "//u@server/share on /Volumes/share (smbfs, nodev, ...)"
        match = re.match(r".+? on (.+) \(([^,)]+)", line)
        if match:
            found.append((match.group(1), match.group(2).strip()))
    return found


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def _windows_filesystem_kind(path: Path) -> str:
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "remote"
    drive_remote = 4
    root = os.path.splitdrive(text)[0] + "\\"
    kind = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))  # type: ignore[attr-defined]
    return "remote" if kind == drive_remote else "local"
