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

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from ..core.ooxml import CORE_PART, CUSTOM_PART, CompressedPart, ensure_property_parts, read_parts
from ..errors import TemplateError
from .prepared import PreparedTemplate

_JINJA_MARK = re.compile(r"\{[{%#]")
# Text with characters docxtpl's resolve_listing turns into tabs, breaks and new paragraphs.
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_DOCXTPL_ESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_FOOTER_NAME = re.compile(r"word/footer\d*\.xml")
_RENDERED_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")


@dataclass(frozen=True)
class DocxLogTemplate(PreparedTemplate):
    """A Word log template ready to render many logs: compiled once, rendered per person.

    Example:
        >>> tpl = DocxLogTemplate.prepare(Path("templates/log.docx"))  # doctest: +SKIP
        >>> tpl.write(Path("out.docx"), context, identity)  # doctest: +SKIP
    """

    needs_unescape: bool = False

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
        dynamic = set(templates) | {CORE_PART, CUSTOM_PART}
        order = [n for n in parts if n not in dynamic]
        order[1:1] = [n for n in parts if n in templates]  # keep [Content_Types].xml first
        order += [CORE_PART, CUSTOM_PART]
        static = {n: CompressedPart.from_bytes(n, c) for n, c in parts.items() if n not in dynamic}
        joined = "".join(sources)
        return cls(
            path=path,
            order=tuple(order),
            static=static,
            templates=templates,
            needs_unescape=any(esc in joined for esc, _ in _DOCXTPL_ESCAPES),
        )

    def finish_part(self, xml: str) -> str:
        """Undo docxtpl's escapes and turn line breaks in values into Word breaks, as docxtpl's render does."""
        if self.needs_unescape:
            for old, new in _DOCXTPL_ESCAPES:
                xml = xml.replace(old, new)
        if any(ch in xml for ch in _LISTING_CHARS) and _LISTING_TEXT.search(xml):
            # only a value with a line break or tab needs docxtpl's slow whole-part rewrite
            xml = DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
        return xml
