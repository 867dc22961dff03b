"""The loop's last complete month, as the coverage check, the `aias demo` report and the page all read it."""

from datetime import date

import psycopg

from aias_dagster.acquisition.checks import coverage_result, last_complete_month, last_complete_month_coverage
from aias_dagster.acquisition.page import read_rows
from aias_dagster.acquisition.report import format_cac, last_complete_month_cac
from tests.conftest import DEMO_WORLD_END, BuiltWorld


def test_the_check_the_report_and_the_page_agree_on_the_last_complete_month(demo_world: BuiltWorld) -> None:
    # The demo world ends on 31 March 2026, the month's last day: March is complete, and February before it.
    assert date(2026, 3, 31) == DEMO_WORLD_END
    with psycopg.connect(demo_world.settings.url) as conn:
        month = last_complete_month(conn)
        coverage = last_complete_month_coverage(conn)
        channels = last_complete_month_cac(conn)
        page = read_rows(conn)
    assert month == date(2026, 3, 1)
    assert (page.month, page.month_before) == (date(2026, 3, 1), date(2026, 2, 1))
    assert coverage is not None and coverage[0] == month and 0 < coverage[1] < 1
    assert channels and {c.month_start for c in channels} == {month}
    assert {c.coverage for c in channels} == {coverage[1]}
    assert "CAC by channel, March 2026" in format_cac(channels)
    assert "March 2026" in (coverage_result(coverage).description or "")


def test_an_empty_warehouse_has_no_last_complete_month(conn: psycopg.Connection) -> None:
    conn.execute("create schema marts")
    conn.execute("create table marts.metrics_daily (date_day date)")
    conn.execute(
        "create table marts.cac_monthly (month_start date, is_default_model boolean, attribution_coverage numeric)"
    )
    assert last_complete_month(conn) is None
    assert last_complete_month_coverage(conn) is None
    assert coverage_result(None).passed
