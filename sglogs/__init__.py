"""sglogs: safeguarding-children competency logs — generate, read, check and review them.

The public Python API (the CLI and the watched-folder service call the same functions)::

    from sglogs import generate_logs, GenerateOptions, load_settings
    report = generate_logs(GenerateOptions(roster=Path("roster.xlsx"), out=Path("outbox/logs")), load_settings())
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sglogs")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0"

from .config import Settings, load_settings
from .frameworks import installed_frameworks, load_framework, load_frameworks, required_competencies
from .generate.logs import GenerateOptions, GenerateReport, LogFormat, generate_logs


def __getattr__(name: str) -> object:
    # reading, reviewing and bundling load lxml, pdfplumber and the review templates: only on first use
    lazy = {
        "read_log": ("sglogs.read.log", "read_log"),
        "check_log": ("sglogs.checks", "check_log"),
        "review_log": ("sglogs.review", "review_log"),
        "review_folder": ("sglogs.review", "review_folder"),
        "renew_logs": ("sglogs.renew", "renew_logs"),
        "build_bundle": ("sglogs.bundle", "build_bundle"),
        "verify_bundle": ("sglogs.bundle", "verify_bundle"),
    }
    if name in lazy:
        import importlib

        module, attribute = lazy[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(name)

__all__ = [  # noqa: RUF022  (grouped: generation first, then the lazily loaded stages)
    "GenerateOptions",
    "GenerateReport",
    "LogFormat",
    "Settings",
    "__version__",
    "generate_logs",
    "load_framework",
    "installed_frameworks",
    "load_frameworks",
    "load_settings",
    "required_competencies",
    "read_log",
    "check_log",
    "review_log",
    "review_folder",
    "renew_logs",
    "build_bundle",
    "verify_bundle",
]
