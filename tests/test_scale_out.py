"""Scale-out: three ``sglogs watch`` processes on one inbox and one PostgreSQL journal, as a pool behind one share.

Logs, rosters, copies and bad files arrive in bursts; one service is killed (``kill -9``) and restarted a third of
the way through, another is stopped with SIGTERM at two thirds (and must stop within its ``stop_seconds``); every
file must still get exactly one whole outcome. The default run drops 60 files; the scale run (make test-scale) 1,000
(``SGTEST_SCALE_DROPS`` changes it). ``bench/bench_watch.py --instances`` measures speed.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest

from tests.pg import journal_url
from tests.service_helpers import (
    Drop,
    ServiceProcess,
    all_settled,
    build_corpus,
    check_exactly_once,
    drop_all,
    processes_gone,
    service_env,
    wait_until,
)

FAST = {"settle_seconds": 0.4, "heartbeat_seconds": 0.5, "lease_seconds": 5, "retry_seconds": 0.1,
        "incomplete_grace_seconds": 0.5, "poll_interval_seconds": 0.2, "max_attempts": 10, "workers": 1,
        "stop_seconds": 10}
BURST = 100


def _closed(tmp: Path) -> int:
    from sglogs.store import Journal

    try:
        journal = Journal.open(journal_url(tmp), create=False)
    except Exception:  # the tables are made by the first service
        return 0
    try:
        return sum(1 for entry in journal.entries() if entry.closed_at is not None)
    finally:
        journal.close()


def _drop_in_bursts(inbox: Path, staging: Path, drops: list[Drop], seed: int) -> threading.Thread:
    """Bursts of up to 100 files (a manager saving a term's logs), a few seconds apart."""
    def _run() -> None:
        rng = random.Random(seed)
        for start in range(0, len(drops), BURST):
            drop_all(inbox, staging, drops[start:start + BURST], seed + start, pause=0.005).join()
            time.sleep(rng.uniform(1.0, 3.0))

    thread = threading.Thread(target=_run, name="bursts")
    thread.start()
    return thread


def _three_services_exactly_once(tmp_path: Path, total: int) -> None:
    seed = 20261204 + total
    drops = build_corpus(tmp_path / "corpus", total, seed)
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    env = service_env(tmp_path, **FAST)
    assert "SGLOGS_SERVICE__STORE_URL" in env, "the services must share the PostgreSQL journal"
    args = ["--inbox", str(inbox), "--outbox", str(outbox)]
    logs = [tmp_path / f"service-{n}.log" for n in range(3)]
    services = [ServiceProcess(args, env, log, tmp_path) for log in logs]
    try:
        for service in services:
            wait_until(service.started, 60, "the services to start")
        started = time.monotonic()
        dropper = _drop_in_bursts(inbox, tmp_path / "staging", drops, seed)
        wait_until(lambda: _closed(tmp_path) >= len(drops) // 3, 60 + len(drops), "a third of the outcomes", 0.2)
        orphans = services[0].kill9()  # a host dies mid-run ...
        services[0] = ServiceProcess(args, env, logs[0], tmp_path)  # ... and comes back
        wait_until(lambda: _closed(tmp_path) >= 2 * len(drops) // 3, 60 + len(drops), "two thirds", 0.2)
        stopping = time.monotonic()
        assert services[1].terminate(timeout=60) == 0  # another is stopped for maintenance
        stop_seconds = time.monotonic() - stopping
        assert stop_seconds < FAST["stop_seconds"] + 10, f"SIGTERM took {stop_seconds:.1f} s"
        dropper.join()
        wait_until(lambda: all_settled(tmp_path, inbox, len(drops)), 120 + len(drops), "every file's outcome", 0.5)
        elapsed = time.monotonic() - started
        for service in (services[0], services[2]):
            assert service.terminate(timeout=60) == 0
        wait_until(lambda: processes_gone(orphans), 10, "the killed service's workers to die with it")
        counts = check_exactly_once(drops, outbox, tmp_path)
        assert sum(counts.values()) == len(drops)
        text = "".join(log.read_text() for log in logs)
        assert "Traceback" not in text
        print(f"\n{len(drops)} files, 3 services on PostgreSQL, one killed and one stopped ({stop_seconds:.1f} s): "
              f"{counts}, {len(drops) / elapsed * 60:.0f} files/min")
    finally:
        for service in services:
            if service.proc.poll() is None:
                service.proc.kill()
                service.proc.wait(10)


@pytest.mark.postgres
@pytest.mark.parametrize("service_store", ["postgres"], indirect=True)
def test_three_services_on_one_postgresql_journal_each_file_exactly_once(tmp_path: Path, service_store: str) -> None:
    _three_services_exactly_once(tmp_path, 60)


@pytest.mark.scale
@pytest.mark.postgres
@pytest.mark.parametrize("service_store", ["postgres"], indirect=True)
def test_a_thousand_files_in_bursts_on_three_services_each_exactly_once(tmp_path: Path, service_store: str) -> None:
    _three_services_exactly_once(tmp_path, int(os.environ.get("SGTEST_SCALE_DROPS", "1000")))
