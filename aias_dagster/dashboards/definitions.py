"""The dashboard site's Dagster pieces: an asset per registered page and one for the index, the site folder, its job."""

import dagster as dg

from aias_dagster.dashboards.assets import site_assets
from aias_dagster.dashboards.jobs import dashboards_job
from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.resources import SiteResource


def build_dashboards_defs(site_dir: str = "") -> dg.Definitions:
    """Empty site_dir: AIAS_SITE_DIR, else .aias/site, resolved when a run starts."""
    return dg.Definitions(
        assets=site_assets(registered_pages()),
        jobs=[dashboards_job],
        resources={"site": SiteResource(path=site_dir)},
    )
