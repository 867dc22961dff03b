"""The billing schedule: once the grace period of a month has ended, close it; catch up any missed.

It ticks daily and asks for every month whose grace period is over and whose partition is not
materialized yet, so a schedule that was off for a quarter closes the quarter's months on its first
tick (each run closes the open months up to its own, oldest first).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import dagster as dg

from aias_dagster.billing.assets import INVOICES
from aias_dagster.billing.close import closable_months
from aias_dagster.billing.jobs import billing_job
from aias_dagster.billing.settings import grace_days

BILLING_SCHEDULE = "billing_monthly_close"


def months_to_close(first: date, now: datetime, grace: int, materialized: set[str]) -> list[str]:
    """Partition keys of the months that may close by `now` and are not closed yet, oldest first."""
    return [m.isoformat() for m in closable_months(first, now, grace) if m.isoformat() not in materialized]


def build_billing_schedule(partitions: dg.MonthlyPartitionsDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=BILLING_SCHEDULE,
        job=billing_job,
        cron_schedule="30 3 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="03:30 UTC daily: close each month whose grace period (AIAS_BILLING_GRACE_DAYS) has ended.",
    )
    def billing_monthly_close(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
        now = context.scheduled_execution_time or datetime.now(UTC)
        first = date.fromisoformat(partitions.get_first_partition_key() or now.date().replace(day=1).isoformat())
        done = context.instance.get_materialized_partitions(INVOICES)
        for key in months_to_close(first, now, grace_days(), done):
            # A key per tick: a close that failed is asked for again the next day (closing is idempotent).
            yield dg.RunRequest(run_key=f"close-{key}-{now:%Y%m%d}", partition_key=key)

    return billing_monthly_close
