"""What the loop's dashboard page shows, read from the marts in one call, so that the page is a template away.

`support_page_data(conn)` returns plain data (dates, ints, Decimals, strings): the last complete month's top
5 with their trend, ticket volume per category and month, first response and resolution median and p90 per
month (over all categories), the daily backlog by priority, CSAT per month, the uncategorized share and the
newest uncategorized tickets (the ones to write the next rule version from), and how old the data is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import NOTHING, count, percent, rounded
from aias_dagster.dashboards.formatting import month as month_name
from aias_dagster.dashboards.page import Chart, Page, PageData
from aias_dagster.platform.kpi import last_complete_month
from aias_dagster.support.report import ARROWS, MonthTopIssues, month_top_issues

NEWEST_UNCATEGORIZED = 20

VOLUME_SQL = """
select month_start, category, tickets, is_spike
from marts.support_monthly
order by month_start, category
"""

# Medians and percentiles cannot be combined from the per-category rows, so the monthly totals read the tickets.
TIMES_SQL = """
select created_month,
       round(cast(percentile_cont(0.5) within group (order by first_response_minutes) as numeric), 1),
       round(cast(percentile_cont(0.9) within group (order by first_response_minutes) as numeric), 1),
       round(cast(percentile_cont(0.5) within group (order by resolution_minutes) as numeric), 1),
       round(cast(percentile_cont(0.9) within group (order by resolution_minutes) as numeric), 1),
       round(avg(csat_score), 2),
       count(csat_score),
       count(*) filter (where category = 'uncategorized'),
       count(*)
from marts.support_tickets
group by created_month
order by created_month
"""

BACKLOG_SQL = """
select date_day, priority, sum(open_tickets)
from marts.support_backlog_daily
group by date_day, priority
order by date_day, priority
"""

UNCATEGORIZED_SQL = """
select ticket_id, created_at, channel, priority, subject
from marts.support_tickets
where category = 'uncategorized'
order by created_at desc, ticket_id
limit %s
"""

DATA_AGE_SQL = "select max(updated_at) from marts.support_tickets"


@dataclass(frozen=True)
class MonthVolume:
    month_start: date
    category: str
    tickets: int
    is_spike: bool


@dataclass(frozen=True)
class MonthTimes:
    """One month over every category: calendar minutes, and CSAT."""

    month_start: date
    first_response_median: Decimal | None
    first_response_p90: Decimal | None
    resolution_median: Decimal | None
    resolution_p90: Decimal | None
    csat_mean: Decimal | None
    rated: int
    uncategorized: int
    tickets: int

    @property
    def uncategorized_share(self) -> float:
        return self.uncategorized / self.tickets if self.tickets else 0.0


@dataclass(frozen=True)
class Backlog:
    date_day: date
    priority: str
    open_tickets: int


@dataclass(frozen=True)
class UncategorizedTicket:
    ticket_id: str
    created_at: datetime
    channel: str
    priority: str
    subject: str


@dataclass(frozen=True)
class SupportPage:
    top: MonthTopIssues | None  # the last complete month; None before one is complete
    volume: list[MonthVolume]
    times: list[MonthTimes]
    backlog: list[Backlog]
    newest_uncategorized: list[UncategorizedTicket]
    data_through: datetime | None  # the newest ticket change the marts hold: the page's data age


def support_page_data(conn: psycopg.Connection, newest_uncategorized: int = NEWEST_UNCATEGORIZED) -> SupportPage:
    month = last_complete_month(conn, "support")
    row = conn.execute(DATA_AGE_SQL).fetchone()
    return SupportPage(
        top=None if month is None else month_top_issues(conn, month),
        volume=[MonthVolume(*r) for r in conn.execute(VOLUME_SQL).fetchall()],
        times=[MonthTimes(*r) for r in conn.execute(TIMES_SQL).fetchall()],
        backlog=[Backlog(d, p, int(n)) for d, p, n in conn.execute(BACKLOG_SQL).fetchall()],
        newest_uncategorized=[
            UncategorizedTicket(*r) for r in conn.execute(UNCATEGORIZED_SQL, (newest_uncategorized,)).fetchall()
        ],
        data_through=None if row is None else row[0],
    )


# ---- the dashboard page: pure shaping of SupportPage into tables, tiles and figures ------------------------

UNCATEGORIZED = "uncategorized"
PRIORITIES = ("urgent", "high", "normal", "low")  # the backlog's stack, most pressing at the bottom


def as_of(data: SupportPage) -> date | None:
    """ "Data as of": the UTC day of the newest ticket change the marts hold."""
    return None if data.data_through is None else data.data_through.astimezone(UTC).date()


def hours(minutes: Decimal | None) -> Decimal | None:
    return None if minutes is None else minutes / 60


def duration(minutes: Decimal | None) -> str:
    """Calendar time as a support lead reads it: "42 min", "5.3 h", "2.1 d"."""
    if minutes is None:
        return NOTHING
    if minutes < 60:
        return f"{rounded(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{rounded(minutes / 60, 1)} h"
    return f"{rounded(minutes / 1440, 1)} d"


def categories(volume: Sequence[MonthVolume]) -> list[str]:
    """Categories by their total tickets (largest first), uncategorized last: the legend's order."""
    total: dict[str, int] = defaultdict(int)
    for v in volume:
        total[v.category] += v.tickets
    return sorted(total, key=lambda c: (c == UNCATEGORIZED, -total[c], c))


