"""The CAC dashboard: loop 1's page of the site, read from marts.cac_monthly, marts.metrics_daily and the
calibrated CAC's intervals (marts.cac_monthly_intervals, a Python asset).

The queries return rows; plain functions below turn them into the page's tables, tiles and figures,
so each piece can be tested on hand-made rows. The page shows the default attribution model's CACs of the
last complete month beside the month before, and the survey-calibrated CAC with its 95 % interval
(calibrated_section.py).
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
from psycopg.rows import dict_row

from aias_dagster.acquisition import calibrated_section
from aias_dagster.acquisition.assets import INTERVALS
from aias_dagster.acquisition.figures import CalibratedCac, calibrated_cac
from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import cac, count, money, percent, short_month
from aias_dagster.dashboards.page import Chart, Page, PageData
from aias_dagster.platform.kpi import last_complete_month
from aias_dagster.platform.months import month_before

# Coverage was the KPI before CAC accuracy; its line stays until the page reads the scorecard (issue 20 item 6).
COVERAGE_TARGET = Decimal("0.95")

UNATTRIBUTED = "unattributed"
MODELS = ("first_touch", "last_touch", "last_non_direct", "linear")
MODEL_LABELS = {
    "first_touch": "First touch",
    "last_touch": "Last touch",
    "last_non_direct": "Last non-direct",
    "linear": "Linear",
}
DAILY_HISTORY_DAYS = 90  # the daily chart's span: enough to see a trend, small enough to load fast

# "Data as of": the newest delivery day of the spend behind metrics_daily, its lineage column. Spend is the
# feed every CAC divides, and it arrives daily like the others.
AS_OF_SQL = "select max(_spend_delivered_through) from marts.metrics_daily"

CAC_COLUMNS = """month_start, attribution_model, is_default_model, channel, spend_usd, new_paying_customers,
    new_paying_customers_adjusted, paid_cac, paid_cac_adjusted, spend_without_customers_usd, month_spend_usd,
    month_new_paying_customers, month_attributed_new_paying_customers, month_unattributed_new_paying_customers,
    attribution_coverage, blended_cac, month_spend_without_customers_usd, is_provisional"""

DEFAULT_MODEL_SQL = f"select {CAC_COLUMNS} from marts.cac_monthly where is_default_model order by month_start, channel"

MODELS_SQL = f"select {CAC_COLUMNS} from marts.cac_monthly where month_start = %s order by attribution_model, channel"

DAILY_SQL = """
select date_day, channel, spend_usd, new_paying_customers, is_provisional
from marts.metrics_daily
where date_day > (select max(date_day) from marts.metrics_daily) - %s
order by date_day, channel
"""

Row = dict[str, Any]


@dataclass(frozen=True)
class CacRows:
    """What the page reads from the marts, before any shaping."""

    as_of: date | None
    month: date | None  # the last complete month
    month_before: date | None
    default_model: list[Row]  # cac_monthly, default model, every month
    models: list[Row]  # cac_monthly, every model, the last complete month
    daily: list[Row]  # metrics_daily, the last DAILY_HISTORY_DAYS days
    calibrated: tuple[CalibratedCac, ...] = ()  # cac_monthly with its intervals, default model, paid and unpaid


def read_rows(conn: psycopg.Connection) -> CacRows:
    with conn.cursor(row_factory=dict_row) as cur:
        (as_of,) = conn.execute(AS_OF_SQL).fetchone() or (None,)
        month = last_complete_month(conn, "acquisition")
        before = month_before(month) if month else None
        default_model = cur.execute(DEFAULT_MODEL_SQL).fetchall()
        models = cur.execute(MODELS_SQL, (month,)).fetchall() if month else []
        daily = cur.execute(DAILY_SQL, (DAILY_HISTORY_DAYS,)).fetchall()
    return CacRows(as_of, month, before, default_model, models, daily, tuple(calibrated_cac(conn)))


def rows_of_month(rows: Sequence[Row], month: date | None) -> list[Row]:
    """A month's channel rows, by spend (largest first), the unattributed bucket last."""
    picked = [r for r in rows if r["month_start"] == month]
    return sorted(picked, key=lambda r: (r["channel"] == UNATTRIBUTED, -r["spend_usd"], r["channel"]))


def cac_table(rows: CacRows) -> list[dict[str, Any]]:
    """The CAC table: each channel of the last complete month with its CACs of the month before beside them."""
    month = rows_of_month(rows.default_model, rows.month)
    before = {r["channel"]: r for r in rows_of_month(rows.default_model, rows.month_before)}
    return [{"now": r, "before": before.get(r["channel"])} for r in month]


