"""The support loop's own Dagster pieces; its models come with the dbt project."""

import dagster as dg

from aias_dagster.platform.context import DefsContext
from aias_dagster.support.checks import tickets_categorized_and_top_5_listed


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(asset_checks=[tickets_categorized_and_top_5_listed])
