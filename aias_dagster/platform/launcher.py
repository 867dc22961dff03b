"""The run launcher of both instances: Dagster's own, plus a health check of the run's process.

Dagster's DefaultRunLauncher cannot tell whether a run's worker process is still alive, so run
monitoring (the daemon, dagster.yaml's `run_monitoring`) would leave a run whose process was killed
(kill -9, out of memory) in STARTED until `max_runtime_seconds`. Run workers of this platform run on
the machine of the code location, and each run's event log names its pid ("Started process for
run"), so the check is a signal 0 to that pid: a run whose process is gone is marked failed at the
daemon's next poll.
"""

from __future__ import annotations

import os

import dagster as dg
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus


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


def worker_health(instance: dg.DagsterInstance, run: dg.DagsterRun) -> CheckRunHealthResult:
    """RUNNING while the run's process lives (or has not been named yet), FAILED once it is gone."""
    pid = worker_pid_of(instance, run.run_id)
    if pid is None:
        return CheckRunHealthResult(WorkerStatus.UNKNOWN, "the run's event log names no process yet")
    if process_alive(pid):
        return CheckRunHealthResult(WorkerStatus.RUNNING, run_worker_id=str(pid))
    return CheckRunHealthResult(
        WorkerStatus.FAILED, f"the run's process (pid {pid}) ended without finishing", run_worker_id=str(pid)
    )


class MonitoredRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher whose runs run monitoring can check (dagster.yaml's `run_launcher`)."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        result = worker_health(self._instance, run)
        # Unknown (no pid recorded yet) is not a death: a run that never starts is start_timeout's case.
        return result if result.status != WorkerStatus.UNKNOWN else CheckRunHealthResult(WorkerStatus.RUNNING)
