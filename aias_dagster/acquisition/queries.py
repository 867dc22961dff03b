"""What the CAC page reads, from the marts, as rows: marts.cac_monthly, marts.metrics_daily, the calibrated
CAC's intervals (marts.cac_monthly_intervals, a Python asset), marts.cac_accuracy_monthly, and from the loop's
KPI mart and the scorecard (platform/kpi.py) the last complete month, the month in progress and CAC accuracy
against its target. No metric is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row

from aias_dagster.acquisition.calibration import INTERVALS_TABLE
from aias_dagster.platform.kpi import LoopKpi, complete_months, last_complete_month, loop_kpi
from aias_dagster.platform.months import month_before

DAILY_HISTORY_DAYS = 90  # the daily chart's span: enough to see a trend, small enough to load fast

_COLUMNS = """
    c.month_start, c.channel, c.spend_usd, c.new_paying_customers, c.new_paying_customers_adjusted,
    c.new_paying_customers_calibrated, c.paid_cac, c.paid_cac_adjusted, c.paid_cac_calibrated,
    c.estimated_tracking_loss, c.attribution_coverage, c.survey_tracked_answered,
    c.survey_unattributed_answered, c.month_unattributed_new_paying_customers, c.month_unattributed_answered,
    c.is_provisional
"""
WITH_INTERVALS_SQL = f"""
select {_COLUMNS}, i.paid_cac_low, i.paid_cac_high, i.new_paying_customers_low, i.new_paying_customers_high
from marts.cac_monthly as c
left join {INTERVALS_TABLE} as i
    on c.month_start = i.month_start and c.attribution_model = i.attribution_model and c.channel = i.channel
where c.is_default_model and c.channel <> 'unattributed'
order by c.month_start, c.spend_usd desc, c.channel
"""
WITHOUT_INTERVALS_SQL = f"""
select {_COLUMNS}, null, null, null, null
from marts.cac_monthly as c
where c.is_default_model and c.channel <> 'unattributed'
order by c.month_start, c.spend_usd desc, c.channel
"""


@dataclass(frozen=True)
class CalibratedCac:
    """One channel-month of the default attribution model: the three CACs, the interval, the evidence."""

    month_start: date
    channel: str
    spend_usd: Decimal
    new_paying_attributed: Decimal
    new_paying_attributed_mix: Decimal
    new_paying_calibrated: Decimal
    paid_cac: Decimal | None  # attributed customers only
    paid_cac_attributed_mix: Decimal | None  # unattributed apportioned by the attributed mix (comparison)
    paid_cac_calibrated: Decimal | None  # the headline
    estimated_tracking_loss: Decimal | None
    attribution_coverage: Decimal | None
    survey_tracked_answered: Decimal | None
    survey_unattributed_answered: Decimal | None
    month_unattributed: Decimal
    month_unattributed_answered: Decimal
    is_provisional: bool
    paid_cac_low: Decimal | None  # 95 % interval; None before the interval asset ran
    paid_cac_high: Decimal | None
    new_paying_low: Decimal | None
    new_paying_high: Decimal | None


def calibrated_cac(conn: psycopg.Connection) -> list[CalibratedCac]:
    """Every channel-month of the default model, oldest month first, the biggest spender first within it."""
    has_intervals = conn.execute("select to_regclass(%s) is not null", (INTERVALS_TABLE,)).fetchone()[0]  # type: ignore[index]
    rows = conn.execute(WITH_INTERVALS_SQL if has_intervals else WITHOUT_INTERVALS_SQL).fetchall()
    return [CalibratedCac(*row) for row in rows]


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

# The lever per paid channel: how wide its interval is, and about how many survey answers a month would bring it
# to the target (the mart's estimate: the square-root law of the bootstrap's spread).
ACCURACY_SQL = """
select channel, half_width_usd, half_width_share, survey_answers, target_half_width_share, survey_answers_for_target
from marts.cac_accuracy_monthly
where month_start = %s
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
    accuracy: list[Row] = field(default_factory=list)  # cac_accuracy_monthly, the last complete month
    kpi: LoopKpi | None = None  # the scorecard's row: CAC accuracy against its target
    complete: dict[date, bool] = field(default_factory=dict)  # every month -> complete (acquisition_kpi_monthly)


def read_rows(conn: psycopg.Connection) -> CacRows:
    with conn.cursor(row_factory=dict_row) as cur:
        (as_of,) = conn.execute(AS_OF_SQL).fetchone() or (None,)
        month = last_complete_month(conn, "acquisition")
        before = month_before(month) if month else None
        default_model = cur.execute(DEFAULT_MODEL_SQL).fetchall()
        models = cur.execute(MODELS_SQL, (month,)).fetchall() if month else []
        daily = cur.execute(DAILY_SQL, (DAILY_HISTORY_DAYS,)).fetchall()
        accuracy = cur.execute(ACCURACY_SQL, (month,)).fetchall() if month else []
    return CacRows(
        as_of,
        month,
        before,
        default_model,
        models,
        daily,
        tuple(calibrated_cac(conn)),
        accuracy,
        loop_kpi(conn, "acquisition"),
        complete_months(conn, "acquisition"),
    )
