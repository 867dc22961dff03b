"""The reliability page's shaping, on hand-made rows of queries.read_rows' sections, before any browser."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D

import plotly.graph_objects as go
import pytest

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.render import Assets, render_page
from aias_dagster.platform.kpi import LoopKpi
from aias_dagster.reliability.page import PAGE, month_error_rate, page_data, remediations_ran
from aias_dagster.reliability.queries import ReliabilityRows

ASSETS = Assets(css="assets/site.css", script="assets/site.js", plotly="assets/plotly.min.js")
FEB, MAR, APR = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
KPI = LoopKpi("reliability", MAR, "auto-fixed share", D("0"), D("0.20"), "at_least", "share", "red", "0 of 6 errors")


def group(fingerprint: str, events: int, share: str) -> dict:
    return {
        "fingerprint": fingerprint, "category": "timeout", "service": "api", "error_class": "ReadTimeout",
        "normalised_message": "read timed out after <duration>", "sample_message": "read timed out after 30s",
        "events": events, "customers": 3, "auto_fixed_share": D(share), "tickets": 1,
        "first_seen_at": datetime(2026, 3, 1, 9, tzinfo=UTC), "last_seen_at": datetime(2026, 4, 2, 9, tzinfo=UTC),
    }  # fmt: skip


@pytest.fixture
def rows() -> ReliabilityRows:
    return ReliabilityRows(
        as_of=date(2026, 4, 2),
        kpi=KPI,
        month=MAR,
        daily=[
            {"date_day": date(2026, 3, 30), "errors": 4, "api_requests": 1000, "errors_per_1000_requests": D("4")},
            {"date_day": date(2026, 3, 31), "errors": 2, "api_requests": 3000, "errors_per_1000_requests": D("0.6667")},
            {"date_day": date(2026, 4, 1), "errors": 0, "api_requests": 10, "errors_per_1000_requests": D("0")},
        ],
        mttr_daily=[
            {"date_day": date(2026, 3, 30), "mttr_median_minutes": D("12.5"), "mttr_mean_minutes": D("20")},
            {"date_day": date(2026, 3, 31), "mttr_median_minutes": D("3"), "mttr_mean_minutes": None},
        ],
        auto_fixed_monthly=[
            {
                "month_start": FEB,
                "is_complete_month": True,
                "errors": 10,
                "auto_fixed": 1,
                "auto_fixed_share": D("0.1"),
            },
            {"month_start": MAR, "is_complete_month": True, "errors": 6, "auto_fixed": 0, "auto_fixed_share": D("0")},
            {"month_start": APR, "is_complete_month": False, "errors": 0, "auto_fixed": 0, "auto_fixed_share": None},
        ],
        top_groups=[group("fp-a", 5, "0.4"), group("fp-b", 1, "0")],
        remediation_outcomes=[
            {"category": "timeout", "outcome": "none", "errors": 3},
            {"category": "rate_limit", "outcome": "none", "errors": 5},
        ],
        unresolved_by_age=[
            {"age": "> 7 days", "category": "internal", "errors": 2},
            {"age": "< 1 hour", "category": "internal", "errors": 1},
            {"age": "1-7 days", "category": "timeout", "errors": 4},
        ],
    )


def test_the_months_error_rate_sums_errors_and_requests_over_its_days(rows: ReliabilityRows) -> None:
    assert month_error_rate(rows) == D("1.50")  # 6 errors over 4,000 requests, not the mean of 4 and 0.67
    assert month_error_rate(replace(rows, month=FEB)) is None  # no day of February in the daily rows


def test_every_chart_counts_its_marks_from_its_rows(rows: ReliabilityRows) -> None:
    data = page_data(rows)
    assert data.chart("error-rate").marks() == 3  # a marker per day, zero included
    assert data.chart("mttr").marks() == 3  # two medians, one mean
    assert data.chart("auto-fixed").marks() == 2  # a zero share is a marker; a month without errors none
    assert data.chart("remediation-outcomes").marks() == 2
    assert data.chart("unresolved-by-age").marks() == 3
    outcomes = data.chart("remediation-outcomes").data
    assert [t["name"] for t in outcomes] == ["none"] and outcomes[0]["x"] == ["rate_limit", "timeout"]
    ages = data.chart("unresolved-by-age").data
    assert [t["name"] for t in ages] == ["< 1 hour", "1-7 days", "> 7 days"]  # youngest first
    assert ages[0]["x"] == ["timeout", "internal"] and ages[0]["y"] == [0.0, 1.0]


def test_every_figure_is_valid_plotly_with_axis_titles(rows: ReliabilityRows) -> None:
    for chart in page_data(rows).charts:
        go.Figure({"data": chart.data, "layout": chart.layout})  # raises on any unknown attribute
        assert chart.layout["xaxis"]["title"]["text"] and chart.layout["yaxis"]["title"]["text"], chart.id


def test_the_rendered_page_shows_the_month_against_the_target_and_the_top_groups(rows: ReliabilityRows) -> None:
    data = page_data(rows)
    assert data.summary == "Mar 2026: 0.0% of errors auto-fixed (target >= 20.0%)"
    html = render_page(PAGE, data, ASSETS)
    assert "Auto-fixed, March 2026" in html and "target &gt;= 20.0% · off target" in html
    assert 'data-column="events" data-value="5"' in html and ">40.0%<" in html
    assert html.index('data-fingerprint="fp-a"') < html.index('data-fingerprint="fp-b"')
    assert ">1.50<" in html  # the month's error rate tile


def test_an_empty_remediation_ledger_is_said_plainly(rows: ReliabilityRows) -> None:
    assert not remediations_ran(rows)
    html = render_page(PAGE, page_data(rows), ASSETS)
    assert 'id="no-remediations"' in html and "No remediation has run yet" in html
    ran = replace(rows, remediation_outcomes=[*rows.remediation_outcomes, {"category": "timeout",
                                              "outcome": "succeeded", "errors": 1}])  # fmt: skip
    assert remediations_ran(ran)
    assert 'id="no-remediations"' not in render_page(PAGE, page_data(ran), ASSETS)


def test_a_warehouse_without_errors_gets_a_page_that_says_so() -> None:
    empty = ReliabilityRows(None, None, None, [], [], [], [], [], [])
    data = page_data(empty)
    assert data.charts == () and data.summary == "No complete month of errors yet."
    assert "No errors in the marts yet" in render_page(PAGE, data, ASSETS)


def test_nothing_unresolved_and_nothing_auto_fixable_still_renders(rows: ReliabilityRows) -> None:
    data = page_data(replace(rows, unresolved_by_age=[], remediation_outcomes=[]))
    assert {c.id for c in data.charts} == {"error-rate", "mttr", "auto-fixed"}
    html = render_page(PAGE, data, ASSETS)
    assert "Every error is resolved." in html and "No auto-fixable errors" in html


def test_the_target_line_is_the_scorecards_and_the_month_in_progress_is_marked(rows: ReliabilityRows) -> None:
    chart = page_data(replace(rows, kpi=replace(KPI, target=D("0.35")))).chart("auto-fixed")
    assert [s["y0"] for s in chart.layout["shapes"] if s["type"] == "line"] == [0.35]  # follows the seed's target
    assert chart.monthly and "Apr 2026 (in progress)" in [a["text"] for a in chart.layout["annotations"]]
    assert chart.data[0]["marker"]["opacity"] == [1, 1, charts.IN_PROGRESS_OPACITY]
