"""The daemon's checks of started runs: one whose process died is marked failed within a poll; one over a range
of delivery days shows its days where the runs list shows tags."""

from collections.abc import Mapping
from datetime import date

import dagster as dg

from aias_dagster.orchestration.runs import DELIVERY_DAYS_TAG, RANGE_END_TAG, RANGE_START_TAG, partition_tags
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


def range_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """The visible `delivery_days` tag a run over a range lacks: a backfill launched from the UI carries its range
    only in Dagster's system tags, which the runs list hides under "View all tags" (runs `aias` launches carry
    it from the start, orchestration/runs.py)."""
    start, end = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    if not start or not end or DELIVERY_DAYS_TAG in tags:
        return {}
    try:
        days = partition_tags(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError:  # a range of another partitioning (billing's months are keyed by day too; others are not)
        return {}
    return {DELIVERY_DAYS_TAG: days[DELIVERY_DAYS_TAG]} if DELIVERY_DAYS_TAG in days else {}


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.STARTED,
    name="range_runs_show_their_days",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Tags every started run over a range of delivery days with `delivery_days` (e.g. 2026-03-01 to "
    "2026-03-31), so the runs list shows the range of a backfill launched from the UI as it does for `aias`.",
)
def range_runs_show_their_days(context: dg.RunStatusSensorContext) -> None:
    added = range_tags(context.dagster_run.tags)
    if added:
        context.instance.add_run_tags(context.dagster_run.run_id, added)
        context.log.info(f"run {context.dagster_run.run_id[:8]}: {added[DELIVERY_DAYS_TAG]}")
