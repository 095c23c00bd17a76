"""Word logs from ``templates/log.docx`` (a docxtpl template), prepared once per run and rendered per person.

docxtpl re-reads and re-compiles its template on every render (its issue #110) and goes through python-docx to
save. Here the template is read once: the parts with Jinja tags are cleaned by docxtpl's own ``patch_xml`` and
compiled once; per person only those parts are rendered and the zip is written with the other parts copied
already compressed. The rendered text is the same as ``DocxTemplate(...).render(ctx, autoescape=True)``'s
(tests compare them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from ..core.ooxml import CORE_PART, CUSTOM_PART, CompressedPart, ensure_property_parts, read_parts
from ..errors import TemplateError
from ..models import LogIdentity
from .prepared import PreparedTemplate
from .qr import page_code_png

_JINJA_MARK = re.compile(r"\{[{%#]")
# Text with characters docxtpl's resolve_listing turns into tabs, breaks and new paragraphs.
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_DOCXTPL_ESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_FOOTER_NAME = re.compile(r"word/footer\d*\.xml")
_RENDERED_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
#: The picture a template marks as its page code (tools/build_log_docx.py names it so; Word keeps the name).
PAGE_CODE_NAME = "sglogs page code"
_W_NS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


@dataclass(frozen=True)
class DocxLogTemplate(PreparedTemplate):
    """A Word log template ready to render many logs: compiled once, rendered per person.

    Example:
        >>> tpl = DocxLogTemplate.prepare(Path("templates/log.docx"))  # doctest: +SKIP
        >>> tpl.write(Path("out.docx"), context, identity)  # doctest: +SKIP
    """

    needs_unescape: bool = False
    #: the media parts holding the template's page-code pictures, replaced by each log's own code
    page_codes: tuple[str, ...] = ()

    @classmethod
    def prepare(cls, path: Path) -> DocxLogTemplate:
        """Read and compile the template once; raise ``TemplateError`` if it cannot carry a log's identity."""
        parts = read_parts(path)
        if "word/document.xml" not in parts:
            raise TemplateError(f"The template {path} is not a Word document (no word/document.xml); save it as .docx "
                                "from Word, or remove it to use the shipped one.")
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        patcher = DocxTemplate(path)  # only its stateless patch_xml is used
        templates: dict[str, jinja2.Template] = {}
        sources: list[str] = []
        for name, content in parts.items():
            if not _RENDERED_PARTS.fullmatch(name) or not _JINJA_MARK.search(content.decode("utf-8", "replace")):
                continue
            root = etree.fromstring(content)
            declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            source = declaration + patcher.patch_xml(etree.tostring(root, encoding="unicode"))
            try:
                templates[name] = env.from_string(source)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(
                    f"{path}: a placeholder in {name} is malformed ({exc.message}); fix it in Word."
                ) from exc
            sources.append(source)
        if not any("log.footer" in src for n, src in zip(templates, sources, strict=True) if _FOOTER_NAME.fullmatch(n)):
            raise TemplateError(
                f"{path} has no footer with {{{{ log.footer }}}}; put it in the page footer so every page "
                "shows which log it belongs to."
            )
        ct, rels = ensure_property_parts(parts["[Content_Types].xml"], parts["_rels/.rels"])
        parts["[Content_Types].xml"], parts["_rels/.rels"] = ct, rels
        page_codes = _page_code_media(parts)
        dynamic = set(templates) | {CORE_PART, CUSTOM_PART}
        order = [n for n in parts if n not in dynamic]
        order[1:1] = [n for n in parts if n in templates]  # keep [Content_Types].xml first
        order += [CORE_PART, CUSTOM_PART]
        static = {n: CompressedPart.from_bytes(n, c) for n, c in parts.items() if n not in dynamic | set(page_codes)}
        joined = "".join(sources)
        return cls(
            path=path,
            order=tuple(order),
            static=static,
            templates=templates,
            needs_unescape=any(esc in joined for esc, _ in _DOCXTPL_ESCAPES),
            page_codes=page_codes,
        )

    def page_code_parts(
        self, context: dict[str, Any], identity: LogIdentity, rendered: dict[str, bytes]
    ) -> dict[str, bytes]:
        """This log's QR code in place of the template's page-code pictures.

        A Word footer is the same on every page of its section, so the code says page 0 (not fixed): the
        reader of a scan orders pages by the printed "Page n of m" or by scan order.

        Example:
            >>> sorted(tpl.page_code_parts(context, identity, rendered))  # doctest: +SKIP
            ['word/media/image1.png']
        """
        return {name: page_code_png(identity, 0) for name in self.page_codes}

    def finish_part(self, xml: str) -> str:
        """Undo docxtpl's escapes and turn line breaks in values into Word breaks, as docxtpl's render does."""
        if self.needs_unescape:
            for old, new in _DOCXTPL_ESCAPES:
                xml = xml.replace(old, new)
        if any(ch in xml for ch in _LISTING_CHARS) and _LISTING_TEXT.search(xml):
            # only a value with a line break or tab needs docxtpl's slow whole-part rewrite
            xml = DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
        return xml


def _page_code_media(parts: dict[str, bytes]) -> tuple[str, ...]:
    """The media parts of pictures named ``sglogs page code`` in the template's headers and footers."""
    found: list[str] = []
    for name, content in parts.items():
        if not re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            continue
        rels_name = f"word/_rels/{name.removeprefix('word/')}.rels"
        if rels_name not in parts:
            continue
        rels = etree.fromstring(parts[rels_name]).iterfind("rel:Relationship", _W_NS)
        targets = {r.get("Id"): r.get("Target") for r in rels}
        root = etree.fromstring(content)
        for doc_pr in root.iter(f"{{{_W_NS['wp']}}}docPr"):
            if doc_pr.get("name") != PAGE_CODE_NAME:
                continue
            blip = doc_pr.getparent().find(".//a:blip", _W_NS)
            target = targets.get(blip.get(_R_EMBED)) if blip is not None else None
            if target and f"word/{target}" in parts and f"word/{target}" not in found:
                found.append(f"word/{target}")
    return tuple(found)