def month_times(data: SupportPage, month: date | None) -> MonthTimes | None:
    return next((t for t in data.times if t.month_start == month), None)


def volume_chart(data: SupportPage, colour_of: dict[str, str]) -> Chart:
    months = sorted({v.month_start for v in data.volume})
    labels = [m.isoformat() for m in months]
    traces = []
    for category in categories(data.volume):
        by_month = {v.month_start: v.tickets for v in data.volume if v.category == category}
        values = [by_month.get(m, 0) for m in months]
        traces.append(
            charts.bar(category, labels, values, [f"{count(v)} tickets" for v in values], colour_of[category])
        )
    return Chart(
        id="ticket-volume",
        title="Tickets per category and month",
        data=traces,
        layout=charts.layout(
            charts.axis("Month", "%b %Y", type="date", dtick="M1"), charts.axis("Tickets", ",.0f"), barmode="stack"
        ),
        note="By the UTC month a ticket was opened in. Grey: tickets neither an agent nor a rule categorized.",
    )


def times_chart(data: SupportPage, which: str) -> Chart:
    """Median and p90 per month of `which` ("first_response" or "resolution"), in hours."""
    labels = [t.month_start.isoformat() for t in data.times]
    traces = []
    for stat, label, colour in (("median", "Median", "#0072B2"), ("p90", "90th percentile", "#E69F00")):
        values = [getattr(t, f"{which}_{stat}") for t in data.times]
        traces.append(charts.line(label, labels, [hours(v) for v in values], [duration(v) for v in values], colour))
    name = "First response" if which == "first_response" else "Resolution"
    return Chart(
        id=f"{which.replace('_', '-')}-times",
        title=f"{name} time per month, median and 90th percentile",
        data=traces,
        layout=charts.layout(
            charts.axis("Month opened", "%b %Y", type="date", dtick="M1"), charts.axis(f"{name} (hours)", ",.1f")
        ),
        note="Calendar time from opening to the first agent answer"
        if which == "first_response"
        else "Calendar time from opening to the solve; tickets still unsolved are not in it yet.",
    )


def backlog_chart(data: SupportPage) -> Chart:
    days = sorted({b.date_day for b in data.backlog})
    labels = [d.isoformat() for d in days]
    colour_of = dict(zip(PRIORITIES, ("#D55E00", "#E69F00", "#56B4E9", "#9fc9e6"), strict=True))
    present = [p for p in PRIORITIES if any(b.priority == p for b in data.backlog)]
    present += sorted({b.priority for b in data.backlog} - set(PRIORITIES))
    traces = []
    for priority in present:
        by_day = {b.date_day: b.open_tickets for b in data.backlog if b.priority == priority}
        values = [by_day.get(d, 0) for d in days]
        traces.append(
            charts.bar(
                priority, labels, values, [f"{count(v)} open" for v in values], colour_of.get(priority, "#999999")
            )
        )
    return Chart(
        id="backlog",
        title="Open tickets at the end of each UTC day, by priority",
        data=traces,
        layout=charts.layout(
            charts.axis("Day", "%d %b", type="date"), charts.axis("Open tickets", ",.0f"), barmode="stack", bargap=0.1
        ),
        note="Open or pending at midnight UTC.",
    )


def csat_chart(data: SupportPage) -> Chart:
    labels = [t.month_start.isoformat() for t in data.times]
    values = [t.csat_mean for t in data.times]
    hover = [
        f"{NOTHING if t.csat_mean is None else rounded(t.csat_mean, 2)} from {count(t.rated)} ratings"
        for t in data.times
    ]
    return Chart(
        id="csat",
        title="Mean satisfaction score per month",
        data=[charts.line("Mean CSAT (1 to 5)", labels, values, hover, "#009E73")],
        layout=charts.layout(
            charts.axis("Month opened", "%b %Y", type="date", dtick="M1"),
            charts.axis("CSAT", ".1f", range=[1, 5.2], rangemode="normal"),
        ),
        note="Only rated tickets; the hover says how many.",
    )


def uncategorized_chart(data: SupportPage) -> Chart:
    labels = [t.month_start.isoformat() for t in data.times]
    values = [t.uncategorized_share for t in data.times]
    hover = [f"{percent(t.uncategorized_share)} ({count(t.uncategorized)} of {count(t.tickets)})" for t in data.times]
    return Chart(
        id="uncategorized-share",
        title="Share of tickets left uncategorized, per month",
        data=[charts.line("Uncategorized", labels, values, hover, charts.MUTED)],
        layout=charts.layout(
            charts.axis("Month opened", "%b %Y", type="date", dtick="M1"),
            charts.axis("Share of the month's tickets", ".0%"),
        ),
        note="Tickets no agent labelled and no rule matched: the ones to write the next rule version from.",
    )


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
    colour_of = charts.colours(categories(data.volume), muted=(UNCATEGORIZED,))
    figures = (
        (
            volume_chart(data, colour_of),
            times_chart(data, "first_response"),
            times_chart(data, "resolution"),
            backlog_chart(data),
            csat_chart(data),
            uncategorized_chart(data),
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
        "support_kpi_monthly",
        "loop_scorecard",
    ),
    build=build,
    template=Path(__file__).with_name("templates") / "support.html.j2",
    description="The month's top 5 ticket categories, volume, response and resolution times, backlog, CSAT "
    "and the tickets no rule categorized.",
)
