"""One Dagster asset per page, downstream of exactly the marts the page reads.

The lineage graph then runs from the landing files to the page, the nightly run builds a page after its
marts (cadence daily), and a page whose marts failed to build is skipped rather than rebuilt from
yesterday's tables. Each materialization says where the page is and how old its data was at build time.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import dagster as dg

from aias_dagster.dashboards.page import Page
from aias_dagster.dashboards.resources import SiteResource
from aias_dagster.dashboards.scorecard import SCORECARD_MART
from aias_dagster.dashboards.site import build_index, build_page
from aias_dagster.platform.cadence import DAILY, cadence_tags
from aias_dagster.platform.freshness import DAILY_FRESHNESS
from aias_dagster.platform.loops import DASHBOARDS, SCORECARD, group
from aias_dagster.platform.resources import WarehouseResource

DASHBOARDS_PREFIX = "dashboards"
MARTS_PREFIX = "marts"
PAGE_KIND = "html"
INDEX_KEY = dg.AssetKey([DASHBOARDS_PREFIX, "index"])


def page_key(page: Page) -> dg.AssetKey:
    return dg.AssetKey([DASHBOARDS_PREFIX, page.name])


def mart_keys(page: Page) -> list[dg.AssetKey]:
    return [dg.AssetKey([MARTS_PREFIX, mart]) for mart in page.marts]


def upstream_keys(page: Page) -> list[dg.AssetKey]:
    """The marts and the other assets (`Page.upstream`) the page reads."""
    return [*mart_keys(page), *(dg.AssetKey.from_user_string(key) for key in page.upstream)]


def page_description(page: Page) -> str:
    marts = ", ".join(f"`marts.{m}`" for m in page.marts)
    return f"{page.description or page.title}\n\nThe dashboard page `{page.file_name}` of the site, from {marts}."


def page_asset(page: Page, pages: Sequence[Page]) -> dg.AssetsDefinition:
    """The asset that writes `page` (and rewrites the index, which lists every page of `pages`)."""

    @dg.asset(
        key=page_key(page),
        deps=upstream_keys(page),
        group_name=DASHBOARDS.name,
        owners=[group(page.group).owner],
        tags=cadence_tags(DAILY),
        kinds={PAGE_KIND},
        description=page_description(page),
        freshness_policy=DAILY_FRESHNESS,
    )
    def _page(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, site: SiteResource
    ) -> dg.MaterializeResult:
        with warehouse.connect() as conn:
            built = build_page(conn, page, site.directory(), pages)
        context.log.info(f"{built.path}: data as of {built.data.as_of}, {len(built.changed)} files changed")
        metadata = built.metadata(datetime.now(UTC))
        metadata["path"] = dg.MetadataValue.path(metadata["path"])
        metadata["url"] = dg.MetadataValue.url(metadata["url"])  # the UI links to the page's file
        return dg.MaterializeResult(metadata=metadata)

    return _page


def page_assets(pages: Sequence[Page]) -> list[dg.AssetsDefinition]:
    return [page_asset(page, pages) for page in pages]


def index_asset(pages: Sequence[Page]) -> dg.AssetsDefinition:
    """The index: the scorecard of `marts.loop_scorecard`, linking each loop's page of `pages`.

    Downstream of the scorecard's mart only, not of the pages: a page that fails one night must not keep the
    scorecard from being rebuilt. Each page's build rewrites the index from the recorded scorecard, so the
    index links a page as soon as it exists, whichever of the two runs first.
    """

    @dg.asset(
        key=INDEX_KEY,
        deps=[dg.AssetKey([MARTS_PREFIX, SCORECARD_MART])],
        group_name=DASHBOARDS.name,
        owners=[SCORECARD.owner],
        tags=cadence_tags(DAILY),
        kinds={PAGE_KIND},
        description=(
            "The dashboard site's index page `index.html`: the scorecard, every loop's KPI against its target with "
            f"its status and data age, from `marts.{SCORECARD_MART}`, and a link to each loop's page."
        ),
        freshness_policy=DAILY_FRESHNESS,
    )
    def _index(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, site: SiteResource
    ) -> dg.MaterializeResult:
        with warehouse.connect() as conn:
            built = build_index(conn, site.directory(), pages)
        context.log.info(f"{built.path}: {built.metadata()['statuses']}, {len(built.changed)} files changed")
        metadata = built.metadata()
        metadata["path"] = dg.MetadataValue.path(metadata["path"])
        metadata["url"] = dg.MetadataValue.url(metadata["url"])
        return dg.MaterializeResult(metadata=metadata)

    return _index


def site_assets(pages: Sequence[Page]) -> list[dg.AssetsDefinition]:
    """Every page of the site and its index."""
    return [*page_assets(pages), index_asset(pages)]
