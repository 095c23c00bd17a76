"""``sniff`` and ``SafeZip`` against real and hostile files: each refusal has its own class and one sentence.

Every file is built here, in a temporary folder, from real writers (python-docx, openpyxl, a minimal PDF
writer, LibreOffice where installed) and then damaged or forged byte by byte, so no binary blobs are committed.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import struct
import subprocess
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sglogs.config import ReadSettings
from sglogs.errors import (
    DamagedFileError,
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    InputError,
    LegacyOfficeError,
    MissingFileError,
    NoTextLayerError,
    NotRegularFileError,
    ScannedPdfError,
    TooManyPagesError,
    UnsafeFileError,
    UnsupportedFormatError,
)
from sglogs.models import LogFileFormat
from sglogs.read.safezip import SafeZip, has_doctype
from sglogs.read.sniff import MACRO_WARNING, Sniffed, sniff

MIB = 1024 * 1024
_WHAT_TO_DO = re.compile(r"; .*\b(open|save|send|remove|check|give|ask|unzip|export|raise)\b")


# ---------------------------------------------------------------------------------------------- builders


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Safeguarding children competency log")
    table = document.add_table(rows=3, cols=3)
    for row in table.rows:
        for cell in row.cells:
            cell.text = "Attended multi-agency training"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Activity", "Hours"])
    sheet.append(["01/03/2026", "E-learning", 1.5])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


DOCX = docx_bytes()
XLSX = xlsx_bytes()
with zipfile.ZipFile(io.BytesIO(DOCX)) as _zf:
    DOCX_DOCUMENT = _zf.read("word/document.xml")


def rezip(source: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy a zip, replacing (or, with ``None``, dropping) members and adding new ones at the end."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info, src.read(info))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def central_entries(data: bytes) -> list[tuple[int, int, str]]:
    """(central entry offset, local header offset, name) of every member, read from the real directory."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        locals_ = {info.filename: info.header_offset for info in zf.infolist()}
    entries = []
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        name = data[at + 46 : at + 46 + name_len].decode()
        entries.append((at, locals_[name], name))
        at = data.find(b"PK\x01\x02", at + 46)
    return entries


def patch_member(data: bytes, member: str, *, file_size: int | None = None, flags: int | None = None) -> bytes:
    """Forge what the local header and the central directory declare about ``member``."""
    out = bytearray(data)
    for central, local, name in central_entries(data):
        if name != member:
            continue
        if file_size is not None:
            struct.pack_into("<L", out, central + 24, file_size)
            struct.pack_into("<L", out, local + 22, file_size)
        if flags is not None:
            struct.pack_into("<H", out, central + 8, flags)
            struct.pack_into("<H", out, local + 6, flags)
    return bytes(out)


