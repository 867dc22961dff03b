"""The support loop's dashboard page (`support.html`), from queries.py's rows and charts.py's figures.

The headline is the last complete month's top 5 with their trend and the loop's KPI, the categorized share,
against its target (the scorecard); then volume per category and month, first response and resolution
times, the daily backlog, CSAT, the categorized share per month and the newest uncategorized tickets (the
ones to write the next rule version from).
"""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.dashboards import charts as shared
from aias_dagster.dashboards.formatting import NOTHING, count, percent
from aias_dagster.dashboards.formatting import month as month_name
from aias_dagster.dashboards.page import Page, PageData
from aias_dagster.support import charts
from aias_dagster.support.charts import UNCATEGORIZED, categories, duration
from aias_dagster.support.queries import MonthTimes, SupportPage, support_page_data
from aias_dagster.support.report import ARROWS


def as_of(data: SupportPage) -> date | None:
    """ "Data as of": the UTC day of the newest ticket change the marts hold."""
    return None if data.data_through is None else data.data_through.astimezone(UTC).date()


def month_times(data: SupportPage, month: date | None) -> MonthTimes | None:
    return next((t for t in data.times if t.month_start == month), None)


def summary_line(data: SupportPage) -> str:
    if data.top is None:
        return "No complete month of support tickets yet."
    first = data.top.issues[0].category if data.top.issues else NOTHING
    share = NOTHING if data.top.categorized_share is None else percent(data.top.categorized_share)
    return (
        f"{month_name(data.top.month_start)}: {count(data.top.tickets)} tickets, top issue {first}, {share} categorized"
    )


def top_rows(data: SupportPage) -> list[dict[str, Any]]:
    """The top-5 table: each issue with its arrow (↑ ↓ → or "new")."""
    if data.top is None:
        return []
    return [{"issue": i, "arrow": ARROWS[i.trend], "trend": i.trend} for i in data.top.issues]


def page_data(data: SupportPage) -> PageData:
    """The page from the loop's data (pure: tested on hand-made rows)."""
    month = None if data.top is None else data.top.month_start
    colour_of = shared.colours(categories(data.volume), muted=(UNCATEGORIZED,))
    figures = (
        (
            charts.volume_chart(data, colour_of),
            charts.times_chart(data, "first_response"),
            charts.times_chart(data, "resolution"),
            charts.backlog_chart(data),
            charts.csat_chart(data),
            charts.categorized_chart(data),
        )
        if data.times
        else ()
    )
    latest_backlog = max((b.date_day for b in data.backlog), default=None)
    return PageData(
        as_of=as_of(data),
        summary=summary_line(data),
        context={
            "month": month,
            "kpi": data.kpi,
            "top": data.top,
            "top_rows": top_rows(data),
            "month_times": month_times(data, month),
            "backlog_day": latest_backlog,
            "backlog_open": sum(b.open_tickets for b in data.backlog if b.date_day == latest_backlog),
            "uncategorized_tickets": data.newest_uncategorized,
            "data_through": data.data_through,
            "duration": duration,
        },
        charts=figures,
    )


def build(conn: psycopg.Connection) -> PageData:
    return page_data(support_page_data(conn))


PAGE = Page(
    name="support",
    title="Support: ticket categories and SLAs",
    group="support",
    marts=(
        "support_tickets",
        "support_monthly",
        "support_top_issues",
        "support_backlog_daily",
        "support_times_monthly",
        "support_kpi_monthly",
        "loop_scorecard",
    ),
    build=build,
    template=Path(__file__).with_name("templates") / "support.html.j2",
    description="The month's top 5 ticket categories, volume, response and resolution times, backlog, CSAT, "
    "the categorized share against its target and the tickets no rule categorized.",
)
