"""The cross-loop jobs and their schedules."""

import dagster as dg

from aias_dagster.orchestration.alert_sensors import ALERT_SENSORS
from aias_dagster.orchestration.jobs import ingest_job, nightly_job, transform_job
from aias_dagster.orchestration.schedules import nightly_schedule
from aias_dagster.orchestration.sensors import dead_run_workers, range_runs_show_their_days
from aias_dagster.platform.context import DefsContext


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(
        jobs=[ingest_job, transform_job, nightly_job],
        schedules=[nightly_schedule],
        sensors=[dead_run_workers, range_runs_show_their_days, *ALERT_SENSORS],
    )
