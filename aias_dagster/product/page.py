"""The product loop's dashboard page (`product.html`): feature adoption, shaped from `dashboard.AdoptionPage`.

The headline is adoption per feature for the last complete month (the month `aias demo` prints), with its
new / repeat / returning / churned split and median time to adopt; the charts show the daily trend, the
curves of the features released within the data aligned on days since release, the split per month and
the time-to-adopt distribution. Usage the catalog does not cover (uncatalogued names, beta use before a
release) is shown apart, with a note when there is any: it counts as activity, never as adoption. The
functions below are pure, tested on hand-made rows (tests/product/test_product_page.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import NOTHING, count, percent, rounded, short_month
from aias_dagster.dashboards.formatting import month as month_name
from aias_dagster.dashboards.page import Chart, Page, PageData
from aias_dagster.product.dashboard import TIME_TO_ADOPT_BUCKETS, AdoptionPage, adoption_page_data, bucket_label

Row = dict[str, Any]

# The monthly table's columns, in the page's order: the mart's names, so the browser test reads them back.
MONTH_COLUMNS = ("active_accounts", "adopters", "adoption_rate", "new_accounts", "repeat_accounts",
                 "returning_accounts", "churned_accounts", "median_days_to_adopt", "distinct_users")  # fmt: skip
# The monthly split's stack: new, repeat and returning add up to the adopters; churned goes below zero.
STATES = (
    ("new_accounts", "New", "#009E73", 1),
    ("repeat_accounts", "Repeat", "#0072B2", 1),
    ("returning_accounts", "Returning", "#56B4E9", 1),
    ("churned_accounts", "Churned (below zero)", "#D55E00", -1),
)
BUCKETS = tuple(bucket_label(b) for b in range(1, len(TIME_TO_ADOPT_BUCKETS) + 1))  # 0-1 days ... 30+ days


def last_complete_month(newest_day: date | None) -> date | None:
    """The month before the one that holds the day after the newest day of data (as `aias demo` says)."""
    if newest_day is None:
        return None
    current = (newest_day + timedelta(days=1)).replace(day=1)
    return (current - timedelta(days=1)).replace(day=1)


def features(data: AdoptionPage) -> list[str]:
    """Catalogued features, by their adoption on the newest day (highest first): the legends' order."""
    newest: dict[str, float] = {}
    for row in data.daily:  # ordered by feature, date_day: the last row of a feature is its newest day
        newest[row["feature"]] = float(row["adoption_rate"] or 0)
    return sorted(newest, key=lambda f: (-newest[f], f))


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


def rate_hover(row: Row) -> str:
    short = f", window {row['window_days']} days" if row["is_short_window"] else ""
    return (
        f"{percent(row['adoption_rate'])}: {count(row['adopters'])} of {count(row['active_accounts'])} active"
        f" accounts{short}"
    )


def trend_chart(data: AdoptionPage, colour_of: dict[str, str]) -> Chart:
    traces = []
    for feature in features(data):
        rows = [r for r in data.daily if r["feature"] == feature]
        traces.append(
            charts.line(
                feature,
                [r["date_day"].isoformat() for r in rows],
                [r["adoption_rate"] for r in rows],
                [rate_hover(r) for r in rows],
                colour_of[feature],
                marker={"color": colour_of[feature], "size": 4},
                line={"color": colour_of[feature], "width": 1.5},
            )
        )
    return Chart(
        id="adoption-trend",
        title="Adoption rate per feature and day, trailing 28 days",
        data=traces,
        layout=charts.layout(charts.axis("Day", "%d %b", type="date"), charts.axis("Adoption rate", ".0%")),
        note="Accounts that used the feature in the 28 days to the day, over the accounts active in them. "
        "In the 27 days after a release the window is shorter (the hover says so).",
    )


