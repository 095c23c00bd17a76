"""Writing output files whole or not at all, never through a link, and making folders with the configured mode.

Every file sglogs writes goes through here, so a crash or a full disk never leaves a half-written log, review or
bundle where a person (or the watched-folder service) would take it for a finished one. A person who can write
to an output folder may plant links in it (``roster-errors.csv`` pointing at the journal, a ``reviews`` folder
pointing elsewhere): temp files are created with ``O_EXCL | O_NOFOLLOW`` beside the target and renamed over it,
a target that is a link is refused, and ``make_folders(..., within=root)`` refuses a folder that is a link or
leads outside ``root``. Every folder sglogs makes gets the configured mode whatever the umask (issue 15.2).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import UnsafeOutputError

#: Temp files start with this, so folder scans (and people) can tell them from finished outputs.
TEMP_PREFIX = ".~sglogs-"
TEMP_SUFFIX = ".part"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # Windows has no symlink-following open to guard against
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)


def _link_refused(path: Path) -> UnsafeOutputError:
    return UnsafeOutputError(
        f"{path} is a link; sglogs never writes through links (one could lead outside the output folder): "
        "replace it with a real folder or remove it, then run again."
    )


def refuse_link(path: Path) -> None:
    """Raise ``UnsafeOutputError`` if ``path`` is a symbolic link (dangling or not).

    Example:
        >>> refuse_link(Path("outbox/roster-errors.csv"))  # doctest: +SKIP
    """
    if os.path.islink(path):
        raise _link_refused(path)


def check_inside(path: Path, root: Path) -> None:
    """Refuse ``path`` unless it lies under ``root`` and neither ``root`` nor any folder between them is a link.

    The folders above ``root`` are the administrator's choice (an outbox may live behind a link); what sglogs makes
    or finds inside it must stay there.

    Raises:
        UnsafeOutputError: ``path`` is outside ``root``, or a link was found on the way.

    Example:
        >>> check_inside(Path("outbox/reviews/NS001"), Path("outbox/reviews"))  # doctest: +SKIP
    """
    base = Path(os.path.abspath(root))
    target = Path(os.path.abspath(path))
    try:
        relative = target.relative_to(base)
    except ValueError:
        raise UnsafeOutputError(f"{path} is outside {root}; sglogs writes only inside it.") from None
    current = base
    for part in ("", *relative.parts):
        current = current / part if part else current
        refuse_link(current)
    if target.exists() and not Path(os.path.realpath(target)).is_relative_to(os.path.realpath(base)):
        raise UnsafeOutputError(f"{path} leads outside {root}; sglogs writes only inside it.")


def make_folders(path: Path, mode: int = 0o700, *, within: Path | None = None) -> Path:
    """Create ``path`` and its missing parents, each with ``mode`` whatever the umask; refuse links.

    This is the one way sglogs makes folders (outputs hold personal data: 0700 by default, ``[output] dir_mode``).
    Folders that already exist keep their mode: they are someone's choice.

    Args:
        path: The folder wanted.
        mode: Permission bits for every folder made (``Settings.output.dir_mode_bits``).
        within: When given, ``path`` must lie inside it and no folder from ``within`` down may be a link.

    Returns:
        ``path``.

    Raises:
        UnsafeOutputError: ``path`` (or, with ``within``, a folder on the way) is a link or leads outside.

    Example:
        >>> make_folders(Path("outbox/reviews/NS001"), 0o700, within=Path("outbox/reviews"))  # doctest: +SKIP
        PosixPath('outbox/reviews/NS001')
    """
    path = Path(path)
    if within is not None:
        check_inside(path, within)
    missing = []
    current = path
    while not os.path.lexists(current):
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode)
        except FileExistsError:
            refuse_link(folder)  # another process made it meanwhile: fine, unless it is a link
            continue
        os.chmod(folder, mode)  # mkdir's mode is reduced by the umask
    refuse_link(path)
    if within is not None:
        check_inside(path, within)  # again: a link swapped in while the folders were made
    return path


def _temp_file(folder: Path, mode: int) -> tuple[int, str]:
    """A new temp file in ``folder``, created exclusively (never an existing file or link), with ``mode``."""
    while True:
        name = os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}")
        try:
            fd = os.open(name, _TEMP_FLAGS, 0o600)
        except FileExistsError:
            continue
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)  # exactly ``mode``: the umask never widens or narrows what was configured
        return fd, name


@contextmanager
def atomic_output(path: Path, mode: int = 0o600) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through; it replaces ``path`` only when the block ends without error.

    The file gets exactly ``mode`` (an existing file's wider mode is not kept). A ``path`` that is a link is
    refused: replacing it would be harmless, but someone planted it, and the outbox should say so.

    Raises:
        UnsafeOutputError: ``path`` is a link.

    Example:
        >>> with atomic_output(Path("outbox/x.bin")) as fh:  # doctest: +SKIP
        ...     fh.write(b"data")
    """
    path = Path(path)
    refuse_link(path)
    fd, tmp = _temp_file(path.parent, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        if not hasattr(os, "fchmod"):
            os.chmod(tmp, mode)
        refuse_link(path)  # planted while the file was written
        os.replace(tmp, path)  # replaces a name, never follows one
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


def atomic_save(save: Callable[[BinaryIO], None], path: Path, mode: int = 0o600, dir_mode: int = 0o700) -> Path:
    """Let a library save into a stream (``workbook.save``), then put the file in place atomically.

    The library writes to a file sglogs opened itself, so it never opens a path by name (where a link could be
    planted). Missing folders are made with ``dir_mode``.

    Example:
        >>> atomic_save(workbook.save, Path("outbox/register.xlsx"), 0o600)  # doctest: +SKIP
        PosixPath('outbox/register.xlsx')
    """
    make_folders(path.parent, dir_mode)
    with atomic_output(path, mode) as fh:
        save(fh)
    return path
