"""The ingest group: one loader asset per raw source, over the delivery-day partitions."""

import dagster as dg

from aias_dagster.ingest.assets import build_loader_assets
from aias_dagster.platform.context import DefsContext


def build_defs(ctx: DefsContext) -> dg.Definitions:
    return dg.Definitions(assets=build_loader_assets(ctx.partitions))
