"""Launching the platform's jobs over delivery days, recorded in the Dagster instance like UI runs.

Orchestration, not the command line: the run tags of a partition or a range are read by sensors
(product/sensors.py) as well as written by `aias`, and the bench and the tests run jobs with the same
runners, so all of them import this module from below the CLI.

`CodeLocationRunner` launches a run through the code location of workspace.yaml (`dagster job launch`),
so the run carries the location's origin: the UI lists it on the job's page, in the Overview timeline
and in each asset's events with its partition, exactly like a run launched from the UI. The CLI follows
the run's event log and prints what each step did. `InProcessRunner` executes a job of a Definitions
object in this process, for the tests and the bench, which build Definitions of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import dagster as dg

from aias_dagster.orchestration.jobs import INGEST_JOB, TRANSFORM_JOB
from aias_dagster.platform.instance import cli_dagster_home, open_instance
from aias_dagster.platform.partitions import day_key, partition_bounds
from aias_dagster.platform.run_workers import process_alive, run_worker_pid
from aias_dagster.platform.warehouse import ConnectionSettings, project_root
from aias_dagster.transform.assets import DBT_AFTER_PYTHON_NAME, DBT_ASSETS_NAME

# Dagster's run tags for a partition and for a single-run backfill of a range (documented run tags).
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
# Both dbt steps of the transform and nightly jobs: before the Python assets and after them (transform/assets.py).
FULL_REFRESH_CONFIG = {
    "ops": {name: {"config": {"full_refresh": True}} for name in (DBT_ASSETS_NAME, DBT_AFTER_PYTHON_NAME)}
}
POLL_SECONDS = 1.0
PROGRESS_EVENTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
FOLLOWED_EVENTS = {*PROGRESS_EVENTS, dg.DagsterEventType.ENGINE_EVENT}


class PipelineError(RuntimeError):
    """A job run failed, or could not start; the message names the run and what to fix."""


@dataclass(frozen=True)
class RunOutcome:
    """What a run did: the assets it materialized and how its checks (dbt tests among them) came out."""

    run_id: str
    job_name: str
    materialized: tuple[dg.AssetKey, ...]
    checks_passed: int
    checks_failed: int
    checks_warned: int
    metadata: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # each asset's last materialization
    warned_checks: tuple[str, ...] = ()  # "<asset> <check>" of each check that warned, for the summary
    steps: tuple[tuple[str, float], ...] = ()  # each step's seconds, from the event log (runs launched by `aias`)

    @property
    def loader_metadata(self) -> dict[str, Mapping[str, Any]]:
        """The loaders' own (raw/<source>): files loaded, unchanged and ignored."""
        return {key: values for key, values in self.metadata.items() if key.startswith("raw/")}

    @property
    def models_built(self) -> int:
        """dbt models and seeds materialized (each once, whatever the partitions of the run)."""
        return len({key for key in self.materialized if key.path[0] != "raw"})

    @property
    def files_loaded(self) -> int:
        return sum(int(meta.get("files_loaded", 0)) for meta in self.loader_metadata.values())

    @property
    def files_unchanged(self) -> int:
        return sum(int(meta.get("files_unchanged", 0)) for meta in self.loader_metadata.values())

    def describe(self) -> str:
        """The tests that warned by name: a count alone leaves the reader to search the run for them."""
        warned = f" ({', '.join(self.warned_checks)})" if self.warned_checks else ""
        return (
            f"{self.models_built} models built, {self.checks_passed} tests passed, "
            f"{self.checks_warned} warned{warned}, {self.checks_failed} failed"
        )


def outcome_of(
    run_id: str, job_name: str, events: Iterable[dg.DagsterEvent], steps: tuple[tuple[str, float], ...] = ()
) -> RunOutcome:
    materialized: list[dg.AssetKey] = []
    metadata: dict[str, Mapping[str, Any]] = {}
    warned_checks: list[str] = []
    passed = failed = warned = 0
    for event in events:
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization  # type: ignore[union-attr]
            materialized.append(materialization.asset_key)
            metadata[materialization.asset_key.to_user_string()] = {
                name: value.value for name, value in materialization.metadata.items()
            }
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed:  # type: ignore[union-attr]
                passed += 1
            elif evaluation.severity == dg.AssetCheckSeverity.WARN:  # type: ignore[union-attr]
                warned += 1
                warned_checks.append(f"{evaluation.asset_key.to_user_string()} {evaluation.check_name}")  # type: ignore[union-attr]
            else:
                failed += 1
    return RunOutcome(
        run_id, job_name, tuple(materialized), passed, failed, warned, metadata, tuple(warned_checks), steps
    )


