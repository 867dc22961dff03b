"""The acquisition loop's own Dagster pieces; its models come with the dbt project."""

import dagster as dg

from aias_dagster.acquisition.assets import cac_monthly_intervals
from aias_dagster.platform.context import DefsContext


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(assets=[cac_monthly_intervals])