def stream_bomb(name: str, size_mb: int, prefix: bytes = b"") -> bytes:
    """A zip whose member ``name`` is ``size_mb`` MB of spaces, written in chunks (low memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(io.BytesIO(DOCX)) as src:
            for info in src.infolist():
                if info.filename != name:
                    zf.writestr(info, src.read(info))
        with zf.open(name, "w") as member:
            member.write(prefix)
            block = b" " * MIB
            for _ in range(size_mb):
                member.write(block)
    return out.getvalue()


def ole(*streams: str, sector_shift: int = 9, extra: bytes = b"") -> bytes:
    """A compound file (OLE2) header and one directory sector holding ``streams`` after the root entry."""
    sector = 1 << sector_shift
    header = bytearray(sector)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3 if sector_shift == 9 else 4, 0xFFFE, sector_shift, 6)
    struct.pack_into("<LL", header, 0x2C, 1, 0)  # one FAT sector; the directory starts at sector 0
    directory = bytearray(sector)
    for index, (name, kind) in enumerate([("Root Entry", 5), *((s, 2) for s in streams)]):
        encoded = (name + "\0").encode("utf-16-le")
        entry = index * 128
        directory[entry : entry + len(encoded)] = encoded
        struct.pack_into("<HB", directory, entry + 64, len(encoded), kind)
    return bytes(header) + bytes(directory) + extra


# A minimal PDF writer: enough for text, images, several pages and RC4 (revision 2) encryption.

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def pdf_bytes(
    pages: list[str | None],
    *,
    image: bool = False,
    user_password: bytes | None = None,
    owner_password: bytes = b"owner",
    content: bytes | None = None,
) -> bytes:
    """A PDF with one page per entry of ``pages`` (its text, or ``None`` for no text), optionally encrypted.

    ``image`` draws a 1x1 image on every page (what a scanner makes); ``content`` replaces the first page's
    content stream with raw, already Flate-compressed bytes.
    """
    file_id = hashlib.md5(b"sglogs").digest()
    key = None
    encrypt = b""
    if user_password is not None:
        permissions = -4
        owner_key = hashlib.md5((owner_password + _PAD)[:32]).digest()[:5]
        owner_entry = rc4(owner_key, (user_password + _PAD)[:32])
        key = hashlib.md5(
            (user_password + _PAD)[:32] + owner_entry + struct.pack("<i", permissions) + file_id
        ).digest()[:5]
        user_entry = rc4(key, _PAD)
        encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
            owner_entry.hex().encode(),
            user_entry.hex().encode(),
            permissions,
        )

    objects: dict[int, bytes] = {}
    font, xobject, first_page = 3, 4, 5
    kids = []
    for index, text in enumerate(pages):
        page_num, content_num = first_page + 2 * index, first_page + 2 * index + 1
        kids.append(page_num)
        ops = b""
        if text is not None:
            ops += b"BT /F1 12 Tf 72 720 Td (%s) Tj ET\n" % text.encode("latin-1")
        if image:
            ops += b"q 100 0 0 100 72 500 cm /Im1 Do Q\n"
        filters = b""
        if index == 0 and content is not None:
            ops, filters = content, b"/Filter /FlateDecode "
        if key is not None:
            object_key = hashlib.md5(key + content_num.to_bytes(3, "little") + b"\0\0").digest()[:10]
            ops = rc4(object_key, ops)
        objects[page_num] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>" % (content_num, font, xobject)
        )
        objects[content_num] = b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(ops), filters, ops)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    objects[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    pixel = b"\x80"
    if key is not None:
        pixel = rc4(hashlib.md5(key + xobject.to_bytes(3, "little") + b"\0\0").digest()[:10], pixel)
    objects[xobject] = (
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n%s\nendstream" % pixel
    )
    trailer_extra = b""
    if encrypt:
        encrypt_num = max(objects) + 1
        objects[encrypt_num] = encrypt
        hex_id = file_id.hex().encode()
        trailer_extra = b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (encrypt_num, hex_id, hex_id)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer_extra, xref)
    return bytes(out)


def hex_text(size: int, seed: int) -> bytes:
    """Text that compresses about 2:1, so ratio checks stay quiet and only sizes matter."""
    return random.Random(seed).randbytes(size // 2).hex().encode()


def deflate_of_spaces(size_mb: int) -> bytes:
    compressor = zlib.compressobj(9)
    block = b" " * MIB
    return b"".join(compressor.compress(block) for _ in range(size_mb)) + compressor.flush()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


# ---------------------------------------------------------------------------------------------- helpers


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_one_sentence(exc: InputError, file_name: str) -> None:
    """The message names the file, is one sentence on one line, and says what to do after a semicolon."""
    message = exc.message
    assert message == str(exc)
    assert message.startswith(file_name), message
    assert message.endswith("."), message
    assert "\n" not in message
    assert re.search(r"[.!?]\s", message[len(file_name) :]) is None, message
    assert _WHAT_TO_DO.search(message), message
    assert int(exc.exit_code) == 3


def refused(path: Path, error: type[InputError], phrase: str, read_settings: ReadSettings | None = None) -> str:
    with pytest.raises(error) as caught:
        sniff(path, read_settings)
    assert phrase in caught.value.message, caught.value.message
    assert_one_sentence(caught.value, path.name)
    return caught.value.message


# ---------------------------------------------------------------------------------------------- accepted files


def test_docx_is_recognised_and_hashed(tmp_path: Path) -> None:
    path = write(tmp_path, "NS001_Hartley.docx", DOCX)
    result = sniff(path)
    assert result == Sniffed(LogFileFormat.DOCX, hashlib.sha256(DOCX).hexdigest(), len(DOCX), False, ())


def test_xlsx_is_recognised(tmp_path: Path) -> None:
    result = sniff(write(tmp_path, "log.xlsx", XLSX))
    assert (result.format, result.size, result.macro_enabled) == (LogFileFormat.XLSX, len(XLSX), False)


def test_pdf_with_text_is_recognised(tmp_path: Path) -> None:
    data = pdf_bytes(["Safeguarding log", None])
    result = sniff(write(tmp_path, "log.pdf", data))
    assert result == Sniffed(LogFileFormat.PDF, hashlib.sha256(data).hexdigest(), len(data), False, ())


def test_text_on_a_later_page_is_enough(tmp_path: Path) -> None:
    assert sniff(write(tmp_path, "log.pdf", pdf_bytes([None, None, "Evidence"]))).format is LogFileFormat.PDF


def test_format_comes_from_content_not_extension(tmp_path: Path) -> None:
    assert sniff(write(tmp_path, "really-a-docx.pdf", DOCX)).format is LogFileFormat.DOCX
    assert sniff(write(tmp_path, "really-a-pdf.xlsx", pdf_bytes(["Log"]))).format is LogFileFormat.PDF
    assert sniff(write(tmp_path, "no-extension", XLSX)).format is LogFileFormat.XLSX


def test_pdf_with_only_an_owner_password_opens(tmp_path: Path) -> None:
    data = pdf_bytes(["Evidence"], user_password=b"", owner_password=b"manager")
    assert b"/Encrypt" in data
    assert sniff(write(tmp_path, "restricted.pdf", data)).format is LogFileFormat.PDF


@pytest.mark.parametrize(
    ("name", "source", "main", "content_type"),
    [
        ("log.docm", DOCX, "/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
        ("log.xlsm", XLSX, "/xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    ],
)
def test_macro_enabled_files_are_accepted_with_a_warning(
    tmp_path: Path, name: str, source: bytes, main: str, content_type: str
) -> None:
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        types = zf.read("[Content_Types].xml").decode()
    types = re.sub(rf'(PartName="{re.escape(main)}" ContentType=")[^"]+', rf"\g<1>{content_type}", types)
    assert content_type in types
    vba = "word/vbaProject.bin" if name.endswith("docm") else "xl/vbaProject.bin"
    data = rezip(source, {"[Content_Types].xml": types.encode()}, {vba: b"\xcc\x61" + bytes(500)})
    result = sniff(write(tmp_path, name, data))
    assert result.macro_enabled is True
    assert result.warnings == (MACRO_WARNING,)
    assert "were not run" in MACRO_WARNING


def test_a_vba_project_alone_marks_macros(tmp_path: Path) -> None:
    data = rezip(DOCX, add={"word/vbaProject.bin": bytes(100)})
    assert sniff(write(tmp_path, "renamed.docx", data)).macro_enabled is True


def test_a_normal_docx_is_sniffed_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, "log.docx", DOCX)
    sniff(path)
    start = time.perf_counter()
    for _ in range(20):
        sniff(path)
    assert (time.perf_counter() - start) / 20 < 0.02  # measured ~0.8 ms; generous for slow CI machines


# ---------------------------------------------------------------------------------------------- the path itself


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "gone.docx", MissingFileError, "does not exist")


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "logs.docx"
    folder.mkdir()
    refused(folder, NotRegularFileError, "is a folder")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "log.docx"
    os.mkfifo(pipe)
    refused(pipe, NotRegularFileError, "not a regular file")


def test_empty_file(tmp_path: Path) -> None:
    refused(write(tmp_path, "log.docx", b""), EmptyFileError, "empty (0 bytes)")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(MIB + 1)  # sparse: nothing is written, and sniff must not read it either
    message = refused(path, FileTooLargeError, "1.1 MB, more than sglogs reads (1 MB)", ReadSettings(max_file_mb=1))
    assert "read.max_file_mb" in message


# ---------------------------------------------------------------------------------------------- OLE files


@pytest.mark.parametrize(
    ("streams", "error", "phrase"),
    [
        (("EncryptionInfo", "EncryptedPackage"), EncryptedFileError, "remove the password"),
        (("\x06DataSpaces", "EncryptedPackage", "EncryptionInfo"), EncryptedFileError, "File > Info > Protect"),
        (("WordDocument", "1Table", "\x05SummaryInformation"), LegacyOfficeError, "save it as .docx"),
        (("Workbook", "\x05SummaryInformation"), LegacyOfficeError, "save it as .xlsx"),
        (("Book",), LegacyOfficeError, "Excel 97-2003 workbook (.xls)"),
        (("PowerPoint Document",), UnsupportedFormatError, "not a Word, Excel or PDF log"),
        (("Contents",), LegacyOfficeError, "old Office 97-2003 file"),
    ],
)
def test_ole_compound_files(tmp_path: Path, streams: tuple[str, ...], error: type[InputError], phrase: str) -> None:
    refused(write(tmp_path, "log.docx", ole(*streams)), error, phrase)


def test_ole_with_4096_byte_sectors(tmp_path: Path) -> None:
    data = ole("EncryptionInfo", "EncryptedPackage", sector_shift=12)
    refused(write(tmp_path, "log.xlsx", data), EncryptedFileError, "protected with a password")


def test_text_mentioning_a_stream_name_does_not_count(tmp_path: Path) -> None:
    # A .doc whose text says "EncryptionInfo" (UTF-16, not on a directory-entry boundary) is still a .doc.
    text = b"\x00" * 7 + "EncryptionInfo\0".encode("utf-16-le")
    refused(write(tmp_path, "log.doc", ole("WordDocument", extra=text)), LegacyOfficeError, ".doc")


# ---------------------------------------------------------------------------------------------- PDFs


def test_pdf_with_a_user_password(tmp_path: Path) -> None:
    data = pdf_bytes(["Evidence"], user_password=b"secret")
    refused(write(tmp_path, "log.pdf", data), EncryptedFileError, "needs a password to open")


def test_truncated_pdf(tmp_path: Path) -> None:
    data = pdf_bytes(["Evidence"] * 3)
    refused(write(tmp_path, "log.pdf", data[: len(data) // 2]), DamagedFileError, "incomplete PDF")


def test_pdf_that_pdfminer_cannot_parse(tmp_path: Path) -> None:
    data = b"%PDF-1.7\n" + bytes(random.Random(7).randbytes(3000)) + b"\n%%EOF\n"
    refused(write(tmp_path, "log.pdf", data), DamagedFileError, "damaged PDF")


def test_scanned_pdf_is_a_scan_for_the_paper_reader(tmp_path: Path) -> None:
    # pages that are only pictures: a paper log, read by its QR page codes (issue 18), not refused at the door
    assert sniff(write(tmp_path, "scan.pdf", pdf_bytes([None, None], image=True))).format is LogFileFormat.SCAN


def test_pdf_with_no_text_and_no_images(tmp_path: Path) -> None:
    with pytest.raises(NoTextLayerError) as caught:
        sniff(write(tmp_path, "blank.pdf", pdf_bytes([None])))
    assert not isinstance(caught.value, ScannedPdfError)
    assert_one_sentence(caught.value, "blank.pdf")


def test_pdf_with_too_many_pages(tmp_path: Path) -> None:
    path = write(tmp_path, "bundle.pdf", pdf_bytes(["page"] * 3))
    message = refused(path, TooManyPagesError, "more than 2 pages", ReadSettings(max_pdf_pages=2))
    assert "read.max_pdf_pages" in message
    assert sniff(path, ReadSettings(max_pdf_pages=3)).format is LogFileFormat.PDF


def test_pdf_decompression_bomb_is_stopped_quickly(tmp_path: Path) -> None:
    data = pdf_bytes(["x"], content=deflate_of_spaces(100))
    assert len(data) < 200_000
    path = write(tmp_path, "bomb.pdf", data)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        refused(path, UnsafeFileError, "decompression bomb")
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 8 * MIB


# ---------------------------------------------------------------------------------------------- zips


@pytest.fixture(scope="module")
def bomb_docx() -> bytes:
    """FIELD-NOTES' case: a docx whose document.xml inflates to 200 MB (here ~200 KB on disk)."""
    data = stream_bomb("word/document.xml", 200, prefix=b'<?xml version="1.0"?><w:document>')
    assert len(data) < 400_000
    return data