def step_ended(entry: dg.EventLogEntry, started: dict[str, float]) -> tuple[str, float, bool] | None:
    """(step, seconds since its start, succeeded) when `entry` ends a step; a step start is noted in `started`.
    One reading of the event log for the progress lines a run prints and the timings it returns."""
    event = entry.dagster_event
    if event is None or event.step_key is None or event.event_type not in PROGRESS_EVENTS:
        return None
    if event.event_type == dg.DagsterEventType.STEP_START:
        started[event.step_key] = entry.timestamp
        return None
    took = entry.timestamp - started.get(event.step_key, entry.timestamp)
    return event.step_key, took, event.event_type == dg.DagsterEventType.STEP_SUCCESS


def step_seconds(entries: Iterable[dg.EventLogEntry]) -> tuple[tuple[str, float], ...]:
    """Each step's seconds from its start to its end, in the order the steps ended (the event log's clock)."""
    started: dict[str, float] = {}
    ended = (step_ended(entry, started) for entry in entries)
    return tuple((step, took) for step, took, _ in filter(None, ended) if step in started)


def failure_messages(events: Iterable[dg.DagsterEvent]) -> list[str]:
    """The user's own exception under Dagster's wrappers, per failed step: it names the file or setting."""
    messages = []
    for event in events:
        if event.is_step_failure and event.event_specific_data is not None:
            error = event.event_specific_data.error  # type: ignore[union-attr]
            while error.cause is not None:
                error = error.cause
            messages.append(f"{event.step_key}: {error.message.strip()}")
        elif event.event_type == dg.DagsterEventType.RUN_FAILURE and event.message and not messages:
            messages.append(event.message.strip())
    return messages


def raise_for_failure(run_id: str, job_name: str, events: Sequence[dg.DagsterEvent], cause: str | None = None) -> None:
    """A PipelineError naming the run and why: the failed steps' own errors, else `cause`, else the run's."""
    steps = [m for m in failure_messages(events) if not m.startswith("This run")]
    detail = "\n".join(steps[:3]) or cause or "\n".join(failure_messages(events)[:1]) or "see the run's event log"
    raise PipelineError(f"run {run_id} of job {job_name} failed:\n{detail}\nSee the run in the Dagster UI (`make ui`).")


# Dagster's range tags are system tags, shown on a run's page only under "View all tags": this one is not.
DELIVERY_DAYS_TAG = "delivery_days"


def partition_tags(first: date, last: date) -> dict[str, str]:
    """Tags of a run over delivery days first..last: a nightly partition, or a single-run backfill range."""
    if first == last:
        return {PARTITION_TAG: day_key(first)}
    return {
        RANGE_START_TAG: day_key(first),
        RANGE_END_TAG: day_key(last),
        DELIVERY_DAYS_TAG: f"{day_key(first)} to {day_key(last)}",
    }


class JobRunner(Protocol):
    partitions: dg.DailyPartitionsDefinition

    def run(self, job_name: str, tags: Mapping[str, str], run_config: Mapping[str, Any] | None) -> RunOutcome: ...


@dataclass
class InProcessRunner:
    """Executes jobs of its own Definitions in this process (tests and the bench)."""

    definitions: dg.Definitions
    instance: dg.DagsterInstance

    @property
    def partitions(self) -> dg.DailyPartitionsDefinition:
        return self.definitions.resolve_job_def(INGEST_JOB).partitions_def  # type: ignore[return-value]

    def run(self, job_name: str, tags: Mapping[str, str], run_config: Mapping[str, Any] | None) -> RunOutcome:
        job = self.definitions.resolve_job_def(job_name)
        result = job.execute_in_process(
            instance=self.instance, tags=dict(tags), raise_on_error=False, run_config=dict(run_config or {})
        )
        if not result.success:
            raise_for_failure(result.run_id, job_name, result.all_events)
        return outcome_of(result.run_id, job_name, result.all_events)


