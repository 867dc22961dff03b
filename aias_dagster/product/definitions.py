"""The product loop's own Dagster pieces; its models come with the dbt project."""

import dagster as dg

from aias_dagster.platform.context import DefsContext
from aias_dagster.product.jobs import collected_job, near_real_time_job
from aias_dagster.product.sensors import product_events_collected, product_events_landing


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(
        jobs=[near_real_time_job, collected_job], sensors=[product_events_landing, product_events_collected]
    )
