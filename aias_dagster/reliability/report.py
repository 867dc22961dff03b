"""Auto-fixed share and MTTR of the last complete month, as `aias demo` prints them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg

AUTO_FIXED_TARGET = Decimal("0.20")

LAST_COMPLETE_MONTH_SQL = """
with bounds as (
    select (date_trunc('month', max(occurred_at) at time zone 'UTC' + interval '1 day') - interval '1 month')::date
        as month_start
    from marts.error_events
),
month as (
    select e.*
    from marts.error_events as e
    cross join bounds
    where e.occurred_date >= bounds.month_start and e.occurred_date < bounds.month_start + interval '1 month'
)
select
    (select month_start from bounds),
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


def last_complete_month(conn: psycopg.Connection) -> MonthReliability:
    return MonthReliability(*conn.execute(LAST_COMPLETE_MONTH_SQL).fetchone())


def format_month(month: MonthReliability, top: list[tuple[str, str, int, str]]) -> str:
    if month.month_start is None or not month.errors:
        return "  no complete month of reliability data yet"
    share = month.auto_fixed_share or Decimal(0)
    verdict = "on target" if share >= AUTO_FIXED_TARGET else "below target"
    median = "-" if month.mttr_median_minutes is None else f"{month.mttr_median_minutes:,.1f}"
    mean = "-" if month.mttr_mean_minutes is None else f"{month.mttr_mean_minutes:,.1f}"
    lines = [
        f"  Reliability, {month.month_start:%B %Y}: {month.errors:,} errors, {month.auto_fixed:,} auto-fixed = "
        f"{share:.1%} (target {AUTO_FIXED_TARGET:.0%}, {verdict}); MTTR median {median} min, mean {mean} min",
        f"  remediations: {month.remediated:,} errors worked on, {month.remediation_succeeded:,} succeeded; "
        f"{month.auto_fixable:,} errors were auto-fixable; {month.uncategorized:,} uncategorized",
        "  top error groups:",
    ]
    lines += [f"    {events:>6,}  {category:<21}{service:<16}{text}" for category, service, events, text in top]
    return "\n".join(lines)


def report(conn: psycopg.Connection) -> str:
    return format_month(last_complete_month(conn), conn.execute(TOP_GROUPS_SQL).fetchall())
