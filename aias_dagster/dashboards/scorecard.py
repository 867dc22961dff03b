"""The scorecard as the site and `aias demo` read it: one row per loop from `marts.loop_scorecard`.

It lives with the site, whose index page it is, and the scorecard group (scorecard/checks.py,
scorecard/report.py) reads it from here: dashboards is the page machinery every loop and the scorecard
import, so it imports none of them (docs/architecture.md, Layers).

The mart judges every status (macros/scorecard/scorecard_status.sql); nothing here judges again, so the
index and the mart can never disagree. What is here is reading the rows and saying them in words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg

from aias_dagster.dashboards.formatting import NOTHING, money, percent
from aias_dagster.platform.kpi import SIGNS, LoopKpi

SCORECARD_MART = "loop_scorecard"
STATUSES = ("green", "yellow", "red", "no_data")
STATUS_WORDS = {"green": "On target", "yellow": "Within 20 % of target", "red": "Off target", "no_data": "No data"}

SCORECARD_SQL = f"""
select loop_name, month_start, kpi, kpi_value, target, comparison, unit, status, detail, owner, data_as_of,
       original_delay_days, data_age_days
from marts.{SCORECARD_MART}
order by loop_order, loop_name
"""


@dataclass(frozen=True)
class ScorecardRow(LoopKpi):
    """One loop's line of the scorecard, as the mart holds it: its KPI (platform/kpi.py), and who owns it and
    how old the data behind it is."""

    owner: str
    data_as_of: date | None
    original_delay_days: str
    data_age_days: Decimal | None

    def to_record(self) -> dict[str, Any]:
        """JSON-able, exact: numbers as their decimal text, days in ISO."""
        return {
            k: v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v
            for k, v in asdict(self).items()
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ScorecardRow:
        def day(name: str) -> date | None:
            return date.fromisoformat(record[name]) if record.get(name) else None

        def number(name: str) -> Decimal | None:
            return Decimal(record[name]) if record.get(name) is not None else None

        return cls(
            loop=record["loop"],
            month_start=day("month_start"),
            owner=record["owner"],
            kpi=record["kpi"],
            value=number("value"),
            target=Decimal(record["target"]),
            comparison=record["comparison"],
            unit=record["unit"],
            status=record["status"],
            detail=record.get("detail"),
            data_as_of=day("data_as_of"),
            original_delay_days=record["original_delay_days"],
            data_age_days=number("data_age_days"),
        )


def read_scorecard(conn: psycopg.Connection) -> list[ScorecardRow]:
    return [ScorecardRow(*row) for row in conn.execute(SCORECARD_SQL).fetchall()]


def amount(value: Decimal | None, unit: str) -> str:
    """A value in its unit: a share as a percentage to a tenth ("95.1%"), USD to the dollar ("$1,204")."""
    if value is None:
        return NOTHING
    return percent(value) if unit == "share" else money(value)


def target_text(row: ScorecardRow) -> str:
    """The target as the data contract states it: ">= 90.0%", "> $1,000", "<= 5.0%"."""
    return f"{SIGNS[row.comparison]} {amount(row.target, row.unit)}"


def status_text(row: ScorecardRow) -> str:
    """The status in words; a loop without data says why there is no number."""
    if row.status != "no_data":
        return STATUS_WORDS[row.status]
    if row.data_as_of is None:
        return "No data: the loop's marts are empty"
    return "No data: no complete month with a value yet"
