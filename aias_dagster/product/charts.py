"""The product page's figures, from its rows (queries.py); the shared pieces are dashboards/charts.py's."""

from __future__ import annotations

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import count, percent
from aias_dagster.dashboards.page import Chart
from aias_dagster.product.queries import AdoptionPage, Row

# The monthly split's stack: new, repeat and returning add up to the adopters; churned goes below zero.
STATES = (
    ("new_accounts", "New", "#009E73", 1),
    ("repeat_accounts", "Repeat", "#0072B2", 1),
    ("returning_accounts", "Returning", "#56B4E9", 1),
    ("churned_accounts", "Churned (below zero)", "#D55E00", -1),
)


def features(data: AdoptionPage) -> list[str]:
    """Catalogued features, by their adoption on the newest day (highest first): the legends' order."""
    newest: dict[str, float] = {}
    for row in data.daily:  # ordered by feature, date_day: the last row of a feature is its newest day
        newest[row["feature"]] = float(row["adoption_rate"] or 0)
    return sorted(newest, key=lambda f: (-newest[f], f))


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
    """New, repeat and returning stacked up to the adopters, churned below zero, per month and feature.

    The x axis is (month, feature), so the month in progress is marked on the axis itself ("Dec 2026 (in
    progress)") and its bars are drawn lighter, as charts.mark_in_progress does on a month axis.
    """
    order = {f: i for i, f in enumerate(features(data))}
    rows = sorted(data.monthly, key=lambda r: (r["month_start"], order.get(r["feature"], len(order)), r["feature"]))
    in_progress = charts.month_in_progress((r["month_start"] for r in rows), data.complete)
    x = [[charts.month_label(r["month_start"], in_progress) for r in rows], [r["feature"] for r in rows]]
    faded = [r["month_start"] == in_progress for r in rows]
    traces = [
        charts.lighter(
            charts.bar(
                label,
                [],
                [sign * r[column] for r in rows],
                [f"{r['feature']}: {count(r[column])} {label.split()[0].lower()}" for r in rows],
                colour,
            )
            | {"x": x},
            faded,
        )
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
        "not the month before, but earlier. Churned: the month before, not this month. A month in progress "
        "is drawn lighter: its churn counts everyone not back yet.",
        monthly=True,
    )


def time_to_adopt_chart(data: AdoptionPage, colour_of: dict[str, str]) -> Chart:
    buckets = [b for _, b in sorted({(r["bucket_order"], r["bucket"]) for r in data.time_to_adopt})]
    accounts = {(r["feature"], r["bucket"]): int(r["accounts"]) for r in data.time_to_adopt}
    present = [f for f in features(data) if any(k[0] == f and v for k, v in accounts.items())]
    traces = []
    for feature in present:
        values = [accounts.get((feature, b), 0) for b in buckets]
        traces.append(
            charts.bar(feature, buckets, values, [f"{count(v)} accounts" for v in values], colour_of[feature])
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
