"""The calibrated CAC as a page shows it: one plain function over the marts, no SQL in the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg

from aias_dagster.acquisition.calibration import INTERVALS_TABLE

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
