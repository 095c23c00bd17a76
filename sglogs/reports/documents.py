"""The documents a manager uses at review: feedback report, sign-off sheet and development action plan (annex 1).

``ReviewTemplates`` fills the templates in ``templates/`` (``feedback.docx``, ``signoff.docx``,
``action_plan.docx`` and the ``action_plan.xlsx`` workbook) with the values ``review_context`` builds
(``sglogs.reports.review_view``, whose docstring lists the names the templates may use). The Word templates are
docxtpl documents, prepared once per run and rendered per person without re-reading them
(``sglogs.generate.docx.DocxLogTemplate``), with autoescape on, and written by ``sglogs.reports.ooxml``; the
workbook by ``sglogs.reports.action_workbook``. Every file is written atomically, readable by its owner only by
default: review documents quote a person's evidence.

Example:
    >>> templates = ReviewTemplates.prepare()  # doctest: +SKIP
    >>> context = review_context(log, findings, required, actions, organisation="Sunflower Nursery")  # doctest: +SKIP
    >>> templates.write_feedback(Path("outbox/reviews/NS001/feedback.docx"), context)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import atomic_write_bytes
from ..generate.docx import DocxLogTemplate
from ..models import ActionItem
from ..shipped import template_file
from .action_workbook import ActionPlanWorkbook
from .ooxml import tidy_tables, write_docx
from .review_view import ACTION_BLANK_ROWS, MATRIX_MAX_COLUMNS, SUGGESTIONS_FILE, load_suggestions, review_context

__all__ = [
    "ACTION_BLANK_ROWS",
    "MATRIX_MAX_COLUMNS",
    "SUGGESTIONS_FILE",
    "ReviewTemplates",
    "load_suggestions",
    "review_context",
    "tidy_tables",
]

_TEMPLATE_FILES = {"feedback": "feedback.docx", "signoff": "signoff.docx", "action_plan": "action_plan.docx"}
_WORKBOOK_FILE = "action_plan.xlsx"


@dataclass(frozen=True)
class ReviewTemplates:
    """The review templates of a run, prepared once and written per person.

    Example:
        >>> templates = ReviewTemplates.prepare(Path("templates"))  # doctest: +SKIP
        >>> templates.write_signoff(Path("outbox/reviews/NS001/signoff.docx"), context)  # doctest: +SKIP
    """

    feedback: DocxLogTemplate
    signoff: DocxLogTemplate
    action_plan: DocxLogTemplate
    workbook: ActionPlanWorkbook

    @classmethod
    def prepare(cls, templates_dir: Path | None = None) -> ReviewTemplates:
        """Read and compile the four templates of ``templates_dir`` (default: the project's ``templates/``).

        Raises ``TemplateError`` when one is missing, damaged, has a malformed placeholder or no
        ``{{ log.footer }}`` in its page footer.

        Example:
            >>> ReviewTemplates.prepare().workbook.sheet  # doctest: +SKIP
            'Annex 1'
        """
        docs = {kind: DocxLogTemplate.prepare(template_file(name, templates_dir))
                for kind, name in _TEMPLATE_FILES.items()}
        return cls(workbook=ActionPlanWorkbook.prepare(template_file(_WORKBOOK_FILE, templates_dir)), **docs)

    def write_feedback(self, path: Path, context: Mapping[str, Any], mode: int = 0o600) -> None:
        """Write the feedback report (summary, coverage matrix, findings, suggested next steps) atomically.

        Example:
            >>> templates.write_feedback(Path("feedback.docx"), context)  # doctest: +SKIP
        """
        write_docx(self.feedback, "feedback", Path(path), context, mode)

    def write_signoff(self, path: Path, context: Mapping[str, Any], mode: int = 0o600) -> None:
        """Write the sign-off sheet (competencies with their assessment and evidence rows, signatures) atomically.

        Example:
            >>> templates.write_signoff(Path("signoff.docx"), context)  # doctest: +SKIP
        """
        write_docx(self.signoff, "signoff", Path(path), context, mode)

    def write_action_plan_docx(self, path: Path, context: Mapping[str, Any], mode: int = 0o600) -> None:
        """Write the development action plan (annex 1) as a landscape Word table, atomically.

        Example:
            >>> templates.write_action_plan_docx(Path("action_plan.docx"), context)  # doctest: +SKIP
        """
        write_docx(self.action_plan, "action_plan", Path(path), context, mode)

    def write_action_plan_xlsx(
        self, path: Path, actions: Sequence[ActionItem], context: Mapping[str, Any], mode: int = 0o600
    ) -> None:
        """Write the development action plan (annex 1) workbook, one row per action with real dates, atomically.

        Example:
            >>> templates.write_action_plan_xlsx(Path("action_plan.xlsx"), actions, context)  # doctest: +SKIP
        """
        atomic_write_bytes(Path(path), self.workbook.render(actions, context), mode)
