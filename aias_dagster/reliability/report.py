"""Auto-fixed share and MTTR of the last complete month, as `aias demo` prints them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg

from aias_dagster.platform.kpi import LoopKpi, last_complete_month, loop_kpi

# The month is the loop's last complete month as marts.reliability_kpi_monthly marks it.
MONTH_SQL = """
with month as (
    select *
    from marts.error_events
    where occurred_date >= %(month)s and occurred_date < %(month)s + interval '1 month'
)
select
    %(month)s::date,
    count(*),
    count(*) filter (where is_auto_fixable),
    count(*) filter (where is_auto_fixed),
    count(*) filter (where remediation_outcome is not null),
    count(*) filter (where remediation_outcome = 'succeeded'),
    percentile_cont(0.5) within group (order by extract(epoch from resolved_at - occurred_at) / 60),
    avg(extract(epoch from resolved_at - occurred_at) / 60),
    count(*) filter (where category = 'uncategorized')
from month
"""

TOP_GROUPS_SQL = """
select category, service, events, left(normalised_message, 70)
from marts.error_groups
order by events desc, fingerprint
limit 5
"""


@dataclass(frozen=True)
class MonthReliability:
    month_start: date | None
    errors: int
    auto_fixable: int
    auto_fixed: int
    remediated: int
    remediation_succeeded: int
    mttr_median_minutes: float | None
    mttr_mean_minutes: Decimal | None
    uncategorized: int

    @property
    def auto_fixed_share(self) -> Decimal | None:
        return Decimal(self.auto_fixed) / self.errors if self.errors else None


def month_reliability(conn: psycopg.Connection, month: date | None) -> MonthReliability | None:
    if month is None:
        return None
    return MonthReliability(*conn.execute(MONTH_SQL, {"month": month}).fetchone())  # type: ignore[misc]


def format_month(month: MonthReliability | None, kpi: LoopKpi | None, top: list[tuple[str, str, int, str]]) -> str:
    if month is None or month.month_start is None or not month.errors:
        return "  no complete month of reliability data yet"
    share = month.auto_fixed_share or Decimal(0)
    verdict = f"target {kpi.target_text}, {kpi.status}" if kpi else "no target"
    median = "-" if month.mttr_median_minutes is None else f"{month.mttr_median_minutes:,.1f}"
    mean = "-" if month.mttr_mean_minutes is None else f"{month.mttr_mean_minutes:,.1f}"
    lines = [
        f"  Reliability, {month.month_start:%B %Y}: {month.errors:,} errors, {month.auto_fixed:,} auto-fixed = "
        f"{share:.1%} ({verdict}); MTTR median {median} min, mean {mean} min",
        f"  remediations: {month.remediated:,} errors worked on, {month.remediation_succeeded:,} succeeded; "
        f"{month.auto_fixable:,} errors were auto-fixable; {month.uncategorized:,} uncategorized",
        "  top error groups:",
    ]
    lines += [f"    {events:>6,}  {category:<21}{service:<16}{text}" for category, service, events, text in top]
    return "\n".join(lines)


def report(conn: psycopg.Connection) -> str:
    month = month_reliability(conn, last_complete_month(conn, "reliability"))
    return format_month(month, loop_kpi(conn, "reliability"), conn.execute(TOP_GROUPS_SQL).fetchall())
