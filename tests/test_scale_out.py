"""Scale-out: three ``sglogs watch`` processes on one inbox and one PostgreSQL journal, as a pool behind one share.

Logs, rosters, copies and bad files arrive in bursts; one service is killed (``kill -9``) and restarted half way,
another is stopped with SIGTERM; every file must still get exactly one whole outcome. ``SGTEST_SCALE_DROPS`` sets
the number of files (150 by default, to stay within CI time; ``bench/bench_watch.py`` measures speed).
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest

from tests.service_helpers import (
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
        "incomplete_grace_seconds": 0.5, "poll_interval_seconds": 0.2, "max_attempts": 10}


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("service_store", ["postgres"], indirect=True)
def test_three_services_on_one_postgresql_journal_each_file_exactly_once(tmp_path: Path, service_store: str) -> None:
    seed = 20261204
    drops = build_corpus(tmp_path / "corpus", int(os.environ.get("SGTEST_SCALE_DROPS", "150")), seed)
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
        dropper = drop_all(inbox, tmp_path / "staging", drops, seed)
        rng, pause = random.Random(seed), threading.Event()
        pause.wait(rng.uniform(1.0, 3.0))
        orphans = services[0].kill9()  # a host dies mid-run ...
        pause.wait(rng.uniform(0.5, 2.0))
        assert services[1].terminate(timeout=120) == 0  # ... another is stopped for maintenance ...
        services[0] = ServiceProcess(args, env, logs[0], tmp_path)  # ... and the first comes back
        dropper.join()
        wait_until(lambda: all_settled(tmp_path, inbox, len(drops)), 300, "every file's outcome")
        elapsed = time.monotonic() - started
        for service in (services[0], services[2]):
            assert service.terminate(timeout=120) == 0
        wait_until(lambda: processes_gone(orphans), 10, "the killed service's workers to die with it")
        counts = check_exactly_once(drops, outbox, tmp_path)
        assert sum(counts.values()) == len(drops)
        text = "".join(log.read_text() for log in logs)
        assert "Traceback" not in text
        print(f"\n{len(drops)} files, 3 services on PostgreSQL, one killed and one stopped: {counts}, "
              f"{len(drops) / elapsed * 60:.0f} files/min")
    finally:
        for service in services:
            if service.proc.poll() is None:
                service.proc.kill()
                service.proc.wait(10)
