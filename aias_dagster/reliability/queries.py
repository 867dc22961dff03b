"""The data of the reliability dashboard page, from the marts: a template away from a page.

error rate and MTTR over time, the auto-fixed share per month against the 20 % target, the top error
groups, remediation outcomes and unresolved errors by age. Plain values (dates, numbers, strings), so
any template or JSON writer can render them.
"""

from __future__ import annotations

from typing import Any

import psycopg

from aias_dagster.platform.kpi import loop_kpi

QUERIES: dict[str, str] = {
    "daily": """
        select date_day, sum(errors) as errors, max(api_requests) as api_requests,
            round(sum(errors) * 1000.0 / nullif(max(api_requests), 0), 4) as errors_per_1000_requests,
            sum(auto_fixed) as auto_fixed
        from marts.reliability_daily group by date_day order by date_day""",
    "mttr_daily": """
        select occurred_date as date_day,
            round(cast(percentile_cont(0.5) within group (order by extract(epoch from resolved_at - occurred_at) / 60)
                as numeric), 2) as mttr_median_minutes,
            round(avg(extract(epoch from resolved_at - occurred_at) / 60), 2) as mttr_mean_minutes
        from marts.error_events where resolved_at is not null group by occurred_date order by occurred_date""",
    "auto_fixed_monthly": """
        select date_trunc('month', date_day)::date as month_start, sum(errors) as errors, sum(auto_fixed) as auto_fixed,
            round(sum(auto_fixed) * 1.0 / nullif(sum(errors), 0), 4) as auto_fixed_share
        from marts.reliability_daily group by 1 order by 1""",
    "top_groups": """
        select fingerprint, category, service, error_class, normalised_message, sample_message, events, customers,
            auto_fixed_share, tickets, first_seen_at, last_seen_at
        from marts.error_groups order by events desc, fingerprint limit 10""",
    "remediation_outcomes": """
        select category, coalesce(remediation_outcome, 'none') as outcome, count(*) as errors
        from marts.error_events where is_auto_fixable group by 1, 2 order by 1, 2""",
    "unresolved_by_age": """
        with as_of as (select max(occurred_at) as t from marts.error_events)
        select case
                when as_of.t - occurred_at < interval '1 hour' then '< 1 hour'
                when as_of.t - occurred_at < interval '1 day' then '1-24 hours'
                when as_of.t - occurred_at < interval '7 days' then '1-7 days'
                else '> 7 days'
            end as age, category, count(*) as errors
        from marts.error_events cross join as_of where resolved_at is null group by 1, 2 order by 1, 2""",
}


def dashboard_data(conn: psycopg.Connection) -> dict[str, Any]:
    """Every section of the page as a list of row dicts, plus the KPI's target."""
    kpi = loop_kpi(conn, "reliability")
    data: dict[str, Any] = {"auto_fixed_target": kpi.target if kpi else None}
    for name, statement in QUERIES.items():
        cursor = conn.execute(statement)
        columns = [c.name for c in cursor.description or ()]
        data[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return data