def measure(call: Callable[[], object]) -> tuple[BaseException | None, float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        call()
    except InputError as exc:
        outcome: BaseException | None = exc
    else:
        outcome = None
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, elapsed, peak


def test_zip_bomb_is_refused_quickly_with_little_memory(tmp_path: Path, bomb_docx: bytes) -> None:
    path = write(tmp_path, "bomb.docx", bomb_docx)
    outcome, elapsed, peak = measure(lambda: sniff(path))
    assert isinstance(outcome, UnsafeFileError)
    assert "zip bomb" in outcome.message
    assert_one_sentence(outcome, "bomb.docx")
    assert elapsed < 0.05
    assert peak < 4 * MIB


@pytest.mark.parametrize("declared_mb", [0, 1, 20])
def test_zip_bomb_whose_header_lies_about_its_size(tmp_path: Path, bomb_docx: bytes, declared_mb: int) -> None:
    # The declared sizes pass every declared-size check; only the bytes really inflated tell the truth.
    data = patch_member(bomb_docx, "word/document.xml", file_size=declared_mb * MIB + 10)
    path = write(tmp_path, "forged.docx", data)
    outcome, elapsed, peak = measure(lambda: sniff(path))
    assert isinstance(outcome, InputError)
    assert_one_sentence(outcome, "forged.docx")
    assert elapsed < 0.5
    assert peak < 8 * MIB


def test_total_inflated_size_is_limited(tmp_path: Path) -> None:
    # Ten honest 2 MB parts of modest ratio: each is fine, together they exceed a 10 MB budget.
    noise = random.Random(1)
    members = {"word/document.xml": b"<w:document/>"}
    members |= {f"word/media/image{i}.bin": noise.randbytes(2 * MIB) for i in range(10)}
    path = write(tmp_path, "big.docx", make_zip(members, method=zipfile.ZIP_STORED))
    refused(path, UnsafeFileError, "would unpack to", ReadSettings(max_uncompressed_mb=10))


def test_truncated_docx(tmp_path: Path) -> None:
    refused(write(tmp_path, "half.docx", DOCX[: len(DOCX) // 2]), DamagedFileError, "cannot be unzipped")


def test_corrupt_member_data(tmp_path: Path) -> None:
    data = bytearray(DOCX)
    _central, local, _name = next(e for e in central_entries(DOCX) if e[2] == "word/document.xml")
    data[local + 200 : local + 260] = bytes(60)
    refused(write(tmp_path, "crc.docx", bytes(data)), DamagedFileError, "damaged")


def test_damaged_content_types_part(tmp_path: Path) -> None:
    data = rezip(DOCX, {"[Content_Types].xml": b"<Types><Default Extension="})
    refused(write(tmp_path, "log.docx", data), DamagedFileError, "[Content_Types].xml is not well-formed XML")


def test_one_huge_xml_part_is_refused_before_a_parser_sees_it(tmp_path: Path) -> None:
    # FIELD-NOTES: one large token (a 16 MB comment) makes expat 2.5 quadratic; the part cap stops it first.
    comment = b"<!--" + hex_text(2 * MIB, 7) + b"-->"
    data = rezip(DOCX, {"word/document.xml": DOCX_DOCUMENT.replace(b"<w:body>", comment + b"<w:body>")})
    refused(write(tmp_path, "log.docx", data), UnsafeFileError, "read.max_xml_part_mb", ReadSettings(max_xml_part_mb=1))


@pytest.mark.parametrize(
    "document",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.replace(b"<!DOCTYPE", b"<!doctype"),
        BILLION_LAUGHS.decode().encode("utf-16"),
        b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://attacker.example/x.dtd"><w:document/>',
    ],
    ids=["billion-laughs", "lowercase", "utf-16", "external-dtd"],
)
def test_doctype_in_document_xml_is_refused(tmp_path: Path, document: bytes) -> None:
    data = rezip(DOCX, {"word/document.xml": document})
    refused(write(tmp_path, "entities.docx", data), UnsafeFileError, "DOCTYPE in word/document.xml")


@pytest.mark.parametrize(
    ("members", "phrase"),
    [
        (
            {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
            "OpenDocument text file (.odt)",
        ),
        (
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
            "save it as .xlsx",
        ),
        ({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}, "PowerPoint presentation"),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01"}, "Excel binary workbook (.xlsb)"),
        ({"notes.txt": b"my log is attached", "log.docx": DOCX}, "unzip it and send the log file inside"),
        ({"word/document.xml": b"<d/>", "xl/workbook.xml": b"<w/>"}, "both a Word document and an Excel workbook"),
    ],
    ids=["odt", "ods", "pptx", "xlsb", "plain-zip", "both"],
)
def test_zips_that_are_not_logs(tmp_path: Path, members: dict[str, bytes], phrase: str) -> None:
    with pytest.raises(InputError) as caught:
        sniff(write(tmp_path, "log.docx", make_zip(members)))
    assert phrase in caught.value.message
    assert_one_sentence(caught.value, "log.docx")


@pytest.mark.parametrize("name", ["../../etc/cron.d/evil.xml", "/word/document.xml", "C:/Windows/x.xml", "a\\..\\b"])
def test_unsafe_member_names(tmp_path: Path, name: str) -> None:
    data = rezip(DOCX, add={name: b"<x/>"})
    refused(write(tmp_path, "log.docx", data), UnsafeFileError, "unsafe name")


def test_zip_password_on_a_member(tmp_path: Path) -> None:
    data = patch_member(DOCX, "word/document.xml", flags=0x1)
    refused(write(tmp_path, "log.docx", data), EncryptedFileError, "zip password")


def test_too_many_entries(tmp_path: Path) -> None:
    path = write(tmp_path, "log.docx", DOCX)  # python-docx writes 17 entries
    refused(path, UnsafeFileError, "limit 10", ReadSettings(max_zip_entries=10))


def test_entry_count_that_lies_in_the_end_record(tmp_path: Path) -> None:
    data = bytearray(DOCX)
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 2, 2)  # claims 2 entries; zipfile still reads all 17
    refused(write(tmp_path, "log.docx", bytes(data)), UnsafeFileError, "zip entries", ReadSettings(max_zip_entries=10))


def test_oversized_central_directory_is_refused_before_parsing(tmp_path: Path) -> None:
    data = bytearray(DOCX)
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<L", data, end + 12, 50 * MIB)
    refused(write(tmp_path, "log.docx", bytes(data)), UnsafeFileError, "zip entries")


def test_unusual_compression_method(tmp_path: Path) -> None:
    data = make_zip({"word/document.xml": b"<w:document/>" * 100}, method=zipfile.ZIP_BZIP2)
    refused(write(tmp_path, "log.docx", data), UnsafeFileError, "compression method")


def test_duplicate_part_names(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", b"<a/>")
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("word/document.xml", b"<b/>")
    refused(write(tmp_path, "log.docx", out.getvalue()), UnsafeFileError, "same name")


# ---------------------------------------------------------------------------------------------- anything else


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        ("log.rtf", b"{\\rtf1\\ansi Evidence}", "save it as .docx"),
        ("log.doc", b"<html><body>Evidence</body></html>", "web page"),
        ("log.csv", b"Date,Activity,Hours\r\n01/03/2026,E-learning,1.5\r\n", "text or CSV"),
        ("noise.docx", random.Random(3).randbytes(4096), "not a Word, Excel or PDF log"),
        ("log.xml", b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>', "Word 2003"),
    ],
)
def test_other_files_are_not_logs(tmp_path: Path, name: str, data: bytes, phrase: str) -> None:
    refused(write(tmp_path, name, data), UnsupportedFormatError, phrase)


@pytest.mark.parametrize("name", ["photo.jpg", "scan.png", "scan.tiff", "photo.heic"])
def test_images_are_scans_whatever_their_pixels(tmp_path: Path, name: str) -> None:
    # sniffing reads no pixels: read/images decodes them within read.max_image_megapixels, or refuses the file
    data = {"jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF", "png": b"\x89PNG\r\n\x1a\n", "tiff": b"II*\x00",
            "heic": b"\x00\x00\x00\x18ftypheic"}[name.rsplit(".", 1)[1]]
    assert sniff(write(tmp_path, name, data + bytes(200))).format is LogFileFormat.SCAN


def test_hostile_file_names_are_printed_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "log\nINFO all fine.docx", b"")
    with pytest.raises(EmptyFileError) as caught:
        sniff(path)
    assert caught.value.message.startswith("log?INFO all fine.docx is empty")


# ---------------------------------------------------------------------------------------------- SafeZip itself


def test_safezip_reads_parts_and_xml() -> None:
    with SafeZip(io.BytesIO(DOCX), name="log.docx") as package:
        assert package.has("word/document.xml") and not package.has("word/missing.xml")
        assert "[Content_Types].xml" in package.names()
        assert package.read("word/document.xml").startswith(b"<?xml")
        assert package.read_xml("word/document.xml").tag.endswith("}document")


def test_safezip_opens_a_path_and_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, "NS001.docx", rezip(DOCX, {"word/document.xml": b"<w:document>"}))
    with SafeZip(path) as package, pytest.raises(DamagedFileError) as caught:
        package.read_xml("word/document.xml")
    assert caught.value.message.startswith("NS001.docx is damaged (word/document.xml is not well-formed XML)")
    assert_one_sentence(caught.value, "NS001.docx")


def test_safezip_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.docx cannot be opened"):
        SafeZip(tmp_path / "gone.docx")


def test_safezip_missing_part_is_damage() -> None:
    with SafeZip(io.BytesIO(XLSX), name="log.xlsx") as package, pytest.raises(DamagedFileError, match=r"no xl/x\.xml"):
        package.read("xl/x.xml")


def test_safezip_refuses_a_part_over_the_part_limit() -> None:
    data = make_zip({"small.xml": b"<x/>", "big.xml": hex_text(1400 * 1024, 1)})
    with SafeZip(io.BytesIO(data), ReadSettings(max_xml_part_mb=1), name="log.xlsx") as package:
        assert package.read("small.xml") == b"<x/>"
        with pytest.raises(UnsafeFileError, match=r"read\.max_xml_part_mb") as caught:
            package.read("big.xml")
    assert_one_sentence(caught.value, "log.xlsx")


def test_safezip_refuses_a_declared_total_over_the_limit() -> None:
    data = make_zip({"a.xml": hex_text(600 * 1024, 2), "b.xml": hex_text(600 * 1024, 3)})
    with pytest.raises(UnsafeFileError, match=r"would unpack to 1\.2 MB, more than the 1 MB") as caught:
        SafeZip(io.BytesIO(data), ReadSettings(max_uncompressed_mb=1), name="log.xlsx")
    assert_one_sentence(caught.value, "log.xlsx")


def test_safezip_running_total_counts_every_read() -> None:
    data = make_zip({"a.xml": hex_text(800 * 1024, 4), "b.xml": hex_text(800 * 1024, 5)})
    with SafeZip(io.BytesIO(data), ReadSettings(max_uncompressed_mb=2), name="log.xlsx") as package:
        package.read("a.xml")
        package.read("b.xml")
        with pytest.raises(UnsafeFileError, match="would unpack to more than the 2 MB"):
            package.read("a.xml")  # read again: a reader that loops over a part is charged each time


def test_safezip_size_forged_smaller_than_the_data_is_damage() -> None:
    # zipfile inflates no more than the declared size; the CRC of that prefix then fails.
    data = patch_member(make_zip({"a.xml": hex_text(800 * 1024, 6)}), "a.xml", file_size=10)
    with SafeZip(io.BytesIO(data), name="log.xlsx") as package, pytest.raises(DamagedFileError, match="checksum"):
        package.read("a.xml")


def test_safezip_does_not_close_a_file_it_was_given() -> None:
    buf = io.BytesIO(XLSX)
    with SafeZip(buf, name="log.xlsx"):
        pass
    assert not buf.closed


def test_has_doctype_sees_split_and_wide_declarations() -> None:
    assert has_doctype(b"<?xml version='1.0'?>\n<!DocType x><x/>")
    assert has_doctype("<!DOCTYPE x><x/>".encode("utf-16-be"))
    assert not has_doctype(b"<x>Well done!</x><!-- a comment -->")


# ---------------------------------------------------------------------------------------------- properties

_MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=32)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
)


