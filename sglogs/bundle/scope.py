"""Who and which logs a bundle holds: ``BundleScope``, built from command-line values by ``bundle_scope``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import UsageError
from ..records import ReviewRecord

# ---------------------------------------------------------------------------------------------------- scope


class ScopeKind(StrEnum):
    """Who a bundle is for: one setting, named staff, or everyone with a review.

    Example:
        >>> ScopeKind("staff").value
        'staff'
    """

    SETTING = "setting"
    STAFF = "staff"
    ALL = "all"


def _setting_key(text: str | None) -> str:
    # "Sunflower Nursery", "sunflower  nursery" and "SunflowerNursery" are the same setting typed three ways
    return "".join((text or "").split()).casefold()


def log_span(record: ReviewRecord) -> tuple[dt.date, dt.date]:
    """The days a reviewed log covers, for the ``--from``/``--to`` window.

    The log's period, both ends included; an end the log does not state is taken as the review date (a log
    without a period sits on the day it was reviewed).

    Example:
        >>> log_span(record)  # doctest: +SKIP
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    """
    period = record.log.period
    start, end = period.start or record.reviewed_on, period.end or record.reviewed_on
    return (start, end) if start <= end else (end, start)


class BundleScope(BaseModel):
    """Who and which logs a bundle holds; exactly one of ``setting``, ``staff_ids`` and ``everyone`` is given.

    * ``setting``: logs whose cover names this setting (``log.staff.organisation``), compared ignoring letter case
      and spaces ("Sunflower Nursery" matches "SUNFLOWER  nursery" and "SunflowerNursery").
    * ``staff_ids``: logs of exactly these staff ids (case and characters as written in the log).
    * ``everyone``: every reviewed log, including logs that carry no staff id.

    ``date_from``/``date_to`` (each ``None`` = open) keep the logs whose period overlaps that window, both ends
    included; a log that states no period counts as covering its review date (see ``log_span``). A person has
    one folder per reviewed log in the window, so a window of two years can hold two logs for one person.

    Example:
        >>> scope = BundleScope(setting="Sunflower Nursery", date_from=dt.date(2026, 1, 1))
        >>> scope.kind, scope.describe()
        (<ScopeKind.SETTING: 'setting'>, "setting 'Sunflower Nursery', logs covering any day from 01/01/2026")
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    setting: str | None = None
    staff_ids: tuple[str, ...] = ()
    everyone: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @field_validator("setting")
    @classmethod
    def _setting_named(cls, value: str | None) -> str | None:
        if value is not None and not _setting_key(value):
            raise ValueError("--setting is empty; give the setting's name as written on the logs")
        return " ".join(value.split()) if value is not None else None

    @field_validator("staff_ids")
    @classmethod
    def _ids_named(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        ids = tuple(dict.fromkeys(v.strip() for v in value))
        if any(not v for v in ids):
            raise ValueError("--staff has an empty staff id; give ids such as NS001")
        return ids

    @model_validator(mode="after")
    def _one_kind(self) -> BundleScope:
        chosen = sum((self.setting is not None, bool(self.staff_ids), self.everyone))
        if chosen != 1:
            raise ValueError("choose exactly one of --setting, --staff and --all")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"--from {self.date_from} is after --to {self.date_to}; swap them")
        return self

    @cached_property
    def _staff_set(self) -> frozenset[str]:
        return frozenset(self.staff_ids)  # --staff may list hundreds of ids, checked against every review

    @property
    def kind(self) -> ScopeKind:
        """Which of the three kinds of scope this is."""
        if self.setting is not None:
            return ScopeKind.SETTING
        return ScopeKind.STAFF if self.staff_ids else ScopeKind.ALL

    def includes(self, record: ReviewRecord) -> bool:
        """Whether a reviewed log belongs in the bundle (its person is in scope and it overlaps the window).

        Example:
            >>> BundleScope(everyone=True).includes(record)  # doctest: +SKIP
            True
        """
        if self.kind is ScopeKind.SETTING:
            if _setting_key(record.log.staff.organisation) != _setting_key(self.setting):
                return False
        elif self.kind is ScopeKind.STAFF and record.staff_id not in self._staff_set:
            return False
        start, end = log_span(record)
        return not ((self.date_from and end < self.date_from) or (self.date_to and start > self.date_to))

    def describe(self) -> str:
        """The scope in one line, for the index and messages.

        Example:
            >>> BundleScope(staff_ids=("NS001", "NS002")).describe()
            'staff NS001, NS002'
        """
        who = {ScopeKind.SETTING: f"setting '{self.setting}'", ScopeKind.STAFF: f"staff {', '.join(self.staff_ids)}",
               ScopeKind.ALL: "everyone with a reviewed log"}[self.kind]
        start, end = (f"{d:%d/%m/%Y}" if d else "" for d in (self.date_from, self.date_to))  # UK, as typed
        if start and end:
            return f"{who}, logs covering any day from {start} to {end}"
        if start:
            return f"{who}, logs covering any day from {start}"
        if end:
            return f"{who}, logs covering any day up to {end}"
        return who

    def manifest_entry(self) -> dict[str, Any]:
        """The scope as it is written in ``manifest.json``."""
        return {"kind": self.kind.value, **self.model_dump(mode="json"), "description": self.describe(),
                "dates_rule": "logs whose period overlaps from..to, both included; a missing period end is the "
                              "review date"}


def bundle_scope(
    *,
    setting: str | None = None,
    staff_ids: Iterable[str] = (),
    everyone: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> BundleScope:
    """Build a ``BundleScope`` from command-line values; a bad combination is a ``UsageError`` naming the flag.

    Example:
        >>> bundle_scope(staff_ids=["NS001"]).kind
        <ScopeKind.STAFF: 'staff'>
        >>> bundle_scope(setting="A", everyone=True)
        Traceback (most recent call last):
        ...
        sglogs.errors.UsageError: Choose exactly one of --setting, --staff and --all.
    """
    try:
        return BundleScope(setting=setting, staff_ids=tuple(staff_ids), everyone=everyone, date_from=date_from,
                           date_to=date_to)
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UsageError(message[0].upper() + message[1:] + ".") from None


class BundleOptions(BaseModel):
    """One bundle to build: who goes in it and where the zip is written.

    Example:
        >>> BundleOptions(scope=BundleScope(everyone=True), out=Path("audit.zip")).out.name
        'audit.zip'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    scope: BundleScope
    out: Path = Field(description="The zip to write; replaced when it exists.")
    sign: Path | None = Field(default=None, description="The organisation's Ed25519 private key (PEM); "
                              "the bundle then holds manifest.sig.")
    roster: Path | None = Field(default=None, description="A roster: logs without a staff id go to the person "
                                "their cover names (as the register matches them).")


