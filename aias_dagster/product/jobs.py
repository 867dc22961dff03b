"""The loop's own job: one delivery day of product events, loaded and modelled, for the sensor to launch."""

import dagster as dg

from aias_dagster.collect.sensor import COLLECTED_JOBS
from aias_dagster.dashboards.jobs import models_then_page_job
from aias_dagster.orchestration.jobs import loop_models

PRODUCT_EVENTS = dg.AssetKey(["raw", "product_events"])
NEAR_REAL_TIME_JOB = "product_near_real_time"

# The loader of product events and the loop's dbt models (its seed, staging view, activity table, marts).
PRODUCT_MODELS = loop_models("product")

near_real_time_job = dg.define_asset_job(
    NEAR_REAL_TIME_JOB,
    selection=dg.AssetSelection.assets(PRODUCT_EVENTS) | PRODUCT_MODELS,
    description=(
        "One delivery day of product events: load its landing file, then dbt build of the product loop's models "
        "with that day as the incremental window. Launched by the product_events_landing sensor."
    ),
)

collected_job = models_then_page_job(
    COLLECTED_JOBS["product_events"],
    "product",
    "dbt build of the product loop's models over what was delivered since their last build: the events "
    "`aias collect` received. Then the loop's page. Launched by the product_events_collected sensor.",
)
