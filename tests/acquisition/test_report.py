"""The loop's last complete month, as the KPI check, the `aias demo` report and the page all read it."""

from datetime import date

import psycopg

from aias_dagster.acquisition.queries import read_rows
from aias_dagster.acquisition.report import format_cac, last_complete_month_cac, report
from aias_dagster.platform.kpi import kpi_result, last_complete_month, loop_kpi
from tests.conftest import DEMO_WORLD_END, BuiltWorld


def test_the_check_the_report_and_the_page_agree_on_the_last_complete_month(demo_world: BuiltWorld) -> None:
    # The demo world ends on 31 March 2026, the month's last day: March is complete, and February before it.
    assert date(2026, 3, 31) == DEMO_WORLD_END
    with psycopg.connect(demo_world.settings.url) as conn:
        month = last_complete_month(conn, "acquisition")
        kpi = loop_kpi(conn, "acquisition")
        channels = last_complete_month_cac(conn)
        page = read_rows(conn)
        text = report(conn)
    assert month == date(2026, 3, 1)
    assert (page.month, page.month_before) == (date(2026, 3, 1), date(2026, 2, 1))
    assert kpi is not None and kpi.month_start == month and kpi.value is not None and kpi.value > 0
    assert channels and {c.month_start for c in channels} == {month}
    assert "CAC by channel, March 2026" in format_cac(channels)
    assert "March 2026" in (kpi_result(kpi).description or "")
    assert f"KPI: CAC accuracy (widest 95 % interval) {kpi.value:.1%} in March 2026 (target <= 5.0%)" in text


def test_an_empty_warehouse_has_no_last_complete_month(conn: psycopg.Connection) -> None:
    conn.execute("create schema marts")
    conn.execute("create table marts.acquisition_kpi_monthly (month_start date, is_complete_month boolean)")
    assert last_complete_month(conn, "acquisition") is None
    assert kpi_result(None).passed