def month_totals(rows: Sequence[Row], month: date | None) -> Row | None:
    """The month's own columns (the same on every channel row of the month)."""
    picked = rows_of_month(rows, month)
    return picked[0] if picked else None


def model_table(rows: CacRows) -> list[dict[str, Any]]:
    """Per channel, its new paying customers and paid CAC under each model, for the last complete month."""
    by_channel: dict[str, dict[str, Row]] = defaultdict(dict)
    spend: dict[str, Decimal] = {}
    for r in rows.models:
        by_channel[r["channel"]][r["attribution_model"]] = r
        spend[r["channel"]] = r["spend_usd"]
    order = sorted(by_channel, key=lambda c: (c == UNATTRIBUTED, -spend[c], c))
    return [{"channel": c, "spend_usd": spend[c], "models": by_channel[c]} for c in order]


def provisional_days(daily: Sequence[Row]) -> list[date]:
    return sorted({r["date_day"] for r in daily if r["is_provisional"]})


def weekly_coverage(daily: Sequence[Row]) -> list[tuple[date, Decimal | None, bool]]:
    """(Monday, attributed share of the week's new paying customers, whether the week holds a provisional day)."""
    total: dict[date, Decimal] = defaultdict(Decimal)
    unattributed: dict[date, Decimal] = defaultdict(Decimal)
    provisional: dict[date, bool] = defaultdict(bool)
    for r in daily:
        week = r["date_day"] - timedelta(days=r["date_day"].weekday())
        total[week] += r["new_paying_customers"]
        provisional[week] |= bool(r["is_provisional"])
        if r["channel"] == UNATTRIBUTED:
            unattributed[week] += r["new_paying_customers"]
    return [(w, (1 - unattributed[w] / total[w]) if total[w] else None, provisional[w]) for w in sorted(total)]


def channels_in(rows: Sequence[Row], paid_only: bool = False) -> list[str]:
    """Channels ordered by their total spend (largest first), unattributed last: the legend's order.

    paid_only: only channels with spend. An unpaid channel's CAC is $0 every month; a line of zeros
    per unpaid channel would crowd the charts whose point is what paid channels cost.
    """
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        spend[r["channel"]] += r["spend_usd"]
    ordered = sorted(spend, key=lambda c: (c == UNATTRIBUTED, -spend[c], c))
    return [c for c in ordered if spend[c] > 0] if paid_only else ordered


# ---- figures ---------------------------------------------------------------------------------------------


def cac_by_channel_chart(rows: CacRows) -> Chart:
    paid = set(
        channels_in([r for r in rows.default_model if r["month_start"] in (rows.month, rows.month_before)], True)
    )
    table = [t for t in cac_table(rows) if t["now"]["channel"] in paid]
    x = [t["now"]["channel"] for t in table]
    now, before = short_month(rows.month), short_month(rows.month_before)

    def series(label: str, column: str, which: str, colour: str) -> dict[str, Any]:
        values = [(t[which] or {}).get(column) for t in table]
        return charts.bar(label, x, values, [cac(v) for v in values], colour)

    data = [
        series(f"Paid CAC, {before}", "paid_cac", "before", "#9fc9e6"),
        series(f"Paid CAC, {now}", "paid_cac", "now", "#0072B2"),
        series(f"Adjusted CAC, {before}", "paid_cac_adjusted", "before", "#f3d193"),
        series(f"Adjusted CAC, {now}", "paid_cac_adjusted", "now", "#E69F00"),
    ]
    return Chart(
        id="cac-by-channel",
        title=f"CAC by channel, {now} beside {before}",
        data=data,
        layout=charts.layout(charts.axis("Channel"), charts.axis("CAC (USD)", "$,.0f"), barmode="group"),
        note="Paid CAC counts only customers with a channel; adjusted CAC also shares out the customers "
        "without one, by the month's attributed mix. Channels without spend (CAC $0) are left out; a channel "
        "without new paying customers has no CAC.",
    )


