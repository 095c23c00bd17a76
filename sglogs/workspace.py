"""``sglogs init``: a working folder for one installation, made once and never overwritten.

The folder holds ``sglogs.toml`` (the common keys, commented), ``inbox/`` (files people send in), ``outbox/``
(everything sglogs writes, and its journal in ``outbox/.sglogs/``), ``frameworks/`` (the organisation's own
frameworks, added to the shipped ones) and ``README.txt`` (what goes where). Running it again changes nothing:
what exists is left as it is, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import SetupError
from .files import atomic_write_bytes, make_folders

CONFIG_TEXT = """\
# sglogs settings for this folder (run sglogs from here, or point SGLOGS_CONFIG at this file).
# Every key is optional; the shipped defaults are listed in sglogs/defaults.toml. Uncomment to change.

# Printed on every log's cover and in document properties.
# organisation = "Sunflower Nursery & Pre-school"

# Where people's completed logs and rosters arrive, and where everything sglogs writes goes.
inbox = "inbox"
outbox = "outbox"

# Your own frameworks (YAML, or import a table: sglogs frameworks import table.csv), added to the shipped ones.
frameworks_dir = "frameworks"

# Your own templates (copies of the shipped log.docx, log.xlsx, feedback.docx, ... re-branded in Word/Excel).
# templates_dir = "templates"

[generate]
# period_months = 12
# formats = ["docx", "xlsx"]

[service]
# settle_seconds = 2
# journal = "/var/lib/sglogs/journal.sqlite3"   # default outbox/.sglogs/journal.sqlite3; never on a share
"""

README_TEXT = """\
This folder is one sglogs installation.
inbox/       drop rosters (.xlsx/.csv) and completed logs (.docx/.xlsx/.pdf) here, or let `sglogs watch` take them.
outbox/      everything sglogs writes: logs/, reviews/, register.xlsx, audit/, bundles/; its journal in .sglogs/.
frameworks/  your organisation's own frameworks (YAML), added to the shipped ones.
sglogs.toml  the settings of this folder.
"""


@dataclass
class InitReport:
    """What ``init_workspace`` made and what it found already there.

    Example:
        >>> InitReport(folder=Path("sg")).made
        []
    """

    folder: Path
    made: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def init_workspace(folder: Path) -> InitReport:
    """Make the working folder's files and folders that are missing; never touch one that exists.

    Raises ``SetupError`` when a name sglogs needs is taken by something of the wrong kind (a file where a folder
    goes, or the other way round).

    Example:
        >>> init_workspace(Path("sglogs-work")).made[0].name  # doctest: +SKIP
        'sglogs.toml'
    """
    report = InitReport(folder=folder)
    if folder.exists() and not folder.is_dir():
        raise SetupError(f"{folder} is a file, not a folder; choose another folder for sglogs init.")
    files = {"sglogs.toml": CONFIG_TEXT, "README.txt": README_TEXT}
    folders = {"inbox": 0o700, "outbox": 0o700, "frameworks": 0o755}
    # every name is checked before anything is made, so a refused run leaves nothing half-written
    for name in [*files, *folders]:
        path = folder / name
        if path.exists() or path.is_symlink():
            wrong = not path.is_file() if name in files else (path.is_symlink() or not path.is_dir())
            if wrong:
                kind = "file" if name in files else "folder"
                raise SetupError(f"{path} is not a {kind}; move it aside and run sglogs init again.")
            report.kept.append(path)
    make_folders(folder, 0o755)
    for name, text in files.items():
        if folder / name not in report.kept:
            atomic_write_bytes(folder / name, text.encode("utf-8"), 0o644)
            report.made.append(folder / name)
    for name, mode in folders.items():
        if folder / name not in report.kept:
            make_folders(folder / name, mode)
            report.made.append(folder / name)
    return report
