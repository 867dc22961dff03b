"""The product loop's night beside its full refresh, on the bench world the nightly benchmark has built.

Product events are the largest stream, so the loop's incremental path is measured on its own: its job
(`product_near_real_time`, the one the sensor launches) for the last delivery day, and the same job with
`full_refresh`, every product model rebuilt from all of raw. Rows read are Postgres' own count
(pg_stat_database), so the comparison does not depend on the machine.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import psycopg

from aias_dagster.bench.nightly import RunCost, bench_runner, timed
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.orchestration.runs import run_days
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.product.jobs import NEAR_REAL_TIME_JOB

SIZES_SQL = """
select (select count(*) from raw.product_events), (select count(*) from intermediate.int_product__activity_days)
"""


@dataclass(frozen=True)
class ProductTimings:
    night: RunCost
    full_refresh: RunCost
    events: int
    activity_rows: int


def measure_product(settings: ConnectionSettings, landing: Path) -> ProductTimings:
    """Run after measure_nightly on its database: every day is loaded and built."""
    days = delivery_days(landing, "product_events")
    night = days[-1]
    with bench_runner(settings, landing, days[0]) as runner:
        nightly = timed(
            settings,
            f"product night {night}",
            functools.partial(run_days, runner, NEAR_REAL_TIME_JOB, night, night),
            (night, night),
        )
        full = timed(
            settings,
            f"product full refresh of {len(days)} days",
            functools.partial(run_days, runner, NEAR_REAL_TIME_JOB, days[0], days[-1], True),
        )
    with psycopg.connect(settings.url) as conn:
        events, activity = conn.execute(SIZES_SQL).fetchone()  # type: ignore[misc]
    return ProductTimings(nightly, full, int(events), int(activity))


def report_lines(t: ProductTimings) -> list[str]:
    lines = [
        "make bench: the product loop's job for one night beside its full refresh",
        f"  raw.product_events {t.events:,} rows; int_product__activity_days {t.activity_rows:,} rows "
        f"({t.activity_rows / max(t.events, 1):.0%} of the events)",
        f"  {'run':<36}{'wall':>8}{'dbt':>8}{'model SQL':>11}{'rows read':>15}",
    ]
    for cost in (t.night, t.full_refresh):
        lines.append(
            f"  {cost.label:<36}{cost.wall_s:>7.1f}s{cost.dbt.elapsed_s:>7.1f}s{cost.dbt.models_s:>10.1f}s"
            f"{cost.rows_read:>15,}"
        )
    ratio = t.full_refresh.rows_read / max(t.night.rows_read, 1)
    lines.append(f"  the full refresh reads {ratio:.0f} x the night's rows")
    return lines
