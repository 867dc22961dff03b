"""Each loop's KPI as dbt defines it (marts.<loop>_kpi_monthly) and the scorecard judges it (marts.loop_scorecard).

The loops' asset checks, reports and pages read the value, the target, the status and "the last complete month"
from here; nothing in Python repeats a target or the month rule, so a new target in the versioned seed moves
the scorecard, the checks and the pages together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import dagster as dg
import psycopg
from psycopg import sql

from aias_dagster.platform.resources import WarehouseResource

SCORECARD = dg.AssetKey(["marts", "loop_scorecard"])
SIGNS = {"at_least": ">=", "more_than": ">", "at_most": "<="}
STATUS_WORDS = {"green": "on target", "yellow": "within 20 % of target", "red": "off target", "no_data": "no data"}

LOOP_KPI_SQL = """
select loop_name, month_start, kpi, kpi_value, target, comparison, unit, status, detail
from marts.loop_scorecard
where loop_name = %s
"""


def kpi_mart(loop: str) -> dg.AssetKey:
    """The loop's KPI mart, `marts/<loop>_kpi_monthly` (one model per loop, unioned by the scorecard)."""
    return dg.AssetKey(["marts", f"{loop}_kpi_monthly"])


@dataclass(frozen=True)
class LoopKpi:
    """A loop's KPI in its last complete month, as the scorecard holds it (rounded, judged)."""

    loop: str
    month_start: date | None
    kpi: str
    value: Decimal | None
    target: Decimal
    comparison: str  # at_least | more_than | at_most
    unit: str  # share | usd
    status: str  # green | yellow | red | no_data
    detail: str | None

    def amount(self, value: Decimal | None) -> str:
        if value is None:
            return "-"
        return f"{value:.1%}" if self.unit == "share" else f"{value:,.2f} USD"

    @property
    def target_text(self) -> str:
        """ ">= 90.0%", "> 1,000.00 USD", "<= 5.0%"."""
        return f"{SIGNS[self.comparison]} {self.amount(self.target)}"

    def meets(self, value: Decimal | None) -> bool | None:
        """Whether a value meets the target, by the KPI's comparison (None: no value)."""
        if value is None:
            return None
        if self.comparison == "at_most":
            return value <= self.target
        return value > self.target if self.comparison == "more_than" else value >= self.target

    @property
    def status_text(self) -> str:
        """ "on target", "off target", ...: the status as a page's tile says it."""
        return STATUS_WORDS[self.status]

    def describe(self) -> str:
        """ "CAC accuracy (widest 95 % interval) 31.2% in March 2026 (target <= 5.0%): off target"."""
        if self.month_start is None:
            return f"{self.kpi}: no complete month yet (target {self.target_text})"
        return (
            f"{self.kpi} {self.amount(self.value)} in {self.month_start:%B %Y} (target {self.target_text}): "
            f"{STATUS_WORDS[self.status]}" + (f"; {self.detail}" if self.detail else "")
        )


def loop_kpi(conn: psycopg.Connection, loop: str) -> LoopKpi | None:
    """The loop's row of the scorecard; None before the scorecard is built (a job that builds a loop's models
    alone, such as product's near-real-time one) or when the loop has no target."""
    (built,) = conn.execute("select to_regclass('marts.loop_scorecard') is not null").fetchone() or (False,)
    if not built:
        return None
    row = conn.execute(LOOP_KPI_SQL, (loop,)).fetchone()
    return None if row is None else LoopKpi(*row)


def last_complete_month(conn: psycopg.Connection, loop: str) -> date | None:
    """The loop's last complete month, as its KPI mart marks it (macros/scorecard/loop_kpi.sql)."""
    query = sql.SQL("select max(month_start) from marts.{} where is_complete_month").format(
        sql.Identifier(f"{loop}_kpi_monthly")
    )
    (month,) = conn.execute(query).fetchone() or (None,)
    return month


def complete_months(conn: psycopg.Connection, loop: str) -> dict[date, bool]:
    """Every month of the loop's data, and whether it is complete (False for the month in progress)."""
    query = sql.SQL("select month_start, is_complete_month from marts.{} order by month_start").format(
        sql.Identifier(f"{loop}_kpi_monthly")
    )
    return dict(conn.execute(query).fetchall())  # type: ignore[arg-type]


def kpi_result(kpi: LoopKpi | None) -> dg.AssetCheckResult:
    """Passes on target (green); warns otherwise, since the marts are still right and the loop has work to do."""
    if kpi is None or kpi.month_start is None:
        return dg.AssetCheckResult(passed=True, metadata={"month": "no complete month yet"})
    metadata = {
        "month": kpi.month_start.isoformat(),
        "value": float(kpi.value) if kpi.value is not None else None,
        "target": float(kpi.target),
        "comparison": kpi.comparison,
        "status": kpi.status,
    }
    return dg.AssetCheckResult(
        passed=kpi.status == "green",
        severity=dg.AssetCheckSeverity.WARN,
        description=kpi.describe(),
        metadata={name: value for name, value in metadata.items() if value is not None},
    )


def kpi_check(loop: str) -> dg.AssetChecksDefinition:
    """The loop's KPI of its last complete month against its target, on its KPI mart, after the scorecard."""

    @dg.asset_check(
        asset=kpi_mart(loop),
        name="kpi_meets_target",
        additional_deps=[SCORECARD],
        blocking=False,
        description=f"The {loop} loop's KPI in its last complete month against the target in force (the scorecard).",
    )
    def kpi_meets_target(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            return kpi_result(loop_kpi(conn, loop))

    return kpi_meets_target
