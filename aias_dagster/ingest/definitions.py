"""The ingest group: one loader asset per raw source, over the delivery-day partitions."""

import dagster as dg

from aias_dagster.ingest.assets import build_loader_assets


def build_ingest_defs(partitions: dg.DailyPartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(assets=build_loader_assets(partitions))
