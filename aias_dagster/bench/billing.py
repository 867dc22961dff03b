"""The monthly billing close over the bench world, before the site is built: the billing page's
reconciliation and invoices are what grows with the customers, and a world with no closed month would
leave them out of the site's figures."""

from __future__ import annotations

from pathlib import Path

from aias_dagster.bench.nightly import RunCost, bench_runner, timed
from aias_dagster.billing.cli import close_world_months
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.platform.warehouse import ConnectionSettings


def measure_billing_close(settings: ConnectionSettings, landing: Path) -> RunCost:
    """The billing job closing every complete month of the world, as `aias demo` closes them (one run)."""
    days = delivery_days(landing, "api_requests")
    with bench_runner(settings, landing, days[0]) as runner:
        return timed(
            settings,
            "billing close of the world's complete months",
            lambda: close_world_months(runner, landing, lambda line: print(line, flush=True)),
        )
