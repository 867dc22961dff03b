"""The CAC page's figures, from its rows (queries.py); the shared pieces are dashboards/charts.py's.

The monthly charts mark the month in progress the same way as every page (charts.monthly_chart); open markers
still say a month holds provisional days, whose spend the ad platforms may restate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from aias_dagster.acquisition.queries import CacRows, CalibratedCac, Row
from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import cac, count, money, percent, short_month
from aias_dagster.dashboards.page import Chart

UNATTRIBUTED = "unattributed"

CALIBRATED_COLOUR = "#0072B2"
MIX_COLOUR = "#E69F00"
LOSS_COLOUR = "#CC79A7"


def paid_of_month(rows: Sequence[CalibratedCac], month: date | None) -> list[CalibratedCac]:
    """The month's channels with spend, largest spender first: a channel without spend has a CAC of $0."""
    picked = [r for r in rows if r.month_start == month and r.spend_usd > 0]
    return sorted(picked, key=lambda r: (-r.spend_usd, r.channel))


def loss_by_channel(rows: Sequence[CalibratedCac]) -> list[CalibratedCac]:
    """One row per channel with an estimated loss, the most lost first.

    The loss is pooled over the data's window (the same on every month of a channel), so any month's row
    speaks for the channel; the newest is taken, as its evidence counts are the latest.
    """
    newest: dict[str, CalibratedCac] = {}
    for r in sorted(rows, key=lambda r: r.month_start):
        if r.estimated_tracking_loss is not None:
            newest[r.channel] = r
    return sorted(newest.values(), key=lambda r: (-(r.estimated_tracking_loss or 0), r.channel))


def _error_bars(points: Sequence[Decimal | None], low: Sequence[Decimal | None], high: Sequence[Decimal | None]):
    """Plotly's asymmetric error bars from the interval's ends (none where an end is missing)."""

    def gap(a: Decimal | None, b: Decimal | None) -> float | None:
        return None if a is None or b is None else float(a - b)

    return {
        "type": "data",
        "symmetric": False,
        "array": [gap(h, p) for p, h in zip(points, high, strict=True)],
        "arrayminus": [gap(p, lo) for p, lo in zip(points, low, strict=True)],
        "color": CALIBRATED_COLOUR,
        "thickness": 1.5,
        "width": 8,
    }


def interval_text(r: CalibratedCac) -> str:
    if r.paid_cac_low is None and r.paid_cac_high is None:
        return "no interval yet"
    return f"95% interval {cac(r.paid_cac_low)} to {cac(r.paid_cac_high)}"


def calibrated_cac_chart(rows: Sequence[CalibratedCac], month: date | None) -> Chart:
    paid = paid_of_month(rows, month)
    x = [r.channel for r in paid]
    calibrated = [r.paid_cac_calibrated for r in paid]
    mix = [r.paid_cac_attributed_mix for r in paid]
    calibrated_trace = charts.line(
        "Calibrated CAC, 95% interval",
        x,
        calibrated,
        [f"{cac(r.paid_cac_calibrated)} ({interval_text(r)})" for r in paid],
        CALIBRATED_COLOUR,
        mode="markers",
        marker={"color": CALIBRATED_COLOUR, "size": 11, "symbol": "circle"},
        error_y=_error_bars(calibrated, [r.paid_cac_low for r in paid], [r.paid_cac_high for r in paid]),
    )
    mix_trace = charts.line(
        "Attributed-mix CAC (comparison)",
        x,
        mix,
        [cac(v) for v in mix],
        MIX_COLOUR,
        mode="markers",
        marker={"color": MIX_COLOUR, "size": 11, "symbol": "diamond-open", "line": {"width": 2}},
    )
    return Chart(
        id="calibrated-cac",
        title=f"Calibrated CAC with its 95% interval, {short_month(month)}",
        data=[calibrated_trace, mix_trace],
        layout=charts.layout(charts.axis("Channel"), charts.axis("CAC (USD)", "$,.0f")),
        note='Calibrated: the customers without a channel shared out by what they answered to "How did you hear '
        "about us?\", corrected for how that answer errs. The bar is the bootstrap's 95% interval. Attributed mix: "
        "shared out as the tracked customers are, which is right only if tracking loses every channel alike.",
    )


