"""SIGTERM and SIGINT: finish the current file, then stop."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("sglogs.service")


def handle_stop_signals(stop: threading.Event) -> Callable[[], None]:
    """Make SIGTERM and SIGINT set ``stop`` (the current file is finished first); a second one stops at once.

    Returns a function that puts the previous handlers back.

    Example:
        >>> restore = handle_stop_signals(threading.Event()); restore()
    """
    signals = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def _on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set():
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
        stop.set()
        logger.info("stop requested (%s): finishing the current file", signal.Signals(signum).name)

    for sig in signals:
        signal.signal(sig, _on_signal)

    def _restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return _restore
