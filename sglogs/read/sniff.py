"""Decide what a log file is, and whether it is safe to read, from its content before any parser sees it.

Files dropped into the inbox are untrusted: a name ending ``.docx`` proves nothing. ``sniff`` reads the file
once (hashing it on the way), recognises Word, Excel and PDF by their bytes, and refuses everything else with
an ``InputError`` whose one sentence names the file and says what to do. Zip packages are fully inflated once
against the ``ReadSettings`` budgets, PDFs have their compressed streams measured the same way, and nothing in
a file is ever executed (macros are reported, never run).

Refusals are subclasses of ``InputError`` so the inbox service can act on the kind: ``EmptyFileError`` and an
incomplete ``DamagedFileError`` are what a half-copied file looks like, worth another look after it settles.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..config import ReadSettings
from ..errors import (
    EmptyFileError,
    FileTooLargeError,
    InputError,
    LegacyOfficeError,
    MissingFileError,
    NoTextLayerError,
    NotRegularFileError,
    ScannedPdfError,
    TooManyPagesError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from ..models import LogFileFormat
from .pdf_checks import check_pdf
from .safezip import (
    MIB,
    DamagedFileError,
    EncryptedFileError,
    SafeZip,
    UnsafeFileError,
    printable_name,
)

__all__ = [
    "MACRO_WARNING",
    "DamagedFileError",
    "EmptyFileError",
    "EncryptedFileError",
    "FileTooLargeError",
    "LegacyOfficeError",
    "MissingFileError",
    "NoTextLayerError",
    "NotRegularFileError",
    "ScannedPdfError",
    "Sniffed",
    "TooManyPagesError",
    "UnreadableFileError",
    "UnsafeFileError",
    "UnsupportedFormatError",
    "is_scan_image",
    "sniff",
]

#: The warning a macro-enabled document (.docm, .xlsm) carries; it is read like any other, its code never runs.
MACRO_WARNING: Final = "This file contains macros; they were not run and are ignored."

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_PDF_MAGIC_WINDOW = 1024  # readers accept junk before "%PDF-" within the first kilobyte
_SEND_LOG = "send the completed log as a .docx, .xlsx or .pdf file, or a scan or photo of the printed log"
# Directory entries of an OLE compound file: 128-byte records whose UTF-16-LE name (with its terminating NUL)
# starts the record and whose byte length sits at offset 64. Entries always start on a 128-byte boundary.
_OLE_STREAMS = ("EncryptionInfo", "EncryptedPackage", "WordDocument", "Workbook", "Book", "PowerPoint Document")
_OLE_PATTERNS = {n: ((n + "\0").encode("utf-16-le"), (2 * len(n) + 2).to_bytes(2, "little")) for n in _OLE_STREAMS}
_MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "macrosheet")


@dataclass(frozen=True)
class Sniffed:
    """What ``sniff`` found out about a file that is safe to hand to its reader.

    ``sha256`` is the hex digest of the bytes that were checked and ``size`` their length; ``macro_enabled``
    is true for .docm/.xlsm content (the macros are never run); ``warnings`` are sentences for the person who
    sent the file, empty when there is nothing to say.

    Example:
        >>> Sniffed(LogFileFormat.PDF, "0" * 64, 1024, False, ()).format.value
        'pdf'
    """

    format: LogFileFormat
    sha256: str
    size: int
    macro_enabled: bool
    warnings: tuple[str, ...]


def sniff(path: Path | str, settings: ReadSettings | None = None) -> Sniffed:
    """Identify the log file at ``path`` by its content and check that it is safe to read.

    Raises an ``InputError`` subclass, never anything else, for a file that is missing, empty, too large,
    damaged, encrypted, unsafe (zip bomb, DOCTYPE), a scan without text, or not a Word, Excel or PDF log. The
    file is read once; ``settings`` (``None``: the defaults) give the limits.

    Example:
        >>> import docx, tempfile
        >>> p = Path(tempfile.mkdtemp()) / "log.bin"
        >>> docx.Document().save(p)
        >>> sniff(p).format
        <LogFileFormat.DOCX: 'docx'>
    """
    settings = settings or ReadSettings()
    path = Path(path)
    name = printable_name(path.name or str(path))
    data = _read_file(path, name, settings)
    macro_enabled = False
    if data.startswith(_OLE_MAGIC):
        raise _ole_error(name, data)
    if data.startswith(_ZIP_MAGIC):
        file_format, macro_enabled = _sniff_zip(data, name, settings)
    elif b"%PDF-" in data[:_PDF_MAGIC_WINDOW]:
        # a PDF of scanned pages is a paper log: read/scan renders it and reads each page's QR code
        file_format = LogFileFormat.SCAN if check_pdf(data, name, settings) == "scan" else LogFileFormat.PDF
    elif is_scan_image(data[:64]):
        file_format = LogFileFormat.SCAN  # its pixels are checked by read/images before anything decodes them
    else:
        raise _unsupported(name, data)
    return Sniffed(
        format=file_format,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        macro_enabled=macro_enabled,
        warnings=(MACRO_WARNING,) if macro_enabled else (),
    )


# ---------------------------------------------------------------------------------------------- the file


def _read_file(path: Path, name: str, settings: ReadSettings) -> bytes:
    limit = settings.max_file_bytes
    # O_NONBLOCK: opening a named pipe must not wait for a writer; fstat then refuses it.
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise MissingFileError(
            f"{name} does not exist (it may have been moved or deleted); check the file name and folder."
        ) from None
    except IsADirectoryError:
        raise _folder_error(name) from None
    except PermissionError:
        if path.is_dir():  # how Windows answers opening a folder
            raise _folder_error(name) from None
        raise _unreadable(name, "permission denied") from None
    except OSError as exc:
        raise _unreadable(name, exc.strerror or type(exc).__name__) from exc
    except ValueError as exc:  # a NUL byte in the path
        raise _unreadable(name, "the path is not valid") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _folder_error(name)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(
                f"{name} is not a regular file (a device, pipe or socket); give the path of the log file itself."
            )
        if info.st_size > limit:
            raise _too_large(name, info.st_size, settings)
        with open(fd, "rb", closefd=False) as f:
            # One byte more than fstat saw tells whether the file grew meanwhile; never allocate for the limit.
            data = f.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += f.read(limit + 1 - len(data))
    except OSError as exc:
        raise _unreadable(name, exc.strerror or type(exc).__name__) from exc
    finally:
        os.close(fd)
    if not data:
        raise EmptyFileError(f"{name} is empty (0 bytes), perhaps a copy that did not finish; send or save it again.")
    if len(data) > limit:
        raise _too_large(name, len(data), settings)
    return data


def _folder_error(name: str) -> NotRegularFileError:
    return NotRegularFileError(f"{name} is a folder, not a log file; give the path of the .docx, .xlsx or .pdf file.")


def _unreadable(name: str, reason: str) -> UnreadableFileError:
    return UnreadableFileError(
        f"{name} cannot be opened ({reason}); check the path and the file's permissions and try again."
    )


def _too_large(name: str, size: int, settings: ReadSettings) -> FileTooLargeError:
    return FileTooLargeError(
        f"{name} is {math.ceil(size * 10 / MIB) / 10} MB, more than sglogs reads ({settings.max_file_mb} MB); "
        "remove large pictures from the log and save it again, or raise read.max_file_mb in sglogs.toml."
    )


# ---------------------------------------------------------------------------------------------- OLE


def _ole_streams(data: bytes) -> set[str]:
    """Names of interest in an OLE compound file's directory, found without walking its sector chains.

    Matching only whole, 128-byte-aligned entries with the right length field keeps text that merely mentions
    "Workbook" from counting, and still works when the file is truncated or its FAT is damaged.
    """
    found = set()
    for stream, (pattern, length) in _OLE_PATTERNS.items():
        at = data.find(pattern)
        while at != -1:
            if at % 128 == 0 and data[at + 64 : at + 66] == length:
                found.add(stream)
                break
            at = data.find(pattern, at + 1)
    return found


def _ole_error(name: str, data: bytes) -> InputError:
    streams = _ole_streams(data)
    if streams & {"EncryptionInfo", "EncryptedPackage"}:
        return EncryptedFileError(
            f"{name} is protected with a password, which sglogs cannot open; remove the password in Word or Excel "
            "(File > Info > Protect Document or Protect Workbook > Encrypt with Password, then clear it) and save "
            "a copy."
        )
    if "WordDocument" in streams:
        return LegacyOfficeError(
            f"{name} is an old Word 97-2003 document (.doc), which sglogs cannot read; open it in Word and save it "
            "as .docx (File > Save As > Word Document)."
        )
    if streams & {"Workbook", "Book"}:
        return LegacyOfficeError(
            f"{name} is an old Excel 97-2003 workbook (.xls), which sglogs cannot read; open it in Excel and save "
            "it as .xlsx (File > Save As > Excel Workbook)."
        )
    if "PowerPoint Document" in streams:
        return UnsupportedFormatError(
            f"{name} is a PowerPoint presentation, not a Word, Excel or PDF log; {_SEND_LOG}."
        )
    return LegacyOfficeError(
        f"{name} is an old Office 97-2003 file, which sglogs cannot read; open it in Word or Excel and save it as "
        ".docx or .xlsx."
    )


# ---------------------------------------------------------------------------------------------- zip


def _sniff_zip(data: bytes, name: str, settings: ReadSettings) -> tuple[LogFileFormat, bool]:
    with SafeZip(io.BytesIO(data), settings, name=name) as package:
        file_format = _package_format(package, name)
        # Declared sizes can lie: inflate everything once, against the budget, before any reader runs.
        package.verify()
        return file_format, _has_macros(package)


def _package_format(package: SafeZip, name: str) -> LogFileFormat:
    word, excel = package.has("word/document.xml"), package.has("xl/workbook.xml")
    if word and excel:
        raise UnsafeFileError(
            f"{name} holds both a Word document and an Excel workbook, which Word and Excel never write; open the "
            "log in Word or Excel and save it again."
        )
    if word:
        return LogFileFormat.DOCX
    if excel:
        return LogFileFormat.XLSX
    if package.has("xl/workbook.bin"):
        raise UnsupportedFormatError(
            f"{name} is an Excel binary workbook (.xlsb), which sglogs cannot read; open it in Excel and save it as "
            ".xlsx (File > Save As > Excel Workbook)."
        )
    mimetype = package.read("mimetype")[:100] if package.has("mimetype") else b""
    if b"opendocument.text" in mimetype:
        raise UnsupportedFormatError(
            f"{name} is an OpenDocument text file (.odt), which sglogs cannot read; open it in Word or LibreOffice "
            "and save it as .docx (Word Document)."
        )
    if b"opendocument.spreadsheet" in mimetype:
        raise UnsupportedFormatError(
            f"{name} is an OpenDocument spreadsheet (.ods), which sglogs cannot read; open it in Excel or "
            "LibreOffice and save it as .xlsx (Excel Workbook)."
        )
    if b"opendocument" in mimetype or (package.has("content.xml") and package.has("META-INF/manifest.xml")):
        raise UnsupportedFormatError(f"{name} is an OpenDocument file, not a Word, Excel or PDF log; {_SEND_LOG}.")
    if package.has("ppt/presentation.xml"):
        raise UnsupportedFormatError(f"{name} is a PowerPoint presentation, not a Word, Excel or PDF log; {_SEND_LOG}.")
    raise UnsupportedFormatError(
        f"{name} is a zip archive, not a Word, Excel or PDF log; unzip it and send the log file inside."
    )


def _has_macros(package: SafeZip) -> bool:
    if any(n.lower().endswith("vbaproject.bin") for n in package.names()):
        return True
    if not package.has("[Content_Types].xml"):
        return False
    types = package.read_xml("[Content_Types].xml")
    return any(
        marker in (element.get("ContentType") or "").lower()
        for element in types.iter("{*}Default", "{*}Override")
        for marker in _MACRO_CONTENT_TYPES
    )


# ---------------------------------------------------------------------------------------------- the rest


def _unsupported(name: str, data: bytes) -> InputError:
    head = data[:2048]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{\\rtf"):
        return UnsupportedFormatError(
            f"{name} is a Rich Text (RTF) document, which sglogs cannot read; open it in Word and save it as .docx "
            "(File > Save As > Word Document)."
        )
    if text.startswith(b"<?xml") and b'progid="word.document"' in text:
        return UnsupportedFormatError(
            f"{name} is a Word 2003 XML document, which sglogs cannot read; open it in Word and save it as .docx."
        )
    if text.startswith(b"<?xml") and b'progid="excel.sheet"' in text:
        return UnsupportedFormatError(
            f"{name} is an Excel 2003 XML spreadsheet, which sglogs cannot read; open it in Excel and save it as .xlsx."
        )
    return UnsupportedFormatError(f"{name} is {_describe(head, text)}, not a Word, Excel or PDF log; {_SEND_LOG}.")


def is_scan_image(head: bytes) -> bool:
    """Whether a file's first bytes are a JPEG, PNG, TIFF or HEIC image: a photo or scan of a paper log.

    Example:
        >>> is_scan_image(b"\\x89PNG\\r\\n\\x1a\\n"), is_scan_image(b"GIF89a")
        (True, False)
    """
    return head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")) or (
        head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"))


def _describe(head: bytes, text: bytes) -> str:
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")) or (
        head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1") or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        return "an image (a photo or scan)"
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        return "a compressed archive"
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text:
        return "a web page (HTML)"
    if text.startswith(b"mime-version:"):
        return "a web archive (MHTML)"
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\n\r\f")
    if controls <= len(head) // 100:  # text in any 8-bit encoding or UTF-8 has next to no control bytes
        return "a text or CSV file"
    return "a file of an unknown kind"
