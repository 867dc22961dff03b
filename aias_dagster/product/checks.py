"""The loop's KPI as an asset check: every catalogued feature has an adoption rate for the last complete month."""

from __future__ import annotations

import dagster as dg
import psycopg

from aias_dagster.platform.resources import WarehouseResource

FEATURE_ADOPTION_MONTHLY = dg.AssetKey(["marts", "feature_adoption_monthly"])

# Catalogued features released by the end of the last complete month, and whether that month has their rate.
RATES_SQL = """
with bounds as (
    select (date_trunc('month', max(date_day) + 1) - interval '1 month')::date as month_start
    from marts.feature_adoption_daily
),
catalog as (
    select feature, released_on from seeds.feature_catalog
    where version = (select max(version) from seeds.feature_catalog)
)
select bounds.month_start, catalog.feature, m.adoption_rate
from bounds
cross join catalog
left join marts.feature_adoption_monthly as m
    on m.month_start = bounds.month_start and m.feature = catalog.feature
where catalog.released_on < (bounds.month_start + interval '1 month')
order by catalog.feature
"""


def last_complete_month_rates(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(RATES_SQL).fetchall()


def rates_result(rows: list[tuple]) -> dg.AssetCheckResult:
    """Warns when a released feature has no rate for the month (no active account, or a missing row)."""
    if not rows or rows[0][0] is None:
        return dg.AssetCheckResult(passed=True, metadata={"month": "no complete month yet"})
    missing = [feature for _month, feature, rate in rows if rate is None]
    month = rows[0][0]
    return dg.AssetCheckResult(
        passed=not missing,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{len(rows) - len(missing)} of {len(rows)} released features have a rate in {month:%B %Y}"
        + (f"; none for {', '.join(missing)}" if missing else ""),
        metadata={"month": month.isoformat(), "features": len(rows), "without_rate": ", ".join(missing) or "none"},
    )


@dg.asset_check(asset=FEATURE_ADOPTION_MONTHLY, name="every_feature_has_an_adoption_rate", blocking=False)
def every_feature_has_an_adoption_rate(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The scorecard's target for the product loop (docs/data_contract.md): a rate for every catalogued feature."""
    with warehouse.connect() as conn:
        return rates_result(last_complete_month_rates(conn))
