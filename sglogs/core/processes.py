"""Child processes that die with their parent, and work done in a child process under a time limit.

Untrusted files can be valid and still slow: with Python 3.11's expat 2.5, one 24 MB XML comment keeps openpyxl
busy for half a minute or more (FIELD-NOTES, "Quadratic XML parsing"), in C code that no signal handler or
thread can interrupt. The only dependable limit is to do the work in another process and end that process when
its time is up. Every child sglogs starts also ends when its parent dies (``kill -9`` included), so no pool
worker is ever left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

_PR_SET_PDEATHSIG = 1
#: True in a process that already runs under a time limit (a service worker, a limited child): work done there
#: is not sent to yet another process.
_state = {"limited": False}


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` ends (run first thing in a child process).

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``; the parent's thread that started
    the child must live as long as the parent, as the main thread does); elsewhere a daemon thread looks at the
    parent pid twice a second. A parent already gone ends this process at once.

    Example:
        >>> die_with_parent(os.getppid())  # in a worker's initializer  # doctest: +SKIP
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(parent_pid,), name="sglogs-parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def mark_time_limited() -> None:
    """Record that this process runs under a time limit, so ``call_with_time_limit`` calls directly here.

    Example:
        >>> mark_time_limited()  # in a service worker  # doctest: +SKIP
    """
    _state["limited"] = True


def in_time_limited_process() -> bool:
    """Whether this process already runs under a time limit (see ``mark_time_limited``).

    Example:
        >>> in_time_limited_process()
        False
    """
    return _state["limited"]


class TimeLimitExceeded(Exception):
    """The work did not finish within its time limit; its process was ended.

    Example:
        >>> TimeLimitExceeded(2.0).seconds
        2.0
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no result after {seconds:g} s; the process was ended")
        self.seconds = seconds


def _context() -> Any:
    """``fork`` where it is safe and fast (Linux, this process has one thread), else ``spawn``."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _child(conn: Any, parent_pid: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """A limited child: dies with its parent, then runs ``(function, argument)`` jobs until the pipe closes."""
    die_with_parent(parent_pid)
    # the parent decides when to stop, and Ctrl+C in a terminal reaches the whole process group
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    mark_time_limited()
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        function, argument = job
        try:
            conn.send((True, function(argument)))
        except Exception as exc:  # sent back and raised again in the parent
            try:
                conn.send((False, exc))
            except Exception:  # an exception that does not pickle: its type and message
                conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


@dataclass
class _Slot:
    process: Any
    conn: Any
    index: int | None = None
    deadline: float = 0.0
    ended: bool = False


class LimitedPool:
    """Up to ``workers`` child processes that each do one call at a time within a time limit; a child whose time
    is up is ended and replaced. Use it as a context manager; children start as they are first needed.

    Example:
        >>> with LimitedPool(2) as pool:
        ...     sorted(pool.map(abs, [-1, -2], seconds=10))
        [(0, True, 1), (1, True, 2)]
    """

    def __init__(self, workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = (),
                 context: Any = None) -> None:
        self._context = context or _context()
        self._initializer, self._initargs = initializer, initargs
        self._workers = max(1, workers)
        self._slots: list[_Slot] = []

    def __enter__(self) -> LimitedPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _start(self) -> _Slot:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_child, args=(child, os.getpid(), self._initializer, self._initargs),
                                        name="sglogs-limited", daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _end(self, slot: _Slot) -> None:
        """End a child at once; the next call given to its slot starts a fresh one."""
        if not slot.ended:
            with contextlib.suppress(Exception):
                slot.process.kill()
            slot.process.join(5)
            slot.conn.close()
        slot.index, slot.ended = None, True

    def _restart(self, slot: _Slot) -> None:
        self._end(slot)
        fresh = self._start()
        slot.process, slot.conn, slot.ended = fresh.process, fresh.conn, False

    def _give(self, slot: _Slot, index: int, job: tuple, seconds: float) -> None:
        if slot.ended:
            self._restart(slot)
        try:
            slot.conn.send(job)
        except OSError:  # the child died while idle: a fresh one takes the call
            self._restart(slot)
            slot.conn.send(job)
        slot.index, slot.deadline = index, time.monotonic() + seconds

    def map(self, function: Callable[[Any], Any], items: Sequence[Any], seconds: float,
            ) -> Iterator[tuple[int, bool, Any]]:
        """Run ``function(item)`` for each item, each call within ``seconds``; yield ``(index, ok, value)`` as
        calls finish: the result, or with ``ok`` false the exception raised there (``TimeLimitExceeded`` when
        the child had to be ended). ``function`` and the items must pickle.

        Example:
            >>> with LimitedPool(1) as pool:
            ...     list(pool.map(abs, [-4], seconds=10))
            [(0, True, 4)]
        """
        pending = list(range(len(items)))[::-1]
        while len(self._slots) < min(self._workers, len(items)):
            self._slots.append(self._start())
        while pending or any(slot.index is not None for slot in self._slots):
            for slot in self._slots:
                if slot.index is None and pending:
                    index = pending.pop()
                    self._give(slot, index, (function, items[index]), seconds)
            busy = [slot for slot in self._slots if slot.index is not None]
            timeout = max(0.0, min(slot.deadline for slot in busy) - time.monotonic())
            ready = multiprocessing.connection.wait([slot.conn for slot in busy], timeout=min(timeout, 1.0))
            for slot in busy:
                index = slot.index
                assert index is not None
                if slot.conn in ready:
                    try:
                        ok, value = slot.conn.recv()
                    except (EOFError, OSError):
                        self._end(slot)
                        yield index, False, RuntimeError("the process doing it stopped unexpectedly")
                        continue
                    slot.index = None
                    yield index, ok, value
                elif time.monotonic() >= slot.deadline:
                    self._end(slot)
                    yield index, False, TimeLimitExceeded(seconds)

    def close(self) -> None:
        """Ask idle children to exit and end the others; never waits more than a few seconds.

        Example:
            >>> LimitedPool(1).close()
        """
        for slot in self._slots:
            if slot.index is None and not slot.ended:
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
        deadline = time.monotonic() + 2
        for slot in self._slots:
            if not slot.ended:
                slot.process.join(max(0.0, deadline - time.monotonic()))
            self._end(slot)
        self._slots.clear()


def call_with_time_limit(function: Callable[[Any], Any], argument: Any, seconds: float) -> Any:
    """``function(argument)`` in a child process ended after ``seconds``; its exception is raised here, or
    ``TimeLimitExceeded``. Called in a process that is already limited, it just calls ``function``.

    Example:
        >>> call_with_time_limit(abs, -3, 10)
        3
    """
    if in_time_limited_process():
        return function(argument)
    with LimitedPool(1) as pool:
        for _index, ok, value in pool.map(function, [argument], seconds):
            if ok:
                return value
            raise value
    raise AssertionError("unreachable: one item gives one result")
