"""File and folder names made from people's data: safe on every filesystem, and unique by construction.

A staff id, surname, setting or log id becomes part of a path. Folding it to a portable form loses information
("AB/1", "AB 1" and "AB-1" all fold to ``AB-1``; "Zoë1" to ``Zoe1``; full-width digits to ASCII ones), so a name
whose folded form differs from what was written carries a short hash of the original: two different ids never
share a file. Names are cut to fit the filesystem (255 bytes) with room for every suffix sglogs adds later
(``_action-plan.xlsx``, `` (#123).error.txt``), Windows' reserved device names (CON, AUX, NUL, COM1, ...) and
trailing dots or spaces are avoided, and a setting can never be named like one of sglogs' own outbox folders
(issue 15.3).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

#: Most filesystems (ext4, NTFS, APFS, SMB shares) allow 255 bytes for one name.
NAME_MAX_BYTES = 255
#: Room kept after any name sglogs makes, for the longest suffix it may add later: the service's
#: `` (#<file id>)`` plus ``.duplicate.txt``, or a review's ``_action-plan.xlsx``.
SUFFIX_ROOM_BYTES = 40
#: Folders sglogs itself makes in an outbox; a setting or person folder may not take one of these names.
SGLOGS_FOLDERS = frozenset({"logs", "reviews", "rejected", "processed", "duplicates", "bundles", "audit", "read",
                            "work", ".sglogs", "register.xlsx", "batch-summary.xlsx", "roster-errors.csv"})
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                               *(f"com{i}" for i in "123456789¹²³"), *(f"lpt{i}" for i in "123456789¹²³")})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HASH_CHARS = 6


def _digest(text: str, chars: int = _HASH_CHARS) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:chars]


def fold(text: str, fallback: str = "unnamed") -> str:
    """The portable form of a name: accents folded, anything but letters, digits and ``- . _`` replaced by ``-``.

    Lossy on purpose (it is for reading); use ``unique_part`` where two people's names must never meet.

    Example:
        >>> fold("Zoë O'Brien & Co")
        'Zoe-OBrien-Co'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    cleaned = _UNSAFE.sub("-", ascii_text).strip("-._")[:60].rstrip("-._")
    return avoid_reserved(cleaned) if cleaned else fallback


def unique_part(text: str, fallback: str = "unnamed") -> str:
    """``fold(text)``, plus a short hash of ``text`` when folding changed it: different texts, different names.

    Example:
        >>> [unique_part(t) for t in ("AB-1", "AB/1", "AB 1")]
        ['AB-1', 'AB-1-720b35', 'AB-1-32aef3']
    """
    folded = fold(text, fallback)
    return folded if folded == text else f"{folded}-{_digest(text)}"


def avoid_reserved(name: str) -> str:
    """``name`` with an underscore added when Windows would take it for a device (``CON``, ``aux.txt``, ``COM1``).

    Example:
        >>> [avoid_reserved(n) for n in ("CON", "nul.docx", "Connor")]
        ['CON_', 'nul_.docx', 'Connor']
    """
    stem, dot, rest = name.partition(".")
    if stem.rstrip(" ").casefold() in _WINDOWS_RESERVED:
        return f"{stem}_{dot}{rest}"
    return name


def fit_name(name: str, reserve: int = SUFFIX_ROOM_BYTES) -> str:
    """``name`` cut (keeping its extension) so that it and ``reserve`` more bytes fit in one file name.

    A cut name ends with a hash of the whole name, so two long names that share their start stay apart. Trailing
    dots and spaces (Windows drops them) and reserved device names are avoided too.

    Example:
        >>> len(fit_name("x" * 300 + ".docx").encode())
        215
        >>> fit_name("report. ")
        'report'
    """
    name = avoid_reserved(name.rstrip(". ") or "unnamed")
    limit = NAME_MAX_BYTES - reserve
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    tail = f"-{_digest(name, 8)}" + (f".{suffix}" if suffix else "")
    room = limit - len(tail.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ")
    return f"{cut}{tail}"


def setting_folder(setting: str, fallback: str) -> str:
    """The folder for a setting: folded, and never one of sglogs' own folder names (``reviews`` -> ``reviews-setting``).

    Example:
        >>> [setting_folder(s, "no-setting") for s in ("Acorns Nursery", "Reviews", "???")]
        ['Acorns-Nursery', 'Reviews-setting', 'no-setting']
    """
    folded = fold(setting, fallback)
    return f"{folded}-setting" if folded.casefold() in SGLOGS_FOLDERS else folded


def distinct_stem(stem: str, taken: set[str], tiebreak: str) -> str:
    """``stem``, or ``stem`` with a short hash of ``tiebreak`` when another output already uses it; adds the result
    to ``taken`` (compared without case: Windows and macOS folders ignore it).

    Example:
        >>> taken = set()
        >>> distinct_stem("NS001-20260101-61a8", taken, "a.docx"), distinct_stem("NS001-20260101-61a8", taken, "b.docx")
        ('NS001-20260101-61a8', 'NS001-20260101-61a8-d56d65')
    """
    candidate, counter = stem, 0
    while candidate.casefold() in taken:
        counter += 1
        candidate = f"{stem}-{_digest(f'{tiebreak}#{counter}' if counter > 1 else tiebreak)}"
    taken.add(candidate.casefold())
    return candidate


def person_folder(staff_id: str | None, fallback: str) -> str:
    """The folder for one person's outputs: their staff id, unique by construction, never an sglogs folder name.

    Example:
        >>> person_folder("NS001", "x"), person_folder("AB/1", "x"), person_folder(None, "log")
        ('NS001', 'AB-1-720b35', 'log')
    """
    name = unique_part(staff_id, fallback) if staff_id else fold(fallback, "unknown")
    return f"{name}-staff" if name.casefold() in SGLOGS_FOLDERS else fit_name(name)


def review_names(logs: list[tuple[str | None, str | None, str]]) -> list[tuple[str, str]]:
    """The (person folder, file stem) of each review in a batch; two logs with one log id never share a stem.

    Args:
        logs: (staff id, log id, source file path) of each log, in batch order; ``None`` when not known.

    Example:
        >>> review_names([("NS001", "NS001-1", "a.docx"), ("NS001", "NS001-1", "b.docx")])
        [('NS001', 'NS001-1'), ('NS001', 'NS001-1-d56d65')]
    """
    taken: set[str] = set()
    names = []
    for staff_id, log_id, source in logs:
        stem_text = log_id or source.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        folder = person_folder(staff_id, stem_text)
        stem = fit_name(fold(stem_text, "log"))
        unique = distinct_stem(f"{folder}/{stem}", taken, source)
        names.append((folder, unique.split("/", 1)[1]))
    return names
