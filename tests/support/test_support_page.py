"""The support page's shaping, on hand-made rows: top-5 table, tiles and figures, before any browser."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D

import plotly.graph_objects as go
import pytest

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.render import Assets, render_page
from aias_dagster.platform.kpi import LoopKpi
from aias_dagster.support.charts import categories, duration
from aias_dagster.support.page import PAGE, page_data
from aias_dagster.support.queries import (
    Backlog,
    MonthCategorized,
    MonthTimes,
    MonthTopIssues,
    MonthVolume,
    SupportPage,
    TopIssue,
    UncategorizedTicket,
)

ASSETS = Assets(css="assets/site.css", script="assets/site.js", plotly="assets/plotly.min.js")
FEB, MAR, APR = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
KPI = LoopKpi("support", MAR, "tickets categorized (top 5 listed)", D("0.9"), D("0.9"), "at_least", "share", "green",
              "top 4: billing, bug_report, login_access, data_export")  # fmt: skip


@pytest.fixture
def data() -> SupportPage:
    top = MonthTopIssues(
        MAR,
        50,
        5,
        [
            TopIssue(1, "billing", 20, D("0.4"), 5, D("33.3"), 2),
            TopIssue(2, "bug_report", 12, D("0.24"), -8, D("-40.0"), 1),
            TopIssue(3, "login_access", 8, D("0.16"), 0, D("0.0"), 3),
            TopIssue(4, "data_export", 5, D("0.1"), 5, None, None),
        ],
    )
    volume = [
        MonthVolume(FEB, "billing", 15, False),
        MonthVolume(FEB, "bug_report", 20, False),
        MonthVolume(FEB, "uncategorized", 7, False),
        MonthVolume(MAR, "billing", 20, True),
        MonthVolume(MAR, "bug_report", 12, False),
        MonthVolume(MAR, "data_export", 5, False),
        MonthVolume(MAR, "uncategorized", 0, False),
    ]
    times = [
        MonthTimes(FEB, D("30"), D("240"), D("1500"), D("4000"), D("4.1"), 20, 42),
        MonthTimes(MAR, D("45.5"), None, D("600"), D("3000"), None, 0, 50),
    ]
    categorized = [MonthCategorized(FEB, True, D(35) / 42, 35, 42), MonthCategorized(MAR, True, D("0.9"), 45, 50)]
    backlog = [
        Backlog(date(2026, 3, 30), "high", 3),
        Backlog(date(2026, 3, 30), "low", 0),
        Backlog(date(2026, 3, 31), "high", 2),
        Backlog(date(2026, 3, 31), "urgent", 1),
    ]
    newest = [UncategorizedTicket("TK9", datetime(2026, 3, 31, 9, 5, tzinfo=UTC), "email", "low", "hmm <b>odd</b>")]
    return SupportPage(top, volume, times, categorized, backlog, newest, datetime(2026, 3, 31, 23, 10, tzinfo=UTC), KPI)


def test_duration_reads_as_minutes_hours_or_days() -> None:
    assert [duration(v) for v in (None, D("42.4"), D("59.9"), D("318"), D("2880"), D("3024"))] == [
        "–", "42 min", "60 min", "5.3 h", "2.0 d", "2.1 d"]  # fmt: skip


def test_categories_go_by_volume_with_uncategorized_last(data: SupportPage) -> None:
    assert categories(data.volume) == ["billing", "bug_report", "data_export", "uncategorized"]


def test_the_page_is_as_of_the_day_of_the_newest_change_with_the_top_5_and_their_arrows(data: SupportPage) -> None:
    shaped = page_data(data)
    assert shaped.as_of == date(2026, 3, 31)
    assert shaped.summary == "March 2026: 50 tickets, top issue billing, 90.0% categorized"
    assert [(r["issue"].category, r["arrow"]) for r in shaped.context["top_rows"]] == [
        ("billing", "↑"), ("bug_report", "↓"), ("login_access", "→"), ("data_export", "new")]  # fmt: skip
    assert shaped.context["backlog_day"] == date(2026, 3, 31) and shaped.context["backlog_open"] == 3


def test_every_figure_is_valid_plotly_and_counts_its_marks(data: SupportPage) -> None:
    shaped = page_data(data)
    for chart in shaped.charts:
        go.Figure({"data": chart.data, "layout": chart.layout})  # raises on any unknown attribute
        assert chart.layout["xaxis"]["title"]["text"] and chart.layout["yaxis"]["title"]["text"], chart.id
    marks = {c.id: c.marks() for c in shaped.charts}
    # Bars with tickets (a zero draws nothing); a marker per month with a value.
    assert marks == {"ticket-volume": 6, "first-response-times": 3, "resolution-times": 4, "backlog": 3, "csat": 1,
                     "categorized-share": 2}  # fmt: skip
    volume = shaped.chart("ticket-volume")
    assert [t["name"] for t in volume.data][-1] == "uncategorized" and volume.data[-1]["marker"]["color"] == "#999999"
    assert shaped.chart("first-response-times").data[0]["y"] == [0.5, pytest.approx(45.5 / 60)]  # hours
    assert shaped.chart("categorized-share").data[0]["y"] == [pytest.approx(35 / 42), 0.9]
    assert [a["text"] for a in shaped.chart("categorized-share").layout["annotations"]] == ["Target >= 90.0%"]


def test_the_rendered_page_shows_the_top_5_and_the_newest_uncategorized_escaped(data: SupportPage) -> None:
    html = render_page(PAGE, page_data(data), ASSETS)
    assert 'id="top-issues" data-month="2026-03-01"' in html
    assert 'data-column="tickets_change_percent" data-value="-40.0">-40.0%' in html
    assert 'data-column="previous_rank" data-value="">–' in html
    assert "hmm &lt;b&gt;odd&lt;/b&gt;" in html and "TK9" in html
    assert "45 min" in html or "46 min" in html


def test_a_warehouse_without_a_complete_month_gets_a_page_that_says_so() -> None:
    empty = SupportPage(None, [], [], [], [], [], None)
    shaped = page_data(empty)
    assert shaped.as_of is None and shaped.charts == ()
    assert "No complete month of support tickets yet" in render_page(PAGE, shaped, ASSETS)


def test_every_monthly_chart_marks_the_month_the_kpi_mart_flags_in_progress(data: SupportPage) -> None:
    april = replace(
        data,
        volume=[*data.volume, MonthVolume(APR, "billing", 3, False)],
        times=[*data.times, MonthTimes(APR, D("20"), D("60"), None, None, D("3"), 1, 3)],
        categorized=[*data.categorized, MonthCategorized(APR, False, D(1), 3, 3)],
    )
    shaped = page_data(april)
    monthly = [c for c in shaped.charts if c.monthly]
    assert {c.id for c in monthly} == {"ticket-volume", "first-response-times", "resolution-times", "csat",
                                       "categorized-share"}  # fmt: skip
    for chart in monthly:
        assert "Apr 2026 (in progress)" in [a["text"] for a in chart.layout["annotations"]], chart.id
        assert any(t["marker"].get("opacity", [None])[-1] == charts.IN_PROGRESS_OPACITY for t in chart.data), chart.id
    assert not any(
        a["text"].endswith("(in progress)") for a in page_data(data).chart("csat").layout.get("annotations", [])
    )
