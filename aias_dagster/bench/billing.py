"""The monthly billing close over the bench world, before the site is built: the billing page's
reconciliation and invoices are what grows with the customers, and a world with no closed month would
leave them out of the site's figures."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from aias_dagster.bench.nightly import RunCost, timed
from aias_dagster.billing.cli import close_world_months
from aias_dagster.definitions import build_definitions
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.orchestration.runs import InProcessRunner
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.transform.project import apply_dbt_environment


def measure_billing_close(settings: ConnectionSettings, landing: Path) -> RunCost:
    """The billing job closing every complete month of the world, as `aias demo` closes them (one run)."""
    days = delivery_days(landing, "api_requests")
    apply_dbt_environment(settings)
    definitions = build_definitions(warehouse_url=settings.url, landing_dir=str(landing), first_day=days[0])
    with dg.instance_for_test() as instance:
        runner = InProcessRunner(definitions, instance)
        return timed(
            settings,
            "billing close of the world's complete months",
            lambda: close_world_months(runner, landing, lambda line: print(line, flush=True)),
        )
