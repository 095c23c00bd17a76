"""Opening a roster file: what it is by content (xlsx, CSV and its encoding, or refused), then its rows.

The safety checks are those of ``read/safezip.py`` (zip) and ``read/sniff.py`` (OLE), worded for a roster.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..config import ReadSettings
from ..errors import DamagedFileError, EncryptedFileError, InputError, RosterError
from ..read.safezip import SafeZip
from ..read.sniff import _ole_error as ole_error  # one OLE classifier (sniff.py, paper helper)
from .constants import (
    _BINARY_MAGIC,
    _DECODE_CHUNK,
    _OLE_MAGIC,
    _OTHER_ZIP_FORMATS,
    _SAVE_AS,
    _SNIFF_BYTES,
    _XLSX_BATCH,
    HEADER_SEARCH_ROWS,
    MAX_ROSTER_BYTES,
    MAX_XLSX_UNZIPPED_BYTES,
    StrPath,
)
from .header import _Header, _HeaderSearch

# ------------------------------------------------------------------------------------------- files


@dataclass
class _Table:
    """An open roster: its header and the rows below it as ``(row_number, cells)``."""

    header: _Header
    rows: Iterator[tuple[int, Sequence[object]]]
    epoch_1904: bool = False


@contextmanager
def _open_table(path: StrPath, need_framework: bool) -> Iterator[_Table]:
    path = Path(path)
    kind, encoding = _sniff(path)
    if kind == "xlsx":
        with _xlsx_table(path, _HeaderSearch(need_framework)) as table:
            yield table
    else:
        with _csv_table(path, encoding, need_framework) as table:
            yield table


def _sniff(path: Path) -> tuple[str, str]:
    """Decide by content whether ``path`` is an xlsx or a text CSV (and its encoding), or refuse it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise RosterError(f"The roster file {path} does not exist; check the file name and folder.") from None
    except IsADirectoryError:
        raise RosterError(f"{path} is a folder, not a roster file; give the path of the .xlsx or .csv.") from None
    except OSError as exc:
        raise RosterError(f"The roster file {path} cannot be opened ({exc.strerror}); check its permissions.") from exc
    if size == 0:
        raise RosterError(f"The roster file {path.name} is empty (0 bytes); export the roster again and retry.")
    if size > MAX_ROSTER_BYTES:
        raise RosterError(
            f"The roster file {path.name} is {size / 2**20:.0f} MB, more than sglogs reads "
            f"({MAX_ROSTER_BYTES // 2**20} MB); remove unused sheets and columns or split the roster."
        )
    if head.startswith(_OLE_MAGIC):
        raise RosterError(_ole_message(path))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _check_zip(path)
        return "xlsx", ""
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise RosterError(_not_roster_message(path, what))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode Text" export
    else:
        if b"\x00" in head or _control_share(head) > 0.01:
            raise RosterError(_not_roster_message(path, "a binary file"))
        if head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<"):
            raise RosterError(_not_roster_message(path, "an HTML or XML file (web systems often name these .xls)"))
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        if _decodes(path, encoding):
            return "csv", encoding
    raise RosterError(
        f"{path.name} is text in an encoding sglogs cannot read (not UTF-8 or Windows-1252); "
        "in Excel choose Save As > CSV UTF-8 and use that copy."
    )


def _not_roster_message(path: Path, what: str) -> str:
    return (
        f"{path.name} is {what}, not a roster spreadsheet; export the roster from Excel as .xlsx or CSV and use that."
    )


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\f\v")


def _control_share(head: bytes) -> float:
    return (len(head) - len(head.translate(None, _CONTROL_BYTES))) / max(len(head), 1)


