"""Jobs that span groups: loading the landing files and building the dbt models."""

from __future__ import annotations

import dagster as dg

from aias_dagster.loops import INGEST_GROUP

INGEST_JOB = "ingest"
TRANSFORM_JOB = "transform"

ingest_job = dg.define_asset_job(
    INGEST_JOB,
    selection=dg.AssetSelection.groups(INGEST_GROUP),
    description="Load the landing files of the selected delivery days into `raw`.",
)

transform_job = dg.define_asset_job(
    TRANSFORM_JOB,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(INGEST_GROUP),
    description="dbt build: staging, intermediate and marts with their tests.",
)