def mutate(data: bytes, mutations: list[tuple[str, int, object]], near_end: bool) -> bytes:
    out = bytearray(data)
    for kind, index, value in mutations:
        if not out:
            break
        # Half the examples aim at the last 2 KB, where the central directory and end record live.
        at = len(out) - 1 - index % min(len(out), 2048) if near_end else index % len(out)
        if kind == "flip":
            out[at] ^= value  # type: ignore[operator]
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = value  # type: ignore[assignment]
        else:
            del out[at : at + value]  # type: ignore[operator]
    return bytes(out)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated")


def sniff_or_refuse(path: Path) -> None:
    try:
        result = sniff(path)
    except InputError as exc:
        event(type(exc).__name__)  # --hypothesis-show-statistics shows which refusals the mutations reach
        assert_one_sentence(exc, path.name)
    else:
        event("accepted")
        assert isinstance(result, Sniffed)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    source=st.sampled_from(["docx", "xlsx"]),
    mutations=st.lists(_MUTATION, min_size=1, max_size=4),
    near_end=st.booleans(),
)
def test_mutated_office_files_are_read_or_refused(
    scratch: Path, source: str, mutations: list[tuple[str, int, object]], near_end: bool
) -> None:
    data = mutate(DOCX if source == "docx" else XLSX, mutations, near_end)
    sniff_or_refuse(write(scratch, f"mutated.{source}", data))


