"""The data of the product loop's dashboard page, from the marts: a template away from the page.

The page (issue 10, item 5; `page.py` shapes it) shows adoption rate per feature over time, adoption curves
aligned on days since release, the time-to-adopt distribution, new / repeat / returning / churned per month,
usage outside the catalog and the data's age. `adoption_page_data` returns all of it as plain values; the
figures are the marts' own, never recomputed, so a browser test can compare the page with the marts row by
row. It reads the four marts of `page.PAGE` and no other table, so the page's asset sits downstream of
everything it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg

# Whole days of time to adopt, the last bucket open-ended: [0, 1), [1, 2), ... [30, inf).
TIME_TO_ADOPT_BUCKETS = (0, 1, 2, 3, 5, 7, 14, 21, 30)

DAILY_SQL = """
select date_day, feature, days_since_release, window_days, is_short_window, active_accounts, adopters,
       adoption_rate, accounts_on_day, new_adopters, stickiness
from marts.feature_adoption_daily
order by feature, date_day
"""
MONTHLY_SQL = """
select month_start, feature, active_accounts, adopters, adoption_rate, new_accounts, repeat_accounts,
       returning_accounts, churned_accounts, median_days_to_adopt, distinct_users
from marts.feature_adoption_monthly
order by feature, month_start
"""
TIME_TO_ADOPT_SQL = """
select feature, bucket, count(*)
from (
    select feature, width_bucket(days_to_adopt, %(bounds)s::numeric[]) as bucket
    from marts.feature_first_use
    where days_to_adopt is not null
) as bucketed
group by feature, bucket
order by feature, bucket
"""
OUTSIDE_SQL = """
select usage_kind, feature, sum(events), sum(distinct_accounts), min(date_day), max(date_day)
from marts.feature_usage_outside_catalog
group by usage_kind, feature
order by usage_kind, sum(events) desc
"""
# The data's age from the marts themselves: every row records the newest activity delivery its build read, and
# the daily mart has a row for every day with product data (so its last day is the newest activity day).
DATA_AGE_SQL = """
select max(date_day), max(_activity_delivered_through)
from marts.feature_adoption_daily
"""


@dataclass
class AdoptionPage:
    daily: list[dict[str, Any]] = field(default_factory=list)  # rates over time; curves: days_since_release
    monthly: list[dict[str, Any]] = field(default_factory=list)  # new / repeat / returning / churned
    time_to_adopt: list[dict[str, Any]] = field(default_factory=list)  # feature, bucket label, accounts
    outside_catalog: list[dict[str, Any]] = field(default_factory=list)  # uncatalogued and beta usage
    newest_activity_day: date | None = None  # the last UTC day with product events in the marts
    newest_delivery_day: date | None = None  # the newest delivery behind them: the page's "data as of"


def _rows(conn: psycopg.Connection, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [c.name for c in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def bucket_label(bucket: int) -> str:
    """width_bucket's number as the page shows it: '0-1 days', ..., '30+ days'."""
    bounds = TIME_TO_ADOPT_BUCKETS
    if bucket >= len(bounds):
        return f"{bounds[-1]}+ days"
    return f"{bounds[bucket - 1]}-{bounds[bucket]} days"


def adoption_page_data(conn: psycopg.Connection) -> AdoptionPage:
    """Every section of the page, from the marts, as plain rows."""
    page = AdoptionPage(daily=_rows(conn, DAILY_SQL), monthly=_rows(conn, MONTHLY_SQL))
    for row in _rows(conn, TIME_TO_ADOPT_SQL, {"bounds": [Decimal(b) for b in TIME_TO_ADOPT_BUCKETS]}):
        page.time_to_adopt.append(
            {"feature": row["feature"], "bucket": bucket_label(row["bucket"]), "accounts": row["count"]}
        )
    page.outside_catalog = [
        dict(zip(("usage_kind", "feature", "events", "account_days", "first_day", "last_day"), r, strict=True))
        for r in conn.execute(OUTSIDE_SQL).fetchall()
    ]
    page.newest_activity_day, page.newest_delivery_day = conn.execute(DATA_AGE_SQL).fetchone() or (None, None)
    return page
