"""The billing page's figures, from its rows (queries.py); the shared pieces are dashboards/charts.py's."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from aias_dagster.billing.queries import BillingRows
from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import count, money
from aias_dagster.dashboards.page import Chart


def in_progress(rows: BillingRows, months: list[date]) -> date | None:
    """The month in progress among `months`: the KPI mart knows the closed months, the usage mart the rest."""
    complete = {**{r["month_start"]: r["is_complete_month"] for r in rows.usage}, **rows.complete}
    return charts.month_in_progress(months, complete)


def revenue_chart(rows: BillingRows) -> Chart:
    months = sorted({r["month_start"] for r in rows.revenue})
    labels = [m.isoformat() for m in months]
    plans = sorted({r["plan_id"] for r in rows.revenue})
    colour_of = charts.colours(plans)
    data = []
    for plan in plans:
        by_month: dict[date, Decimal] = defaultdict(Decimal)
        for r in rows.revenue:
            if r["plan_id"] == plan:
                by_month[r["month_start"]] += r["revenue_usd"]
        values = [by_month.get(m) for m in months]
        data.append(charts.bar(plan, labels, values, [money(v, 2) for v in values], colour_of[plan]))
    shapes, notes = charts.kpi_target(rows.kpi, "KPI")
    return charts.monthly_chart(
        "revenue-by-plan",
        "API revenue per month and plan (USD)",
        data,
        charts.layout(
            charts.month_axis(),
            charts.axis("Revenue (USD)", "$,.0f"),
            barmode="stack",
            shapes=shapes,
            annotations=notes,
        ),
        in_progress(rows, months),
        "Invoiced revenue of closed months, each currency at its month's last rate; the dashed line is the KPI.",
    )


def usage_chart(rows: BillingRows) -> Chart:
    labels = [r["month_start"].isoformat() for r in rows.usage]
    series = (
        ("Billable units", "billable_units", charts.PALETTE[0]),
        ("4xx requests (not billed)", "requests_4xx", charts.PALETTE[1]),
        ("5xx requests (not billed)", "requests_5xx", charts.PALETTE[2]),
    )
    data = [
        charts.line(name, labels, [r[key] for r in rows.usage], [count(r[key]) for r in rows.usage], colour)
        for name, key, colour in series
    ]
    return charts.monthly_chart(
        "usage-by-month",
        "API usage per month",
        data,
        charts.layout(charts.month_axis(), charts.axis("Units or requests")),
        in_progress(rows, [r["month_start"] for r in rows.usage]),
        "From every request raw holds now, billed or not; a month in progress is partial.",
    )
