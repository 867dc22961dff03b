"""Issue 8, item 9: a run whose process died is marked failed; the instance monitors the others.

The instance is the one `aias` writes (platform/instance.py), on the test server; the check is what the
daemon's sensor `dead_run_workers` runs, over runs whose event log names their process.
"""

from __future__ import annotations

import subprocess
import uuid

import dagster as dg
from dagster._core.events import EngineEventData

from aias_dagster.orchestration.sensors import dead_run_workers
from aias_dagster.platform.instance import (
    RUN_MONITORING_POLL_SECONDS,
)
from aias_dagster.platform.run_workers import fail_dead_runs


def started_run(instance: dg.DagsterInstance, pid: int) -> dg.DagsterRun:
    """A STARTED run whose event log names pid as its process, as `dagster api execute_run` records it."""
    run = instance.add_run(
        dg.DagsterRun(job_name="ingest", run_id=str(uuid.uuid4()), status=dg.DagsterRunStatus.STARTED)
    )
    instance.report_engine_event(f"Started process for run (pid: {pid}).", run, EngineEventData.in_process(pid))
    return run


def test_a_run_whose_process_died_is_marked_failed_and_a_live_one_is_left_running(
    instance: dg.DagsterInstance,
) -> None:
    # The generated instance monitors runs, with the timeouts README states (one test: storage takes seconds).
    assert dead_run_workers.default_status == dg.DefaultSensorStatus.RUNNING
    assert dead_run_workers.minimum_interval_seconds == RUN_MONITORING_POLL_SECONDS
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_settings["poll_interval_seconds"] == RUN_MONITORING_POLL_SECONDS == 30
    assert instance.run_monitoring_start_timeout_seconds == 180
    assert instance.run_monitoring_max_runtime_seconds == 4 * 3600

    # A kill -9 left Dagster runs in STARTED for ever.
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "60"])
    try:
        gone, running = started_run(instance, dead.pid), started_run(instance, alive.pid)
        assert fail_dead_runs(instance) == [gone.run_id]
        assert fail_dead_runs(instance) == []  # a second poll finds nothing new

        assert instance.get_run_by_id(running.run_id).status == dg.DagsterRunStatus.STARTED  # type: ignore[union-attr]
        failed = instance.get_run_by_id(gone.run_id)
        assert failed.status == dg.DagsterRunStatus.FAILURE  # type: ignore[union-attr]
        messages = [r.event_log_entry.message for r in instance.get_records_for_run(gone.run_id).records]
        assert any(f"the run's process (pid {dead.pid}) ended without finishing" in m for m in messages), messages
    finally:
        alive.kill()
        alive.wait()
