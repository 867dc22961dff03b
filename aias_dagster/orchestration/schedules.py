"""When things run on their own."""

import dagster as dg

from aias_dagster.orchestration.jobs import nightly_job

NIGHTLY_SCHEDULE = "nightly"

# 02:00 UTC, for yesterday's delivery day (a daily-partitioned schedule targets the day that just ended).
nightly_schedule = dg.build_schedule_from_partitioned_job(
    nightly_job,
    name=NIGHTLY_SCHEDULE,
    hour_of_day=2,
    minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Yesterday's loads, then dbt build of everything downstream, at 02:00 UTC.",
)
