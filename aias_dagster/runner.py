"""Run the platform's jobs from the command line, recorded in the Dagster instance like UI runs."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)
from dagster._utils.error import SerializableErrorInfo

from aias_dagster.instance import prepare_dagster_home
from aias_dagster.jobs import INGEST_JOB, TRANSFORM_JOB
from aias_dagster.partitions import day_key
from aias_dagster.warehouse import ConnectionSettings

# The console shows what each step did; the full debug log stays in the run's event log (UI).
CONSOLE_PROGRESS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


class PipelineError(RuntimeError):
    """A job run failed; the message names the run and the failed steps."""


@dataclass(frozen=True)
class TransformOutcome:
    run_id: str
    models_built: int
    checks_passed: int
    checks_failed: int
    checks_warned: int

    def describe(self) -> str:
        return (
            f"{self.models_built} models built, {self.checks_passed} tests passed, "
            f"{self.checks_warned} warned, {self.checks_failed} failed"
        )


@functools.cache
def default_definitions() -> dg.Definitions:
    from aias_dagster.definitions import defs

    return defs()


def instance_for(settings: ConnectionSettings) -> dg.DagsterInstance:
    prepare_dagster_home(settings)
    return dg.DagsterInstance.get()


def root_cause_message(error: SerializableErrorInfo) -> str:
    """The user's own exception under Dagster's wrappers: it names the file or setting to fix."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def _execute(
    job_name: str,
    instance: dg.DagsterInstance,
    tags: dict[str, str] | None = None,
    definitions: dg.Definitions | None = None,
    run_config: dict[str, Any] | None = None,
) -> dg.ExecuteInProcessResult:
    job = (definitions or default_definitions()).resolve_job_def(job_name)
    result = job.execute_in_process(
        instance=instance, tags=tags or {}, raise_on_error=False, run_config={**CONSOLE_PROGRESS, **(run_config or {})}
    )
    if not result.success:
        failed = [event.step_key for event in result.all_events if event.is_step_failure]
        messages = [
            root_cause_message(event.event_specific_data.error)  # type: ignore[union-attr]
            for event in result.all_events
            if event.is_step_failure and event.event_specific_data is not None
        ]
        detail = "\n".join(messages[:3])
        raise PipelineError(
            f"run {result.run_id} of job {job_name} failed at {', '.join(failed) or 'start'}:\n{detail}\n"
            f"See the run in the Dagster UI (`make ui`)."
        )
    return result


def partition_tags(first: date, last: date) -> dict[str, str]:
    """Tags of a run over delivery days first..last: a nightly partition, or a single-run backfill range."""
    if first == last:
        return {PARTITION_NAME_TAG: day_key(first)}
    return {ASSET_PARTITION_RANGE_START_TAG: day_key(first), ASSET_PARTITION_RANGE_END_TAG: day_key(last)}


def run_days(
    job_name: str,
    instance: dg.DagsterInstance,
    first: date,
    last: date,
    definitions: dg.Definitions | None = None,
    dbt_log: Path | None = None,
) -> dg.ExecuteInProcessResult:
    """Run a partitioned job over delivery days first..last as one run (what the UI calls a single-run backfill)."""
    if last < first:
        raise PipelineError(f"--to {last} is before --from {first}")
    with _stdout_to(dbt_log):
        return _execute(job_name, instance, partition_tags(first, last), definitions)


def load_range(instance: dg.DagsterInstance, first: date, last: date, definitions: dg.Definitions | None = None) -> str:
    """Load every source's files for delivery days first..last in one run (a single-run backfill)."""
    return run_days(INGEST_JOB, instance, first, last, definitions).run_id


@contextlib.contextmanager
def _stdout_to(path: Path | None) -> Iterator[None]:
    """dbt's own output (dagster-dbt echoes it to stdout) goes to a file; the run's logs keep it too."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as log, contextlib.redirect_stdout(log):
        yield


def build_models(
    instance: dg.DagsterInstance,
    definitions: dg.Definitions | None = None,
    dbt_log: Path | None = None,
    full_refresh: bool = False,
) -> TransformOutcome:
    """dbt build as one run. dbt's own output goes to dbt_log when given (the run's logs keep it too)."""
    run_config = {"ops": {"dbt_models": {"config": {"full_refresh": True}}}} if full_refresh else None
    with _stdout_to(dbt_log):
        result = _execute(TRANSFORM_JOB, instance, definitions=definitions, run_config=run_config)
    return transform_outcome(result)


def transform_outcome(result: dg.ExecuteInProcessResult) -> TransformOutcome:
    """How many models a run built and how its dbt tests (asset checks) came out."""
    checks = result.get_asset_check_evaluations()
    return TransformOutcome(
        run_id=result.run_id,
        models_built=sum(1 for e in result.get_asset_materialization_events() if e.asset_key.path[0] != "raw"),
        checks_passed=sum(1 for c in checks if c.passed),
        checks_failed=sum(1 for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR),
        checks_warned=sum(1 for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.WARN),
    )
