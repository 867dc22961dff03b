"""The site's own job: every page from the marts as they are, without a dbt build (`aias dashboards --build`)."""

import dagster as dg

from aias_dagster.dashboards.assets import DASHBOARDS_PREFIX
from aias_dagster.orchestration.jobs import loop_models
from aias_dagster.platform.loops import DASHBOARDS

DASHBOARDS_JOB = "dashboards"
SITE_PAGES = dg.AssetSelection.groups(DASHBOARDS.name)

dashboards_job = dg.define_asset_job(
    DASHBOARDS_JOB,
    selection=SITE_PAGES,
    description="Rebuild every dashboard page (and the index) from the marts as they are now.",
)


def models_then_page_job(name: str, loop: str, description: str):  # Dagster exports no type for it
    """A job of one loop's dbt models and then its page, rebuilt from the marts the run just built (the page reads
    the scorecard as it is): what a loop's collected rows change, so an SDK's event reaches the dashboard."""
    page = dg.AssetSelection.assets(dg.AssetKey([DASHBOARDS_PREFIX, loop]))
    return dg.define_asset_job(name, selection=loop_models(loop) | page, description=description)
