"""The product loop's dashboard page (`product.html`): feature adoption, from queries.py's rows and charts.py's
figures.

The headline is adoption per feature for the last complete month (as product_kpi_monthly marks it, the month
`aias demo` prints), with its new / repeat / returning / churned split and median time to adopt, beside the
loop's KPI against its target (the scorecard). Usage the catalog does not cover (uncatalogued names, beta use
before a release) is shown apart, with a note when there is any: it counts as activity, never as adoption.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg

from aias_dagster.dashboards import charts as shared
from aias_dagster.dashboards.formatting import NOTHING, count, percent, rounded
from aias_dagster.dashboards.formatting import month as month_name
from aias_dagster.dashboards.page import Chart, Page, PageData
from aias_dagster.product import charts
from aias_dagster.product.charts import features
from aias_dagster.product.queries import AdoptionPage, Row, adoption_page_data

# The monthly table's columns, in the page's order: the mart's names, so the browser test reads them back.
MONTH_COLUMNS = ("active_accounts", "adopters", "adoption_rate", "new_accounts", "repeat_accounts",
                 "returning_accounts", "churned_accounts", "median_days_to_adopt", "distinct_users")  # fmt: skip


def month_rows(data: AdoptionPage, month: date | None) -> list[Row]:
    """The month's rows of feature_adoption_monthly, highest adoption first (as `aias demo` orders them)."""
    rows = [r for r in data.monthly if r["month_start"] == month]
    return sorted(rows, key=lambda r: (r["adoption_rate"] is None, -(r["adoption_rate"] or 0), r["feature"]))


def outside_totals(data: AdoptionPage) -> dict[str, int]:
    """Events outside the catalog by kind, "uncatalogued" and "beta", over all the data."""
    totals = {"uncatalogued": 0, "beta": 0}
    for row in data.outside_catalog:
        totals[row["usage_kind"]] = totals.get(row["usage_kind"], 0) + int(row["events"])
    return totals


def days(value: Decimal | None) -> str:
    """Days to adopt to a tenth ("3.2"), the mart's value rounded once more; "–" for none."""
    return NOTHING if value is None else str(rounded(value, 1))


def summary_line(month: date | None, rows: Sequence[Row], outside: dict[str, int]) -> str:
    if month is None or not rows:
        return "No complete month of product events yet."
    rated = [r for r in rows if r["adoption_rate"] is not None]
    top = f", highest {rated[0]['feature']} {percent(rated[0]['adoption_rate'])}" if rated else ""
    return (
        f"{month_name(month)}: adoption of {len(rows)} features{top}; "
        f"{count(outside['uncatalogued'])} events of uncatalogued features"
    )


def page_data(data: AdoptionPage) -> PageData:
    """The page from the loop's data (pure: tested on hand-made rows)."""
    rows = month_rows(data, data.month)
    colour_of = shared.colours(features(data), muted=())
    outside = outside_totals(data)
    figures: tuple[Chart, ...] = ()
    if data.daily:
        curves = charts.curves_chart(data, colour_of)
        figures = (
            charts.trend_chart(data, colour_of),
            *((curves,) if curves else ()),
            charts.states_chart(data),
            charts.time_to_adopt_chart(data, colour_of),
        )
    return PageData(
        as_of=data.newest_delivery_day,
        summary=summary_line(data.month, rows, outside),
        context={
            "month": data.month,
            "kpi": data.kpi,
            "month_rows": rows,
            "month_columns": MONTH_COLUMNS,
            "outside": outside,
            "uncatalogued": [r for r in data.outside_catalog if r["usage_kind"] == "uncatalogued"],
            "beta": [r for r in data.outside_catalog if r["usage_kind"] == "beta"],
            "newest_activity_day": data.newest_activity_day,
            "top": next((r for r in rows if r["adoption_rate"] is not None), None),
            "days": days,
        },
        charts=figures,
    )


def build(conn: psycopg.Connection) -> PageData:
    return page_data(adoption_page_data(conn))


PAGE = Page(
    name="product",
    title="Product: feature adoption",
    group="product",
    marts=(
        "feature_adoption_daily",
        "feature_adoption_monthly",
        "feature_time_to_adopt",
        "feature_usage_outside_catalog",
        "product_kpi_monthly",
        "loop_scorecard",
    ),
    build=build,
    template=Path(__file__).with_name("templates") / "product.html.j2",
    description="Adoption per feature for the last complete month and per day, launch curves, new / repeat / "
    "returning / churned accounts per month, time to adopt, and the usage the catalog does not cover.",
)
