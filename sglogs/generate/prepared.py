"""What Word and Excel log templates share once prepared: render the parts with placeholders, add the identity
properties, write the package atomically."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..core.identity import identity_keywords, identity_properties
from ..core.ooxml import CORE_PART, CUSTOM_PART, CompressedPart, core_xml, custom_xml, write_package
from ..errors import TemplateError
from ..models import LogIdentity


@dataclass(frozen=True)
class PreparedTemplate:
    """A template read and compiled once; ``write`` renders one person's file from it.

    Subclasses prepare it from a file and may post-process each rendered part (``finish_part``).

    Example:
        >>> tpl = DocxLogTemplate.prepare(Path("templates/log.docx"))  # doctest: +SKIP
        >>> tpl.write(Path("out.docx"), context, identity)  # doctest: +SKIP
    """

    path: Path
    order: tuple[str, ...]
    static: dict[str, CompressedPart]
    templates: dict[str, jinja2.Template]

    def finish_part(self, xml: str) -> str:
        """Post-process one rendered part (nothing by default)."""
        return xml

    def page_code_parts(
        self, context: dict[str, Any], identity: LogIdentity, rendered: dict[str, bytes]
    ) -> dict[str, bytes]:
        """The pictures of this log's page codes, given its ``rendered`` parts; none by default.

        A part named here that is not in the template's ``order`` is added at the end of the package.

        Example:
            >>> sorted(tpl.page_code_parts(context, identity))  # doctest: +SKIP
            ['word/media/image1.png']
        """
        return {}

    def render_parts(self, context: dict[str, Any]) -> dict[str, bytes]:
        """Render the parts that hold placeholders for one person.

        Example:
            >>> sorted(tpl.render_parts(context))  # doctest: +SKIP
            ['word/document.xml', 'word/footer1.xml']
        """
        rendered: dict[str, bytes] = {}
        for name, template in self.templates.items():
            try:
                xml = template.render(context)
            except jinja2.UndefinedError as exc:
                raise TemplateError(
                    f"{self.path}: {exc.message} in {name}; use only the names in docs/templates.md."
                ) from exc
            rendered[name] = self.finish_part(xml).encode("utf-8")
        return rendered

    def write(
        self,
        out: Path,
        context: dict[str, Any],
        identity: LogIdentity,
        mode: int = 0o600,
        now: dt.datetime | None = None,
    ) -> None:
        """Render one file and write it atomically to ``out``, with the identity in its properties.

        Example:
            >>> tpl.write(Path("outbox/logs/S001.docx"), context, identity)  # doctest: +SKIP
        """
        rendered = self.render_parts(context)
        rendered |= self.page_code_parts(context, identity, rendered)
        rendered |= identity_parts(context, identity, now or dt.datetime.now(dt.UTC))
        write_package(out, self.package_order(rendered), self.static, rendered, mode=mode)

    def package_order(self, rendered: dict[str, bytes]) -> list[str]:
        """The parts of one log in zip order: the template's, then those only this log has (its page codes).

        Example:
            >>> tpl.package_order(rendered)[-1]  # doctest: +SKIP
            'xl/media/sglogs-page-9.png'
        """
        known = set(self.order)
        return [*self.order, *(name for name in rendered if name not in known)]


def identity_parts(context: dict[str, Any], identity: LogIdentity, now: dt.datetime) -> dict[str, bytes]:
    """The core and custom property parts of one person's log, from its template values and identity.

    Example:
        >>> ident = LogIdentity(log_id="L1", staff_id="S1", framework="london", level="2",
        ...     period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
        >>> ctx = {"staff": {"name": "A B"}, "framework": {"title": "F"}, "level": {"name": "Level 2"}}
        >>> sorted(identity_parts(ctx, ident, dt.datetime(2026, 1, 1)))
        ['docProps/core.xml', 'docProps/custom.xml']
    """
    core = core_xml(
        title=f"Safeguarding Children Competency Log - {context['staff']['name']}",
        subject=f"{context['framework']['title']}, {context['level']['name']}",
        creator=context.get("organisation") or "sglogs", keywords=identity_keywords(identity), modified=now,
        identifier=identity.log_id,
    )
    return {CORE_PART: core, CUSTOM_PART: custom_xml(identity_properties(identity))}
