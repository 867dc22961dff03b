"""The daemon's check of started runs: one whose process died is marked failed within a poll."""

import dagster as dg

from aias_dagster.platform.instance import RUN_MONITORING_POLL_SECONDS
from aias_dagster.platform.run_workers import fail_dead_runs


@dg.sensor(
    name="dead_run_workers",
    minimum_interval_seconds=RUN_MONITORING_POLL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks failed every started run whose worker process has died (kill -9, out of memory).",
)
def dead_run_workers(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    failed = fail_dead_runs(context.instance)
    return dg.SkipReason(f"marked failed: {', '.join(failed)}" if failed else "every started run's process is alive")
