"""The site's own job: every page from the marts as they are, without a dbt build (`aias dashboards --build`)."""

import dagster as dg

from aias_dagster.platform.loops import DASHBOARDS

DASHBOARDS_JOB = "dashboards"
SITE_PAGES = dg.AssetSelection.groups(DASHBOARDS.name)

dashboards_job = dg.define_asset_job(
    DASHBOARDS_JOB,
    selection=SITE_PAGES,
    description="Rebuild every dashboard page (and the index) from the marts as they are now.",
)
