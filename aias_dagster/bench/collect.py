"""`make bench --only collect`: `aias collect` under a bounded load, beside plain COPY of the same rows.

A real collector (its own process, uvicorn, one worker) on a fresh database `aias_bench_collect`. The load:
pre-built Segment batches of 100 events (the SDK's default batch) and Sentry envelopes of one event each
(as the SDKs send them, brotli-compressed), posted by a few keep-alive connections at once; then the real
segment-analytics-python client sending the same number of events. Each request's acknowledgement time is
measured at the client, the collector's memory (RSS) sampled throughout. The floor is COPY of the same rows
into an all-text table, and into a typed table keyed like raw.product_events.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from base64 import b64encode
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import brotli
import psycopg

from aias_dagster.collect.keys import SENTRY_KEY_ENV, WRITE_KEY_ENV
from aias_dagster.platform.warehouse import DATABASE_URL_ENV, HOME_ENV, ConnectionSettings, project_root

BENCH_COLLECT_DATABASE = "aias_bench_collect"
BATCH_EVENTS = 100  # segment-analytics-python's default upload_size
FEATURES = ("dashboards", "alerts", "api_keys", "webhooks", "sso", "exports", "ai_assistant", "workflows")


@dataclass(frozen=True)
class Load:
    label: str
    events: int
    seconds: float
    latencies_ms: list[float]  # one per request

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def segment_events(n: int, tag: str) -> list[dict[str, object]]:
    """n track calls of 2,000 accounts' users, their features from the catalog, stamped over the last hour."""
    now = datetime.now(UTC)
    return [
        {
            "type": "track",
            "messageId": f"{tag}-{i:08d}",
            "userId": f"U{i % 20000:07d}",
            "event": f"{FEATURES[i % len(FEATURES)].replace('_', ' ').title()} Used",
            "context": {"groupId": f"C{i % 2000:06d}", "library": {"name": "bench"}},
            "properties": {"plan": "pro", "step": i % 7},
            "timestamp": (now - timedelta(seconds=i % 3600)).isoformat(),
        }
        for i in range(n)
    ]


def sentry_envelope(i: int, tag: str) -> bytes:
    event = {
        "event_id": uuid.uuid5(uuid.NAMESPACE_OID, f"{tag}-{i}").hex,
        "timestamp": time.time(),
        "platform": "python",
        "server_name": f"web-{i % 4}",
        "tags": {"service": f"svc-{i % 5}", "request_id": f"req-{i}"},
        "user": {"id": f"C{i % 2000:06d}"},
        "exception": {"values": [{"type": "TimeoutError", "value": f"upstream timed out after {i % 30}s",
                                  "stacktrace": {"frames": [{"module": "app.api", "function": "call",
                                                             "filename": "app/api.py", "lineno": 40,
                                                             "in_app": True}]}}]},
    }  # fmt: skip
    payload = json.dumps(event).encode()
    header = json.dumps({"event_id": event["event_id"], "sent_at": datetime.now(UTC).isoformat()}).encode()
    item = json.dumps({"type": "event", "length": len(payload)}).encode()
    return brotli.compress(header + b"\n" + item + b"\n" + payload, quality=4)


