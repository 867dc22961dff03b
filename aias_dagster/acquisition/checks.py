"""The loop's KPI as an asset check: attribution coverage of the last complete month against its target."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import dagster as dg
import psycopg

from aias_dagster.platform import months
from aias_dagster.platform.resources import WarehouseResource

CAC_MONTHLY = dg.AssetKey(["marts", "cac_monthly"])
# The original analysis: CAC is only as good as the share of new paying customers it can attribute.
COVERAGE_TARGET = Decimal("0.95")

# The newest day of the daily mart: the month it completes is the one the checks, the report and the page show.
NEWEST_DAY_SQL = "select max(date_day) from marts.metrics_daily"
MONTH_COVERAGE_SQL = """
select max(attribution_coverage) from marts.cac_monthly where is_default_model and month_start = %s
"""


def last_complete_month(conn: psycopg.Connection) -> date | None:
    """The loop's last complete month (platform/months.py), from the days metrics_daily holds."""
    (newest,) = conn.execute(NEWEST_DAY_SQL).fetchone() or (None,)
    return months.last_complete_month(newest)


def last_complete_month_coverage(conn: psycopg.Connection) -> tuple[date, Decimal | None] | None:
    month = last_complete_month(conn)
    row = conn.execute(MONTH_COVERAGE_SQL, (month,)).fetchone() if month else None
    return None if row is None or month is None else (month, row[0])


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
