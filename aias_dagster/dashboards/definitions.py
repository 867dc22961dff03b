"""The dashboard site's Dagster pieces: an asset per registered page and one for the index, the site folder, its job."""

import dagster as dg

from aias_dagster.dashboards.assets import site_assets
from aias_dagster.dashboards.jobs import dashboards_job
from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.resources import SiteResource
from aias_dagster.platform.context import DefsContext


def build_defs(ctx: DefsContext) -> dg.Definitions:
    """Empty ctx.site_dir: AIAS_SITE_DIR, else .aias/site, resolved when a run starts."""
    return dg.Definitions(
        assets=site_assets(registered_pages()),
        jobs=[dashboards_job],
        resources={"site": SiteResource(path=ctx.site_dir)},
    )
