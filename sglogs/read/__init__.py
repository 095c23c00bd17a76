"""Reading completed logs back into structured evidence (``read_log``), whatever format they arrive in.

``sniff`` decides what a file is and whether it is safe before any parser runs; a reader per format turns it
into a ``RawLog``; ``layout.assemble`` gives it meaning. Every stage raises only ``InputError`` for bad files.

``read_log`` is imported on first use (PEP 562), so code that only needs ``sglogs.read.values`` (the roster)
does not load the PDF and XML readers.
"""

from __future__ import annotations

from typing import Any

__all__ = ["read_log", "read_logs"]


def __getattr__(name: str) -> Any:
    if name == "read_log":
        from .log import read_log

        return read_log
    if name == "read_logs":
        from .log import read_logs

        return read_logs
    raise AttributeError(name)
