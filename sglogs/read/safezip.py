"""Safe access to the zip packages inside .docx and .xlsx files, which arrive from outside and are untrusted.

A zip can claim anything about itself, so ``SafeZip`` checks what the central directory declares when it opens
(entry count, names, encryption, compression method, per-part ratio, total size) and then counts the bytes it
actually inflates against the same limits while reading. XML parts are parsed with a hardened lxml parser after
refusing any DOCTYPE, which Word and Excel never write.

CPython's ``zipfile`` never inflates more than a member's declared size (a smaller lie leaves the part short and
fails its CRC check), so declared sizes bound the work; the budget on real bytes is kept in case that changes.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from lxml import etree

from ..config import ReadSettings
from ..errors import DamagedFileError, EncryptedFileError, InputError, UnsafeFileError

__all__ = [
    "DamagedFileError",
    "EncryptedFileError",
    "SafeZip",
    "UnsafeFileError",
    "has_doctype",
    "printable_name",
]

MIB: Final = 1024 * 1024
#: A member that inflates to less than this is harmless whatever its compression ratio (tiny parts of repeated
#: markup compress far beyond any sensible ratio limit).
RATIO_FLOOR_BYTES: Final = MIB
#: Bytes inflated per read: large enough that a normal part is one call, small enough to bound memory.
CHUNK_BYTES: Final = MIB
#: Central-directory bytes allowed per permitted entry (a real entry is 46 bytes plus a short name and extras).
#: Checked before ``zipfile`` parses the directory, which costs ~500 bytes of memory per entry.
MAX_DIRECTORY_BYTES_PER_ENTRY: Final = 1024

_RESAVE = "open it in Word or Excel and save it again"
_RESEND = "ask for the log to be saved again from Word or Excel and sent again"
_STORED_OR_DEFLATED = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_ENCRYPTED_FLAGS = 0x1 | 0x40  # traditional PKWARE encryption, strong encryption
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Anything zipfile, zlib or a short or forged file can raise while a package is opened or inflated.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_DOCTYPE = re.compile(rb"<!doctype|<\x00!\x00d\x00o\x00c\x00t\x00y\x00p\x00e", re.IGNORECASE)
_DOCTYPE_OVERLAP = 17  # bytes kept between chunks so a DOCTYPE split across two chunks is still seen
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable_name(name: str, limit: int = 80) -> str:
    """Return ``name`` fit for a one-line message: control characters become ``?``, long names are shortened.

    File and part names come from outside; a newline in one must not split a log line or a message.

    Example:
        >>> printable_name("log\\n2026.docx")
        'log?2026.docx'
    """
    name = _UNPRINTABLE.sub("?", name)
    return name if len(name) <= limit else name[: limit - 3] + "..."


def has_doctype(data: bytes) -> bool:
    """Return whether ``data`` contains a DOCTYPE declaration, in any letter case, as UTF-8 or UTF-16 XML.

    A false alarm inside a comment is acceptable: OOXML never needs a DOCTYPE, so refusing one is always safe.

    Example:
        >>> has_doctype(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x/>'), has_doctype(b"<x>Hi!</x>")
        (True, False)
    """
    # Every DOCTYPE starts "<!"; most parts hold no "!" at all, and this test is far cheaper than the search.
    return b"!" in data and _DOCTYPE.search(data) is not None


def _is_xml_name(name: str) -> bool:
    return name.lower().endswith(_XML_SUFFIXES)


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return True
    return ".." in re.split(r"[\\/]", name)


class SafeZip:
    """A read-only view of an OOXML package that refuses zip bombs, unsafe names, encryption and DOCTYPEs.

    Opening checks the central directory against ``settings`` (``max_zip_entries``, ``max_uncompressed_mb``,
    ``max_compression_ratio``); ``read`` then enforces ``max_xml_part_mb`` per part and ``max_uncompressed_mb``
    on the running total of bytes it has inflated. Every refusal is an ``InputError`` whose message names the
    file (``name``, else the path's file name) and says what to do. A file object passed in is not closed.

    Example:
        >>> import zipfile
        >>> buf = io.BytesIO()
        >>> with zipfile.ZipFile(buf, "w") as zf:
        ...     zf.writestr("word/document.xml", "<w:document xmlns:w='urn:w'/>")
        >>> with SafeZip(buf, name="log.docx") as z:
        ...     z.names(), z.read_xml("word/document.xml").tag
        (('word/document.xml',), '{urn:w}document')
    """

    def __init__(
        self,
        source: str | os.PathLike[str] | IO[bytes],
        settings: ReadSettings | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self._settings = settings or ReadSettings()
        if name is None:
            raw = source if isinstance(source, str | os.PathLike) else getattr(source, "name", None)
            name = Path(raw).name if isinstance(raw, str | os.PathLike) else "This file"
        #: The file name used in messages.
        self.name = printable_name(name)
        self._part_limit = self._settings.max_xml_part_mb * MIB
        self._total_limit = self._settings.max_uncompressed_mb * MIB
        self._inflated = 0
        self._owned: IO[bytes] | None = None
        if isinstance(source, str | os.PathLike):
            try:
                self._owned = fp = open(source, "rb")  # noqa: SIM115 - closed by close()
            except OSError as exc:
                raise InputError(
                    f"{self.name} cannot be opened ({exc.strerror or type(exc).__name__}); check the path and try "
                    "again."
                ) from exc
        else:
            fp = source
        try:
            self._check_directory_size(fp)
            self._zip = zipfile.ZipFile(fp)
        except InputError:
            self._close_owned()
            raise
        except _ZIP_ERRORS as exc:
            self._close_owned()
            raise DamagedFileError(
                f"{self.name} is damaged or incomplete and cannot be unzipped; {_RESAVE}, or ask for it to be sent "
                "again."
            ) from exc
        try:
            self._infos = self._zip.infolist()
            self._by_name = {info.filename: info for info in self._infos}
            self._check_members()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------------------------------ public

    def names(self) -> tuple[str, ...]:
        """Return the member names in the order the zip lists them (folders included, as ``name/``).

        Example:
            >>> SafeZip(_tiny_zip(), name="a.docx").names()
            ('[Content_Types].xml',)
        """
        return tuple(self._by_name)

    def has(self, name: str) -> bool:
        """Return whether the package has a member called exactly ``name``.

        Example:
            >>> SafeZip(_tiny_zip(), name="a.docx").has("word/document.xml")
            False
        """
        return name in self._by_name

    def read(self, name: str) -> bytes:
        """Return the inflated bytes of member ``name``, counted against the per-part and whole-file budgets.

        Raises ``DamagedFileError`` when the member is missing or its data is corrupt, ``UnsafeFileError`` when
        it inflates beyond ``max_xml_part_mb`` or the file's total beyond ``max_uncompressed_mb``.

        Example:
            >>> SafeZip(_tiny_zip(), name="a.docx").read("[Content_Types].xml")[:5]
            b'<Type'
        """
        info = self._member(name)
        if info.file_size > self._part_limit:
            raise self._part_too_large(info.filename, info.file_size)
        chunks: list[bytes] = []
        size = 0
        for chunk in self._inflate(info):
            size += len(chunk)
            if size > self._part_limit:
                raise self._part_too_large(info.filename, size)
            if self._inflated + size > self._total_limit:
                raise self._too_large_in_total()
            chunks.append(chunk)
        self._inflated += size
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def read_xml(self, name: str) -> etree._Element:
        """Return member ``name`` parsed as XML with a hardened parser (no DTD, no entities, no network).

        Raises ``UnsafeFileError`` for a DOCTYPE and ``DamagedFileError`` when the XML is not well-formed.

        Example:
            >>> SafeZip(_tiny_zip(), name="a.docx").read_xml("[Content_Types].xml").tag
            'Types'
        """
        data = self.read(name)
        if has_doctype(data):
            raise self._doctype(name)
        # A parser per call: lxml parsers must not be shared between threads, and one costs microseconds.
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
        )
        try:
            root = etree.fromstring(data, parser)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise DamagedFileError(
                f"{self.name} is damaged ({printable_name(name)} is not well-formed XML); {_RESAVE}."
            ) from exc
        docinfo = root.getroottree().docinfo
        # The byte search cannot see a DOCTYPE in an exotic encoding (UTF-32, EBCDIC); the parse result can.
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise self._doctype(name)
        return root

    def verify(self) -> None:
        """Inflate every member once, discarding the bytes, to prove the package is whole and within limits.

        Checks the real inflated sizes against ``max_uncompressed_mb`` (all members) and ``max_xml_part_mb``
        (XML parts), every CRC, and that no XML part holds a DOCTYPE. It keeps its own count: bytes inflated
        here are not charged to later ``read`` calls.

        Example:
            >>> SafeZip(_tiny_zip(), name="a.docx").verify()
        """
        total = 0
        for info in self._infos:
            if info.is_dir():
                continue
            xml = _is_xml_name(info.filename)
            size = 0
            tail = b""
            for chunk in self._inflate(info):
                size += len(chunk)
                total += len(chunk)
                if total > self._total_limit:
                    raise self._too_large_in_total()
                if xml:
                    if size > self._part_limit:
                        raise self._part_too_large(info.filename, size)
                    if has_doctype(tail + chunk):
                        raise self._doctype(info.filename)
                    tail = chunk[-_DOCTYPE_OVERLAP:]

    def close(self) -> None:
        """Close the zip, and the file when ``SafeZip`` opened it from a path.

        Example:
            >>> z = SafeZip(_tiny_zip(), name="a.docx")
            >>> z.close()
        """
        zf = getattr(self, "_zip", None)
        if zf is not None:
            zf.close()
        self._close_owned()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------ checks

    def _check_directory_size(self, fp: IO[bytes]) -> None:
        # zipfile parses the whole central directory into ZipInfo objects before anyone can count them
        # (300,000 entries: 160 MB and seconds), so its declared size and count are checked first.
        end = fp.seek(0, io.SEEK_END)
        tail_start = max(0, end - _EOCD.size - 0xFFFF)
        fp.seek(tail_start)
        tail = fp.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _EOCD.size > len(tail):
            return  # not a zip: zipfile says so next
        _sig, _disk, _cd_disk, _here, entries, cd_size, _cd_offset, _comment = _EOCD.unpack_from(tail, at)
        if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
            entries, cd_size = self._zip64_directory_size(fp, tail_start + at, entries, cd_size)
        limit = self._settings.max_zip_entries
        if entries > limit or cd_size > limit * MAX_DIRECTORY_BYTES_PER_ENTRY:
            raise self._too_many_entries(max(entries, cd_size // MAX_DIRECTORY_BYTES_PER_ENTRY))

    @staticmethod
    def _zip64_directory_size(fp: IO[bytes], eocd_at: int, entries: int, cd_size: int) -> tuple[int, int]:
        # Where zipfile itself looks: the zip64 record sits just before its locator, just before the EOCD.
        locator_at = eocd_at - _EOCD64_LOCATOR.size
        record_at = locator_at - _EOCD64.size
        if record_at < 0:
            return entries, cd_size
        fp.seek(record_at)
        head = fp.read(_EOCD64.size + _EOCD64_LOCATOR.size)
        if len(head) < _EOCD64.size + _EOCD64_LOCATOR.size or head[_EOCD64.size :][:4] != b"PK\x06\x07":
            return entries, cd_size
        record = _EOCD64.unpack_from(head)
        if record[0] != b"PK\x06\x06":
            return entries, cd_size
        return record[7], record[8]

    def _check_members(self) -> None:
        settings = self._settings
        if len(self._infos) > settings.max_zip_entries:
            raise self._too_many_entries(len(self._infos))
        if len(self._by_name) != len(self._infos) or len({n.casefold() for n in self._by_name}) != len(self._infos):
            raise UnsafeFileError(
                f"{self.name} holds two parts with the same name, which Word and Excel never write, so it is "
                f"refused as unsafe; {_RESEND}."
            )
        declared = 0
        for info in self._infos:
            part = printable_name(info.filename)
            if _unsafe_name(info.filename):
                raise UnsafeFileError(
                    f"{self.name} holds a part with an unsafe name ({part}), which Word and Excel never write, so "
                    f"it is refused; {_RESEND}."
                )
            if info.flag_bits & _ENCRYPTED_FLAGS:
                raise EncryptedFileError(
                    f"{self.name} has parts locked with a zip password ({part}), which sglogs cannot open; open "
                    "the log in Word or Excel and save a copy without a password."
                )
            if info.compress_type not in _STORED_OR_DEFLATED:
                raise UnsafeFileError(
                    f"{self.name} uses a zip compression method Word and Excel never write ({part}), so it is "
                    f"refused; {_RESAVE}."
                )
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > settings.max_compression_ratio * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise UnsafeFileError(
                    f"{self.name} has a part ({part}) compressed {ratio}:1, far beyond a real document "
                    f"(limit {settings.max_compression_ratio}:1), so it is refused as a zip bomb; {_RESEND}, or raise "
                    "read.max_compression_ratio in sglogs.toml if it is genuine."
                )
            declared += info.file_size
        if declared > self._total_limit:
            raise self._too_large_in_total(declared)

    # ------------------------------------------------------------------------------------------ helpers

    def _member(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._by_name[name]
        except KeyError:
            raise DamagedFileError(
                f"{self.name} is incomplete (it has no {printable_name(name)}); {_RESAVE}."
            ) from None

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK_BYTES):
                    yield chunk
        except _ZIP_ERRORS as exc:
            raise DamagedFileError(
                f"{self.name} is damaged ({printable_name(info.filename)} cannot be unzipped or fails its "
                f"checksum); {_RESAVE}, or ask for it to be sent again."
            ) from exc

    def _close_owned(self) -> None:
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def _too_many_entries(self, count: int) -> UnsafeFileError:
        limit = self._settings.max_zip_entries
        return UnsafeFileError(
            f"{self.name} holds about {count} zip entries, more than a Word or Excel log has (limit {limit}), so "
            f"it is refused as unsafe; {_RESEND}."
        )

    def _too_large_in_total(self, size: int | None = None) -> UnsafeFileError:
        limit = self._settings.max_uncompressed_mb
        amount = f"{size / MIB:.1f} MB, more than" if size is not None else "more than"
        return UnsafeFileError(
            f"{self.name} would unpack to {amount} the {limit} MB sglogs allows, so it is refused as a zip bomb; "
            f"{_RESEND}, or raise read.max_uncompressed_mb in sglogs.toml if it is genuine."
        )

    def _part_too_large(self, part: str, size: int) -> UnsafeFileError:
        limit = self._settings.max_xml_part_mb
        return UnsafeFileError(
            f"{self.name} has a part ({printable_name(part)}) of {size / MIB:.0f} MB or more, larger than sglogs "
            f"reads in one part ({limit} MB), so it is refused as unsafe; {_RESEND}, or raise read.max_xml_part_mb "
            "in sglogs.toml if it is genuine."
        )

    def _doctype(self, part: str) -> UnsafeFileError:
        return UnsafeFileError(
            f"{self.name} has a DOCTYPE in {printable_name(part)}, which Word and Excel never write (it can hide "
            f"entity bombs), so it is refused as unsafe; {_RESEND}."
        )


def _tiny_zip() -> io.BytesIO:
    """A one-part package for the docstring examples."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    return buf
