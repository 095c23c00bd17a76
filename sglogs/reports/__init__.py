"""Review outputs: the feedback report, sign-off sheet and development action plan a manager uses at review.

``from sglogs.reports import review_context, ReviewTemplates`` loads the document code (docxtpl, openpyxl) on first
use (PEP 562), so importing the package alone stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReviewTemplates", "load_suggestions", "review_context"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import documents

        return getattr(documents, name)
    raise AttributeError(name)
