"""What the support loop's Python side reads from the marts, as typed rows: the report's top 5 and the page's
sections. No metric is computed here: the monthly times are marts.support_times_monthly, the categorized share
the loop's KPI mart, the month in progress and the last complete month the KPI mart's flags (platform/kpi.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import psycopg

from aias_dagster.platform.kpi import LoopKpi, last_complete_month, loop_kpi

NEWEST_UNCATEGORIZED = 20

# The last month the data covers completely, as support_monthly marks it.
TOP_ISSUES_SQL = """
select issue_rank, category, tickets, share, tickets_change, tickets_change_percent, previous_rank
from marts.support_top_issues
where month_start = %s
order by issue_rank
"""

# Tickets of the month, and those neither an agent nor a rule categorized.
MONTH_COVERAGE_SQL = """
select coalesce(sum(tickets), 0),
       coalesce(sum(tickets) filter (where category = 'uncategorized'), 0)
from marts.support_monthly
where month_start = %s
"""

VOLUME_SQL = """
select month_start, category, tickets, is_spike
from marts.support_monthly
order by month_start, category
"""

TIMES_SQL = """
select month_start, first_response_median_minutes, first_response_p90_minutes, resolution_median_minutes,
       resolution_p90_minutes, csat_mean, rated_tickets, tickets
from marts.support_times_monthly
order by month_start
"""

CATEGORIZED_SQL = """
select month_start, is_complete_month, kpi_value, numerator, denominator
from marts.support_kpi_monthly
order by month_start
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
class TopIssue:
    rank: int
    category: str
    tickets: int
    share: Decimal | None
    change: int | None  # against the month before; None in the data's first month
    change_percent: Decimal | None  # None when the month before had none
    previous_rank: int | None  # None when the category had no ticket the month before

    @property
    def trend(self) -> str:
        """up, down, flat, or new (no ticket of the category the month before); unknown in the first month."""
        if self.change is None:
            return "unknown"
        if self.previous_rank is None:
            return "new"
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"


@dataclass(frozen=True)
class MonthTopIssues:
    month_start: date
    tickets: int
    uncategorized: int
    issues: list[TopIssue]

    @property
    def categorized_share(self) -> float | None:
        return None if not self.tickets else 1 - self.uncategorized / self.tickets


def month_top_issues(conn: psycopg.Connection, month: date) -> MonthTopIssues:
    issues = [TopIssue(*row) for row in conn.execute(TOP_ISSUES_SQL, (month,)).fetchall()]
    tickets, uncategorized = conn.execute(MONTH_COVERAGE_SQL, (month,)).fetchone() or (0, 0)
    return MonthTopIssues(month, int(tickets), int(uncategorized), issues)


@dataclass(frozen=True)
class MonthVolume:
    month_start: date
    category: str
    tickets: int
    is_spike: bool


@dataclass(frozen=True)
class MonthTimes:
    """One month over every category (marts.support_times_monthly): calendar minutes, and CSAT."""

    month_start: date
    first_response_median: Decimal | None
    first_response_p90: Decimal | None
    resolution_median: Decimal | None
    resolution_p90: Decimal | None
    csat_mean: Decimal | None
    rated: int
    tickets: int


@dataclass(frozen=True)
class MonthCategorized:
    """The loop's KPI per month (marts.support_kpi_monthly): the share of tickets an agent or a rule categorized."""

    month_start: date
    is_complete_month: bool
    categorized_share: Decimal | None
    categorized: int
    tickets: int


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
    categorized: list[MonthCategorized]
    backlog: list[Backlog]
    newest_uncategorized: list[UncategorizedTicket]
    data_through: datetime | None  # the newest ticket change the marts hold: the page's data age
    kpi: LoopKpi | None = None  # the scorecard's row: the target and the status

    @property
    def complete(self) -> dict[date, bool]:
        """Every month -> complete, as the KPI mart flags it (False: the month in progress)."""
        return {c.month_start: c.is_complete_month for c in self.categorized}


def support_page_data(conn: psycopg.Connection, newest_uncategorized: int = NEWEST_UNCATEGORIZED) -> SupportPage:
    month = last_complete_month(conn, "support")
    row = conn.execute(DATA_AGE_SQL).fetchone()
    return SupportPage(
        top=None if month is None else month_top_issues(conn, month),
        volume=[MonthVolume(*r) for r in conn.execute(VOLUME_SQL).fetchall()],
        times=[MonthTimes(*r) for r in conn.execute(TIMES_SQL).fetchall()],
        categorized=[MonthCategorized(*r) for r in conn.execute(CATEGORIZED_SQL).fetchall()],
        backlog=[Backlog(d, p, int(n)) for d, p, n in conn.execute(BACKLOG_SQL).fetchall()],
        newest_uncategorized=[
            UncategorizedTicket(*r) for r in conn.execute(UNCATEGORIZED_SQL, (newest_uncategorized,)).fetchall()
        ],
        data_through=None if row is None else row[0],
        kpi=loop_kpi(conn, "support"),
    )
