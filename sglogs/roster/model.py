"""What reading a roster gives back besides ``StaffMember`` rows: row errors, and the rules it reads by."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from ..frameworks import match_framework, match_level
from ..models import Framework
from .constants import FrameworkLookup, LevelLookup

# ------------------------------------------------------------------------------------------- public models


class RosterRowError(BaseModel):
    """A roster row that cannot become a ``StaffMember``, and why.

    ``staff_id`` and ``name`` are what the row holds (``None`` when the cell is empty), so a person can find
    the row; ``reason`` is one sentence naming the column and what to change.

    Example:
        >>> RosterRowError(row_number=4, staff_id="S002", name=None,
        ...     reason="Column 'Name' is empty: add the person's name.").row_number
        4
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    row_number: int = Field(ge=1, description="1-based spreadsheet row, as Excel numbers it.")
    staff_id: str | None = None
    name: str | None = None
    reason: str = Field(min_length=1)


@dataclass(frozen=True, kw_only=True)
class RosterRules:
    """What the caller knows about frameworks and levels, used to check each roster row.

    Every field is optional: without ``known_frameworks`` the framework cell is taken as written, without
    ``known_levels`` any level is accepted (as its bare id, see ``normalise_level_text``).

    Attributes:
        known_frameworks: Maps a framework cell ("Norfolk", "norfolk-nscp-2024") to a framework id, or
            ``None`` when it means no known framework.
        known_levels: Called as ``known_levels(framework_id, level_id)`` with the level already reduced to
            its bare id ("Stage 4" -> "4"); returns the canonical level id, or ``None`` when unknown.
        default_framework: Framework id for rows whose framework cell is empty; when set, the roster needs
            no framework column. Used as given (not passed through ``known_frameworks``).
        framework_choices: Framework ids listed in the message for an unknown framework (may be empty).
        level_choices: ``level_choices(framework_id)`` lists the level ids named in the message for an
            unknown level; ``None`` when the caller cannot tell.

    Example:
        >>> rules = RosterRules(known_levels=lambda fw, lv: lv if lv in {"1", "2"} else None,
        ...     default_framework="norfolk-nscp-2024")
        >>> rules.needs_framework_column
        False
    """

    known_frameworks: FrameworkLookup | None = None
    known_levels: LevelLookup | None = None
    default_framework: str | None = None
    framework_choices: tuple[str, ...] = ()
    level_choices: Callable[[str], Sequence[str]] | None = field(default=None, repr=False)

    @property
    def needs_framework_column(self) -> bool:
        """Whether the roster must have a framework column (it must unless ``default_framework`` is set)."""
        return not self.default_framework

    @classmethod
    def from_frameworks(
        cls, frameworks: Mapping[str, Framework], *, default_framework: str | None = None
    ) -> RosterRules:
        """Rules that accept exactly the given frameworks and their levels.

        Framework cells match by id, title or a unique word of the id (``sglogs.frameworks.match_framework``);
        level cells by id or name (``match_level``).

        Args:
            frameworks: Frameworks keyed by id, as ``sglogs.frameworks.load_frameworks`` returns them.
            default_framework: Framework id for rows with an empty framework cell.

        Example:
            >>> from sglogs.models import Level, RefresherRule
            >>> fw = Framework(id="norfolk-nscp-2024", title="NSCP", level_label="Stage",
            ...     refresher=RefresherRule(years=3, designated_lead_years=2),
            ...     levels=(Level(id="1", name="Stage 1"), Level(id="2", name="Stage 2")))
            >>> rules = RosterRules.from_frameworks({fw.id: fw})
            >>> rules.known_frameworks("Norfolk"), rules.known_levels(fw.id, "2"), rules.known_levels(fw.id, "7")
            ('norfolk-nscp-2024', '2', None)
        """
        by_id = dict(frameworks)

        def known_levels(framework_id: str, level_id: str) -> str | None:
            framework = by_id.get(framework_id)
            return match_level(framework, level_id) if framework else None

        def level_choices(framework_id: str) -> Sequence[str]:
            framework = by_id.get(framework_id)
            return [lv.id for lv in framework.levels] if framework else []

        return cls(
            known_frameworks=functools.partial(match_framework, by_id),
            known_levels=known_levels,
            default_framework=default_framework,
            framework_choices=tuple(by_id),
            level_choices=level_choices,
        )

    @classmethod
    def resolve(cls, rules: RosterRules | LevelLookup | None) -> RosterRules:
        """Accept rules, a bare ``known_levels`` callback, or nothing (accept every framework and level).

        Example:
            >>> RosterRules.resolve(None).known_levels is None
            True
        """
        if rules is None:
            return cls()
        if isinstance(rules, RosterRules):
            return rules
        return cls(known_levels=rules)


