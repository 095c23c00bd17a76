"""Settings: ``sglogs/defaults.toml``, then ``sglogs.toml``, then ``SGLOGS_*`` environment variables.

``Settings`` is built once per command and passed down explicitly; nothing reads the environment later.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .errors import ConfigError
from .shipped import shipped_path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The root of a checkout of sglogs (``examples/``, ``tools/``, ``tests/``); meaningless in an installed wheel,
#: so only the tests and tools use it. What the code needs ships in the package (``sglogs.shipped``).
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULTS_FILE = shipped_path("defaults.toml")
#: Config file looked for in the working folder unless SGLOGS_CONFIG names another.
CONFIG_FILE_NAME = "sglogs.toml"


class GenerateSettings(BaseModel):
    """Knobs of log generation (see ``defaults.toml`` for what each means).

    Example:
        >>> GenerateSettings(activity_types=["E-learning"]).period_months
        12
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    period_months: int = Field(default=12, ge=1, le=36)
    evidence_rows_docx: int = Field(default=15, ge=1, le=500)
    evidence_rows_xlsx: int = Field(default=60, ge=1, le=5000)
    next_step_rows: int = Field(default=5, ge=1, le=50)
    formats: tuple[str, ...] = ("docx", "xlsx")
    workers: int = Field(default=0, ge=0, le=64)
    activity_types: tuple[str, ...] = Field(min_length=1)

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - {"docx", "xlsx"})
        if unknown:
            raise ValueError(f"unknown format {unknown[0]!r}; use docx and/or xlsx")
        return value


class ReadSettings(BaseModel):
    """Safety limits applied to every file before and while it is read (untrusted input).

    Example:
        >>> ReadSettings().max_file_mb
        50
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_file_mb: int = Field(default=50, ge=1, le=2048)
    max_zip_entries: int = Field(default=2000, ge=10)
    max_uncompressed_mb: int = Field(default=300, ge=1)
    max_compression_ratio: int = Field(default=200, ge=10)
    max_xml_part_mb: int = Field(default=25, ge=1)
    max_pdf_pages: int = Field(default=200, ge=1)
    # paper logs (scans and photos): pixels one page image may have (a phone photo is 12-50 million; more is a
    # decompression bomb), the pages one scan may hold, the resolution scanned PDFs are rendered at, and the
    # Tesseract confidence (0-100) below which a line of text is left empty for a person to key in
    max_image_megapixels: int = Field(default=80, ge=1, le=1000)
    max_scan_pages: int = Field(default=60, ge=1)
    scan_dpi: int = Field(default=200, ge=100, le=400)
    ocr_min_confidence: float = Field(default=70, ge=0, le=100)
    ocr: bool = True  # false: a paper log's pages are kept and keyed in, no OCR (Tesseract takes seconds a page)
    # a valid file can still take the XML parser minutes (FIELD-NOTES): the CLI reads each file in a child
    # process ended after this long (issue 17); the service's workers have service.file_timeout_seconds
    time_limit_seconds: float = Field(default=120, gt=0, le=86400)
    # layouts helper (issue 14): an organisation's own header spellings, field -> headers, e.g.
    # [read.headers] reflection = ["What difference has this made?"]
    headers: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("headers")
    @classmethod
    def _known_fields(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        known = ("date", "activity", "type", "hours", "competencies", "reflection", "next_steps")
        for name in value:
            if name not in known:
                raise ValueError(f"'{name}' is not a column sglogs reads; use one of {', '.join(known)}")
        return value

    @property
    def max_file_bytes(self) -> int:
        """``max_file_mb`` in bytes."""
        return self.max_file_mb * 1024 * 1024


class CheckSettings(BaseModel):
    """Thresholds of the checks run on a log before sign-off (see ``defaults.toml`` for what each means).

    Example:
        >>> CheckSettings().min_activity_types
        3
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_entries: int = Field(default=1, ge=0)
    min_activity_types: int = Field(default=3, ge=1)
    max_type_share: float = Field(default=0.6, gt=0, le=1)
    bunching_days: int = Field(default=31, ge=1)
    max_bunched_share: float = Field(default=0.5, gt=0, le=1)
    min_entries_for_pattern_checks: int = Field(default=4, ge=1)
    min_reflection_words: int = Field(default=15, ge=1)
    repeated_reflection_similarity: float = Field(default=0.9, gt=0, le=1)
    online_types: tuple[str, ...] = ("e-learning", "elearning", "online", "webinar", "video", "virtual")
    application_words: tuple[str, ...] = (
        "applied", "apply", "applying", "practice", "since then", "i now", "i have", "i will", "changed",
        "used", "using", "put into", "in my role", "at work", "with families", "with children",
    )
    formal_types: tuple[str, ...] = (
        "face-to-face training", "multi-agency training", "e-learning", "webinar or video conference",
        "conference or learning event", "training", "course",
    )
    #: Minimum hours per framework and level, e.g. {"london" = {"3" = 8}}; empty means no minimum.
    min_hours: dict[str, dict[str, float]] = Field(default_factory=dict)
    #: (verdicts, issue 13) A row claiming more than this share of the log's competencies is a catch-all.
    max_row_competency_share: float = Field(default=0.5, gt=0, le=1)
    #: (verdicts, issue 13) Online learning shorter than this does not by itself renew a refresher.
    refresher_min_online_hours: float = Field(default=3.0, ge=0)