@dataclass
class CodeLocationRunner:
    """Launches runs through workspace.yaml's code location, as the UI does, and follows them to the end.

    The run executes in a child process (`dagster job launch`) whose output goes to `log_path`; this
    process prints each step as it starts and ends, from the run's event log.
    """

    settings: ConnectionSettings
    partitions: dg.DailyPartitionsDefinition
    log_path: Path
    say: Callable[[str], None]

    def run(self, job_name: str, tags: Mapping[str, str], run_config: Mapping[str, Any] | None) -> RunOutcome:
        instance = open_instance(self.settings)
        run_id = str(uuid.uuid4())
        command = [sys.executable, "-m", "dagster", "job", "launch", "-w", str(project_root() / "workspace.yaml"),
                   "-j", job_name, "--run-id", run_id, "--tags", json.dumps(dict(tags))]  # fmt: skip
        if run_config:
            command += ["--config-json", json.dumps(run_config)]
        env = {**os.environ, "DAGSTER_HOME": str(cli_dagster_home())}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=project_root())
            worker = self._follow(instance, run_id, process)
        run = instance.get_run_by_id(run_id)
        if run is None:
            raise PipelineError(
                f"job {job_name} did not start: the code location failed to load or the launch was refused "
                f"({last_line(self.log_path)}); the full output is in {self.log_path}"
            )
        entries = [record.event_log_entry for record in instance.get_records_for_run(run_id).records]
        events = [entry.dagster_event for entry in entries if entry.dagster_event is not None]
        if run.status != dg.DagsterRunStatus.SUCCESS:
            died = worker is not None and not process_alive(worker)
            raise_for_failure(
                run_id, job_name, events, f"the run's process (pid {worker}) ended without finishing" if died else None
            )
        return outcome_of(run_id, job_name, events, step_seconds(entries))

    def _follow(self, instance: dg.DagsterInstance, run_id: str, process: subprocess.Popen[bytes]) -> int | None:
        """Print step starts and ends until the run has finished.

        The launch process returns once the run is started in a process of its own, so the run's status,
        not the launch process, says when it is over; a launch that exits without creating the run is a
        launch that failed, and a run whose process died (killed, out of memory) is marked failed here
        rather than followed forever. Returns the pid of the run's process, when it was seen.
        """
        cursor: str | None = None
        started: dict[str, float] = {}
        worker: int | None = None
        while True:
            launcher_done = process.poll() is not None
            run = instance.get_run_by_id(run_id)
            if run is None:
                if launcher_done:
                    return None
            else:
                connection = instance.get_records_for_run(run_id, cursor=cursor, of_type=FOLLOWED_EVENTS)
                cursor = connection.cursor
                for record in connection.records:
                    worker = worker or run_worker_pid(record.event_log_entry)
                    self._progress(record.event_log_entry, started)
                if run.is_finished and launcher_done:
                    return worker
                if launcher_done and worker is not None and not process_alive(worker):
                    instance.report_run_failed(run, f"the run's process (pid {worker}) ended without finishing")
                    return worker
            time.sleep(POLL_SECONDS)

    def _progress(self, entry: dg.EventLogEntry, started: dict[str, float]) -> None:
        event = entry.dagster_event
        if event is not None and event.event_type == dg.DagsterEventType.STEP_START:
            self.say(f"      {event.step_key} ...")
        if (ended := step_ended(entry, started)) is not None:
            step, took, succeeded = ended
            self.say(f"      {step} {'done' if succeeded else 'FAILED'} in {took:.1f}s")


def last_line(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def check_days(partitions: dg.DailyPartitionsDefinition, first: date, last: date) -> None:
    """Refuse a range outside the partitions before any run starts, naming the bounds."""
    if last < first:
        raise PipelineError(f"--to {last} is before --from {first}")
    bounds = partition_bounds(partitions)
    if bounds is None:
        raise PipelineError("no delivery day has ended yet: the partitions are empty")
    lowest, highest = bounds
    if first < lowest:
        raise PipelineError(
            f"--from {first} is before the first partition, {lowest} (the first delivery day of the landing "
            "folder; set AIAS_PARTITIONS_START to start earlier)"
        )
    # --from first: a command given --from alone runs that one day, and must not be told about a --to it never had.
    for option, day in (("--from", first), ("--to", last)):
        if day > highest:
            raise PipelineError(f"{option} {day} is after the last partition, {highest} (the last complete UTC day)")


def run_days(runner: JobRunner, job_name: str, first: date, last: date, full_refresh: bool = False) -> RunOutcome:
    """Run a partitioned job over delivery days first..last as one run (what the UI calls a single-run backfill)."""
    check_days(runner.partitions, first, last)
    return runner.run(job_name, partition_tags(first, last), FULL_REFRESH_CONFIG if full_refresh else None)


def all_days(runner: JobRunner) -> tuple[date, date]:
    bounds = partition_bounds(runner.partitions)
    if bounds is None:
        raise PipelineError("no delivery day has ended yet: the partitions are empty")
    return bounds


def load_range(runner: JobRunner, first: date, last: date) -> RunOutcome:
    """Load every source's files for delivery days first..last in one run (a single-run backfill)."""
    return run_days(runner, INGEST_JOB, first, last)


def build_models(
    runner: JobRunner, first: date | None = None, last: date | None = None, full_refresh: bool = False
) -> RunOutcome:
    """dbt build of the daily models as one run, over delivery days first..last (default: every partition)."""
    lowest, highest = all_days(runner)
    return run_days(runner, TRANSFORM_JOB, first or lowest, last or highest, full_refresh=full_refresh)
