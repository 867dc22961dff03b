"""The reliability dashboard: loop 5's page of the site, read from the reliability marts.

The rows come from `dashboard.dashboard_data` (one query per section, over marts.error_events,
marts.error_groups and marts.reliability_daily); plain functions below turn them into the page's tiles,
tables and figures, so each piece can be tested on hand-made rows. The headline is the auto-fixed share
of the last complete month against the loop's 20 % target.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import count, percent, rounded, short_month
from aias_dagster.dashboards.page import Chart, Page, PageData
from aias_dagster.reliability.dashboard import dashboard_data

# "Data as of": the newest day with errors. Errors are the feed every number here counts.
AS_OF_SQL = "select max(date_day) from marts.reliability_daily"
AGES = ("< 1 hour", "1-24 hours", "1-7 days", "> 7 days")  # dashboard.py's buckets, youngest first
OUTCOMES = ("succeeded", "failed", "in_progress", "none")
OUTCOME_COLOURS = {"succeeded": "#009E73", "failed": "#D55E00", "in_progress": "#E69F00", "none": charts.MUTED}

Row = dict[str, Any]


@dataclass(frozen=True)
class ReliabilityRows:
    """What the page reads from the marts, before any shaping: dashboard_data's sections."""

    as_of: date | None
    target: Decimal
    daily: list[Row]
    mttr_daily: list[Row]
    auto_fixed_monthly: list[Row]
    top_groups: list[Row]
    remediation_outcomes: list[Row]
    unresolved_by_age: list[Row]


def read_rows(conn: psycopg.Connection) -> ReliabilityRows:
    (as_of,) = conn.execute(AS_OF_SQL).fetchone() or (None,)
    data = dashboard_data(conn)
    return ReliabilityRows(
        as_of=as_of,
        target=data["auto_fixed_target"],
        daily=data["daily"],
        mttr_daily=data["mttr_daily"],
        auto_fixed_monthly=data["auto_fixed_monthly"],
        top_groups=data["top_groups"],
        remediation_outcomes=data["remediation_outcomes"],
        unresolved_by_age=data["unresolved_by_age"],
    )


def last_complete_month(as_of: date | None) -> date | None:
    """The month before the one that holds the day after `as_of`."""
    if as_of is None:
        return None
    current = (as_of + timedelta(days=1)).replace(day=1)
    return (current - timedelta(days=1)).replace(day=1)


def month_row(rows: ReliabilityRows) -> Row | None:
    month = last_complete_month(rows.as_of)
    return next((r for r in rows.auto_fixed_monthly if r["month_start"] == month), None)


def month_error_rate(rows: ReliabilityRows, month: date | None) -> Decimal | None:
    """Errors per 1,000 API requests over the month's days (sums, not a mean of daily rates)."""
    picked = [r for r in rows.daily if month and r["date_day"].replace(day=1) == month]
    requests = sum((r["api_requests"] or 0) for r in picked)
    return rounded(Decimal(sum(r["errors"] for r in picked)) * 1000 / requests, 2) if requests else None


def unresolved_total(rows: ReliabilityRows) -> int:
    return sum(int(r["errors"]) for r in rows.unresolved_by_age)


def remediations_ran(rows: ReliabilityRows) -> bool:
    """Whether the ledger holds any remediation behind these errors (outcome other than "none")."""
    return any(r["outcome"] != "none" for r in rows.remediation_outcomes)


def categories_in(rows: Sequence[Row]) -> list[str]:
    """Categories by their errors (most first): the x axis' order."""
    total: dict[str, int] = defaultdict(int)
    for r in rows:
        total[r["category"]] += int(r["errors"])
    return sorted(total, key=lambda c: (-total[c], c))


# ---- figures ---------------------------------------------------------------------------------------------


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
    x = [r["month_start"].isoformat() for r in rows.auto_fixed_monthly]
    values = [r["auto_fixed_share"] for r in rows.auto_fixed_monthly]
    hover = [
        f"{percent(v)} ({count(r['auto_fixed'])} of {count(r['errors'])})"
        for v, r in zip(values, rows.auto_fixed_monthly, strict=True)
    ]
    target = float(rows.target)
    label = f"Target {percent(rows.target, 0)}"
    data = [
        charts.line("Auto-fixed share", x, values, hover, "#0072B2", marker={"color": "#0072B2", "size": 10}),
        charts.line(
            label,
            [x[0], x[-1]] if x else [],
            [target, target] if x else [],
            [label] * (2 if x else 0),
            charts.TARGET_COLOUR,
            mode="lines",
            line={"color": charts.TARGET_COLOUR, "width": 2, "dash": "dash"},
            hoverinfo="skip",
        ),
    ]
    return Chart(
        id="auto-fixed",
        title="Errors auto-fixed per month, against the target",
        data=data,
        layout=charts.layout(
            charts.axis("Month", "%b %Y", type="date", dtick="M1"), charts.axis("Share of errors", ".0%", range=[0, 1])
        ),
        note="Auto-fixed: a successful remediation and no recurrence for that customer within 24 hours.",
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
    colours = dict(zip(AGES, ("#56B4E9", "#0072B2", "#E69F00", "#D55E00"), strict=True))
    return stacked_chart(
        "unresolved-by-age",
        "Unresolved errors by age",
        rows.unresolved_by_age,
        "age",
        AGES,
        colours,
        "Age at the newest error in the data.",
    )


# ---- the page ---------------------------------------------------------------------------------------------


def summary_line(rows: ReliabilityRows) -> str:
    month = month_row(rows)
    if month is None:
        return "No complete month of errors yet."
    return (
        f"{short_month(month['month_start'])}: {percent(month['auto_fixed_share'])} of errors auto-fixed "
        f"(target {percent(rows.target, 0)})"
    )


def page_data(rows: ReliabilityRows) -> PageData:
    """The page from the rows: its tiles, table and figures (pure: tested on hand-made rows too)."""
    month = month_row(rows)
    figures = [error_rate_chart(rows), mttr_chart(rows), auto_fixed_chart(rows)]
    if rows.remediation_outcomes:
        figures.append(outcomes_chart(rows))
    if rows.unresolved_by_age:
        figures.append(unresolved_chart(rows))
    return PageData(
        as_of=rows.as_of,
        summary=summary_line(rows),
        context={
            "month": month,
            "error_rate": month_error_rate(rows, month["month_start"]) if month else None,
            "target": rows.target,
            "top_groups": rows.top_groups,
            "remediations_ran": remediations_ran(rows),
            "has_auto_fixable": bool(rows.remediation_outcomes),
            "unresolved": unresolved_total(rows),
        },
        charts=tuple(figures) if rows.daily else (),
    )


def build(conn: psycopg.Connection) -> PageData:
    return page_data(read_rows(conn))


PAGE = Page(
    name="reliability",
    title="Reliability: errors, auto-fixes and MTTR",
    group="reliability",
    marts=("error_events", "error_groups", "reliability_daily", "reliability_kpi_monthly", "loop_scorecard"),
    build=build,
    template=Path(__file__).with_name("templates") / "reliability.html.j2",
    description="Error rate and MTTR per day, the auto-fixed share against its 20 % target, the top error groups, "
    "remediation outcomes and unresolved errors by age.",
)
