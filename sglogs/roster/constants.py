"""A roster's words and limits: header spellings, file-size limits, the words read as yes and no."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Final, TypeAlias

from ..models import ID_PATTERN

StrPath: TypeAlias = str | os.PathLike[str]
#: ``known_levels(framework_id, level_id)``: the canonical level id, or ``None`` when the level is unknown.
LevelLookup: TypeAlias = Callable[[str, str], str | None]
#: ``known_frameworks(text)``: the framework id a roster cell means, or ``None`` when it is unknown.
FrameworkLookup: TypeAlias = Callable[[str], str | None]

#: Header spellings accepted for each roster column. Matching ignores case, spaces, punctuation and any
#: "(...)" hint, so "Employee No." and "employee_no" both match "Employee No". The first spelling is the
#: one messages use.
HEADER_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "staff_id": (
        "Staff ID",
        "Staff no",
        "Staff number",
        "Employee No",
        "Employee number",
        "Employee ID",
        "Payroll number",
        "Payroll no",
        "Payroll ID",
        "ID",
    ),
    "name": ("Name", "Full name", "Staff name", "Employee name"),
    "first_name": ("First name", "Forename", "Forenames", "Given name"),
    "surname": ("Surname", "Last name", "Family name"),
    "role": ("Role", "Job title", "Position", "Job role"),
    "setting": ("Setting", "Team", "Setting/team", "Team/setting", "Department", "Site"),
    "manager": ("Manager", "Line manager", "Supervisor"),
    "framework": ("Framework", "Competency framework", "Partnership", "Safeguarding framework"),
    "level": (
        "Level",
        "Stage",
        "Level/Stage",
        "Stage/Level",
        "Group",
        "Competency level",
        "Safeguarding level",
    ),
    "designated_lead": (
        "Designated lead",
        "DSL",
        "Designated/named lead",
        "Designated or named lead",
        "Named lead",
        "Designated safeguarding lead",
    ),
    "additional": ("Additional competencies", "Additional", "Additional competences"),
    "period_start": ("Period start", "Start date", "Log start", "Start", "Log start date", "Period start date"),
}

#: The header must be within this many rows from the top (title rows and blank lines may come first).
HEADER_SEARCH_ROWS: Final = 10
#: Larger rosters are refused before anything is parsed (about half a million staff as CSV).
MAX_ROSTER_BYTES: Final = 50 * 1024 * 1024
#: An xlsx whose parts declare more than this when unzipped is refused as a possible zip bomb.
MAX_XLSX_UNZIPPED_BYTES: Final = 200 * 1024 * 1024

_SNIFF_BYTES = 64 * 1024
_DECODE_CHUNK = 1024 * 1024
_XLSX_BATCH = 256
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8, then use that copy"
_BINARY_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
# Zip-based formats people pick by mistake, by the part that identifies them.
_OTHER_ZIP_FORMATS = (
    ("xl/workbook.bin", "an Excel binary workbook (.xlsb)"),
    ("word/document.xml", "a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file (.ods or .odt)"),
)

_TRUE_WORDS = frozenset({"y", "yes", "true", "1", "x", "✓", "✔"})
_FALSE_WORDS = frozenset({"", "n", "no", "false", "0"})
_ID_RE = re.compile(ID_PATTERN)
_WHOLE_FLOAT_RE = re.compile(r"^(\d+)\.0+$")
_ADDITIONAL_SPLIT_RE = re.compile(r"(?:[,;/\s]|\band\b|&)+", re.IGNORECASE)


