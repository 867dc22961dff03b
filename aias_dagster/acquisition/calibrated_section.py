"""The CAC page's calibrated section: the survey-calibrated CAC with its 95 % interval, beside the
attributed-mix estimate, the evidence it rests on and the tracking loss per channel as estimated.

Pure functions of `figures.calibrated_cac` rows, so each piece is tested on hand-made rows. The headline
of the section is the calibrated CAC: on a world whose tracking loses channels unevenly the attributed mix
can be off by a third (docs/calibrated_cac.md), and the interval says how far the calibrated one may be.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from aias_dagster.acquisition.figures import CalibratedCac
from aias_dagster.dashboards import charts
from aias_dagster.dashboards.formatting import cac, count, percent, short_month
from aias_dagster.dashboards.page import Chart

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


def month_evidence(rows: Sequence[CalibratedCac], month: date | None) -> tuple[Decimal, Decimal] | None:
    """(unattributed new paying customers who answered, all unattributed new paying customers) of the month."""
    picked = [r for r in rows if r.month_start == month]
    return (picked[0].month_unattributed_answered, picked[0].month_unattributed) if picked else None


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


def section(rows: Sequence[CalibratedCac], month: date | None) -> dict[str, Any]:
    """What the template's calibrated section reads, by name."""
    evidence = month_evidence(rows, month)
    paid = paid_of_month(rows, month)
    return {
        "calibrated_rows": paid,
        "calibrated_evidence": evidence,
        "has_intervals": any(r.paid_cac_low is not None for r in paid),
    }
