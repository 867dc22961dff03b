"""The support marts on the session's demo world, against plain Python over the landing files (oracle.py)."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import psycopg
import pytest

from aias_dagster.platform.kpi import kpi_result, loop_kpi
from aias_dagster.support.queries import support_page_data
from aias_dagster.support.report import report
from tests.conftest import BuiltWorld
from tests.dbt.support import query
from tests.support import oracle

# Each mart value is rounded once from the exact one (macros/marts/mart_precision.sql): half a unit of its last
# place, plus float noise in the oracle's arithmetic.
PLACES = {
    "share": 4, "reopen_rate": 4, "csat_response_rate": 4, "csat_satisfied_share": 4, "csat_mean": 2,
    "trailing_3_month_mean": 2, "tickets_change_percent": 1, "first_response_median_minutes": 1,
    "first_response_p90_minutes": 1, "resolution_median_minutes": 1, "resolution_p90_minutes": 1,
}  # fmt: skip
EXACT = ("tickets", "unsolved_at_month_end", "tickets_solved", "tickets_reopened", "tickets_previous_month",
         "tickets_change", "is_spike", "is_complete_month")  # fmt: skip


@pytest.fixture(scope="module")
def landed(demo_world: BuiltWorld) -> pd.DataFrame:
    return oracle.newest_tickets(demo_world.landing)


@pytest.fixture(scope="module")
def expected_monthly(demo_world: BuiltWorld, landed: pd.DataFrame) -> pd.DataFrame:
    rules = dict(
        query(demo_world.settings, "select ticket_id, category from marts.support_tickets where decided_by <> 'agent'")
    )
    return oracle.monthly(landed, rules)


def _mart(demo_world: BuiltWorld, table: str, order: str) -> pd.DataFrame:
    with psycopg.connect(demo_world.settings.url) as conn:
        cursor = conn.execute(f"select * from marts.{table} order by {order}")
        return pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])


def _same(actual: object, expected: object, places: int) -> bool:
    missing = expected is None or (isinstance(expected, float) and math.isnan(expected))
    if actual is None or missing:
        return actual is None and missing
    return abs(float(actual) - float(expected)) <= 0.5 * 10**-places + 1e-9  # type: ignore[arg-type]


def test_support_monthly_equals_the_python_oracle(demo_world: BuiltWorld, expected_monthly: pd.DataFrame) -> None:
    mart = _mart(demo_world, "support_monthly", "month_start, category")
    expected = expected_monthly.sort_values(["month_start", "category"]).reset_index(drop=True)
    assert list(zip(mart.month_start, mart.category, strict=True)) == list(
        zip(expected.month_start, expected.category, strict=True)
    )
    assert len(mart) == 3 * 10 and mart.tickets.sum() == len(oracle.newest_tickets(demo_world.landing))
    for column in EXACT:
        got = mart[column].astype("Int64" if column.startswith("tickets") else object)
        want = expected[column].astype("Int64" if column.startswith("tickets") else object)
        assert got.tolist() == want.tolist(), column
    for column, places in PLACES.items():
        wrong = [
            (r.month_start, r.category, a, e)
            for r, a, e in zip(expected.itertuples(), mart[column], expected[column], strict=True)
            if not _same(a, e, places)
        ]
        assert not wrong, (column, wrong[:5])
    # The demo world's months are all complete (2026-01-01 .. 2026-03-31), and none is a spike: three months
    # is too short a history for a trailing mean.
    assert mart.is_complete_month.all() and not mart.is_spike.any()


def test_support_top_issues_equal_the_python_oracle(demo_world: BuiltWorld, expected_monthly: pd.DataFrame) -> None:
    mart = _mart(demo_world, "support_top_issues", "month_start, issue_rank")
    expected = oracle.top_issues(expected_monthly)
    columns = ["month_start", "issue_rank", "category", "tickets", "tickets_change", "previous_rank",
               "is_last_complete_month"]  # fmt: skip
    got = mart[columns].astype(object).where(mart[columns].notna(), None).values.tolist()
    want = expected[columns].astype(object).where(expected[columns].notna(), None).values.tolist()
    assert [[int(v) if isinstance(v, float) else v for v in row] for row in got] == [
        [int(v) if isinstance(v, float) else v for v in row] for row in want
    ]
    assert len(mart) == 15 and mart.is_last_complete_month.sum() == 5


def test_backlog_daily_equals_open_tickets_counted_from_the_landing_files(
    demo_world: BuiltWorld, landed: pd.DataFrame
) -> None:
    mart = _mart(demo_world, "support_backlog_daily", "date_day, priority, category")
    open_now = landed.status.isin(["open", "pending"])
    created = landed.created_at.dt.date
    solved = landed.solved_at.dt.tz_convert("UTC").dt.date
    by_day = mart.groupby(["date_day", "priority"]).open_tickets.sum()
    for day in sorted(mart.date_day.unique()):
        is_open = (created <= day) & (open_now | landed.solved_at.isna() | (solved > day))
        counted = landed[is_open].groupby("priority").size()
        for priority in ("low", "normal", "high", "urgent"):
            assert by_day.get((day, priority), 0) == counted.get(priority, 0), (day, priority)
    assert mart.date_day.min() == created.min() and mart.open_tickets.sum() > 0


def test_agent_labels_are_kept_and_every_ticket_says_how_it_was_decided(
    demo_world: BuiltWorld, landed: pd.DataFrame
) -> None:
    rows = query(
        demo_world.settings, "select ticket_id, category, decided_by, rule_id, rule_version from marts.support_tickets"
    )
    decided = {ticket: (category, how, rule, version) for ticket, category, how, rule, version in rows}
    assert len(decided) == len(landed)
    for ticket, agent in landed.agent_category.dropna().items():
        assert decided[ticket][:2] == (agent, "agent"), ticket
    for category, how, rule, version in decided.values():
        assert how in ("agent", "rule", "model", "uncategorized")
        if how == "rule":
            assert rule and version == 3
        if how == "uncategorized":
            assert category == "uncategorized" and rule is None


def test_report_check_and_page_show_the_top_5_of_the_last_complete_month(
    demo_world: BuiltWorld, expected_monthly: pd.DataFrame, landed: pd.DataFrame
) -> None:
    expected = oracle.top_issues(expected_monthly)
    march = expected[expected.is_last_complete_month]
    with psycopg.connect(demo_world.settings.url) as conn:
        text = report(conn)
        page = support_page_data(conn)
        result = kpi_result(loop_kpi(conn, "support"))
    assert "Top 5 ticket categories, March 2026" in text
    lines = [line for line in text.splitlines()[2:] if not line.strip().startswith("KPI:")]  # the top 5 rows
    assert [line.split()[1] for line in lines] == march.category.tolist()
    assert page.top is not None and [i.category for i in page.top.issues] == march.category.tolist()
    assert page.top.tickets == int(
        expected_monthly[expected_monthly.month_start == march.month_start.iloc[0]].tickets.sum()
    )
    assert len(page.volume) == 30 and len(page.times) == 3 and page.data_through == landed.updated_at.max()
    assert all(t.subject for t in page.newest_uncategorized) and len(page.newest_uncategorized) <= 20
    assert page.backlog and {b.priority for b in page.backlog} == {"low", "normal", "high", "urgent"}
    # The KPI check reads the scorecard: the same month and share as the report and the page.
    assert result.passed and f"{page.top.categorized_share:.1%} in March 2026" in (result.description or "")
    assert isinstance(page.times[-1].first_response_median, Decimal)