def cac_trend_chart(rows: CacRows, colour_of: dict[str, str]) -> Chart:
    months = sorted({r["month_start"] for r in rows.default_model})
    provisional = {r["month_start"] for r in rows.default_model if r["is_provisional"]}
    labels = [m.isoformat() for m in months]
    symbols = ["circle-open" if m in provisional else "circle" for m in months]
    data = []
    for channel in channels_in(rows.default_model, paid_only=True):
        by_month = {r["month_start"]: r["paid_cac_adjusted"] for r in rows.default_model if r["channel"] == channel}
        values = [by_month.get(m) for m in months]
        data.append(
            charts.line(
                channel,
                labels,
                values,
                [cac(v) for v in values],
                colour_of[channel],
                marker={"color": colour_of[channel], "size": 8, "symbol": symbols},
            )
        )
    blended = {r["month_start"]: r["blended_cac"] for r in rows.default_model}
    values = [blended.get(m) for m in months]
    data.append(
        charts.line(
            "Blended CAC (all channels)",
            labels,
            values,
            [cac(v) for v in values],
            "#000000",
            line={"color": "#000000", "width": 2, "dash": "dot"},
            marker={"color": "#000000", "size": 8, "symbol": symbols},
        )
    )
    return Chart(
        id="cac-trend",
        title="Monthly coverage-adjusted CAC per channel",
        data=data,
        layout=charts.layout(
            charts.axis("Month", "%b %Y", type="date", dtick="M1"), charts.axis("Adjusted CAC (USD)", "$,.0f")
        ),
        note="Channels with spend. Open markers: a month that holds provisional days (spend that may still be "
        "restated), or is not over yet.",
    )


def spend_vs_customers_chart(rows: CacRows, colour_of: dict[str, str]) -> Chart:
    provisional = {r["month_start"] for r in rows.default_model if r["is_provisional"]}
    data = []
    for channel in channels_in(rows.default_model):
        if channel == UNATTRIBUTED:
            continue
        picked = [r for r in rows.default_model if r["channel"] == channel]
        hover = [
            f"{short_month(r['month_start'])}{' (provisional)' if r['month_start'] in provisional else ''}: "
            f"{money(r['spend_usd'])} for {count(r['new_paying_customers'])} new paying, CAC {cac(r['paid_cac'])}"
            for r in picked
        ]
        trace = charts.line(
            channel,
            [charts.number(r["spend_usd"]) for r in picked],
            [r["new_paying_customers"] for r in picked],
            hover,
            colour_of[channel],
            mode="markers",
            marker={
                "color": colour_of[channel],
                "size": 11,
                "symbol": ["circle-open" if r["month_start"] in provisional else "circle" for r in picked],
            },
        )
        trace["hovertemplate"] = "%{text}<extra>" + channel + "</extra>"
        data.append(trace)
    return Chart(
        id="spend-vs-customers",
        title="Spend against new paying customers, per channel and month",
        data=data,
        layout=charts.layout(charts.axis("Spend in the month (USD)", "$,.0f"), charts.axis("New paying customers")),
        note="One point per channel and month: further up for the same spend is cheaper. Open markers: provisional.",
    )


def daily_chart(rows: CacRows, colour_of: dict[str, str]) -> Chart:
    days = sorted({r["date_day"] for r in rows.daily})
    labels = [d.isoformat() for d in days]
    data = []
    for channel in channels_in(rows.daily, paid_only=True):
        by_day = {r["date_day"]: r["spend_usd"] for r in rows.daily if r["channel"] == channel}
        values = [by_day.get(d) for d in days]
        data.append(charts.bar(channel, labels, values, [money(v) for v in values], colour_of[channel]))
    customers: dict[date, Decimal] = defaultdict(Decimal)
    for r in rows.daily:
        customers[r["date_day"]] += r["new_paying_customers"]
    values = [customers[d] for d in days]
    data.append(
        charts.line(
            "New paying customers (all channels)",
            labels,
            values,
            [count(v) for v in values],
            "#000000",
            yaxis="y2",
            mode="lines",
            line={"color": "#000000", "width": 1.5},
        )
    )
    shapes, notes = [], []
    provisional = provisional_days(rows.daily)
    if provisional:
        shape, note = charts.provisional_band(provisional[0], provisional[-1])
        shapes.append(shape)
        notes.append(note)
    layout = charts.layout(
        charts.axis("Day", "%d %b", type="date"),
        charts.axis("Spend (USD)", "$,.0f"),
        barmode="stack",
        bargap=0.15,
        yaxis2=charts.axis(
            "New paying customers",
            ",.0f",
            overlaying="y",
            side="right",
            rangemode="tozero",
            showgrid=False,
            tickmode="auto",
        ),
        shapes=shapes,
        annotations=notes,
    )
    span = f"{days[0]:%d %b} to {days[-1]:%d %b %Y}" if days else "no days yet"
    return Chart(
        id="daily-spend",
        title=f"Daily spend per channel and new paying customers, {span}",
        data=data,
        layout=layout,
        note="The shaded days are provisional: ad platforms may still restate their spend.",
    )


