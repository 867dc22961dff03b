"""What the reliability page reads, from the marts, as rows: one query per section, no metric computed here.

The error rate, MTTR and unresolved ages are marts of their own (reliability_error_rate_daily,
reliability_mttr_daily, reliability_unresolved_by_age), the auto-fixed share is the loop's KPI mart
(reliability_kpi_monthly), and the target and the last complete month come from the scorecard
(platform/kpi.py), so dbt tests every figure the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import dict_row

from aias_dagster.platform.kpi import LoopKpi, last_complete_month, loop_kpi

# "Data as of": the newest day with errors. Errors are the feed every number here counts.
AS_OF_SQL = "select max(date_day) from marts.reliability_daily"

QUERIES: dict[str, str] = {
    "daily": """
        select date_day, errors, api_requests, errors_per_1000_requests
        from marts.reliability_error_rate_daily order by date_day""",
    "mttr_daily": """
        select date_day, resolved_errors, mttr_median_minutes, mttr_mean_minutes
        from marts.reliability_mttr_daily order by date_day""",
    "auto_fixed_monthly": """
        select month_start, is_complete_month, denominator as errors, numerator as auto_fixed,
            round(kpi_value, 4) as auto_fixed_share
        from marts.reliability_kpi_monthly order by month_start""",
    "top_groups": """
        select fingerprint, category, service, error_class, normalised_message, sample_message, events, customers,
            auto_fixed_share, tickets, first_seen_at, last_seen_at
        from marts.error_groups order by events desc, fingerprint limit 10""",
    "remediation_outcomes": """
        select category, coalesce(remediation_outcome, 'none') as outcome, count(*) as errors
        from marts.error_events where is_auto_fixable group by 1, 2 order by 1, 2""",
    "unresolved_by_age": """
        select age_bucket as age, category, errors
        from marts.reliability_unresolved_by_age order by age_order, category""",
}

Row = dict[str, Any]


@dataclass(frozen=True)
class ReliabilityRows:
    """What the page reads from the marts, before any shaping."""

    as_of: date | None
    kpi: LoopKpi | None  # the scorecard's row: the target, the status
    month: date | None  # the last complete month, as reliability_kpi_monthly marks it
    daily: list[Row]
    mttr_daily: list[Row]
    auto_fixed_monthly: list[Row]
    top_groups: list[Row]
    remediation_outcomes: list[Row]
    unresolved_by_age: list[Row]


def read_rows(conn: psycopg.Connection) -> ReliabilityRows:
    (as_of,) = conn.execute(AS_OF_SQL).fetchone() or (None,)
    with conn.cursor(row_factory=dict_row) as cur:
        sections = {name: cur.execute(statement).fetchall() for name, statement in QUERIES.items()}
    return ReliabilityRows(as_of, loop_kpi(conn, "reliability"), last_complete_month(conn, "reliability"), **sections)
