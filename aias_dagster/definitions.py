"""Assembles the code location from its folders. Nothing else lives here."""

from datetime import date

import dagster as dg

from aias_dagster.acquisition.definitions import build_acquisition_defs
from aias_dagster.billing.definitions import build_billing_defs
from aias_dagster.dashboards.definitions import build_dashboards_defs
from aias_dagster.ingest.definitions import build_ingest_defs
from aias_dagster.ingest.partitions import landing_partitions
from aias_dagster.orchestration.definitions import build_orchestration_defs
from aias_dagster.platform.definitions import build_platform_defs
from aias_dagster.platform.partitions import delivery_partitions
from aias_dagster.platform.resources import LandingResource
from aias_dagster.product.definitions import build_product_defs
from aias_dagster.reliability.definitions import build_reliability_defs
from aias_dagster.scorecard.definitions import build_scorecard_defs
from aias_dagster.support.definitions import build_support_defs
from aias_dagster.transform.definitions import build_transform_defs


def build_definitions(
    warehouse_url: str = "", landing_dir: str = "", first_day: date | None = None, site_dir: str = ""
) -> dg.Definitions:
    """Empty arguments resolve from the environment; partitions start at the landing folder's first day."""
    landing = LandingResource(path=landing_dir).directory()
    partitions = delivery_partitions(first_day) if first_day else landing_partitions(landing)
    return dg.Definitions.merge(
        build_platform_defs(warehouse_url, landing_dir),
        build_ingest_defs(partitions),
        build_transform_defs(partitions),
        build_orchestration_defs(),
        build_acquisition_defs(),
        build_product_defs(),
        build_support_defs(),
        build_billing_defs(partitions.start.date()),
        build_reliability_defs(),
        build_scorecard_defs(),
        build_dashboards_defs(site_dir),
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
