"""Lay the dashboard out as one self-contained HTML file: no external resources, everything escaped.

Jinja2 with autoescaping: every name, setting, role or note comes from people and is text on the page, never
markup. The Content-Security-Policy in the page forbids loading anything from elsewhere.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files

from jinja2 import Environment, Template, select_autoescape

from .. import __version__
from ..core.formatting import long_datetime
from .view import DashboardView

#: Names listed under each "who needs attention" heading before "and N more".
ATTENTION_LIMIT = 8


@cache
def _template() -> Template:
    source = files(__package__).joinpath("page.html").read_text(encoding="utf-8")
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                              trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(source)


def render_page(view: DashboardView, made: dt.datetime) -> str:
    """The dashboard as HTML text.

    Example:
        >>> from pathlib import Path
        >>> from sglogs.register import summary
        >>> from sglogs.dashboard.view import dashboard_view
        >>> view = dashboard_view([], summary([]), [], {}, "Acorns <Nursery>", dt.date(2027, 1, 15), Path("."))
        >>> "Acorns &lt;Nursery&gt;" in render_page(view, dt.datetime(2027, 1, 15, 9, 0))
        True
    """
    return _template().render(view=view, version=__version__, made=long_datetime(made),
                              attention_limit=ATTENTION_LIMIT)
