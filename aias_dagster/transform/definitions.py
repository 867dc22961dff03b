"""The dbt project's models, seeds and tests, and the dbt resource that builds them."""

import dagster as dg

from aias_dagster.transform.assets import build_dbt_assets, dbt_resource


def build_transform_defs(partitions: dg.PartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(assets=[build_dbt_assets(partitions)], resources={"dbt": dbt_resource()})
