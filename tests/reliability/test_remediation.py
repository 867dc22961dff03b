"""The remediation playbooks against the real local endpoint (a real HTTP server on 127.0.0.1) and a real ledger."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import psycopg
import pytest

from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.reliability.assets import REMEDIATIONS_KEY, record_ledger_written
from aias_dagster.reliability.backoff import Playbook, backoff_bound
from aias_dagster.reliability.endpoint import FaultPlan, start_endpoint
from aias_dagster.reliability.remediate import Pending, Summary, WallClock, idempotency_key, remediate
from tests.dbt.support import REPO_ROOT

PLAYBOOK = Playbook(1, "timeout", "retry", 4, 0.5, 10.0)
PLAYBOOKS = {"timeout": PLAYBOOK}
AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


class RecordingClock(WallClock):
    """Real time, but the backoff waits are recorded instead of slept (the test would take minutes)."""

    def __init__(self, stop_after_sleeps: int | None = None) -> None:
        self.slept: list[float] = []
        self.stop_after_sleeps = stop_after_sleeps

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if self.stop_after_sleeps is not None and len(self.slept) >= self.stop_after_sleeps:
            raise KeyboardInterrupt("the sensor's process stops")


def ledger(settings: ConnectionSettings, key: str) -> list[tuple[int, str, bool]]:
    with psycopg.connect(settings.url) as conn:
        return conn.execute(
            "select attempt, outcome, finished_at is not null from ops.remediations where idempotency_key = %s"
            " order by remediation_row_id",
            (key,),
        ).fetchall()


def keys_sent(endpoint_requests: list[tuple[str, str]]) -> set[str]:
    return {key for key, _ in endpoint_requests}


def test_retries_stop_at_the_bound_and_wait_with_full_jitter(database: ConnectionSettings) -> None:
    items = [Pending(f"ER{i:03d}", "timeout", AT) for i in range(60)]
    always_down = {idempotency_key(x.error_id, PLAYBOOK): ["503"] * 10 for x in items}
    clock = RecordingClock()
    with start_endpoint(FaultPlan(script=always_down)) as endpoint, psycopg.connect(database.url) as conn:
        summary = remediate(conn, items, endpoint.url, playbooks=PLAYBOOKS, clock=clock, rng=random.Random(1))
        per_key = {key: sum(k == key for k, _ in endpoint.state.requests) for key in always_down}
    assert set(per_key.values()) == {PLAYBOOK.max_attempts}  # the bound, never more
    assert summary.outcomes == {"failed": len(items)}
    first = next(iter(always_down))
    assert ledger(database, first) == [
        (1, "started", False), (1, "retry", True), (2, "started", False), (2, "retry", True),
        (3, "started", False), (3, "retry", True), (4, "started", False), (4, "failed", True),
    ]  # fmt: skip
    # Full jitter: after attempt n a uniform wait in [0, min(cap, base * 2^(n-1))], spread over the range.
    assert len(clock.slept) == len(items) * (PLAYBOOK.max_attempts - 1)
    for n in range(1, PLAYBOOK.max_attempts):
        bound = backoff_bound(n, PLAYBOOK.base_delay_seconds, PLAYBOOK.cap_seconds)
        waits = clock.slept[n - 1 :: PLAYBOOK.max_attempts - 1]
        assert all(0 <= w <= bound for w in waits)
        assert min(waits) < 0.2 * bound and max(waits) > 0.8 * bound
        assert 0.35 * bound < sum(waits) / len(waits) < 0.65 * bound


def test_429_503_and_a_timeout_then_success_run_the_action_once(database: ConnectionSettings) -> None:
    item = Pending("ER1", "timeout", AT)
    key = idempotency_key(item.error_id, PLAYBOOK)
    plan = FaultPlan(script={key: ["429", "503", "timeout"]}, stall_seconds=1.5)
    with start_endpoint(plan) as endpoint, psycopg.connect(database.url) as conn:
        summary = remediate(conn, [item], endpoint.url, playbooks=PLAYBOOKS, clock=RecordingClock(), timeout=0.5)
        assert [what for _, what in endpoint.state.requests] == ["429", "503", "timeout", "replayed"]
        assert endpoint.state.executions[key] == 1  # the timed-out attempt ran it; the retry got its answer
    assert summary.outcomes == {"succeeded": 1}
    assert [o for _, o, done in ledger(database, key) if done] == ["retry", "retry", "retry", "succeeded"]


def test_one_key_per_action_across_retries_and_a_restarted_sensor(database: ConnectionSettings) -> None:
    item = Pending("ER7", "timeout", AT)
    key = idempotency_key(item.error_id, PLAYBOOK)
    with start_endpoint(FaultPlan(script={key: ["503", "503"]})) as endpoint, psycopg.connect(database.url) as conn:
        with pytest.raises(KeyboardInterrupt):  # the sensor stops during the wait after its first attempt
            remediate(conn, [item], endpoint.url, playbooks=PLAYBOOKS, clock=RecordingClock(stop_after_sleeps=1))
        restarted = remediate(conn, [item], endpoint.url, playbooks=PLAYBOOKS, clock=RecordingClock())
        again = remediate(conn, [item], endpoint.url, playbooks=PLAYBOOKS, clock=RecordingClock())
        assert keys_sent(endpoint.state.requests) == {key}
        assert endpoint.state.executions[key] == 1
    assert restarted.outcomes == {"succeeded": 1} and again.skipped_done == 1 and again.attempts == 0
    assert [(a, o) for a, o, done in ledger(database, key) if done] == [(1, "retry"), (2, "retry"), (3, "succeeded")]


CHILD = """
import random, sys
from datetime import datetime, timezone
import psycopg
from aias_dagster.reliability.backoff import Playbook
from aias_dagster.reliability.remediate import Pending, remediate
with psycopg.connect(sys.argv[1]) as conn:
    remediate(conn, [Pending("ER9", "timeout", datetime(2026, 3, 1, tzinfo=timezone.utc))], sys.argv[2],
              playbooks={"timeout": Playbook(1, "timeout", "retry", 4, 0.5, 10.0)}, timeout=60)
