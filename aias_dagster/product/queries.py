"""What the product page reads, from the marts, as rows: the marts' own figures, never recomputed.

Adoption per day and month, the time-to-adopt histogram (bucketed by the mart feature_time_to_adopt), usage
outside the catalog, the data's age, and from the loop's KPI mart and the scorecard (platform/kpi.py) the last
complete month, the month in progress and the KPI against its target. It reads the marts of `page.PAGE` and
no other table, so the page's asset sits downstream of everything it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import dict_row

from aias_dagster.platform.kpi import LoopKpi, complete_months, last_complete_month, loop_kpi

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
select feature, bucket_order, bucket, adopting_accounts as accounts
from marts.feature_time_to_adopt
order by feature, bucket_order
"""
OUTSIDE_SQL = """
select usage_kind, feature, sum(events) as events, sum(distinct_accounts) as account_days,
       min(date_day) as first_day, max(date_day) as last_day
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

Row = dict[str, Any]


@dataclass
class AdoptionPage:
    daily: list[Row] = field(default_factory=list)  # rates over time; curves: days_since_release
    monthly: list[Row] = field(default_factory=list)  # new / repeat / returning / churned
    time_to_adopt: list[Row] = field(default_factory=list)  # feature, bucket_order, bucket label, accounts
    outside_catalog: list[Row] = field(default_factory=list)  # uncatalogued and beta usage
    newest_activity_day: date | None = None  # the last UTC day with product events in the marts
    newest_delivery_day: date | None = None  # the newest delivery behind them: the page's "data as of"
    month: date | None = None  # the last complete month, as product_kpi_monthly marks it
    complete: dict[date, bool] = field(default_factory=dict)  # every month -> complete (False: in progress)
    kpi: LoopKpi | None = None  # the scorecard's row


def adoption_page_data(conn: psycopg.Connection) -> AdoptionPage:
    """Every section of the page, from the marts, as plain rows."""
    with conn.cursor(row_factory=dict_row) as cur:
        page = AdoptionPage(
            daily=cur.execute(DAILY_SQL).fetchall(),
            monthly=cur.execute(MONTHLY_SQL).fetchall(),
            time_to_adopt=cur.execute(TIME_TO_ADOPT_SQL).fetchall(),
            outside_catalog=cur.execute(OUTSIDE_SQL).fetchall(),
        )
    page.newest_activity_day, page.newest_delivery_day = conn.execute(DATA_AGE_SQL).fetchone() or (None, None)
    page.month = last_complete_month(conn, "product")
    page.complete = complete_months(conn, "product")
    page.kpi = loop_kpi(conn, "product")
    return page
