"""What ships inside the installed package (``sglogs/data/``), and the organisation's own folders on top of it.

The frameworks and templates sglogs ships live in the package (``sglogs/data/frameworks``,
``sglogs/data/templates``) and are found with ``importlib.resources``, so an installed wheel works from any
folder. An installation adds to or overrides them with its own folders, named in ``sglogs.toml``:
``frameworks_dir`` (more frameworks; one with a shipped framework's id replaces it) and ``templates_dir`` (a file
there named like a shipped template, e.g. ``log.docx``, is used instead of it). A folder named there that does not
exist is a set-up mistake, reported in one sentence (exit 2).
"""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from pathlib import Path

from .errors import SetupError

#: The templates sglogs ships; a file of the same name in ``templates_dir`` is used instead.
TEMPLATE_NAMES = ("log.docx", "log.xlsx", "feedback.docx", "signoff.docx", "action_plan.docx", "action_plan.xlsx")

# Resources extracted to real files (only when the package is not a plain folder, e.g. imported from a zip) stay
# on disk until the process ends: the readers and template compilers take paths.
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def shipped_path(*parts: str) -> Path:
    """A data file that ships in the ``sglogs`` package, as a path on disk.

    Example:
        >>> shipped_path("defaults.toml").name
        'defaults.toml'
    """
    resource = files("sglogs").joinpath(*parts)
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(as_file(resource))


def shipped_frameworks() -> list[Path]:
    """The framework files sglogs ships (``sglogs/data/frameworks/*.yaml``), in name order.

    Example:
        >>> [p.name for p in shipped_frameworks()][:1]
        ['london.yaml']
    """
    folder = files("sglogs").joinpath("data", "frameworks")
    names = sorted(r.name for r in folder.iterdir() if r.name.endswith((".yaml", ".yml")))
    return [shipped_path("data", "frameworks", name) for name in names]


def user_folder(folder: Path | None, key: str) -> Path | None:
    """The organisation's own folder named by ``key`` in sglogs.toml, checked: ``None`` when none is set.

    Raises ``SetupError`` (exit 2) when the folder is named but is not there, so that a typing mistake is not
    silently ignored in favour of the shipped files.

    Example:
        >>> user_folder(None, "frameworks_dir") is None
        True
    """
    if folder is None:
        return None
    if not folder.is_dir():
        raise SetupError(f"The folder {folder} named by {key} in sglogs.toml does not exist; create it (sglogs init "
                         f"makes one) or correct {key}.")
    return folder


def template_file(name: str, templates_dir: Path | None) -> Path:
    """The template for ``name``: the organisation's own in ``templates_dir`` if it has one, else the shipped one.

    Example:
        >>> template_file("log.docx", None).parent.name
        'templates'
    """
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"{name} is not one of sglogs' templates")
    own = user_folder(templates_dir, "templates_dir")
    if own is not None and (own / name).is_file():
        return own / name
    return shipped_path("data", "templates", name)