def tracking_loss_chart(rows: Sequence[CalibratedCac]) -> Chart:
    """A bar per channel, paid and unpaid apart: the paid ones' losses are what move a CAC."""
    lost = loss_by_channel(rows)
    paid = {r.channel for r in rows if r.spend_usd > 0}
    data = []
    for label, picked, colour in (
        ("Paid channels", [r for r in lost if r.channel in paid], LOSS_COLOUR),
        ("Unpaid channels", [r for r in lost if r.channel not in paid], charts.MUTED),
    ):
        hover = [
            f"{percent(r.estimated_tracking_loss)} lost; from {count(r.survey_unattributed_answered)} unattributed "
            f"and {count(r.survey_tracked_answered)} tracked answers"
            for r in picked
        ]
        values = [r.estimated_tracking_loss for r in picked]
        data.append(charts.bar(label, [r.channel for r in picked], values, hover, colour))
    return Chart(
        id="tracking-loss",
        title="Tracking loss per channel, as the survey estimates it",
        data=data,
        layout=charts.layout(
            charts.axis("Channel", categoryorder="array", categoryarray=[r.channel for r in lost]),
            charts.axis("Customers untracked", ".0%"),
            barmode="relative",
        ),
        note="The share of each channel's customers the tracker missed, estimated from every signup of the data "
        "(pooled over the months). Uneven bars are why the attributed mix misleads.",
    )


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


def in_progress(rows: CacRows) -> date | None:
    """The month in progress among cac_monthly's months, as acquisition_kpi_monthly flags it."""
    return charts.month_in_progress((r["month_start"] for r in rows.default_model), rows.complete)


def cac_by_channel_chart(rows: CacRows, cac_rows: Sequence[dict[str, Any]]) -> Chart:
    """The CAC table's paid channels (page.cac_table: the month with the month before beside it) as bars."""
    paid = set(
        channels_in([r for r in rows.default_model if r["month_start"] in (rows.month, rows.month_before)], True)
    )
    table = [t for t in cac_rows if t["now"]["channel"] in paid]
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
    month = in_progress(rows)
    return charts.monthly_chart(
        "cac-trend",
        "Monthly coverage-adjusted CAC per channel",
        data,
        charts.layout(charts.month_axis(), charts.axis("Adjusted CAC (USD)", "$,.0f")),
        month,
        "Channels with spend. Open markers: a month that holds provisional days (spend that may still be "
        "restated)." + (" The shaded month is in progress." if month else ""),
    )


def spend_vs_customers_chart(rows: CacRows, colour_of: dict[str, str]) -> Chart:
    provisional = {r["month_start"] for r in rows.default_model if r["is_provisional"]}
    month = in_progress(rows)
    data = []
    for channel in channels_in(rows.default_model):
        if channel == UNATTRIBUTED:
            continue
        picked = [r for r in rows.default_model if r["channel"] == channel]
        hover = [
            f"{charts.month_label(r['month_start'], month)}"
            f"{' (provisional)' if r['month_start'] in provisional and r['month_start'] != month else ''}: "
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
        data.append(charts.lighter(trace, [r["month_start"] == month for r in picked]))
    # The x axis is spend, not months: the month in progress is named in a corner and its points drawn lighter.
    notes = [] if month is None else [charts.in_progress_note(month)]
    return Chart(
        id="spend-vs-customers",
        title="Spend against new paying customers, per channel and month",
        data=data,
        layout=charts.layout(
            charts.axis("Spend in the month (USD)", "$,.0f"), charts.axis("New paying customers"), annotations=notes
        ),
        note="One point per channel and month: further up for the same spend is cheaper. Open markers: provisional; "
        "lighter: the month in progress.",
        monthly=True,
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
    """A diagnostic, without a target: the KPI is CAC accuracy; coverage says how much the survey has to carry."""
    months = sorted({r["month_start"] for r in rows.default_model})
    monthly = {r["month_start"]: r["attribution_coverage"] for r in rows.default_model}
    weeks = weekly_coverage(rows.daily)
    month_values = [monthly.get(m) for m in months]
    week_values = [v for _, v, _ in weeks]
    data = [
        charts.line(
            "Weekly",
            [w.isoformat() for w, _, _ in weeks],
            week_values,
            [percent(v) for v in week_values],
            "#56B4E9",
            line={"color": "#56B4E9", "width": 1.5},
            marker={"color": "#56B4E9", "size": 5},
        ),
        charts.line(
            "Monthly",
            [m.isoformat() for m in months],
            month_values,
            [percent(v) for v in month_values],
            "#0072B2",
            marker={"color": "#0072B2", "size": 10},
        ),
    ]
    return charts.monthly_chart(
        "coverage",
        "Attribution coverage over time (a diagnostic)",
        data,
        charts.layout(
            charts.month_axis("Week or month starting"), charts.axis("Share with a channel", ".0%", range=[0, 1.05])
        ),
        in_progress(rows),
        "The share of new paying customers with a visit in their attribution window. The lower it is, the more "
        "the calibrated CAC rests on the survey; read the adjusted CAC with care.",
    )