"""


def test_kill_9_mid_remediation_then_a_new_tick_leaves_one_successful_action(database: ConnectionSettings) -> None:
    key = idempotency_key("ER9", PLAYBOOK)
    # The endpoint runs the action, then holds its answer back: the child is killed while it waits.
    with start_endpoint(FaultPlan(script={key: ["timeout"]}, stall_seconds=30)) as endpoint:
        child = subprocess.Popen([sys.executable, "-c", CHILD, database.url, endpoint.url], cwd=REPO_ROOT,
                                 env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})  # fmt: skip
        deadline = time.monotonic() + 60
        while endpoint.state.executions[key] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert endpoint.state.executions[key] == 1
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
        assert ledger(database, key) == [(1, "started", False)]  # what the killed run left
        with psycopg.connect(database.url) as conn:
            tick = remediate(conn, [Pending("ER9", "timeout", AT)], endpoint.url, playbooks=PLAYBOOKS,
                             clock=RecordingClock(), timeout=5)  # fmt: skip
        assert endpoint.state.executions[key] == 1
    assert tick.outcomes == {"succeeded": 1}
    rows = ledger(database, key)
    assert [o for _, o, _ in rows].count("succeeded") == 1
    assert rows[-1] == (1, "succeeded", True)  # the unfinished attempt 1, sent again under the same key


def test_the_ledger_is_append_only(database: ConnectionSettings) -> None:
    with start_endpoint() as endpoint, psycopg.connect(database.url) as conn:
        remediate(conn, [Pending("ER3", "timeout", AT)], endpoint.url, playbooks=PLAYBOOKS, clock=RecordingClock())
        for statement in ("update ops.remediations set outcome = 'failed'", "delete from ops.remediations"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
            conn.rollback()
        assert conn.execute("select count(*) from ops.remediations").fetchone() == (2,)


def test_the_sensor_requests_a_run_for_open_work_and_skips_without_an_endpoint(
    database: ConnectionSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg

    from aias_dagster.platform.resources import WarehouseResource
    from aias_dagster.reliability.sensors import remediation_sensor

    with psycopg.connect(database.url) as conn:
        conn.execute(
            "create schema intermediate; create table intermediate.int_reliability__classified_errors"
            " (error_id text, category text, occurred_at timestamptz, resolved_at timestamptz, is_auto_fixable bool);"
            " insert into intermediate.int_reliability__classified_errors values"
            " ('ER1', 'timeout', '2026-03-01 10:00+00', null, true),"
            " ('ER2', 'validation', '2026-03-01 10:00+00', null, false),"
            " ('ER3', 'rate_limit', '2026-03-01 10:00+00', '2026-03-01 10:03+00', true)"
        )
    resources = {"warehouse": WarehouseResource(url=database.url)}

    def tick() -> Any:
        # Closed after the tick: an open context keeps its resources' instance as Dagster's current one.
        with dg.build_sensor_context(resources=resources) as context:
            return remediation_sensor(context)

    monkeypatch.delenv("AIAS_REMEDIATION_URL", raising=False)
    skipped = tick()
    assert skipped.skip_reason is not None and "AIAS_REMEDIATION_URL" in str(skipped.skip_reason)
    with start_endpoint() as endpoint:
        monkeypatch.setenv("AIAS_REMEDIATION_URL", endpoint.url)
        first = tick()
        assert [r.run_key for r in first.run_requests] == ["remediate-ER1-1"]  # the open auto-fixable error only
        with psycopg.connect(database.url) as conn:
            remediate(conn, [Pending("ER1", "timeout", AT)], endpoint.url, clock=RecordingClock())
        done = tick()
        assert not done.run_requests and "no open" in str(done.skip_reason)


def test_a_ledger_written_outside_a_run_shows_as_a_materialization_of_its_asset() -> None:
    # After the demo's replay wrote 6,608 attempts, `ops/remediations` still read "never materialized" in the UI.
    replay = Summary(errors=3, attempts=5, outcomes=Counter(succeeded=2, failed=1))
    with dg.instance_for_test() as instance:
        record_ledger_written(instance, replay, "the demo's replay")
        event = instance.get_latest_materialization_event(REMEDIATIONS_KEY)
    assert event is not None and event.asset_materialization is not None
    materialization = event.asset_materialization
    assert materialization.description == "the demo's replay"
    assert {k: v.value for k, v in materialization.metadata.items()} == {
        "errors": 3, "attempts": 5, "succeeded": 2, "failed": 1, "already_done": 0,
    }  # fmt: skip