class ReviewSettings(BaseModel):
    """How review outputs are prefilled (dates and the wording of generated action-plan lines).

    Example:
        >>> ReviewSettings().next_review_months
        12
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Kept so existing sglogs.toml files still load; action lines no longer get an invented target date.
    action_target_months: int = Field(default=3, ge=1, le=24)
    next_review_months: int = Field(default=12, ge=1, le=36)
    uncovered_action: str = "Gather and record dated evidence for competency {competency}: {text}"
    uncovered_many_action: str = (
        "Agree learning that gives dated evidence for the competencies with no evidence yet: {competencies}"
    )
    not_met_action: str = "Agree with the manager how to meet competency {competency}: {text}"
    uncovered_success: str = (
        "Dated, reflective evidence against {competency} recorded in the log and discussed in supervision."
    )
    next_step_success: str = (
        "The next step is completed, recorded in the log with a reflection, and reviewed in supervision."
    )
    workers: int = Field(default=0, ge=0, le=64)


class AuditSettings(BaseModel):
    """RAG thresholds of the Q-card self-assessment, and the roles that need additional competencies.

    Example:
        >>> AuditSettings().green_at
        90
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    green_at: int = Field(default=90, ge=0, le=100)
    amber_at: int = Field(default=70, ge=0, le=100)
    additional_roles: tuple[str, ...] = ("designated", "named", "safeguarding lead", "manager", "head", "leader",
                                         "coordinator", "senco", "deputy")


class OutputSettings(BaseModel):
    """Permissions of files sglogs writes (octal strings, e.g. ``"0600"``).

    Example:
        >>> OutputSettings().file_mode_bits
        384
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file_mode: str = "0600"
    dir_mode: str = "0700"

    @field_validator("file_mode", "dir_mode")
    @classmethod
    def _octal(cls, value: str) -> str:
        try:
            bits = int(value, 8)
        except ValueError:
            raise ValueError(f"{value!r} is not an octal file mode like 0600") from None
        if not 0 <= bits <= 0o777:
            raise ValueError(f"{value!r} is not a file mode between 0000 and 0777")
        return value

    @property
    def file_mode_bits(self) -> int:
        """``file_mode`` as an integer for ``os.chmod``."""
        return int(self.file_mode, 8)

    @property
    def dir_mode_bits(self) -> int:
        """``dir_mode`` as an integer for ``os.mkdir``."""
        return int(self.dir_mode, 8)


class Settings(BaseSettings):
    """All of sglogs' settings for one run.

    Example:
        >>> Settings().generate.period_months
        12
    """

    model_config = SettingsConfigDict(
        env_prefix="SGLOGS_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    organisation: str = ""
    #: The organisation's own frameworks, added to the shipped ones (``None``: the shipped ones only).
    frameworks_dir: Path | None = None
    #: The organisation's own templates, each used instead of the shipped one of the same name.
    templates_dir: Path | None = None
    inbox: Path = Path("inbox")
    outbox: Path = Path("outbox")
    generate: GenerateSettings
    read: ReadSettings = ReadSettings()
    checks: CheckSettings = CheckSettings()
    review: ReviewSettings = ReviewSettings()
    #: The register's refresher bands: "due within 30 / 60 / 90 days", then "in date".
    register_band_days: tuple[int, ...] = (30, 60, 90)
    audit: AuditSettings = AuditSettings()
    #: The watched-folder service's ``[service]`` table, checked by ``sglogs.service.service_settings`` (kept raw
    #: here so that loading settings does not load the service and its watchdog dependency).
    service: dict[str, Any] = Field(default_factory=dict)
    output: OutputSettings = OutputSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        user_file = Path(os.environ.get("SGLOGS_CONFIG", CONFIG_FILE_NAME))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=user_file, deep_merge=True),
            TomlConfigSettingsSource(settings_cls, toml_file=DEFAULTS_FILE),
        )


def load_settings(**overrides: object) -> Settings:
    """Build the settings for a run; ``overrides`` (e.g. from CLI flags) win over files and environment.

    Raises ``ConfigError`` with the key that is wrong, never a pydantic traceback.

    Example:
        >>> load_settings(organisation="Sunflower Nursery").organisation
        'Sunflower Nursery'
    """
    config_name = os.environ.get("SGLOGS_CONFIG", CONFIG_FILE_NAME)
    if "SGLOGS_CONFIG" in os.environ and not Path(config_name).is_file():
        raise ConfigError(f"SGLOGS_CONFIG names {config_name}, which does not exist; fix the path or unset it.")
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise ConfigError(
            f"Setting '{key}' in {config_name} or SGLOGS_* is invalid ({err['msg']}); correct it and run again."
        ) from exc
    except (ValueError, OSError) as exc:  # a malformed TOML file
        raise ConfigError(f"{config_name} cannot be read ({exc}); fix the file or remove it.") from exc
