"""A sensor per loop that follows the collector: new collected rows start the loop's model build.

Its cursor is the id of the last raw.collect_requests row it has seen. A tick with new requests reports them
as an observation of the raw asset (accepted, duplicates, rejected, newest event time: the intake in the
Dagster UI) and, when any row was accepted, requests one run of the loop's job: a dbt build of the loop's models
over the newest partition with the window's end left open (build_request), so the incremental models read the
collected rows, which carry today's UTC day as `_delivery_date`, a day no partition has yet. While any run is
queued or in progress that may build the same models (anything but the other loop's collected run) it waits
without moving its cursor, so the rows are taken by the next tick: two builds of the same models at once would
fight over their tables.
"""

from __future__ import annotations

import dagster as dg

from aias_dagster.collect.intake import intake_since
from aias_dagster.platform.resources import WarehouseResource

INTERVAL_SECONDS = 15  # a row is modelled within a minute: at most one interval, a run's start and the build
# Each loop's job for collected rows: the loops' dbt models are disjoint, so one loop's run never makes the
# other's wait (a nightly, a backfill or the loop's own run does). Named here, below both loops.
COLLECTED_JOBS = {"product_events": "product_collected", "app_errors": "reliability_collected"}
ACTIVE_RUNS = dg.RunsFilter(
    statuses=[
        dg.DagsterRunStatus.QUEUED,
        dg.DagsterRunStatus.NOT_STARTED,
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
    ]
)


# The dbt multi-asset's op (transform/assets.py: DBT_ASSETS_NAME) and its option to read past the window's end.
THROUGH_NOW = {"ops": {"dbt_models": {"config": {"through_now": True}}}}


def build_request(run_key: str, partitioned: bool, newest_partition: str | None) -> dg.RunRequest:
    """The run of the loop's job that reads the collected rows.

    A loop whose models are all tables and views (reliability) rebuilds them in an unpartitioned run. A loop
    with incremental models (product) gets a run of its newest partition (yesterday, the last complete UTC
    day) with the window's end left open: collected rows carry the day they were received, which has no
    partition until it ends, and an unpartitioned run of partitioned models fails in Dagster (it cannot say
    which partitions of their inputs it read).
    """
    if not partitioned:
        return dg.RunRequest(run_key=run_key)
    return dg.RunRequest(run_key=run_key, partition_key=newest_partition, run_config=THROUGH_NOW)


def blocking_runs(instance: dg.DagsterInstance, table: str) -> int:
    """Runs queued or in progress that may build the loop's models: any but the other loops' collected runs."""
    others = {job for source, job in COLLECTED_JOBS.items() if source != table}
    return sum(1 for run in instance.get_runs(ACTIVE_RUNS, limit=100) if run.job_name not in others)


def evaluate(
    cursor: str | None,
    active_runs: int,
    warehouse: WarehouseResource,
    table: str,
    partitioned: bool,
    newest_partition: str | None = None,
) -> dg.SensorResult:
    """The tick's result, outside the decorator so a test can call it with a database and no daemon.

    newest_partition: the last partition of a partitioned job (None before its first day has ended: a landing
    folder whose first delivery is today); the rows then wait, the cursor unmoved.
    """
    if active_runs:
        return dg.SensorResult(skip_reason=f"{active_runs} run(s) queued or in progress; collected rows wait")
    if partitioned and newest_partition is None:
        return dg.SensorResult(skip_reason="the loop's partitions have no day yet; collected rows wait for the first")
    after = int(cursor) if cursor else 0
    with warehouse.connect() as conn:
        intake = intake_since(conn, table, after)
    if intake is None:
        return dg.SensorResult(skip_reason=f"nothing collected into raw.{table} since request {after}")
    observation = dg.AssetObservation(asset_key=dg.AssetKey(["raw", table]), metadata=intake.metadata())
    run_key = f"collected-{table}-{intake.last_id}"
    requests = [build_request(run_key, partitioned, newest_partition)] if intake.accepted else []
    return dg.SensorResult(run_requests=requests, cursor=str(intake.last_id), asset_events=[observation])


def collected_rows_sensor(
    name: str, table: str, job: dg.UnresolvedAssetJobDefinition, partitioned: bool
) -> dg.SensorDefinition:
    """partitioned: whether the loop's job holds incremental (daily-partitioned) models (build_request)."""

    @dg.sensor(
        name=name,
        job=job,
        minimum_interval_seconds=INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Builds the loop's models when `aias collect` stored new rows in raw.{table}; reports the "
        "intake (accepted, duplicates, rejected, newest event) as an observation of the raw asset.",
    )
    def collected_rows(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
        newest = None
        if partitioned:
            partitions = context.repository_def.get_job(job.name).partitions_def  # type: ignore[union-attr]
            newest = partitions.get_last_partition_key() if partitions else None
        return evaluate(context.cursor, blocking_runs(context.instance, table), warehouse, table, partitioned, newest)

    return collected_rows
