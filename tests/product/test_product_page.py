"""The product page's shaping, on hand-made rows: the month's table, the note on uncatalogued events, the figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

import plotly.graph_objects as go
import pytest

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.render import Assets, render_page
from aias_dagster.platform.kpi import LoopKpi
from aias_dagster.product.charts import features
from aias_dagster.product.page import PAGE, month_rows, page_data
from aias_dagster.product.queries import AdoptionPage

ASSETS = Assets(css="assets/site.css", script="assets/site.js", plotly="assets/plotly.min.js")
FEB, MAR, APR = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
KPI = LoopKpi("product", MAR, "catalogued features with an adoption rate", D(1), D(1), "at_least", "share", "green",
              "2 of 2 features")  # fmt: skip
LAUNCH = date(2026, 3, 30)  # "search" is released within the data: the only launch curve


def day_row(day: date, feature: str, rate: str | None, since: int) -> dict[str, Any]:
    return {"date_day": day, "feature": feature, "days_since_release": since, "window_days": min(since + 1, 28),
            "is_short_window": since < 27, "active_accounts": 10, "adopters": 0 if rate is None else 4,
            "adoption_rate": None if rate is None else D(rate), "accounts_on_day": 1, "new_adopters": 0,
            "stickiness": None}  # fmt: skip


def month_row(month: date, feature: str, rate: str | None, new: int, repeat: int, back: int, churned: int) -> dict:
    return {"month_start": month, "feature": feature, "active_accounts": 20, "adopters": new + repeat + back,
            "adoption_rate": None if rate is None else D(rate), "new_accounts": new, "repeat_accounts": repeat,
            "returning_accounts": back, "churned_accounts": churned,
            "median_days_to_adopt": D("3.25") if new else None, "distinct_users": 7}  # fmt: skip


@pytest.fixture
def data() -> AdoptionPage:
    days = [date(2026, 3, 29) + timedelta(days=i) for i in range(4)]  # 29 Mar .. 1 Apr
    daily = [day_row(d, "alerts", "0.4", 100 + i) for i, d in enumerate(days)]
    daily += [day_row(d, "search", None if d == LAUNCH else "0.6", (d - LAUNCH).days) for d in days if d >= LAUNCH]
    monthly = [
        month_row(FEB, "alerts", "0.3", 3, 0, 0, 0),
        month_row(MAR, "alerts", "0.25", 0, 2, 2, 1),
        month_row(MAR, "search", "0.5", 10, 0, 0, 0),
    ]
    time_to_adopt = [{"feature": "alerts", "bucket_order": 1, "bucket": "0-1 days", "accounts": 3},
                     {"feature": "alerts", "bucket_order": 9, "bucket": "30+ days", "accounts": 0},
                     {"feature": "search", "bucket_order": 1, "bucket": "0-1 days", "accounts": 0},
                     {"feature": "search", "bucket_order": 9, "bucket": "30+ days", "accounts": 2}]  # fmt: skip
    outside = [
        {"usage_kind": "uncatalogued", "feature": "<b>labs</b>", "events": 12, "account_days": 5,
         "first_day": days[0], "last_day": days[-1]},
        {"usage_kind": "beta", "feature": "search", "events": 4, "account_days": 2,
         "first_day": days[0], "last_day": days[0]},
    ]  # fmt: skip
    return AdoptionPage(daily, monthly, time_to_adopt, outside, date(2026, 4, 1), date(2026, 4, 2), MAR,
                        {FEB: True, MAR: True, APR: False}, KPI)  # fmt: skip


def test_the_month_table_lists_the_months_features_by_adoption_with_the_marts_values(data: AdoptionPage) -> None:
    assert features(data) == ["search", "alerts"]  # by their newest day's rate
    assert [r["feature"] for r in month_rows(data, MAR)] == ["search", "alerts"]
    shaped = page_data(data)
    assert shaped.as_of == date(2026, 4, 2)  # the newest delivery, not the newest event day
    assert shaped.summary == (
        "March 2026: adoption of 2 features, highest search 50.0%; 12 events of uncatalogued features"
    )
    html = render_page(PAGE, shaped, ASSETS)
    assert 'id="adoption-month" data-month="2026-03-01"' in html
    assert 'data-column="adoption_rate" data-value="0.25">25.0%' in html
    assert 'data-column="median_days_to_adopt" data-value="3.25">3.3' in html  # half away from zero, once
    assert 'data-column="median_days_to_adopt" data-value="">–' in html  # no new adopter: no median


def test_uncatalogued_events_get_a_visible_note_and_beta_use_is_apart(data: AdoptionPage) -> None:
    html = render_page(PAGE, page_data(data), ASSETS)
    assert 'id="uncatalogued-note" data-events="12"' in html
    assert "&lt;b&gt;labs&lt;/b&gt;" in html and "<b>labs</b>" not in html  # a feature name is data, escaped
    assert 'data-kind="beta" data-feature="search"' in html
    without = replace(data, outside_catalog=data.outside_catalog[1:])
    assert 'id="uncatalogued-note"' not in render_page(PAGE, page_data(without), ASSETS)


def test_every_figure_is_valid_plotly_and_counts_its_marks(data: AdoptionPage) -> None:
    shaped = page_data(data)
    for chart in shaped.charts:
        go.Figure({"data": chart.data, "layout": chart.layout})  # raises on any unknown attribute
        assert chart.layout["xaxis"]["title"]["text"] and chart.layout["yaxis"]["title"]["text"], chart.id
    marks = {c.id: c.marks() for c in shaped.charts}
    # A marker per day with a rate (search's release day has none), a curve only for search, a bar per non-zero
    # state (Feb alerts: new; Mar alerts: repeat, returning, churned; Mar search: new), a bar per bucket used.
    assert marks == {"adoption-trend": 4 + 2, "adoption-curves": 2, "monthly-states": 5, "time-to-adopt": 2}
    assert [t["name"] for t in shaped.chart("adoption-curves").data] == ["search"]
    states = shaped.chart("monthly-states")
    churned = next(t for t in states.data if t["name"].startswith("Churned"))
    assert churned["y"] == [0.0, 0.0, -1.0]  # below zero, in month then feature order
    assert states.data[0]["x"] == [["Feb 2026", "Mar 2026", "Mar 2026"], ["alerts", "search", "alerts"]]


def test_a_warehouse_without_product_data_gets_a_page_that_says_so() -> None:
    shaped = page_data(AdoptionPage())
    assert shaped.as_of is None and shaped.charts == ()
    assert "No complete month of product events yet" in render_page(PAGE, shaped, ASSETS)


def test_the_kpi_tile_shows_the_scorecards_value_target_and_status(data: AdoptionPage) -> None:
    html = render_page(PAGE, page_data(data), ASSETS)
    assert 'id="tile-kpi"' in html and "100.0%" in html and "target &gt;= 100.0% · on target" in html


def test_the_month_in_progress_is_labelled_and_drawn_lighter_on_the_monthly_split(data: AdoptionPage) -> None:
    april = [{**r, "month_start": APR} for r in data.monthly if r["month_start"] == MAR]
    states = page_data(replace(data, monthly=[*data.monthly, *april])).chart("monthly-states")
    assert states.monthly
    assert states.data[0]["x"][0][-2:] == ["Apr 2026 (in progress)"] * 2
    assert states.data[0]["marker"]["opacity"] == [1, 1, 1, charts.IN_PROGRESS_OPACITY, charts.IN_PROGRESS_OPACITY]
