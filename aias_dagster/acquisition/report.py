"""CAC per channel for the last complete month, as `aias demo` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg

from aias_dagster.platform.kpi import last_complete_month, loop_kpi

MONTH_SQL = """
select month_start, channel, spend_usd, new_paying_customers, new_paying_customers_adjusted,
       paid_cac, paid_cac_adjusted, attribution_coverage, blended_cac, paid_cac_calibrated,
       estimated_tracking_loss
from marts.cac_monthly
where is_default_model and month_start = %s
order by spend_usd desc nulls last, channel
"""


@dataclass(frozen=True)
class ChannelCac:
    month_start: date
    channel: str
    spend_usd: Decimal | None
    new_paying: Decimal | None
    new_paying_adjusted: Decimal | None
    paid_cac: Decimal | None
    paid_cac_adjusted: Decimal | None
    coverage: Decimal | None
    blended_cac: Decimal | None
    paid_cac_calibrated: Decimal | None = None
    estimated_tracking_loss: Decimal | None = None


def last_complete_month_cac(conn: psycopg.Connection) -> list[ChannelCac]:
    month = last_complete_month(conn, "acquisition")
    return [ChannelCac(*row) for row in conn.execute(MONTH_SQL, (month,)).fetchall()] if month else []


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _count(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def format_cac(rows: list[ChannelCac]) -> str:
    """A table an analyst can read at a glance: the calibrated CAC, the attributed-mix one beside it, the loss."""
    if not rows:
        return "  no complete month of acquisition data yet"
    first = rows[0]
    coverage = "-" if first.coverage is None else f"{first.coverage:.1%}"
    lines = [
        f"  CAC by channel, {first.month_start:%B %Y} (last non-direct touch, 30-day lookback); "
        f"attribution coverage {coverage}, blended CAC {_money(first.blended_cac)} USD",
        f"  {'channel':<16}{'spend USD':>14}{'new paying':>12}{'paid CAC':>11}{'mix CAC':>11}{'cal. CAC':>11}"
        f"{'est. loss':>11}",
    ]
    for r in rows:
        loss = "-" if r.estimated_tracking_loss is None else f"{r.estimated_tracking_loss:.0%}"
        lines.append(
            f"  {r.channel:<16}{_money(r.spend_usd):>14}{_count(r.new_paying):>12}{_money(r.paid_cac):>11}"
            f"{_money(r.paid_cac_adjusted):>11}{_money(r.paid_cac_calibrated):>11}{loss:>11}"
        )
    lines.append(
        "  mix CAC: unattributed customers apportioned by the attributed mix; cal. CAC: by their answers to"
        " heard_about_us, corrected for the survey's confusion (docs/calibrated_cac.md)"
    )
    return "\n".join(lines)


def report(conn: psycopg.Connection) -> str:
    """The loop's summary for `aias demo` (registered in aias_dagster/platform/loops.py)."""
    kpi = loop_kpi(conn, "acquisition")
    return format_cac(last_complete_month_cac(conn)) + (f"\n  KPI: {kpi.describe()}" if kpi else "")
