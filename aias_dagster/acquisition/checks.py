"""The loop's KPI as an asset check: attribution coverage of the last complete month against its target."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import dagster as dg
import psycopg

from aias_dagster.platform.resources import WarehouseResource

CAC_MONTHLY = dg.AssetKey(["marts", "cac_monthly"])
# The original analysis: CAC is only as good as the share of new paying customers it can attribute.
COVERAGE_TARGET = Decimal("0.95")

LAST_COMPLETE_MONTH_COVERAGE_SQL = """
with bounds as (
    select (date_trunc('month', max(date_day) + 1) - interval '1 month')::date as month_start
    from marts.metrics_daily
)
select c.month_start, max(c.attribution_coverage)
from marts.cac_monthly as c
inner join bounds on c.month_start = bounds.month_start
where c.is_default_model
group by c.month_start
"""


def last_complete_month_coverage(conn: psycopg.Connection) -> tuple[date, Decimal | None] | None:
    row = conn.execute(LAST_COMPLETE_MONTH_COVERAGE_SQL).fetchone()
    return None if row is None else (row[0], row[1])


def coverage_result(coverage: tuple[date, Decimal | None] | None) -> dg.AssetCheckResult:
    """Passes at or above the target; below it warns (CAC is still computed, with its adjusted variant)."""
    if coverage is None or coverage[1] is None:
        return dg.AssetCheckResult(passed=True, metadata={"month": "no complete month yet"})
    month, share = coverage
    return dg.AssetCheckResult(
        passed=share >= COVERAGE_TARGET,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"attribution coverage {share:.1%} in {month:%B %Y}, target {COVERAGE_TARGET:.0%}",
        metadata={"month": month.isoformat(), "coverage": float(share), "target": float(COVERAGE_TARGET)},
    )


@dg.asset_check(asset=CAC_MONTHLY, name="attribution_coverage_meets_target", blocking=False)
def attribution_coverage_meets_target(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The share of the last complete month's new paying customers with a channel, against 95 %."""
    with warehouse.connect() as conn:
        return coverage_result(last_complete_month_coverage(conn))
