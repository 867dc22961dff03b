"""Helpers for the product loop's end-to-end tests: load a generated world's product sources, build, read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.loader import LoadResult
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.warehouse import ConnectionSettings

# The raw sources the product loop reads; the others stay empty, which keeps a world loading in seconds.
PRODUCT_SOURCES: tuple[str, ...] = ("customers", "product_events")
MARTS = ("feature_first_use", "feature_adoption_daily", "feature_adoption_monthly", "feature_usage_outside_catalog")
# Everything the marts need, seeds and staging included, and the targets the loop's KPI mart reads; cautious keeps
# other loops' tests out.
BUILD_MARTS: tuple[str, ...] = (
    "--select", " ".join([*(f"+{m}" for m in MARTS), "scorecard_targets"]), "--indirect-selection", "cautious"
)  # fmt: skip
RUN_PRODUCT: tuple[str, ...] = (
    "--select",
    "path:dbt_project/models/intermediate/product path:dbt_project/models/marts/product",
    "--exclude",  # the KPI's mart reads the scorecard's targets: not what the nightly history checks
    "product_kpi_monthly",
)


def load_product(settings: ConnectionSettings, landing: Path, day: date | None = None) -> list[LoadResult]:
    """Load the product sources' files with the real loader: every day, oldest first, or one day's."""
    with psycopg.connect(settings.url) as conn:
        reports = [
            load_days(conn, get_source(name), landing, [day] if day else delivery_days(landing, name))
            for name in PRODUCT_SOURCES
        ]
    return [result for report in reports for result in report.results]
