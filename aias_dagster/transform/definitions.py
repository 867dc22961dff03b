"""The dbt project's models, seeds and tests, and the dbt resource that builds them."""

import dagster as dg

from aias_dagster.platform.context import DefsContext
from aias_dagster.transform.assets import build_dbt_assets
from aias_dagster.transform.project import dbt_resource
from aias_dagster.transform.source_freshness import dbt_source_freshness


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(
        assets=[*build_dbt_assets(ctx.partitions)],
        asset_checks=[dbt_source_freshness],
        resources={"dbt": dbt_resource()},
    )
