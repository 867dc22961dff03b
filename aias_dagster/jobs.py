"""Jobs that span groups: loading the landing files, building the dbt models, and both nightly."""

import dagster as dg

from aias_dagster.loops import INGEST_GROUP

INGEST_JOB = "ingest"
TRANSFORM_JOB = "transform"
NIGHTLY_JOB = "nightly"

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

nightly_job = dg.define_asset_job(
    NIGHTLY_JOB,
    selection=dg.AssetSelection.all(),
    description=(
        "One delivery day end to end: load that day's files of every source, then dbt build with the "
        "day as the incremental window. A date-range backfill runs as one run over the range."
    ),
)
