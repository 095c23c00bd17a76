"""Document properties that carry a log's identity: core properties and ``docProps/custom.xml``.

Both Word and Excel keep custom properties on re-save; core properties (keywords, identifier) also survive
PDF export. sglogs owns these parts: a template's own core/custom properties are replaced on generation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

from ..models import LogIdentity

CUSTOM_PART = "docProps/custom.xml"
CORE_PART = "docProps/core.xml"
CUSTOM_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CORE_CONTENT_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
CORE_REL_TYPE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
# The format id Office uses for user-defined properties.
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def identity_keywords(identity: LogIdentity) -> str:
    """The identity as a keywords string, the one property that also survives export to PDF.

    Example:
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> identity_keywords(ident)
        'sglogs; log_id=L1; staff_id=S1; framework=london; level=2; period=2026-01-01/2026-12-31'
    """
    return (
        f"sglogs; log_id={identity.log_id}; staff_id={identity.staff_id}; framework={identity.framework}; "
        f"level={identity.level}; period={identity.period_start.isoformat()}/{identity.period_end.isoformat()}"
    )


def custom_xml(identity: LogIdentity) -> bytes:
    """``docProps/custom.xml`` holding the ``sglogs_*`` properties.

    Example:
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> b"sglogs_log_id" in custom_xml(ident)
        True
    """
    props = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{pid}" name="{name}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(identity.as_properties().items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{props}</Properties>"
    ).encode()


def core_xml(identity: LogIdentity, title: str, subject: str, creator: str, now: dt.datetime) -> bytes:
    """``docProps/core.xml`` with a title, the identity in keywords and identifier, and fixed timestamps.

    Example:
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> b"<dc:identifier>L1</dc:identifier>" in core_xml(ident, "T", "S", "Org", dt.datetime(2026, 1, 1))
        True
    """
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator><cp:keywords>{escape(identity_keywords(identity))}</cp:keywords>"
        f"<dc:identifier>{escape(identity.log_id)}</dc:identifier>"
        f"<cp:lastModifiedBy>sglogs</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
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


def identity_parts(context: dict[str, Any], identity: LogIdentity, now: dt.datetime) -> dict[str, bytes]:
    """The core and custom property parts of one person's log, from its template values and identity.

    Example:
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> ctx = {"staff": {"name": "A B"}, "framework": {"title": "F"}, "level": {"name": "Level 2"}}
        >>> sorted(identity_parts(ctx, ident, dt.datetime(2026, 1, 1)))
        ['docProps/core.xml', 'docProps/custom.xml']
    """
    title = f"Safeguarding Children Competency Log - {context['staff']['name']}"
    subject = f"{context['framework']['title']}, {context['level']['name']}"
    creator = context.get("organisation") or "sglogs"
    return {
        CORE_PART: core_xml(identity, title, subject, creator, now),
        CUSTOM_PART: custom_xml(identity),
    }
