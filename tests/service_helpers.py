"""Helpers for the service tests and bench: real files to drop, the ways people drop them, a service run as a
separate process, and the checks that every input got exactly one whole outcome.

Nothing is mocked: logs and rosters are made by sglogs itself (and filled by ``tests.simulator``), bad files are
the ones people really send (empty, cut short, a photo, a password-protected workbook, notes in a text file).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sglogs.config import Settings, load_settings
from sglogs.dispatch import OutboxLayout, Outcome
from sglogs.generate.logs import GenerateOptions, LogFormat, generate_logs
from sglogs.service import is_ignored_name, scan_inbox
from sglogs.store import FileState, Journal
from tests.pg import journal_exists, journal_url, pg_store_url

ROSTER_HEADER = ["Staff ID", "Name", "Role", "Setting", "Manager", "Framework", "Level", "Designated lead"]
#: Runs the real command line.
CLI = (
    "import sys\n"
    "from sglogs.cli import app\n"
    "if __name__ == '__main__':\n"
    "    app()\n"
)
_OUTCOME_FOLDERS = {"processed": FileState.DONE, "rejected": FileState.REJECTED, "duplicates": FileState.DUPLICATE}
_NOTE_SUFFIXES = (".error.txt", ".duplicate.txt")
_ID_SUFFIX = re.compile(r" \(#\d+\)(?=\.[^.]+$|$)")


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll ``predicate`` until it is true; fail with ``what`` after ``timeout`` seconds (never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------------ files


@dataclass(frozen=True)
class Drop:
    """One file a person drops: where in the inbox, its bytes, what it is, and how it arrives."""

    name: str
    data: bytes
    expect: FileState
    kind: str
    how: str = "copy"

    @property
    def sha256(self) -> str:
        return sha256(self.data)


def roster_csv(rows: Iterable[tuple[str, str]], setting: str = "Acorns", level: str = "Stage 3") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_HEADER)
    for staff_id, name in rows:
        writer.writerow([staff_id, name, "Practitioner", setting, "M Manager", "Norfolk", level, "n"])
    return out.getvalue().encode("utf-8")


def generated_logs(folder: Path, people: int, settings: Settings, prefix: str = "G") -> list[Path]:
    """Blank logs made by sglogs for ``people`` invented people, Word and Excel (each file's content unique)."""
    folder.mkdir(parents=True, exist_ok=True)
    roster = folder / f"{prefix}-roster.csv"
    roster.write_bytes(roster_csv((f"{prefix}{i:04d}", f"Person{i} Tester{i}") for i in range(people)))
    generate_logs(GenerateOptions(roster=roster, out=folder / "logs", formats=(LogFormat.DOCX, LogFormat.XLSX)),
                  settings)
    return sorted((folder / "logs").rglob("*.*x"))


def filled_logs(folder: Path, count: int, settings: Settings) -> list[Path]:
    """Logs filled in the way people fill them (tests.simulator), half Word, half Excel."""
    import datetime as dt

    from tests.simulator import fill_docx, fill_xlsx, log_competency_ids, log_period, make_entries

    paths = generated_logs(folder / "filled", (count + 1) // 2, settings, prefix="F")
    chosen = [p for p in paths if p.suffix == ".docx"][: (count + 1) // 2]
    chosen += [p for p in paths if p.suffix == ".xlsx"][: count // 2]
    for seed, path in enumerate(chosen):
        rng = random.Random(seed)
        start, end = log_period(path)
        rows = make_entries(rng, log_competency_ids(path), start, min(end, start + dt.timedelta(days=200)), 6)
        fill = fill_docx if path.suffix == ".docx" else fill_xlsx
        fill(path, rows, set(), seed=seed)
    return chosen


def bad_files(rng: random.Random, count: int, sample_docx: bytes) -> list[tuple[str, bytes]]:
    """Files that are not logs or rosters, as people send them; each content unique except the empty ones."""
    made: list[tuple[str, bytes]] = [("empty-1.docx", b""), ("empty-2.xlsx", b"")]
    kinds = ["text", "truncated", "image", "encrypted", "zip", "random", "csv"]
    for index in range(max(0, count - len(made))):
        kind = kinds[index % len(kinds)]
        tag = f"{index:03d}-{rng.getrandbits(32):08x}"
        if kind == "text":
            made.append((f"notes-{tag}.txt", f"Remember to chase the logs ({tag}).\n".encode()))
        elif kind == "truncated":
            cut = rng.randint(len(sample_docx) // 4, len(sample_docx) // 2)
            made.append((f"cut-short-{tag}.docx", sample_docx[:cut] + tag.encode()))
        elif kind == "image":
            made.append((f"photo-{tag}.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(300)))
        elif kind == "encrypted":
            made.append((f"locked-{tag}.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
                         + "EncryptionInfo".encode("utf-16-le") + rng.randbytes(200)))
        elif kind == "zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("readme.txt", tag)
            made.append((f"bundle-{tag}.zip", buffer.getvalue()))
        elif kind == "random":
            made.append((f"scan-{tag}.pdf", rng.randbytes(rng.randint(10, 3000))))
        else:
            made.append((f"list-{tag}.csv", f"Name,Phone\nA {tag},0123\n".encode()))
    return made


def build_corpus(folder: Path, total: int, seed: int, settings: Settings | None = None) -> list[Drop]:
    """``total`` drops: about 55% logs, 10% rosters, 25% bad files, the rest copies of files already dropped,
    some written slowly in chunks, some renamed or moved in, some into a setting's subfolder."""
    settings = settings or load_settings()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_rosters = max(1, total // 10)
    n_bad = max(3, total // 4)
    n_dupes = max(1, total // 20)
    n_filled = min(4, max(1, total // 40))
    n_logs = total - n_rosters - n_bad - n_dupes
    logs = filled_logs(folder, n_filled, settings)
    logs += generated_logs(folder, (n_logs - len(logs) + 1) // 2, settings)[: n_logs - len(logs)]
    drops = [Drop(f"log-{i:03d}-{p.name}", p.read_bytes(), FileState.DONE, "log") for i, p in enumerate(logs)]
    for r in range(n_rosters):
        people = [(f"R{r:03d}{k}", f"Rowan{r} Roster{k}") for k in range(2)]
        drops.append(Drop(f"roster-{r:03d}.csv", roster_csv(people), FileState.DONE, "roster"))
    sample = logs[0].read_bytes()
    drops += [Drop(name, data, FileState.REJECTED, "bad") for name, data in bad_files(rng, n_bad, sample)]
    originals = [d for d in drops if d.kind in ("log", "roster")]
    for index, original in enumerate(rng.sample(originals, n_dupes)):
        drops.append(Drop(f"copy-{index:03d}-{original.name}", original.data, FileState.DUPLICATE, "copy"))
    rng.shuffle(drops)
    hows = ["copy"] * 10 + ["rename"] * 3 + ["move-in"] * 2 + ["slow"] * 2 + ["locked"] + ["subfolder"] * 2
    return [Drop(d.name, d.data, d.expect, d.kind, rng.choice(hows)) for d in drops]


def drop_file(inbox: Path, staging: Path, drop: Drop, chunk_pause: float = 0.15) -> None:
    """Put one file into the inbox the way people and programs do."""
    target = inbox / drop.name
    if drop.how == "subfolder":
        target = inbox / "Oak Tree" / drop.name
        target.parent.mkdir(exist_ok=True)
    if drop.how == "rename":  # a program saving through a hidden temporary name
        temp = inbox / f".{drop.name}.tmp"
        temp.write_bytes(drop.data)
        os.replace(temp, target)
    elif drop.how == "move-in":  # Explorer/Finder moving a file in from elsewhere on the disk
        temp = staging / drop.name
        temp.write_bytes(drop.data)
        os.replace(temp, target)
    elif drop.how == "slow":  # a slow network copy: chunks with pauses shorter than the settle time
        with open(target, "wb") as fh:
            for part in range(4):
                fh.write(drop.data[part * len(drop.data) // 4:(part + 1) * len(drop.data) // 4])
                fh.flush()
                time.sleep(chunk_pause)
    elif drop.how == "locked":  # Office keeps an owner file beside a document while it is open
        lock = target.with_name("~$" + target.name)
        lock.write_bytes(b"owner")
        target.write_bytes(drop.data)
        lock.unlink()
    else:
        target.write_bytes(drop.data)


def drop_all(inbox: Path, staging: Path, drops: list[Drop], seed: int, pause: float = 0.02) -> threading.Thread:
    """Drop every file from a thread, slow ones in threads of their own, with small random gaps."""
    staging.mkdir(parents=True, exist_ok=True)

    def _run() -> None:
        rng = random.Random(seed)
        slow: list[threading.Thread] = []
        for drop in drops:
            if drop.how == "slow":
                slow.append(threading.Thread(target=drop_file, args=(inbox, staging, drop)))
                slow[-1].start()
            else:
                drop_file(inbox, staging, drop)
            time.sleep(rng.uniform(0, pause))
        for thread in slow:
            thread.join()

    thread = threading.Thread(target=_run, name="dropper")
    thread.start()
    return thread


# ------------------------------------------------------------------------------------------------ processes


def service_env(tmp: Path, **service: object) -> dict[str, str]:
    """Environment for a service subprocess: its own journal and work folder, and the given service settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SGLOGS_")}
    env["SGLOGS_SERVICE__JOURNAL"] = str(tmp / "journal" / "journal.sqlite3")
    env["SGLOGS_SERVICE__WORK_DIR"] = str(tmp / "work")
    if pg_store_url(tmp):  # the PostgreSQL run of a test (tests/pg.py, fixture service_store)
        env["SGLOGS_SERVICE__STORE_URL"] = pg_store_url(tmp) or ""
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")])
    for key, value in service.items():
        env[f"SGLOGS_SERVICE__{key.upper()}"] = str(value)
    return env


class ServiceProcess:
    """``sglogs watch`` as a real process, its log lines appended to ``log``.

    Every one started is remembered, so that ``reap_services`` can kill those a failed test left running.
    """

    started_processes: ClassVar[list[ServiceProcess]] = []

    def __init__(self, args: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self.log = log
        with open(log, "ab") as err:
            self.proc = subprocess.Popen([sys.executable, "-W", "error", "-c", CLI, "watch", *args], env=env,
                                         cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        ServiceProcess.started_processes.append(self)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def started(self) -> bool:
        return f"pid {self.pid})" in self.log_text() or self.proc.poll() is not None

    def kill9(self) -> list[int]:
        """SIGKILL the service; return its child processes' pids (which must die with it)."""
        import psutil

        children = [c.pid for c in psutil.Process(self.pid).children(recursive=True)]
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(10)
        return children

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


def reap_services() -> None:
    """Kill the service processes (and their workers) that a test started and did not stop."""
    import psutil

    for service in ServiceProcess.started_processes:
        if service.proc.poll() is None:
            with contextlib.suppress(psutil.Error):
                for child in psutil.Process(service.pid).children(recursive=True):
                    child.kill()
            service.proc.kill()
            service.proc.wait(10)
    ServiceProcess.started_processes.clear()


def processes_gone(pids: Iterable[int]) -> bool:
    import psutil

    return not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in pids)


# ------------------------------------------------------------------------------------------------ checks


def journal(tmp: Path) -> Journal:
    return Journal.open(journal_url(tmp), create=False)  # SQLite or PostgreSQL: tests/pg.py


def inbox_empty(inbox: Path) -> bool:
    return not any(True for _ in scan_inbox(inbox))


def all_settled(tmp: Path, inbox: Path, expected: int) -> bool:
    """Every dropped file has its outcome and is out of the inbox."""
    if not inbox_empty(inbox) or not journal_exists(tmp):
        return False
    j = journal(tmp)
    try:
        entries = j.entries()
        return len(entries) >= expected and all(e.closed_at is not None for e in entries)
    finally:
        j.close()


def filed(outbox: Path) -> Counter[tuple[FileState, str, str]]:
    """Every original filed in the outbox as (outcome, name as dropped, SHA-256 of the filed bytes)."""
    found: Counter[tuple[FileState, str, str]] = Counter()
    for path in outbox.rglob("*"):
        if not path.is_file() or path.name.endswith(_NOTE_SUFFIXES) or is_ignored_name(path.name):
            continue
        parts = path.relative_to(outbox).parts
        folder = next((p for p in parts if p in _OUTCOME_FOLDERS), None)
        if folder is None:
            continue
        found[(_OUTCOME_FOLDERS[folder], _ID_SUFFIX.sub("", path.name), sha256(path.read_bytes()))] += 1
    return found


def check_exactly_once(drops: list[Drop], outbox: Path, tmp: Path) -> dict[str, int]:
    """Every input has exactly one outcome, whole, with its note; no output is truncated; duplicates recognised.

    Returns counts for the test's report.
    """
    outcomes = filed(outbox)
    expected: Counter[tuple[str, str]] = Counter((d.name, d.sha256) for d in drops)
    actual: Counter[tuple[str, str]] = Counter()
    for (_state, name, digest), n in outcomes.items():
        actual[(name, digest)] += n
    assert actual == expected, f"inputs lost or filed twice: {sorted((expected - actual) + (actual - expected))}"
    by_name = {name: state for (state, name, _), n in outcomes.items()}
    for drop in drops:
        state = by_name[drop.name]
        if drop.expect is FileState.REJECTED:
            assert state is FileState.REJECTED, (drop.name, state)
        elif drop.expect is FileState.DONE:
            assert state in (FileState.DONE, FileState.DUPLICATE), (drop.name, state)
        else:
            assert state in (FileState.DONE, FileState.DUPLICATE), (drop.name, state)
    # of each content that was accepted, exactly one copy was processed and the others were recognised
    by_content: dict[str, list[FileState]] = {}
    for (state, _name, digest), n in outcomes.items():
        by_content.setdefault(digest, []).extend([state] * n)
    for digest, states in by_content.items():
        if FileState.REJECTED not in states:
            assert states.count(FileState.DONE) == 1, (digest[:8], states)
    for (state, name, _), _n in outcomes.items():
        if state is FileState.REJECTED:
            assert any(p.name.startswith(name.rsplit(".", 1)[0]) and p.name.endswith(".error.txt")
                       for p in outbox.rglob("*.error.txt")), name
    truncated = [p for p in outbox.rglob("*") if p.is_file() and not p.name.startswith(".") and not whole(p)]
    assert not truncated, f"truncated outputs: {truncated[:5]}"
    j = journal(tmp)
    try:
        entries = j.entries()
    finally:
        j.close()
    assert all(e.closed_at is not None and e.claimed_by is None for e in entries)
    done = Counter(e.sha256 for e in entries if e.state is FileState.DONE)
    assert all(n == 1 for n in done.values()), "one content processed twice"
    return {state.value: sum(n for (s, _, _), n in outcomes.items() if s is state)
            for state in _OUTCOME_FOLDERS.values()}


def whole(path: Path) -> bool:
    """Whether an output file is complete: zips unzip, JSON parses, text ends with a newline."""
    if path.suffix in (".docx", ".xlsx") and "processed" not in path.parts and "rejected" not in path.parts \
            and "duplicates" not in path.parts:
        try:
            with zipfile.ZipFile(path) as archive:
                return archive.testzip() is None
        except zipfile.BadZipFile:
            return False
    if path.suffix == ".json":
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return False
    if path.name.endswith(_NOTE_SUFFIXES):
        return path.read_text(encoding="utf-8").endswith("\n")
    return True


# ------------------------------------------------------------------------------------------------ injected work


def failing_process(path: Path, settings: Settings, layout: OutboxLayout, frameworks: object = None) -> Outcome:
    """A dispatcher with a bug: every file makes it raise."""
    raise RuntimeError("a bug in the reader")


def slow_process(path: Path, settings: Settings, layout: OutboxLayout, frameworks: object = None) -> Outcome:
    """A dispatcher that hangs (a hostile file that keeps the parser busy)."""
    time.sleep(3600)
    raise AssertionError("unreachable")


def disk_full_process(path: Path, settings: Settings, layout: OutboxLayout, frameworks: object = None) -> Outcome:
    """A dispatcher whose outputs cannot be written (the outbox's disk is full)."""
    raise OSError(28, "No space left on device")


def crashing_process(path: Path, settings: Settings, layout: OutboxLayout, frameworks: object = None) -> Outcome:
    """A dispatcher that takes the worker process down (a segfault in a parser)."""
    os._exit(139)


@contextlib.contextmanager
def running(service: object, timeout: float = 30) -> Iterable[threading.Thread]:
    """Run a ``WatchService`` in a thread; stop it through its Event and join it when the block ends."""
    errors: list[BaseException] = []

    def _run() -> None:
        try:
            service.run()  # type: ignore[attr-defined]
        except BaseException as exc:  # surfaced in the test thread below
            errors.append(exc)

    thread = threading.Thread(target=_run, name="service")
    thread.start()
    try:
        yield thread
    finally:
        service.stop.set()  # type: ignore[attr-defined]
        thread.join(timeout)
        assert not thread.is_alive(), "the service did not stop"
    if errors:
        raise errors[0]
