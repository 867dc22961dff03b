"""Assembles the code location. Nothing else lives here."""

import dagster as dg

from aias_dagster.ingest.assets import LOADER_ASSETS
from aias_dagster.jobs import ingest_job, nightly_job, transform_job
from aias_dagster.resources import LandingResource, WarehouseResource
from aias_dagster.schedules import nightly_schedule
from aias_dagster.transform.assets import build_dbt_assets, dbt_resource


def build_definitions(warehouse_url: str = "", landing_dir: str = "") -> dg.Definitions:
    """Empty arguments resolve from the environment when a run starts (see resources.py)."""
    return dg.Definitions(
        assets=[*LOADER_ASSETS, build_dbt_assets()],
        jobs=[ingest_job, transform_job, nightly_job],
        schedules=[nightly_schedule],
        resources={
            "warehouse": WarehouseResource(url=warehouse_url),
            "landing": LandingResource(path=landing_dir),
            "dbt": dbt_resource(),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
