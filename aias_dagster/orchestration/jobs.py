"""Jobs that span groups, each selecting the assets it is for.

`nightly` takes every daily asset (the loaders and the daily models of every loop); a monthly job takes
the monthly ones, and adding either leaves the other as it is.
"""

import dagster as dg

from aias_dagster.platform.cadence import DAILY, assets_of_cadence
from aias_dagster.platform.loops import DASHBOARDS, GROUPS, INGEST_GROUP

INGEST_JOB = "ingest"
TRANSFORM_JOB = "transform"
NIGHTLY_JOB = "nightly"

LOADERS = dg.AssetSelection.groups(INGEST_GROUP)
DAILY_ASSETS = assets_of_cadence(DAILY)
DAILY_MODELS = DAILY_ASSETS & dg.AssetSelection.kind("dbt")
# The dashboard pages, built from the marts in the same run, so the site is never a build behind them.
DAILY_PAGES = DAILY_ASSETS & dg.AssetSelection.groups(DASHBOARDS.name)


def loop_models(loop: str) -> dg.AssetSelection:
    """One loop's dbt models (its seeds, staging, intermediate models and marts): what its own jobs rebuild."""
    return dg.AssetSelection.groups(GROUPS[loop].name) & dg.AssetSelection.kind("dbt")


ingest_job = dg.define_asset_job(
    INGEST_JOB,
    selection=LOADERS,
    description="Load the landing files of the selected delivery days into `raw`.",
)

# Everything of the night after the loaders: the dbt models, the Python assets between them (the calibrated CAC's
# intervals, which the KPI marts read; the ticket model's predictions, which the categorized tickets read) and the
# pages. Dagster splits the one dbt multi-asset around a Python
# asset that sits between its models, so a run is two dbt invocations with the intervals between them.
TRANSFORMS = DAILY_ASSETS - LOADERS

transform_job = dg.define_asset_job(
    TRANSFORM_JOB,
    selection=TRANSFORMS,
    description=(
        "dbt build of the daily models (staging, intermediate and marts) with their tests, the selected "
        "delivery days as the incremental window, with the Python assets between them (the calibrated CAC's "
        "intervals, the ticket model's predictions); then the dashboard pages built from those marts."
    ),
)

nightly_job = dg.define_asset_job(
    NIGHTLY_JOB,
    selection=DAILY_ASSETS,
    description=(
        "One delivery day end to end: load that day's files of every source, then dbt build of the daily "
        "models with the day as the incremental window, then the dashboard pages. A date-range backfill runs "
        "as one run over the range."
    ),
)
