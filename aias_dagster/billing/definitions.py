"""The billing loop's Dagster pieces: the monthly close, its reconciliation checks, job and schedule."""

import dagster as dg

from aias_dagster.billing.assets import build_billing_assets, month_partitions
from aias_dagster.billing.checks import BILLING_CHECKS
from aias_dagster.billing.jobs import billing_job
from aias_dagster.billing.schedules import build_billing_schedule
from aias_dagster.platform.context import DefsContext


def build_defs(ctx: DefsContext) -> dg.Definitions:
    """Monthly partitions from the month of the first delivery day (the daily partitions' start)."""
    partitions = month_partitions(ctx.first_day)
    return dg.Definitions(
        assets=[build_billing_assets(partitions)],
        asset_checks=BILLING_CHECKS,
        jobs=[billing_job],
        schedules=[build_billing_schedule(partitions)],
    )