def _decodes(path: Path, encoding: str) -> bool:
    # Decode the whole file up front so a bad byte on row 9,000 cannot stop a run half way through.
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as f:
            while chunk := f.read(_DECODE_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _ole_message(path: Path) -> str:
    # sniff.py already tells password-protected OOXML (an OLE file with encryption streams) from legacy Office;
    # a roster only words the answer for Excel. The file is at most MAX_ROSTER_BYTES (checked before).
    with path.open("rb") as f:
        data = f.read(MAX_ROSTER_BYTES)
    # sniff's classifier wants a whole directory entry; a roster also keeps its old test of the bare stream name
    if isinstance(ole_error(path.name, data), EncryptedFileError) or "EncryptionInfo".encode("utf-16-le") in data:
        return (
            f"{path.name} is a password-protected Excel file, which sglogs cannot open; in Excel remove the "
            "password (File > Info > Protect Workbook > Encrypt with Password) and save an unprotected copy."
        )
    return f"{path.name} is an old Excel 97-2003 file (.xls) or another old Office file; {_SAVE_AS}."


#: SafeZip's checks (entry count, unsafe or repeated names, zip passwords, compression method and ratio, the
#: declared total) with a roster's limit on what openpyxl may unpack.
_ROSTER_ZIP_LIMITS: Final = ReadSettings(max_uncompressed_mb=MAX_XLSX_UNZIPPED_BYTES // 2**20)


def _check_zip(path: Path) -> None:
    try:
        with SafeZip(path, _ROSTER_ZIP_LIMITS, name=path.name) as package:
            names = set(package.names())
            mimetype = package.read("mimetype") if package.has("mimetype") else b""
    except DamagedFileError as exc:
        raise RosterError(
            f"{path.name} looks like an Excel file but is damaged ({exc.__cause__ or exc}); open it in Excel and "
            "save it again."
        ) from exc
    except EncryptedFileError as exc:
        raise RosterError(f"{path.name} has parts locked with a zip password, which sglogs cannot open; "
                          f"{_SAVE_AS}.") from exc
    except InputError as exc:  # UnsafeFileError and SafeZip's size refusals; its own words speak of logs
        raise RosterError(
            f"{path.name} is refused as unsafe: it holds zip structures Excel never writes (an unsafe or repeated "
            f"part name, an unusual compression, or parts that would unpack to more than "
            f"{MAX_XLSX_UNZIPPED_BYTES // 2**20} MB); {_SAVE_AS}."
        ) from exc
    if "xl/workbook.xml" in names:
        return
    if b"opendocument.spreadsheet" in mimetype[:100]:
        raise RosterError(f"{path.name} is an OpenDocument spreadsheet (.ods); {_SAVE_AS}.")
    for part, what in _OTHER_ZIP_FORMATS:
        if part in names:
            raise RosterError(_not_roster_message(path, what))
    raise RosterError(_not_roster_message(path, "a zip archive"))


def _numbered_head(
    rows: Iterator[Sequence[object]],
) -> tuple[list[tuple[int, Sequence[object]]], Iterator[tuple[int, Sequence[object]]]]:
    numbered = enumerate(rows, start=1)
    return list(itertools.islice(numbered, HEADER_SEARCH_ROWS)), numbered


@contextmanager
def _csv_table(path: Path, encoding: str, need_framework: bool) -> Iterator[_Table]:
    # Sniffer's guess is tried first; the delimiter that yields a complete header is the right one. When none
    # does, the message comes from the delimiter that found the most columns (the first on a tie).
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(_SNIFF_BYTES)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = ","
    closest: _HeaderSearch | None = None
    for delimiter in dict.fromkeys((sniffed, ",", ";", "\t")):
        search = _HeaderSearch(need_framework)
        with path.open(encoding=encoding, newline="") as f:
            head, rest = _numbered_head(_csv_rows(f, delimiter))
            position = search.find(head, sheet=None)
            if position is not None:
                assert search.best is not None
                yield _Table(search.best, itertools.chain(head[position + 1 :], rest))
                return
        if closest is None or search.score() > closest.score():
            closest = search
    assert closest is not None
    raise closest.error()


def _csv_rows(f: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(f, delimiter=delimiter)
    row_number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RosterError(
                f"Row {row_number + 1} of the roster cannot be read as CSV ({exc}); check it for a stray "
                "quote mark or a very long cell, or save the roster as .xlsx instead."
            ) from exc
        row_number += 1
        yield row


@contextmanager
def _xlsx_table(path: Path, search: _HeaderSearch) -> Iterator[_Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    # an open file, not the name: openpyxl refuses a workbook saved as "staff.csv" by its extension alone
    handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after the read-only workbook
    try:
        with _openpyxl_quiet():
            wb = load_workbook(handle, read_only=True, data_only=True)
    except _XLSX_FAILURES as exc:
        handle.close()
        raise _damaged(path, exc) from exc
    try:
        active = wb.active
        sheets = [active] if active in wb.worksheets else []
        sheets += [ws for ws in wb.worksheets if ws is not active]
        for ws in sheets:
            # Some writers record a wrong sheet size, which would cut rows or columns short.
            ws.reset_dimensions()
            rows = _quiet_rows(path, ws.iter_rows(values_only=True))
            try:
                head, rest = _numbered_head(rows)
                position = search.find(head, sheet=ws.title if len(sheets) > 1 else None)
                if position is not None:
                    assert search.best is not None
                    yield _Table(
                        search.best, itertools.chain(head[position + 1 :], rest), wb.epoch == CALENDAR_MAC_1904
                    )
                    return
            finally:
                rows.close()
        raise search.error()
    finally:
        wb.close()
        handle.close()


_XLSX_FAILURES = (
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,  # includes xml.etree.ElementTree.ParseError
    EOFError,
    RuntimeError,  # a zip member encrypted with a zip password
    OSError,
)


def _damaged(path: Path, exc: BaseException) -> RosterError:
    return RosterError(
        f"{path.name} cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
        "open it in Excel, save it again as .xlsx, and use that copy."
    )


@contextmanager
def _openpyxl_quiet() -> Iterator[None]:
    # openpyxl warns about features it drops (data validation, default styles); they do not matter for
    # reading values, and under "warnings as errors" they would stop the run.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        yield


def _quiet_rows(path: Path, rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    # Warning filters are process-wide, so they are set only while openpyxl parses a batch, never across a
    # yield to the caller.
    try:
        while True:
            try:
                with _openpyxl_quiet():
                    batch = list(itertools.islice(rows, _XLSX_BATCH))
            except _XLSX_FAILURES as exc:
                raise _damaged(path, exc) from exc
            if not batch:
                return
            yield from batch
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()
