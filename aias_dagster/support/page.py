"""What the loop's dashboard page shows, read from the marts in one call, so that the page is a template away.

`support_page_data(conn)` returns plain data (dates, ints, Decimals, strings): the last complete month's top
5 with their trend, ticket volume per category and month, first response and resolution median and p90 per
month (over all categories), the daily backlog by priority, CSAT per month, the uncategorized share and the
newest uncategorized tickets (the ones to write the next rule version from), and how old the data is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import psycopg

from aias_dagster.support.report import MonthTopIssues, last_complete_month, month_top_issues

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
    month = last_complete_month(conn)
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