def post_all(port: int, bodies: list[tuple[str, bytes, dict[str, str]]], senders: int) -> tuple[float, list[float]]:
    """Every (path, body, headers) posted by `senders` keep-alive connections; wall seconds and each latency."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(reversed(bodies))
    failures: list[str] = []

    def send() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                if not queue:
                    break
                path, body, headers = queue.pop()
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                failures.append(f"{path}: {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=send) for _ in range(senders)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} requests refused, first: {failures[0]}")
    return time.perf_counter() - started, latencies


class RssSampler:
    """The collector process's resident memory, sampled every 0.2 s while the loads run."""

    def __init__(self, pid: int) -> None:
        self.pid, self.running = pid, True
        self.samples = [self.rss()]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def rss(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def _run(self) -> None:
        while self.running:
            time.sleep(0.2)
            self.samples.append(self.rss())

    def stop(self) -> tuple[float, float, float]:
        self.running = False
        self.thread.join()
        return self.samples[0], max(self.samples), self.samples[-1]


def start_collector(settings: ConnectionSettings, home: Path, port: int, keys: tuple[str, str]) -> subprocess.Popen:
    env = {**os.environ, DATABASE_URL_ENV: settings.url, HOME_ENV: str(home), WRITE_KEY_ENV: keys[0],
           SENTRY_KEY_ENV: keys[1]}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "aias_dagster.cli", "collect", "--port", str(port)],
        cwd=project_root(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("aias collect did not start within 60 s")


def copy_floor(settings: ConnectionSettings, events: list[dict[str, object]]) -> tuple[Load, Load]:
    """COPY of the same rows: into an all-text table, and into a typed table with the key as primary key."""
    rows = [
        (e["messageId"], e["context"]["groupId"], e["userId"], e["event"], None, e["timestamp"],  # type: ignore[index]
         json.dumps(e["properties"]))
        for e in events
    ]  # fmt: skip
    loads = []
    with psycopg.connect(settings.url, autocommit=True) as conn:
        for label, ddl in (
            ("plain COPY (all text, no key)", "create table plain_events (event_id text, customer_id text, "
             "user_id text, event_name text, feature text, occurred_at text, properties text)"),
            ("typed COPY + primary key", "create table typed_events (event_id text primary key, customer_id text, "
             "user_id text, event_name text, feature text, occurred_at timestamptz, properties jsonb)"),
        ):  # fmt: skip
            table = ddl.split()[2]
            conn.execute(ddl)  # type: ignore[arg-type]
            times = []
            for _ in range(3):  # a tenth of a second is noisy on a shared machine: the median of three
                conn.execute(f"truncate {table}")  # type: ignore[arg-type]
                started = time.perf_counter()
                with conn.transaction(), conn.cursor().copy(f"copy {table} from stdin") as copy:  # type: ignore[arg-type]
                    for row in rows:
                        copy.write_row(row)
                times.append(time.perf_counter() - started)
            loads.append(Load(label, len(rows), sorted(times)[1], []))
    return loads[0], loads[1]


def segment_sdk(port: int, write_key: str, events: list[dict[str, object]]) -> Load:
    """The real segment-analytics-python client (background queue, batches of 100) sending every event."""
    from segment.analytics import Client

    client = Client(write_key, host=f"http://127.0.0.1:{port}", upload_size=BATCH_EVENTS, upload_interval=0.05,
                    max_queue_size=len(events) + 1, thread=2)  # fmt: skip
    started = time.perf_counter()
    for e in events:
        client.track(user_id=e["userId"], event=e["event"], properties=e["properties"],
                     context=e["context"], message_id=e["messageId"])  # fmt: skip
    client.flush()
    seconds = time.perf_counter() - started
    client.shutdown()
    return Load("segment-analytics-python (2 threads)", len(events), seconds, [])


def collect_benchmark(events: int, errors: int, senders: int, say: Callable[[str], None] = print) -> None:
    from aias_dagster.bench.loader import fresh_bench_database
    from aias_dagster.collect.segment import BATCH_LIMIT
    from aias_dagster.collect.server import SENTRY_PROJECT_ID
    from aias_dagster.platform.warehouse import aias_home, warehouse_settings

    settings = fresh_bench_database(warehouse_settings(), BENCH_COLLECT_DATABASE)
    keys = (uuid.uuid4().hex, uuid.uuid4().hex)
    port = 8079
    process = start_collector(settings, aias_home() / "bench" / "collect_home", port, keys)
    auth = {"Authorization": "Basic " + b64encode(f"{keys[0]}:".encode()).decode(), "Content-Type": "application/json"}
    try:
        tag = uuid.uuid4().hex[:6]
        batch_events = segment_events(events, f"b{tag}")
        bodies = []
        for i in range(0, events, BATCH_EVENTS):
            body = json.dumps({"batch": batch_events[i : i + BATCH_EVENTS], "sentAt": datetime.now(UTC).isoformat()})
            assert len(body) < BATCH_LIMIT
            bodies.append(("/v1/batch", body.encode(), auth))
        sentry_headers = {"X-Sentry-Auth": f"Sentry sentry_key={keys[1]}, sentry_version=7",
                          "Content-Encoding": "br", "Content-Type": "application/x-sentry-envelope"}  # fmt: skip
        envelopes = [(f"/api/{SENTRY_PROJECT_ID}/envelope/", sentry_envelope(i, tag), sentry_headers)
                     for i in range(errors)]  # fmt: skip
        sampler = RssSampler(process.pid)
        say(f"{events:,} events in {len(bodies):,} Segment batches, {senders} connections ...")
        seconds, latencies = post_all(port, bodies, senders)
        batch = Load("/v1/batch, 100 events a request", events, seconds, latencies)
        say(f"{errors:,} Sentry envelopes, {senders} connections ...")
        seconds, latencies = post_all(port, envelopes, senders)
        sentry = Load("Sentry envelopes, 1 event each", errors, seconds, latencies)
        say("the same number of events through segment-analytics-python ...")
        sdk = segment_sdk(port, keys[0], segment_events(events, f"s{tag}"))
        rss = sampler.stop()
        with psycopg.connect(settings.url) as conn:
            stored = conn.execute("select count(*) from raw.product_events").fetchone()[0]  # type: ignore[index]
            errors_stored = conn.execute("select count(*) from raw.app_errors").fetchone()[0]  # type: ignore[index]
        plain, typed = copy_floor(settings, batch_events)
        version = psycopg.connect(settings.url).execute("show server_version").fetchone()[0]  # type: ignore[index]
    finally:
        process.terminate()
        process.wait(timeout=30)
    say("")
    say(f"make bench: aias collect, Postgres {version}, one uvicorn worker, load generator on the same machine")
    say(f"  {'load':<40}{'events/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'time':>8}")
    for load in (batch, sentry, sdk, plain, typed):
        p50 = f"{load.percentile(0.5):.1f}" if load.latencies_ms else "-"
        p99 = f"{load.percentile(0.99):.1f}" if load.latencies_ms else "-"
        say(f"  {load.label:<40}{load.events_per_second:>10,.0f}{p50:>9}{p99:>9}{load.seconds:>7.1f}s")
    say(f"  stored: {stored:,} product events (of {2 * events:,} sent), {errors_stored:,} errors (of {errors:,})")
    say(f"  /v1/batch = {batch.events_per_second / plain.events_per_second:.2f} x plain COPY of the same rows, "
        f"{batch.events_per_second / typed.events_per_second:.2f} x typed COPY with the key")  # fmt: skip
    say(f"  collector RSS: {rss[0]:.0f} MiB at start, peak {rss[1]:.0f} MiB, {rss[2]:.0f} MiB at the end")