_PDF = pdf_bytes(["Evidence", None], image=True)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=4), near_end=st.booleans())
def test_mutated_pdfs_are_read_or_refused(
    scratch: Path, mutations: list[tuple[str, int, object]], near_end: bool
) -> None:
    sniff_or_refuse(write(scratch, "mutated.pdf", mutate(_PDF, mutations, near_end)))


# ---------------------------------------------------------------------------------------------- LibreOffice


def convert(soffice: str, source: Path, target: str, out: Path) -> Path:
    profile = out / "lo-profile"  # a private profile: a desktop LibreOffice left open must not block the test
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    return out / f"{source.stem}.{target.split(':')[0]}"


@pytest.mark.libreoffice
@pytest.mark.slow
def test_files_saved_by_libreoffice(tmp_path: Path, soffice: str) -> None:
    source_docx = write(tmp_path, "log.docx", DOCX)
    source_xlsx = write(tmp_path, "sheet.xlsx", XLSX)
    out = tmp_path / "out"
    assert sniff(convert(soffice, source_docx, "pdf", out)).format is LogFileFormat.PDF
    refused(convert(soffice, source_docx, "doc", out), LegacyOfficeError, "save it as .docx")
    refused(convert(soffice, source_xlsx, "xls", out), LegacyOfficeError, "save it as .xlsx")
    refused(convert(soffice, source_docx, "odt", out), UnsupportedFormatError, "OpenDocument text file")
    locked = convert(
        soffice,
        source_docx,
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"secret"}}',
        out / "locked",
    )
    refused(locked, EncryptedFileError, "needs a password to open")
