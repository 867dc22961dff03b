"""The reliability dashboard: loop 5's page of the site, assembled from queries.py's rows and charts.py's figures.

The headline is the loop's KPI, the auto-fixed share of the last complete month against its target, as the
scorecard holds them (platform/kpi.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import psycopg

from aias_dagster.dashboards.formatting import percent, rounded, short_month
from aias_dagster.dashboards.page import Chart, Page, PageData
from aias_dagster.reliability import charts
from aias_dagster.reliability.queries import ReliabilityRows, Row, read_rows


def month_row(rows: ReliabilityRows) -> Row | None:
    return next((r for r in rows.auto_fixed_monthly if r["month_start"] == rows.month), None)


def month_error_rate(rows: ReliabilityRows) -> Decimal | None:
    """Errors per 1,000 API requests over the last complete month's days (sums, not a mean of daily rates)."""
    picked = [r for r in rows.daily if rows.month and r["date_day"].replace(day=1) == rows.month]
    requests = sum((r["api_requests"] or 0) for r in picked)
    return rounded(Decimal(sum(r["errors"] for r in picked)) * 1000 / requests, 2) if requests else None


def remediations_ran(rows: ReliabilityRows) -> bool:
    """Whether the ledger holds any remediation behind these errors (outcome other than "none")."""
    return any(r["outcome"] != "none" for r in rows.remediation_outcomes)


def summary_line(rows: ReliabilityRows) -> str:
    month = month_row(rows)
    if month is None:
        return "No complete month of errors yet."
    target = f" (target {rows.kpi.target_text})" if rows.kpi else ""
    return f"{short_month(month['month_start'])}: {percent(month['auto_fixed_share'])} of errors auto-fixed{target}"


def page_data(rows: ReliabilityRows) -> PageData:
    """The page from the rows: its tiles, table and figures (pure: tested on hand-made rows too)."""
    figures: list[Chart] = [charts.error_rate_chart(rows), charts.mttr_chart(rows), charts.auto_fixed_chart(rows)]
    if rows.remediation_outcomes:
        figures.append(charts.outcomes_chart(rows))
    if rows.unresolved_by_age:
        figures.append(charts.unresolved_chart(rows))
    return PageData(
        as_of=rows.as_of,
        summary=summary_line(rows),
        context={
            "month": month_row(rows),
            "kpi": rows.kpi,
            "error_rate": month_error_rate(rows),
            "top_groups": rows.top_groups,
            "remediations_ran": remediations_ran(rows),
            "has_auto_fixable": bool(rows.remediation_outcomes),
            "unresolved": sum(int(r["errors"]) for r in rows.unresolved_by_age),
        },
        charts=tuple(figures) if rows.daily else (),
    )


def build(conn: psycopg.Connection) -> PageData:
    return page_data(read_rows(conn))


PAGE = Page(
    name="reliability",
    title="Reliability: errors, auto-fixes and MTTR",
    group="reliability",
    marts=(
        "error_events",
        "error_groups",
        "reliability_daily",
        "reliability_error_rate_daily",
        "reliability_mttr_daily",
        "reliability_unresolved_by_age",
        "reliability_kpi_monthly",
        "loop_scorecard",
    ),
    build=build,
    template=Path(__file__).with_name("templates") / "reliability.html.j2",
    description="Error rate and MTTR per day, the monthly auto-fixed share against its target, the top error "
    "groups, remediation outcomes and unresolved errors by age.",
)
