"""Whether a file in the inbox is still open for writing by some process on this computer.

A copy whose writer stalls (a slow share, a laptop that went to sleep mid-copy) looks settled once its size and
time stop changing; taking it then gives a half file a rejection and moves it while its writer still has it open.
Where the operating system can tell, a file open for writing is simply not ready yet:

* Linux, local filesystems: a read lease (``fcntl F_SETLEASE F_RDLCK``) is refused while any process has the
  file open for writing; taken and dropped at once, it costs two system calls. It needs the file's owner or
  ``CAP_LEASE`` (root, or a service user given it).
* Linux otherwise: ``/proc/<pid>/fd`` and ``fdinfo`` of every process this user may look at (all of them as root).
* Elsewhere, and for writers on other computers (a network share): unknown; the quiet period (``settle_seconds``,
  then ``incomplete_grace_seconds`` for a file that reads as cut short) is all there is. docs/service.md says so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path

_F_SETLEASE = 1024  # Linux fcntl commands (fcntl.F_SETLEASE from Python 3.12 on)
_F_RDLCK, _F_UNLCK = 0, 2


def open_for_writing(path: Path) -> bool | None:
    """``True`` if a process on this computer has ``path`` open for writing, ``False`` if none has, ``None`` if
    this cannot be told here (then only a quiet period can say the writer is done).

    Example:
        >>> open_for_writing(Path("/etc/hostname"))  # doctest: +SKIP
        False
    """
    if not sys.platform.startswith("linux"):
        return None
    leased = _lease_says(path)
    if leased is not None:
        return leased
    return _proc_says(path)


def _lease_says(path: Path) -> bool | None:
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        fcntl.fcntl(fd, _F_SETLEASE, _F_RDLCK)
    except OSError as exc:
        # EAGAIN: open for writing somewhere; EACCES/EPERM: not our file and no CAP_LEASE; EINVAL: no leases here
        return True if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EBUSY) else None
    else:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, _F_SETLEASE, _F_UNLCK)
        return False
    finally:
        os.close(fd)


def _proc_says(path: Path) -> bool | None:
    """Look through ``/proc``; ``None`` when some processes could not be looked at and none of the rest writes."""
    try:
        target = os.stat(path)
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    hidden = False
    for pid in pids:
        folder = f"/proc/{pid}/fd"
        try:
            fds = os.listdir(folder)
        except PermissionError:
            hidden = True
            continue
        except OSError:  # the process ended meanwhile
            continue
        for fd in fds:
            try:
                info = os.stat(f"{folder}/{fd}")
                if (info.st_dev, info.st_ino) != (target.st_dev, target.st_ino):
                    continue
                flags = _fd_flags(f"/proc/{pid}/fdinfo/{fd}")
            except OSError:
                continue
            if flags is not None and flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                return True
    return None if hidden else False


def _fd_flags(fdinfo: str) -> int | None:
    with open(fdinfo, encoding="ascii", errors="replace") as fh:
        for line in fh:
            if line.startswith("flags:"):
                return int(line.split()[1], 8)
    return None
