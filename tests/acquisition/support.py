"""Helpers for the acquisition loop's end-to-end tests: load a generated world, read the marts back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.loader import LoadResult
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.dbt.support import query as query

# The raw sources the acquisition loop reads; the other loops' sources stay empty, which keeps a 2,000
# customer world loading in seconds.
ACQUISITION_SOURCES: tuple[str, ...] = ("customers", "marketing_spend", "fx_rates", "touchpoints")
# Everything the two marts need, seeds and staging included. Cautious: the relationships tests of the
# other loops' staging models (whose models are not selected) stay out.
BUILD_MARTS: tuple[str, ...] = ("--select", "+cac_monthly", "--indirect-selection", "cautious")
# Only the acquisition models, for the nightly runs of an already built project.
RUN_ACQUISITION: tuple[str, ...] = (
    "--select",
    "path:dbt_project/models/intermediate/acquisition path:dbt_project/models/marts/acquisition",
    "--exclude",  # the KPI's marts read the scorecard's targets and the Python intervals: not this test's subject
    "acquisition_kpi_monthly cac_accuracy_monthly",
)


def load_acquisition(settings: ConnectionSettings, landing: Path, day: date | None = None) -> list[LoadResult]:
    """Load the acquisition sources' files with the real loader: every day, oldest first, or one day's."""
    with psycopg.connect(settings.url) as conn:
        reports = [
            load_days(conn, get_source(name), landing, [day] if day else delivery_days(landing, name))
            for name in ACQUISITION_SOURCES
        ]
    return [result for report in reports for result in report.results]
