"""Adoption per feature for the last complete month, as `aias demo` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg

from aias_dagster.platform.kpi import last_complete_month

# The month is the loop's last complete month as marts.product_kpi_monthly marks it.
MONTH_ADOPTION_SQL = """
select m.month_start, m.feature, m.released_on, m.active_accounts, m.adopters, m.adoption_rate,
       m.new_accounts, m.repeat_accounts, m.returning_accounts, m.churned_accounts,
       m.median_days_to_adopt, m.distinct_users
from marts.feature_adoption_monthly as m
where m.month_start = %(month)s
order by m.adoption_rate desc nulls last, m.feature
"""

MONTH_OUTSIDE_CATALOG_SQL = """
select o.usage_kind, o.feature, sum(o.events)
from marts.feature_usage_outside_catalog as o
where o.date_day >= %(month)s and o.date_day < %(month)s + interval '1 month'
group by o.usage_kind, o.feature
order by o.usage_kind desc, sum(o.events) desc, o.feature
"""


@dataclass(frozen=True)
class FeatureMonth:
    month_start: date
    feature: str
    released_on: date
    active_accounts: int
    adopters: int
    adoption_rate: Decimal | None
    new: int
    repeat: int
    returning: int
    churned: int
    median_days_to_adopt: Decimal | None
    distinct_users: int


def month_adoption(conn: psycopg.Connection, month: date | None) -> list[FeatureMonth]:
    if month is None:
        return []
    return [FeatureMonth(*row) for row in conn.execute(MONTH_ADOPTION_SQL, {"month": month}).fetchall()]


def month_outside_catalog(conn: psycopg.Connection, month: date | None) -> list[tuple[str, str, int]]:
    if month is None:
        return []
    rows = conn.execute(MONTH_OUTSIDE_CATALOG_SQL, {"month": month}).fetchall()
    return [(kind, feature, int(events)) for kind, feature, events in rows]


def _rate(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _days(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_adoption(rows: list[FeatureMonth], outside: list[tuple[str, str, int]]) -> str:
    """One line per feature: the rate and where its adopters come from (new, repeat, returning) and go."""
    if not rows:
        return "  no complete month of product data yet"
    lines = [
        f"  Feature adoption, {rows[0].month_start:%B %Y} (adopters / accounts active in the month)",
        f"  {'feature':<14}{'released':>12}{'active':>8}{'adopters':>10}{'rate':>8}{'new':>6}{'repeat':>8}"
        f"{'return':>8}{'churned':>9}{'days to adopt':>15}",
    ]
    for r in rows:
        lines.append(
            f"  {r.feature:<14}{r.released_on.isoformat():>12}{r.active_accounts:>8,}{r.adopters:>10,}"
            f"{_rate(r.adoption_rate):>8}{r.new:>6,}{r.repeat:>8,}{r.returning:>8,}{r.churned:>9,}"
            f"{_days(r.median_days_to_adopt):>15}"
        )
    if outside:
        counted = ", ".join(f"{feature} {events:,} ({kind})" for kind, feature, events in outside)
        lines.append(f"  not counted as adoption: {counted} events")
    return "\n".join(lines)


def report(conn: psycopg.Connection) -> str:
    """The loop's summary for `aias demo` (registered in aias_dagster/platform/loops.py)."""
    month = last_complete_month(conn, "product")
    return format_adoption(month_adoption(conn, month), month_outside_catalog(conn, month))