def curves_chart(data: AdoptionPage, colour_of: dict[str, str]) -> Chart | None:
    """Adoption against days since release, for the features released within the data (None: no such one)."""
    released = {r["feature"] for r in data.daily if r["days_since_release"] == 0}
    launched = [f for f in features(data) if f in released]
    if not launched:
        return None
    traces = []
    for feature in launched:
        rows = [r for r in data.daily if r["feature"] == feature]
        traces.append(
            charts.line(
                feature,
                [r["days_since_release"] for r in rows],
                [r["adoption_rate"] for r in rows],
                [f"day {r['days_since_release']}: {rate_hover(r)}" for r in rows],
                colour_of[feature],
                marker={"color": colour_of[feature], "size": 5},
            )
        )
    return Chart(
        id="adoption-curves",
        title="Adoption curves of the features released within the data, by days since release",
        data=traces,
        layout=charts.layout(charts.axis("Days since release", ",.0f"), charts.axis("Adoption rate", ".0%")),
        note="Each launch from its release day, so launches compare at the same age.",
    )


def states_chart(data: AdoptionPage) -> Chart:
    """New, repeat and returning stacked up to the adopters, churned below zero, per month and feature."""
    order = {f: i for i, f in enumerate(features(data))}
    rows = sorted(data.monthly, key=lambda r: (r["month_start"], order.get(r["feature"], len(order)), r["feature"]))
    x = [[short_month(r["month_start"]) for r in rows], [r["feature"] for r in rows]]
    traces = [
        charts.bar(
            label,
            [],
            [sign * r[column] for r in rows],
            [f"{r['feature']}: {count(r[column])} {label.split()[0].lower()}" for r in rows],
            colour,
        )
        | {"x": x}
        for column, label, colour, sign in STATES
    ]
    return Chart(
        id="monthly-states",
        title="Adopters per month and feature: new, repeat, returning; churned below zero",
        data=traces,
        layout=charts.layout(
            charts.axis("Month and feature", tickangle=-45),
            charts.axis("Accounts", ",.0f"),
            barmode="relative",
            # Room for two rows of slanted labels and the axis title under them. Plotly's automargin makes the
            # bottom 124 px for the catalog's names and leaves the title's last 4 px outside the chart: 8 more.
            height=charts.HEIGHT + 80,
            margin={"l": 8, "r": 8, "t": 8, "b": 132},
        ),
        note="New: first use ever this month. Repeat: used it this month and the month before. Returning: "
        "not the month before, but earlier. Churned: the month before, not this month.",
    )


def time_to_adopt_chart(data: AdoptionPage, colour_of: dict[str, str]) -> Chart:
    accounts: dict[tuple[str, str], int] = defaultdict(int)
    for row in data.time_to_adopt:
        accounts[(row["feature"], row["bucket"])] += int(row["accounts"])
    present = [f for f in features(data) if any(k[0] == f for k in accounts)]
    traces = []
    for feature in present:
        values = [accounts.get((feature, b), 0) for b in BUCKETS]
        traces.append(
            charts.bar(feature, BUCKETS, values, [f"{count(v)} accounts" for v in values], colour_of[feature])
        )
    return Chart(
        id="time-to-adopt",
        title="Time to adopt: accounts by days from signup or release to first use",
        data=traces,
        layout=charts.layout(
            charts.axis("Days to adopt", type="category"), charts.axis("Accounts", ",.0f"), barmode="stack"
        ),
        note="From the later of the account's signup and the feature's release; a use before signup is 0 days.",
    )


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
    month = last_complete_month(data.newest_activity_day)
    rows = month_rows(data, month)
    colour_of = charts.colours(features(data), muted=())
    outside = outside_totals(data)
    figures: tuple[Chart, ...] = ()
    if data.daily:
        curves = curves_chart(data, colour_of)
        figures = (
            trend_chart(data, colour_of),
            *((curves,) if curves else ()),
            states_chart(data),
            time_to_adopt_chart(data, colour_of),
        )
    return PageData(
        as_of=data.newest_delivery_day,
        summary=summary_line(month, rows, outside),
        context={
            "month": month,
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
    marts=("feature_adoption_daily", "feature_adoption_monthly", "feature_first_use", "feature_usage_outside_catalog"),
    build=build,
    template=Path(__file__).with_name("templates") / "product.html.j2",
    description="Adoption per feature for the last complete month and per day, launch curves, new / repeat / "
    "returning / churned accounts per month, time to adopt, and the usage the catalog does not cover.",
)
