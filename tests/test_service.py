"""The watched-folder service with real files, a real observer, a real worker process and real service processes.

Small cases first (the pure stability tracker, names, folder safety, dispatch by content), then the service run
in-process and stopped through its Event, then ``sglogs watch`` as separate processes: killed with SIGKILL at
random points and restarted, two at once on one folder, stopped with SIGTERM in the middle of a file.

``SGTEST_SERVICE_DROPS`` sets the size of the kill -9 run (default 200 files with native events, 100 polling,
to keep CI quick; the issue's full run is ``SGTEST_SERVICE_DROPS=200 pytest -m slow tests/test_service.py``).
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import shutil
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sglogs.config import Settings, load_settings
from sglogs.dispatch import FileKind, OutboxLayout, classify, process_file
from sglogs.errors import ConfigError, RosterError, UnsupportedFormatError
from sglogs.service import (
    ServiceSettings,
    Signature,
    StabilityTracker,
    WatchOptions,
    WatchService,
    check_folders,
    check_journal_location,
    filesystem_type,
    is_ignored_name,
    safety,
    scan_inbox,
    service_settings,
    watcher,
)
from sglogs.store import FileState, sqlite_url
from tests.pg import journal_exists, pg_store_url
from tests.service_helpers import (
    ServiceProcess,
    all_settled,
    build_corpus,
    check_exactly_once,
    crashing_process,
    disk_full_process,
    drop_all,
    failing_process,
    filed,
    journal,
    processes_gone,
    reap_services,
    roster_csv,
    running,
    service_env,
    sha256,
    slow_process,
    wait_until,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LOG_DOCX = EXAMPLES / "completed" / "NS001_Hartley_completed.docx"
LOG_XLSX = EXAMPLES / "completed" / "NS001_Hartley_completed.xlsx"
ROSTER_XLSX = EXAMPLES / "roster.xlsx"
#: Short times so the suite stays quick; the defaults are for people's folders.
FAST = {"settle_seconds": 0.3, "heartbeat_seconds": 0.5, "lease_seconds": 5, "retry_seconds": 0.1,
        "incomplete_grace_seconds": 0.5, "poll_interval_seconds": 0.2}


#: Every case runs on SQLite and on PostgreSQL (tests/pg.py).
pytestmark = pytest.mark.usefixtures("service_store")


@pytest.fixture(autouse=True)
def _no_service_left_running() -> object:
    """A test that fails half way must not leave ``sglogs watch`` processes behind."""
    yield
    reap_services()


def make_service(tmp: Path, settings: Settings, *, polling: bool = False, once: bool = False,
                 process: object = process_file, **knobs: object) -> WatchService:
    (tmp / "inbox").mkdir(exist_ok=True)
    values = {**FAST, "journal": tmp / "journal" / "journal.sqlite3", "work_dir": tmp / "work", **knobs}
    if "journal" not in knobs:  # the PostgreSQL run of the test (tests/pg.py, service_store)
        values["store_url"] = pg_store_url(tmp)
    options = WatchOptions(inbox=tmp / "inbox", outbox=tmp / "outbox", polling=polling, once=once)
    return WatchService(options, settings, ServiceSettings(**values), process=process)  # type: ignore[arg-type]


def outcome(tmp: Path, name: str) -> FileState | None:
    states = [state for state, n, _ in filed(tmp / "outbox") if n == name]
    assert len(states) <= 1, f"{name} filed twice"
    return states[0] if states else None


def rows(tmp: Path) -> list:
    if not journal_exists(tmp):
        return []
    j = journal(tmp)
    try:
        return j.entries()
    finally:
        j.close()


# ============================================================================================ small cases


def test_a_file_still_changing_is_never_given_up_on() -> None:
    tracker = StabilityTracker(settle_seconds=2, check_seconds=0.5)
    for second in range(0, 600):  # ten minutes of a file growing by a byte a second
        tracker.observe("slow.docx", Signature(second, second, 1, 1), now=float(second))
        assert tracker.pop_ready(float(second)) == []
    assert "slow.docx" in tracker
    tracker.observe("slow.docx", Signature(599, 599, 1, 1), now=600.5)
    assert tracker.pop_ready(600.5) == []
    tracker.observe("slow.docx", Signature(599, 599, 1, 1), now=601.0)
    assert tracker.pop_ready(601.0) == ["slow.docx"] and "slow.docx" not in tracker


def test_tracker_checks_replaced_files_and_forgets_vanished_ones() -> None:
    tracker = StabilityTracker(settle_seconds=1, check_seconds=0.25)
    tracker.observe("a", Signature(5, 1, 1, 1), now=0)
    tracker.observe("a", Signature(5, 1, 2, 1), now=0.9)  # same size and time, new inode: saved anew
    assert tracker.pop_ready(1.5) == []
    assert tracker.due_checks(1.0) == [] and tracker.due_checks(1.2) == ["a"]
    assert tracker.next_due() == pytest.approx(1.15)
    tracker.observe("a", None, now=1.2)
    assert "a" not in tracker and tracker.next_due() is None
    tracker.mark_settled("b", Signature(1, 1, 1, 1), now=5)
    assert tracker.pop_ready(5) == ["b"]


@pytest.mark.parametrize(("name", "ignored"), [
    ("~$Hartley log.docx", True), (".~lock.log.xlsx#", True), ("~WRL0001.tmp", True), ("~RF1a2b3c.TMP", True),
    ("3F2A1B4C", True), (".DS_Store", True), ("._log.docx", True), ("Thumbs.db", True), ("desktop.ini", True),
    ("roster.csv.part", True), ("log.docx.crdownload", True), ("report.TMP", True), (".hidden.docx", True),
    ("NS001_Hartley.docx", False), ("roster.csv", False), ("log", False), ("3F2A1B4C.docx", False),
    ("ABCDEFGH", False),
])
def test_lock_temp_and_system_files_are_ignored(name: str, ignored: bool) -> None:
    assert is_ignored_name(name) is ignored


def test_scan_finds_regular_files_only_and_never_leaves_the_inbox(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    (inbox / "Oak Tree" / "2026").mkdir(parents=True)
    (inbox / ".git").mkdir()
    (inbox / "@eaDir").mkdir()
    outside.mkdir()
    (outside / "secret.docx").write_bytes(b"x")
    (inbox / "log.docx").write_bytes(b"x")
    (inbox / "Oak Tree" / "2026" / "roster.csv").write_bytes(b"x")
    (inbox / ".git" / "config").write_bytes(b"x")
    (inbox / "@eaDir" / "thumb.jpg").write_bytes(b"x")
    (inbox / "~$log.docx").write_bytes(b"x")
    (inbox / "link.docx").symlink_to(outside / "secret.docx")
    (inbox / "linked-folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(inbox / "pipe.docx")
    found = sorted(p.relative_to(inbox).as_posix() for p, _ in scan_inbox(inbox))
    assert found == ["Oak Tree/2026/roster.csv", "log.docx"]


def test_unsafe_folder_set_ups_are_refused(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with pytest.raises(ConfigError, match=r"outbox .* is inside the inbox"):
        check_folders(inbox, inbox / "outbox")
    with pytest.raises(ConfigError, match="inside the inbox"):
        check_folders(inbox, inbox)
    (tmp_path / "sneaky").symlink_to(inbox, target_is_directory=True)
    with pytest.raises(ConfigError, match="inside the inbox"):
        check_folders(inbox, tmp_path / "sneaky" / "out")
    (tmp_path / "outbox" / "in").mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"inbox .* is inside the outbox"):
        check_folders(tmp_path / "outbox" / "in", tmp_path / "outbox")
    with pytest.raises(ConfigError, match="does not exist"):
        check_folders(tmp_path / "missing", tmp_path / "outbox")
    _, real_outbox = check_folders(inbox, tmp_path / "new-outbox")
    assert real_outbox.is_dir() and stat.S_IMODE(real_outbox.stat().st_mode) == 0o700


def test_a_journal_on_a_network_share_or_in_the_inbox_is_refused(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with pytest.raises(ConfigError, match="inside the inbox"):
        check_journal_location(sqlite_url(inbox / "j.sqlite3"), inbox)
    assert filesystem_type(tmp_path) not in safety.SHARED_FILESYSTEMS
    check_journal_location(sqlite_url(tmp_path / "j" / "j.sqlite3"), inbox)
    check_journal_location("postgresql+psycopg://u@db/sglogs", inbox)  # a server: nothing to check
    monkeypatch.setattr(safety, "filesystem_type", lambda path: "cifs")
    with pytest.raises(ConfigError, match=r"network filesystem \(cifs\).*store_url"):
        check_journal_location(sqlite_url(tmp_path / "j.sqlite3"), inbox)


def test_service_settings_come_from_sglogs_toml_and_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert service_settings(load_settings()) == ServiceSettings()
    config = tmp_path / "sglogs.toml"
    config.write_text("[service]\nsettle_seconds = 5\n", encoding="utf-8")
    monkeypatch.setenv("SGLOGS_CONFIG", str(config))
    monkeypatch.setenv("SGLOGS_SERVICE__JOURNAL", "/var/lib/sglogs/journal.sqlite3")
    got = service_settings(load_settings())
    assert got.settle_seconds == 5 and got.journal_url(tmp_path) == "sqlite+pysqlite:////var/lib/sglogs/journal.sqlite3"
    monkeypatch.setenv("SGLOGS_SERVICE__MAX_ATTEMPTS", "none")
    with pytest.raises(ConfigError, match=r"service\.max_attempts"):
        service_settings(load_settings())
    with pytest.raises(ValueError, match="half of lease_seconds"):
        ServiceSettings(heartbeat_seconds=40, lease_seconds=60)


def test_dispatch_decides_by_content_not_name(tmp_path: Path, settings: Settings) -> None:
    disguised = tmp_path / "roster.docx"  # a roster whatever its name says
    disguised.write_bytes(roster_csv([("A1", "Ann Able")]))
    assert classify(disguised, settings)[0] is FileKind.ROSTER
    assert classify(ROSTER_XLSX, settings)[0] is FileKind.ROSTER
    excel_roster_named_csv = tmp_path / "staff.csv"  # Excel "Save As" with a hand-typed name
    shutil.copy(ROSTER_XLSX, excel_roster_named_csv)
    assert classify(excel_roster_named_csv, settings)[0] is FileKind.ROSTER
    layout = OutboxLayout(tmp_path / "outbox")
    assert process_file(excel_roster_named_csv, settings, layout).accepted
    assert len(list(layout.logs.rglob("*.xlsx"))) == 30
    log_named_csv = tmp_path / "log.csv"
    shutil.copy(LOG_XLSX, log_named_csv)
    kind, log = classify(log_named_csv, settings)
    assert kind is FileKind.LOG and log is not None and log.staff.id == "NS001"
    notes = tmp_path / "notes.txt"
    notes.write_text("call Ann about her log\n")
    with pytest.raises(RosterError, match=r"text file.*not a usable roster"):
        classify(notes, settings)
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Staff ID", "Name", "Role"])
    workbook.active.append(["A1", "Ann Able", "Cook"])
    workbook.save(tmp_path / "half-roster.xlsx")
    with pytest.raises(UnsupportedFormatError, match=r"not a competency log.*Read as a roster.*Level"):
        classify(tmp_path / "half-roster.xlsx", settings)


def test_process_file_writes_outputs_whole_and_private(tmp_path: Path, settings: Settings) -> None:
    layout = OutboxLayout(tmp_path / "outbox")
    log = process_file(LOG_DOCX, settings, layout)
    assert log.accepted and log.kind is FileKind.LOG and log.staff_id == "NS001" and log.outputs
    for path in log.outputs:
        assert path.is_relative_to(layout.reviews / "NS001") and stat.S_IMODE(path.stat().st_mode) == 0o600
    roster = process_file(ROSTER_XLSX, settings, layout)
    assert roster.accepted and roster.kind is FileKind.ROSTER and len(roster.outputs) == 60
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    refused = process_file(empty, settings, layout)
    assert not refused.accepted and refused.maybe_incomplete and refused.error_kind == "EmptyFileError"


def test_a_dropped_log_is_read_once(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # the real reader, counted: classifying the file reads it, and the review works from that reading
    import sglogs.read as read_package
    from sglogs.core import processes

    reads: list[Path] = []
    real = read_package.read_log

    def counted(path: Path, *args: object, **kwargs: object) -> object:
        reads.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(read_package, "read_log", counted)
    monkeypatch.setattr("sglogs.review.read_log", counted)
    monkeypatch.setitem(processes._state, "limited", True)  # as in a service worker: no child process to count in
    outcome = process_file(LOG_DOCX, settings, OutboxLayout(tmp_path / "outbox"))
    assert outcome.accepted and outcome.kind is FileKind.LOG
    assert reads == [LOG_DOCX]


# ============================================================================================ in-process service


def test_service_files_each_drop_by_its_content(tmp_path: Path, settings: Settings,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sglogs.service")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old-before-start.docx").write_bytes(LOG_DOCX.read_bytes())  # found by the start-up scan
    service = make_service(tmp_path, settings)
    with running(service):
        wait_until(lambda: outcome(tmp_path, "old-before-start.docx") is FileState.DONE, 20, "the start-up scan")
        (inbox / "Oak Tree").mkdir()
        shutil.copy(ROSTER_XLSX, inbox / "Oak Tree" / "staff.xlsx")
        shutil.copy(LOG_XLSX, inbox / "NS001 Hartley.xlsx")
        shutil.copy(LOG_DOCX, inbox / "Hartley again.docx")
        (inbox / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200))
        (inbox / "~$NS001 Hartley.xlsx").write_bytes(b"owner")
        (inbox / "Thumbs.db").write_bytes(b"x")
        names = {"Oak Tree/staff.xlsx", "NS001 Hartley.xlsx", "Hartley again.docx", "photo.jpg"}
        wait_until(lambda: all(outcome(tmp_path, Path(n).name) for n in names), 30, "four outcomes")
    outbox = tmp_path / "outbox"
    assert outcome(tmp_path, "staff.xlsx") is FileState.DONE
    assert (outbox / "Oak Tree" / "logs").is_dir() and len(list((outbox / "Oak Tree" / "logs").rglob("*.docx"))) == 30
    assert any((outbox / "Oak Tree" / "processed").rglob("staff.xlsx"))
    assert outcome(tmp_path, "NS001 Hartley.xlsx") is FileState.DONE
    assert outcome(tmp_path, "Hartley again.docx") is FileState.DUPLICATE
    note = (outbox / "duplicates" / "Hartley again.docx.duplicate.txt").read_text()
    assert "same content as file #1" in note
    assert outcome(tmp_path, "photo.jpg") is FileState.REJECTED
    error = (outbox / "rejected" / "photo.jpg.error.txt").read_text()
    assert "photo.jpg is an image" in error and "what to do" in error
    assert sorted(p.name for p in inbox.iterdir()) == [".sglogs", "Oak Tree", "Thumbs.db", "~$NS001 Hartley.xlsx"]
    for path in outbox.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    states = sorted(e.state.value for e in rows(tmp_path))
    assert states == ["done", "done", "done", "duplicate", "rejected"]
    assert all(e.closed_at and e.attempts <= 1 for e in rows(tmp_path))
    # log lines name files by id and hash only: never a name, which is personal data
    assert "file #1 sha256:" in caplog.text
    assert "Hartley" not in caplog.text and "staff.xlsx" not in caplog.text and "photo" not in caplog.text


def test_the_same_name_dropped_again_is_a_duplicate_or_a_new_version(tmp_path: Path, settings: Settings) -> None:
    inbox, processed = tmp_path / "inbox", tmp_path / "outbox" / "processed"
    linked_elsewhere = tmp_path / "private-copy.xlsx"
    shutil.copy(LOG_XLSX, linked_elsewhere)
    with running(make_service(tmp_path, settings)):
        shutil.copy(LOG_DOCX, inbox / "log.docx")
        wait_until(lambda: outcome(tmp_path, "log.docx") is FileState.DONE, 20, "the first drop")
        shutil.copy(LOG_DOCX, inbox / "log.docx")  # the manager sends it again
        wait_until(lambda: any((tmp_path / "outbox" / "duplicates").glob("log.docx")), 20, "the second drop")
        shutil.copy(EXAMPLES / "completed" / "older-in-house-template.docx", inbox / "log.docx")  # a new version
        wait_until(lambda: len(list(processed.rglob("log*.docx"))) == 2, 20, "the third drop")
        os.link(linked_elsewhere, inbox / "linked.xlsx")  # a hard link to someone's private file
        wait_until(lambda: any(processed.rglob("linked.xlsx")), 20, "the linked file")
    names = sorted(p.name for p in processed.rglob("*.docx"))
    assert names == ["log (#3).docx", "log.docx"]
    assert next(processed.rglob("log (#3).docx")).read_bytes() != LOG_DOCX.read_bytes()
    assert linked_elsewhere.read_bytes() == LOG_XLSX.read_bytes() and linked_elsewhere.stat().st_nlink == 1
    assert [e.state.value for e in rows(tmp_path)] == ["done", "duplicate", "done", "done"]


def test_a_file_written_slowly_is_taken_only_when_whole(tmp_path: Path, settings: Settings) -> None:
    data = LOG_DOCX.read_bytes()
    stop_writing = threading.Event()
    with running(make_service(tmp_path, settings)):
        target = tmp_path / "inbox" / "slow.docx"
        with open(target, "wb") as fh:
            for part in range(12):  # 12 chunks 0.15 s apart: twice the settle time and more, never a pause of it
                fh.write(data[part * len(data) // 12:(part + 1) * len(data) // 12])
                fh.flush()
                assert outcome(tmp_path, "slow.docx") is None, "taken while still being written"
                stop_writing.wait(0.15)
        wait_until(lambda: outcome(tmp_path, "slow.docx") is not None, 20, "the slow file")
    assert outcome(tmp_path, "slow.docx") is FileState.DONE
    assert (tmp_path / "outbox" / "processed").rglob("slow.docx").__next__().read_bytes() == data


def test_an_empty_file_gets_a_second_look_before_it_is_refused(tmp_path: Path, settings: Settings) -> None:
    inbox = tmp_path / "inbox"
    with running(make_service(tmp_path, settings, incomplete_grace_seconds=1.5)):
        (inbox / "arriving.docx").write_bytes(b"")  # a copy that stalled after creating the file
        (inbox / "really-empty.docx").write_bytes(b"")
        wait_until(lambda: any(e.rechecks for e in rows(tmp_path)), 20, "the first look")
        (inbox / "arriving.docx").write_bytes(LOG_DOCX.read_bytes())  # the copy carries on
        wait_until(lambda: outcome(tmp_path, "arriving.docx") and outcome(tmp_path, "really-empty.docx"), 20,
                   "both outcomes")
    assert outcome(tmp_path, "arriving.docx") is FileState.DONE
    assert outcome(tmp_path, "really-empty.docx") is FileState.REJECTED


def test_symlinks_in_the_inbox_are_never_followed(tmp_path: Path, settings: Settings) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "someone-else.docx"
    shutil.copy(LOG_DOCX, secret)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "link.docx").symlink_to(secret)
    (tmp_path / "inbox" / "folder").symlink_to(outside, target_is_directory=True)
    with running(make_service(tmp_path, settings, once=True)) as thread:
        thread.join(30)
    assert secret.read_bytes() == LOG_DOCX.read_bytes() and rows(tmp_path) == []
    assert (tmp_path / "inbox" / "link.docx").is_symlink()


def test_a_file_too_large_is_refused_without_being_copied(tmp_path: Path) -> None:
    settings = load_settings(outbox=tmp_path / "outbox", read={"max_file_mb": 1})
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "huge.pdf").write_bytes(b"%PDF-1.7\n" + bytes(1_500_000))
    with running(make_service(tmp_path, settings, once=True)) as thread:
        thread.join(30)
    assert outcome(tmp_path, "huge.pdf") is FileState.REJECTED
    assert "more than sglogs reads (1 MB)" in (tmp_path / "outbox" / "rejected" / "huge.pdf.error.txt").read_text()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_an_observer_killed_by_a_handler_error_is_restarted(tmp_path: Path, settings: Settings,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sglogs.service")
    original = watcher._QueueHandler.on_any_event
    calls = {"n": 0}

    def flaky(self: object, event: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("a bug in an event handler")
        original(self, event)  # type: ignore[arg-type]

    monkeypatch.setattr(watcher._QueueHandler, "on_any_event", flaky)
    inbox = tmp_path / "inbox"
    with running(make_service(tmp_path, settings)):
        shutil.copy(LOG_DOCX, inbox / "first.docx")  # its event kills the observer thread
        wait_until(lambda: "restarting it" in caplog.text, 10, "the supervisor to notice")
        wait_until(lambda: outcome(tmp_path, "first.docx") is not None, 10, "the rescan after the restart")
        shutil.copy(LOG_XLSX, inbox / "second.xlsx")  # seen through events again, long before any rescan
        wait_until(lambda: outcome(tmp_path, "second.xlsx") is not None, 10, "an event after the restart")
    assert "its thread stopped" in caplog.text


def test_polling_that_lost_the_inbox_is_restarted_when_it_returns(tmp_path: Path, settings: Settings,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sglogs.service")
    inbox, away = tmp_path / "inbox", tmp_path / "inbox-away"
    with running(make_service(tmp_path, settings, polling=True)):
        wait_until(lambda: "polling" in caplog.text, 10, "the start")
        inbox.rename(away)  # the share drops out
        wait_until(lambda: "cannot be restarted yet" in caplog.text, 30, "the supervisor to notice")
        away.rename(inbox)  # and comes back
        wait_until(lambda: "running again" in caplog.text, 30, "the restart")
        shutil.copy(LOG_DOCX, inbox / "after.docx")
        wait_until(lambda: outcome(tmp_path, "after.docx") is not None, 30, "a file after the outage")


def test_native_events_unavailable_falls_back_to_polling(tmp_path: Path, settings: Settings,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sglogs.service")

    class NoInotify(watcher.Observer):  # type: ignore[misc,valid-type]
        def start(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watcher, "Observer", NoInotify)
    service = make_service(tmp_path, settings)
    with running(service):
        shutil.copy(LOG_DOCX, tmp_path / "inbox" / "log.docx")
        wait_until(lambda: outcome(tmp_path, "log.docx") is not None, 15, "the file")
    assert "native change events are not available" in caplog.text and "polling it instead" in caplog.text
    assert service.report.mode == "polling"


@pytest.mark.parametrize(("process", "knobs", "reason"), [
    (failing_process, {"max_attempts": 2}, "RuntimeError at service_helpers.py"),
    (crashing_process, {"max_attempts": 1}, "WorkerCrashed"),
    (slow_process, {"max_attempts": 1, "file_timeout_seconds": 1}, "TimeoutError"),
], ids=["bug", "crash", "hang"])
def test_a_file_that_keeps_failing_is_rejected_after_max_attempts(tmp_path: Path, settings: Settings,
                                                                  process: object, knobs: dict, reason: str) -> None:
    (tmp_path / "inbox").mkdir()
    shutil.copy(LOG_DOCX, tmp_path / "inbox" / "poison.docx")
    service = make_service(tmp_path, settings, process=process, **knobs)
    with running(service):
        wait_until(lambda: outcome(tmp_path, "poison.docx") is not None, 30, "the outcome")
    assert outcome(tmp_path, "poison.docx") is FileState.REJECTED
    note = (tmp_path / "outbox" / "rejected" / "poison.docx.error.txt").read_text()
    assert f"failed on poison.docx {knobs['max_attempts']} times" in note and reason in note
    [entry] = rows(tmp_path)
    assert entry.attempts == knobs["max_attempts"] and entry.error_kind == "TooManyAttempts"


def test_a_failure_that_is_not_the_files_fault_never_uses_up_attempts(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "inbox").mkdir()
    shutil.copy(LOG_DOCX, tmp_path / "inbox" / "log.docx")
    service = make_service(tmp_path, settings, process=disk_full_process, max_attempts=1)
    with running(service):
        wait_until(lambda: service.report.retries >= 3, 30, "three retries")
    [entry] = rows(tmp_path)
    assert entry.state is FileState.SEEN and entry.attempts == 0 and entry.error_kind == "OSError"
    assert (tmp_path / "inbox" / "log.docx").exists() and outcome(tmp_path, "log.docx") is None


def test_an_outbox_that_cannot_be_written_never_stops_the_service(tmp_path: Path, settings: Settings,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sglogs.service")
    (tmp_path / "outbox").mkdir()
    blocker = tmp_path / "outbox" / "rejected"
    blocker.write_text("a file where the rejected folder should be")
    inbox = tmp_path / "inbox"
    with running(make_service(tmp_path, settings, retry_seconds=0.2)):
        (inbox / "notes.txt").write_text("not a log\n")
        shutil.copy(LOG_DOCX, inbox / "log.docx")
        wait_until(lambda: "could not be dealt with (NotADirectoryError" in caplog.text, 20, "the failure")
        wait_until(lambda: outcome(tmp_path, "log.docx") is FileState.DONE, 20, "the other file, meanwhile")
        blocker.unlink()  # someone fixes the outbox
        wait_until(lambda: outcome(tmp_path, "notes.txt") is FileState.REJECTED, 20, "the retry")
    entry = next(e for e in rows(tmp_path) if e.path == "notes.txt")
    assert entry.attempts == 1 and (tmp_path / "outbox" / "rejected" / "notes.txt.error.txt").is_file()


def test_a_second_service_with_another_journal_is_refused(tmp_path: Path, settings: Settings) -> None:
    with running(make_service(tmp_path, settings)):
        wait_until(lambda: any((tmp_path / "inbox" / ".sglogs" / "services").glob("*.json")), 10, "the first")
        other = make_service(tmp_path, settings, journal=tmp_path / "other" / "journal.sqlite3")
        with pytest.raises(ConfigError, match="different journal"):
            other.run()


# ============================================================================================ the command line


@pytest.fixture
def cli_app() -> object:
    from sglogs.cli import app

    return app


def test_watch_once_then_status(tmp_path: Path, cli_app: object, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {**FAST, "journal": tmp_path / "j" / "journal.sqlite3", "work_dir": tmp_path / "w"}.items():
        monkeypatch.setenv(f"SGLOGS_SERVICE__{key.upper()}", str(value))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(LOG_DOCX, inbox / "log.docx")
    (inbox / "notes.txt").write_text("not a roster\n")
    runner = CliRunner()
    result = runner.invoke(cli_app, ["watch", "--once", "--inbox", str(inbox), "--outbox", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 done, 1 rejected, 0 duplicate; 0 files left waiting" in result.output
    status = runner.invoke(cli_app, ["status", "--inbox", str(inbox), "--json"])
    assert status.exit_code == 0, status.output
    data = json.loads(status.stdout)
    assert data["counts"]["done"] == 1 and data["counts"]["rejected"] == 1 and data["waiting"] == 0
    assert data["running"] == [] and data["last_errors"][0]["error_kind"] == "RosterError"
    text = runner.invoke(cli_app, ["status", "--inbox", str(inbox)])
    assert "Service: not running" in text.stdout and "1 done" in text.stdout and "#2" in text.stdout
    # people read a UK time and the reason, not an ISO stamp or a class name (issue 16)
    assert "RosterError" not in text.stdout and re.search(r"#2, \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d: rejected\. ",
                                                           text.stdout), text.stdout
    assert "0 files" in text.stdout


def test_watch_refuses_an_outbox_inside_the_inbox(tmp_path: Path, cli_app: object,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SGLOGS_SERVICE__JOURNAL", str(tmp_path / "j" / "journal.sqlite3"))
    (tmp_path / "inbox").mkdir()
    result = CliRunner().invoke(cli_app, ["watch", "--inbox", "inbox", "--outbox", "inbox/out"])
    assert result.exit_code == 4 and "inside the inbox" in result.output and "Traceback" not in result.output
    both = CliRunner().invoke(cli_app, ["watch", "--once", "--polling"])
    assert both.exit_code == 2 and "--once" in both.output


# ============================================================================================ real processes


def _drops_for(polling: bool) -> int:
    """CI size by default (200 with native events, 100 polling); ``SGTEST_SERVICE_DROPS`` for both modes."""
    if "SGTEST_SERVICE_DROPS" in os.environ:
        return int(os.environ["SGTEST_SERVICE_DROPS"])
    return 100 if polling else 200


@pytest.mark.slow
@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_kill_9_at_random_points_loses_nothing_and_does_nothing_twice(tmp_path: Path, polling: bool) -> None:
    seed = 20260501 + polling
    drops = build_corpus(tmp_path / "corpus", _drops_for(polling), seed)
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    env = service_env(tmp_path, **{**FAST, "settle_seconds": 0.4, "max_attempts": 10})
    args = ["--inbox", str(inbox), "--outbox", str(outbox), *(["--polling"] if polling else [])]
    log = tmp_path / "service.log"
    service = ServiceProcess(args, env, log, tmp_path)
    wait_until(service.started, 30, "the service to start")
    dropper = drop_all(inbox, tmp_path / "staging", drops, seed)
    rng, orphans = random.Random(seed), []
    pause = threading.Event()
    for _ in range(3):
        # each service is killed at a random point once it is running (dropping, settling, processing or
        # filing): on a loaded machine a start can take longer than the pause, and a service killed before it
        # started proves nothing about the journal
        wait_until(service.started, 60, "the service to start")
        pause.wait(rng.uniform(0.3, 2.0))
        orphans += service.kill9()
        service = ServiceProcess(args, env, log, tmp_path)
    dropper.join()
    wait_until(lambda: all_settled(tmp_path, inbox, len(drops)), 150, "every file's outcome")
    wait_until(service.started, 60, "the last service to start")  # everything may be settled before it is up
    assert service.terminate() == 0
    wait_until(lambda: processes_gone(orphans), 10, "killed services' workers to die with them")
    counts = check_exactly_once(drops, outbox, tmp_path)
    assert counts["duplicate"] >= len([d for d in drops if d.kind == "copy"])
    text = log.read_text()
    assert "Traceback" not in text and text.count("started (sglogs") == 4


@pytest.mark.slow
def test_two_services_on_one_folder_never_process_a_file_twice(tmp_path: Path) -> None:
    drops = build_corpus(tmp_path / "corpus", 40, seed=7)
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    env = service_env(tmp_path, **FAST)
    args = ["--inbox", str(inbox), "--outbox", str(outbox)]
    services = [ServiceProcess(args, env, tmp_path / f"service-{n}.log", tmp_path) for n in range(2)]
    for service in services:
        wait_until(service.started, 30, "the services to start")
    drop_all(inbox, tmp_path / "staging", drops, seed=7).join()
    wait_until(lambda: all_settled(tmp_path, inbox, len(drops)), 90, "every file's outcome")
    assert [s.terminate() for s in services] == [0, 0]
    check_exactly_once(drops, outbox, tmp_path)
    entries = rows(tmp_path)
    assert all(e.attempts <= 1 for e in entries), "a file was processed twice"
    outcome_lines = [line for s in services for line in s.log_text().splitlines()
                     if " done: " in line or " rejected: " in line or "duplicate of" in line]
    ids = [line.split("file #")[1].split()[0] for line in outcome_lines]
    assert len(ids) == len(set(ids)) == len(entries), "an outcome was recorded twice"


@pytest.mark.slow
def test_sigterm_finishes_the_current_file_then_stops(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = service_env(tmp_path, **FAST)
    service = ServiceProcess(["--inbox", str(inbox), "--outbox", str(tmp_path / "outbox")], env,
                             tmp_path / "service.log", tmp_path)
    wait_until(service.started, 30, "the service to start")
    big = roster_csv((f"T{i:04d}", f"Terry{i} Term{i}") for i in range(400))
    (inbox / "big-roster.csv").write_bytes(big)

    def processing() -> bool:
        if not journal_exists(tmp_path):
            return False
        j = journal(tmp_path)
        try:
            return any(e.state is FileState.PROCESSING for e in j.entries())
        finally:
            j.close()

    wait_until(processing, 30, "the roster to be taken")
    assert service.terminate(timeout=60) == 0
    assert "stop requested (SIGTERM)" in service.log_text()
    [entry] = rows(tmp_path)
    assert entry.state is FileState.DONE and entry.closed_at is not None
    assert len(list((tmp_path / "outbox" / "logs").rglob("*.docx"))) == 400
    processed = next((tmp_path / "outbox" / "processed").rglob("big-roster.csv"))
    assert sha256(processed.read_bytes()) == sha256(big) and not (inbox / "big-roster.csv").exists()

