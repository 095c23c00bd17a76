"""Writing output files whole or not at all: a temp file beside the target, its mode set, then a rename.

Every file sglogs writes goes through here, so a crash or a full disk never leaves a half-written log,
review or bundle where a person (or the watched-folder service) would take it for a finished one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

#: Temp files start with this, so folder scans (and people) can tell them from finished outputs.
TEMP_PREFIX = ".~sglogs-"
TEMP_SUFFIX = ".part"


@contextmanager
def atomic_output(path: Path, mode: int = 0o600) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through; it replaces ``path`` only when the block ends without error.

    Example:
        >>> with atomic_output(Path("outbox/x.bin")) as fh:  # doctest: +SKIP
        ...     fh.write(b"data")
    """
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` atomically with ``mode``.

    Example:
        >>> atomic_write_bytes(Path("outbox/review.json"), b"{}")  # doctest: +SKIP
        PosixPath('outbox/review.json')
    """
    with atomic_output(path, mode) as fh:
        fh.write(data)
    return path


def atomic_save(save: Callable[[str], None], path: Path, mode: int = 0o600) -> Path:
    """Let a library save to a temp path (``workbook.save``), then put the file in place atomically.

    Example:
        >>> atomic_save(workbook.save, Path("outbox/register.xlsx"), 0o600)  # doctest: +SKIP
        PosixPath('outbox/register.xlsx')
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
