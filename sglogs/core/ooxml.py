"""Office Open XML parts and packages, for every writer of Word and Excel files (logs and review documents).

The property parts (``docProps/core.xml``, ``docProps/custom.xml``) are written here and nowhere else: what goes
into them (a log's identity, a review's title) is the caller's.

Packages are written fast: unchanged parts are compressed once per run, only rendered parts per file.

A log template is a zip of XML parts. Per person only a few parts change (the document body, footers,
properties), so ``PreparedPackage`` compresses the rest once and ``write_package`` copies those bytes as they
are, deflating only the rendered parts. Python's ``zipfile`` cannot copy pre-compressed data, hence this small
writer of the plain (non-Zip64) format Office uses.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import TemplateError
from ..files import atomic_write_bytes

#: Deflate level for parts: level 1 compresses a rendered log three times faster than zlib's default 6, for a
#: file about a fifth larger (21 KB instead of 18 KB for a stage-7 Word log).
DEFLATE_LEVEL = 1
#: A template part larger than this is refused (a template is a few hundred KB; this guards against bombs).
MAX_PART_BYTES = 20 * 1024 * 1024
CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"
CUSTOM_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CORE_CONTENT_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
CORE_REL_TYPE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
# The format id Office uses for user-defined properties.
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
# 1980-01-01 00:00, the DOS epoch: fixed so that the same inputs give byte-identical files.
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1


@dataclass(frozen=True, slots=True)
class CompressedPart:
    """A package part already deflated, ready to be copied into many files.

    Example:
        >>> part = CompressedPart.from_bytes("a.xml", b"<a/>")
        >>> part.size
        4
    """

    name: str
    crc: int
    size: int
    data: bytes

    @classmethod
    def from_bytes(cls, name: str, content: bytes, level: int = DEFLATE_LEVEL) -> CompressedPart:
        """Deflate ``content`` once (raw deflate, as zip stores it)."""
        deflater = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = deflater.compress(content) + deflater.flush()
        return cls(name=name, crc=zlib.crc32(content), size=len(content), data=data)


def read_parts(path: Path) -> dict[str, bytes]:
    """Read every part of a template package, in zip order, refusing oversized or damaged files.

    Example:
        >>> sorted(read_parts(Path("templates/log.docx")))[0]  # doctest: +SKIP
        '[Content_Types].xml'
    """
    try:
        with zipfile.ZipFile(path) as zf:
            parts: dict[str, bytes] = {}
            for info in zf.infolist():
                if info.is_dir():
                    continue
                if info.file_size > MAX_PART_BYTES:
                    raise TemplateError(f"{path}: part {info.filename} is larger than 20 MB; use a smaller template.")
                with zf.open(info) as fh:
                    content = fh.read(MAX_PART_BYTES + 1)
                if len(content) > MAX_PART_BYTES:
                    raise TemplateError(f"{path}: part {info.filename} is larger than 20 MB; use a smaller template.")
                parts[info.filename] = content
            return parts
    except FileNotFoundError:
        raise TemplateError(f"The template {path} is missing; put it back, or remove templates_dir from sglogs.toml "
                            "to use the shipped one.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(f"The template {path} is not a valid Word or Excel file ({exc}); save it again from Word "
                            "or Excel, or remove it to use the shipped one.") from exc


def write_package(
    path: Path,
    order: Iterable[str],
    static: Mapping[str, CompressedPart],
    rendered: Mapping[str, bytes],
    mode: int = 0o600,
) -> None:
    """Write a package atomically: a temp file in the same folder, then a rename over ``path``.

    ``order`` lists part names as they go into the zip ([Content_Types].xml first, as Office writes it);
    each name is taken from ``rendered`` (deflated now) or ``static`` (copied as compressed).

    Example:
        >>> write_package(Path("out.docx"), ["a.xml"], {}, {"a.xml": b"<a/>"})  # doctest: +SKIP
    """
    entries: list[tuple[bytes, int, int, int, int]] = []
    chunks: list[bytes] = []
    offset = 0
    for name in order:
        part = static.get(name)
        if part is None:
            part = CompressedPart.from_bytes(name, rendered[name])
        raw_name = name.encode("utf-8")
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50, 20, 0x0800, 8, _DOS_TIME, _DOS_DATE,
            part.crc, len(part.data), part.size, len(raw_name), 0,
        )
        chunks += (header, raw_name, part.data)
        entries.append((raw_name, part.crc, len(part.data), part.size, offset))
        offset += len(header) + len(raw_name) + len(part.data)
    central_start = offset
    for raw_name, crc, csize, usize, local_offset in entries:
        record = struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0x0800, 8, _DOS_TIME, _DOS_DATE,
            crc, csize, usize, len(raw_name), 0, 0, 0, 0, 0, local_offset,
        )
        chunks += (record, raw_name)
        offset += len(record) + len(raw_name)
    chunks.append(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), offset - central_start, central_start, 0)
    )
    atomic_write_bytes(path, b"".join(chunks), mode)


# ------------------------------------------------------------------------------------------- property parts


def core_xml(*, title: str, subject: str, creator: str, keywords: str, modified: dt.datetime,
             identifier: str | None = None) -> bytes:
    """``docProps/core.xml``: title, subject, creator, keywords, an optional identifier and fixed timestamps.

    The timestamps are ``modified`` (created and modified alike), so that the same inputs give the same file.

    Example:
        >>> part = core_xml(title="T", subject="S", creator="Org", keywords="k", modified=dt.datetime(2026, 1, 1),
        ...     identifier="L1")
        >>> b"<dc:identifier>L1</dc:identifier>" in part and b"2026-01-01T00:00:00Z" in part
        True
    """
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    ident = f"<dc:identifier>{escape(identifier)}</dc:identifier>" if identifier is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator><cp:keywords>{escape(keywords)}</cp:keywords>{ident}"
        "<cp:lastModifiedBy>sglogs</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def custom_xml(properties: Mapping[str, str]) -> bytes:
    """``docProps/custom.xml`` holding string properties, in the order given.

    Example:
        >>> b'name="sglogs_log_id"' in custom_xml({"sglogs_log_id": "L1"})
        True
    """
    props = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{pid}" name="{name}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{props}</Properties>"
    ).encode()


def ensure_property_parts(content_types: bytes, root_rels: bytes) -> tuple[bytes, bytes]:
    """Declare core and custom property parts in ``[Content_Types].xml`` and ``_rels/.rels`` if missing.

    Example:
        >>> ct = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>'
        >>> rels = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        >>> new_ct, new_rels = ensure_property_parts(ct, rels)
        >>> b"custom.xml" in new_ct and b"custom-properties" in new_rels
        True
    """
    text_ct = content_types.decode("utf-8")
    for part, ctype in ((CORE_PART, CORE_CONTENT_TYPE), (CUSTOM_PART, CUSTOM_CONTENT_TYPE)):
        if f'PartName="/{part}"' not in text_ct:
            text_ct = text_ct.replace("</Types>", f'<Override PartName="/{part}" ContentType="{ctype}"/></Types>')
    text_rels = root_rels.decode("utf-8")
    for part, rtype, rid in ((CORE_PART, CORE_REL_TYPE, "rIdSglogsCore"), (CUSTOM_PART, CUSTOM_REL_TYPE, "rIdSglogs")):
        if f'Type="{rtype}"' not in text_rels:
            text_rels = text_rels.replace(
                "</Relationships>", f'<Relationship Id="{rid}" Type="{rtype}" Target="{part}"/></Relationships>'
            )
    return text_ct.encode("utf-8"), text_rels.encode("utf-8")
