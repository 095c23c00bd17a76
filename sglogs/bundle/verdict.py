"""Each person's verdict as a bundle shows it: ready for sign-off or not, and why not, in plain English.

Kept in one function so a richer verdict model (issue 13) can replace what a review record offers today.
"""

from __future__ import annotations

from ..records import ReviewRecord


def verdict_of(record: ReviewRecord) -> tuple[bool, tuple[str, ...]]:
    """Whether the reviewed log is ready for sign-off, and the plain-English reasons it is not.

    The reasons are the messages ``findings.toml`` gives the findings that block sign-off (errors), in the
    order the checks found them, each once; a ready log has none.

    Example:
        >>> verdict_of(record)  # doctest: +SKIP
        (False, ('Evidence row 3 has no date; add the date of the learning so it can be revisited ...',))
    """
    reasons = tuple(dict.fromkeys(f.message for f in record.findings if f.severity.blocks_signoff))
    return record.ready, () if record.ready else reasons
