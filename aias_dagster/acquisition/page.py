"""The CAC dashboard: loop 1's page of the site, from queries.py's rows and charts.py's figures.

The headline is the loop's KPI, CAC accuracy of the last complete month against its target (the scorecard),
then the survey-calibrated CAC per paid channel with its 95 % interval and, per channel, about how many survey
answers a month would bring its interval to the target (the lever); then the default attribution model's CACs
of the last complete month beside the month before, their trend, and attribution coverage as a diagnostic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.acquisition import charts
from aias_dagster.acquisition.assets import INTERVALS
from aias_dagster.acquisition.charts import UNATTRIBUTED, channels_in, paid_of_month, provisional_days
from aias_dagster.acquisition.queries import CacRows, CalibratedCac, Row, read_rows
from aias_dagster.dashboards import charts as shared
from aias_dagster.dashboards.formatting import cac, percent, short_month
from aias_dagster.dashboards.page import Page, PageData

MODELS = ("first_touch", "last_touch", "last_non_direct", "linear")
MODEL_LABELS = {"first_touch": "First touch", "last_touch": "Last touch", "last_non_direct": "Last non-direct",
                "linear": "Linear"}  # fmt: skip


def rows_of_month(rows: Sequence[Row], month: date | None) -> list[Row]:
    """A month's channel rows, by spend (largest first), the unattributed bucket last."""
    picked = [r for r in rows if r["month_start"] == month]
    return sorted(picked, key=lambda r: (r["channel"] == UNATTRIBUTED, -r["spend_usd"], r["channel"]))


def cac_table(rows: CacRows) -> list[dict[str, Any]]:
    """The CAC table: each channel of the last complete month with its CACs of the month before beside them."""
    before = {r["channel"]: r for r in rows_of_month(rows.default_model, rows.month_before)}
    return [{"now": r, "before": before.get(r["channel"])} for r in rows_of_month(rows.default_model, rows.month)]


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


def calibrated_section(rows: CacRows) -> dict[str, Any]:
    """The calibrated table, its evidence, and the lever per paid channel (cac_accuracy_monthly), in spend order."""
    paid: list[CalibratedCac] = paid_of_month(rows.calibrated, rows.month)
    month = [r for r in rows.calibrated if r.month_start == rows.month]
    accuracy = {r["channel"]: r for r in rows.accuracy}
    return {
        "calibrated_rows": paid,
        "calibrated_evidence": (month[0].month_unattributed_answered, month[0].month_unattributed) if month else None,
        "has_intervals": any(r.paid_cac_low is not None for r in paid),
        "accuracy_rows": [accuracy[r.channel] for r in paid if r.channel in accuracy],
    }


def summary_line(rows: CacRows) -> str:
    totals = month_totals(rows.default_model, rows.month)
    if totals is None:
        return "No complete month of acquisition data yet."
    accuracy = (
        f", CAC accuracy ±{percent(rows.kpi.value)} (target {rows.kpi.target_text})"
        if rows.kpi and rows.kpi.month_start == rows.month and rows.kpi.value is not None
        else ""
    )
    return f"{short_month(rows.month)}: blended CAC {cac(totals['blended_cac'])}{accuracy}"


def page_data(rows: CacRows) -> PageData:
    """The page from the rows: its tables, tiles and figures (pure: tested on hand-made rows too)."""
    colour_of = shared.colours(channels_in([*rows.default_model, *rows.daily]))
    has_month = month_totals(rows.default_model, rows.month) is not None
    has_calibrated = has_month and bool(paid_of_month(rows.calibrated, rows.month))
    table = cac_table(rows)
    figures = (
        (
            *(
                (charts.calibrated_cac_chart(rows.calibrated, rows.month), charts.tracking_loss_chart(rows.calibrated))
                if has_calibrated
                else ()
            ),
            charts.cac_by_channel_chart(rows, table),
            charts.cac_trend_chart(rows, colour_of),
            charts.spend_vs_customers_chart(rows, colour_of),
            charts.daily_chart(rows, colour_of),
            charts.coverage_chart(rows),
        )
        if has_month
        else ()
    )
    return PageData(
        as_of=rows.as_of,
        summary=summary_line(rows),
        context={
            "month": rows.month,
            "month_before": rows.month_before,
            "kpi": rows.kpi,
            "totals": month_totals(rows.default_model, rows.month),
            "totals_before": month_totals(rows.default_model, rows.month_before),
            "cac_rows": table,
            "model_rows": model_table(rows),
            "models": [(m, MODEL_LABELS[m]) for m in MODELS],
            "default_model": next((r["attribution_model"] for r in rows.default_model), "last_non_direct"),
            "model_labels": MODEL_LABELS,
            "provisional_days": provisional_days(rows.daily),
            "unattributed": UNATTRIBUTED,
            **calibrated_section(rows),
        },
        charts=figures,
    )


def build(conn: psycopg.Connection) -> PageData:
    return page_data(read_rows(conn))


PAGE = Page(
    name="cac",
    title="Acquisition: CAC by channel",
    group="acquisition",
    marts=("cac_monthly", "metrics_daily", "cac_accuracy_monthly", "acquisition_kpi_monthly", "loop_scorecard"),
    build=build,
    template=Path(__file__).with_name("templates") / "cac.html.j2",
    description="CAC accuracy against its target; calibrated CAC per paid channel with its 95 % interval, the survey "
    "answers that would narrow it and the tracking loss per channel; paid and coverage-adjusted CAC per channel, "
    "its trend, attribution coverage and the attribution models.",
    # The intervals are a Python asset in the marts schema, not a dbt model: no exposure can name them.
    upstream=(INTERVALS.to_user_string(),),
)
