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
from .frameworks import load_framework, load_frameworks, required_competencies
from .generate.logs import GenerateOptions, GenerateReport, LogFormat, generate_logs

__all__ = [
    "GenerateOptions",
    "GenerateReport",
    "LogFormat",
    "Settings",
    "__version__",
    "generate_logs",
    "load_framework",
    "load_frameworks",
    "load_settings",
    "required_competencies",
]
