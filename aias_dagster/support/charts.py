"""The support page's figures, from its rows (queries.py); the shared pieces are dashboards/charts.py's.

Every monthly chart marks the month in progress the same way (charts.monthly_chart), as the KPI mart flags it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import NOTHING, count, percent, rounded
from aias_dagster.dashboards.page import Chart
from aias_dagster.support.queries import MonthVolume, SupportPage

UNCATEGORIZED = "uncategorized"
PRIORITIES = ("urgent", "high", "normal", "low")  # the backlog's stack, most pressing at the bottom


def hours(minutes: Decimal | None) -> Decimal | None:
    return None if minutes is None else minutes / 60


def duration(minutes: Decimal | None) -> str:
    """Calendar time as a support lead reads it: "42 min", "5.3 h", "2.1 d"."""
    if minutes is None:
        return NOTHING
    if minutes < 60:
        return f"{rounded(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{rounded(minutes / 60, 1)} h"
    return f"{rounded(minutes / 1440, 1)} d"


def categories(volume: Sequence[MonthVolume]) -> list[str]:
    """Categories by their total tickets (largest first), uncategorized last: the legend's order."""
    total: dict[str, int] = defaultdict(int)
    for v in volume:
        total[v.category] += v.tickets
    return sorted(total, key=lambda c: (c == UNCATEGORIZED, -total[c], c))


def in_progress(data: SupportPage) -> date | None:
    months = [v.month_start for v in data.volume] + [t.month_start for t in data.times]
    return charts.month_in_progress(months, data.complete)


def volume_chart(data: SupportPage, colour_of: dict[str, str]) -> Chart:
    months = sorted({v.month_start for v in data.volume})
    labels = [m.isoformat() for m in months]
    traces = []
    for category in categories(data.volume):
        by_month = {v.month_start: v.tickets for v in data.volume if v.category == category}
        values = [by_month.get(m, 0) for m in months]
        traces.append(
            charts.bar(category, labels, values, [f"{count(v)} tickets" for v in values], colour_of[category])
        )
    return charts.monthly_chart(
        "ticket-volume",
        "Tickets per category and month",
        traces,
        charts.layout(charts.month_axis(), charts.axis("Tickets", ",.0f"), barmode="stack"),
        in_progress(data),
        "By the UTC month a ticket was opened in. Grey: tickets neither an agent nor a rule categorized.",
    )


def times_chart(data: SupportPage, which: str) -> Chart:
    """Median and p90 per month of `which` ("first_response" or "resolution"), in hours."""
    labels = [t.month_start.isoformat() for t in data.times]
    traces = []
    for stat, label, colour in (("median", "Median", "#0072B2"), ("p90", "90th percentile", "#E69F00")):
        values = [getattr(t, f"{which}_{stat}") for t in data.times]
        traces.append(charts.line(label, labels, [hours(v) for v in values], [duration(v) for v in values], colour))
    name = "First response" if which == "first_response" else "Resolution"
    return charts.monthly_chart(
        f"{which.replace('_', '-')}-times",
        f"{name} time per month, median and 90th percentile",
        traces,
        charts.layout(charts.month_axis("Month opened"), charts.axis(f"{name} (hours)", ",.1f")),
        in_progress(data),
        "Calendar time from opening to the first agent answer"
        if which == "first_response"
        else "Calendar time from opening to the solve; tickets still unsolved are not in it yet.",
    )


def backlog_chart(data: SupportPage) -> Chart:
    days = sorted({b.date_day for b in data.backlog})
    labels = [d.isoformat() for d in days]
    colour_of = dict(zip(PRIORITIES, ("#D55E00", "#E69F00", "#56B4E9", "#9fc9e6"), strict=True))
    present = [p for p in PRIORITIES if any(b.priority == p for b in data.backlog)]
    present += sorted({b.priority for b in data.backlog} - set(PRIORITIES))
    traces = []
    for priority in present:
        by_day = {b.date_day: b.open_tickets for b in data.backlog if b.priority == priority}
        values = [by_day.get(d, 0) for d in days]
        traces.append(
            charts.bar(
                priority, labels, values, [f"{count(v)} open" for v in values], colour_of.get(priority, charts.MUTED)
            )
        )
    return Chart(
        id="backlog",
        title="Open tickets at the end of each UTC day, by priority",
        data=traces,
        layout=charts.layout(
            charts.axis("Day", "%d %b", type="date"), charts.axis("Open tickets", ",.0f"), barmode="stack", bargap=0.1
        ),
        note="Open or pending at midnight UTC.",
    )


def csat_chart(data: SupportPage) -> Chart:
    labels = [t.month_start.isoformat() for t in data.times]
    values = [t.csat_mean for t in data.times]
    hover = [
        f"{NOTHING if t.csat_mean is None else rounded(t.csat_mean, 2)} from {count(t.rated)} ratings"
        for t in data.times
    ]
    return charts.monthly_chart(
        "csat",
        "Mean satisfaction score per month",
        [charts.line("Mean CSAT (1 to 5)", labels, values, hover, "#009E73")],
        charts.layout(
            charts.month_axis("Month opened"), charts.axis("CSAT", ".1f", range=[1, 5.2], rangemode="normal")
        ),
        in_progress(data),
        "Only rated tickets; the hover says how many.",
    )


def categorized_chart(data: SupportPage) -> Chart:
    """The loop's KPI per month, the categorized share, against the target in force (the scorecard)."""
    labels = [c.month_start.isoformat() for c in data.categorized]
    values = [c.categorized_share for c in data.categorized]
    hover = [f"{percent(c.categorized_share)} ({count(c.categorized)} of {count(c.tickets)})" for c in data.categorized]
    shapes, notes = charts.kpi_target(data.kpi)
    return charts.monthly_chart(
        "categorized-share",
        "Share of tickets categorized per month, against the target",
        [charts.line("Categorized", labels, values, hover, "#0072B2")],
        charts.layout(
            charts.month_axis("Month opened"),
            charts.axis("Share of the month's tickets", ".0%", range=[0, 1.05]),
            shapes=shapes,
            annotations=notes,
        ),
        in_progress(data),
        "Tickets an agent labelled or a rule matched; the rest are the ones to write the next rule version from.",
    )
