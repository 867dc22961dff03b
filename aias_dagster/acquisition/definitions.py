"""The acquisition loop's own Dagster pieces; its models come with the dbt project."""

import dagster as dg

from aias_dagster.acquisition.assets import cac_monthly_intervals
from aias_dagster.acquisition.checks import attribution_coverage_meets_target
from aias_dagster.platform.context import DefsContext


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(assets=[cac_monthly_intervals], asset_checks=[attribution_coverage_meets_target])
