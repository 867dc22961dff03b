"""The product loop's own Dagster pieces; its models come with the dbt project."""

import dagster as dg

from aias_dagster.product.jobs import near_real_time_job
from aias_dagster.product.sensors import product_events_landing


def build_product_defs() -> dg.Definitions:
    return dg.Definitions(jobs=[near_real_time_job], sensors=[product_events_landing])
