"""Nothing acknowledged is lost and nothing counts twice: a collector killed mid-load, a warehouse not there yet.

The Segment SDK runs as applications run it (a background queue, batches, its own retries); what it was told
is stored must be in raw exactly once after the collector restarts, and what got a 503 must arrive once
Postgres is back.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests
import uvicorn
from segment.analytics import Client

from aias_dagster.collect.app import Collector, ConnectionPool, build_app
from aias_dagster.collect.keys import CollectKeys
from aias_dagster.collect.spool import Spool
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.collect.support import capture_error, free_port, start_collector
from tests.conftest import create_database, drop_database

EVENTS = 3000


def event_count(settings: ConnectionSettings, prefix: str) -> tuple[int, int]:
    with psycopg.connect(settings.url) as conn:
        return conn.execute(  # type: ignore[return-value]
            "select count(*), count(distinct event_id) from raw.product_events where event_id like %s", (f"{prefix}%",)
        ).fetchone()


def test_after_a_kill_9_mid_load_every_event_is_stored_exactly_once(
    pg_server: ConnectionSettings, tmp_path: Path
) -> None:
    database = create_database(pg_server, prefix="aias_collect")
    first = start_collector(database, tmp_path / "home")
    second = None
    dropped: list[object] = []
    client = Client(
        first.write_key, host=first.url, upload_size=50, upload_interval=0.01, max_retries=30,
        on_error=lambda error, batch: dropped.append(batch),
    )  # fmt: skip
    prefix = f"kill-{uuid.uuid4().hex[:8]}-"
    try:

        def send(numbers: range) -> None:
            for n in numbers:
                client.track(user_id=f"u{n % 7}", event="Alerts Created", message_id=f"{prefix}{n:05d}",
                             context={"groupId": f"acct-{n % 5}"})  # fmt: skip

        send(range(EVENTS // 2))
        deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
        while event_count(database, prefix)[0] == 0:  # the load is under way: some batches are committed
            assert time.monotonic() < deadline and not dropped, f"nothing stored; dropped: {dropped[:1]}"
            time.sleep(0.01)
        first.kill()
        send(range(EVENTS // 2, EVENTS))  # the application keeps sending while the collector is gone
        second = start_collector(database, tmp_path / "home", port=first.port, keys=(first.write_key, first.sentry_key))
        client.flush()
        assert dropped == []
        assert event_count(database, prefix) == (EVENTS, EVENTS)
    finally:
        client.shutdown()
        for running in (first, second):
            if running is not None:
                running.stop()
        drop_database(pg_server, database)


def refused(url: str) -> int:
    """503 answers to Segment calls so far, from the collector's /metrics."""
    series = 'aias_collect_requests_total{source="segment",code="503"}'
    lines = requests.get(f"{url}/metrics", timeout=10).text.splitlines()
    return next((int(line.split()[-1]) for line in lines if line.startswith(series)), 0)


@contextmanager
def collector_thread(database_url: str, keys: CollectKeys, spool: Spool | None = None) -> Iterator[str]:
    """The collector's app on uvicorn in a thread of this process: for a database URL the test controls."""
    port = free_port()
    collector = Collector(
        keys=keys, pool=ConnectionPool(database_url), retry_after_seconds=1, spool=spool, replay_seconds=0.2
    )
    app = build_app(collector)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_while_postgres_is_unreachable_the_answer_is_503_and_the_sdks_retry_delivers(
    pg_server: ConnectionSettings,
) -> None:
    later = f"aias_collect_later_{uuid.uuid4().hex[:8]}"  # a database that does not exist yet: unreachable
    keys = CollectKeys(write_key=uuid.uuid4().hex, sentry_key=uuid.uuid4().hex)
    with collector_thread(pg_server.with_database(later).url, keys) as url:
        answer = requests.post(
            f"{url}/v1/track", json={"userId": "u", "event": "x"}, auth=(keys.write_key, ""), timeout=10
        )
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
        health = requests.get(f"{url}/healthz", timeout=10)
        assert health.status_code == 503
        client = Client(keys.write_key, host=url, upload_interval=0.01, max_retries=30)
        message_id = f"later-{uuid.uuid4().hex}"
        client.track(user_id="u1", event="Alerts Created", message_id=message_id, context={"groupId": "acct-1"})
        deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
        while refused(url) < 2:
            assert time.monotonic() < deadline, "the SDK never sent its batch"
            time.sleep(0.02)  # the SDK's first attempt was refused too: the batch waits in its queue
        with psycopg.connect(pg_server.url, autocommit=True) as conn:
            conn.execute(f'create database "{later}"')  # Postgres is back
        try:
            client.flush()
            client.shutdown()
            settings = pg_server.with_database(later)
            assert event_count(settings, message_id) == (1, 1)
        finally:
            drop_database(pg_server, pg_server.with_database(later))


def test_while_postgres_is_unreachable_sentry_events_are_kept_on_disk_and_stored_once_it_is_back(
    pg_server: ConnectionSettings, tmp_path: Path
) -> None:
    # Sentry's SDK drops an envelope answered 503 (it retries nothing): the collector keeps it instead.
    later = f"aias_collect_later_{uuid.uuid4().hex[:8]}"
    keys = CollectKeys(write_key=uuid.uuid4().hex, sentry_key=uuid.uuid4().hex)
    spool = Spool(tmp_path / "spool")
    with collector_thread(pg_server.with_database(later).url, keys, spool) as url:
        dsn = url.replace("://", f"://{keys.sentry_key}@", 1) + "/1"
        event_id = capture_error(dsn, KeyError("plan"), {"service": "billing"})
        kept = list((tmp_path / "spool").glob("*.json"))
        assert len(kept) == 1 and keys.sentry_key not in kept[0].read_text()  # the envelope's DSN is not kept
        with psycopg.connect(pg_server.url, autocommit=True) as conn:
            conn.execute(f'create database "{later}"')  # Postgres is back
        try:
            deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
            while spool.count():
                assert time.monotonic() < deadline, "the spool was never stored"
                time.sleep(0.05)
            with psycopg.connect(pg_server.with_database(later).url) as conn:
                found = conn.execute("select service, error_class from raw.app_errors where error_id = %s", (event_id,))
                assert found.fetchall() == [("billing", "KeyError")]
        finally:
            drop_database(pg_server, pg_server.with_database(later))
