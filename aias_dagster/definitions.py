"""Assembles the code location. Nothing else lives here."""

from __future__ import annotations

import dagster as dg

from aias_dagster.ingest.assets import LOADER_ASSETS
from aias_dagster.jobs import ingest_job, transform_job
from aias_dagster.resources import LandingResource, WarehouseResource
from aias_dagster.transform.assets import build_dbt_assets, dbt_resource


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[*LOADER_ASSETS, build_dbt_assets()],
        jobs=[ingest_job, transform_job],
        resources={
            "warehouse": WarehouseResource(),
            "landing": LandingResource(),
            "dbt": dbt_resource(),
        },
    )