def coverage_chart(rows: CacRows) -> Chart:
    months = sorted({r["month_start"] for r in rows.default_model})
    monthly = {r["month_start"]: r["attribution_coverage"] for r in rows.default_model}
    weeks = weekly_coverage(rows.daily)
    month_labels = [m.isoformat() for m in months]
    month_values = [monthly.get(m) for m in months]
    week_labels = [w.isoformat() for w, _, _ in weeks]
    week_values = [v for _, v, _ in weeks]
    target = float(COVERAGE_TARGET)
    x_all = sorted({*month_labels, *week_labels})
    data = [
        charts.line(
            "Weekly",
            week_labels,
            week_values,
            [percent(v) for v in week_values],
            "#56B4E9",
            line={"color": "#56B4E9", "width": 1.5},
            marker={"color": "#56B4E9", "size": 5},
        ),
        charts.line(
            "Monthly",
            month_labels,
            month_values,
            [percent(v) for v in month_values],
            "#0072B2",
            marker={"color": "#0072B2", "size": 10},
        ),
        charts.line(
            f"Target {percent(COVERAGE_TARGET, 0)}",
            [x_all[0], x_all[-1]] if x_all else [],
            [target, target] if x_all else [],
            [percent(COVERAGE_TARGET, 0)] * (2 if x_all else 0),
            charts.TARGET_COLOUR,
            mode="lines",
            line={"color": charts.TARGET_COLOUR, "width": 2, "dash": "dash"},
            hoverinfo="skip",
        ),
    ]
    return Chart(
        id="coverage",
        title="Attribution coverage over time, against its target",
        data=data,
        layout=charts.layout(
            charts.axis("Week or month starting", "%b %Y", type="date", dtick="M1"),
            charts.axis("Share with a channel", ".0%", range=[0, 1.05]),
        ),
        note="The share of new paying customers with a visit in their attribution window. Below the target, "
        "read the adjusted CAC.",
    )


# ---- the page ---------------------------------------------------------------------------------------------


def summary_line(rows: CacRows) -> str:
    totals = month_totals(rows.default_model, rows.month)
    if totals is None:
        return "No complete month of acquisition data yet."
    return (
        f"{short_month(rows.month)}: blended CAC {cac(totals['blended_cac'])}, "
        f"attribution coverage {percent(totals['attribution_coverage'])}"
    )


def page_data(rows: CacRows) -> PageData:
    """The page from the rows: its tables, tiles and figures (pure: tested on hand-made rows too)."""
    colour_of = charts.colours(channels_in([*rows.default_model, *rows.daily]))
    has_month = month_totals(rows.default_model, rows.month) is not None
    has_calibrated = bool(calibrated_section.paid_of_month(rows.calibrated, rows.month))
    calibrated_figures = (
        (
            calibrated_section.calibrated_cac_chart(rows.calibrated, rows.month),
            calibrated_section.tracking_loss_chart(rows.calibrated),
        )
        if has_month and has_calibrated
        else ()
    )
    figures = (
        (
            *calibrated_figures,
            cac_by_channel_chart(rows),
            cac_trend_chart(rows, colour_of),
            spend_vs_customers_chart(rows, colour_of),
            daily_chart(rows, colour_of),
            coverage_chart(rows),
        )
        if has_month
        else ()
    )
    provisional = provisional_days(rows.daily)
    return PageData(
        as_of=rows.as_of,
        summary=summary_line(rows),
        context={
            "month": rows.month,
            "month_before": rows.month_before,
            "totals": month_totals(rows.default_model, rows.month),
            "totals_before": month_totals(rows.default_model, rows.month_before),
            "cac_rows": cac_table(rows),
            "model_rows": model_table(rows),
            "models": [(m, MODEL_LABELS[m]) for m in MODELS],
            "default_model": next((r["attribution_model"] for r in rows.default_model), "last_non_direct"),
            "model_labels": MODEL_LABELS,
            "provisional_days": provisional,
            "coverage_target": COVERAGE_TARGET,
            "unattributed": UNATTRIBUTED,
            **calibrated_section.section(rows.calibrated, rows.month),
        },
        charts=figures,
    )


def build(conn: psycopg.Connection) -> PageData:
    return page_data(read_rows(conn))


PAGE = Page(
    name="cac",
    title="Acquisition: CAC by channel",
    group="acquisition",
    marts=("cac_monthly", "metrics_daily", "acquisition_kpi_monthly", "loop_scorecard"),
    build=build,
    template=Path(__file__).with_name("templates") / "cac.html.j2",
    description="Calibrated CAC per paid channel with its 95 % interval and the tracking loss per channel; paid "
    "and coverage-adjusted CAC per channel, its trend, coverage and the attribution models.",
    # The intervals are a Python asset in the marts schema, not a dbt model: no exposure can name them.
    upstream=(INTERVALS.to_user_string(),),
)
