"""Runs whose worker process died: found through the run's event log, marked failed.

Dagster's default launcher cannot tell whether a run's worker process is still alive, so a run whose
process was killed (kill -9, out of memory) would stay STARTED until run monitoring's
`max_runtime_seconds`. Run workers of this platform run on the machine of the code location, and each
run's event log names its pid ("Started process for run"), so the check is a signal 0 to that pid.
Only public Dagster API is used: the sensor `dead_run_workers` (orchestration/sensors.py) runs it under
the daemon, and `aias` commands, which run without a daemon, check their own run (orchestration/runs.py).
"""

from __future__ import annotations

import os

import dagster as dg


def run_worker_pid(entry: dg.EventLogEntry) -> int | None:
    """The process a run executes in, from its "Started process for run" engine event."""
    event = entry.dagster_event
    if event is None or event.event_type != dg.DagsterEventType.ENGINE_EVENT or event.step_key is not None:
        return None
    pid = getattr(event.event_specific_data, "metadata", {}).get("pid")
    return int(pid.value) if pid is not None else None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_pid_of(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The newest worker pid the run's event log names (a resumed run names a new one)."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT).records
    pids = [pid for record in records if (pid := run_worker_pid(record.event_log_entry)) is not None]
    return pids[-1] if pids else None


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark every STARTED run whose named process is gone failed; the ids of the runs marked.

    A run whose event log names no process yet is left alone: one that never starts is run
    monitoring's `start_timeout_seconds` case.
    """
    failed = []
    for run in instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        pid = worker_pid_of(instance, run.run_id)
        if pid is not None and not process_alive(pid):
            instance.report_run_failed(run, f"the run's process (pid {pid}) ended without finishing")
            failed.append(run.run_id)
    return failed
