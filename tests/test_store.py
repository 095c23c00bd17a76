"""The journal: states, atomic claims (also between real processes), duplicates, leases and recovery.

Every case that uses ``journal`` or ``store_url`` runs twice: on a SQLite file and on a fresh database of the
throw-away PostgreSQL cluster (``tests/pg.py``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from sglogs.errors import ConfigError
from sglogs.store import (
    ClaimStatus,
    FileState,
    InstanceInfo,
    Journal,
    describe_url,
    sqlite_path,
    sqlite_url,
)
from tests.pg import STORES, fresh_database

SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture
def journal(store_url: str) -> Journal:
    j = Journal.open(store_url)
    yield j
    j.close()


def _done(journal: Journal, file_id: int, owner: str = "me") -> None:
    assert journal.reserve_archive(file_id, owner, f"processed/2026-05/{file_id}.docx")
    assert journal.finish(file_id, owner, FileState.DONE, kind="log", outputs=["reviews/S1/x.json"])
    assert journal.mark_filed(file_id, owner)


def test_a_file_goes_from_seen_to_done_and_is_closed(journal: Journal) -> None:
    entry = journal.record("inbox", "Acorns/log.docx", SHA_A, 1234)
    assert entry.state is FileState.SEEN and entry.attempts == 0 and entry.closed_at is None
    claim = journal.claim(entry.id, "me", lease_seconds=60)
    assert claim.status is ClaimStatus.CLAIMED
    assert claim.entry is not None and claim.entry.state is FileState.PROCESSING and claim.entry.attempts == 1
    assert claim.entry.lease_until is not None and claim.entry.lease_until > time.time() + 50
    _done(journal, entry.id)
    final = journal.entry(entry.id)
    assert final is not None and final.state is FileState.DONE and final.claimed_by is None
    assert final.closed_at is not None and final.outputs == ("reviews/S1/x.json",)
    assert journal.counts()[FileState.DONE] == 1


def test_recording_the_same_file_twice_gives_one_row(journal: Journal) -> None:
    first = journal.record("inbox", "log.docx", SHA_A, 10)
    assert journal.record("inbox", "log.docx", SHA_A, 10).id == first.id
    # the same path in another inbox is another file
    assert journal.record("other-inbox", "log.docx", SHA_A, 10).id != first.id


def test_a_file_replaced_before_anyone_worked_on_it_is_forgotten(journal: Journal) -> None:
    old = journal.record("inbox", "log.docx", SHA_A, 10)
    new = journal.record("inbox", "log.docx", SHA_B, 12)
    assert journal.entry(old.id) is None and journal.entry(new.id) is not None


def test_only_one_claim_succeeds(journal: Journal) -> None:
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    assert journal.claim(entry.id, "one", lease_seconds=60).status is ClaimStatus.CLAIMED
    second = journal.claim(entry.id, "two", lease_seconds=60)
    assert second.status is ClaimStatus.BUSY and second.entry is not None and second.entry.claimed_by == "one"


def test_a_copy_waits_while_the_content_is_processed_then_is_a_duplicate(journal: Journal) -> None:
    first = journal.record("inbox", "log.docx", SHA_A, 10)
    copy = journal.record("inbox", "log (1).docx", SHA_A, 10)
    assert journal.claim(first.id, "me", lease_seconds=60).status is ClaimStatus.CLAIMED
    busy = journal.claim(copy.id, "me", lease_seconds=60)
    assert busy.status is ClaimStatus.BUSY and busy.other is not None and busy.other.id == first.id
    _done(journal, first.id)
    dup = journal.claim(copy.id, "me", lease_seconds=60)
    assert dup.status is ClaimStatus.DUPLICATE and dup.other is not None and dup.other.id == first.id
    assert dup.entry is not None and dup.entry.state is FileState.DUPLICATE and dup.entry.duplicate_of == first.id
    # dropped again later, at the same path as the first: still a duplicate, never reprocessed
    again = journal.record("inbox", "log.docx", SHA_A, 10)
    assert again.id not in (first.id, copy.id)
    assert journal.claim(again.id, "me", lease_seconds=60).status is ClaimStatus.DUPLICATE


def test_content_that_was_rejected_is_tried_again_when_dropped_again(journal: Journal) -> None:
    first = journal.record("inbox", "roster.csv", SHA_A, 10)
    journal.claim(first.id, "me", lease_seconds=60)
    assert journal.reserve_archive(first.id, "me", "rejected/roster.csv")
    journal.finish(first.id, "me", FileState.REJECTED, error_kind="RosterError", error="no Level column")
    journal.mark_filed(first.id, "me")
    again = journal.record("inbox", "roster.csv", SHA_A, 10)
    assert journal.claim(again.id, "me", lease_seconds=60).status is ClaimStatus.CLAIMED


def test_release_and_retry_after(journal: Journal) -> None:
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    journal.claim(entry.id, "me", lease_seconds=60)
    assert journal.release(entry.id, "me", not_before=time.time() + 60, error_kind="TimeoutError", error="slow")
    held = journal.entry(entry.id)
    assert held is not None and held.state is FileState.SEEN and held.attempts == 1 and held.claimed_by is None
    assert journal.claim(entry.id, "me", lease_seconds=60).status is ClaimStatus.NOT_YET
    journal.claim(entry.id, "me", lease_seconds=60, now=time.time() + 61)
    assert (journal.entry(entry.id) or held).attempts == 2
    # a failure that is not the file's (a full disk) gives the attempt back
    journal.release(entry.id, "me", count_attempt=False)
    assert (journal.entry(entry.id) or held).attempts == 1
    # only the holder can release
    journal.claim(entry.id, "me", lease_seconds=60)
    assert not journal.release(entry.id, "someone else")


def test_a_file_claimed_ahead_counts_an_attempt_only_when_started(journal: Journal) -> None:
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    claim = journal.claim(entry.id, "me", lease_seconds=60, count_attempt=False)
    assert claim.entry is not None and claim.entry.state is FileState.PROCESSING and claim.entry.attempts == 0
    journal.take_back(entry.id, "me")  # killed before it started: no attempt used up
    journal.claim(entry.id, "you", lease_seconds=60, count_attempt=False)
    assert journal.start_attempt(entry.id, "you") == 1
    assert journal.start_attempt(entry.id, "me") is None, "only the holder starts it"


def test_a_dead_services_claim_is_taken_back_and_redone(journal: Journal) -> None:
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    journal.claim(entry.id, "dead", lease_seconds=60)
    assert not journal.take_back(entry.id, "not-the-holder")
    assert journal.take_back(entry.id, "dead")
    redo = journal.claim(entry.id, "alive", lease_seconds=60)
    assert redo.status is ClaimStatus.CLAIMED and redo.entry is not None
    assert redo.entry.state is FileState.PROCESSING and redo.entry.attempts == 2
    assert not journal.finish(entry.id, "dead", FileState.DONE), "the dead service must not record an outcome"


def test_a_claim_whose_lease_ran_out_is_taken_over(journal: Journal) -> None:
    now = time.time()
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    journal.claim(entry.id, "stalled", lease_seconds=10, now=now)
    assert journal.claim(entry.id, "other", lease_seconds=10, now=now + 9).status is ClaimStatus.BUSY
    taken = journal.claim(entry.id, "other", lease_seconds=10, now=now + 11)
    assert taken.status is ClaimStatus.CLAIMED and taken.entry is not None and taken.entry.attempts == 2
    assert not journal.finish(entry.id, "stalled", FileState.DONE), "the stalled holder lost its claim"
    assert journal.finish(entry.id, "other", FileState.DONE)


def test_an_outcome_is_recorded_once_and_never_replaced(journal: Journal) -> None:
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    journal.claim(entry.id, "me", lease_seconds=60)
    assert journal.finish(entry.id, "me", FileState.REJECTED, error_kind="X", error="no")
    assert not journal.finish(entry.id, "me", FileState.DONE)
    assert journal.finish(entry.id, "me", FileState.REJECTED), "confirming the same outcome is harmless"
    assert (journal.entry(entry.id) or entry).state is FileState.REJECTED


def test_on_postgresql_a_claim_never_waits_behind_a_locked_row(pg_cluster: object) -> None:
    from tests.pg import fresh_database

    with fresh_database(pg_cluster) as url:
        journal = Journal.open(url)
        entry = journal.record("inbox", "log.docx", SHA_A, 10)
        engine = create_engine(url)
        try:
            with engine.begin() as other:  # another service, in the middle of its claim of this row
                other.execute(text("SELECT id FROM files WHERE id = :id FOR UPDATE"), {"id": entry.id})
                started = time.monotonic()
                assert journal.claim(entry.id, "me", lease_seconds=60).status is ClaimStatus.BUSY
                assert time.monotonic() - started < 2, "SKIP LOCKED: busy at once, not after the lock is let go"
            assert journal.claim(entry.id, "me", lease_seconds=60).status is ClaimStatus.CLAIMED
        finally:
            engine.dispose()
            journal.close()


def test_a_finished_file_claimed_again_keeps_its_outcome(journal: Journal) -> None:
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    journal.claim(entry.id, "dead", lease_seconds=60)
    journal.reserve_archive(entry.id, "dead", "processed/2026-05/log.docx")
    journal.finish(entry.id, "dead", FileState.DONE)
    journal.take_back(entry.id, "dead")  # it died before filing the original away
    claim = journal.claim(entry.id, "alive", lease_seconds=60)
    assert claim.status is ClaimStatus.CLAIMED and claim.entry is not None
    assert claim.entry.state is FileState.DONE and claim.entry.attempts == 1
    assert claim.entry.archive_path == "processed/2026-05/log.docx"


def test_two_files_cannot_be_filed_under_one_name(journal: Journal) -> None:
    a = journal.record("inbox", "a/log.docx", SHA_A, 10)
    b = journal.record("inbox", "b/log.docx", SHA_B, 10)
    journal.claim(a.id, "me", lease_seconds=60)
    journal.claim(b.id, "me", lease_seconds=60)
    assert journal.reserve_archive(a.id, "me", "processed/2026-05/log.docx")
    assert not journal.reserve_archive(b.id, "me", "processed/2026-05/log.docx")
    assert journal.reserve_archive(b.id, "me", "processed/2026-05/log (#2).docx")


def test_heartbeat_extends_leases(journal: Journal) -> None:
    now = time.time()
    info = InstanceInfo(id="me", host="h", host_key="h", pid=1, proc_token=None, inbox="/in", mode="polling",
                        version="0", started_at=now, heartbeat_at=now)
    journal.register_instance(info)
    entry = journal.record("inbox", "log.docx", SHA_A, 10)
    journal.claim(entry.id, "me", lease_seconds=5, now=now)
    assert journal.heartbeat("me", lease_seconds=60, now=now + 4) == 1
    assert (journal.entry(entry.id) or entry).lease_until == pytest.approx(now + 64)
    assert journal.instances_by_id(["me"])["me"].heartbeat_at == pytest.approx(now + 4)
    journal.stop_instance("me")
    assert journal.instances() == []


def test_recent_errors_and_forget_unclaimed(journal: Journal) -> None:
    gone = journal.record("inbox", "gone.docx", SHA_B, 10)
    assert journal.forget_unclaimed(gone.id)
    entry = journal.record("inbox", "x.txt", SHA_A, 10)
    journal.claim(entry.id, "me", lease_seconds=60)
    journal.finish(entry.id, "me", FileState.REJECTED, error_kind="UnsupportedFormatError", error="x.txt is not a log")
    assert not journal.forget_unclaimed(entry.id), "a file with an outcome is never forgotten"
    assert [e.error_kind for e in journal.recent_errors()] == ["UnsupportedFormatError"]


def test_a_journal_from_a_newer_sglogs_is_refused(store_url: str) -> None:
    Journal.open(store_url).close()
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema'"))
    engine.dispose()
    with pytest.raises(ConfigError, match="newer sglogs"):
        Journal.open(store_url)


def test_the_journal_is_in_wal_mode_and_keeps_its_id(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    first = Journal.open(sqlite_url(path))
    first.close()
    again = Journal.open(sqlite_url(path))
    assert again.journal_id == first.journal_id and len(again.journal_id) == 32
    again.close()
    import sqlite3

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_urls() -> None:
    assert sqlite_path(sqlite_url(Path("/var/lib/sglogs/journal.sqlite3"))) == Path("/var/lib/sglogs/journal.sqlite3")
    assert sqlite_path("postgresql+psycopg://u@db/sglogs") is None
    assert describe_url("postgresql+psycopg://u:secret@db/sglogs") == "postgresql+psycopg://u:***@db/sglogs"
    with pytest.raises(ConfigError, match="store_url"):
        describe_url("not a url")


@pytest.mark.parametrize("url", ["postgresql+nosuchdriver://u@localhost/sglogs", "mssql+pymssql://u@db/sglogs"])
def test_a_missing_database_driver_is_one_sentence(url: str) -> None:
    with pytest.raises(ConfigError, match="driver"):
        Journal.open(url)


# ------------------------------------------------------------------------------------------ real processes


def _claim_everything(url: str, owner: str, ids: list[int]) -> list[int]:
    journal = Journal.open(url)
    try:
        return [i for i in ids if journal.claim(i, owner, lease_seconds=60).status is ClaimStatus.CLAIMED]
    finally:
        journal.close()


def _process_copy(url: str, owner: str, path: str) -> str:
    """One service with its own copy of the same content: process it, or recognise it as a duplicate."""
    journal = Journal.open(url)
    try:
        entry = journal.record("inbox", path, SHA_A, 10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            claim = journal.claim(entry.id, owner, lease_seconds=60)
            if claim.status is ClaimStatus.CLAIMED:
                time.sleep(0.05)  # the work
                journal.reserve_archive(entry.id, owner, f"processed/{path}")
                journal.finish(entry.id, owner, FileState.DONE)
                journal.mark_filed(entry.id, owner)
                return "done"
            if claim.status is ClaimStatus.DUPLICATE:
                journal.reserve_archive(entry.id, owner, f"duplicates/{path}")
                journal.finish(entry.id, owner, FileState.DUPLICATE)
                journal.mark_filed(entry.id, owner)
                return "duplicate"
            time.sleep(0.01)
        return "stuck"
    finally:
        journal.close()


def _open_and_close(url: str) -> str:
    Journal.open(url).close()
    return "ok"


@contextlib.contextmanager
def _new_store(store: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """Another empty journal of the kind ``store`` names (for tests that need several)."""
    if store == "sqlite":
        folder.mkdir(parents=True)
        yield sqlite_url(folder / "journal.sqlite3")
    else:
        with fresh_database(request.getfixturevalue("pg_cluster")) as url:
            yield url


@pytest.mark.parametrize("store", STORES)
def test_services_starting_together_on_a_new_journal_all_open_it(tmp_path: Path, store: str,
                                                                 request: pytest.FixtureRequest) -> None:
    with ProcessPoolExecutor(3, mp_context=multiprocessing.get_context("spawn")) as pool:
        for round_ in range(15 if store == "sqlite" else 3):  # creating the tables (and WAL) at the same moment
            with _new_store(store, request, tmp_path / f"round-{round_}") as url:
                assert list(pool.map(_open_and_close, [url] * 3)) == ["ok"] * 3


def test_processes_racing_for_claims_each_file_claimed_exactly_once(store_url: str) -> None:
    url = store_url
    journal = Journal.open(url)
    ids = [journal.record("inbox", f"f{i}.docx", f"{i:064x}", 10).id for i in range(60)]
    journal.close()
    with ProcessPoolExecutor(3, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_claim_everything, [url] * 3, [f"p{n}" for n in range(3)], [ids] * 3))
    claimed = [i for r in results for i in r]
    assert sorted(claimed) == ids, "a file was claimed twice or not at all"


def test_processes_with_copies_of_one_content_process_it_once(store_url: str) -> None:
    url = store_url
    Journal.open(url).close()
    with ProcessPoolExecutor(3, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_process_copy, [url] * 3, [f"p{n}" for n in range(3)],
                                [f"copy-{n}.docx" for n in range(3)]))
    assert sorted(results) == ["done", "duplicate", "duplicate"]


# ------------------------------------------------------------------------------------------ properties


_OPS = st.lists(st.tuples(st.sampled_from(["record", "claim", "done", "reject", "release", "take_back", "file"]),
                          st.integers(0, 1), st.integers(0, 2), st.integers(0, 1)), max_size=40)


@pytest.mark.parametrize("store", STORES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_any_interleaving_keeps_one_outcome_per_content(tmp_path_factory: pytest.TempPathFactory,
                                                        request: pytest.FixtureRequest, store: str,
                                                        ops: list[tuple[str, int, int, int]]) -> None:
    """Two services doing anything in any order: at most one row per content is processing or done, a claim has
    one holder, and no row is done twice."""
    with _new_store(store, request, tmp_path_factory.mktemp("j") / "j") as url:
        _interleave(Journal.open(url), ops)


def _interleave(journal: Journal, ops: list[tuple[str, int, int, int]]) -> None:
    owners, contents = ["s1", "s2"], [SHA_A, SHA_B]
    try:
        for op, who, path_no, content_no in ops:
            owner, path, sha = owners[who], f"f{path_no}.docx", contents[content_no]
            entries = journal.entries(open_only=True)
            mine = [e for e in entries if e.claimed_by == owner]
            if op == "record":
                journal.record("inbox", path, sha, 1)
            elif op == "claim" and entries:
                journal.claim(entries[path_no % len(entries)].id, owner, lease_seconds=60)
            elif op in ("done", "reject") and mine and not mine[0].state.is_outcome:
                journal.reserve_archive(mine[0].id, owner, f"{op}/{mine[0].id}")
                state = FileState.DONE if op == "done" else FileState.REJECTED
                assert journal.finish(mine[0].id, owner, state)
            elif op == "release" and mine:
                journal.release(mine[0].id, owner)
            elif op == "take_back" and entries and entries[0].claimed_by not in (None, owner):
                journal.take_back(entries[0].id, entries[0].claimed_by or "")
            elif op == "file" and mine and mine[0].state.is_outcome:
                journal.mark_filed(mine[0].id, owner)
            rows = journal.entries()
            for sha_ in contents:
                worked = [e for e in rows if e.sha256 == sha_ and e.state in (FileState.PROCESSING, FileState.DONE)]
                assert len(worked) <= 1
            assert all(e.claimed_by in (None, *owners) for e in rows)
            assert all(e.closed_at is None or e.claimed_by is None for e in rows)
    finally:
        journal.close()


# ------------------------------------------------------------------------------------------ a damaged journal


def _not_a_database(path: Path) -> None:
    path.write_text("Journal notes for the Acorns team, typed over the journal by mistake.\n" * 50, encoding="utf-8")


def _damaged_pages(path: Path) -> None:
    journal = Journal.open(sqlite_url(path))
    for i in range(300):
        journal.record("inbox", f"Acorns/log-{i}.docx", f"{i:064x}", 1000 + i)
    journal.close()  # the last connection folds the WAL back into the file
    data = bytearray(path.read_bytes())
    data[4096:4096 * 6] = bytes(range(256)) * 80  # pages of the tables overwritten, as a bad disk or copy would
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_not_a_database, _damaged_pages], ids=["not-a-database", "damaged-pages"])
def test_a_damaged_journal_is_one_sentence_naming_the_file_and_the_way_out(tmp_path: Path, damage) -> None:
    path = tmp_path / "journal.sqlite3"
    damage(path)
    before = path.read_bytes()
    for create in (True, False):  # watch opens it to write, status only to read
        with pytest.raises(ConfigError) as caught:
            journal = Journal.open(sqlite_url(path), create=create)
            journal.entries()  # damage deep in the file shows only when its pages are read
            journal.counts()
        message = caught.value.message
        assert str(path) in message and "move it aside" in message and "outbox keeps" in message
        assert message.count(". ") == 0 and "\n" not in message, "one sentence"
        assert caught.value.exit_code == 4
    assert path.read_bytes() == before, "the damaged journal is left as it was, for whoever looks into it"
