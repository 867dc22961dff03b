"""The reliability page's figures, from its rows (queries.py); the shared pieces are dashboards/charts.py's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import count, percent
from aias_dagster.dashboards.page import Chart
from aias_dagster.reliability.queries import ReliabilityRows, Row

AGES = ("< 1 hour", "1-24 hours", "1-7 days", "> 7 days")  # reliability_unresolved_by_age's buckets, youngest first
AGE_COLOURS = dict(zip(AGES, ("#56B4E9", "#0072B2", "#E69F00", "#D55E00"), strict=True))
OUTCOMES = ("succeeded", "failed", "in_progress", "none")
OUTCOME_COLOURS = {"succeeded": "#009E73", "failed": "#D55E00", "in_progress": "#E69F00", "none": charts.MUTED}


def categories_in(rows: Sequence[Row]) -> list[str]:
    """Categories by their errors (most first): the x axis' order."""
    total: dict[str, int] = defaultdict(int)
    for r in rows:
        total[r["category"]] += int(r["errors"])
    return sorted(total, key=lambda c: (-total[c], c))


def error_rate_chart(rows: ReliabilityRows) -> Chart:
    x = [r["date_day"].isoformat() for r in rows.daily]
    values = [r["errors_per_1000_requests"] for r in rows.daily]
    hover = [f"{v} per 1,000 requests ({count(r['errors'])} errors)" for v, r in zip(values, rows.daily, strict=True)]
    return Chart(
        id="error-rate",
        title="Error rate per day",
        data=[charts.line("Errors per 1,000 API requests", x, values, hover, "#0072B2", marker={"size": 5})],
        layout=charts.layout(charts.axis("Day", "%d %b", type="date"), charts.axis("Errors per 1,000 requests")),
        note="Every error of the day over every API request of the day, any status.",
    )


def mttr_chart(rows: ReliabilityRows) -> Chart:
    x = [r["date_day"].isoformat() for r in rows.mttr_daily]
    data = []
    for column, label, colour in (
        ("mttr_median_minutes", "Median", "#0072B2"),
        ("mttr_mean_minutes", "Mean", "#E69F00"),
    ):
        values = [r[column] for r in rows.mttr_daily]
        hover = [f"{v} minutes" for v in values]
        data.append(charts.line(label, x, values, hover, colour, marker={"color": colour, "size": 5}))
    return Chart(
        id="mttr",
        title="Time to recover per day",
        data=data,
        layout=charts.layout(charts.axis("Day the error occurred", "%d %b", type="date"), charts.axis("Minutes")),
        note="Over the day's resolved errors: until the source marked them resolved or a remediation succeeded.",
    )


def auto_fixed_chart(rows: ReliabilityRows) -> Chart:
    monthly = rows.auto_fixed_monthly
    x = [r["month_start"].isoformat() for r in monthly]
    values = [r["auto_fixed_share"] for r in monthly]
    hover = [
        f"{percent(v)} ({count(r['auto_fixed'])} of {count(r['errors'])})" for v, r in zip(values, monthly, strict=True)
    ]
    shapes, notes = charts.kpi_target(rows.kpi)
    return charts.monthly_chart(
        "auto-fixed",
        "Errors auto-fixed per month, against the target",
        [charts.line("Auto-fixed share", x, values, hover, "#0072B2", marker={"color": "#0072B2", "size": 10})],
        charts.layout(
            charts.month_axis(), charts.axis("Share of errors", ".0%", range=[0, 1]), shapes=shapes, annotations=notes
        ),
        charts.month_in_progress(
            (r["month_start"] for r in monthly), {r["month_start"]: r["is_complete_month"] for r in monthly}
        ),
        "Auto-fixed: a successful remediation and no recurrence for that customer within 24 hours.",
    )


def stacked_chart(
    chart_id: str, title: str, rows: Sequence[Row], key: str, keys: Sequence[str], colours: dict[str, str], note: str
) -> Chart:
    """Errors per category (x), stacked by `key` (remediation outcome or age)."""
    categories = categories_in(rows)
    errors = {(r["category"], r[key]): int(r["errors"]) for r in rows}
    data = []
    for k in [k for k in keys if any((c, k) in errors for c in categories)]:
        values = [errors.get((c, k), 0) for c in categories]
        data.append(charts.bar(k, categories, values, [count(v) for v in values], colours[k]))
    return Chart(
        id=chart_id,
        title=title,
        data=data,
        # showlegend: Plotly hides a lone trace's legend, and "none" (no remediation ran) must be named.
        layout=charts.layout(charts.axis("Category"), charts.axis("Errors", ",.0f"), barmode="stack", showlegend=True),
        note=note,
    )


def outcomes_chart(rows: ReliabilityRows) -> Chart:
    return stacked_chart(
        "remediation-outcomes",
        "Remediation outcomes of the auto-fixable errors",
        rows.remediation_outcomes,
        "outcome",
        OUTCOMES,
        OUTCOME_COLOURS,
        "Per category a playbook can fix: the outcome of its remediation; none: no remediation ran.",
    )


def unresolved_chart(rows: ReliabilityRows) -> Chart:
    return stacked_chart(
        "unresolved-by-age",
        "Unresolved errors by age",
        rows.unresolved_by_age,
        "age",
        AGES,
        AGE_COLOURS,
        "Age at the newest error in the data.",
    )
